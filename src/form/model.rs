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
    Repeat,
    Text,
    Integer,
    Decimal,
    Date,
    Time,
    DateTime,
    Range,
    Geopoint,
    /// A line: points `lat lon [alt [acc]]` separated by `;`.
    Geotrace,
    /// A closed shape: a geotrace whose last point is its first.
    Geoshape,
    /// A code typed as the label of a barcode says (a terminal scans nothing).
    Barcode,
    /// A file attached: the answer is its name in the data directory.
    Media(Media),
    SelectOne,
    SelectMultiple,
    /// Every choice of a list put in order (`rank`): the names, first first.
    Rank,
    Acknowledge,
    Note,
    Calculate,
    /// A value set by `default` (or a calculation), never shown.
    Hidden,
    /// Metadata filled by rileva itself.
    Meta(MetaKind),
}

/// What a media question takes (signature and draw are images, told apart
/// by their appearance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Image,
    Audio,
    Video,
    File,
}

impl Media {
    pub fn xlsform_name(self) -> &'static str {
        match self {
            Media::Image => "image",
            Media::Audio => "audio",
            Media::Video => "video",
            Media::File => "file",
        }
    }

    pub const ALL: [Media; 4] = [Media::Image, Media::Audio, Media::Video, Media::File];
}

/// XLSForm's metadata types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKind {
    /// When the response was started.
    Start,
    /// When it was finalized.
    End,
    /// The day it was started.
    Today,
    DeviceId,
    /// The operator.
    Username,
    PhoneNumber,
    Email,
}

impl MetaKind {
    pub fn xlsform_name(self) -> &'static str {
        match self {
            MetaKind::Start => "start",
            MetaKind::End => "end",
            MetaKind::Today => "today",
            MetaKind::DeviceId => "deviceid",
            MetaKind::Username => "username",
            MetaKind::PhoneNumber => "phonenumber",
            MetaKind::Email => "email",
        }
    }

    pub const ALL: [MetaKind; 7] = [
        MetaKind::Start,
        MetaKind::End,
        MetaKind::Today,
        MetaKind::DeviceId,
        MetaKind::Username,
        MetaKind::PhoneNumber,
        MetaKind::Email,
    ];
}

impl Kind {
    /// The XLSForm type name (for `_from_file` lists the base select name).
    pub fn xlsform_name(self) -> &'static str {
        match self {
            Kind::Group => "group",
            Kind::Repeat => "repeat",
            Kind::Text => "text",
            Kind::Integer => "integer",
            Kind::Decimal => "decimal",
            Kind::Date => "date",
            Kind::Time => "time",
            Kind::DateTime => "dateTime",
            Kind::Range => "range",
            Kind::Geopoint => "geopoint",
            Kind::Geotrace => "geotrace",
            Kind::Geoshape => "geoshape",
            Kind::Barcode => "barcode",
            Kind::Media(m) => m.xlsform_name(),
            Kind::SelectOne => "select_one",
            Kind::SelectMultiple => "select_multiple",
            Kind::Rank => "rank",
            Kind::Acknowledge => "acknowledge",
            Kind::Note => "note",
            Kind::Calculate => "calculate",
            Kind::Hidden => "hidden",
            Kind::Meta(m) => m.xlsform_name(),
        }
    }

    /// Whether the operator sees this node (a question or a note).
    pub fn is_screen(self) -> bool {
        self.takes_input() || self == Kind::Note
    }

    /// Whether the node holds an answer typed or picked by the operator.
    pub fn takes_input(self) -> bool {
        matches!(
            self,
            Kind::Text
                | Kind::Integer
                | Kind::Decimal
                | Kind::Date
                | Kind::Time
                | Kind::DateTime
                | Kind::Range
                | Kind::Geopoint
                | Kind::Geotrace
                | Kind::Geoshape
                | Kind::Barcode
                | Kind::Media(_)
                | Kind::SelectOne
                | Kind::SelectMultiple
                | Kind::Rank
                | Kind::Acknowledge
        )
    }

    /// Whether an answer is stored for the node: operator input, and the
    /// values rileva sets itself (hidden defaults, metadata).
    pub fn stores_answer(self) -> bool {
        self.takes_input() || matches!(self, Kind::Hidden | Kind::Meta(_))
    }

    /// Groups and repeats: nodes that hold other nodes.
    pub fn is_container(self) -> bool {
        matches!(self, Kind::Group | Kind::Repeat)
    }

    pub fn is_select(self) -> bool {
        matches!(self, Kind::SelectOne | Kind::SelectMultiple | Kind::Rank)
    }

    /// Selects whose answer holds several choices (a multiple choice, a
    /// ranking).
    pub fn is_multi(self) -> bool {
        matches!(self, Kind::SelectMultiple | Kind::Rank)
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
    pub read_only: Option<Expr>,
    /// For a repeat: how many instances.
    pub repeat_count: Option<Expr>,
    /// The row's `parameters` (range start/end/step, file value/label).
    pub parameters: std::collections::BTreeMap<String, String>,
    /// The repeats this node is in, outermost first (itself included when it
    /// is a repeat): a value of the node exists once per instance of them.
    pub repeats: Vec<NodeId>,
    pub appearance: String,
    pub choice_filter: Option<ChoiceFilter>,
    /// Attributes of the node's element in the submission, by name.
    pub attributes: std::collections::BTreeMap<String, String>,
    /// Files other clients show with the label, by kind (`image`, `audio`…).
    pub media: std::collections::BTreeMap<String, String>,
    /// Where the node is defined, for messages (e.g. `survey[0].children[3]`).
    pub location: String,
}

