//! Choice lists: those of the `choices` sheet and those read from a CSV
//! file beside the form (`select_*_from_file`).

use super::{Compiler, Loc};
use crate::form::bundle::is_plain_file_name;
use crate::form::model::*;
use crate::form::native::ChoiceDoc;
use crate::form::{ErrorKind, FormError};
use crate::text::fold;
use std::collections::BTreeMap;

impl Compiler<'_> {
    pub(super) fn folded(label: &Text, codes: &[String]) -> Vec<String> {
        if codes.is_empty() || label.0.len() <= 1 {
            return vec![fold(label.get("", ""))];
        }
        codes.iter().map(|c| fold(label.get(c, ""))).collect()
    }

    pub(super) fn native_list(&mut self, name: &str, choices: &[ChoiceDoc], codes: &[String]) {
        let mut list = ChoiceList {
            name: name.to_string(),
            ..Default::default()
        };
        for c in choices {
            for col in c.columns.keys() {
                if !list.columns.contains(col) {
                    list.columns.push(col.clone());
                }
            }
        }
        for (i, c) in choices.iter().enumerate() {
            let location = c
                .origin
                .clone()
                .unwrap_or_else(|| format!("choices.{name}[{i}]"));
            if c.name.trim().is_empty() {
                self.err(
                    &location,
                    format!("a choice of list \"{name}\" needs a name"),
                );
                continue;
            }
            if list.by_name.contains_key(&c.name) && !self.allow_duplicates {
                self.err(
                    &location,
                    format!(
                        "duplicate choice \"{}\" in list \"{name}\" (choice names must be unique; the setting allow_choice_duplicates permits repeats)",
                        c.name
                    ),
                );
                continue;
            }
            let label = self.text(Some(&c.label), codes, &location);
            let values = list
                .columns
                .iter()
                .map(|col| c.columns.get(col).cloned().unwrap_or_default())
                .collect();
            list.by_name
                .entry(c.name.clone())
                .or_insert(list.choices.len());
            list.choices.push(Choice {
                name: c.name.clone(),
                folded: Self::folded(&label, codes),
                label,
                values,
            });
        }
        if choices.is_empty() {
            self.err(format!("choices.{name}"), "the list has no choices");
        }
        list.seal();
        self.list_ids.insert(name.to_string(), self.lists.len());
        self.lists.push(list);
    }

    /// A list read from a CSV or GeoJSON file beside the form
    /// (`select_one_from_file`).
    pub(super) fn file_list(
        &mut self,
        file: &str,
        params: &BTreeMap<String, String>,
        loc: &Loc,
    ) -> Option<ListId> {
        for key in params.keys() {
            if !["value", "label", "list", "randomize", "seed"].contains(&key.as_str()) {
                self.err(
                    loc.field("parameters"),
                    format!(
                        "unknown parameter \"{key}\" (a list from a file takes value= and label=)"
                    ),
                );
            }
        }
        let geojson = file.to_ascii_lowercase().ends_with(".geojson");
        let (value_default, label_default) = if geojson {
            ("id", "title")
        } else {
            ("name", "label")
        };
        let value_col = params
            .get("value")
            .map(String::as_str)
            .unwrap_or(value_default);
        let label_col = params
            .get("label")
            .map(String::as_str)
            .unwrap_or(label_default);
        // `list`: the rows of one list of an itemsets.csv (its list_name).
        let only = params.get("list");
        let key = format!(
            "{file}\u{0}{value_col}\u{0}{label_col}\u{0}{}",
            only.map_or("", String::as_str)
        );
        if let Some(&id) = self.list_ids.get(&key) {
            return Some(id);
        }
        if !is_plain_file_name(file) || !(file.to_ascii_lowercase().ends_with(".csv") || geojson) {
            self.err(
                loc.field("type"),
                format!("\"{file}\" must be the name of a .csv or .geojson file beside the form"),
            );
            return None;
        }
        let Some(content) = self.bundle.files.get(file) else {
            self.errors.push(FormError {
                kind: ErrorKind::MissingFile,
                ..FormError::new(
                    loc.field("type"),
                    format!("the file \"{file}\" was not found beside the form"),
                )
            });
            return None;
        };
        // Each row with where it is: a GeoJSON's feature (from 1), a CSV's
        // line (its header is line 1).
        let (headers, records): (Vec<String>, Vec<(usize, Vec<String>)>) = if geojson {
            match super::geojson::rows(content) {
                Ok((headers, rows)) => (
                    headers,
                    rows.into_iter()
                        .enumerate()
                        .map(|(i, r)| (i + 1, r))
                        .collect(),
                ),
                Err(e) => {
                    self.err(file, e);
                    return None;
                }
            }
        } else {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(content.as_bytes());
            let headers: Vec<String> = match reader.headers() {
                Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
                Err(e) => {
                    self.err(file, format!("cannot read the CSV header: {e}"));
                    return None;
                }
            };
            let mut records = Vec::new();
            for (row, record) in reader.records().enumerate() {
                match record {
                    Ok(r) => records.push((row + 2, r.iter().map(str::to_string).collect())),
                    Err(e) => self.err(format!("{file}, line {}", row + 2), format!("{e}")),
                }
            }
            (headers, records)
        };
        let (Some(vi), Some(li)) = (
            headers.iter().position(|h| h == value_col),
            headers.iter().position(|h| h == label_col),
        ) else {
            self.err(
                loc.field("parameters"),
                format!(
                    "\"{file}\" needs the columns \"{value_col}\" and \"{label_col}\"; it has: {}",
                    headers.join(", ")
                ),
            );
            return None;
        };
        let records = match only {
            None => records,
            Some(l) => {
                let Some(li) = headers.iter().position(|h| h == "list_name") else {
                    self.err(
                        file,
                        format!(
                            "\"{file}\" needs a list_name column (the lists of select_one_external)"
                        ),
                    );
                    return None;
                };
                records
                    .into_iter()
                    .filter(|(_, r)| r.get(li).is_some_and(|v| v.trim() == l))
                    .collect()
            }
        };
        let mut list = ChoiceList {
            name: file.to_string(),
            columns: headers,
            ..Default::default()
        };
        for (line, record) in &records {
            let at = if geojson {
                format!("{file}, feature {line}")
            } else {
                format!("{file}, line {line}")
            };
            let name = record.get(vi).map_or("", |s| s.trim()).to_string();
            if name.is_empty() {
                continue;
            }
            if list.by_name.contains_key(&name) {
                self.err(
                    at,
                    format!("duplicate value \"{name}\" in column \"{value_col}\""),
                );
                continue;
            }
            let label = Text::plain(record.get(li).map_or("", |s| s.trim()));
            list.by_name.insert(name.clone(), list.choices.len());
            list.choices.push(Choice {
                folded: vec![fold(label.get("", ""))],
                name,
                label,
                values: record.clone(),
            });
        }
        if list.choices.is_empty() {
            self.err(loc.field("type"), format!("\"{file}\" has no choices"));
        }
        list.seal();
        let id = self.lists.len();
        self.list_ids.insert(key, id);
        self.lists.push(list);
        Some(id)
    }
}
