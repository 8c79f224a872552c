//! Double entry in the store: which papers are to be verified, their two
//! keying entries and their verified result, the reconciler's decisions and
//! the slips a blind second entry caught. The rules that need the
//! questionnaire (what differs) are the engine's; the steps that join the
//! two are `app::verify`'s.

use super::audit::{self, AuditEvent};
use super::policy::Policy;
use super::refusal::Refusal;
use super::{NewResponse, Result, Store};
use rusqlite::{OptionalExtension, Transaction, params};

/// A paper chosen for verification, as far as it has gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub form_id: String,
    pub paper_id: String,
    pub first_id: String,
    pub first_by: String,
    pub second_id: Option<String>,
    pub second_by: Option<String>,
    /// Whether the second entry is finalized.
    pub second_complete: bool,
    /// Fields compared and how many differed, once both entries are in.
    pub fields: Option<i64>,
    pub discordant: Option<i64>,
    pub result_id: Option<String>,
    pub reconciler: Option<String>,
}

impl Verification {
    pub fn verified(&self) -> bool {
        self.result_id.is_some()
    }

    /// Both entries are in and they differ: a reconciler's turn.
    pub fn to_reconcile(&self) -> bool {
        self.result_id.is_none() && self.discordant.is_some_and(|d| d > 0)
    }
}

/// How a new second entry starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondEntry {
    /// This operator's own second entry, a draft: resume it.
    Resume(String),
    /// A new draft, on the first entry's form.
    New(Box<Verification>),
}

const SELECT_VERIFICATION: &str = "SELECT v.form_id, v.paper_id, v.first_id, v.first_by,
        v.second_id, v.second_by, coalesce(s.status <> 'draft', 0), v.fields, v.discordant,
        v.result_id, v.reconciler
    FROM verifications v LEFT JOIN responses s ON s.id = v.second_id";

fn verification(r: &rusqlite::Row<'_>) -> rusqlite::Result<Verification> {
    Ok(Verification {
        form_id: r.get(0)?,
        paper_id: r.get(1)?,
        first_id: r.get(2)?,
        first_by: r.get(3)?,
        second_id: r.get(4)?,
        second_by: r.get(5)?,
        second_complete: r.get(6)?,
        fields: r.get(7)?,
        discordant: r.get(8)?,
        result_id: r.get(9)?,
        reconciler: r.get(10)?,
    })
}

