//! The command-line contract (layer 6): the real binary, with the data
//! directory in a temp dir.

use crate::cli_support::{entries, one_line_error, populated, rileva, stderr, stdout, tmp};
use crate::common;

use predicates::prelude::*;
use rileva::store::{self, DirLock, Status};
use std::fs;
use std::path::{Path, PathBuf};

const DEFAULT_FORM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/forms/buone-pratiche-covid19.json"
);

// ---------------------------------------------------------------------------
// paths

#[test]
fn paths_prints_the_three_paths_and_creates_nothing() {
    let t = tmp();
    let dir = t.path().join("data");
    let d = dir.display();
    rileva(&dir).arg("paths").assert().success().stdout(format!(
        "data dir: {d}\ndatabase: {}\nexports: {}\n",
        dir.join(store::DB_FILE).display(),
        dir.join("exports").display()
    ));
    assert!(!dir.exists());
}

#[test]
fn the_data_dir_comes_from_the_environment_and_the_flag_wins() {
    let t = tmp();
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rileva");
    cmd.env("RILEVA_DATA_DIR", t.path().join("env"))
        .arg("paths");
    cmd.assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "data dir: {}\n",
            t.path().join("env").display()
        )));
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rileva");
    cmd.env("RILEVA_DATA_DIR", t.path().join("env"))
        .args(["paths", "--data-dir"])
        .arg(t.path().join("flag"));
    cmd.assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "data dir: {}\n",
            t.path().join("flag").display()
        )));
}

// ---------------------------------------------------------------------------
// usage errors

#[test]
fn usage_errors_exit_2() {
    let t = tmp();
    for args in [
        &["list", "--status", "sent"][..],
        &["export", "--format", "ods"],
        &["publish"],
        &["import"],
        &["import", "--bogus", "data.csv"],
        &["--form", DEFAULT_FORM, "import", "data.csv"],
        &["--lang", "fr", "paths"],
        &["validate"],
        &["frobnicate"],
        &["--form", DEFAULT_FORM, "list"],
    ] {
        let out = rileva(t.path()).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
        assert!(out.stdout.is_empty());
    }
    assert!(
        entries(t.path()).is_empty(),
        "a usage error creates nothing"
    );
}

#[test]
fn help_and_version_exit_0() {
    let t = tmp();
    rileva(t.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("validate"));
    rileva(t.path())
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------------------
// validate

#[test]
fn validate_the_default_form() {
    let t = tmp();
    let out = rileva(t.path())
        .args(["validate", DEFAULT_FORM])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let s = stdout(&out);
    assert_eq!(s.lines().count(), 1);
    assert!(s.starts_with(&format!("{DEFAULT_FORM}: valid — ")), "{s}");
    // 55 rows besides the 7 sections; 21 lists in `choices` plus the ISTAT CSV.
    assert!(
        s.ends_with("valid — 55 questions, 22 choice lists, languages it, en\n"),
        "{s}"
    );
}

fn write_form(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write form");
    p
}

/// Problems that need no expression: all reported at once, each with its location.
#[test]
fn validate_lists_every_structural_problem() {
    let t = tmp();
    let file = write_form(
        t.path(),
        "broken.json",
        r#"{
  "format": "rileva-form/1",
  "settings": { "form_id": "broken" },
  "survey": [
    { "type": "text", "name": "a", "label": "A" },
    { "type": "text", "name": "a", "label": "A again" },
    { "type": "select_one", "name": "b", "list": "nope", "label": "B" },
    { "type": "photo", "name": "p", "label": "P" },
    { "type": "group", "name": "g", "label": "G", "children": [
      { "type": "integer", "name": "i", "label": "I", "required": "yes(" }
    ] }
  ]
}"#,
    );
    let f = file.display().to_string();
    let out = rileva(t.path())
        .arg("validate")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    for line in [
        format!(
            "{f}: survey[1] (a): duplicate name \"a\": also used at survey[0] (a) (names must be unique within their group)"
        ),
        format!("{f}: survey[2] (b).type: unknown choice list \"nope\""),
        format!("{f}: survey[3] (p).type: unsupported question type \"photo\""),
        format!(
            "{f}: survey[4].children[0] (i).required: column 1: unknown function 'yes' in `yes(`"
        ),
    ] {
        assert!(s.lines().any(|l| l == line), "missing {line:?} in:\n{s}");
    }
    assert_eq!(s.lines().count(), 4, "{s}");
    one_line_error(&out, "4 problems");
}

