//! Repeats: instances, relative references, removal, repeat_count, paths,
//! navigation.

use super::*;
use crate::form::{FormBundle, compile};

fn clock() -> Clock {
    Clock::Fixed(
        "2020-06-15T10:00:00+02:00[Europe/Rome]"
            .parse()
            .expect("valid time"),
    )
}

const SURVEY: &str = r#"[
  {"type":"text","name":"hh","label":"Household"},
  {"type":"repeat","name":"person","label":"Person","children":[
    {"type":"text","name":"pname","label":"Name","required":"yes"},
    {"type":"integer","name":"age","label":"Age","constraint":". >= 0"},
    {"type":"text","name":"job","label":"Job","relevant":"${age} >= 16"},
    {"type":"repeat","name":"child","label":"Child","children":[
      {"type":"text","name":"cname","label":"Child's name"}
    ]}
  ]},
  {"type":"integer","name":"visits","label":"Visits"},
  {"type":"repeat","name":"visit","label":"Visit","repeat_count":"${visits}","children":[
    {"type":"date","name":"vdate","label":"Date"}
  ]},
  {"type":"note","name":"end","label":"The end"}
]"#;

fn form() -> Arc<Form> {
    let json =
        format!(r#"{{"format":"rileva-form/1","settings":{{"form_id":"r"}},"survey":{SURVEY}}}"#);
    Arc::new(
        compile(&FormBundle {
            definition: json,
            files: Default::default(),
        })
        .unwrap_or_else(|e| panic!("{e:?}")),
    )
}

fn node(f: &Filling, name: &str) -> NodeId {
    f.form()
        .by_name(name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn slot(f: &Filling, name: &str, idx: &[u32]) -> Slot {
    Slot::new(node(f, name), idx.to_vec())
}

fn set(f: &mut Filling, name: &str, idx: &[u32], v: &str) {
    let s = slot(f, name, idx);
    let v = f
        .check(&s, v)
        .unwrap_or_else(|p| panic!("{name}{idx:?}={v}: {p:?}"));
    f.set_answer(&s, v);
}

#[test]
fn instances_are_added_with_their_own_slots_and_paths() {
    let mut f = Filling::new(form(), [], clock());
    let person = node(&f, "person");
    assert_eq!(f.instances(person, &[]), 0);
    assert_eq!(f.add_instance(person, &[]), Some(vec![0]));
    assert_eq!(f.add_instance(person, &[]), Some(vec![1]));
    assert_eq!(f.instances(person, &[]), 2);
    set(&mut f, "pname", &[1], "Bia");
    assert_eq!(f.slot_path(&slot(&f, "pname", &[1])), "/person[2]/pname");
    let stored = f.stored_answers();
    assert!(
        stored.contains(&("/person[1]".into(), String::new())),
        "{stored:?}"
    );
    assert!(stored.contains(&("/person[2]/pname".into(), "Bia".into())));
    // A restart finds both instances, the empty one included.
    let g = Filling::new(form(), stored, clock());
    assert_eq!(g.instances(person, &[]), 2);
    assert_eq!(g.answer(&slot(&g, "pname", &[1])), Some("Bia"));
}

#[test]
fn references_inside_a_repeat_read_the_same_instance() {
    let mut f = Filling::new(form(), [], clock());
    let person = node(&f, "person");
    f.add_instance(person, &[]);
    f.add_instance(person, &[]);
    set(&mut f, "age", &[0], "34");
    set(&mut f, "age", &[1], "7");
    assert!(f.is_relevant(&slot(&f, "job", &[0])));
    assert!(!f.is_relevant(&slot(&f, "job", &[1])));
    // Required applies per instance.
    assert_eq!(f.status(&slot(&f, "pname", &[0])), &Status::Missing);
    assert!(!f.can_finalize());
}

#[test]
fn removing_an_instance_in_the_middle_keeps_the_others_answers() {
    let mut f = Filling::new(form(), [], clock());
    let person = node(&f, "person");
    for name in ["Ana", "Bia", "Caio"] {
        let idx = f.add_instance(person, &[]).expect("added");
        set(&mut f, "pname", &idx, name);
    }
    let child = node(&f, "child");
    f.add_instance(child, &[2]);
    set(&mut f, "cname", &[2, 0], "Dora");
    f.remove_instance(person, &[], 1);
    assert_eq!(f.instances(person, &[]), 2);
    assert_eq!(f.answer(&slot(&f, "pname", &[0])), Some("Ana"));
    assert_eq!(f.answer(&slot(&f, "pname", &[1])), Some("Caio"));
    assert_eq!(
        f.instances(child, &[1]),
        1,
        "the nested instance moved with its parent"
    );
    assert_eq!(f.answer(&slot(&f, "cname", &[1, 0])), Some("Dora"));
    let paths: Vec<String> = f.stored_answers().into_iter().map(|(p, _)| p).collect();
    assert!(
        paths.contains(&"/person[2]/child[1]/cname".to_string()),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.starts_with("/person[3]")),
        "{paths:?}"
    );
}

#[test]
fn repeat_count_makes_instances_and_keeps_the_surplus_out_of_relevance() {
    let mut f = Filling::new(form(), [], clock());
    let visit = node(&f, "visit");
    set(&mut f, "visits", &[], "3");
    assert_eq!(f.instances(visit, &[]), 3);
    set(&mut f, "vdate", &[2], "2020-03-15");
    set(&mut f, "visits", &[], "1");
    assert_eq!(f.instances(visit, &[]), 3, "answers are never dropped");
    assert!(f.is_relevant(&slot(&f, "vdate", &[0])));
    assert!(!f.is_relevant(&slot(&f, "vdate", &[2])));
    assert_eq!(f.answer(&slot(&f, "vdate", &[2])), Some("2020-03-15"));
    // No prompt to add more to a counted repeat.
    assert!(
        !f.screens()
            .iter()
            .any(|s| matches!(s, ScreenRef::RepeatEnd { repeat, .. } if *repeat == visit))
    );
}

#[test]
fn paths_round_trip_and_foreign_paths_are_kept_as_orphans() {
    let stored = vec![
        ("/person[3]/pname".to_string(), "Caio".to_string()),
        ("/person[1]/child[2]/cname".to_string(), "Eva".to_string()),
        ("/person/pname".to_string(), "no index".to_string()),
        ("/hh[1]".to_string(), "index where none".to_string()),
        ("/person[0]/pname".to_string(), "zero".to_string()),
        ("/nowhere".to_string(), "x".to_string()),
    ];
    let f = Filling::new(form(), stored.clone(), clock());
    let person = node(&f, "person");
    assert_eq!(
        f.instances(person, &[]),
        3,
        "instances up to the highest index exist"
    );
    assert_eq!(f.instances(node(&f, "child"), &[0]), 2);
    assert_eq!(
        f.parse_path("/person[3]/pname"),
        Some(slot(&f, "pname", &[2]))
    );
    let back = f.stored_answers();
    for (p, v) in &stored {
        assert!(back.contains(&(p.clone(), v.clone())), "{p} lost: {back:?}");
    }
}

#[test]
fn screens_walk_instances_and_offer_to_add_after_the_last() {
    let mut f = Filling::new(form(), [], clock());
    let names = |f: &Filling| -> Vec<String> {
        f.screens()
            .iter()
            .map(|s| match s {
                ScreenRef::RepeatEnd { repeat, parent } => {
                    format!("+{}{parent:?}", f.form().node(*repeat).name)
                }
                ScreenRef::Question(s) | ScreenRef::Group(s) => {
                    format!("{}{:?}", f.form().node(s.node).name, s.idx)
                }
            })
            .collect()
    };
    assert_eq!(names(&f), ["hh[]", "+person[]", "visits[]", "end[]"]);
    let person = node(&f, "person");
    f.add_instance(person, &[]);
    set(&mut f, "age", &[0], "40");
    assert_eq!(
        names(&f),
        [
            "hh[]",
            "pname[0]",
            "age[0]",
            "job[0]",
            "+child[0]",
            "+person[]",
            "visits[]",
            "end[]"
        ]
    );
    // From the repeat end, the next screen is past the repeat; the one before
    // is the last question of the last instance.
    let end = ScreenRef::RepeatEnd {
        repeat: person,
        parent: vec![],
    };
    assert_eq!(
        f.next_screen(Some(&end)),
        Some(ScreenRef::Question(slot(&f, "visits", &[])))
    );
    assert_eq!(
        f.prev_screen(&end),
        Some(ScreenRef::RepeatEnd {
            repeat: node(&f, "child"),
            parent: vec![0]
        })
    );
    // Positions: a repeat end is stored as the path the next instance would have.
    assert_eq!(f.screen_path(&end), "/person[2]");
    assert_eq!(f.screen_at("/person[2]"), Some(end));
    assert_eq!(
        f.screen_at("/person[1]"),
        Some(ScreenRef::Question(slot(&f, "pname", &[0])))
    );
    assert_eq!(
        f.screen_at("/person[1]/age"),
        Some(ScreenRef::Question(slot(&f, "age", &[0])))
    );
    // A question that stopped applying resumes on the next one.
    set(&mut f, "age", &[0], "3");
    assert_eq!(
        f.screen_at("/person[1]/job"),
        Some(ScreenRef::RepeatEnd {
            repeat: node(&f, "child"),
            parent: vec![0]
        })
    );
}

#[test]
fn field_list_groups_are_one_screen() {
    let json = r#"{"format":"rileva-form/1","settings":{"form_id":"fl"},"survey":[
        {"type":"group","name":"g","label":"Contact","appearance":"field-list","children":[
            {"type":"text","name":"a","label":"A"},
            {"type":"integer","name":"b","label":"B"},
            {"type":"text","name":"c","label":"C","relevant":"${b} > 1"}]},
        {"type":"text","name":"d","label":"D"}]}"#;
    let form = Arc::new(
        compile(&FormBundle {
            definition: json.into(),
            files: Default::default(),
        })
        .expect("compiles"),
    );
    let mut f = Filling::new(form, [], clock());
    let g = Slot::root(node(&f, "g"));
    assert_eq!(f.screens()[0], ScreenRef::Group(g.clone()));
    assert_eq!(f.fields(&ScreenRef::Group(g.clone())).len(), 2);
    set(&mut f, "b", &[], "5");
    assert_eq!(f.fields(&ScreenRef::Group(g.clone())).len(), 3);
    assert_eq!(f.screen_of(&slot(&f, "c", &[])), ScreenRef::Group(g));
    assert_eq!(f.screens().len(), 2);
}

