//! Why a step of double entry may not be taken, said to the operator in the
//! interface's language.

/// Why a step of double entry is refused: said to the operator as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("paper {0} has no finalized first entry to verify: check the number")]
    NoFirstEntry(String),
    #[error(
        "paper {0} was not chosen for verification (the `verify` setting takes a share of each operator's papers)"
    )]
    NotChosen(String),
    #[error(
        "you keyed the first entry of paper {0}: the second must be keyed by another operator, without seeing it"
    )]
    SameOperator(String),
    #[error("paper {paper} is being keyed a second time by {by}")]
    TakenBy { paper: String, by: String },
    #[error("paper {0} has both its entries already")]
    BothKeyed(String),
    #[error("paper {0} is verified already")]
    AlreadyVerified(String),
    #[error("paper {0} has nothing to reconcile")]
    NothingToReconcile(String),
    #[error(
        "{who} keyed paper {paper}: its differences are reconciled by someone else (a supervisor)"
    )]
    Keyer { who: String, paper: String },
    #[error(
        "only a supervisor reconciles (set them with `rileva settings supervisors NAME`, or let other operators with `rileva settings reconcile others`)"
    )]
    NotSupervisor,
    #[error(
        "response {0} is a keying entry of a paper under verification: it stays as keyed; its differences are settled in reconciliation"
    )]
    EntryReadOnly(String),
    #[error("response {0} is not an edit of a verified response waiting to be accepted")]
    NotAnEdit(String),
}

impl Refusal {
    /// In the interface's language.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Refusal::NoFirstEntry(p) => format!(
                "il questionario {p} non ha una prima immissione finalizzata da verificare: controllare il numero"
            ),
            Refusal::NotChosen(p) => format!(
                "il questionario {p} non è stato scelto per la verifica (l'impostazione `verify` ne prende una quota per operatore)"
            ),
            Refusal::SameOperator(p) => format!(
                "la prima immissione del questionario {p} è vostra: la seconda va fatta da un altro operatore, senza vederla"
            ),
            Refusal::TakenBy { paper, by } => {
                format!("il questionario {paper} è già in seconda immissione da {by}")
            }
            Refusal::BothKeyed(p) => format!("il questionario {p} ha già entrambe le immissioni"),
            Refusal::AlreadyVerified(p) => format!("il questionario {p} è già verificato"),
            Refusal::NothingToReconcile(p) => {
                format!("il questionario {p} non ha nulla da riconciliare")
            }
            Refusal::Keyer { who, paper } => format!(
                "{who} ha immesso il questionario {paper}: le differenze le riconcilia qualcun altro (un supervisore)"
            ),
            Refusal::NotSupervisor => "riconcilia solo un supervisore (`rileva settings supervisors NOME`, oppure `rileva settings reconcile others` per gli altri operatori)".into(),
            Refusal::EntryReadOnly(id) => format!(
                "la risposta {id} è un'immissione di un questionario in verifica: resta com'è stata immessa; le differenze si risolvono nella riconciliazione"
            ),
            Refusal::NotAnEdit(id) => format!(
                "la risposta {id} non è una modifica di una risposta verificata in attesa di accettazione"
            ),
        }
    }
}
