//! `rileva import` on the command line: the real binary, with the data
//! directory in a temp dir. What a file maps to and how rows are judged is
//! in `import`; here: the report, the exit codes, what is created, once,
//! beside another writer, after an interruption, and the progress bar.

use crate::common;
use crate::e2e_support::Tui;

use assert_cmd::Command;
use rileva::store::{self, DirLock, Store, Summary};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tempfile::TempDir;

const DEFAULT_FORM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/forms/buone-pratiche-covid19.json"
);

// The helpers of `cli` these tests share (copied: `cli` is being split).

fn rileva(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rileva");
    cmd.env_remove("RILEVA_DATA_DIR").arg("--data-dir").arg(dir);
    cmd
}

fn tmp() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 stderr")
}

/// stderr is exactly one line starting with `rileva: `, and it contains `part`.
fn one_line_error(out: &std::process::Output, part: &str) {
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
    assert!(err.starts_with("rileva: "), "{err}");
    assert!(err.contains(part), "{part:?} not in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn list_json(dir: &Path) -> Vec<Value> {
    let out = rileva(dir).args(["list", "--json"]).output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice::<Value>(&out.stdout)
        .expect("JSON")
        .as_array()
        .expect("array")
        .clone()
}

fn write_form(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write form");
    p
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read export")).expect("export is JSON")
}

fn xml_text<'a>(node: roxmltree::Node<'a, 'a>, path: &[&str]) -> Option<&'a str> {
    let mut cur = node;
    for name in path {
        cur = cur.children().find(|c| c.has_tag_name(*name))?;
    }
    Some(cur.text().unwrap_or(""))
}

/// A data directory with two complete responses and a draft.
fn populated() -> TempDir {
    let dir = tmp();
    common::create(dir.path(), common::COMPLETE, true, 1);
    common::create(dir.path(), common::DRAFT, false, 2);
    common::create(dir.path(), common::COMPLETE, true, 3);
    dir
}

// ---------------------------------------------------------------------------
// Reports, exit codes, what is created

/// A form with a group and a repeat, for imports with repeats.
const HOUSEHOLD: &str = r#"{"format":"rileva-form/1",
  "settings":{"form_id":"hh","version":"3","name":"household_survey"},
  "survey":[
    {"type":"text","name":"village","label":"Village","required":"yes"},
    {"type":"group","name":"household","label":"Household","children":[
      {"type":"integer","name":"size","label":"Size"}
    ]},
    {"type":"repeat","name":"person","label":"Person","children":[
      {"type":"text","name":"pname","label":"Name","required":"yes"},
      {"type":"integer","name":"age","label":"Age"}
    ]}
  ]}"#;

/// A CSV of responses to the default form: the complete response of the
/// tests, once per row, with some values changed (`""` empties one).
fn default_csv(rows: &[&[(&str, &str)]]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(
        common::COMPLETE
            .iter()
            .map(|(p, _)| p.trim_start_matches('/')),
    )
    .expect("header");
    for changes in rows {
        w.write_record(common::COMPLETE.iter().map(|(p, v)| {
            changes
                .iter()
                .find(|(c, _)| c == p)
                .map_or(*v, |(_, new)| *new)
        }))
        .expect("row");
    }
    String::from_utf8(w.into_inner().expect("csv")).expect("UTF-8")
}

fn write_data(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write data");
    p
}

#[test]
fn import_without_commit_reports_each_refusal_and_writes_nothing() {
    let t = tmp();
    let data = write_data(
        t.path(),
        "paper.csv",
        &default_csv(&[&[], &[("/sez_A/A06", "dodicimila"), ("/sez_A/A04", "")]]),
    );
    let dir = t.path().join("data");
    let out = rileva(&dir)
        .args(["import", "--form", DEFAULT_FORM])
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s = stdout(&out);
    assert_eq!(
        s,
        format!(
            "{}: 2 rows for the form buone_pratiche_covid19 version 2020051102\n\
             row 3, field sez_A/A06: \"dodicimila\": Not a whole number (e.g. 1200)\n\
             row 3: required sez_A/A04 is missing\n\
             dry run, nothing was written: 2 rows: 1 valid, 1 not valid, 0 already imported; \
             --commit imports the valid rows\n",
            data.display()
        )
    );
    one_line_error(&out, "1 of 2 rows is not valid");
    assert!(!dir.exists(), "a dry run creates nothing");

    // Every row valid: exit 0. The embedded form is the default.
    let good = write_data(t.path(), "good.csv", &default_csv(&[&[]]));
    let out = rileva(&dir)
        .arg("import")
        .arg(&good)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty());
    assert!(stdout(&out).contains("1 row: 1 valid, 0 not valid"));
    assert!(!dir.exists());
}

