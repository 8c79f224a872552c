//! The commands that look after a data directory (`backup`, `check`), and
//! `list` and `export` at scale and on bad data (issue "Foundations").

use crate::cli_support::{entries, one_line_error, rileva, stderr, stdout, tmp};
use crate::common::{self, COMPLETE, DRAFT};
use rileva::store::{DB_FILE, Store};
use serde_json::Value;
use std::fs;

#[test]
fn backup_writes_a_copy_that_restores_and_never_overwrites_by_accident() {
    let t = tmp();
    let data = t.path().join("data");
    common::create(&data, COMPLETE, true, 1);
    common::create(&data, DRAFT, false, 2);
    let file = t.path().join("backup.sqlite3");
    let out = rileva(&data)
        .arg("backup")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "backed up 2 responses (1 draft, 1 complete, 0 exported) to {}\n",
            file.display()
        )
    );
    let out = rileva(&data)
        .arg("backup")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "use --force");
    let out = rileva(&data)
        .args(["backup", "--force"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Restored as the README says: the copy becomes the database.
    let restored = t.path().join("restored");
    fs::create_dir(&restored).expect("dir");
    fs::copy(&file, restored.join(DB_FILE)).expect("copy");
    let out = rileva(&restored).arg("check").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("responses: 2 (1 draft, 1 complete, 0 exported)"));
    // A data directory without a database has nothing to back up.
    let out = rileva(&t.path().join("none"))
        .arg("backup")
        .arg(t.path().join("x"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "no database");
}

#[test]
fn check_says_what_is_wrong_and_what_to_do() {
    let t = tmp();
    let out = rileva(t.path()).arg("check").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("no database yet"), "{}", stdout(&out));
    common::create(t.path(), COMPLETE, true, 1);
    let out = rileva(t.path()).arg("check").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("integrity: ok"), "{text}");
    assert!(
        text.contains("schema: version ") && text.contains(" (current)"),
        "{text}"
    );
    // A damaged file: exit 1, the advice, and nothing written.
    let db = t.path().join(DB_FILE);
    let mut bytes = fs::read(&db).expect("db");
    let n = bytes.len();
    for b in &mut bytes[n / 2..] {
        *b = 0x5A;
    }
    fs::write(&db, &bytes).expect("damaged");
    let out = rileva(t.path()).arg("check").output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("DAMAGED"), "{text}");
    assert!(
        text.contains("what to do:") && text.contains("backup"),
        "{text}"
    );
    assert_eq!(fs::read(&db).expect("db"), bytes, "check writes nothing");
}

#[test]
fn list_shows_a_page_and_says_how_to_see_more() {
    let t = tmp();
    for n in 0..5 {
        common::create(t.path(), DRAFT, false, n);
    }
    let out = rileva(t.path())
        .args(["list", "--limit", "2", "--page", "2"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ID"), "{text}");
    assert_eq!(lines.len(), 5, "header, 2 rows, total, showing: {text}");
    assert_eq!(lines[3], "total 5: 5 draft, 0 complete, 0 exported");
    assert_eq!(
        lines[4],
        "showing 3–4 of 5; --page 3 for the next; --all for every one"
    );
    let all = rileva(t.path())
        .args(["list", "--all"])
        .output()
        .expect("runs");
    assert_eq!(stdout(&all).lines().count(), 1 + 5 + 1, "{}", stdout(&all));
    // JSON: the page as an array; the hint about more on stderr.
    let out = rileva(t.path())
        .args(["list", "--json", "--limit", "3"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(3));
    assert!(
        stderr(&out).contains("showing 1–3 of 5"),
        "{}",
        stderr(&out)
    );
    let out = rileva(t.path())
        .args(["list", "--json", "--all"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(5));
    assert!(out.stderr.is_empty());
}

/// Was: `list --json` and NDJSON printed raw bidi and C1 characters.
#[test]
fn json_on_stdout_has_no_raw_character_a_terminal_acts_on() {
    let t = tmp();
    let sly = "Comune \u{202e}di\u{9b}31m Roma\u{7f}";
    let answers: Vec<(&str, &str)> = COMPLETE
        .iter()
        .map(|&(p, v)| if p == "/sez_A/A04" { (p, sly) } else { (p, v) })
        .collect();
    common::create(t.path(), &answers, true, 1);
    for args in [&["list", "--json"][..], &["export", "--format", "ndjson"]] {
        let out = rileva(t.path()).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text
                .chars()
                .any(|c| ('\u{7f}'..='\u{9f}').contains(&c) || c == '\u{202e}'),
            "{args:?}: {text:?}"
        );
        assert!(
            text.contains("\\u202e") && text.contains("\\u009b"),
            "{args:?}: {text}"
        );
        // Still the same text, once read as JSON.
        let first = text
            .lines()
            .find(|l| l.contains("\\u202e"))
            .expect("a line");
        let line = first.trim_end_matches(',');
        let v: Value = serde_json::from_str(line).expect("JSON");
        assert!(v.to_string().contains('\u{202e}'));
    }
}

#[test]
fn export_leaves_no_temp_file_of_a_killed_export_behind() {
    let t = tmp();
    common::create(t.path(), COMPLETE, true, 1);
    let exports = t.path().join("exports");
    fs::create_dir_all(&exports).expect("dir");
    // A pid that cannot be running (above Linux's pid_max), and our own.
    let stale = exports.join(".abc.json.4194999.tmp");
    fs::write(&stale, b"{half").expect("stale");
    let out = rileva(t.path()).arg("export").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names = entries(&exports);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].ends_with(".json") && !names[0].starts_with('.'));
}

/// Was: `export` exported 4 of 35 and exited 0 when the rest could not be
/// read. Every response is listed, and one that cannot be read fails.
#[test]
fn export_never_succeeds_over_responses_it_could_not_read() {
    let t = tmp();
    for n in 0..3 {
        common::create(t.path(), COMPLETE, true, n);
    }
    let conn = rusqlite::Connection::open(t.path().join(DB_FILE)).expect("raw");
    conn.execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM forms;")
        .expect("forms gone");
    drop(conn);
    let list = rileva(t.path())
        .args(["list", "--json"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&list.stdout).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(3), "all three are listed");
    for args in [&["export"][..], &["export", "--format", "ndjson"]] {
        let out = rileva(t.path()).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("3 responses could not be read"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let store = Store::open(t.path()).expect("opens");
    assert_eq!(store.counts().expect("counts").complete, 3, "none marked");
}
