//! The importer (`rileva::import`) on small native forms and the default
//! questionnaire: how columns and keys map to questions, how values are
//! read (names, labels, lists, dates), what the engine refuses, repeats,
//! ids and keys, streaming, and the store's side (`Store::import_batch`).

use crate::common;

use rileva::engine::{Clock, MetaInfo};
use rileva::form::{Form, FormBundle, compile};
use rileva::import::{self, Context, Format, Judge, Judged, Source, Why};
use rileva::store::{Imported, ImportedResponse, Status, Store, Summary};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A household survey: a group with a nested group, selects with labels in
/// two languages (one label holds a comma), a constraint with its message,
/// a relevant question, a repeat with a nested repeat, a calculation.
const HOUSEHOLD: &str = r#"{"format":"rileva-form/1",
  "settings":{"form_id":"hh","version":"3","name":"household_survey","default_language":"it"},
  "languages":[{"code":"it","name":"Italiano"},{"code":"en","name":"English"}],
  "survey":[
    {"type":"text","name":"village","label":{"it":"Villaggio","en":"Village"},"required":"yes"},
    {"type":"group","name":"household","label":{"it":"Famiglia","en":"Household"},"children":[
      {"type":"integer","name":"size","label":{"it":"Componenti","en":"Size"},
       "constraint":". > 0 and . < 30","constraint_message":{"it":"Da 1 a 29","en":"1 to 29"}},
      {"type":"select_one","name":"water","list":"water","label":{"it":"Acqua","en":"Water"}},
      {"type":"select_multiple","name":"assets","list":"assets","label":{"it":"Beni","en":"Assets"}},
      {"type":"group","name":"head","label":"Capofamiglia","children":[
        {"type":"date","name":"born","label":{"it":"Nato il","en":"Born on"}}
      ]},
      {"type":"text","name":"water_other","label":"Altra acqua","relevant":"${water} = 'other'"}
    ]},
    {"type":"repeat","name":"person","label":"Persona","children":[
      {"type":"text","name":"pname","label":"Nome","required":"yes"},
      {"type":"integer","name":"age","label":"Età"},
      {"type":"repeat","name":"job","label":"Lavoro","children":[
        {"type":"text","name":"title","label":"Titolo"}
      ]}
    ]},
    {"type":"calculate","name":"n","calculation":"count(${pname})"}
  ],
  "choices":{
    "water":[{"name":"tap","label":{"it":"Rubinetto","en":"Tap"}},
             {"name":"well","label":{"it":"Pozzo","en":"Well"}},
             {"name":"other","label":{"it":"Altro","en":"Other"}}],
    "assets":[{"name":"radio","label":{"it":"Radio","en":"Radio"}},
              {"name":"tv","label":{"it":"Televisione, satellite","en":"TV, satellite"}},
              {"name":"bike","label":{"it":"Bicicletta","en":"Bicycle"}},
              {"name":"car","label":{"it":"Auto","en":"Car"}}]
  }}"#;

/// Two towns share a label in different regions: the choice filter decides.
const GEO: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"geo"},
  "survey":[
    {"type":"select_one","name":"region","list":"region","label":"Region"},
    {"type":"select_one","name":"town","list":"town","label":"Town","choice_filter":"region = ${region}"},
    {"type":"select_one","name":"twin","list":"twin","label":"Twin"}
  ],
  "choices":{
    "region":[{"name":"n","label":"North"},{"name":"s","label":"South"}],
    "town":[{"name":"t1","label":"San Marco","columns":{"region":"n"}},
            {"name":"t2","label":"San Marco","columns":{"region":"s"}},
            {"name":"t3","label":"Lago","columns":{"region":"n"}}],
    "twin":[{"name":"a","label":"Same"},{"name":"b","label":"Same"}]
  }}"#;

const ID: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

fn form(definition: &str) -> Arc<Form> {
    Arc::new(
        compile(&FormBundle {
            definition: definition.into(),
            files: Default::default(),
        })
        .expect("the test form compiles"),
    )
}

fn ctx() -> Context {
    Context {
        clock: common::clock(),
        meta: MetaInfo {
            device_id: "rileva:test".into(),
            username: "import".into(),
            ..MetaInfo::default()
        },
        language: "it".into(),
    }
}

