//! The reading rules, one at a time, on small Markdown forms (pyxform's own
//! test notation).

use super::*;
use crate::form::ErrorKind;
use crate::form::native::{FormDoc, Item, TextDoc};
use rstest::rstest;

pub(super) fn src(md: &str) -> Source<'_> {
    Source {
        bytes: md.as_bytes(),
        format: Format::Md,
        stem: "form",
        shown: "form.md",
        form_name: None,
    }
}

pub(super) fn no_files(_: &str) -> Option<Result<String, String>> {
    None
}

pub(super) fn load(md: &str) -> Result<(FormBundle, Form), Vec<FormError>> {
    load_bytes(src(md), &no_files)
}

pub(super) fn doc(md: &str) -> FormDoc {
    let r = read_bytes(src(md));
    assert!(r.problems.is_empty(), "{:#?}", r.problems);
    r.doc
}

pub(super) fn errors(md: &str) -> Vec<FormError> {
    match load(md) {
        Ok(_) => Vec::new(),
        Err(e) => e,
    }
}

pub(super) fn messages(md: &str) -> Vec<String> {
    errors(md).iter().map(ToString::to_string).collect()
}

pub(super) fn has(errors: &[String], needle: &str) -> bool {
    errors.iter().any(|e| e.contains(needle))
}

pub(super) fn item<'a>(items: &'a [Item], name: &str) -> &'a Item {
    fn find<'a>(items: &'a [Item], name: &str) -> Option<&'a Item> {
        items.iter().find_map(|i| {
            if i.name == name {
                Some(i)
            } else {
                i.children.as_deref().and_then(|c| find(c, name))
            }
        })
    }
    find(items, name).unwrap_or_else(|| panic!("no item {name}"))
}

pub(super) fn plain(s: &str) -> Option<TextDoc> {
    Some(TextDoc::Plain(s.into()))
}

/// A survey whose one question has the given column, for alias tests.
pub(super) fn with_column(header: &str, value: &str) -> String {
    format!(
        "| survey |\n| | type | name | label | {header} |\n| | integer | a | A | {value} |\n| | integer | b | B | |\n"
    )
}

#[rstest]
#[case("relevant", "${b} > 1")]
#[case("relevance", "${b} > 1")]
#[case("bind::relevant", "${b} > 1")]
#[case("Relevant", "${b} > 1")]
fn relevance_aliases(#[case] header: &str, #[case] value: &str) {
    let d = doc(&with_column(header, value));
    assert_eq!(d.survey[0].relevant.as_deref(), Some(value));
}

#[rstest]
#[case("calculation", "1 + 1")]
#[case("calculate", "1 + 1")]
fn calculation_aliases(#[case] header: &str, #[case] value: &str) {
    let d = doc(&with_column(header, value));
    assert_eq!(d.survey[0].calculation.as_deref(), Some(value));
}

#[rstest]
#[case("constraint_message", "Too big")]
#[case("constraint message", "Too big")]
#[case("Constraint Message", "Too big")]
fn constraint_message_aliases(#[case] header: &str, #[case] value: &str) {
    let d = doc(&with_column(header, value));
    assert_eq!(d.survey[0].constraint_message, plain(value));
}

#[rstest]
#[case("required_message", "Needed")]
#[case("requiredMsg", "Needed")]
fn required_message_aliases(#[case] header: &str, #[case] value: &str) {
    let d = doc(&with_column(header, value));
    assert_eq!(d.survey[0].required_message, plain(value));
}

#[rstest]
#[case("jr:requiredMsg")]
#[case("jr:constraintMsg")]
fn pyxform_reads_no_message_from_the_old_jr_headers(#[case] header: &str) {
    let d = doc(&with_column(header, "Needed"));
    assert_eq!(d.survey[0].required_message, None);
    assert_eq!(d.survey[0].constraint_message, None);
}

#[rstest]
#[case("read_only", "yes")]
#[case("readonly", "yes")]
fn read_only_aliases(#[case] header: &str, #[case] value: &str) {
    let d = doc(&with_column(header, value));
    assert_eq!(d.survey[0].read_only.as_deref(), Some(value));
}

#[rstest]
#[case("repeat_count")]
#[case("jr:count")]
#[case("count")]
fn repeat_count_aliases(#[case] header: &str) {
    let md = format!(
        "| survey |\n| | type | name | label | {header} |\n| | integer | n | N | |\n| | begin repeat | r | R | ${{n}} |\n| | text | t | T | |\n| | end repeat | | | |\n"
    );
    let d = doc(&md);
    assert_eq!(item(&d.survey, "r").repeat_count.as_deref(), Some("${n}"));
}

