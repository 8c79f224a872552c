//! What rileva refuses or rejects, with where; every problem at once; the
//! default form against its XLSForm; and no panic on any input.

use super::tests::{doc, errors, has, load, messages, no_files, with_column};
use super::*;
use crate::form::Kind;
use crate::form::native::FormDoc;
use proptest::prelude::*;
use rstest::rstest;

#[rstest]
#[case(
    "| | background-audio | p | Rec |\n",
    "survey, line 3, column type: the type \"background-audio\" (background audio recording) is not supported by rileva"
)]
#[case(
    "| | background-geopoint | p | Where |\n",
    "the type \"background-geopoint\""
)]
#[case("| | osm | p | Tags |\n", "the type \"osm\"")]
#[case("| | image | p | Photo |\n", "")]
#[case("| | audio | p | Rec |\n", "")]
#[case("| | geotrace | p | Line |\n", "")]
#[case("| | barcode | p | Code |\n", "")]
#[case("| | rank yn | p | Rank |\n", "")]
#[case("| | audit | | |\n| | text | q | Q |\n", "")]
#[case("| | text | p | ${last-saved#p} |\n", "")]
#[case("| | select_one yn | p | P |\n", "")]
fn unsupported_types_are_refused_where_they_are(#[case] rows: &str, #[case] want: &str) {
    let md = format!(
        "| survey |\n| | type | name | label |\n{rows}| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n"
    );
    let e = errors(&md);
    if want.is_empty() {
        assert!(e.is_empty(), "{e:#?}");
        return;
    }
    let unsupported: Vec<String> = e
        .iter()
        .filter(|e| e.is_unsupported())
        .map(ToString::to_string)
        .collect();
    assert!(has(&unsupported, want), "{e:#?}");
}

/// The refused row is the problem; that the form is then left with nothing
/// to fill would only say it again (and sort first, before the row).
#[test]
fn a_form_of_one_refused_question_reports_only_the_refusal() {
    let e = errors("| survey |\n| | type | name | label |\n| | osm | p | Tags |\n");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].is_unsupported(), "{e:#?}");
}

#[test]
fn a_form_of_only_notes_has_nothing_to_fill() {
    let e = errors("| survey |\n| | type | name | label |\n| | note | n | Hello |\n");
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].kind, crate::form::ErrorKind::NothingToFill);
    assert_eq!(
        e[0].to_string(),
        "survey: the form has nothing to fill: no question takes an answer (it has only: note); add at least one question (text, integer, select_one, …)"
    );
}

/// The warning names where the id was written, or the file name it was
/// taken from.
#[rstest]
#[case::settings_sheet(
    "| settings |\n| | form_id |\n| | {id} |\n",
    "settings, line 6, column form_id"
)]
#[case::a_survey_row("| | form_id | {id} | |\n", "survey, line 4, column name")]
#[case::the_file_name("", "the file name (the settings give no form_id)")]
fn a_long_form_id_is_a_warning_where_it_is_written(#[case] rows: &str, #[case] at: &str) {
    let id = "x".repeat(70);
    let rows = rows.replace("{id}", &id);
    let (survey_rows, settings) = match rows.strip_prefix("| settings |") {
        Some(_) => (String::new(), rows.clone()),
        None => (rows.clone(), String::new()),
    };
    let md = format!(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n{survey_rows}{settings}"
    );
    let src = Source {
        stem: &id,
        ..super::tests::src(&md)
    };
    let (_, form) = load_bytes(src, &no_files).expect("accepted");
    let w: Vec<String> = form.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [format!(
            "{at}: the form id is 70 characters long: ODK Central refuses ids longer than 64; set a shorter form_id"
        )]
    );
}

