//! Choices keyed by the codes printed on paper (`ChoiceList::code`): what a
//! transcriber's digits pick, and whether the value is complete so that the
//! field can move on by itself.

use super::{Filling, Slot};
use crate::form::Kind;

/// What the codes typed so far for a select question amount to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeEntry {
    /// These choices (list indices), and no longer code could follow: a
    /// single choice is complete.
    Complete(Vec<usize>),
    /// These choices so far (maybe none), and more may follow: the last code
    /// typed is the beginning of longer codes, or this is a multiple choice.
    Partial(Vec<usize>),
    /// Not codes of the list (as its choice filter leaves it): the text of
    /// the first code that is not one.
    Refused(String),
}

impl Filling {
    /// Reads `typed` as codes of the question's list, among the choices its
    /// filter allows. A single choice takes one code; a multiple choice
    /// several, separated by blanks, or written together when every code of
    /// the list is one character (`134`).
    pub fn read_codes(&self, slot: &Slot, typed: &str) -> CodeEntry {
        let Some(list) = self.form.list_of(slot.node) else {
            return CodeEntry::Refused(typed.trim().to_string());
        };
        let allowed = self.choices(slot);
        let codes: Vec<(usize, String)> = allowed.iter().map(|&i| (i, list.code(i))).collect();
        let kind = self.form.node(slot.node).kind;
        let multi = kind.is_multi();
        let tokens: Vec<String> = if multi && codes.iter().all(|(_, c)| c.chars().count() == 1) {
            typed
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(String::from)
                .collect()
        } else {
            typed.split_whitespace().map(str::to_string).collect()
        };
        if !multi && tokens.len() > 1 {
            return CodeEntry::Refused(typed.trim().to_string());
        }
        let mut picked: Vec<usize> = Vec::new();
        let mut open = tokens.is_empty();
        for (n, token) in tokens.iter().enumerate() {
            let last = n + 1 == tokens.len();
            let exact = codes.iter().find(|(_, c)| c == token).map(|(i, _)| *i);
            let longer = codes
                .iter()
                .any(|(_, c)| c.len() > token.len() && c.starts_with(token.as_str()));
            match exact {
                Some(i) => {
                    if !picked.contains(&i) {
                        picked.push(i);
                    }
                    if last && longer {
                        open = true;
                    }
                }
                // The beginning of a code, still being typed.
                None if last && longer => open = true,
                None => return CodeEntry::Refused(token.clone()),
            }
        }
        // A ranking is the order the codes were typed in.
        if kind != Kind::Rank {
            picked.sort_unstable();
        }
        if multi || open || picked.is_empty() {
            CodeEntry::Partial(picked)
        } else {
            CodeEntry::Complete(picked)
        }
    }

    /// Whether what is typed into a question that is not a choice is a
    /// complete value as paper writes it, so that the field can move on by
    /// itself: a date of 8 digits (`15032020`).
    pub fn typed_complete(&self, slot: &Slot, typed: &str) -> bool {
        use crate::form::values::DatePart;
        let digits = match self.form.node(slot.node).date_part() {
            Some(DatePart::Full) => 8,
            Some(DatePart::Month) => 6,
            Some(DatePart::Year) => 4,
            None => return false,
        };
        typed.len() == digits && typed.chars().all(|c| c.is_ascii_digit())
    }

    /// The code of choice `index` of the question's list.
    pub fn choice_code(&self, slot: &Slot, index: usize) -> String {
        self.form
            .list_of(slot.node)
            .map(|l| l.code(index))
            .unwrap_or_default()
    }
}
