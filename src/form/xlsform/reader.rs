//! pyxform's reading rules, from a `Workbook` to the native `FormDoc`: which
//! sheets count, their headers, settings, languages, choice lists and the
//! `${name}` references in texts. The survey sheet's rows are in `survey.rs`.
//!
//! The reader checks what is particular to XLSForm (sheets, columns, aliases,
//! begin/end rows, pyxform's own rules); everything a native form is also
//! checked for (names, labels, lists, expressions) is left to `compile_doc`,
//! so that a rule is written once.

use super::columns::{self, SheetKind, language_parts, straight_quotes};
use super::settings::read_settings;
use super::survey;
use super::workbook::{Row, Sheet, Workbook};
use crate::form::FormError;
use crate::form::native::{self, ChoiceDoc, FormDoc, Language, Settings, TextDoc};
use std::collections::{BTreeMap, HashMap};

/// What reading a workbook gives: the document (always, as far as it could
/// be read, so that compiling it finds the other problems) and the problems.
#[derive(Debug, Clone)]
pub struct Reading {
    pub doc: FormDoc,
    /// CSV files named by `select_*_from_file` questions, to read from
    /// beside the form.
    pub files: Vec<String>,
    pub problems: Vec<FormError>,
}

/// One sheet with its header read: a column per header cell.
pub(super) struct Table<'a> {
    pub name: &'a str,
    pub header_row: usize,
    pub columns: Vec<Column>,
    pub rows: &'a [Row],
}

pub(super) struct Column {
    /// The header as written (spaces folded), for messages.
    pub header: String,
    /// The header's tokens (`["label", "English (en)"]`); empty for a cell
    /// without a header.
    pub tokens: Vec<String>,
}

/// The languages of the form, in the order their columns first appear.
#[derive(Default)]
pub(super) struct Languages {
    /// (as written in headers, code, name)
    pub list: Vec<(String, String, String)>,
    /// The language of the columns without a language (`label`) when the
    /// form has translations: `default_language`, else pyxform's `default`.
    pub plain: Option<String>,
}

impl Languages {
    pub fn code_of(&self, written: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(w, _, _)| w == written)
            .map(|(_, c, _)| c.as_str())
    }

    /// A text from its untranslated value and its values per language (as
    /// written in the headers).
    pub fn text(&self, plain: Option<&str>, translated: &[(&str, &str)]) -> Option<TextDoc> {
        if self.list.is_empty() {
            return plain.map(|p| TextDoc::Plain(p.to_string()));
        }
        let mut map = BTreeMap::new();
        for (lang, value) in translated {
            if let Some(code) = self.code_of(lang) {
                map.insert(code.to_string(), value.to_string());
            }
        }
        if let (Some(p), Some(code)) = (plain, self.plain.as_deref()) {
            map.entry(code.to_string()).or_insert_with(|| p.to_string());
        }
        (!map.is_empty()).then_some(TextDoc::Translated(map))
    }
}

/// Everything the reading of one workbook shares.
pub(super) struct Ctx<'a> {
    pub wb: &'a Workbook,
    pub problems: Vec<FormError>,
    pub languages: Languages,
    /// pyxform's `clean_text_values` (default yes): runs of spaces in survey
    /// cells folded to one.
    pub clean_text: bool,
    /// The lists of the external_choices sheet, by name: the key each has
    /// among the choice lists (its own name, unless the choices sheet has a
    /// list of that name too).
    pub external: BTreeMap<String, String>,
    /// The workbook has an external_choices sheet (else select_one_external
    /// reads `itemsets.csv` beside the form, as ODK Collect does).
    pub external_sheet: bool,
    /// Sheets named almost `external_choices` (a misspelling, when there is
    /// no such sheet): select_one_external then says so.
    pub external_like: Vec<String>,
}

impl Ctx<'_> {
    pub fn at(&self, sheet: &str, row: usize) -> String {
        self.wb.location(sheet, row)
    }

    pub fn at_col(&self, sheet: &str, row: usize, column: &str) -> String {
        format!("{}, column {column}", self.at(sheet, row))
    }

    pub fn invalid(&mut self, location: String, message: impl Into<String>) {
        self.problems.push(FormError::new(location, message));
    }

    pub fn unsupported(&mut self, location: String, message: impl Into<String>) {
        self.problems
            .push(FormError::unsupported(location, message));
    }
}