#[rstest]
#[case("intent", "org.x.app", "the column \"intent\"")]
#[case("trigger", "${a}", "the column \"trigger\"")]
#[case("save_to", "prop", "the column \"save_to\"")]
#[case("bind::jr:preload", "uid", "the column \"bind::jr:preload\"")]
#[case("appearance", "search('towns')", "search()")]
fn unsupported_columns_are_refused_when_they_hold_values(
    #[case] header: &str,
    #[case] value: &str,
    #[case] want: &str,
) {
    let md = with_column(header, value);
    let e = errors(&md);
    assert!(
        e.iter().any(|e| e.is_unsupported()
            && e.location.starts_with("survey, line 3, column ")
            && e.message.contains(want)),
        "{e:#?}"
    );
    // An empty column of the same name is harmless.
    assert!(errors(&with_column(header, "")).is_empty());
}

/// An encrypted form opens; its key is kept for sending.
#[test]
fn the_public_key_is_kept() {
    let md = "| survey |\n| | type | name | label |\n| | text | a | A |\n| settings |\n| | public_key |\n| | MIIB IjAN |\n";
    let (_, form) = load(md).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(form.public_key.as_deref(), Some("MIIBIjAN"));
}

#[rstest]
#[case("omit_instanceID", "yes", "omit_instanceID")]
#[case("attribute::x", "1", "attribute::x")]
fn unsupported_settings(#[case] header: &str, #[case] value: &str, #[case] want: &str) {
    let md = format!(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| settings |\n| | {header} |\n| | {value} |\n"
    );
    let e = errors(&md);
    assert!(
        e.iter().any(|e| e.is_unsupported()
            && e.message.contains(want)
            && e.location == format!("settings, line 6, column {header}")),
        "{e:#?}"
    );
}

#[test]
fn ignored_presentation_columns_and_settings() {
    let md = "| survey |\n| | type | name | label | guidance_hint | my notes |\n| | text | a | A | For trainers | x |\n| settings |\n| | style | submission_url |\n| | pages | https://example.org |\n";
    assert!(load(md).is_ok(), "{:#?}", messages(md));
}

#[rstest]
#[case(
    "| | integer | a | A |\n| | integer | a | B |\n",
    "duplicate name \"a\""
)]
#[case("| | integer | 1a | A |\n", "\"1a\" is not a valid name")]
#[case("| | integer | meta | A |\n", "the name \"meta\" is reserved")]
#[case("| | integer | a | |\n", "a question needs a label or a hint")]
#[case("| | integer | | A |\n", "every row needs a name")]
#[case("| | select_one nope | a | A |\n", "unknown choice list \"nope\"")]
#[case("| | calculate | a | |\n", "a calculate needs a calculation")]
#[case(
    "| | select_multiple sp | a | A |\n| choices |\n| | list_name | name | label |\n| | sp | a b | AB |\n",
    "choice \"a b\" of list \"sp\" has a space in its name"
)]
#[case("| | frobnicate | a | A |\n", "unknown question type \"frobnicate\"")]
#[case("| | Text | a | A |\n", "types are written in lower case")]
#[case(
    "| | note | n | Hello ${nope} |\n",
    "survey, line 3, column label: unknown question ${nope}"
)]
#[case(
    "| | note | n | Hello ${bad |\n",
    "a reference must be ${ then the name"
)]
#[case(
    "| | begin repeat | r | R |\n| | text | a | A |\n| | end repeat | | |\n| | begin repeat | r | R |\n| | text | b | B |\n| | end repeat | | |\n",
    "another repeat is named \"r\""
)]
#[case(
    "| | begin repeat | data | R |\n| | text | a | A |\n| | end repeat | | |\n",
    "the name of the form's root element"
)]
fn pyxform_rejects_these_and_so_does_rileva(#[case] rows: &str, #[case] want: &str) {
    let md = format!("| survey |\n| | type | name | label |\n{rows}");
    let e = messages(&md);
    assert!(has(&e, want), "{e:#?}");
}

