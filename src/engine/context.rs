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
    fn last_saved(&self, name: &str) -> Value {
        self.filling.last_saved_value(name)
    }

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

    fn position(&self) -> Option<usize> {
        self.slot.idx.last().map(|&k| k as usize + 1)
    }

    fn ancestor_position(&self, levels: usize) -> Option<usize> {
        // Walk up from the node: a repeat level answers its instance index,
        // a group 1 (as JavaRosa does).
        let form = &self.filling.form;
        let mut node = form.nodes.get(self.slot.node)?;
        for _ in 0..levels {
            node = form.nodes.get(node.parent?)?;
        }
        if levels == 0 || node.kind != crate::form::Kind::Repeat {
            return Some(1);
        }
        let depth = node.repeats.len();
        self.slot
            .idx
            .get(depth.checked_sub(1)?)
            .map(|&k| k as usize + 1)
    }

    fn indexed_repeat(&self, name: &str, steps: &[(&str, usize)]) -> Value {
        let f = self.filling;
        let Some(target) = f.form.by_name(name) else {
            return Value::default();
        };
        let repeats = &f.form.node(target).repeats;
        // Start from the instances shared with here, then apply the steps.
        let k = self.shared(target);
        let mut idx: Vec<Option<u32>> = repeats
            .iter()
            .enumerate()
            .map(|(d, _)| (d < k).then(|| self.slot.idx[d]))
            .collect();
        for (repeat, n) in steps {
            let Some(r) = f.form.by_name(repeat) else {
                return Value::default();
            };
            let Some(d) = repeats.iter().position(|&x| x == r) else {
                return Value::default();
            };
            idx[d] = Some(n.saturating_sub(1) as u32);
        }
        match idx.iter().copied().collect::<Option<Vec<u32>>>() {
            Some(full) => {
                let slot = Slot {
                    node: target,
                    idx: full,
                };
                if f.state(&slot).is_some() {
                    f.value(&slot)
                } else {
                    Value::default()
                }
            }
            // A repeat left unindexed: every instance under the given ones.
            None => {
                let fixed: Vec<u32> = idx.iter().map_while(|i| *i).collect();
                let values = f.slots[target]
                    .iter()
                    .filter(|(k, _)| {
                        k.starts_with(&fixed)
                            && idx
                                .iter()
                                .zip(k.iter())
                                .all(|(want, have)| want.is_none_or(|w| w == *have))
                    })
                    .filter(|(_, s)| s.relevant)
                    .map(|(_, s)| s.value.clone())
                    .collect();
                Value::Nodes(values)
            }
        }
    }

    fn instance_len(&self, list: &str) -> Option<usize> {
        let f = self.filling;
        let id = f.form.lists.iter().position(|l| l.name == list)?;
        Some(f.form.lists[id].choices.len())
    }

    fn instance_column(&self, list: &str, item: usize, column: &str) -> Option<String> {
        let f = self.filling;
        let l = f.form.lists.iter().find(|l| l.name == list)?;
        let choice = l.choices.get(item)?;
        l.column(choice, column, &f.lang, &f.form.default_language)
            .map(str::to_string)
    }
}

/// The values of a question in every instance of its repeat.
fn node_set(values: Vec<Value>) -> Value {
    Value::Nodes(values)
}

/// Evaluation of a choice filter for one choice: bare names read its columns.
pub(super) struct ChoiceCtx<'a> {
    pub base: EvalCtx<'a>,
    pub list: &'a ChoiceList,
    pub choice: &'a Choice,
    /// 1-based position of the choice in its list.
    pub position: usize,
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

    fn position(&self) -> Option<usize> {
        self.base.position()
    }

    fn ancestor_position(&self, levels: usize) -> Option<usize> {
        // In a choice filter, position() is the choice's place in its list.
        if levels == 0 {
            Some(self.position)
        } else {
            self.base.ancestor_position(levels)
        }
    }

    fn indexed_repeat(&self, name: &str, steps: &[(&str, usize)]) -> Value {
        self.base.indexed_repeat(name, steps)
    }

    fn instance_len(&self, list: &str) -> Option<usize> {
        self.base.instance_len(list)
    }

    fn instance_column(&self, list: &str, item: usize, column: &str) -> Option<String> {
        self.base.instance_column(list, item, column)
    }
}
