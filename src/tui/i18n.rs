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
    BLIND_ENTRY = "Immissione di un altro operatore di un questionario in verifica: non si vede (la riconciliazione mostra le differenze)", "Another operator's entry of a paper under verification: not shown (reconciliation shows the differences)";
    DECIDE_FIRST = "Prima scegliere un valore (1, 2 o 3)", "Choose a value first (1, 2 or 3)";
    NOT_FINISHED = "Non ancora: da decidere o da correggere", "Not yet: to decide or to correct";
    RECONCILED = "riconciliato: la risposta verificata è pronta", "reconciled: the verified response is ready";
    ENTRIES_AGREE = "le due immissioni concordano: verificato", "the two entries agree: verified";
    ENTRIES_DIFFER = "campi differiscono dalla prima immissione: da riconciliare", "fields differ from the first entry: to reconcile";
    VERIFY_TITLE = "Seconda immissione (alla cieca)", "Second entry (blind)";
    VERIFY_PROMPT = "Numero del questionario cartaceo da immettere di nuovo", "Number of the paper questionnaire to key again";
    RECONCILE_TITLE = "Riconciliazione", "Reconciliation";
    RECONCILE_PROMPT = "Numero del questionario da riconciliare (Invio: il primo in attesa)", "Number of the paper to reconcile (Enter: the first waiting)";
    WAITING = "In attesa", "Waiting";
    NONE_WAITING = "Nessun questionario in attesa", "No paper waiting";
    FIRST_ENTRY = "1ª immissione", "1st entry";
    SECOND_ENTRY = "2ª immissione", "2nd entry";
    VERIFIED = "verificata", "verified";
    EDIT_UNVERIFIED = "modifica da accettare", "edit to accept";
    ALL_DECIDED = "Tutto deciso: f crea la risposta verificata", "All decided: f makes the verified response";
    REASON_PROMPT = "Motivo: 1 errore della prima · 2 errore della seconda · 3 di entrambe · 4 illeggibile · 5 altro", "Reason: 1 first keyed wrong · 2 second keyed wrong · 3 both · 4 illegible · 5 other";
    THIRD_PROMPT = "Valore dalla carta", "Value from the paper";
    NOTE_PROMPT = "Nota (altro motivo)", "Note (other reason)";
    DOUBLE_ENTRY = "Verifica", "Verification";
    TO_VERIFY = "da immettere", "to key";
    TO_RECONCILE = "da riconciliare", "to reconcile";
    YOUR_ERRORS = "errori", "errors";
    NOT_RELEVANT_SHORT = "non pertinente", "does not apply";
    PAPER = "Questionario", "Paper";
    DECIDED = "decisi", "decided";
    DIFFERENCES = "Differenze tra le due immissioni", "Where the two entries differ";
    THIRD_VALUE = "un altro valore", "another value";
    REASON_FIRST = "errore della prima immissione", "keying error of the first entry";
    REASON_SECOND = "errore della seconda immissione", "keying error of the second entry";
    REASON_BOTH = "errore di entrambe", "keying error of both";
    REASON_ILLEGIBLE = "illeggibile sulla carta", "illegible on paper";
    REASON_OTHER = "altro", "other";
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
    JOB_BUSY = "Un invio o un'esportazione è già in corso", "A send or an export is already under way";
    SENDING = "Invio in corso", "Sending";
    SENT_TO = "Inviate a", "Sent to";
    SENT_ALREADY = "già sul server", "already on the server";
    SENT_LEFT = "da inviare", "left to send";
    SENT_STOPPED = "interrotto", "stopped";
    SERVER_TITLE = "Inviare a quale server?", "Send to which server?";
    SERVER_PROMPT = "Nome o numero del server (Invio da solo: il primo)", "The server's name or number (Enter alone: the first)";
    SERVER_UNKNOWN = "Nessun server con questo nome o numero", "No server has this name or number";
    SERVERS = "Server", "Servers";
    PASSWORD_TITLE = "Password per l'invio", "Password for sending";
    PASSWORD_PROMPT = "non viene salvata: vale per questo invio", "not saved: for this send only";
    PASSWORD_EMPTY = "Scrivere la password", "Type the password";
    PASSWORD_REFUSED = "Rifiutata dal server", "Refused by the server";
    EXPORTED_TO = "Esportate", "Exported";
    EXPORTED_NOTHING = "Niente da esportare", "Nothing to export";
    UNREADABLE = "non leggibili (`rileva check`)", "could not be read (`rileva check`)";
    FILES_MISSING = "file allegati mancanti (`rileva export` dice quali)", "attached files missing (`rileva export` says which)";
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
    CATALOGUE = "Catalogo delle pratiche", "Catalogue of practices";
    CATALOGUE_LOADING = "Lettura del catalogo…", "Reading the catalogue…";
    CATALOGUE_EMPTY = "Nessuna pratica completata da mostrare (servono risposte completate con il consenso alla pubblicazione).", "No completed practice to show (it takes completed responses with consent to publish).";
    CATALOGUE_NO_MATCH = "Nessuna pratica corrisponde alla ricerca e ai filtri (Ctrl+U li cancella).", "No practice matches the search and the filters (Ctrl+U clears them).";
    CATALOGUE_OF = "pratiche su", "of";
    CATALOGUE_OF_ONE = "pratica su", "of";
    CATALOGUE_PRACTICES = "pratiche", "practices";
    CATALOGUE_WITHHELD = "non pubblicabili per il consenso", "not publishable under their consent";
    CATALOGUE_WITHHELD_ONE = "non pubblicabile per il consenso", "not publishable under its consent";
    CATALOGUE_SEARCH = "Cerca", "Search";
    CATALOGUE_ALL = "tutte", "all";
    CATALOGUE_ARROWS = "← → cambiano questo filtro, Tab passa al seguente", "← → change this filter, Tab goes to the next";
    CATALOGUE_UPDATED = "Scheda aggiornata al", "Record updated on";
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
