//! Exporting responses, for the command line and for the screens (in the
//! background lane): every response with the given statuses, read a batch
//! at a time in the order they were stored, each rendered from the one walk
//! (`export`), handed to a sink, and marked exported once it is safely out.

use super::render::{Read, Renderers};
use super::{Forms, LoadError};
use crate::engine::Filling;
use crate::export;
use crate::store::{ResponseRow, Status, Store, StoreError};
use crate::timefmt;
use std::path::{Path, PathBuf};

/// The formats a response is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `<uuid>.json`, rileva-response/1, pretty.
    Json,
    /// `<uuid>.xml`, the OpenRosa submission.
    Xml,
    /// One compact JSON object per line.
    Ndjson,
}

impl ExportError {
    /// The error in the interface's language.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        match (self, lang) {
            (ExportError::Store(e), _) => e.text(lang),
            (_, Lang::En) => self.to_string(),
            (
                ExportError::Write {
                    path,
                    reason,
                    written,
                },
                Lang::It,
            ) => {
                format!("impossibile scrivere {path}: {reason} ({written} scritte prima)")
            }
            (ExportError::NotMarked { written, error }, Lang::It) => format!(
                "{written} scritte ma non segnate come esportate: {}",
                error.text(lang)
            ),
            (ExportError::Stopped(why), Lang::It) => format!("interrotta ({why})"),
        }
    }
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
            Format::Ndjson => "ndjson",
        }
    }
}

/// When what was written is marked exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// As each batch ends: its files are in place (an interruption never
    /// marks an unwritten one).
    EachBatch,
    /// Once everything is out (a stream a reader may stop reading).
    AtEnd,
}

/// Why an export stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {reason} ({written} written before it)")]
    Write {
        path: String,
        reason: String,
        written: usize,
    },
    #[error("{written} written but not marked exported: {error}")]
    NotMarked { written: usize, error: StoreError },
    /// The sink stopped taking responses (a reader closed the pipe): none of
    /// those written since the last mark is marked.
    #[error("{0}")]
    Stopped(String),
}

/// What an export did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub written: usize,
    /// Responses that could not be read (their form missing or broken).
    pub unreadable: usize,
    /// The database cannot be written: what was written is not marked.
    pub read_only: bool,
    /// Files responses name that the data directory does not have
    /// (`response id: name`): each response went out without its file.
    pub missing_files: Vec<String>,
}

/// Progress as it goes: written so far, out of `total`.
pub trait Progress {
    fn written(&mut self, row: &ResponseRow, path: Option<&Path>, done: usize, total: usize);
    fn unreadable(&mut self, row: &ResponseRow, error: &LoadError);
    /// Whether to stop before the next response (rileva is leaving).
    fn stop(&self) -> bool {
        false
    }
}

/// Responses read at a time.
const BATCH: usize = 500;

/// Where rendered responses go: takes one (and the names of the files it
/// carries), returns the file it wrote (if it writes files).
pub type Sink<'a> =
    dyn FnMut(&ResponseRow, &[u8], &[String]) -> Result<Option<PathBuf>, ExportError> + 'a;

/// How many responses an export with these statuses goes through.
pub fn total(store: &Store, statuses: &[Status]) -> Result<usize, StoreError> {
    let c = store.counts()?;
    let n: i64 = statuses
        .iter()
        .map(|s| match s {
            Status::Draft => c.draft,
            Status::Complete => c.complete,
            Status::Exported => c.exported,
        })
        .sum();
    Ok(usize::try_from(n - store.held(statuses)?).unwrap_or(0))
}

/// Writes every response with `statuses` to `dir` as one file each, with
/// the files it carries beside it (their names are their content, so two
/// responses with the same file share one copy), marking them exported
/// batch by batch (drafts are never marked). What a killed export left in
/// `dir` is removed first.
pub fn to_files(
    store: &mut Store,
    statuses: &[Status],
    format: Format,
    dir: &Path,
    progress: &mut dyn Progress,
) -> Result<Tally, ExportError> {
    export::remove_stale_temps(dir);
    let failed = |path: String, e: std::io::Error, written: usize| ExportError::Write {
        path,
        reason: e.to_string(),
        written,
    };
    // Files renamed since the last settle (which makes them durable).
    let unsettled = std::cell::Cell::new(0usize);
    let mut written = 0usize;
    let media = store.media_dir();
    let missing = std::cell::RefCell::new(Vec::new());
    let mut sink = |row: &ResponseRow, bytes: &[u8], files: &[String]| {
        for file in files {
            if !media.join(file).is_file() {
                missing.borrow_mut().push(format!("{}: {file}", row.id));
                continue;
            }
            copy_attachment(&media, dir, file)
                .map_err(|e| failed(dir.join(file).display().to_string(), e, written))?;
        }
        let name = format!("{}.{}", row.id, format.extension());
        let path = export::write_renamed(dir, &name, bytes)
            .map_err(|e| failed(dir.join(&name).display().to_string(), e, written))?;
        written += 1;
        unsettled.set(unsettled.get() + 1);
        Ok(Some(path))
    };
    // The renames of a batch are made durable at once, before it is marked.
    let mut settle = || {
        if unsettled.replace(0) == 0 {
            return Ok(());
        }
        export::sync_dir(dir).map_err(|e| failed(dir.display().to_string(), e, 0))
    };
    let mut tally = run(
        store,
        statuses,
        format,
        Mark::EachBatch,
        progress,
        &mut sink,
        &mut settle,
    )?;
    tally.missing_files = missing.take();
    Ok(tally)
}

