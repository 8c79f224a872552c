//! The keymap's table: every binding, its modes, its help and its footer
//! hint. `mod.rs` reads keys through it; the help screen lists it.

use super::{Binding, Cmd, Key, Mode, Mode::*};
use crate::tui::i18n::Tr;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

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

const QUESTION: &[Mode] = &[Text, Path, Multiline, Choices, Filter, Note, RepeatEnd];
/// Question screens, where the repeat keys work.
const FIELDS: &[Mode] = &[Text, Path, Multiline, Choices, Filter, Note];
pub(super) const ALL_BUT_DIALOGS: &[Mode] = &[
    Operator,
    Start,
    Text,
    Path,
    Multiline,
    Choices,
    Filter,
    Note,
    RepeatEnd,
    Outline,
    Review,
    ReadOnly,
    Reconcile,
    ReconcileReason,
    ReconcileText,
    Catalogue,
    Card,
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
        keys: &[c('v')],
        modes: &[Start],
        cmd: Cmd::Verify,
        help: tr!(
            "Seconda immissione, alla cieca, di un questionario cartaceo già immesso da un altro operatore",
            "Second entry, blind, of a paper questionnaire another operator keyed"
        ),
        hint: None,
    },
    Binding {
        keys: &[c('r')],
        modes: &[Start],
        cmd: Cmd::Reconcile,
        help: tr!(
            "Riconcilia un questionario le cui due immissioni differiscono",
            "Reconcile a paper whose two entries differ"
        ),
        hint: None,
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
    Binding {
        keys: &[c('s')],
        modes: &[Start],
        cmd: Cmd::Send,
        help: tr!(
            "Invia al server le risposte completate non ancora inviate, mentre si continua a lavorare (il server si aggiunge con rileva server add; con più server chiede quale, e la password quando serve)",
            "Send the completed responses not yet sent to the server while you go on working (add the server with rileva server add; with several servers it asks which, and the password when one is needed)"
        ),
        hint: None,
    },
    Binding {
        keys: &[c('c')],
        modes: &[Start],
        cmd: Cmd::Catalogue,
        help: tr!(
            "Catalogo delle pratiche completate: cerca, filtra, apri una scheda (sola lettura)",
            "Catalogue of the completed practices: search, filter, open a card (read-only)"
        ),
        hint: Some(tr!("catalogo", "catalogue")),
    },
    // The catalogue
    Binding {
        keys: &[k(KeyCode::Enter)],
        modes: &[Catalogue],
        cmd: Cmd::Open,
        help: tr!("Apri la scheda della pratica", "Open the practice's card"),
        hint: Some(tr!("apri", "open")),
    },
    Binding {
        keys: &[k(KeyCode::Tab)],
        modes: &[Catalogue],
        cmd: Cmd::NextFilter,
        help: tr!(
            "Il filtro seguente (poi le frecce ← → ne cambiano la scelta)",
            "The next filter (then the ← → arrows change its choice)"
        ),
        hint: Some(tr!("filtro", "filter")),
    },
    Binding {
        keys: &[k(KeyCode::BackTab), Key::K(KeyCode::BackTab, SHIFT)],
        modes: &[Catalogue],
        cmd: Cmd::PrevFilter,
        help: tr!("Il filtro precedente", "The previous filter"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Right)],
        modes: &[Catalogue],
        cmd: Cmd::NextValue,
        help: tr!(
            "La scelta seguente del filtro evidenziato",
            "The highlighted filter's next choice"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Left)],
        modes: &[Catalogue],
        cmd: Cmd::PrevValue,
        help: tr!(
            "La scelta precedente del filtro evidenziato",
            "The highlighted filter's previous choice"
        ),
        hint: None,
    },
    Binding {
        keys: &[ctrl('u')],
        modes: &[Catalogue],
        cmd: Cmd::Clear,
        help: tr!(
            "Cancella la ricerca e i filtri",
            "Clear the search and the filters"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Esc)],
        modes: &[Catalogue],
        cmd: Cmd::Back,
        help: tr!("Torna alla schermata iniziale", "Back to the start screen"),
        hint: Some(tr!("indietro", "back")),
    },
    Binding {
        keys: &[k(KeyCode::Esc), k(KeyCode::Enter)],
        modes: &[Card],
        cmd: Cmd::Back,
        help: tr!("Torna al catalogo", "Back to the catalogue"),
        hint: Some(tr!("catalogo", "catalogue")),
    },
    // Reconciliation
    Binding {
        keys: &[c('1')],
        modes: &[Reconcile],
        cmd: Cmd::TakeFirst,
        help: tr!(
            "Prendi il valore della prima immissione (errore della seconda)",
            "Take the first entry's value (the second was keyed wrong)"
        ),
        hint: Some(tr!("prima", "first")),
    },
    Binding {
        keys: &[c('2')],
        modes: &[Reconcile],
        cmd: Cmd::TakeSecond,
        help: tr!(
            "Prendi il valore della seconda immissione (errore della prima)",
            "Take the second entry's value (the first was keyed wrong)"
        ),
        hint: Some(tr!("seconda", "second")),
    },
    Binding {
        keys: &[c('3')],
        modes: &[Reconcile],
        cmd: Cmd::TakeThird,
        help: tr!(
            "Scrivi un altro valore, dalla carta, poi il motivo",
            "Type another value, from the paper, then the reason"
        ),
        hint: Some(tr!("altro", "other")),
    },
    Binding {
        keys: &[c('m')],
        modes: &[Reconcile],
        cmd: Cmd::GiveReason,
        help: tr!(
            "Cambia il motivo della decisione su questo campo",
            "Change the reason of this field's decision"
        ),
        hint: Some(tr!("motivo", "reason")),
    },
    Binding {
        keys: &[k(KeyCode::Up)],
        modes: &[Reconcile],
        cmd: Cmd::Up,
        help: tr!("Campo precedente", "Previous field"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Down)],
        modes: &[Reconcile],
        cmd: Cmd::Down,
        help: tr!("Campo seguente", "Next field"),
        hint: None,
    },
    Binding {
        keys: &[c('f')],
        modes: &[Reconcile],
        cmd: Cmd::Finalize,
        help: tr!(
            "Conferma la riconciliazione: la risposta verificata è creata",
            "Confirm the reconciliation: the verified response is made"
        ),
        hint: Some(tr!("fine", "finish")),
    },
    Binding {
        keys: &[k(KeyCode::Esc)],
        modes: &[Reconcile],
        cmd: Cmd::Back,
        help: tr!(
            "Torna all'inizio (le decisioni prese restano salvate)",
            "Back to the start screen (the decisions taken stay saved)"
        ),
        hint: Some(tr!("esci", "leave")),
    },
    Binding {
        keys: &[Key::Alnum],
        modes: &[ReconcileReason],
        cmd: Cmd::Pick,
        help: tr!(
            "1 errore della prima, 2 della seconda, 3 di entrambe, 4 illeggibile, 5 altro (con una nota)",
            "1 the first keyed wrong, 2 the second, 3 both, 4 illegible, 5 other (with a note)"
        ),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Enter)],
        modes: &[ReconcileText],
        cmd: Cmd::Confirm,
        help: tr!("Conferma", "Confirm"),
        hint: Some(tr!("conferma", "confirm")),
    },
    Binding {
        keys: &[k(KeyCode::Esc)],
        modes: &[ReconcileReason, ReconcileText],
        cmd: Cmd::Back,
        help: tr!("Annulla", "Cancel"),
        hint: Some(tr!("annulla", "cancel")),
    },
    // Question screens
    Binding {
        keys: &[c('a'), c('+'), c('1')],
        modes: &[RepeatEnd],
        cmd: Cmd::AddInstance,
        help: tr!(
            "Aggiunge un'altra voce a questo elenco ripetuto (1: sì)",
            "Adds another entry to this repeated list (1: yes)"
        ),
        hint: Some(tr!("aggiungi", "add")),
    },
    Binding {
        keys: &[c('2')],
        modes: &[RepeatEnd],
        cmd: Cmd::Confirm,
        help: tr!(
            "Nessun'altra voce (2: no): si va avanti",
            "No other entry (2: no): go on"
        ),
        hint: None,
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
        modes: &[Text, Path, Multiline, Choices, Note, RepeatEnd],
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
        keys: &[k(KeyCode::Tab)],
        modes: &[Path],
        cmd: Cmd::CompletePath,
        help: tr!(
            "Completa il percorso del file (due volte: le possibilità)",
            "Complete the file's path (twice: the possibilities)"
        ),
        hint: Some(tr!("completa", "complete")),
    },
    Binding {
        keys: &[k(KeyCode::Tab), k(KeyCode::PageDown)],
        modes: &[Text, Path, Multiline, Choices, Note, RepeatEnd],
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
            Text, Path, Multiline, Choices, Filter, Note, RepeatEnd, Outline, Review, ReadOnly,
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
        keys: &[ctrl('r')],
        modes: FIELDS,
        cmd: Cmd::Ditto,
        help: tr!(
            "Come prima: la risposta della scheda precedente",
            "Ditto: the answer of your previous response"
        ),
        hint: None,
    },
    Binding {
        keys: &[ctrl('g')],
        modes: QUESTION,
        cmd: Cmd::Jump,
        help: tr!(
            "Vai alla domanda n. (es. B07, poi Invio)",
            "Go to question no. (e.g. B07, then Enter)"
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
        modes: &[
            Choices, Filter, Start, Outline, Review, ReadOnly, Help, Catalogue, Card,
        ],
        cmd: Cmd::Up,
        help: tr!("Voce precedente", "Previous item"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Down)],
        modes: &[
            Choices, Filter, Start, Outline, Review, ReadOnly, Help, Catalogue, Card,
        ],
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
        modes: &[
            Filter, Start, Outline, Review, ReadOnly, Help, Catalogue, Card,
        ],
        cmd: Cmd::PageUp,
        help: tr!("Pagina precedente", "Page up"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::PageDown)],
        modes: &[
            Filter, Start, Outline, Review, ReadOnly, Help, Catalogue, Card,
        ],
        cmd: Cmd::PageDown,
        help: tr!("Pagina successiva", "Page down"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::Home)],
        modes: &[Choices, Outline, Review, ReadOnly, Start, Catalogue, Card],
        cmd: Cmd::Home,
        help: tr!("Prima voce", "First item"),
        hint: None,
    },
    Binding {
        keys: &[k(KeyCode::End)],
        modes: &[Choices, Outline, Review, ReadOnly, Start, Catalogue, Card],
        cmd: Cmd::End,
        help: tr!("Ultima voce", "Last item"),
        hint: None,
    },
    Binding {
        keys: &[c(' ')],
        modes: &[Choices],
        cmd: Cmd::Toggle,
        help: tr!(
            "Sceglie la voce evidenziata (o la toglie, se multipla)",
            "Picks the highlighted item (or drops it, if multiple)"
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
    // The jump key's prompt
    Binding {
        keys: &[k(KeyCode::Enter)],
        modes: &[Jump],
        cmd: Cmd::Confirm,
        help: tr!(
            "Va alla domanda col numero scritto",
            "Goes to the question with the number typed"
        ),
        hint: Some(tr!("vai", "go")),
    },
    Binding {
        keys: &[k(KeyCode::Esc)],
        modes: &[Jump],
        cmd: Cmd::Back,
        help: tr!("Resta dove si è", "Stay where you are"),
        hint: Some(tr!("annulla", "cancel")),
    },
    Binding {
        keys: &[ctrl('c')],
        modes: &[Jump],
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
