//! `rileva import` on big files: batches that let another writer save in
//! between, an import killed or interrupted and run again, the progress bar.
//! The real binary, with the data directory in a temp dir.

use crate::cli_import::write_form;
use crate::cli_support::{rileva, stderr, stdout, tmp};
use crate::common;
use crate::e2e_support::Tui;

use rileva::store::{self, Store, Summary};
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Two questions, so that the binary's debug build goes through thousands
/// of rows in a second or two.
const TALLY: &str = r#"{"format":"rileva-form/1",
  "settings":{"form_id":"tally","version":"1"},
  "survey":[
    {"type":"text","name":"village","label":"Village","required":"yes"},
    {"type":"integer","name":"n","label":"N"}
  ]}"#;

/// The tally form and an NDJSON file of `rows` responses to it, `n` from 1:
/// every other one with an id (a UUID), the others told apart by their key;
/// the rows whose `n` is a multiple of `invalid_every` lack the village.
fn tally(dir: &Path, rows: usize, invalid_every: usize) -> (PathBuf, PathBuf) {
    let form = write_form(dir, "tally.json", TALLY);
    let mut text = String::new();
    for n in 1..=rows {
        let mut row = serde_json::json!({ "n": n });
        if n % invalid_every != 0 {
            row["village"] = format!("Villaggio {n}").into();
        }
        if n % 2 == 0 {
            row["meta"] = serde_json::json!({ "instanceID": format!("uuid:00000000-0000-4000-8000-{n:012}") });
        }
        text.push_str(&row.to_string());
        text.push('\n');
    }
    let data = dir.join("tally.ndjson");
    fs::write(&data, text).expect("write data");
    (form, data)
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rileva")
}

/// Responses in the data directory, read as another program would (0 while
/// there is no database yet).
fn responses(dir: &Path) -> i64 {
    let db = dir.join(store::DB_FILE);
    if !db.exists() {
        return 0;
    }
    let Ok(conn) = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    conn.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap_or(0)
}

/// Was: `import --commit` held the write lock from its first row to its
/// last, so the TUI's saves waited for the whole import (and after 5 s gave
/// up: NOT SAVED). Now another writer saves while it runs, between its
/// batches.
#[test]
fn another_writer_saves_between_the_batches_of_a_big_import() {
    const ROWS: usize = 3_000;
    let t = tmp();
    let dir = t.path().join("data");
    let draft = common::create(&dir, common::DRAFT, false, 1);
    let (form, data) = tally(t.path(), ROWS, usize::MAX);
    let mut child = std::process::Command::new(bin())
        .arg("--data-dir")
        .arg(&dir)
        .args(["import", "--commit", "--form"])
        .arg(&form)
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the import starts");
    // The TUI's connection: every save must succeed, however the import
    // goes; what the import had created at each save is noted.
    let mut store = Store::open(&dir).expect("opens");
    let mut seen = Vec::new();
    let mut n = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        n += 1;
        store
            .save_answer(
                &draft,
                "/sez_A/A04",
                Some(&format!("Comune {n}")),
                common::OPERATOR,
                &Summary::default(),
                "2020-05-11T10:30:00.000+02:00",
            )
            .expect("a save beside the import succeeds");
        seen.push(store.counts().expect("counts").complete);
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(status.success(), "{status:?}");
    let total = ROWS as i64;
    assert_eq!(store.counts().expect("counts").complete, total);
    assert_eq!(
        store.answers(&draft).expect("answers")[1],
        ("/sez_A/A04".to_string(), format!("Comune {n}")),
        "the last save is there"
    );
    let during: BTreeSet<i64> = seen
        .iter()
        .copied()
        .filter(|&c| c > 0 && c < total)
        .collect();
    assert!(
        during.len() >= 2,
        "saves landed between batches: the import had created {during:?} of {total} \
         (at each save: {seen:?})"
    );
}

