//! A response being filled: answers, relevance, calculations, constraints,
//! required, choice filters, navigation order and progress. Pure and synchronous:
//! it knows neither the terminal nor the database.

mod context;
#[cfg(test)]
mod tests;

use crate::expr::{self, Value};
use crate::form::values::{self, TypeError};
use crate::form::{DefaultValue, Form, Kind, NodeId};
use context::{ChoiceCtx, EvalCtx};
use jiff::ZonedDateTime;
use std::collections::BTreeMap;
use std::sync::Arc;

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
    /// An expression could not be evaluated (e.g. an invalid regex).
    Expression(String),
}

/// The state of one node for the operator.
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
pub struct Filling {
    form: Arc<Form>,
    /// The stored answer of each node (canonical text, or what the operator left
    /// typed when it did not parse).
    answers: Vec<Option<String>>,
    /// Stored answers whose path is not in the form: kept, never shown, never dropped.
    orphans: BTreeMap<String, String>,
    relevant: Vec<bool>,
    values: Vec<Value>,
    status: Vec<Status>,
    clock: Clock,
    lang: String,
}

impl Filling {
    /// A response over stored answers (keyed by data path).
    pub fn new(
        form: Arc<Form>,
        stored: impl IntoIterator<Item = (String, String)>,
        clock: Clock,
    ) -> Filling {
        let n = form.nodes.len();
        let lang = form.default_language.clone();
        let mut f = Filling {
            answers: vec![None; n],
            orphans: BTreeMap::new(),
            relevant: vec![true; n],
            values: vec![Value::Str(String::new()); n],
            status: vec![Status::Empty; n],
            form,
            clock,
            lang,
        };
        for (path, value) in stored {
            match f.form.by_path(&path) {
                Some(id) if f.form.node(id).kind.takes_input() => f.answers[id] = Some(value),
                _ => {
                    f.orphans.insert(path, value);
                }
            }
        }
        f.recompute();
        f
    }