#[test]
fn duplicate_choices_need_the_setting() {
    let md = "| survey |\n| | type | name | label |\n| | select_one c | a | A |\n| choices |\n| | list_name | name | label |\n| | c | x | X |\n| | c | x | X again |\n";
    assert!(has(
        &messages(md),
        "choices, line 7: duplicate choice \"x\""
    ));
    let allowed = format!("{md}| settings |\n| | allow_choice_duplicates |\n| | yes |\n");
    assert!(load(&allowed).is_ok());
}

#[test]
fn missing_sheets_and_columns() {
    let e = messages(
        "| surveys |\n| | type | name |\n| | text | a |\n| choices |\n| | list_name | name |\n",
    );
    assert!(
        has(
            &e,
            "form.md: an XLSForm needs a sheet named \"survey\" (is \"surveys\" meant to be it?)"
        ),
        "{e:#?}"
    );
    let e = messages("| survey |\n| | name | label |\n| | a | A |\n");
    assert!(has(&e, "the survey sheet has no \"type\" column"), "{e:#?}");
    let e = messages(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| choices |\n| | list_name | label |\n| | c | X |\n",
    );
    assert!(
        has(&e, "the choices sheet has no \"name\" column"),
        "{e:#?}"
    );
    let e =
        messages("| survey |\n| | type | name | relevant | relevance |\n| | text | a | 1 | 1 |\n");
    assert!(has(&e, "two names for the same column"), "{e:#?}");
}

#[test]
fn every_problem_is_reported_at_once_in_sheet_order() {
    let md = "| survey |\n| | type | name | label | relevant |\n| | osm | p | P | |\n| | text | a | A | ${nope} |\n| | text | 2b | B | |\n| | end group | | | |\n| choices |\n| | list_name | name | label |\n| | c | x | X |\n| | c | x | X |\n";
    let e = messages(md);
    let want = [
        "survey, line 3, column type: the type \"osm\"",
        "survey, line 4, column relevant: unknown question ${nope}",
        "survey, line 5, column name: \"2b\" is not a valid name",
        "survey, line 6, column type: \"end_group\" has no matching",
        "choices, line 10: duplicate choice \"x\"",
    ];
    for w in want {
        assert!(has(&e, w), "{w} in {e:#?}");
    }
    let order: Vec<usize> = want
        .iter()
        .map(|w| e.iter().position(|m| m.contains(w)).unwrap_or(usize::MAX))
        .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{e:#?}");
}

#[test]
fn the_converted_form_is_what_is_stored() {
    let md = "| survey |\n| | type | name | label |\n| | integer | a | A |\n";
    let (bundle, form) = load(md).expect("loads");
    let back = crate::form::compile(&bundle).expect("the stored definition compiles");
    assert_eq!(back.sha256, form.sha256);
    assert_eq!(form.node(form.top[0]).kind, Kind::Integer);
    let stored: FormDoc = serde_json::from_str(&bundle.definition).expect("native JSON");
    assert_eq!(stored.survey[0].name, "a");
}

#[test]
fn typed_questions_with_a_calculation_and_no_label_are_calculates() {
    let d = doc(
        "| survey |\n| | type | name | label | calculation | default |\n| | dateTime | a | | now() | |\n| | calculate | b | | | now() |\n",
    );
    assert_eq!(d.survey[0].kind, "calculate");
    assert_eq!(d.survey[1].kind, "hidden");
}

#[test]
fn yes_and_no_words_in_expression_columns_are_booleans() {
    let d = doc("| survey |\n| | type | name | label | relevant |\n| | text | a | A | FALSE |\n");
    assert_eq!(d.survey[0].relevant.as_deref(), Some("false()"));
}

#[test]
fn spreadsheet_dates_as_date_defaults() {
    let d = doc(
        "| survey |\n| | type | name | label | default |\n| | date | a | A | 2020-01-31 00:00:00 |\n| | dateTime | b | B | 2020-01-31 10:30:00 |\n",
    );
    assert_eq!(d.survey[0].default.as_deref(), Some("2020-01-31"));
    assert_eq!(d.survey[1].default.as_deref(), Some("2020-01-31T10:30:00"));
}

#[test]
fn the_csv_layout_reads_like_markdown() {
    let csv = "survey,,,\n,type,name,label\n,text,a,A\nchoices,,,\n,list_name,name,label\n,c,x,X\n";
    let r = read_bytes(Source {
        bytes: csv.as_bytes(),
        format: Format::Csv,
        stem: "f",
        shown: "f.csv",
        form_name: None,
    });
    assert!(r.problems.is_empty(), "{:#?}", r.problems);
    assert_eq!(r.doc.survey[0].origin.as_deref(), Some("survey, line 3"));
}

#[test]
fn not_a_workbook_is_one_problem_about_the_file() {
    for format in [
        Format::Xlsx,
        Format::Xls,
        Format::Ods,
        Format::Csv,
        Format::Md,
    ] {
        let e = load_bytes(
            Source {
                bytes: b"hello",
                format,
                stem: "f",
                shown: "f",
                form_name: None,
            },
            &no_files,
        )
        .expect_err("not a form");
        assert_eq!(e.len(), 1, "{format:?}: {e:#?}");
        assert_eq!(e[0].location, "f");
    }
}

fn any_format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::Xlsx),
        Just(Format::Xls),
        Just(Format::Ods),
        Just(Format::Csv),
        Just(Format::Md),
    ]
}

