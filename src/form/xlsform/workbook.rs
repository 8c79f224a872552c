//! The containers: every XLSForm file, whatever it is written in, becomes one
//! `Workbook` of sheets of rows of text cells. Spreadsheets (.xlsx, .xlsm,
//! .xls, .ods) are read with calamine, pyxform's text formats (.csv, .md) in
//! `text.rs`. Cell values are rendered as pyxform renders them, so that a
//! choice name typed as the number 1 is the text "1" here as in an ODK form.

use super::guard;
use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx, open_workbook_from_rs};
use std::cell::Cell;
use std::io::Cursor;
use std::sync::Once;

/// A whole XLSForm file as text cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
    /// Whether row numbers are lines of a text file (.csv, .md) rather than
    /// rows of a spreadsheet; only changes how locations read.
    pub numbers_are_lines: bool,
}

/// One sheet. Its first row is its header row (the column names); a sheet
/// without any row has no header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The name as written (`Survey`, `choices`, …).
    pub name: String,
    pub rows: Vec<Row>,
}

/// One row: its number as the user sees it (1-based spreadsheet row, or line
/// of a text file) and its cells, left to right, trimmed, `""` when empty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

impl Row {
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(String::is_empty)
    }
}

impl Workbook {
    /// Where a row is, for messages: `survey, row 12` or `survey, line 12`.
    pub fn location(&self, sheet: &str, row: usize) -> String {
        let unit = if self.numbers_are_lines {
            "line"
        } else {
            "row"
        };
        format!("{sheet}, {unit} {row}")
    }
}

/// The spreadsheet kinds calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpreadsheetKind {
    /// Office Open XML: .xlsx and .xlsm.
    Xlsx,
    /// The old binary Excel format.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
}

/// pyxform stops reading a header row after this many empty cells in a row…
const MAX_EMPTY_HEADER_CELLS: usize = 20;
/// …and a sheet after this many empty rows in a row (xls2json_backends.py).
const MAX_EMPTY_ROWS: usize = 60;

/// Reads a spreadsheet from its bytes. `Err` is a message for the whole file.
pub fn read_spreadsheet(bytes: &[u8], kind: SpreadsheetKind) -> Result<Workbook, String> {
    // calamine parses untrusted binary formats; a panic in it must become an
    // error about the file, never a crash of rileva, and print nothing.
    quietly(|| read_spreadsheet_inner(bytes, kind))
        .unwrap_or_else(|_| Err("the file is damaged (the spreadsheet reader failed)".into()))
}

thread_local! {
    /// Set while this thread reads a spreadsheet: its panics are caught and
    /// reported as a damaged file, so their own text is not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, catching a panic without printing it. The hook is installed
/// once, for the whole process, and keeps the previous hook for every other
/// panic (another thread's, or this one's outside `f`).
fn quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> std::thread::Result<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(f);
    QUIET.with(|q| q.set(was));
    result
}