/// The role of a response in a paper's verification.
pub(super) fn role(conn: &rusqlite::Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT role FROM entries WHERE response_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// A finalized first entry of a paper: chosen for verification or not, by
/// the data directory's setting, once (a later change of the setting leaves
/// the papers already chosen as they are).
pub(super) fn on_finalize(tx: &Transaction<'_>, id: &str, operator: &str, at: &str) -> Result<()> {
    if role(tx, id)?.is_some() {
        return Ok(());
    }
    let paper: Option<(String, String, Option<String>)> = tx
        .query_row(
            "SELECT p.paper_id, f.form_id, r.deprecated_id FROM papers p
             JOIN responses r ON r.id = p.response_id JOIN forms f ON f.sha256 = r.form_sha256
             WHERE p.response_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((paper, form_id, None)) = paper else {
        return Ok(());
    };
    let taken: bool = tx
        .prepare_cached("SELECT 1 FROM verifications WHERE form_id = ?1 AND paper_id = ?2")?
        .exists(params![form_id, paper])?;
    if taken || !Policy::read(tx)?.chooses(&form_id, &paper, operator) {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO verifications(form_id, paper_id, first_id, first_by, chosen_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![form_id, paper, id, operator, at],
    )?;
    set_role(tx, id, &form_id, &paper, "first")
}

pub(super) fn set_role(
    tx: &Transaction<'_>,
    id: &str,
    form_id: &str,
    paper: &str,
    role: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO entries(response_id, form_id, paper_id, role) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(response_id) DO UPDATE SET role = excluded.role",
        params![id, form_id, paper, role],
    )?;
    Ok(())
}

/// An imported complete response keyed from paper (another machine's): the
/// second entry of a paper whose first entry is here and waits for one, by
/// another keyer; else a response of its own, as before double entry (the
/// file does not say whether it was verified there already: it is not made
/// an entry to verify again).
pub(super) fn on_import(
    tx: &Transaction<'_>,
    id: &str,
    form_id: &str,
    paper: &str,
    keyer: &str,
) -> Result<()> {
    let waiting: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT first_by, second_id FROM verifications
             WHERE form_id = ?1 AND paper_id = ?2 AND result_id IS NULL",
            params![form_id, paper],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match waiting {
        Some((first_by, None)) if first_by != keyer => {
            set_role(tx, id, form_id, paper, "second")?;
            tx.execute(
                "UPDATE verifications SET second_id = ?3, second_by = ?4
                 WHERE form_id = ?1 AND paper_id = ?2",
                params![form_id, paper, id, keyer],
            )?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A new version of a response: refused for a keying entry; the edit of a
/// verified result waits to be verified again (accepted by a supervisor).
pub(super) fn on_new_version(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    match role(tx, old)?.as_deref() {
        Some("first" | "second") => Err(Refusal::EntryReadOnly(old.to_string()).into()),
        Some(_) => {
            tx.execute(
                "INSERT INTO entries(response_id, form_id, paper_id, role)
                 SELECT ?2, form_id, paper_id, 'edit' FROM entries WHERE response_id = ?1",
                params![old, new],
            )?;
            Ok(())
        }
        None => Ok(()),
    }
}

impl Store {
    /// The verification of a paper of a form.
    pub fn verification(&self, form_id: &str, paper_id: &str) -> Result<Option<Verification>> {
        let sql = format!("{SELECT_VERIFICATION} WHERE v.form_id = ?1 AND v.paper_id = ?2");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![form_id, paper_id], verification)
            .optional()?)
    }

    /// The verification a response takes part in (as an entry or result).
    pub fn verification_of(&self, id: &str) -> Result<Option<Verification>> {
        let sql = format!(
            "{SELECT_VERIFICATION} JOIN entries e ON e.form_id = v.form_id AND e.paper_id = v.paper_id
             WHERE e.response_id = ?1"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], verification)
            .optional()?)
    }

    /// Papers with this number under verification, the given form's first.
    fn verifications_of_paper(&self, paper_id: &str, form_id: &str) -> Result<Vec<Verification>> {
        let sql = format!(
            "{SELECT_VERIFICATION} WHERE v.paper_id = ?1 ORDER BY v.form_id <> ?2, v.form_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![paper_id, form_id], verification)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Where `operator`'s second entry of a paper starts, or why it may not.
    /// The first entry's values are not read here, nor anywhere the second
    /// operator's screens are fed from.
    pub fn second_entry(
        &self,
        paper_id: &str,
        form_id: &str,
        operator: &str,
    ) -> Result<SecondEntry> {
        let found = self.verifications_of_paper(paper_id, form_id)?;
        let Some(v) = found.into_iter().next() else {
            let keyed: bool = self
                .conn
                .prepare_cached(
                    "SELECT 1 FROM papers p JOIN responses r ON r.id = p.response_id
                     WHERE p.paper_id = ?1 AND r.status <> 'draft'",
                )?
                .exists([paper_id])?;
            return Err(match keyed {
                true => Refusal::NotChosen(paper_id.to_string()),
                false => Refusal::NoFirstEntry(paper_id.to_string()),
            }
            .into());
        };
        let paper = paper_id.to_string();
        if v.verified() {
            return Err(Refusal::AlreadyVerified(paper).into());
        }
        if v.first_by == operator {
            return Err(Refusal::SameOperator(paper).into());
        }
        match (&v.second_id, &v.second_by) {
            (Some(id), Some(by)) if by == operator && !v.second_complete => {
                Ok(SecondEntry::Resume(id.clone()))
            }
            (Some(_), Some(by)) if !v.second_complete => Err(Refusal::TakenBy {
                paper,
                by: by.clone(),
            }
            .into()),
            (Some(_), _) => Err(Refusal::BothKeyed(paper).into()),
            (None, _) => Ok(SecondEntry::New(Box::new(v))),
        }
    }

    /// Creates the draft of a paper's second entry, checked again inside
    /// its transaction (another operator may have started it meanwhile).
    pub fn create_second_entry(&mut self, r: &NewResponse<'_>, form_id: &str) -> Result<()> {
        let paper = r.paper.unwrap_or_default().to_string();
        let noted = self.take_noted();
        let tx = self.write()?;
        let free: bool = tx
            .prepare_cached(
                "SELECT 1 FROM verifications WHERE form_id = ?1 AND paper_id = ?2
                 AND second_id IS NULL AND result_id IS NULL AND first_by <> ?3",
            )?
            .exists(params![form_id, paper, r.operator])?;
        if !free {
            drop(tx);
            return Err(match self.second_entry(&paper, form_id, r.operator) {
                Err(e) => e,
                Ok(_) => Refusal::BothKeyed(paper).into(),
            });
        }
        super::responses::insert_draft(&tx, r)?;
        audit::set_paper(&tx, r.id, &paper)?;
        set_role(&tx, r.id, form_id, &paper, "second")?;
        tx.execute(
            "UPDATE verifications SET second_id = ?3, second_by = ?4 WHERE form_id = ?1 AND paper_id = ?2",
            params![form_id, paper, r.id, r.operator],
        )?;
        let mut start = AuditEvent::new(r.id, "form start", None);
        start.new_value = Some(paper);
        audit::insert(&tx, &start, r.operator)?;
        audit::write_all(&tx, &noted)?;
        tx.commit()?;
        Ok(())
    }

    /// Papers whose first entry waits for a second that `operator` may key
    /// (not theirs, not started by someone else), by paper ID.
    pub fn awaiting_second(&self, operator: &str, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.paper_id FROM verifications v LEFT JOIN responses s ON s.id = v.second_id
             WHERE v.result_id IS NULL AND v.first_by <> ?1
               AND (v.second_id IS NULL OR v.second_by = ?1 AND s.status = 'draft')
             ORDER BY v.paper_id LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![operator, limit], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Papers with both entries finalized and not verified yet: compared and
    /// discordant, or not compared yet (`fields` unset).
    pub fn finalized_twice(&self) -> Result<Vec<Verification>> {
        let sql = format!(
            "{SELECT_VERIFICATION} WHERE v.result_id IS NULL AND s.status <> 'draft'
             ORDER BY v.paper_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], verification)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Records what comparing the two entries found.
    pub fn set_compared(
        &mut self,
        form_id: &str,
        paper: &str,
        fields: i64,
        discordant: i64,
    ) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE verifications SET fields = ?3, discordant = ?4 WHERE form_id = ?1 AND paper_id = ?2",
            params![form_id, paper, fields, discordant],
        )?;
        tx.commit()?;
        Ok(())
    }
}
