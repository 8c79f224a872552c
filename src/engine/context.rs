//! The expression contexts the engine evaluates in.

use super::Filling;
use crate::expr::{Context, Value};
use crate::form::{Choice, ChoiceList, NodeId};
use jiff::ZonedDateTime;
use jiff::civil::Date;

/// Evaluation for one node: `${name}` reads the other nodes' values, `.` this
/// node's own answer.
pub(super) struct EvalCtx<'a> {
    pub filling: &'a Filling,
    /// The node whose expression is evaluated (`usize::MAX` for form-level ones).
    pub current: NodeId,
}

impl Context for EvalCtx<'_> {
    fn var(&self, name: &str) -> Value {
        self.filling
            .form
            .by_name(name)
            .map(|id| self.filling.values[id].clone())
            .unwrap_or(Value::Str(String::new()))
    }

    fn current(&self) -> Value {
        let f = self.filling;
        match f.form.nodes.get(self.current) {
            Some(node) if node.calculation.is_some() => f.values[self.current].clone(),
            Some(node) => super::typed(node.kind, f.answers[self.current].as_deref()),
            None => Value::Str(String::new()),
        }
    }

    fn column(&self, _name: &str) -> Option<Value> {
        None
    }

    fn today(&self) -> Date {
        self.filling.clock.now().date()
    }

    fn now(&self) -> ZonedDateTime {
        self.filling.clock.now()
    }

    fn choice_label(&self, question: &str, value: &str) -> Option<String> {
        let id = self.filling.form.by_name(question)?;
        self.filling.choice_label(id, value).map(str::to_string)
    }
}

/// Evaluation of a choice filter for one choice: bare names read its columns.
pub(super) struct ChoiceCtx<'a> {
    pub base: EvalCtx<'a>,
    pub list: &'a ChoiceList,
    pub choice: &'a Choice,
}

impl Context for ChoiceCtx<'_> {
    fn var(&self, name: &str) -> Value {
        self.base.var(name)
    }

    fn current(&self) -> Value {
        self.base.current()
    }

    fn column(&self, name: &str) -> Option<Value> {
        let f = self.base.filling;
        self.list
            .column(self.choice, name, &f.lang, &f.form.default_language)
            .map(|v| Value::Str(v.to_string()))
    }

    fn today(&self) -> Date {
        self.base.today()
    }

    fn now(&self) -> ZonedDateTime {
        self.base.now()
    }

    fn choice_label(&self, question: &str, value: &str) -> Option<String> {
        self.base.choice_label(question, value)
    }
}