fn run(form: &Arc<Form>, format: Format, text: &str) -> (Source, Vec<Judged>) {
    let source = import::read(format, text.as_bytes(), form).expect("a usable file");
    let mut judge = Judge::new(form.clone(), ctx());
    let judged = source.rows.iter().map(|r| judge.row(r)).collect();
    (source, judged)
}

/// The answers with a value (repeat instances show as empty entries).
fn answers(j: &Judged) -> BTreeMap<String, String> {
    j.answers
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .cloned()
        .collect()
}

fn expect(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(p, v)| (p.to_string(), v.to_string()))
        .collect()
}

/// Each problem as the report prints it, without the row.
fn problems(j: &Judged) -> Vec<String> {
    j.problems
        .iter()
        .map(|n| match &n.field {
            Some(f) => format!("{f}: {}", n.message),
            None => n.message.clone(),
        })
        .collect()
}

fn ignored(source: &Source) -> Vec<(&str, Why)> {
    source
        .ignored
        .iter()
        .map(|i| (i.name.as_str(), i.why))
        .collect()
}

// ---------------------------------------------------------------------------
// CSV

#[test]
fn csv_columns_map_by_path_with_or_without_the_root_and_by_name() {
    let f = form(HOUSEHOLD);
    let by_path = "village,household/size,/household_survey/household/water,household_survey/household/assets,household/head/born\n\
                   Borgo,4,tap,radio bike,15/03/1980\n";
    let by_name = "village,size,water,assets,born\nBorgo,4,tap,radio bike,15/03/1980\n";
    for text in [by_path, by_name] {
        let (source, judged) = run(&f, Format::Csv, text);
        assert!(source.refused.is_empty(), "{:?}", source.refused);
        assert_eq!(judged.len(), 1);
        let j = &judged[0];
        assert_eq!(j.number, 2, "rows are numbered as a spreadsheet does");
        assert!(j.is_valid(), "{:?}", problems(j));
        assert_eq!(
            answers(j),
            expect(&[
                ("/village", "Borgo"),
                ("/household/size", "4"),
                ("/household/water", "tap"),
                ("/household/assets", "radio bike"),
                ("/household/head/born", "1980-03-15"),
            ])
        );
        assert_eq!(j.id, None);
        assert_eq!(j.language, "it");
    }
}

#[test]
fn kobo_csv_with_semicolons_uuid_and_metadata() {
    let f = form(HOUSEHOLD);
    let text = format!(
        "start;end;village;household/size;household/water;household/assets;household/assets/radio;household/assets/car;household/head/born;n;meta/instanceID;_id;_uuid;_submission_time;_index\n\
         2020-06-15T09:00:00.000+02:00;2020-06-15T09:30:00.000+02:00;Borgo;4;well;radio car;1;1;1980-03-15;0;uuid:{ID};17;{ID};2020-06-15T07:31:00;1\n"
    );
    let (source, judged) = run(&f, Format::Csv, &text);
    assert!(source.refused.is_empty(), "{:?}", source.refused);
    assert_eq!(
        ignored(&source),
        [
            ("start", Why::Metadata),
            ("end", Why::Metadata),
            ("n", Why::Computed),
            ("_id", Why::Metadata),
            ("_uuid", Why::Metadata),
            ("_submission_time", Why::Metadata),
            ("_index", Why::Metadata),
            ("household/assets/radio", Why::ChoiceColumn),
            ("household/assets/car", Why::ChoiceColumn),
        ],
        "the second id column is metadata; the calculation is computed again"
    );
    let j = &judged[0];
    assert!(j.is_valid(), "{:?}", problems(j));
    assert_eq!(j.id.as_deref(), Some(ID), "meta/instanceID is the id");
    assert_eq!(answers(j)["/household/assets"], "radio car");

    // Columns per choice without the question's own column: refused, since
    // the answer would be lost.
    let (source, _) = run(&f, Format::Csv, "village;household/assets/radio\nBorgo;1\n");
    assert_eq!(source.refused.len(), 1);
    assert!(
        source.refused[0]
            .reason
            .contains("is one choice of household/assets"),
        "{}",
        source.refused[0].reason
    );
}

