//! `rileva import [--form FILE] DATA [--commit] [--as-drafts]`: responses
//! keyed elsewhere, judged row by row by the engine (see `crate::import`).
//!
//! The file is read twice and never held whole: once to check that it can be
//! used at all and to count its rows (so nothing is written for a file that
//! is broken half-way), then a row at a time: each row judged, reported and,
//! with `--commit`, written. Without `--commit` it is a dry run: nothing is
//! created, not even the data directory. With it, the valid rows (and with
//! `--as-drafts` the others, as drafts) are created in short transactions
//! (see `run`), so that a TUI on the same data directory saves its answers
//! in between. Like `export`, it takes no directory lock. Ctrl-C stops it
//! after the row being read, with what was judged written and a last line
//! that says what was created.
//!
//! A row already in the database (same id, or same key: see
//! `import::Judged::key`) is never created twice: the same file imported
//! again, or again after an interruption, creates only what is missing.

mod progress;
mod run;

use super::{LangArg, Out, error, existing_store, form_problem, plural};
use crate::engine::{Clock, MetaInfo};
use crate::form::{self, FormBundle};
use crate::import::{self, Context, Judge, Mapping, Stop};
use crate::store::{self, Store};
use crate::text::sanitize;
use progress::Progress;
use run::Run;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub(super) struct ImportOptions {
    pub form: Option<PathBuf>,
    pub data: PathBuf,
    pub commit: bool,
    pub as_drafts: bool,
    pub lang: LangArg,
}

/// Operator name for imported responses when none was set in the TUI.
const OPERATOR: &str = "import";

pub(super) fn import<W: Write>(
    data_dir: &Path,
    o: &ImportOptions,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let shown = o.data.display().to_string();
    if crate::app::bundle::is_bundle(&o.data) {
        return super::send::import_bundle(data_dir, &o.data, o.commit, out);
    }
    let format = import::Format::of_path(&o.data).ok_or_else(|| {
        format!("{shown}: unknown kind of data file: use .csv, .json, .ndjson or .jsonl, or a bundle (rileva bundle)")
    })?;
    let open = || {
        File::open(&o.data)
            .map(BufReader::new)
            .map_err(|e| format!("cannot read {shown}: {e}"))
    };
    let input = open()?;
    let (bundle, form) = load_form(o.form.as_deref())?;
    let rows = import::scan(format, input).map_err(|e| format!("{shown}: {e}"))?;

    // A dry run creates nothing; --commit creates the data directory and
    // database if needed.
    let mut store = if o.commit {
        store::ensure_dir(data_dir).map_err(|e| e.to_string())?;
        Some(Store::open(data_dir).map_err(|e| e.to_string())?)
    } else {
        existing_store(data_dir)?
    };
    let e = |e: store::StoreError| e.to_string();
    let operator = match &store {
        Some(s) => s.operator().map_err(e)?,
        None => None,
    }
    .unwrap_or_else(|| OPERATOR.to_string());
    let device_id = match &store {
        Some(s) if o.commit => s.device_id().map_err(e)?,
        Some(s) => s.setting("device_id").map_err(e)?.unwrap_or_default(),
        None => String::new(),
    };
    let judge = Judge::new(
        form.clone(),
        Context {
            clock: Clock::System,
            meta: MetaInfo {
                device_id: device_id.clone(),
                username: operator.clone(),
                ..MetaInfo::default()
            },
            language: o.lang.to_tui().code().to_string(),
        },
    );

    let version = if form.version.is_empty() {
        String::new()
    } else {
        format!(" version {}", form.version)
    };
    out.line(&sanitize(
        &format!(
            "{shown}: {} for the form {}{version}",
            plural(rows, "row", "rows"),
            form.id
        ),
        false,
    ));
    let source = o
        .data
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let progress = Progress::new(rows, if o.commit { "importing" } else { "checking" });
    let mut run = Run::new(
        judge,
        store.as_mut(),
        (&bundle, &form),
        run::Who {
            operator,
            device_id,
            source,
            files_dir: o
                .data
                .parent()
                .map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf),
        },
        o,
        &progress,
    );
    let signals = Interrupt::watch();
    let streamed = import::stream(format, open()?, &form, |row| {
        if signals.happened() {
            return Err(INTERRUPTED.to_string());
        }
        run.row(row, out)
    });
    // The rows judged before a file that broke off, or before an interrupt,
    // are written too; after a failed write, nothing more is tried.
    let flushed = match &streamed {
        Err(Stop::Handler(e)) if e != INTERRUPTED => Ok(()),
        _ => run.flush(out),
    };
    progress.finish();
    drop(signals);
    let mapping = match (streamed, flushed) {
        (Ok(mapping), Ok(())) => mapping,
        (Err(Stop::Handler(e)), _) | (_, Err(e)) => return Err(run.stopped(&e)),
        (Err(Stop::File(e)), Ok(())) => return Err(run.stopped(&format!("{shown}: {e}"))),
    };
    report_mapping(&mapping, out);
    let counts = run.counts();
    if !o.commit {
        let then = if o.as_drafts {
            "--commit imports the valid rows and keeps the others as drafts"
        } else {
            "--commit imports the valid rows"
        };
        out.line(&format!(
            "dry run, nothing was written: {}; {then}",
            counts.summary()
        ));
        return Ok(finish(&counts, &mapping, o.commit));
    }
    let skipped = if o.as_drafts { 0 } else { counts.invalid };
    out.line(&format!(
        "created {} complete, {}; skipped {skipped} not valid; {} already imported",
        counts.complete,
        plural(counts.drafts, "draft", "drafts"),
        counts.already
    ));
    for line in run.settle()? {
        out.line(&line);
    }
    Ok(finish(&counts, &mapping, o.commit))
}

