//! The only module that touches SQLite: schema, migrations, settings, stored
//! form snapshots, responses and their answers, and keeping the file sound.
//!
//! Every write is its own transaction; a function returns `Ok` only after the
//! commit (WAL with `synchronous=FULL`: durable across a power cut). The last
//! store to close a data directory checkpoints and truncates the WAL, so a
//! closed data directory is one self-contained file; a WAL found there with
//! nobody using it is checked before SQLite applies it.

mod audit;
mod carry;
mod error;
mod import;
mod keying_errors;
mod listing;
mod lock;
mod maintenance;
mod media;
mod policy;
mod previous;
mod reader;
mod reconcile;
mod refusal;
mod responses;
mod schema;
mod sending;
mod sessions;
mod verify;

pub use crate::engine::Summary;
pub use audit::{AuditEvent, AuditRow, EVENTS as AUDIT_EVENTS, now_ms};
pub use carry::Carried;
pub use error::StoreError;
pub use import::{Imported, ImportedResponse};
pub use keying_errors::{DoubleEntry, FormVerification, KeyerErrors, Slip};
pub use lock::{DirLock, LockError};
pub use maintenance::{Health, check};
pub use media::{Attached, MEDIA_DIR};
pub use policy::{KEYS as SETTINGS, Policy, Share, check_setting};
pub use previous::Earlier;
pub use reader::Reader;
pub use reconcile::{Decision, Reason, Taken};
pub use refusal::Refusal;
pub use sending::{Attempt, Delivery, Server, ServerKind};
pub use sessions::SessionRecord;
pub use verify::{SecondEntry, Verification};

use lock::OpenLock;
use responses::insert_form;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DB_FILE: &str = "rileva.sqlite3";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    Complete,
    Exported,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Complete => "complete",
            Status::Exported => "exported",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "complete" => Some(Status::Complete),
            "exported" => Some(Status::Exported),
            _ => None,
        }
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// A response as listed: everything but the answers.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRow {
    pub id: String,
    pub form_sha256: String,
    pub form_id: String,
    pub form_version: String,
    pub form_title: String,
    pub status: Status,
    pub operator: String,
    pub device_id: String,
    pub language: String,
    pub instance_name: Option<String>,
    pub answered: i64,
    pub relevant: i64,
    pub position: Option<String>,
    pub deprecated_id: Option<String>,
    /// The version that replaced this one, once it was edited.
    pub superseded_by: Option<String>,
    /// The number written on the paper it was keyed from (transcription).
    pub paper_id: Option<String>,
    /// Its part in its paper's double entry, when the paper is verified.
    pub entry: Option<EntryRole>,
    pub created_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    pub exported_at: Option<String>,
}

impl ResponseRow {
    /// Whether it is a keying entry of a paper under verification that
    /// `viewer` did not key: double entry is blind, so it is shown without
    /// what it holds and not opened.
    pub fn hidden_from(&self, viewer: Option<&str>) -> bool {
        self.entry.is_some_and(EntryRole::is_keying) && viewer != Some(self.operator.as_str())
    }

    /// How lists name a response: after the number of the paper it was
    /// keyed from, `[P-0042] Comune di Bari`.
    pub fn listed_name(&self, name: &str) -> String {
        match &self.paper_id {
            Some(p) => format!("[{p}] {name}"),
            None => name.to_string(),
        }
    }
}

/// A response's part in the double entry of its paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryRole {
    /// The first keying: read-only, never exported (the result is).
    First,
    /// The blind second keying: likewise.
    Second,
    /// The verified response.
    Result,
    /// A new version of a verified response, not verified again yet.
    Edit,
}

impl EntryRole {
    pub fn parse(s: &str) -> Option<EntryRole> {
        match s {
            "first" => Some(EntryRole::First),
            "second" => Some(EntryRole::Second),
            "result" => Some(EntryRole::Result),
            "edit" => Some(EntryRole::Edit),
            _ => None,
        }
    }

    /// A keying entry: shown only to who keyed it, never exported.
    pub fn is_keying(self) -> bool {
        matches!(self, EntryRole::First | EntryRole::Second)
    }
}

#[derive(Debug, Clone)]
pub struct NewResponse<'a> {
    pub id: &'a str,
    pub form_sha256: &'a str,
    pub operator: &'a str,
    pub device_id: &'a str,
    pub language: &'a str,
    pub created_at: &'a str,
    pub summary: &'a Summary,
    pub answers: &'a [(String, String)],
    /// Keyed from paper: the number written on it.
    pub paper: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub draft: i64,
    pub complete: i64,
    pub exported: i64,
}

impl Counts {
    pub fn total(&self) -> i64 {
        self.draft + self.complete + self.exported
    }
}

/// Which responses a listing shows (`Store::page`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    All,
    Status(Status),
    /// The start screen's panes: drafts, and complete or exported.
    Drafts,
    Finished,
    /// Double entry: first entries of papers not verified yet, and edits of
    /// verified responses not accepted yet.
    Unverified,
    /// First entries of papers whose two entries differ.
    ToReconcile,
    /// Verified responses (the result of each paper verified).
    Verified,
}

impl Listing {
    /// How many responses the listing has, from the counts by status.
    pub fn within(self, c: Counts) -> i64 {
        match self {
            Listing::All => c.total(),
            Listing::Status(Status::Draft) | Listing::Drafts => c.draft,
            Listing::Status(Status::Complete) => c.complete,
            Listing::Status(Status::Exported) => c.exported,
            Listing::Finished => c.complete + c.exported,
            // Counted by `Store::count` itself.
            Listing::Unverified | Listing::ToReconcile | Listing::Verified => 0,
        }
    }
}

