//! A small OpenRosa server on loopback (std's TcpListener, one thread),
//! doing what ODK Central does with submissions as measured on a real one:
//! 201 for a new instance; 409 for an instanceID it has (as Central's REST
//! API answers; its OpenRosa endpoint answers 201 without a duplicate,
//! `openrosa_duplicates`); an edit (deprecatedID) kept as a new version of
//! its original, 404 when the original is not there; 404 for a form or
//! version it lacks; 401 without the credentials it wants (a token path,
//! Basic, or Digest); and, on request, 500s, a slow answer, or a line
//! dropped before or after it stored what came.
#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the next submission meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A 500 and nothing stored.
    Error500,
    /// The connection closed while the body is still coming: nothing stored.
    DropBefore,
    /// Stored, then the connection closed before the answer.
    DropAfter,
    /// Stored, answered after this many milliseconds.
    Slow(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Basic { user: String, password: String },
    Digest { user: String, password: String },
}

/// One instance as the server keeps it: its versions' XML, newest last.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub versions: Vec<String>,
    pub attachments: Vec<(String, Vec<u8>)>,
}

#[derive(Debug, Default)]
pub struct State {
    /// Forms offered: id → version.
    pub forms: BTreeMap<String, String>,
    /// By the instanceID of a submission's first version.
    pub instances: BTreeMap<String, Kept>,
    pub faults: VecDeque<Fault>,
    pub auth: Option<Auth>,
    /// 201 (no duplicate) instead of 409 for an instance it has.
    pub openrosa_duplicates: bool,
    /// Every request: method and path.
    pub log: Vec<(String, String)>,
    /// Submissions stored, counting each version.
    pub stored: usize,
    /// Forms whose XForm carries a public key (Central's managed
    /// encryption): id → base64 DER.
    pub keys: BTreeMap<String, String>,
}

pub struct Stub {
    pub base: String,
    pub state: Arc<Mutex<State>>,
}

impl Stub {
    /// A server at `http://127.0.0.1:PORT/PREFIX`, offering `forms`.
    pub fn start(prefix: &str, forms: &[(&str, &str)]) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State {
            forms: forms
                .iter()
                .map(|(i, v)| (i.to_string(), v.to_string()))
                .collect(),
            ..State::default()
        }));
        let shared = state.clone();
        let prefix_owned = prefix.to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                let prefix = prefix_owned.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &state, &prefix);
                });
            }
        });
        Stub {
            base: format!("http://127.0.0.1:{port}{prefix}"),
            state,
        }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().expect("stub state"))
    }

    /// The instanceIDs the server has, each once.
    pub fn ids(&self) -> Vec<String> {
        self.with(|s| s.instances.keys().cloned().collect())
    }
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn serve(stream: TcpStream, state: &Arc<Mutex<State>>, prefix: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let fault = if method == "POST" {
            state.lock().expect("state").faults.pop_front()
        } else {
            None
        };
        if fault == Some(Fault::DropBefore) {
            let mut some = vec![0; length / 2];
            let _ = reader.read_exact(&mut some);
            return Ok(());
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let req = Request {
            method,
            path,
            headers,
            body,
        };
        let (status, extra, text) = answer(&req, state, prefix, fault);
        if fault == Some(Fault::DropAfter) {
            return Ok(());
        }
        if let Some(Fault::Slow(ms)) = fault {
            std::thread::sleep(Duration::from_millis(ms));
        }
        let reason = match status {
            200 => "OK",
            201 => "Created",
            204 => "No Content",
            401 => "Unauthorized",
            404 => "Not Found",
            409 => "Conflict",
            _ => "Other",
        };
        let body = if req.method == "HEAD" {
            ""
        } else {
            text.as_str()
        };
        write!(
            out,
            "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nX-OpenRosa-Version: 1.0\r\n{extra}\r\n{body}",
            text.len()
        )?;
        out.flush()?;
    }
}

fn response(message: &str) -> String {
    format!(
        "<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\"><message nature=\"\">{message}</message></OpenRosaResponse>"
    )
}

