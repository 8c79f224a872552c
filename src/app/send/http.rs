//! HTTP for sending: a blocking `ureq` agent (rustls, no OpenSSL, no async
//! runtime) with timeouts for a bad line, and the authentication OpenRosa
//! servers ask for: none (an ODK Central App User's token is in the URL),
//! Basic (Central's web users; sent at once), or Basic or Digest as a
//! server's challenge says (KoboToolbox and other OpenRosa servers). A
//! password never goes over plain HTTP, except to this machine (a server
//! on loopback, told the request is as good as HTTPS).

use md5::{Digest, Md5};
use std::time::Duration;
use ureq::http::Uri;

/// What a server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// `WWW-Authenticate`, when there is one.
    pub challenge: Option<String>,
    /// `Location` of a redirect.
    pub location: Option<String>,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    #[error("cannot reach {0}")]
    Unreachable(String),
    #[error("no answer in time ({0})")]
    Timeout(String),
    #[error("the connection failed: {0}")]
    Io(String),
    /// Not tried: a password would cross the network unencrypted, or the
    /// address is not one rileva can use.
    #[error("{0}")]
    Refused(String),
}

impl NetError {
    /// Whether trying again later may work (the line, not the request).
    pub fn transient(&self) -> bool {
        !matches!(self, NetError::Refused(_))
    }
}

/// A user and password, when the server needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub user: String,
    pub password: String,
    /// Sent with the first request (Central), not only when challenged.
    pub eager: bool,
}

pub struct Client {
    agent: ureq::Agent,
    login: Option<Login>,
    /// The last Digest challenge and how many times its nonce was used.
    digest: Option<(Challenge, u32)>,
    /// Basic was asked for (a 401 said so): sent from then on.
    basic: bool,
}

/// A body sent at no less than this many bytes a second is a slow line,
/// not a dead one.
const SLOWEST: u64 = 1024;

impl Client {
    pub fn new(login: Option<Login>) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .timeout_recv_body(Some(Duration::from_secs(120)))
            .user_agent(concat!("rileva/", env!("CARGO_PKG_VERSION")))
            .max_redirects(0)
            .build()
            .into();
        Client {
            agent,
            basic: login.as_ref().is_some_and(|l| l.eager),
            login,
            digest: None,
        }
    }

    pub fn get(&mut self, url: &str) -> Result<Reply, NetError> {
        self.request("GET", url, None)
    }

    pub fn head(&mut self, url: &str) -> Result<Reply, NetError> {
        self.request("HEAD", url, None)
    }

    pub fn post(&mut self, url: &str, content_type: &str, body: &[u8]) -> Result<Reply, NetError> {
        self.request("POST", url, Some((content_type, body)))
    }

    /// One request, and once more with credentials when the server asks
    /// for them (a 401 with a challenge this client can answer).
    fn request(
        &mut self,
        method: &str,
        url: &str,
        body: Option<(&str, &[u8])>,
    ) -> Result<Reply, NetError> {
        let uri: Uri = url
            .parse()
            .map_err(|_| NetError::Refused(format!("{url} is not a valid address")))?;
        let loopback = is_loopback(&uri);
        let plain = uri.scheme_str() != Some("https");
        let reply = self.once(method, url, &uri, body, plain, loopback)?;
        if reply.status != 401 || self.login.is_none() {
            return Ok(reply);
        }
        let Some(challenge) = reply.challenge.as_deref() else {
            return Ok(reply);
        };
        let scheme = challenge.split_whitespace().next().unwrap_or_default();
        if scheme.eq_ignore_ascii_case("digest") {
            let Some(c) = Challenge::parse(challenge) else {
                return Ok(reply);
            };
            // A stale nonce is answered again; a refused password is not.
            let fresh = self
                .digest
                .as_ref()
                .is_none_or(|(old, _)| old.nonce != c.nonce);
            if !fresh && !c.stale {
                return Ok(reply);
            }
            self.digest = Some((c, 0));
        } else if scheme.eq_ignore_ascii_case("basic") && !self.basic {
            self.basic = true;
        } else {
            return Ok(reply);
        }
        self.once(method, url, &uri, body, plain, loopback)
    }

    fn once(
        &mut self,
        method: &str,
        url: &str,
        uri: &Uri,
        body: Option<(&str, &[u8])>,
        plain: bool,
        loopback: bool,
    ) -> Result<Reply, NetError> {
        let auth = self.authorization(method, uri);
        if auth.is_some() && plain && !loopback {
            return Err(NetError::Refused(format!(
                "{url} is plain HTTP: the password would cross the network unencrypted; use the server's https:// address"
            )));
        }
        let builder = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("X-OpenRosa-Version", "1.0")
            .header(
                "Date",
                jiff::Timestamp::now()
                    .strftime("%a, %d %b %Y %H:%M:%S GMT")
                    .to_string(),
            );
        let builder = match &auth {
            Some(a) => builder.header("Authorization", a.as_str()),
            None => builder,
        };
        // On this machine plain HTTP is as private as HTTPS: a server on
        // loopback (Central behind no proxy) is told so.
        let builder = if plain && loopback && auth.is_some() {
            builder.header("X-Forwarded-Proto", "https")
        } else {
            builder
        };
        let sending = body.map_or(0, |(_, b)| b.len() as u64);
        let result = match body {
            Some((ct, bytes)) => {
                let request = builder
                    .header("Content-Type", ct)
                    .body(bytes.to_vec())
                    .map_err(|e| NetError::Refused(e.to_string()))?;
                let request = self
                    .agent
                    .configure_request(request)
                    .timeout_send_body(Some(Duration::from_secs(60 + sending / SLOWEST)))
                    .build();
                self.agent.run(request)
            }
            None => {
                let request = builder
                    .body(())
                    .map_err(|e| NetError::Refused(e.to_string()))?;
                self.agent.run(request)
            }
        };
        let mut response = result.map_err(|e| net_error(url, e))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let challenge = header("WWW-Authenticate");
        let location = header("Location");
        let status = response.status().as_u16();
        let body = if method == "HEAD" {
            String::new()
        } else {
            response
                .body_mut()
                .with_config()
                .limit(1 << 20)
                .read_to_string()
                .unwrap_or_default()
        };
        Ok(Reply {
            status,
            body,
            challenge,
            location,
        })
    }

    /// The `Authorization` header for a request, when there is one to send.
    fn authorization(&mut self, method: &str, uri: &Uri) -> Option<String> {
        let login = self.login.as_ref()?;
        if let Some((c, nc)) = &mut self.digest {
            *nc += 1;
            let path = uri.path_and_query().map_or("/", |p| p.as_str());
            return Some(c.answer(login, method, path, *nc));
        }
        if self.basic {
            use base64::Engine;
            let pair = format!("{}:{}", login.user, login.password);
            return Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ));
        }
        None
    }
}