#[test]
fn google_forms_csv_with_labels_a_timestamp_and_an_email() {
    let f = form(HOUSEHOLD);
    let text = "Timestamp,Villaggio,Componenti,Acqua,Beni,Nato il,Indirizzo email\n\
                15/06/2020 10:00:00,Borgo,4,Pozzo,\"Radio, Televisione, satellite\",15/03/1980,a@b.it\n\
                15/06/2020 10:05:00,Villa,3,Well,\"TV, satellite; Car\",1/2/1990,c@d.it\n";
    let (source, judged) = run(&f, Format::Csv, text);
    assert!(source.refused.is_empty(), "{:?}", source.refused);
    assert_eq!(
        ignored(&source),
        [
            ("Timestamp", Why::Metadata),
            ("Indirizzo email", Why::Metadata)
        ]
    );
    assert!(judged.iter().all(Judged::is_valid));
    assert_eq!(
        answers(&judged[0]),
        expect(&[
            ("/village", "Borgo"),
            ("/household/size", "4"),
            ("/household/water", "well"),
            ("/household/assets", "radio tv"),
            ("/household/head/born", "1980-03-15"),
        ]),
        "labels in Italian; a label with a comma in a comma-separated list"
    );
    assert_eq!(
        answers(&judged[1])["/household/water"],
        "well",
        "English label"
    );
    assert_eq!(answers(&judged[1])["/household/assets"], "tv car");
    assert_eq!(answers(&judged[1])["/household/head/born"], "1990-02-01");
}

#[test]
fn values_refused_name_their_field_and_say_why() {
    let f = form(HOUSEHOLD);
    let text = "village,size,water,assets,born,water_other\n\
                ,abc,sea,radio plane,31/02/1980,\n\
                Borgo,40,other,radio,,\n\
                Borgo,4,tap,,,leftover\n\
                \n\
                ,,,,,\n";
    let (_, judged) = run(&f, Format::Csv, text);
    assert_eq!(judged.len(), 3, "empty rows are skipped");
    assert_eq!(
        problems(&judged[0]),
        [
            "household/size: \"abc\": Not a whole number (e.g. 1200)",
            "household/water: \"sea\" is neither the name nor the label of a choice of the list water",
            "household/assets: \"plane\" is neither the name nor the label of a choice of the list assets",
            "household/head/born: \"31/02/1980\": Not a valid date: type DD/MM/YYYY or YYYY-MM-DD",
            "required village is missing",
        ]
    );
    assert_eq!(
        problems(&judged[1]),
        ["household/size: \"40\": Answer not accepted: Da 1 a 29"]
    );
    // An answer to a question that does not apply is kept, with a warning.
    let j = &judged[2];
    assert!(j.is_valid(), "{:?}", problems(j));
    assert_eq!(j.warnings.len(), 1);
    assert_eq!(
        j.warnings[0].field.as_deref(),
        Some("household/water_other")
    );
    assert!(j.warnings[0].message.contains("does not apply"));
    assert_eq!(answers(j)["/household/water_other"], "leftover");
    // What was refused is kept as given, for a draft to fix.
    assert_eq!(answers(&judged[0])["/household/size"], "abc");
    assert_eq!(answers(&judged[0])["/household/water"], "sea");
}

#[test]
fn columns_that_map_to_nothing_are_refused_once_with_their_count() {
    let f = form(HOUSEHOLD);
    let text = "village,colour,pname,person,household,empty\n\
                Borgo,red,Ana,x,y,\n\
                Villa,blue,,,,\n\
                Lago,,,,,\n";
    let (source, judged) = run(&f, Format::Csv, text);
    let refused: Vec<(&str, usize)> = source
        .refused
        .iter()
        .map(|r| (r.name.as_str(), r.rows))
        .collect();
    assert_eq!(
        refused,
        [("colour", 2), ("pname", 1), ("person", 1), ("household", 1)]
    );
    assert!(
        source.refused[0]
            .reason
            .contains("not a question of this form")
    );
    assert!(
        source.refused[1].reason.contains("person[1]/pname"),
        "{}",
        source.refused[1].reason
    );
    assert!(source.refused[2].reason.contains("repeat"));
    assert!(source.refused[3].reason.contains("group"));
    assert_eq!(ignored(&source), [("empty", Why::Empty)]);
    assert!(
        judged.iter().all(Judged::is_valid),
        "a refused column is a problem of the file, not of the rows"
    );
}

