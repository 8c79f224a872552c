//! Layer 2: the transcription layout's keys (paper ID, codes, auto-advance,
//! the bell and held keys), through keymap + update against a real store;
//! and what the audit log keeps of it.

use crate::tui_support;

use rileva::form::FormBundle;
use rileva::tui::keymap::Mode;
use rileva::tui::state::Screen;
use tui_support::{Harness, masked};

/// The default form, a transcription started on paper `P-7`.
fn keyed() -> Harness {
    let mut h = Harness::new();
    h.keys("Mario Rossi<Enter>t");
    assert!(
        matches!(&h.app.screen, Screen::Operator(s) if s.task == rileva::tui::state::Task::Paper)
    );
    h.keys("<Enter>");
    assert!(
        matches!(&h.app.screen, Screen::Operator(s) if s.error),
        "an empty paper number is refused"
    );
    h.keys("P-7<Enter>");
    assert!(h.fill().transcribing());
    assert_eq!(h.current(), "A01");
    h
}

fn stored_value(h: &Harness, name: &str) -> Option<String> {
    let path = h.path(name);
    h.stored(&h.response_id())
        .into_iter()
        .find(|(p, _)| *p == path)
        .map(|(_, v)| v)
}

/// A small form with a date, a multiple choice with one-digit codes, and a
/// question that is relevant only for one answer.
fn small() -> Harness {
    let json = r#"{"format":"rileva-form/1","settings":{"form_id":"small"},"survey":[
      {"type":"group","name":"s1","label":"Uno","children":[
        {"type":"select_one","list":"yn","name":"q1","label":"Yes or no"},
        {"type":"text","name":"q2","label":"Why","relevant":"${q1} = 'y'"},
        {"type":"date","name":"q3","label":"When"},
        {"type":"select_multiple","list":"colours","name":"q4","label":"Colours"},
        {"type":"integer","name":"q5","label":"How many","constraint":". < 100"}
      ]}],
      "choices":{"yn":[{"name":"y","label":"Yes"},{"name":"n","label":"No"}],
        "colours":[{"name":"r","label":"Red"},{"name":"g","label":"Green"},{"name":"b","label":"Blue"}]}}"#;
    let mut h = Harness::with_bundle(FormBundle {
        definition: json.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>tA1<Enter>");
    assert!(h.fill().transcribing());
    h
}

#[test]
fn codes_as_printed_pick_and_a_complete_code_moves_on() {
    let mut h = keyed();
    // A01: 2 is "Comune" (its position); no longer code: it moves on.
    h.keys("2");
    assert_eq!(stored_value(&h, "A01").as_deref(), Some("comune"));
    assert_eq!(h.current(), "A02", "A01_altro is not relevant: skipped");
    // A02: regions are numbered 01–20; 1 begins 10–19 and waits.
    h.keys("1");
    assert_eq!(h.current(), "A02");
    assert_eq!(stored_value(&h, "A02"), None);
    h.keys("6");
    assert_eq!(
        stored_value(&h, "A02").as_deref(),
        Some("16"),
        "Puglia, not the 16th item"
    );
    // A03: province codes among Puglia's only (the choice filter).
    h.keys("272");
    assert_eq!(stored_value(&h, "A03").as_deref(), Some("272"));
    // A03b, the municipality list from a file: its code typed.
    h.keys("072006");
    assert_eq!(stored_value(&h, "A03b").as_deref(), Some("072006"));
    // A text moves on with Enter.
    h.keys("Comune di Bari<Enter>");
    assert_eq!(stored_value(&h, "A04").as_deref(), Some("Comune di Bari"));
    assert_eq!(h.current(), "A06", "A05 is for Ambiti only");
    // Italian thousands points, as paper has them.
    h.keys("316.000<Enter>");
    assert_eq!(stored_value(&h, "A06").as_deref(), Some("316000"));
    assert_eq!(h.rt.rings, 0);
    assert_eq!(h.fill().row.paper_id.as_deref(), Some("P-7"));
}

#[test]
fn a_refused_code_rings_and_holds_every_key_until_esc() {
    let mut h = keyed();
    h.keys("216");
    assert_eq!(h.current(), "A03");
    // No province of Puglia has a code beginning with 9.
    h.keys("9");
    assert_eq!(h.rt.rings, 1, "the bell rang");
    assert_eq!(h.app.mode(), Mode::Held);
    // Typed blind after the error: held back, put in no field.
    h.keys("272072006Comune<Enter><Tab>");
    assert_eq!(h.current(), "A03", "the cursor stayed on the field");
    assert_eq!(stored_value(&h, "A03"), None);
    assert_eq!(stored_value(&h, "A03b"), None);
    assert_eq!(h.fill().held, Some(17));
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Nessuna voce dell'elenco ha il codice «9»"),
        "{screen}"
    );
    assert!(screen.contains("17 tasti trattenuti"), "{screen}");
    assert!(h.app.session.bad_keys >= 18);
    // Esc: acknowledged; the field is keyed again.
    h.keys("<Esc>272");
    assert_eq!(stored_value(&h, "A03").as_deref(), Some("272"));
    assert_eq!(h.current(), "A03b");
    assert_eq!(h.rt.rings, 1);
    // The refused code is in the audit log, once, as typed.
    let id = h.response_id();
    h.rt.store.flush_audit().expect("written");
    let log = h.rt.store.audit_log(&id).expect("audit");
    let refused: Vec<_> = log
        .iter()
        .filter(|e| e.event == "constraint error")
        .map(|e| (e.node.as_deref(), e.new_value.as_deref()))
        .collect();
    assert_eq!(refused, [(Some("/sez_A/A03"), Some("9"))]);
}

