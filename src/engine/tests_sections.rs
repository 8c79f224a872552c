//! The transcription layout's screens: one page per section and per repeat
//! entry, following relevance, positions stored and found again.

use super::*;
use crate::form::{FormBundle, compile};

const SURVEY: &str = r#"[
  {"type":"begin_group","name":"sa","label":"A","children":[
    {"type":"integer","name":"a1","label":"A1"},
    {"type":"text","name":"a2","label":"A2","relevant":"${a1} > 1"},
    {"type":"group","name":"inner","label":"Inner","children":[
      {"type":"text","name":"a3","label":"A3"}
    ]},
    {"type":"repeat","name":"person","label":"Person","children":[
      {"type":"text","name":"pname","label":"Name"},
      {"type":"integer","name":"age","label":"Age"}
    ]}
  ]},
  {"type":"text","name":"loose","label":"Loose"},
  {"type":"begin_group","name":"sb","label":"B","relevant":"${a1} != 9","children":[
    {"type":"text","name":"b1","label":"B1"}
  ]}
]"#;

fn filling() -> Filling {
    let json = format!(
        r#"{{"format":"rileva-form/1","settings":{{"form_id":"s"}},"survey":{}}}"#,
        SURVEY.replace("\"begin_group\"", "\"group\"")
    );
    let form = Arc::new(
        compile(&FormBundle {
            definition: json,
            files: Default::default(),
        })
        .unwrap_or_else(|e| panic!("{e:?}")),
    );
    let clock = Clock::Fixed(
        "2020-06-15T10:00:00+02:00[Europe/Rome]"
            .parse()
            .expect("valid time"),
    );
    Filling::new(form, [], clock)
}

fn id(f: &Filling, name: &str) -> NodeId {
    f.form()
        .by_name(name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn set(f: &mut Filling, name: &str, idx: &[u32], v: &str) {
    let s = Slot::new(id(f, name), idx.to_vec());
    let v = f
        .check(&s, v)
        .unwrap_or_else(|p| panic!("{name}={v}: {p:?}"));
    f.set_answer(&s, v);
}

fn names(f: &Filling, screen: &ScreenRef) -> Vec<String> {
    f.fields(screen)
        .iter()
        .map(|s| f.form().node(s.node).name.clone())
        .collect()
}

#[test]
fn a_section_is_one_page_and_repeat_entries_their_own() {
    let mut f = filling();
    let usual = f.screens().len();
    f.set_sections(true);
    assert!(f.sections());
    let sa = ScreenRef::Group(Slot::root(id(&f, "sa")));
    let screens = f.screens().to_vec();
    // Section A (a1, a3: a2 is not relevant), the repeat's end, the loose
    // question, section B.
    assert_eq!(screens.len(), 4, "{screens:?}");
    assert_eq!(screens[0], sa);
    assert_eq!(names(&f, &sa), ["a1", "a3"]);
    assert!(matches!(screens[1], ScreenRef::RepeatEnd { .. }));
    assert_eq!(screens[2], ScreenRef::Question(Slot::root(id(&f, "loose"))));
    // Non-relevant members are listed, marked.
    let members = f.page_members(&sa);
    let shown: Vec<(String, bool)> = members
        .iter()
        .map(|(s, r)| (f.form().node(s.node).name.clone(), *r))
        .collect();
    assert_eq!(
        shown,
        [
            ("a1".to_string(), true),
            ("a2".to_string(), false),
            ("a3".to_string(), true)
        ]
    );
    // The page follows relevance.
    set(&mut f, "a1", &[], "5");
    assert_eq!(names(&f, &sa), ["a1", "a2", "a3"]);
    set(&mut f, "a1", &[], "9");
    assert_eq!(f.screens().len(), 3, "section B left");
    // Back to the usual layout: one screen per question again.
    f.set_sections(false);
    assert!(f.screens().len() >= usual - 1);
    assert!(
        f.screens()
            .iter()
            .all(|s| !matches!(s, ScreenRef::Group(_)))
    );
}

#[test]
fn a_repeat_entry_is_a_page_found_by_its_questions_and_position() {
    let mut f = filling();
    f.set_sections(true);
    let person = id(&f, "person");
    let idx = f.add_instance(person, &[]).expect("added");
    let entry = ScreenRef::Group(Slot::new(person, idx.clone()));
    assert!(f.is_screen(&entry), "{:?}", f.screens());
    assert_eq!(names(&f, &entry), ["pname", "age"]);
    let age = Slot::new(id(&f, "age"), idx.clone());
    assert_eq!(f.screen_of(&age), entry);
    assert_eq!(
        f.screen_of(&Slot::root(id(&f, "a3"))),
        ScreenRef::Group(Slot::root(id(&f, "sa")))
    );
    // The stored position of each page leads back to it.
    for screen in f.screens().to_vec() {
        let path = f.screen_path(&screen);
        assert_eq!(f.screen_at(&path), Some(screen.clone()), "{path}");
    }
    // Document order: section A, the entry, the repeat's end.
    let sa = ScreenRef::Group(Slot::root(id(&f, "sa")));
    assert_eq!(f.next_screen(Some(&sa)), Some(entry.clone()));
    assert!(matches!(
        f.next_screen(Some(&entry)),
        Some(ScreenRef::RepeatEnd { .. })
    ));
}