#[test]
fn csv_columns_with_instance_numbers_fill_repeats() {
    let f = form(HOUSEHOLD);
    let text = "village,person[1]/pname,person[2]/pname,person[2]/age,person[2]/job[2]/title,person[0]/age\n\
                Borgo,Ana,Bia,7,student,5\n";
    let (source, judged) = run(&f, Format::Csv, text);
    assert_eq!(source.refused.len(), 1, "instances count from 1");
    let j = &judged[0];
    assert!(j.is_valid(), "{:?}", problems(j));
    assert_eq!(
        answers(j),
        expect(&[
            ("/village", "Borgo"),
            ("/person[1]/pname", "Ana"),
            ("/person[2]/pname", "Bia"),
            ("/person[2]/age", "7"),
            ("/person[2]/job[2]/title", "student"),
        ])
    );
    assert!(
        j.answers
            .iter()
            .any(|(p, v)| p == "/person[2]/job[1]" && v.is_empty()),
        "the instances before are created: {:?}",
        j.answers
    );
}

// ---------------------------------------------------------------------------
// JSON and NDJSON

#[test]
fn json_plain_objects_nested_or_flattened() {
    let f = form(HOUSEHOLD);
    let text = format!(
        r#"[
        {{"village": "Borgo", "household": {{"size": 4, "water": "tap", "assets": ["radio", "bike"],
          "head": {{"born": "1980-03-15"}}}}}},
        {{"village": "Villa", "household/size": "5", "household/assets": "tv car",
          "household/head/born": "15/03/1980", "meta": {{"instanceID": "uuid:{ID}"}}, "_id": 3}}
    ]"#
    );
    let (source, judged) = run(&f, Format::Json, &text);
    assert!(source.refused.is_empty(), "{:?}", source.refused);
    assert_eq!(
        ignored(&source),
        [("meta", Why::Metadata), ("_id", Why::Metadata)]
    );
    assert_eq!(judged[0].number, 1);
    assert_eq!(
        answers(&judged[0]),
        expect(&[
            ("/village", "Borgo"),
            ("/household/size", "4"),
            ("/household/water", "tap"),
            ("/household/assets", "radio bike"),
            ("/household/head/born", "1980-03-15"),
        ])
    );
    assert_eq!(
        answers(&judged[1]),
        expect(&[
            ("/village", "Villa"),
            ("/household/size", "5"),
            ("/household/assets", "tv car"),
            ("/household/head/born", "1980-03-15"),
        ])
    );
    assert_eq!(judged[1].id.as_deref(), Some(ID));
    assert!(judged.iter().all(Judged::is_valid));

    // A single object is one response.
    let (_, judged) = run(&f, Format::Json, r#"{"village": "Lago"}"#);
    assert_eq!(answers(&judged[0]), expect(&[("/village", "Lago")]));
}

#[test]
fn json_repeats_are_arrays_of_objects() {
    let f = form(HOUSEHOLD);
    let text = r#"{"village": "Borgo", "person": [
        {"pname": "Ana", "age": 34, "job": [{"title": "farmer"}, {"title": "teacher"}]},
        {"person/pname": "Bia", "person/age": "7"},
        {"age": 70}
    ]}"#;
    let (source, judged) = run(&f, Format::Json, text);
    assert!(source.refused.is_empty(), "{:?}", source.refused);
    let j = &judged[0];
    let a = answers(j);
    for (path, value) in [
        ("/person[1]/pname", "Ana"),
        ("/person[1]/age", "34"),
        ("/person[1]/job[1]/title", "farmer"),
        ("/person[1]/job[2]/title", "teacher"),
        ("/person[2]/pname", "Bia"),
        ("/person[2]/age", "7"),
        ("/person[3]/age", "70"),
    ] {
        assert_eq!(a.get(path).map(String::as_str), Some(value), "{path}");
    }
    assert_eq!(
        problems(j),
        ["required person[3]/pname is missing"],
        "every instance is judged"
    );
}

#[test]
fn json_keys_in_the_wrong_place_are_refused() {
    let f = form(HOUSEHOLD);
    let text = r#"[{"village": "Borgo", "title": "x", "household": 4, "person": {"pname": "A"},
                    "colour": "red", "nothing": null}]"#;
    let (source, judged) = run(&f, Format::Json, text);
    let refused: Vec<&str> = source.refused.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(refused, ["title", "colour"]);
    assert!(
        source.refused[0]
            .reason
            .contains("inside the repeat person")
    );
    assert_eq!(ignored(&source), [("nothing", Why::Empty)]);
    assert_eq!(
        problems(&judged[0]),
        [
            "field household: the group household takes an object",
            "field person: the repeat person takes an array of objects",
        ]
    );
}

