//! Migrations, applied in order by `PRAGMA user_version`. Append-only: a
//! migration that has shipped is never edited. A step is SQL, or Rust for
//! what SQL alone cannot do (rewriting values, say); either runs in the
//! same transaction as the `user_version` it brings.

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// One migration.
pub(super) enum Step {
    Sql(&'static str),
    #[allow(dead_code)] // the runner and its tests take them; none shipped yet
    Rust(fn(&Transaction<'_>) -> rusqlite::Result<()>),
}

pub(super) const MIGRATIONS: &[Step] = &[
    // 1: settings, forms, responses, answers keyed by data path.
    Step::Sql(
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
    ),
    // 2: editing a finalized response makes a new version; the old one
    // records which version replaced it.
    Step::Sql(
        r#"
    ALTER TABLE responses ADD COLUMN superseded_by TEXT;
    "#,
    ),
    // 3: responses brought in by `rileva import`, keyed by what makes a
    // second import of the same file create nothing (see `import`).
    Step::Sql(
        r#"
    CREATE TABLE imports (
        source_key  TEXT PRIMARY KEY,
        response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
        source      TEXT NOT NULL,
        imported_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX imports_by_response ON imports(response_id);
    "#,
    ),
    // 4: listings a page at a time, most recently changed first, straight
    // from an index (times carry their local offset: the order is the
    // instant's, julianday). By status (list --status, counts), by the start
    // screen's two panes (drafts; complete or exported), and all together.
    Step::Sql(
        r#"
    DROP INDEX responses_by_status;
    CREATE INDEX responses_by_status ON responses(
        status, julianday(updated_at) DESC, updated_at DESC, id DESC);
    CREATE INDEX responses_by_pane ON responses(
        status <> 'draft', julianday(updated_at) DESC, updated_at DESC, id DESC);
    CREATE INDEX responses_by_change ON responses(
        julianday(updated_at) DESC, updated_at DESC, id DESC);
    "#,
    ),
    // 5: an import marks the version an edit replaces by looking the edit up
    // by `deprecated_id`, once per response: without an index each look-up
    // read every response, and an import of n rows took n² time. Partial:
    // most responses replace nothing.
    Step::Sql(
        r#"
    CREATE INDEX responses_by_deprecated ON responses(deprecated_id)
        WHERE deprecated_id IS NOT NULL;
    "#,
    ),
    // 6: paper transcription. Keying sessions (an operator from start to
    // quit) keep their figures for `rileva stats`. A response keyed from paper keeps the number
    // written on the paper (the key by which a second entry finds its
    // first). Every event of every response goes into an append-only audit
    // log (ODK's client audit columns; times in milliseconds since the
    // epoch, as ODK writes them), which triggers keep from being changed.
    Step::Sql(
        r#"
    CREATE TABLE papers (
        response_id TEXT PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
        paper_id    TEXT NOT NULL,
        layout      TEXT NOT NULL DEFAULT 'transcription'
    ) WITHOUT ROWID;
    CREATE INDEX papers_by_paper ON papers(paper_id);

    CREATE TABLE audit (
        seq         INTEGER PRIMARY KEY,
        response_id TEXT NOT NULL,
        event       TEXT NOT NULL,
        node        TEXT,
        start_ms    INTEGER NOT NULL,
        end_ms      INTEGER,
        old_value   TEXT,
        new_value   TEXT,
        user        TEXT NOT NULL
    );
    CREATE INDEX audit_by_response ON audit(response_id, seq);
    CREATE TRIGGER audit_never_changed BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_never_deleted BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY,
        operator    TEXT NOT NULL,
        layout      TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        ended_at    TEXT NOT NULL,
        idle_ms     INTEGER NOT NULL,
        responses   INTEGER NOT NULL,
        fields      INTEGER NOT NULL,
        keys        INTEGER NOT NULL,
        bad_keys    INTEGER NOT NULL,
        corrections INTEGER NOT NULL
    );
    CREATE INDEX sessions_by_operator ON sessions(operator, started_at);
    "#,
    ),
    // 7: the ditto key copies from the operator's previous response: found
    // by walking this index back from the response's rowid, not by reading
    // every response.
    Step::Sql(
        r#"
    CREATE INDEX responses_by_operator ON responses(operator);
    "#,
    ),
    // 8: double entry. A paper chosen for verification (the data
    // directory's `verify` setting, decided once when its first entry is
    // finalized) has a row here; its keying entries, and its verified result,
    // are listed in `entries` by response (an export leaves out every entry
    // but the result). A reconciler's decision per differing field, and the
    // slips a blind second entry caught at once, are kept for the audit and
    // the error rates.
    Step::Sql(
        r#"
    CREATE TABLE verifications (
        form_id     TEXT NOT NULL,
        paper_id    TEXT NOT NULL,
        first_id    TEXT NOT NULL UNIQUE REFERENCES responses(id),
        first_by    TEXT NOT NULL,
        second_id   TEXT UNIQUE REFERENCES responses(id),
        second_by   TEXT,
        fields      INTEGER,
        discordant  INTEGER,
        result_id   TEXT UNIQUE REFERENCES responses(id),
        reconciler  TEXT,
        chosen_at   TEXT NOT NULL,
        verified_at TEXT,
        PRIMARY KEY (form_id, paper_id)
    ) WITHOUT ROWID;

    CREATE TABLE entries (
        response_id TEXT PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
        form_id     TEXT NOT NULL,
        paper_id    TEXT NOT NULL,
        role        TEXT NOT NULL CHECK (role IN ('first', 'second', 'result', 'edit'))
    ) WITHOUT ROWID;
    CREATE INDEX entries_by_role ON entries(role);

    CREATE TABLE decisions (
        form_id      TEXT NOT NULL,
        paper_id     TEXT NOT NULL,
        path         TEXT NOT NULL,
        first_value  TEXT,
        second_value TEXT,
        value        TEXT,
        taken        TEXT NOT NULL CHECK (taken IN ('first', 'second', 'third')),
        reason       TEXT NOT NULL CHECK (reason IN ('first', 'second', 'both', 'illegible', 'other')),
        note         TEXT,
        reconciler   TEXT NOT NULL,
        decided_at   TEXT NOT NULL,
        PRIMARY KEY (form_id, paper_id, path),
        FOREIGN KEY (form_id, paper_id) REFERENCES verifications(form_id, paper_id)
    ) WITHOUT ROWID;

    CREATE TABLE slips (
        second_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
        path      TEXT NOT NULL,
        typed     TEXT,
        retyped   TEXT,
        agreed    INTEGER NOT NULL,
        operator  TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (second_id, path)
    ) WITHOUT ROWID;
    "#,
    ),
    // 9: sending. The servers responses go to (`rileva server add`; no
    // password here: it is asked at send time, or kept apart in a 0600 file
    // only on request); every attempt at sending a response, with the
    // server's answer; a row per response and server once the server has
    // it, which is what keeps a response from going twice; and the
    // responses carried away in a bundle for a machine with a connection.
    Step::Sql(
        r#"
    CREATE TABLE servers (
        name     TEXT PRIMARY KEY,
        url      TEXT NOT NULL,
        kind     TEXT NOT NULL CHECK (kind IN ('token', 'central', 'openrosa')),
        username TEXT,
        added_at TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE deliveries (
        response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
        server      TEXT NOT NULL,
        url         TEXT NOT NULL,
        sent_at     TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        already     INTEGER NOT NULL,
        PRIMARY KEY (response_id, server)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_by_server ON deliveries(server);

    CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY,
        response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
        server      TEXT NOT NULL,
        at          TEXT NOT NULL,
        http_status INTEGER,
        message     TEXT NOT NULL
    );
    CREATE INDEX attempts_by_response ON attempts(response_id);

    CREATE TABLE bundled (
        response_id TEXT PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
        file        TEXT NOT NULL,
        at          TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    ),
];

/// The number of the latest migration.
pub(super) fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the database to the latest version, one transaction per migration.
/// A database from a newer rileva is refused rather than touched.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    migrate_with(conn, MIGRATIONS)
}

pub(super) fn migrate_with(conn: &mut Connection, steps: &[Step]) -> Result<(), MigrateError> {
    // Refuse a newer database before anything writes to it.
    check_version_of(conn, steps.len() as i64)?;
    loop {
        // Read the version inside a write transaction, so two processes
        // opening a fresh directory at once do not both run a migration.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version = check_version_of(&tx, steps.len() as i64)?;
        let Some(step) = usize::try_from(version).ok().and_then(|v| steps.get(v)) else {
            return Ok(());
        };
        let failed = |e: rusqlite::Error| match e.sqlite_error_code() {
            // Busy is worth waiting for, not a broken schema.
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                MigrateError::Sql(e)
            }
            _ => MigrateError::Step {
                step: version + 1,
                reason: message(&e),
            },
        };
        match step {
            Step::Sql(sql) => tx.execute_batch(sql).map_err(failed)?,
            Step::Rust(f) => f(&tx).map_err(failed)?,
        }
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}

/// What SQLite says went wrong, without the statement it was given (a
/// migration's whole SQL is no message for a person).
fn message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        other => other.to_string(),
    }
}

/// The database's schema version, refused when newer than this rileva knows,
/// when it is one rileva never writes (negative), or when the file is
/// another program's database (tables, no version). Only reads.
pub(super) fn check_version(conn: &Connection) -> Result<i64, MigrateError> {
    check_version_of(conn, latest())
}

fn check_version_of(conn: &Connection, known: i64) -> Result<i64, MigrateError> {
    // One statement, so both are read from the same snapshot even while
    // another process migrates.
    let (version, tables): (i64, i64) = conn.query_row(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if version > known {
        return Err(MigrateError::TooNew {
            found: version,
            known,
        });
    }
    if version < 0 {
        return Err(MigrateError::BadVersion(version));
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
    /// A version rileva never writes (below 0).
    BadVersion(i64),
    /// An SQLite file with tables of its own and no rileva schema version.
    Foreign,
    /// A step failed: the schema is not what its version says.
    Step {
        step: i64,
        reason: String,
    },
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sql(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add_column(tx: &Transaction<'_>) -> rusqlite::Result<()> {
        tx.execute_batch("ALTER TABLE t ADD COLUMN twice INTEGER")?;
        tx.execute("UPDATE t SET twice = x * 2", [])?;
        Ok(())
    }

    const STEPS: &[Step] = &[
        Step::Sql("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);"),
        Step::Rust(add_column),
    ];

    fn version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("version")
    }

    #[test]
    fn sql_and_rust_steps_run_in_order_once() {
        let mut conn = Connection::open_in_memory().expect("memory");
        migrate_with(&mut conn, STEPS).expect("migrates");
        assert_eq!(version(&conn), 2);
        let twice: Vec<i64> = conn
            .prepare("SELECT twice FROM t ORDER BY x")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("rows");
        assert_eq!(twice, [2, 4]);
        migrate_with(&mut conn, STEPS).expect("nothing to do");
        assert_eq!(version(&conn), 2);
    }

    #[test]
    fn a_failing_step_names_itself_without_its_sql_and_changes_nothing() {
        let mut conn = Connection::open_in_memory().expect("memory");
        conn.execute_batch("CREATE TABLE t (x INTEGER); PRAGMA user_version = 0;")
            .expect("tables of a version that says none");
        conn.execute_batch("PRAGMA user_version = 0").expect("v0");
        // Tables there with version 0 are another program's.
        assert!(matches!(
            migrate_with(&mut conn, STEPS),
            Err(MigrateError::Foreign)
        ));
        conn.execute_batch("PRAGMA user_version = 1; ALTER TABLE t ADD COLUMN twice INTEGER;")
            .expect("the column step 2 adds, already there");
        match migrate_with(&mut conn, STEPS) {
            Err(MigrateError::Step { step: 2, reason }) => {
                assert!(reason.contains("duplicate column name: twice"), "{reason}");
                assert!(!reason.contains("ALTER TABLE"), "{reason}");
            }
            other => panic!("expected a failed step 2, got {other:?}"),
        }
        assert_eq!(version(&conn), 1, "rolled back");
    }

    #[test]
    fn negative_and_newer_versions_are_refused() {
        let mut conn = Connection::open_in_memory().expect("memory");
        conn.execute_batch("PRAGMA user_version = -1").expect("v");
        assert!(matches!(
            migrate_with(&mut conn, STEPS),
            Err(MigrateError::BadVersion(-1))
        ));
        conn.execute_batch("PRAGMA user_version = 3").expect("v");
        assert!(matches!(
            migrate_with(&mut conn, STEPS),
            Err(MigrateError::TooNew { found: 3, known: 2 })
        ));
    }
}
