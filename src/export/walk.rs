//! One walk of a response, which every writer (JSON, OpenRosa XML, and the
//! coming CSV and catalogue) renders: the relevant groups, repeat instances,
//! notes and values of a `Filling`, in form order, each value decided here
//! once (a calculation's computed value, an answer as stored, a draft's
//! answer that is not of its type kept as typed). A writer never re-derives
//! relevance or calculations, so two formats cannot disagree on a value.

use crate::engine::{Filling, Idx, Slot, canonical};
use crate::expr::Value as ExprValue;
use crate::form::{Kind, Node, NodeId};
use crate::temporal;

/// One relevant node of the response, with what is inside it.
#[derive(Debug, Clone)]
pub enum Item<'f> {
    Group {
        node: &'f Node,
        items: Vec<Item<'f>>,
    },
    /// A repeat: its relevant instances, each with its items, and whether
    /// the repeat itself applies (it may apply with no instance yet).
    Repeat {
        node: &'f Node,
        applies: bool,
        instances: Vec<Vec<Item<'f>>>,
    },
    /// A note: no value, but a place in the instance.
    Note {
        node: &'f Node,
    },
    Value {
        node: &'f Node,
        value: Value,
    },
}

/// The value of one relevant question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Relevant and not answered (or a calculation that gives nothing).
    Empty,
    /// A value of the question's type, in its stored (XForm lexical) form.
    Text(String),
    /// Not a value of the question's type (only in a draft): kept as typed,
    /// so that an export loses nothing.
    AsTyped(String),
}

impl Value {
    /// The text a writer puts down ("" when empty).
    pub fn text(&self) -> &str {
        match self {
            Value::Empty => "",
            Value::Text(s) | Value::AsTyped(s) => s,
        }
    }
}

/// The response as a tree of its relevant nodes, from the top of the form.
pub fn walk(filling: &Filling) -> Vec<Item<'_>> {
    items(filling, &filling.form().top, &Vec::new())
}

fn items<'f>(filling: &'f Filling, ids: &[NodeId], idx: &Idx) -> Vec<Item<'f>> {
    let form = filling.form();
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let node = form.node(id);
        let slot = Slot::new(id, idx.clone());
        match node.kind {
            Kind::Repeat => {
                let instances = (0..filling.instances(id, idx))
                    .map(|k| {
                        let mut inner = idx.clone();
                        inner.push(k);
                        inner
                    })
                    .filter(|inner| filling.is_relevant(&Slot::new(id, inner.clone())))
                    .map(|inner| items(filling, &node.children, &inner))
                    .collect();
                out.push(Item::Repeat {
                    node,
                    applies: filling.repeat_applies(id, idx),
                    instances,
                });
            }
            _ if !filling.is_relevant(&slot) => {}
            Kind::Group => out.push(Item::Group {
                node,
                items: items(filling, &node.children, idx),
            }),
            Kind::Note => out.push(Item::Note { node }),
            _ => out.push(Item::Value {
                node,
                value: value(filling, node, &slot),
            }),
        }
    }
    out
}

/// The value of a relevant question: computed for a calculation (whatever
/// its type), else the stored answer.
fn value(filling: &Filling, node: &Node, slot: &Slot) -> Value {
    if node.kind == Kind::Calculate || node.calculation.is_some() {
        let text = match filling.value(slot) {
            ExprValue::Str(s) => s,
            other => other.to_str(),
        };
        return if text.is_empty() {
            Value::Empty
        } else {
            Value::Text(text)
        };
    }
    match filling.answer(slot) {
        None => Value::Empty,
        Some(a) if canonical(node.kind, a).is_err() => Value::AsTyped(a.to_string()),
        Some(a) => Value::Text(lexical(filling, node.kind, a)),
    }
}

/// A stored value in the lexical form ODK Collect writes: times and
/// date-times with milliseconds and their UTC offset (the offset the
/// response's time zone had on its day, when none was typed).
fn lexical(filling: &Filling, kind: Kind, stored: &str) -> String {
    let when = || filling.clock().now();
    let odk = match kind {
        Kind::Time => {
            let at = when();
            temporal::odk_time(stored, at.time_zone(), at.date())
        }
        Kind::DateTime => temporal::odk_datetime(stored, when().time_zone()),
        _ => None,
    };
    odk.unwrap_or_else(|| stored.to_string())
}