#[test]
fn ndjson_lines_are_rows_and_a_bad_line_is_a_bad_row() {
    let f = form(HOUSEHOLD);
    let text = "{\"village\": \"Borgo\"}\n\n{not json}\n[1]\n{\"village\": \"Villa\"}\n";
    let (_, judged) = run(&f, Format::Ndjson, text);
    let numbers: Vec<usize> = judged.iter().map(|j| j.number).collect();
    assert_eq!(numbers, [1, 3, 4, 5], "rows are lines; blank lines skipped");
    assert!(judged[0].is_valid() && judged[3].is_valid());
    assert!(problems(&judged[1])[0].starts_with("not JSON"));
    assert!(problems(&judged[2])[0].starts_with("not a JSON object"));
}

#[test]
fn select_values_by_name_label_or_list_and_ambiguity() {
    let f = form(GEO);
    let text = r#"[
        {"region": "North", "town": "San Marco"},
        {"region": "s", "town": "San Marco"},
        {"twin": "Same"},
        {"twin": "a"},
        {"region": ["n", "s"]}
    ]"#;
    let (_, judged) = run(&f, Format::Json, text);
    assert_eq!(
        answers(&judged[0]),
        expect(&[("/region", "n"), ("/town", "t1")]),
        "the choice filter tells the two San Marco apart"
    );
    assert_eq!(answers(&judged[1])["/town"], "t2");
    assert_eq!(
        problems(&judged[2]),
        ["twin: \"Same\" is the label of 2 choices (a, b): give the choice's name"]
    );
    assert!(judged[3].is_valid(), "a name is never ambiguous");
    assert_eq!(
        problems(&judged[4]),
        ["region: a list of 2 values is only for select_multiple and rank questions"]
    );
}