    /// A new response: static defaults first, then dynamic ones in document
    /// order. Returns the filling and the answers to store with it.
    pub fn start(form: Arc<Form>, clock: Clock) -> (Filling, Vec<(String, String)>) {
        let mut f = Filling::new(form, [], clock);
        let form = f.form.clone();
        for node in &form.nodes {
            if let Some(DefaultValue::Static(v)) = &node.default
                && node.kind.takes_input()
            {
                f.answers[node.id] = Some(canonical(node.kind, v).unwrap_or_else(|_| v.clone()));
            }
        }
        f.recompute();
        for node in &form.nodes {
            if let Some(DefaultValue::Dynamic(e)) = &node.default
                && node.kind.takes_input()
            {
                let v = expr::eval(e, &f.ctx(node.id))
                    .map(|v| v.to_str())
                    .unwrap_or_default();
                if !v.is_empty() {
                    f.answers[node.id] = Some(canonical(node.kind, &v).unwrap_or(v));
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

    /// Sets the language used for labels in expressions (jr:choice-name) and
    /// returned by `label` helpers.
    pub fn set_language(&mut self, code: &str) {
        self.lang = self.form.language_for(code);
        self.recompute();
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// All stored answers by data path, orphans included.
    pub fn stored_answers(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .answers
            .iter()
            .enumerate()
            .filter_map(|(id, a)| {
                a.as_ref()
                    .map(|v| (self.form.node(id).path.clone(), v.clone()))
            })
            .collect();
        out.extend(self.orphans.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    pub fn answer(&self, id: NodeId) -> Option<&str> {
        self.answers.get(id).and_then(|a| a.as_deref())
    }

    /// The value expressions see (empty when not relevant; calculations computed).
    pub fn value(&self, id: NodeId) -> &Value {
        &self.values[id]
    }

    pub fn is_relevant(&self, id: NodeId) -> bool {
        self.relevant[id]
    }

    pub fn status(&self, id: NodeId) -> &Status {
        &self.status[id]
    }

    /// Whether the question must be answered now (its `required` is true).
    pub fn is_required(&self, id: NodeId) -> bool {
        match &self.form.node(id).required {
            None => false,
            Some(e) => expr::eval(e, &self.ctx(id))
                .map(|v| v.to_bool())
                .unwrap_or(true),
        }
    }

    /// Stores an answer as given (no checks) and recomputes. `None` clears it.
    pub fn set_answer(&mut self, id: NodeId, value: Option<String>) {
        if let Some(slot) = self.answers.get_mut(id) {
            *slot = value.filter(|v| !v.is_empty());
            self.recompute();
        }
    }

    /// Checks what the operator typed or picked for `id`, as if it were stored:
    /// its type, its list, the constraint and `required`. Returns the canonical
    /// text to store (`None` to clear the answer).
    pub fn check(&self, id: NodeId, input: &str) -> Result<Option<String>, Problem> {
        let node = self.form.node(id);
        let text = normalize_input(node.kind, input);
        let canonical = if text.is_empty() {
            None
        } else {
            Some(canonical(node.kind, &text).map_err(Problem::Type)?)
        };
        let mut tentative = self.clone();
        tentative.answers[id] = canonical.clone();
        tentative.recompute();
        match tentative.status(id) {
            Status::Invalid(p) => Err(p.clone()),
            Status::Missing => Err(Problem::Required),
            _ => Ok(canonical),
        }
    }

    /// Recomputes relevance, calculations and every node's status.
    pub fn recompute(&mut self) {
        let form = self.form.clone();
        for &id in &form.eval_order {
            let node = form.node(id);
            let parent_ok = node.parent.is_none_or(|p| self.relevant[p]);
            let relevant = parent_ok
                && match &node.relevant {
                    None => true,
                    Some(e) => expr::eval(e, &self.ctx(id))
                        .map(|v| v.to_bool())
                        .unwrap_or(false),
                };
            self.relevant[id] = relevant;
            self.values[id] = if !relevant {
                Value::Str(String::new())
            } else if let Some(calc) = &node.calculation {
                Value::Str(
                    expr::eval(calc, &self.ctx(id))
                        .map(|v| v.to_str())
                        .unwrap_or_default(),
                )
            } else {
                typed(node.kind, self.answers[id].as_deref())
            };
        }
        for id in 0..form.nodes.len() {
            self.status[id] = self.compute_status(id);
        }
    }

    fn compute_status(&self, id: NodeId) -> Status {
        let node = self.form.node(id);
        if !self.relevant[id] {
            return Status::NotRelevant;
        }
        if !node.kind.takes_input() {
            return Status::Answered;
        }
        let Some(answer) = self.answers[id].as_deref() else {
            return if self.is_required(id) {
                Status::Missing
            } else {
                Status::Empty
            };
        };
        if let Err(e) = canonical(node.kind, answer) {
            return Status::Invalid(Problem::Type(e));
        }
        if node.kind.is_select() {
            for token in answer.split_whitespace() {
                if !self.choice_allowed(id, token) {
                    return Status::Invalid(Problem::NotInList(token.to_string()));
                }
            }
        }
        if let Some(c) = &node.constraint {
            match expr::eval(c, &self.ctx(id)) {
                Ok(v) if v.to_bool() => {}
                Ok(_) => return Status::Invalid(Problem::Constraint),
                Err(e) => return Status::Invalid(Problem::Expression(e.message)),
            }
        }
        Status::Answered
    }

    fn ctx(&self, current: NodeId) -> EvalCtx<'_> {
        EvalCtx {
            filling: self,
            current,
        }
    }

    /// Whether the choice named `name` is in the list of `id` and passes its filter.
    pub fn choice_allowed(&self, id: NodeId, name: &str) -> bool {
        let Some(list) = self.form.list_of(id) else {
            return false;
        };
        let Some(&index) = list.by_name.get(name) else {
            return false;
        };
        match &self.form.node(id).choice_filter {
            None => true,
            Some(f) => {
                let ctx = ChoiceCtx {
                    base: self.ctx(id),
                    list,
                    choice: &list.choices[index],
                };
                expr::eval(&f.expr, &ctx)
                    .map(|v| v.to_bool())
                    .unwrap_or(false)
            }
        }
    }

    /// The choices of a select question that pass its choice filter, as indices
    /// into its list, in list order.
    pub fn choices(&self, id: NodeId) -> Vec<usize> {
        let Some(list) = self.form.list_of(id) else {
            return Vec::new();
        };
        let Some(filter) = &self.form.node(id).choice_filter else {
            return (0..list.choices.len()).collect();
        };
        if let Some((column, other)) = &filter.column_eq
            && let Some(index) = list.index.get(column)
            && let Ok(Value::Str(key)) = expr::eval(other, &self.ctx(id))
        {
            return index.get(&key).cloned().unwrap_or_default();
        }
        (0..list.choices.len())
            .filter(|&i| {
                let ctx = ChoiceCtx {
                    base: self.ctx(id),
                    list,
                    choice: &list.choices[i],
                };
                expr::eval(&filter.expr, &ctx)
                    .map(|v| v.to_bool())
                    .unwrap_or(false)
            })
            .collect()
    }

    /// Relevant screens in order.
    pub fn screens(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.form
            .screens
            .iter()
            .copied()
            .filter(|&id| self.relevant[id])
    }

    /// The first relevant screen after `from` (or the first of all).
    pub fn next_screen(&self, from: Option<NodeId>) -> Option<NodeId> {
        let start = from.map_or(0, |f| self.form.screens.partition_point(|&s| s <= f));
        self.form.screens[start..]
            .iter()
            .copied()
            .find(|&id| self.relevant[id])
    }

    /// The last relevant screen before `from`.
    pub fn prev_screen(&self, from: NodeId) -> Option<NodeId> {
        let end = self.form.screens.partition_point(|&s| s < from);
        self.form.screens[..end]
            .iter()
            .rev()
            .copied()
            .find(|&id| self.relevant[id])
    }

    /// Questions that take input, are relevant, and have no problem left: (answered, relevant).
    pub fn progress(&self) -> (usize, usize) {
        let mut answered = 0;
        let mut relevant = 0;
        for node in &self.form.nodes {
            if node.kind.takes_input() && self.relevant[node.id] {
                relevant += 1;
                if self.answers[node.id].is_some() {
                    answered += 1;
                }
            }
        }
        (answered, relevant)
    }

    /// Relevant questions with a problem (invalid or missing), in document order.
    pub fn issues(&self) -> Vec<NodeId> {
        (0..self.form.nodes.len())
            .filter(|&id| self.status[id].is_issue())
            .collect()
    }

    pub fn can_finalize(&self) -> bool {
        self.status.iter().all(|s| !s.is_issue())
    }

    /// The response's name from the form's `instance_name`, if it gives one.
    pub fn instance_name(&self) -> Option<String> {
        let e = self.form.instance_name.as_ref()?;
        let ctx = EvalCtx {
            filling: self,
            current: usize::MAX,
        };
        let name = expr::eval(e, &ctx).ok()?.to_str();
        // `concat(${a}, ' - ', ${b})` with b still empty gives "A -": drop the
        // dangling separators; separators alone are no name.
        let separator = |c: char| c.is_whitespace() || "-–—,;:/|·".contains(c);
        let name = name.trim_matches(separator);
        name.chars()
            .any(char::is_alphanumeric)
            .then(|| name.to_string())
    }

    /// Label of a choice of a question's list in the current language.
    pub fn choice_label(&self, id: NodeId, name: &str) -> Option<&str> {
        let list = self.form.list_of(id)?;
        let choice = list.choice(name)?;
        Some(choice.label.get(&self.lang, &self.form.default_language))
    }
}

/// Trims what the operator typed; text and select answers keep inner spacing.
fn normalize_input(kind: Kind, input: &str) -> String {
    match kind {
        Kind::SelectMultiple => input.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => input.trim().to_string(),
    }
}

/// The canonical stored text of a typed value, or why it is not of its type.
pub fn canonical(kind: Kind, text: &str) -> Result<String, TypeError> {
    match kind {
        Kind::Integer => values::parse_integer(text),
        Kind::Decimal => values::parse_decimal(text),
        Kind::Date => values::parse_date(text),
        _ => Ok(text.to_string()),
    }
}

/// The typed value of a stored answer, as expressions see it.
fn typed(kind: Kind, answer: Option<&str>) -> Value {
    let Some(a) = answer else {
        return Value::Str(String::new());
    };
    match kind {
        Kind::Integer | Kind::Decimal => match canonical(kind, a) {
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