#[test]
fn new_types_are_checked() {
    let json = r#"{"format":"rileva-form/1","settings":{"form_id":"t"},"survey":[
        {"type":"time","name":"t","label":"T"},
        {"type":"dateTime","name":"dt","label":"DT"},
        {"type":"range","name":"r","label":"R","parameters":{"start":"0","end":"10","step":"2"}},
        {"type":"geopoint","name":"g","label":"G"},
        {"type":"start","name":"s"},
        {"type":"username","name":"u"},
        {"type":"hidden","name":"h","default":"x"}]}"#;
    let form = Arc::new(
        compile(&FormBundle {
            definition: json.into(),
            files: Default::default(),
        })
        .expect("compiles"),
    );
    let meta = MetaInfo {
        device_id: "rileva:abc".into(),
        username: "Mario".into(),
        ..Default::default()
    };
    let (f, initial) = Filling::start(form, clock(), &meta);
    assert_eq!(
        f.check(&slot(&f, "t", &[]), "9:05"),
        Ok(Some("09:05:00".into()))
    );
    assert_eq!(
        f.check(&slot(&f, "dt", &[]), "15/03/2020 14:30"),
        Ok(Some("2020-03-15T14:30:00".into()))
    );
    assert_eq!(f.check(&slot(&f, "r", &[]), "4"), Ok(Some("4".into())));
    assert_eq!(f.check(&slot(&f, "r", &[]), "5"), Err(Problem::OutOfRange));
    assert_eq!(f.check(&slot(&f, "r", &[]), "12"), Err(Problem::OutOfRange));
    assert_eq!(
        f.check(&slot(&f, "g", &[]), "45.07 7.68"),
        Ok(Some("45.07 7.68".into()))
    );
    assert!(matches!(
        f.check(&slot(&f, "g", &[]), "95 7"),
        Err(Problem::Type(_))
    ));
    assert_eq!(
        f.answer(&slot(&f, "s", &[])),
        Some("2020-06-15T10:00:00.000+02:00")
    );
    assert_eq!(f.answer(&slot(&f, "u", &[])), Some("Mario"));
    assert_eq!(f.answer(&slot(&f, "h", &[])), Some("x"));
    assert!(initial.iter().any(|(p, v)| p == "/u" && v == "Mario"));
    // Metadata and hidden values are not screens.
    assert_eq!(f.screens().len(), 4);
}

