//! Layer 2: date questions with the appearances `year` and `month-year`
//! ask only for what they ask, on screen and keyed from paper.

use crate::tui_support::Harness;
use rileva::form::FormBundle;

const FORM: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"dates"},"survey":[
  {"type":"date","name":"anno","label":"Anno di avvio","appearance":"year"},
  {"type":"date","name":"mese","label":"Mese di avvio","appearance":"month-year"},
  {"type":"text","name":"fine","label":"Fine"}
]}"#;

#[test]
fn a_year_and_a_month_are_typed_as_such() {
    let mut h = Harness::with_bundle(FormBundle {
        definition: FORM.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>n");
    let id = h.response_id();
    assert!(
        h.screen(80, 24).contains("anno AAAA"),
        "{}",
        h.screen(80, 24)
    );
    h.keys("20<Enter>");
    assert!(h.screen(80, 24).contains("Anno non valido"));
    h.keys("20<Enter>");
    assert_eq!(h.current(), "mese", "{}", h.screen(80, 24));
    assert!(h.screen(80, 24).contains("mese MM/AAAA"));
    h.keys("3/2020<Enter>");
    assert_eq!(h.current(), "fine");
    let stored = h.stored(&id);
    let get = |p: &str| stored.iter().find(|(q, _)| q == p).map(|(_, v)| v.clone());
    assert_eq!(get("/anno").as_deref(), Some("2020-01-01"));
    assert_eq!(get("/mese").as_deref(), Some("2020-03-01"));
    // Back on them, they show what was asked.
    h.keys("<S-Tab>");
    assert_eq!(h.value(), "03/2020");
    h.keys("<S-Tab>");
    assert_eq!(h.value(), "2020");
}
