//! Keys -> actions, per mode. The one place that knows which key does what; the
//! help screen and the footer hints are generated from the same table.

use super::action::Action;
use super::i18n::{Lang, Tr};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the screen is doing, which decides what keys mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Typing the operator's name.
    Operator,
    Start,
    /// A one-line text, number or date.
    Text,
    /// The path of a file to attach (a media question): Tab completes it.
    Path,
    Multiline,
    /// A short choice list: digits and letters pick.
    Choices,
    /// A long choice list: typing filters it.
    Filter,
    Note,
    /// After the last instance of a repeat: add another, or go on.
    RepeatEnd,
    Outline,
    Review,
    /// A completed response open to read: its review, nothing to change.
    ReadOnly,
    Help,
    Confirm,
    /// A value was refused while keying heads down: every key is held back
    /// until Esc.
    Held,
    /// The jump key's prompt: a printed number is being typed.
    Jump,
    /// Reconciling a paper: a decision per differing field.
    Reconcile,
    /// The reason for a value taken in reconciliation.
    ReconcileReason,
    /// Typing a third value, or a reason's note, in reconciliation.
    ReconcileText,
    /// The catalogue of practices: typing searches, the filters change.
    Catalogue,
    /// A practice's card, open to read.
    Card,
}

use Mode::*;

/// A command without data; `Pick` and `Edit` take the key that was pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Quit,
    Help,
    ToggleLang,
    Back,
    Confirm,
    Prev,
    Skip,
    Outline,
    Review,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Pick,
    Toggle,
    Clear,
    NewLine,
    New,
    Open,
    SwitchList,
    ChangeOperator,
    Finalize,
    Yes,
    No,
    AddInstance,
    RemoveInstance,
    /// Edit a finalized response: a new version replaces it.
    NewVersion,
    Export,
    /// The questionnaire's next language (forms in more languages than it/en).
    FormLanguage,
    PrevInstance,
    NextInstance,
    /// A new response keyed from paper, in the transcription layout.
    NewTranscription,
    /// Esc after a refused value: the held keys are let go, the field is
    /// keyed again.
    Acknowledge,
    /// The same question's answer in the operator's previous response.
    Ditto,
    /// Go to a question by its printed number (a prompt follows).
    Jump,
    /// A second entry of a paper keyed already, blind (a prompt follows).
    Verify,
    /// Reconcile a paper whose two entries differ (a prompt follows).
    Reconcile,
    /// Reconciliation: the first entry's value, the second's, a third.
    TakeFirst,
    TakeSecond,
    TakeThird,
    /// Reconciliation: a reason other than the one the key implies.
    GiveReason,
    /// Completes the path of a file being attached.
    CompletePath,
    /// The catalogue of the finished practices (read-only).
    Catalogue,
    /// Send the complete responses to the server, in the background.
    Send,
    /// Catalogue: the next (or previous) filter takes the arrows.
    NextFilter,
    PrevFilter,
    /// Catalogue: the focused filter's next (or previous) choice.
    NextValue,
    PrevValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    K(KeyCode, KeyModifiers),
    /// A digit or an ASCII letter, without Ctrl or Alt.
    Alnum,
}

#[cfg(test)]
const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

pub struct Binding {
    pub keys: &'static [Key],
    pub modes: &'static [Mode],
    pub cmd: Cmd,
    pub help: Tr,
    /// Short form for the footer, when the binding is worth a hint there.
    pub hint: Option<Tr>,
}

mod table;
use table::ALL_BUT_DIALOGS;
pub use table::{BINDINGS, HELP_HINT};

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    match key {
        Key::K(code, mods) => {
            // Shift is implied by upper-case letters and BackTab; ignore it there.
            let ev_mods = match ev.code {
                KeyCode::Char(_) | KeyCode::BackTab => ev.modifiers - SHIFT,
                _ => ev.modifiers,
            };
            let want = match code {
                KeyCode::Char(_) | KeyCode::BackTab => *mods - SHIFT,
                _ => *mods,
            };
            *code == ev.code && want == ev_mods
        }
        Key::Alnum => {
            matches!(ev.code, KeyCode::Char(ch) if ch.is_ascii_alphanumeric())
                && !ev.modifiers.intersects(CTRL | ALT)
        }
    }
}

