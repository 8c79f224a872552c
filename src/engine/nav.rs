//! What the operator walks through: screens in document order, over repeat
//! instances, with field-list groups as one screen and a prompt at the end of
//! each repeat.

use super::{Filling, Idx, Slot};
use crate::form::{Kind, NodeId};
use std::cmp::Ordering;

/// One screen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScreenRef {
    /// One question (or note).
    Question(Slot),
    /// A field-list group: all its questions on one screen.
    Group(Slot),
    /// After the last instance of a repeat (or where it would be, with none):
    /// add another, or go on.
    RepeatEnd { repeat: NodeId, parent: Idx },
}

impl ScreenRef {
    /// The slot the screen is about (for a repeat end, the repeat under its
    /// parent instance, without an index of its own).
    pub fn node(&self) -> NodeId {
        match self {
            ScreenRef::Question(s) | ScreenRef::Group(s) => s.node,
            ScreenRef::RepeatEnd { repeat, .. } => *repeat,
        }
    }
}

/// The relevant screens in order, with their document-order keys.
#[derive(Debug, Clone, Default)]
pub(super) struct Screens {
    pub list: Vec<ScreenRef>,
    keys: Vec<Vec<u32>>,
}

impl Screens {
    pub fn build(f: &Filling) -> Screens {
        let mut s = Screens::default();
        s.walk(f, &f.form.top, &Vec::new());
        s
    }

    fn push(&mut self, f: &Filling, screen: ScreenRef) {
        self.keys.push(f.order_key(&screen));
        self.list.push(screen);
    }

    /// Pushes the screens under `children`.
    fn walk(&mut self, f: &Filling, children: &[NodeId], idx: &Idx) {
        for &c in children {
            let node = f.form.node(c);
            match node.kind {
                Kind::Group => {
                    let slot = Slot {
                        node: c,
                        idx: idx.clone(),
                    };
                    if !f.is_relevant(&slot) {
                        continue;
                    }
                    // A section keyed from paper, or a field-list group: one
                    // page.
                    let section = f.sections && node.parent.is_none();
                    if section || node.is_field_list() {
                        let page = ScreenRef::Group(slot);
                        if !f.fields(&page).is_empty() {
                            self.push(f, page);
                        }
                    } else {
                        self.walk(f, &node.children, idx);
                    }
                }
                // Keyed from paper, a repeat at the top is a page of its
                // own, its entries blocks on it (as a repeat inside a
                // section is on the section's page).
                Kind::Repeat if f.sections => {
                    let page = ScreenRef::Group(Slot {
                        node: c,
                        idx: idx.clone(),
                    });
                    if !f.fields(&page).is_empty() {
                        self.push(f, page);
                    }
                }
                Kind::Repeat => {
                    let n = f.instances(c, idx);
                    for k in 0..n {
                        let mut inner = idx.clone();
                        inner.push(k);
                        let entry = Slot {
                            node: c,
                            idx: inner.clone(),
                        };
                        if !f.is_relevant(&entry) {
                            continue;
                        }
                        self.walk(f, &node.children, &inner);
                    }
                    if node.repeat_count.is_none()
                        && f.repeat_applies(c, idx)
                        && f.form.has_screens_under(c)
                    {
                        self.push(
                            f,
                            ScreenRef::RepeatEnd {
                                repeat: c,
                                parent: idx.clone(),
                            },
                        );
                    }
                }
                k if k.is_screen() => {
                    let slot = Slot {
                        node: c,
                        idx: idx.clone(),
                    };
                    if f.is_relevant(&slot) {
                        self.push(f, ScreenRef::Question(slot));
                    }
                }
                _ => {}
            }
        }
    }

    fn position(&self, f: &Filling, screen: &ScreenRef) -> Result<usize, usize> {
        let key = f.order_key(screen);
        self.keys.binary_search_by(|k| cmp_keys(k, &key))
    }
}

/// Document order: compares position paths, where a repeat end comes after
/// every instance of its repeat.
fn cmp_keys(a: &[u32], b: &[u32]) -> Ordering {
    a.cmp(b)
}

impl Filling {
    /// Whether a new instance of a repeat could be added under `parent`: the
    /// parent is relevant and the repeat's own relevance allows it.
    pub fn repeat_applies(&self, repeat: NodeId, parent: &[u32]) -> bool {
        let node = self.form.node(repeat);
        let parent_ok = match node.parent {
            None => true,
            Some(p) => self.is_relevant(&Slot {
                node: p,
                idx: parent.to_vec(),
            }),
        };
        if !parent_ok {
            return false;
        }
        match &node.relevant {
            None => true,
            Some(e) => {
                let mut idx = parent.to_vec();
                idx.push(self.instances(repeat, parent));
                let slot = Slot { node: repeat, idx };
                super::eval1(e, &self.ctx(&slot))
                    .map(|v| v.to_bool())
                    .unwrap_or(false)
            }
        }
    }

