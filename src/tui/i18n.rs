//! The interface's own words, in Italian and English. Form texts come from the
//! form in its own languages; these are the words around them.

pub use crate::lang::{Lang, Tr};

macro_rules! strings {
    ($($name:ident = $it:literal, $en:literal;)*) => {
        $(pub const $name: Tr = Tr { it: $it, en: $en };)*
    };
}

strings! {
    APP_TAGLINE = "rilevazione offline", "offline data entry";
    OPERATOR = "Operatore", "Operator";
    OPERATOR_PROMPT = "Nome e cognome dell'operatore (registrato su ogni risposta)", "Operator's full name (recorded on every response)";
    OPERATOR_TITLE = "Chi sta compilando?", "Who is entering data?";
    OPERATOR_EMPTY = "Scrivere un nome", "Type a name";
    PAPER_TITLE = "Nuova trascrizione da carta", "New transcription from paper";
    PAPER_PROMPT = "Numero scritto sul questionario cartaceo (identificativo della carta)", "Number written on the paper questionnaire (the paper ID)";
    PAPER_EMPTY = "Scrivere il numero della carta", "Type the paper's number";
    SESSION = "Questa sessione", "This session";
    FIELDS = "campi", "fields";
    KEYS = "tasti", "keys";
    BAD_KEYS = "errati", "bad";
    CORRECTIONS = "correzioni", "corrections";
    HELD = "Valore rifiutato: Esc, poi riscrivere il campo", "Value refused: Esc, then key the field again";
    HELD_KEYS = "tasti trattenuti", "keys held back";
    HELD_KEY = "tasto trattenuto", "key held back";
    JUMP_TO = "Vai alla domanda n.", "Go to question no.";
    ANOTHER_ENTRY = "Un'altra voce?", "Another entry?";
    ANOTHER_KEYS = "1 sì, un'altra · 2 no, avanti", "1 yes, another · 2 no, go on";
    DRAFTS = "Bozze", "Drafts";
    COMPLETED = "Completate", "Completed";
    EXPORTED = "Esportate", "Exported";
    NO_DRAFTS = "Nessuna bozza. Premere n per iniziare una nuova risposta.", "No drafts. Press n to start a new response.";
    NO_COMPLETED = "Nessuna risposta completata.", "No completed responses.";
    UNNAMED = "(senza nome)", "(unnamed)";
    SAVED = "salvato", "saved";
    SAVING = "salvataggio in corso", "saving";
    SAVED_CAP = "Salvato", "Saved";
    NOT_SAVED = "NON SALVATO", "NOT SAVED";
    EDITED = "modificato: Invio per salvare", "edited: Enter saves";
    REQUIRED_MARK = "obbligatoria", "required";
    NOT_APPLICABLE = "non pertinente", "not applicable";
    FILTER = "Filtro", "Filter";
    OF = "di", "of";
    NO_MATCH = "Nessuna voce corrisponde al filtro", "No item matches the filter";
    COUNTED_REPEAT = "Quante voci ci sono lo dice una risposta: cambia quella", "The number of entries comes from an answer: change that answer";
    ACKNOWLEDGE = "Confermo", "I confirm";
    NOTE_CONTINUE = "Invio per continuare", "Enter to continue";
    OUTLINE = "Indice", "Outline";
    REVIEW = "Riepilogo", "Review";
    REVIEW_ISSUES = "Da sistemare", "To fix";
    REVIEW_ALL = "Tutte le risposte", "All answers";
    REVIEW_READY = "Tutto a posto: premere f per finalizzare.", "All good: press f to finalize.";
    REVIEW_BLOCKED = "Finalizzazione possibile quando non restano errori né risposte obbligatorie mancanti.", "Finalizing is possible once no errors or missing required answers remain.";
    REVIEW_READONLY = "Risposta completata (sola lettura).", "Completed response (read-only).";
    FINALIZE_CONFIRM = "Finalizzare la risposta? Non sarà più una bozza. (s/n)", "Finalize the response? It will no longer be a draft. (y/n)";
    FINALIZED = "Risposta completata e salvata", "Response completed and saved";
    CANNOT_FINALIZE = "Restano problemi da sistemare", "Problems remain to be fixed";
    NOTHING_TO_FILL = "Il questionario di questa risposta non ha nulla da compilare", "This response's questionnaire has nothing to fill";
    EMPTY_ANSWER = "(vuota)", "(empty)";
    HELP_TITLE = "Tasti", "Keys";
    HELP_CLOSE = "Esc o F1 per chiudere", "Esc or F1 to close";
    HELP_SCROLL = "altri tasti", "more keys";
    NEW_RESPONSE_STARTED = "Nuova risposta iniziata", "New response started";
    DRAFT_SAVED_LEFT = "Bozza salvata", "Draft saved";
    EXPORTING = "Esportazione in corso", "Exporting";
    EXPORT_BUSY = "Un'esportazione è già in corso", "An export is already under way";
    EXPORTED_TO = "Esportate", "Exported";
    EXPORTED_NOTHING = "Niente da esportare", "Nothing to export";
    UNREADABLE = "non leggibili (`rileva check`)", "could not be read (`rileva check`)";
    NOT_MARKED = "database in sola lettura: non segnate come esportate", "read-only database: not marked exported";
    STORE_ERROR = "Errore del database", "Database error";
    END_OF_FORM = "Fine del questionario", "End of the questionnaire";
    PROGRESS = "risposte", "answered";
    LAST_CHANGE = "ultima modifica", "last change";
    SECTION_NONE = "Domande", "Questions";
    LANGUAGE_NAME = "Italiano", "English";
    NO_SCREENS = "Nessuna domanda pertinente", "No applicable question";
    READ_ONLY = "sola lettura", "read-only";
    ENTRIES = "Voci inserite:", "Entries so far:";
    ADD_ANOTHER = "aggiunge un'altra voce", "adds another entry";
    GO_ON = "prosegue con il questionario", "goes on with the questionnaire";
    REMOVE_CONFIRM = "Eliminare questa voce e tutte le sue risposte? (s/n)", "Remove this entry and all its answers? (y/n)";
    ADD_ENTRY = "aggiungi", "add";
    ALREADY_EDITED = "Già modificata: la versione nuova è", "Already edited: the newer version is";
    EDITED_VERSION = "modificata", "edited";
    REPLACED_VERSION = "sostituita", "replaced";
    NEW_VERSION = "versione modificata di una risposta completata", "edited version of a completed response";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggling_twice_is_identity() {
        assert_eq!(Lang::It.toggled().toggled(), Lang::It);
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(SAVED.get(Lang::En), "saved");
    }
}
