//! XLSForm files as questionnaires: one loader per container (`workbook.rs`
//! for .xlsx/.xlsm/.xls/.ods through calamine, `text.rs` for pyxform's .csv
//! and .md), all giving one `Workbook`; then pyxform's reading rules
//! (`reader.rs`, `survey.rs`, `columns.rs`, `types.rs`, `params.rs`) turn it
//! into the native `FormDoc`, which `compile_doc` checks like any native form.
//!
//! A feature outside what rileva supports is refused with an
//! `ErrorKind::Unsupported` error naming the sheet, row, column and feature;
//! it is never read wrongly in silence. `docs/xlsform.md` lists the
//! decisions: what is supported, refused, and ignored.

mod cells;
mod columns;
mod guard;
mod loops;
mod params;
mod reader;
mod settings;
mod survey;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_checks;
mod text;
mod types;
pub mod workbook;

pub use reader::{Reading, read as read_workbook};
pub use workbook::{Row, Sheet, Workbook};

use super::{ErrorKind, Form, FormBundle, FormError, compile_doc};
use std::collections::BTreeMap;
use std::path::Path;

/// The XLSForm containers rileva reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// .xlsx and .xlsm
    Xlsx,
    Xls,
    Ods,
    /// pyxform's CSV layout
    Csv,
    /// pyxform's Markdown tables
    Md,
}

impl Format {
    /// The format of a file by its extension (any case); `None` for other
    /// files (`.json` is the native format).
    pub fn of_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "xlsx" | "xlsm" => Format::Xlsx,
            "xls" => Format::Xls,
            "ods" => Format::Ods,
            "csv" => Format::Csv,
            "md" => Format::Md,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Format::Xlsx => ".xlsx",
            Format::Xls => ".xls",
            Format::Ods => ".ods",
            Format::Csv => "CSV",
            Format::Md => "Markdown",
        }
    }
}

/// A file's bytes as a workbook. `Err` says why the file cannot be read as
/// that format at all.
pub fn workbook(bytes: &[u8], format: Format) -> Result<Workbook, String> {
    use workbook::SpreadsheetKind as K;
    let text = || std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string());
    match format {
        Format::Xlsx => workbook::read_spreadsheet(bytes, K::Xlsx),
        Format::Xls => workbook::read_spreadsheet(bytes, K::Xls),
        Format::Ods => workbook::read_spreadsheet(bytes, K::Ods),
        Format::Csv => text::read_csv(text()?),
        Format::Md => text::read_md(text()?),
    }
    .map_err(|e| format!("cannot read the file as a {} XLSForm: {e}", format.name()))
}

/// Where an XLSForm comes from, for [`read_bytes`] and [`load_bytes`].
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub bytes: &'a [u8],
    pub format: Format,
    /// The form id when the settings give none (pyxform takes the file name).
    pub stem: &'a str,
    /// How the file is named in messages.
    pub shown: &'a str,
    /// The root element's name when the settings give none (pyxform's
    /// `form_name`); `None` for `data`.
    pub form_name: Option<&'a str>,
}

/// Reads an XLSForm file's bytes into a native document and its problems.
pub fn read_bytes(src: Source<'_>) -> Reading {
    let shown = src.shown;
    match workbook(src.bytes, src.format) {
        Ok(wb) => {
            let id = if src.stem.is_empty() {
                "data"
            } else {
                src.stem
            };
            reader::read(&wb, id, shown, src.form_name)
        }
        Err(e) => Reading {
            doc: super::native::FormDoc {
                format: super::native::FORMAT.into(),
                settings: Default::default(),
                languages: Vec::new(),
                survey: Vec::new(),
                choices: BTreeMap::new(),
            },
            files: Vec::new(),
            problems: vec![FormError::new(shown, e)],
        },
    }
}

/// Reads, converts and compiles an XLSForm file; the CSV files its
/// `select_*_from_file` questions name are read from beside it.
pub fn load_path(path: &Path) -> Result<(FormBundle, Form), Vec<FormError>> {
    let shown = path.display().to_string();
    let Some(format) = Format::of_path(path) else {
        return Err(vec![FormError::new(&shown, "not an XLSForm file")]);
    };
    let bytes = std::fs::read(path)
        .map_err(|e| vec![FormError::new(&shown, format!("cannot read the form: {e}"))])?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("data");
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let files = move |name: &str| -> Option<Result<String, String>> {
        let file = dir.join(name);
        match std::fs::read(&file) {
            Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
                format!(
                    "{}: the file is not UTF-8 text; save it as UTF-8 CSV",
                    file.display()
                )
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(Err(format!(
                "{}: cannot read the file named by the form: {e}",
                file.display()
            ))),
        }
    };
    let src = Source {
        bytes: &bytes,
        format,
        stem,
        shown: &shown,
        form_name: None,
    };
    load_bytes(src, &files)
}

/// [`load_path`] on bytes already read, with the attached files given by
/// `files` by name: `None` when there is no such file (the problem is then
/// reported at the question that names it), `Err` for one that cannot be read.
pub fn load_bytes(
    src: Source<'_>,
    files: &dyn Fn(&str) -> Option<Result<String, String>>,
) -> Result<(FormBundle, Form), Vec<FormError>> {
    let shown = src.shown;
    let reading = read_bytes(src);
    let mut problems = reading.problems;
    let mut bundle = FormBundle {
        definition: String::new(),
        files: BTreeMap::new(),
    };
    for name in &reading.files {
        if !super::bundle::is_plain_file_name(name) {
            continue; // compile_doc reports it
        }
        match files(name) {
            Some(Ok(text)) => {
                bundle.files.insert(name.clone(), text);
            }
            Some(Err(e)) => problems.push(FormError::new(shown, e)),
            None => {} // compile_doc reports it where the file is named
        }
    }
    // A file that is not a workbook has no document worth compiling.
    if problems.len() == 1 && problems[0].location == shown && reading.doc.survey.is_empty() {
        return Err(problems);
    }
    bundle.definition = serde_json::to_string_pretty(&reading.doc).unwrap_or_default();
    bundle.definition.push('\n');
    match compile_doc(&reading.doc, &bundle) {
        Ok(form) if problems.is_empty() => Ok((bundle, form)),
        Ok(_) => Err(in_sheet_order(problems)),
        Err(more) => {
            // The reader's problems (refused or unknown rows, left out of the
            // document) are why such a form seems to have nothing to fill.
            let reader_found = !problems.is_empty();
            problems.extend(
                more.into_iter()
                    .filter(|e| !(reader_found && e.kind == ErrorKind::NothingToFill)),
            );
            Err(in_sheet_order(problems))
        }
    }
}

/// Problems in the order a reader of the workbook meets them: the file's
/// own, then by sheet (survey, choices, settings, others) and row. Those of a
/// row keep the order they were found in.
fn in_sheet_order(mut problems: Vec<FormError>) -> Vec<FormError> {
    fn key(location: &str) -> (u8, usize) {
        for unit in [", row ", ", line "] {
            if let Some((sheet, rest)) = location.split_once(unit) {
                let n = rest
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(0);
                let rank = match sheet.to_lowercase().as_str() {
                    "survey" => 1,
                    "choices" => 2,
                    "settings" => 3,
                    _ => 4,
                };
                return (rank, n);
            }
        }
        (0, 0)
    }
    problems.sort_by_key(|p| key(&p.location));
    problems
}
