//! `rileva export`: completed responses (and, on request, drafts) as one
//! file each (`<uuid>.json`, or `<uuid>.xml` for OpenRosa), or one JSON object
//! per line on stdout. A response is marked exported only once its file is in
//! place (or stdout was flushed). Responses are read a batch at a time, in
//! the order they were stored: memory stays small at 100,000.

use super::out::json_text;
use super::{ExportFormat, FAILURE, Out, error, plural, reading_store};
use crate::app;
use crate::export;
use crate::store::{ResponseRow, Status, Store};
use crate::timefmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub(super) struct ExportOptions {
    pub out: Option<PathBuf>,
    pub all: bool,
    pub drafts: bool,
    pub format: ExportFormat,
}

/// Responses read at a time.
const BATCH: usize = 500;

/// Where the responses go.
enum Sink {
    Files {
        dir: PathBuf,
        extension: &'static str,
    },
    Lines,
}

/// What became of the responses so far.
#[derive(Default)]
struct Tally {
    written: usize,
    /// Responses that could not be read (their form is missing or broken).
    unreadable: usize,
    /// Written, and to be marked exported.
    to_mark: Vec<String>,
    /// The database cannot be written: nothing is marked.
    read_only: bool,
}

pub(super) fn export<W: Write>(
    data_dir: &Path,
    options: &ExportOptions,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let Some(mut store) = reading_store(data_dir)? else {
        return nothing(options.format, out);
    };
    let mut statuses = vec![Status::Complete];
    if options.all {
        statuses.push(Status::Exported);
    }
    if options.drafts {
        statuses.push(Status::Draft);
    }
    let sink = match options.format {
        ExportFormat::Json | ExportFormat::Xml => {
            let dir = options
                .out
                .clone()
                .unwrap_or_else(|| app::exports_dir(data_dir));
            // What a killed export left behind is no one's now.
            export::remove_stale_temps(&dir);
            let extension = if options.format == ExportFormat::Xml {
                "xml"
            } else {
                "json"
            };
            Sink::Files { dir, extension }
        }
        ExportFormat::Ndjson => Sink::Lines,
    };
    let mut tally = Tally {
        read_only: store.is_read_only(),
        ..Tally::default()
    };
    let mut forms = app::Forms::default();
    let mut cursor = None;
    loop {
        let (rows, next) = store
            .batch(&statuses, cursor, BATCH)
            .map_err(|e| e.to_string())?;
        if rows.is_empty() {
            break;
        }
        cursor = next;
        for row in rows {
            let Some(bytes) = render(&store, &mut forms, &row, options.format)? else {
                tally.unreadable += 1;
                continue;
            };
            match &sink {
                Sink::Files { dir, extension } => {
                    let name = format!("{}.{extension}", row.id);
                    let path = export::write_atomic(dir, &name, &bytes).map_err(|e| {
                        format!(
                            "cannot write {}: {e} ({} written before this one)",
                            dir.join(&name).display(),
                            plural(tally.written, "response was", "responses were")
                        )
                    })?;
                    out.line(&path.display().to_string());
                }
                Sink::Lines => {
                    out.line(&String::from_utf8_lossy(&bytes));
                    if let Some(e) = out.error.take() {
                        error(&format!(
                            "standard output failed before every response was written ({e}); none was marked exported"
                        ));
                        return Ok(FAILURE);
                    }
                }
            }
            tally.written += 1;
            if row.status != Status::Draft {
                tally.to_mark.push(row.id);
            }
        }
        // Files are in place: mark them as each batch ends (an interruption
        // never marks an unwritten one). Lines are marked once all are out.
        if matches!(sink, Sink::Files { .. }) {
            mark(&mut store, &mut tally)?;
        }
    }
    if tally.written == 0 && tally.unreadable == 0 {
        return nothing(options.format, out);
    }
    match &sink {
        Sink::Files { dir, .. } => out.line(&format!(
            "exported {} to {}",
            plural(tally.written, "response", "responses"),
            dir.display()
        )),
        Sink::Lines => {
            out.flush();
            if let Some(e) = out.error.take() {
                error(&format!(
                    "standard output failed before every response was written ({e}); none was marked exported"
                ));
                return Ok(FAILURE);
            }
            mark(&mut store, &mut tally)?;
            let _ = writeln!(
                io::stderr().lock(),
                "exported {} to standard output",
                plural(tally.written, "response", "responses")
            );
        }
    }
    if tally.read_only {
        error("the database is read-only: the responses were written but not marked exported");
    }
    if tally.unreadable > 0 {
        error(&format!(
            "{} could not be read (see above); {} exported",
            plural(tally.unreadable, "response", "responses"),
            tally.written
        ));
        return Ok(FAILURE);
    }
    Ok(0)
}

fn nothing<W: Write>(format: ExportFormat, out: &mut Out<W>) -> Result<u8, String> {
    match format {
        ExportFormat::Json | ExportFormat::Xml => out.line("nothing to export"),
        // stdout carries only responses in ndjson mode.
        ExportFormat::Ndjson => {
            let _ = writeln!(io::stderr().lock(), "nothing to export");
        }
    }
    Ok(0)
}

/// One response in the export's format; `None` (said on stderr) when it
/// cannot be read.
fn render(
    store: &Store,
    forms: &mut app::Forms,
    row: &ResponseRow,
    format: ExportFormat,
) -> Result<Option<Vec<u8>>, String> {
    let filling = match forms.filling(store, row, app::clock_for(row)) {
        Ok(f) => f,
        Err(e) => {
            error(&format!("response {} skipped: {e}", row.id));
            return Ok(None);
        }
    };
    Ok(Some(match format {
        ExportFormat::Xml => export::xml::response_xml(&filling, row).into_bytes(),
        ExportFormat::Json => {
            let mut text = json_text(&export::response_json(&filling, row), true)?;
            text.push('\n');
            text.into_bytes()
        }
        ExportFormat::Ndjson => {
            json_text(&export::response_json(&filling, row), false)?.into_bytes()
        }
    }))
}

/// Marks what was written as exported, unless the database is read-only.
fn mark(store: &mut Store, tally: &mut Tally) -> Result<(), String> {
    if tally.read_only || tally.to_mark.is_empty() {
        tally.to_mark.clear();
        return Ok(());
    }
    store
        .mark_exported(&tally.to_mark, &timefmt::now_rfc3339())
        .map_err(|e| {
            format!(
                "{} written but not marked exported: {e}",
                plural(tally.to_mark.len(), "response was", "responses were")
            )
        })?;
    tally.to_mark.clear();
    Ok(())
}
