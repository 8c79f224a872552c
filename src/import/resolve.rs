//! Which question a CSV header or a JSON key names, decided once per name.
//!
//! In order: a data path (`household/age`, `/household/age`, with the form's
//! root name before it or not; Kobo's `group/subgroup/name` is one), with
//! instance numbers (`person[2]/age`); an XLSForm name (`age`); ODK Central's
//! CSV paths (`household-age`); an id column; export metadata; and, for CSV
//! only, a question label (Google Forms headers are the questions' titles).

use super::Why;
use crate::engine::Slot;
use crate::form::{Form, Kind, NodeId};
use std::collections::HashMap;

/// What a column or key is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target {
    /// A question (or, for JSON, a group or repeat) in the current context.
    Node(NodeId),
    /// A question at a data path with instance numbers.
    At(Slot),
    /// The response's id; the number orders the id names, best first.
    Id(usize),
    /// KoboToolbox's column for one choice of a select_multiple
    /// (`household/assets/radio`, 1 or 0): the question's own column holds
    /// the same answer.
    ChoiceOf(NodeId),
    Ignored(Why),
    Refused(String),
}

/// The largest instance number a data path may ask for (as `repeat_count`
/// is bounded): a typo must not create a billion instances.
const MAX_INSTANCE: u32 = 10_000;

/// Id columns and keys, best first, compared without case: ODK's
/// `meta/instanceID` (Kobo's CSV, Central's `meta-instanceID` and `KEY`,
/// OData's `__id`), Kobo's `_uuid`.
const ID_NAMES: &[&str] = &[
    "meta/instanceid",
    "meta-instanceid",
    "instanceid",
    "key",
    "__id",
    "_uuid",
    "uuid",
];

/// What exports put around the answers, compared without case. Besides
/// these, every name that starts with `_` (KoboToolbox), `meta/`, `meta-`,
/// `formhub/` or `@odata` is metadata. A question of the form with one of
/// these names is a question: the form wins.
const METADATA: &[&str] = &[
    // Google Forms (English, Italian, Spanish, French, German, Portuguese).
    "timestamp",
    "informazioni cronologiche",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "carimbo de data/hora",
    "email address",
    "indirizzo email",
    "score",
    "punteggio",
    // ODK Central's CSV.
    "submissiondate",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "status",
    "reviewstate",
    "deviceid",
    "edits",
    "formversion",
    // XLSForm metadata a form may not have as questions.
    "start",
    "end",
    "today",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "instancename",
    "deprecatedid",
    // JSON envelopes.
    "meta",
    "formhub",
];

/// The place of `name` among the id names, if it is one.
pub(super) fn id_priority(name: &str) -> Option<usize> {
    let lower = name.trim().to_ascii_lowercase();
    ID_NAMES.iter().position(|n| *n == lower)
}

pub(super) fn is_metadata(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    lower.starts_with('_')
        || ["meta/", "meta-", "formhub/", "@odata"]
            .iter()
            .any(|p| lower.starts_with(p))
        || METADATA.contains(&lower.as_str())
}

pub(super) struct Resolver<'a> {
    form: &'a Form,
    /// Question labels, in every language, to the questions that have them.
    labels: HashMap<String, Vec<NodeId>>,
}