/// Markdown-table-ish text: pipes, sheet names, types, names and expressions.
fn table_text() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        Just(String::new()),
        Just("survey".to_string()),
        Just("choices".to_string()),
        Just("settings".to_string()),
        Just("type".to_string()),
        Just("name".to_string()),
        Just("label::en (en)".to_string()),
        Just("list_name".to_string()),
        Just("parameters".to_string()),
        Just("begin group".to_string()),
        Just("end repeat".to_string()),
        Just("select_one l or_other".to_string()),
        Just("range".to_string()),
        Just("${a}".to_string()),
        Just("start=1 end=0".to_string()),
        "[a-z_${}()=' .:-]{0,12}",
    ];
    prop::collection::vec(prop::collection::vec(cell, 0..6), 0..12).prop_map(|rows| {
        rows.iter()
            .map(|r| format!("| {} |", r.join(" | ")))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

proptest! {
    #[test]
    fn no_container_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600), format in any_format()) {
        let _ = workbook(&bytes, format);
        let _ = load_bytes(Source { bytes: &bytes, format, stem: "f", shown: "f", form_name: None }, &no_files);
    }

    #[test]
    fn no_panic_on_any_table(text in table_text()) {
        let _ = load(&text);
        let csv = text.replace('|', ",");
        let _ = load_bytes(Source { bytes: csv.as_bytes(), format: Format::Csv, stem: "f", shown: "f", form_name: None }, &no_files);
    }

    #[test]
    fn no_panic_on_any_text(text in "\\PC{0,400}") {
        let _ = load(&text);
    }
}

