//! Repeats, field lists and new versions in the interface (key scripts through
//! keymap and update, a real store in a temp dir).

use crate::tui_support;

use rileva::engine::ScreenRef;
use rileva::form::FormBundle;
use rileva::tui::keymap::Mode;
use rileva::tui::screens::lists::OutlineRow;
use rileva::tui::state::View;
use tui_support::{Harness, masked};

const FORM: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"hh","version":"1"},
  "survey":[
    {"type":"text","name":"hh","label":"Famiglia"},
    {"type":"repeat","name":"person","label":"Persona","children":[
      {"type":"text","name":"pname","label":"Nome","required":"yes"},
      {"type":"integer","name":"age","label":"Età"}
    ]},
    {"type":"group","name":"contact","label":"Contatti","appearance":"field-list","children":[
      {"type":"text","name":"phone","label":"Telefono"},
      {"type":"text","name":"mail","label":"E-mail"}
    ]},
    {"type":"note","name":"bye","label":"Fine"}
  ]}"#;

fn started() -> Harness {
    let mut h = Harness::with_bundle(FormBundle {
        definition: FORM.into(),
        files: Default::default(),
    });
    h.keys("Mario<Enter>n");
    assert_eq!(h.current(), "hh");
    h
}

/// Moves the outline's cursor to the first row that matches.
fn cursor_to(h: &mut Harness, want: impl Fn(&OutlineRow) -> bool) {
    let outline = |h: &Harness| match &h.fill().view {
        View::Outline(o) => o.clone(),
        _ => panic!("not in the outline"),
    };
    let target = outline(h)
        .rows
        .iter()
        .position(&want)
        .expect("a matching row");
    h.keys("<Home>");
    for _ in 0..100 {
        if outline(h).cursor == target {
            return;
        }
        h.keys("<Down>");
    }
    panic!("the cursor never reached row {target}");
}

fn stored(h: &Harness) -> Vec<(String, String)> {
    let id = h.response_id();
    h.stored(&id)
}

#[test]
fn a_repeat_is_offered_then_filled_instance_by_instance() {
    let mut h = started();
    h.keys("Rossi<Enter>");
    assert_eq!(
        h.app.mode(),
        Mode::RepeatEnd,
        "no person yet: add one or go on"
    );
    assert!(h.screen(80, 24).contains("Persona"));
    h.keys("a");
    assert_eq!(h.current(), "pname");
    assert!(h.screen(80, 24).contains("Persona 1/1"));
    h.keys("Ana<Enter>34<Enter>");
    assert_eq!(h.app.mode(), Mode::RepeatEnd);
    h.keys("aBia<Enter>7<Enter>");
    let s = stored(&h);
    for (p, v) in [
        ("/person[1]/pname", "Ana"),
        ("/person[1]/age", "34"),
        ("/person[2]/pname", "Bia"),
        ("/person[2]/age", "7"),
    ] {
        assert!(
            s.contains(&(p.to_string(), v.to_string())),
            "{p}={v} missing in {s:?}"
        );
    }
    // Enter on the repeat end goes on past the repeat.
    h.keys("<Enter>");
    assert_eq!(h.current(), "phone");
}

#[test]
fn moving_between_instances_and_removing_one_keeps_the_others() {
    let mut h = started();
    h.keys("Rossi<Enter>aAna<Enter>34<Enter>aBia<Enter>7<Enter>aCaio<Enter>19<Enter>");
    h.keys("<S-Tab><S-Tab>");
    assert_eq!(h.current(), "pname");
    assert!(h.screen(80, 24).contains("Persona 3/3"));
    h.keys("<F7>");
    assert_eq!(
        h.value(),
        "Bia",
        "F7: the same question in the previous instance"
    );
    h.keys("<C-d>");
    assert_eq!(h.app.mode(), Mode::Confirm);
    h.keys("n");
    assert_eq!(h.value(), "Bia", "no: nothing removed");
    h.keys("<C-d>s");
    let s = stored(&h);
    assert!(
        s.contains(&("/person[1]/pname".into(), "Ana".into())),
        "{s:?}"
    );
    assert!(
        s.contains(&("/person[2]/pname".into(), "Caio".into())),
        "{s:?}"
    );
    assert!(s.contains(&("/person[2]/age".into(), "19".into())), "{s:?}");
    assert!(!s.iter().any(|(p, _)| p.starts_with("/person[3]")), "{s:?}");
    // What is on screen equals what is stored.
    let mut shown = h.fill().filling.stored_answers();
    let mut s = s;
    shown.sort();
    s.sort();
    assert_eq!(shown, s);
}

