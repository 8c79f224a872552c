//! Native form document -> `Form`, collecting every problem with its location
//! instead of stopping at the first. Every loader (native JSON, XLSForm) ends
//! here, so a form is checked the same way whatever it was written in.
//!
//! By concern: `items` (survey rows), `lists` (choice lists), `params` (the
//! `parameters` column), `names` (what expressions refer to) and `graph`
//! (evaluation order and dependencies).

mod geojson;
mod graph;
mod items;
mod lists;
mod names;
mod params;

use names::Names;
pub(crate) use names::is_xml_name;

use super::bundle::FormBundle;
use super::model::*;
use super::native::{self, FormDoc, Item, TextDoc};
use super::{ErrorKind, FormError};
use crate::expr::{self, Expr};
use std::collections::HashMap;

/// The longest form id ODK Central takes (its `xmlFormId` column).
const MAX_FORM_ID: usize = 64;

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
        namespaces: doc.settings.namespaces.keys().cloned().collect(),
    };
    let form = c.form(doc);
    if c.errors.is_empty() {
        Ok(form)
    } else {
        Err(c.errors)
    }
}

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
    /// The namespace prefixes the settings declare.
    namespaces: Vec<String>,
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
        let id_at = doc
            .settings
            .form_id_origin
            .clone()
            .unwrap_or_else(|| "settings.form_id".into());
        let id_length = doc.settings.form_id.chars().count();
        if doc.settings.form_id.trim().is_empty() {
            self.err(id_at, "the form needs an id");
        } else if id_length > MAX_FORM_ID {
            // rileva itself takes any length; the form would be refused on
            // the way to a server.
            self.warnings.push(FormError::new(
                id_at,
                format!(
                    "the form id is {id_length} characters long: ODK Central refuses ids longer than {MAX_FORM_ID}; set a shorter form_id"
                ),
            ));
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
        // Only when nothing else is wrong: rows refused or misspelt also leave
        // a form without questions, and saying so would only repeat them.
        if self.errors.is_empty() {
            self.nothing_to_fill();
        }

        let names = Names::of(&self.nodes);
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
            public_key: doc.settings.public_key.clone(),
            namespaces: doc.settings.namespaces.clone(),
            audit: doc.settings.audit,
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

    /// A form must hold a question that takes an answer: one of only notes,
    /// calculations, hidden or metadata rows gives the operator nothing to
    /// do (and no screen to stand on). pyxform accepts it, hence its own kind.
    fn nothing_to_fill(&mut self) {
        if self.nodes.iter().any(|n| n.kind.takes_input()) {
            return;
        }
        let mut kinds: Vec<&str> = Vec::new();
        for n in &self.nodes {
            let k = n.kind.xlsform_name();
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        let has = if kinds.is_empty() {
            "it has no rows".to_string()
        } else {
            format!("it has only: {}", kinds.join(", "))
        };
        self.errors.push(FormError {
            kind: ErrorKind::NothingToFill,
            ..FormError::new(
                "survey",
                format!(
                    "the form has nothing to fill: no question takes an answer ({has}); add at least one question (text, integer, select_one, …)"
                ),
            )
        });
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
}
