//! Slots and repeat instances: creating, counting and removing instances,
//! and turning slots into data paths and back.

use super::{Filling, Idx, Slot, SlotState, canonical};
use crate::expr::Expr;
use crate::form::DefaultValue;
use crate::form::{Kind, NodeId};

/// The most instances of a repeat (per parent instance, and in all for those
/// made by repeat_count): a stored path beyond it is damage, kept aside as an
/// orphan rather than opened.
pub const MAX_INSTANCES: u32 = 100_000;

/// The most instances one repeat_count makes.
const MAX_COUNTED: u32 = 10_000;

impl Filling {
    pub(super) fn state(&self, slot: &Slot) -> Option<&SlotState> {
        self.slots.get(slot.node).and_then(|m| m.get(&slot.idx))
    }

    /// How many instances a repeat has under a parent instance.
    pub fn instances(&self, repeat: NodeId, parent: &[u32]) -> u32 {
        let Some(map) = self.slots.get(repeat) else {
            return 0;
        };
        let mut lo = parent.to_vec();
        lo.push(0);
        let mut hi = parent.to_vec();
        hi.push(u32::MAX);
        map.range(lo..=hi)
            .next_back()
            .and_then(|(k, _)| k.last())
            .map_or(0, |&k| k + 1)
    }

    /// How many instances of a repeat the response has: all of them, or, for
    /// a repeat driven by `repeat_count`, those the count takes (the ones
    /// beyond it are kept aside, not relevant, until the count grows again).
    pub fn counted_instances(&self, repeat: NodeId, parent: &[u32]) -> u32 {
        let n = self.instances(repeat, parent);
        if self.form.node(repeat).repeat_count.is_none() {
            return n;
        }
        let counted = self.counted.get(&(repeat, parent.to_vec())).copied();
        n.min(counted.unwrap_or(0))
    }

    /// Makes sure the instances a slot lives in exist (creating the missing
    /// ones, empty).
    pub(super) fn ensure(&mut self, slot: &Slot) {
        let repeats = self.form.node(slot.node).repeats.clone();
        for (depth, &repeat) in repeats.iter().enumerate() {
            let Some(&k) = slot.idx.get(depth) else {
                return;
            };
            let parent = &slot.idx[..depth];
            let have = self.instances(repeat, parent);
            for i in have..=k {
                self.create_instance(repeat, parent, i);
            }
        }
    }

    fn create_instance(&mut self, repeat: NodeId, parent: &[u32], k: u32) {
        let mut idx = parent.to_vec();
        idx.push(k);
        let members = self.members.clone();
        for &m in members.get(&repeat).map(Vec::as_slice).unwrap_or(&[]) {
            self.slots[m].entry(idx.clone()).or_default();
        }
    }

    /// Adds an instance at the end of a repeat; returns its indices.
    /// `None` at the limit of instances.
    pub fn add_instance(&mut self, repeat: NodeId, parent: &[u32]) -> Option<Idx> {
        let k = self.instances(repeat, parent);
        if k >= MAX_INSTANCES {
            return None;
        }
        self.create_instance(repeat, parent, k);
        let mut idx = parent.to_vec();
        idx.push(k);
        self.apply_defaults(&[(repeat, idx.clone())], false);
        Some(idx)
    }

    /// Fills new instances' questions with their defaults (static ones,
    /// then dynamic ones evaluated in each instance), as a new response does.
    /// `computed` says whether the slots of the instances were already
    /// computed (when `repeat_count` made them during a recompute).
    pub(super) fn apply_defaults(&mut self, instances: &[(NodeId, Idx)], computed: bool) {
        let form = self.form.clone();
        let with_default =
            |m: &NodeId| form.node(*m).default.is_some() && form.node(*m).kind.stores_answer();
        let todo: Vec<(Vec<NodeId>, &Idx)> = instances
            .iter()
            .map(|(r, idx)| {
                (
                    self.members
                        .get(r)
                        .map(|m| m.iter().copied().filter(with_default).collect())
                        .unwrap_or_default(),
                    idx,
                )
            })
            .filter(|(m, _): &(Vec<NodeId>, &Idx)| !m.is_empty())
            .collect();
        if todo.is_empty() {
            self.recompute_if(!computed);
            return;
        }
        for (members, idx) in &todo {
            for &m in members {
                let node = form.node(m);
                if let Some(DefaultValue::Static(v)) = &node.default
                    && let Some(s) = self.slots[m].get_mut(*idx)
                {
                    s.answer = Some(canonical(node.kind, v).unwrap_or_else(|_| v.clone()));
                }
            }
        }
        self.recompute();
        let mut dynamic = false;
        for (members, idx) in &todo {
            for &m in members {
                if let Some(DefaultValue::Dynamic(e)) = &form.node(m).default {
                    let slot = Slot {
                        node: m,
                        idx: idx.to_vec(),
                    };
                    let v = super::eval1(e, &self.ctx(&slot))
                        .map(|v| v.to_str())
                        .unwrap_or_default();
                    if !v.is_empty() {
                        self.put(&slot, Some(canonical(form.node(m).kind, &v).unwrap_or(v)));
                        dynamic = true;
                    }
                }
            }
        }
        self.recompute_if(dynamic);
    }

    fn recompute_if(&mut self, needed: bool) {
        if needed {
            self.recompute();
        }
    }

