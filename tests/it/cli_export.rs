//! `list` and `export` on the real binary: an empty data dir, a populated
//! one, JSON, XML and NDJSON, what is marked and when.

use crate::cli_support::{
    entries, list_json, mode, one_line_error, populated, rileva, stderr, stdout, tmp, xml_text,
};
use crate::common;

use rileva::store::{Status, Store, Summary};
use serde_json::Value;
use std::fs;
use std::path::Path;

// ---------------------------------------------------------------------------
// list and export on an empty data dir

#[test]
fn list_on_an_empty_dir() {
    let t = tmp();
    let dir = t.path().join("data");
    rileva(&dir)
        .arg("list")
        .assert()
        .success()
        .stdout("no responses\ntotal 0: 0 draft, 0 complete, 0 exported\n");
    rileva(&dir)
        .args(["list", "--json"])
        .assert()
        .success()
        .stdout("[]\n");
    assert!(!dir.exists(), "reading creates nothing");
}

#[test]
fn export_with_nothing() {
    let t = tmp();
    rileva(t.path())
        .arg("export")
        .assert()
        .success()
        .stdout("nothing to export\n");
    rileva(t.path())
        .args(["export", "--format", "ndjson"])
        .assert()
        .success()
        .stdout("")
        .stderr("nothing to export\n");
    // A database with only a draft: still nothing (without --drafts).
    common::create(t.path(), common::DRAFT, false, 1);
    rileva(t.path())
        .arg("export")
        .assert()
        .success()
        .stdout("nothing to export\n");
    assert!(!t.path().join("exports").exists());
}

// ---------------------------------------------------------------------------
// A populated database

#[test]
fn list_shows_a_table_and_counts() {
    let p = populated();
    let out = rileva(p.dir.path()).arg("list").output().expect("runs");
    assert!(out.status.success());
    let s = stdout(&out);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 5, "{s}");
    for word in [
        "ID",
        "STATUS",
        "NAME",
        "PROGRESS",
        "OPERATOR",
        "LAST CHANGE",
    ] {
        assert!(lines[0].contains(word), "{s}");
    }
    for id in p.complete.iter().chain([&p.draft]) {
        assert_eq!(
            lines.iter().filter(|l| l.starts_with(id.as_str())).count(),
            1,
            "{id} in {s}"
        );
    }
    let draft_line = lines
        .iter()
        .find(|l| l.starts_with(&p.draft))
        .expect("draft line");
    assert!(
        draft_line.contains("draft")
            && draft_line.contains("Maria Rossi")
            && draft_line.contains("2020-05-11 10:02")
    );
    assert_eq!(lines[4], "total 3: 1 draft, 2 complete, 0 exported");

    let out = rileva(p.dir.path())
        .args(["list", "--status", "draft"])
        .output()
        .expect("runs");
    let s = stdout(&out);
    assert_eq!(s.lines().count(), 3, "{s}");
    assert!(s.contains(&p.draft) && !s.contains(&p.complete[0]));
}

