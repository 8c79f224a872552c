//! Engine tests on the default questionnaire and on small forms.

use super::*;
use crate::form::{FormBundle, compile};
use proptest::prelude::*;
use rstest::rstest;

fn clock() -> Clock {
    Clock::Fixed(
        "2020-06-15T10:00:00+02:00[Europe/Rome]"
            .parse()
            .expect("valid time"),
    )
}

fn default_form() -> Arc<Form> {
    Arc::new(compile(&FormBundle::embedded_default()).expect("default form compiles"))
}

fn small(survey: &str, choices: &str) -> Arc<Form> {
    let json = format!(
        r#"{{"format":"rileva-form/1","settings":{{"form_id":"t","instance_name":"concat(${{a}}, '-', ${{b}})"}},
            "survey":{survey},"choices":{choices}}}"#
    );
    let bundle = FormBundle {
        definition: json,
        files: Default::default(),
    };
    Arc::new(compile(&bundle).unwrap_or_else(|e| panic!("{e:?}")))
}

fn id(f: &Filling, name: &str) -> Slot {
    Slot::root(
        f.form()
            .by_name(name)
            .unwrap_or_else(|| panic!("no node {name}")),
    )
}

fn set(f: &mut Filling, name: &str, value: &str) {
    let n = id(f, name);
    let v = f
        .check(&n, value)
        .unwrap_or_else(|p| panic!("{name}={value:?} refused: {p:?}"));
    f.set_answer(&n, v);
}

fn filling() -> Filling {
    Filling::new(default_form(), [], clock())
}

#[test]
fn other_specify_is_relevant_only_for_other() {
    let mut f = filling();
    let altro = id(&f, "A01_altro");
    assert!(!f.is_relevant(&altro));
    set(&mut f, "A01", "altro");
    assert!(f.is_relevant(&altro));
    assert_eq!(f.status(&altro), &Status::Missing);
    set(&mut f, "A01", "comune");
    assert!(!f.is_relevant(&altro));
}

#[rstest]
#[case("comune", true, true, true)]
#[case("ambito", true, true, false)]
#[case("regione", false, false, false)]
#[case("altro", true, false, false)]
fn province_and_municipality_follow_the_type_of_body(
    #[case] a01: &str,
    #[case] a03_relevant: bool,
    #[case] a03_required: bool,
    #[case] a03b_relevant: bool,
) {
    let mut f = filling();
    set(&mut f, "A01", a01);
    let a03 = id(&f, "A03");
    assert_eq!(f.is_relevant(&a03), a03_relevant);
    assert_eq!(f.is_relevant(&a03) && f.is_required(&a03), a03_required);
    assert_eq!(f.is_relevant(&id(&f, "A03b")), a03b_relevant);
}

#[test]
fn constraint_is_not_checked_on_empty_answers() {
    let f = filling();
    let a06 = id(&f, "A06");
    assert_eq!(f.status(&a06), &Status::Empty);
    assert_eq!(f.check(&a06, ""), Ok(None));
    assert_eq!(f.check(&a06, "-1"), Err(Problem::Constraint));
    assert_eq!(f.check(&a06, "12000"), Ok(Some("12000".into())));
    assert_eq!(
        f.check(&a06, "12.5"),
        Err(Problem::Type(TypeError::NotInteger))
    );
}

#[test]
fn empty_numbers_compare_as_nan() {
    let mut f = filling();
    let c04 = id(&f, "C04");
    // C03 empty: string-length(${C03}) = 0 lets any household count through.
    assert_eq!(f.check(&c04, "40"), Ok(Some("40".into())));
    set(&mut f, "C03", "30");
    assert_eq!(f.check(&c04, "40"), Err(Problem::Constraint));
    assert_eq!(f.check(&c04, "30"), Ok(Some("30".into())));
}

#[test]
fn required_empty_answer_is_refused() {
    let f = filling();
    assert_eq!(f.check(&id(&f, "A04"), "   "), Err(Problem::Required));
    assert_eq!(f.check(&id(&f, "A04"), "ab"), Err(Problem::Constraint));
    assert_eq!(
        f.check(&id(&f, "A04"), " Comune di Agliè "),
        Ok(Some("Comune di Agliè".into()))
    );
}

