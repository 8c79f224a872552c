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

/// `randomize=true`: the choices in an order of the response's own, kept
/// when it is reopened; with a seed, the same order for every response.
#[test]
fn randomized_choices_keep_their_order_per_response() {
    let form = r#"{"format":"rileva-form/1","settings":{"form_id":"rnd"},"survey":[
      {"type":"select_one","name":"a","label":"A","list":"l","parameters":{"randomize":"true"}},
      {"type":"select_one","name":"b","label":"B","list":"l","parameters":{"randomize":"true","seed":"7"}}],
      "choices":{"l":[{"name":"c1","label":"Uno"},{"name":"c2","label":"Due"},{"name":"c3","label":"Tre"},
        {"name":"c4","label":"Quattro"},{"name":"c5","label":"Cinque"},{"name":"c6","label":"Sei"}]}}"#;
    let mut h = Harness::with_bundle(FormBundle {
        definition: form.into(),
        files: Default::default(),
    });
    let order = |h: &Harness, name: &str| {
        let f = &h.fill().filling;
        f.choices(&rileva::engine::Slot::root(
            f.form().by_name(name).expect("q"),
        ))
    };
    h.keys("Anna<Enter>n");
    let (a1, b1) = (order(&h, "a"), order(&h, "b"));
    let mut sorted = a1.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0, 1, 2, 3, 4, 5], "every choice, once");
    h.keys("<Esc>n");
    let mut others = vec![order(&h, "a")];
    assert_eq!(order(&h, "b"), b1, "a seed gives every response its order");
    for _ in 0..4 {
        h.keys("<Esc>n");
        others.push(order(&h, "a"));
    }
    assert!(
        others.iter().any(|o| *o != a1),
        "without a seed, responses differ"
    );
    // Keyed by the position shown: the first item shown is picked by 1.
    h.keys("1<Enter>");
    let id = h.response_id();
    let first = &h.fill().filling.form().lists[0].choices[others[4][0]].name;
    assert!(
        h.stored(&id).iter().any(|(p, v)| p == "/a" && v == first),
        "{:?}",
        h.stored(&id)
    );
}

/// `rank`: every item put in order, by its key in order of preference;
/// a key again takes the item out of the order; Enter before every item
/// is placed is refused; keyed from paper, codes in order.
#[test]
fn a_ranking_is_keyed_in_order() {
    let form = r#"{"format":"rileva-form/1","settings":{"form_id":"rank"},"survey":[
      {"type":"rank","name":"prio","label":"Priorità","list":"l"},
      {"type":"text","name":"fine","label":"Fine"}],
      "choices":{"l":[{"name":"casa","label":"Casa"},{"name":"cibo","label":"Cibo"},{"name":"salute","label":"Salute"}]}}"#;
    let mut h = Harness::with_bundle(FormBundle {
        definition: form.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>n");
    let id = h.response_id();
    h.keys("31");
    let s = h.screen(80, 24);
    assert!(s.contains("[1] Salute") && s.contains("[2] Casa"), "{s}");
    h.keys("<Enter>");
    assert!(h.screen(80, 24).contains("Mettere in ordine tutte le voci"));
    h.keys("1");
    assert!(
        h.screen(80, 24).contains("[ ] Casa"),
        "a key again takes it out"
    );
    h.keys("21<Enter>");
    assert_eq!(h.current(), "fine", "{}", h.screen(80, 24));
    assert!(
        h.stored(&id)
            .iter()
            .any(|(p, v)| p == "/prio" && v == "salute cibo casa"),
        "{:?}",
        h.stored(&id)
    );
    // From paper: the codes in the order written beside the items.
    let mut h = Harness::with_bundle(FormBundle {
        definition: form.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>tP-1<Enter>");
    let id = h.response_id();
    h.keys("231<Enter>");
    assert!(
        h.stored(&id)
            .iter()
            .any(|(p, v)| p == "/prio" && v == "cibo salute casa"),
        "{:?} {}",
        h.stored(&id),
        h.screen(80, 24)
    );
}