/// The brief's example: a duplicate name, an unknown `${x}` and an unknown list
/// in one file. Needs the real expression engine (the stub finds no references).
#[test]
fn validate_lists_reference_problems_too() {
    let t = tmp();
    let file = write_form(
        t.path(),
        "refs.json",
        r#"{
  "format": "rileva-form/1",
  "settings": { "form_id": "refs" },
  "survey": [
    { "type": "text", "name": "a", "label": "A" },
    { "type": "text", "name": "a", "label": "A again" },
    { "type": "integer", "name": "c", "label": "C", "relevant": "${x} > 1" },
    { "type": "select_one", "name": "b", "list": "nope", "label": "B" }
  ]
}"#,
    );
    let f = file.display().to_string();
    let out = rileva(t.path())
        .arg("validate")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    for part in [
        format!("{f}: survey[1] (a): duplicate name \"a\""),
        format!("{f}: survey[2] (c).relevant: unknown question ${{x}}"),
        format!("{f}: survey[3] (b).type: unknown choice list \"nope\""),
    ] {
        assert!(
            s.lines().any(|l| l.starts_with(&part)),
            "missing {part:?} in:\n{s}"
        );
    }
}

#[test]
fn validate_reports_where_the_json_breaks() {
    let t = tmp();
    let file = write_form(
        t.path(),
        "syntax.json",
        "{\n  \"format\": \"rileva-form/1\",\n  \"settings\": \n}\n",
    );
    let out = rileva(t.path())
        .arg("validate")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    assert!(
        s.starts_with(&format!("{}: line 4, column", file.display())),
        "{s}"
    );
}

#[test]
fn validate_a_missing_file_exits_2() {
    let t = tmp();
    let missing = t.path().join("missing.json");
    let out = rileva(t.path())
        .arg("validate")
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, &missing.display().to_string());
    assert!(out.stdout.is_empty());
    // A directory is not a form file either.
    let out = rileva(t.path())
        .arg("validate")
        .arg(t.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------
// Unusable database

#[test]
fn a_damaged_database_exits_2_and_is_left_untouched() {
    let t = tmp();
    let db = t.path().join(store::DB_FILE);
    let garbage = b"this is not a SQLite database, it is an accident\n".repeat(100);
    fs::write(&db, &garbage).expect("garbage");
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["export"],
        &["export", "--format", "ndjson"],
        &[],
    ] {
        let out = rileva(t.path()).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        one_line_error(&out, &db.display().to_string());
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(fs::read(&db).expect("still there"), garbage, "{args:?}");
    }
    let mut left = entries(t.path());
    // rileva's own lock files, never the database's.
    left.retain(|n| n != "rileva.lock" && n != "rileva.open");
    assert_eq!(left, [store::DB_FILE], "no -wal or -shm file appeared");
}

#[test]
fn a_data_dir_that_is_a_file_exits_2() {
    let t = tmp();
    let file = t.path().join("file");
    fs::write(&file, b"").expect("file");
    for args in [&["list"][..], &["export"], &[]] {
        let out = rileva(&file).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        one_line_error(&out, &file.display().to_string());
    }
}

// ---------------------------------------------------------------------------
// The TUI's setup, without a terminal

