//! The survey sheet: its columns, and its rows turned into native items, with
//! begin/end rows nested into groups and repeats (xls2json.py's
//! `workbook_to_json`).

use super::cells::{Col, Fields, classify};
use super::columns::{fold_spaces, parse_parameters, straight_quotes, yes_no};
use super::params;
use super::reader::{Ctx, Table};
use super::types::{self, Control, TypeCell};
use crate::form::native::{ChoiceDoc, Item, Settings, TextDoc};
use std::collections::{BTreeMap, HashMap};

mod expansions;
mod rows;

use rows::{excel_date_default, hidden_calculation};

#[derive(Debug, Default)]
pub(super) struct Output {
    pub items: Vec<Item>,
    /// CSV files named by `select_*_from_file` rows.
    pub files: Vec<String>,
    /// How many rows carry each name (questions, groups and repeats), for
    /// the `${name}` checks of texts.
    pub names: HashMap<String, usize>,
    /// Cells other than expressions, with their locations, whose `${name}`
    /// references are checked once every name is known.
    pub text_cells: Vec<(String, String)>,
}

/// A group or repeat being read: its item, and where it began.
struct Frame {
    item: Item,
    control: Control,
    row: usize,
    /// A table-list group whose header row (before its first select) is
    /// still to be added.
    table_header: bool,
    /// Opened deeper than [`crate::form::MAX_DEPTH`]: refused, and its rows are put in
    /// its parent so that nothing deeper is ever built.
    too_deep: bool,
    /// `begin loop over LIST`: its rows are repeated for each choice of
    /// the list when it closes.
    loop_over: Option<String>,
}

struct Survey<'c, 'a, 't> {
    cx: &'c mut Ctx<'a>,
    t: &'t Table<'t>,
    cols: Vec<(Col, Option<String>)>,
    out: Output,
    stack: Vec<Frame>,
    repeat_names: Vec<String>,
    root_name: String,
}

pub(super) fn read(
    cx: &mut Ctx<'_>,
    t: &Table<'_>,
    settings: &mut Settings,
    choices: &mut BTreeMap<String, Vec<ChoiceDoc>>,
) -> Output {
    let cols = t.columns.iter().map(|c| classify(&c.tokens)).collect();
    let mut s = Survey {
        cx,
        t,
        cols,
        out: Output::default(),
        stack: Vec::new(),
        repeat_names: Vec::new(),
        root_name: settings.name.clone().unwrap_or_else(|| "data".into()),
    };
    // pyxform adds meta/instanceID to every form, and `${instanceID}` may be used.
    s.out.names.insert("instanceID".into(), 1);
    for (index, row) in t.rows.iter().enumerate() {
        // pyxform's row number: the spreadsheet row, or for the text formats
        // the count of data rows (it names notes without a name after it).
        let pyxform_row = if s.cx.wb.numbers_are_lines {
            index + 2
        } else {
            row.number
        };
        s.row(row, pyxform_row, settings, choices);
    }
    while let Some(frame) = s.stack.pop() {
        let at = s.cx.at_col(t.name, frame.row, s.header(Col::Type));
        let word = frame.control.word();
        s.cx.invalid(
            at,
            format!(
                "\"begin_{word}\" of \"{}\" has no matching \"end_{word}\"",
                frame.item.name
            ),
        );
        s.close(frame, choices);
    }
    s.out
}

