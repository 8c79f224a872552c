//! What double entry measures: the slips a blind second entry caught, and
//! the discordances charged to each keyer (the side that lost in
//! reconciliation), per operator and per form; and what an export leaves
//! out.

use super::{Result, Store};
use rusqlite::params;

/// A per-operator line of the error rates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyerErrors {
    pub operator: String,
    /// Fields keyed as first and as second keyer, in papers compared.
    pub first_fields: i64,
    pub second_fields: i64,
    /// Discordances charged (the side that lost in reconciliation).
    pub first_charged: i64,
    pub second_charged: i64,
    /// Slips the second entry caught at once (and the retyped value agreed).
    pub slips: i64,
}

/// A per-form line: papers verified, fields compared and discordant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormVerification {
    pub form_id: String,
    pub chosen: i64,
    pub verified: i64,
    pub fields: i64,
    pub discordant: i64,
}

/// A slip of a blind second entry: the value first typed differed from
/// the first entry's; the operator keyed the field again (`agreed`: the
/// retyped value is the first entry's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip<'a> {
    pub second_id: &'a str,
    pub path: &'a str,
    pub typed: Option<&'a str>,
    pub retyped: Option<&'a str>,
    pub agreed: bool,
}

/// What the start screen says of double entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoubleEntry {
    /// Papers chosen whose second entry is not finalized yet.
    pub awaiting: i64,
    /// Papers whose two entries differ, not reconciled yet.
    pub to_reconcile: i64,
    /// This operator's error rates, once they keyed a compared paper.
    pub errors: Option<KeyerErrors>,
}

impl Store {
    /// Double entry as the start screen shows it, for `operator`: nothing
    /// read beyond the (small) verification tables.
    pub fn double_entry(&self, operator: &str) -> Result<DoubleEntry> {
        let (awaiting, to_reconcile) = self.conn.prepare_cached(
            "SELECT coalesce(sum(v.result_id IS NULL AND coalesce(s.status, 'draft') = 'draft'), 0),
                 coalesce(sum(v.result_id IS NULL AND s.status <> 'draft' AND coalesce(v.discordant, 1) > 0), 0)
             FROM verifications v LEFT JOIN responses s ON s.id = v.second_id",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let errors = match awaiting + to_reconcile > 0 || self.any_compared()? {
            true => self
                .verification_stats()?
                .0
                .into_iter()
                .find(|k| k.operator == operator),
            false => None,
        };
        Ok(DoubleEntry {
            awaiting,
            to_reconcile,
            errors,
        })
    }

    fn any_compared(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM verifications WHERE fields IS NOT NULL LIMIT 1")?
            .exists([])?)
    }

    /// Records a slip (see `Slip`).
    pub fn record_slip(&mut self, slip: &Slip<'_>, operator: &str, at: &str) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT OR REPLACE INTO slips(second_id, path, typed, retyped, agreed, operator, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                slip.second_id,
                slip.path,
                slip.typed,
                slip.retyped,
                slip.agreed,
                operator,
                at
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// How many responses with these statuses `batch` leaves out (keying
    /// entries, edits not verified again).
    pub fn held(&self, statuses: &[super::Status]) -> Result<i64> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.status, count(*) FROM entries e JOIN responses r ON r.id = e.response_id
             WHERE e.role <> 'result' GROUP BY r.status",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut n = 0;
        for row in rows {
            let (status, count) = row?;
            if super::Status::parse(&status).is_some_and(|s| statuses.contains(&s)) {
                n += count;
            }
        }
        Ok(n)
    }

    /// The error rates: per operator as first and second keyer, per form.
    pub fn verification_stats(&self) -> Result<(Vec<KeyerErrors>, Vec<FormVerification>)> {
        let mut keyers: std::collections::BTreeMap<String, KeyerErrors> = Default::default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.first_by, v.second_by, v.fields,
                 (SELECT count(*) FROM decisions d WHERE d.form_id = v.form_id AND d.paper_id = v.paper_id
                      AND d.reason IN ('first', 'both')),
                 (SELECT count(*) FROM decisions d WHERE d.form_id = v.form_id AND d.paper_id = v.paper_id
                      AND d.reason IN ('second', 'both')),
                 (SELECT count(*) FROM slips s WHERE s.second_id = v.second_id AND s.agreed)
             FROM verifications v WHERE v.fields IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        for row in rows {
            let (first, second, fields, by_first, by_second, slips) = row?;
            let k = keyers.entry(first.clone()).or_insert_with(|| KeyerErrors {
                operator: first,
                ..KeyerErrors::default()
            });
            k.first_fields += fields;
            k.first_charged += by_first;
            let k = keyers.entry(second.clone()).or_insert_with(|| KeyerErrors {
                operator: second,
                ..KeyerErrors::default()
            });
            k.second_fields += fields;
            k.second_charged += by_second;
            k.slips += slips;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT form_id, count(*), count(result_id), coalesce(sum(fields), 0),
                 coalesce(sum(discordant), 0)
             FROM verifications GROUP BY form_id ORDER BY form_id",
        )?;
        let forms = stmt.query_map([], |r| {
            Ok(FormVerification {
                form_id: r.get(0)?,
                chosen: r.get(1)?,
                verified: r.get(2)?,
                fields: r.get(3)?,
                discordant: r.get(4)?,
            })
        })?;
        let forms = forms.collect::<std::result::Result<_, _>>()?;
        Ok((keyers.into_values().collect(), forms))
    }
}
