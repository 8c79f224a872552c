use super::json::uuid_uri;
use super::*;
use crate::engine::Clock;
use crate::engine::{Filling, Problem, Status};
use crate::form::{self, Form, FormBundle};
use crate::store::ResponseRow;
use crate::store::Status as RowStatus;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Every kind of node, a non-relevant question and a non-relevant group.
const FORM: &str = r#"{
  "format": "rileva-form/1",
  "settings": { "form_id": "kinds", "version": "3", "form_title": "Kinds", "instance_name": "concat('n-', ${t})" },
  "languages": [ { "code": "it", "name": "Italiano" }, { "code": "en", "name": "English" } ],
  "survey": [
    { "type": "group", "name": "g", "label": "G", "children": [
      { "type": "text", "name": "t", "label": "T" },
      { "type": "integer", "name": "i", "label": "I" },
      { "type": "decimal", "name": "d", "label": "D" },
      { "type": "date", "name": "dt", "label": "Date" },
      { "type": "select_one", "name": "s", "list": "abc", "label": "S" },
      { "type": "select_multiple", "name": "m", "list": "abc", "label": "M" },
      { "type": "acknowledge", "name": "ack", "label": "Ack" },
      { "type": "note", "name": "n", "label": "Note" },
      { "type": "calculate", "name": "c", "calculation": "concat(${t}, '!')" },
      { "type": "text", "name": "empty", "label": "Empty" },
      { "type": "text", "name": "hidden", "label": "Hidden", "relevant": "${i} > 100" }
    ] },
    { "type": "group", "name": "skipped", "label": "Skipped", "relevant": "${s} = 'c'", "children": [
      { "type": "text", "name": "inner", "label": "Inner" }
    ] },
    { "type": "integer", "name": "top_level", "label": "Top" }
  ],
  "choices": { "abc": [
    { "name": "a", "label": "A" }, { "name": "b", "label": "B" }, { "name": "c", "label": "C" }
  ] }
}"#;

fn kinds_form() -> Arc<Form> {
    let bundle = FormBundle {
        definition: FORM.to_string(),
        files: BTreeMap::new(),
    };
    Arc::new(form::compile(&bundle).expect("the test form compiles"))
}

fn clock() -> Clock {
    Clock::Fixed(
        "2020-05-11T10:30:00+02:00[Europe/Rome]"
            .parse()
            .expect("a valid time"),
    )
}

fn filling(answers: &[(&str, &str)]) -> Filling {
    let answers = answers.iter().map(|(p, v)| (p.to_string(), v.to_string()));
    Filling::new(kinds_form(), answers, clock())
}

pub(super) fn row(status: RowStatus) -> ResponseRow {
    ResponseRow {
        id: "0b7e3d8e-7c1a-4f55-9d1e-2b6f0f6a9c11".into(),
        form_sha256: String::new(),
        form_id: "kinds".into(),
        form_version: "3".into(),
        form_title: "Kinds".into(),
        status,
        operator: "Maria Rossi".into(),
        device_id: "rileva:abc".into(),
        language: "en".into(),
        instance_name: Some("stored name".into()),
        answered: 0,
        relevant: 0,
        position: None,
        deprecated_id: None,
        superseded_by: None,
        paper_id: None,
        entry: None,
        created_at: "2020-05-11T10:30:00.000+02:00".into(),
        updated_at: "2020-05-11T10:40:00.000+02:00".into(),
        completed_at: None,
        exported_at: None,
    }
}

const ALL: &[(&str, &str)] = &[
    ("/g/t", "hello"),
    ("/g/i", "42"),
    ("/g/d", "3.25"),
    ("/g/dt", "2020-03-15"),
    ("/g/s", "b"),
    ("/g/m", "a c"),
    ("/g/ack", "OK"),
    ("/top_level", "-7"),
];

#[test]
fn values_are_typed() {
    let v = response_json(&filling(ALL), &row(RowStatus::Complete));
    let g = &v["data"]["g"];
    assert_eq!(g["t"], json!("hello"));
    assert_eq!(g["i"], json!(42));
    assert!(g["i"].is_i64());
    assert_eq!(g["d"], json!(3.25));
    assert!(g["d"].is_f64());
    assert_eq!(g["dt"], json!("2020-03-15"));
    assert_eq!(g["s"], json!("b"));
    assert_eq!(g["m"], json!(["a", "c"]));
    assert_eq!(g["ack"], json!("OK"));
    assert_eq!(v["data"]["top_level"], json!(-7));
}

