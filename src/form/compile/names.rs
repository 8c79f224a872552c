//! Names: what an expression refers to must exist, be unique and be
//! something rileva reads (`${name}`, not XPath paths).

use super::{Compiler, Pending};
use crate::expr::{self, Expr};
use crate::form::FormError;
use crate::form::model::*;
use std::collections::{HashMap, HashSet};

/// Names of the form: unique ones, and those used more than once (which
/// `${name}` cannot designate).
pub(super) struct Names {
    pub(super) unique: HashMap<String, NodeId>,
    pub(super) ambiguous: HashSet<String>,
}

impl Names {
    pub(super) fn of(nodes: &[Node]) -> Names {
        let mut names = Names {
            unique: HashMap::new(),
            ambiguous: HashSet::new(),
        };
        for n in nodes {
            if names.unique.remove(&n.name).is_some() || names.ambiguous.contains(&n.name) {
                names.ambiguous.insert(n.name.clone());
            } else {
                names.unique.insert(n.name.clone(), n.id);
            }
        }
        names
    }
}

impl Compiler<'_> {
    /// Checks the names an expression uses: `${name}` must exist and be
    /// unique; bare names only in a choice filter, as columns of its list;
    /// `instance('list')` lists must exist.
    pub(super) fn check_names(
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
        for r in e.last_saved_refs() {
            if !names.unique.contains_key(r) && !names.ambiguous.contains(r) {
                let hint = did_you_mean(r, names.unique.keys().map(String::as_str));
                self.err(
                    location,
                    format!("unknown question ${{last-saved#{r}}}{hint}"),
                );
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

    pub(super) fn expression(
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

    pub(super) fn resolve(&mut self, pending: &[Pending], names: &Names) {
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
