//! `rileva export`: completed responses (and, on request, drafts) as one
//! file each (`<uuid>.json`, or `<uuid>.xml` for OpenRosa), or one JSON object
//! per line on stdout (`app::export` does the work). A response is marked
//! exported only once its file is in place (or stdout was flushed).

use super::{ExportFormat, FAILURE, Out, error, plural, reading_store};
use crate::app::export::{self as job, ExportError, Format, Mark, Progress};
use crate::app::{self, LoadError};
use crate::store::{ResponseRow, Status};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub(super) struct ExportOptions {
    pub out: Option<PathBuf>,
    pub all: bool,
    pub drafts: bool,
    pub format: ExportFormat,
    pub audit: bool,
    /// The csv format's options.
    pub tables: crate::export::csv::Options,
}

/// Prints each file as it is written, and says which could not be read.
struct Report<'a, W: Write> {
    out: &'a mut Out<W>,
    /// The responses written (for their audit logs, with --audit).
    ids: Vec<String>,
}

impl<W: Write> Progress for Report<'_, W> {
    fn written(&mut self, row: &ResponseRow, path: Option<&Path>, _: usize, _: usize) {
        if let Some(p) = path {
            self.out.line(&p.display().to_string());
            self.ids.push(row.id.clone());
        }
    }

    fn unreadable(&mut self, row: &ResponseRow, e: &LoadError) {
        error(&format!("response {} skipped: {e}", row.id));
    }
}

pub(super) fn export<W: Write>(
    data_dir: &Path,
    options: &ExportOptions,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let Some(mut store) = reading_store(data_dir)? else {
        return nothing(options.format, out);
    };
    if matches!(options.format, ExportFormat::Csv | ExportFormat::Xlsx) {
        return tables(&store, data_dir, options, out);
    }
    let mut statuses = vec![Status::Complete];
    if options.all {
        statuses.push(Status::Exported);
    }
    if options.drafts {
        statuses.push(Status::Draft);
    }
    if job::total(&store, &statuses).map_err(|e| e.to_string())? == 0 {
        return nothing(options.format, out);
    }
    let stopped = "standard output failed before every response was written";
    let result = match options.format {
        ExportFormat::Csv | ExportFormat::Xlsx => return tables(&store, data_dir, options, out),
        ExportFormat::Json | ExportFormat::Xml => {
            let format = if options.format == ExportFormat::Xml {
                Format::Xml
            } else {
                Format::Json
            };
            let dir = options
                .out
                .clone()
                .unwrap_or_else(|| app::exports_dir(data_dir));
            let mut report = Report {
                out,
                ids: Vec::new(),
            };
            let tally = job::to_files(&mut store, &statuses, format, &dir, &mut report)
                .map_err(|e| e.to_string())?;
            if options.audit {
                let written =
                    job::audit_files(&store, &report.ids, &dir).map_err(|e| e.to_string())?;
                for p in written {
                    report.out.line(&p.display().to_string());
                }
            }
            let out = report.out;
            out.line(&format!(
                "exported {} to {}",
                plural(tally.written, "response", "responses"),
                dir.display()
            ));
            tally
        }
        ExportFormat::Ndjson => {
            // Lines go to stdout (line-buffered: each is out when written);
            // they are marked once all are, so a reader that stops early
            // (`| head -1`) marks none.
            let result = job::run(
                &mut store,
                &statuses,
                Format::Ndjson,
                Mark::AtEnd,
                &mut Report {
                    out: &mut Out::new(io::sink()),
                    ids: Vec::new(),
                },
                // A stream carries no files: the lines name them.
                &mut |_, bytes, _| {
                    out.line(&String::from_utf8_lossy(bytes));
                    match out.error.take() {
                        Some(e) => Err(ExportError::Stopped(format!("{stopped} ({e})"))),
                        None => Ok(None),
                    }
                },
                // Each line is out when written (stdout is line-buffered).
                &mut || Ok(()),
            );
            match result {
                Ok(tally) => {
                    let _ = writeln!(
                        io::stderr().lock(),
                        "exported {} to standard output",
                        plural(tally.written, "response", "responses")
                    );
                    tally
                }
                Err(ExportError::Stopped(why)) => {
                    error(&format!("{why}; none was marked exported"));
                    return Ok(FAILURE);
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    };
    if result.read_only {
        error("the database is read-only: the responses were written but not marked exported");
    }
    for m in &result.missing_files {
        error(&format!(
            "response {m}: the file is not in the data directory's media folder; the response was exported without it"
        ));
    }
    if !result.missing_files.is_empty() {
        return Ok(FAILURE);
    }
    if result.unreadable > 0 {
        error(&format!(
            "{} could not be read (see above); {} exported",
            plural(result.unreadable, "response", "responses"),
            result.written
        ));
        return Ok(FAILURE);
    }
    Ok(0)
}

/// `--format csv` and `xlsx`: the tables of every completed (and
/// exported; with --drafts, draft) response, none marked exported.
fn tables<W: Write>(
    store: &crate::store::Store,
    data_dir: &Path,
    options: &ExportOptions,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let mut statuses = vec![Status::Complete, Status::Exported];
    if options.drafts {
        statuses.push(Status::Draft);
    }
    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| app::exports_dir(data_dir));
    let sheets = if options.format == ExportFormat::Xlsx {
        crate::app::tables::Sheets::Xlsx
    } else {
        crate::app::tables::Sheets::Csv
    };
    let tally = crate::app::tables::write(store, &statuses, &dir, &options.tables, sheets)
        .map_err(|e| e.to_string())?;
    let tables = if sheets == crate::app::tables::Sheets::Xlsx {
        ("workbook", "workbooks")
    } else {
        ("table", "tables")
    };
    for f in &tally.files {
        out.line(&f.display().to_string());
    }
    out.line(&format!(
        "wrote {} of {} to {}",
        plural(tally.files.len(), tables.0, tables.1),
        plural(tally.responses, "response", "responses"),
        dir.display()
    ));
    for (id, why) in &tally.unreadable {
        error(&format!("response {id} skipped: {why}"));
    }
    Ok(if tally.unreadable.is_empty() {
        0
    } else {
        FAILURE
    })
}

fn nothing<W: Write>(format: ExportFormat, out: &mut Out<W>) -> Result<u8, String> {
    match format {
        ExportFormat::Json | ExportFormat::Xml | ExportFormat::Csv | ExportFormat::Xlsx => {
            out.line("nothing to export")
        }
        // stdout carries only responses in ndjson mode.
        ExportFormat::Ndjson => {
            let _ = writeln!(io::stderr().lock(), "nothing to export");
        }
    }
    Ok(0)
}