#[test]
fn esc_and_a_key_typed_at_once_acknowledge_and_key_the_field() {
    let mut h = keyed();
    h.keys("2169");
    assert_eq!(h.app.mode(), Mode::Held);
    // A fast Esc followed by 2 reaches the terminal as Alt+2.
    h.keys("<A-2>72");
    assert_eq!(stored_value(&h, "A03").as_deref(), Some("272"));
}

#[test]
fn dates_of_eight_digits_and_several_codes_move_on_or_wait() {
    let mut h = small();
    h.keys("2");
    assert_eq!(h.current(), "q3", "q2 is only for yes");
    h.keys("15032020");
    assert_eq!(stored_value(&h, "q3").as_deref(), Some("2020-03-15"));
    assert_eq!(h.current(), "q4");
    // One-digit codes of a multiple choice go together; Enter ends it.
    h.keys("13");
    assert_eq!(h.current(), "q4", "a multiple choice waits for Enter");
    h.keys("<Enter>");
    assert_eq!(stored_value(&h, "q4").as_deref(), Some("r b"));
    // A value the constraint refuses: the bell, and the keys held.
    h.keys("150<Enter>9");
    assert_eq!(h.rt.rings, 1);
    assert_eq!(h.fill().held, Some(1));
    assert_eq!(stored_value(&h, "q5"), None);
    h.keys("<Esc><C-u>");
    assert_eq!(h.app.mode(), Mode::Text);
}

#[test]
fn the_page_follows_relevance_and_shows_the_rest_dim() {
    let mut h = small();
    let before = h.screen(80, 24);
    assert!(before.contains("q2") && before.contains("[—]"), "{before}");
    h.keys("1");
    assert_eq!(h.current(), "q2", "Why is asked after a yes");
    h.keys("<S-Tab><S-Tab>");
    insta::assert_snapshot!("transcription_page_80x24", masked(h.screen(80, 24)));
    insta::assert_snapshot!("transcription_page_200x60", masked(h.screen(200, 60)));
}

#[test]
fn without_auto_advance_a_complete_code_waits_for_enter() {
    let mut h = small();
    h.app.keying.auto_advance = false;
    h.keys("1");
    assert_eq!(h.current(), "q1");
    h.keys("<Enter>");
    assert_eq!(stored_value(&h, "q1").as_deref(), Some("y"));
    assert_eq!(h.current(), "q2");
}

