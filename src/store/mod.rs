//! The only module that touches SQLite: schema, migrations, settings, stored
//! form snapshots, responses and their answers.
//!
//! Every write is its own transaction; a function returns `Ok` only after the
//! commit (WAL with `synchronous=FULL`: durable across a power cut).

mod import;
mod lock;
mod schema;

pub use import::{Imported, ImportedResponse};
pub use lock::{DirLock, LockError};

use crate::form::{Form, FormBundle};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
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

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database {path}: {reason}")]
    Open { path: String, reason: String },
    #[error(
        "{path} is not a rileva database or is damaged ({reason}); nothing was changed. Move it aside to start a new one, or restore a backup"
    )]
    Damaged { path: String, reason: String },
    #[error(
        "the database {path} was written by a newer rileva (schema {found}, this one knows {known}); update rileva"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
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
            _ => StoreError::Sql(e.to_string()),
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
    pub created_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    pub exported_at: Option<String>,
}

pub use crate::engine::Summary;

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
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub draft: i64,
    pub complete: i64,
    pub exported: i64,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Creates the data directory (0700) if needed.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    let err = |source| StoreError::CreateDir {
        path: dir.display().to_string(),
        source,
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

impl Store {
    /// A write transaction that takes the write lock at once: one that
    /// reads first and writes later could find another process wrote in
    /// between and fail at once, without the busy timeout's wait.
    fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Opens (creating if needed) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store> {
        ensure_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        let shown = path.display().to_string();
        if !path.exists() {
            // Create the file first, so that it is 0600 from the start (SQLite
            // gives its -wal and -shm files the same permissions).
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            if let Err(e) = options.open(&path)
                && e.kind() != std::io::ErrorKind::AlreadyExists
            {
                return Err(StoreError::Open {
                    path: shown,
                    reason: e.to_string(),
                });
            }
        }
        let mut conn = Connection::open(&path).map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let damaged = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                StoreError::Damaged {
                    path: shown.clone(),
                    reason: e.to_string(),
                }
            }
            _ => StoreError::from(e),
        };
        // The first read tells a database from something else; a newer
        // rileva's database is refused before anything is written to it.
        conn.pragma_query_value(None, "schema_version", |r| r.get::<_, i64>(0))
            .map_err(damaged)?;
        let migrate_error = |e: schema::MigrateError| match e {
            schema::MigrateError::TooNew { found, known } => StoreError::TooNew {
                path: shown.clone(),
                found,
                known,
            },
            schema::MigrateError::Foreign => StoreError::Damaged {
                path: shown.clone(),
                reason: "it holds tables of another program".into(),
            },
            schema::MigrateError::Sql(e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ReadOnly) => StoreError::Open {
                    path: shown.clone(),
                    reason: "the file or its directory is read-only".into(),
                },
                _ => damaged(e),
            },
        };
        schema::check_version(&conn).map_err(migrate_error)?;
        // Two first opens at once (a TUI and `rileva list`, say) can meet
        // while one switches the journal or migrates; SQLite then answers
        // busy without waiting, so wait and try again for a while.
        let mut attempts = 0;
        loop {
            match prepare(&mut conn, &shown).map_err(|e| match e {
                Prepare::Migrate(e) => migrate_error(e),
                Prepare::Store(e) => e,
            }) {
                Err(StoreError::Busy) if attempts < 50 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(20 + 10 * attempts));
                }
                other => break other?,
            }
        }
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The operator's name for this data directory, if one was given.
    pub fn operator(&self) -> Result<Option<String>> {
        Ok(self.setting("operator")?.filter(|s| !s.trim().is_empty()))
    }

    pub fn set_operator(&self, name: &str) -> Result<()> {
        self.set_setting("operator", name.trim())
    }

    /// This data directory's device id (`rileva:<uuid>`), created on first use.
    pub fn device_id(&self) -> Result<String> {
        if let Some(id) = self.setting("device_id")? {
            return Ok(id);
        }
        let id = format!("rileva:{}", uuid::Uuid::new_v4().simple());
        self.conn.execute(
            "INSERT OR IGNORE INTO settings(key, value) VALUES ('device_id', ?1)",
            [&id],
        )?;
        Ok(self.setting("device_id")?.unwrap_or(id))
    }

    /// Stores a form snapshot once (by hash): the bundle it was compiled from,
    /// so that its responses always reopen with it.
    pub fn save_form(&self, bundle: &FormBundle, form: &Form, at: &str) -> Result<()> {
        insert_form(&self.conn, bundle, form, at)
    }

    pub fn load_form(&self, sha256: &str) -> Result<Option<FormBundle>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT bundle FROM forms WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?;
        match text {
            None => Ok(None),
            Some(t) => FormBundle::from_snapshot(&t)
                .map(Some)
                .map_err(StoreError::Sql),
        }
    }

    /// Creates a draft with its first answers (defaults), in one transaction.
    pub fn create_response(&mut self, r: &NewResponse<'_>) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO responses(id, form_sha256, status, operator, device_id, language,
                 instance_name, answered, relevant, position, created_at, updated_at)
             VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                r.id,
                r.form_sha256,
                r.operator,
                r.device_id,
                r.language,
                r.summary.instance_name,
                r.summary.answered,
                r.summary.relevant,
                r.summary.position,
                r.created_at
            ],
        )?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO answers(response_id, path, value, operator, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (path, value) in r.answers {
                insert.execute(params![r.id, path, value, r.operator, r.created_at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Saves one answer of a draft (`None` clears it) and its summary, in one
    /// transaction. Returns only after the commit.
    pub fn save_answer(
        &mut self,
        id: &str,
        path: &str,
        value: Option<&str>,
        operator: &str,
        summary: &Summary,
        at: &str,
    ) -> Result<()> {
        let tx = self.write()?;
        update_summary(&tx, id, summary, at)?;
        match value {
            Some(v) => upsert_answers(&tx, id, &[(path.to_string(), v.to_string())], operator, at)?,
            None => {
                tx.execute(
                    "DELETE FROM answers WHERE response_id = ?1 AND path = ?2",
                    params![id, path],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Remembers the screen a draft was left on.
    pub fn save_position(&self, id: &str, position: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE responses SET position = ?2 WHERE id = ?1 AND status = 'draft'",
            params![id, position],
        )?;
        Ok(())
    }

    /// Marks a draft complete. The caller has checked that nothing is missing.
    pub fn finalize(
        &mut self,
        id: &str,
        summary: &Summary,
        language: &str,
        answers: &[(String, String)],
        operator: &str,
        at: &str,
    ) -> Result<()> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE responses SET status = 'complete', instance_name = ?2, answered = ?3, relevant = ?4,
                 language = ?5, updated_at = ?6, completed_at = ?6
             WHERE id = ?1 AND status = 'draft'",
            params![id, summary.instance_name, summary.answered, summary.relevant, language, at],
        )?;
        if changed == 0 {
            return Err(self_not_draft(&tx, id));
        }
        upsert_answers(&tx, id, answers, operator, at)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces every answer of a draft with `answers` (the rows that differ
    /// are written, the ones not given are deleted) and its summary, in one
    /// transaction: used when repeat instances are added or removed.
    pub fn replace_answers(
        &mut self,
        id: &str,
        answers: &[(String, String)],
        operator: &str,
        summary: &Summary,
        at: &str,
    ) -> Result<()> {
        let tx = self.write()?;
        update_summary(&tx, id, summary, at)?;
        let current: std::collections::HashMap<String, String> = {
            let mut stmt = tx.prepare("SELECT path, value FROM answers WHERE response_id = ?1")?;
            let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let wanted: std::collections::HashSet<&str> =
            answers.iter().map(|(p, _)| p.as_str()).collect();
        {
            let mut delete =
                tx.prepare("DELETE FROM answers WHERE response_id = ?1 AND path = ?2")?;
            for path in current.keys().filter(|p| !wanted.contains(p.as_str())) {
                delete.execute(params![id, path])?;
            }
        }
        let changed: Vec<(String, String)> = answers
            .iter()
            .filter(|(p, v)| current.get(p) != Some(v))
            .cloned()
            .collect();
        upsert_answers(&tx, id, &changed, operator, at)?;
        tx.commit()?;
        Ok(())
    }

    /// Starts a new version of a finalized (complete or exported) response:
    /// a draft with its answers, a new id and `deprecated_id` pointing at the
    /// old one, which is kept as it was and notes its successor. One
    /// transaction.
    pub fn new_version(&mut self, old: &str, new: &str, operator: &str, at: &str) -> Result<()> {
        let tx = self.write()?;
        let status: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT status, superseded_by FROM responses WHERE id = ?1",
                [old],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match status {
            None => return Err(StoreError::NotFound(old.to_string())),
            Some((s, _)) if s == "draft" => return Err(StoreError::NotFinal(old.to_string())),
            Some((_, Some(by))) => {
                return Err(StoreError::Superseded {
                    id: old.to_string(),
                    by,
                });
            }
            Some(_) => {}
        }
        tx.execute(
            "INSERT INTO responses(id, form_sha256, status, operator, device_id, language, instance_name,
                 answered, relevant, position, deprecated_id, created_at, updated_at)
             SELECT ?2, form_sha256, 'draft', ?3, device_id, language, instance_name, answered, relevant,
                 NULL, id, ?4, ?4
             FROM responses WHERE id = ?1",
            params![old, new, operator, at],
        )?;
        tx.execute(
            "INSERT INTO answers(response_id, path, value, operator, updated_at)
             SELECT ?2, path, value, operator, updated_at FROM answers WHERE response_id = ?1",
            params![old, new],
        )?;
        tx.execute(
            "UPDATE responses SET superseded_by = ?2 WHERE id = ?1",
            params![old, new],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Marks complete responses exported (called after their files are on disk).
    pub fn mark_exported(&mut self, ids: &[String], at: &str) -> Result<()> {
        let tx = self.write()?;
        {
            let mut update = tx.prepare(
                "UPDATE responses SET status = 'exported', exported_at = ?2
                 WHERE id = ?1 AND status IN ('complete', 'exported')",
            )?;
            for id in ids {
                update.execute(params![id, at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn response(&self, id: &str) -> Result<Option<ResponseRow>> {
        let sql = format!("{SELECT_ROW} WHERE r.id = ?1");
        Ok(self.conn.query_row(&sql, [id], row).optional()?)
    }

    /// Responses with the given statuses (all when empty), most recently changed first.
    pub fn list(&self, statuses: &[Status]) -> Result<Vec<ResponseRow>> {
        // Times carry the local offset, which changes (summer time, travel):
        // order by the instant, not the text.
        let sql =
            format!("{SELECT_ROW} ORDER BY julianday(r.updated_at) DESC, r.updated_at DESC, r.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], row)?;
        let mut out = Vec::new();
        for r in rows {
            let r = r?;
            if statuses.is_empty() || statuses.contains(&r.status) {
                out.push(r);
            }
        }
        Ok(out)
    }

    pub fn counts(&self) -> Result<Counts> {
        let mut stmt = self
            .conn
            .prepare("SELECT status, count(*) FROM responses GROUP BY status")?;
        let mut counts = Counts::default();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for r in rows {
            let (status, n) = r?;
            match Status::parse(&status) {
                Some(Status::Draft) => counts.draft = n,
                Some(Status::Complete) => counts.complete = n,
                Some(Status::Exported) => counts.exported = n,
                None => {}
            }
        }
        Ok(counts)
    }

    /// The stored answers of a response, by data path.
    pub fn answers(&self, id: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, value FROM answers WHERE response_id = ?1 ORDER BY path")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

enum Prepare {
    Migrate(schema::MigrateError),
    Store(StoreError),
}

/// WAL, durability and foreign keys for this connection, then the migrations
/// (which also prove the file can be written: a read-only database is refused
/// at open, not at the first answer).
fn prepare(conn: &mut Connection, shown: &str) -> std::result::Result<(), Prepare> {
    let sql = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            Prepare::Store(StoreError::Busy)
        }
        _ => Prepare::Migrate(schema::MigrateError::Sql(e)),
    };
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Prepare::Store(StoreError::Open {
            path: shown.to_string(),
            reason: format!("WAL journal not available (got {mode})"),
        }));
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sql)?;
    schema::migrate(conn).map_err(|e| match e {
        schema::MigrateError::Sql(e) => sql(e),
        e => Prepare::Migrate(e),
    })
}

/// Stores a form snapshot once (by hash), in or out of a transaction.
pub(super) fn insert_form(
    conn: &Connection,
    bundle: &FormBundle,
    form: &Form,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO forms(sha256, form_id, version, title, bundle, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            form.sha256,
            form.id,
            form.version,
            form.title,
            bundle.to_snapshot(),
            at
        ],
    )?;
    Ok(())
}

/// A draft's summary and change time, or why it cannot change.
fn update_summary(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    summary: &Summary,
    at: &str,
) -> Result<()> {
    let changed = tx.execute(
        "UPDATE responses SET instance_name = ?2, answered = ?3, relevant = ?4, position = ?5, updated_at = ?6
         WHERE id = ?1 AND status = 'draft'",
        params![id, summary.instance_name, summary.answered, summary.relevant, summary.position, at],
    )?;
    if changed == 0 {
        return Err(self_not_draft(tx, id));
    }
    Ok(())
}

fn upsert_answers(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    answers: &[(String, String)],
    operator: &str,
    at: &str,
) -> Result<()> {
    let mut upsert = tx.prepare(
        "INSERT INTO answers(response_id, path, value, operator, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(response_id, path) DO UPDATE SET value = excluded.value,
             operator = excluded.operator, updated_at = excluded.updated_at",
    )?;
    for (path, value) in answers {
        upsert.execute(params![id, path, value, operator, at])?;
    }
    Ok(())
}

fn self_not_draft(tx: &rusqlite::Transaction<'_>, id: &str) -> StoreError {
    match tx
        .query_row("SELECT 1 FROM responses WHERE id = ?1", [id], |_| Ok(()))
        .optional()
    {
        Ok(Some(())) => StoreError::NotDraft(id.to_string()),
        Ok(None) => StoreError::NotFound(id.to_string()),
        Err(e) => e.into(),
    }
}

const SELECT_ROW: &str = "SELECT r.id, r.form_sha256, f.form_id, f.version, f.title, r.status, r.operator,
        r.device_id, r.language, r.instance_name, r.answered, r.relevant, r.position, r.deprecated_id,
        r.created_at, r.updated_at, r.completed_at, r.exported_at, r.superseded_by
    FROM responses r JOIN forms f ON f.sha256 = r.form_sha256";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResponseRow> {
    let status: String = r.get(5)?;
    Ok(ResponseRow {
        id: r.get(0)?,
        form_sha256: r.get(1)?,
        form_id: r.get(2)?,
        form_version: r.get(3)?,
        form_title: r.get(4)?,
        status: Status::parse(&status).unwrap_or(Status::Draft),
        operator: r.get(6)?,
        device_id: r.get(7)?,
        language: r.get(8)?,
        instance_name: r.get(9)?,
        answered: r.get(10)?,
        relevant: r.get(11)?,
        position: r.get(12)?,
        deprecated_id: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        completed_at: r.get(16)?,
        exported_at: r.get(17)?,
        superseded_by: r.get(18)?,
    })
}
