//! A server as the operator gives it: its URL read for its kind (an ODK
//! Central App User's token URL, a Central project, any other OpenRosa
//! server) and made the base of its endpoints; and the passwords kept only
//! on request, in a 0600 file of the data directory, never in the database.

use crate::store::{Server, ServerKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file of saved passwords, by server name.
pub const PASSWORDS: &str = "server-passwords.json";

/// Why a server cannot be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerError {
    #[error("{0} is not an http:// or https:// address")]
    NotHttp(String),
    #[error(
        "{0} is an ODK Central project: add --user with the web user's e-mail (or use an App User's URL, /v1/key/TOKEN/projects/N)"
    )]
    CentralNeedsUser(String),
    #[error("a server name is letters, digits, '-' and '_' (at most 40): {0:?} is not")]
    BadName(String),
    #[error("cannot read or write the saved passwords {path}: {reason}")]
    Passwords { path: String, reason: String },
}

/// A server from its name, URL and user, as `rileva server add` takes them.
pub fn server(
    name: &str,
    url: &str,
    user: Option<&str>,
    added_at: &str,
) -> Result<Server, ServerError> {
    let ok_name = !name.is_empty()
        && name.chars().count() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok_name {
        return Err(ServerError::BadName(name.to_string()));
    }
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || url.parse::<ureq::http::Uri>().is_err()
        || url.contains(char::is_whitespace)
    {
        return Err(ServerError::NotHttp(url.to_string()));
    }
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let url = url.trim_end_matches('/');
    // Central's addresses: …/v1/key/TOKEN/projects/N or …/v1/projects/N,
    // whatever follows (a form's page) cut off.
    let (kind, base) = if let Some(base) = central_base(url, "/v1/key/") {
        (ServerKind::Token, base)
    } else if let Some(base) = central_base(url, "/v1/projects/") {
        if user.is_none() {
            return Err(ServerError::CentralNeedsUser(url.to_string()));
        }
        (ServerKind::Central, base)
    } else {
        let base = url
            .strip_suffix("/submission")
            .or_else(|| url.strip_suffix("/formList"))
            .unwrap_or(url);
        (ServerKind::OpenRosa, base.to_string())
    };
    Ok(Server {
        name: name.to_string(),
        url: base,
        kind,
        username: user.map(str::to_string).filter(|u| !u.is_empty()),
        added_at: added_at.to_string(),
    })
}

/// `…/v1/key/TOKEN/projects/N` (or `…/v1/projects/N`) of a URL that holds
/// `marker`, without what follows.
fn central_base(url: &str, marker: &str) -> Option<String> {
    let at = url.find(marker)?;
    let rest = url.get(at..)?;
    let parts: Vec<&str> = rest.split('/').collect();
    // ["", "v1", "key", TOKEN, "projects", N, …] or ["", "v1", "projects", N, …]
    let keep = if marker == "/v1/key/" { 6 } else { 4 };
    if parts.len() < keep {
        return None;
    }
    let project = parts[keep - 1];
    if project.is_empty() || !project.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if marker == "/v1/key/" && (parts[3].is_empty() || parts[4] != "projects") {
        return None;
    }
    Some(format!(
        "{}{}",
        url.get(..at).unwrap_or_default(),
        parts[..keep].join("/")
    ))
}

/// A server's URL as it may be shown: a token in it hidden (it is the
/// credential).
pub fn shown_url(s: &Server) -> String {
    if s.kind != ServerKind::Token {
        return s.url.clone();
    }
    match s.url.find("/v1/key/") {
        Some(at) => {
            let head = s.url.get(..at + 8).unwrap_or_default();
            let tail = s.url.get(at + 8..).unwrap_or_default();
            let after = tail
                .find('/')
                .and_then(|i| tail.get(i..))
                .unwrap_or_default();
            format!("{head}…{after}")
        }
        None => s.url.clone(),
    }
}

fn passwords_file(data_dir: &Path) -> PathBuf {
    data_dir.join(PASSWORDS)
}

fn read_passwords(data_dir: &Path) -> Result<BTreeMap<String, String>, ServerError> {
    let path = passwords_file(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| ServerError::Passwords {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(ServerError::Passwords {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// The saved password of a server, if one was saved.
pub fn saved_password(data_dir: &Path, name: &str) -> Result<Option<String>, ServerError> {
    Ok(read_passwords(data_dir)?.remove(name))
}

/// Saves (or with `None` forgets) a server's password: the file is written
/// whole, 0600, and renamed into place. Returns the file.
pub fn save_password(
    data_dir: &Path,
    name: &str,
    password: Option<&str>,
) -> Result<PathBuf, ServerError> {
    let path = passwords_file(data_dir);
    let failed = |e: &dyn std::fmt::Display| ServerError::Passwords {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut all = read_passwords(data_dir)?;
    match password {
        Some(p) => {
            all.insert(name.to_string(), p.to_string());
        }
        None => {
            if all.remove(name).is_none() {
                return Ok(path);
            }
        }
    }
    let text = serde_json::to_string_pretty(&all).map_err(|e| failed(&e))?;
    crate::export::write_atomic(data_dir, PASSWORDS, text.as_bytes()).map_err(|e| failed(&e))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(url: &str, user: Option<&str>) -> Result<Server, ServerError> {
        server("c", url, user, "2026-12-04T10:00:00Z")
    }

    #[test]
    fn urls_tell_the_kind_of_server() {
        let s = add(
            "https://central.example/v1/key/Ab1$Zx/projects/7/forms/x/submissions",
            None,
        )
        .expect("token URL");
        assert_eq!(s.kind, ServerKind::Token);
        assert_eq!(s.url, "https://central.example/v1/key/Ab1$Zx/projects/7");
        assert_eq!(shown_url(&s), "https://central.example/v1/key/…/projects/7");
        let s = add("https://central.example/v1/projects/7/", Some("a@b.it")).expect("project");
        assert_eq!(
            (s.kind, s.url.as_str()),
            (ServerKind::Central, "https://central.example/v1/projects/7")
        );
        assert!(matches!(
            add("https://central.example/v1/projects/7", None),
            Err(ServerError::CentralNeedsUser(_))
        ));
        let s = add("https://kc.kobotoolbox.org/anna/submission", Some("anna")).expect("kobo");
        assert_eq!(
            (s.kind, s.url.as_str()),
            (ServerKind::OpenRosa, "https://kc.kobotoolbox.org/anna")
        );
        assert!(matches!(add("ftp://x", None), Err(ServerError::NotHttp(_))));
        assert!(matches!(
            add("https://a b", None),
            Err(ServerError::NotHttp(_))
        ));
        assert!(matches!(
            server("a b", "https://x", None, ""),
            Err(ServerError::BadName(_))
        ));
    }

    #[test]
    fn passwords_are_kept_apart_0600_and_forgotten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = save_password(dir.path(), "kobo", Some("s3cret")).expect("saved");
        assert_eq!(
            saved_password(dir.path(), "kobo").expect("read").as_deref(),
            Some("s3cret")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        save_password(dir.path(), "kobo", None).expect("forgotten");
        assert_eq!(saved_password(dir.path(), "kobo").expect("read"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_url_is_taken_or_refused(url in ".{0,80}", user in proptest::option::of("[a-z@.]{0,10}")) {
            if let Ok(s) = add(&url, user.as_deref()) {
                let _ = shown_url(&s);
            }
        }
    }
}