#[test]
fn a_repeat_count_expression_gets_its_own_calculate_as_in_pyxform() {
    let d = doc(
        "| survey |\n| | type | name | label | repeat_count |\n| | integer | n | N | |\n| | begin repeat | r | R | ${n} + 1 |\n| | text | t | T | |\n| | end repeat | | | |\n",
    );
    let count = item(&d.survey, "r_count");
    assert_eq!(count.kind, "calculate");
    assert_eq!(count.calculation.as_deref(), Some("${n} + 1"));
    assert_eq!(
        item(&d.survey, "r").repeat_count.as_deref(),
        Some("${r_count}")
    );
    assert!(load("| survey |\n| | type | name | label | repeat_count |\n| | integer | n | N | |\n| | begin repeat | r | R | ${n} + 1 |\n| | text | t | T | |\n| | end repeat | | | |\n").is_ok());
}

#[rstest]
#[case("caption")]
#[case("label")]
#[case("LABEL")]
fn label_aliases(#[case] header: &str) {
    let md = format!("| survey |\n| | type | name | {header} |\n| | text | a | Hello |\n");
    assert_eq!(doc(&md).survey[0].label, plain("Hello"));
}

#[rstest]
#[case("list_name", "name")]
#[case("list name", "name")]
#[case("List Name", "value")]
fn choices_aliases(#[case] list: &str, #[case] name: &str) {
    let md = format!(
        "| survey |\n| | type | name | label |\n| | select_one yn | q | Q |\n| choices |\n| | {list} | {name} | label |\n| | yn | y | Yes |\n| | yn | n | No |\n"
    );
    let d = doc(&md);
    let names: Vec<&str> = d.choices["yn"].iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["y", "n"]);
    assert_eq!(
        d.choices["yn"][1].origin.as_deref(),
        Some("choices, line 7")
    );
}

#[rstest]
#[case("text", "text")]
#[case("string", "text")]
#[case("int", "integer")]
#[case("integer", "integer")]
#[case("decimal", "decimal")]
#[case("date", "date")]
#[case("time", "time")]
#[case("dateTime", "dateTime")]
#[case("datetime", "dateTime")]
#[case("geopoint", "geopoint")]
#[case("gps", "geopoint")]
#[case("acknowledge", "acknowledge")]
#[case("trigger", "acknowledge")]
#[case("start-geopoint", "hidden")]
#[case("simserial", "hidden")]
#[case("subscriberid", "hidden")]
#[case("note", "note")]
#[case("start", "start")]
#[case("end", "end")]
#[case("today", "today")]
#[case("deviceid", "deviceid")]
#[case("imei", "deviceid")]
#[case("username", "username")]
#[case("phonenumber", "phonenumber")]
#[case("email", "email")]
#[case("hidden", "hidden")]
fn type_aliases(#[case] written: &str, #[case] native: &str) {
    // A question to fill beside it: a form of only notes or metadata is refused.
    let md = format!(
        "| survey |\n| | type | name | label |\n| | {written} | a | A |\n| | text | b | B |\n"
    );
    let d = doc(&md);
    assert_eq!(d.survey[0].kind, native);
    assert!(load(&md).is_ok(), "{:?}", messages(&md));
}

#[rstest]
#[case("begin group", "end group", "group")]
#[case("begin_group", "end_group", "group")]
#[case("begin repeat", "end repeat", "repeat")]
#[case("begin_repeat", "end_repeat", "repeat")]
fn begin_and_end_spellings(#[case] begin: &str, #[case] end: &str, #[case] kind: &str) {
    let md = format!(
        "| survey |\n| | type | name | label |\n| | {begin} | g | G |\n| | text | a | A |\n| | {end} | | |\n| | text | b | B |\n"
    );
    let d = doc(&md);
    assert_eq!(d.survey.len(), 2);
    assert_eq!(d.survey[0].kind, kind);
    assert_eq!(d.survey[0].children.as_ref().map(Vec::len), Some(1));
    assert_eq!(d.survey[0].origin.as_deref(), Some("survey, line 3"));
}

#[rstest]
#[case(
    "| | begin group | g | G |\n| | text | a | A |\n",
    "survey, line 3, column type: \"begin_group\" of \"g\" has no matching \"end_group\""
)]
#[case(
    "| | text | a | A |\n| | end group | | |\n",
    "survey, line 4, column type: \"end_group\" has no matching \"begin_group\""
)]
#[case(
    "| | begin repeat | r | R |\n| | text | a | A |\n| | end group | | |\n| | end repeat | | |\n",
    "\"end_group\" has no matching \"begin_group\" (the open one is the repeat \"r\" of survey, line 3)"
)]
fn unmatched_begin_and_end(#[case] rows: &str, #[case] want: &str) {
    let md = format!("| survey |\n| | type | name | label |\n{rows}");
    let e = messages(&md);
    assert!(has(&e, want), "{e:#?}");
}