fn read_spreadsheet_inner(bytes: &[u8], kind: SpreadsheetKind) -> Result<Workbook, String> {
    // calamine trusts the sizes a file declares: check them first.
    guard::check(bytes, kind).map_err(|r| r.to_string())?;
    let cursor = Cursor::new(bytes);
    // Cells read from an .xlsx (calamine streams them), and those of the
    // tables laid out below, each bounded.
    let mut read = guard::Cells::default();
    let mut laid = guard::Cells::default();
    let mut sheets = Vec::new();
    match kind {
        SpreadsheetKind::Xlsx => {
            let mut book: Xlsx<_> =
                open_workbook_from_rs(cursor).map_err(|e: calamine::XlsxError| e.to_string())?;
            for name in book.sheet_names() {
                // Chart sheets and other non-worksheets have no cells to read.
                let Ok(mut cells) = book.worksheet_cells_reader(&name) else {
                    continue;
                };
                let mut grid = Vec::new();
                loop {
                    match cells.next_cell() {
                        Ok(Some(cell)) => {
                            let (r, c) = cell.get_position();
                            let text = render_ref(cell.get_value());
                            if !text.is_empty() {
                                read.add(1, || format!("sheet \"{name}\" has too many cells"))
                                    .map_err(|r| r.to_string())?;
                                grid.push((r as usize, c as usize, text));
                            }
                        }
                        Ok(None) => break,
                        Err(e) => return Err(format!("sheet \"{name}\": {e}")),
                    }
                }
                sheets.push(sheet_from_cells(name, grid, &mut laid)?);
            }
        }
        SpreadsheetKind::Xls => {
            let mut book: Xls<_> =
                open_workbook_from_rs(cursor).map_err(|e: calamine::XlsError| e.to_string())?;
            for name in book.sheet_names() {
                let range = book
                    .worksheet_range(&name)
                    .map_err(|e| format!("sheet \"{name}\": {e}"))?;
                sheets.push(sheet_from_range(name, &range, &mut laid)?);
            }
        }
        SpreadsheetKind::Ods => {
            let mut book: Ods<_> =
                open_workbook_from_rs(cursor).map_err(|e: calamine::OdsError| e.to_string())?;
            for name in book.sheet_names() {
                let range = book
                    .worksheet_range(&name)
                    .map_err(|e| format!("sheet \"{name}\": {e}"))?;
                sheets.push(sheet_from_range(name, &range, &mut laid)?);
            }
        }
    }
    Ok(Workbook {
        sheets,
        numbers_are_lines: false,
    })
}

fn sheet_from_range(
    name: String,
    range: &calamine::Range<Data>,
    cells: &mut guard::Cells,
) -> Result<Sheet, String> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let grid = range
        .used_cells()
        .filter_map(|(r, c, v)| {
            let text = render(v);
            (!text.is_empty()).then(|| (r + r0 as usize, c + c0 as usize, text))
        })
        .collect();
    sheet_from_cells(name, grid, cells)
}

/// Builds a sheet from its non-empty cells (0-based row, column), applying
/// pyxform's limits: the header is row 1, read until 20 empty cells in a row;
/// only the columns with a header are kept; the sheet ends after 60 empty rows.
/// Its rows are as wide as the header: `cells` bounds the table they make.
fn sheet_from_cells(
    name: String,
    mut grid: Vec<(usize, usize, String)>,
    cells: &mut guard::Cells,
) -> Result<Sheet, String> {
    grid.sort_by_key(|&(r, c, _)| (r, c));
    let header: Vec<(usize, &str)> = grid
        .iter()
        .take_while(|(r, _, _)| *r == 0)
        .map(|(_, c, t)| (*c, t.as_str()))
        .collect();
    // Column count: up to the last header cell before a run of more than 20 empty ones.
    let mut width = 0;
    let mut next = 0;
    for &(c, _) in &header {
        if c - next > MAX_EMPTY_HEADER_CELLS {
            break;
        }
        width = c + 1;
        next = c + 1;
    }
    let with_header: Vec<bool> = {
        let mut v = vec![false; width];
        for &(c, _) in &header {
            if c < width {
                v[c] = true;
            }
        }
        v
    };
    let mut laid = |width: usize| {
        cells
            .add(width as u64, || {
                format!("sheet \"{name}\" is {width} columns wide over too many rows")
            })
            .map_err(|r| r.to_string())
    };
    laid(width)?;
    let mut rows: Vec<Row> = vec![Row {
        number: 1,
        cells: vec![String::new(); width],
    }];
    let mut last_number = 1;
    for (r, c, text) in grid {
        if c >= width || !with_header[c] && r > 0 {
            continue;
        }
        if r + 1 != last_number {
            // Rows between are empty: stop after a long run of them.
            if r + 1 - last_number > MAX_EMPTY_ROWS + 1 {
                break;
            }
            laid(width)?;
            rows.push(Row {
                number: r + 1,
                cells: vec![String::new(); width],
            });
            last_number = r + 1;
        }
        if let Some(row) = rows.last_mut() {
            row.cells[c] = text;
        }
    }
    Ok(Sheet { name, rows })
}

