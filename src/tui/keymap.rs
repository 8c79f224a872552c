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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    K(KeyCode, KeyModifiers),
    /// A digit or an ASCII letter, without Ctrl or Alt.
    Alnum,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

const fn k(code: KeyCode) -> Key {
    Key::K(code, NONE)
}
const fn c(ch: char) -> Key {
    Key::K(KeyCode::Char(ch), NONE)
}
const fn ctrl(ch: char) -> Key {
    Key::K(KeyCode::Char(ch), CTRL)
}

pub struct Binding {
    pub keys: &'static [Key],
    pub modes: &'static [Mode],
    pub cmd: Cmd,
    pub help: Tr,
    /// Short form for the footer, when the binding is worth a hint there.
    pub hint: Option<Tr>,
}

const QUESTION: &[Mode] = &[Text, Multiline, Choices, Filter, Note, RepeatEnd];
/// Question screens, where the repeat keys work.
const FIELDS: &[Mode] = &[Text, Multiline, Choices, Filter, Note];
const ALL_BUT_DIALOGS: &[Mode] = &[
    Operator, Start, Text, Multiline, Choices, Filter, Note, RepeatEnd, Outline, Review, ReadOnly,
];

macro_rules! tr {
    ($it:literal, $en:literal) => {
        Tr { it: $it, en: $en }
    };
}

/// The footer hint of F1, which always shows.
pub const HELP_HINT: Tr = tr!("aiuto", "help");

