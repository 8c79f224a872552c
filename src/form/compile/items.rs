//! Survey rows: each row's kind, its checks, its expressions, and the node
//! it becomes (with its children, for groups and repeats).

use super::{Compiler, Loc, Pending, is_xml_name};
use crate::expr::{self, Expr};
use crate::form::FormError;
use crate::form::model::*;
use crate::form::native::Item;

/// Names XForms keeps for itself.
const RESERVED: &[&str] = &["meta"];

impl Compiler<'_> {
    /// The kind of a row and its choice list, or why it cannot be read.
    pub(super) fn kind(&mut self, item: &Item, loc: &Loc) -> Option<(Kind, Option<ListId>)> {
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
            "geotrace" => Some(Kind::Geotrace),
            "geoshape" => Some(Kind::Geoshape),
            "barcode" => Some(Kind::Barcode),
            "note" => Some(Kind::Note),
            "acknowledge" => Some(Kind::Acknowledge),
            "calculate" => Some(Kind::Calculate),
            "hidden" => Some(Kind::Hidden),
            other => MetaKind::ALL
                .iter()
                .find(|m| m.xlsform_name() == other)
                .map(|&m| Kind::Meta(m))
                .or_else(|| {
                    Media::ALL
                        .iter()
                        .find(|m| m.xlsform_name() == other)
                        .map(|&m| Kind::Media(m))
                }),
        };
        if let Some(kind) = simple {
            return Some((kind, None));
        }
        match item.kind.as_str() {
            "select_one" | "select_multiple" | "rank" => {
                let kind = match item.kind.as_str() {
                    "select_one" => Kind::SelectOne,
                    "rank" => Kind::Rank,
                    _ => Kind::SelectMultiple,
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

    pub(super) fn item(
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
        for name in item.attributes.iter().flat_map(|a| a.keys()) {
            let (prefix, local) = name.split_once(':').unwrap_or(("", name));
            let known = prefix.is_empty()
                || ["jr", "orx", "odk"].contains(&prefix)
                || self.namespaces.iter().any(|n| n == prefix);
            if !is_xml_name(local) || !is_xml_name(prefix) && !prefix.is_empty() {
                self.err(
                    loc.field("attributes"),
                    format!("\"{name}\" is not a valid attribute name"),
                );
            } else if !known {
                self.err(
                    loc.field("attributes"),
                    format!("the attribute \"{name}\" uses the prefix \"{prefix}\", which the namespaces setting does not declare"),
                );
            }
        }
        // A question shown by its picture or sound alone is one too.
        let needs_label = kind.is_screen()
            && item
                .media
                .as_ref()
                .is_none_or(std::collections::BTreeMap::is_empty);
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
            media: item.media.clone().unwrap_or_default(),
            attributes: item.attributes.clone().unwrap_or_default(),
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
