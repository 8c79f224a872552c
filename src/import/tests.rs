//! Unit tests of the importer's naming rules and of reading a file a row at
//! a time; the behaviour end to end is in `tests/it/import.rs`.

use super::resolve::{Resolver, Target, id_priority, is_metadata};
use super::{Format, Row, Stop, Why, scan, stream};
use crate::engine::Slot;
use crate::form::{Form, FormBundle, compile};
use proptest::prelude::*;
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

// ---------------------------------------------------------------------------
// Reading a row at a time

/// The numbers of the rows `stream` hands over, until `stop_after` rows.
fn streamed(
    format: Format,
    text: &[u8],
    stop_after: usize,
) -> (Vec<usize>, Result<(), Stop<&'static str>>) {
    let f = form();
    let mut numbers = Vec::new();
    let result = stream(format, text, &f, |row: Row| {
        numbers.push(row.number);
        if numbers.len() == stop_after {
            Err("enough")
        } else {
            Ok(())
        }
    })
    .map(|_| ());
    (numbers, result)
}

#[rstest]
#[case(Format::Json, &b"[{\"size\": 1}, {\"size\": 2}, 7, {\"size\": 4}]"[..], 4)]
#[case(Format::Json, &b"{\"size\": 1}"[..], 1)]
#[case(Format::Json, &b"[]"[..], 0)]
#[case(Format::Ndjson, &b"{\"size\": 1}\n\n{\"size\": 2}\nnot json\n"[..], 3)]
#[case(Format::Csv, &b"size,start\n1,a\n,\n2,b\n"[..], 2)]
#[case(Format::Csv, &b"size\n"[..], 0)]
fn scan_counts_the_rows_stream_hands_over(
    #[case] format: Format,
    #[case] text: &[u8],
    #[case] rows: usize,
) {
    assert_eq!(scan(format, text), Ok(rows));
    let (numbers, result) = streamed(format, text, usize::MAX);
    assert_eq!(result, Ok(()));
    assert_eq!(numbers.len(), rows, "{numbers:?}");
}

#[test]
fn a_handler_that_stops_ends_the_reading_at_once() {
    for (format, text) in [
        (
            Format::Json,
            &b"[{\"size\": 1}, {\"size\": 2}, {\"size\": 3}]"[..],
        ),
        (
            Format::Ndjson,
            b"{\"size\": 1}\n{\"size\": 2}\n{\"size\": 3}\n",
        ),
        (Format::Csv, b"size\n1\n2\n3\n"),
    ] {
        let (numbers, result) = streamed(format, text, 2);
        assert_eq!(numbers.len(), 2, "{format:?}");
        assert_eq!(result, Err(Stop::Handler("enough")), "{format:?}");
    }
}

#[test]
fn a_json_array_is_handed_over_element_by_element() {
    // The rows before the place where the file breaks are handed over
    // before the break is found: the array is never read whole.
    let text = b"[{\"size\": 1}, {\"size\": 2}, {\"size\": ";
    assert!(scan(Format::Json, &text[..]).is_err_and(|e| e.starts_with("not JSON")));
    let (numbers, result) = streamed(Format::Json, text, usize::MAX);
    assert_eq!(numbers, [1, 2]);
    assert!(
        matches!(&result, Err(Stop::File(e)) if e.starts_with("not JSON")),
        "{result:?}"
    );
}

#[test]
fn unusable_files_say_where() {
    assert_eq!(
        scan(Format::Csv, &b"size\n1\n\xe0\n"[..]),
        Err("not UTF-8 text (row 3): save it as \"CSV UTF-8\"".to_string())
    );
    assert_eq!(
        scan(Format::Ndjson, &b"{}\n{}\n\xe0\n"[..]),
        Err("not UTF-8 text (line 3)".to_string())
    );
    assert_eq!(
        scan(Format::Json, &b"[1] [2]"[..]),
        Err("not JSON: trailing characters at line 1 column 5".to_string())
    );
    assert_eq!(
        scan(Format::Json, &b"\"text\""[..]),
        Err("neither an object nor an array of objects".to_string())
    );
    assert_eq!(
        scan(Format::Csv, &b" \n\n"[..]),
        Err("empty: a CSV file needs a header row".to_string())
    );
}

#[test]
fn a_byte_order_mark_is_skipped_in_every_format() {
    assert_eq!(scan(Format::Json, &b"\xef\xbb\xbf[{}]"[..]), Ok(1));
    assert_eq!(scan(Format::Ndjson, &b"\xef\xbb\xbf{}\n"[..]), Ok(1));
    let f = form();
    let source = super::read(Format::Csv, b"\xef\xbb\xbfsize\n3\n", &f).expect("usable");
    assert!(source.refused.is_empty(), "{:?}", source.refused);
    assert_eq!(source.rows.len(), 1);
}

#[test]
fn a_header_cell_may_hold_a_line_break() {
    let f = form();
    let text = b"\"Si\nze\";size\n1;2\n";
    let source = super::read(Format::Csv, text, &f).expect("usable");
    assert_eq!(source.refused.len(), 1, "split on ';', not on ','");
    assert_eq!(source.refused[0].name, "Si\nze");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the bytes, reading never panics, and a file that `scan`
    /// takes is read to its end with as many rows as it counted.
    #[test]
    fn reading_any_bytes_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        format in prop_oneof![Just(Format::Csv), Just(Format::Json), Just(Format::Ndjson)],
    ) {
        check(format, &bytes)?;
    }

    /// The same with text made of what these formats are made of, to get
    /// past the first byte.
    #[test]
    fn reading_any_structured_text_never_panics(
        text in r#"[\[\]{}",:;\t\n\r a-z0-9\\/_.\-]{0,300}"#,
        format in prop_oneof![Just(Format::Csv), Just(Format::Json), Just(Format::Ndjson)],
    ) {
        check(format, text.as_bytes())?;
    }
}

fn check(format: Format, bytes: &[u8]) -> Result<(), TestCaseError> {
    let f = form();
    let counted = scan(format, bytes);
    let mut rows = 0usize;
    let read = stream(format, bytes, &f, |_row: Row| {
        rows += 1;
        Ok::<(), ()>(())
    });
    if let Ok(counted) = counted {
        prop_assert!(read.is_ok(), "{:?}", read.err());
        prop_assert_eq!(rows, counted);
    } else {
        prop_assert!(read.is_err() || format == Format::Csv);
    }
    Ok(())
}