/// The keymap. Order matters: the first binding of a mode that matches wins.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[ctrl('c')],
        modes: ALL_BUT_DIALOGS,
        cmd: Cmd::Quit,
        help: tr!(
            "Esci dal programma (la bozza è salvata)",
            "Quit the program (the draft is saved)"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::F(1))],
        modes: ALL_BUT_DIALOGS,
        cmd: Cmd::Help,
        help: tr!(
            "Aiuto: i tasti di questa schermata",
            "Help: the keys of this screen"
        ),
        hint: Some(HELP_HINT),
    },
    Binding {
        keys: &[k(KeyCode::F(2))],
        modes: ALL_BUT_DIALOGS,
        cmd: Cmd::ToggleLang,
        help: tr!("Passa all'inglese", "Switch to Italian"),
        hint: Some(tr!("English", "italiano")),
    },
    // Operator name
    Binding {
        keys: &[k(KeyCode::Enter)],
        modes: &[Operator],
        cmd: Cmd::Confirm,
        help: tr!("Conferma il nome", "Confirm the name"),
        hint: Some(tr!("conferma", "confirm")),
    },
    Binding {
        keys: &[k(KeyCode::Esc)],
        modes: &[Operator],
        cmd: Cmd::Back,
        help: tr!(
            "Annulla (se un nome c'è già)",
            "Cancel (if a name is already set)"
        ),
        hint: None,
    },
    // Start screen
    Binding {
        keys: &[c('n')],
        modes: &[Start],
        cmd: Cmd::New,
        help: tr!("Nuova risposta", "New response"),
        hint: Some(tr!("nuova", "new")),
    },
    Binding {
        keys: &[c('t')],
        modes: &[Start],
        cmd: Cmd::NewTranscription,
        help: tr!(
            "Nuova trascrizione da un questionario cartaceo (una pagina per sezione, codici)",
            "New transcription of a paper questionnaire (a page per section, codes)"
        ),
        hint: Some(tr!("carta", "paper")),
    },
    Binding {
        keys: &[k(KeyCode::Enter)],
        modes: &[Start],
        cmd: Cmd::Open,
        help: tr!(
            "Riprendi la bozza o apri la risposta selezionata",
            "Resume the selected draft or open the response"
        ),
        hint: Some(tr!("apri", "open")),
    },
    Binding {
        keys: &[k(KeyCode::Tab), k(KeyCode::BackTab)],
        modes: &[Start],
        cmd: Cmd::SwitchList,
        help: tr!(
            "Passa tra bozze e completate",
            "Switch between drafts and completed"
        ),
        hint: Some(tr!("elenco", "list")),
    },
    Binding {
        keys: &[c('o')],
        modes: &[Start],
        cmd: Cmd::ChangeOperator,
        help: tr!("Cambia operatore", "Change operator"),
        hint: Some(tr!("operatore", "operator")),
    },
    Binding {
        keys: &[c('q')],
        modes: &[Start],
        cmd: Cmd::Quit,
        help: tr!("Esci", "Quit"),
        hint: Some(tr!("esci", "quit")),
    },
    Binding {
        keys: &[c('e')],
        modes: &[Start],
        cmd: Cmd::NewVersion,
        help: tr!(
            "Modifica una risposta completata: ne crea una nuova versione (la precedente resta)",
            "Edit a completed response: makes a new version of it (the old one is kept)"
        ),
        hint: None,
    },
    Binding {
        keys: &[c('x')],
        modes: &[Start],
        cmd: Cmd::Export,
        help: tr!(
            "Esporta le risposte completate non ancora esportate (un file JSON ciascuna, in exports/), mentre si continua a lavorare",
            "Export the completed responses not yet exported (a JSON file each, in exports/) while you go on working"
        ),
        hint: None,
    },
    // Question screens
    Binding {
        keys: &[c('a'), c('+')],
        modes: &[RepeatEnd],
        cmd: Cmd::AddInstance,
        help: tr!(
            "Aggiunge un'altra voce a questo elenco ripetuto",
            "Adds another entry to this repeated list"
        ),
        hint: Some(tr!("aggiungi", "add")),
    },
    Binding {
        keys: &[k(KeyCode::Enter)],
        modes: QUESTION,
        cmd: Cmd::Confirm,
        help: tr!(
            "Conferma la risposta e vai alla domanda successiva",
            "Confirm the answer and go to the next question"
        ),
        hint: Some(tr!("conferma", "confirm")),
    },
    Binding {
        keys: &[Key::K(KeyCode::Enter, ALT), ctrl('j')],
        modes: &[Multiline],
        cmd: Cmd::NewLine,
        help: tr!("Nuova riga nel testo", "New line in the text"),
        hint: Some(tr!("a capo", "new line")),
    },
    Binding {
        keys: &[
            k(KeyCode::BackTab),
            Key::K(KeyCode::BackTab, SHIFT),
            k(KeyCode::PageUp),
        ],
        modes: &[Text, Multiline, Choices, Note, RepeatEnd],
        cmd: Cmd::Prev,
        help: tr!(
            "Domanda precedente (la risposta resta)",
            "Previous question (the answer is kept)"
        ),
        hint: Some(tr!("indietro", "back")),
    },
    Binding {
        keys: &[k(KeyCode::BackTab), Key::K(KeyCode::BackTab, SHIFT)],
        modes: &[Filter],
        cmd: Cmd::Prev,
        help: tr!(
            "Domanda precedente (la risposta resta)",
            "Previous question (the answer is kept)"
        ),
        hint: Some(tr!("indietro", "back")),
    },
    Binding {
        keys: &[k(KeyCode::Tab), k(KeyCode::PageDown)],
        modes: &[Text, Multiline, Choices, Note, RepeatEnd],
        cmd: Cmd::Skip,
        help: tr!(
            "Domanda successiva senza confermare (si può tornare)",
            "Next question without confirming (come back later)"
        ),
        hint: Some(tr!("salta", "skip")),
    },
    Binding {
        keys: &[k(KeyCode::Tab)],
        modes: &[Filter],
        cmd: Cmd::Skip,
        help: tr!(
            "Domanda successiva senza confermare (si può tornare)",
            "Next question without confirming (come back later)"
        ),
        hint: Some(tr!("salta", "skip")),
    },
    Binding {
        keys: &[k(KeyCode::F(9))],
        modes: &[
            Text, Multiline, Choices, Filter, Note, RepeatEnd, Outline, Review, ReadOnly,
        ],
        cmd: Cmd::FormLanguage,
        help: tr!(
            "Lingua successiva del questionario (se ne ha altre)",
            "Next language of the questionnaire (when it has others)"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::F(3))],
        modes: QUESTION,
        cmd: Cmd::Outline,
        help: tr!(
            "Indice di sezioni e domande, per saltare ovunque",
            "Outline of sections and questions, to jump anywhere"
        ),
        hint: Some(tr!("indice", "outline")),
    },
    Binding {
        keys: &[k(KeyCode::F(4))],
        modes: QUESTION,
        cmd: Cmd::Review,
        help: tr!(
            "Riepilogo delle risposte e finalizzazione",
            "Review the answers and finalize"
        ),
        hint: Some(tr!("riepilogo", "review")),
    },
    Binding {
        keys: &[k(KeyCode::Esc)],
        modes: QUESTION,
        cmd: Cmd::Back,
        help: tr!(
            "Torna alla schermata iniziale (la bozza è salvata)",
            "Back to the start screen (the draft is saved)"
        ),
        hint: Some(tr!("esci", "leave")),
    },
    Binding {
        keys: &[k(KeyCode::F(6))],
        modes: FIELDS,
        cmd: Cmd::AddInstance,
        help: tr!(
            "Elenco ripetuto: aggiunge una voce dopo l'ultima",
            "Repeated list: adds an entry after the last"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::F(7))],
        modes: FIELDS,
        cmd: Cmd::PrevInstance,
        help: tr!(
            "Elenco ripetuto: stessa domanda nella voce precedente",
            "Repeated list: the same question in the previous entry"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::F(8))],
        modes: FIELDS,
        cmd: Cmd::NextInstance,
        help: tr!(
            "Elenco ripetuto: stessa domanda nella voce successiva",
            "Repeated list: the same question in the next entry"
        ),
        hint: None,
    },
    Binding {
        keys: &[ctrl('d')],
        modes: FIELDS,
        cmd: Cmd::RemoveInstance,
        help: tr!(
            "Elenco ripetuto: elimina questa voce (chiede conferma)",
            "Repeated list: removes this entry (asks first)"
        ),
        hint: None,
    },
    Binding {
        keys: &[c('d'), k(KeyCode::Delete)],
        modes: &[Outline],
        cmd: Cmd::RemoveInstance,
        help: tr!(
            "Elimina la voce dell'elenco ripetuto evidenziata (chiede conferma)",
            "Removes the highlighted repeated entry (asks first)"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Up)],
        modes: &[Choices, Filter, Start, Outline, Review, ReadOnly, Help],
        cmd: Cmd::Up,
        help: tr!("Voce precedente", "Previous item"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Down)],
        modes: &[Choices, Filter, Start, Outline, Review, ReadOnly, Help],
        cmd: Cmd::Down,
        help: tr!("Voce successiva", "Next item"),
        hint: None,
    },
    Binding {
        keys: &[c('k')],
        modes: &[Start, Outline, Review, ReadOnly],
        cmd: Cmd::Up,
        help: tr!("Voce precedente", "Previous item"),
        hint: None,
    },
    Binding {
        keys: &[c('j')],
        modes: &[Start, Outline, Review, ReadOnly],
        cmd: Cmd::Down,
        help: tr!("Voce successiva", "Next item"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::PageUp)],
        modes: &[Filter, Start, Outline, Review, ReadOnly, Help],
        cmd: Cmd::PageUp,
        help: tr!("Pagina precedente", "Page up"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::PageDown)],
        modes: &[Filter, Start, Outline, Review, ReadOnly, Help],
        cmd: Cmd::PageDown,
        help: tr!("Pagina successiva", "Page down"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Home)],
        modes: &[Choices, Outline, Review, ReadOnly, Start],
        cmd: Cmd::Home,
        help: tr!("Prima voce", "First item"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::End)],
        modes: &[Choices, Outline, Review, ReadOnly, Start],
        cmd: Cmd::End,
        help: tr!("Ultima voce", "Last item"),
        hint: None,
    },
    Binding {
        keys: &[c(' ')],
        modes: &[Choices],
        cmd: Cmd::Toggle,
        help: tr!(
            "Sceglie la voce evidenziata (scelta multipla: la seleziona o deseleziona)",
            "Picks the highlighted item (multiple choice: selects or deselects it)"
        ),
        hint: Some(tr!("sceglie", "pick")),
    },
    Binding {
        keys: &[Key::K(KeyCode::Char(' '), CTRL), k(KeyCode::F(5))],
        modes: &[Filter],
        cmd: Cmd::Toggle,
        help: tr!(
            "Scelta multipla: seleziona o deseleziona la voce evidenziata",
            "Multiple choice: select or deselect the highlighted item"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Delete), k(KeyCode::Backspace)],
        modes: &[Choices],
        cmd: Cmd::Clear,
        help: tr!("Cancella la scelta", "Clear the choice"),
        hint: None,
    },
    Binding {
        keys: &[Key::Alnum],
        modes: &[Choices],
        cmd: Cmd::Pick,
        help: tr!(
            "La cifra o lettera accanto a una voce la sceglie",
            "The digit or letter beside an item picks it"
        ),
        hint: None,
    },
    // Outline and review
    Binding {
        keys: &[k(KeyCode::Enter)],
        modes: &[Outline, Review],
        cmd: Cmd::Open,
        help: tr!("Vai alla domanda", "Go to the question"),
        hint: Some(tr!("vai", "go")),
    },
    Binding {
        keys: &[c('f')],
        modes: &[Review],
        cmd: Cmd::Finalize,
        help: tr!(
            "Finalizza la risposta (quando non restano problemi)",
            "Finalize the response (when no problems remain)"
        ),
        hint: Some(tr!("finalizza", "finalize")),
    },
    Binding {
        keys: &[k(KeyCode::Esc), k(KeyCode::F(3))],
        modes: &[Outline],
        cmd: Cmd::Back,
        help: tr!("Torna alla domanda", "Back to the question"),
        hint: Some(tr!("torna", "back")),
    },
    Binding {
        keys: &[k(KeyCode::Esc), k(KeyCode::F(4))],
        modes: &[Review],
        cmd: Cmd::Back,
        help: tr!("Torna alla domanda", "Back to the question"),
        hint: Some(tr!("torna", "back")),
    },
    Binding {
        keys: &[c('e')],
        modes: &[ReadOnly],
        cmd: Cmd::NewVersion,
        help: tr!(
            "Modifica la risposta: ne crea una nuova versione (questa resta)",
            "Edit the response: makes a new version of it (this one is kept)"
        ),
        hint: Some(tr!("modifica", "edit")),
    },
    Binding {
        keys: &[k(KeyCode::Esc), k(KeyCode::F(4))],
        modes: &[ReadOnly],
        cmd: Cmd::Back,
        help: tr!(
            "Torna all'elenco delle risposte",
            "Back to the list of responses"
        ),
        hint: Some(tr!("torna", "back")),
    },
    // Held keys after a refused value
    Binding {
        keys: &[k(KeyCode::Esc)],
        modes: &[Held],
        cmd: Cmd::Acknowledge,
        help: tr!(
            "Preso atto: il campo si riscrive (i tasti battuti dopo l'errore sono stati scartati)",
            "Acknowledged: key the field again (the keys typed after the error were dropped)"
        ),
        hint: Some(tr!("riscrivi", "rekey")),
    },
    Binding {
        keys: &[ctrl('c')],
        modes: &[Held],
        cmd: Cmd::Quit,
        help: tr!(
            "Esci dal programma (la bozza è salvata)",
            "Quit the program (the draft is saved)"
        ),
        hint: None,
    },
    // Dialogs
    Binding {
        keys: &[c('s'), c('y'), c('S'), c('Y')],
        modes: &[Confirm],
        cmd: Cmd::Yes,
        help: tr!("Sì", "Yes"),
        hint: Some(tr!("sì", "yes")),
    },
    Binding {
        keys: &[c('n'), c('N'), k(KeyCode::Esc)],
        modes: &[Confirm],
        cmd: Cmd::No,
        help: tr!("No", "No"),
        hint: Some(tr!("no", "no")),
    },
    Binding {
        keys: &[k(KeyCode::Esc), k(KeyCode::F(1)), c('q')],
        modes: &[Help],
        cmd: Cmd::Back,
        help: tr!("Chiude l'aiuto", "Close the help"),
        hint: Some(tr!("chiudi", "close")),
    },
    Binding {
        keys: &[ctrl('c')],
        modes: &[Help, Confirm],
        cmd: Cmd::Quit,
        help: tr!("Esci dal programma", "Quit the program"),
        hint: None,
    },
];

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
        Operator | Text | Multiline | Filter => Some(Action::Edit(ev)),
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
            let key = b
                .keys
                .iter()
                .find(|k| Some(key_label(k, lang)) == initial)
                .or(b.keys.first())?;
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
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn enter_confirms_in_questions_and_opens_in_lists() {
        assert_eq!(
            resolve(Text, key(KeyCode::Enter, NONE)),
            Some(Action::Cmd(Cmd::Confirm))
        );
        assert_eq!(
            resolve(Start, key(KeyCode::Enter, NONE)),
            Some(Action::Cmd(Cmd::Open))
        );
        assert_eq!(
            resolve(Review, key(KeyCode::Enter, NONE)),
            Some(Action::Cmd(Cmd::Open))
        );
    }

    #[test]
    fn letters_type_in_text_and_pick_in_short_lists() {
        let a = key(KeyCode::Char('a'), NONE);
        assert_eq!(resolve(Text, a), Some(Action::Edit(a)));
        assert_eq!(resolve(Filter, a), Some(Action::Edit(a)));
        assert_eq!(resolve(Choices, a), Some(Action::Pick('a')));
        assert_eq!(
            resolve(Choices, key(KeyCode::Char('7'), NONE)),
            Some(Action::Pick('7'))
        );
    }

    #[test]
    fn ctrl_c_quits_everywhere() {
        for mode in [
            Operator, Start, Text, Multiline, Choices, Filter, Note, RepeatEnd, Outline, Review,
            ReadOnly, Help, Confirm,
        ] {
            assert_eq!(
                resolve(mode, key(KeyCode::Char('c'), CTRL)),
                Some(Action::Cmd(Cmd::Quit)),
                "{mode:?}"
            );
        }
    }

    #[test]
    fn space_types_in_filter_but_picks_in_short_lists() {
        let sp = key(KeyCode::Char(' '), NONE);
        assert_eq!(resolve(Filter, sp), Some(Action::Edit(sp)));
        assert_eq!(resolve(Choices, sp), Some(Action::Cmd(Cmd::Toggle)));
    }

    #[test]
    fn page_keys_scroll_long_lists_but_move_between_questions_elsewhere() {
        assert_eq!(
            resolve(Filter, key(KeyCode::PageDown, NONE)),
            Some(Action::Cmd(Cmd::PageDown))
        );
        assert_eq!(
            resolve(Text, key(KeyCode::PageDown, NONE)),
            Some(Action::Cmd(Cmd::Skip))
        );
        assert_eq!(
            resolve(Text, key(KeyCode::BackTab, SHIFT)),
            Some(Action::Cmd(Cmd::Prev))
        );
    }

    #[test]
    fn every_mode_has_help_and_hints() {
        for mode in [
            Operator, Start, Text, Multiline, Choices, Filter, Note, RepeatEnd, Outline, Review,
            ReadOnly, Help, Confirm,
        ] {
            assert!(bindings(mode).count() > 0, "{mode:?}");
            assert!(!hints(mode, Lang::It).is_empty(), "{mode:?}");
        }
    }

    #[test]
    fn alt_enter_is_a_new_line_only_in_multiline() {
        assert_eq!(
            resolve(Multiline, key(KeyCode::Enter, ALT)),
            Some(Action::Cmd(Cmd::NewLine))
        );
        assert_eq!(
            resolve(Multiline, key(KeyCode::Char('j'), CTRL)),
            Some(Action::Cmd(Cmd::NewLine))
        );
    }
}
