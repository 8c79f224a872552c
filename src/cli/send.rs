//! `rileva server add|list|remove` and `rileva send`: where responses go,
//! and sending them (`app::send` does the work; here the passwords are
//! asked and what happened is said, response by response).

use super::{FAILURE, Out, error, existing_store, plural};
use crate::app::send::{self, SendOptions, SendProgress, Sent, Stopped, servers};
use crate::store::{ResponseRow, ServerKind, Store};
use std::io::{BufRead, Write};
use std::path::Path;

fn store_for_writing(data_dir: &Path) -> Result<Store, String> {
    match existing_store(data_dir)? {
        Some(s) => Ok(s),
        None => Store::open(data_dir).map_err(|e| e.to_string()),
    }
}

/// A password: one line of standard input, or typed on the terminal
/// without being shown.
fn password(from_stdin: bool, prompt: &str) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        let p = line.trim_end_matches(['\n', '\r']).to_string();
        if p.is_empty() {
            return Err("no password on standard input".into());
        }
        return Ok(p);
    }
    ask(prompt)
}

#[cfg(unix)]
fn ask(prompt: &str) -> Result<String, String> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let none = "no terminal to type the password on: give it with --password-stdin";
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| none.to_string())?;
    let before = tcgetattr(&tty).map_err(|_| none.to_string())?;
    let mut quiet = before.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    quiet.local_modes.insert(LocalModes::ECHONL);
    tcsetattr(&tty, OptionalActions::Now, &quiet).map_err(|_| none.to_string())?;
    let result = (|| {
        let mut w = &tty;
        write!(w, "{prompt}").and_then(|()| w.flush())?;
        let mut line = String::new();
        std::io::BufReader::new(&tty).read_line(&mut line)?;
        Ok::<_, std::io::Error>(line)
    })();
    let _ = tcsetattr(&tty, OptionalActions::Now, &before);
    let line = result.map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

#[cfg(not(unix))]
fn ask(_prompt: &str) -> Result<String, String> {
    Err("give the password with --password-stdin".into())
}

pub(super) fn add<W: Write>(
    data_dir: &Path,
    name: &str,
    url: &str,
    user: Option<&str>,
    save: bool,
    from_stdin: bool,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let s = servers::server(name, url, user, &crate::timefmt::now_rfc3339())
        .map_err(|e| e.to_string())?;
    let mut store = store_for_writing(data_dir)?;
    store.add_server(&s).map_err(|e| e.to_string())?;
    if save && let Some(u) = &s.username {
        let p = password(from_stdin, &format!("password of {u} on {name}: "))?;
        let file = servers::save_password(data_dir, name, Some(&p)).map_err(|e| e.to_string())?;
        error(&format!(
            "warning: the password is kept unencrypted in {} (readable by this user only); `rileva server remove {name}` forgets it",
            file.display()
        ));
    }
    let how = match s.kind {
        ServerKind::Token => "ODK Central App User (the token in the URL is the credential)",
        ServerKind::Central => {
            "ODK Central project (the web user's password is asked when sending)"
        }
        ServerKind::OpenRosa => "OpenRosa server",
    };
    out.line(&format!("added {name}: {} — {how}", servers::shown_url(&s)));
    Ok(0)
}

pub(super) fn list<W: Write>(data_dir: &Path, out: &mut Out<W>) -> Result<u8, String> {
    let Some(store) = existing_store(data_dir)? else {
        out.line("no servers: `rileva server add NAME URL` adds one");
        return Ok(0);
    };
    let all = store.servers().map_err(|e| e.to_string())?;
    if all.is_empty() {
        out.line("no servers: `rileva server add NAME URL` adds one");
    }
    for s in &all {
        let there = store
            .delivered_to(&s.name)
            .map_err(|e| e.to_string())?
            .len();
        let waiting = send::waiting(&store, &s.name)
            .map_err(|e| e.to_string())?
            .len();
        let user = s
            .username
            .as_deref()
            .map(|u| format!(" user {u}"))
            .unwrap_or_default();
        out.line(&format!(
            "{}  {}  {}{user}  {} sent, {} waiting",
            s.name,
            s.kind.as_str(),
            servers::shown_url(s),
            there,
            waiting
        ));
    }
    Ok(0)
}

pub(super) fn remove<W: Write>(
    data_dir: &Path,
    name: &str,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let mut store = store_for_writing(data_dir)?;
    if !store.remove_server(name).map_err(|e| e.to_string())? {
        return Err(format!("no server named {name}"));
    }
    servers::save_password(data_dir, name, None).map_err(|e| e.to_string())?;
    out.line(&format!(
        "removed {name} (what was sent to it stays on record)"
    ));
    Ok(0)
}

/// Says each response as it goes.
struct Report<'a, W: Write> {
    out: &'a mut Out<W>,
}

impl<W: Write> SendProgress for Report<'_, W> {
    fn sent(&mut self, row: &ResponseRow, outcome: &Sent, done: usize, total: usize) {
        let line = match outcome {
            Sent::New => format!("[{done}/{total}] sent {}", row.id),
            Sent::Already => format!("[{done}/{total}] already on the server {}", row.id),
            Sent::Failed { status, message } => format!(
                "[{done}/{total}] not sent {}: {}{message}",
                row.id,
                status.map(|s| format!("{s} ")).unwrap_or_default()
            ),
            Sent::Skipped(_) => return,
        };
        self.out.line(&line);
    }
}

