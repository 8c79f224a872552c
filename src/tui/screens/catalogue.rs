//! The catalogue screen's state: the finished practices as the published
//! site shows them (the same consent, the same filters), a search typed as
//! you go, the filters changed with the arrows, and a card open to read.

use crate::app::publish::Gathered;
use crate::publish::Practice;

#[derive(Debug, Clone, Default)]
pub struct CatalogueScreen {
    /// `None` while the background lane reads it.
    pub loaded: Option<Box<Gathered>>,
    pub search: String,
    /// Per filter, the index of the choice picked (none: every practice).
    pub picked: Vec<Option<usize>>,
    /// The filter the arrows change.
    pub focus: usize,
    /// The practices shown (indices into the catalogue), in order.
    pub matches: Vec<usize>,
    /// The cursor, an index into `matches`.
    pub cursor: usize,
    /// The card open (an index into the catalogue's practices), scrolled.
    pub card: Option<usize>,
    pub scroll: u16,
}

impl CatalogueScreen {
    /// The catalogue read: every practice shown, no filter.
    pub fn loaded(&mut self, g: Gathered) {
        let filters = g.catalogue.filters.len();
        self.loaded = Some(Box::new(g));
        self.picked = vec![None; filters];
        self.focus = 0;
        self.card = None;
        self.refilter();
    }

    /// The practices matching the search and the filters, the cursor kept
    /// on the practice it was on when it still matches.
    pub fn refilter(&mut self) {
        let Some(g) = &self.loaded else {
            self.matches.clear();
            return;
        };
        let was = self.matches.get(self.cursor).copied();
        let c = &g.catalogue;
        let picked: Vec<Option<String>> = self
            .picked
            .iter()
            .zip(&c.filters)
            .map(|(p, f)| p.and_then(|i| f.options.get(i)).map(|(n, _)| n.clone()))
            .collect();
        self.matches = c.matching(&self.search, &picked);
        self.cursor = was
            .and_then(|w| self.matches.iter().position(|&m| m == w))
            .unwrap_or(0);
    }

    pub fn selected(&self) -> Option<&Practice> {
        let g = self.loaded.as_ref()?;
        g.catalogue.practices.get(*self.matches.get(self.cursor)?)
    }

    pub fn open_card(&self) -> Option<&Practice> {
        let g = self.loaded.as_ref()?;
        g.catalogue.practices.get(self.card?)
    }

    pub fn move_by(&mut self, n: isize) {
        let last = self.matches.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(n).min(last);
    }

    pub fn type_char(&mut self, c: char) {
        if !c.is_control() {
            self.search.push(c);
            self.refilter();
        }
    }

    pub fn backspace(&mut self) {
        self.search.pop();
        self.refilter();
    }

    pub fn clear(&mut self) {
        self.search.clear();
        self.picked.iter_mut().for_each(|p| *p = None);
        self.refilter();
    }

    /// Moves the arrows to the next (or previous) filter.
    pub fn focus_by(&mut self, n: isize) {
        let len = self.picked.len();
        if len > 0 {
            let k = isize::try_from(len).unwrap_or(1);
            let now = isize::try_from(self.focus).unwrap_or(0);
            self.focus = usize::try_from((now + n).rem_euclid(k)).unwrap_or(0);
        }
    }

    /// The focused filter's next (or previous) choice; past the last (or
    /// before the first) comes "all".
    pub fn cycle_value(&mut self, forward: bool) {
        let Some(g) = &self.loaded else {
            return;
        };
        let Some(options) = g.catalogue.filters.get(self.focus).map(|f| f.options.len()) else {
            return;
        };
        let Some(p) = self.picked.get_mut(self.focus) else {
            return;
        };
        *p = match (*p, forward) {
            (None, true) if options > 0 => Some(0),
            (None, false) if options > 0 => Some(options - 1),
            (Some(i), true) if i + 1 < options => Some(i + 1),
            (Some(i), false) if i > 0 => Some(i - 1),
            _ => None,
        };
        self.refilter();
    }
}