/// Where `Store::batch` goes on from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(i64);

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Absent for a read-only store (nothing to checkpoint, no lock file).
    open_lock: Option<OpenLock>,
    /// Audit events noted by the interface, written with the next write.
    pending: std::cell::RefCell<Vec<(AuditEvent, String)>>,
}

/// Creates the data directory (0700) if needed.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    let err = |source: std::io::Error| StoreError::CreateDir {
        path: dir.display().to_string(),
        reason: source.to_string(),
    };
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(err)
}

/// Creates an empty file that only its owner reads (0600), unless it exists.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

impl Store {
    /// A write transaction that takes the write lock at once: one that
    /// reads first and writes later could find another process wrote in
    /// between and fail at once, without the busy timeout's wait.
    fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Opens (creating if needed) the database in `data_dir`, for reading
    /// and writing.
    pub fn open(data_dir: &Path) -> Result<Store> {
        ensure_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        let shown = path.display().to_string();
        // Create the file first, so that it is 0600 from the start (SQLite
        // gives its -wal and -shm files the same permissions).
        create_private(&path).map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let (open_lock, alone) = OpenLock::take(data_dir).map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: format!("{e} (the lock file rileva.open beside it)"),
        })?;
        // Nobody else has it open, yet a WAL holds frames: a crash left it
        // (sound), or a restore or a copy put it there (then refused before
        // SQLite can make it permanent).
        if alone && maintenance::wal_has_frames(&path) {
            maintenance::guard_leftover_wal(&path)?;
        }
        let mut conn = Connection::open(&path).map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // The first read tells a database from something else; a newer
        // rileva's database is refused before anything is written to it.
        conn.pragma_query_value(None, "schema_version", |r| r.get::<_, i64>(0))
            .map_err(|e| damaged(&shown, e))?;
        schema::check_version(&conn).map_err(|e| migrate_error(&shown, e))?;
        // Two first opens at once (a TUI and `rileva list`, say) can meet
        // while one switches the journal or migrates; SQLite then answers
        // busy without waiting, so wait and try again for a while.
        let mut attempts = 0;
        loop {
            match prepare(&mut conn, &shown) {
                Err(StoreError::Busy) if attempts < 50 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(20 + 10 * attempts));
                }
                other => break other?,
            }
        }
        open_lock.share().map_err(|e| StoreError::Open {
            path: shown,
            reason: e.to_string(),
        })?;
        Ok(Store {
            conn,
            path,
            open_lock: Some(open_lock),
            pending: Default::default(),
        })
    }

    /// Opens an existing, up-to-date database for reading only (a read-only
    /// file or directory): nothing is written, not even a lock file.
    pub fn open_read_only(data_dir: &Path) -> Result<Store> {
        let path = data_dir.join(DB_FILE);
        let shown = path.display().to_string();
        let open = |flags: OpenFlags, uri: &Path| {
            Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        };
        let conn = match open(OpenFlags::SQLITE_OPEN_READ_ONLY, &path) {
            Ok(c)
                if c.pragma_query_value(None, "schema_version", |r| r.get::<_, i64>(0))
                    .is_ok() =>
            {
                c
            }
            // A WAL database in a directory where no -shm can be made:
            // nobody can be writing it, so it can be read as immutable.
            _ => {
                let uri = format!("file:{}?immutable=1", path.display());
                open(
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
                    Path::new(&uri),
                )
                .map_err(|e| StoreError::Open {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?
            }
        };
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_query_value(None, "schema_version", |r| r.get::<_, i64>(0))
            .map_err(|e| damaged(&shown, e))?;
        let version = schema::check_version(&conn).map_err(|e| migrate_error(&shown, e))?;
        if version != schema::latest() {
            return Err(StoreError::Open {
                path: shown,
                reason: format!(
                    "it is read-only and was written by an older rileva (schema {version}): it can be read once it can be written and brought up to date"
                ),
            });
        }
        Ok(Store {
            conn,
            path,
            open_lock: None,
            pending: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this store was opened read-only (`open_read_only`).
    pub fn is_read_only(&self) -> bool {
        self.open_lock.is_none()
    }
}

impl Drop for Store {
    /// The last store out checkpoints the WAL into the database and
    /// truncates it: a closed data directory is one self-contained file.
    fn drop(&mut self) {
        if self.open_lock.is_some() {
            let _ = self.flush_audit();
        }
        if let Some(lock) = &self.open_lock
            && lock.last_out()
        {
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

fn damaged(shown: &str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            StoreError::Damaged {
                path: shown.to_string(),
                reason: e.to_string(),
            }
        }
        _ => StoreError::from(e),
    }
}

fn migrate_error(shown: &str, e: schema::MigrateError) -> StoreError {
    let path = shown.to_string();
    match e {
        schema::MigrateError::TooNew { found, known } => StoreError::TooNew { path, found, known },
        schema::MigrateError::BadVersion(found) => StoreError::BadVersion { path, found },
        schema::MigrateError::Foreign => StoreError::Damaged {
            path,
            reason: "it holds tables of another program".into(),
        },
        schema::MigrateError::Step { step, reason } => StoreError::Migration { path, step, reason },
        schema::MigrateError::Sql(e) => match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            _ => damaged(shown, e),
        },
    }
}

/// WAL, durability and foreign keys for this connection, then the migrations
/// (which also prove the file can be written: a read-only database is refused
/// at open, not at the first answer).
fn prepare(conn: &mut Connection, shown: &str) -> Result<()> {
    let sql = |e: rusqlite::Error| migrate_error(shown, schema::MigrateError::Sql(e));
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Open {
            path: shown.to_string(),
            reason: format!("WAL journal not available (got {mode})"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sql)?;
    schema::migrate(conn).map_err(|e| migrate_error(shown, e))
}
