//! The tables of `rileva export --format csv` and `--format xlsx`: every
//! response with the given statuses, read a batch at a time, its rows
//! (`export::csv`) put in its form's tables, one set of CSV files (or one
//! workbook of sheets) per form definition. Each file is written whole
//! under a temporary name and renamed into place at the end;
//! nothing is marked exported (tables are read again and again by
//! analysts; the file exports keep their own state).

use super::{Forms, LoadError, clock_for};
use crate::engine::Filling;
use crate::export::{self, csv::Layout, csv::Options};
use crate::store::{ResponseRow, Status, Store, StoreError};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the tables could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

/// What the tables hold.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TablesTally {
    pub responses: usize,
    /// Responses whose form could not be read (said, and left out).
    pub unreadable: Vec<(String, String)>,
    /// The files written, in order.
    pub files: Vec<PathBuf>,
}

/// Where the tables go: a CSV file each, or a sheet each of one workbook
/// per form definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheets {
    Csv,
    Xlsx,
}

/// The rows of a sheet, its header's included.
const XLSX_ROWS: u32 = 1_048_576;

/// One form definition's tables being written.
struct Set {
    layout: Layout,
    sink: Sink,
}

enum Sink {
    /// (temporary file, final file, writer) per table.
    Csv(Vec<(PathBuf, PathBuf, ::csv::Writer<std::fs::File>)>),
    /// The workbook's file name, its sheets, and the next row of each.
    Xlsx {
        file: String,
        book: Box<rust_xlsxwriter::Workbook>,
        next: Vec<u32>,
    },
}

/// Writes the tables of every response with `statuses` into `dir`. On an
/// error no half-written table is left behind (a table already renamed
/// into place is whole).
pub fn write(
    store: &Store,
    statuses: &[Status],
    dir: &Path,
    options: &Options,
    sheets: Sheets,
) -> Result<TablesTally, TablesError> {
    let mut temps = Vec::new();
    let result = write_all(store, statuses, dir, options, sheets, &mut temps);
    if result.is_err() {
        for t in temps {
            let _ = std::fs::remove_file(t);
        }
    }
    result
}

fn failed(path: &Path, e: &dyn std::fmt::Display) -> TablesError {
    TablesError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

fn write_all(
    store: &Store,
    statuses: &[Status],
    dir: &Path,
    options: &Options,
    sheets: Sheets,
    temps: &mut Vec<PathBuf>,
) -> Result<TablesTally, TablesError> {
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, &e))?;
    let mut forms = Forms::default();
    let mut sets: HashMap<String, Set> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut stems: HashMap<String, Vec<String>> = HashMap::new();
    let mut tally = TablesTally::default();
    let mut cursor = None;
    loop {
        let (rows, next) = store.batch(statuses, cursor, 500)?;
        if rows.is_empty() {
            break;
        }
        cursor = next;
        for row in rows {
            let form = match forms.get(store, &row) {
                Ok(f) => f,
                Err(e) => {
                    tally.unreadable.push((row.id.clone(), e.to_string()));
                    continue;
                }
            };
            if !sets.contains_key(&row.form_sha256) {
                let stem = stem_for(&mut stems, &row);
                let layout = Layout::of(&form, &stem, options.clone());
                let sink = match sheets {
                    Sheets::Csv => csv_sink(&layout, dir, temps)?,
                    Sheets::Xlsx => xlsx_sink(&layout, &stem, dir)?,
                };
                order.push(row.form_sha256.clone());
                sets.insert(row.form_sha256.clone(), Set { layout, sink });
            }
            let answers = match store.answers(&row.id) {
                Ok(a) => a,
                Err(e) => {
                    tally
                        .unreadable
                        .push((row.id.clone(), LoadError::from(e).to_string()));
                    continue;
                }
            };
            let filling = Filling::to_read(form, answers, clock_for(&row), &row.language);
            let present = filling
                .attachments()
                .iter()
                .filter(|n| store.media_file(n).is_some())
                .count();
            let Some(set) = sets.get_mut(&row.form_sha256) else {
                continue;
            };
            for (t, cells) in set.layout.rows(&filling, &row, present) {
                put(set, t, &cells, dir)?;
            }
            tally.responses += 1;
        }
    }
    for sha in order {
        let Some(set) = sets.remove(&sha) else {
            continue;
        };
        match set.sink {
            Sink::Csv(writers) => {
                for (temp, target, w) in writers {
                    let mut file = w.into_inner().map_err(|e| failed(&temp, &e.error()))?;
                    file.flush().map_err(|e| failed(&temp, &e))?;
                    file.sync_all().map_err(|e| failed(&temp, &e))?;
                    std::fs::rename(&temp, &target).map_err(|e| failed(&target, &e))?;
                    tally.files.push(target);
                }
            }
            Sink::Xlsx { file, mut book, .. } => {
                let target = dir.join(&file);
                let bytes = book.save_to_buffer().map_err(|e| failed(&target, &e))?;
                let target =
                    export::write_renamed(dir, &file, &bytes).map_err(|e| failed(&target, &e))?;
                tally.files.push(target);
            }
        }
    }
    export::sync_dir(dir).map_err(|e| failed(dir, &e))?;
    Ok(tally)
}