/// The default form ships as native JSON converted from its XLSForm, which
/// ships beside it: converting the XLSForm again gives the same form.
#[test]
fn the_default_form_is_its_xlsform_converted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/forms");
    let (bundle, converted) =
        load_path(&dir.join("buone-pratiche-covid19.xlsform.md")).expect("the XLSForm converts");
    let shipped = FormBundle::embedded_default();
    let a: serde_json::Value = serde_json::from_str(&bundle.definition).expect("JSON");
    let b: serde_json::Value = serde_json::from_str(&shipped.definition).expect("JSON");
    assert_eq!(a, b, "the native documents differ");
    assert_eq!(bundle.files, shipped.files);
    let default = crate::form::compile(&shipped).expect("the default form compiles");
    // Settings, languages, nodes (tree, types, texts, logic) and lists.
    assert_eq!(
        (&converted.id, &converted.version, &converted.title),
        (&default.id, &default.version, &default.title)
    );
    assert_eq!(converted.languages, default.languages);
    assert_eq!(converted.default_language, default.default_language);
    assert_eq!(converted.root_name, default.root_name);
    assert_eq!(converted.instance_name, default.instance_name);
    assert_eq!(converted.top, default.top);
    assert_eq!(converted.nodes.len(), default.nodes.len());
    for (x, y) in converted.nodes.iter().zip(&default.nodes) {
        assert_eq!(
            (&x.path, x.kind, x.list, &x.children, &x.label, &x.hint),
            (&y.path, y.kind, y.list, &y.children, &y.label, &y.hint)
        );
        assert_eq!(
            (&x.relevant, &x.constraint, &x.required, &x.calculation),
            (&y.relevant, &y.constraint, &y.required, &y.calculation)
        );
        assert_eq!(
            (&x.constraint_message, &x.appearance, &x.parameters),
            (&y.constraint_message, &y.appearance, &y.parameters)
        );
        assert_eq!(
            x.choice_filter.as_ref().map(|f| &f.expr),
            y.choice_filter.as_ref().map(|f| &f.expr)
        );
        assert!(x.location.starts_with("survey, line "), "{}", x.location);
    }
    assert_eq!(converted.lists.len(), default.lists.len());
    for (x, y) in converted.lists.iter().zip(&default.lists) {
        assert_eq!((&x.name, &x.columns), (&y.name, &y.columns));
        let names = |l: &crate::form::ChoiceList| -> Vec<(String, crate::form::Text)> {
            l.choices
                .iter()
                .map(|c| (c.name.clone(), c.label.clone()))
                .collect()
        };
        assert_eq!(names(x), names(y));
    }
    // The copy in assets/ is the project's seed, when that is at hand.
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/seed/buone-pratiche-covid19.xlsform.md");
    match std::fs::read(&seed) {
        Ok(bytes) => assert_eq!(
            bytes,
            std::fs::read(dir.join("buone-pratiche-covid19.xlsform.md")).expect("asset"),
            "assets/forms/buone-pratiche-covid19.xlsform.md differs from the seed"
        ),
        Err(_) => println!("skipped the comparison with the seed: ../shared/seed is absent"),
    }
}

#[rstest]
#[case(64, 0)]
#[case(65, 1)]
#[case(20_000, 1)]
fn nesting_deeper_than_the_limit_is_refused_once_not_overflowing(
    #[case] depth: usize,
    #[case] refused: usize,
) {
    let mut md = String::from("| survey |\n| | type | name | label |\n");
    for i in 0..depth {
        md.push_str(&format!("| | begin group | g{i} | G |\n"));
    }
    md.push_str("| | text | a | A |\n");
    for _ in 0..depth {
        md.push_str("| | end group | | |\n");
    }
    let m = messages(&md);
    let deep: Vec<&String> = m
        .iter()
        .filter(|e| e.contains("nested more than 64 deep"))
        .collect();
    assert_eq!(deep.len(), refused, "{m:#?}");
    if refused > 0 {
        // Where: the row of the first group too deep (line 3 is the first).
        assert!(
            deep[0].contains("survey, line 67, column type"),
            "{deep:#?}"
        );
    }
}

#[test]
fn a_native_form_nested_too_deep_is_refused_by_the_compiler() {
    // Built as a document directly: JSON itself stops deeper than this.
    let mut inner = crate::form::native::Item {
        kind: "text".into(),
        name: "a".into(),
        label: Some(crate::form::native::TextDoc::Plain("A".into())),
        ..Default::default()
    };
    for i in 0..70 {
        inner = crate::form::native::Item {
            kind: "group".into(),
            name: format!("g{i}"),
            children: Some(vec![inner]),
            ..Default::default()
        };
    }
    let mut d = doc("| survey |\n| | type | name | label |\n| | text | b | B |\n");
    d.survey.push(inner);
    let e = match crate::form::compile_doc(
        &d,
        &FormBundle {
            definition: String::new(),
            files: Default::default(),
        },
    ) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    };
    assert!(
        has(
            &e.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "nested more than 64 deep"
        ),
        "{e:#?}"
    );
}