#[test]
fn an_added_instance_without_answers_survives_a_restart() {
    let mut h = started();
    h.keys("Rossi<Enter>a");
    assert_eq!(h.current(), "pname");
    h.keys("<Esc>");
    let mut h = h.restart();
    h.keys("<Enter>");
    assert_eq!(h.current(), "pname", "resumes in the instance");
    let person = h.fill().filling.form().by_name("person").unwrap();
    assert_eq!(h.fill().filling.instances(person, &[]), 1);
}

#[test]
fn the_outline_shows_instances_and_adds_and_removes_them() {
    let mut h = started();
    h.keys("Rossi<Enter>aAna<Enter><Enter><F3>");
    assert_eq!(h.app.mode(), Mode::Outline);
    let screen = h.screen(80, 24);
    assert!(screen.contains("▸ Persona 1"), "{screen}");
    assert!(screen.contains("+ Persona"), "{screen}");
    // Enter on the "+ Persona" row adds an instance and opens it.
    cursor_to(&mut h, |r| matches!(r, OutlineRow::Add { .. }));
    h.keys("<Enter>");
    assert_eq!(h.current(), "pname");
    assert!(h.screen(80, 24).contains("Persona 2/2"));
    // d on an instance row in the outline removes it, after asking.
    h.keys("<F3>");
    cursor_to(&mut h, |r| matches!(r, OutlineRow::Instance { .. }));
    h.keys("ds");
    let person = h.fill().filling.form().by_name("person").unwrap();
    assert_eq!(h.fill().filling.instances(person, &[]), 1);
    assert!(
        !stored(&h).iter().any(|(_, v)| v == "Ana"),
        "Ana's instance is gone"
    );
}

#[test]
fn a_field_list_group_is_one_page_with_a_field_at_a_time() {
    let mut h = started();
    h.keys("Rossi<Enter><Enter>");
    assert_eq!(h.current(), "phone");
    assert!(matches!(h.fill().screen(), ScreenRef::Group(_)));
    let shown = h.screen(80, 24);
    assert!(
        shown.contains("Contatti") && shown.contains("E-mail"),
        "{shown}"
    );
    h.keys("0123<Enter>");
    assert_eq!(
        h.current(),
        "mail",
        "Enter moves to the next field of the page"
    );
    h.keys("a@b.it<S-Tab>");
    assert_eq!(h.current(), "phone", "Shift+Tab goes back a field");
    assert_eq!(h.value(), "0123");
    let mail = &h.fill().page.fields[1];
    assert!(
        mail.dirty(&h.fill().filling),
        "the e-mail is typed, not yet saved"
    );
}

#[test]
fn leaving_a_page_saves_every_changed_field() {
    let mut h = started();
    h.keys("Rossi<Enter><Enter>0123<Tab>a@b.it<Esc>");
    let id =
        h.rt.store
            .page(rileva::store::Listing::All, 0, 100)
            .unwrap()[0]
            .id
            .clone();
    let s = h.stored(&id);
    assert!(
        s.contains(&("/contact/phone".into(), "0123".into())),
        "{s:?}"
    );
    assert!(
        s.contains(&("/contact/mail".into(), "a@b.it".into())),
        "{s:?}"
    );
}

#[test]
fn editing_a_completed_response_makes_a_new_version() {
    let mut h = started();
    h.keys("Rossi<Enter><Enter>0123<Enter>x<Enter><Enter>");
    assert_eq!(h.app.mode(), Mode::Review);
    h.keys("fs");
    assert_eq!(h.app.mode(), Mode::Start);
    let old =
        h.rt.store
            .page(rileva::store::Listing::All, 0, 100)
            .unwrap()[0]
            .clone();
    assert_eq!(old.status, rileva::store::Status::Complete);
    h.keys("<Tab>e");
    assert_eq!(h.current(), "hh");
    let new = h.fill().row.clone();
    assert_ne!(new.id, old.id);
    assert_eq!(new.deprecated_id.as_deref(), Some(old.id.as_str()));
    assert_eq!(
        h.value(),
        "Rossi",
        "the new version starts with the old answers"
    );
    h.keys("<Home><C-k>Bianchi<Enter><Esc>");
    let old_now = h.rt.store.response(&old.id).unwrap().unwrap();
    assert_eq!(
        old_now.status,
        rileva::store::Status::Complete,
        "the old version is kept"
    );
    assert_eq!(old_now.superseded_by.as_deref(), Some(new.id.as_str()));
    assert!(
        h.rt.store
            .answers(&old.id)
            .unwrap()
            .contains(&("/hh".into(), "Rossi".into()))
    );
    assert!(
        h.rt.store
            .answers(&new.id)
            .unwrap()
            .contains(&("/hh".into(), "Bianchi".into()))
    );
}

