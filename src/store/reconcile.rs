//! Reconciliation in the store: a reconciler's decision on each field
//! where a paper's two entries differ, saved as it is made; the verified
//! response made from them, with its record in the audit log; and a
//! supervisor's acceptance of an edit of a verified response.

use super::audit::{self, AuditEvent};
use super::refusal::Refusal;
use super::verify::{Verification, set_role};
use super::{NewResponse, Result, Store};
use rusqlite::{OptionalExtension, params};

/// Which side a reconciler's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    First,
    Second,
    Third,
}

/// Why the entries differed, as the reconciler saw it on the paper: whose
/// keying error it was, or the paper's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The first entry was keyed wrong.
    First,
    /// The second entry was keyed wrong.
    Second,
    /// Both were keyed wrong.
    Both,
    Illegible,
    /// Anything else, said in the note.
    Other,
}

impl Taken {
    pub fn as_str(self) -> &'static str {
        match self {
            Taken::First => "first",
            Taken::Second => "second",
            Taken::Third => "third",
        }
    }

    fn parse(s: &str) -> Taken {
        match s {
            "first" => Taken::First,
            "second" => Taken::Second,
            _ => Taken::Third,
        }
    }
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::First,
        Reason::Second,
        Reason::Both,
        Reason::Illegible,
        Reason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::First => "first",
            Reason::Second => "second",
            Reason::Both => "both",
            Reason::Illegible => "illegible",
            Reason::Other => "other",
        }
    }

    fn parse(s: &str) -> Reason {
        Reason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .unwrap_or(Reason::Other)
    }

    /// Words for the audit log and the command line (English, as the log's
    /// other columns are).
    pub fn words(self) -> &'static str {
        match self {
            Reason::First => "keying error of the first entry",
            Reason::Second => "keying error of the second entry",
            Reason::Both => "keying error of both entries",
            Reason::Illegible => "illegible on paper",
            Reason::Other => "other",
        }
    }
}

/// A reconciler's decision on one differing field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub path: String,
    pub first: Option<String>,
    pub second: Option<String>,
    /// The value the result takes (`None`: left blank).
    pub value: Option<String>,
    pub taken: Taken,
    pub reason: Reason,
    pub note: Option<String>,
}

