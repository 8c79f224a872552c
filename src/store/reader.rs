//! A second connection to the same database, read-only, for a thread of its
//! own: an export reads answers on every core while the first connection
//! walks the responses and marks them.

use super::{Result, Store};
use rusqlite::{Connection, OpenFlags};
use std::time::Duration;

pub struct Reader {
    conn: Connection,
}

impl Store {
    /// A read-only connection to this store's database.
    pub fn reader(&self) -> Result<Reader> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(self.path(), flags)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(Reader { conn })
    }
}

impl Reader {
    /// The stored answers of each response, by data path, read in one
    /// transaction (one snapshot, and no lock taken and dropped for each).
    pub fn answers_of(&mut self, ids: &[&str]) -> Result<Vec<Vec<(String, String)>>> {
        let tx = self.conn.unchecked_transaction()?;
        let mut out = Vec::with_capacity(ids.len());
        {
            let mut stmt = tx.prepare_cached(
                "SELECT path, value FROM answers WHERE response_id = ?1 ORDER BY path",
            )?;
            for id in ids {
                let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                out.push(rows.collect::<std::result::Result<_, _>>()?);
            }
        }
        tx.commit()?;
        Ok(out)
    }
}