#[test]
fn languages_from_double_colon_columns() {
    let d = doc(
        "| survey |\n| | type | name | label::Italiano (it) | label::English (en) | hint::English (en) |\n| | text | a | Nome | Name | Full name |\n",
    );
    let codes: Vec<(&str, &str)> = d
        .languages
        .iter()
        .map(|l| (l.code.as_str(), l.name.as_str()))
        .collect();
    assert_eq!(codes, [("it", "Italiano"), ("en", "English")]);
    let TextDoc::Translated(label) = d.survey[0].label.clone().expect("label") else {
        panic!("translated");
    };
    assert_eq!(label["it"], "Nome");
    assert_eq!(label["en"], "Name");
    assert_eq!(d.settings.default_language, None);
}

#[test]
fn languages_from_the_old_single_colon_form() {
    let d = doc(
        "| survey |\n| | type | name | label:English | label:French |\n| | text | a | Name | Nom |\n",
    );
    let codes: Vec<&str> = d.languages.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, ["English", "French"]);
}

#[test]
fn a_plain_label_beside_translations_is_the_default_language() {
    // pyxform files it under "default", or under default_language when set.
    let d = doc(
        "| survey |\n| | type | name | label | label::English (en) |\n| | text | a | Nome | Name |\n",
    );
    let codes: Vec<&str> = d.languages.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, ["en", "default"]);
    assert_eq!(d.settings.default_language.as_deref(), Some("default"));
    let d = doc(
        "| survey |\n| | type | name | label | label::English (en) |\n| | text | a | Nome | Name |\n| settings |\n| | default_language |\n| | Italiano (it) |\n",
    );
    let codes: Vec<&str> = d.languages.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, ["en", "it"]);
    assert_eq!(d.settings.default_language.as_deref(), Some("it"));
    let TextDoc::Translated(label) = d.survey[0].label.clone().expect("label") else {
        panic!("translated");
    };
    assert_eq!(label["it"], "Nome");
}

#[test]
fn default_language_names_a_language_by_header_or_code() {
    for written in ["English (en)", "en"] {
        let md = format!(
            "| survey |\n| | type | name | label::Italiano (it) | label::English (en) |\n| | text | a | Nome | Name |\n| settings |\n| | default_language |\n| | {written} |\n"
        );
        assert_eq!(doc(&md).settings.default_language.as_deref(), Some("en"));
    }
    // A language no column uses is ignored, as pyxform ignores it.
    let md = "| survey |\n| | type | name | label::English (en) |\n| | text | a | Name |\n| settings |\n| | default_language |\n| | French |\n";
    assert_eq!(doc(md).settings.default_language, None);
    assert!(load(md).is_ok());
}

#[test]
fn smart_quotes_are_cleaned_in_expressions_not_in_labels() {
    let d = doc(
        "| survey |\n| | type | name | label | relevant |\n| | text | a | A | |\n| | text | b | It’s “B” | ${a} = ‘x’ |\n",
    );
    assert_eq!(d.survey[1].relevant.as_deref(), Some("${a} = 'x'"));
    assert_eq!(d.survey[1].label, plain("It’s “B”"));
}

#[test]
fn spaces_are_folded_unless_clean_text_values_is_no() {
    let md = "| survey |\n| | type | name | label |\n| | select_one   yn | a | Two  spaces |\n| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n";
    let d = doc(md);
    assert_eq!(d.survey[0].list.as_deref(), Some("yn"));
    assert_eq!(d.survey[0].label, plain("Two spaces"));
    let no = format!("{md}| settings |\n| | clean_text_values |\n| | no |\n");
    let r = read_bytes(src(&no));
    assert_eq!(
        r.doc.survey[0].kind, "hidden",
        "\"select_one   yn\" is no type then"
    );
}

#[test]
fn sheet_and_header_names_are_read_without_case() {
    let d = doc(
        "| SURVEY |\n| | TYPE | NAME | LABEL |\n| | text | a | A |\n| Settings |\n| | Form_ID | FORM_TITLE |\n| | f1 | Title |\n",
    );
    assert_eq!(d.settings.form_id, "f1");
    assert_eq!(d.settings.form_title.as_deref(), Some("Title"));
}

#[test]
fn comment_rows_disabled_rows_and_trailing_blank_rows_are_skipped() {
    let d = doc(
        "| survey |\n| | type | name | label | disabled | notes |\n| | text | a | A | | |\n| | | | | | a comment |\n| | text | b | B | yes | |\n| | text | c | C | no | |\n| | | | | | |\n",
    );
    let names: Vec<&str> = d.survey.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["a", "c"]);
}

