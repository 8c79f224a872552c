//! The outline and review screens (the start screen is `start`).

use crate::engine::{Filling, Idx, Slot, Status};
use crate::form::{Kind, NodeId};

/// A row of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutlineRow {
    /// A group's title.
    Heading { slot: Slot, depth: usize },
    /// The start of a repeat instance ("Person 2").
    Instance { slot: Slot, depth: usize },
    /// A question or note.
    Question { slot: Slot, depth: usize },
    /// Where another instance of a repeat can be added.
    Add {
        repeat: NodeId,
        parent: Idx,
        depth: usize,
    },
}

impl OutlineRow {
    pub fn depth(&self) -> usize {
        match self {
            OutlineRow::Heading { depth, .. }
            | OutlineRow::Instance { depth, .. }
            | OutlineRow::Question { depth, .. }
            | OutlineRow::Add { depth, .. } => *depth,
        }
    }
}

/// What Enter does on an outline row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutlineTarget {
    Slot(Slot),
    /// The first screen of an instance.
    Instance(Slot),
    Add {
        repeat: NodeId,
        parent: Idx,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub rows: Vec<OutlineRow>,
    pub cursor: usize,
}

impl Outline {
    /// Every group, repeat instance and question of the response, the cursor
    /// on `current`.
    pub fn new(filling: &Filling, current: &Slot) -> Outline {
        let mut rows = Vec::new();
        walk(filling, &filling.form().top, &Vec::new(), 0, &mut rows);
        let cursor = rows
            .iter()
            .position(|r| matches!(r, OutlineRow::Question { slot, .. } if slot == current))
            .unwrap_or(0);
        let mut o = Outline { rows, cursor };
        if o.rows
            .get(o.cursor)
            .is_none_or(|r| !Self::selectable(filling, r))
        {
            o.move_by(filling, 1);
        }
        o
    }

    /// Rows the cursor can rest on: relevant questions, instances, additions.
    pub fn selectable(filling: &Filling, row: &OutlineRow) -> bool {
        match row {
            OutlineRow::Heading { .. } => false,
            OutlineRow::Instance { slot, .. } | OutlineRow::Question { slot, .. } => {
                filling.is_relevant(slot)
            }
            OutlineRow::Add { .. } => true,
        }
    }

    pub fn move_by(&mut self, filling: &Filling, delta: isize) {
        let len = self.rows.len();
        if len == 0 {
            return;
        }
        let step = delta.signum();
        let mut pos = self.cursor;
        let mut remaining = delta.unsigned_abs();
        let mut best = self.cursor;
        while remaining > 0 {
            let Some(next) = pos.checked_add_signed(step).filter(|&p| p < len) else {
                break;
            };
            pos = next;
            if Self::selectable(filling, &self.rows[pos]) {
                best = pos;
                remaining -= 1;
            }
        }
        self.cursor = best;
    }

    pub fn to_edge(&mut self, filling: &Filling, end: bool) {
        let mut candidates =
            (0..self.rows.len()).filter(|&i| Self::selectable(filling, &self.rows[i]));
        let found = if end {
            candidates.next_back()
        } else {
            candidates.next()
        };
        if let Some(i) = found {
            self.cursor = i;
        }
    }

    pub fn target(&self, filling: &Filling) -> Option<OutlineTarget> {
        let row = self
            .rows
            .get(self.cursor)
            .filter(|r| Self::selectable(filling, r))?;
        Some(match row {
            OutlineRow::Question { slot, .. } => OutlineTarget::Slot(slot.clone()),
            OutlineRow::Instance { slot, .. } => OutlineTarget::Instance(slot.clone()),
            OutlineRow::Add { repeat, parent, .. } => OutlineTarget::Add {
                repeat: *repeat,
                parent: parent.clone(),
            },
            OutlineRow::Heading { .. } => return None,
        })
    }
}

fn walk(
    filling: &Filling,
    children: &[NodeId],
    idx: &Idx,
    depth: usize,
    rows: &mut Vec<OutlineRow>,
) {
    let form = filling.form();
    for &c in children {
        let node = form.node(c);
        let slot = Slot::new(c, idx.clone());
        match node.kind {
            Kind::Group => {
                rows.push(OutlineRow::Heading { slot, depth });
                walk(filling, &node.children, idx, depth + 1, rows);
            }
            Kind::Repeat => {
                rows.push(OutlineRow::Heading { slot, depth });
                for k in 0..filling.instances(c, idx) {
                    let mut inner = idx.clone();
                    inner.push(k);
                    rows.push(OutlineRow::Instance {
                        slot: Slot::new(c, inner.clone()),
                        depth: depth + 1,
                    });
                    walk(filling, &node.children, &inner, depth + 2, rows);
                }
                if node.repeat_count.is_none() && filling.repeat_applies(c, idx) {
                    rows.push(OutlineRow::Add {
                        repeat: c,
                        parent: idx.clone(),
                        depth: depth + 1,
                    });
                }
            }
            k if k.is_screen() => rows.push(OutlineRow::Question { slot, depth }),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Review {
    /// Relevant questions: problems first, then all in the order met.
    pub rows: Vec<Slot>,
    /// How many rows at the top are problems.
    pub issues: usize,
    pub cursor: usize,
    pub read_only: bool,
}

impl Review {
    pub fn new(filling: &Filling, read_only: bool) -> Review {
        let all = filling.input_slots();
        let (issues, rest): (Vec<Slot>, Vec<Slot>) =
            all.into_iter().partition(|s| filling.status(s).is_issue());
        let count = issues.len();
        let mut rows = issues;
        rows.extend(rest);
        Review {
            issues: count,
            rows,
            cursor: 0,
            read_only,
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.rows.len() - 1);
    }

    pub fn target(&self) -> Option<&Slot> {
        self.rows.get(self.cursor)
    }
}

/// A short mark for a question's state, shared by outline and review.
pub fn mark(status: &Status) -> &'static str {
    match status {
        Status::Answered => "✓",
        Status::Missing => "!",
        Status::Invalid(_) => "✗",
        Status::Empty => "·",
        Status::NotRelevant => " ",
    }
}