/// A `range` question's bounds and step, as its `parameters` give them,
/// with XLSForm's defaults (start 1, end 10, step 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub start: f64,
    pub end: f64,
    pub step: f64,
}

impl Range {
    /// Whether `v` lies within start..end (either way round) on the step grid.
    pub fn contains(&self, v: f64) -> bool {
        let (lo, hi) = if self.start <= self.end {
            (self.start, self.end)
        } else {
            (self.end, self.start)
        };
        if !v.is_finite() || v < lo - 1e-9 || v > hi + 1e-9 {
            return false;
        }
        let steps = (v - self.start) / self.step;
        (steps - steps.round()).abs() < 1e-6
    }
}

impl Node {
    /// How much of a date a date question asks (`year`, `month-year`);
    /// `None` for other questions.
    pub fn date_part(&self) -> Option<super::values::DatePart> {
        use super::values::DatePart;
        (self.kind == Kind::Date).then(|| {
            if self.has_appearance("year") {
                DatePart::Year
            } else if self.has_appearance("month-year") {
                DatePart::Month
            } else {
                DatePart::Full
            }
        })
    }

    /// The range of a `range` question (defaults where `parameters` say
    /// nothing usable).
    pub fn range(&self) -> Range {
        let get = |k: &str, d: f64| {
            self.parameters
                .get(k)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .unwrap_or(d)
        };
        Range {
            start: get("start", 1.0),
            end: get("end", 10.0),
            step: get("step", 1.0),
        }
    }

    pub fn has_appearance(&self, word: &str) -> bool {
        self.appearance.split_whitespace().any(|w| w == word)
    }

    pub fn is_multiline(&self) -> bool {
        self.kind == Kind::Text && self.has_appearance("multiline")
    }

