//! `rileva export`: completed responses (and, on request, drafts) as one
//! file each (`<uuid>.json`, or `<uuid>.xml` for OpenRosa), or one JSON object
//! per line on stdout. A response is marked exported only once its file is in
//! place (or stdout was flushed).

use super::{ExportFormat, FAILURE, Out, error, existing_store, plural};
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

pub(super) fn export<W: Write>(
    data_dir: &Path,
    options: &ExportOptions,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let nothing = |out: &mut Out<W>| {
        match options.format {
            ExportFormat::Json | ExportFormat::Xml => out.line("nothing to export"),
            // stdout carries only responses in ndjson mode.
            ExportFormat::Ndjson => {
                let _ = writeln!(io::stderr().lock(), "nothing to export");
            }
        }
        Ok(0)
    };
    let Some(mut store) = existing_store(data_dir)? else {
        return nothing(out);
    };
    let mut statuses = vec![Status::Complete];
    if options.all {
        statuses.push(Status::Exported);
    }
    if options.drafts {
        statuses.push(Status::Draft);
    }
    let mut rows = store.list(&statuses).map_err(|e| e.to_string())?;
    if rows.is_empty() {
        return nothing(out);
    }
    // Oldest first, so that files and lines come in a stable order.
    rows.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.id.cmp(&b.id))
    });

    let mut forms = app::Forms::default();
    let mut skipped = 0usize;
    let mut responses: Vec<(Vec<u8>, ResponseRow)> = Vec::with_capacity(rows.len());
    for row in rows {
        match forms.filling(&store, &row, app::clock_for(&row)) {
            Ok(filling) => {
                let bytes = match options.format {
                    ExportFormat::Xml => export::xml::response_xml(&filling, &row).into_bytes(),
                    ExportFormat::Json => {
                        let mut bytes =
                            serde_json::to_vec_pretty(&export::response_json(&filling, &row))
                                .map_err(|e| format!("cannot write JSON: {e}"))?;
                        bytes.push(b'\n');
                        bytes
                    }
                    ExportFormat::Ndjson => {
                        serde_json::to_vec(&export::response_json(&filling, &row))
                            .map_err(|e| format!("cannot write JSON: {e}"))?
                    }
                };
                responses.push((bytes, row));
            }
            Err(e) => {
                error(&format!("response {} skipped: {e}", row.id));
                skipped += 1;
            }
        }
    }
    let done = match options.format {
        ExportFormat::Json | ExportFormat::Xml => {
            let dir = options
                .out
                .clone()
                .unwrap_or_else(|| app::exports_dir(data_dir));
            let extension = if options.format == ExportFormat::Xml {
                "xml"
            } else {
                "json"
            };
            export_files(&mut store, &dir, extension, &responses, out)?
        }
        ExportFormat::Ndjson => match export_lines(&mut store, &responses, out)? {
            Some(n) => n,
            None => return Ok(FAILURE),
        },
    };
    if skipped > 0 {
        error(&format!(
            "{} could not be exported (see above); {} exported",
            plural(skipped, "response", "responses"),
            done
        ));
        return Ok(FAILURE);
    }
    Ok(0)
}

/// One file per response, `<uuid>.<extension>`; each is marked exported as
/// soon as its file is safely renamed into place, so an interruption never
/// marks an unwritten one.
fn export_files<W: Write>(
    store: &mut Store,
    dir: &Path,
    extension: &str,
    responses: &[(Vec<u8>, ResponseRow)],
    out: &mut Out<W>,
) -> Result<usize, String> {
    let mut written = 0usize;
    for (bytes, row) in responses {
        let name = format!("{}.{extension}", row.id);
        let path = export::write_atomic(dir, &name, bytes).map_err(|e| {
            format!(
                "cannot write {}: {e} ({} written before this one)",
                dir.join(&name).display(),
                plural(written, "response was", "responses were")
            )
        })?;
        if row.status != Status::Draft {
            store
                .mark_exported(std::slice::from_ref(&row.id), &timefmt::now_rfc3339())
                .map_err(|e| {
                    format!(
                        "{} was written but not marked exported: {e}",
                        path.display()
                    )
                })?;
        }
        out.line(&path.display().to_string());
        written += 1;
    }
    out.line(&format!(
        "exported {} to {}",
        plural(written, "response", "responses"),
        dir.display()
    ));
    Ok(written)
}

/// One compact JSON object per line on stdout. Responses are marked exported
/// only after stdout was flushed without error; `None` when it was not.
fn export_lines<W: Write>(
    store: &mut Store,
    responses: &[(Vec<u8>, ResponseRow)],
    out: &mut Out<W>,
) -> Result<Option<usize>, String> {
    let mut ids = Vec::new();
    for (line, row) in responses {
        out.line(&String::from_utf8_lossy(line));
        if out.error.is_some() {
            break;
        }
        if row.status != Status::Draft {
            ids.push(row.id.clone());
        }
    }
    out.flush();
    if let Some(e) = out.error.take() {
        error(&format!(
            "standard output failed before every response was written ({e}); none was marked exported"
        ));
        return Ok(None);
    }
    store
        .mark_exported(&ids, &timefmt::now_rfc3339())
        .map_err(|e| format!("the responses were written but not marked exported: {e}"))?;
    let _ = writeln!(
        io::stderr().lock(),
        "exported {} to standard output",
        plural(responses.len(), "response", "responses")
    );
    Ok(Some(responses.len()))
}