#[test]
fn import_commit_creates_complete_responses_once() {
    let t = tmp();
    let dir = t.path().join("data");
    let data = write_data(
        t.path(),
        "paper.csv",
        &default_csv(&[&[], &[("/sez_A/A04", "Comune di Rieti")]]),
    );
    let out = rileva(&dir)
        .args(["import", "--commit"])
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .ends_with("created 2 complete, 0 drafts; skipped 0 not valid; 0 already imported\n"),
        "{}",
        stdout(&out)
    );
    let items = list_json(&dir);
    assert_eq!(items.len(), 2);
    for item in &items {
        assert_eq!(item["status"], "complete");
        assert_eq!(item["operator"], "import", "no operator set: \"import\"");
        assert!(item["completedAt"].is_string());
    }
    let mut names: Vec<&str> = items
        .iter()
        .map(|i| i["instanceName"].as_str().expect("name"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Comune di Rieti - Spesa a domicilio",
            "Comune di Roma - Spesa a domicilio"
        ]
    );

    // The same file again: nothing new, in a dry run or with --commit.
    for args in [&["import"][..], &["import", "--commit"]] {
        let out = rileva(&dir).args(args).arg(&data).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let s = stdout(&out);
        assert_eq!(s.matches("already imported (response ").count(), 2, "{s}");
        assert!(
            s.contains("0 valid, 0 not valid, 2 already imported")
                || s.contains(
                    "created 0 complete, 0 drafts; skipped 0 not valid; 2 already imported"
                ),
            "{s}"
        );
    }
    assert_eq!(list_json(&dir).len(), 2);
    // They export like responses filled in the TUI.
    rileva(&dir).arg("export").assert().success();
    assert_eq!(entries(&dir.join("exports")).len(), 2);
}