#[test]
fn cascade_filters_provinces_and_municipalities() {
    let mut f = filling();
    set(&mut f, "A01", "comune");
    set(&mut f, "A02", "01");
    let a03 = id(&f, "A03");
    let provinces: Vec<String> = f
        .choices(&a03)
        .iter()
        .map(|&i| f.form().list_of(a03.node).unwrap().choices[i].name.clone())
        .collect();
    assert_eq!(
        provinces.len(),
        8,
        "Piemonte has 8 provinces: {provinces:?}"
    );
    assert!(provinces.contains(&"201".to_string()) || provinces.contains(&"001".to_string()));
    let torino = if provinces.contains(&"201".to_string()) {
        "201"
    } else {
        "001"
    };
    set(&mut f, "A03", torino);
    let a03b = id(&f, "A03b");
    let towns = f.choices(&a03b);
    assert!(
        towns.len() > 300,
        "Città metropolitana di Torino has over 300 comuni, got {}",
        towns.len()
    );
    let form = f.form().clone();
    let list = form.list_of(a03b.node).unwrap();
    let aglie = list
        .choices
        .iter()
        .position(|c| c.label.get("", "") == "Agliè")
        .expect("Agliè is in the list");
    assert!(towns.contains(&aglie));
    set(&mut f, "A03b", &list.choices[aglie].name);
    assert_eq!(f.status(&a03b), &Status::Answered);
    // A province of another region is refused.
    assert!(matches!(f.check(&a03, "084"), Err(Problem::NotInList(_))));
    // Changing the region invalidates the province, which is kept; the
    // municipality still fits the (kept) province until that is changed.
    set(&mut f, "A02", "03");
    assert!(matches!(
        f.status(&a03),
        Status::Invalid(Problem::NotInList(_))
    ));
    assert_eq!(f.answer(&a03), Some(torino));
    assert!(!f.can_finalize());
    assert!(f.issues().contains(&a03));
    set(&mut f, "A03", "215");
    assert!(
        matches!(f.status(&a03b), Status::Invalid(Problem::NotInList(_))),
        "Agliè is not in Milano"
    );
    set(&mut f, "A02", "01");
    set(&mut f, "A03", torino);
    // Back to Piemonte and Torino: both are valid again.
    assert_eq!(f.status(&a03), &Status::Answered);
    assert_eq!(f.status(&a03b), &Status::Answered);
}

#[test]
fn indexed_and_scanned_choice_filters_agree() {
    let mut f = filling();
    set(&mut f, "A01", "comune");
    set(&mut f, "A02", "19");
    set(&mut f, "A03", "084");
    let a03b = id(&f, "A03b");
    let indexed = f.choices(&a03b);
    let scanned: Vec<usize> = (0..f.form().list_of(a03b.node).unwrap().choices.len())
        .filter(|&i| {
            let name = &f.form().list_of(a03b.node).unwrap().choices[i].name;
            f.choice_allowed(&a03b, name)
        })
        .collect();
    assert_eq!(indexed, scanned);
    assert!(!indexed.is_empty());
}

#[test]
fn non_relevant_answers_are_kept_but_ignored() {
    let mut f = filling();
    set(&mut f, "A01", "altro");
    let altro = id(&f, "A01_altro");
    // An invalid other-specify, left behind.
    f.set_answer(&altro, Some("x".into()));
    assert_eq!(f.status(&altro), &Status::Invalid(Problem::Constraint));
    assert!(f.issues().contains(&altro));
    set(&mut f, "A01", "comune");
    assert_eq!(f.status(&altro), &Status::NotRelevant);
    assert_eq!(f.answer(&altro), Some("x"));
    assert!(!f.issues().contains(&altro));
    assert!(
        f.stored_answers()
            .iter()
            .any(|(p, v)| p == "/sez_A/A01_altro" && v == "x")
    );
}

#[test]
fn dates_are_typed_two_ways_and_checked_against_today() {
    let f = filling();
    let b04 = id(&f, "B04");
    assert_eq!(f.check(&b04, "15/03/2020"), Ok(Some("2020-03-15".into())));
    assert_eq!(f.check(&b04, "2020-03-15"), Ok(Some("2020-03-15".into())));
    assert_eq!(f.check(&b04, "15/01/2020"), Err(Problem::Constraint));
    // The fixed clock says 2020-06-15: later dates are in the future.
    assert_eq!(f.check(&b04, "20/06/2020"), Err(Problem::Constraint));
    assert_eq!(
        f.check(&b04, "31/02/2020"),
        Err(Problem::Type(TypeError::NotDate))
    );
}

