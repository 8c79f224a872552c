//! CSV: a header row, then one response per row. UTF-8 (a byte order mark
//! is skipped); the separator is the one the header uses most of comma,
//! semicolon (KoboToolbox, spreadsheets in Italian) and tab.

use super::resolve::{Resolver, Target};
use super::{Item, Mapping, Notes, Raw, Row, Stop, Why, skip_bom};
use crate::engine::Slot;
use crate::form::{Form, NodeId};
use csv::StringRecord;
use std::collections::HashMap;
use std::io::{BufRead, Chain, Cursor, Read};

/// What one column is, decided once.
enum Column {
    Skip,
    Id,
    /// A column per choice of this select_multiple (KoboToolbox).
    ChoiceOf {
        name: String,
        node: NodeId,
    },
    Value {
        place: Place,
        /// The header, when it names the question otherwise than its path.
        column: Option<String>,
    },
    Refused {
        name: String,
        reason: String,
    },
}

/// Where a column's values go.
enum Place {
    Node(NodeId),
    At(Slot),
}

/// A CSV file read once, without keeping it: whether it can be used (UTF-8,
/// a header row) and how many rows `stream` will hand over.
pub(super) fn scan(input: impl BufRead) -> Result<usize, String> {
    let mut reader = open(input)?;
    let named = reader
        .headers()
        .map_err(|e| unreadable(&e))?
        .iter()
        .any(|h| !h.trim().is_empty());
    let mut record = StringRecord::new();
    let mut rows = 0usize;
    while reader
        .read_record(&mut record)
        .map_err(|e| unreadable(&e))?
    {
        if !is_blank(&record) {
            rows += 1;
        }
    }
    if !named && rows == 0 {
        return Err("empty: a CSV file needs a header row".into());
    }
    Ok(rows)
}

/// A CSV file, one record at a time.
pub(super) fn stream<E>(
    input: impl BufRead,
    form: &Form,
    mut each: impl FnMut(Row) -> Result<(), E>,
) -> Result<Mapping, Stop<E>> {
    let mut reader = open(input).map_err(Stop::File)?;
    let headers = reader
        .headers()
        .map_err(|e| Stop::File(unreadable(&e)))?
        .clone();
    let mut notes = Notes::default();
    let columns = columns(&headers, form, &mut notes);
    let mut record = StringRecord::new();
    // The header is row 1, as a spreadsheet numbers it.
    let mut number = 1usize;
    while reader
        .read_record(&mut record)
        .map_err(|e| Stop::File(unreadable(&e)))?
    {
        number += 1;
        if let Some(row) = row(&record, number, &columns, &mut notes) {
            each(row).map_err(Stop::Handler)?;
        }
    }
    // Refused columns in a file without rows are still named.
    for column in &columns {
        if let Column::Refused { name, reason } = column {
            notes.refuse(name, reason, false);
        }
    }
    Ok(notes.into_mapping("column"))
}

/// The input again, its header line (read to find the separator) first.
type Reread<R> = csv::Reader<Chain<Cursor<Vec<u8>>, R>>;

/// A CSV reader on the input, past a byte order mark, with the separator
/// its header line uses.
fn open<R: BufRead>(mut input: R) -> Result<Reread<R>, String> {
    skip_bom(&mut input).map_err(|e| format!("cannot read it: {e}"))?;
    let header = first_line(&mut input).map_err(|e| format!("cannot read it: {e}"))?;
    let separator = separator(&header);
    Ok(csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(true)
        .flexible(true)
        .from_reader(Cursor::new(header).chain(input)))
}

/// The bytes up to the first line end outside quotes (a header cell may
/// hold a line break).
fn first_line(input: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut line = Vec::new();
    let mut quoted = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(line);
        }
        let end = buf.iter().position(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            b == b'\n' && !quoted
        });
        let used = end.map_or(buf.len(), |i| i + 1);
        line.extend(buf.iter().take(used));
        input.consume(used);
        if end.is_some() {
            return Ok(line);
        }
    }
}

/// Why the file cannot be read (on), naming the row as a spreadsheet does.
fn unreadable(e: &csv::Error) -> String {
    let row = e
        .position()
        .map(|p| format!(" (row {})", p.record().saturating_add(1)))
        .unwrap_or_default();
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => format!("not UTF-8 text{row}: save it as \"CSV UTF-8\""),
        csv::ErrorKind::Io(e) => format!("cannot read it: {e}"),
        _ => format!("cannot read it{row}: {e}"),
    }
}

fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|cell| cell.trim().is_empty())
}