/// A cell as pyxform's xlsx/xls readers render it: strings trimmed with
/// no-break spaces made plain; integral numbers without a decimal point;
/// booleans as TRUE/FALSE; dates as `YYYY-MM-DD HH:MM:SS`, times as `HH:MM:SS`.
fn render(v: &Data) -> String {
    match v {
        Data::Empty => String::new(),
        Data::String(s) => clean_string(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(d) => date_time(d),
        Data::DateTimeIso(s) => iso_date_time(s),
        Data::DurationIso(s) => iso_duration(s),
        Data::Error(e) => format!("{e}"),
    }
}

fn render_ref(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Empty => String::new(),
        DataRef::String(s) => clean_string(s),
        DataRef::SharedString(s) => clean_string(s),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => bool_text(*b),
        DataRef::DateTime(d) => date_time(d),
        DataRef::DateTimeIso(s) => iso_date_time(s),
        DataRef::DurationIso(s) => iso_duration(s),
        DataRef::Error(e) => format!("{e}"),
    }
}

fn clean_string(s: &str) -> String {
    s.trim().replace('\u{a0}', " ")
}

fn bool_text(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_string()
}

/// A float as Python's `str()` shows it, integral values without `.0`
/// (pyxform: "Try to display as an int if possible").
pub(crate) fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e300 {
        return format!("{f:.0}");
    }
    if !f.is_finite() {
        return if f.is_nan() {
            "nan".into()
        } else if f > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let abs = f.abs();
    if (1e-4..1e16).contains(&abs) {
        // Rust's shortest round-trip digits, as Python's repr.
        format!("{f}")
    } else {
        // Python writes 1e-05 where Rust writes 1e-5.
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => {
                let (sign, digits) = match exp.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', exp),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => s,
        }
    }
}

fn date_time(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return number(d.as_f64());
    }
    let v = d.as_f64();
    let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
    let time = if ms > 0 {
        format!("{h:02}:{mi:02}:{s:02}.{:06}", u32::from(ms) * 1000)
    } else {
        format!("{h:02}:{mi:02}:{s:02}")
    };
    if (0.0..1.0).contains(&v) {
        time
    } else {
        format!("{y:04}-{mo:02}-{da:02} {time}")
    }
}

/// ODS dates and times (`2020-01-31`, `2020-01-31T10:00:00`) in the same
/// shape as spreadsheet dates.
fn iso_date_time(s: &str) -> String {
    let s = s.trim();
    match s.split_once('T') {
        Some((date, time)) => format!("{date} {time}"),
        None if s.len() == 10 => format!("{s} 00:00:00"),
        None => s.to_string(),
    }
}