#[test]
fn a_choice_the_filter_does_not_allow_is_refused() {
    let f = form(GEO);
    let (_, judged) = run(&f, Format::Json, r#"{"region": "s", "town": "t3"}"#);
    assert_eq!(
        problems(&judged[0]),
        [
            "town: \"t3\": The choice is not (or no longer) allowed for the answers given: pick another («Lago»)"
        ]
    );
}

#[test]
fn unusable_files_are_refused_whole() {
    let f = form(HOUSEHOLD);
    for (format, bytes, part) in [
        (Format::Csv, &b"village\n\xff\xfe\n"[..], "not UTF-8"),
        (Format::Csv, b"  \n", "empty"),
        (Format::Json, b"{\"village\": ", "not JSON"),
        (Format::Json, b"42", "neither an object nor an array"),
        (Format::Ndjson, b"\xff", "not UTF-8"),
    ] {
        let e = import::read(format, bytes, &f).expect_err(part);
        assert!(e.contains(part), "{e}");
    }
    assert_eq!(
        Format::of_path(std::path::Path::new("a.JSONL")),
        Some(Format::Ndjson)
    );
    assert_eq!(Format::of_path(std::path::Path::new("a.xlsx")), None);
}

// ---------------------------------------------------------------------------
// rileva's own export

#[test]
fn a_rileva_export_reads_back_to_the_same_answers() {
    let (_, form) = common::default_form();
    let original = common::filling(&form, common::COMPLETE);
    let mut row = common::hand_row(&form, Status::Complete);
    row.language = "en".into();
    let exported = rileva::export::response_json(&original, &row);
    let text = format!("{}\n", serde_json::to_string(&exported).expect("JSON"));
    let (source, judged) = run(&form, Format::Ndjson, &text);
    assert!(source.refused.is_empty(), "{:?}", source.refused);
    let j = &judged[0];
    assert!(j.is_valid(), "{:?}", problems(j));
    assert_eq!(j.id.as_deref(), Some(row.id.as_str()));
    assert_eq!(j.language, "en", "the export's language");
    let want: BTreeMap<String, String> = original.stored_answers().into_iter().collect();
    assert_eq!(answers(j), want);

    // Another form's response is refused.
    let mut other = exported.clone();
    other["form"]["id"] = "something_else".into();
    let (_, judged) = run(&form, Format::Json, &other.to_string());
    assert_eq!(
        problems(&judged[0]),
        ["a response to the form \"something_else\", not to \"buone_pratiche_covid19\""]
    );
}

/// Was: an edited response moved to another machine lost its deprecatedID
/// on import, so its XML became a new submission instead of an edit.
#[test]
fn an_imported_edit_keeps_its_chain_of_versions_in_either_order() {
    let (bundle, form) = common::default_form();
    let original = common::filling(&form, common::COMPLETE);
    let old = "11111111-1111-4111-8111-111111111111";
    let new = "22222222-2222-4222-8222-222222222222";
    let export = |id: &str, deprecated: Option<&str>| {
        let mut row = common::hand_row(&form, Status::Complete);
        row.id = id.into();
        row.deprecated_id = deprecated.map(str::to_string);
        serde_json::to_string(&rileva::export::response_json(&original, &row)).expect("JSON")
    };
    let old_line = export(old, None);
    let new_line = export(new, Some(old));
    for lines in [[&old_line, &new_line], [&new_line, &old_line]] {
        let text = format!("{}\n{}\n", lines[0], lines[1]);
        let (_, judged) = run(&form, Format::Ndjson, &text);
        let by_id = |id: &str| judged.iter().find(|j| j.id.as_deref() == Some(id));
        let edited = by_id(new).expect("the edit");
        assert_eq!(edited.deprecated_id.as_deref(), Some(old));
        assert_eq!(by_id(old).expect("the original").deprecated_id, None);

        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(dir.path()).expect("opens");
        let summary = Summary::default();
        let items: Vec<ImportedResponse<'_>> = judged
            .iter()
            .map(|j| ImportedResponse {
                id: j.id.as_deref().expect("an id"),
                deprecated_id: j.deprecated_id.as_deref(),
                status: Status::Complete,
                operator: "import",
                device_id: "rileva:x",
                language: "it",
                summary: &summary,
                answers: &j.answers,
                source_key: &j.key,
                source: "in.ndjson",
                paper: j.paper_id.as_deref(),
                keyer: None,
            })
            .collect();
        // One response per transaction (no time at all for each): the chain
        // is made across transactions too.
        let mut done = 0;
        while let Some(rest) = items.get(done..).filter(|r| !r.is_empty()) {
            let written = store
                .import_batch(
                    &bundle,
                    &form,
                    rest,
                    "2020-06-15T10:00:00.000+02:00",
                    Duration::ZERO,
                )
                .expect("imported");
            assert_eq!(written, [Imported::Created], "at least one, and only one");
            done += written.len();
        }
        let newer = store.response(new).expect("read").expect("there");
        assert_eq!(newer.deprecated_id.as_deref(), Some(old));
        assert_eq!(newer.superseded_by, None);
        let older = store.response(old).expect("read").expect("there");
        assert_eq!(older.superseded_by.as_deref(), Some(new), "{lines:?}");
    }
}

// ---------------------------------------------------------------------------
// Keys

#[test]
fn keys_are_stable_and_identical_rows_are_told_apart() {
    let f = form(HOUSEHOLD);
    let text = "village,size\nBorgo,4\nBorgo,4\nBorgo,5\n";
    let keys = |text: &str| -> Vec<String> {
        run(&f, Format::Csv, text)
            .1
            .into_iter()
            .map(|j| j.key)
            .collect()
    };
    let first = keys(text);
    assert_eq!(first, keys(text), "the same file gives the same keys");
    assert_ne!(first[0], first[1], "two identical rows are two responses");
    assert_ne!(first[0], first[2]);
    // The same answers in another column order, with metadata around: the same key.
    let again = keys("Timestamp,size,village\n1,4,Borgo\n");
    assert_eq!(again[0], first[0]);
}

// ---------------------------------------------------------------------------
// The store

#[test]
fn the_store_creates_imported_responses_whole_and_only_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (bundle, form) = common::default_form();
    let original = common::filling(&form, common::COMPLETE);
    let answers = original.stored_answers();
    let summary = Summary {
        instance_name: original.instance_name(),
        answered: 39,
        relevant: 42,
        position: None,
    };
    let item = |id: &'static str, key: &'static str, status: Status| ImportedResponse {
        id,
        deprecated_id: None,
        status,
        operator: "import",
        device_id: "rileva:x",
        language: "it",
        summary: &summary,
        answers: &answers,
        source_key: key,
        source: "data.csv",
        paper: None,
        keyer: None,
    };
    let mut store = Store::open(dir.path()).expect("opens");
    let at = "2020-06-15T10:00:00.000+02:00";
    let done = store
        .import_batch(
            &bundle,
            &form,
            &[
                item(ID, "k1", Status::Complete),
                item("0a0b0c0d-0000-4000-8000-000000000000", "k2", Status::Draft),
            ],
            at,
            Duration::MAX,
        )
        .expect("imported");
    assert_eq!(done, [Imported::Created, Imported::Created]);
    let row = store.response(ID).expect("read").expect("there");
    assert_eq!(row.status, Status::Complete);
    assert_eq!(row.completed_at.as_deref(), Some(at));
    assert_eq!(row.operator, "import");
    assert_eq!(
        row.instance_name.as_deref(),
        Some("Comune di Roma - Spesa a domicilio")
    );
    assert_eq!(store.answers(ID).expect("answers").len(), answers.len());
    let draft = store
        .response("0a0b0c0d-0000-4000-8000-000000000000")
        .expect("read")
        .expect("there");
    assert_eq!(draft.status, Status::Draft);
    assert_eq!(draft.completed_at, None);
    assert_eq!(store.imported_as("k1").expect("read").as_deref(), Some(ID));
    assert!(store.response_exists(ID).expect("read"));

    // The same id, or the same key: nothing is written again.
    let again = store
        .import_batch(
            &bundle,
            &form,
            &[
                item(ID, "k3", Status::Complete),
                item(
                    "11111111-1111-4111-8111-111111111111",
                    "k1",
                    Status::Complete,
                ),
            ],
            at,
            Duration::MAX,
        )
        .expect("imported");
    assert_eq!(
        again,
        [
            Imported::AlreadyThere(ID.into()),
            Imported::AlreadyThere(ID.into())
        ]
    );
    assert_eq!(store.counts().expect("counts").complete, 1);
    assert_eq!(store.imported_as("k3").expect("read"), None);

    // An imported response exports like any other.
    let mut forms = rileva::app::Forms::default();
    let filling = forms
        .filling(&store, &row, Clock::System)
        .expect("reopens with its form");
    assert!(filling.can_finalize());
}

