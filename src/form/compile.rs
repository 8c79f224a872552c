//! Native form document -> `Form`, collecting every problem with its location
//! instead of stopping at the first. Every loader (native JSON, XLSForm) ends
//! here, so a form is checked the same way whatever it was written in.

use super::bundle::{FormBundle, is_plain_file_name};
use super::model::*;
use super::native::{self, ChoiceDoc, FormDoc, Item, TextDoc};
use super::{ErrorKind, FormError};
use crate::expr::{self, Expr};
use crate::text::fold;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Compiles a bundle whose definition is native JSON.
pub fn compile(bundle: &FormBundle) -> Result<Form, Vec<FormError>> {
    let doc: FormDoc = serde_json::from_str(&bundle.definition).map_err(|e| {
        vec![FormError::new(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not a valid rileva form: {e}"),
        )]
    })?;
    compile_doc(&doc, bundle)
}

/// Compiles a parsed document (with the locations a loader recorded); the
/// bundle gives the attached files and the hash.
pub fn compile_doc(doc: &FormDoc, bundle: &FormBundle) -> Result<Form, Vec<FormError>> {
    let mut c = Compiler {
        bundle,
        errors: Vec::new(),
        warnings: Vec::new(),
        nodes: Vec::new(),
        lists: Vec::new(),
        list_ids: HashMap::new(),
        allow_duplicates: doc.settings.allow_choice_duplicates,
    };
    let form = c.form(doc);
    if c.errors.is_empty() {
        Ok(form)
    } else {
        Err(c.errors)
    }
}

/// Names XForms keeps for itself.
const RESERVED: &[&str] = &["meta"];

struct Compiler<'a> {
    bundle: &'a FormBundle,
    errors: Vec<FormError>,
    /// Problems that do not stop the form from working (as pyxform accepts
    /// them), reported by `validate`.
    warnings: Vec<FormError>,
    nodes: Vec<Node>,
    lists: Vec<ChoiceList>,
    list_ids: HashMap<String, ListId>,
    allow_duplicates: bool,
}

/// Where a row is, for messages: a JSON path for native files, a sheet and
/// row for XLSForm files.
#[derive(Clone)]
struct Loc {
    base: String,
    sheet: bool,
}

impl Loc {
    fn item(item: &Item, path: &str) -> Loc {
        match &item.origin {
            Some(o) => Loc {
                base: o.clone(),
                sheet: true,
            },
            None if item.name.is_empty() => Loc {
                base: path.to_string(),
                sheet: false,
            },
            None => Loc {
                base: format!("{path} ({})", item.name),
                sheet: false,
            },
        }
    }

    fn field(&self, field: &str) -> String {
        if self.sheet {
            format!("{}, column {field}", self.base)
        } else {
            format!("{}.{field}", self.base)
        }
    }
}

