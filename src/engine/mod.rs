//! A response being filled: answers, repeat instances, relevance, calculations,
//! constraints, required, choice filters, navigation order and progress. Pure
//! and synchronous: it knows neither the terminal nor the database.
//!
//! A value lives in a *slot*: a node of the form and, for nodes inside
//! repeats, the instance of each enclosing repeat (`Idx`, outermost first,
//! 0-based). Stored answers are keyed by data path, where the instances show
//! as 1-based indices: `/household/person[2]/age`.

mod choices;
mod codes;
mod compare;
mod compute;
mod context;
mod entry;
mod keying;
mod last_saved;
pub mod media;
mod nav;
mod problems;
mod slots;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_codes;
#[cfg(test)]
mod tests_entry;
#[cfg(test)]
mod tests_keying;
#[cfg(test)]
mod tests_repeats;
#[cfg(test)]
mod tests_sections;

use crate::expr::{self, Value};
use crate::form::values::{self, TypeError};
use crate::form::{DefaultValue, Form, Kind, MetaKind, NodeId};
use context::{ChoiceCtx, EvalCtx};
use jiff::ZonedDateTime;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub use crate::form::values::canonical;
pub use codes::CodeEntry;
pub use compare::{Comparison, Discordance, compare, merged};
pub use entry::{EndStamp, Summary};
pub use keying::JumpRefused;
pub use nav::ScreenRef;
pub use problems::type_text;
pub use slots::MAX_INSTANCES;

/// The canonical text of a value typed for a node: of its type, and for a
/// date question that asks only a year or a month, that part of a date.
pub fn typed_value(node: &crate::form::Node, text: &str) -> Result<String, TypeError> {
    match node.date_part() {
        Some(part) => values::parse_date_part(text, part),
        None => canonical(node.kind, text),
    }
}

/// Instance indices of the repeats a node is in, outermost first, 0-based.
pub type Idx = Vec<u32>;

/// One value of the response: a node in given repeat instances.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    pub node: NodeId,
    pub idx: Idx,
}

impl Slot {
    pub fn new(node: NodeId, idx: Idx) -> Slot {
        Slot { node, idx }
    }

    /// A node outside any repeat.
    pub fn root(node: NodeId) -> Slot {
        Slot {
            node,
            idx: Vec::new(),
        }
    }
}

/// Where `today()` and `now()` come from.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(ZonedDateTime),
}

impl Clock {
    pub fn now(&self) -> ZonedDateTime {
        match self {
            Clock::System => ZonedDateTime::now(),
            Clock::Fixed(t) => t.clone(),
        }
    }
}

/// What fills the metadata questions (start, today, deviceid, username, …).
#[derive(Debug, Clone, Default)]
pub struct MetaInfo {
    pub device_id: String,
    pub username: String,
    pub phone_number: Option<String>,
    pub email: Option<String>,
    /// The answers (by data path) of the last response saved before this
    /// one, which `${last-saved#name}` reads.
    pub last_saved: Vec<(String, String)>,
}

/// Why an answer is not acceptable.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Not a value of the question's type.
    Type(TypeError),
    /// A required question left empty.
    Required,
    /// The constraint is false.
    Constraint,
    /// A choice that is not in the list, or no longer passes its choice filter
    /// (e.g. a province after the region changed).
    NotInList(String),
    /// A range value outside start..end or off its step.
    OutOfRange,
    /// An expression could not be evaluated (e.g. an invalid regex).
    Expression(String),
    /// Typed as a printed code (transcription) that no choice of the list,
    /// as its filter leaves it, has.
    NotACode(String),
    /// The ditto key, where the operator's previous response has no answer
    /// to this question (or there is no previous response).
    NoDitto,
    /// A ranking that leaves out some of its list's choices, or names one
    /// twice: every choice is put in order.
    NotAllRanked,
    /// A blind second entry's value that is not the first entry's: keyed
    /// once more from the paper (what the first entry holds is not said).
    Slip,
    /// A file not attached to a media question, and why.
    Attach(media::AttachProblem),
}

/// The state of one slot for the operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    NotRelevant,
    /// Relevant, empty, not required.
    Empty,
    /// Relevant, empty, required.
    Missing,
    Answered,
    Invalid(Problem),
}

impl Status {
    pub fn is_issue(&self) -> bool {
        matches!(self, Status::Missing | Status::Invalid(_))
    }
}