#[test]
fn import_as_drafts_keeps_rows_that_are_not_valid() {
    let t = tmp();
    let dir = t.path().join("data");
    let data = write_data(
        t.path(),
        "paper.csv",
        &default_csv(&[&[], &[("/sez_A/A06", "dodicimila")]]),
    );
    let out = rileva(&dir)
        .args(["import", "--commit", "--as-drafts"])
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "a row was not valid");
    assert!(
        stdout(&out)
            .ends_with("created 1 complete, 1 draft; skipped 0 not valid; 0 already imported\n"),
        "{}",
        stdout(&out)
    );
    one_line_error(&out, "1 of 2 rows is not valid");
    let items = list_json(&dir);
    let draft = items
        .iter()
        .find(|i| i["status"] == "draft")
        .expect("a draft");
    assert_eq!(draft["completedAt"], Value::Null);
    // The draft keeps what was refused, to be fixed in the TUI.
    let out_dir = t.path().join("out");
    rileva(&dir)
        .args(["export", "--drafts", "--out"])
        .arg(&out_dir)
        .assert()
        .success();
    let id = draft["id"].as_str().expect("id");
    let v = read_json(&out_dir.join(format!("{id}.json")));
    assert_eq!(v["data"]["sez_A"]["A06"], "dodicimila");
    assert_eq!(v["data"]["sez_A"]["A04"], "Comune di Roma");
    // Without --as-drafts, the same rows again: both already there.
    let out = rileva(&dir)
        .args(["import", "--commit"])
        .arg(&data)
        .output()
        .expect("runs");
    assert!(
        stdout(&out).contains("2 already imported"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn import_uses_a_uuid_column_as_the_response_id() {
    let t = tmp();
    let dir = t.path().join("data");
    let id = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    let mut text = default_csv(&[&[]]);
    // Kobo's columns after the answers: the id and its metadata.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[0].push_str(",_id,_uuid,_submission_time");
    lines[1].push_str(&format!(",17,{id},2020-05-11T10:00:00"));
    text = lines.join("\n") + "\n";
    let data = write_data(t.path(), "kobo.csv", &text);
    let out = rileva(&dir)
        .args(["import", "--commit"])
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("ignored columns (export metadata): _id, _submission_time\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(list_json(&dir)[0]["id"], id);
    let out = rileva(&dir)
        .args(["import", "--commit"])
        .arg(&data)
        .output()
        .expect("runs");
    assert!(
        stdout(&out).contains(&format!("row 2: already imported (response {id})")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_ndjson_export_imports_into_a_fresh_data_dir_with_the_same_answers() {
    let p = populated();
    let out = rileva(p.path())
        .args(["export", "--format", "ndjson"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let t = tmp();
    let data = write_data(t.path(), "responses.ndjson", &stdout(&out));
    let original: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let fresh = t.path().join("fresh");
    let out = rileva(&fresh)
        .args(["import", "--commit", "--form", DEFAULT_FORM])
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("created 2 complete"));
    let out = rileva(&fresh)
        .args(["export", "--format", "ndjson"])
        .output()
        .expect("runs");
    let again: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(again.len(), 2);
    for v in &again {
        let twin = original
            .iter()
            .find(|o| o["meta"]["instanceID"] == v["meta"]["instanceID"])
            .expect("the same instanceID");
        assert_eq!(v["data"], twin["data"], "the same answers");
        assert_eq!(v["form"], twin["form"], "the same form");
    }
}

#[test]
fn import_json_with_repeats_then_export_xml_repeats_elements() {
    let t = tmp();
    let form = write_form(t.path(), "household.json", HOUSEHOLD);
    let data = write_data(
        t.path(),
        "households.json",
        r#"[{"village": "Borgo", "household": {"size": 2},
             "person": [{"pname": "Ana", "age": 34}, {"pname": "Bia", "age": "7"}]},
            {"village": "Villa", "person": [{"age": 3}]}]"#,
    );
    let dir = t.path().join("data");
    let out = rileva(&dir)
        .args(["import", "--commit", "--form"])
        .arg(&form)
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("row 2: required person[1]/pname is missing\n"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("created 1 complete, 0 drafts; skipped 1 not valid"));
    let out = rileva(&dir)
        .args(["export", "--format", "xml"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let file = stdout(&out).lines().next().expect("a file").to_string();
    let text = fs::read_to_string(&file).expect("read");
    let doc = roxmltree::Document::parse(&text).expect("well-formed");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "household_survey");
    assert_eq!(root.attribute("id"), Some("hh"));
    assert_eq!(root.attribute("version"), Some("3"));
    let people: Vec<(String, String)> = root
        .children()
        .filter(|c| c.has_tag_name("person"))
        .map(|c| {
            (
                xml_text(c, &["pname"]).unwrap_or("").to_string(),
                xml_text(c, &["age"]).unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        people,
        [("Ana".into(), "34".into()), ("Bia".into(), "7".into())],
        "one element per instance"
    );
    assert_eq!(xml_text(root, &["household", "size"]), Some("2"));
}

#[test]
fn import_refuses_unusable_data_files_with_exit_2() {
    let t = tmp();
    let dir = t.path().join("data");
    let cases: [(&str, &[u8], &str); 5] = [
        ("missing.csv", b"", "cannot read"),
        ("data.xlsx", b"x", "unknown kind of data file"),
        ("bad.json", b"{\"A04\": ", "not JSON"),
        ("latin1.csv", b"A04\nCitt\xe0\n", "not UTF-8"),
        ("empty.csv", b"", "empty"),
    ];
    for (name, bytes, part) in cases {
        let path = t.path().join(name);
        if name != "missing.csv" {
            fs::write(&path, bytes).expect("write");
        }
        for commit in [false, true] {
            let mut cmd = rileva(&dir);
            cmd.arg("import").arg(&path);
            if commit {
                cmd.arg("--commit");
            }
            let out = cmd.output().expect("runs");
            assert_eq!(out.status.code(), Some(2), "{name}");
            one_line_error(&out, part);
            assert!(out.stdout.is_empty(), "{name}");
        }
    }
    assert!(!dir.exists(), "nothing was created");
}

#[test]
fn import_on_a_form_with_problems_exits_2() {
    let t = tmp();
    let data = write_data(t.path(), "data.csv", "a\n1\n");
    let broken = write_form(
        t.path(),
        "broken.json",
        r#"{ "format": "rileva-form/1", "settings": { "form_id": "x" }, "survey": [
            { "type": "text", "name": "a", "label": "A" },
            { "type": "text", "name": "a", "label": "A" },
            { "type": "select_one", "name": "b", "list": "nope", "label": "B" } ] }"#,
    );
    let dir = t.path().join("data");
    let out = rileva(&dir)
        .args(["import", "--commit", "--form"])
        .arg(&broken)
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(
        &out,
        &format!(
            "the form cannot take responses: {}: survey[",
            broken.display()
        ),
    );
    assert!(
        stderr(&out).contains("and 1 more problem"),
        "{}",
        stderr(&out)
    );
    let out = rileva(&dir)
        .args(["import", "--form"])
        .arg(t.path().join("missing.json"))
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "cannot read");
    assert!(!dir.exists());
}

#[test]
fn import_runs_beside_a_tui_holding_the_lock() {
    let t = tmp();
    store::ensure_dir(t.path()).expect("dir");
    let _held = DirLock::acquire(t.path()).expect("a TUI holds the lock");
    let data = write_data(t.path(), "paper.csv", &default_csv(&[&[]]));
    let out = rileva(t.path())
        .args(["import", "--commit"])
        .arg(&data)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(list_json(t.path()).len(), 1);
}

// ---------------------------------------------------------------------------
// Big files: batches, interruptions, the progress bar

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
