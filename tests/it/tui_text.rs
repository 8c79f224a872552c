//! Text answers are held as stored: the editor never rewrites them in their
//! display form (issue "Foundations", defect 3). What reaches the terminal
//! is made inert when it is drawn.

use crate::tui_support::Harness;
use rileva::form::FormBundle;
use rileva::tui::action::Action;

fn bundle() -> FormBundle {
    FormBundle {
        definition:
            r#"{"format":"rileva-form/1","settings":{"form_id":"t","version":"1"},"survey":[
            {"type":"text","name":"one","label":"One line"},
            {"type":"text","name":"many","label":"Many lines","appearance":"multiline"},
            {"type":"note","name":"bye","label":"Bye"}
        ]}"#
            .into(),
        files: Default::default(),
    }
}

/// Values an import or another tool can store, each unchanged by a visit.
const ODD: &[&str] = &[
    "a\tb",
    "line\nbreak",
    "crlf\r\nin one line",
    "esc \u{1b}[31mred",
    "bidi \u{202e}txet",
    "c1 \u{9b}31m",
    "  spaced  ",
];

/// Stores `one` and `many` of a new draft as given, then reopens it.
fn draft_with(one: &str, many: &str) -> (Harness, String) {
    let mut h = Harness::with_bundle(bundle());
    h.keys("Mario<Enter>n");
    let id = h.response_id();
    let (p1, p2) = (h.path("one"), h.path("many"));
    let summary = h.fill().filling.summary(None);
    for (path, value) in [(p1, one), (p2, many)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
    {
        h.rt.store
            .save_answer(
                &id,
                &path,
                Some(value),
                "import",
                &summary,
                "2020-06-15T09:00:00.000+02:00",
            )
            .expect("saved");
    }
    h.keys("<Esc>");
    let mut h = h.restart();
    h.keys("<Enter>");
    assert_eq!(h.current(), "one");
    (h, id)
}

/// The stored answer of a question (at the top of the form), by name.
fn stored(h: &Harness, id: &str, name: &str) -> String {
    let path = format!("/{name}");
    h.stored(id)
        .into_iter()
        .find(|(p, _)| *p == path)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

#[test]
fn enter_on_an_untouched_answer_writes_nothing_and_keeps_it_exact() {
    for odd in ODD {
        let crlf_many = format!("{odd}\r\nsecond line\r\n");
        let (mut h, id) = draft_with(odd, &crlf_many);
        let before = h.rt.store.response(&id).expect("row").expect("there");
        assert_eq!(h.value(), *odd, "the editor holds the stored text");
        h.keys("<Enter>");
        assert_eq!(h.current(), "many", "{odd:?}: Enter moved on");
        assert_eq!(h.value(), crlf_many);
        h.keys("<Enter>");
        assert_eq!(h.current(), "bye", "{odd:?}");
        let kept = [stored(&h, &id, "one"), stored(&h, &id, "many")];
        assert_eq!(kept, [odd.to_string(), crlf_many.clone()]);
        let after = h.rt.store.response(&id).expect("row").expect("there");
        assert_eq!(
            before.updated_at, after.updated_at,
            "{odd:?}: nothing was written"
        );
        // Leaving the screens (back, outline, Esc) writes nothing either.
        h.keys("<S-Tab><S-Tab><F3><Esc><Esc>");
        assert_eq!([stored(&h, &id, "one"), stored(&h, &id, "many")], kept);
    }
}

#[test]
fn what_is_drawn_is_inert_but_the_text_is_not_changed() {
    let (h, _) = draft_with("esc \u{1b}[31mred\ttab", "x");
    let screen = h.screen(80, 24);
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(screen.contains("esc ␛[31mred tab"), "{screen}");
    assert_eq!(h.value(), "esc \u{1b}[31mred\ttab");
}

#[test]
fn an_edit_stores_the_text_with_its_tabs() {
    let (mut h, id) = draft_with("a\tb", "x");
    h.keys("<End>c<Enter>");
    assert_eq!(stored(&h, &id, "one"), "a\tbc", "a tab stays a tab");
}

#[test]
fn paste_keeps_tabs_and_drops_other_controls() {
    let (mut h, id) = draft_with("", "");
    h.action(Action::Paste("col1\tcol2\u{7}\nnext".into()));
    h.keys("<Enter>");
    assert_eq!(stored(&h, &id, "one"), "col1\tcol2 next");
    h.action(Action::Paste("r1\tc2\r\nr2".into()));
    h.keys("<Tab>");
    assert_eq!(stored(&h, &id, "many"), "r1\tc2\nr2");
}

#[test]
fn the_end_of_a_very_long_one_line_answer_is_on_screen() {
    for n in [4_000, 5_000, 70_000] {
        let (mut h, id) = draft_with("", "");
        let long: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        h.action(Action::Paste(format!("{long}END")));
        let screen = h.screen(80, 24);
        assert!(screen.contains("END"), "{n}: {screen}");
        h.keys("<Enter>");
        assert_eq!(stored(&h, &id, "one").len(), n + 3);
    }
}

/// The same typed key by key on the default form's A04, as in a terminal.
#[test]
fn the_end_of_a_long_typed_answer_is_on_screen() {
    let mut h = Harness::new();
    h.keys("Mario<Enter>n2<Enter>1<Enter>6<Enter>aglie<Enter>");
    assert_eq!(h.current(), "A04");
    let long = String::from("Comune di ") + &"abcdefghij".repeat(450) + "FINE";
    h.keys(&long);
    let screen = h.screen(80, 24);
    assert!(screen.contains("FINE"), "{screen}");
    assert_eq!(h.value(), long);
}