/// A CSV file per table, each begun with its header under a temporary name.
fn csv_sink(layout: &Layout, dir: &Path, temps: &mut Vec<PathBuf>) -> Result<Sink, TablesError> {
    let mut writers = Vec::new();
    for (t, file) in layout.files().into_iter().enumerate() {
        let target = dir.join(file);
        let temp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
        temps.push(temp.clone());
        let mut w = ::csv::Writer::from_path(&temp).map_err(|e| failed(&temp, &e))?;
        w.write_record(layout.header(t))
            .map_err(|e| failed(&temp, &e))?;
        writers.push((temp, target, w));
    }
    Ok(Sink::Csv(writers))
}

/// One workbook, `stem.xlsx`, a sheet per table named as its CSV file
/// would be (without `.csv`, within Excel's 31 characters, never twice),
/// its header in bold and frozen.
fn xlsx_sink(layout: &Layout, stem: &str, dir: &Path) -> Result<Sink, TablesError> {
    let file = format!("{stem}.xlsx");
    let target = dir.join(&file);
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut names: Vec<String> = Vec::new();
    for (t, name) in layout.files().into_iter().enumerate() {
        let sheet = book.add_worksheet();
        let name = sheet_name(name.strip_suffix(".csv").unwrap_or(name), &names);
        sheet.set_name(&name).map_err(|e| failed(&target, &e))?;
        names.push(name);
        for (c, h) in layout.header(t).iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| failed(&target, &e))?;
            sheet
                .write_string_with_format(0, c, h, &bold)
                .map_err(|e| failed(&target, &e))?;
        }
        sheet
            .set_freeze_panes(1, 0)
            .map_err(|e| failed(&target, &e))?;
    }
    let next = vec![1; names.len()];
    Ok(Sink::Xlsx {
        file,
        book: Box::new(book),
        next,
    })
}

/// A sheet name Excel takes: none of `[]:*?/\`, at most 31 characters,
/// not one already used (a `~N` ending when it would be).
fn sheet_name(wanted: &str, used: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(&clean, 31);
    let mut n = 1;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        n += 1;
        let tail = format!("~{n}");
        name = format!("{}{tail}", cut(&clean, 31 - tail.chars().count()));
    }
    name
}

/// One row into table `t`: a CSV record, or a sheet's next row (numbers
/// as numbers where the column holds them).
fn put(set: &mut Set, t: usize, cells: &[String], dir: &Path) -> Result<(), TablesError> {
    match &mut set.sink {
        Sink::Csv(writers) => {
            if let Some((temp, _, w)) = writers.get_mut(t) {
                w.write_record(cells).map_err(|e| failed(temp, &e))?;
            }
        }
        Sink::Xlsx { file, book, next } => {
            let target = dir.join(file.as_str());
            let (Some(row), Ok(sheet)) = (next.get_mut(t), book.worksheet_from_index(t)) else {
                return Ok(());
            };
            if *row >= XLSX_ROWS {
                return Err(failed(
                    &target,
                    &format!("a sheet holds at most {} rows", XLSX_ROWS),
                ));
            }
            for (c, v) in cells.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                let c = u16::try_from(c).map_err(|e| failed(&target, &e))?;
                let number = set
                    .layout
                    .numeric(t, usize::from(c))
                    .then(|| v.parse::<f64>().ok())
                    .flatten()
                    .filter(|n| n.is_finite());
                let written = match number {
                    Some(n) => sheet.write_number(*row, c, n).map(|_| ()),
                    None => sheet.write_string(*row, c, v).map(|_| ()),
                };
                written.map_err(|e| failed(&target, &e))?;
            }
            *row += 1;
        }
    }
    Ok(())
}

/// A form definition's file stem: its form id, or, when another
/// definition of the same form id is in the export too, the id and its
/// version (`~v2`), else 8 digits of its hash.
fn stem_for(stems: &mut HashMap<String, Vec<String>>, row: &ResponseRow) -> String {
    let safe: String = row
        .form_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let seen = stems.entry(safe.clone()).or_default();
    let stem = if seen.is_empty() {
        safe
    } else if !row.form_version.is_empty() && !seen.iter().any(|s| s.ends_with(&row.form_version)) {
        format!("{safe}~{}", row.form_version)
    } else {
        format!(
            "{safe}~{}",
            row.form_sha256.chars().take(8).collect::<String>()
        )
    };
    seen.push(stem.clone());
    stem
}

#[cfg(test)]
mod tests {
    use super::sheet_name;

    #[test]
    fn sheet_names_are_ones_excel_takes() {
        let long = "questionario_molto_lungo-ripetizione_dei_servizi";
        let first = sheet_name(long, &[]);
        assert_eq!(first.chars().count(), 31);
        let second = sheet_name(long, std::slice::from_ref(&first));
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with("~2"), "{second}");
        assert_ne!(first, second);
        assert_eq!(sheet_name("a[b]:c*d?e/f\\g", &[]), "a_b__c_d_e_f_g");
        assert_eq!(sheet_name("Tab", &["tab".into()]), "Tab~2");
        assert_eq!(sheet_name("città-àèìòù", &[]), "città-àèìòù");
    }
}
