//! The tables of an .ods `content.xml`, scanned as calamine 0.38 reads them
//! (`ods.rs`: `parse_content`, `read_table`, `read_row`, `get_range`), for
//! what its repeat attributes make it lay out: a cell repeated across 16,384
//! columns and a row repeated a million times are a few bytes of XML. Each
//! cell's text is counted as often as calamine copies it.
//!
//! A cell is taken as holding a value unless it is plainly empty (a cell of
//! presentation attributes only, with nothing inside), which can only make
//! the count larger than calamine's. A cell holding table structure (rows,
//! cells, tables) is refused: calamine and this scan could read on from
//! different places.

use super::zip::{raw_attr, raw_attrs};
use super::{Cells, MAX_TEXT, Refusal, thousands};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// calamine's caps on a table (`MAX_ROWS`, `MAX_COLUMNS`).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Attributes that leave an empty cell empty.
const PRESENTATION: &[&str] = &[
    "table:style-name",
    "table:number-columns-repeated",
    "table:number-columns-spanned",
    "table:number-rows-spanned",
    "table:content-validation-name",
];

const CELL: &str = "table:table-cell";
const COVERED: &str = "table:covered-table-cell";
const ROW: &str = "table:table-row";
const TABLE: &str = "table:table";

/// Why the scan stops before the end: calamine fails there too, having
/// laid out no more than what is counted.
struct Stop;

/// Text bytes counted against [`MAX_TEXT`].
#[derive(Default)]
struct Text(u64);

impl Text {
    fn add(&mut self, n: u64) -> Result<(), Refusal> {
        self.0 = self.0.saturating_add(n);
        if self.0 > MAX_TEXT {
            return Err(Refusal::TooLarge(format!(
                "its cells repeat their text to more than {} MiB",
                MAX_TEXT >> 20
            )));
        }
        Ok(())
    }
}

/// One row as calamine keeps it before expanding the table.
struct Row {
    repeats: u64,
    /// First and last column holding a value, if any.
    span: Option<(u64, u64)>,
    /// The text of its cells, as stored once.
    text: u64,
}

/// A count attribute (`…-repeated`, `text:c`), as written or with its
/// entities decoded (calamine decodes some); `Err` where calamine fails.
fn attr_number(e: &BytesStart<'_>, key: &str) -> Result<Option<u64>, Stop> {
    let Some(v) = raw_attr(e.attributes_raw(), key).map_err(|()| Stop)? else {
        return Ok(None);
    };
    v.parse::<u64>()
        .ok()
        .or_else(|| quick_xml::escape::unescape(v).ok()?.parse().ok())
        .map(Some)
        .ok_or(Stop)
}