/// An import killed half-way (SIGKILL: no handler runs) keeps the batches
/// it committed; importing the same file again creates the rest, each row
/// once.
#[test]
fn a_killed_import_creates_only_what_is_missing_when_run_again() {
    const ROWS: usize = 4_000;
    let t = tmp();
    let dir = t.path().join("data");
    let (form, data) = tally(t.path(), ROWS, usize::MAX);
    let mut child = std::process::Command::new(bin())
        .arg("--data-dir")
        .arg(&dir)
        .args(["import", "--commit", "--form"])
        .arg(&form)
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the import starts");
    let start = Instant::now();
    while responses(&dir) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no batch was committed"
        );
        assert!(
            child.try_wait().expect("try_wait").is_none(),
            "it ended before a batch could be seen"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("killed");
    let before = responses(&dir);
    assert!(
        before > 0 && before < ROWS as i64,
        "killed half-way: {before} of {ROWS}"
    );

    let out = rileva(&dir)
        .args(["import", "--commit", "--form"])
        .arg(&form)
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "no progress bar off a terminal");
    let s = stdout(&out);
    assert!(
        s.ends_with(&format!(
            "created {} complete, 0 drafts; skipped 0 not valid; {before} already imported\n",
            ROWS as i64 - before
        )),
        "{}",
        s.lines().last().unwrap_or_default()
    );
    let conn = Connection::open(dir.join(store::DB_FILE)).expect("opens");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(count("SELECT count(*) FROM responses"), ROWS as i64);
    assert_eq!(
        count("SELECT count(DISTINCT value) FROM answers WHERE path = '/n'"),
        ROWS as i64,
        "every row once"
    );
    assert_eq!(count("SELECT count(*) FROM imports"), ROWS as i64);
    // A third time: nothing at all.
    let out = rileva(&dir)
        .args(["import", "--commit", "--form"])
        .arg(&form)
        .arg(&data)
        .output()
        .expect("runs");
    assert!(
        stdout(&out).ends_with(&format!(
            "created 0 complete, 0 drafts; skipped 0 not valid; {ROWS} already imported\n"
        )),
        "{}",
        stdout(&out)
    );
}

/// Ctrl-C (SIGINT) stops the import after the row it is reading: what was
/// judged is written, and the one line on stderr says what was created.
#[test]
fn an_interrupted_import_says_what_it_created() {
    const ROWS: usize = 4_000;
    let t = tmp();
    let dir = t.path().join("data");
    let (form, data) = tally(t.path(), ROWS, usize::MAX);
    let child = std::process::Command::new(bin())
        .arg("--data-dir")
        .arg(&dir)
        .args(["import", "--commit", "--form"])
        .arg(&form)
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the import starts");
    let start = Instant::now();
    while responses(&dir) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no batch was committed"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let out = child.wait_with_output().expect("it ends");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let created = responses(&dir);
    assert!(created > 0 && created < ROWS as i64, "{created} of {ROWS}");
    assert_eq!(
        stderr(&out),
        format!(
            "rileva: interrupted; the import stopped after creating {created} complete, 0 drafts \
             (importing the same file again creates only the rest)\n"
        )
    );
    let out = rileva(&dir)
        .args(["import", "--commit", "--form"])
        .arg(&form)
        .arg(&data)
        .output()
        .expect("runs");
    assert!(
        stdout(&out).ends_with(&format!(
            "created {} complete, 0 drafts; skipped 0 not valid; {created} already imported\n",
            ROWS as i64 - created
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn on_a_terminal_a_progress_bar_runs_and_then_gives_way_to_the_report() {
    let t = tmp();
    let (form, data) = tally(t.path(), 1_500, 500);
    let form = form.display().to_string();
    let data = data.display().to_string();
    let mut tui = Tui::start_with(t.path(), &["import", "--commit", "--form", &form, &data]);
    assert_eq!(tui.wait_exit(), 1, "three rows are not valid");
    let raw = String::from_utf8_lossy(&tui.raw()).into_owned();
    assert!(
        raw.contains("importing [") && raw.contains("/1,500 rows"),
        "the bar was drawn: {raw:?}"
    );
    let screen = tui.screen();
    for line in [
        "tally.ndjson: 1500 rows for the form tally version 1",
        "row 500: required village is missing",
        "row 1000: required village is missing",
        "row 1500: required village is missing",
        "created 1497 complete, 0 drafts; skipped 3 not valid; 0 already imported",
    ] {
        assert!(screen.contains(line), "{line:?} not on:\n{screen}");
    }
    assert!(
        !screen.contains("importing ["),
        "the bar is cleared:\n{screen}"
    );
}
