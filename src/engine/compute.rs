//! Keeping a response consistent after each change: values calculated,
//! repeat counts, relevance, each slot's status and the progress, for the
//! whole response or only what depends on the slot that changed.

use super::*;

impl Filling {
    /// Recomputes relevance, repeat counts, calculations, every slot's status,
    /// progress and the screens.
    pub fn recompute(&mut self) {
        self.compute_all_values();
        let form = self.form.clone();
        for node in &form.nodes {
            self.compute_statuses(node.id, &[]);
        }
        self.count_progress();
        self.nav = nav::Screens::build(self);
        let fresh = std::mem::take(&mut self.fresh);
        if !fresh.is_empty() {
            self.apply_defaults(&fresh, true);
        }
    }

    /// Relevance, repeat counts and calculations of every node, in order.
    pub(super) fn compute_all_values(&mut self) {
        let form = self.form.clone();
        self.counted.clear();
        for &id in &form.eval_order {
            let node = form.node(id);
            if node.kind == Kind::Repeat
                && let Some(count) = &node.repeat_count
            {
                self.apply_repeat_count(id, count);
            }
            self.compute_values(id, &[]);
        }
    }

    /// Recomputes what a change of one slot's answer can reach: the nodes
    /// that read it (through relevance, calculations, counts) and their
    /// readers in turn, each only in the instances the change is seen from;
    /// then the statuses that read any of them. The screens are rebuilt only
    /// when a relevance changed.
    pub(super) fn recompute_from(&mut self, changed: &Slot) {
        let form = self.form.clone();
        let deps = &form.deps;
        // Nodes to recompute, by rank in the evaluation order, each with the
        // instance prefix its slots are recomputed under (shorter = more).
        let mut todo: BTreeMap<usize, (NodeId, Idx)> = BTreeMap::new();
        let mut seen: Vec<(NodeId, Idx)> = Vec::new();
        todo.insert(deps.rank[changed.node], (changed.node, changed.idx.clone()));
        let mut relevance_changed = false;
        while let Some((_, (id, prefix))) = todo.pop_first() {
            let node = form.node(id);
            if node.kind == Kind::Repeat && node.repeat_count.is_some() {
                // Instance counts may change: recompute everything.
                self.recompute();
                return;
            }
            // A repeat with no instance has no slot to notice that it now
            // applies (or not): its prompt may come or go.
            relevance_changed |= self.compute_values(id, &prefix) || node.kind == Kind::Repeat;
            for &d in &deps.values[id] {
                let k = if deps.wide[d] {
                    0
                } else {
                    shared_depth(&form, id, d).min(prefix.len())
                };
                schedule(&mut todo, deps.rank[d], d, &prefix[..k]);
            }
            seen.push((id, prefix));
        }
        let mut statuses: Vec<(NodeId, Idx)> = seen.clone();
        for (id, prefix) in &seen {
            for &d in &deps.statuses[*id] {
                let k = if deps.wide[d] {
                    0
                } else {
                    shared_depth(&form, *id, d).min(prefix.len())
                };
                statuses.push((d, prefix[..k].to_vec()));
            }
        }
        statuses.sort();
        statuses.dedup();
        for (id, prefix) in statuses {
            self.compute_statuses(id, &prefix);
        }
        self.count_progress();
        if relevance_changed {
            self.nav = nav::Screens::build(self);
        }
    }

    /// Relevance and value of a node's slots under an instance prefix.
    /// Returns whether any relevance changed.
    fn compute_values(&mut self, id: NodeId, prefix: &[u32]) -> bool {
        let node = self.form.node(id);
        let keys = self.keys_under(id, prefix);
        let mut changed = false;
        for idx in keys {
            let slot = Slot { node: id, idx };
            let relevant = self.compute_relevance(&slot);
            let value = if !relevant {
                Value::Str(String::new())
            } else if let Some(calc) = &node.calculation {
                Value::Str(
                    eval1(calc, &self.ctx(&slot))
                        .map(|v| v.to_str())
                        .unwrap_or_default(),
                )
            } else {
                typed(node.kind, self.answer(&slot))
            };
            if let Some(s) = self.slots[id].get_mut(&slot.idx) {
                changed |= s.relevant != relevant;
                s.relevant = relevant;
                s.value = value;
            }
        }
        changed
    }

    fn compute_statuses(&mut self, id: NodeId, prefix: &[u32]) {
        for idx in self.keys_under(id, prefix) {
            let slot = Slot { node: id, idx };
            let status = self.compute_status(&slot);
            if let Some(s) = self.slots[id].get_mut(&slot.idx) {
                s.status = status;
            }
        }
    }

