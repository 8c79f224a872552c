//! What can go wrong with the database, kept typed up to the edges: the
//! command line prints it (`Display`, English), the screens say it in the
//! interface's language (`StoreError::text`).

use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {reason}")]
    CreateDir { path: String, reason: String },
    #[error("cannot open the database {path}: {reason}")]
    Open { path: String, reason: String },
    #[error(
        "{path} is not a rileva database or is damaged ({reason}); nothing was changed. Move it aside to start a new one, or restore a backup (`rileva check` says more)"
    )]
    Damaged { path: String, reason: String },
    /// Damage found while working (a page that does not read back).
    #[error(
        "the database is damaged ({0}); nothing more was written. Close rileva, run `rileva check`, then move rileva.sqlite3 aside and restore a backup"
    )]
    Corrupt(String),
    #[error(
        "{wal} does not belong to {path} (a database restored beside a newer WAL file, or a WAL copied from another data directory): nothing was changed. Move {wal} aside to open the database as it was last closed, or restore the backup that goes with it; `rileva check` says more"
    )]
    WalMismatch {
        path: String,
        wal: String,
        reason: String,
    },
    #[error(
        "the database {path} was written by a newer rileva (schema {found}, this one knows {known}); update rileva"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error(
        "the database {path} has a schema version rileva never wrote ({found}); nothing was changed. Restore a backup (`rileva check` says more)"
    )]
    BadVersion { path: String, found: i64 },
    #[error(
        "the database {path} could not be brought up to date (step {step}: {reason}); nothing was changed. Its tables do not match its schema version: restore a backup (`rileva check` says more)"
    )]
    Migration {
        path: String,
        step: i64,
        reason: String,
    },
    #[error("the database is busy (locked by another program) and did not free up in time")]
    Busy,
    #[error("the disk is full: the change was NOT saved")]
    DiskFull,
    #[error("the database cannot be written (read-only file or directory)")]
    ReadOnly,
    #[error("response {0} was not found")]
    NotFound(String),
    #[error("response {0} is not a draft: it cannot be changed")]
    NotDraft(String),
    #[error("response {0} is still a draft: edit it directly")]
    NotFinal(String),
    #[error("response {id} was already edited: its newer version is {by}")]
    Superseded { id: String, by: String },
    #[error(
        "paper {paper} is already keyed (response {id}): look it up there, or check the number"
    )]
    PaperKeyed { paper: String, id: String },
    /// A step of double entry that may not be taken, and why.
    #[error(transparent)]
    Refused(#[from] super::refusal::Refusal),
    #[error(
        "a server named {0} exists already: `rileva server remove {0}` first, or choose another name"
    )]
    ServerExists(String),
    #[error("cannot write the backup {path}: {reason}")]
    Backup { path: String, reason: String },
    #[error("database error: {0}")]
    Sql(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy,
            Some(C::DiskFull) => StoreError::DiskFull,
            Some(C::ReadOnly) => StoreError::ReadOnly,
            Some(C::DatabaseCorrupt | C::NotADatabase) => StoreError::Corrupt(e.to_string()),
            _ => StoreError::Sql(e.to_string()),
        }
    }
}

impl StoreError {
    /// The error in the interface's language, for the screens.
    pub fn text(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            StoreError::CreateDir { path, reason } => {
                format!("impossibile creare la cartella dei dati {path}: {reason}")
            }
            StoreError::Open { path, reason } => {
                format!("impossibile aprire il database {path}: {reason}")
            }
            StoreError::Damaged { path, reason } => format!(
                "{path} non è un database di rileva o è danneggiato ({reason}); nulla è stato cambiato. Spostarlo altrove per iniziarne uno nuovo, o ripristinare una copia (`rileva check` dice di più)"
            ),
            StoreError::Corrupt(reason) => format!(
                "il database è danneggiato ({reason}); non è stato scritto altro. Chiudere rileva, eseguire `rileva check`, poi spostare rileva.sqlite3 e ripristinare una copia"
            ),
            StoreError::WalMismatch { path, wal, .. } => format!(
                "{wal} non appartiene a {path} (un database ripristinato accanto a un WAL più recente, o un WAL copiato da un'altra cartella): nulla è stato cambiato. Spostare {wal} per aprire il database com'era all'ultima chiusura, o ripristinare la copia che va con esso"
            ),
            StoreError::TooNew { path, found, known } => format!(
                "il database {path} è stato scritto da un rileva più recente (schema {found}, questo conosce fino a {known}): aggiornare rileva"
            ),
            StoreError::BadVersion { path, found } => format!(
                "il database {path} ha una versione di schema che rileva non scrive mai ({found}); nulla è stato cambiato. Ripristinare una copia"
            ),
            StoreError::Migration { path, step, reason } => format!(
                "il database {path} non si è potuto aggiornare (passo {step}: {reason}); nulla è stato cambiato. Ripristinare una copia"
            ),
            StoreError::ServerExists(name) => format!(
                "esiste già un server di nome {name}: prima `rileva server remove {name}`, o scegliere un altro nome"
            ),
            StoreError::Busy => {
                "il database è occupato da un altro programma e non si è liberato in tempo".into()
            }
            StoreError::DiskFull => "il disco è pieno: la modifica NON è stata salvata".into(),
            StoreError::ReadOnly => {
                "il database non si può scrivere (file o cartella in sola lettura)".into()
            }
            StoreError::NotFound(id) => format!("risposta {id} non trovata"),
            StoreError::NotDraft(id) => {
                format!("la risposta {id} non è una bozza: non si può cambiare")
            }
            StoreError::NotFinal(id) => {
                format!("la risposta {id} è ancora una bozza: modificarla direttamente")
            }
            StoreError::Superseded { id, by } => {
                format!("la risposta {id} è già stata modificata: la versione nuova è {by}")
            }
            StoreError::PaperKeyed { paper, id } => format!(
                "la carta {paper} è già stata trascritta (risposta {id}): cercarla lì, o controllare il numero"
            ),
            StoreError::Refused(r) => r.text(lang),
            StoreError::Backup { path, reason } => {
                format!("impossibile scrivere la copia {path}: {reason}")
            }
            StoreError::Sql(m) => format!("errore del database: {m}"),
        }
    }
}
