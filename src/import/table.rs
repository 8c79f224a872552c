//! CSV: a header row, then one response per row. UTF-8 (a byte order mark
//! is skipped); the separator is the one the header uses most of comma,
//! semicolon (KoboToolbox, spreadsheets in Italian) and tab.

use super::resolve::{Resolver, Target};
use super::{Item, Notes, Raw, Row, Source, Why};
use crate::form::{Form, NodeId};
use std::collections::HashMap;

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
        target: Target,
        column: Option<String>,
    },
    Refused {
        name: String,
        reason: String,
    },
}

pub(super) fn read(bytes: &[u8], form: &Form) -> Result<Source, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (byte {}): save it as \"CSV UTF-8\"",
            e.valid_up_to() + 1
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err("empty: a CSV file needs a header row".into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .clone();

    let resolver = Resolver::new(form);
    let mut notes = Notes::default();
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
        let column = match resolver.column(header) {
            Target::Id(p) => match id_column {
                Some((best, _)) if best <= p => {
                    notes.ignore(&name, Why::Metadata);
                    Column::Skip
                }
                _ => {
                    id_column = Some((p, i));
                    Column::Id
                }
            },
            Target::Ignored(why) => {
                notes.ignore(&name, why);
                Column::Skip
            }
            Target::ChoiceOf(node) => Column::ChoiceOf { name, node },
            Target::Refused(reason) => Column::Refused { name, reason },
            target @ (Target::Node(_) | Target::At(_)) => {
                let (key, plain) = match &target {
                    Target::Node(n) => (
                        format!("{n}"),
                        [resolver.shown(*n), form.node(*n).name.clone()],
                    ),
                    Target::At(s) => (
                        format!("{}{:?}", s.node, s.idx),
                        [header.trim().to_string(), String::new()],
                    ),
                    _ => unreachable!("only questions here"),
                };
                if let Some(&first) = taken.get(&key) {
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
                    // The header is shown beside the path when it says
                    // something else (a label, another path form).
                    let shown = header.trim().trim_start_matches('/');
                    Column::Value {
                        target,
                        column: (!plain.iter().any(|p| p == shown))
                            .then(|| header.trim().to_string()),
                    }
                }
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

    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("cannot read row {}: {e}", n + 2))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let mut row = Row {
            number: n + 2,
            ..Row::default()
        };
        for (cell, column) in record.iter().zip(&columns) {
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
                    notes.refuse(name, reason.clone(), value != Raw::Empty);
                }
                Column::Value { target, column } => row.items.push(match target {
                    Target::Node(node) => Item::Value {
                        node: *node,
                        column: column.clone(),
                        value,
                    },
                    Target::At(slot) => Item::At {
                        slot: slot.clone(),
                        column: column.clone(),
                        value,
                    },
                    _ => unreachable!("only questions here"),
                }),
            }
        }
        // A refused column that no row gives a value is reported as empty.
        for column in columns.iter().skip(record.len()) {
            if let Column::Refused { name, reason } = column {
                notes.refuse(name, reason.clone(), false);
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
        rows.push(row);
    }
    // Refused columns in a file without rows are still named.
    for column in &columns {
        if let Column::Refused { name, reason } = column {
            notes.refuse(name, reason.clone(), false);
        }
    }
    Ok(notes.into_source(rows, "column"))
}

/// The separator the header line uses most (outside quotes); comma on a tie.
fn separator(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in text.bytes() {
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
        assert_eq!(separator("a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(separator("a;b;\"c,d,e\"\n"), b';');
        assert_eq!(separator("a\tb\n"), b'\t');
        assert_eq!(separator("single\n"), b',');
    }
}
