//! Responses keyed elsewhere, brought in: a spreadsheet of paper
//! questionnaires, a Google Forms or KoboToolbox export, rileva's own JSON.
//!
//! Three steps, all pure (no terminal, no database), none holding more than
//! one row of the file at a time:
//!
//! 1. `scan` reads a data file once to tell whether it can be used at all
//!    (UTF-8, JSON, a header row) and how many rows it has, so that nothing
//!    is written for a file that breaks half-way.
//! 2. `stream` reads it again and hands over one `Row` at a time: each column
//!    or key is mapped once to a question of the form (by XLSForm name, by
//!    data path `group/name`, by rileva data path with instance numbers
//!    `person[2]/age`, and for CSV also by question label); the columns or
//!    keys that are export metadata are left out on purpose (`Ignored`), those
//!    that match nothing are `Refused`, each reported once in the `Mapping`
//!    returned at the end (only then are the rows that lose a value counted).
//! 3. `Judge` runs each row through the engine, as the TUI would: a new
//!    response (`Filling::start`: metadata and defaults), every value through
//!    the question's type, list, constraint and relevance, repeat instances
//!    added as needed, then the whole response judged for finalizing. What
//!    comes out is the answers to store and what was refused, per field.
//!
//! Storing, and what was already imported, is the command line's business.

mod json;
mod judge;
mod lines;
mod resolve;
mod table;
#[cfg(test)]
mod tests;

pub use judge::{Context, Judge, Judged, Note};

use crate::engine::Slot;
use crate::form::{Form, NodeId};
use std::collections::HashMap;
use std::convert::Infallible;
use std::io::BufRead;
use std::path::Path;

/// The data formats `read` knows, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma, semicolon or tab separated, UTF-8, a header row first.
    Csv,
    /// One object, or an array of objects.
    Json,
    /// One object per line (`.ndjson`, `.jsonl`).
    Ndjson,
}

impl Format {
    pub fn of_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }
}

/// A data file read whole against a form (`read`): for small files and
/// tests; an import streams (`stream`).
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub rows: Vec<Row>,
    /// "column" for CSV, "field" for JSON: what the file calls its parts.
    pub unit: &'static str,
    /// Columns or keys left out on purpose, once each, in file order.
    pub ignored: Vec<Ignored>,
    /// Columns or keys that match nothing in the form, once each: their
    /// values are not imported.
    pub refused: Vec<Refused>,
}

/// What became of a file's columns or keys, known once every row was read.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// "column" for CSV, "field" for JSON: what the file calls its parts.
    pub unit: &'static str,
    /// Columns or keys left out on purpose, once each, in file order.
    pub ignored: Vec<Ignored>,
    /// Columns or keys that match nothing in the form, once each: their
    /// values are not imported.
    pub refused: Vec<Refused>,
}

/// Why `stream` stopped before the end of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop<E> {
    /// The file cannot be read on from here (it changed since `scan`, or
    /// the disk failed): a one-line reason.
    File(String),
    /// What the row handler returned.
    Handler(E),
}

/// Why a column or key is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// What an export adds around the answers (`_id`, `_submission_time`,
    /// Google's `Timestamp`, `meta/instanceName`, …), or a second id column.
    Metadata,
    /// A calculation: the engine computes it again.
    Computed,
    /// A note holds no answer.
    Note,
    /// KoboToolbox's column for one choice of a select_multiple: the
    /// question's own column is read.
    ChoiceColumn,
    /// A column or key that matches nothing, but holds no value in any row:
    /// nothing is lost.
    Empty,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Metadata => "export metadata",
            Why::Computed => "computed by the form",
            Why::Note => "notes hold no answer",
            Why::ChoiceColumn => "one column per choice; the question's own column is read",
            Why::Empty => "empty",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub name: String,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub name: String,
    pub reason: String,
    /// How many rows have a value there (that is not imported).
    pub rows: usize,
}

/// One response in the data file.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// How the report names it: for CSV the row as a spreadsheet numbers it
    /// (the header is row 1), for JSON the object's place in the array (from
    /// 1), for NDJSON the line.
    pub number: usize,
    /// The value of the id column or key (`meta/instanceID`, `_uuid`, …).
    pub id: Option<String>,
    /// The version it replaces (`meta.deprecatedID` of an edited response).
    pub deprecated_id: Option<String>,
    /// The number written on the paper it was keyed from (`meta.paperID`).
    pub paper_id: Option<String>,
    /// Who keyed it (`meta.operator` of a rileva export): for double entry,
    /// a paper's first and second entries are by different operators.
    pub keyer: Option<String>,
    /// The language of a rileva export.
    pub language: Option<String>,
    pub items: Vec<Item>,
    /// What makes the whole row unusable or suspicious (a line that is not
    /// JSON, a response to another form, cells beyond the header).
    pub problems: Vec<String>,
}

