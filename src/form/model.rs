//! The compiled questionnaire: what the engine, the TUI and the exporters read.
//! Built from the native JSON (and later XLSForm) by `compile`; immutable after.

use crate::expr::Expr;
use std::collections::HashMap;

/// Index of a node in `Form::nodes` (document order).
pub type NodeId = usize;
/// Index of a choice list in `Form::lists`.
pub type ListId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Group,
    Text,
    Integer,
    Decimal,
    Date,
    SelectOne,
    SelectMultiple,
    Acknowledge,
    Note,
    Calculate,
}

impl Kind {
    /// The XLSForm type name (for `_from_file` lists the base select name).
    pub fn xlsform_name(self) -> &'static str {
        match self {
            Kind::Group => "group",
            Kind::Text => "text",
            Kind::Integer => "integer",
            Kind::Decimal => "decimal",
            Kind::Date => "date",
            Kind::SelectOne => "select_one",
            Kind::SelectMultiple => "select_multiple",
            Kind::Acknowledge => "acknowledge",
            Kind::Note => "note",
            Kind::Calculate => "calculate",
        }
    }

    /// Whether the operator sees this node as a screen of its own.
    pub fn is_screen(self) -> bool {
        !matches!(self, Kind::Group | Kind::Calculate)
    }

    /// Whether the node holds an answer typed or picked by the operator.
    pub fn takes_input(self) -> bool {
        !matches!(self, Kind::Group | Kind::Calculate | Kind::Note)
    }

    pub fn is_select(self) -> bool {
        matches!(self, Kind::SelectOne | Kind::SelectMultiple)
    }
}

/// A text in zero or more languages. An entry with an empty language code is the
/// text for every language (XLSForm's plain `label` column).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text(pub Vec<(String, String)>);

impl Text {
    pub fn plain(s: impl Into<String>) -> Text {
        Text(vec![(String::new(), s.into())])
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|(_, t)| t.is_empty())
    }

    /// The text in `lang`, else in `fallback`, else the untranslated one, else any.
    pub fn get<'a>(&'a self, lang: &str, fallback: &str) -> &'a str {
        let find = |code: &str| {
            self.0
                .iter()
                .find(|(l, _)| l == code)
                .map(|(_, t)| t.as_str())
        };
        find(lang)
            .or_else(|| find(fallback))
            .or_else(|| find(""))
            .or_else(|| self.0.first().map(|(_, t)| t.as_str()))
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Static(String),
    Dynamic(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceFilter {
    pub expr: Expr,
    /// Set when the filter is `column = <expression>`: the engine then looks
    /// choices up in the list's index instead of testing each one.
    pub column_eq: Option<(String, Expr)>,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: NodeId,
    pub name: String,
    /// Data path, e.g. `/sez_A/A01`: the key of the answer in storage.
    pub path: String,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    pub kind: Kind,
    pub list: Option<ListId>,
    pub label: Text,
    pub hint: Text,
    pub required: Option<Expr>,
    pub required_message: Text,
    pub relevant: Option<Expr>,
    pub constraint: Option<Expr>,
    pub constraint_message: Text,
    pub calculation: Option<Expr>,
    pub default: Option<DefaultValue>,
    pub appearance: String,
    pub choice_filter: Option<ChoiceFilter>,
    /// Where the node is defined, for messages (e.g. `survey[0].children[3]`).
    pub location: String,
}

impl Node {
    pub fn has_appearance(&self, word: &str) -> bool {
        self.appearance.split_whitespace().any(|w| w == word)
    }

    pub fn is_multiline(&self) -> bool {
        self.kind == Kind::Text && self.has_appearance("multiline")
    }
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub name: String,
    pub label: Text,
    /// Values of the list's extra columns, aligned with `ChoiceList::columns`.
    pub values: Vec<String>,
    /// The label folded for search (`text::fold`), one per form language
    /// (aligned with `Form::languages`; a single entry when untranslated).
    pub folded: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ChoiceList {
    pub name: String,
    pub choices: Vec<Choice>,
    /// Names of the extra columns (for a CSV list: every column of the file).
    pub columns: Vec<String>,
    pub by_name: HashMap<String, usize>,
    /// column -> value -> choice indices, for the columns used by `column = …` filters.
    pub index: HashMap<String, HashMap<String, Vec<usize>>>,
}

impl ChoiceList {
    pub fn choice(&self, name: &str) -> Option<&Choice> {
        self.by_name.get(name).and_then(|&i| self.choices.get(i))
    }

    /// The value of a column for a choice; `name` and `label` work as columns too,
    /// as they do on an XForm itemset's item.
    pub fn column<'a>(
        &'a self,
        choice: &'a Choice,
        column: &str,
        lang: &str,
        fallback: &str,
    ) -> Option<&'a str> {
        if let Some(i) = self.columns.iter().position(|c| c == column) {
            return choice.values.get(i).map(String::as_str);
        }
        match column {
            "name" => Some(&choice.name),
            "label" => Some(choice.label.get(lang, fallback)),
            _ => None,
        }
    }

    pub fn has_column(&self, column: &str) -> bool {
        column == "name" || column == "label" || self.columns.iter().any(|c| c == column)
    }
}

pub use super::native::Language;

#[derive(Debug, Clone)]
pub struct Form {
    pub id: String,
    pub version: String,
    pub title: String,
    pub languages: Vec<Language>,
    /// Code of the default language ("" when the form is untranslated).
    pub default_language: String,
    pub instance_name: Option<Expr>,
    pub nodes: Vec<Node>,
    /// Top-level nodes, in order.
    pub top: Vec<NodeId>,
    pub lists: Vec<ChoiceList>,
    /// Order in which relevance and calculations are computed: every node after
    /// the nodes its `relevant` and `calculation` read, and after its parent.
    pub eval_order: Vec<NodeId>,
    /// Nodes shown as screens, in document order.
    pub screens: Vec<NodeId>,
    /// SHA-256 of the form bundle (definition and attached files), hex.
    pub sha256: String,
    pub(crate) names: HashMap<String, NodeId>,
    pub(crate) paths: HashMap<String, NodeId>,
}

impl Form {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub fn by_name(&self, name: &str) -> Option<NodeId> {
        self.names.get(name).copied()
    }

    pub fn by_path(&self, path: &str) -> Option<NodeId> {
        self.paths.get(path).copied()
    }

    pub fn list_of(&self, id: NodeId) -> Option<&ChoiceList> {
        self.nodes[id].list.and_then(|l| self.lists.get(l))
    }

    /// Index of a language code in `languages`, for `Choice::folded`.
    pub fn language_index(&self, code: &str) -> usize {
        self.languages
            .iter()
            .position(|l| l.code == code)
            .unwrap_or(0)
    }

    /// The language to use for a UI language code: the form language with that
    /// code if there is one, else the form's default.
    pub fn language_for(&self, ui: &str) -> String {
        if self.languages.iter().any(|l| l.code == ui) {
            ui.to_string()
        } else {
            self.default_language.clone()
        }
    }

    /// Section (top-level group) a node belongs to, if any.
    pub fn section_of(&self, id: NodeId) -> Option<NodeId> {
        let mut cur = self.nodes[id].parent?;
        while let Some(p) = self.nodes[cur].parent {
            cur = p;
        }
        Some(cur)
    }

    /// Ancestor groups of a node, outermost first.
    pub fn ancestors(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut cur = self.nodes[id].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.nodes[p].parent;
        }
        out.reverse();
        out
    }
}
