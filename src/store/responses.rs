//! Settings, stored form snapshots, responses and their answers: every
//! read and write of the data itself.

use super::audit::{self, AuditEvent};
use super::listing::{
    EXPORTED_AGAIN, EXPORTED_NOW, SELECT_ROW, batch_sql, count_by_status, filter, page_sql, row,
};
use super::{
    Counts, Cursor, Listing, NewResponse, ResponseRow, Result, Status, Store, StoreError, Summary,
};
use crate::form::{Form, FormBundle};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The operator's name for this data directory, if one was given.
    pub fn operator(&self) -> Result<Option<String>> {
        Ok(self.setting("operator")?.filter(|s| !s.trim().is_empty()))
    }

    pub fn set_operator(&self, name: &str) -> Result<()> {
        self.set_setting("operator", name.trim())
    }

    /// This data directory's device id (`rileva:<uuid>`), created on first use.
    pub fn device_id(&self) -> Result<String> {
        if let Some(id) = self.setting("device_id")? {
            return Ok(id);
        }
        let id = format!("rileva:{}", uuid::Uuid::new_v4().simple());
        self.conn.execute(
            "INSERT OR IGNORE INTO settings(key, value) VALUES ('device_id', ?1)",
            [&id],
        )?;
        Ok(self.setting("device_id")?.unwrap_or(id))
    }

    /// Stores a form snapshot once (by hash): the bundle it was compiled from,
    /// so that its responses always reopen with it.
    pub fn save_form(&self, bundle: &FormBundle, form: &Form, at: &str) -> Result<()> {
        insert_form(&self.conn, bundle, form, at)
    }

    pub fn load_form(&self, sha256: &str) -> Result<Option<FormBundle>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT bundle FROM forms WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?;
        match text {
            None => Ok(None),
            Some(t) => FormBundle::from_snapshot(&t)
                .map(Some)
                .map_err(StoreError::Sql),
        }
    }

    /// Creates a draft with its first answers (defaults), in one transaction.
    pub fn create_response(&mut self, r: &NewResponse<'_>) -> Result<()> {
        // A paper keyed already is refused before the noted events are
        // taken (they stay for the next write); checked again inside.
        if let Some(paper) = r.paper {
            audit::refuse_keyed(&self.conn, paper)?;
        }
        let noted = self.take_noted();
        let tx = self.write()?;
        insert_draft(&tx, r)?;
        if let Some(paper) = r.paper {
            // The first entry of a paper: a second is made by
            // `create_second_entry`, never by a new transcription.
            audit::refuse_keyed(&tx, paper)?;
            audit::set_paper(&tx, r.id, paper)?;
        }
        let mut start = AuditEvent::new(r.id, "form start", None);
        start.new_value = r.paper.map(str::to_string);
        audit::insert(&tx, &start, r.operator)?;
        audit::write_all(&tx, &noted)?;
        tx.commit()?;
        Ok(())
    }

    /// Saves one answer of a draft (`None` clears it) and its summary, in one
    /// transaction. Returns only after the commit.
    pub fn save_answer(
        &mut self,
        id: &str,
        path: &str,
        value: Option<&str>,
        operator: &str,
        summary: &Summary,
        at: &str,
    ) -> Result<()> {
        let noted = self.take_noted();
        let tx = self.write()?;
        update_summary(&tx, id, summary, at)?;
        let old = audit::stored_value(&tx, id, path)?;
        audit::answer_changed(&tx, id, path, old, value, operator)?;
        audit::write_all(&tx, &noted)?;
        match value {
            Some(v) => upsert_answers(&tx, id, &[(path.to_string(), v.to_string())], operator, at)?,
            None => {
                tx.execute(
                    "DELETE FROM answers WHERE response_id = ?1 AND path = ?2",
                    params![id, path],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Remembers the screen a draft was left on.
    pub fn save_position(&mut self, id: &str, position: &str) -> Result<()> {
        let noted = self.take_noted();
        let tx = self.write()?;
        tx.execute(
            "UPDATE responses SET position = ?2 WHERE id = ?1 AND status = 'draft'",
            params![id, position],
        )?;
        audit::write_all(&tx, &noted)?;
        tx.commit()?;
        Ok(())
    }

    /// Marks a draft complete. The caller has checked that nothing is missing.
    pub fn finalize(
        &mut self,
        id: &str,
        summary: &Summary,
        language: &str,
        answers: &[(String, String)],
        operator: &str,
        at: &str,
    ) -> Result<()> {
        let noted = self.take_noted();
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE responses SET status = 'complete', instance_name = ?2, answered = ?3, relevant = ?4,
                 language = ?5, updated_at = ?6, completed_at = ?6
             WHERE id = ?1 AND status = 'draft'",
            params![id, summary.instance_name, summary.answered, summary.relevant, language, at],
        )?;
        if changed == 0 {
            return Err(self_not_draft(&tx, id));
        }
        upsert_answers(&tx, id, answers, operator, at)?;
        super::verify::on_finalize(&tx, id, operator, at)?;
        audit::insert(&tx, &AuditEvent::new(id, "form finalize", None), operator)?;
        audit::write_all(&tx, &noted)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces every answer of a draft with `answers` (the rows that differ
    /// are written, the ones not given are deleted) and its summary, in one
    /// transaction: used when repeat instances are added or removed.
    pub fn replace_answers(
        &mut self,
        id: &str,
        answers: &[(String, String)],
        operator: &str,
        summary: &Summary,
        at: &str,
    ) -> Result<()> {
        let noted = self.take_noted();
        let tx = self.write()?;
        update_summary(&tx, id, summary, at)?;
        let current: std::collections::HashMap<String, String> = {
            let mut stmt = tx.prepare("SELECT path, value FROM answers WHERE response_id = ?1")?;
            let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let wanted: std::collections::HashSet<&str> =
            answers.iter().map(|(p, _)| p.as_str()).collect();
        {
            let mut delete =
                tx.prepare("DELETE FROM answers WHERE response_id = ?1 AND path = ?2")?;
            for path in current.keys().filter(|p| !wanted.contains(p.as_str())) {
                delete.execute(params![id, path])?;
                audit::answer_changed(&tx, id, path, current.get(path).cloned(), None, operator)?;
            }
        }
        let changed: Vec<(String, String)> = answers
            .iter()
            .filter(|(p, v)| current.get(p) != Some(v))
            .cloned()
            .collect();
        for (path, value) in &changed {
            audit::answer_changed(
                &tx,
                id,
                path,
                current.get(path).cloned(),
                Some(value),
                operator,
            )?;
        }
        audit::write_all(&tx, &noted)?;
        upsert_answers(&tx, id, &changed, operator, at)?;
        tx.commit()?;
        Ok(())
    }

    /// Starts a new version of a finalized (complete or exported) response:
    /// a draft with its answers, a new id and `deprecated_id` pointing at the
    /// old one, which is kept as it was and notes its successor. One
    /// transaction.
    pub fn new_version(&mut self, old: &str, new: &str, operator: &str, at: &str) -> Result<()> {
        let noted = self.take_noted();
        let tx = self.write()?;
        let status: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT status, superseded_by FROM responses WHERE id = ?1",
                [old],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match status {
            None => return Err(StoreError::NotFound(old.to_string())),
            Some((s, _)) if s == "draft" => return Err(StoreError::NotFinal(old.to_string())),
            Some((_, Some(by))) => {
                return Err(StoreError::Superseded {
                    id: old.to_string(),
                    by,
                });
            }
            Some(_) => {}
        }
        tx.execute(
            "INSERT INTO responses(id, form_sha256, status, operator, device_id, language, instance_name,
                 answered, relevant, position, deprecated_id, created_at, updated_at)
             SELECT ?2, form_sha256, 'draft', ?3, device_id, language, instance_name, answered, relevant,
                 NULL, id, ?4, ?4
             FROM responses WHERE id = ?1",
            params![old, new, operator, at],
        )?;
        tx.execute(
            "INSERT INTO answers(response_id, path, value, operator, updated_at)
             SELECT ?2, path, value, operator, updated_at FROM answers WHERE response_id = ?1",
            params![old, new],
        )?;
        tx.execute(
            "UPDATE responses SET superseded_by = ?2 WHERE id = ?1",
            params![old, new],
        )?;
        audit::copy_paper(&tx, old, new)?;
        super::verify::on_new_version(&tx, old, new)?;
        let mut edit = AuditEvent::new(new, "form edit", None);
        edit.old_value = Some(old.to_string());
        audit::insert(&tx, &edit, operator)?;
        audit::write_all(&tx, &noted)?;
        tx.commit()?;
        Ok(())
    }

    /// Marks complete responses exported (called after their files are on disk).
    /// In transactions of up to 2,000 (tens of milliseconds), so that a TUI
    /// saving an answer meanwhile never waits long; each is whole. A response
    /// exported before only gets its new time (its status, and so the
    /// indexes on it, stay as they are).
    pub fn mark_exported(&mut self, ids: &[String], at: &str) -> Result<()> {
        for chunk in ids.chunks(2_000) {
            let list = serde_json::to_string(chunk).map_err(|e| StoreError::Sql(e.to_string()))?;
            let tx = self.write()?;
            tx.prepare_cached(EXPORTED_AGAIN)?
                .execute(params![list, at])?;
            tx.prepare_cached(EXPORTED_NOW)?
                .execute(params![list, at])?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn response(&self, id: &str) -> Result<Option<ResponseRow>> {
        let sql = format!("{SELECT_ROW} WHERE r.id = ?1");
        let found = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], row)
            .optional()?;
        Ok(match found {
            Some(r) => self.named(vec![r])?.pop(),
            None => None,
        })
    }

    /// Rows with their form's id, version and title, each form read once.
    /// A response whose form snapshot is missing keeps them empty (and is
    /// still listed: whoever opens or exports it finds out).
    fn named(&self, mut rows: Vec<ResponseRow>) -> Result<Vec<ResponseRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT form_id, version, title FROM forms WHERE sha256 = ?1")?;
        let mut seen: HashMap<String, Option<(String, String, String)>> = HashMap::new();
        for r in &mut rows {
            if !seen.contains_key(&r.form_sha256) {
                let names = stmt
                    .query_row([&r.form_sha256], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)))
                    .optional()?;
                seen.insert(r.form_sha256.clone(), names);
            }
            if let Some(Some((id, version, title))) = seen.get(&r.form_sha256) {
                r.form_id.clone_from(id);
                r.form_version.clone_from(version);
                r.form_title.clone_from(title);
            }
        }
        Ok(rows)
    }

    /// A page of the responses a listing shows, most recently changed first
    /// (straight from an index: a page costs the same at 10 or 100,000).
    pub fn page(&self, which: Listing, offset: usize, limit: usize) -> Result<Vec<ResponseRow>> {
        let mut stmt = self.conn.prepare_cached(&page_sql(which))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![limit, offset], row)?;
        let rows = rows.collect::<std::result::Result<_, _>>()?;
        self.named(rows)
    }

    /// How many responses a listing has (from the counts by status).
    pub fn count(&self, which: Listing) -> Result<i64> {
        match which {
            Listing::Unverified | Listing::ToReconcile | Listing::Verified => {
                let sql = format!("SELECT count(*) FROM responses r {}", filter(which));
                Ok(self
                    .conn
                    .prepare_cached(&sql)?
                    .query_row([], |r| r.get(0))?)
            }
            _ => Ok(which.within(self.counts()?)),
        }
    }

    /// The next batch of responses with the given statuses (all when empty)
    /// in the order they were stored, after `cursor` (`None` from the
    /// first): for a walk over every response that never holds them all.
    /// The keying entries of a paper under verification (and an edit of its
    /// verified result not verified again) are left out: what goes out is
    /// the verified response.
    pub fn batch(
        &self,
        statuses: &[Status],
        cursor: Option<Cursor>,
        limit: usize,
    ) -> Result<(Vec<ResponseRow>, Option<Cursor>)> {
        let wanted = |s: Status| statuses.is_empty() || statuses.contains(&s);
        let sql = batch_sql();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let after = cursor.map_or(0, |c| c.0);
        let rows = stmt.query_map(
            params![
                after,
                wanted(Status::Draft),
                wanted(Status::Complete),
                wanted(Status::Exported),
                limit
            ],
            |r| Ok((r.get::<_, i64>(21)?, row(r)?)),
        )?;
        let mut out = Vec::new();
        let mut last = None;
        for r in rows {
            let (rowid, response) = r?;
            last = Some(Cursor(rowid));
            out.push(response);
        }
        Ok((self.named(out)?, last.or(cursor)))
    }

    /// What another connection last committed, as a number that changes
    /// with every commit of another process (`PRAGMA data_version`): a
    /// screen showing counts reloads when it moves.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    pub fn counts(&self) -> Result<Counts> {
        count_by_status(&self.conn)
    }

    /// The stored answers of a response, by data path.
    pub fn answers(&self, id: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT path, value FROM answers WHERE response_id = ?1 ORDER BY path",
        )?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