/// ODS times (`PT10H30M00S`) as `10:30:00`.
fn iso_duration(s: &str) -> String {
    let Some(rest) = s.trim().strip_prefix("PT") else {
        return s.trim().to_string();
    };
    let mut parts = [0u64; 3];
    let mut num = String::new();
    let mut frac = String::new();
    let mut in_frac = false;
    for ch in rest.chars() {
        match ch {
            '0'..='9' if in_frac => frac.push(ch),
            '0'..='9' => num.push(ch),
            '.' => in_frac = true,
            'H' | 'M' | 'S' => {
                let i = match ch {
                    'H' => 0,
                    'M' => 1,
                    _ => 2,
                };
                parts[i] = num.parse().unwrap_or(0);
                num.clear();
                in_frac = false;
            }
            _ => return s.trim().to_string(),
        }
    }
    let secs = if frac.trim_end_matches('0').is_empty() {
        String::new()
    } else {
        format!(".{frac:0<6.6}")
    };
    format!("{:02}:{:02}:{:02}{secs}", parts[0], parts[1], parts[2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(1.0, "1")]
    #[case(-3.0, "-3")]
    #[case(2020051101.0, "2020051101")]
    #[case(0.5, "0.5")]
    #[case(0.1, "0.1")]
    #[case(1.25, "1.25")]
    #[case(0.00001, "1e-05")]
    #[case(1e16, "10000000000000000")]
    #[case(123456.789, "123456.789")]
    fn numbers_as_pyxform(#[case] f: f64, #[case] shown: &str) {
        assert_eq!(number(f), shown);
    }

    #[test]
    fn dates_and_times_as_pyxform() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::DateTime};
        let d = |v| date_time(&ExcelDateTime::new(v, DateTime, false));
        assert_eq!(d(43831.0), "2020-01-01 00:00:00");
        assert_eq!(d(43831.5), "2020-01-01 12:00:00");
        assert_eq!(d(0.75), "18:00:00");
        assert_eq!(iso_date_time("2020-01-31"), "2020-01-31 00:00:00");
        assert_eq!(iso_date_time("2020-01-31T10:00:00"), "2020-01-31 10:00:00");
        assert_eq!(iso_duration("PT10H30M00S"), "10:30:00");
    }

    #[test]
    fn cells_are_trimmed_and_no_break_spaces_made_plain() {
        assert_eq!(clean_string("  a\u{a0}b \n"), "a b");
        assert_eq!(render(&Data::Bool(true)), "TRUE");
        assert_eq!(render(&Data::Int(7)), "7");
    }

    #[test]
    fn header_and_row_limits() {
        // Header cells at columns 0 and 1, then one 25 columns further: ignored.
        let mut grid = vec![
            (0, 0, "type".to_string()),
            (0, 1, "name".to_string()),
            (0, 27, "label".to_string()),
            (1, 0, "text".to_string()),
            (1, 1, "a".to_string()),
            (1, 27, "A".to_string()),
        ];
        // A row after 60 empty rows is read; one after 61 is not.
        grid.push((62, 0, "note".to_string()));
        grid.push((124, 0, "text".to_string()));
        let s = sheet_from_cells("survey".into(), grid, &mut guard::Cells::default()).unwrap();
        assert_eq!(s.rows[0].cells, vec!["type", "name"]);
        assert_eq!(s.rows[1].cells, vec!["text", "a"]);
        let numbers: Vec<usize> = s.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 2, 63]);
    }

    #[test]
    fn a_panic_while_reading_is_caught_and_only_that_one_is_quiet() {
        assert!(quietly(|| panic!("inside the reader")).is_err());
        assert!(!QUIET.with(Cell::get), "loud again after");
        // Nested: the inner call gives back the outer's state.
        let inner = quietly(|| {
            let _ = quietly(|| 1);
            QUIET.with(Cell::get)
        });
        assert_eq!(inner.ok(), Some(true));
        assert_eq!(quietly(|| 7).ok(), Some(7));
    }

    #[test]
    fn rows_as_wide_as_their_header_are_bounded() {
        // A header cell every 21 columns, then 20,000 rows: 83 million cells.
        let mut grid: Vec<(usize, usize, String)> =
            (0..200).map(|i| (0, i * 21, format!("h{i}"))).collect();
        grid.extend((1..20_000).map(|r| (r, 0, "x".to_string())));
        let e = sheet_from_cells("survey".into(), grid, &mut guard::Cells::default())
            .expect_err("too wide");
        assert!(e.contains("sheet \"survey\" is 4180 columns wide"), "{e}");
    }

    #[test]
    fn a_sheet_whose_first_row_is_empty_has_an_empty_header() {
        let s = sheet_from_cells(
            "survey".into(),
            vec![(1, 0, "type".into())],
            &mut guard::Cells::default(),
        )
        .unwrap();
        assert_eq!(s.rows.len(), 1);
        assert!(s.rows[0].is_empty());
    }
}