/// Why an import stops at Ctrl-C (or SIGTERM).
const INTERRUPTED: &str = "interrupted";

/// Ctrl-C and SIGTERM while an import runs: the first stops it after the
/// row being read (what was judged is written, and the last line says what
/// was done); a second ends the process at once, as without this.
struct Interrupt {
    flag: Arc<AtomicBool>,
    ids: Vec<signal_hook::SigId>,
}

impl Interrupt {
    fn watch() -> Interrupt {
        let flag = Arc::new(AtomicBool::new(false));
        let mut ids = Vec::new();
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // In this order: the shutdown sees the flag the first one sets.
            // Without the handlers the signal still ends the import, just
            // without the last line: nothing is lost either way.
            if let Ok(id) =
                signal_hook::flag::register_conditional_shutdown(signal, 2, flag.clone())
            {
                ids.push(id);
            }
            if let Ok(id) = signal_hook::flag::register(signal, flag.clone()) {
                ids.push(id);
            }
        }
        Interrupt { flag, ids }
    }

    fn happened(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// The form: a file, or the embedded questionnaire. A form with problems
/// cannot take responses: one line, with the first problem.
fn load_form(path: Option<&Path>) -> Result<(FormBundle, Arc<form::Form>), String> {
    let (file, loaded) = match path {
        Some(p) => {
            let file = p.display().to_string();
            if let Err(e) = std::fs::read(p) {
                return Err(format!("cannot read {file}: {e}"));
            }
            (file, form::load_path(p))
        }
        None => ("the embedded form".to_string(), form::load_default()),
    };
    match loaded {
        Ok((bundle, form)) => Ok((bundle, Arc::new(form))),
        Err(errors) => {
            let first = errors
                .first()
                .map(|e| form_problem(&file, e))
                .unwrap_or_else(|| file.clone());
            let more = if errors.len() > 1 {
                let n = errors.len() - 1;
                format!(
                    " (and {n} more {}: see `rileva validate {file}`)",
                    if n == 1 { "problem" } else { "problems" }
                )
            } else {
                String::new()
            };
            Err(format!("the form cannot take responses: {first}{more}"))
        }
    }
}

/// The columns or keys left out, each once, with the rows that lost a value
/// (known only now that every row was read).
fn report_mapping<W: Write>(mapping: &Mapping, out: &mut Out<W>) {
    let mut ignored: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for i in &mapping.ignored {
        ignored.entry(i.why.as_str()).or_default().push(&i.name);
    }
    for (why, names) in ignored {
        out.line(&sanitize(
            &format!("ignored {}s ({why}): {}", mapping.unit, names.join(", ")),
            false,
        ));
    }
    for r in &mapping.refused {
        out.line(&sanitize(
            &format!(
                "{} \"{}\" {}: its values are not imported ({})",
                mapping.unit,
                r.name,
                r.reason,
                plural(r.rows, "row", "rows")
            ),
            false,
        ));
    }
}

/// 0 when every row is valid (or already imported) and every column or key
/// was mapped; else 1, with one line on stderr.
fn finish(counts: &run::Counts, mapping: &Mapping, commit: bool) -> u8 {
    let mut parts = Vec::new();
    if counts.invalid > 0 {
        parts.push(format!(
            "{} of {} {} not valid",
            counts.invalid,
            plural(counts.rows, "row", "rows"),
            if counts.invalid == 1 { "is" } else { "are" }
        ));
    }
    if !mapping.refused.is_empty() {
        parts.push(format!(
            "{} not in the form",
            plural(
                mapping.refused.len(),
                mapping.unit,
                &format!("{}s", mapping.unit)
            ),
        ));
    }
    if parts.is_empty() {
        return 0;
    }
    let what = if commit { "" } else { "; dry run" };
    error(&format!("{}{what} (see above)", parts.join("; ")));
    1
}
