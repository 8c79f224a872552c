//! The list screens: start (drafts and completed), outline and review.

use crate::engine::{Filling, Status};
use crate::form::{Kind, NodeId};
use crate::store::{Counts, ResponseRow, Status as RowStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Drafts,
    Completed,
}

#[derive(Debug, Clone, Default)]
pub struct Start {
    pub drafts: Vec<ResponseRow>,
    pub completed: Vec<ResponseRow>,
    pub counts: Counts,
    pub pane: Option<Pane>,
    pub cursor: [usize; 2],
    pub loaded: bool,
}

impl Start {
    pub fn load(&mut self, rows: Vec<ResponseRow>, counts: Counts) {
        let (drafts, completed): (Vec<_>, Vec<_>) =
            rows.into_iter().partition(|r| r.status == RowStatus::Draft);
        self.drafts = drafts;
        self.completed = completed;
        self.counts = counts;
        self.loaded = true;
        self.cursor[0] = self.cursor[0].min(self.drafts.len().saturating_sub(1));
        self.cursor[1] = self.cursor[1].min(self.completed.len().saturating_sub(1));
        if self.pane.is_none_or(|p| self.rows(p).is_empty()) {
            self.pane = if !self.drafts.is_empty() {
                Some(Pane::Drafts)
            } else if !self.completed.is_empty() {
                Some(Pane::Completed)
            } else {
                None
            };
        }
    }

    pub fn rows(&self, pane: Pane) -> &[ResponseRow] {
        match pane {
            Pane::Drafts => &self.drafts,
            Pane::Completed => &self.completed,
        }
    }

    fn slot(pane: Pane) -> usize {
        match pane {
            Pane::Drafts => 0,
            Pane::Completed => 1,
        }
    }

    pub fn cursor(&self, pane: Pane) -> usize {
        self.cursor[Self::slot(pane)]
    }

    pub fn selected(&self) -> Option<&ResponseRow> {
        let pane = self.pane?;
        self.rows(pane).get(self.cursor(pane))
    }

    pub fn move_by(&mut self, delta: isize) {
        let Some(pane) = self.pane else { return };
        let len = self.rows(pane).len();
        if len == 0 {
            return;
        }
        let slot = &mut self.cursor[Self::slot(pane)];
        *slot = slot.saturating_add_signed(delta).min(len - 1);
    }

    pub fn switch(&mut self) {
        let other = match self.pane {
            Some(Pane::Drafts) => Pane::Completed,
            _ => Pane::Drafts,
        };
        if !self.rows(other).is_empty() {
            self.pane = Some(other);
        }
    }
}

/// A row of the outline: a group heading or a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutlineRow {
    pub node: NodeId,
    pub depth: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub rows: Vec<OutlineRow>,
    pub cursor: usize,
}

impl Outline {
    /// Every group and screen of the form, the cursor on `current`.
    pub fn new(filling: &Filling, current: NodeId) -> Outline {
        let form = filling.form();
        let rows: Vec<OutlineRow> = form
            .nodes
            .iter()
            .filter(|n| n.kind == Kind::Group || n.kind.is_screen())
            .map(|n| OutlineRow {
                node: n.id,
                depth: form.ancestors(n.id).len(),
            })
            .collect();
        let cursor = rows.iter().position(|r| r.node == current).unwrap_or(0);
        Outline { rows, cursor }
    }

    /// Rows the cursor can rest on: relevant screens.
    pub fn selectable(filling: &Filling, row: &OutlineRow) -> bool {
        let node = filling.form().node(row.node);
        node.kind.is_screen() && filling.is_relevant(row.node)
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

    pub fn target(&self, filling: &Filling) -> Option<NodeId> {
        self.rows
            .get(self.cursor)
            .filter(|r| Self::selectable(filling, r))
            .map(|r| r.node)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Review {
    /// Relevant questions: problems first, then all in form order.
    pub rows: Vec<NodeId>,
    /// How many rows at the top are problems.
    pub issues: usize,
    pub cursor: usize,
    pub read_only: bool,
}

impl Review {
    pub fn new(filling: &Filling, read_only: bool) -> Review {
        let form = filling.form();
        let issues = filling.issues();
        let mut rows = issues.clone();
        rows.extend(
            form.nodes
                .iter()
                .filter(|n| {
                    n.kind.takes_input()
                        && filling.is_relevant(n.id)
                        && !filling.status(n.id).is_issue()
                })
                .map(|n| n.id),
        );
        Review {
            issues: issues.len(),
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

    pub fn target(&self) -> Option<NodeId> {
        self.rows.get(self.cursor).copied()
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