/// Expressions of one node kept beside the node while names are resolved.
struct Pending {
    id: NodeId,
    loc: Loc,
    exprs: Vec<(&'static str, Expr)>,
}

/// Names of the form: unique ones, and those used more than once (which
/// `${name}` cannot designate).
struct Names {
    unique: HashMap<String, NodeId>,
    ambiguous: HashSet<String>,
}

impl Compiler<'_> {
    fn err(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FormError::new(location, message));
    }

    fn form(&mut self, doc: &FormDoc) -> Form {
        if doc.format != native::FORMAT {
            self.err(
                "format",
                format!("expected \"{}\", found \"{}\"", native::FORMAT, doc.format),
            );
        }
        let languages = doc.languages.clone();
        let mut codes = Vec::new();
        for (i, l) in languages.iter().enumerate() {
            if l.code.trim().is_empty() {
                self.err(format!("languages[{i}]"), "a language needs a code");
            } else if codes.contains(&l.code) {
                self.err(
                    format!("languages[{i}]"),
                    format!("language \"{}\" is listed twice", l.code),
                );
            }
            codes.push(l.code.clone());
        }
        let default_language = match &doc.settings.default_language {
            Some(d) if !codes.is_empty() && !codes.contains(d) => {
                self.err(
                    "settings.default_language",
                    format!(
                        "\"{d}\" is not one of the form's languages ({})",
                        codes.join(", ")
                    ),
                );
                codes.first().cloned().unwrap_or_default()
            }
            Some(d) => d.clone(),
            None => codes.first().cloned().unwrap_or_default(),
        };
        if doc.settings.form_id.trim().is_empty() {
            self.err("settings.form_id", "the form needs an id");
        }
        let root_name = doc.settings.name.clone().unwrap_or_else(|| "data".into());
        if !is_xml_name(&root_name) {
            self.err(
                "settings.name",
                format!("\"{root_name}\" is not a valid element name"),
            );
        }

        for (name, choices) in &doc.choices {
            self.native_list(name, choices, &codes);
        }

        let mut pending = Vec::new();
        let mut top = Vec::new();
        for (i, item) in doc.survey.iter().enumerate() {
            if let Some(id) = self.item(item, None, format!("survey[{i}]"), &codes, &mut pending) {
                top.push(id);
            }
        }
        self.check_siblings(&top);
        if !self.nodes.iter().any(|n| n.kind.is_screen()) && self.errors.is_empty() {
            self.warnings
                .push(FormError::new("survey", "the form has no questions"));
        }

        let mut names = Names {
            unique: HashMap::new(),
            ambiguous: HashSet::new(),
        };
        for n in &self.nodes {
            if names.unique.remove(&n.name).is_some() || names.ambiguous.contains(&n.name) {
                names.ambiguous.insert(n.name.clone());
            } else {
                names.unique.insert(n.name.clone(), n.id);
            }
        }
        let paths = self.nodes.iter().map(|n| (n.path.clone(), n.id)).collect();

        let instance_name = doc.settings.instance_name.as_deref().and_then(|src| {
            let loc = Loc {
                base: "settings".into(),
                sheet: false,
            };
            self.expression(src, &loc.field("instance_name"), &names, None, false)
        });

        self.resolve(&pending, &names);
        let eval_order = self.eval_order(&names.unique);
        let deps = self.deps(&names.unique, &eval_order, &top);
        let screens = self
            .nodes
            .iter()
            .filter(|n| n.kind.is_screen())
            .map(|n| n.id)
            .collect();

        Form {
            id: doc.settings.form_id.clone(),
            version: doc.settings.version.clone().unwrap_or_default(),
            title: doc
                .settings
                .form_title
                .clone()
                .unwrap_or_else(|| doc.settings.form_id.clone()),
            languages,
            default_language,
            instance_name,
            root_name,
            clean_text_values: doc.settings.clean_text_values,
            nodes: std::mem::take(&mut self.nodes),
            top,
            lists: std::mem::take(&mut self.lists),
            eval_order,
            screens,
            deps,
            sha256: self.bundle.sha256(),
            names: names.unique,
            paths,
            warnings: std::mem::take(&mut self.warnings),
        }
    }

    /// Names must be unique among siblings (their data paths must differ).
    fn check_siblings(&mut self, ids: &[NodeId]) {
        let mut seen: HashMap<&str, NodeId> = HashMap::new();
        let mut errors = Vec::new();
        for &id in ids {
            let n = &self.nodes[id];
            if n.name.is_empty() {
                continue;
            }
            if let Some(&first) = seen.get(n.name.as_str()) {
                let first = &self.nodes[first];
                errors.push(FormError::new(
                    n.location.clone(),
                    format!(
                        "duplicate name \"{}\": also used at {} (names must be unique within their group)",
                        n.name, first.location
                    ),
                ));
            } else {
                seen.insert(&n.name, id);
            }
        }
        self.errors.extend(errors);
    }

    /// An expression that does not parse. The expression engine words the
    /// XPath it does not implement (paths, predicates, pulldata(), …) as "not
    /// supported": such a form is refused as unsupported, not as wrong.
    fn expr_err(&mut self, location: impl Into<String>, e: &expr::ParseError, src: &str) {
        let message = format!("{e} in `{src}`");
        self.errors.push(if e.message.contains("not supported") {
            FormError::unsupported(location, message)
        } else {
            FormError::new(location, message)
        });
    }

    fn text(&mut self, doc: Option<&TextDoc>, codes: &[String], location: &str) -> Text {
        match doc {
            None => Text::default(),
            Some(TextDoc::Plain(s)) => Text::plain(s.clone()),
            Some(TextDoc::Translated(map)) => {
                for code in map.keys() {
                    if !codes.contains(code) {
                        self.err(
                            location,
                            format!("language \"{code}\" is not declared in `languages`"),
                        );
                    }
                }
                Text(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            }
        }
    }

    fn folded(label: &Text, codes: &[String]) -> Vec<String> {
        if codes.is_empty() || label.0.len() <= 1 {
            return vec![fold(label.get("", ""))];
        }
        codes.iter().map(|c| fold(label.get(c, ""))).collect()
    }

    fn native_list(&mut self, name: &str, choices: &[ChoiceDoc], codes: &[String]) {
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
        self.list_ids.insert(name.to_string(), self.lists.len());
        self.lists.push(list);
    }

    /// A list read from a CSV file beside the form (`select_one_from_file`).
    fn file_list(
        &mut self,
        file: &str,
        params: &BTreeMap<String, String>,
        loc: &Loc,
    ) -> Option<ListId> {
        for key in params.keys() {
            if key != "value" && key != "label" {
                self.err(
                    loc.field("parameters"),
                    format!(
                        "unknown parameter \"{key}\" (a list from a file takes value= and label=)"
                    ),
                );
            }
        }
        let value_col = params.get("value").map(String::as_str).unwrap_or("name");
        let label_col = params.get("label").map(String::as_str).unwrap_or("label");
        let key = format!("{file}\u{0}{value_col}\u{0}{label_col}");
        if let Some(&id) = self.list_ids.get(&key) {
            return Some(id);
        }
        if !is_plain_file_name(file) || !file.to_ascii_lowercase().ends_with(".csv") {
            self.err(
                loc.field("type"),
                format!("\"{file}\" must be the name of a .csv file beside the form"),
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
        let mut list = ChoiceList {
            name: file.to_string(),
            columns: headers,
            ..Default::default()
        };
        for (row, record) in reader.records().enumerate() {
            let line = row + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    self.err(format!("{file}, line {line}"), format!("{e}"));
                    continue;
                }
            };
            let name = record.get(vi).unwrap_or("").trim().to_string();
            if name.is_empty() {
                continue;
            }
            if list.by_name.contains_key(&name) {
                self.err(
                    format!("{file}, line {line}"),
                    format!("duplicate value \"{name}\" in column \"{value_col}\""),
                );
                continue;
            }
            let label = Text::plain(record.get(li).unwrap_or("").trim());
            list.by_name.insert(name.clone(), list.choices.len());
            list.choices.push(Choice {
                folded: vec![fold(label.get("", ""))],
                name,
                label,
                values: record.iter().map(str::to_string).collect(),
            });
        }
        if list.choices.is_empty() {
            self.err(loc.field("type"), format!("\"{file}\" has no choices"));
        }
        let id = self.lists.len();
        self.list_ids.insert(key, id);
        self.lists.push(list);
        Some(id)
    }

    /// The kind of a row and its choice list, or why it cannot be read.
    fn kind(&mut self, item: &Item, loc: &Loc) -> Option<(Kind, Option<ListId>)> {
        let simple = match item.kind.as_str() {
            "group" => Some(Kind::Group),
            "repeat" => Some(Kind::Repeat),
            "text" => Some(Kind::Text),
            "integer" => Some(Kind::Integer),
            "decimal" => Some(Kind::Decimal),
            "date" => Some(Kind::Date),
            "time" => Some(Kind::Time),
            "dateTime" => Some(Kind::DateTime),
            "range" => Some(Kind::Range),
            "geopoint" => Some(Kind::Geopoint),
            "note" => Some(Kind::Note),
            "acknowledge" => Some(Kind::Acknowledge),
            "calculate" => Some(Kind::Calculate),
            "hidden" => Some(Kind::Hidden),
            other => MetaKind::ALL
                .iter()
                .find(|m| m.xlsform_name() == other)
                .map(|&m| Kind::Meta(m)),
        };
        if let Some(kind) = simple {
            return Some((kind, None));
        }
        match item.kind.as_str() {
            "select_one" | "select_multiple" => {
                let kind = if item.kind == "select_one" {
                    Kind::SelectOne
                } else {
                    Kind::SelectMultiple
                };
                let list = match &item.list {
                    None => {
                        self.err(
                            loc.field("type"),
                            format!("{} needs a choice list", item.kind),
                        );
                        None
                    }
                    Some(l) => match self.list_ids.get(l) {
                        Some(&id) => Some(id),
                        None => {
                            self.err(loc.field("type"), format!("unknown choice list \"{l}\""));
                            None
                        }
                    },
                };
                Some((kind, list))
            }
            "select_one_from_file" | "select_multiple_from_file" => {
                let kind = if item.kind == "select_one_from_file" {
                    Kind::SelectOne
                } else {
                    Kind::SelectMultiple
                };
                let list = match &item.file {
                    None => {
                        self.err(loc.field("type"), format!("{} needs a file", item.kind));
                        None
                    }
                    Some(f) => {
                        let params = item.parameters.clone().unwrap_or_default();
                        self.file_list(f, &params, loc)
                    }
                };
                Some((kind, list))
            }
            other => {
                self.err(
                    loc.field("type"),
                    format!("unsupported question type \"{other}\""),
                );
                None
            }
        }
    }

    /// Checks a row's `parameters` for the types that take them.
    fn parameters(&mut self, kind: Kind, item: &Item, loc: &Loc) -> BTreeMap<String, String> {
        let params = item.parameters.clone().unwrap_or_default();
        let allowed: &[&str] = match kind {
            _ if item.kind.ends_with("_from_file") => return params,
            Kind::Range => &["start", "end", "step"],
            Kind::Geopoint => &[
                "capture-accuracy",
                "warning-accuracy",
                "allow-mock-accuracy",
            ],
            _ => &[],
        };
        for key in params.keys() {
            if !allowed.contains(&key.as_str()) {
                let accepted = if allowed.is_empty() {
                    format!("{} takes no parameters", item.kind)
                } else {
                    format!("accepted: {}", allowed.join(", "))
                };
                self.err(
                    loc.field("parameters"),
                    format!("unknown parameter \"{key}\" ({accepted})"),
                );
            }
        }
        if kind == Kind::Range {
            let mut nums = [1.0, 10.0, 1.0];
            for (i, key) in ["start", "end", "step"].iter().enumerate() {
                if let Some(v) = params.get(*key) {
                    match v.trim().parse::<f64>() {
                        Ok(n) if n.is_finite() => nums[i] = n,
                        _ => self.err(
                            loc.field("parameters"),
                            format!("range {key} \"{v}\" is not a number"),
                        ),
                    }
                }
            }
            if nums[2] == 0.0 {
                self.err(loc.field("parameters"), "range step cannot be 0");
            }
        }
        params
    }

    fn item(
        &mut self,
        item: &Item,
        parent: Option<NodeId>,
        path: String,
        codes: &[String],
        pending: &mut Vec<Pending>,
    ) -> Option<NodeId> {
        let loc = Loc::item(item, &path);
        let (kind, list) = self.kind(item, &loc)?;
        // A select_multiple answer is its choice names separated by spaces.
        if kind == Kind::SelectMultiple
            && let Some(l) = list.and_then(|l| self.lists.get(l))
            && let Some(c) = l
                .choices
                .iter()
                .find(|c| c.name.contains(char::is_whitespace))
        {
            let msg = format!(
                "choice \"{}\" of list \"{}\" has a space in its name, which a select_multiple cannot store (its answer is the names separated by spaces)",
                c.name, l.name
            );
            self.err(loc.field("type"), msg);
        }
        if item.name.is_empty() {
            self.err(loc.field("name"), "every row needs a name");
        } else if !is_xml_name(&item.name) {
            self.err(
                loc.field("name"),
                format!(
                    "\"{}\" is not a valid name: use letters, digits, _ - . and start with a letter or _",
                    item.name
                ),
            );
        } else if RESERVED.contains(&item.name.as_str()) {
            self.err(
                loc.field("name"),
                format!("the name \"{}\" is reserved", item.name),
            );
        }
        if item.list.is_some() && !kind.is_select()
            || item.file.is_some() && !item.kind.ends_with("_from_file")
        {
            self.err(
                loc.field("type"),
                format!(
                    "a choice list or file only applies to select questions, not {}",
                    item.kind
                ),
            );
        }
        if item.children.is_some() != kind.is_container() {
            self.err(
                loc.base.clone(),
                if kind.is_container() {
                    format!("a {} needs rows inside it", item.kind)
                } else {
                    "only a group or a repeat holds rows".to_string()
                },
            );
        }
        let label = self.text(item.label.as_ref(), codes, &loc.field("label"));
        let hint = self.text(item.hint.as_ref(), codes, &loc.field("hint"));
        let needs_label = kind.is_screen();
        if needs_label && label.is_empty() && hint.is_empty() {
            self.err(loc.base.clone(), "a question needs a label or a hint");
        }
        if kind == Kind::Calculate && item.calculation.is_none() {
            self.err(loc.field("calculation"), "a calculate needs a calculation");
        }
        if item.calculation.is_some() && matches!(kind, Kind::Group | Kind::Repeat) {
            self.err(
                loc.field("calculation"),
                format!("a calculation does not apply to {}", item.kind),
            );
        }
        if item.choice_filter.is_some() && !kind.is_select() {
            self.err(
                loc.field("choice_filter"),
                "a choice filter only applies to select questions",
            );
        }
        if item.repeat_count.is_some() && kind != Kind::Repeat {
            self.err(
                loc.field("repeat_count"),
                "repeat_count only applies to repeats",
            );
        }
        let parameters = self.parameters(kind, item, &loc);
        let id = self.nodes.len();
        let node_path = match parent {
            Some(p) => format!("{}/{}", self.nodes[p].path, item.name),
            None => format!("/{}", item.name),
        };
        let mut repeats = parent
            .map(|p| self.nodes[p].repeats.clone())
            .unwrap_or_default();
        if kind == Kind::Repeat {
            repeats.push(id);
        }
        let mut exprs = Vec::new();
        let mut parse =
            |this: &mut Self, field: &'static str, src: Option<&String>| -> Option<Expr> {
                let src = src?;
                match expr::parse(src) {
                    Ok(e) => {
                        exprs.push((field, e.clone()));
                        Some(e)
                    }
                    Err(e) => {
                        this.expr_err(loc.field(field), &e, src);
                        None
                    }
                }
            };
        let required = flag(this_flag(item.required.as_deref()), || {
            parse(self, "required", item.required.as_ref())
        });
        let read_only = flag(this_flag(item.read_only.as_deref()), || {
            parse(self, "read_only", item.read_only.as_ref())
        });
        let relevant = parse(self, "relevant", item.relevant.as_ref());
        let constraint = parse(self, "constraint", item.constraint.as_ref());
        let calculation = parse(self, "calculation", item.calculation.as_ref());
        let repeat_count = parse(self, "repeat_count", item.repeat_count.as_ref());
        let choice_filter = parse(self, "choice_filter", item.choice_filter.as_ref()).map(|e| {
            let column_eq = e
                .as_column_equality()
                .map(|(c, other)| (c.to_string(), other.clone()));
            ChoiceFilter { expr: e, column_eq }
        });
        let default = match item.default.as_ref() {
            None => None,
            Some(d) if expr::is_dynamic_default(d) => {
                parse(self, "default", Some(d)).map(DefaultValue::Dynamic)
            }
            Some(d) => {
                if kind.takes_input() && crate::form::values::canonical(kind, d).is_err() {
                    // pyxform accepts it; each new response starts with an
                    // answer the operator must correct.
                    self.warnings.push(FormError::new(
                        loc.field("default"),
                        format!("\"{d}\" is not a valid {} value: new responses start with an invalid answer", item.kind),
                    ));
                }
                Some(DefaultValue::Static(d.clone()))
            }
        };
        let required_message = self.text(
            item.required_message.as_ref(),
            codes,
            &loc.field("required_message"),
        );
        let constraint_message = self.text(
            item.constraint_message.as_ref(),
            codes,
            &loc.field("constraint_message"),
        );
        self.nodes.push(Node {
            id,
            name: item.name.clone(),
            path: node_path,
            parent,
            children: Vec::new(),
            kind,
            list,
            label,
            hint,
            required,
            required_message,
            relevant,
            constraint,
            constraint_message,
            calculation,
            default,
            read_only,
            repeat_count,
            parameters,
            repeats,
            appearance: item.appearance.clone().unwrap_or_default(),
            choice_filter,
            location: loc.base.clone(),
        });
        pending.push(Pending {
            id,
            loc: loc.clone(),
            exprs,
        });
        if let Some(children) = &item.children {
            if children.is_empty() {
                // pyxform keeps it (an empty element in the instance).
                self.warnings.push(FormError::new(
                    loc.base.clone(),
                    format!("the {} is empty", item.kind),
                ));
            }
            let depth = std::iter::successors(Some(id), |&n| self.nodes[n].parent).count();
            if depth > crate::form::MAX_DEPTH {
                self.err(
                    loc.base.clone(),
                    format!(
                        "groups and repeats are nested more than {} deep",
                        crate::form::MAX_DEPTH
                    ),
                );
                return Some(id);
            }
            for (i, child) in children.iter().enumerate() {
                if let Some(cid) = self.item(
                    child,
                    Some(id),
                    format!("{path}.children[{i}]"),
                    codes,
                    pending,
                ) {
                    self.nodes[id].children.push(cid);
                }
            }
            let children = self.nodes[id].children.clone();
            self.check_siblings(&children);
        }
        Some(id)
    }

    /// Checks the names an expression uses: `${name}` must exist and be
    /// unique; bare names only in a choice filter, as columns of its list;
    /// `instance('list')` lists must exist.
    fn check_names(
        &mut self,
        e: &Expr,
        location: &str,
        names: &Names,
        list: Option<ListId>,
        filter: bool,
    ) {
        if e.uses_paths() {
            // /data/x, ../x, current()/..: rileva evaluates ${name} references,
            // not XPath over the instance; refuse rather than misread.
            self.errors.push(FormError::unsupported(
                location,
                "XPath location paths (/data/x, ../x, current()/..) are not supported: refer to questions as ${name}",
            ));
        }
        for l in e.instance_lists() {
            match self.lists.iter().find(|x| x.name == l) {
                None => self.err(
                    location,
                    format!("instance('{l}'): there is no choice list \"{l}\""),
                ),
                Some(list) => {
                    let missing: Vec<String> = e
                        .instance_columns()
                        .into_iter()
                        .filter(|(ln, c)| *ln == l && !list.has_column(c))
                        .map(|(_, c)| c.to_string())
                        .collect();
                    for c in missing {
                        self.warnings.push(FormError::new(
                            location,
                            format!("instance('{l}') has no column \"{c}\"; it reads as empty"),
                        ));
                    }
                }
            }
        }
        for r in e.refs() {
            if names.ambiguous.contains(r) {
                self.err(
                    location,
                    format!("${{{r}}} is ambiguous: more than one question is named \"{r}\""),
                );
            } else if !names.unique.contains_key(r) {
                let hint = did_you_mean(r, names.unique.keys().map(String::as_str));
                self.err(location, format!("unknown question ${{{r}}}{hint}"));
            }
        }
        for b in e.bare_names() {
            if !filter {
                // In XPath a bare name is a path relative to the question:
                // rileva reads questions by ${name} only.
                self.errors.push(FormError::unsupported(
                    location,
                    format!(
                        "\"{b}\" is not a reference: write ${{{b}}} for a question (relative XPath paths are not supported)"
                    ),
                ));
            } else if let Some(list) = list.and_then(|l| self.lists.get(l))
                && !list.has_column(b)
            {
                // As in ODK Collect, a missing column reads as empty: the
                // filter may then match nothing. pyxform accepts it.
                let cols: Vec<&str> = list.columns.iter().map(String::as_str).collect();
                self.warnings.push(FormError::new(
                    location,
                    format!(
                        "choice_filter uses column \"{b}\", which list \"{}\" does not have (columns: name, label{}{}); it reads as empty",
                        list.name,
                        if cols.is_empty() { "" } else { ", " },
                        cols.join(", ")
                    ),
                ));
            }
        }
    }

    fn expression(
        &mut self,
        src: &str,
        location: &str,
        names: &Names,
        list: Option<ListId>,
        filter: bool,
    ) -> Option<Expr> {
        match expr::parse(src) {
            Ok(e) => {
                self.check_names(&e, location, names, list, filter);
                Some(e)
            }
            Err(e) => {
                self.expr_err(location, &e, src);
                None
            }
        }
    }

    fn resolve(&mut self, pending: &[Pending], names: &Names) {
        for p in pending {
            let list = self.nodes[p.id].list;
            for (field, e) in &p.exprs {
                let filter = *field == "choice_filter";
                self.check_names(e, &p.loc.field(field), names, list, filter);
            }
            // Index the column of `column = …` filters so lookups need no scan.
            let col = self.nodes[p.id]
                .choice_filter
                .as_ref()
                .and_then(|f| f.column_eq.as_ref())
                .map(|(c, _)| c.clone());
            if let (Some(col), Some(l)) = (col, list)
                && let Some(list) = self.lists.get_mut(l)
                && !list.index.contains_key(&col)
            {
                let mut index: HashMap<String, Vec<usize>> = HashMap::new();
                for (i, choice) in list.choices.iter().enumerate() {
                    let v = list.column(choice, &col, "", "").unwrap_or("").to_string();
                    index.entry(v).or_default().push(i);
                }
                list.index.insert(col, index);
            }
        }
    }

    fn deps(&self, names: &HashMap<String, NodeId>, eval_order: &[NodeId], top: &[NodeId]) -> Deps {
        let n = self.nodes.len();
        let mut values: Vec<Vec<NodeId>> = vec![Vec::new(); n];
        let mut statuses: Vec<Vec<NodeId>> = vec![Vec::new(); n];
        let reads = |e: &Expr| {
            e.refs()
                .into_iter()
                .filter_map(|r| names.get(r).copied())
                .collect::<Vec<_>>()
        };
        for node in &self.nodes {
            for e in [&node.relevant, &node.calculation, &node.repeat_count]
                .into_iter()
                .flatten()
            {
                for r in reads(e) {
                    values[r].push(node.id);
                }
            }
            let filter = node.choice_filter.as_ref().map(|f| &f.expr);
            for e in [&node.constraint, &node.required, &node.read_only]
                .into_iter()
                .flatten()
                .chain(filter)
            {
                for r in reads(e) {
                    statuses[r].push(node.id);
                }
            }
            values[node.id].extend(node.children.iter().copied());
        }
        for list in values.iter_mut().chain(statuses.iter_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        let wide = self
            .nodes
            .iter()
            .map(|node| {
                let filter = node.choice_filter.as_ref().map(|f| &f.expr);
                [
                    &node.relevant,
                    &node.calculation,
                    &node.repeat_count,
                    &node.constraint,
                    &node.required,
                    &node.read_only,
                ]
                .into_iter()
                .flatten()
                .chain(filter)
                .any(Expr::reads_other_instances)
            })
            .collect();
        let mut rank = vec![0; n];
        for (i, &id) in eval_order.iter().enumerate() {
            rank[id] = i;
        }
        let mut order = vec![Vec::new(); n];
        let mut stack: Vec<(NodeId, Vec<(u32, bool)>)> = top
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, vec![(i as u32, self.nodes[t].kind == Kind::Repeat)]))
            .collect();
        while let Some((id, path)) = stack.pop() {
            for (i, &c) in self.nodes[id].children.iter().enumerate() {
                let mut p = path.clone();
                p.push((i as u32, self.nodes[c].kind == Kind::Repeat));
                stack.push((c, p));
            }
            order[id] = path;
        }
        Deps {
            values,
            statuses,
            rank,
            wide,
            order,
        }
    }

    /// Topological order of relevance, repeat counts and calculations, stable
    /// in document order. Reports the first cycle it finds.
    fn eval_order(&mut self, names: &HashMap<String, NodeId>) -> Vec<NodeId> {
        let n = self.nodes.len();
        let mut deps: Vec<Vec<NodeId>> = vec![Vec::new(); n];
        for node in &self.nodes {
            let d = &mut deps[node.id];
            if let Some(p) = node.parent {
                d.push(p);
            }
            for e in [&node.relevant, &node.calculation, &node.repeat_count]
                .into_iter()
                .flatten()
            {
                d.extend(e.refs().iter().filter_map(|r| names.get(*r).copied()));
            }
        }
        for node in &self.nodes {
            if node.calculation.as_ref().is_some_and(Expr::uses_current) {
                self.errors.push(FormError::new(
                    format!("{}, calculation", node.location),
                    "a calculation cannot read its own value (`.`)",
                ));
            }
        }
        // Iterative depth-first search; 0 = new, 1 = on the stack, 2 = done.
        let mut state = vec![0u8; n];
        let mut order = Vec::with_capacity(n);
        let mut reported = false;
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(NodeId, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (id, ref mut next)) = stack.last_mut() {
                if let Some(&dep) = deps[id].get(*next) {
                    *next += 1;
                    match state[dep] {
                        0 => {
                            state[dep] = 1;
                            stack.push((dep, 0));
                        }
                        1 if !reported => {
                            reported = true;
                            let from = stack.iter().position(|(i, _)| *i == dep).unwrap_or(0);
                            let mut cycle: Vec<&str> = stack[from..]
                                .iter()
                                .map(|(i, _)| self.nodes[*i].name.as_str())
                                .collect();
                            cycle.push(self.nodes[dep].name.as_str());
                            cycle.reverse();
                            let msg = format!("circular reference: {}", cycle.join(" → "));
                            let node = &self.nodes[dep];
                            self.errors.push(FormError::new(node.location.clone(), msg));
                        }
                        _ => {}
                    }
                } else {
                    state[id] = 2;
                    order.push(id);
                    stack.pop();
                }
            }
        }
        order
    }
}

/// `yes`/`no` and their spellings, or an expression (`None`).
fn this_flag(src: Option<&str>) -> Option<Option<bool>> {
    match src.map(str::trim) {
        None | Some("") => Some(Some(false)),
        Some(s) => match s.to_ascii_lowercase().as_str() {
            "yes" | "true" | "true()" => Some(Some(true)),
            "no" | "false" | "false()" => Some(Some(false)),
            _ => None,
        },
    }
}

/// A yes/no column as an optional expression: `true()` for yes, nothing for no,
/// else the parsed expression.
fn flag(known: Option<Option<bool>>, parse: impl FnOnce() -> Option<Expr>) -> Option<Expr> {
    match known {
        Some(Some(true)) => expr::parse("true()").ok(),
        Some(_) => None,
        None => parse(),
    }
}

pub(crate) fn is_xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = name.to_lowercase();
    candidates
        .filter(|c| c.to_lowercase() == lower || edit_distance(&c.to_lowercase(), &lower) <= 1)
        .min()
        .map(|c| format!(" (did you mean ${{{c}}}?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
