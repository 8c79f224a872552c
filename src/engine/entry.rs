//! What every way of entering answers shares when it writes them (the
//! screens, the import): the value to store from what was typed, the
//! response's summary, and the `end` stamp of finalizing.

use super::{Filling, ScreenRef, Slot};
use crate::form::{Kind, MetaKind};

/// What the start screen and `list` show of a response besides its answers;
/// stored with each write of a draft.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub instance_name: Option<String>,
    pub answered: i64,
    pub relevant: i64,
    /// The screen to resume on (`Filling::screen_path`).
    pub position: Option<String>,
}

/// Whether finalizing sets `end` over a value already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndStamp {
    /// The moment of finalizing, always (the screens).
    Now,
    /// The moment of finalizing where no `end` was given (an import keeps
    /// the one its row has).
    UnlessGiven,
}

impl Filling {
    /// The response's summary, resuming on `position`.
    pub fn summary(&self, position: Option<&ScreenRef>) -> Summary {
        let (answered, relevant) = self.progress();
        Summary {
            instance_name: self.instance_name(),
            answered: answered as i64,
            relevant: relevant as i64,
            position: position.map(|s| self.screen_path(s)),
        }
    }

    /// What to store for `raw`, typed or given for a slot and not (yet)
    /// accepted: the canonical value when it is one of the question's type,
    /// else the text as given (trimmed), so that nothing typed is lost and
    /// the outline shows it as an error. `None` when there is nothing.
    pub fn to_store(&self, slot: &Slot, raw: &str) -> Option<String> {
        let node = self.form().node(slot.node);
        let text = self.normalize_input(node.kind, raw);
        if text.is_empty() {
            return None;
        }
        Some(super::typed_value(node, &text).unwrap_or(text))
    }

    /// Sets the `end` metadata to the clock's now, as finalizing does, and
    /// returns the answers it changed (by data path).
    pub fn stamp_end(&mut self, how: EndStamp) -> Vec<(String, String)> {
        let now = crate::timefmt::rfc3339(&self.clock().now());
        let form = self.form().clone();
        let mut changed = Vec::new();
        for node in form
            .nodes
            .iter()
            .filter(|n| n.kind == Kind::Meta(MetaKind::End) && n.repeats.is_empty())
        {
            let slot = Slot::root(node.id);
            if how == EndStamp::UnlessGiven && self.answer(&slot).is_some() {
                continue;
            }
            self.set_answer(&slot, Some(now.clone()));
            changed.push((self.slot_path(&slot), now.clone()));
        }
        changed
    }
}
