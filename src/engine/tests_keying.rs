//! The jump to a printed number and the ditto, on a small form with a
//! section, a relevance and a repeat.

use super::keying::JumpRefused;
use super::test_support::{filling_of, id, set};
use super::*;

const SURVEY: &str = r#"[
  {"type":"group","name":"sa","label":"A","children":[
    {"type":"integer","name":"A1","label":"A1"},
    {"type":"text","name":"A2","label":"A2","relevant":"${A1} > 1"},
    {"type":"repeat","name":"person","label":"Person","children":[
      {"type":"text","name":"pname","label":"Name"}
    ]}
  ]},
  {"type":"group","name":"sb","label":"B","children":[
    {"type":"text","name":"B1","label":"B1","relevant":"${A1} != 9"},
    {"type":"text","name":"B2","label":"B2"}
  ]}
]"#;

#[test]
fn a_printed_number_in_any_case_is_its_question() {
    let f = filling();
    let from = Slot::root(id(&f, "A1"));
    for typed in ["B2", "b2", "  B2 "] {
        assert_eq!(f.jump_target(typed, &from), Ok(Slot::root(id(&f, "B2"))));
    }
    assert_eq!(
        f.jump_target("Z9", &from),
        Err(JumpRefused::Unknown("Z9".into()))
    );
    assert_eq!(f.jump_target(" ", &from), Err(JumpRefused::Empty));
}

#[test]
fn a_question_not_asked_is_refused_and_a_section_is_its_first_asked() {
    let mut f = filling();
    let from = Slot::root(id(&f, "A1"));
    assert_eq!(
        f.jump_target("A2", &from),
        Err(JumpRefused::NotRelevant("A2".into()))
    );
    set(&mut f, "A1", &[], "9");
    // Section B starts with B1, not asked now: its first asked is B2.
    assert_eq!(f.jump_target("sb", &from), Ok(Slot::root(id(&f, "B2"))));
    set(&mut f, "A1", &[], "5");
    assert_eq!(f.jump_target("A2", &from), Ok(Slot::root(id(&f, "A2"))));
    assert_eq!(f.jump_target("sb", &from), Ok(Slot::root(id(&f, "B1"))));
}

#[test]
fn inside_a_repeat_the_jump_keeps_the_entry_and_needs_one() {
    let mut f = filling();
    let from = Slot::root(id(&f, "A1"));
    assert_eq!(
        f.jump_target("pname", &from),
        Err(JumpRefused::NoEntry("pname".into()))
    );
    let person = id(&f, "person");
    f.add_instance(person, &[]).expect("first entry");
    f.add_instance(person, &[]).expect("second entry");
    assert_eq!(
        f.jump_target("pname", &from),
        Ok(Slot::new(id(&f, "pname"), vec![0]))
    );
    let in_second = Slot::new(id(&f, "pname"), vec![1]);
    assert_eq!(f.jump_target("PNAME", &in_second), Ok(in_second.clone()));
    // Out of the repeat, the entry does not matter.
    assert_eq!(
        f.jump_target("B2", &in_second),
        Ok(Slot::root(id(&f, "B2")))
    );
}

#[test]
fn ditto_reads_the_same_path_of_the_earlier_answers() {
    let f = filling();
    let b2 = Slot::root(id(&f, "B2"));
    let a1 = Slot::root(id(&f, "A1"));
    let earlier: HashMap<String, String> = [
        (f.slot_path(&b2), "Bari".to_string()),
        (f.slot_path(&a1), String::new()),
    ]
    .into_iter()
    .collect();
    assert_eq!(f.ditto(&b2, &earlier), Some("Bari"));
    // An empty answer, or none, is nothing to copy.
    assert_eq!(f.ditto(&a1, &earlier), None);
    assert_eq!(f.ditto(&Slot::root(id(&f, "B1")), &earlier), None);
}

fn filling() -> Filling {
    filling_of("k", SURVEY)
}