    /// A key that sorts screens in document order: for each level, the
    /// position among siblings, then the instance index after a repeat (the
    /// end of a repeat after all its instances).
    fn order_key(&self, screen: &ScreenRef) -> Vec<u32> {
        let (node, idx, end) = match screen {
            ScreenRef::Question(s) | ScreenRef::Group(s) => (s.node, s.idx.as_slice(), false),
            ScreenRef::RepeatEnd { repeat, parent } => (*repeat, parent.as_slice(), true),
        };
        let path = self
            .form
            .deps
            .order
            .get(node)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut key = Vec::with_capacity(path.len() + idx.len());
        let mut depth = 0;
        for (i, &(pos, repeat)) in path.iter().enumerate() {
            key.push(pos);
            if repeat {
                let last = i + 1 == path.len();
                match idx.get(depth) {
                    Some(&k) if !(end && last) => key.push(k),
                    _ => key.push(u32::MAX),
                }
                depth += 1;
            }
        }
        key
    }

    /// The relevant screens, in order.
    pub fn screens(&self) -> &[ScreenRef] {
        &self.nav.list
    }

    /// The screen after `from` (the first screen when `None`). `from` need not
    /// be a screen any more (it may have just become non-relevant).
    pub fn next_screen(&self, from: Option<&ScreenRef>) -> Option<ScreenRef> {
        let i = match from {
            None => 0,
            Some(s) => match self.nav.position(self, s) {
                Ok(i) => i + 1,
                Err(i) => i,
            },
        };
        self.nav.list.get(i).cloned()
    }

    /// The screen before `from`.
    pub fn prev_screen(&self, from: &ScreenRef) -> Option<ScreenRef> {
        let i = match self.nav.position(self, from) {
            Ok(i) | Err(i) => i,
        };
        i.checked_sub(1).and_then(|i| self.nav.list.get(i)).cloned()
    }

    /// Whether the screen is among the relevant ones now.
    pub fn is_screen(&self, screen: &ScreenRef) -> bool {
        self.nav.position(self, screen).is_ok()
    }

    /// The screen a slot is shown on (its field-list group, if any).
    pub fn screen_of(&self, slot: &Slot) -> ScreenRef {
        let form = &self.form;
        if self.sections {
            return self.page_of(slot);
        }
        for a in form.ancestors(slot.node) {
            if form.node(a).is_field_list() {
                let depth = form.node(a).repeats.len();
                return ScreenRef::Group(Slot {
                    node: a,
                    idx: slot.idx[..depth.min(slot.idx.len())].to_vec(),
                });
            }
        }
        ScreenRef::Question(slot.clone())
    }

    /// The transcription layout's page of a slot: its section (a group or
    /// a repeat at the top, with every entry of the repeats in it), else its
    /// own screen.
    fn page_of(&self, slot: &Slot) -> ScreenRef {
        let form = &self.form;
        let node = form.node(slot.node);
        let top = form.section_of(slot.node).unwrap_or(slot.node);
        match form.node(top).kind {
            Kind::Group | Kind::Repeat if top != slot.node || node.parent.is_none() => {
                ScreenRef::Group(Slot::root(top))
            }
            _ => ScreenRef::Question(slot.clone()),
        }
    }

    /// The transcription layout (one page per section, repeats as blocks on it)
    /// or the usual one; the screens are built again.
    pub fn set_sections(&mut self, on: bool) {
        if self.sections != on {
            self.sections = on;
            self.nav = Screens::build(self);
        }
    }

    pub fn sections(&self) -> bool {
        self.sections
    }

    /// Every question and note a page would show, relevant or not (a
    /// transcription page lists the others dim, as paper prints them), in
    /// document order; not the ones of the repeats under it.
    ///
    /// On a transcription page, a repeat is a block per entry: the entry's
    /// own slot (its heading), its members, then the slot of the entry that
    /// would come next (the "another entry?" field; `is_another`) where one
    /// can be added.
    pub fn page_members(&self, screen: &ScreenRef) -> Vec<(Slot, bool)> {
        let mut out = Vec::new();
        match screen {
            ScreenRef::Question(s) => out.push((s.clone(), self.is_relevant(s))),
            ScreenRef::RepeatEnd { .. } => {}
            ScreenRef::Group(g) if self.form.node(g.node).kind == Kind::Repeat => {
                self.collect_entries(g.node, &g.idx, &mut out)
            }
            ScreenRef::Group(g) => self.collect_members(g.node, &g.idx, &mut out),
        }
        out
    }