impl Store {
    /// Saves (or changes) a reconciler's decision on one field, at once.
    pub fn save_decision(
        &mut self,
        form_id: &str,
        paper: &str,
        d: &Decision,
        by: &str,
        at: &str,
    ) -> Result<()> {
        let tx = self.write()?;
        let open: bool = tx
            .prepare_cached(
                "SELECT 1 FROM verifications WHERE form_id = ?1 AND paper_id = ?2 AND result_id IS NULL",
            )?
            .exists(params![form_id, paper])?;
        if !open {
            return Err(Refusal::NothingToReconcile(paper.to_string()).into());
        }
        tx.execute(
            "INSERT INTO decisions(form_id, paper_id, path, first_value, second_value, value, taken,
                 reason, note, reconciler, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT(form_id, paper_id, path) DO UPDATE SET first_value = excluded.first_value,
                 second_value = excluded.second_value, value = excluded.value, taken = excluded.taken,
                 reason = excluded.reason, note = excluded.note, reconciler = excluded.reconciler,
                 decided_at = excluded.decided_at",
            params![
                form_id,
                paper,
                d.path,
                d.first,
                d.second,
                d.value,
                d.taken.as_str(),
                d.reason.as_str(),
                d.note,
                by,
                at
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The decisions taken so far on a paper.
    pub fn decisions(&self, form_id: &str, paper: &str) -> Result<Vec<Decision>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT path, first_value, second_value, value, taken, reason, note FROM decisions
             WHERE form_id = ?1 AND paper_id = ?2 ORDER BY decided_at, path",
        )?;
        let rows = stmt.query_map(params![form_id, paper], |r| {
            Ok(Decision {
                path: r.get(0)?,
                first: r.get(1)?,
                second: r.get(2)?,
                value: r.get(3)?,
                taken: Taken::parse(&r.get::<_, String>(4)?),
                reason: Reason::parse(&r.get::<_, String>(5)?),
                note: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Creates a paper's verified result, complete, with every answer, in one
    /// transaction with the record of how it came about: the two keyers, the
    /// reconciler and each decision with its reason, in its audit log.
    /// `reconciler` is `None` when the entries agreed.
    pub fn create_result(
        &mut self,
        r: &NewResponse<'_>,
        v: &Verification,
        reconciler: Option<&str>,
        decisions: &[Decision],
    ) -> Result<()> {
        let tx = self.write()?;
        let open: bool = tx
            .prepare_cached(
                "SELECT 1 FROM verifications WHERE form_id = ?1 AND paper_id = ?2 AND result_id IS NULL",
            )?
            .exists(params![v.form_id, v.paper_id])?;
        if !open {
            return Err(Refusal::AlreadyVerified(v.paper_id.clone()).into());
        }
        super::responses::insert_draft(&tx, r)?;
        tx.execute(
            "UPDATE verifications SET result_id = ?3, reconciler = ?4, verified_at = ?5
             WHERE form_id = ?1 AND paper_id = ?2",
            params![v.form_id, v.paper_id, r.id, reconciler, r.created_at],
        )?;
        tx.execute(
            "UPDATE responses SET status = 'complete', completed_at = created_at WHERE id = ?1",
            [r.id],
        )?;
        audit::set_paper(&tx, r.id, &v.paper_id)?;
        set_role(&tx, r.id, &v.form_id, &v.paper_id, "result")?;
        // A decision on a field a later one made not apply is no one's
        // error: only the result's decisions stay (and count).
        let kept: Vec<&str> = decisions.iter().map(|d| d.path.as_str()).collect();
        let kept =
            serde_json::to_string(&kept).map_err(|e| super::StoreError::Sql(e.to_string()))?;
        tx.execute(
            "DELETE FROM decisions WHERE form_id = ?1 AND paper_id = ?2
             AND path NOT IN (SELECT value FROM json_each(?3))",
            params![v.form_id, v.paper_id, kept],
        )?;
        let user = reconciler.unwrap_or(r.operator);
        let mut start = AuditEvent::new(r.id, "form start", None);
        start.new_value = Some(v.paper_id.clone());
        audit::insert(&tx, &start, user)?;
        let mut first = AuditEvent::new(r.id, "first entry", None);
        first.new_value = Some(v.first_id.clone());
        audit::insert(&tx, &first, &v.first_by)?;
        let mut second = AuditEvent::new(r.id, "second entry", None);
        second.new_value = v.second_id.clone();
        audit::insert(&tx, &second, v.second_by.as_deref().unwrap_or_default())?;
        for d in decisions {
            let mut e = AuditEvent::new(r.id, "reconcile", Some(d.path.clone()));
            let shown = |v: &Option<String>| v.clone().unwrap_or_default();
            e.old_value = Some(format!(
                "first: {} | second: {}",
                shown(&d.first),
                shown(&d.second)
            ));
            let note = d
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            e.new_value = Some(format!(
                "{} ({}; {}{note})",
                shown(&d.value),
                d.taken.as_str(),
                d.reason.words()
            ));
            audit::insert(&tx, &e, user)?;
        }
        audit::insert(&tx, &AuditEvent::new(r.id, "form finalize", None), user)?;
        tx.commit()?;
        Ok(())
    }

    /// A supervisor accepts an edit of a verified response: it becomes the
    /// paper's verified result (the version it replaced stays superseded).
    pub fn accept_edit(&mut self, id: &str, supervisor: &str, at: &str) -> Result<()> {
        let tx = self.write()?;
        let found: Option<(String, String, String)> = tx
            .query_row(
                "SELECT e.form_id, e.paper_id, r.status FROM entries e JOIN responses r ON r.id = e.response_id
                 WHERE e.response_id = ?1 AND e.role = 'edit'",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((form_id, paper, status)) = found.filter(|f| f.2 != "draft") else {
            return Err(Refusal::NotAnEdit(id.to_string()).into());
        };
        let _ = status;
        tx.execute(
            "UPDATE verifications SET result_id = ?3, reconciler = ?4, verified_at = ?5
             WHERE form_id = ?1 AND paper_id = ?2",
            params![form_id, paper, id, supervisor, at],
        )?;
        set_role(&tx, id, &form_id, &paper, "result")?;
        let mut e = AuditEvent::new(id, "accept edit", None);
        e.new_value = Some(supervisor.to_string());
        audit::insert(&tx, &e, supervisor)?;
        tx.commit()?;
        Ok(())
    }
}
