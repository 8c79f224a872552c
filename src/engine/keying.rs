//! Two rules of keying from paper that every layout shares: the jump to a
//! question by the number printed beside it (its name, `B07`), and the
//! ditto (the same question's answer in the operator's previous response).

use super::{Filling, Idx, Slot};
use crate::form::{Kind, NodeId};
use crate::lang::{Lang, Tr};
use std::collections::HashMap;

/// Why a jump typed by its printed number goes nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JumpRefused {
    /// Nothing empty typed is a jump.
    Empty,
    /// No question or section has that name.
    Unknown(String),
    /// The question is not asked for the answers given (its `relevant`).
    NotRelevant(String),
    /// The question is in a repeat that has no entry yet.
    NoEntry(String),
}

const JUMP_EMPTY: Tr = Tr {
    it: "Scrivere il numero stampato della domanda (es. B07)",
    en: "Type the question's printed number (e.g. B07)",
};
const JUMP_UNKNOWN: Tr = Tr {
    it: "Nessuna domanda ha il numero",
    en: "No question has the number",
};
const JUMP_NOT_RELEVANT: Tr = Tr {
    it: "non va compilata per le risposte date",
    en: "is not asked for the answers given",
};
const JUMP_NO_ENTRY: Tr = Tr {
    it: "è in un elenco ripetuto che non ha ancora voci",
    en: "is in a repeated list that has no entry yet",
};

impl JumpRefused {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            JumpRefused::Empty => JUMP_EMPTY.get(lang).to_string(),
            JumpRefused::Unknown(n) => format!("{} «{n}»", JUMP_UNKNOWN.get(lang)),
            JumpRefused::NotRelevant(n) => format!("{n} {}", JUMP_NOT_RELEVANT.get(lang)),
            JumpRefused::NoEntry(n) => format!("{n} {}", JUMP_NO_ENTRY.get(lang)),
        }
    }
}

impl Filling {
    /// The question a printed number designates, seen from `from`: a
    /// question's name (in any case: `b07` is `B07`), or a section's, which
    /// is its first question asked. Inside a repeat, the entry of `from`
    /// when it is in the same one, else the first entry.
    pub fn jump_target(&self, typed: &str, from: &Slot) -> Result<Slot, JumpRefused> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Err(JumpRefused::Empty);
        }
        let form = self.form();
        let node = form
            .by_name(typed)
            .or_else(|| {
                form.nodes
                    .iter()
                    .find(|n| n.name.eq_ignore_ascii_case(typed))
                    .map(|n| n.id)
            })
            .filter(|&id| {
                let k = form.node(id).kind;
                k.is_screen() || matches!(k, Kind::Group | Kind::Repeat)
            })
            .ok_or_else(|| JumpRefused::Unknown(typed.to_string()))?;
        let name = form.node(node).name.clone();
        let mut candidates = Vec::new();
        self.screen_nodes_in(node, &mut candidates);
        let mut refused = JumpRefused::NotRelevant(name.clone());
        for id in candidates {
            match self.slot_from(id, from) {
                Some(slot) if self.is_relevant(&slot) && self.is_screen(&self.screen_of(&slot)) => {
                    return Ok(slot);
                }
                Some(_) => {}
                None => refused = JumpRefused::NoEntry(name.clone()),
            }
        }
        // Keyed from paper, a section or repeat whose questions are all in
        // entries not there yet still has its "another entry?" field.
        if self.sections && matches!(form.node(node).kind, Kind::Group | Kind::Repeat) {
            let page = self.screen_of(&Slot::root(node));
            if let Some(field) = self
                .fields(&page)
                .into_iter()
                .find(|s| s.node == node || form.ancestors(s.node).contains(&node))
            {
                return Ok(field);
            }
        }
        Err(refused)
    }

    /// The nodes shown as questions at or under `id`, in document order.
    fn screen_nodes_in(&self, id: NodeId, out: &mut Vec<NodeId>) {
        let node = self.form().node(id);
        if node.kind.is_screen() {
            out.push(id);
        }
        for &c in &node.children {
            self.screen_nodes_in(c, out);
        }
    }

    /// The slot of `node` nearest `from`: the same entries of the repeats
    /// both are in, the first entry of the others. None when an entry is
    /// missing.
    fn slot_from(&self, node: NodeId, from: &Slot) -> Option<Slot> {
        let form = self.form();
        let want = &form.node(node).repeats;
        let have = &form.node(from.node).repeats;
        let mut idx: Idx = Vec::with_capacity(want.len());
        let mut same = true;
        for (d, &repeat) in want.iter().enumerate() {
            same &= have.get(d) == Some(&repeat);
            let n = self.counted_instances(repeat, &idx);
            // From "another entry?" (the entry after the last), its last one.
            let k = match from.idx.get(d) {
                Some(&k) if same => k.min(n.saturating_sub(1)),
                _ => 0,
            };
            if k >= n {
                return None;
            }
            idx.push(k);
        }
        Some(Slot::new(node, idx))
    }

    /// What the ditto key copies into a field: the same question's answer
    /// (the same data path, the same entry of a repeat) in an earlier
    /// response's answers.
    pub fn ditto<'a>(&self, slot: &Slot, earlier: &'a HashMap<String, String>) -> Option<&'a str> {
        earlier
            .get(&self.slot_path(slot))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}
