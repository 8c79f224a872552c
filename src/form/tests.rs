//! Loader tests: what `validate` must catch, with locations, all at once; and
//! no panic on any input.

use super::*;
use proptest::prelude::*;

fn bundle(survey: &str, choices: &str) -> FormBundle {
    FormBundle {
        definition: format!(
            r#"{{"format":"rileva-form/1","settings":{{"form_id":"t"}},"survey":{survey},"choices":{choices}}}"#
        ),
        files: Default::default(),
    }
}

fn errors(survey: &str, choices: &str) -> Vec<String> {
    match compile(&bundle(survey, choices)) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

fn has(errors: &[String], needle: &str) -> bool {
    errors.iter().any(|e| e.contains(needle))
}

#[test]
fn the_default_form_compiles() {
    let form = compile(&FormBundle::embedded_default()).expect("compiles");
    assert_eq!(form.id, "buone_pratiche_covid19");
    assert_eq!(form.version, "2020051102");
    assert_eq!(form.languages.len(), 2);
    assert_eq!(form.default_language, "it");
    let a03b = form.by_name("A03b").expect("A03b");
    assert_eq!(form.list_of(a03b).map(|l| l.choices.len()), Some(7896));
    assert!(
        form.nodes[a03b]
            .choice_filter
            .as_ref()
            .is_some_and(|f| f.column_eq.is_some())
    );
    assert_eq!(form.node(a03b).path, "/sez_A/A03b");
}

#[test]
fn every_problem_is_reported_at_once_with_its_location() {
    let e = errors(
        r#"[{"type":"text","name":"a","label":"A"},
            {"type":"text","name":"a","label":"A again"},
            {"type":"text","name":"b","label":"B","relevant":"${nope} = 1"},
            {"type":"integer","name":"c","label":"C","constraint":". >= "},
            {"type":"select_one","list":"missing","name":"d","label":"D"},
            {"type":"select_one","list":"l","name":"e","label":"E","choice_filter":"colour = ${a}"},
            {"type":"calculate","name":"x","calculation":"${y} + 1"},
            {"type":"calculate","name":"y","calculation":"${x} + 1"}]"#,
        r#"{"l":[{"name":"1","label":"One","columns":{"size":"s"}}]}"#,
    );
    assert!(
        has(
            &e,
            "survey[1] (a): duplicate name \"a\": also used at survey[0]"
        ),
        "{e:#?}"
    );
    assert!(
        has(&e, "survey[2] (b).relevant: unknown question ${nope}"),
        "{e:#?}"
    );
    assert!(has(&e, "survey[3] (c).constraint: column"), "{e:#?}");
    assert!(
        has(&e, "survey[4] (d).type: unknown choice list \"missing\""),
        "{e:#?}"
    );
    assert!(
        !has(&e, "choice_filter uses column \"colour\""),
        "a missing filter column is a warning, not an error"
    );
    assert!(
        has(&e, "survey[5] (e).choice_filter: ${a} is ambiguous"),
        "{e:#?}"
    );
    assert!(has(&e, "circular reference"), "{e:#?}");
    assert!(e.len() >= 6);
}

#[test]
fn unknown_reference_suggests_a_near_name() {
    let e = errors(
        r#"[{"type":"text","name":"age","label":"A"},{"type":"text","name":"b","label":"B","relevant":"${Age} > 1"}]"#,
        "{}",
    );
    assert!(has(&e, "did you mean ${age}?"), "{e:#?}");
}

#[test]
fn relevance_cycles_are_caught() {
    let e = errors(
        r#"[{"type":"text","name":"a","label":"A","relevant":"${b} = 'x'"},
            {"type":"text","name":"b","label":"B","relevant":"${a} = 'x'"}]"#,
        "{}",
    );
    assert!(has(&e, "circular reference: "), "{e:#?}");
}

#[test]
fn structure_problems() {
    let e = errors(
        r#"[{"type":"repeat","name":"r","label":"R"},
            {"type":"osm","name":"g","label":"G"},
            {"type":"text","name":"1bad","label":"B"},
            {"type":"text","name":"nolabel"},
            {"type":"calculate","name":"c"},
            {"type":"group","name":"g2","label":"G2","children":[]},
            {"type":"select_one_from_file","file":"../x.csv","name":"f","label":"F"},
            {"type":"select_one_from_file","file":"absent.csv","name":"f2","label":"F2"},
            {"type":"integer","name":"i","label":"I","default":"abc"}]"#,
        "{}",
    );
    for needle in [
        "a repeat needs rows inside it",
        "unsupported question type \"osm\"",
        "\"1bad\" is not a valid name",
        "needs a label or a hint",
        "a calculate needs a calculation",
        "must be the name of a .csv or .geojson file beside the form",
        "\"absent.csv\" was not found beside the form",
    ] {
        assert!(has(&e, needle), "missing {needle:?} in {e:#?}");
    }
}