#[test]
fn list_json_has_every_field() {
    let p = populated();
    let items = list_json(p.dir.path());
    assert_eq!(items.len(), 3);
    let keys: Vec<&str> = items[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "status",
            "form",
            "instanceName",
            "paperId",
            "entry",
            "answered",
            "relevant",
            "operator",
            "createdAt",
            "updatedAt",
            "completedAt",
            "exportedAt",
            "sent"
        ]
    );
    let draft = items
        .iter()
        .find(|i| i["id"] == p.draft.as_str())
        .expect("draft");
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["form"]["id"], "buone_pratiche_covid19");
    assert_eq!(draft["form"]["version"], "2020051102");
    assert_eq!(draft["operator"], "Maria Rossi");
    assert_eq!(draft["answered"], 3);
    assert_eq!(draft["completedAt"], Value::Null);
    assert_eq!(draft["exportedAt"], Value::Null);
    let done = items
        .iter()
        .find(|i| i["id"] == p.complete[0].as_str())
        .expect("complete");
    assert_eq!(done["status"], "complete");
    assert_eq!(done["completedAt"], "2020-05-11T11:01:00.000+02:00");

    let out = rileva(p.dir.path())
        .args(["list", "--json", "--status", "complete"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read export")).expect("export is JSON")
}

#[test]
fn export_writes_one_private_file_per_complete_response_and_marks_it() {
    let p = populated();
    let dir = p.dir.path();
    let exports = dir.join("exports");
    let out = rileva(dir).arg("export").output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    let expected: Vec<String> = p
        .complete
        .iter()
        .map(|id| exports.join(format!("{id}.json")).display().to_string())
        .collect();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines[..2],
        [expected[0].as_str(), expected[1].as_str()],
        "oldest first"
    );
    assert_eq!(
        lines[2],
        format!("exported 2 responses to {}", exports.display())
    );
    let mut names: Vec<String> = p.complete.iter().map(|id| format!("{id}.json")).collect();
    names.sort();
    assert_eq!(entries(&exports), names, "no temp file left, no draft");
    #[cfg(unix)]
    {
        assert_eq!(mode(&exports), 0o700);
        for n in &names {
            assert_eq!(mode(&exports.join(n)), 0o600);
        }
    }
    for id in &p.complete {
        let v = read_json(&exports.join(format!("{id}.json")));
        assert_eq!(v["format"], "rileva-response/1");
        assert_eq!(v["meta"]["instanceID"], format!("uuid:{id}"));
        assert_eq!(v["status"], "complete", "the status when it was written");
        assert_eq!(v["meta"]["operator"], "Maria Rossi");
        assert_eq!(v["data"]["sez_A"]["A01"], "comune");
        assert_eq!(v["data"]["sez_A"]["A06"], 2844750);
        assert_eq!(
            v["data"]["sez_B"]["B07"],
            serde_json::json!(["accesso", "altro"])
        );
        assert_eq!(common::status(dir, id), Status::Exported);
        assert!(common::row(dir, id).exported_at.is_some());
    }
    assert_eq!(common::status(dir, &p.draft), Status::Draft);

    // Already exported: nothing the second time...
    rileva(dir)
        .arg("export")
        .assert()
        .success()
        .stdout("nothing to export\n");
    // ... unless --all, which writes them again with status "exported".
    let out = rileva(dir)
        .args(["export", "--all"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(stdout(&out).ends_with(&format!("exported 2 responses to {}\n", exports.display())));
    assert_eq!(
        read_json(&exports.join(format!("{}.json", p.complete[0])))["status"],
        "exported"
    );
    assert_eq!(entries(&exports).len(), 2);
}

#[test]
fn export_drafts_includes_them_without_marking_them() {
    let p = populated();
    let dir = p.dir.path();
    let out_dir = dir.join("elsewhere").join("out");
    let out = rileva(dir)
        .args(["export", "--drafts", "--out"])
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).ends_with(&format!("exported 3 responses to {}\n", out_dir.display())));
    let draft = read_json(&out_dir.join(format!("{}.json", p.draft)));
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["meta"]["timeEnd"], Value::Null);
    assert_eq!(
        draft["data"]["sez_A"]["A06"], "dodicimila",
        "an answer not of its type is kept as typed"
    );
    assert_eq!(
        common::status(dir, &p.draft),
        Status::Draft,
        "a draft is never marked exported"
    );
    assert_eq!(common::status(dir, &p.complete[0]), Status::Exported);
    assert!(
        !dir.join("exports").exists(),
        "--out replaces the exports dir"
    );

    // The draft is exported again each time --drafts is given, the others not.
    let out = rileva(dir)
        .args(["export", "--drafts", "--out"])
        .arg(&out_dir)
        .output()
        .expect("runs");
    let s = stdout(&out);
    assert_eq!(s.lines().count(), 2, "{s}");
    assert!(s.contains(&p.draft));
}

