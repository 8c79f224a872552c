//! `rileva server` and `rileva send` against a stub Central on loopback
//! (real HTTP, a real store): each response sent once, whatever fails and
//! however often the run is cut; what the record says agrees with what the
//! server has; credentials, forms the server lacks, edits.

use crate::common::{self, COMPLETE};
use crate::e2e_support::{bin, cli};
use crate::stub_central::{Auth, Fault, Stub};
use proptest::prelude::*;
use rileva::app::send::{self as job, SendOptions, SendProgress, Sent};
use rileva::store::{ResponseRow, Store};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const FORM: (&str, &str) = ("buone_pratiche_covid19", "2020051102");
const TOKEN_PATH: &str = "/v1/key/Tk3n/projects/1";

/// `n` complete responses of the default form; their ids.
fn responses(dir: &Path, n: u32) -> Vec<String> {
    (0..n)
        .map(|i| common::create(dir, COMPLETE, true, i + 1))
        .collect()
}

fn uuids(ids: &[String]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|i| format!("uuid:{i}")).collect();
    v.sort();
    v
}

/// Runs rileva with `input` on standard input.
fn cli_in(dir: &Path, args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(bin())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("RILEVA_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rileva");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("stdin");
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn responses_go_once_and_the_list_says_where() {
    let data = tempfile::tempdir().expect("temp dir");
    let ids = responses(data.path(), 3);
    let stub = Stub::start(TOKEN_PATH, &[FORM]);
    let url = format!("{}/forms/x", stub.base);
    let (code, out, err) = cli(data.path(), &["server", "add", "central", &url]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ODK Central App User"), "{out}");
    assert!(
        !out.contains("Tk3n"),
        "the token is the credential: not shown: {out}"
    );

    let (code, out, err) = cli(data.path(), &["send", "--dry-run"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("would send 3 responses of buone_pratiche_covid19 version 2020051102"),
        "{out}"
    );
    assert!(stub.ids().is_empty());

    let (code, out, err) = cli(data.path(), &["send"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("central: 3 sent, 0 already there, 0 left to send"),
        "{out}"
    );
    assert_eq!(stub.ids(), uuids(&ids));
    let log = stub.with(|s| s.log.clone());
    let head = log.iter().position(|(m, _)| m == "HEAD").expect("a HEAD");
    let post = log.iter().position(|(m, _)| m == "POST").expect("a POST");
    assert!(head < post, "the protocol's HEAD comes first: {log:?}");

    let (code, out, _) = cli(data.path(), &["send"]);
    assert_eq!(code, 0);
    assert!(out.contains("nothing to send to central"), "{out}");
    assert_eq!(stub.with(|s| s.stored), 3, "never twice");

    let (_, out, _) = cli(data.path(), &["list"]);
    assert!(out.contains("SENT"), "{out}");
    assert_eq!(out.matches("central ").count(), 3, "{out}");
    let (_, out, _) = cli(data.path(), &["server", "list"]);
    assert!(
        out.contains("central  token") && out.contains("3 sent, 0 waiting"),
        "{out}"
    );
}

#[test]
fn credentials_are_asked_checked_and_never_stored_unless_asked() {
    let data = tempfile::tempdir().expect("temp dir");
    let ids = responses(data.path(), 2);
    let stub = Stub::start("/v1/projects/3", &[FORM]);
    stub.with(|s| {
        s.auth = Some(Auth::Basic {
            user: "anna@comune.it".into(),
            password: "giusta".into(),
        });
    });
    let (code, out, err) = cli(
        data.path(),
        &["server", "add", "c", &stub.base, "--user", "anna@comune.it"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = cli(data.path(), &["send"]);
    assert_eq!(code, 2, "no terminal, no --password-stdin: {out}{err}");
    assert!(err.contains("--password-stdin"), "{err}");
    let (code, _, err) = cli_in(data.path(), &["send", "--password-stdin"], "sbagliata\n");
    assert_eq!(code, 2);
    assert!(err.contains("refused the credentials (401"), "{err}");
    assert!(stub.ids().is_empty());
    let (code, out, err) = cli_in(data.path(), &["send", "--password-stdin"], "giusta\n");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(stub.ids(), uuids(&ids));
    assert!(!data.path().join("server-passwords.json").exists());
    let db = std::fs::read(data.path().join("rileva.sqlite3")).expect("db");
    assert!(
        !db.windows(6).any(|w| w == b"giusta"),
        "the password is not in the database"
    );
}

#[test]
fn digest_and_a_saved_password() {
    let data = tempfile::tempdir().expect("temp dir");
    let ids = responses(data.path(), 1);
    let stub = Stub::start("/anna", &[FORM]);
    stub.with(|s| {
        s.auth = Some(Auth::Digest {
            user: "anna".into(),
            password: "kobo-pw".into(),
        });
    });
    let (code, out, err) = cli_in(
        data.path(),
        &[
            "server",
            "add",
            "kobo",
            &format!("{}/submission", stub.base),
            "--user",
            "anna",
            "--save-password",
            "--password-stdin",
        ],
        "kobo-pw\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("warning: the password is kept unencrypted"),
        "{err}"
    );
    let (code, out, err) = cli(data.path(), &["send"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(stub.ids(), uuids(&ids));
    let (code, _, _) = cli(data.path(), &["server", "remove", "kobo"]);
    assert_eq!(code, 0);
    let saved = std::fs::read_to_string(data.path().join("server-passwords.json")).expect("file");
    assert!(
        !saved.contains("kobo-pw"),
        "forgotten with the server: {saved}"
    );
}

#[test]
fn a_form_or_version_the_server_lacks_is_said_and_waits() {
    let data = tempfile::tempdir().expect("temp dir");
    responses(data.path(), 2);
    let stub = Stub::start(TOKEN_PATH, &[("buone_pratiche_covid19", "2019")]);
    cli(data.path(), &["server", "add", "c", &stub.base]);
    let (code, out, err) = cli(data.path(), &["send"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("2 responses of buone_pratiche_covid19 version 2020051102 not sent: the server has form buone_pratiche_covid19 in version 2019, not 2020051102"),
        "{err}"
    );
    assert!(
        out.contains("0 sent, 0 already there, 2 left to send"),
        "{out}"
    );
    stub.with(|s| s.forms.clear());
    let (_, _, err) = cli(data.path(), &["send"]);
    assert!(
        err.contains("the server has no form buone_pratiche_covid19"),
        "{err}"
    );
    assert!(stub.ids().is_empty());
}

#[test]
fn an_edit_goes_after_its_original_as_a_new_version() {
    let data = tempfile::tempdir().expect("temp dir");
    let ids = responses(data.path(), 1);
    let stub = Stub::start(TOKEN_PATH, &[FORM]);
    cli(data.path(), &["server", "add", "c", &stub.base]);
    let edit = |store: &mut Store, old: &str| {
        common::edit(store, old, "/sez_B/B01", "Spesa e farmaci a domicilio")
    };
    // Edited before it was ever sent: both go, the original first.
    let mut store = Store::open(data.path()).expect("store");
    let second = edit(&mut store, &ids[0]);
    drop(store);
    let (code, out, err) = cli(data.path(), &["send"]);
    assert_eq!(code, 0, "{out}{err}");
    let first_line = out
        .lines()
        .position(|l| l.contains(&ids[0]))
        .expect("original");
    let edit_line = out.lines().position(|l| l.contains(&second)).expect("edit");
    assert!(first_line < edit_line, "{out}");
    let kept = stub.with(|s| s.instances.clone());
    assert_eq!(kept.len(), 1, "one instance on the server, in two versions");
    let versions = &kept[&format!("uuid:{}", ids[0])].versions;
    assert_eq!(versions.len(), 2);
    assert!(versions[1].contains(&format!("<deprecatedID>uuid:{}</deprecatedID>", ids[0])));
    // Edited again after it was sent: the new version alone.
    let mut store = Store::open(data.path()).expect("store");
    edit(&mut store, &second);
    drop(store);
    let (code, out, _) = cli(data.path(), &["send"]);
    assert_eq!(code, 0);
    assert!(out.contains("1 sent"), "{out}");
    assert_eq!(
        stub.with(|s| s.instances[&format!("uuid:{}", ids[0])].versions.len()),
        3
    );
}

/// Stops a run after `after` responses, as a killed process would.
struct Cut {
    after: Option<usize>,
    seen: usize,
}

impl SendProgress for Cut {
    fn sent(&mut self, _: &ResponseRow, _: &Sent, _: usize, _: usize) {
        self.seen += 1;
    }
    fn stop(&self) -> bool {
        self.after.is_some_and(|a| self.seen >= a)
    }
}

fn quick() -> SendOptions {
    SendOptions {
        tries: 3,
        backoff: Duration::from_millis(1),
        ..SendOptions::default()
    }
}

#[test]
fn a_line_dropped_after_the_server_stored_it_counts_once() {
    let data = tempfile::tempdir().expect("temp dir");
    let ids = responses(data.path(), 3);
    let stub = Stub::start(TOKEN_PATH, &[FORM]);
    cli(data.path(), &["server", "add", "c", &stub.base]);
    // The first response: stored but the answer lost, then a 500, then a
    // slow 409. The second: the line drops mid-body, then it goes.
    stub.with(|s| {
        s.faults.extend([
            Fault::DropAfter,
            Fault::Error500,
            Fault::Slow(300),
            Fault::DropBefore,
        ])
    });
    let mut store = Store::open(data.path()).expect("store");
    let server = job::choose_server(&store, None).expect("server");
    let t = job::send(
        &mut store,
        &server,
        None,
        &quick(),
        &mut Cut {
            after: None,
            seen: 0,
        },
    )
    .expect("runs");
    assert_eq!((t.sent, t.already, t.failed), (2, 1, 0), "{t:?}");
    assert_eq!(stub.ids(), uuids(&ids));
    assert_eq!(stub.with(|s| s.stored), 3);
    let attempts = store.attempts(&ids[0]).expect("attempts");
    let statuses: Vec<Option<u16>> = attempts.iter().map(|a| a.http_status).collect();
    assert_eq!(
        statuses,
        [None, Some(500), Some(409)],
        "every try recorded: {attempts:?}"
    );
    let statuses: Vec<Option<u16>> = store
        .attempts(&ids[1])
        .expect("attempts")
        .iter()
        .map(|a| a.http_status)
        .collect();
    assert_eq!(statuses, [None, Some(201)]);
    assert!(store.deliveries(&ids[0]).expect("deliveries")[0].already);
}

#[test]
fn a_server_that_keeps_failing_leaves_the_rest_queued() {
    let data = tempfile::tempdir().expect("temp dir");
    let ids = responses(data.path(), 2);
    let stub = Stub::start(TOKEN_PATH, &[FORM]);
    cli(data.path(), &["server", "add", "c", &stub.base]);
    stub.with(|s| s.faults.extend([Fault::Error500; 3]));
    let mut store = Store::open(data.path()).expect("store");
    let server = job::choose_server(&store, None).expect("server");
    let t = job::send(
        &mut store,
        &server,
        None,
        &quick(),
        &mut Cut {
            after: None,
            seen: 0,
        },
    )
    .expect("runs");
    assert_eq!((t.sent, t.failed), (0, 1), "{t:?}");
    assert!(matches!(t.stopped, Some(job::Stopped::Unreachable(_))));
    assert_eq!(job::waiting(&store, "c").expect("waiting").len(), 2);
    let t = job::send(
        &mut store,
        &server,
        None,
        &quick(),
        &mut Cut {
            after: None,
            seen: 0,
        },
    )
    .expect("runs");
    assert_eq!(t.sent, 2);
    assert_eq!(stub.ids(), uuids(&ids));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// For any sequence of failures and cuts, the server ends with each
    /// response exactly once, and rileva's record agrees with the server.
    #[test]
    fn any_failures_and_restarts_end_with_each_response_once(
        faults in proptest::collection::vec(prop_oneof![
            Just(Fault::Error500), Just(Fault::DropBefore), Just(Fault::DropAfter), Just(Fault::Slow(5)),
        ], 0..8),
        cuts in proptest::collection::vec(proptest::option::of(0usize..4), 1..4),
        openrosa in proptest::bool::ANY,
    ) {
        let data = tempfile::tempdir().expect("temp dir");
        let ids = responses(data.path(), 4);
        let stub = Stub::start(TOKEN_PATH, &[FORM]);
        stub.with(|s| { s.faults.extend(faults.iter().copied()); s.openrosa_duplicates = openrosa; });
        cli(data.path(), &["server", "add", "c", &stub.base]);
        let server = {
            let store = Store::open(data.path()).expect("store");
            job::choose_server(&store, None).expect("server")
        };
        for after in cuts.iter().copied().chain([None, None, None, None]) {
            // Each run on a store opened afresh, as after a restart.
            let mut store = Store::open(data.path()).expect("store");
            job::send(&mut store, &server, None, &quick(), &mut Cut { after, seen: 0 }).expect("runs");
        }
        let store = Store::open(data.path()).expect("store");
        prop_assert_eq!(stub.ids(), uuids(&ids));
        prop_assert_eq!(stub.with(|s| s.stored), 4, "each stored once");
        let mut recorded: Vec<String> = store.delivered_to("c").expect("record").into_iter().map(|i| format!("uuid:{i}")).collect();
        recorded.sort();
        prop_assert_eq!(recorded, stub.ids());
    }
}