/// A value of the row, or a repeat with its instances.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A question in the current instance context.
    Value {
        node: NodeId,
        /// The column's header when it is not the question's path.
        column: Option<String>,
        value: Raw,
    },
    /// A question at a data path with instance numbers (`person[2]/age`).
    At {
        slot: Slot,
        column: Option<String>,
        value: Raw,
    },
    /// A repeat's instances, each with its own items.
    Repeat {
        node: NodeId,
        instances: Vec<Vec<Item>>,
    },
}

/// A value as the file gives it, before the question's type is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw {
    /// Empty or null: the question is left unanswered (a default is cleared).
    Empty,
    Text(String),
    /// A JSON array (for select_multiple).
    List(Vec<String>),
}

/// Reads a data file once, without keeping it: `Err` is a one-line reason
/// why it cannot be used at all (not UTF-8, not JSON, no header …), else the
/// number of rows `stream` will hand over. Problems of single rows are not
/// looked at here.
pub fn scan(format: Format, input: impl BufRead) -> Result<usize, String> {
    match format {
        Format::Csv => table::scan(input),
        Format::Json => json::scan(input),
        Format::Ndjson => lines::scan(input),
    }
}

/// Reads a data file against a form, one row at a time, in file order:
/// `each` gets every row (and may stop the reading with an error); what the
/// columns or keys came to is returned at the end. Memory holds one row and
/// the names of the columns or keys, never the file.
pub fn stream<E>(
    format: Format,
    input: impl BufRead,
    form: &Form,
    each: impl FnMut(Row) -> Result<(), E>,
) -> Result<Mapping, Stop<E>> {
    match format {
        Format::Csv => table::stream(input, form, each),
        Format::Json => json::stream(input, form, each),
        Format::Ndjson => lines::stream(input, form, each),
    }
}

/// A whole data file read against a form, every row in memory. `Err` as for
/// `scan`.
pub fn read(format: Format, bytes: &[u8], form: &Form) -> Result<Source, String> {
    scan(format, bytes)?;
    let mut rows = Vec::new();
    let mapping = stream(format, bytes, form, |row| {
        rows.push(row);
        Ok::<(), Infallible>(())
    })
    .map_err(|e| match e {
        Stop::File(e) => e,
        Stop::Handler(never) => match never {},
    })?;
    Ok(Source {
        rows,
        unit: mapping.unit,
        ignored: mapping.ignored,
        refused: mapping.refused,
    })
}

/// A byte order mark at the start of the input is skipped (spreadsheets on
/// Windows write one).
fn skip_bom(input: &mut impl BufRead) -> std::io::Result<()> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    if input.fill_buf()?.starts_with(BOM) {
        input.consume(BOM.len());
    }
    Ok(())
}

/// Collects `Ignored` and `Refused` once per name, in the order met.
#[derive(Debug, Default)]
struct Notes {
    ignored: Vec<Ignored>,
    refused: Vec<Refused>,
    seen: HashMap<String, usize>,
}

impl Notes {
    fn ignore(&mut self, name: &str, why: Why) {
        if !self.seen.contains_key(name) {
            self.seen.insert(name.to_string(), usize::MAX);
            self.ignored.push(Ignored {
                name: name.to_string(),
                why,
            });
        }
    }

    /// A refused column or key; `with_value` counts the rows that lose a value.
    fn refuse(&mut self, name: &str, reason: &str, with_value: bool) {
        match self.seen.get(name) {
            Some(&i) if i != usize::MAX => {
                if let Some(r) = self.refused.get_mut(i) {
                    r.rows += usize::from(with_value);
                }
            }
            Some(_) => {}
            None => {
                self.seen.insert(name.to_string(), self.refused.len());
                self.refused.push(Refused {
                    name: name.to_string(),
                    reason: reason.to_string(),
                    rows: usize::from(with_value),
                });
            }
        }
    }

    /// A refused column or key that no row gave a value is only empty.
    fn into_mapping(self, unit: &'static str) -> Mapping {
        let (refused, empty): (Vec<Refused>, Vec<Refused>) =
            self.refused.into_iter().partition(|r| r.rows > 0);
        let mut ignored = self.ignored;
        ignored.extend(empty.into_iter().map(|r| Ignored {
            name: r.name,
            why: Why::Empty,
        }));
        Mapping {
            unit,
            ignored,
            refused,
        }
    }
}
