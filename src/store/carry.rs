//! Responses carried between data directories in a bundle (`rileva bundle`
//! on a machine without a connection, `rileva import BUNDLE` on one with
//! it): each comes in as it was, its id, times, operator and answers, on
//! the very form definition it was keyed on; a response whose id is here
//! already is left as it is, so the same bundle imported twice creates
//! nothing the second time.

use super::{ResponseRow, Result, Status, Store};
use crate::form::{Form, FormBundle};
use rusqlite::params;

/// A finished response as a bundle carries it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Carried {
    pub id: String,
    pub form_sha256: String,
    pub operator: String,
    pub device_id: String,
    pub language: String,
    pub instance_name: Option<String>,
    pub answered: i64,
    pub relevant: i64,
    pub deprecated_id: Option<String>,
    pub paper_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    pub answers: Vec<(String, String)>,
}

impl Carried {
    pub fn of(row: &ResponseRow, answers: Vec<(String, String)>) -> Carried {
        Carried {
            id: row.id.clone(),
            form_sha256: row.form_sha256.clone(),
            operator: row.operator.clone(),
            device_id: row.device_id.clone(),
            language: row.language.clone(),
            instance_name: row.instance_name.clone(),
            answered: row.answered,
            relevant: row.relevant,
            deprecated_id: row.deprecated_id.clone(),
            paper_id: row.paper_id.clone(),
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
            completed_at: row.completed_at.clone(),
            answers,
        }
    }
}

impl Store {
    /// Brings a carried response in as complete, with its form (stored if
    /// new); `false` when a response with its id is here already.
    pub fn carry_in(
        &mut self,
        bundle: &FormBundle,
        form: &Form,
        r: &Carried,
        at: &str,
    ) -> Result<bool> {
        let tx = self.write()?;
        if tx
            .prepare_cached("SELECT 1 FROM responses WHERE id = ?1")?
            .exists([&r.id])?
        {
            return Ok(false);
        }
        super::insert_form(&tx, bundle, form, at)?;
        tx.execute(
            "INSERT INTO responses(id, form_sha256, status, operator, device_id, language,
                 instance_name, answered, relevant, position, deprecated_id, created_at,
                 updated_at, completed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, ?12, ?13)",
            params![
                r.id,
                form.sha256,
                Status::Complete.as_str(),
                r.operator,
                r.device_id,
                r.language,
                r.instance_name,
                r.answered,
                r.relevant,
                r.deprecated_id,
                r.created_at,
                r.updated_at,
                r.completed_at.as_deref().unwrap_or(&r.updated_at),
            ],
        )?;
        {
            let mut answer = tx.prepare_cached(
                "INSERT INTO answers(response_id, path, value, operator, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(response_id, path) DO UPDATE SET value = excluded.value",
            )?;
            for (path, value) in &r.answers {
                answer.execute(params![r.id, path, value, r.operator, r.updated_at])?;
            }
        }
        // The chain of versions, whichever of them came first.
        if let Some(old) = &r.deprecated_id {
            tx.execute(
                "UPDATE responses SET superseded_by = ?2 WHERE id = ?1 AND superseded_by IS NULL",
                params![old, r.id],
            )?;
        }
        tx.execute(super::import::SUPERSEDED, [&r.id])?;
        if let Some(paper) = &r.paper_id {
            tx.execute(
                "INSERT OR IGNORE INTO papers(response_id, paper_id) VALUES (?1, ?2)",
                params![r.id, paper],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }
}
