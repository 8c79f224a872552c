//! The transcription layout's screens: one page per section (a repeat's
//! entries blocks on it, with "another entry?"), following relevance,
//! positions stored and found again.

use super::test_support::{filling_of, id, set};
use super::*;

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

fn names(f: &Filling, screen: &ScreenRef) -> Vec<String> {
    f.fields(screen)
        .iter()
        .map(|s| f.form().node(s.node).name.clone())
        .collect()
}

fn members(f: &Filling, screen: &ScreenRef) -> Vec<(String, bool)> {
    f.page_members(screen)
        .iter()
        .map(|(s, r)| {
            let node = f.form().node(s.node);
            let name = match s.idx.last() {
                Some(k) if node.kind == Kind::Repeat => format!("{}[{}]", node.name, k + 1),
                _ => node.name.clone(),
            };
            (name, *r)
        })
        .collect()
}

#[test]
fn a_section_is_one_page_with_its_repeat_as_blocks() {
    let mut f = filling();
    let usual = f.screens().len();
    f.set_sections(true);
    assert!(f.sections());
    let sa = ScreenRef::Group(Slot::root(id(&f, "sa")));
    let screens = f.screens().to_vec();
    // Section A (a1, a3: a2 is not relevant; the repeat has no entry, only
    // its "another entry?"), the loose question, section B.
    assert_eq!(screens.len(), 3, "{screens:?}");
    assert_eq!(screens[0], sa);
    assert_eq!(names(&f, &sa), ["a1", "a3", "person"]);
    assert_eq!(screens[1], ScreenRef::Question(Slot::root(id(&f, "loose"))));
    // Non-relevant members are listed, marked.
    let no = |n: &str| (n.to_string(), false);
    let yes = |n: &str| (n.to_string(), true);
    assert_eq!(
        members(&f, &sa),
        [yes("a1"), no("a2"), yes("a3"), yes("person[1]")]
    );
    // The page follows relevance.
    set(&mut f, "a1", &[], "5");
    assert_eq!(names(&f, &sa), ["a1", "a2", "a3", "person"]);
    set(&mut f, "a1", &[], "9");
    assert_eq!(f.screens().len(), 2, "section B left");
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
fn repeat_entries_are_blocks_of_their_sections_page_found_by_their_questions() {
    let mut f = filling();
    f.set_sections(true);
    let person = id(&f, "person");
    let sa = ScreenRef::Group(Slot::root(id(&f, "sa")));
    f.add_instance(person, &[]).expect("added");
    f.add_instance(person, &[]).expect("added");
    let yes = |n: &str| (n.to_string(), true);
    // Each entry: its heading, its questions; then "another entry?" (the
    // slot of the third entry, not there yet).
    assert_eq!(
        members(&f, &sa),
        [
            yes("a1"),
            ("a2".to_string(), false),
            yes("a3"),
            yes("person[1]"),
            yes("pname"),
            yes("age"),
            yes("person[2]"),
            yes("pname"),
            yes("age"),
            yes("person[3]"),
        ]
    );
    // The headings are not fields; "another entry?" is.
    assert_eq!(
        names(&f, &sa),
        ["a1", "a3", "pname", "age", "pname", "age", "person"]
    );
    assert!(f.is_another(&Slot::new(person, vec![2])));
    assert!(!f.is_another(&Slot::new(person, vec![1])));
    let age = Slot::new(id(&f, "age"), vec![1]);
    assert_eq!(f.screen_of(&age), sa);
    assert_eq!(f.screen_of(&Slot::new(person, vec![0])), sa);
    // The stored position of each page leads back to it, and an entry's
    // path (a position an older rileva stored) to its section's page.
    for screen in f.screens().to_vec() {
        let path = f.screen_path(&screen);
        assert_eq!(f.screen_at(&path), Some(screen.clone()), "{path}");
    }
    assert_eq!(f.screen_at("/sa/person[2]"), Some(sa.clone()));
    assert!(
        f.screens()
            .iter()
            .all(|s| !matches!(s, ScreenRef::RepeatEnd { .. })),
        "no page of its own for a repeat's end"
    );
}

#[test]
fn a_repeat_at_the_top_is_a_page_of_its_blocks() {
    let survey = r#"[
      {"type":"text","name":"intro","label":"Intro"},
      {"type":"repeat","name":"member","label":"Member","children":[
        {"type":"text","name":"mname","label":"Name"}
      ]},
      {"type":"repeat","name":"counted","label":"Counted","repeat_count":"2","children":[
        {"type":"text","name":"cname","label":"Name"}
      ]}
    ]"#;
    let mut f = filling_of("t", survey);
    f.set_sections(true);
    let member = id(&f, "member");
    let page = ScreenRef::Group(Slot::root(member));
    assert!(f.is_screen(&page), "{:?}", f.screens());
    assert_eq!(names(&f, &page), ["member"], "only its another entry?");
    f.add_instance(member, &[]).expect("added");
    assert_eq!(names(&f, &page), ["mname", "member"]);
    assert_eq!(f.screen_of(&Slot::new(id(&f, "mname"), vec![0])), page);
    let path = f.screen_path(&page);
    assert_eq!(f.screen_at(&path), Some(page.clone()), "{path}");
    // A counted repeat has its entries and no "another entry?".
    let counted = ScreenRef::Group(Slot::root(id(&f, "counted")));
    assert_eq!(names(&f, &counted), ["cname", "cname"]);
    assert_eq!(f.next_screen(Some(&page)), Some(counted));
}

fn filling() -> Filling {
    filling_of("s", &SURVEY.replace("\"begin_group\"", "\"group\""))
}
