//! What every row's cells give, whatever its type: the columns every kind
//! of row shares, the files shown with its label, the cells refused
//! wherever they are, the `audit` row, and the defaults pyxform rewrites.

use super::super::cells::{Col, Fields};
use super::super::columns::parse_parameters;
use super::Survey;
use crate::form::native::{Item, Settings};
use std::collections::BTreeMap;

impl Survey<'_, '_, '_> {
    /// The `audit` row: the form asks for the audit log, which rileva keeps
    /// for every response (each event, with the old and new value and the
    /// operator); the submission names it (`meta/audit`). Its name is
    /// `audit` or none, as pyxform says; a location in the log (a terminal
    /// has no GPS) and a reason asked on each change are refused.
    pub(super) fn audit(&mut self, f: &Fields, row: usize, settings: &mut Settings) {
        if let Some(n) = f.get(Col::Name).filter(|n| *n != "audit") {
            let at = self.at(row, Col::Name);
            self.cx.invalid(
                at,
                format!("the audit is always named \"audit\", not \"{n}\": leave the name empty"),
            );
        }
        let params = f
            .get(Col::Parameters)
            .and_then(parse_parameters)
            .unwrap_or_default();
        let at = self.at(row, Col::Parameters);
        for (key, value) in &params {
            match key.as_str() {
                "identify-user" | "track-changes" => {
                    if !["true", "false"].contains(&value.as_str()) {
                        self.cx.invalid(
                            at.clone(),
                            format!("the audit parameter {key} must be true or false, not \"{value}\""),
                        );
                    }
                }
                "location-priority" | "location-min-interval" | "location-max-age" => {
                    self.cx.unsupported(
                        at.clone(),
                        format!("the audit parameter {key} (locations in the audit log) is not supported by rileva: a terminal has no GPS"),
                    );
                }
                "track-changes-reasons" => self.cx.unsupported(
                    at.clone(),
                    "the audit parameter track-changes-reasons (a reason asked for each change) is not supported by rileva",
                ),
                other => self.cx.invalid(
                    at.clone(),
                    format!("the audit takes no parameter \"{other}\" (it takes: identify-user, track-changes, track-changes-reasons, location-priority, location-min-interval, location-max-age)"),
                ),
            }
        }
        settings.audit = true;
    }

    /// Cells refused wherever they are, and the texts whose `${…}` are checked later.
    pub(super) fn check_cells(&mut self, row: &super::super::workbook::Row) {
        let given = |kind: &'static str| {
            self.cols
                .iter()
                .enumerate()
                .any(|(i, (c, _))| *c == Col::Media(kind) && !row.cell(i).trim().is_empty())
        };
        if given("big-image") && !given("image") {
            let at = self.cx.at(self.t.name, row.number);
            self.cx.invalid(
                at,
                "big-image goes with an image: give the question an image too (the picture shown before it is enlarged)",
            );
        }
        for (i, (col, _)) in self.cols.iter().enumerate() {
            let raw = row.cell(i);
            if raw.is_empty() {
                continue;
            }
            let at = self
                .cx
                .at_col(self.t.name, row.number, &self.t.columns[i].header);
            if let Col::Unsupported(what) = col {
                self.cx.unsupported(
                    at.clone(),
                    format!(
                        "the column \"{}\" ({what}) is not supported by rileva",
                        self.t.columns[i].header
                    ),
                );
            }
            if col.is_expression() && raw.contains("${instanceID}") {
                self.cx.unsupported(
                    at.clone(),
                    "${instanceID} in an expression is not supported by rileva",
                );
            }
            if *col == Col::Appearance && raw.contains("search(") {
                self.cx.unsupported(
                    at.clone(),
                    "the appearance search() (choices looked up in a CSV file) is not supported by rileva",
                );
            }
            if !col.is_expression() && !matches!(col, Col::Type | Col::Name) {
                self.out.text_cells.push((at, raw.to_string()));
            }
        }
    }

    /// The columns every kind of row shares.
    pub(super) fn item(&self, f: &Fields, name: String, origin: String) -> Item {
        let lang = &self.cx.languages;
        let text = |col: Col| lang.text(f.get(col), &f.translated(col));
        Item {
            name,
            label: text(Col::Label),
            hint: text(Col::Hint),
            required: f.owned(Col::Required),
            required_message: text(Col::RequiredMsg),
            relevant: f.owned(Col::Relevant),
            constraint: f.owned(Col::Constraint),
            constraint_message: text(Col::ConstraintMsg),
            calculation: f.owned(Col::Calculation),
            default: f.owned(Col::Default),
            read_only: f.owned(Col::ReadOnly),
            appearance: f.owned(Col::Appearance),
            choice_filter: f.owned(Col::ChoiceFilter),
            repeat_count: f.owned(Col::RepeatCount),
            media: media(f),
            attributes: {
                let a: BTreeMap<String, String> = f
                    .translated(Col::Instance)
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                (!a.is_empty()).then_some(a)
            },
            origin: Some(origin),
            ..Item::default()
        }
    }
}

/// The files a row shows with its label (`image`, `audio`…), by kind: the
/// untranslated column's, else the first language's.
fn media(f: &Fields) -> Option<BTreeMap<String, String>> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (col, lang, value) in &f.values {
        if let Col::Media(kind) = col
            && !value.trim().is_empty()
            && (lang.is_none() || !out.contains_key(*kind))
        {
            out.insert((*kind).to_string(), value.trim().to_string());
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A date typed as a date in a spreadsheet reads `2020-01-31 00:00:00`: as
/// the default of a date (or dateTime) question it is that date.
pub(super) fn excel_date_default(item: &mut Item) {
    let Some(d) = item.default.as_mut() else {
        return;
    };
    let b = d.as_bytes();
    let excel_shape = d.len() == 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && d.bytes()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16].contains(&i) || c.is_ascii_digit());
    if !excel_shape {
        return;
    }
    match item.kind.as_str() {
        "date" if d.ends_with(" 00:00:00") => d.truncate(10),
        "dateTime" => d.replace_range(10..11, "T"),
        _ => {}
    }
}

/// pyxform gives no control to a question with a calculation and neither
/// label nor hint: its value is calculated and never shown, as a calculate's.
/// And a calculate without a calculation but with a dynamic default is a
/// value set once, at the start: rileva's `hidden`.
pub(super) fn hidden_calculation(item: &mut Item) {
    let shown = item.label.is_some() || item.hint.is_some();
    let input = !matches!(
        item.kind.as_str(),
        "note"
            | "calculate"
            | "hidden"
            | "start"
            | "end"
            | "today"
            | "deviceid"
            | "username"
            | "phonenumber"
            | "email"
    );
    if input && !shown && item.calculation.is_some() {
        item.kind = "calculate".into();
        item.list = None;
        item.parameters = None;
        item.choice_filter = None;
    } else if item.kind == "calculate"
        && item.calculation.is_none()
        && item
            .default
            .as_deref()
            .is_some_and(crate::expr::is_dynamic_default)
    {
        item.kind = "hidden".into();
    }
}