pub(super) fn send<W: Write>(
    data_dir: &Path,
    server: Option<&str>,
    dry_run: bool,
    from_stdin: bool,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let Some(mut store) = existing_store(data_dir)? else {
        return Err("no server yet: add one with `rileva server add NAME URL`".into());
    };
    let server = send::choose_server(&store, server).map_err(|e| e.to_string())?;
    let options = SendOptions {
        dry_run,
        ..SendOptions::default()
    };
    let needs = server.username.is_some() && !dry_run;
    let waiting = if needs {
        send::waiting(&store, &server.name)
            .map_err(|e| e.to_string())?
            .len()
    } else {
        0
    };
    let saved = servers::saved_password(data_dir, &server.name).map_err(|e| e.to_string())?;
    let asking = needs && waiting > 0 && (from_stdin || saved.is_none());
    let prompt = format!(
        "password of {} on {}: ",
        server.username.as_deref().unwrap_or_default(),
        server.name
    );
    let mut pass = match (&server.username, needs && waiting > 0) {
        (Some(_), true) => match &saved {
            Some(p) if !from_stdin => Some(p.clone()),
            _ => Some(password(from_stdin, &prompt)?),
        },
        _ => None,
    };
    // A password typed on the terminal and refused is asked again (twice).
    let mut tries = 0;
    let tally = loop {
        let tally = send::send(
            &mut store,
            &server,
            pass.as_deref(),
            &options,
            &mut Report { out: &mut *out },
        )
        .map_err(|e| e.to_string())?;
        let refused = matches!(tally.stopped, Some(Stopped::Credentials { .. }))
            && tally.sent + tally.already == 0;
        if refused && asking && !from_stdin && tries < 2 {
            tries += 1;
            error(&format!(
                "{} refused the password: type it again",
                server.name
            ));
            pass = Some(password(false, &prompt)?);
            continue;
        }
        break tally;
    };
    if tally.waiting == 0 {
        out.line(&format!("nothing to send to {}", server.name));
        return Ok(0);
    }
    if dry_run {
        for (form, n) in &tally.would_send {
            out.line(&format!(
                "would send {} of {form}",
                plural(*n, "response", "responses")
            ));
        }
        out.line(&format!(
            "dry run: {} waiting for {}; nothing was sent",
            plural(tally.waiting, "response", "responses"),
            server.name
        ));
        return Ok(0);
    }
    for (form, (n, why)) in &tally.skipped {
        error(&format!(
            "{} of {form} not sent: {why}",
            plural(*n, "response", "responses")
        ));
    }
    for (id, why) in &tally.unreadable {
        error(&format!("response {id} not sent: {why}"));
    }
    match &tally.stopped {
        Some(Stopped::Credentials { status, message }) => error(&format!(
            "{} refused the credentials ({}): check the user and password{}",
            server.name,
            send::refusal(*status, message),
            if server.kind == ServerKind::Token {
                " (an App User's token may have been revoked: add the server again with a new URL)"
            } else {
                ""
            }
        )),
        Some(Stopped::Unreachable(why)) => error(&format!(
            "stopped: {why}; the rest stays queued: `rileva send` again when the line is back"
        )),
        Some(Stopped::Asked) => error("stopped on request; the rest stays queued"),
        None => {}
    }
    let left = tally.left();
    out.line(&format!(
        "{}: {} sent, {} already there, {} left to send",
        server.name, tally.sent, tally.already, left
    ));
    Ok(if left == 0 { 0 } else { FAILURE })
}

pub(super) fn bundle<W: Write>(
    data_dir: &Path,
    file: &Path,
    all: bool,
    force: bool,
    out: &mut Out<W>,
) -> Result<u8, String> {
    if file.exists() && !force {
        return Err(format!(
            "{} exists: choose another name, or --force to replace it",
            file.display()
        ));
    }
    let Some(mut store) = existing_store(data_dir)? else {
        out.line("nothing to bundle");
        return Ok(0);
    };
    let t = crate::app::bundle::write(&mut store, file, all).map_err(|e| e.to_string())?;
    if t.responses == 0 {
        out.line(if all {
            "nothing to bundle"
        } else {
            "nothing to bundle: every finished response is bundled or sent already (--all bundles them again)"
        });
        return Ok(0);
    }
    out.line(&format!(
        "bundled {} and {} into {}: `rileva import {} --commit` on a machine with a connection, then `rileva send`",
        plural(t.responses, "response", "responses"),
        plural(t.files, "file", "files"),
        file.display(),
        file.display()
    ));
    Ok(0)
}

/// `rileva import BUNDLE [--commit]`: every entry checked, then (with
/// --commit) the responses brought in as they were.
pub(super) fn import_bundle<W: Write>(
    data_dir: &Path,
    file: &Path,
    commit: bool,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let checked = crate::app::bundle::check(file).map_err(|e| e.to_string())?;
    let forms: Vec<String> = checked
        .manifest
        .forms
        .iter()
        .map(|f| format!("{} version {}", f.id, f.version))
        .collect();
    out.line(&format!(
        "{}: a bundle of {} ({}), every entry matching its checksum",
        file.display(),
        plural(checked.responses.len(), "response", "responses"),
        forms.join(", ")
    ));
    if !commit {
        let there = match existing_store(data_dir)? {
            Some(s) => checked
                .responses
                .iter()
                .filter(|r| s.response_exists(&r.id).unwrap_or(false))
                .count(),
            None => 0,
        };
        out.line(&format!(
            "dry run, nothing was written: {} to import, {there} already here; --commit imports them",
            checked.responses.len() - there
        ));
        return Ok(0);
    }
    let mut store = store_for_writing(data_dir)?;
    let t = crate::app::bundle::import(&mut store, &checked).map_err(|e| e.to_string())?;
    for (name, why) in &t.unkept {
        error(&format!("file {name} not kept: {why}"));
    }
    out.line(&format!(
        "imported {} and {}; {} already here",
        plural(t.responses, "response", "responses"),
        plural(t.files, "file", "files"),
        t.already
    ));
    Ok(if t.unkept.is_empty() { 0 } else { FAILURE })
}