    fn collect_members(&self, group: NodeId, idx: &Idx, out: &mut Vec<(Slot, bool)>) {
        for &c in &self.form.node(group).children {
            let node = self.form.node(c);
            let slot = Slot {
                node: c,
                idx: idx.clone(),
            };
            if node.kind == Kind::Group {
                self.collect_members(c, idx, out);
            } else if node.kind == Kind::Repeat && self.sections {
                self.collect_entries(c, idx, out);
            } else if node.kind.is_screen() {
                let relevant = self.is_relevant(&slot);
                out.push((slot, relevant));
            }
        }
    }

    /// A repeat's blocks on a transcription page (see `page_members`).
    fn collect_entries(&self, repeat: NodeId, parent: &Idx, out: &mut Vec<(Slot, bool)>) {
        let node = self.form.node(repeat);
        if !self.form.has_screens_under(repeat) {
            return;
        }
        let n = self.instances(repeat, parent);
        for k in 0..n {
            let mut inner = parent.clone();
            inner.push(k);
            let entry = Slot::new(repeat, inner.clone());
            let relevant = self.is_relevant(&entry);
            out.push((entry, relevant));
            self.collect_members(repeat, &inner, out);
        }
        if node.repeat_count.is_none() && self.repeat_applies(repeat, parent) {
            let mut next = parent.clone();
            next.push(n);
            out.push((Slot::new(repeat, next), true));
        }
    }

    /// On a transcription page, the first field of a repeat's entry (the
    /// slot of the repeat with the entry's index): one of its questions, or
    /// of a repeat inside it; None when it has none.
    pub fn first_field_of_entry(&self, entry: &Slot) -> Option<Slot> {
        let repeat = entry.node;
        self.fields(&self.screen_of(entry)).into_iter().find(|s| {
            s.node != repeat
                && s.idx.starts_with(&entry.idx)
                && self.form.node(s.node).repeats.contains(&repeat)
        })
    }

    /// Whether a slot of a transcription page is a repeat's "another
    /// entry?" field: the entry that would come next.
    pub fn is_another(&self, slot: &Slot) -> bool {
        let form = &self.form;
        if form.node(slot.node).kind != Kind::Repeat {
            return false;
        }
        match slot.idx.split_last() {
            Some((&k, parent)) => k >= self.instances(slot.node, parent),
            None => false,
        }
    }

    /// The relevant questions and notes a screen shows.
    pub fn fields(&self, screen: &ScreenRef) -> Vec<Slot> {
        match screen {
            ScreenRef::Question(s) => vec![s.clone()],
            ScreenRef::RepeatEnd { .. } => Vec::new(),
            ScreenRef::Group(_) if self.sections => self
                .page_members(screen)
                .into_iter()
                .filter(|(s, relevant)| {
                    *relevant && (self.form.node(s.node).kind != Kind::Repeat || self.is_another(s))
                })
                .map(|(s, _)| s)
                .collect(),
            ScreenRef::Group(g) => {
                let mut out = Vec::new();
                self.collect_fields(g.node, &g.idx, &mut out);
                out
            }
        }
    }

    fn collect_fields(&self, group: NodeId, idx: &Idx, out: &mut Vec<Slot>) {
        for &c in &self.form.node(group).children {
            let node = self.form.node(c);
            let slot = Slot {
                node: c,
                idx: idx.clone(),
            };
            if node.kind == Kind::Group && self.is_relevant(&slot) {
                self.collect_fields(c, idx, out);
            } else if node.kind.is_screen() && self.is_relevant(&slot) {
                out.push(slot);
            }
        }
    }
}

impl Filling {
    /// Where a screen is, as a data path (stored as a draft's position): the
    /// slot's path; for a repeat end, the path the next instance would have.
    pub fn screen_path(&self, screen: &ScreenRef) -> String {
        match screen {
            ScreenRef::Question(s) | ScreenRef::Group(s) => self.slot_path(s),
            ScreenRef::RepeatEnd { repeat, parent } => {
                let mut idx = parent.clone();
                idx.push(self.instances(*repeat, parent));
                self.slot_path(&Slot { node: *repeat, idx })
            }
        }
    }

    /// The screen a stored position designates now: itself if still shown,
    /// else the next one after where it was.
    pub fn screen_at(&self, path: &str) -> Option<ScreenRef> {
        let slot = self.parse_path(path)?;
        let node = self.form.node(slot.node);
        let screen = if self.sections {
            self.page_of(&slot)
        } else if node.kind == Kind::Repeat {
            let (&k, parent) = slot.idx.split_last()?;
            if k >= self.instances(slot.node, parent) {
                ScreenRef::RepeatEnd {
                    repeat: slot.node,
                    parent: parent.to_vec(),
                }
            } else {
                // The first screen inside that instance comes right after it.
                return self.next_screen(Some(&ScreenRef::Question(slot)));
            }
        } else if node.kind == Kind::Group && node.is_field_list() {
            ScreenRef::Group(slot)
        } else {
            self.screen_of(&slot)
        };
        if self.is_screen(&screen) {
            Some(screen)
        } else {
            self.next_screen(Some(&screen))
        }
    }
}
