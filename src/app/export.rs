//! Exporting responses, for the command line and for the screens (in the
//! background lane): every response with the given statuses, read a batch
//! at a time in the order they were stored, each rendered from the one walk
//! (`export`), handed to a sink, and marked exported once it is safely out.

use super::{Forms, LoadError, clock_for};
use crate::engine::Filling;
use crate::export;
use crate::form::Form;
use crate::store::{Reader, ResponseRow, Status, Store, StoreError};
use crate::timefmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Where rendered responses go: takes one, returns the file it wrote (if
/// it writes files).
pub type Sink<'a> = dyn FnMut(&ResponseRow, &[u8]) -> Result<Option<PathBuf>, ExportError> + 'a;

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
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Writes every response with `statuses` to `dir` as one file each, marking
/// them exported batch by batch (drafts are never marked). What a killed
/// export left in `dir` is removed first.
pub fn to_files(
    store: &mut Store,
    statuses: &[Status],
    format: Format,
    dir: &Path,
    progress: &mut dyn Progress,
) -> Result<Tally, ExportError> {
    export::remove_stale_temps(dir);
    let mut written = 0usize;
    run(
        store,
        statuses,
        format,
        Mark::EachBatch,
        progress,
        &mut |row, bytes| {
            let name = format!("{}.{}", row.id, format.extension());
            let path = export::write_atomic(dir, &name, bytes).map_err(|e| ExportError::Write {
                path: dir.join(&name).display().to_string(),
                reason: e.to_string(),
                written,
            })?;
            written += 1;
            Ok(Some(path))
        },
    )
}

/// Goes through the responses with `statuses`, rendering each in `format`
/// and handing it to `sink` (which returns where it put it, if a file).
pub fn run(
    store: &mut Store,
    statuses: &[Status],
    format: Format,
    mark: Mark,
    progress: &mut dyn Progress,
    sink: &mut Sink<'_>,
) -> Result<Tally, ExportError> {
    let total = total(store, statuses)?;
    let mut tally = Tally {
        read_only: store.is_read_only(),
        ..Tally::default()
    };
    let mut forms = Forms::default();
    let mut to_mark: Vec<String> = Vec::new();
    // A read-only connection per core (none where the store has no file to
    // open again, a read-only directory: then all is read here).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut readers: Vec<Reader> = match threads {
        1 => Vec::new(),
        n => (0..n).map_while(|_| store.reader().ok()).collect(),
    };
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
        let rendered = render_all(store, &mut readers, &read, format);
        for ((row, _), bytes) in read.iter().zip(rendered) {
            if progress.stop() {
                // Files in place are marked; a stream's lines never are.
                if mark == Mark::EachBatch {
                    mark_exported(store, &mut to_mark, &tally)?;
                }
                return Err(ExportError::Stopped(format!(
                    "stopped after {} of {total}",
                    tally.written
                )));
            }
            let bytes = match bytes {
                Ok(b) => b,
                Err(e) => {
                    tally.unreadable += 1;
                    progress.unreadable(row, &e);
                    continue;
                }
            };
            let path = sink(row, &bytes)?;
            tally.written += 1;
            progress.written(row, path.as_deref(), tally.written, total);
            if row.status != Status::Draft {
                to_mark.push(row.id.clone());
            }
        }
        if mark == Mark::EachBatch {
            mark_exported(store, &mut to_mark, &tally)?;
        }
    }
    mark_exported(store, &mut to_mark, &tally)?;
    Ok(tally)
}

/// A response to render: its row, and its form or why it has none.
type Read = (ResponseRow, Result<Arc<Form>, LoadError>);

/// Reads the answers of `read` and renders them, in order: on each reader's
/// thread when there are several (the engine's work for one response is
/// independent of the others'), else here.
fn render_all(
    store: &Store,
    readers: &mut [Reader],
    read: &[Read],
    format: Format,
) -> Vec<Result<Vec<u8>, LoadError>> {
    let render_one = |(row, form): &Read, answers: Vec<(String, String)>| {
        let form = form.as_ref().map_err(Clone::clone)?;
        let filling = Filling::to_read(form.clone(), answers, clock_for(row), &row.language);
        Ok(render(&filling, row, format))
    };
    let here = |rows: &[Read]| -> Vec<Result<Vec<u8>, LoadError>> {
        rows.iter()
            .map(|r| {
                let answers = store.answers(&r.0.id)?;
                render_one(r, answers)
            })
            .collect()
    };
    if readers.len() < 2 || read.len() < 32 {
        return here(read);
    }
    let part = |reader: &mut Reader, part: &[Read]| -> Vec<Result<Vec<u8>, LoadError>> {
        let ids: Vec<&str> = part.iter().map(|(row, _)| row.id.as_str()).collect();
        match reader.answers_of(&ids) {
            Ok(all) => part
                .iter()
                .zip(all)
                .map(|(r, a)| render_one(r, a))
                .collect(),
            Err(e) => part
                .iter()
                .map(|_| Err(LoadError::Store(e.clone())))
                .collect(),
        }
    };
    let chunk = read.len().div_ceil(readers.len());
    std::thread::scope(|scope| {
        let parts: Vec<_> = readers
            .iter_mut()
            .zip(read.chunks(chunk))
            .map(|(reader, rows)| {
                let spawned = std::thread::Builder::new()
                    .name("rileva-render".into())
                    .spawn_scoped(scope, move || part(reader, rows));
                (spawned, rows)
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|(spawned, rows)| match spawned {
                // A panic in a worker is a bug: carry it on here.
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                // No thread to be had: that part here.
                Err(_) => here(rows),
            })
            .collect()
    })
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