#[test]
fn json_syntax_errors_give_line_and_column() {
    let b = FormBundle {
        definition: "{\n  \"format\": \"rileva-form/1\",\n  oops\n}".into(),
        files: Default::default(),
    };
    let e = compile(&b).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(e[0].location.starts_with("line 3, column"), "{:?}", e[0]);
}

#[test]
fn unknown_fields_are_refused() {
    let b = FormBundle {
        definition: r#"{"format":"rileva-form/1","settings":{"form_id":"t"},"survey":[{"type":"text","name":"a","label":"A","relevent":"1"}]}"#.into(),
        files: Default::default(),
    };
    let e = compile(&b).unwrap_err();
    assert!(e[0].message.contains("unknown field `relevent`"), "{e:?}");
}

#[test]
fn csv_lists_need_their_columns() {
    let mut b = bundle(
        r#"[{"type":"select_one_from_file","file":"l.csv","name":"f","label":"F","parameters":{"value":"code","label":"name"}}]"#,
        "{}",
    );
    b.files.insert("l.csv".into(), "id,title\n1,One\n".into());
    let e = compile(&b).unwrap_err();
    assert!(
        e[0].message
            .contains("needs the columns \"code\" and \"name\""),
        "{e:?}"
    );
    b.files.insert(
        "l.csv".into(),
        "code,name,region\n1,One,x\n2,Two,y\n1,Dup,z\n".into(),
    );
    let e = compile(&b).unwrap_err();
    assert!(
        e[0].to_string()
            .contains("l.csv, line 4: duplicate value \"1\""),
        "{e:?}"
    );
}

#[test]
fn languages_must_be_declared() {
    let b = FormBundle {
        definition:
            r#"{"format":"rileva-form/1","settings":{"form_id":"t","default_language":"fr"},
            "languages":[{"code":"it","name":"Italiano"}],
            "survey":[{"type":"text","name":"a","label":{"it":"A","de":"A"}}]}"#
                .into(),
        files: Default::default(),
    };
    let e: Vec<String> = compile(&b)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        has(&e, "\"fr\" is not one of the form's languages"),
        "{e:#?}"
    );
    assert!(has(&e, "language \"de\" is not declared"), "{e:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any text as a form file: errors, never a panic.
    #[test]
    fn any_text_never_panics(s in ".{0,400}") {
        let _ = compile(&FormBundle { definition: s, files: Default::default() });
    }

    /// The default form with a slice cut out or a byte changed: errors or a
    /// form, never a panic.
    #[test]
    fn damaged_default_form_never_panics(start in 0usize..60_000, len in 0usize..200, byte in 0u8..128) {
        let mut b = FormBundle::embedded_default();
        let mut bytes = b.definition.into_bytes();
        let start = start.min(bytes.len());
        let end = (start + len).min(bytes.len());
        bytes.drain(start..end);
        if let Some(x) = bytes.get_mut(start) { *x = byte; }
        b.definition = String::from_utf8_lossy(&bytes).into_owned();
        let _ = compile(&b);
    }

    /// Any CSV content for a file list: errors or a form, never a panic.
    #[test]
    fn any_csv_never_panics(csv in ".{0,300}") {
        let mut b = bundle(r#"[{"type":"select_one_from_file","file":"l.csv","name":"f","label":"F"}]"#, "{}");
        b.files.insert("l.csv".into(), csv);
        let _ = compile(&b);
    }
}

#[test]
fn what_pyxform_accepts_but_is_likely_wrong_is_a_warning() {
    let b = bundle(
        r#"[{"type":"select_one","list":"l","name":"a","label":"A","choice_filter":"colour = 'red'"},
            {"type":"integer","name":"i","label":"I","default":"abc"}]"#,
        r#"{"l":[{"name":"1","label":"One"}]}"#,
    );
    let form = compile(&b).expect("accepted, as pyxform accepts it");
    let w: Vec<String> = form.warnings.iter().map(ToString::to_string).collect();
    assert!(
        has(
            &w,
            "survey[0] (a).choice_filter: choice_filter uses column \"colour\""
        ),
        "{w:#?}"
    );
    assert!(
        has(
            &w,
            "survey[1] (i).default: \"abc\" is not a valid integer value"
        ),
        "{w:#?}"
    );
}

