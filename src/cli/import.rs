//! `rileva import [--form FILE] DATA [--commit] [--as-drafts]`: responses
//! keyed elsewhere, judged row by row by the engine (see `crate::import`).
//!
//! Without `--commit` it is a dry run: nothing is created, not even the data
//! directory. With it, the valid rows (and with `--as-drafts` the others, as
//! drafts) are created in one transaction. Like `export`, it takes no
//! directory lock: SQLite transactions make it safe beside a running TUI.
//!
//! A row already in the database (same id, or same key: see
//! `import::Judged::key`) is never created twice.

use super::{LangArg, Out, error, existing_store, form_problem, plural};
use crate::engine::{Clock, MetaInfo};
use crate::form::{self, FormBundle};
use crate::import::{self, Context, Judge, Judged, Note, Source};
use crate::store::{self, Imported, ImportedResponse, Status, Store, Summary};
use crate::text::sanitize;
use crate::timefmt;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(super) struct ImportOptions {
    pub form: Option<PathBuf>,
    pub data: PathBuf,
    pub commit: bool,
    pub as_drafts: bool,
    pub lang: LangArg,
}

/// Operator name for imported responses when none was set in the TUI.
const OPERATOR: &str = "import";

/// What becomes of a row.
enum Fate {
    New,
    /// Already in the database, as this response.
    Already(String),
    /// The same id as an earlier row of this file.
    SameAs(usize),
}

