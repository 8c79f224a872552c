//! `rileva import` on the command line: the real binary, with the data
//! directory in a temp dir. What a file maps to and how rows are judged is
//! in `import`; here: the report, the exit codes, what is created, once.
//! Big files (batches, interruptions, the progress bar) are in
//! `cli_import_big`, which shares the helpers below.

use crate::cli_support::{entries, list_json, one_line_error, populated, xml_text};
use crate::cli_support::{rileva, stderr, stdout, tmp};
use crate::common;

use rileva::store::{self, DirLock};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

const DEFAULT_FORM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/forms/buone-pratiche-covid19.json"
);

pub(crate) fn write_form(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write form");
    p
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read export")).expect("export is JSON")
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
    let p = populated().dir;
    let out = rileva(p.path())
        .args(["export", "--format", "ndjson"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let t = tmp();
    let mut original: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    // The first was keyed from paper: its number goes with it.
    original[0]["meta"]["paperID"] = "P-77".into();
    let lines: Vec<String> = original.iter().map(Value::to_string).collect();
    let data = write_data(t.path(), "responses.ndjson", &lines.join("\n"));
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
        assert_eq!(
            v["meta"]["paperID"], twin["meta"]["paperID"],
            "the same paper"
        );
    }
    let out = rileva(&fresh)
        .args(["list", "--json"])
        .output()
        .expect("runs");
    let listed: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let papers: Vec<&Value> = listed
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| &r["paperId"])
        .filter(|p| !p.is_null())
        .collect();
    assert_eq!(papers, [&Value::from("P-77")]);
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