impl<'a> Resolver<'a> {
    pub fn new(form: &'a Form) -> Resolver<'a> {
        let mut labels: HashMap<String, Vec<NodeId>> = HashMap::new();
        for node in form.nodes.iter().filter(|n| n.kind.stores_answer()) {
            for (_, text) in &node.label.0 {
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                let ids = labels.entry(text.to_string()).or_default();
                if !ids.contains(&node.id) {
                    ids.push(node.id);
                }
            }
        }
        Resolver { form, labels }
    }

    /// A CSV header: one value per row, at the top of the response.
    pub fn column(&self, header: &str) -> Target {
        let k = self.strip(header);
        if k.contains('[') {
            return self.indexed(k);
        }
        let found = self.lookup(None, k).or_else(|| {
            // ODK Central's CSV writes groups with `-`: `household-age`.
            (k.contains('-') && !k.contains('/'))
                .then(|| self.form.by_path(&format!("/{}", k.replace('-', "/"))))
                .flatten()
        });
        if let Some(node) = found {
            return self.for_column(node);
        }
        if let Some(node) = self.choice_column(k) {
            return Target::ChoiceOf(node);
        }
        if let Some(p) = id_priority(header) {
            return Target::Id(p);
        }
        if is_metadata(header) {
            return Target::Ignored(Why::Metadata);
        }
        match self.labels.get(header.trim()).map(Vec::as_slice) {
            Some(&[node]) => self.for_column(node),
            Some(nodes) => Target::Refused(format!(
                "is the label of {} questions ({}): name the column by the question's name",
                nodes.len(),
                nodes
                    .iter()
                    .map(|&n| self.shown(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => Target::Refused("is not a question of this form".into()),
        }
    }

    /// A JSON key in an object for `scope` (`None`: the response itself; else
    /// a group or a repeat instance).
    pub fn key(&self, scope: Option<NodeId>, key: &str) -> Target {
        let k = self.strip(key);
        if scope.is_none() && k.contains('[') {
            return self.indexed(k);
        }
        if let Some(node) = self.lookup(scope, k) {
            return self.in_scope(node, scope);
        }
        if scope.is_none()
            && let Some(p) = id_priority(key)
        {
            return Target::Id(p);
        }
        if is_metadata(key) {
            return Target::Ignored(Why::Metadata);
        }
        Target::Refused("is not a question of this form".into())
    }

    /// A node's path as the report shows it: `household/age`.
    pub fn shown(&self, node: NodeId) -> String {
        self.form
            .node(node)
            .path
            .trim_start_matches('/')
            .to_string()
    }

    /// The key without surrounding blanks, a leading `/` and the form's root
    /// name (`/data/household/age` → `household/age`).
    fn strip<'k>(&self, key: &'k str) -> &'k str {
        let k = key.trim().trim_start_matches('/');
        k.strip_prefix(self.form.root_name.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|rest| !rest.is_empty())
            .unwrap_or(k)
    }

    fn lookup(&self, scope: Option<NodeId>, k: &str) -> Option<NodeId> {
        if k.is_empty() {
            return None;
        }
        let relative = scope.and_then(|s| {
            self.form
                .by_path(&format!("{}/{}", self.form.node(s).path, k))
        });
        relative.or_else(|| {
            if k.contains('/') {
                self.form.by_path(&format!("/{k}"))
            } else {
                self.form
                    .by_path(&format!("/{k}"))
                    .or_else(|| self.form.by_name(k))
            }
        })
    }

    /// The select_multiple question of a column `question/choice`.
    fn choice_column(&self, k: &str) -> Option<NodeId> {
        let (question, choice) = k.rsplit_once('/')?;
        let node = self.lookup(None, question)?;
        let n = self.form.node(node);
        let list = self.form.list_of(node)?;
        (n.kind == Kind::SelectMultiple && n.repeats.is_empty() && list.choice(choice).is_some())
            .then_some(node)
    }

    /// What a node found for a CSV column is.
    fn for_column(&self, node: NodeId) -> Target {
        let n = self.form.node(node);
        match n.kind {
            Kind::Group => {
                Target::Refused(format!("is the group {}, not a question", self.shown(node)))
            }
            Kind::Repeat => Target::Refused(format!(
                "is the repeat {}: a CSV row is one response; put its questions in columns \
                 with instance numbers ({}) or import JSON",
                self.shown(node),
                self.example(node)
            )),
            _ if !n.repeats.is_empty() => Target::Refused(format!(
                "is inside the repeat {}: use columns with instance numbers ({}) or import JSON",
                self.shown(n.repeats[0]),
                self.example(node)
            )),
            _ => self.by_kind(node),
        }
    }

    /// What a node found for a JSON key in `scope` is: it must be inside the
    /// scope and in the same repeat instance (a repeat directly inside it is
    /// fine: its value is the list of instances).
    fn in_scope(&self, node: NodeId, scope: Option<NodeId>) -> Target {
        let form = self.form;
        let n = form.node(node);
        let depth = scope.map_or(0, |s| form.node(s).repeats.len());
        let inside = scope.is_none_or(|s| form.ancestors(node).contains(&s));
        if !inside {
            let s = scope.map(|s| self.shown(s)).unwrap_or_default();
            return Target::Refused(format!("is {}, not inside {s}", self.shown(node)));
        }
        let own = if n.kind == Kind::Repeat {
            n.repeats.len() - 1
        } else {
            n.repeats.len()
        };
        if own != depth {
            let repeat = n.repeats[depth];
            return Target::Refused(format!(
                "is inside the repeat {0}: give it in the list of {0}'s instances",
                self.shown(repeat)
            ));
        }
        match n.kind {
            Kind::Group | Kind::Repeat => Target::Node(node),
            _ => self.by_kind(node),
        }
    }

    fn by_kind(&self, node: NodeId) -> Target {
        let n = self.form.node(node);
        match n.kind {
            Kind::Calculate => Target::Ignored(Why::Computed),
            _ if n.calculation.is_some() => Target::Ignored(Why::Computed),
            Kind::Note => Target::Ignored(Why::Note),
            k if k.stores_answer() => Target::Node(node),
            _ => Target::Refused("holds no answer".into()),
        }
    }

    /// A data path with instance numbers: `household/person[2]/age`.
    fn indexed(&self, k: &str) -> Target {
        let not_a_path = || Target::Refused("is not a data path of this form".into());
        let mut plain = String::new();
        let mut idx = Vec::new();
        for segment in k.split('/') {
            match segment.split_once('[') {
                Some((name, rest)) => {
                    let Some(n) = rest
                        .strip_suffix(']')
                        .and_then(|n| n.trim().parse::<u32>().ok())
                    else {
                        return not_a_path();
                    };
                    plain.push('/');
                    plain.push_str(name.trim());
                    match self.form.by_path(&plain) {
                        Some(r) if self.form.node(r).kind == Kind::Repeat => {}
                        _ => return not_a_path(),
                    }
                    if n == 0 || n > MAX_INSTANCE {
                        return Target::Refused(format!(
                            "asks for instance {n}: instances are numbered from 1 to {MAX_INSTANCE}"
                        ));
                    }
                    idx.push(n - 1);
                }
                None => {
                    plain.push('/');
                    plain.push_str(segment.trim());
                }
            }
        }
        let Some(node) = self.form.by_path(&plain) else {
            return not_a_path();
        };
        let n = self.form.node(node);
        if n.kind.is_container() {
            return Target::Refused(format!("is {}, not a question", self.shown(node)));
        }
        if n.repeats.len() != idx.len() {
            return Target::Refused(format!(
                "needs an instance number for each repeat it is in, as {}",
                self.example(node)
            ));
        }
        match self.by_kind(node) {
            Target::Node(node) => Target::At(Slot::new(node, idx)),
            other => other,
        }
    }

    /// The node's path with `[1]` after each repeat: `household/person[1]/age`.
    fn example(&self, node: NodeId) -> String {
        let form = self.form;
        let mut chain = form.ancestors(node);
        chain.push(node);
        chain
            .iter()
            .map(|&id| {
                let n = form.node(id);
                if n.kind == Kind::Repeat {
                    format!("{}[1]", n.name)
                } else {
                    n.name.clone()
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}
