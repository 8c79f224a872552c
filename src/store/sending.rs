//! Sending in the store: the servers, each attempt at sending a response
//! with the server's answer, and the response's delivery once the server
//! has it (written in the same transaction as the attempt that got it, so
//! that a response the record says is there is never sent again, and one
//! it does not is sent again safely: the server knows its instanceID).

use super::{Result, Store, StoreError};
use rusqlite::{OptionalExtension, params};
use std::collections::HashSet;

/// How a server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    /// An ODK Central App User's URL: the token in it is the credential.
    Token,
    /// An ODK Central project URL, with a web user's e-mail.
    Central,
    /// Any OpenRosa server (KoboToolbox…), with a user and password when
    /// the server asks for them.
    OpenRosa,
}

impl ServerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ServerKind::Token => "token",
            ServerKind::Central => "central",
            ServerKind::OpenRosa => "openrosa",
        }
    }

    fn parse(s: &str) -> ServerKind {
        match s {
            "token" => ServerKind::Token,
            "central" => ServerKind::Central,
            _ => ServerKind::OpenRosa,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub name: String,
    /// The base: `…/submission` and `…/formList` are below it.
    pub url: String,
    pub kind: ServerKind,
    pub username: Option<String>,
    pub added_at: String,
}

/// A response on a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub server: String,
    pub sent_at: String,
    pub http_status: u16,
    /// The server had it already (a 409: an earlier attempt got through).
    pub already: bool,
}

/// One try at sending a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub server: String,
    pub at: String,
    /// None when no answer came (the line dropped, a timeout).
    pub http_status: Option<u16>,
    pub message: String,
}

impl Store {
    /// Adds a server; a name already used is refused.
    pub fn add_server(&mut self, s: &Server) -> Result<()> {
        let tx = self.write()?;
        let exists: Option<String> = tx
            .query_row("SELECT name FROM servers WHERE name = ?1", [&s.name], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_some() {
            return Err(StoreError::ServerExists(s.name.clone()));
        }
        tx.execute(
            "INSERT INTO servers(name, url, kind, username, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![s.name, s.url, s.kind.as_str(), s.username, s.added_at],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn servers(&self) -> Result<Vec<Server>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, url, kind, username, added_at FROM servers ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Server {
                name: r.get(0)?,
                url: r.get(1)?,
                kind: ServerKind::parse(&r.get::<_, String>(2)?),
                username: r.get(3)?,
                added_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Removes a server (what was sent to it stays on record); whether it
    /// was there.
    pub fn remove_server(&mut self, name: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM servers WHERE name = ?1", [name])?
            > 0)
    }

    /// Records an attempt that did not get the response there.
    pub fn record_attempt(&mut self, response: &str, a: &Attempt) -> Result<()> {
        self.conn.execute(
            "INSERT INTO attempts(response_id, server, at, http_status, message) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![response, a.server, a.at, a.http_status, a.message],
        )?;
        Ok(())
    }

    /// Records the attempt that got the response there, and its delivery,
    /// in one transaction.
    pub fn record_delivery(
        &mut self,
        response: &str,
        a: &Attempt,
        url: &str,
        already: bool,
    ) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO attempts(response_id, server, at, http_status, message) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![response, a.server, a.at, a.http_status, a.message],
        )?;
        tx.execute(
            "INSERT INTO deliveries(response_id, server, url, sent_at, http_status, already)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(response_id, server) DO NOTHING",
            params![
                response,
                a.server,
                url,
                a.at,
                a.http_status.unwrap_or(0),
                already
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The responses a server has (as far as the record knows).
    pub fn delivered_to(&self, server: &str) -> Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT response_id FROM deliveries WHERE server = ?1")?;
        let rows = stmt.query_map([server], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Where a response was sent, the first server first.
    pub fn deliveries(&self, response: &str) -> Result<Vec<Delivery>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT server, sent_at, http_status, already FROM deliveries
             WHERE response_id = ?1 ORDER BY sent_at",
        )?;
        let rows = stmt.query_map([response], |r| {
            Ok(Delivery {
                server: r.get(0)?,
                sent_at: r.get(1)?,
                http_status: u16::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                already: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Every attempt at sending a response, oldest first.
    pub fn attempts(&self, response: &str) -> Result<Vec<Attempt>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT server, at, http_status, message FROM attempts
             WHERE response_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([response], |r| {
            Ok(Attempt {
                server: r.get(0)?,
                at: r.get(1)?,
                http_status: r
                    .get::<_, Option<i64>>(2)?
                    .and_then(|s| u16::try_from(s).ok()),
                message: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Notes responses carried away in a bundle file.
    pub fn record_bundled(&mut self, ids: &[String], file: &str, at: &str) -> Result<()> {
        let tx = self.write()?;
        for id in ids {
            tx.execute(
                "INSERT INTO bundled(response_id, file, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(response_id) DO UPDATE SET file = excluded.file, at = excluded.at",
                params![id, file, at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The responses already in a bundle, or sent anywhere.
    pub fn bundled_or_sent(&self) -> Result<HashSet<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT response_id FROM bundled UNION SELECT response_id FROM deliveries",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(name: &str) -> Server {
        Server {
            name: name.into(),
            url: "https://central.example/v1/key/abc/projects/1".into(),
            kind: ServerKind::Token,
            username: None,
            added_at: "2026-12-04T10:00:00Z".into(),
        }
    }

    #[test]
    fn servers_are_added_once_listed_and_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(dir.path()).expect("store");
        store.add_server(&server("central")).expect("added");
        assert!(matches!(
            store.add_server(&server("central")),
            Err(StoreError::ServerExists(_))
        ));
        assert_eq!(store.servers().expect("servers"), [server("central")]);
        assert!(store.remove_server("central").expect("removed"));
        assert!(!store.remove_server("central").expect("nothing"));
    }
}
