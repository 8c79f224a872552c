//! The expression contexts the engine evaluates in.

use super::{Filling, Slot, typed};
use crate::expr::{Context, Value};
use crate::form::{Choice, ChoiceList, NodeId};
use jiff::ZonedDateTime;
use jiff::civil::Date;

/// Evaluation for one slot: `${name}` reads the other slots' values as seen
/// from this one (same instance for a question of the same repeat, every
/// instance otherwise), `.` this slot's own answer.
pub(super) struct EvalCtx<'a> {
    pub filling: &'a Filling,
    /// The slot whose expression is evaluated (node `usize::MAX` for
    /// form-level ones such as the instance name).
    pub slot: &'a Slot,
    /// An answer to judge in place of the stored one (for `check`).
    pub proposed: Option<Option<&'a str>>,
}

impl EvalCtx<'_> {
    fn own(&self) -> Option<Value> {
        let node = self.filling.form.nodes.get(self.slot.node)?;
        let proposed = self.proposed?;
        Some(typed(node.kind, proposed))
    }

    /// How many leading repeats the current slot and `target` share.
    fn shared(&self, target: NodeId) -> usize {
        let form = &self.filling.form;
        let Some(here) = form.nodes.get(self.slot.node) else {
            return 0;
        };
        let there = &form.node(target).repeats;
        here.repeats
            .iter()
            .zip(there)
            .take_while(|(a, b)| a == b)
            .count()
            .min(self.slot.idx.len())
    }

    /// The slots of `target` seen from here, in document order.
    pub fn slots_of(&self, target: NodeId) -> Vec<Slot> {
        let f = self.filling;
        let k = self.shared(target);
        let prefix = &self.slot.idx[..k];
        let depth = f.form.node(target).repeats.len();
        if depth == k {
            return vec![Slot {
                node: target,
                idx: prefix.to_vec(),
            }];
        }
        let mut lo = prefix.to_vec();
        lo.push(0);
        f.slots[target]
            .range(lo..)
            .map(|(idx, _)| idx)
            .take_while(|idx| idx.starts_with(prefix))
            .map(|idx| Slot {
                node: target,
                idx: idx.clone(),
            })
            .collect()
    }
}

impl Context for EvalCtx<'_> {
    fn var(&self, name: &str) -> Value {
        let f = self.filling;
        let Some(target) = f.form.by_name(name) else {
            return Value::Str(String::new());
        };
        if target == self.slot.node
            && let Some(own) = self.own()
        {
            return own;
        }
        let repeated = f.form.node(target).repeats.len() > self.shared(target);
        let slots = self.slots_of(target);
        if repeated {
            node_set(
                slots
                    .iter()
                    .filter(|s| f.is_relevant(s))
                    .map(|s| f.value(s))
                    .collect(),
            )
        } else {
            slots.first().map(|s| f.value(s)).unwrap_or_default()
        }
    }

    fn current(&self) -> Value {
        if let Some(own) = self.own() {
            return own;
        }
        let f = self.filling;
        match f.form.nodes.get(self.slot.node) {
            Some(node) if node.calculation.is_some() => f.value(self.slot),
            Some(node) => typed(node.kind, f.answer(self.slot)),
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

/// The values of a question in every instance of its repeat.
fn node_set(values: Vec<Value>) -> Value {
    // Until node-sets land in `expr`: the first value.
    values.into_iter().next().unwrap_or_default()
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