// ---------------------------------------------------------------------------
// Streaming

/// A data file without end (8 MB, so that a reader that wants it whole
/// fails rather than hangs): a header or `[` once, then the same row again
/// and again. It counts what was read of it.
struct Endless {
    head: &'static [u8],
    row: &'static [u8],
    sent: usize,
    read: std::rc::Rc<std::cell::Cell<usize>>,
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() && self.sent < 8 << 20 {
            let (text, at) = if self.sent < self.head.len() {
                (self.head, self.sent)
            } else {
                (self.row, (self.sent - self.head.len()) % self.row.len())
            };
            let Some(&b) = text.get(at) else { break };
            buf[n] = b;
            n += 1;
            self.sent += 1;
        }
        self.read.set(self.read.get() + n);
        Ok(n)
    }
}

/// Was: the importer read the whole file, then held every row and every
/// judged response in memory (1.5 GB for 100,000 rows). Rows now come one
/// at a time: a file without end gives its first rows after a few kB.
#[test]
fn rows_come_one_at_a_time_from_a_file_without_end() {
    let f = form(HOUSEHOLD);
    for (format, head, row) in [
        (
            Format::Csv,
            &b"village,household/size\n"[..],
            &b"Borgo,4\n"[..],
        ),
        (Format::Ndjson, b"", b"{\"village\": \"Borgo\"}\n"),
        (
            Format::Json,
            b"[",
            b"{\"village\": \"Borgo\", \"person\": [{\"pname\": \"Ana\"}]},",
        ),
    ] {
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let input = std::io::BufReader::new(Endless {
            head,
            row,
            sent: 0,
            read: read.clone(),
        });
        let mut judge = Judge::new(f.clone(), ctx());
        let mut numbers = Vec::new();
        let stopped = import::stream(format, input, &f, |r| {
            assert!(judge.row(&r).is_valid(), "{format:?}");
            numbers.push(r.number);
            if numbers.len() == 1_000 {
                Err("enough")
            } else {
                Ok(())
            }
        });
        assert_eq!(stopped.err(), Some(import::Stop::Handler("enough")));
        assert_eq!(numbers.len(), 1_000, "{format:?}");
        let one = row.len();
        assert!(
            read.get() < 1_000 * one + 64 * 1024,
            "{format:?}: {} bytes read for 1,000 rows of {one}",
            read.get()
        );
    }
}