pub(super) fn check_content<R: BufRead>(mut reader: Reader<R>) -> Result<(), Refusal> {
    let mut cells = Cells::default();
    let mut text = Text::default();
    let mut buf = Vec::new();
    loop {
        let named_table = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == TABLE => {
                match raw_attr(e.attributes_raw(), "table:name") {
                    Ok(name) => name.is_some(),
                    Err(()) => return Ok(()),
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => false,
        };
        buf.clear();
        if named_table && table(&mut reader, &mut cells, &mut text)?.is_err() {
            return Ok(());
        }
    }
}

/// One table, up to its end. `Ok(Err(Stop))`: calamine fails in it.
fn table<R: BufRead>(
    reader: &mut Reader<R>,
    cells: &mut Cells,
    text: &mut Text,
) -> Result<Result<(), Stop>, Refusal> {
    let mut rows: Vec<Row> = Vec::new();
    let mut total_rows = 0u64;
    let mut buf = Vec::new();
    loop {
        let repeats = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == ROW => {
                match attr_number(&e, "table:number-rows-repeated") {
                    Ok(n) => n.unwrap_or(1),
                    Err(stop) => return Ok(Err(stop)),
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == TABLE => break,
            Ok(Event::Eof) | Err(_) => return Ok(Err(Stop)),
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        buf.clear();
        let repeats = repeats.min(MAX_ROWS.saturating_sub(total_rows));
        total_rows = total_rows.saturating_add(repeats);
        match row(reader, repeats, cells, text)? {
            Ok(r) => rows.push(r),
            Err(stop) => return Ok(Err(stop)),
        }
    }
    // `get_range`: the rows between the first and last holding a value,
    // each as wide as the widest span, repeated.
    let holding: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].span.is_some())
        .collect();
    let (Some(&first), Some(&last)) = (holding.first(), holding.last()) else {
        return Ok(Ok(()));
    };
    let (mut c0, mut c1) = (u64::MAX, 0);
    for r in &rows {
        if let Some((a, b)) = r.span {
            c0 = c0.min(a);
            c1 = c1.max(b);
        }
    }
    let width = c1 + 1 - c0;
    let between = rows.get(first..=last).unwrap_or_default();
    let height = between
        .iter()
        .fold(0u64, |n, r| n.saturating_add(r.repeats));
    cells.add(width.saturating_mul(height), || {
        format!(
            "a table spans {} rows by {width} columns once its repeats are laid out",
            thousands(height)
        )
    })?;
    for r in between {
        text.add(r.repeats.saturating_mul(r.text))?;
    }
    Ok(Ok(()))
}

/// One row: its cells as `read_row` pushes them (empty ones only when a
/// value follows; no more than 16,384).
fn row<R: BufRead>(
    reader: &mut Reader<R>,
    repeats: u64,
    cells: &mut Cells,
    text: &mut Text,
) -> Result<Result<Row, Stop>, Refusal> {
    let mut out = Row {
        repeats,
        span: None,
        text: 0,
    };
    let mut len = 0u64;
    let mut pending_empty = 0u64;
    let mut buf = Vec::new();
    loop {
        let (n, holds, bytes, name) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if matches!(e.name().as_ref(), CELL | COVERED) => {
                let n = match attr_number(&e, "table:number-columns-repeated") {
                    Ok(n) => n.unwrap_or(1),
                    Err(stop) => return Ok(Err(stop)),
                };
                let mut holds = false;
                let mut bytes = 0u64;
                for item in raw_attrs(e.attributes_raw()) {
                    let Ok((key, value)) = item else {
                        return Ok(Err(Stop));
                    };
                    holds |= !PRESENTATION.contains(&key);
                    bytes = bytes.saturating_add(value.len() as u64);
                }
                (n, holds, bytes, e.name().as_ref().to_string())
            }
            Ok(Event::End(e)) if e.name().as_ref() == ROW => return Ok(Ok(out)),
            // Anything else in a row is an error to calamine.
            _ => return Ok(Err(Stop)),
        };
        buf.clear();
        let (inner, inner_bytes) = match cell_content(reader, &name)? {
            Ok(c) => c,
            Err(stop) => return Ok(Err(stop)),
        };
        let holds = holds || inner;
        let bytes = bytes.saturating_add(inner_bytes);

        let empties = pending_empty.min(MAX_COLUMNS.saturating_sub(len));
        len += empties;
        pending_empty = 0;
        let n = n.min(MAX_COLUMNS.saturating_sub(len));
        if holds {
            if n > 0 {
                let (a, b) = (len, len + n - 1);
                out.span = Some(out.span.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
            }
            len += n;
            out.text = out.text.saturating_add(n.saturating_mul(bytes));
            text.add(n.saturating_mul(bytes))?;
        } else {
            pending_empty = n;
        }
        cells.add(empties + if holds { n } else { 0 }, || {
            "a row repeats its cells beyond what a form holds".to_string()
        })?;
    }
}

/// What is inside a cell, up to its end: whether anything is, and how many
/// bytes of text it can make (`text:s` spaces included).
fn cell_content<R: BufRead>(
    reader: &mut Reader<R>,
    name: &str,
) -> Result<Result<(bool, u64), Stop>, Refusal> {
    let mut holds = false;
    let mut bytes = 0u64;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::End(e)) if e.name().as_ref() == name => return Ok(Ok((holds, bytes))),
            Ok(Event::Start(e)) if structure(e.name().as_ref()) => return Err(nested()),
            Ok(Event::End(e)) if structure(e.name().as_ref()) => return Err(nested()),
            Ok(Event::Start(e)) => {
                holds = true;
                let spaces = if e.name().as_ref() == "text:s" {
                    match attr_number(&e, "text:c") {
                        Ok(n) => n.unwrap_or(1),
                        Err(stop) => return Ok(Err(stop)),
                    }
                } else {
                    1
                };
                bytes = bytes.saturating_add(spaces);
            }
            Ok(Event::Text(t)) => {
                holds |= t.bytes().any(|b| !b.is_ascii_whitespace());
                bytes = bytes.saturating_add(t.len() as u64);
            }
            Ok(Event::CData(t)) => {
                holds = true;
                bytes = bytes.saturating_add(t.len() as u64);
            }
            Ok(Event::GeneralRef(_)) => {
                holds = true;
                bytes = bytes.saturating_add(4);
            }
            Ok(Event::Eof) | Err(_) => return Ok(Err(Stop)),
            Ok(_) => {}
        }
        buf.clear();
    }
}

fn structure(name: &str) -> bool {
    matches!(name, CELL | COVERED | ROW | TABLE)
}

fn nested() -> Refusal {
    Refusal::Damaged("a cell of content.xml holds table structure".into())
}
