//! `rileva send`: every complete response not yet on a server goes there as
//! an OpenRosa submission (a HEAD first, as the protocol has it, then a
//! multipart POST of `xml_submission_file` and the attached files), in the
//! order they were stored, so that an edit goes after the version it
//! replaces and the server keeps it as a new version. Each answer is
//! recorded at once; the response's delivery in the same transaction as
//! the attempt that got it there, so a run cut anywhere resumes with the
//! next `rileva send` and never sends a response the record says arrived
//! (one it does not, the server recognises by its instanceID: 409, or a
//! 201 without a duplicate).

pub mod encrypt;
pub mod http;
pub mod openrosa;
pub mod servers;

pub use openrosa::refusal;

use super::export::{Format, render};
use super::{Forms, LoadError, clock_for};
use crate::store::{Attempt, ResponseRow, Server, ServerKind, Store, StoreError};
use http::{Client, Login, NetError, Reply};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

/// How a run behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOptions {
    /// Say what would go, send nothing.
    pub dry_run: bool,
    /// Tries of a response after a server error or a dropped line.
    pub tries: u32,
    /// The wait before the second try; each next one waits four times more.
    pub backoff: Duration,
}

impl Default for SendOptions {
    fn default() -> SendOptions {
        SendOptions {
            dry_run: false,
            tries: 3,
            backoff: Duration::from_secs(2),
        }
    }
}

/// What became of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// The server took it (201 or 202).
    New,
    /// The server had it already (409): it counts as sent.
    Already,
    /// Not sent this time; queued for the next run.
    Failed {
        status: Option<u16>,
        message: String,
    },
    /// Not tried: its form (or form version) is not on the server.
    Skipped(String),
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendTally {
    /// Responses waiting for this server when the run began.
    pub waiting: usize,
    pub sent: usize,
    pub already: usize,
    pub failed: usize,
    /// Per form (id, version): why its responses were not sent.
    pub skipped: BTreeMap<String, (usize, String)>,
    /// Responses that could not be read (id, why).
    pub unreadable: Vec<(String, String)>,
    /// The run stopped before the end: why (the rest stays queued).
    pub stopped: Option<Stopped>,
    /// A dry run: what would go, by form.
    pub would_send: BTreeMap<String, usize>,
}

impl SendTally {
    /// Responses still waiting for the server after the run.
    pub fn left(&self) -> usize {
        self.waiting.saturating_sub(self.sent + self.already)
    }
}

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// 401 or 403: the credentials are missing or refused.
    Credentials { status: u16, message: String },
    /// The line (or the server) kept failing after the retries.
    Unreachable(String),
    /// Leaving asked the run to stop.
    Asked,
}

/// A password on its way to a send, typed or read from the saved ones:
/// `{:?}` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no server named {0}: `rileva server list` shows them, `rileva server add` adds one")]
    NoServer(String),
    #[error("no server yet: add one with `rileva server add NAME URL`")]
    NoServers,
    #[error("several servers ({0}): choose one with --server")]
    Which(String),
    #[error(transparent)]
    Passwords(#[from] servers::ServerError),
}

impl SendError {
    /// The error in the interface's language.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        match (self, lang) {
            (SendError::Store(e), _) => e.text(lang),
            (_, Lang::En) => self.to_string(),
            (SendError::NoServer(n), Lang::It) => format!(
                "nessun server di nome {n}: `rileva server list` li mostra, `rileva server add` ne aggiunge uno"
            ),
            (SendError::NoServers, Lang::It) => {
                "nessun server ancora: aggiungerne uno con `rileva server add NOME URL`".into()
            }
            (SendError::Which(all), Lang::It) => {
                format!("più server ({all}): inviare con `rileva send --server NOME`")
            }
            (SendError::Passwords(e), Lang::It) => format!("password salvate illeggibili: {e}"),
        }
    }
}

/// Told about each response as the run goes, and asked whether to stop.
pub trait SendProgress {
    fn sent(&mut self, row: &ResponseRow, outcome: &Sent, done: usize, total: usize);
    fn stop(&self) -> bool {
        false
    }
}