#[test]
fn a_paper_keyed_twice_is_refused_and_its_draft_reopens_in_the_layout() {
    let mut h = keyed();
    h.keys("2<Esc>");
    h.keys("tP-7<Enter>");
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("la carta P-7 è già stata trascritta"),
        "{screen}"
    );
    assert!(
        matches!(&h.app.screen, Screen::Operator(s) if s.task == rileva::tui::state::Task::Paper)
    );
    h.keys("<Esc><Enter>");
    assert!(
        h.fill().transcribing(),
        "a paper's draft opens as it was keyed"
    );
    assert_eq!(h.current(), "A02");
    // Was: the refused second paper took the audit events noted before it
    // (the first response's exit) into its failed transaction.
    let id = h.response_id();
    h.rt.store.flush_audit().expect("written");
    let log = h.rt.store.audit_log(&id).expect("audit");
    assert!(log.iter().any(|e| e.event == "form exit"), "{log:?}");
    assert!(log.iter().any(|e| e.event == "form resume"), "{log:?}");
}

/// An audit row as (event, node, old value, new value).
type Event<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);

#[test]
fn the_audit_log_keeps_every_event_with_old_and_new_values() {
    let mut h = keyed();
    h.keys("2");
    // Back to A01 and changed: the change keeps the old value.
    h.keys("<S-Tab>1");
    let id = h.response_id();
    h.keys("<Esc>");
    // What only the screens saw is written with the next write, or when
    // the store closes.
    h.rt.store.flush_audit().expect("written");
    let log = h.rt.store.audit_log(&id).expect("audit");
    let events: Vec<Event<'_>> = log
        .iter()
        .map(|e| {
            (
                e.event.as_str(),
                e.node.as_deref(),
                e.old_value.as_deref(),
                e.new_value.as_deref(),
            )
        })
        .collect();
    assert_eq!(events[0], ("form start", None, None, Some("P-7")));
    assert!(events.contains(&("answer", Some("/sez_A/A01"), None, Some("comune"))));
    assert!(
        events.contains(&("answer", Some("/sez_A/A01"), Some("comune"), Some("ambito"))),
        "{events:?}"
    );
    assert!(
        events.contains(&("group questions", Some("/sez_A"), None, None)),
        "{events:?}"
    );
    assert_eq!(events.last().map(|e| e.0), Some("form exit"));
    assert!(log.iter().all(|e| e.user == "Mario Rossi"));
}

/// The first paper of `keyed()`, its section A keyed as far as A06.
fn first_paper_keyed() -> Harness {
    let mut h = keyed();
    h.keys("216272072006Comune di Bari<Enter>316.000<Enter>");
    assert_eq!(stored_value(&h, "A06").as_deref(), Some("316000"));
    h
}

#[test]
fn the_ditto_key_copies_the_operators_previous_answer_and_moves_on() {
    let mut h = first_paper_keyed();
    h.keys("<Esc>tP-8<Enter>");
    assert_eq!(h.fill().row.paper_id.as_deref(), Some("P-8"));
    assert_eq!(h.current(), "A01");
    // Ctrl+R on each field: the answer of P-7 to the same question.
    h.keys("<C-r><C-r><C-r><C-r><C-r>");
    assert_eq!(stored_value(&h, "A01").as_deref(), Some("comune"));
    assert_eq!(stored_value(&h, "A02").as_deref(), Some("16"));
    assert_eq!(stored_value(&h, "A03").as_deref(), Some("272"));
    assert_eq!(stored_value(&h, "A03b").as_deref(), Some("072006"));
    assert_eq!(stored_value(&h, "A04").as_deref(), Some("Comune di Bari"));
    assert_eq!(h.current(), "A06");
    assert_eq!(h.rt.rings, 0);
    // A ditto is an answer like any other in the audit log.
    let id = h.response_id();
    h.rt.store.flush_audit().expect("written");
    let log = h.rt.store.audit_log(&id).expect("audit");
    assert!(
        log.iter().any(|e| e.event == "answer"
            && e.node.as_deref() == Some("/sez_A/A04")
            && e.new_value.as_deref() == Some("Comune di Bari")),
        "{log:?}"
    );
}

