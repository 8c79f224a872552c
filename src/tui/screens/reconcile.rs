//! The reconciliation screen's state: a paper's two entries, the fields
//! where they differ side by side, and the reconciler's decision on each
//! (the first's value, the second's, or a third typed from the paper, with
//! a reason). One key each in the common case: `1` or `2`.

use super::question::editor;
use crate::app::verify::Reconciliation;
use crate::engine::{Discordance, Filling};
use crate::store::{Decision, Reason, Taken};
use crate::tui::keymap::Mode;
use ratatui_textarea::TextArea;

/// Where the reconciler is on the current field.
#[derive(Debug, Clone)]
pub enum Step {
    /// Choosing: 1 the first, 2 the second, 3 a third value, m a reason.
    Choose,
    /// Typing a third value.
    Third {
        editor: TextArea<'static>,
        error: Option<String>,
    },
    /// Giving the reason for a value taken.
    Reason { taken: Taken, third: Option<String> },
    /// The note of a reason "other".
    Note {
        taken: Taken,
        third: Option<String>,
        editor: TextArea<'static>,
    },
    /// Every field that applies is decided: f makes the result.
    Done,
}

#[derive(Debug, Clone)]
pub struct Reconcile {
    pub rec: Reconciliation,
    /// The result as decided so far (the first entry with the decisions).
    pub result: Filling,
    /// The differences that apply to the result as decided so far.
    pub open: Vec<usize>,
    /// The difference under the cursor (an index into `rec.differences`).
    pub cursor: usize,
    pub step: Step,
    /// Why the result cannot be made yet (after an f), shown in place.
    pub blocked: Option<String>,
}

impl Reconcile {
    pub fn new(rec: Reconciliation) -> Reconcile {
        let result = rec.result();
        let open = rec.open_fields(&result);
        let mut r = Reconcile {
            rec,
            result,
            open,
            cursor: 0,
            step: Step::Choose,
            blocked: None,
        };
        r.cursor = r.next_undecided(0).or(r.open.first().copied()).unwrap_or(0);
        if r.next_undecided(0).is_none() {
            r.step = Step::Done;
        }
        r
    }

    pub fn mode(&self) -> Mode {
        match self.step {
            Step::Choose | Step::Done => Mode::Reconcile,
            Step::Reason { .. } => Mode::ReconcileReason,
            Step::Third { .. } | Step::Note { .. } => Mode::ReconcileText,
        }
    }

    pub fn current(&self) -> Option<&Discordance> {
        self.rec.differences.get(self.cursor)
    }

    pub fn decision(&self, path: &str) -> Option<&Decision> {
        self.rec.decisions.iter().find(|d| d.path == path)
    }

    /// The first difference that applies and has no decision, from `from`
    /// on (wrapping round).
    fn next_undecided(&self, from: usize) -> Option<usize> {
        let undecided = |i: &&usize| {
            self.rec
                .differences
                .get(**i)
                .is_some_and(|d| self.decision(&d.path).is_none())
        };
        let after = self.open.iter().filter(|&&i| i >= from).find(undecided);
        after.or_else(|| self.open.iter().find(undecided)).copied()
    }

    /// Moves among the differences that apply.
    pub fn move_by(&mut self, delta: isize) {
        let Some(at) = self.open.iter().position(|&i| i == self.cursor) else {
            self.cursor = self.open.first().copied().unwrap_or(0);
            return;
        };
        let to = at
            .saturating_add_signed(delta)
            .min(self.open.len().saturating_sub(1));
        if let Some(&i) = self.open.get(to) {
            self.cursor = i;
        }
    }

    /// A decision committed: kept, the result computed again, and the cursor
    /// on the next field without one (or done).
    pub fn decided(&mut self, d: Decision) {
        self.rec.decisions.retain(|x| x.path != d.path);
        self.rec.decisions.push(d);
        self.result = self.rec.result();
        self.open = self.rec.open_fields(&self.result);
        self.blocked = None;
        match self.next_undecided(self.cursor) {
            Some(i) => {
                self.cursor = i;
                self.step = Step::Choose;
            }
            None => self.step = Step::Done,
        }
    }

    /// Starts typing a third value.
    pub fn third(&mut self) {
        self.step = Step::Third {
            editor: editor("", false),
            error: None,
        };
    }

    /// The reason asked for a value (`m`, or after a third value).
    pub fn ask_reason(&mut self, taken: Taken, third: Option<String>) {
        self.step = Step::Reason { taken, third };
    }

    pub fn ask_note(&mut self, taken: Taken, third: Option<String>) {
        self.step = Step::Note {
            taken,
            third,
            editor: editor("", false),
        };
    }

    /// The reason a digit picks in the reason step (1–5, as listed).
    pub fn reason_of(ch: char) -> Option<Reason> {
        let i = ch.to_digit(10)?.checked_sub(1)?;
        Reason::ALL.get(usize::try_from(i).ok()?).copied()
    }
}

impl PartialEq for Reconciliation {
    fn eq(&self, other: &Self) -> bool {
        self.verification == other.verification
            && self.differences == other.differences
            && self.decisions == other.decisions
    }
}