#[test]
fn a_whole_decimal_is_still_a_number() {
    let v = response_json(&filling(&[("/g/d", "3")]), &row(RowStatus::Draft));
    assert!(v["data"]["g"]["d"].is_number());
    assert_eq!(v["data"]["g"]["d"].as_f64(), Some(3.0));
}

#[test]
fn relevant_unanswered_is_null_and_notes_are_left_out() {
    let v = response_json(&filling(ALL), &row(RowStatus::Complete));
    let g = v["data"]["g"].as_object().expect("g is an object");
    assert_eq!(g.get("empty"), Some(&Value::Null));
    assert!(!g.contains_key("n"), "a note carries no data");
}

#[test]
fn groups_and_questions_keep_form_order() {
    let v = response_json(&filling(ALL), &row(RowStatus::Complete));
    let top: Vec<&str> = v["data"]
        .as_object()
        .expect("data")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top.first(), Some(&"g"));
    assert_eq!(top.last(), Some(&"top_level"));
    let keys: Vec<&str> = v["data"]["g"]
        .as_object()
        .expect("g")
        .keys()
        .map(String::as_str)
        .collect();
    let expected = ["t", "i", "d", "dt", "s", "m", "ack", "c", "empty"];
    assert_eq!(&keys[..expected.len()], &expected);
}

// Needs the real expression engine (the stub makes every node relevant).
#[test]
fn non_relevant_questions_and_groups_are_absent() {
    let v = response_json(&filling(ALL), &row(RowStatus::Complete));
    let data = v["data"].as_object().expect("data");
    assert!(
        !data.contains_key("skipped"),
        "s is not 'c': the group is not relevant"
    );
    assert!(
        !data["g"].as_object().expect("g").contains_key("hidden"),
        "i is not > 100"
    );

    let v = response_json(
        &filling(&[("/g/s", "c"), ("/g/i", "500")]),
        &row(RowStatus::Draft),
    );
    assert_eq!(v["data"]["skipped"], json!({ "inner": null }));
    assert_eq!(v["data"]["g"]["hidden"], Value::Null);
}

// Needs the real expression engine (the stub computes every calculation as "").
#[test]
fn calculations_and_instance_name_come_from_the_engine() {
    let v = response_json(&filling(ALL), &row(RowStatus::Complete));
    assert_eq!(v["data"]["g"]["c"], json!("hello!"));
    assert_eq!(v["meta"]["instanceName"], json!("n-hello"));
}

