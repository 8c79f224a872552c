//! The start screen: the counts, and two panes (drafts; complete or
//! exported) that each hold a window of their rows, read a page at a time
//! around the cursor. 100,000 responses are as quick to show as 10.

use crate::store::{Counts, Listing, ResponseRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Drafts,
    Completed,
}

impl Pane {
    pub const BOTH: [Pane; 2] = [Pane::Drafts, Pane::Completed];

    fn index(self) -> usize {
        match self {
            Pane::Drafts => 0,
            Pane::Completed => 1,
        }
    }

    /// The responses the pane lists.
    pub fn listing(self) -> Listing {
        match self {
            Pane::Drafts => Listing::Drafts,
            Pane::Completed => Listing::Finished,
        }
    }
}

/// Rows read at a time: several screens, so that moving about rarely reads.
pub const PAGE: usize = 200;

/// A pane's rows: how many there are, and those read (from `offset`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    pub total: usize,
    pub offset: usize,
    pub rows: Vec<ResponseRow>,
}

impl Window {
    /// The row at an absolute position, when it is read.
    pub fn get(&self, at: usize) -> Option<&ResponseRow> {
        at.checked_sub(self.offset).and_then(|i| self.rows.get(i))
    }

    /// Whether the rows from `from` to `to` (excluded) are all read.
    fn covers(&self, from: usize, to: usize) -> bool {
        let end = self.offset + self.rows.len();
        from >= self.offset && to.min(self.total) <= end
    }
}

#[derive(Debug, Clone, Default)]
pub struct Start {
    pub panes: [Window; 2],
    pub counts: Counts,
    pub pane: Option<Pane>,
    pub cursor: [usize; 2],
    pub loaded: bool,
    /// Papers waiting for a second entry or a reconciliation, and this
    /// operator's error rates.
    pub double: crate::store::DoubleEntry,
}

impl Start {
    /// The counts and both panes, as read.
    pub fn load(&mut self, counts: Counts, panes: [Window; 2]) {
        self.counts = counts;
        self.panes = panes;
        self.loaded = true;
        for p in Pane::BOTH {
            let total = self.window(p).total;
            let c = &mut self.cursor[p.index()];
            *c = (*c).min(total.saturating_sub(1));
        }
        if self.pane.is_none_or(|p| self.window(p).total == 0) {
            self.pane = Pane::BOTH.into_iter().find(|&p| self.window(p).total > 0);
        }
    }

    /// One pane's rows, read again (after the cursor went past them).
    pub fn load_pane(&mut self, pane: Pane, window: Window) {
        self.panes[pane.index()] = window;
        let c = &mut self.cursor[pane.index()];
        *c = (*c).min(self.panes[pane.index()].total.saturating_sub(1));
    }

    pub fn window(&self, pane: Pane) -> &Window {
        &self.panes[pane.index()]
    }

    pub fn cursor(&self, pane: Pane) -> usize {
        self.cursor[pane.index()]
    }

    pub fn selected(&self) -> Option<&ResponseRow> {
        let pane = self.pane?;
        self.window(pane).get(self.cursor(pane))
    }

    /// Moves the cursor of the focused pane.
    pub fn move_by(&mut self, delta: isize) {
        let Some(pane) = self.pane else { return };
        let total = self.window(pane).total;
        if total == 0 {
            return;
        }
        let c = &mut self.cursor[pane.index()];
        *c = c.saturating_add_signed(delta).min(total - 1);
    }

    pub fn switch(&mut self) {
        let other = match self.pane {
            Some(Pane::Drafts) => Pane::Completed,
            _ => Pane::Drafts,
        };
        if self.window(other).total > 0 {
            self.pane = Some(other);
        }
    }

    /// The page to read for the focused pane, when the rows within `around`
    /// of its cursor (a screen's worth) are not all read: from where, so
    /// that the cursor is in the middle of it.
    pub fn page_needed(&self, around: usize) -> Option<(Pane, usize)> {
        let pane = self.pane?;
        let w = self.window(pane);
        let c = self.cursor(pane);
        if w.total == 0 || w.covers(c.saturating_sub(around), c + around + 1) {
            return None;
        }
        let offset = c.saturating_sub(PAGE / 2).min(w.total.saturating_sub(PAGE));
        Some((pane, offset))
    }

    /// Where each pane's window starts now (read again from there).
    pub fn offsets(&self) -> [usize; 2] {
        [self.panes[0].offset, self.panes[1].offset]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Status;

    fn row(i: usize) -> ResponseRow {
        ResponseRow {
            id: format!("r{i}"),
            form_sha256: String::new(),
            form_id: String::new(),
            form_version: String::new(),
            form_title: String::new(),
            status: Status::Complete,
            operator: String::new(),
            device_id: String::new(),
            language: String::new(),
            instance_name: None,
            answered: 0,
            relevant: 0,
            position: None,
            deprecated_id: None,
            superseded_by: None,
            paper_id: None,
            entry: None,
            created_at: String::new(),
            updated_at: String::new(),
            completed_at: None,
            exported_at: None,
        }
    }

    fn window(total: usize, offset: usize, n: usize) -> Window {
        Window {
            total,
            offset,
            rows: (offset..offset + n).map(row).collect(),
        }
    }

    #[test]
    fn a_cursor_past_the_rows_read_asks_for_the_page_around_it() {
        let mut s = Start::default();
        s.load(
            Counts::default(),
            [Window::default(), window(100_000, 0, PAGE)],
        );
        assert_eq!(s.pane, Some(Pane::Completed));
        assert_eq!(s.page_needed(20), None);
        s.move_by(150);
        assert_eq!(
            s.page_needed(20),
            None,
            "within the page and a screen of it"
        );
        s.move_by(50);
        assert_eq!(s.page_needed(20), Some((Pane::Completed, 100)));
        assert_eq!(s.selected().map(|r| r.id.as_str()), None, "not read yet");
        s.load_pane(Pane::Completed, window(100_000, 100, PAGE));
        assert_eq!(s.selected().map(|r| r.id.as_str()), Some("r200"));
        s.move_by(isize::MAX / 2);
        assert_eq!(s.cursor(Pane::Completed), 99_999);
        assert_eq!(s.page_needed(20), Some((Pane::Completed, 100_000 - PAGE)));
    }

    #[test]
    fn empty_panes_are_not_focused_and_cursors_stay_in_range() {
        let mut s = Start {
            cursor: [5, 5],
            ..Start::default()
        };
        s.load(Counts::default(), [window(3, 0, 3), Window::default()]);
        assert_eq!(s.pane, Some(Pane::Drafts));
        assert_eq!(s.cursor, [2, 0]);
        s.switch();
        assert_eq!(s.pane, Some(Pane::Drafts), "nothing to switch to");
        assert_eq!(s.page_needed(20), None);
    }
}
