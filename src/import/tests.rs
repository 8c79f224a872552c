//! Unit tests of the importer's naming rules; the behaviour end to end is in
//! `tests/it/import.rs`.

use super::Why;
use super::resolve::{Resolver, Target, id_priority, is_metadata};
use crate::engine::Slot;
use crate::form::{Form, FormBundle, compile};
use rstest::rstest;

const FORM: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"f","name":"survey"},
  "survey":[
    {"type":"text","name":"start","label":"A question named like metadata"},
    {"type":"group","name":"hh","label":"Household","children":[
      {"type":"integer","name":"size","label":"Size"},
      {"type":"group","name":"head","label":"Head","children":[
        {"type":"text","name":"hname","label":"Name"}
      ]}
    ]},
    {"type":"repeat","name":"p","label":"Person","children":[
      {"type":"text","name":"pname","label":"Name"}
    ]},
    {"type":"note","name":"bye","label":"Bye"},
    {"type":"text","name":"shout","label":"Shout","calculation":"'x'"}
  ]}"#;

fn form() -> Form {
    compile(&FormBundle {
        definition: FORM.into(),
        files: Default::default(),
    })
    .expect("compiles")
}

fn node(f: &Form, path: &str) -> usize {
    f.by_path(path).expect("a node")
}

#[rstest]
#[case("_id", true)]
#[case("_submission_time", true)]
#[case("Timestamp", true)]
#[case("Informazioni cronologiche", true)]
#[case("meta/instanceName", true)]
#[case("meta-instanceID", true)]
#[case("formhub/uuid", true)]
#[case("SubmissionDate", true)]
#[case("age", false)]
#[case("household/age", false)]
fn metadata_names(#[case] name: &str, #[case] metadata: bool) {
    assert_eq!(is_metadata(name), metadata, "{name}");
}

#[test]
fn id_names_best_first() {
    assert_eq!(id_priority("meta/instanceID"), Some(0));
    assert!(id_priority("KEY") < id_priority("_uuid"));
    assert_eq!(id_priority(" instanceID "), Some(2));
    assert_eq!(id_priority("id"), None);
}

#[test]
fn csv_headers() {
    let f = form();
    let r = Resolver::new(&f);
    let size = node(&f, "/hh/size");
    let hname = node(&f, "/hh/head/hname");
    for header in [
        "size",
        "hh/size",
        "/hh/size",
        "survey/hh/size",
        "/survey/hh/size",
        " hh-size ",
        "Size",
    ] {
        assert_eq!(r.column(header), Target::Node(size), "{header}");
    }
    assert_eq!(
        r.column("hh-head-hname"),
        Target::Node(hname),
        "Central's CSV"
    );
    assert_eq!(
        r.column("start"),
        Target::Node(node(&f, "/start")),
        "the form wins over metadata names"
    );
    assert_eq!(r.column("end"), Target::Ignored(Why::Metadata));
    assert_eq!(r.column("meta/instanceID"), Target::Id(0));
    assert_eq!(r.column("bye"), Target::Ignored(Why::Note));
    assert_eq!(r.column("shout"), Target::Ignored(Why::Computed));
    assert_eq!(
        r.column("p[3]/pname"),
        Target::At(Slot::new(node(&f, "/p/pname"), vec![2]))
    );
    // "Name" is the label of two questions.
    assert!(matches!(r.column("Name"), Target::Refused(m) if m.contains("2 questions")));
    for bad in [
        "p[x]/pname",
        "hh[1]/size",
        "p[1]/nothing",
        "p/pname",
        "p[1]",
        "p[10001]/pname",
    ] {
        assert!(matches!(r.column(bad), Target::Refused(_)), "{bad}");
    }
}

#[test]
fn json_keys_in_their_scope() {
    let f = form();
    let r = Resolver::new(&f);
    let hh = node(&f, "/hh");
    let p = node(&f, "/p");
    let pname = node(&f, "/p/pname");
    assert_eq!(r.key(None, "hh"), Target::Node(hh));
    assert_eq!(r.key(None, "p"), Target::Node(p));
    assert_eq!(r.key(Some(hh), "size"), Target::Node(node(&f, "/hh/size")));
    assert_eq!(
        r.key(Some(hh), "head/hname"),
        Target::Node(node(&f, "/hh/head/hname"))
    );
    assert_eq!(r.key(Some(p), "pname"), Target::Node(pname));
    assert_eq!(
        r.key(Some(p), "p/pname"),
        Target::Node(pname),
        "Kobo's full paths"
    );
    assert!(
        matches!(r.key(None, "pname"), Target::Refused(m) if m.contains("inside the repeat p"))
    );
    assert!(matches!(r.key(Some(p), "size"), Target::Refused(m) if m.contains("not inside p")));
    assert_eq!(r.key(None, "_uuid"), Target::Id(5));
    assert_eq!(r.key(Some(p), "_index"), Target::Ignored(Why::Metadata));
    assert!(
        matches!(r.key(None, "Size"), Target::Refused(_)),
        "labels only name CSV columns"
    );
}
