//! Migrations, applied in order by `PRAGMA user_version`. Append-only: a
//! migration that has shipped is never edited.

use rusqlite::{Connection, TransactionBehavior};

pub(super) const MIGRATIONS: &[&str] = &[
    // 1: settings, forms, responses, answers keyed by data path.
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE forms (
        sha256   TEXT PRIMARY KEY,
        form_id  TEXT NOT NULL,
        version  TEXT NOT NULL,
        title    TEXT NOT NULL,
        bundle   TEXT NOT NULL,
        added_at TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE responses (
        id            TEXT PRIMARY KEY,
        form_sha256   TEXT NOT NULL REFERENCES forms(sha256),
        status        TEXT NOT NULL CHECK (status IN ('draft', 'complete', 'exported')),
        operator      TEXT NOT NULL,
        device_id     TEXT NOT NULL,
        language      TEXT NOT NULL,
        instance_name TEXT,
        answered      INTEGER NOT NULL DEFAULT 0,
        relevant      INTEGER NOT NULL DEFAULT 0,
        position      TEXT,
        deprecated_id TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        completed_at  TEXT,
        exported_at   TEXT
    );
    CREATE INDEX responses_by_status ON responses(status, updated_at);

    CREATE TABLE answers (
        response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
        path        TEXT NOT NULL,
        value       TEXT NOT NULL,
        operator    TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (response_id, path)
    ) WITHOUT ROWID;
    "#,
    // 2: editing a finalized response makes a new version; the old one
    // records which version replaced it.
    r#"
    ALTER TABLE responses ADD COLUMN superseded_by TEXT;
    "#,
    // 3: responses brought in by `rileva import`, keyed by what makes a
    // second import of the same file create nothing (see `import`).
    r#"
    CREATE TABLE imports (
        source_key  TEXT PRIMARY KEY,
        response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
        source      TEXT NOT NULL,
        imported_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX imports_by_response ON imports(response_id);
    "#,
    // 4: an import marks the version an edit replaces by looking the edit up
    // by `deprecated_id`, once per response: without an index each look-up
    // read every response, and an import of n rows took n² time. Partial:
    // most responses replace nothing.
    r#"
    CREATE INDEX responses_by_deprecated ON responses(deprecated_id)
        WHERE deprecated_id IS NOT NULL;
    "#,
];

/// Brings the database to the latest version, one transaction per migration.
/// A database from a newer rileva is refused rather than touched.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    // Refuse a newer database before anything writes to it.
    check_version(conn)?;
    loop {
        // Read the version inside a write transaction, so two processes
        // opening a fresh directory at once do not both run a migration.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version = check_version(&tx)?;
        let Some(sql) = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
        else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}

/// The database's schema version, refused when newer than this rileva knows,
/// or when the file is another program's database (tables, no version).
/// Only reads.
pub(super) fn check_version(conn: &Connection) -> Result<i64, MigrateError> {
    // One statement, so both are read from the same snapshot even while
    // another process migrates.
    let (version, tables): (i64, i64) = conn.query_row(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(MigrateError::TooNew {
            found: version,
            known,
        });
    }
    if version == 0 && tables > 0 {
        return Err(MigrateError::Foreign);
    }
    Ok(version)
}

#[derive(Debug)]
pub(super) enum MigrateError {
    TooNew {
        found: i64,
        known: i64,
    },
    /// An SQLite file with tables of its own and no rileva schema version.
    Foreign,
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sql(e)
    }
}
