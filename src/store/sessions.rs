//! Keying sessions: an operator from start to quit, with the figures
//! `rileva stats` totals (fields, keys, bad keys, corrections, idle time).

use super::{Result, Store};
use rusqlite::params;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionRecord {
    pub operator: String,
    /// `transcription` when any response was keyed from paper, else `screens`.
    pub layout: String,
    /// RFC 3339.
    pub started_at: String,
    pub ended_at: String,
    pub idle_ms: i64,
    pub responses: i64,
    pub fields: i64,
    pub keys: i64,
    pub bad_keys: i64,
    pub corrections: i64,
}

impl Store {
    pub fn save_session(&mut self, s: &SessionRecord) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO sessions(operator, layout, started_at, ended_at, idle_ms, responses,
                 fields, keys, bad_keys, corrections)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                s.operator,
                s.layout,
                s.started_at,
                s.ended_at,
                s.idle_ms,
                s.responses,
                s.fields,
                s.keys,
                s.bad_keys,
                s.corrections
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every session (of one operator), oldest first.
    pub fn sessions(&self, operator: Option<&str>) -> Result<Vec<SessionRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT operator, layout, started_at, ended_at, idle_ms, responses, fields, keys,
                 bad_keys, corrections
             FROM sessions WHERE ?1 IS NULL OR operator = ?1 ORDER BY started_at, id",
        )?;
        let rows = stmt.query_map([operator], |r| {
            Ok(SessionRecord {
                operator: r.get(0)?,
                layout: r.get(1)?,
                started_at: r.get(2)?,
                ended_at: r.get(3)?,
                idle_ms: r.get(4)?,
                responses: r.get(5)?,
                fields: r.get(6)?,
                keys: r.get(7)?,
                bad_keys: r.get(8)?,
                corrections: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
