//! The audit log and the paper a response was keyed from. Events the store
//! sees itself (a response started, an answer set with its old and new value,
//! finalized, edited) are written in the transaction that makes them; the
//! ones only the interface sees (a question shown, a value refused, a jump)
//! are noted in memory and written with the next write, or when the store
//! closes: showing a question costs no disk write, and an answer never waits
//! for its audit.

use super::{Result, Store};
use rusqlite::{OptionalExtension, Transaction, params};

/// One event of a response, as ODK's client audit log has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub response_id: String,
    /// `form start`, `question`, `answer`, `constraint error`, … (see
    /// docs and `EVENTS`).
    pub event: &'static str,
    /// The question's data path, when the event is about one.
    pub node: Option<String>,
    /// Milliseconds since the epoch.
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// An event as stored, with who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub event: String,
    pub node: Option<String>,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub user: String,
}

/// The events rileva records, for the documentation and tests.
pub const EVENTS: &[&str] = &[
    "form start",
    "form resume",
    "form exit",
    "question",
    "group questions",
    "answer",
    "constraint error",
    "jump",
    "add repeat",
    "delete repeat",
    "form finalize",
    "form edit",
];

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

impl AuditEvent {
    pub fn new(response_id: &str, event: &'static str, node: Option<String>) -> AuditEvent {
        AuditEvent {
            response_id: response_id.to_string(),
            event,
            node,
            start_ms: now_ms(),
            end_ms: None,
            old_value: None,
            new_value: None,
        }
    }
}

pub(super) fn insert(tx: &Transaction<'_>, e: &AuditEvent, user: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit(response_id, event, node, start_ms, end_ms, old_value, new_value, user)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.response_id,
        e.event,
        e.node,
        e.start_ms,
        e.end_ms,
        e.old_value,
        e.new_value,
        user
    ])?;
    Ok(())
}

pub(super) fn write_all(tx: &Transaction<'_>, noted: &[(AuditEvent, String)]) -> Result<()> {
    for (e, user) in noted {
        insert(tx, e, user)?;
    }
    Ok(())
}

/// An answer's change, recorded in the write's own transaction.
pub(super) fn answer_changed(
    tx: &Transaction<'_>,
    id: &str,
    path: &str,
    old: Option<String>,
    new: Option<&str>,
    user: &str,
) -> Result<()> {
    if old.as_deref() == new {
        return Ok(());
    }
    let mut e = AuditEvent::new(id, "answer", Some(path.to_string()));
    e.old_value = old;
    e.new_value = new.map(str::to_string);
    insert(tx, &e, user)
}

/// The stored value of one answer, read inside a write.
pub(super) fn stored_value(tx: &Transaction<'_>, id: &str, path: &str) -> Result<Option<String>> {
    Ok(tx
        .prepare_cached("SELECT value FROM answers WHERE response_id = ?1 AND path = ?2")?
        .query_row(params![id, path], |r| r.get(0))
        .optional()?)
}

impl Store {
    /// Notes an event only the interface sees; it is written with the next
    /// write (or when the store closes).
    pub fn note(&self, event: AuditEvent, user: &str) {
        self.pending.borrow_mut().push((event, user.to_string()));
    }

    /// Takes the noted events, to write in the transaction about to begin
    /// (lost with it if it fails: the answers they went with were not
    /// written either).
    pub(super) fn take_noted(&self) -> Vec<(AuditEvent, String)> {
        std::mem::take(&mut *self.pending.borrow_mut())
    }

    /// Writes what is noted now, in a transaction of its own.
    pub fn flush_audit(&mut self) -> Result<()> {
        if self.pending.borrow().is_empty() {
            return Ok(());
        }
        let noted = self.take_noted();
        let tx = self.write()?;
        write_all(&tx, &noted)?;
        tx.commit()?;
        Ok(())
    }

    /// A response's events, oldest first (an event noted by the interface
    /// is written after it happened, with the next write).
    pub fn audit_log(&self, id: &str) -> Result<Vec<AuditRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, event, node, start_ms, end_ms, old_value, new_value, user
             FROM audit WHERE response_id = ?1 ORDER BY start_ms, seq",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(AuditRow {
                seq: r.get(0)?,
                event: r.get(1)?,
                node: r.get(2)?,
                start_ms: r.get(3)?,
                end_ms: r.get(4)?,
                old_value: r.get(5)?,
                new_value: r.get(6)?,
                user: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Responses keyed from the paper with this number (any status).
    pub fn by_paper(&self, paper_id: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT response_id FROM papers WHERE paper_id = ?1")?;
        let rows = stmt.query_map([paper_id], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

/// Refuses a paper already keyed, naming the response that has it (an edit's
/// new version keeps its paper: the newest, the one not superseded, is named).
pub(super) fn refuse_keyed(conn: &rusqlite::Connection, paper_id: &str) -> Result<()> {
    let found: Option<String> = conn
        .prepare_cached(
            "SELECT p.response_id FROM papers p JOIN responses r ON r.id = p.response_id
             WHERE p.paper_id = ?1 ORDER BY r.superseded_by IS NULL DESC LIMIT 1",
        )?
        .query_row([paper_id], |r| r.get(0))
        .optional()?;
    match found {
        Some(id) => Err(super::StoreError::PaperKeyed {
            paper: paper_id.to_string(),
            id,
        }),
        None => Ok(()),
    }
}

/// Records the paper a new response is keyed from.
pub(super) fn set_paper(tx: &Transaction<'_>, id: &str, paper_id: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO papers(response_id, paper_id) VALUES (?1, ?2)",
        params![id, paper_id],
    )?;
    Ok(())
}

/// A new version keeps the paper of the one it replaces.
pub(super) fn copy_paper(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO papers(response_id, paper_id, layout)
         SELECT ?2, paper_id, layout FROM papers WHERE response_id = ?1",
        params![old, new],
    )?;
    Ok(())
}