/// What each column is, from the header: the question it names, the id,
/// metadata, or refused (each noted once).
fn columns(headers: &StringRecord, form: &Form, notes: &mut Notes) -> Vec<Column> {
    let resolver = Resolver::new(form);
    let mut columns = Vec::with_capacity(headers.len());
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut id_column: Option<(usize, usize)> = None;
    for (i, header) in headers.iter().enumerate() {
        if header.trim().is_empty() {
            columns.push(Column::Refused {
                name: format!("#{}", i + 1),
                reason: "has no name".into(),
            });
            continue;
        }
        let name = header.to_string();
        let (place, key, plain) = match resolver.column(header) {
            Target::Id(p) => {
                columns.push(match id_column {
                    Some((best, _)) if best <= p => {
                        notes.ignore(&name, Why::Metadata);
                        Column::Skip
                    }
                    _ => {
                        id_column = Some((p, i));
                        Column::Id
                    }
                });
                continue;
            }
            Target::Ignored(why) => {
                notes.ignore(&name, why);
                columns.push(Column::Skip);
                continue;
            }
            Target::ChoiceOf(node) => {
                columns.push(Column::ChoiceOf { name, node });
                continue;
            }
            Target::Refused(reason) => {
                columns.push(Column::Refused { name, reason });
                continue;
            }
            Target::Node(n) => (
                Place::Node(n),
                format!("{n}"),
                [resolver.shown(n), form.node(n).name.clone()],
            ),
            Target::At(s) => {
                let key = format!("{}{:?}", s.node, s.idx);
                (
                    Place::At(s),
                    key,
                    [header.trim().to_string(), String::new()],
                )
            }
        };
        let column = if let Some(&first) = taken.get(&key) {
            Column::Refused {
                name,
                reason: format!(
                    "names the same question as column {} (\"{}\")",
                    first + 1,
                    headers.get(first).unwrap_or_default()
                ),
            }
        } else {
            taken.insert(key, i);
            // The header is shown beside the path when it says something
            // else (a label, another path form).
            let shown = header.trim().trim_start_matches('/');
            Column::Value {
                place,
                column: (!plain.iter().any(|p| p == shown)).then(|| header.trim().to_string()),
            }
        };
        columns.push(column);
    }
    // A column per choice repeats the question's own column, when there is
    // one; without it, the answer would be lost: refused.
    for c in columns.iter_mut() {
        if let Column::ChoiceOf { name, node } = c {
            let own = taken.contains_key(&format!("{node}"));
            *c = if own {
                notes.ignore(name, Why::ChoiceColumn);
                Column::Skip
            } else {
                Column::Refused {
                    name: name.clone(),
                    reason: format!(
                        "is one choice of {}: the importer reads the question's own column \
                         (choice names separated by spaces), which this file does not have",
                        resolver.shown(*node)
                    ),
                }
            };
        }
    }
    // A second, worse id column is metadata: only the best one is the id.
    if let Some((_, best)) = id_column {
        for (i, c) in columns.iter_mut().enumerate() {
            if matches!(c, Column::Id) && i != best {
                notes.ignore(headers.get(i).unwrap_or_default(), Why::Metadata);
                *c = Column::Skip;
            }
        }
    }
    columns
}

/// One record as a row (`None` when every cell is blank); refused columns
/// count the rows that lose a value.
fn row(record: &StringRecord, number: usize, columns: &[Column], notes: &mut Notes) -> Option<Row> {
    if is_blank(record) {
        return None;
    }
    let mut row = Row {
        number,
        ..Row::default()
    };
    for (cell, column) in record.iter().zip(columns) {
        let value = if cell.trim().is_empty() {
            Raw::Empty
        } else {
            Raw::Text(cell.to_string())
        };
        match column {
            Column::Skip | Column::ChoiceOf { .. } => {}
            Column::Id => {
                row.id = Some(cell.trim().to_string()).filter(|s| !s.is_empty());
            }
            Column::Refused { name, reason } => {
                notes.refuse(name, reason, value != Raw::Empty);
            }
            Column::Value { place, column } => row.items.push(match place {
                Place::Node(node) => Item::Value {
                    node: *node,
                    column: column.clone(),
                    value,
                },
                Place::At(slot) => Item::At {
                    slot: slot.clone(),
                    column: column.clone(),
                    value,
                },
            }),
        }
    }
    // A refused column that no row gives a value is reported as empty.
    for column in columns.iter().skip(record.len()) {
        if let Column::Refused { name, reason } = column {
            notes.refuse(name, reason, false);
        }
    }
    let extra = record
        .iter()
        .skip(columns.len())
        .filter(|c| !c.trim().is_empty())
        .count();
    if extra > 0 {
        row.problems.push(format!(
            "{} cells, but the header has {}: the {extra} beyond it are not imported",
            record.len(),
            columns.len()
        ));
    }
    Some(row)
}

/// The separator the header line uses most (outside quotes); comma on a tie.
fn separator(line: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                for (sep, n) in counts.iter_mut() {
                    if *sep == b {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold(
            (b',', 0),
            |best, &(sep, n)| if n > best.1 { (sep, n) } else { best },
        )
        .0
}

#[cfg(test)]
mod tests {
    use super::separator;

    #[test]
    fn the_separator_is_the_one_the_header_uses() {
        assert_eq!(separator(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(separator(b"a;b;\"c,d,e\"\n"), b';');
        assert_eq!(separator(b"a\tb\n"), b'\t');
        assert_eq!(separator(b"single\n"), b',');
    }
}