#[test]
fn the_tui_needs_a_terminal() {
    let t = tmp();
    let out = rileva(t.path()).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "terminal");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let out = rileva(t.path())
        .args(["--lang", "en"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_second_copy_on_the_same_data_dir_is_refused() {
    let t = tmp();
    store::ensure_dir(t.path()).expect("dir");
    let _held = DirLock::acquire(t.path()).expect("first copy holds the lock");
    let out = rileva(t.path()).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "another rileva");
    assert!(
        !t.path().join(store::DB_FILE).exists(),
        "refused before opening the database"
    );
    // Reading and exporting do not take the lock.
    rileva(t.path()).arg("list").assert().success();
    rileva(t.path()).arg("export").assert().success();
}

#[test]
fn the_tui_refuses_a_broken_form_listing_every_problem() {
    let t = tmp();
    let file = write_form(
        t.path(),
        "broken.json",
        r#"{ "format": "rileva-form/1", "settings": { "form_id": "x" }, "survey": [
            { "type": "text", "name": "a", "label": "A" },
            { "type": "text", "name": "a", "label": "A" },
            { "type": "select_one", "name": "b", "list": "nope", "label": "B" } ] }"#,
    );
    let f = file.display().to_string();
    let out = rileva(&t.path().join("data"))
        .arg("--form")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.contains(&format!("rileva: {f}: survey[1] (a): duplicate name")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "rileva: {f}: survey[2] (b).type: unknown choice list"
        )),
        "{err}"
    );
    let out = rileva(t.path())
        .arg("--form")
        .arg(t.path().join("missing.json"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "cannot read the form");
}

#[test]
fn the_tui_reports_a_data_dir_it_cannot_create() {
    let t = tmp();
    let file = t.path().join("file");
    fs::write(&file, b"").expect("file");
    let out = rileva(&file.join("sub")).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "cannot create the data directory");
}

#[test]
fn a_database_from_a_newer_rileva_exits_2() {
    let t = tmp();
    {
        let conn = rusqlite::Connection::open(t.path().join(store::DB_FILE)).expect("sqlite");
        conn.pragma_update(None, "user_version", 99)
            .expect("version");
    }
    for args in [&["list"][..], &["export"]] {
        let out = rileva(t.path()).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        one_line_error(&out, "newer rileva");
    }
}

/// A response whose stored form no longer compiles is reported and skipped;
/// the others are still exported, and the exit code says something failed.
#[test]
fn export_skips_a_response_whose_form_is_broken() {
    let p = populated();
    let dir = p.dir.path();
    let broken = {
        let mut s = rileva::store::Store::open(dir).expect("store");
        let bundle = rileva::form::FormBundle {
            definition: "{}".into(),
            files: Default::default(),
        };
        // A stored form that no longer compiles cannot come through the API:
        // write it as a damaged or older database would hold it.
        rusqlite::Connection::open(dir.join(rileva::store::DB_FILE))
            .expect("open")
            .execute(
                "INSERT INTO forms(sha256, form_id, version, title, bundle, added_at)
                 VALUES ('broken', 'x', '1', 'X', ?1, '2020-05-11T09:00:00.000+02:00')",
                [bundle.to_snapshot()],
            )
            .expect("form saved");
        let id = "00000000-0000-4000-8000-000000000000";
        s.create_response(&rileva::store::NewResponse {
            id,
            form_sha256: "broken",
            operator: "x",
            device_id: "x",
            language: "it",
            created_at: "2020-05-11T09:00:00.000+02:00",
            summary: &Default::default(),
            answers: &[],
            paper: None,
        })
        .expect("created");
        s.finalize(
            id,
            &Default::default(),
            "it",
            &[],
            "x",
            "2020-05-11T09:01:00.000+02:00",
        )
        .expect("finalized");
        id.to_string()
    };
    let out = rileva(dir).arg("export").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.lines()
            .next()
            .is_some_and(|l| l.starts_with(&format!("rileva: response {broken} skipped: "))),
        "{err}"
    );
    assert!(err.contains("1 response could not be read"), "{err}");
    assert_eq!(entries(&dir.join("exports")).len(), 2);
    assert_eq!(common::status(dir, &broken), Status::Complete);
    for id in &p.complete {
        assert_eq!(common::status(dir, id), Status::Exported);
    }
}