    /// Removes instance `k` of a repeat with everything inside it; the
    /// following instances move up one place with their answers.
    pub fn remove_instance(&mut self, repeat: NodeId, parent: &[u32], k: u32) {
        let depth = parent.len();
        let inside: Vec<NodeId> = self
            .form
            .nodes
            .iter()
            .filter(|n| n.repeats.get(depth) == Some(&repeat))
            .map(|n| n.id)
            .collect();
        for node in inside {
            let map = &mut self.slots[node];
            let mut lo = parent.to_vec();
            lo.push(k);
            let moved: Vec<Idx> = map
                .range(lo..)
                .map(|(i, _)| i.clone())
                .take_while(|i| i.starts_with(parent))
                .collect();
            let mut shifted = Vec::with_capacity(moved.len());
            for idx in moved {
                if let Some(state) = map.remove(&idx)
                    && idx[depth] != k
                {
                    let mut new = idx;
                    new[depth] -= 1;
                    shifted.push((new, state));
                }
            }
            map.extend(shifted);
        }
        self.recompute();
    }

    /// For a repeat with `repeat_count`: the count under each parent instance,
    /// creating instances up to it (those beyond are kept, not relevant).
    pub(super) fn apply_repeat_count(&mut self, repeat: NodeId, count: &Expr) {
        let parent = self.form.node(repeat).parent;
        let depth = self.form.node(repeat).repeats.len() - 1;
        let parents: Vec<Idx> = match parent {
            Some(p) if depth > 0 => self.slots[p]
                .keys()
                .filter(|k| k.len() == depth)
                .cloned()
                .collect(),
            _ => vec![Vec::new()],
        };
        for p in parents {
            let parent_relevant = parent.is_none_or(|g| {
                self.is_relevant(&Slot {
                    node: g,
                    idx: p.clone(),
                })
            });
            // Evaluated in the parent's context (the repeat's own slot
            // without an index of its own).
            let anchor = Slot {
                node: repeat,
                idx: p.clone(),
            };
            let n = if parent_relevant {
                super::eval1(count, &self.ctx(&anchor))
                    .map(|v| v.to_num())
                    .unwrap_or(0.0)
            } else {
                0.0
            };
            // Bounded: a runaway expression must not exhaust memory.
            let n = if n.is_finite() && n > 0.0 {
                (n as u32).min(MAX_COUNTED)
            } else {
                0
            };
            let have = self.instances(repeat, &p);
            // Bounded in total too: nested counts must not multiply without end.
            let total = self.slots.get(repeat).map_or(0, |m| m.len() as u32);
            let n = n.min(have.saturating_add(MAX_INSTANCES.saturating_sub(total)));
            for i in have..n {
                self.create_instance(repeat, &p, i);
                let mut idx = p.clone();
                idx.push(i);
                self.fresh.push((repeat, idx));
                self.structure_changed = true;
            }
            self.counted.insert((repeat, p), n);
        }
    }

    /// The data path of a slot: `/household/person[2]/age`.
    pub fn slot_path(&self, slot: &Slot) -> String {
        let form = &self.form;
        let mut chain = form.ancestors(slot.node);
        chain.push(slot.node);
        let mut out = String::new();
        let mut depth = 0;
        for id in chain {
            let node = form.node(id);
            out.push('/');
            out.push_str(&node.name);
            if node.kind == Kind::Repeat {
                let i = slot.idx.get(depth).copied().unwrap_or(0);
                out.push_str(&format!("[{}]", i + 1));
                depth += 1;
            }
        }
        out
    }

    /// A data path back to its slot; `None` for paths not in the form.
    pub fn parse_path(&self, path: &str) -> Option<Slot> {
        let mut plain = String::with_capacity(path.len());
        let mut idx = Vec::new();
        for segment in path.split('/').skip(1) {
            let (name, index) = match segment.split_once('[') {
                Some((name, rest)) => {
                    let n: u32 = rest.strip_suffix(']')?.parse().ok()?;
                    (name, Some(n.checked_sub(1)?))
                }
                None => (segment, None),
            };
            plain.push('/');
            plain.push_str(name);
            idx.extend(index);
        }
        let node = self.form.by_path(&plain)?;
        let n = self.form.node(node);
        // An index beyond what rileva ever makes is damage, not data to open.
        if idx.iter().any(|&i| i >= MAX_INSTANCES) {
            return None;
        }
        // Every repeat on the way has an index, and nothing else has one.
        (n.repeats.len() == idx.len() && path.matches('[').count() == idx.len())
            .then_some(Slot { node, idx })
    }

    /// All stored answers by data path, with one empty entry per repeat
    /// instance (so an instance with no answers yet survives a restart), and
    /// the orphans.
    pub fn stored_answers(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for node in &self.form.nodes {
            for (idx, state) in &self.slots[node.id] {
                let slot = Slot {
                    node: node.id,
                    idx: idx.clone(),
                };
                if node.kind == Kind::Repeat {
                    out.push((self.slot_path(&slot), String::new()));
                } else if let Some(a) = &state.answer {
                    out.push((self.slot_path(&slot), a.clone()));
                }
            }
        }
        out.extend(self.orphans.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// The files a response carries: the answers of its relevant media
    /// questions (names in the data directory's media folder), each once,
    /// in document order.
    pub fn attachments(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for node in self
            .form
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, Kind::Media(_)))
        {
            for state in self.slots[node.id].values() {
                if let Some(a) = state.answer.as_ref().filter(|_| state.relevant)
                    && !out.contains(a)
                {
                    out.push(a.clone());
                }
            }
        }
        out
    }
}