/// (status, extra header lines, body).
fn answer(
    req: &Request,
    state: &Arc<Mutex<State>>,
    prefix: &str,
    fault: Option<Fault>,
) -> (u16, String, String) {
    let mut s = state.lock().expect("state");
    s.log.push((req.method.clone(), req.path.clone()));
    if let Some(challenge) = refused(req, s.auth.as_ref()) {
        return (
            401,
            challenge,
            response("Could not authenticate with the provided credentials."),
        );
    }
    let Some(rest) = req.path.strip_prefix(prefix) else {
        return (404, String::new(), response("no such project"));
    };
    match (req.method.as_str(), rest) {
        ("HEAD", "/submission") => (204, String::new(), String::new()),
        ("GET", "/formList") => {
            let host = req.header("Host").unwrap_or("127.0.0.1").to_string();
            let items: String = s
                .forms
                .iter()
                .map(|(id, v)| format!("<xform><formID>{id}</formID><name>{id}</name><version>{v}</version><hash>md5:0</hash><downloadUrl>http://{host}{prefix}/forms/{id}.xml</downloadUrl></xform>"))
                .collect();
            (
                200,
                String::new(),
                format!(
                    "<?xml version=\"1.0\"?><xforms xmlns=\"http://openrosa.org/xforms/xformsList\">{items}</xforms>"
                ),
            )
        }
        ("POST", "/submission") => {
            if fault == Some(Fault::Error500) {
                return (500, String::new(), response("Internal Server Error"));
            }
            submit(req, &mut s)
        }
        ("GET", path) if path.starts_with("/forms/") => {
            let id = path
                .trim_start_matches("/forms/")
                .trim_end_matches(".xml")
                .to_string();
            let key = s
                .keys
                .get(&id)
                .map(|k| format!(" base64RsaPublicKey=\"{k}\""))
                .unwrap_or_default();
            (
                200,
                String::new(),
                format!(
                    "<h:html xmlns:h=\"http://www.w3.org/1999/xhtml\" xmlns=\"http://www.w3.org/2002/xforms\"><h:head><model><instance><data id=\"{id}\"/></instance><submission method=\"post\"{key}/></model></h:head></h:html>"
                ),
            )
        }
        _ => (404, String::new(), response("not found")),
    }
}

/// The challenge to send when the request lacks the credentials wanted.
fn refused(req: &Request, auth: Option<&Auth>) -> Option<String> {
    let given = req.header("Authorization").unwrap_or_default();
    match auth {
        None | Some(Auth::None) => None,
        Some(Auth::Basic { user, password }) => {
            use base64::Engine;
            let want =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            (given != format!("Basic {want}"))
                .then(|| "WWW-Authenticate: Basic realm=\"central\"\r\n".into())
        }
        Some(Auth::Digest { user, password }) => {
            let challenge = "WWW-Authenticate: Digest realm=\"kobo\", nonce=\"n0nce\", qop=\"auth\", opaque=\"0p\"\r\n".to_string();
            let field = |name: &str| -> Option<String> {
                let at = given.find(&format!("{name}="))? + name.len() + 1;
                let rest = given.get(at..)?;
                let v = rest.strip_prefix('"').map_or_else(
                    || rest.split(',').next().unwrap_or_default().to_string(),
                    |r| r.split('"').next().unwrap_or_default().to_string(),
                );
                Some(v)
            };
            if !given.starts_with("Digest ") {
                return Some(challenge);
            }
            let (Some(u), Some(uri), Some(nc), Some(cnonce), Some(resp)) = (
                field("username"),
                field("uri"),
                field("nc"),
                field("cnonce"),
                field("response"),
            ) else {
                return Some(challenge);
            };
            let md5 = |s: String| format!("{:x}", md5_digest(s.as_bytes()));
            let ha1 = md5(format!("{u}:kobo:{password}"));
            let ha2 = md5(format!("{}:{uri}", req.method));
            let want = md5(format!("{ha1}:n0nce:{nc}:{cnonce}:auth:{ha2}"));
            (u != *user || resp != want).then_some(challenge)
        }
    }
}

fn md5_digest(bytes: &[u8]) -> Hex {
    use md5::Digest;
    Hex(md5::Md5::digest(bytes).to_vec())
}

struct Hex(Vec<u8>);

impl std::fmt::LowerHex for Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// The text of an element (`<instanceID>…</instanceID>`) in an XML.
fn element(xml: &str, name: &str) -> Option<String> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml.get(start..)?.find(&format!("</{name}>"))? + start;
    xml.get(start..end).map(str::to_string)
}