    /// A group shown as one screen with all its questions.
    pub fn is_field_list(&self) -> bool {
        self.kind == Kind::Group && self.has_appearance("field-list")
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
    /// Every name is a number (`01`, `16`, `015012`): the names are the
    /// codes printed on paper; otherwise the positions 1, 2, 3… are.
    pub numbered: bool,
}

impl Form {
    /// Whether an expression of the form reads `${last-saved#…}`.
    pub fn uses_last_saved(&self) -> bool {
        self.nodes.iter().any(|n| {
            let default = match &n.default {
                Some(DefaultValue::Dynamic(e)) => Some(e),
                _ => None,
            };
            [
                default,
                n.calculation.as_ref(),
                n.relevant.as_ref(),
                n.constraint.as_ref(),
                n.required.as_ref(),
                n.read_only.as_ref(),
            ]
            .into_iter()
            .flatten()
            .any(|e| !e.last_saved_refs().is_empty())
        })
    }
}

impl ChoiceList {
    /// Whether the list is a file beside the form (CSV or GeoJSON), named
    /// by the file: long, and not the form's own.
    pub fn from_file(&self) -> bool {
        let n = self.name.to_ascii_lowercase();
        n.ends_with(".csv") || n.ends_with(".geojson")
    }

    /// Called once the choices are in: decides how codes are written.
    pub fn seal(&mut self) {
        self.numbered = !self.choices.is_empty()
            && self
                .choices
                .iter()
                .all(|c| !c.name.is_empty() && c.name.bytes().all(|b| b.is_ascii_digit()));
    }

    /// The code printed beside choice `i` and keyed by a transcriber: its
    /// name when every name of the list is a number, else its position
    /// (1-based).
    pub fn code(&self, i: usize) -> String {
        match self.choices.get(i) {
            Some(c) if self.numbered => c.name.clone(),
            _ => (i + 1).to_string(),
        }
    }

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

/// The static dependencies of a form, computed once when it is compiled.
#[derive(Debug, Clone, Default)]
pub struct Deps {
    /// Per node, the nodes whose value or relevance may change when its value
    /// or relevance does: those whose `relevant`, `calculation` or
    /// `repeat_count` read it, and its children.
    pub values: Vec<Vec<NodeId>>,
    /// Per node, the nodes whose status may change when its value does:
    /// those whose `constraint`, `required`, `choice_filter` or `read_only`
    /// read it.
    pub statuses: Vec<Vec<NodeId>>,
    /// Per node, its place in `eval_order`.
    pub rank: Vec<usize>,
    /// Per node, whether its expressions read other instances of a repeat
    /// (`indexed-repeat`): a change reaches all of its slots.
    pub wide: Vec<bool>,
    /// Per node, its position among its siblings at each level from the top,
    /// each marked when that level is a repeat (for document order keys).
    pub order: Vec<Vec<(u32, bool)>>,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub id: String,
    pub version: String,
    pub title: String,
    pub languages: Vec<Language>,
    /// Code of the default language ("" when the form is untranslated).
    pub default_language: String,
    pub instance_name: Option<Expr>,
    /// Root element name of the XForm instance.
    pub root_name: String,
    pub clean_text_values: bool,
    /// The form asks for the audit log: the submission names it.
    pub audit: bool,
    /// XML namespaces of the attributes, by prefix, declared on the root.
    pub namespaces: std::collections::BTreeMap<String, String>,
    /// Submissions are encrypted with this RSA key (base64 DER) when sent.
    pub public_key: Option<String>,
    pub nodes: Vec<Node>,
    /// Top-level nodes, in order.
    pub top: Vec<NodeId>,
    pub lists: Vec<ChoiceList>,
    /// Order in which relevance and calculations are computed: every node after
    /// the nodes its `relevant` and `calculation` read, and after its parent.
    pub eval_order: Vec<NodeId>,
    /// Nodes shown as screens, in document order.
    pub screens: Vec<NodeId>,
    /// How answers flow through the form, for recomputing only what a
    /// change reaches.
    pub deps: Deps,
    /// SHA-256 of the form bundle (definition and attached files), hex.
    pub sha256: String,
    pub(crate) names: HashMap<String, NodeId>,
    pub(crate) paths: HashMap<String, NodeId>,
    /// Problems that do not stop the form from working, for `validate`.
    pub warnings: Vec<super::FormError>,
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

    /// Whether anything under a group or repeat is ever shown.
    pub fn has_screens_under(&self, id: NodeId) -> bool {
        self.nodes[id]
            .children
            .iter()
            .any(|&c| self.nodes[c].kind.is_screen() || self.has_screens_under(c))
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