#[test]
fn end_date_must_follow_start_date() {
    let mut f = filling();
    set(&mut f, "B04", "2020-03-15");
    set(&mut f, "B05", "concluso");
    let b06 = id(&f, "B06");
    assert!(f.is_relevant(&b06));
    assert_eq!(f.check(&b06, "2020-03-01"), Err(Problem::Constraint));
    assert_eq!(f.check(&b06, "2020-04-01"), Ok(Some("2020-04-01".into())));
}

#[test]
fn select_multiple_limits_and_exclusive_items() {
    let mut f = filling();
    let b07 = id(&f, "B07");
    assert_eq!(
        f.check(&b07, "accesso altro"),
        Ok(Some("accesso altro".into()))
    );
    assert_eq!(
        f.check(
            &b07,
            "accesso presa_carico sostegno_reddito psicologico educativo"
        ),
        Err(Problem::Constraint)
    );
    assert!(matches!(
        f.check(&b07, "accesso nonsense"),
        Err(Problem::NotInList(_))
    ));
    let e04 = id(&f, "E04");
    assert_eq!(
        f.check(&e04, "nessun_costo comunali"),
        Err(Problem::Constraint)
    );
    set(&mut f, "B07", "accesso altro");
    assert!(f.is_relevant(&id(&f, "B07_altro")));
}

#[test]
fn regex_constraints() {
    let f = filling();
    let a09 = id(&f, "A09");
    assert_eq!(
        f.check(&a09, "mario.rossi@comune.torino.it"),
        Ok(Some("mario.rossi@comune.torino.it".into()))
    );
    assert_eq!(f.check(&a09, "mario.rossi@"), Err(Problem::Constraint));
    // Version 2020051102 of the form takes the separators people write
    // (spaces, dots, dashes) and an optional "+39 ".
    let a10 = id(&f, "A10");
    for ok in [
        "+390112345678",
        "011 234 5678",
        "+39 011.234.567",
        "347-123-4567",
    ] {
        assert_eq!(f.check(&a10, ok), Ok(Some(ok.into())), "{ok}");
    }
    for bad in ["12345", "+39", "tel. 0112345", "0123456789012345678901"] {
        assert_eq!(f.check(&a10, bad), Err(Problem::Constraint), "{bad}");
    }
}

#[test]
fn instance_name_and_progress() {
    let mut f = filling();
    // concat(A04, ' - ', B01) of nothing is " - ": no name yet.
    assert_eq!(f.instance_name(), None);
    set(&mut f, "A04", "Comune di Agliè");
    assert_eq!(
        f.instance_name().as_deref(),
        Some("Comune di Agliè"),
        "no dangling separator"
    );
    set(&mut f, "B01", "Spesa a domicilio");
    assert_eq!(
        f.instance_name().as_deref(),
        Some("Comune di Agliè - Spesa a domicilio")
    );
    let (answered, relevant) = f.progress();
    assert_eq!(answered, 2);
    assert!(relevant > 20);
}

#[test]
fn navigation_skips_non_relevant_and_round_trips() {
    let mut f = filling();
    let name = |f: &Filling, s: &ScreenRef| f.form().node(s.node()).name.clone();
    let first = f.next_screen(None).expect("a first screen");
    assert_eq!(name(&f, &first), "A01");
    let second = f.next_screen(Some(&first)).unwrap();
    assert_eq!(name(&f, &second), "A02", "A01_altro is skipped");
    set(&mut f, "A01", "altro");
    let second = f.next_screen(Some(&first)).unwrap();
    assert_eq!(name(&f, &second), "A01_altro");
    assert_eq!(f.prev_screen(&second), Some(first.clone()));
    assert_eq!(f.prev_screen(&first), None);
}

#[test]
fn acknowledge_and_notes() {
    let form = small(
        r#"[{"type":"note","name":"n","label":"Read this"},{"type":"acknowledge","name":"a","label":"OK?","required":"yes"},
            {"type":"text","name":"b","label":"B"}]"#,
        "{}",
    );
    let f = Filling::new(form, [], clock());
    let a = id(&f, "a");
    assert_eq!(f.check(&a, ""), Err(Problem::Required));
    assert_eq!(f.check(&a, "OK"), Ok(Some("OK".into())));
    assert_eq!(f.status(&id(&f, "n")), &Status::Answered);
    let (_, relevant) = f.progress();
    assert_eq!(relevant, 2, "notes are not counted");
}

