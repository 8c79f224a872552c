//! What `rileva import` needs of the store: responses created whole (complete
//! or draft, with every answer) in short transactions, and the keys that make
//! a second import of the same file, or the rest of an interrupted one,
//! create only what is missing.

use super::{Result, Status, Store, Summary};
use crate::form::{Form, FormBundle};
use rusqlite::{OptionalExtension, params};
use std::time::{Duration, Instant};

/// Marks a response superseded when the edit that replaces it is already
/// there: run once per imported response, so both look-ups by
/// `deprecated_id` must use its index (`responses_by_deprecated`).
pub(super) const SUPERSEDED: &str = "UPDATE responses SET superseded_by =
        (SELECT id FROM responses WHERE deprecated_id = ?1 LIMIT 1)
    WHERE id = ?1 AND superseded_by IS NULL
      AND EXISTS (SELECT 1 FROM responses WHERE deprecated_id = ?1)";

/// One response to create by `Store::import_batch`.
#[derive(Debug, Clone)]
pub struct ImportedResponse<'a> {
    pub id: &'a str,
    /// The version this one replaces (an edited response exported elsewhere):
    /// kept, and that version marked superseded when it is here.
    pub deprecated_id: Option<&'a str>,
    /// `Complete` (with `completed_at`) or `Draft`.
    pub status: Status,
    pub operator: &'a str,
    pub device_id: &'a str,
    pub language: &'a str,
    pub summary: &'a Summary,
    pub answers: &'a [(String, String)],
    /// What identifies the row it came from (see `import::Row`): a response
    /// is never created twice for one key.
    pub source_key: &'a str,
    /// The file it came from, for the record.
    pub source: &'a str,
    /// Keyed from paper elsewhere: the number written on it.
    pub paper: Option<&'a str>,
    /// Who keyed it there (else `operator`): a paper's entry by another
    /// operator than its first entry's becomes its second.
    pub keyer: Option<&'a str>,
}

/// What became of one `ImportedResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Created,
    /// A response with this id, or imported with this key, was already there
    /// (another import finished in between): nothing was written for it.
    AlreadyThere(String),
}