/// `begin loop over LIST`: a group per choice, its rows with the choice's
/// label; a `${name}` of a row inside it is ambiguous, a repeat inside it
/// would be named twice, and a list the choices sheet lacks is said.
#[test]
fn a_loop_is_a_group_per_choice_and_its_names_are_many() {
    let choices =
        "| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n| | yn | n | No |\n";
    let form = |rows: &str| format!("| survey |\n| | type | name | label |\n{rows}{choices}");
    let ok = form(
        "| | begin loop over yn | l | L |\n| | integer | a | How many %(label)s |\n| | end loop | | |\n",
    );
    let d = doc(&ok);
    let l = &d.survey[0];
    assert_eq!(l.kind, "group");
    let columns = l.children.as_ref().expect("a group per choice");
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["y", "n"]);
    let a = &columns[1].children.as_ref().expect("rows")[0];
    assert_eq!(
        a.label,
        Some(crate::form::native::TextDoc::Plain("How many No".into()))
    );
    assert!(load(&ok).is_ok(), "{:?}", messages(&ok));
    for (rows, want) in [
        (
            "| | begin loop over yn | l | L |\n| | integer | a | A |\n| | note | b | ${a} |\n| | end loop | | |\n",
            "ambiguous",
        ),
        (
            "| | begin loop over yn | l | L |\n| | begin repeat | r | R |\n| | integer | a | A |\n| | end repeat | | |\n| | end loop | | |\n",
            "repeat names must be unique",
        ),
        (
            "| | begin loop over nope | l | L |\n| | integer | a | A |\n| | end loop | | |\n",
            "does not have",
        ),
    ] {
        let md = form(rows);
        let all = messages(&md).join("\n");
        assert!(all.contains(want), "{rows}: {all}");
    }
}

/// select_one_external reads its list from the external_choices sheet
/// (kept apart from a choices list of the same name), filtered by the
/// sheet's columns; a list that sheet lacks is an error.
#[test]
fn external_choices_are_lists_of_their_own_sheet() {
    let md = "| survey |\n| | type | name | label | choice_filter |\n| | select_one city | city | City | |\n| | select_one_external city | district | District | |\n| | select_one_external district | street | Street | city=${district} |\n| choices |\n| | list_name | name | label |\n| | city | to | Torino |\n| external_choices |\n| | list_name | name | label | city |\n| | city | mi | Milano | |\n| | district | d1 | Uno | to |\n| | district | d2 | Due | mi |\n";
    let (_, form) = load(md).unwrap_or_else(|e| panic!("{e:#?}"));
    let list_of = |name: &str| {
        let id = form.by_name(name).expect("a question");
        let list = form.list_of(id).expect("a list");
        list.choices
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(list_of("city"), vec!["to"]);
    assert_eq!(
        list_of("district"),
        vec!["mi"],
        "the external list, not the choices one"
    );
    assert_eq!(list_of("street"), vec!["d1", "d2"]);
    let e = messages(
        "| survey |\n| | type | name | label |\n| | select_one_external nope | p | P |\n| external_choices |\n| | list_name | name | label |\n| | other | a | A |\n",
    );
    assert!(has(&e, "which has no list \"nope\""), "{e:#?}");
}

/// The audit row: the form asks for the log rileva keeps anyway; the
/// submission names it; a location in it is refused, a wrong name too.
#[test]
fn the_audit_row_asks_for_the_log() {
    let md = "| survey |\n| | type | name | label | parameters |\n| | audit | | | identify-user=true |\n| | text | a | A | |\n";
    let (_, form) = load(md).unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(form.audit);
    let e = messages(
        "| survey |\n| | type | name | label | parameters |\n| | audit | log | | location-priority=balanced |\n| | text | a | A | |\n",
    );
    assert!(has(&e, "always named \"audit\""), "{e:#?}");
    assert!(has(&e, "a terminal has no GPS"), "{e:#?}");
}