/// The server a run goes to: the one named, else the only one.
pub fn choose_server(store: &Store, name: Option<&str>) -> Result<Server, SendError> {
    let servers = store.servers()?;
    match name {
        Some(n) => servers
            .into_iter()
            .find(|s| s.name == n)
            .ok_or_else(|| SendError::NoServer(n.to_string())),
        None => match servers.len() {
            0 => Err(SendError::NoServers),
            1 => servers.into_iter().next().ok_or(SendError::NoServers),
            _ => Err(SendError::Which(
                servers
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        },
    }
}

/// The responses not yet on `server`, in the order they were stored.
pub fn waiting(store: &Store, server: &str) -> Result<Vec<ResponseRow>, StoreError> {
    let there = store.delivered_to(server)?;
    let mut rows = super::finished_rows(store)?;
    rows.retain(|r| !there.contains(&r.id));
    Ok(rows)
}

/// The submission and form-list addresses below a server's base URL.
fn endpoint(server: &Server, what: &str) -> String {
    format!("{}/{what}", server.url.trim_end_matches('/'))
}

/// Sends what is waiting for `server`. `password` goes with the server's
/// user (a Central web user's, or an OpenRosa server's).
pub fn send(
    store: &mut Store,
    server: &Server,
    password: Option<&str>,
    options: &SendOptions,
    progress: &mut dyn SendProgress,
) -> Result<SendTally, SendError> {
    let rows = waiting(store, &server.name)?;
    let mut tally = SendTally {
        waiting: rows.len(),
        ..Default::default()
    };
    if rows.is_empty() {
        return Ok(tally);
    }
    if options.dry_run {
        for r in &rows {
            *tally
                .would_send
                .entry(form_key(&r.form_id, &r.form_version))
                .or_default() += 1;
        }
        return Ok(tally);
    }
    let login = match (&server.username, password) {
        (Some(user), Some(p)) => Some(Login {
            user: user.clone(),
            password: p.to_string(),
            eager: server.kind == ServerKind::Central,
        }),
        _ => None,
    };
    let mut client = Client::new(login);
    let offered = match offered_forms(&mut client, server, options) {
        Ok(o) => o,
        Err(stop) => {
            tally.stopped = Some(stop);
            return Ok(tally);
        }
    };
    // The HEAD the protocol asks for before a submission: it also meets
    // the server's challenge before a body is sent.
    let submission = endpoint(server, "submission");
    match with_retries(options, || client.head(&submission), &mut |_, _| {}) {
        Ok(r) if r.status == 401 || r.status == 403 => {
            tally.stopped = Some(Stopped::Credentials {
                status: r.status,
                message: openrosa::message(&r.body),
            });
            return Ok(tally);
        }
        Ok(_) => {}
        Err(e) => {
            tally.stopped = Some(Stopped::Unreachable(e.to_string()));
            return Ok(tally);
        }
    }
    let mut forms = Forms::default();
    let mut closed: HashMap<String, String> = HashMap::new();
    // The public key the server's copy of each form carries (Central's
    // managed encryption), read once per form when it has one to read.
    let mut server_keys: HashMap<String, Option<String>> = HashMap::new();
    let total = rows.len();
    for (done, row) in rows.iter().enumerate() {
        if progress.stop() {
            tally.stopped = Some(Stopped::Asked);
            break;
        }
        let key = form_key(&row.form_id, &row.form_version);
        let why_not = closed.get(&row.form_id).cloned().or_else(|| {
            offered
                .as_ref()
                .and_then(|o| not_offered(o, &row.form_id, &row.form_version))
        });
        if let Some(why) = why_not {
            let entry = tally.skipped.entry(key).or_insert((0, why.clone()));
            entry.0 += 1;
            progress.sent(row, &Sent::Skipped(why), done + 1, total);
            continue;
        }
        let server_key = server_keys
            .entry(row.form_id.clone())
            .or_insert_with(|| {
                let url = offered.as_ref()?.get(&row.form_id)?.xform.clone()?;
                let reply = client.get(&url).ok().filter(|r| r.status == 200)?;
                openrosa::public_key(&reply.body)
            })
            .clone();
        let (body, content_type) =
            match submission_of(store, &mut forms, row, server_key.as_deref()) {
                Ok(b) => b,
                Err(e) => {
                    tally.unreadable.push((row.id.clone(), e.to_string()));
                    continue;
                }
            };
        // Every try is recorded: the ones that failed as they fail.
        let mut failed_tries: Vec<Attempt> = Vec::new();
        let result = with_retries(
            options,
            || client.post(&submission, &content_type, &body),
            &mut |status, message| failed_tries.push(attempt_of(server, status, message)),
        );
        for a in &failed_tries {
            store.record_attempt(&row.id, a)?;
        }
        let at = crate::timefmt::now_rfc3339();
        let attempt = |status: Option<u16>, message: String| Attempt {
            server: server.name.clone(),
            at: at.clone(),
            http_status: status,
            message,
        };
        let outcome = match result {
            Ok(r) => {
                let message = openrosa::message(&r.body);
                match r.status {
                    201 | 202 | 409 => {
                        let already = r.status == 409;
                        store.record_delivery(
                            &row.id,
                            &attempt(Some(r.status), message),
                            &submission,
                            already,
                        )?;
                        if already { Sent::Already } else { Sent::New }
                    }
                    status => {
                        // A server error was recorded with the failed tries.
                        if status < 500 {
                            store
                                .record_attempt(&row.id, &attempt(Some(status), message.clone()))?;
                        }
                        match status {
                            401 | 403 => {
                                tally.stopped = Some(Stopped::Credentials { status, message });
                                break;
                            }
                            404 => {
                                let why = format!("the server answered 404 ({message})");
                                closed.insert(row.form_id.clone(), why);
                            }
                            s if s >= 500 => {
                                tally.failed += 1;
                                tally.stopped = Some(Stopped::Unreachable(format!(
                                    "the server answered {s} ({message}) {} times",
                                    options.tries
                                )));
                                progress.sent(
                                    row,
                                    &Sent::Failed {
                                        status: Some(s),
                                        message,
                                    },
                                    done + 1,
                                    total,
                                );
                                break;
                            }
                            _ => {}
                        }
                        Sent::Failed {
                            status: Some(status),
                            message: redirect_note(&r, message),
                        }
                    }
                }
            }
            Err(e) => {
                // Recorded with the failed tries.
                tally.failed += 1;
                tally.stopped = Some(Stopped::Unreachable(e.to_string()));
                progress.sent(
                    row,
                    &Sent::Failed {
                        status: None,
                        message: e.to_string(),
                    },
                    done + 1,
                    total,
                );
                break;
            }
        };
        match &outcome {
            Sent::New => tally.sent += 1,
            Sent::Already => tally.already += 1,
            Sent::Failed { .. } => tally.failed += 1,
            Sent::Skipped(_) => {}
        }
        progress.sent(row, &outcome, done + 1, total);
    }
    Ok(tally)
}

/// A redirect's target, said: the server's address has moved.
fn redirect_note(r: &Reply, message: String) -> String {
    match (&r.location, r.status) {
        (Some(to), 300..=399) => format!("redirected to {to}: add the server with that address"),
        _ => message,
    }
}

fn form_key(id: &str, version: &str) -> String {
    if version.is_empty() {
        id.to_string()
    } else {
        format!("{id} version {version}")
    }
}

/// A form as the server offers it: its versions, and where its XForm is.
#[derive(Debug, Default)]
struct OnServer {
    versions: HashSet<String>,
    xform: Option<String>,
}

/// The forms the server offers (by id), or `None` when it has no form
/// list to read (then its submission answers say the same).
fn offered_forms(
    client: &mut Client,
    server: &Server,
    options: &SendOptions,
) -> Result<Option<HashMap<String, OnServer>>, Stopped> {
    let url = endpoint(server, "formList");
    match with_retries(options, || client.get(&url), &mut |_, _| {}) {
        Ok(r) if r.status == 401 || r.status == 403 => Err(Stopped::Credentials {
            status: r.status,
            message: openrosa::message(&r.body),
        }),
        Ok(r) if r.status == 200 => {
            let mut map: HashMap<String, OnServer> = HashMap::new();
            for f in openrosa::form_list(&r.body) {
                let entry = map.entry(f.id).or_default();
                entry.versions.insert(f.version);
                if entry.xform.is_none() {
                    entry.xform = f.download_url;
                }
            }
            Ok(Some(map))
        }
        Ok(_) => Ok(None),
        Err(e) => Err(Stopped::Unreachable(e.to_string())),
    }
}

/// Why a form's responses cannot go, by the server's form list.
fn not_offered(offered: &HashMap<String, OnServer>, id: &str, version: &str) -> Option<String> {
    match offered.get(id) {
        None => Some(format!(
            "the server has no form {id}: publish it there first"
        )),
        Some(f) if !version.is_empty() && !f.versions.contains(version) => {
            let mut has: Vec<&str> = f.versions.iter().map(String::as_str).collect();
            has.sort_unstable();
            Some(format!(
                "the server has form {id} in version {}, not {version}: publish this version there",
                has.join(", ")
            ))
        }
        Some(_) => None,
    }
}

fn attempt_of(server: &Server, status: Option<u16>, message: String) -> Attempt {
    Attempt {
        server: server.name.clone(),
        at: crate::timefmt::now_rfc3339(),
        http_status: status,
        message,
    }
}

/// Runs `f` until it gets an answer that is not a server error, at most
/// `tries` times, waiting longer each time; `failed` hears of each try
/// that did not get one.
fn with_retries(
    options: &SendOptions,
    mut f: impl FnMut() -> Result<Reply, NetError>,
    failed: &mut dyn FnMut(Option<u16>, String),
) -> Result<Reply, NetError> {
    let mut wait = options.backoff;
    let mut last = None;
    for k in 0..options.tries.max(1) {
        if k > 0 {
            std::thread::sleep(wait);
            wait = wait.saturating_mul(4);
        }
        match f() {
            Ok(r) if r.status >= 500 => {
                failed(Some(r.status), openrosa::message(&r.body));
                last = Some(Ok(r));
            }
            Ok(r) => return Ok(r),
            Err(e) if e.transient() => {
                failed(None, e.to_string());
                last = Some(Err(e));
            }
            Err(e) => return Err(e),
        }
    }
    last.unwrap_or_else(|| Err(NetError::Io("no try was made".into())))
}

/// Why a response could not be made a submission.
#[derive(Debug, thiserror::Error)]
enum NotReady {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Encrypt(#[from] encrypt::EncryptError),
}

/// A response as a submission body: its XML and its files (the audit log
/// when its form asks for one), encrypted when its form has a public key
/// (its own, else the one the server's copy of the form carries).
fn submission_of(
    store: &Store,
    forms: &mut Forms,
    row: &ResponseRow,
    server_key: Option<&str>,
) -> Result<(Vec<u8>, String), NotReady> {
    let filling = forms.to_read(store, row, clock_for(row))?;
    let xml = render(&filling, row, Format::Xml);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for name in filling.attachments() {
        if let Some(path) = store.media_file(&name)
            && let Ok(bytes) = std::fs::read(&path)
        {
            files.push((name, bytes));
        }
    }
    if filling.form().audit {
        let rows = store.audit_log(&row.id).map_err(LoadError::from)?;
        files.push((
            "audit.csv".into(),
            crate::export::audit::audit_csv(&rows, &filling.form().root_name),
        ));
    }
    let key = filling.form().public_key.as_deref().or(server_key);
    let (xml, files) = match key {
        Some(key) => {
            let sealed = encrypt::seal(
                key,
                &row.form_id,
                &filling.form().version,
                &crate::export::json::uuid_uri(&row.id),
                &xml,
                &files,
            )?;
            (sealed.manifest, sealed.files)
        }
        None => (xml, files),
    };
    let mut parts = vec![openrosa::Part {
        name: "xml_submission_file",
        filename: "submission.xml",
        content_type: "text/xml",
        bytes: &xml,
    }];
    for (name, bytes) in &files {
        parts.push(openrosa::Part {
            name,
            filename: name,
            content_type: if key.is_some() {
                "application/octet-stream"
            } else {
                openrosa::content_type(name)
            },
            bytes,
        });
    }
    let (ct, body) = openrosa::multipart(&parts);
    Ok((body, ct))
}