#[test]
fn calculations_run_in_dependency_order_and_see_relevance() {
    let form = small(
        r#"[{"type":"calculate","name":"total","calculation":"${a} + ${b}"},
            {"type":"integer","name":"a","label":"A"},
            {"type":"integer","name":"b","label":"B","relevant":"${a} > 0"},
            {"type":"text","name":"c","label":"C","relevant":"${total} > 10"}]"#,
        "{}",
    );
    let mut f = Filling::new(form, [], clock());
    set(&mut f, "a", "5");
    set(&mut f, "b", "7");
    assert_eq!(f.value(&id(&f, "total")), Value::Str("12".into()));
    assert!(f.is_relevant(&id(&f, "c")));
    // b becomes non-relevant: its value no longer counts.
    set(&mut f, "a", "-1");
    assert!(!f.is_relevant(&id(&f, "b")));
    assert_eq!(f.answer(&id(&f, "b")), Some("7"), "the answer is kept");
    assert!(!f.is_relevant(&id(&f, "c")));
}

#[test]
fn defaults_static_and_dynamic() {
    let form = small(
        r#"[{"type":"integer","name":"a","label":"A","default":"3"},
            {"type":"date","name":"b","label":"B","default":"today()"},
            {"type":"text","name":"c","label":"C","default":"hello world"}]"#,
        "{}",
    );
    let (f, initial) = Filling::start(form, clock(), &MetaInfo::default());
    assert_eq!(f.answer(&id(&f, "a")), Some("3"));
    assert_eq!(f.answer(&id(&f, "b")), Some("2020-06-15"));
    assert_eq!(f.answer(&id(&f, "c")), Some("hello world"));
    assert_eq!(initial.len(), 3);
}

#[test]
fn choice_filter_on_any_column_without_index() {
    let form = small(
        r#"[{"type":"select_one","list":"l","name":"a","label":"A"},
            {"type":"select_one","list":"l","name":"b","label":"B","choice_filter":"k != ${a} and name != 'z'"}]"#,
        r#"{"l":[{"name":"x","label":"X","columns":{"k":"x"}},{"name":"y","label":"Y","columns":{"k":"y"}},{"name":"z","label":"Z","columns":{"k":"z"}}]}"#,
    );
    let mut f = Filling::new(form, [], clock());
    set(&mut f, "a", "x");
    let b = id(&f, "b");
    assert_eq!(f.choices(&b), vec![1]);
}

#[test]
fn orphan_answers_are_kept() {
    let f = Filling::new(
        default_form(),
        [("/gone/q".to_string(), "v".to_string())],
        clock(),
    );
    assert!(
        f.stored_answers()
            .contains(&("/gone/q".to_string(), "v".to_string()))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the answers, navigation only lands on relevant screens, and
    /// walking forward visits them all in order.
    #[test]
    fn navigation_never_lands_on_non_relevant(picks in proptest::collection::vec((0usize..80, 0usize..12), 0..30)) {
        let mut f = filling();
        let form = f.form().clone();
        for (node, choice) in picks {
            let Some(n) = form.nodes.get(node % form.nodes.len()) else { continue };
            if let Some(list) = form.list_of(n.id) {
                let slot = Slot::root(n.id);
                let allowed = f.choices(&slot);
                if let Some(&i) = allowed.get(choice % allowed.len().max(1)) {
                    f.set_answer(&slot, Some(list.choices[i].name.clone()));
                }
            }
        }
        let mut cur: Option<ScreenRef> = None;
        let mut visited = Vec::new();
        while let Some(next) = f.next_screen(cur.as_ref()) {
            let ScreenRef::Question(slot) = &next else { panic!("the default form has no groups shown whole") };
            prop_assert!(f.is_relevant(slot));
            if let Some(ScreenRef::Question(c)) = &cur { prop_assert!(slot.node > c.node); }
            visited.push(next.clone());
            cur = Some(next);
        }
        prop_assert_eq!(visited, f.screens().to_vec());
    }
}