impl Survey<'_, '_, '_> {
    fn header(&self, col: Col) -> &str {
        self.cols.iter().position(|(c, _)| *c == col).map_or(
            match col {
                Col::Type => "type",
                Col::Parameters => "parameters",
                _ => "name",
            },
            |i| self.t.columns[i].header.as_str(),
        )
    }

    fn at(&self, row: usize, col: Col) -> String {
        self.cx.at_col(self.t.name, row, self.header(col))
    }

    fn push(&mut self, item: Item) {
        match self.stack.last_mut() {
            Some(frame) => frame.item.children.get_or_insert_with(Vec::new).push(item),
            None => self.out.items.push(item),
        }
    }

    /// The row's cells, cleaned as pyxform cleans them: spaces folded (unless
    /// `clean_text_values` is no) and typographic quotes made plain (except in
    /// the texts people read, where they are typography).
    fn fields(&mut self, row: &super::workbook::Row) -> Fields {
        let mut f = Fields::default();
        for (i, (col, lang)) in self.cols.iter().enumerate() {
            let raw = row.cell(i);
            if raw.is_empty() {
                continue;
            }
            let mut v = if self.cx.clean_text {
                fold_spaces(raw)
            } else {
                raw.to_string()
            };
            if !col.is_display_text() {
                v = straight_quotes(&v);
            }
            // pyxform writes yes/no words in these columns as true()/false().
            if matches!(col, Col::Relevant | Col::Constraint | Col::Calculation)
                && let Some(b) = yes_no(&v)
            {
                v = if b { "true()" } else { "false()" }.to_string();
            }
            f.values.push((*col, lang.clone(), v));
        }
        f
    }

    fn row(
        &mut self,
        row: &super::workbook::Row,
        pyxform_row: usize,
        settings: &mut Settings,
        choices: &mut BTreeMap<String, Vec<ChoiceDoc>>,
    ) {
        let f = self.fields(row);
        if f.get(Col::Disabled).and_then(yes_no) == Some(true) {
            return;
        }
        if f.values.iter().all(|(c, _, _)| *c == Col::Disabled) {
            return;
        }
        self.check_cells(row);
        let origin = self.cx.at(self.t.name, row.number);
        let Some(type_cell) = f.owned(Col::Type) else {
            // A row with neither name nor label is a comment: pyxform skips it.
            if f.has(Col::Name) || f.has(Col::Label) {
                let at = self.at(row.number, Col::Type);
                self.cx.invalid(at, "the row has no type");
            }
            return;
        };
        let parsed = types::parse(&type_cell);
        let mut name = f.owned(Col::Name);
        if parsed == TypeCell::Setting("audit") {
            self.audit(&f, row.number, settings);
            return;
        }
        if let TypeCell::Setting(key) = parsed {
            match (key, name) {
                ("form_title", Some(n)) => settings.form_title = Some(n),
                ("form_id", Some(n)) => {
                    settings.form_id = n;
                    settings.form_id_origin = Some(self.at(row.number, Col::Name));
                }
                _ => {}
            }
            return;
        }
        if name.is_none() && type_cell == "note" {
            name = Some(format!("generated_note_name_{pyxform_row}"));
        }
        if !matches!(parsed, TypeCell::End(_))
            && let Some(n) = &name
        {
            *self.out.names.entry(n.clone()).or_default() += 1;
        }
        let params = match f.get(Col::Parameters) {
            None => Some(BTreeMap::new()),
            Some(p) => {
                let parsed = parse_parameters(p);
                if parsed.is_none() {
                    let at = self.at(row.number, Col::Parameters);
                    self.cx.invalid(
                        at,
                        format!("\"{p}\" is not a list of parameters: write key=value pairs separated by spaces (start=1 end=10)"),
                    );
                }
                parsed
            }
        };
        let mut item = self.item(&f, name.unwrap_or_default(), origin);
        let at_type = self.at(row.number, Col::Type);
        let at_params = self.at(row.number, Col::Parameters);
        match parsed {
            TypeCell::Setting(_) => {}
            TypeCell::Begin(control) => {
                let over = (control == Control::Loop)
                    .then(|| super::loops::list_of(&type_cell).map(str::to_string))
                    .flatten();
                self.begin(row.number, pyxform_row, control, item, over);
            }
            TypeCell::End(control) => self.end(row.number, control, choices),
            TypeCell::Select {
                multiple,
                list,
                or_other,
                external,
            } => {
                if external && !self.cx.external_sheet {
                    if self.cx.external_like.is_empty() {
                        self.itemsets(item, &list);
                    } else {
                        let like = self.cx.external_like.join("\", \"");
                        self.cx.invalid(
                            at_type,
                            format!("select_one_external needs an external_choices sheet (is \"{like}\" meant to be it?) or an itemsets.csv beside the form"),
                        );
                        self.placeholder(item);
                    }
                    return;
                }
                let list = match self.cx.external.get(&list) {
                    Some(key) if external => key.clone(),
                    None if external => {
                        self.cx.invalid(
                            at_type.clone(),
                            format!("select_one_external takes its lists from the external_choices sheet, which has no list \"{list}\""),
                        );
                        list
                    }
                    _ => list,
                };
                item.kind = if multiple {
                    "select_multiple"
                } else {
                    "select_one"
                }
                .into();
                item.list = Some(list.clone());
                item.repeat_count = None;
                hidden_calculation(&mut item);
                if let Some(p) = &params {
                    item.parameters = params::select(self.cx, p, &at_params, false);
                }
                let other = or_other.then(|| self.or_other(&item, &list, row.number, choices));
                self.table_list_header(&item, &list, pyxform_row, choices);
                self.push(item);
                if let Some(Some(other)) = other {
                    self.push(other);
                }
            }
            TypeCell::Rank { list } => {
                item.kind = "rank".into();
                item.list = Some(list);
                item.repeat_count = None;
                if let Some(p) = &params {
                    item.parameters = params::select(self.cx, p, &at_params, false);
                }
                self.push(item);
            }
            TypeCell::FromFile { multiple, file } => {
                item.kind = if multiple {
                    "select_multiple_from_file"
                } else {
                    "select_one_from_file"
                }
                .into();
                item.repeat_count = None;
                if let Some(p) = &params {
                    item.parameters = params::select(self.cx, p, &at_params, true);
                }
                let ext = std::path::Path::new(&file)
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("");
                let dots = file.matches('.').count();
                match ext {
                    "csv" | "geojson" if dots == 1 => {
                        if !self.out.files.contains(&file) {
                            self.out.files.push(file.clone());
                        }
                        item.file = Some(file);
                        self.push(item);
                    }
                    "xml" if dots == 1 => {
                        self.cx.unsupported(
                            at_type,
                            format!("choices from a .{ext} file (\"{type_cell}\") are not supported by rileva: use a .csv or .geojson file"),
                        );
                        self.placeholder(item);
                    }
                    _ => {
                        self.cx.invalid(
                            at_type,
                            format!("the file of \"{type_cell}\" must end with .csv or .geojson (or .xml, which rileva does not support)"),
                        );
                        self.placeholder(item);
                    }
                }
            }
            TypeCell::Simple(simple) => {
                item.kind = simple.native.into();
                item.choice_filter = None;
                item.repeat_count = None;
                excel_date_default(&mut item);
                hidden_calculation(&mut item);
                if item.constraint.is_none() {
                    item.constraint = simple.constraint.map(str::to_string);
                }
                if item.hint.is_none() {
                    item.hint = simple.hint.map(|h| TextDoc::Plain(h.to_string()));
                }
                if let Some(p) = &params {
                    let appearance = item.appearance.clone().unwrap_or_default();
                    item.parameters =
                        params::simple(self.cx, simple.native, p, &at_params, &appearance, choices);
                }
                if let Some(accept) = f.get(Col::Accept).filter(|_| simple.native == "file") {
                    item.parameters
                        .get_or_insert_default()
                        .insert("accept".into(), accept.to_string());
                }
                self.push(item);
            }
            TypeCell::Unsupported(what) => {
                self.cx.unsupported(
                    at_type,
                    format!("the type \"{type_cell}\" ({what}) is not supported by rileva"),
                );
                self.placeholder(item);
            }
            TypeCell::Unknown => {
                let hint = if type_cell.contains(char::is_uppercase)
                    && !matches!(types::parse(&type_cell.to_lowercase()), TypeCell::Unknown)
                {
                    format!(
                        " (types are written in lower case: \"{}\")",
                        type_cell.to_lowercase()
                    )
                } else {
                    String::new()
                };
                self.cx.invalid(
                    at_type,
                    format!("unknown question type \"{type_cell}\"{hint}"),
                );
                self.placeholder(item);
            }
        }
    }

    /// `select_one_external LIST` without an external_choices sheet: the
    /// list's rows of `itemsets.csv` beside the form (the file pyxform
    /// writes and ODK Collect reads), filtered by its `list_name` column.
    fn itemsets(&mut self, mut item: Item, list: &str) {
        const ITEMSETS: &str = "itemsets.csv";
        item.kind = "select_one_from_file".into();
        item.file = Some(ITEMSETS.into());
        item.repeat_count = None;
        item.parameters = Some(BTreeMap::from([("list".to_string(), list.to_string())]));
        if !self.out.files.iter().any(|f| f == ITEMSETS) {
            self.out.files.push(ITEMSETS.into());
        }
        self.push(item);
    }

    /// A refused row stays in the document as a hidden value, so that the
    /// references to its name do not add errors of their own.
    fn placeholder(&mut self, item: Item) {
        if item.name.is_empty() {
            return;
        }
        self.push(Item {
            kind: "hidden".into(),
            name: item.name,
            origin: item.origin,
            ..Item::default()
        });
    }

    fn begin(
        &mut self,
        row: usize,
        pyxform_row: usize,
        control: Control,
        mut item: Item,
        loop_over: Option<String>,
    ) {
        item.kind = match control {
            Control::Group | Control::Loop => "group",
            Control::Repeat => "repeat",
        }
        .into();
        item.children = Some(Vec::new());
        if control == Control::Loop && loop_over.is_none() {
            let at = self.at(row, Col::Type);
            self.cx.invalid(
                at,
                "\"begin loop\" needs the list it goes over: begin loop over LIST",
            );
        }
        if control == Control::Repeat {
            let at = self.at(row, Col::Name);
            if item.name == self.root_name {
                let msg = format!(
                    "a repeat cannot be named \"{}\", the name of the form's root element",
                    item.name
                );
                self.cx.invalid(at, msg);
            } else if !item.name.is_empty() && self.repeat_names.contains(&item.name) {
                let msg = format!(
                    "another repeat is named \"{}\": repeat names must be unique in the whole form",
                    item.name
                );
                self.cx.invalid(at, msg);
            }
            self.repeat_names.push(item.name.clone());
            // pyxform computes a repeat_count that is not a plain ${name} in a
            // calculate of its own, `NAME_count`, just before the repeat.
            if let Some(count) = item.repeat_count.clone()
                && !is_plain_reference(&count)
            {
                let generated = format!("{}_count", item.name);
                self.push(Item {
                    kind: "calculate".into(),
                    name: generated.clone(),
                    calculation: Some(count),
                    origin: item.origin.clone(),
                    ..Item::default()
                });
                item.repeat_count = Some(format!("${{{generated}}}"));
            }
        } else {
            item.repeat_count = None;
        }
        // table-list: a field-list whose selects show as a table; rileva shows
        // the questions of the group on one screen. Like pyxform, the group's
        // label and hint move to a note at its top, and a header row comes
        // before its first select.
        let mut table_header = false;
        if let Some(a) = &item.appearance
            && a.split_whitespace().any(|w| w == "table-list")
        {
            let rest: Vec<&str> = a
                .split_whitespace()
                .filter(|w| *w != "table-list")
                .collect();
            let mut words = vec!["field-list"];
            words.extend(rest.iter().filter(|w| **w != "field-list"));
            item.appearance = Some(words.join(" "));
            table_header = true;
            if item.label.is_some() || item.hint.is_some() {
                let note = Item {
                    kind: "note".into(),
                    name: format!("generated_table_list_label_{pyxform_row}"),
                    label: item.label.take(),
                    hint: item.hint.take(),
                    origin: item.origin.clone(),
                    ..Item::default()
                };
                item.children.get_or_insert_with(Vec::new).push(note);
            }
        }
        item.choice_filter = None;
        let too_deep = self.stack.len() >= crate::form::MAX_DEPTH;
        if too_deep && !self.stack.iter().any(|f| f.too_deep) {
            let at = self.at(row, Col::Type);
            self.cx.invalid(
                at,
                format!(
                    "groups and repeats are nested more than {} deep",
                    crate::form::MAX_DEPTH
                ),
            );
        }
        self.stack.push(Frame {
            item,
            control,
            row,
            table_header,
            too_deep,
            loop_over,
        });
    }

    /// Puts a closed group or repeat in its parent (one nested too deep:
    /// its rows instead).
    fn close(&mut self, mut frame: Frame, choices: &BTreeMap<String, Vec<ChoiceDoc>>) {
        if let Some(list) = frame.loop_over.take() {
            match choices.get(&list) {
                Some(list) => {
                    frame.item = super::loops::expand(frame.item, list);
                    self.loop_names(&frame);
                }
                None => {
                    let at = self.at(frame.row, Col::Type);
                    self.cx.invalid(
                        at,
                        format!("the loop goes over the list \"{list}\", which the choices sheet does not have"),
                    );
                }
            }
        }
        if frame.too_deep {
            for child in frame.item.children.unwrap_or_default() {
                self.push(child);
            }
        } else {
            self.push(frame.item);
        }
    }

    fn end(&mut self, row: usize, control: Control, choices: &BTreeMap<String, Vec<ChoiceDoc>>) {
        match self.stack.last() {
            Some(frame) if frame.control == control => {
                // An empty group or repeat is kept: pyxform keeps its element
                // in the instance.
                if let Some(frame) = self.stack.pop() {
                    self.close(frame, choices);
                }
            }
            open => {
                let word = control.word();
                let mut msg = format!("\"end_{word}\" has no matching \"begin_{word}\"");
                if let Some(frame) = open {
                    msg.push_str(&format!(
                        " (the open one is the {} \"{}\" of {})",
                        frame.control.word(),
                        frame.item.name,
                        self.cx.at(self.t.name, frame.row)
                    ));
                }
                let at = self.at(row, Col::Type);
                self.cx.invalid(at, msg);
            }
        }
    }
}

/// `${name}` and nothing else.
fn is_plain_reference(s: &str) -> bool {
    s.strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(crate::form::compile::is_xml_name)
}
