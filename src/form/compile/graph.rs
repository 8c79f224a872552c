//! The dependency graph: the order calculations and relevance are
//! evaluated in (refusing cycles), and what depends on what, for the engine.

use super::Compiler;
use crate::expr::Expr;
use crate::form::FormError;
use crate::form::model::*;
use std::collections::HashMap;

impl Compiler<'_> {
    pub(super) fn deps(
        &self,
        names: &HashMap<String, NodeId>,
        eval_order: &[NodeId],
        top: &[NodeId],
    ) -> Deps {
        let n = self.nodes.len();
        let mut values: Vec<Vec<NodeId>> = vec![Vec::new(); n];
        let mut statuses: Vec<Vec<NodeId>> = vec![Vec::new(); n];
        let reads = |e: &Expr| {
            e.refs()
                .into_iter()
                .filter_map(|r| names.get(r).copied())
                .collect::<Vec<_>>()
        };
        for node in &self.nodes {
            for e in [&node.relevant, &node.calculation, &node.repeat_count]
                .into_iter()
                .flatten()
            {
                for r in reads(e) {
                    values[r].push(node.id);
                }
            }
            let filter = node.choice_filter.as_ref().map(|f| &f.expr);
            for e in [&node.constraint, &node.required, &node.read_only]
                .into_iter()
                .flatten()
                .chain(filter)
            {
                for r in reads(e) {
                    statuses[r].push(node.id);
                }
            }
            values[node.id].extend(node.children.iter().copied());
        }
        for list in values.iter_mut().chain(statuses.iter_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        let wide = self
            .nodes
            .iter()
            .map(|node| {
                let filter = node.choice_filter.as_ref().map(|f| &f.expr);
                [
                    &node.relevant,
                    &node.calculation,
                    &node.repeat_count,
                    &node.constraint,
                    &node.required,
                    &node.read_only,
                ]
                .into_iter()
                .flatten()
                .chain(filter)
                .any(Expr::reads_other_instances)
            })
            .collect();
        let mut rank = vec![0; n];
        for (i, &id) in eval_order.iter().enumerate() {
            rank[id] = i;
        }
        let mut order = vec![Vec::new(); n];
        let mut stack: Vec<(NodeId, Vec<(u32, bool)>)> = top
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, vec![(i as u32, self.nodes[t].kind == Kind::Repeat)]))
            .collect();
        while let Some((id, path)) = stack.pop() {
            for (i, &c) in self.nodes[id].children.iter().enumerate() {
                let mut p = path.clone();
                p.push((i as u32, self.nodes[c].kind == Kind::Repeat));
                stack.push((c, p));
            }
            order[id] = path;
        }
        Deps {
            values,
            statuses,
            rank,
            wide,
            order,
        }
    }

    /// Topological order of relevance, repeat counts and calculations, stable
    /// in document order. Reports the first cycle it finds.
    pub(super) fn eval_order(&mut self, names: &HashMap<String, NodeId>) -> Vec<NodeId> {
        let n = self.nodes.len();
        let mut deps: Vec<Vec<NodeId>> = vec![Vec::new(); n];
        for node in &self.nodes {
            let d = &mut deps[node.id];
            if let Some(p) = node.parent {
                d.push(p);
            }
            for e in [&node.relevant, &node.calculation, &node.repeat_count]
                .into_iter()
                .flatten()
            {
                d.extend(e.refs().iter().filter_map(|r| names.get(*r).copied()));
            }
        }
        for node in &self.nodes {
            let Some(calc) = node.calculation.as_ref().filter(|c| c.uses_current()) else {
                continue;
            };
            let at = format!("{}, calculation", node.location);
            if calc.to_string().contains("once(") {
                // Valid XForms: a value computed the first time and kept,
                // which needs calculations stored as answers are.
                self.errors.push(FormError::unsupported(
                    at,
                    "once() in a calculation (a value computed once and kept) is not supported by rileva",
                ));
            } else {
                self.errors.push(FormError::new(
                    at,
                    "a calculation cannot read its own value (`.`)",
                ));
            }
        }
        // Iterative depth-first search; 0 = new, 1 = on the stack, 2 = done.
        let mut state = vec![0u8; n];
        let mut order = Vec::with_capacity(n);
        let mut reported = false;
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(NodeId, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (id, ref mut next)) = stack.last_mut() {
                if let Some(&dep) = deps[id].get(*next) {
                    *next += 1;
                    match state[dep] {
                        0 => {
                            state[dep] = 1;
                            stack.push((dep, 0));
                        }
                        1 if !reported => {
                            reported = true;
                            let from = stack.iter().position(|(i, _)| *i == dep).unwrap_or(0);
                            let mut cycle: Vec<&str> = stack[from..]
                                .iter()
                                .map(|(i, _)| self.nodes[*i].name.as_str())
                                .collect();
                            cycle.push(self.nodes[dep].name.as_str());
                            cycle.reverse();
                            let msg = format!("circular reference: {}", cycle.join(" → "));
                            let node = &self.nodes[dep];
                            self.errors.push(FormError::new(node.location.clone(), msg));
                        }
                        _ => {}
                    }
                } else {
                    state[id] = 2;
                    order.push(id);
                    stack.pop();
                }
            }
        }
        order
    }
}