/// A form where nothing takes an answer used to pass with a warning, and the
/// TUI then had no question to stand on (issue "Foundations").
#[rstest::rstest]
#[case::no_rows("[]", "it has no rows")]
#[case::only_a_note(r#"[{"type":"note","name":"n","label":"N"}]"#, "only: note")]
#[case::a_calculation_in_a_group(
    r#"[{"type":"group","name":"g","label":"G","children":[{"type":"calculate","name":"c","calculation":"1"}]}]"#,
    "only: group, calculate"
)]
#[case::hidden(r#"[{"type":"hidden","name":"h","default":"1"}]"#, "only: hidden")]
#[case::metadata(
    r#"[{"type":"start","name":"s"},{"type":"end","name":"e"}]"#,
    "only: start, end"
)]
#[case::an_empty_repeat(
    r#"[{"type":"repeat","name":"r","label":"R","children":[]}]"#,
    "only: repeat"
)]
fn a_form_with_nothing_to_fill_is_refused(#[case] survey: &str, #[case] has_only: &str) {
    let errors = compile(&bundle(survey, "{}")).expect_err("nothing to fill");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].kind, ErrorKind::NothingToFill);
    assert_eq!(errors[0].location, "survey");
    assert!(
        errors[0].message.contains("nothing to fill") && errors[0].message.contains(has_only),
        "{}",
        errors[0]
    );
}

#[rstest::rstest]
#[case::acknowledge(r#"[{"type":"acknowledge","name":"a","label":"A"}]"#)]
#[case::a_question_in_a_repeat(
    r#"[{"type":"note","name":"n","label":"N"},{"type":"repeat","name":"r","label":"R","children":[{"type":"text","name":"t","label":"T"}]}]"#
)]
fn one_question_that_takes_an_answer_is_enough(#[case] survey: &str) {
    compile(&bundle(survey, "{}")).expect("a question to fill");
}

#[test]
fn nothing_to_fill_is_not_said_over_the_errors_that_cause_it() {
    let errors = compile(&bundle(
        r#"[{"type":"photo","name":"p","label":"P"}]"#,
        "{}",
    ))
    .expect_err("unknown type");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].message.contains("unsupported question type"));
}

#[test]
fn an_empty_group_is_a_warning_and_kept() {
    let form = compile(&bundle(
        r#"[{"type":"text","name":"a","label":"A"},{"type":"group","name":"g","label":"G","children":[]}]"#,
        "{}",
    ))
    .expect("accepted, as pyxform accepts it");
    assert!(
        form.warnings
            .iter()
            .any(|w| w.message.contains("the group is empty"))
    );
    assert!(
        form.by_name("g").is_some(),
        "kept: pyxform keeps its element"
    );
}

/// ODK Central stores a form id in 64 characters and refuses a longer one:
/// rileva takes it, and says so (issue "Foundations").
#[rstest::rstest]
#[case::sixty_five(&"f".repeat(65), Some(65))]
#[case::sixty_four(&"f".repeat(64), None)]
#[case::sixty_four_characters_in_more_bytes(&"é".repeat(64), None)]
#[case::sixty_five_characters(&"é".repeat(65), Some(65))]
fn a_form_id_over_64_characters_is_a_warning(#[case] id: &str, #[case] warned: Option<usize>) {
    let mut b = bundle(r#"[{"type":"text","name":"a","label":"A"}]"#, "{}");
    b.definition = b
        .definition
        .replace(r#""form_id":"t""#, &format!(r#""form_id":"{id}""#));
    let form = compile(&b).expect("accepted");
    let w: Vec<String> = form.warnings.iter().map(ToString::to_string).collect();
    match warned {
        Some(n) => assert_eq!(
            w,
            [format!(
                "settings.form_id: the form id is {n} characters long: ODK Central refuses ids longer than 64; set a shorter form_id"
            )]
        ),
        None => assert!(w.is_empty(), "{w:#?}"),
    }
}