impl Store {
    /// Whether a response with this id exists (any status).
    pub fn response_exists(&self, id: &str) -> Result<bool> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM responses WHERE id = ?1")?;
        Ok(stmt.exists([id])?)
    }

    /// The response an earlier import created for this key, if any.
    pub fn imported_as(&self, source_key: &str) -> Result<Option<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT response_id FROM imports WHERE source_key = ?1")?;
        Ok(stmt.query_row([source_key], |r| r.get(0)).optional()?)
    }

    /// Creates imported responses, complete or draft, each with all its
    /// answers, in ONE short transaction: in order, until every one is
    /// written or the transaction has held the write lock for `budget` (at
    /// least one is written), so that another writer (the TUI saving an
    /// answer) waits no longer than that. Returns what became of each one
    /// written, in order: fewer than given when the budget ran out, and the
    /// caller goes on with the rest. Either a response is there with every
    /// answer and its key, or it is not at all. A response whose id or key is
    /// already in the database (an import running at the same time) is left
    /// alone and reported as `AlreadyThere`. The form they were filled on is
    /// stored with the first of them.
    ///
    /// Its commit leaves what it added in the WAL (SQLite's automatic
    /// checkpoint would copy it into the database inside the call, adding to
    /// the time the caller sees): `checkpoint` does it, once the lock is free.
    /// Nor does its commit wait for an fsync (`synchronous=NORMAL` for it
    /// alone; the fsync was the longest and least predictable part of the
    /// time the lock was held): the batch is durable once `checkpoint` has
    /// run (it syncs the WAL first) or another writer's commit has synced
    /// the WAL. What a power cut takes before that is only the last batches,
    /// which a second import creates again; WAL with `NORMAL` cannot be
    /// corrupted by it.
    pub fn import_batch(
        &mut self,
        bundle: &FormBundle,
        form: &Form,
        responses: &[ImportedResponse<'_>],
        at: &str,
        budget: Duration,
    ) -> Result<Vec<Imported>> {
        // Responses land in random places of four b-trees (their ids and
        // keys are random): with SQLite's default 2 MB of cache nearly every
        // page they touch is read again, and a batch's writes slow down as
        // the database grows. 32 MB keeps much more of it.
        self.conn.pragma_update(None, "cache_size", -32_768)?;
        let automatic: i64 = self
            .conn
            .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?;
        let synchronous: i64 = self
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))?;
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let written = self.write_batch(bundle, form, responses, at, budget);
        // Back as they were, whether the batch was written or not.
        self.conn.pragma_update(None, "synchronous", synchronous)?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", automatic)?;
        written
    }

    /// Copies what the WAL holds into the database as far as no reader needs
    /// it, without waiting for anyone and without the write lock (another
    /// writer goes on meanwhile): what SQLite does by itself after a commit
    /// that leaves the WAL over 1,000 pages.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    fn write_batch(
        &mut self,
        bundle: &FormBundle,
        form: &Form,
        responses: &[ImportedResponse<'_>],
        at: &str,
        budget: Duration,
    ) -> Result<Vec<Imported>> {
        let tx = self.write()?;
        // The lock is held from here.
        let started = Instant::now();
        let stored = tx
            .prepare_cached("SELECT 1 FROM forms WHERE sha256 = ?1")?
            .exists([&form.sha256])?;
        if !stored {
            super::insert_form(&tx, bundle, form, at)?;
        }
        let mut outcomes = Vec::with_capacity(responses.len());
        {
            let mut by_id = tx.prepare_cached("SELECT 1 FROM responses WHERE id = ?1")?;
            let mut by_key =
                tx.prepare_cached("SELECT response_id FROM imports WHERE source_key = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO responses(id, form_sha256, status, operator, device_id, language,
                     instance_name, answered, relevant, position, deprecated_id, created_at,
                     updated_at, completed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, ?11, ?12)",
            )?;
            // As `upsert_answers`, prepared once per batch: a path given
            // twice keeps its last value.
            let mut answer = tx.prepare_cached(
                "INSERT INTO answers(response_id, path, value, operator, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(response_id, path) DO UPDATE SET value = excluded.value,
                     operator = excluded.operator, updated_at = excluded.updated_at",
            )?;
            // The chain of versions, whichever of them comes first (both
            // look-ups by index: `responses_by_deprecated`).
            let mut supersede = tx.prepare_cached(
                "UPDATE responses SET superseded_by = ?2 WHERE id = ?1 AND superseded_by IS NULL",
            )?;
            let mut superseded = tx.prepare_cached(SUPERSEDED)?;
            let mut record = tx.prepare_cached(
                "INSERT INTO imports(source_key, response_id, source, imported_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for r in responses {
                if !outcomes.is_empty() && started.elapsed() >= budget {
                    break;
                }
                if by_id.exists([r.id])? {
                    outcomes.push(Imported::AlreadyThere(r.id.to_string()));
                    continue;
                }
                if let Some(id) = by_key
                    .query_row([r.source_key], |row| row.get::<_, String>(0))
                    .optional()?
                {
                    outcomes.push(Imported::AlreadyThere(id));
                    continue;
                }
                let status = match r.status {
                    Status::Draft => Status::Draft,
                    _ => Status::Complete,
                };
                let completed = (status == Status::Complete).then_some(at);
                insert.execute(params![
                    r.id,
                    form.sha256,
                    status.as_str(),
                    r.operator,
                    r.device_id,
                    r.language,
                    r.summary.instance_name,
                    r.summary.answered,
                    r.summary.relevant,
                    r.deprecated_id,
                    at,
                    completed
                ])?;
                if let Some(old) = r.deprecated_id {
                    supersede.execute([old, r.id])?;
                }
                superseded.execute([r.id])?;
                for (path, value) in r.answers {
                    answer.execute(params![r.id, path, value, r.operator, at])?;
                }
                record.execute(params![r.source_key, r.id, r.source, at])?;
                if let Some(paper) = r.paper {
                    super::audit::set_paper(&tx, r.id, paper)?;
                    if status == Status::Complete {
                        let keyer = r.keyer.unwrap_or(r.operator);
                        super::verify::on_import(&tx, r.id, &form.id, paper, keyer)?;
                    }
                }
                outcomes.push(Imported::Created);
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("opens");
        (dir, store)
    }

    /// Was: the look-ups by `deprecated_id` scanned every response, once per
    /// imported row, and an import of n rows took n² time.
    #[test]
    fn marking_a_version_superseded_reads_no_whole_table() {
        let (_dir, store) = store();
        let plan: Vec<String> = {
            let mut stmt = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {SUPERSEDED}"))
                .expect("plan");
            let rows = stmt
                .query_map(["x"], |r| r.get::<_, String>(3))
                .expect("plan rows");
            rows.collect::<std::result::Result<_, _>>().expect("plan")
        };
        assert!(
            plan.iter().all(|step| !step.starts_with("SCAN")),
            "{plan:?}"
        );
        assert!(
            plan.iter()
                .any(|step| step.contains("responses_by_deprecated")),
            "{plan:?}"
        );
    }

    #[test]
    fn a_batch_stops_when_its_time_is_up_but_writes_at_least_one() {
        let (_dir, mut store) = store();
        let (bundle, form) = crate::form::load_default().expect("the default form");
        let summary = Summary::default();
        let ids: Vec<String> = (0..5)
            .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
            .collect();
        let keys: Vec<String> = (0..5).map(|i| format!("key-{i}")).collect();
        let answers = vec![("/sez_A/A04".to_string(), "Comune".to_string())];
        let items: Vec<ImportedResponse<'_>> = ids
            .iter()
            .zip(&keys)
            .map(|(id, key)| ImportedResponse {
                id,
                deprecated_id: None,
                status: Status::Complete,
                operator: "import",
                device_id: "rileva:x",
                language: "it",
                summary: &summary,
                answers: &answers,
                source_key: key,
                source: "data.ndjson",
                paper: None,
                keyer: None,
            })
            .collect();
        let at = "2020-06-15T10:00:00.000+02:00";
        let one = store
            .import_batch(&bundle, &form, &items, at, Duration::ZERO)
            .expect("written");
        assert_eq!(one, [Imported::Created], "no time: one response");
        let rest = store
            .import_batch(&bundle, &form, &items, at, Duration::MAX)
            .expect("written");
        assert_eq!(rest.len(), 5, "time enough: all of them");
        assert_eq!(rest[0], Imported::AlreadyThere(ids[0].clone()));
        assert!(
            rest[1..].iter().all(|o| *o == Imported::Created),
            "{rest:?}"
        );
        assert_eq!(store.counts().expect("counts").complete, 5);
        // Its commits leave the WAL to `checkpoint`, and the connection
        // checkpoints by itself again afterwards.
        let automatic: i64 = store
            .conn
            .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
            .expect("pragma");
        assert_eq!(automatic, 1000);
        let synchronous: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .expect("pragma");
        assert_eq!(synchronous, 2, "FULL again for the other writes");
        store.checkpoint().expect("checkpoint");
        assert_eq!(store.answers(&ids[4]).expect("answers"), answers);
        assert_eq!(
            store.imported_as("key-4").expect("read").as_deref(),
            Some(ids[4].as_str())
        );
    }
}