#[test]
fn export_ndjson_prints_one_line_per_response() {
    let p = populated();
    let dir = p.dir.path();
    let out = rileva(dir)
        .args(["export", "--format", "ndjson"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 2);
    for (line, id) in lines.iter().zip(&p.complete) {
        let v: Value = serde_json::from_str(line).expect("one JSON object per line");
        assert_eq!(v["meta"]["instanceID"], format!("uuid:{id}"));
        assert_eq!(v["status"], "complete");
    }
    assert_eq!(stderr(&out), "exported 2 responses to standard output\n");
    assert!(!dir.join("exports").exists(), "no files in ndjson mode");
    for id in &p.complete {
        assert_eq!(common::status(dir, id), Status::Exported);
    }
    let out = rileva(dir)
        .args(["export", "--format", "ndjson", "--all", "--drafts"])
        .output()
        .expect("runs");
    assert_eq!(stdout(&out).lines().count(), 3);
    assert_eq!(common::status(dir, &p.draft), Status::Draft);
}

/// A reader that is gone (`| head` that already quit): nothing is marked
/// exported and nothing panics.
#[test]
fn export_ndjson_to_a_closed_pipe_marks_nothing() {
    let p = populated();
    let dir = p.dir.path();
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rileva"))
        .env_remove("RILEVA_DATA_DIR")
        .arg("--data-dir")
        .arg(dir)
        .args(["export", "--format", "ndjson"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "none was marked exported");
    for id in &p.complete {
        assert_eq!(common::status(dir, id), Status::Complete);
    }
}

/// In file mode the files are the output: a closed stdout only loses the
/// listing, and the responses written are marked.
#[test]
fn export_files_with_a_closed_stdout_still_exports() {
    let p = populated();
    let dir = p.dir.path();
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rileva"))
        .env_remove("RILEVA_DATA_DIR")
        .arg("--data-dir")
        .arg(dir)
        .arg("export")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
    assert_eq!(entries(&dir.join("exports")).len(), 2);
    for id in &p.complete {
        assert_eq!(common::status(dir, id), Status::Exported);
    }
}

#[test]
fn export_into_an_unwritable_place_exits_2_and_marks_nothing() {
    let p = populated();
    let dir = p.dir.path();
    let blocker = dir.join("not-a-dir");
    fs::write(&blocker, b"").expect("file");
    let out = rileva(dir)
        .args(["export", "--out"])
        .arg(blocker.join("sub"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "cannot write");
    for id in &p.complete {
        assert_eq!(common::status(dir, id), Status::Complete);
    }
}

// ---------------------------------------------------------------------------
// export --format xml

#[test]
fn export_xml_writes_one_private_well_formed_submission_per_response() {
    let p = populated();
    let dir = p.dir.path();
    // A new version of the first response, finalized: it names the old one.
    let edited = "0a0b0c0d-0000-4000-8000-000000000000";
    {
        let mut store = Store::open(dir).expect("store");
        store
            .new_version(
                &p.complete[0],
                edited,
                common::OPERATOR,
                "2020-05-12T10:00:00.000+02:00",
            )
            .expect("new version");
        store
            .finalize(
                edited,
                &Summary::default(),
                "it",
                &[],
                common::OPERATOR,
                "2020-05-12T10:05:00.000+02:00",
            )
            .expect("finalized");
    }
    let exports = dir.join("exports");
    let out = rileva(dir)
        .args(["export", "--format", "xml"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    assert!(
        s.ends_with(&format!("exported 3 responses to {}\n", exports.display())),
        "{s}"
    );
    let ids = [p.complete[0].as_str(), p.complete[1].as_str(), edited];
    let mut names: Vec<String> = ids.iter().map(|id| format!("{id}.xml")).collect();
    names.sort();
    assert_eq!(entries(&exports), names, "no temp file, no draft");
    for id in ids {
        let path = exports.join(format!("{id}.xml"));
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
        let text = fs::read_to_string(&path).expect("read");
        let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "data", "pyxform's default root");
        assert_eq!(root.attribute("id"), Some("buone_pratiche_covid19"));
        assert_eq!(root.attribute("version"), Some("2020051102"));
        assert_eq!(
            xml_text(root, &["meta", "instanceID"]),
            Some(format!("uuid:{id}").as_str())
        );
        assert_eq!(
            xml_text(root, &["meta", "instanceName"]),
            Some("Comune di Roma - Spesa a domicilio")
        );
        assert_eq!(xml_text(root, &["sez_A", "A06"]), Some("2844750"));
        assert_eq!(xml_text(root, &["sez_B", "B07"]), Some("accesso altro"));
        let deprecated = xml_text(root, &["meta", "deprecatedID"]);
        if id == edited {
            assert_eq!(
                deprecated,
                Some(format!("uuid:{}", p.complete[0]).as_str()),
                "an edit names the version it replaces"
            );
        } else {
            assert_eq!(deprecated, None);
        }
        assert_eq!(common::status(dir, id), Status::Exported);
    }
    assert_eq!(common::status(dir, &p.draft), Status::Draft);
    // Already exported: nothing more; --all --drafts writes them all again.
    rileva(dir)
        .args(["export", "--format", "xml"])
        .assert()
        .success()
        .stdout("nothing to export\n");
    let out = rileva(dir)
        .args(["export", "--format", "xml", "--all", "--drafts"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("exported 4 responses to "));
    assert_eq!(entries(&exports).len(), 4);
    assert_eq!(common::status(dir, &p.draft), Status::Draft, "never marked");
}
