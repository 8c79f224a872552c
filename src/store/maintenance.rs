//! Keeping a data directory sound: the check of a leftover WAL before SQLite
//! applies it, `rileva backup` (SQLite's online backup, consistent while a
//! TUI writes), and `rileva check` (what is wrong, and what to do).

use super::{Counts, DB_FILE, Result, Store, StoreError, schema};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// The WAL file beside a database.
pub(super) fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-wal");
    PathBuf::from(name)
}

/// Whether a WAL file holds frames (more than its 32-byte header).
pub(super) fn wal_has_frames(db: &Path) -> bool {
    std::fs::metadata(wal_path(db)).is_ok_and(|m| m.len() > 32)
}

fn read_only(db: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// What is wrong with the database as SQLite would see it (with its WAL
/// applied), read without writing anything: `quick_check` and the foreign
/// keys. Empty when sound.
fn problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        let r = r?;
        if r != "ok" {
            out.push(r);
        }
    }
    if out.is_empty() {
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "a row of {} refers to a missing row of {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(2)?
            ))
        })?;
        for r in rows {
            out.push(r?);
        }
    }
    Ok(out)
}

/// Before the first store of a directory applies a WAL that nobody has open
/// (left by a crash, or put there by a restore or a copy), checks that the
/// database and the WAL together are sound, with a read-only connection
/// that can never checkpoint: a WAL that does not belong is refused before
/// it can be made permanent.
pub(super) fn guard_leftover_wal(db: &Path) -> Result<()> {
    let shown = db.display().to_string();
    let mismatch = |reason: String| StoreError::WalMismatch {
        path: shown.clone(),
        wal: wal_path(db).display().to_string(),
        reason,
    };
    let conn = read_only(db).map_err(|e| mismatch(e.to_string()))?;
    match problems(&conn) {
        Ok(p) if p.is_empty() => Ok(()),
        Ok(p) => Err(mismatch(p.join("; "))),
        Err(e) => Err(mismatch(e.to_string())),
    }
}

/// What `rileva check` found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    pub path: String,
    /// The schema version, and the latest this rileva knows.
    pub version: i64,
    pub known: i64,
    /// Bytes of the database file and of its WAL.
    pub size: u64,
    pub wal: u64,
    pub counts: Counts,
    /// Responses whose form snapshot is missing.
    pub without_form: i64,
    /// What `quick_check` and the foreign key check report.
    pub problems: Vec<String>,
}

impl Health {
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty() && self.without_form == 0 && self.version == self.known
    }
}

/// Checks the database of a data directory without writing anything (not
/// even a WAL checkpoint). `Err` only when there is no database to read.
pub fn check(data_dir: &Path) -> Result<Health> {
    let db = data_dir.join(DB_FILE);
    let shown = db.display().to_string();
    let open_err = |e: rusqlite::Error| StoreError::Open {
        path: shown.clone(),
        reason: e.to_string(),
    };
    let size = std::fs::metadata(&db)
        .map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        })?
        .len();
    let wal = std::fs::metadata(wal_path(&db)).map_or(0, |m| m.len());
    let conn = read_only(&db).map_err(open_err)?;
    let mut health = Health {
        path: shown,
        known: schema::latest(),
        size,
        wal,
        ..Health::default()
    };
    match problems(&conn) {
        Ok(p) => health.problems = p,
        Err(e) => {
            health.problems.push(e.to_string());
            return Ok(health);
        }
    }
    health.version = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap_or(-1);
    if health.version != health.known {
        return Ok(health);
    }
    let counted = super::listing::count_by_status(&conn).and_then(|counts| {
        let missing: i64 = conn.query_row(
            "SELECT count(*) FROM responses r WHERE NOT EXISTS
                 (SELECT 1 FROM forms f WHERE f.sha256 = r.form_sha256)",
            [],
            |r| r.get(0),
        )?;
        Ok((counts, missing))
    });
    match counted {
        Ok((counts, missing)) => {
            health.counts = counts;
            health.without_form = missing;
        }
        Err(e) => health.problems.push(e.to_string()),
    }
    Ok(health)
}

impl Store {
    /// Copies the database to `dest` with SQLite's online backup: one
    /// consistent snapshot even while another process writes, as one
    /// self-contained file (rollback journal, no WAL beside it), written
    /// under a temporary name and renamed into place. Returns the counts
    /// read back from the copy.
    pub fn backup(&self, dest: &Path) -> Result<Counts> {
        let shown = dest.display().to_string();
        let fail = |reason: String| StoreError::Backup {
            path: shown.clone(),
            reason,
        };
        let name = dest
            .file_name()
            .ok_or_else(|| fail("not a file name".into()))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = dest.with_file_name(temp_name);
        let _ = std::fs::remove_file(&temp);
        let result = (|| -> Result<Counts> {
            // Private from the start, as the database itself.
            super::create_private(&temp).map_err(|e| fail(e.to_string()))?;
            let mut to = Connection::open(&temp).map_err(|e| fail(e.to_string()))?;
            {
                let backup = rusqlite::backup::Backup::new(&self.conn, &mut to)
                    .map_err(|e| fail(e.to_string()))?;
                // All pages in one step: one read transaction, one snapshot.
                // A writer holding the lock for a moment is waited for.
                let mut waited = 0;
                loop {
                    match backup.step(-1).map_err(|e| fail(e.to_string()))? {
                        rusqlite::backup::StepResult::Done => break,
                        _ if waited < 500 => {
                            waited += 1;
                            std::thread::sleep(std::time::Duration::from_millis(10));
                        }
                        _ => return Err(StoreError::Busy),
                    }
                }
            }
            let mode: String = to
                .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))
                .map_err(|e| fail(e.to_string()))?;
            if !mode.eq_ignore_ascii_case("delete") {
                return Err(fail(format!("journal mode stayed {mode}")));
            }
            let found = problems(&to).map_err(|e| fail(e.to_string()))?;
            if !found.is_empty() {
                return Err(fail(found.join("; ")));
            }
            let counts = super::listing::count_by_status(&to)?;
            drop(to);
            std::fs::File::open(&temp)
                .and_then(|f| f.sync_all())
                .and_then(|()| std::fs::rename(&temp, dest))
                .map_err(|e| fail(e.to_string()))?;
            if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
                let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
            }
            Ok(counts)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}