/// Copies an attached file from the media folder into `dir`, unless a
/// file of that name (the same content) is there already.
fn copy_attachment(media: &Path, dir: &Path, name: &str) -> std::io::Result<()> {
    let Some(name) = crate::form::values::file_name(name) else {
        return Err(std::io::Error::other("not a file name"));
    };
    let target = dir.join(&name);
    if target.is_file() {
        return Ok(());
    }
    let bytes = std::fs::read(media.join(&name))?;
    export::write_renamed(dir, &name, &bytes).map(|_| ())
}

/// The root element of a response's instance, which the audit log's nodes
/// start from; "data" (pyxform's) when its form cannot be read.
pub fn audit_root(store: &Store, forms: &mut crate::app::Forms, id: &str) -> String {
    store
        .response(id)
        .ok()
        .flatten()
        .and_then(|row| forms.get(store, &row).ok())
        .map_or_else(|| "data".to_string(), |f| f.root_name.clone())
}

/// Writes the audit log of each response `ids` names beside its export, as
/// `<uuid>.audit.csv`, made durable at once. Returns the files written.
pub fn audit_files(store: &Store, ids: &[String], dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    let failed = |path: String, e: std::io::Error, written: usize| ExportError::Write {
        path,
        reason: e.to_string(),
        written,
    };
    let mut written = Vec::with_capacity(ids.len());
    let mut forms = crate::app::Forms::default();
    for id in ids {
        let rows = store.audit_log(id)?;
        let root = audit_root(store, &mut forms, id);
        let name = format!("{id}.audit.csv");
        let path = export::write_renamed(dir, &name, &export::audit::audit_csv(&rows, &root))
            .map_err(|e| failed(dir.join(&name).display().to_string(), e, written.len()))?;
        written.push(path);
    }
    export::sync_dir(dir).map_err(|e| failed(dir.display().to_string(), e, written.len()))?;
    Ok(written)
}

/// Goes through the responses with `statuses`, rendering each in `format`
/// and handing it to `sink` (which returns where it put it, if a file);
/// `settle` makes what the sink wrote durable, before each mark.
pub fn run(
    store: &mut Store,
    statuses: &[Status],
    format: Format,
    mark: Mark,
    progress: &mut dyn Progress,
    sink: &mut Sink<'_>,
    settle: &mut dyn FnMut() -> Result<(), ExportError>,
) -> Result<Tally, ExportError> {
    let total = total(store, statuses)?;
    let mut tally = Tally {
        read_only: store.is_read_only(),
        ..Tally::default()
    };
    let mut forms = Forms::default();
    let mut to_mark: Vec<String> = Vec::new();
    let mut renderers = Renderers::start(store, format);
    let mut cursor = None;
    loop {
        let (rows, next) = store.batch(statuses, cursor, BATCH)?;
        if rows.is_empty() {
            break;
        }
        cursor = next;
        // The forms here (compiled once each); the answers read and the
        // responses rendered on every core; handed out in order.
        let read: Vec<Read> = rows
            .into_iter()
            .map(|row| {
                let form = forms.get(store, &row);
                (row, form)
            })
            .collect();
        for (row, bytes) in renderers.render(store, read) {
            let row = &row;
            if progress.stop() {
                // Files in place are marked; a stream's lines never are.
                if mark == Mark::EachBatch {
                    settle()?;
                    mark_exported(store, &mut to_mark, &tally)?;
                }
                return Err(ExportError::Stopped(format!(
                    "stopped after {} of {total}",
                    tally.written
                )));
            }
            let (bytes, files) = match bytes {
                Ok(b) => b,
                Err(e) => {
                    tally.unreadable += 1;
                    progress.unreadable(row, &e);
                    continue;
                }
            };
            let path = sink(row, &bytes, &files)?;
            tally.written += 1;
            progress.written(row, path.as_deref(), tally.written, total);
            if row.status != Status::Draft {
                to_mark.push(row.id.clone());
            }
        }
        if mark == Mark::EachBatch {
            settle()?;
            mark_exported(store, &mut to_mark, &tally)?;
        }
    }
    settle()?;
    mark_exported(store, &mut to_mark, &tally)?;
    Ok(tally)
}

/// One response in a format.
pub fn render(filling: &Filling, row: &ResponseRow, format: Format) -> Vec<u8> {
    match format {
        Format::Xml => export::xml::response_xml(filling, row).into_bytes(),
        Format::Json => {
            let mut text = export::json::response_text(filling, row, true);
            text.push('\n');
            text.into_bytes()
        }
        Format::Ndjson => export::json::response_text(filling, row, false).into_bytes(),
    }
}

fn mark_exported(
    store: &mut Store,
    ids: &mut Vec<String>,
    tally: &Tally,
) -> Result<(), ExportError> {
    if tally.read_only || ids.is_empty() {
        ids.clear();
        return Ok(());
    }
    store
        .mark_exported(ids, &timefmt::now_rfc3339())
        .map_err(|error| ExportError::NotMarked {
            written: ids.len(),
            error,
        })?;
    ids.clear();
    Ok(())
}
