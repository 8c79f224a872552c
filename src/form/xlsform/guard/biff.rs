//! The records of an .xls workbook stream (BIFF), scanned as calamine 0.38
//! parses them (`xls.rs`, `parse_workbook`), for the two allocations it sizes
//! from the file: the cells a sheet's DIMENSIONS record declares (reserved
//! up front), and the dense table of each sheet, which spans every row and
//! column between its first and last cell (`Range::from_sparse`). One cell
//! record at row 65,535 and column 65,535 makes that table 4 billion cells.

use super::{Cells, Refusal, thousands};

/// The columns of an .xls sheet; its rows are 65,536, all a record can say.
const COLUMNS: u32 = 256;
/// The most cells an .xls sheet holds.
const SHEET_CELLS: u64 = 65_536 * COLUMNS as u64;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Records as calamine's `RecordIter` cuts them: a type, a length, the
/// data. CONTINUE records come out on their own here, which only matters to
/// records that are not cells. A record running past the end stops the
/// walk, as it stops calamine.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = u16_at(rest, 2)? as usize;
        let data = rest.get(4..4 + len)?;
        rest = rest.get(4 + len..)?;
        Some((typ, data))
    })
}

/// The rows and columns a sheet's cells span.
#[derive(Default)]
struct Span(Option<(u32, u32, u32, u32)>);

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn last_column(&self) -> Option<u32> {
        self.0.map(|(_, _, _, c1)| c1)
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
        })
    }

    fn describe(&self) -> String {
        match self.0 {
            None => "no cells".into(),
            Some((r0, r1, c0, c1)) => format!(
                "rows {} to {}, columns {} to {}",
                r0 + 1,
                r1 + 1,
                c0 + 1,
                c1 + 1
            ),
        }
    }
}

/// Row and column of a cell record: the first two fields of each.
fn position(data: &[u8]) -> Option<(u32, u32)> {
    Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?)))
}

/// What calamine reserves for a DIMENSIONS record (`parse_dimensions`, then
/// `end - start + 1` rows and columns, wrapping as a release build does).
fn dimensions(data: &[u8]) -> Option<u64> {
    let (rf, rl, cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)?),
            u32::from(u16_at(data, 2)?),
            u32::from(u16_at(data, 4)?),
            u32::from(u16_at(data, 6)?),
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u32::from(u16_at(data, 8)?),
            u32::from(u16_at(data, 10)?),
        ),
        _ => return None,
    };
    let cf = if 0xFF < cf || cl < cf { 0 } else { cf };
    if rl < 1 || cl < 1 {
        return Some(1);
    }
    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1);
    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1);
    Some(u64::from(rows) * u64::from(cols))
}

/// Checks what calamine will allocate for the sheets of a workbook stream.
pub(super) fn check(stream: &[u8]) -> Result<(), Refusal> {
    // The globals, up to their EOF: where each sheet's records start.
    let mut starts = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x0085 => starts.extend(u32_at(data, 0)),
            0x000A => break,
            _ => {}
        }
    }
    // calamine lays out each sheet whole, from its first cell to its last:
    // real forms do span a whole sheet (pyxform's extra_columns.xls spans
    // 19,999 rows by 256 columns), so the bound is one sheet's cells.
    let mut total = Cells::up_to(SHEET_CELLS);
    for (n, start) in starts.into_iter().enumerate() {
        // A start past the end: calamine stops there (its earlier sheets
        // are counted already).
        let Some(records_of_sheet) = stream.get(start as usize..) else {
            break;
        };
        let sheet = n + 1;
        let (values, formulas) = sheet_spans(records_of_sheet, sheet)?;
        if let Some(col) = values.last_column().filter(|&c| c >= COLUMNS) {
            return Err(Refusal::Damaged(format!(
                "sheet {sheet} has a cell in column {}, past the {COLUMNS} columns of an .xls sheet",
                u64::from(col) + 1
            )));
        }
        total.add(values.cells(), || {
            format!("sheet {sheet} spans {}", values.describe())
        })?;
        total.add(formulas.cells(), || {
            format!("the formulas of sheet {sheet} span {}", formulas.describe())
        })?;
    }
    Ok(())
}

/// The spans of a sheet's values and formulas, as its records place them.
fn sheet_spans(stream: &[u8], sheet: usize) -> Result<(Span, Span), Refusal> {
    let mut values = Span::default();
    let mut formulas = Span::default();
    // Embedded charts are substreams (BOF … EOF) calamine skips.
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut formula_at = (0, 0);
    for (typ, data) in records(stream) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x0200 => {
                let Some(reserved) = dimensions(data) else {
                    break; // calamine fails on it
                };
                // Only reserved, not filled: real files declare far more
                // than they use, up to a whole sheet.
                if reserved > SHEET_CELLS {
                    return Err(Refusal::Damaged(format!(
                        "sheet {sheet} declares {} cells, more than an .xls sheet holds ({})",
                        thousands(reserved),
                        thousands(SHEET_CELLS)
                    )));
                }
            }
            // Number, Label, RString, BoolErr, Rk, LabelSst.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let Some((row, col)) = position(data) {
                    values.add(row, col);
                }
            }
            // The text of the last formula, at its cell.
            0x0207 => values.add(formula_at.0, formula_at.1),
            // MulRk: one row, a run of columns of 6 bytes each.
            0x00BD if data.len() >= 6 => {
                if let Some((row, first)) = position(data) {
                    let run = (data.len() - 6).div_ceil(6) as u32;
                    if run > 0 {
                        values.add(row, first);
                        values.add(row, first + run - 1);
                    }
                }
            }
            0x0006 => {
                let Some(at) = position(data).filter(|_| data.len() >= 20) else {
                    break; // calamine fails on it
                };
                formula_at = at;
                values.add(at.0, at.1);
                formulas.add(at.0, at.1);
            }
            0x000A => break,
            _ => {}
        }
    }
    Ok((values, formulas))
}