#[test]
fn a_ditto_with_nothing_to_copy_rings_and_holds_the_keys_after_it() {
    let mut h = first_paper_keyed();
    // A07 was not answered on P-7.
    h.keys("<Esc>tP-8<Enter><C-r><C-r><C-r><C-r><C-r><C-r>");
    assert_eq!(h.current(), "A07");
    h.keys("<C-r>");
    assert_eq!(h.rt.rings, 1);
    assert_eq!(h.app.mode(), Mode::Held);
    h.keys("x");
    let screen = h.screen(80, 24);
    assert!(screen.contains("Niente da copiare"), "{screen}");
    assert!(screen.contains("1 tasto trattenuto"), "{screen}");
    h.keys("<Esc>");
    assert_ne!(h.app.mode(), Mode::Held, "acknowledged");
    // The first response of an operator has nothing before it either.
    let mut h = keyed();
    h.keys("<C-r>");
    assert_eq!(h.rt.rings, 1);
    assert_eq!(stored_value(&h, "A01"), None);
}

#[test]
fn the_ditto_key_copies_from_the_same_operator_only() {
    let mut h = first_paper_keyed();
    // Another operator (o on the start screen changes who keys).
    h.keys("<Esc>o");
    h.keys(&"<BS>".repeat("Mario Rossi".len()));
    h.keys("Luca Bianchi<Enter>");
    assert_eq!(h.app.operator.as_deref(), Some("Luca Bianchi"));
    h.keys("tP-9<Enter><C-r>");
    assert_eq!(h.rt.rings, 1, "Mario's paper is not Luca's previous one");
    assert_eq!(stored_value(&h, "A01"), None);
}

#[test]
fn the_jump_key_goes_to_a_printed_number_or_says_why_not() {
    let mut h = first_paper_keyed();
    h.keys("<C-g>");
    assert_eq!(h.app.mode(), Mode::Jump);
    h.keys("B01");
    let screen = h.screen(80, 24);
    assert!(screen.contains("Vai alla domanda n. B01"), "{screen}");
    h.keys("<Enter>");
    assert_eq!(h.current(), "B01");
    assert!(h.fill().jump.is_none());
    // In any case, and back to section A.
    h.keys("<C-g>a04<Enter>");
    assert_eq!(h.current(), "A04");
    // No such number: the bell, the reason, the keys after it held.
    h.keys("<C-g>Z99<Enter>");
    assert_eq!(h.rt.rings, 1);
    assert_eq!(h.app.mode(), Mode::Held);
    h.keys("Comune");
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Nessuna domanda ha il numero «Z99»"),
        "{screen}"
    );
    assert_eq!(stored_value(&h, "A04").as_deref(), Some("Comune di Bari"));
    h.keys("<Esc>");
    assert!(h.fill().jump.is_none(), "Esc closes the prompt too");
    // A05 is for Ambiti only, and A01 says Comune.
    h.keys("<C-g>A05<Enter>");
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("A05 non va compilata per le risposte date"),
        "{screen}"
    );
    h.keys("<Esc>");
    // Esc in the prompt itself closes it and stays.
    h.keys("<C-g>B0<Esc>");
    assert!(h.fill().jump.is_none());
    assert_eq!(h.current(), "A04");
    let id = h.response_id();
    h.rt.store.flush_audit().expect("written");
    let log = h.rt.store.audit_log(&id).expect("audit");
    assert!(
        log.iter()
            .any(|e| e.event == "jump" && e.node.as_deref() == Some("/sez_B/B01")),
        "{log:?}"
    );
}