/// Stores a form snapshot once (by hash), in or out of a transaction.
pub(super) fn insert_form(
    conn: &Connection,
    bundle: &FormBundle,
    form: &Form,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO forms(sha256, form_id, version, title, bundle, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            form.sha256,
            form.id,
            form.version,
            form.title,
            bundle.to_snapshot(),
            at
        ],
    )?;
    Ok(())
}

/// Inserts a draft and its first answers (inside the caller's transaction).
pub(super) fn insert_draft(tx: &rusqlite::Transaction<'_>, r: &NewResponse<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO responses(id, form_sha256, status, operator, device_id, language,
             instance_name, answered, relevant, position, created_at, updated_at)
         VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            r.id,
            r.form_sha256,
            r.operator,
            r.device_id,
            r.language,
            r.summary.instance_name,
            r.summary.answered,
            r.summary.relevant,
            r.summary.position,
            r.created_at
        ],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO answers(response_id, path, value, operator, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (path, value) in r.answers {
        insert.execute(params![r.id, path, value, r.operator, r.created_at])?;
    }
    Ok(())
}

/// A draft's summary and change time, or why it cannot change.
fn update_summary(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    summary: &Summary,
    at: &str,
) -> Result<()> {
    let changed = tx.execute(
        "UPDATE responses SET instance_name = ?2, answered = ?3, relevant = ?4, position = ?5, updated_at = ?6
         WHERE id = ?1 AND status = 'draft'",
        params![id, summary.instance_name, summary.answered, summary.relevant, summary.position, at],
    )?;
    if changed == 0 {
        return Err(self_not_draft(tx, id));
    }
    Ok(())
}

pub(super) fn upsert_answers(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    answers: &[(String, String)],
    operator: &str,
    at: &str,
) -> Result<()> {
    let mut upsert = tx.prepare(
        "INSERT INTO answers(response_id, path, value, operator, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(response_id, path) DO UPDATE SET value = excluded.value,
             operator = excluded.operator, updated_at = excluded.updated_at",
    )?;
    for (path, value) in answers {
        upsert.execute(params![id, path, value, operator, at])?;
    }
    Ok(())
}

fn self_not_draft(tx: &rusqlite::Transaction<'_>, id: &str) -> StoreError {
    match tx
        .query_row("SELECT 1 FROM responses WHERE id = ?1", [id], |_| Ok(()))
        .optional()
    {
        Ok(Some(())) => StoreError::NotDraft(id.to_string()),
        Ok(None) => StoreError::NotFound(id.to_string()),
        Err(e) => e.into(),
    }
}
