//! The SQL of listings: a response's row as lists show it, a page of a
//! listing straight from an index, the export's batches in stored order,
//! the counts by status, and marking responses exported by id. Each is
//! checked against SQLite's plan (no sort of the whole table).

use super::{Counts, Listing, ResponseRow, Result, Status};
use rusqlite::Connection;

/// Marks the responses of a JSON list of ids (`?1`) exported again at `?2`
/// (`+status`: found by id, not by status, of which there are many).
pub(super) const EXPORTED_AGAIN: &str = "UPDATE responses SET exported_at = ?2
     WHERE +status = 'exported' AND id IN (SELECT value FROM json_each(?1))";

/// Marks the complete responses of a JSON list of ids exported at `?2`.
pub(super) const EXPORTED_NOW: &str = "UPDATE responses SET status = 'exported', exported_at = ?2
     WHERE +status = 'complete' AND id IN (SELECT value FROM json_each(?1))";

/// A page of a listing: `?1` rows from `?2`. Times carry the local offset,
/// which changes (summer time, travel): the order is the instant's
/// (julianday), as the indexes of migration 4 have it.
pub(super) fn page_sql(which: Listing) -> String {
    let filter = filter(which);
    format!(
        "{SELECT_ROW} {filter}
         ORDER BY julianday(r.updated_at) DESC, r.updated_at DESC, r.id DESC
         LIMIT ?1 OFFSET ?2"
    )
}

/// The condition on `r` of a listing.
pub(super) fn filter(which: Listing) -> &'static str {
    match which {
        Listing::All => "",
        Listing::Status(Status::Draft) => "WHERE r.status = 'draft'",
        Listing::Status(Status::Complete) => "WHERE r.status = 'complete'",
        Listing::Status(Status::Exported) => "WHERE r.status = 'exported'",
        Listing::Drafts => "WHERE (r.status <> 'draft') = 0",
        Listing::Finished => "WHERE (r.status <> 'draft') = 1",
        Listing::Unverified => {
            "WHERE r.status <> 'draft' AND EXISTS (SELECT 1 FROM entries e JOIN verifications v
                 ON v.form_id = e.form_id AND v.paper_id = e.paper_id
             WHERE e.response_id = r.id
               AND (e.role = 'first' AND v.result_id IS NULL OR e.role = 'edit'))"
        }
        Listing::ToReconcile => {
            "WHERE EXISTS (SELECT 1 FROM entries e JOIN verifications v
                 ON v.form_id = e.form_id AND v.paper_id = e.paper_id
                 JOIN responses s ON s.id = v.second_id
             WHERE e.response_id = r.id AND e.role = 'first' AND v.result_id IS NULL
               AND s.status <> 'draft' AND coalesce(v.discordant, 1) > 0)"
        }
        Listing::Verified => {
            "WHERE EXISTS (SELECT 1 FROM entries e WHERE e.response_id = r.id AND e.role = 'result')"
        }
    }
}

/// The next `?5` responses after rowid `?1` whose status is wanted (`?2`
/// draft, `?3` complete, `?4` exported). `+status`: the rowid's order, never
/// the status index (which would sort every matching row again for each
/// batch).
pub(super) fn batch_sql() -> String {
    format!(
        "{SELECT_ROW_ID}
         WHERE r.rowid > ?1 AND (?2 AND +r.status = 'draft' OR ?3 AND +r.status = 'complete'
             OR ?4 AND +r.status = 'exported')
           AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.response_id = r.id AND e.role <> 'result')
         ORDER BY r.rowid LIMIT ?5"
    )
}

/// `SELECT <a response's columns>[, extra] FROM responses r`. Its form's
/// names are left empty here (columns 2 to 4) and filled by `named`: a join
/// would read the form's snapshot record (hundreds of KB, with its CSV lists)
/// again for every row, and at 100,000 rows that is most of the time.
macro_rules! select_row {
    ($($extra:literal)?) => {
        concat!(
            "SELECT r.id, r.form_sha256, '', '', '', r.status, r.operator, r.device_id,
                r.language, r.instance_name, r.answered, r.relevant, r.position,
                r.deprecated_id, r.created_at, r.updated_at, r.completed_at, r.exported_at,
                r.superseded_by,
                (SELECT p.paper_id FROM papers p WHERE p.response_id = r.id),
                (SELECT e.role FROM entries e WHERE e.response_id = r.id)",
            $(", ", $extra,)?
            " FROM responses r"
        )
    };
}

