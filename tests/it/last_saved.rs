//! Layer 2: `${last-saved#name}` reads the operator's last saved response
//! to the same form: a default carried from one paper to the next; nothing
//! for the first response, nor for another operator's.

use crate::tui_support::Harness;
use rileva::form::FormBundle;

const FORM: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"ls"},"survey":[
  {"type":"text","name":"ente","label":"Ente","default":"${last-saved#ente}"},
  {"type":"integer","name":"n","label":"Quanti (l'ultima volta: ${last-saved#n})"},
  {"type":"calculate","name":"prima","calculation":"${last-saved#n}"}
]}"#;

/// Back to the start screen, from wherever the response is.
fn to_start(h: &mut Harness) {
    for _ in 0..5 {
        if matches!(h.app.screen, rileva::tui::state::Screen::Start(_)) {
            return;
        }
        h.keys("<Esc>");
    }
    panic!("not back at the start: {}", h.screen(80, 24));
}

fn value_of(h: &Harness, id: &str, path: &str) -> Option<String> {
    h.stored(id)
        .into_iter()
        .find(|(p, _)| p == path)
        .map(|(_, v)| v)
}

#[test]
fn a_default_comes_from_the_last_saved_response() {
    let mut h = Harness::with_bundle(FormBundle {
        definition: FORM.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>n");
    let first = h.response_id();
    assert_eq!(h.value(), "", "nothing saved before the first");
    h.keys("Comune di Agliè<Enter>12<Enter>");
    to_start(&mut h);
    // The start screen lists the latest change first, to the millisecond:
    // the second draft must not start in the first's last millisecond.
    std::thread::sleep(std::time::Duration::from_millis(3));
    h.keys("n");
    let second = h.response_id();
    assert_ne!(first, second);
    assert_eq!(h.value(), "Comune di Agliè", "{}", h.screen(80, 24));
    assert_eq!(
        value_of(&h, &second, "/ente").as_deref(),
        Some("Comune di Agliè")
    );
    let f = &h.fill().filling;
    let prima = f.form().by_name("prima").expect("prima");
    assert_eq!(
        f.value(&rileva::engine::Slot::root(prima)).to_str(),
        "12",
        "a calculation reads it too"
    );
    // Reopened, it reads the same response again (a label, a calculation).
    to_start(&mut h);
    h.keys("<Enter>");
    assert_eq!(h.response_id(), second, "the latest draft is the first row");
    h.goto("n");
    assert!(
        h.screen(80, 24).contains("Quanti (l'ultima volta: 12)"),
        "{}",
        h.screen(80, 24)
    );
    // Another operator's last response is not this one's.
    to_start(&mut h);
    h.rt.store.set_operator("Sara").expect("operator");
    h.rt.operator = "Sara".into();
    h.app.operator = Some("Sara".into());
    h.keys("n");
    assert_eq!(h.value(), "");
}

#[test]
fn an_unknown_name_is_refused_where_it_is() {
    let bad = FORM.replace("${last-saved#ente}", "${last-saved#entee}");
    let e = rileva::form::compile(&FormBundle {
        definition: bad,
        files: Default::default(),
    })
    .expect_err("refused");
    assert!(
        format!("{e:?}").contains("unknown question ${last-saved#entee}"),
        "{e:?}"
    );
}