    /// The instance indices of a node's slots that start with `prefix`.
    fn keys_under(&self, id: NodeId, prefix: &[u32]) -> Vec<Idx> {
        let map = &self.slots[id];
        if prefix.is_empty() {
            return map.keys().cloned().collect();
        }
        map.range(prefix.to_vec()..)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(prefix))
            .cloned()
            .collect()
    }

    fn count_progress(&mut self) {
        let mut answered = 0;
        let mut relevant = 0;
        for node in self.form.nodes.iter().filter(|n| n.kind.takes_input()) {
            for state in self.slots[node.id].values() {
                if state.status != Status::NotRelevant {
                    relevant += 1;
                    answered += usize::from(state.answer.is_some());
                }
            }
        }
        self.progress = (answered, relevant);
    }

    fn compute_relevance(&self, slot: &Slot) -> bool {
        let node = self.form.node(slot.node);
        let parent_ok = match node.parent {
            None => true,
            Some(p) => {
                let depth = self.form.node(p).repeats.len();
                self.is_relevant(&Slot {
                    node: p,
                    idx: slot.idx[..depth.min(slot.idx.len())].to_vec(),
                })
            }
        };
        if !parent_ok {
            return false;
        }
        if node.kind == Kind::Repeat
            && node.repeat_count.is_some()
            && let Some((&k, parent)) = slot.idx.split_last()
            && k >= self
                .counted
                .get(&(slot.node, parent.to_vec()))
                .copied()
                .unwrap_or(0)
        {
            // Instances beyond repeat_count are kept, not counted.
            return false;
        }
        match &node.relevant {
            None => true,
            Some(e) => eval1(e, &self.ctx(slot))
                .map(|v| v.to_bool())
                .unwrap_or(false),
        }
    }

    fn compute_status(&self, slot: &Slot) -> Status {
        if !self.is_relevant(slot) {
            return Status::NotRelevant;
        }
        self.judge(slot, self.answer(slot))
    }

    /// The status a relevant slot would have with `answer`.
    pub(super) fn judge(&self, slot: &Slot, answer: Option<&str>) -> Status {
        let node = self.form.node(slot.node);
        if !node.kind.takes_input() {
            return Status::Answered;
        }
        let ctx = EvalCtx {
            filling: self,
            slot,
            proposed: Some(answer),
        };
        let Some(answer) = answer else {
            let required = match &node.required {
                None => false,
                Some(e) => eval1(e, &ctx).map(|v| v.to_bool()).unwrap_or(true),
            };
            return if required {
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
                if !self.choice_allowed(slot, token) {
                    return Status::Invalid(Problem::NotInList(token.to_string()));
                }
            }
        }
        if node.kind == Kind::Rank {
            let ranked: Vec<&str> = answer.split_whitespace().collect();
            let mut unique = ranked.clone();
            unique.sort_unstable();
            unique.dedup();
            if unique.len() != ranked.len() || ranked.len() != self.choices(slot).len() {
                return Status::Invalid(Problem::NotAllRanked);
            }
        }
        if node.kind == Kind::Range && !in_range(answer, node) {
            return Status::Invalid(Problem::OutOfRange);
        }
        if let Some(c) = &node.constraint {
            match eval1(c, &ctx) {
                Ok(v) if v.to_bool() => {}
                Ok(_) => return Status::Invalid(Problem::Constraint),
                Err(e) => return Status::Invalid(Problem::Expression(e.message)),
            }
        }
        Status::Answered
    }
}

/// How many leading repeats two nodes share.
fn shared_depth(form: &Form, a: NodeId, b: NodeId) -> usize {
    let (ra, rb) = (&form.node(a).repeats, &form.node(b).repeats);
    ra.iter().zip(rb).take_while(|(x, y)| x == y).count()
}

/// Adds a node to recompute under a prefix, widening to the common prefix
/// when it is already there.
fn schedule(todo: &mut BTreeMap<usize, (NodeId, Idx)>, rank: usize, id: NodeId, prefix: &[u32]) {
    match todo.get_mut(&rank) {
        Some((_, have)) => {
            let common = have.iter().zip(prefix).take_while(|(a, b)| a == b).count();
            have.truncate(common);
        }
        None => {
            todo.insert(rank, (id, prefix.to_vec()));
        }
    }
}

/// Whether a range answer lies within its question's range.
fn in_range(answer: &str, node: &crate::form::Node) -> bool {
    answer
        .parse::<f64>()
        .is_ok_and(|v| node.range().contains(v))
}
