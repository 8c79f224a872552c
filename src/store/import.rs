//! What `rileva import` needs of the store: responses created whole (complete
//! or draft, with every answer) in one transaction, and the keys that make a
//! second import of the same file create nothing.

use super::{Result, Status, Store, Summary, upsert_answers};
use crate::form::{Form, FormBundle};
use rusqlite::{OptionalExtension, params};

/// One response to create by `Store::import_responses`.
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
        Ok(self
            .conn
            .query_row("SELECT 1 FROM responses WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The response an earlier import created for this key, if any.
    pub fn imported_as(&self, source_key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT response_id FROM imports WHERE source_key = ?1",
                [source_key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Creates imported responses, complete or draft, each with all its
    /// answers, and stores the form they were filled on: ONE transaction, so
    /// that either every response is there or none is. A response whose id or
    /// key is already in the database (an import running at the same time) is
    /// left alone and reported as `AlreadyThere`.
    pub fn import_responses(
        &mut self,
        bundle: &FormBundle,
        form: &Form,
        responses: &[ImportedResponse<'_>],
        at: &str,
    ) -> Result<Vec<Imported>> {
        let tx = self.write()?;
        super::insert_form(&tx, bundle, form, at)?;
        let mut outcomes = Vec::with_capacity(responses.len());
        {
            let mut by_id = tx.prepare("SELECT 1 FROM responses WHERE id = ?1")?;
            let mut by_key = tx.prepare("SELECT response_id FROM imports WHERE source_key = ?1")?;
            let mut insert = tx.prepare(
                "INSERT INTO responses(id, form_sha256, status, operator, device_id, language,
                     instance_name, answered, relevant, position, deprecated_id, created_at,
                     updated_at, completed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, ?11, ?12)",
            )?;
            // The chain of versions, whichever of them comes first.
            let mut supersede = tx.prepare(
                "UPDATE responses SET superseded_by = ?2 WHERE id = ?1 AND superseded_by IS NULL",
            )?;
            let mut superseded = tx.prepare(
                "UPDATE responses SET superseded_by =
                     (SELECT id FROM responses WHERE deprecated_id = ?1 LIMIT 1)
                 WHERE id = ?1 AND superseded_by IS NULL
                   AND EXISTS (SELECT 1 FROM responses WHERE deprecated_id = ?1)",
            )?;
            let mut record = tx.prepare(
                "INSERT INTO imports(source_key, response_id, source, imported_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for r in responses {
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
                upsert_answers(&tx, r.id, r.answers, r.operator, at)?;
                record.execute(params![r.source_key, r.id, r.source, at])?;
                outcomes.push(Imported::Created);
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }
}