/// Reads a workbook. `fallback_id` is the form id when the settings give
/// none (pyxform uses the file name); `file` names the whole file in
/// messages; `form_name` is the root element's name when the settings give
/// none (pyxform's `form_name`; `None` for pyxform's and rileva's `data`).
pub fn read(wb: &Workbook, fallback_id: &str, file: &str, form_name: Option<&str>) -> Reading {
    let mut cx = Ctx {
        wb,
        problems: Vec::new(),
        languages: Languages::default(),
        clean_text: true,
        external: BTreeMap::new(),
        external_sheet: false,
        external_like: Vec::new(),
    };
    let sheets = find_sheets(&mut cx, file);
    let survey_sheet = sheets.get("survey").copied();
    let settings_table = sheets
        .get("settings")
        .map(|s| table(&mut cx, s, SheetKind::Settings));
    let mut settings = read_settings(&mut cx, settings_table.as_ref(), fallback_id);
    if settings.name.is_none() {
        settings.name = form_name.map(str::to_string);
    }
    let survey_table = survey_sheet.map(|s| table(&mut cx, s, SheetKind::Survey));
    let choices_table = sheets
        .get("choices")
        .map(|s| table(&mut cx, s, SheetKind::Choices));
    languages(
        &mut cx,
        &mut settings,
        survey_table.as_ref(),
        choices_table.as_ref(),
    );
    let mut choices = choices_table
        .as_ref()
        .map(|t| read_choices(&mut cx, t))
        .unwrap_or_default();
    // select_one_external's lists (pyxform writes them to itemsets.csv,
    // which ODK Collect reads): choice lists like the others, kept apart
    // from a choices list of the same name.
    let external_table = sheets
        .get("external_choices")
        .map(|s| table(&mut cx, s, SheetKind::Choices));
    cx.external_sheet = external_table.is_some();
    if !cx.external_sheet {
        cx.external_like = wb
            .sheets
            .iter()
            .map(|s| s.name.clone())
            .filter(|n| close_to(&n.to_lowercase(), "external_choices"))
            .collect();
    }
    if let Some(t) = &external_table {
        for (name, list) in read_choices(&mut cx, t) {
            let mut key = name.clone();
            while choices.contains_key(&key) {
                key.push_str(" (external_choices)");
            }
            cx.external.insert(name, key.clone());
            choices.insert(key, list);
        }
    }
    let mut out = survey::Output::default();
    match &survey_table {
        Some(t) => {
            if !t.columns.iter().any(|c| c.tokens == ["type"]) {
                let at = cx.at(t.name, t.header_row);
                cx.invalid(
                    at,
                    "the survey sheet has no \"type\" column (its first row must name the columns: type, name, label, …)",
                );
            }
            out = survey::read(&mut cx, t, &mut settings, &mut choices);
        }
        None => {
            let similar: Vec<&str> = wb
                .sheets
                .iter()
                .map(|s| s.name.as_str())
                .filter(|n| close_to(&n.to_lowercase(), "survey"))
                .collect();
            let hint = if similar.is_empty() {
                String::new()
            } else {
                format!(" (is {} meant to be it?)", quoted(&similar))
            };
            cx.invalid(
                file.to_string(),
                format!("an XLSForm needs a sheet named \"survey\"{hint}"),
            );
        }
    }
    check_text_references(
        &mut cx,
        &out,
        settings_table.as_ref(),
        choices_table.as_ref(),
    );
    let languages = cx
        .languages
        .list
        .iter()
        .map(|(_, code, name)| Language {
            code: code.clone(),
            name: name.clone(),
        })
        .collect();
    Reading {
        doc: FormDoc {
            format: native::FORMAT.to_string(),
            settings,
            languages,
            survey: out.items,
            choices,
        },
        files: out.files,
        problems: cx.problems,
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A misspelling of a sheet name (pyxform suggests sheets within 2 edits).
fn close_to(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}

/// The sheets by lower-cased name. Sheets rileva refuses are reported when
/// they hold rows; other sheets are not part of XLSForm and are ignored
/// (pyxform too), except that a workbook of one sheet is its survey.
fn find_sheets<'a>(cx: &mut Ctx<'a>, file: &str) -> HashMap<&'static str, &'a Sheet> {
    let wb = cx.wb;
    let mut found: HashMap<&'static str, &'a Sheet> = HashMap::new();
    for sheet in &wb.sheets {
        let lower = sheet.name.to_lowercase();
        let key = match lower.as_str() {
            "survey" => "survey",
            "choices" => "choices",
            "settings" => "settings",
            "external_choices" => "external_choices",
            "entities" | "osm" => {
                if sheet.rows.len() > 1 {
                    let what = match lower.as_str() {
                        "entities" => "ODK entities",
                        _ => "OpenStreetMap tags",
                    };
                    let at = wb.location(&sheet.name, sheet.rows[0].number);
                    cx.unsupported(
                        at,
                        format!(
                            "the sheet \"{}\" ({what}) is not supported by rileva",
                            sheet.name
                        ),
                    );
                }
                continue;
            }
            _ if wb.sheets.len() == 1 => "survey",
            _ => continue,
        };
        if let Some(first) = found.get(key) {
            cx.invalid(
                file.to_string(),
                format!(
                    "the sheets \"{}\" and \"{}\" have the same name",
                    first.name, sheet.name
                ),
            );
            continue;
        }
        found.insert(key, sheet);
    }
    found
}

/// Reads a sheet's header row into columns, reporting duplicates.
pub(super) fn table<'a>(cx: &mut Ctx<'_>, sheet: &'a Sheet, kind: SheetKind) -> Table<'a> {
    let (header, rows) = match sheet.rows.split_first() {
        Some((h, rest)) => (Some(h), rest),
        None => (None, &sheet.rows[..]),
    };
    let cells: Vec<String> = header
        .map(|h| h.cells.iter().map(|c| columns::fold_spaces(c)).collect())
        .unwrap_or_default();
    let double_colon = cells.iter().any(|c| c.contains("::"));
    let header_row = header.map_or(1, |h| h.number);
    let mut out: Vec<Column> = Vec::new();
    for cell in cells {
        let tokens = if cell.is_empty() {
            Vec::new()
        } else {
            columns::tokens(kind, &cell, double_colon)
        };
        if !tokens.is_empty() {
            let at = cx.at_col(&sheet.name, header_row, &cell);
            // pyxform drops id_string when form_id is there too.
            let id_pair = kind == SheetKind::Settings && tokens == ["id_string"];
            if id_pair {
                if let Some(i) = out.iter().position(|c| c.tokens == tokens) {
                    if out[i].header.eq_ignore_ascii_case("id_string") {
                        out[i].tokens.clear();
                    } else {
                        out.push(Column {
                            header: cell,
                            tokens: Vec::new(),
                        });
                        continue;
                    }
                }
            } else if let Some(i) = out.iter().position(|c| c.header == cell) {
                if cx.wb.numbers_are_lines {
                    // pyxform's text formats keep the later of two same columns.
                    out[i].tokens.clear();
                } else {
                    cx.invalid(at, format!("the column \"{cell}\" appears twice"));
                }
            } else if let Some(other) = out.iter().find(|c| c.tokens == tokens) {
                cx.invalid(
                    at,
                    format!(
                        "the columns \"{}\" and \"{cell}\" are two names for the same column: rename or remove one",
                        other.header
                    ),
                );
            }
        }
        out.push(Column {
            header: cell,
            tokens,
        });
    }
    Table {
        name: &sheet.name,
        header_row,
        columns: out,
        rows,
    }
}

/// The form's languages, from the translated columns of the survey and
/// choices sheets, and the language of the untranslated ones.
fn languages(
    cx: &mut Ctx<'_>,
    settings: &mut Settings,
    survey: Option<&Table<'_>>,
    choices: Option<&Table<'_>>,
) {
    let mut list: Vec<(String, String, String)> = Vec::new();
    let mut plain_columns = false;
    for (t, texts) in [(survey, &["label", "hint"][..]), (choices, &["label"][..])] {
        let Some(t) = t else { continue };
        for col in &t.columns {
            let tok: Vec<&str> = col.tokens.iter().map(String::as_str).collect();
            let lang = match tok[..] {
                [first] if texts.contains(&first) => {
                    plain_columns = true;
                    continue;
                }
                ["bind", "jr:constraintMsg" | "jr:requiredMsg"] => {
                    plain_columns = true;
                    continue;
                }
                [first, lang] if texts.contains(&first) => lang,
                ["bind", "jr:constraintMsg" | "jr:requiredMsg", lang] => lang,
                _ => continue,
            };
            if list.iter().any(|(w, _, _)| w == lang) {
                continue;
            }
            let (code, name) = language_parts(lang);
            if let Some((other, _, _)) = list.iter().find(|(_, c, _)| *c == code) {
                let at = cx.at_col(t.name, t.header_row, &col.header);
                cx.invalid(
                    at,
                    format!(
                        "the languages \"{other}\" and \"{lang}\" have the same code \"{code}\""
                    ),
                );
                continue;
            }
            list.push((lang.to_string(), code, name));
        }
    }
    let default = settings.default_language.take();
    let mut plain = None;
    if !list.is_empty() {
        let written = default.clone().unwrap_or_else(|| "default".to_string());
        let known = list
            .iter()
            .find(|(w, c, _)| *w == written || *c == written)
            .map(|(_, c, _)| c.clone());
        match known {
            Some(code) => {
                settings.default_language = Some(code.clone());
                plain = Some(code);
            }
            None if plain_columns => {
                // pyxform files untranslated texts under the default language.
                let (code, name) = language_parts(&written);
                list.push((written, code.clone(), name));
                settings.default_language = Some(code.clone());
                plain = Some(code);
            }
            // A default language no column uses: pyxform ignores it.
            None => {}
        }
    }
    cx.languages = Languages { list, plain };
}

/// The choice lists, in sheet order, each choice with its row.
fn read_choices(cx: &mut Ctx<'_>, t: &Table<'_>) -> BTreeMap<String, Vec<ChoiceDoc>> {
    let mut lists: BTreeMap<String, Vec<ChoiceDoc>> = BTreeMap::new();
    let has_name = t.columns.iter().any(|c| c.tokens == ["name"]);
    if !has_name && t.rows.iter().any(|r| !r.is_empty()) {
        let at = cx.at(t.name, t.header_row);
        cx.invalid(
            at,
            "the choices sheet has no \"name\" column (its first row must name the columns: list_name, name, label, …)",
        );
    }
    for row in t.rows {
        if row.is_empty() {
            continue;
        }
        let mut list = None;
        let mut name = None;
        let mut plain = None;
        let mut translated: Vec<(&str, &str)> = Vec::new();
        let mut extra = BTreeMap::new();
        for (i, col) in t.columns.iter().enumerate() {
            let raw = row.cell(i);
            if raw.is_empty() || col.tokens.is_empty() {
                continue;
            }
            let tok: Vec<&str> = col.tokens.iter().map(String::as_str).collect();
            match tok[..] {
                ["list name"] => list = Some(straight_quotes(raw)),
                ["name"] => name = Some(straight_quotes(raw)),
                ["label"] => plain = Some(raw),
                ["label", lang] => translated.push((lang, raw)),
                // A picture or sound beside a choice's label: other clients
                // show it; the terminal shows the label (or the name).
                ["media", ..] => {}
                // pyxform drops columns whose name has a space (they cannot be XML).
                _ if col.header.contains(' ') => {}
                _ => {
                    extra.insert(col.header.clone(), straight_quotes(raw));
                }
            }
        }
        // pyxform skips rows without a list name.
        let Some(list) = list else { continue };
        let label = cx
            .languages
            .text(plain, &translated)
            .unwrap_or_else(|| TextDoc::Plain(String::new()));
        lists.entry(list).or_default().push(ChoiceDoc {
            name: name.unwrap_or_default(),
            label,
            columns: extra,
            origin: Some(cx.at(t.name, row.number)),
        });
    }
    lists
}

/// Where `${…}` references appear in a text: the names they reference, or
/// `Err` for one that is not `${name}`.
pub(super) fn references(value: &str) -> Result<Vec<&str>, ()> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(());
        };
        let inner = &after[..end];
        rest = &after[end + 1..];
        if inner.is_empty() {
            continue; // pyxform does not take `${}` for a reference
        }
        // `last-saved#` is refused where it is found (see survey.rs).
        let name = inner.strip_prefix("last-saved#").unwrap_or(inner);
        if !crate::form::compile::is_xml_name(name) {
            return Err(());
        }
        out.push(name);
    }
    Ok(out)
}