fn is_loopback(uri: &Uri) -> bool {
    match uri.host() {
        Some("localhost") => true,
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

fn net_error(url: &str, e: ureq::Error) -> NetError {
    match e {
        ureq::Error::Timeout(t) => NetError::Timeout(format!("{t:?}")),
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            NetError::Unreachable(url.to_string())
        }
        ureq::Error::BadUri(u) => NetError::Refused(format!("{u} is not a valid address")),
        other => NetError::Io(other.to_string()),
    }
}

/// A Digest challenge (RFC 7616), MD5 with `qop=auth`, as OpenRosa servers
/// send it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    qop: bool,
    stale: bool,
}

impl Challenge {
    fn parse(header: &str) -> Option<Challenge> {
        let rest = header.trim().get(6..)?;
        let mut fields = std::collections::HashMap::new();
        let mut chars = rest.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
                chars.next();
            }
            let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
            if key.is_empty() {
                break;
            }
            let value: String = if chars.peek() == Some(&'"') {
                chars.next();
                let mut v = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => v.extend(chars.next()),
                        '"' => break,
                        c => v.push(c),
                    }
                }
                v
            } else {
                chars.by_ref().take_while(|c| *c != ',').collect()
            };
            fields.insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
        }
        let algorithm = fields.get("algorithm").map_or("MD5", String::as_str);
        if !algorithm.eq_ignore_ascii_case("md5") {
            return None;
        }
        Some(Challenge {
            realm: fields.get("realm")?.clone(),
            nonce: fields.get("nonce")?.clone(),
            opaque: fields.get("opaque").cloned(),
            qop: fields
                .get("qop")
                .is_some_and(|q| q.split(',').any(|v| v.trim() == "auth")),
            stale: fields
                .get("stale")
                .is_some_and(|s| s.eq_ignore_ascii_case("true")),
        })
    }

    fn answer(&self, login: &Login, method: &str, uri: &str, nc: u32) -> String {
        let ha1 = md5_hex(&format!("{}:{}:{}", login.user, self.realm, login.password));
        let ha2 = md5_hex(&format!("{method}:{uri}"));
        let cnonce = md5_hex(&uuid::Uuid::new_v4().to_string());
        let nc = format!("{nc:08x}");
        let (response, qop) = if self.qop {
            (
                md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", self.nonce)),
                format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""),
            )
        } else {
            (
                md5_hex(&format!("{ha1}:{}:{ha2}", self.nonce)),
                String::new(),
            )
        };
        let opaque = self
            .opaque
            .as_deref()
            .map(|o| format!(", opaque=\"{o}\""))
            .unwrap_or_default();
        format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", algorithm=MD5, response=\"{response}\"{qop}{opaque}",
            login.user.replace('"', "\\\""),
            self.realm,
            self.nonce
        )
    }
}

pub(super) fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2617's worked example (section 3.5).
    #[test]
    fn digest_answers_the_rfc_example() {
        let c = Challenge::parse(
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        )
        .expect("parses");
        assert!(c.qop);
        let login = Login {
            user: "Mufasa".into(),
            password: "Circle Of Life".into(),
            eager: false,
        };
        let ha1 = md5_hex("Mufasa:testrealm@host.com:Circle Of Life");
        let ha2 = md5_hex("GET:/dir/index.html");
        let expected = md5_hex(&format!(
            "{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}"
        ));
        assert_eq!(expected, "6629fae49393a05397450978507c4ef1");
        let header = c.answer(&login, "GET", "/dir/index.html", 1);
        assert!(
            header.contains("nc=00000001") && header.contains("opaque=\"5ccc069c"),
            "{header}"
        );
    }

    #[test]
    fn challenges_of_any_text_never_panic() {
        for h in [
            "Digest",
            "Digest ",
            "Digest realm",
            "Digest realm=\"a",
            "Digest a=b,,c",
            "Basic realm=\"x\"",
        ] {
            let _ = Challenge::parse(h);
        }
        assert!(Challenge::parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256").is_none());
        assert!(
            Challenge::parse("Digest realm=\"r\", nonce=\"n\", stale=TRUE")
                .is_some_and(|c| c.stale)
        );
    }

    #[test]
    fn loopback_is_this_machine_only() {
        let u = |s: &str| s.parse::<Uri>().expect("uri");
        assert!(is_loopback(&u("http://127.0.0.1:8080/x")));
        assert!(is_loopback(&u("http://localhost/x")));
        assert!(is_loopback(&u("http://[::1]:80/x")));
        assert!(!is_loopback(&u("http://10.0.0.1/x")));
        assert!(!is_loopback(&u("http://central.example/x")));
    }
}