#[test]
fn new_instances_get_their_defaults() {
    let json = r#"{"format":"rileva-form/1","settings":{"form_id":"d"},"survey":[
        {"type":"text","name":"town","label":"Town","default":"Roma"},
        {"type":"integer","name":"n","label":"N"},
        {"type":"repeat","name":"r","label":"R","children":[
            {"type":"text","name":"city","label":"City","default":"${town}"},
            {"type":"integer","name":"k","label":"K","default":"5"},
            {"type":"integer","name":"pos","label":"Position","default":"position(..)"}]},
        {"type":"repeat","name":"c","label":"C","repeat_count":"${n}","children":[
            {"type":"text","name":"tag","label":"Tag","default":"t"}]}]}"#;
    let form = Arc::new(
        compile(&FormBundle {
            definition: json.into(),
            files: Default::default(),
        })
        .expect("compiles"),
    );
    let (mut f, _) = Filling::start(form, clock(), &MetaInfo::default());
    let r = node(&f, "r");
    f.add_instance(r, &[]);
    let idx = f.add_instance(r, &[]).expect("added");
    assert_eq!(f.answer(&slot(&f, "city", &idx)), Some("Roma"));
    assert_eq!(f.answer(&slot(&f, "k", &idx)), Some("5"));
    assert_eq!(f.answer(&slot(&f, "pos", &idx)), Some("2"));
    set(&mut f, "n", &[], "2");
    assert_eq!(
        f.answer(&slot(&f, "tag", &[1])),
        Some("t"),
        "instances made by repeat_count too"
    );
    // Reopening does not apply defaults over what was stored (a cleared answer stays cleared).
    let c1 = slot(&f, "k", &[0]);
    f.set_answer(&c1, None);
    let g = Filling::new(f.form().clone(), f.stored_answers(), clock());
    assert_eq!(g.answer(&c1), None);
}