/// pyxform checks every `${name}` of the workbook: in the survey's texts and
/// other columns (expressions are checked by `compile_doc`), the settings and
/// the choice labels. The name must be a question, group or repeat, and one
/// only.
fn check_text_references(
    cx: &mut Ctx<'_>,
    out: &survey::Output,
    settings: Option<&Table<'_>>,
    choices: Option<&Table<'_>>,
) {
    let mut cells: Vec<(String, String)> = out.text_cells.clone();
    if let Some(t) = settings {
        for row in t.rows.iter().take(1) {
            for (i, col) in t.columns.iter().enumerate() {
                // instance_name is an expression: compile_doc checks it.
                if col.tokens != ["instance_name"] && !row.cell(i).is_empty() {
                    let at = cx.at_col(t.name, row.number, &col.header);
                    cells.push((at, row.cell(i).to_string()));
                }
            }
        }
    }
    if let Some(t) = choices {
        for row in t.rows {
            for (i, col) in t.columns.iter().enumerate() {
                if col
                    .tokens
                    .first()
                    .is_some_and(|f| f == "label" || f == "media")
                    && !row.cell(i).is_empty()
                {
                    let at = cx.at_col(t.name, row.number, &col.header);
                    cells.push((at, row.cell(i).to_string()));
                }
            }
        }
    }
    for (at, value) in cells {
        if !value.contains("${") {
            continue;
        }
        match references(&value) {
            Err(()) => cx.invalid(
                at,
                "a reference must be ${ then the name of a question, then }",
            ),
            Ok(names) => {
                for name in names {
                    match out.names.get(name).copied().unwrap_or(0) {
                        0 => cx.invalid(at.clone(), format!("unknown question ${{{name}}}")),
                        1 => {}
                        _ => cx.invalid(
                            at.clone(),
                            format!(
                                "${{{name}}} is ambiguous: more than one question is named \"{name}\""
                            ),
                        ),
                    }
                }
            }
        }
    }
}