/// A section with a repeat in it, then another section.
fn with_repeat() -> Harness {
    let json = r#"{"format":"rileva-form/1","settings":{"form_id":"fam"},"survey":[
      {"type":"group","name":"h","label":"Household","children":[
        {"type":"integer","name":"h1","label":"Rooms"},
        {"type":"repeat","name":"member","label":"Member","children":[
          {"type":"text","name":"mname","label":"Name"},
          {"type":"select_one","list":"sex","name":"sex","label":"Sex"}
        ]},
        {"type":"text","name":"h2","label":"Notes"}
      ]},
      {"type":"group","name":"z","label":"End","children":[
        {"type":"text","name":"z1","label":"Last"}
      ]}],
      "choices":{"sex":[{"name":"m","label":"Male"},{"name":"f","label":"Female"}]}}"#;
    let mut h = Harness::with_bundle(FormBundle {
        definition: json.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>tH-1<Enter>");
    assert!(h.fill().transcribing());
    h
}

#[test]
fn a_repeat_is_blocks_on_its_sections_page_with_another_entry_asked_by_code() {
    let mut h = with_repeat();
    h.keys("3<Enter>");
    assert_eq!(h.current(), "member", "another entry? comes after h1");
    assert_eq!(h.app.mode(), Mode::RepeatEnd);
    // 1: yes, another; the cursor goes into the new entry's block.
    h.keys("1");
    assert_eq!(h.current(), "mname");
    h.keys("Rosa<Enter>2");
    assert_eq!(h.current(), "member", "asked again after the entry");
    h.keys("1Luca<Enter>1");
    let screen = h.screen(80, 24);
    insta::assert_snapshot!("transcribe_repeat_blocks", masked(screen.clone()));
    insta::assert_snapshot!("transcribe_repeat_blocks_wide", masked(h.screen(200, 60)));
    assert!(screen.contains("── Member 1 "), "{screen}");
    assert!(screen.contains("── Member 2 "), "{screen}");
    assert!(screen.contains("Un'altra voce? (Member)"), "{screen}");
    // 2: no other entry; the page goes on to h2, on the same page.
    h.keys("2");
    assert_eq!(h.current(), "h2");
    h.keys("<Enter>");
    assert_eq!(h.current(), "z1", "the next section");
    let id = h.response_id();
    let stored = h.stored(&id);
    let has = |p: &str, v: &str| stored.iter().any(|(sp, sv)| sp == p && sv == v);
    assert!(has("/h/member[1]/mname", "Rosa"), "{stored:?}");
    assert!(has("/h/member[1]/sex", "f"), "{stored:?}");
    assert!(has("/h/member[2]/mname", "Luca"), "{stored:?}");
    assert!(has("/h/member[2]/sex", "m"), "{stored:?}");
    // The audit log has the entries added.
    h.rt.store.flush_audit().expect("written");
    let log = h.rt.store.audit_log(&id).expect("audit");
    let added: Vec<_> = log
        .iter()
        .filter(|e| e.event == "add repeat")
        .filter_map(|e| e.node.as_deref())
        .collect();
    assert_eq!(added, ["/h/member[1]", "/h/member[2]"]);
}

#[test]
fn enter_on_another_entry_goes_on_and_ctrl_d_there_removes_nothing() {
    let mut h = with_repeat();
    h.keys("3<Enter>");
    assert_eq!(h.current(), "member");
    h.keys("<C-d>");
    assert!(h.fill().confirm.is_none(), "no entry to remove here");
    h.keys("<Enter>");
    assert_eq!(h.current(), "h2");
    // Back up to it and add one: the entry is removed with Ctrl+D inside it.
    h.keys("<S-Tab>1Rosa<Enter>");
    assert_eq!(h.current(), "sex");
    h.keys("<C-d>s");
    assert_eq!(h.current(), "member", "{:?}", h.fill().page.focus);
    let id = h.response_id();
    assert!(
        h.stored(&id).iter().all(|(p, _)| !p.contains("member")),
        "{:?}",
        h.stored(&id)
    );
}

#[test]
fn a_value_refused_on_enter_is_audited_once() {
    let mut h = small();
    h.keys("215032020");
    h.keys("1<Enter>");
    assert_eq!(h.current(), "q5");
    h.keys("150<Enter>");
    assert_eq!(h.rt.rings, 1);
    let id = h.response_id();
    h.rt.store.flush_audit().expect("written");
    let log = h.rt.store.audit_log(&id).expect("audit");
    let refused: Vec<_> = log
        .iter()
        .filter(|e| e.event == "constraint error")
        .map(|e| (e.node.as_deref(), e.new_value.as_deref()))
        .collect();
    assert_eq!(refused, [(Some("/s1/q5"), Some("150"))]);
}

/// A section with two repeats side by side.
fn two_repeats() -> Harness {
    let json = r#"{"format":"rileva-form/1","settings":{"form_id":"two"},"survey":[
      {"type":"group","name":"h","label":"Household","children":[
        {"type":"repeat","name":"car","label":"Car","children":[
          {"type":"text","name":"cname","label":"Make"}
        ]},
        {"type":"repeat","name":"member","label":"Member","children":[
          {"type":"text","name":"mname","label":"Name"}
        ]}
      ]},
      {"type":"group","name":"z","label":"End","children":[
        {"type":"text","name":"z1","label":"Last"}
      ]}]}"#;
    let mut h = Harness::with_bundle(FormBundle {
        definition: json.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>tH-2<Enter>");
    h.keys("1Fiat<Enter>1Opel<Enter>2");
    h.keys("1Rosa<Enter>1Luca<Enter>1Ugo<Enter>");
    assert_eq!(h.current(), "member", "another member?");
    h
}

#[test]
fn removing_an_entry_leaves_the_cursor_in_the_same_repeat() {
    // Was: the cursor went to the other repeat's entry of the same number,
    // and the next keys changed an answer the operator had not touched.
    let mut h = two_repeats();
    let id = h.response_id();
    h.keys("<S-Tab><S-Tab>");
    assert_eq!(h.fill().current_slot().idx, [1], "member 2");
    h.keys("<C-d>s");
    assert_eq!(h.current(), "mname");
    assert_eq!(
        h.fill().current_slot().idx,
        [1],
        "Ugo's entry, now the second"
    );
    h.keys("X<Enter>");
    let stored = h.stored(&id);
    let at = |p: &str| {
        stored
            .iter()
            .find(|(sp, _)| sp == p)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(at("/h/car[2]/cname"), Some("Opel"), "{stored:?}");
    assert_eq!(at("/h/member[2]/mname"), Some("UgoX"), "{stored:?}");
    // The last entry removed: the cursor on "another member?".
    h.keys("<S-Tab><C-d>s");
    assert_eq!(h.current(), "member");
    assert!(h.fill().filling.is_another(&h.fill().current_slot()));
}

#[test]
fn a_jump_from_another_entry_goes_to_the_last_entry_and_to_an_empty_repeat() {
    let mut h = two_repeats();
    // From "another member?" to Name: the last member's.
    h.keys("<C-g>mname<Enter>");
    assert_eq!(h.current(), "mname");
    assert_eq!(h.fill().current_slot().idx, [2]);
    assert_eq!(h.rt.rings, 0);
    // A repeat with no entry yet: its "another entry?".
    let mut h = with_repeat();
    h.keys("<C-g>member<Enter>");
    assert_eq!(h.rt.rings, 0, "{}", h.screen(80, 24));
    assert_eq!(h.current(), "member");
    assert!(h.fill().filling.is_another(&h.fill().current_slot()));
}

#[test]
fn a_refused_jump_leaves_what_is_typed_in_the_field() {
    let mut h = with_repeat();
    h.keys("3<Enter>2");
    assert_eq!(h.current(), "h2");
    h.keys("abc<C-g>zz<Enter>");
    assert_eq!(h.rt.rings, 1);
    h.keys("<Esc>");
    let screen = h.screen(80, 24);
    assert!(screen.contains("[abc▏]"), "{screen}");
    // A ditto with nothing to copy says so, and Esc leaves the field too.
    h.keys("<C-r>");
    assert_eq!(h.rt.rings, 2);
    h.keys("<Esc>");
    let screen = h.screen(80, 24);
    assert!(screen.contains("[abc▏]"), "{screen}");
    assert!(!screen.contains("Niente da copiare"), "{screen}");
}

#[test]
fn an_entry_opened_from_the_outline_is_its_block_on_the_section_page() {
    let mut h = two_repeats();
    h.keys("<F3>");
    let rows = match &h.fill().view {
        rileva::tui::state::View::Outline(o) => o.rows.clone(),
        _ => panic!("the outline"),
    };
    let car2 = rows
        .iter()
        .position(|r| {
            matches!(r, rileva::tui::screens::lists::OutlineRow::Instance { slot, .. }
                if h.fill().filling.form().node(slot.node).name == "car" && slot.idx == [1])
        })
        .expect("Car 2 in the outline");
    if let Screen::Fill(f) = &mut h.app.screen
        && let rileva::tui::state::View::Outline(o) = &mut f.view
    {
        o.cursor = car2;
    }
    h.keys("<Enter>");
    assert_eq!(h.current(), "cname");
    assert_eq!(h.fill().current_slot().idx, [1]);
}

#[test]
fn the_start_screen_lists_a_paper_by_its_number() {
    let mut h = keyed();
    h.keys("2<Esc>");
    let screen = h.screen(80, 24);
    assert!(screen.contains("[P-7] "), "{screen}");
}