pub(super) fn import<W: Write>(
    data_dir: &Path,
    o: &ImportOptions,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let shown = o.data.display().to_string();
    let format = import::Format::of_path(&o.data).ok_or_else(|| {
        format!("{shown}: unknown kind of data file: use .csv, .json, .ndjson or .jsonl")
    })?;
    let bytes = std::fs::read(&o.data).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let (bundle, form) = load_form(o.form.as_deref())?;
    let source = import::read(format, &bytes, &form).map_err(|e| format!("{shown}: {e}"))?;

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

    let mut judge = Judge::new(
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
    let judged: Vec<Judged> = source.rows.iter().map(|r| judge.row(r)).collect();
    let fates = fates(store.as_ref(), &judged)?;

    report_file(&shown, &form, &source, out);
    let mut counts = Counts::default();
    for (j, fate) in judged.iter().zip(&fates) {
        match fate {
            Fate::Already(id) => {
                counts.already += 1;
                out.line(&format!(
                    "row {}: already imported (response {id})",
                    j.number
                ));
            }
            Fate::SameAs(first) => {
                counts.already += 1;
                out.line(&format!(
                    "row {}: the same response (same id) as row {first}: skipped",
                    j.number
                ));
            }
            Fate::New => {
                if j.is_valid() {
                    counts.valid += 1;
                } else {
                    counts.invalid += 1;
                }
                for n in &j.problems {
                    out.line(&sanitize(&note_line(j.number, n, ""), false));
                }
                for n in &j.warnings {
                    out.line(&sanitize(&note_line(j.number, n, "warning: "), false));
                }
            }
        }
    }

    if !o.commit {
        let then = if o.as_drafts {
            "--commit imports the valid rows and keeps the others as drafts"
        } else {
            "--commit imports the valid rows"
        };
        out.line(&format!(
            "dry run, nothing was written: {}; {then}",
            counts.summary(judged.len())
        ));
        return Ok(finish(&counts, &source, judged.len(), o.commit));
    }

    let Some(store) = store.as_mut() else {
        return Err("the database was not opened".into());
    };
    let at = timefmt::now_rfc3339();
    let mut pending: Vec<(String, Status, Summary, &Judged)> = Vec::new();
    for (j, fate) in judged.iter().zip(&fates) {
        if !matches!(fate, Fate::New) || !(j.is_valid() || o.as_drafts) {
            continue;
        }
        let id =
            j.id.clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let status = if j.is_valid() {
            Status::Complete
        } else {
            Status::Draft
        };
        pending.push((id, status, j.summary.clone(), j));
    }
    let source_name = o
        .data
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let items: Vec<ImportedResponse<'_>> = pending
        .iter()
        .map(|(id, status, summary, j)| ImportedResponse {
            id,
            deprecated_id: j.deprecated_id.as_deref(),
            status: *status,
            operator: &operator,
            device_id: &device_id,
            language: &j.language,
            summary,
            answers: &j.answers,
            source_key: &j.key,
            source: &source_name,
        })
        .collect();
    let outcomes = if items.is_empty() {
        Vec::new()
    } else {
        store
            .import_responses(&bundle, &form, &items, &at)
            .map_err(|e| format!("nothing was imported: {e}"))?
    };
    let (mut complete, mut drafts) = (0usize, 0usize);
    for ((_, status, _, j), outcome) in pending.iter().zip(&outcomes) {
        match outcome {
            Imported::Created if *status == Status::Complete => complete += 1,
            Imported::Created => drafts += 1,
            Imported::AlreadyThere(id) => {
                out.line(&format!(
                    "row {}: already imported (response {id}), by an import at the same time",
                    j.number
                ));
                counts.already += 1;
                if j.is_valid() {
                    counts.valid -= 1;
                } else {
                    counts.invalid -= 1;
                }
            }
        }
    }
    let skipped = if o.as_drafts { 0 } else { counts.invalid };
    out.line(&format!(
        "created {complete} complete, {}; skipped {skipped} not valid; {} already imported",
        plural(drafts, "draft", "drafts"),
        counts.already
    ));
    Ok(finish(&counts, &source, judged.len(), o.commit))
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

/// Per row: new, already in the database, or a repeat of an earlier row's id.
fn fates(store: Option<&Store>, judged: &[Judged]) -> Result<Vec<Fate>, String> {
    let e = |e: store::StoreError| e.to_string();
    let mut first_with: HashMap<&str, usize> = HashMap::new();
    let mut fates = Vec::with_capacity(judged.len());
    for j in judged {
        if let Some(id) = j.id.as_deref() {
            if let Some(&row) = first_with.get(id) {
                fates.push(Fate::SameAs(row));
                continue;
            }
            first_with.insert(id, j.number);
        }
        let Some(store) = store else {
            fates.push(Fate::New);
            continue;
        };
        let fate = match j.id.as_deref() {
            Some(id) if store.response_exists(id).map_err(e)? => Fate::Already(id.to_string()),
            _ => match store.imported_as(&j.key).map_err(e)? {
                Some(id) => Fate::Already(id),
                None => Fate::New,
            },
        };
        fates.push(fate);
    }
    Ok(fates)
}

/// What the file is, and its columns or keys left out, each once.
fn report_file<W: Write>(shown: &str, form: &form::Form, source: &Source, out: &mut Out<W>) {
    let version = if form.version.is_empty() {
        String::new()
    } else {
        format!(" version {}", form.version)
    };
    out.line(&sanitize(
        &format!(
            "{shown}: {} for the form {}{version}",
            plural(source.rows.len(), "row", "rows"),
            form.id
        ),
        false,
    ));
    let mut ignored: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for i in &source.ignored {
        ignored.entry(i.why.as_str()).or_default().push(&i.name);
    }
    for (why, names) in ignored {
        out.line(&sanitize(
            &format!("ignored {}s ({why}): {}", source.unit, names.join(", ")),
            false,
        ));
    }
    for r in &source.refused {
        out.line(&sanitize(
            &format!(
                "{} \"{}\" {}: its values are not imported ({})",
                source.unit,
                r.name,
                r.reason,
                plural(r.rows, "row", "rows")
            ),
            false,
        ));
    }
}

fn note_line(row: usize, n: &Note, prefix: &str) -> String {
    match &n.field {
        Some(f) => format!("row {row}, field {f}: {prefix}{}", n.message),
        None => format!("row {row}: {prefix}{}", n.message),
    }
}

#[derive(Default)]
struct Counts {
    valid: usize,
    invalid: usize,
    already: usize,
}

impl Counts {
    fn summary(&self, rows: usize) -> String {
        format!(
            "{}: {} valid, {} not valid, {} already imported",
            plural(rows, "row", "rows"),
            self.valid,
            self.invalid,
            self.already
        )
    }
}

/// 0 when every row is valid (or already imported) and every column or key
/// was mapped; else 1, with one line on stderr.
fn finish(counts: &Counts, source: &Source, rows: usize, commit: bool) -> u8 {
    let mut parts = Vec::new();
    if counts.invalid > 0 {
        parts.push(format!(
            "{} of {} {} not valid",
            counts.invalid,
            plural(rows, "row", "rows"),
            if counts.invalid == 1 { "is" } else { "are" }
        ));
    }
    if !source.refused.is_empty() {
        parts.push(format!(
            "{} not in the form",
            plural(
                source.refused.len(),
                source.unit,
                &format!("{}s", source.unit)
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
