//! The operator's previous response to the same form: where the ditto key
//! copies an answer from (the same Ambito sends several practices, keyed
//! one after the other).

use super::{Result, Store};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// An earlier response, with its answers by data path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Earlier {
    pub id: String,
    pub paper_id: Option<String>,
    pub instance_name: Option<String>,
    pub answers: HashMap<String, String>,
}

impl Store {
    /// The response `operator` started last before `id`, on the same form
    /// (any version of it), with its answers; None when there is none.
    /// A version since replaced, and a draft left with nothing answered,
    /// are passed over.
    pub fn previous_response(&self, id: &str, operator: &str) -> Result<Option<Earlier>> {
        // responses_by_operator holds (operator, rowid): the walk goes
        // backwards from this response's rowid and stops at the first row
        // of the same form, however many responses there are.
        let found = self
            .conn
            .prepare_cached(
                "SELECT r.id, p.paper_id, r.instance_name
                   FROM responses r
                   JOIN forms f ON f.sha256 = r.form_sha256
                   LEFT JOIN papers p ON p.response_id = r.id
                  WHERE r.operator = ?2
                    AND r.rowid < (SELECT rowid FROM responses WHERE id = ?1)
                    AND r.superseded_by IS NULL
                    AND r.answered > 0
                    AND f.form_id = (SELECT f2.form_id FROM responses r2
                                       JOIN forms f2 ON f2.sha256 = r2.form_sha256
                                      WHERE r2.id = ?1)
                  ORDER BY r.rowid DESC
                  LIMIT 1",
            )?
            .query_row(params![id, operator], |r| {
                Ok(Earlier {
                    id: r.get(0)?,
                    paper_id: r.get(1)?,
                    instance_name: r.get(2)?,
                    answers: HashMap::new(),
                })
            })
            .optional()?;
        let Some(mut earlier) = found else {
            return Ok(None);
        };
        earlier.answers = self.answers(&earlier.id)?.into_iter().collect();
        Ok(Some(earlier))
    }

    /// The answers (by data path) of the last response `operator` saved to
    /// the form `form_id` (any version, any status, one with answers and
    /// not since replaced), for `${last-saved#name}`; empty when none. Each
    /// operator's own: on a shared machine one keyer's last paper is not
    /// another's, and a blind second entry never reads the first's.
    pub fn last_saved(&self, form_id: &str, operator: &str) -> Result<Vec<(String, String)>> {
        let id: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT r.id
                   FROM responses r
                   JOIN forms f ON f.sha256 = r.form_sha256
                  WHERE r.operator = ?2
                    AND f.form_id = ?1
                    AND r.superseded_by IS NULL
                    AND r.answered > 0
                  ORDER BY r.rowid DESC
                  LIMIT 1",
            )?
            .query_row(params![form_id, operator], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => self.answers(&id),
            None => Ok(Vec::new()),
        }
    }
}
