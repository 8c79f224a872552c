//! Migrations, applied in order by `PRAGMA user_version`. Append-only: a
//! migration that has shipped is never edited.

use rusqlite::Connection;

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
];

/// Brings the database to the latest version, one transaction per migration.
/// A database from a newer rileva is refused rather than touched.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(MigrateError::TooNew {
            found: version,
            known,
        });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[derive(Debug)]
pub(super) enum MigrateError {
    TooNew { found: i64, known: i64 },
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sql(e)
    }
}