/// What a key means in a mode: a bound command, or for the editing modes any
/// other key goes to the text being typed.
pub fn resolve(mode: Mode, ev: KeyEvent) -> Option<Action> {
    let hit = BINDINGS
        .iter()
        .find(|b| b.modes.contains(&mode) && b.keys.iter().any(|k| matches(k, &ev)));
    if let Some(b) = hit {
        return Some(match b.cmd {
            Cmd::Pick => match ev.code {
                KeyCode::Char(ch) => Action::Pick(ch),
                _ => return None,
            },
            cmd => Action::Cmd(cmd),
        });
    }
    match mode {
        Operator | Text | Path | Multiline | Filter | Jump | ReconcileText | Catalogue => {
            Some(Action::Edit(ev))
        }
        // Esc typed fast and a key after it reach us as Alt+key: the
        // acknowledgement, and that key the first of the field keyed again.
        Held if ev.modifiers.contains(ALT) && matches!(ev.code, KeyCode::Char(_)) => {
            Some(Action::Rekey(KeyEvent::new(ev.code, ev.modifiers - ALT)))
        }
        Held => Some(Action::HeldBack),
        _ => None,
    }
}

/// The bindings shown for a mode (help screen), in table order.
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.modes.contains(&mode))
}

/// The keys of a binding that do its command in a mode: not those an
/// earlier binding of the mode takes first (Tab completes a file's path,
/// so there PgDn alone skips).
pub fn live_keys(mode: Mode, binding: &'static Binding) -> impl Iterator<Item = &'static Key> {
    binding.keys.iter().filter(move |k| {
        !bindings(mode)
            .take_while(|b| !std::ptr::eq(*b, binding))
            .any(|b| b.keys.contains(k))
    })
}

impl Binding {
    /// Keys that only do something on a question inside a repeat.
    pub fn repeat_only(&self) -> bool {
        matches!(
            self.cmd,
            Cmd::AddInstance | Cmd::RemoveInstance | Cmd::PrevInstance | Cmd::NextInstance
        ) && !self.modes.contains(&RepeatEnd)
            && !self.modes.contains(&Outline)
    }
}

/// The bindings that matter where the operator is: the repeat keys only on
/// questions inside a repeat.
pub fn bindings_here(mode: Mode, in_repeat: bool) -> impl Iterator<Item = &'static Binding> {
    bindings(mode).filter(move |b| in_repeat || !b.repeat_only())
}

/// Footer hints for a mode: "key label" pairs, the screen's own first and the
/// ones valid everywhere (help, language) last.
pub fn hints(mode: Mode, lang: Lang) -> Vec<(String, &'static str)> {
    let (global, own): (Vec<&Binding>, Vec<&Binding>) =
        bindings(mode).partition(|b| b.modes == ALL_BUT_DIALOGS);
    own.into_iter()
        .chain(global.into_iter().rev())
        .filter_map(|b| {
            let hint = b.hint?.get(lang);
            // The key the hint's word starts with, where there is one (y for
            // "yes", s for "sì"), else the first.
            let initial = hint.chars().next().map(|c| c.to_string());
            let live: Vec<&Key> = live_keys(mode, b).collect();
            let key = live
                .iter()
                .find(|k| Some(key_label(k, lang)) == initial)
                .or(live.first())?;
            Some((key_label(key, lang), hint))
        })
        .collect()
}

/// A key as people call it.
pub fn key_label(key: &Key, lang: Lang) -> String {
    let it = lang == Lang::It;
    let Key::K(code, mods) = key else {
        return "1-9 a-z".into();
    };
    let name = match code {
        KeyCode::Enter => (if it { "Invio" } else { "Enter" }).to_string(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift+Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => (if it { "Canc" } else { "Del" }).to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Home => (if it { "Inizio" } else { "Home" }).to_string(),
        KeyCode::End => (if it { "Fine" } else { "End" }).to_string(),
        KeyCode::PageUp => (if it { "PagSu" } else { "PgUp" }).to_string(),
        KeyCode::PageDown => (if it { "PagGiù" } else { "PgDn" }).to_string(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Char(' ') => (if it { "Spazio" } else { "Space" }).to_string(),
        KeyCode::Char(ch) if mods.intersects(CTRL | ALT) => ch.to_ascii_uppercase().to_string(),
        KeyCode::Char(ch) => ch.to_string(),
        other => format!("{other:?}"),
    };
    let mut prefix = String::new();
    if mods.contains(CTRL) {
        prefix.push_str("Ctrl+");
    }
    if mods.contains(ALT) {
        prefix.push_str("Alt+");
    }
    if mods.contains(SHIFT) && !matches!(code, KeyCode::BackTab) {
        prefix.push_str("Shift+");
    }
    format!("{prefix}{name}")
}

#[cfg(test)]
mod tests;
