//! The rules every way of entering answers shares: the value to store, the
//! `end` stamp, the summary, the problem texts, the range.

use super::*;
use crate::form::{FormBundle, compile};
use crate::lang::Lang;

fn clock() -> Clock {
    Clock::Fixed(
        "2020-06-15T10:00:00+02:00[Europe/Rome]"
            .parse()
            .expect("valid time"),
    )
}

fn form(survey: &str) -> Arc<Form> {
    let json = format!(
        r#"{{"format":"rileva-form/1","settings":{{"form_id":"t","instance_name":"${{name}}"}},
            "survey":{survey},
            "choices":{{"c":[{{"name":"a","label":"A"}},{{"name":"b","label":"B"}}]}}}}"#
    );
    let bundle = FormBundle {
        definition: json,
        files: Default::default(),
    };
    Arc::new(compile(&bundle).unwrap_or_else(|e| panic!("{e:?}")))
}

const SURVEY: &str = r#"[
    {"type":"text","name":"name","label":"Name"},
    {"type":"integer","name":"n","label":"N","constraint":". < 5","constraint_message":"Less than 5"},
    {"type":"integer","name":"m","label":"M","constraint":". < 5"},
    {"type":"range","name":"r","label":"R","parameters":{"start":"0","end":"1","step":"0.25"}},
    {"type":"select_one","list":"c","name":"pick","label":"Pick","choice_filter":"name = 'a'"},
    {"type":"end","name":"end"}
]"#;

fn slot(f: &Filling, name: &str) -> Slot {
    Slot::root(f.form().by_name(name).expect("node"))
}

#[test]
fn what_is_stored_is_canonical_or_as_typed() {
    let f = Filling::new(form(SURVEY), [], clock());
    let n = slot(&f, "n");
    assert_eq!(f.to_store(&n, " +7 "), Some("7".into()));
    assert_eq!(f.to_store(&n, " 7a "), Some("7a".into()));
    assert_eq!(f.to_store(&n, "   "), None);
    let name = slot(&f, "name");
    assert_eq!(f.to_store(&name, "\tRossi\t"), Some("Rossi".into()));
}

#[test]
fn end_is_stamped_now_or_kept_when_given() {
    let mut f = Filling::new(form(SURVEY), [("/end".into(), "given".into())], clock());
    assert!(f.stamp_end(EndStamp::UnlessGiven).is_empty());
    assert_eq!(f.answer(&slot(&f, "end")), Some("given"));
    let changed = f.stamp_end(EndStamp::Now);
    let now = "2020-06-15T10:00:00.000+02:00".to_string();
    assert_eq!(changed, [("/end".to_string(), now.clone())]);
    assert_eq!(f.answer(&slot(&f, "end")), Some(now.as_str()));
}

#[test]
fn the_summary_names_the_response_and_counts_answers() {
    let mut f = Filling::new(form(SURVEY), [], clock());
    f.set_answer(&slot(&f, "name"), Some("Rossi".into()));
    let s = f.summary(None);
    assert_eq!(s.instance_name.as_deref(), Some("Rossi"));
    assert_eq!((s.answered, s.relevant), (1, 5));
    assert_eq!(s.position, None);
}

#[test]
fn problems_in_both_languages_with_the_forms_own_message() {
    let f = Filling::new(form(SURVEY), [], clock());
    let n = slot(&f, "n").node;
    let m = slot(&f, "m").node;
    assert_eq!(
        f.problem_text(n, &Problem::Constraint, Lang::It),
        "Less than 5"
    );
    assert_eq!(
        f.problem_report(n, &Problem::Constraint, Lang::En),
        "Answer not accepted: Less than 5"
    );
    assert_eq!(
        f.problem_text(m, &Problem::Constraint, Lang::It),
        "Risposta non ammessa"
    );
    assert_eq!(
        f.problem_report(m, &Problem::Constraint, Lang::En),
        "Answer not accepted"
    );
    let r = slot(&f, "r").node;
    assert_eq!(
        f.problem_text(r, &Problem::OutOfRange, Lang::It),
        "Valore fuori dall'intervallo 0–1 (passo 0.25)"
    );
    let pick = slot(&f, "pick").node;
    assert!(
        f.problem_text(pick, &Problem::NotInList("b".into()), Lang::En)
            .ends_with("pick another («B»)")
    );
    assert_eq!(
        f.problem_text(pick, &Problem::NotInList("z".into()), Lang::En),
        "Not a choice of the list c («z»)"
    );
}

#[test]
fn a_range_is_its_bounds_on_its_step_grid() {
    let f = Filling::new(form(SURVEY), [], clock());
    let r = slot(&f, "r");
    assert_eq!(f.check(&r, "0.75"), Ok(Some("0.75".into())));
    assert_eq!(f.check(&r, "0.8"), Err(Problem::OutOfRange));
    assert_eq!(f.check(&r, "1.25"), Err(Problem::OutOfRange));
    let range = f.form().node(r.node).range();
    assert!(range.contains(0.0) && range.contains(1.0) && !range.contains(f64::NAN));
}
