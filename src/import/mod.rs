//! Responses keyed elsewhere, brought in: a spreadsheet of paper
//! questionnaires, a Google Forms or KoboToolbox export, rileva's own JSON.
//!
//! Two steps, both pure (no terminal, no database):
//!
//! 1. `read` turns a data file (CSV, JSON, NDJSON) into `Row`s: each column
//!    or key is mapped once to a question of the form (by XLSForm name, by
//!    data path `group/name`, by rileva data path with instance numbers
//!    `person[2]/age`, and for CSV also by question label); the columns or
//!    keys that are export metadata are left out on purpose (`Ignored`), those
//!    that match nothing are `Refused`, each reported once.
//! 2. `Judge` runs each row through the engine, as the TUI would: a new
//!    response (`Filling::start`: metadata and defaults), every value through
//!    the question's type, list, constraint and relevance, repeat instances
//!    added as needed, then the whole response judged for finalizing. What
//!    comes out is the answers to store and what was refused, per field.
//!
//! Storing, and what was already imported, is the command line's business.

mod json;
mod judge;
mod resolve;
mod table;
#[cfg(test)]
mod tests;

pub use judge::{Context, Judge, Judged, Note};

use crate::engine::Slot;
use crate::form::{Form, NodeId};
use std::collections::HashMap;
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

/// A data file read against a form.
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

/// Reads a data file against a form. `Err` is a one-line reason why the file
/// cannot be used at all (not UTF-8, not JSON, no header …); problems of
/// single rows are in the rows.
pub fn read(format: Format, bytes: &[u8], form: &Form) -> Result<Source, String> {
    match format {
        Format::Csv => table::read(bytes, form),
        Format::Json => json::read(bytes, form),
        Format::Ndjson => json::read_lines(bytes, form),
    }
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
    fn refuse(&mut self, name: &str, reason: String, with_value: bool) {
        match self.seen.get(name) {
            Some(&i) if i != usize::MAX => {
                self.refused[i].rows += usize::from(with_value);
            }
            Some(_) => {}
            None => {
                self.seen.insert(name.to_string(), self.refused.len());
                self.refused.push(Refused {
                    name: name.to_string(),
                    reason,
                    rows: usize::from(with_value),
                });
            }
        }
    }

    fn into_source(self, rows: Vec<Row>, unit: &'static str) -> Source {
        let (refused, empty): (Vec<Refused>, Vec<Refused>) =
            self.refused.into_iter().partition(|r| r.rows > 0);
        let mut ignored = self.ignored;
        ignored.extend(empty.into_iter().map(|r| Ignored {
            name: r.name,
            why: Why::Empty,
        }));
        Source {
            rows,
            unit,
            ignored,
            refused,
        }
    }
}