#[test]
fn instance_name_falls_back_to_the_stored_one_then_null() {
    // No answer for ${t}: concat('n-', '') = 'n-' with the real engine, so use
    // a form without instance_name to test the fallback deterministically.
    let definition = FORM.replace(r#", "instance_name": "concat('n-', ${t})""#, "");
    let bundle = FormBundle {
        definition,
        files: BTreeMap::new(),
    };
    let form = Arc::new(form::compile(&bundle).expect("compiles"));
    assert!(form.instance_name.is_none());
    let f = Filling::new(form, [], clock());
    let mut r = row(RowStatus::Draft);
    assert_eq!(
        response_json(&f, &r)["meta"]["instanceName"],
        json!("stored name")
    );
    r.instance_name = None;
    assert_eq!(response_json(&f, &r)["meta"]["instanceName"], Value::Null);
}

#[test]
fn an_answer_that_does_not_parse_is_kept_as_typed() {
    let f = filling(&[
        ("/g/i", "dodici"),
        ("/g/d", "1,2,3"),
        ("/g/dt", "31/02/2020"),
    ]);
    let i = f.form().by_path("/g/i").expect("i");
    assert!(matches!(
        f.status(&crate::engine::Slot::root(i)),
        Status::Invalid(Problem::Type(_))
    ));
    let v = response_json(&f, &row(RowStatus::Draft));
    assert_eq!(v["data"]["g"]["i"], json!("dodici"));
    assert_eq!(v["data"]["g"]["d"], json!("1,2,3"));
    assert_eq!(v["data"]["g"]["dt"], json!("31/02/2020"));
}

#[test]
fn envelope_fields() {
    let mut r = row(RowStatus::Complete);
    r.completed_at = Some("2020-05-11T11:00:00.000+02:00".into());
    r.deprecated_id = Some("5c1f0b7e-1111-4222-8333-944455556666".into());
    let f = filling(ALL);
    let v = response_json(&f, &r);
    assert_eq!(v["format"], json!("rileva-response/1"));
    assert_eq!(v["form"]["id"], json!("kinds"));
    assert_eq!(v["form"]["version"], json!("3"));
    assert_eq!(v["form"]["title"], json!("Kinds"));
    assert_eq!(v["form"]["sha256"], json!(f.form().sha256));
    assert_eq!(
        v["meta"]["instanceID"],
        json!("uuid:0b7e3d8e-7c1a-4f55-9d1e-2b6f0f6a9c11")
    );
    assert_eq!(
        v["meta"]["deprecatedID"],
        json!("uuid:5c1f0b7e-1111-4222-8333-944455556666")
    );
    assert_eq!(
        v["meta"]["timeStart"],
        json!("2020-05-11T10:30:00.000+02:00")
    );
    assert_eq!(v["meta"]["timeEnd"], json!("2020-05-11T11:00:00.000+02:00"));
    assert_eq!(v["meta"]["operator"], json!("Maria Rossi"));
    assert_eq!(v["meta"]["deviceID"], json!("rileva:abc"));
    assert_eq!(v["status"], json!("complete"));
    assert_eq!(v["language"], json!("en"));
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["format", "form", "meta", "status", "language", "data"]
    );

    let draft = response_json(&f, &row(RowStatus::Draft));
    assert_eq!(draft["status"], json!("draft"));
    assert_eq!(draft["meta"]["timeEnd"], Value::Null);
    assert_eq!(draft["meta"]["deprecatedID"], Value::Null);
}

#[test]
fn uuid_prefix_is_not_doubled() {
    assert_eq!(uuid_uri("abc"), "uuid:abc");
    assert_eq!(uuid_uri("uuid:abc"), "uuid:abc");
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn write_atomic_creates_the_dir_and_leaves_no_temp_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("a").join("exports");
    let path = write_atomic(&dir, "x.json", b"{}\n").expect("written");
    assert_eq!(path, dir.join("x.json"));
    assert_eq!(fs::read(&path).expect("read"), b"{}\n");
    assert_eq!(entries(&dir), ["x.json"]);
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
    }
}

#[test]
fn write_atomic_replaces_an_existing_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(
        tmp.path().join("x.json"),
        b"old content, longer than the new",
    )
    .expect("seed");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path().join("x.json"), fs::Permissions::from_mode(0o644))
            .expect("chmod");
    }
    let path = write_atomic(tmp.path(), "x.json", b"new").expect("written");
    assert_eq!(fs::read(&path).expect("read"), b"new");
    assert_eq!(entries(tmp.path()), ["x.json"]);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn write_atomic_refuses_names_that_are_not_plain() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for name in ["", ".", "..", "../x.json", "a/b.json", "a\\b", "x\n.json"] {
        let e = write_atomic(tmp.path(), name, b"x").expect_err(name);
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{name:?}");
    }
    assert!(entries(tmp.path()).is_empty());
}

#[test]
fn write_atomic_fails_cleanly_when_the_target_cannot_be_replaced() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A non-empty directory where the file should go: rename fails.
    fs::create_dir(tmp.path().join("x.json")).expect("mkdir");
    fs::write(tmp.path().join("x.json").join("keep"), b"k").expect("seed");
    assert!(write_atomic(tmp.path(), "x.json", b"new").is_err());
    assert_eq!(entries(tmp.path()), ["x.json"], "the temp file is removed");
    assert_eq!(
        fs::read(tmp.path().join("x.json").join("keep")).expect("kept"),
        b"k"
    );
}

#[test]
fn write_atomic_reports_a_dir_that_cannot_be_created() {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("file"), b"").expect("seed");
    assert!(write_atomic(&tmp.path().join("file").join("sub"), "x.json", b"x").is_err());
}