#[test]
fn or_other_adds_a_choice_and_a_question() {
    let md = "| survey |\n| | type | name | label |\n| | select_one c or_other | fav | Fav |\n| choices |\n| | list_name | name | label |\n| | c | red | Red |\n";
    let d = doc(md);
    let names: Vec<&str> = d.choices["c"].iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["red", "other"]);
    assert_eq!(d.choices["c"][1].label, TextDoc::Plain("Other".into()));
    let other = item(&d.survey, "fav_other");
    assert_eq!(other.kind, "text");
    assert_eq!(other.label, plain("Specify other."));
    assert_eq!(other.relevant.as_deref(), Some("selected(${fav}, 'other')"));
    assert!(load(md).is_ok());
    let e = messages(
        "| survey |\n| | type | name | label | choice_filter |\n| | select_one c or_other | fav | Fav | name != '' |\n| choices |\n| | list_name | name | label |\n| | c | red | Red |\n",
    );
    assert!(
        has(&e, "or_other cannot be used with a choice_filter"),
        "{e:#?}"
    );
}

#[test]
fn select_from_file_reads_the_csv_beside_the_form() {
    let md = "| survey |\n| | type | name | label | parameters |\n| | select_one_from_file towns.csv | t | Town | value=code label=town |\n";
    let files =
        |name: &str| (name == "towns.csv").then(|| Ok("code,town\n1,Roma\n2,Milano\n".to_string()));
    let (bundle, form) = load_bytes(src(md), &files).expect("loads");
    assert!(bundle.files.contains_key("towns.csv"));
    let t = form.by_name("t").expect("t");
    assert_eq!(form.list_of(t).map(|l| l.choices.len()), Some(2));
    let e = errors(md);
    assert_eq!(e[0].kind, ErrorKind::MissingFile);
    assert_eq!(e[0].location, "survey, line 3, column type");
}

#[rstest]
#[case("select_one_from_file towns.xml", ErrorKind::Unsupported)]
#[case("select_one_from_file towns.txt", ErrorKind::Invalid)]
fn select_from_file_extensions(#[case] ty: &str, #[case] kind: ErrorKind) {
    let md = format!("| survey |\n| | type | name | label |\n| | {ty} | t | Town |\n");
    let e = errors(&md);
    assert_eq!(e[0].kind, kind, "{e:#?}");
}

#[rstest]
#[case("start=1 end=10 step=1", &[("end", "10"), ("start", "1"), ("step", "1")])]
#[case("start=0;end=5,step=0.5", &[("end", "5"), ("start", "0"), ("step", "0.5")])]
#[case("start=1 end=10 tick_interval=3", &[("end", "10"), ("start", "1")])]
fn range_parameters(#[case] cell: &str, #[case] want: &[(&str, &str)]) {
    let md = format!(
        "| survey |\n| | type | name | label | parameters |\n| | range | r | R | {cell} |\n"
    );
    let d = doc(&md);
    let got: Vec<(&str, &str)> = d.survey[0]
        .parameters
        .iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, want);
}

#[rstest]
#[case(
    "range",
    "start=1 end=10 step=20",
    "range step must not be larger than the range"
)]
#[case("range", "stop=3", "the parameter \"stop\" is not accepted by range")]
#[case("range", "start", "is not a list of parameters")]
#[case("select_one yn", "randomize=maybe", "randomize must be true or false")]
#[case("select_one yn", "seed=3", "seed needs randomize=true")]
#[case(
    "geopoint",
    "capture-accuracy=far",
    "capture-accuracy must be a number"
)]
#[case("text", "rows=many", "rows must be an integer")]
fn bad_parameters(#[case] ty: &str, #[case] cell: &str, #[case] want: &str) {
    let md = format!(
        "| survey |\n| | type | name | label | parameters |\n| | {ty} | r | R | {cell} |\n| choices |\n| | list_name | name | label |\n| | yn | y | Yes |\n"
    );
    let e = messages(&md);
    assert!(has(&e, "survey, line 3, column parameters: "), "{e:#?}");
    assert!(has(&e, want), "{e:#?}");
}

#[test]
fn settings_are_read() {
    let d = doc(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| settings |\n| | form_id | form_title | version | instance_name | name | allow_choice_duplicates | style |\n| | f | T | 3 | concat(${a}, '') | root | yes | pages |\n",
    );
    let s = &d.settings;
    assert_eq!(s.form_id, "f");
    assert_eq!(s.form_title.as_deref(), Some("T"));
    assert_eq!(s.version.as_deref(), Some("3"));
    assert_eq!(s.instance_name.as_deref(), Some("concat(${a}, '')"));
    assert_eq!(s.name.as_deref(), Some("root"));
    assert!(s.allow_choice_duplicates);
    // Without a form_id the file name is the id, as in pyxform.
    assert_eq!(
        doc("| survey |\n| | type | name | label |\n| | text | a | A |\n")
            .settings
            .form_id,
        "form"
    );
}