/// An attribute of the root element (after the XML declaration).
fn attribute(xml: &str, name: &str) -> Option<String> {
    let from = xml.find("?>").map_or(0, |p| p + 2);
    let xml = xml.get(from..)?;
    let at = xml.find(&format!(" {name}=\""))? + name.len() + 3;
    let rest = xml.get(at..)?;
    rest.split('"').next().map(str::to_string)
}

/// The parts of a multipart body: (name, bytes).
fn parts(req: &Request) -> Vec<(String, Vec<u8>)> {
    let Some(boundary) = req
        .header("Content-Type")
        .and_then(|c| c.split("boundary=").nth(1))
        .map(|b| format!("--{b}"))
    else {
        return Vec::new();
    };
    let body = &req.body;
    let find = |from: usize, what: &[u8]| {
        body.get(from..)
            .and_then(|b| b.windows(what.len()).position(|w| w == what))
            .map(|p| p + from)
    };
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = find(at, boundary.as_bytes()) {
        let head_start = start + boundary.len() + 2;
        let Some(head_end) = find(head_start, b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&body[head_start..head_end]).to_string();
        let Some(next) = find(head_end + 4, boundary.as_bytes()) else {
            break;
        };
        let data = body[head_end + 4..next - 2].to_vec();
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default()
            .to_string();
        out.push((name, data));
        at = next;
    }
    out
}

/// What Central answers for an instanceID it has: 409 by its REST API,
/// 201 without a duplicate by its OpenRosa endpoint.
fn duplicate(s: &State) -> (u16, String, String) {
    if s.openrosa_duplicates {
        (
            201,
            String::new(),
            response("full submission upload was successful!"),
        )
    } else {
        (
            409,
            String::new(),
            response("A resource already exists with instanceID."),
        )
    }
}

fn submit(req: &Request, s: &mut State) -> (u16, String, String) {
    let parts = parts(req);
    let Some((_, xml)) = parts.iter().find(|(n, _)| n == "xml_submission_file") else {
        return (400, String::new(), response("no xml_submission_file"));
    };
    let xml = String::from_utf8_lossy(xml).to_string();
    let (Some(id), Some(form)) = (element(&xml, "instanceID"), attribute(&xml, "id")) else {
        return (400, String::new(), response("no instanceID or form id"));
    };
    let version = attribute(&xml, "version").unwrap_or_default();
    match s.forms.get(&form) {
        None => {
            return (
                404,
                String::new(),
                response("Could not find the form you were looking for."),
            );
        }
        Some(v) if *v != version => {
            return (
                404,
                String::new(),
                response("The form version you submitted does not exist on this server."),
            );
        }
        Some(_) => {}
    }
    let files: Vec<(String, Vec<u8>)> = parts
        .into_iter()
        .filter(|(n, _)| n != "xml_submission_file")
        .collect();
    if let Some(old) = element(&xml, "deprecatedID") {
        // An edit: a new version of the instance it replaces.
        let root = s
            .instances
            .iter()
            .find(|(k, kept)| {
                **k == old
                    || kept
                        .versions
                        .iter()
                        .any(|v| element(v, "instanceID").as_deref() == Some(&old))
            })
            .map(|(k, _)| k.clone());
        let Some(root) = root else {
            return (
                404,
                String::new(),
                response("The instance you are trying to edit does not exist."),
            );
        };
        let already = s.instances.get(&root).is_some_and(|k| {
            k.versions
                .iter()
                .any(|v| element(v, "instanceID").as_deref() == Some(&id))
        });
        if already {
            return duplicate(s);
        }
        if let Some(k) = s.instances.get_mut(&root) {
            k.versions.push(xml);
            k.attachments.extend(files);
        }
        s.stored += 1;
        return (
            201,
            String::new(),
            response("full submission upload was successful!"),
        );
    }
    let known = s.instances.contains_key(&id)
        || s.instances.values().any(|k| {
            k.versions
                .iter()
                .any(|v| element(v, "instanceID").as_deref() == Some(&id))
        });
    if known {
        return duplicate(s);
    }
    s.instances.insert(
        id,
        Kept {
            versions: vec![xml],
            attachments: files,
        },
    );
    s.stored += 1;
    (
        201,
        String::new(),
        response("full submission upload was successful!"),
    )
}
