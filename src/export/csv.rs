//! Responses as tables, the way ODK Central shapes its CSV export, so that
//! the R and Python clients and the scripts people run on Central's exports
//! work on rileva's: one table for the form (`SubmissionDate`, a column per
//! question named by its group path joined with `-`, `meta-instanceID`,
//! then `KEY` and Central's other system columns), one per repeat (its
//! questions named from the repeat down, then `PARENT_KEY` and `KEY`). A
//! geopoint is four columns (`-Latitude`, `-Longitude`, `-Altitude`,
//! `-Accuracy`); a multiple choice is its names separated by spaces and,
//! with `split_multiple`, a 0/1 column per choice (`name/choice`). Values
//! come from the one walk of a response that JSON and XML use.

use super::json::uuid_uri;
use super::walk::{Item, Value, walk};
use crate::engine::Filling;
use crate::form::{Form, Kind, NodeId};
use crate::store::ResponseRow;

/// How the tables are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// A 0/1 column per choice of each multiple choice, after its own.
    pub split_multiple: bool,
    /// Choice labels in this language (a form language code, "" for the
    /// form's default) instead of choice names; several separated by "; ".
    pub labels: Option<String>,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    /// A question's value (a geopoint's `part` 0–3; a split choice's 0/1).
    Field {
        node: NodeId,
        part: Part,
    },
    /// The response's metadata of the submission (`meta-instanceID`…).
    Meta(&'static str),
    System(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Whole,
    Geo(usize),
    Choice(String),
}

/// The columns of the form's table and of each repeat's.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Table 0 is the form's; then the repeats in form order.
    tables: Vec<TableDef>,
    options: Options,
    /// The integer and decimal questions.
    numbers: std::collections::HashSet<NodeId>,
}

#[derive(Debug, Clone)]
struct TableDef {
    /// `None` for the form's table.
    repeat: Option<NodeId>,
    file: String,
    header: Vec<String>,
    columns: Vec<Column>,
    /// Per question, the columns it fills.
    at: std::collections::HashMap<NodeId, Vec<usize>>,
}

const SYSTEM: [&str; 10] = [
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
];

