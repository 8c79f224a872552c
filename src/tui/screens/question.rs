//! The question screen's state: a page of one or more fields (a question, or
//! every question of a field-list group), each with its input (text editor or
//! choice list) and the error shown in place.

use crate::engine::{Filling, Problem, ScreenRef, Slot};
use crate::form::{Kind, NodeId};
use crate::text::fold;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{Input as TaInput, Key as TaKey, TextArea, WrapMode};

/// Short lists get a digit or letter per item; longer ones (and lists read from
/// a file) are filtered by typing.
pub const PICK_KEYS: &str = "123456789abcdefghijklmnopqrstuvwxyz";

/// What one screen shows: its fields and which one has the keyboard.
#[derive(Debug, Clone)]
pub struct Page {
    pub screen: ScreenRef,
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl Page {
    pub fn new(filling: &Filling, screen: ScreenRef) -> Page {
        let fields = filling
            .fields(&screen)
            .into_iter()
            .map(|s| Field::new(filling, s))
            .collect();
        Page {
            screen,
            fields,
            focus: 0,
        }
    }

    /// The page opened on the field of `slot` (when it is on this page).
    pub fn focused_on(filling: &Filling, screen: ScreenRef, slot: &Slot) -> Page {
        let mut page = Page::new(filling, screen);
        page.focus = page
            .fields
            .iter()
            .position(|f| &f.slot == slot)
            .unwrap_or(0);
        page
    }

    pub fn field(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn field_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// Fields holding something other than what is stored.
    pub fn dirty_fields(&self, filling: &Filling) -> Vec<usize> {
        (0..self.fields.len())
            .filter(|&i| self.fields[i].dirty(filling))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub slot: Slot,
    pub input: Input,
    pub error: Option<Problem>,
    /// What the store holds for this question (the answer as last committed).
    pub stored: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Input {
    Text {
        editor: TextArea<'static>,
        multiline: bool,
    },
    Choices(Choices),
    Note,
    /// A transcription page's "another entry?" after a repeat's entries:
    /// 1 (or a) adds one, 2 or Enter goes on.
    Another,
}

#[derive(Debug, Clone)]
pub struct Choices {
    pub multi: bool,
    /// A ranking: `selected` is in the order picked (first first).
    pub ordered: bool,
    /// Acknowledge: one item, "OK".
    pub ack: bool,
    /// Choices allowed by the choice filter (indices into the list).
    pub items: Vec<usize>,
    /// Items matching what is typed in the filter (all of `items` without one).
    pub shown: Vec<usize>,
    /// Position in `shown`.
    pub cursor: usize,
    /// Selected choices (list indices), in list order (a ranking's in its
    /// order).
    pub selected: Vec<usize>,
    /// Stored names that are not choices of the list (an import kept as a
    /// draft, a changed list): kept until the operator picks otherwise, and
    /// shown as an error, never dropped by a mere visit.
    pub unknown: Vec<String>,
    pub filter: Option<TextArea<'static>>,
    /// Language index for the folded labels.
    pub lang_index: usize,
}

/// An editor holding `text` exactly as stored: `editor_text` gives it back
/// unchanged (tabs, CRLF, control characters, a line break in a one-line
/// field). What reaches the terminal is made inert when it is drawn
/// (`view::shown_editor`), never here.
pub fn editor(text: &str, multiline: bool) -> TextArea<'static> {
    let lines: Vec<String> = if multiline {
        text.split('\n').map(str::to_string).collect()
    } else {
        vec![text.to_string()]
    };
    let mut e = TextArea::new(lines);
    e.set_wrap_mode(WrapMode::WordOrGlyph);
    e.move_cursor(ratatui_textarea::CursorMove::Bottom);
    e.move_cursor(ratatui_textarea::CursorMove::End);
    e
}

pub fn editor_text(e: &TextArea<'_>) -> String {
    e.lines().join("\n")
}

/// Passes a key to an editor. Keys that would break a line are dropped from
/// one-line editors.
pub fn edit(e: &mut TextArea<'_>, ev: KeyEvent, multiline: bool) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let alt = ev.modifiers.contains(KeyModifiers::ALT);
    let key = match ev.code {
        KeyCode::Char(c) => TaKey::Char(c),
        KeyCode::Backspace => TaKey::Backspace,
        KeyCode::Delete => TaKey::Delete,
        KeyCode::Left => TaKey::Left,
        KeyCode::Right => TaKey::Right,
        KeyCode::Up if multiline => TaKey::Up,
        KeyCode::Down if multiline => TaKey::Down,
        KeyCode::Home => TaKey::Home,
        KeyCode::End => TaKey::End,
        _ => return false,
    };
    if !multiline
        && (matches!(key, TaKey::Char('m' | 'j')) && ctrl
            || matches!(key, TaKey::Char('\n' | '\r')))
    {
        return false;
    }
    // Ctrl+V / Ctrl+Y paste the editor's own yank buffer, fine; Ctrl+U is undo.
    e.input(TaInput {
        key,
        ctrl,
        alt,
        shift: ev.modifiers.contains(KeyModifiers::SHIFT),
    })
}

/// Inserts pasted text: tabs kept, other control characters dropped, line
/// breaks only where the field takes several lines (elsewhere a space).
pub fn paste(e: &mut TextArea<'_>, text: &str, multiline: bool) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let clean: String = text
        .chars()
        .map(|c| if c == '\n' && !multiline { ' ' } else { c })
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect();
    e.insert_str(clean);
}

impl Field {
    pub fn new(filling: &Filling, slot: Slot) -> Field {
        let stored = filling.answer(&slot).map(str::to_string);
        Field::showing(filling, slot, stored.as_deref())
    }

    /// The field showing `value` as if typed (the ditto key's copy), with
    /// what the store holds kept apart.
    pub fn showing(filling: &Filling, slot: Slot, value: Option<&str>) -> Field {
        let form = filling.form();
        let node = slot.node;
        let n = form.node(node);
        let input = match n.kind {
            Kind::Note => Input::Note,
            Kind::Repeat => Input::Another,
            Kind::Acknowledge => Input::Choices(Choices {
                multi: false,
                ordered: false,
                ack: true,
                items: vec![0],
                shown: vec![0],
                cursor: 0,
                selected: if value == Some("OK") {
                    vec![0]
                } else {
                    Vec::new()
                },
                unknown: Vec::new(),
                filter: None,
                lang_index: 0,
            }),
            Kind::SelectOne | Kind::SelectMultiple | Kind::Rank => {
                let items = filling.choices(&slot);
                let list = form.list_of(node);
                let tokens: Vec<&str> = value
                    .map(|s| s.split_whitespace().collect())
                    .unwrap_or_default();
                let mut selected: Vec<usize> = tokens
                    .iter()
                    .filter_map(|t| list.and_then(|l| l.by_name.get(*t).copied()))
                    .collect();
                if n.kind == Kind::Rank {
                    let mut seen = Vec::new();
                    selected.retain(|i| {
                        let first = !seen.contains(i);
                        seen.push(*i);
                        first
                    });
                } else {
                    selected.sort_unstable();
                    selected.dedup();
                }
                let unknown: Vec<String> = tokens
                    .iter()
                    .filter(|t| list.is_none_or(|l| !l.by_name.contains_key(**t)))
                    .map(|t| t.to_string())
                    .collect();
                // Long lists, CSV lists and appearance "minimal" (a drop-down
                // in ODK) are filtered by typing.
                let long = items.len() > PICK_KEYS.len()
                    || n.has_appearance("minimal")
                    || n.has_appearance("autocomplete")
                    || list.is_some_and(crate::form::ChoiceList::from_file);
                let shown = items.clone();
                let cursor = selected
                    .first()
                    .and_then(|s| shown.iter().position(|i| i == s))
                    .unwrap_or(0);
                Input::Choices(Choices {
                    multi: n.kind.is_multi(),
                    ordered: n.kind == Kind::Rank,
                    ack: false,
                    items,
                    shown,
                    cursor,
                    selected,
                    unknown,
                    // Keyed from paper, every list takes codes typed.
                    filter: (long || filling.sections()).then(|| editor("", false)),
                    lang_index: form.language_index(filling.language()),
                })
            }
            _ => {
                // A year, or a month and year: shown as it is asked.
                let shown = match (n.date_part(), value) {
                    (Some(part), Some(v)) => crate::form::values::shown_date_part(v, part),
                    (_, v) => v.unwrap_or("").to_string(),
                };
                Input::Text {
                    editor: editor(&shown, n.is_multiline()),
                    multiline: n.is_multiline(),
                }
            }
        };
        Field {
            slot: slot.clone(),
            input,
            error: None,
            stored: filling.answer(&slot).map(str::to_string),
        }
    }

    /// The problem the field shows: the one its last Enter found, else the
    /// stored answer's (unless something else is typed over it).
    pub fn shown_problem(&self, filling: &Filling) -> Option<Problem> {
        self.error
            .clone()
            .or_else(|| match filling.status(&self.slot) {
                crate::engine::Status::Invalid(p) if !self.dirty(filling) => Some(p.clone()),
                _ => None,
            })
    }

    /// Whether the field takes an answer (not a note).
    pub fn input_takes_answer(&self) -> bool {
        !matches!(self.input, Input::Note | Input::Another)
    }

    /// The answer as the screen holds it now, in stored form (choice names
    /// separated by spaces, text as typed).
    pub fn value(&self, filling: &Filling) -> String {
        match &self.input {
            Input::Text { editor, .. } => editor_text(editor),
            Input::Choices(c) if c.ack => {
                if c.selected.is_empty() {
                    String::new()
                } else {
                    "OK".into()
                }
            }
            Input::Choices(c) => {
                let list = filling.form().list_of(self.slot.node);
                c.selected
                    .iter()
                    .filter_map(|&i| {
                        list.and_then(|l| l.choices.get(i))
                            .map(|ch| ch.name.as_str())
                    })
                    .chain(c.unknown.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            Input::Note | Input::Another => String::new(),
        }
    }

    /// Whether the screen holds something other than what is stored: text
    /// the operator changed, and that would store differently (a space
    /// added at the end is no change).
    pub fn dirty(&self, filling: &Filling) -> bool {
        if !self.input_takes_answer() {
            return false;
        }
        let now = self.value(filling);
        let stored = self.stored.as_deref().unwrap_or("");
        match &self.input {
            Input::Text { .. } => {
                now != stored
                    && filling.to_store(&self.slot, &now).as_deref() != self.stored.as_deref()
            }
            // A ranking: the same names in the same order.
            Input::Choices(c) if c.ordered => now.split_whitespace().ne(stored.split_whitespace()),
            // The same names, whatever their order.
            _ => {
                let mut a: Vec<&str> = now.split_whitespace().collect();
                let mut b: Vec<&str> = stored.split_whitespace().collect();
                a.sort_unstable();
                b.sort_unstable();
                a != b
            }
        }
    }
}

impl Choices {
    pub fn is_filter(&self) -> bool {
        self.filter.is_some()
    }

    pub fn current(&self) -> Option<usize> {
        self.shown.get(self.cursor).copied()
    }

    /// Moves the cursor; in a single choice the selection follows it.
    pub fn move_by(&mut self, delta: isize) {
        if self.shown.is_empty() {
            return;
        }
        let on_screen = self
            .selected
            .first()
            .is_some_and(|s| self.shown.contains(s));
        if !self.multi && !on_screen {
            // With nothing (visible) selected, the first move selects the
            // highlighted item rather than skipping it.
            self.select_cursor();
            return;
        }
        let last = self.shown.len() - 1;
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        if !self.multi {
            self.select_cursor();
        }
    }

    pub fn move_to(&mut self, pos: usize) {
        if self.shown.is_empty() {
            return;
        }
        self.cursor = pos.min(self.shown.len() - 1);
        if !self.multi {
            self.select_cursor();
        }
    }

    fn select_cursor(&mut self) {
        if let Some(i) = self.current() {
            self.selected = vec![i];
            self.unknown.clear();
        }
    }

    /// Space: a single choice takes the highlighted item; a multiple one toggles it.
    pub fn toggle(&mut self) {
        let Some(i) = self.current() else { return };
        if self.ordered {
            // A ranking: the next place, or out of the order again.
            match self.selected.iter().position(|&s| s == i) {
                Some(p) => {
                    self.selected.remove(p);
                }
                None => self.selected.push(i),
            }
        } else if self.multi {
            match self.selected.binary_search(&i) {
                Ok(p) => {
                    self.selected.remove(p);
                }
                Err(p) => self.selected.insert(p, i),
            }
        } else {
            self.selected = vec![i];
            self.unknown.clear();
        }
    }

    /// A digit or letter: picks (or toggles) the item it labels.
    pub fn pick(&mut self, key: char) -> bool {
        let Some(pos) = PICK_KEYS.find(key.to_ascii_lowercase()) else {
            return false;
        };
        if self.is_filter() || pos >= self.shown.len() {
            return false;
        }
        self.cursor = pos;
        self.toggle();
        true
    }

    pub fn clear(&mut self) {
        self.selected.clear();
        self.unknown.clear();
    }

    /// Codes typed (transcription): the choices they pick are selected, and
    /// the list shows the ones whose code begins with the last code typed
    /// (all of them once it is complete).
    pub fn show_codes(&mut self, filling: &Filling, slot: &Slot, typed: &str, picked: Vec<usize>) {
        let last = typed
            .split_whitespace()
            .last()
            .filter(|_| !typed.ends_with(char::is_whitespace))
            .unwrap_or("");
        let open: Vec<usize> = self
            .items
            .iter()
            .copied()
            .filter(|&i| {
                let code = filling.choice_code(slot, i);
                code.starts_with(last) && code != last
            })
            .collect();
        self.shown = if open.is_empty() || self.multi {
            self.items.clone()
        } else {
            self.items
                .iter()
                .copied()
                .filter(|&i| filling.choice_code(slot, i).starts_with(last))
                .collect()
        };
        self.selected = picked;
        self.unknown.clear();
        self.cursor = self
            .selected
            .last()
            .and_then(|s| self.shown.iter().position(|i| i == s))
            .unwrap_or(0);
    }

    /// Applies the typed filter: labels and codes that contain it, ignoring
    /// case and accents.
    pub fn refilter(&mut self, filling: &Filling, node: NodeId) {
        let Some(filter) = &self.filter else { return };
        let query = fold(editor_text(filter).trim());
        let Some(list) = filling.form().list_of(node) else {
            return;
        };
        if query.is_empty() {
            self.shown = self.items.clone();
        } else {
            let li = self.lang_index;
            self.shown = self
                .items
                .iter()
                .copied()
                .filter(|&i| {
                    let c = &list.choices[i];
                    let label = c
                        .folded
                        .get(li)
                        .or_else(|| c.folded.first())
                        .map(String::as_str)
                        .unwrap_or("");
                    label.contains(&query) || c.name.contains(&query)
                })
                .collect();
        }
        if query.is_empty() {
            self.cursor = self
                .selected
                .first()
                .and_then(|s| self.shown.iter().position(|i| i == s))
                .unwrap_or(0);
        } else {
            self.cursor = 0;
            if !self.multi {
                self.select_cursor();
            }
        }
    }
}