pub(super) const SELECT_ROW: &str = select_row!();

/// `SELECT_ROW` with the rowid last (column 21), for `batch`.
const SELECT_ROW_ID: &str = select_row!("r.rowid");

/// Responses by status, from the index.
pub(super) fn count_by_status(conn: &Connection) -> Result<Counts> {
    let mut stmt = conn.prepare_cached("SELECT status, count(*) FROM responses GROUP BY status")?;
    let mut counts = Counts::default();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for r in rows {
        let (status, n) = r?;
        match Status::parse(&status) {
            Some(Status::Draft) => counts.draft = n,
            Some(Status::Complete) => counts.complete = n,
            Some(Status::Exported) => counts.exported = n,
            None => {}
        }
    }
    Ok(counts)
}

pub(super) fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ResponseRow> {
    let status: String = r.get(5)?;
    Ok(ResponseRow {
        id: r.get(0)?,
        form_sha256: r.get(1)?,
        form_id: r.get(2)?,
        form_version: r.get(3)?,
        form_title: r.get(4)?,
        status: Status::parse(&status).unwrap_or(Status::Draft),
        operator: r.get(6)?,
        device_id: r.get(7)?,
        language: r.get(8)?,
        instance_name: r.get(9)?,
        answered: r.get(10)?,
        relevant: r.get(11)?,
        position: r.get(12)?,
        deprecated_id: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        completed_at: r.get(16)?,
        exported_at: r.get(17)?,
        superseded_by: r.get(18)?,
        paper_id: r.get(19)?,
        entry: r
            .get::<_, Option<String>>(20)?
            .as_deref()
            .and_then(super::EntryRole::parse),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Listing, Status};

    /// What SQLite plans for a statement (its EXPLAIN QUERY PLAN lines).
    fn plan(conn: &Connection, sql: &str, params: &[i64]) -> String {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("prepares");
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .expect("plans");
        rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("\n")
    }

    fn plan_text(conn: &Connection, sql: &str, a: &str, b: &str) -> String {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("prepares");
        let rows = stmt
            .query_map([a, b], |r| r.get::<_, String>(3))
            .expect("plans");
        rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("\n")
    }

    /// Was: the export's batches went by the status index and sorted every
    /// matching row again for each batch (minutes at 100,000). Every listing
    /// reads straight from an index, never sorting the table.
    #[test]
    fn listings_and_batches_never_sort_the_table() {
        let mut conn = Connection::open_in_memory().expect("memory");
        crate::store::schema::migrate(&mut conn).expect("schema");
        for which in [
            Listing::All,
            Listing::Status(Status::Draft),
            Listing::Status(Status::Complete),
            Listing::Status(Status::Exported),
            Listing::Drafts,
            Listing::Finished,
        ] {
            let p = plan(&conn, &page_sql(which), &[50, 1000]);
            assert!(!p.contains("TEMP B-TREE"), "{which:?}: {p}");
            assert!(p.contains("INDEX responses_by_"), "{which:?}: {p}");
        }
        let p = plan(&conn, &batch_sql(), &[0, 0, 1, 1, 500]);
        assert!(p.contains("INTEGER PRIMARY KEY (rowid>?)"), "{p}");
        assert!(
            !p.contains("TEMP B-TREE") && !p.contains("MULTI-INDEX"),
            "{p}"
        );
        for sql in [EXPORTED_AGAIN, EXPORTED_NOW] {
            let p = plan_text(&conn, sql, "[\"a\"]", "t");
            assert!(p.contains("sqlite_autoindex_responses_1 (id=?)"), "{p}");
        }
        let p = plan(
            &conn,
            "SELECT status, count(*) FROM responses GROUP BY status",
            &[],
        );
        assert!(
            p.contains("COVERING INDEX") && !p.contains("TEMP B-TREE"),
            "{p}"
        );
    }
}