impl Layout {
    /// The tables of `form`, their files named from `stem` (`stem.csv`,
    /// `stem-REPEAT.csv`, `~2`… when two repeats share a name).
    pub fn of(form: &Form, stem: &str, options: Options) -> Layout {
        let mut tables = vec![TableDef {
            repeat: None,
            file: format!("{stem}.csv"),
            header: vec!["SubmissionDate".into()],
            columns: vec![Column::System("SubmissionDate")],
            at: Default::default(),
        }];
        add(form, &form.top, 0, "", &mut tables, &options, stem);
        let root = &mut tables[0];
        root.header.push("meta-instanceID".into());
        root.columns.push(Column::Meta("instanceID"));
        if form.instance_name.is_some() {
            root.header.push("meta-instanceName".into());
            root.columns.push(Column::Meta("instanceName"));
        }
        if form.audit {
            root.header.push("meta-audit".into());
            root.columns.push(Column::Meta("audit"));
        }
        for s in SYSTEM {
            root.header.push(s.into());
            root.columns.push(Column::System(s));
        }
        number_repeat_files(&mut tables);
        for t in &mut tables {
            for (i, c) in t.columns.iter().enumerate() {
                if let Column::Field { node, .. } = c {
                    t.at.entry(*node).or_default().push(i);
                }
            }
        }
        let numbers = form
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, Kind::Integer | Kind::Decimal))
            .map(|n| n.id)
            .collect();
        Layout {
            tables,
            options,
            numbers,
        }
    }

    /// The files, in table order.
    pub fn files(&self) -> Vec<&str> {
        self.tables.iter().map(|t| t.file.as_str()).collect()
    }

    /// Whether column `column` of table `table` holds numbers (an integer,
    /// a decimal, a geopoint's part, a split choice's 0/1), for a sheet
    /// that can tell numbers from text.
    pub fn numeric(&self, table: usize, column: usize) -> bool {
        match self.tables.get(table).and_then(|t| t.columns.get(column)) {
            Some(Column::Field {
                part: Part::Geo(_) | Part::Choice(_),
                ..
            }) => true,
            Some(Column::Field {
                node,
                part: Part::Whole,
            }) => self.numbers.contains(node),
            _ => false,
        }
    }

    pub fn header(&self, table: usize) -> &[String] {
        self.tables.get(table).map_or(&[], |t| t.header.as_slice())
    }

    /// A response's rows: (table, cells), the form's row first, then each
    /// repeat instance's, outer before inner.
    pub fn rows(
        &self,
        filling: &Filling,
        row: &ResponseRow,
        files: usize,
    ) -> Vec<(usize, Vec<String>)> {
        let key = uuid_uri(&row.id);
        let mut out = vec![(0, vec![String::new(); self.tables[0].columns.len()])];
        let items = walk(filling);
        self.fill(filling, &items, 0, 0, &key, &key, &mut out);
        let root = &mut out[0].1;
        for (i, c) in self.tables[0].columns.iter().enumerate() {
            let v = match c {
                Column::System(s) => system(s, row, filling, files),
                Column::Meta("instanceID") => key.clone(),
                Column::Meta("instanceName") => filling
                    .instance_name()
                    .or_else(|| row.instance_name.clone())
                    .unwrap_or_default(),
                Column::Meta(_) => "audit.csv".into(),
                Column::Field { .. } => continue,
            };
            if let Some(cell) = root.get_mut(i) {
                *cell = v;
            }
        }
        out
    }

    /// Puts the values of `items` into row `at` of `out` (table `table`);
    /// a repeat's instances become rows of their own table. `key` names
    /// where the items are (instance id, groups, repeats with their 1-based
    /// instance), `parent` the row of the enclosing repeat (or response).
    #[allow(clippy::too_many_arguments)]
    fn fill(
        &self,
        filling: &Filling,
        items: &[Item<'_>],
        table: usize,
        at: usize,
        key: &str,
        parent: &str,
        out: &mut Vec<(usize, Vec<String>)>,
    ) {
        for item in items {
            match item {
                Item::Group { node, items } => {
                    let inner = format!("{key}/{}", node.name);
                    self.fill(filling, items, table, at, &inner, parent, out);
                }
                Item::Repeat {
                    node, instances, ..
                } => {
                    let Some(t) = self.tables.iter().position(|d| d.repeat == Some(node.id)) else {
                        continue;
                    };
                    for (k, inner) in instances.iter().enumerate() {
                        let own = format!("{key}/{}[{}]", node.name, k + 1);
                        let n = self.tables[t].columns.len();
                        let mut cells = vec![String::new(); n];
                        if n >= 2 {
                            cells[n - 2] = parent.to_string();
                            cells[n - 1] = own.clone();
                        }
                        out.push((t, cells));
                        let here = out.len() - 1;
                        self.fill(filling, inner, t, here, &own, &own, out);
                    }
                }
                Item::Note { .. } => {}
                Item::Value { node, value } => {
                    let def = &self.tables[table];
                    for &i in def.at.get(&node.id).map_or(&[][..], Vec::as_slice) {
                        let Some(Column::Field { part, .. }) = def.columns.get(i) else {
                            continue;
                        };
                        let v = self.cell(filling, node.id, part, value);
                        if let Some(cell) = out.get_mut(at).and_then(|(_, r)| r.get_mut(i)) {
                            *cell = v;
                        }
                    }
                }
            }
        }
    }

    fn cell(&self, filling: &Filling, node: NodeId, part: &Part, value: &Value) -> String {
        let text = value.text();
        match part {
            Part::Geo(i) => text.split_whitespace().nth(*i).unwrap_or("").to_string(),
            Part::Choice(name) => u8::from(text.split_whitespace().any(|t| t == name)).to_string(),
            Part::Whole => match (&self.options.labels, filling.form().node(node).kind) {
                // Labels hold spaces: several are joined with "; ".
                (Some(lang), k) if k.is_select() && matches!(value, Value::Text(_)) => text
                    .split_whitespace()
                    .map(|name| choice_label(filling, node, name, lang))
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => text.to_string(),
            },
        }
    }
}

/// A choice's label in `lang` (the form's default when empty), else its name.
fn choice_label(filling: &Filling, node: NodeId, name: &str, lang: &str) -> String {
    let form = filling.form();
    let Some(list) = form.list_of(node) else {
        return name.to_string();
    };
    let lang = if lang.is_empty() {
        form.default_language.as_str()
    } else {
        lang
    };
    list.by_name
        .get(name)
        .and_then(|&i| list.choices.get(i))
        .map(|c| crate::markup::plain(c.label.get(lang, &form.default_language)))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| name.to_string())
}

fn system(name: &str, row: &ResponseRow, filling: &Filling, files: usize) -> String {
    match name {
        "SubmissionDate" => row
            .completed_at
            .clone()
            .unwrap_or_else(|| row.updated_at.clone()),
        "KEY" => uuid_uri(&row.id),
        "SubmitterName" => row.operator.clone(),
        "AttachmentsPresent" => files.to_string(),
        "AttachmentsExpected" => filling.attachments().len().to_string(),
        "DeviceID" => row.device_id.clone(),
        "Edits" => "0".into(),
        "FormVersion" => filling.form().version.clone(),
        _ => String::new(),
    }
}