#[derive(Debug, Clone)]
struct SlotState {
    /// The stored answer (canonical text, or what the operator left typed when
    /// it did not parse). For a repeat, the slot of an instance.
    answer: Option<String>,
    relevant: bool,
    value: Value,
    status: Status,
}

impl Default for SlotState {
    fn default() -> Self {
        SlotState {
            answer: None,
            relevant: true,
            value: Value::Str(String::new()),
            status: Status::Empty,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Filling {
    form: Arc<Form>,
    /// Per node, its slots by instance indices.
    slots: Vec<BTreeMap<Idx, SlotState>>,
    /// Per repeat, the nodes whose innermost repeat it is (itself included).
    members: Arc<HashMap<NodeId, Vec<NodeId>>>,
    /// Instance counts asked by `repeat_count`, per repeat and parent instance.
    counted: HashMap<(NodeId, Idx), u32>,
    /// Instances `repeat_count` just created, whose defaults are still to fill.
    fresh: Vec<(NodeId, Idx)>,
    /// Instances were created by a recompute (repeat_count): more than the
    /// one answer set must be written.
    structure_changed: bool,
    /// Stored answers whose path is not in the form: kept, never shown, never dropped.
    orphans: BTreeMap<String, String>,
    clock: Clock,
    lang: String,
    nav: nav::Screens,
    /// The transcription layout: one screen per section (a top-level group
    /// or repeat), its repeats' entries blocks on it, as paper has them.
    sections: bool,
    progress: (usize, usize),
    /// `${last-saved#name}`'s values: the answers of the last response saved
    /// before this one was started, by question name (a repeated question's
    /// first instance).
    last_saved: Arc<HashMap<String, String>>,
    /// Where a `randomize=true` list without a seed starts its order: set
    /// per response (`set_shuffle_seed`), so it keeps its order.
    shuffle_seed: u64,
}

impl Filling {
    /// A response over stored answers (keyed by data path).
    pub fn new(
        form: Arc<Form>,
        stored: impl IntoIterator<Item = (String, String)>,
        clock: Clock,
    ) -> Filling {
        let lang = form.default_language.clone();
        let mut f = Filling::load(form, stored, clock, lang);
        f.recompute();
        f
    }

    /// A stored response as it reads in `language` (the one it was filled
    /// in): computed once, in that language.
    pub fn in_language(
        form: Arc<Form>,
        stored: impl IntoIterator<Item = (String, String)>,
        clock: Clock,
        language: &str,
    ) -> Filling {
        let lang = form.language_for(language);
        let mut f = Filling::load(form, stored, clock, lang);
        f.recompute();
        f
    }

    /// A stored response to read through, not to fill (an export): its
    /// relevance and values, computed once in `language`; no statuses and
    /// no screens (`status` says nothing of it, and nothing navigates it).
    pub fn to_read(
        form: Arc<Form>,
        stored: impl IntoIterator<Item = (String, String)>,
        clock: Clock,
        language: &str,
    ) -> Filling {
        let lang = form.language_for(language);
        let mut f = Filling::load(form, stored, clock, lang);
        f.compute_all_values();
        if !f.fresh.is_empty() {
            // Instances a repeat_count made take their defaults, as on screen.
            f.recompute();
        }
        f
    }

    /// The slots of a response and its stored answers, nothing computed.
    fn load(
        form: Arc<Form>,
        stored: impl IntoIterator<Item = (String, String)>,
        clock: Clock,
        lang: String,
    ) -> Filling {
        let mut members: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        let mut slots = vec![BTreeMap::new(); form.nodes.len()];
        for node in &form.nodes {
            match node.repeats.last() {
                Some(&r) => members.entry(r).or_default().push(node.id),
                None => {
                    slots[node.id].insert(Vec::new(), SlotState::default());
                }
            }
        }
        let mut f = Filling {
            slots,
            members: Arc::new(members),
            counted: HashMap::new(),
            fresh: Vec::new(),
            structure_changed: false,
            orphans: BTreeMap::new(),
            form,
            clock,
            lang,
            nav: nav::Screens::default(),
            sections: false,
            progress: (0, 0),
            last_saved: Arc::default(),
            shuffle_seed: 0,
        };
        for (path, value) in stored {
            match f.parse_path(&path) {
                Some(slot) if f.form.node(slot.node).kind == Kind::Repeat => {
                    f.ensure(&slot);
                }
                Some(slot) if f.form.node(slot.node).kind.stores_answer() => {
                    f.ensure(&slot);
                    if let Some(s) = f.slots[slot.node].get_mut(&slot.idx) {
                        s.answer = Some(value).filter(|v| !v.is_empty());
                    }
                }
                _ => {
                    f.orphans.insert(path, value);
                }
            }
        }
        f
    }

    /// A new response: metadata, static defaults, then dynamic ones in
    /// document order. Returns the filling and the answers to store with it.
    pub fn start(
        form: Arc<Form>,
        clock: Clock,
        meta: &MetaInfo,
    ) -> (Filling, Vec<(String, String)>) {
        let mut f = Filling::new(form, [], clock);
        f.set_last_saved(&meta.last_saved);
        let now = f.clock.now();
        let form = f.form.clone();
        for node in &form.nodes {
            if !node.repeats.is_empty() {
                continue;
            }
            let slot = Slot::root(node.id);
            let value = match node.kind {
                Kind::Meta(m) => match m {
                    MetaKind::Start => Some(crate::timefmt::rfc3339(&now)),
                    MetaKind::Today => Some(now.date().to_string()),
                    MetaKind::DeviceId => Some(meta.device_id.clone()),
                    MetaKind::Username => Some(meta.username.clone()),
                    MetaKind::PhoneNumber => meta.phone_number.clone(),
                    MetaKind::Email => meta.email.clone(),
                    MetaKind::End => None,
                },
                _ => match &node.default {
                    Some(DefaultValue::Static(v)) if node.kind.stores_answer() => {
                        Some(canonical(node.kind, v).unwrap_or_else(|_| v.clone()))
                    }
                    _ => None,
                },
            };
            if let Some(v) = value {
                f.put(&slot, Some(v));
            }
        }
        f.recompute();
        for node in &form.nodes {
            if let Some(DefaultValue::Dynamic(e)) = &node.default
                && node.kind.stores_answer()
                && node.repeats.is_empty()
            {
                let slot = Slot::root(node.id);
                let v = eval1(e, &f.ctx(&slot))
                    .map(|v| v.to_str())
                    .unwrap_or_default();
                if !v.is_empty() {
                    f.put(&slot, Some(canonical(node.kind, &v).unwrap_or(v)));
                    f.recompute();
                }
            }
        }
        let initial = f.stored_answers();
        (f, initial)
    }

    pub fn form(&self) -> &Arc<Form> {
        &self.form
    }

    pub fn language(&self) -> &str {
        &self.lang
    }

    /// Sets the language used for labels in expressions (jr:choice-name).
    pub fn set_language(&mut self, code: &str) {
        self.lang = self.form.language_for(code);
        self.recompute();
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn answer(&self, slot: &Slot) -> Option<&str> {
        self.state(slot).and_then(|s| s.answer.as_deref())
    }

    /// The value expressions see (empty when not relevant; calculations computed).
    pub fn value(&self, slot: &Slot) -> Value {
        self.state(slot)
            .map(|s| s.value.clone())
            .unwrap_or_default()
    }

    pub fn is_relevant(&self, slot: &Slot) -> bool {
        self.state(slot).is_some_and(|s| s.relevant)
    }

    pub fn status(&self, slot: &Slot) -> &Status {
        const NONE: &Status = &Status::NotRelevant;
        self.state(slot).map_or(NONE, |s| &s.status)
    }

    /// Whether the question must be answered now (its `required` is true).
    pub fn is_required(&self, slot: &Slot) -> bool {
        match &self.form.node(slot.node).required {
            None => false,
            Some(e) => eval1(e, &self.ctx(slot))
                .map(|v| v.to_bool())
                .unwrap_or(true),
        }
    }

    /// Whether the question is shown but cannot be changed (`read_only`, or
    /// a value that is calculated).
    pub fn is_read_only(&self, slot: &Slot) -> bool {
        let node = self.form.node(slot.node);
        if node.calculation.is_some() {
            return true;
        }
        match &node.read_only {
            None => false,
            Some(e) => eval1(e, &self.ctx(slot))
                .map(|v| v.to_bool())
                .unwrap_or(true),
        }
    }

    /// Whether instances were created by recomputing (repeat_count) since the
    /// last call: the caller must then write all the answers, not one.
    pub fn take_structure_change(&mut self) -> bool {
        std::mem::take(&mut self.structure_changed)
    }

    /// Stores an answer as given (no checks) and recomputes. `None` clears it.
    pub fn set_answer(&mut self, slot: &Slot, value: Option<String>) {
        let existed = self.state(slot).is_some();
        self.put(slot, value);
        if existed {
            self.recompute_from(slot);
        } else {
            // New instances came with it: recompute everything.
            self.recompute();
        }
    }

    fn put(&mut self, slot: &Slot, value: Option<String>) {
        self.ensure(slot);
        if let Some(s) = self
            .slots
            .get_mut(slot.node)
            .and_then(|m| m.get_mut(&slot.idx))
        {
            s.answer = value.filter(|v| !v.is_empty());
        }
    }

    /// Checks what the operator typed or picked for a slot, as if it were
    /// stored: its type, its list, range, the constraint and `required`.
    /// Returns the canonical text to store (`None` to clear the answer).
    pub fn check(&self, slot: &Slot, input: &str) -> Result<Option<String>, Problem> {
        let node = self.form.node(slot.node);
        let text = self.normalize_input(node.kind, input);
        let canonical = if text.is_empty() {
            None
        } else {
            Some(typed_value(node, &text).map_err(Problem::Type)?)
        };
        match self.judge(slot, canonical.as_deref()) {
            Status::Invalid(p) => Err(p),
            Status::Missing => Err(Problem::Required),
            _ => Ok(canonical),
        }
    }

    /// (See `typed_value`.)
    pub fn typed_value(&self, slot: &Slot, text: &str) -> Result<String, TypeError> {
        typed_value(self.form.node(slot.node), text)
    }

    /// Trims what the operator typed; select answers are normalized to single
    /// spaces, and with `clean_text_values` so is text.
    pub fn normalize_input(&self, kind: Kind, input: &str) -> String {
        match kind {
            Kind::SelectMultiple | Kind::Rank => {
                input.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            Kind::Text if self.form.clean_text_values => {
                input.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            _ => input.trim().to_string(),
        }
    }

    fn ctx<'a>(&'a self, slot: &'a Slot) -> EvalCtx<'a> {
        EvalCtx {
            filling: self,
            slot,
            proposed: None,
        }
    }

    /// Input questions answered and relevant: (answered, relevant).
    pub fn progress(&self) -> (usize, usize) {
        self.progress
    }

    /// Relevant questions with a problem (invalid or missing), in the order
    /// the operator meets them.
    pub fn issues(&self) -> Vec<Slot> {
        self.input_slots()
            .into_iter()
            .filter(|s| self.status(s).is_issue())
            .collect()
    }

    /// Every relevant input slot, in the order the operator meets them.
    pub fn input_slots(&self) -> Vec<Slot> {
        self.nav
            .list
            .iter()
            .flat_map(|s| self.fields(s))
            .filter(|s| self.form.node(s.node).kind.takes_input())
            .collect()
    }

    pub fn can_finalize(&self) -> bool {
        self.slots
            .iter()
            .all(|m| m.values().all(|s| !s.status.is_issue()))
    }

    /// The response's name from the form's `instance_name`, if it gives one.
    pub fn instance_name(&self) -> Option<String> {
        let e = self.form.instance_name.as_ref()?;
        let top = Slot::root(usize::MAX);
        let name = eval1(e, &self.ctx(&top)).ok()?.to_str();
        // `concat(${a}, ' - ', ${b})` with b still empty gives "A -": drop the
        // dangling separators; separators alone are no name.
        let separator = |c: char| c.is_whitespace() || "-–—,;:/|·".contains(c);
        let name = name.trim_matches(separator);
        name.chars()
            .any(char::is_alphanumeric)
            .then(|| name.to_string())
    }
}

/// Evaluates an expression where one value is needed: a node-set of one
/// value is that value, of none the empty string, of several an error (as in
/// JavaRosa: "this field is repeated").
pub(crate) fn eval1(
    e: &crate::expr::Expr,
    ctx: &dyn crate::expr::Context,
) -> Result<Value, crate::expr::EvalError> {
    expr::eval(e, ctx)?.into_single()
}

/// The typed value of a stored answer, as expressions see it.
fn typed(kind: Kind, answer: Option<&str>) -> Value {
    let Some(a) = answer else {
        return Value::Str(String::new());
    };
    match kind {
        Kind::Integer | Kind::Decimal | Kind::Range => match canonical(kind, a) {
            Ok(c) => c
                .parse::<f64>()
                .map(Value::Num)
                .unwrap_or_else(|_| Value::Str(a.to_string())),
            Err(_) => Value::Str(a.to_string()),
        },
        Kind::Date => values::date_of(a)
            .map(Value::Date)
            .unwrap_or_else(|| Value::Str(a.to_string())),
        _ => Value::Str(a.to_string()),
    }
}