const LANGS: &str = r#"{"format":"rileva-form/1",
  "settings":{"form_id":"l","default_language":"fr"},
  "languages":[{"code":"fr","name":"Français"},{"code":"es","name":"Español"},{"code":"it","name":"Italiano"}],
  "survey":[
    {"type":"text","name":"nom","label":{"fr":"Nom","es":"Nombre","it":"Nome"}},
    {"type":"select_one","list":"yn","name":"ok","label":{"fr":"D'accord, ${nom} ?","es":"¿De acuerdo, ${nom}?","it":"D'accordo, ${nom}?"},"appearance":"quick"},
    {"type":"note","name":"end","label":{"fr":"Fin","es":"Fin","it":"Fine"}}],
  "choices":{"yn":[{"name":"y","label":{"fr":"Oui","es":"Sí","it":"Sì"}},{"name":"n","label":{"fr":"Non","es":"No","it":"No"}}]}}"#;

#[test]
fn labels_show_answers_and_every_form_language_is_one_key_away() {
    let mut h = Harness::with_bundle(FormBundle {
        definition: LANGS.into(),
        files: Default::default(),
    });
    h.keys("Mario<Enter>n");
    assert!(
        h.screen(80, 24).contains("Nome"),
        "the UI language (it) picks the form's Italian"
    );
    h.keys("<F9>");
    assert!(
        h.screen(80, 24).contains("Français"),
        "F9: the form's next language"
    );
    assert!(h.screen(80, 24).contains("nom Nom"));
    h.keys("<F9>");
    assert!(h.screen(80, 24).contains("Nombre"));
    h.keys("Ana<Enter>");
    let s = h.screen(80, 24);
    assert!(
        s.contains("¿De acuerdo, Ana?"),
        "a reference in the label shows the answer: {s}"
    );
    assert!(s.contains("Sí"));
    // appearance quick: picking moves on without Enter.
    h.keys("1");
    assert_eq!(h.current(), "end");
    assert!(stored(&h).contains(&("/ok".into(), "y".into())));
}

#[test]
fn repeat_and_field_list_screens() {
    let mut h = started();
    h.keys("Rossi<Enter>");
    insta::assert_snapshot!("repeat_end_empty", masked(h.screen(80, 24)));
    h.keys("aAna<Enter>34<Enter>aBia");
    insta::assert_snapshot!("repeat_instance_question", masked(h.screen(80, 24)));
    h.keys("<Enter><Enter><Enter>0123<Enter>");
    insta::assert_snapshot!("field_list_page", masked(h.screen(80, 24)));
    h.keys("<F3>");
    insta::assert_snapshot!("outline_with_instances", masked(h.screen(80, 24)));
}

/// Was: a completed response open to read offered "Enter go · f finalize",
/// which do nothing there, and not `e`; on the start screen the old version
/// was the one tagged "edited", its date cut off by the tag; `e` on it said
/// "NOT SAVED" though nothing was being saved; in English the dialog asked
/// "(y/n)" while its footer said "s yes".
#[test]
fn versions_are_told_apart_and_a_read_only_response_offers_what_works() {
    let mut h = started();
    h.keys("Rossi<Enter><Enter>0123<Enter>x<Enter><Enter>");
    h.keys("<F2>f");
    let dialog = h.screen(80, 24);
    assert!(dialog.contains("y yes"), "{dialog}");
    h.keys("y<F2>");
    assert_eq!(h.app.mode(), Mode::Start);
    h.keys("<Tab><Enter>");
    assert_eq!(h.app.mode(), Mode::ReadOnly);
    let footer = h.screen(80, 24);
    let last = footer.lines().last().unwrap_or_default().to_string();
    assert!(last.contains("e modifica"), "{last}");
    assert!(
        !last.contains("finalizza") && !last.contains("Invio"),
        "{last}"
    );
    h.keys("e");
    assert_eq!(h.current(), "hh");
    h.keys("<Esc>");
    let start = h.screen(80, 24);
    let old = start
        .lines()
        .find(|l| l.contains("[sostituita]"))
        .unwrap_or_else(|| panic!("the old version is tagged replaced:\n{start}"));
    // The date (dd/mm/yyyy hh:mm) is whole beside the tag.
    let dated = regex::Regex::new(r"\d\d/\d\d/\d{4} \d\d:\d\d \[sostituita\]").expect("regex");
    assert!(dated.is_match(old), "{old}");
    assert!(start.contains("[modificata]"), "{start}");
    // `e` on the replaced version: a word, not a failed save.
    h.keys("<Tab>e");
    let s = h.screen(80, 24);
    assert!(
        s.contains("Già modificata") && !s.contains("NON SALVATO"),
        "{s}"
    );
}