/// The columns of the nodes `ids` into table `table`, named from `prefix`
/// (the group path from the table's repeat down); a repeat starts a table.
fn add(
    form: &Form,
    ids: &[NodeId],
    table: usize,
    prefix: &str,
    tables: &mut Vec<TableDef>,
    options: &Options,
    stem: &str,
) {
    for &id in ids {
        let node = form.node(id);
        let name = if prefix.is_empty() {
            node.name.clone()
        } else {
            format!("{prefix}-{}", node.name)
        };
        match node.kind {
            Kind::Group => add(form, &node.children, table, &name, tables, options, stem),
            Kind::Repeat => {
                tables.push(TableDef {
                    repeat: Some(id),
                    file: format!("{stem}-{}.csv", node.name),
                    header: Vec::new(),
                    columns: Vec::new(),
                    at: Default::default(),
                });
                let t = tables.len() - 1;
                add(form, &node.children, t, "", tables, options, stem);
                let def = &mut tables[t];
                def.header.push("PARENT_KEY".into());
                def.header.push("KEY".into());
                def.columns.push(Column::System("PARENT_KEY"));
                def.columns.push(Column::System("KEY"));
            }
            _ => {
                let def = &mut tables[table];
                if node.kind == Kind::Geopoint {
                    for (i, part) in ["Latitude", "Longitude", "Altitude", "Accuracy"]
                        .iter()
                        .enumerate()
                    {
                        def.header.push(format!("{name}-{part}"));
                        def.columns.push(Column::Field {
                            node: id,
                            part: Part::Geo(i),
                        });
                    }
                    continue;
                }
                def.header.push(name.clone());
                def.columns.push(Column::Field {
                    node: id,
                    part: Part::Whole,
                });
                if options.split_multiple
                    && node.kind == Kind::SelectMultiple
                    && let Some(list) = form.list_of(id)
                {
                    for c in &list.choices {
                        def.header.push(format!("{name}/{}", c.name));
                        def.columns.push(Column::Field {
                            node: id,
                            part: Part::Choice(c.name.clone()),
                        });
                    }
                }
            }
        }
    }
}

/// Two repeats of one name (in different groups) get `~1`, `~2`, as
/// Central names their files.
fn number_repeat_files(tables: &mut [TableDef]) {
    let names: Vec<String> = tables.iter().map(|t| t.file.clone()).collect();
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for t in tables.iter_mut().skip(1) {
        if names.iter().filter(|n| **n == t.file).count() > 1 {
            let n = seen.entry(t.file.clone()).or_default();
            *n += 1;
            let base = t.file.strip_suffix(".csv").unwrap_or(&t.file).to_string();
            t.file = format!("{base}~{n}.csv");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Clock;
    use crate::form::{FormBundle, compile};
    use crate::store::Status;
    use std::sync::Arc;

    fn row() -> ResponseRow {
        crate::export::tests::row(Status::Complete)
    }

    /// Keys as Central writes them: the groups on the way and each repeat
    /// with its 1-based instance; a parent key is the enclosing repeat's.
    #[test]
    fn nested_repeats_have_their_parents_keys() {
        let json = r#"{"format":"rileva-form/1","settings":{"form_id":"n"},"survey":[
          {"type":"group","name":"g","label":"G","children":[
            {"type":"repeat","name":"r","label":"R","children":[
              {"type":"text","name":"x","label":"X"},
              {"type":"repeat","name":"s","label":"S","children":[
                {"type":"text","name":"y","label":"Y"}]}]}]}]}"#;
        let form = Arc::new(
            compile(&FormBundle {
                definition: json.into(),
                files: Default::default(),
            })
            .expect("compiles"),
        );
        let stored = [
            ("/g/r[1]/x", "a"),
            ("/g/r[2]/x", "b"),
            ("/g/r[2]/s[1]/y", "c"),
            ("/g/r[2]/s[2]/y", "d"),
        ]
        .map(|(p, v)| (p.to_string(), v.to_string()));
        let f = Filling::new(form.clone(), stored, Clock::System);
        let layout = Layout::of(&form, "n", Options::default());
        assert_eq!(layout.files(), ["n.csv", "n-r.csv", "n-s.csv"]);
        let rows = layout.rows(&f, &row(), 0);
        let key = "uuid:0b7e3d8e-7c1a-4f55-9d1e-2b6f0f6a9c11";
        let of = |t: usize| -> Vec<Vec<String>> {
            rows.iter()
                .filter(|(i, _)| *i == t)
                .map(|(_, r)| r.clone())
                .collect()
        };
        assert_eq!(
            of(1),
            [
                vec!["a".to_string(), key.into(), format!("{key}/g/r[1]")],
                vec!["b".to_string(), key.into(), format!("{key}/g/r[2]")],
            ]
        );
        assert_eq!(
            of(2),
            [
                vec![
                    "c".to_string(),
                    format!("{key}/g/r[2]"),
                    format!("{key}/g/r[2]/s[1]")
                ],
                vec![
                    "d".to_string(),
                    format!("{key}/g/r[2]"),
                    format!("{key}/g/r[2]/s[2]")
                ],
            ]
        );
    }
}
