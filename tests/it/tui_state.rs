//! Layer 2: key scripts through keymap + update, effects against a real store in
//! a temp dir. No terminal.

use crate::tui_support;

use rileva::engine::Problem;
use rileva::store::StoreError;
use rileva::tui::action::{Action, Failure, Outcome};
use rileva::tui::effect::Effect;
use rileva::tui::keymap::Mode;
use rileva::tui::state::{Flash, Screen, View};
use rileva::tui::update::update;
use tui_support::Harness;

/// A harness past the operator prompt, on the first question of a new response.
fn started() -> Harness {
    let mut h = Harness::new();
    h.keys("Mario Rossi<Enter>n");
    assert_eq!(h.current(), "A01");
    h
}

#[test]
fn first_start_asks_for_the_operator_and_remembers_it() {
    let mut h = Harness::new();
    assert_eq!(h.app.mode(), Mode::Operator);
    h.keys("   <Enter>");
    assert_eq!(h.app.mode(), Mode::Operator, "an empty name is refused");
    h.keys("Mario Rossi<Enter>");
    assert_eq!(h.app.mode(), Mode::Start);
    assert_eq!(h.app.operator.as_deref(), Some("Mario Rossi"));
    let h = h.restart();
    assert_eq!(
        h.app.mode(),
        Mode::Start,
        "the name is remembered for the data directory"
    );
    assert_eq!(h.app.operator.as_deref(), Some("Mario Rossi"));
}

#[test]
fn operator_can_be_changed_from_the_start_screen() {
    let mut h = Harness::new();
    h.keys("Mario<Enter>o<C-u>");
    assert_eq!(h.app.mode(), Mode::Operator);
    h.keys("<Esc>");
    assert_eq!(h.app.mode(), Mode::Start, "Esc cancels when a name exists");
    h.keys("o<End><BS><BS><BS><BS><BS>Lucia Bianchi<Enter>");
    assert_eq!(h.app.operator.as_deref(), Some("Lucia Bianchi"));
    h.keys("n");
    assert_eq!(
        h.fill().row.operator,
        "Lucia Bianchi",
        "new responses record the operator"
    );
}

#[test]
fn a_confirmed_answer_is_in_the_store_before_the_screen_says_saved() {
    let mut h = started();
    let id = h.response_id();
    // Enter emits the write; until it is done nothing says saved and the
    // screen does not move on.
    h.keys("2");
    let effects = update(&mut h.app, Action::Cmd(rileva::tui::keymap::Cmd::Confirm));
    assert!(
        matches!(effects.as_slice(), [Effect::SaveAnswer { value: Some(v), .. }] if v == "comune")
    );
    assert_eq!(h.current(), "A01", "still on A01 until the save is done");
    assert!(h.app.flash.is_none());
    assert!(h.stored(&id).is_empty());
    let shown = h.screen(80, 24);
    assert!(
        !shown.contains("salvato") && !shown.contains("Salvato"),
        "{shown}"
    );
    // Running the effect commits, then the screen moves on and says saved.
    for e in effects {
        let a = h.rt.execute(e);
        h.action(a);
    }
    assert_eq!(h.stored(&id), vec![(h.path("A01"), "comune".to_string())]);
    assert_eq!(h.current(), "A02");
    assert!(matches!(&h.app.flash, Some(Flash::Saved { name, .. }) if name == "A01"));
}

fn disk_full(effects: &[Effect]) -> Action {
    let undo = effects.iter().find_map(|e| match e {
        Effect::SaveAnswer { undo, .. } => Some(undo.clone()),
        _ => None,
    });
    Action::Done(Outcome::Failed {
        error: Failure::Store(StoreError::DiskFull),
        undo,
    })
}

#[test]
fn a_failed_save_keeps_the_answer_on_screen_and_says_not_saved() {
    let mut h = started();
    h.keys("2");
    let effects = update(&mut h.app, Action::Cmd(rileva::tui::keymap::Cmd::Confirm));
    assert_eq!(effects.len(), 1);
    // The disk is full: the store reports a failure instead of a commit.
    h.action(disk_full(&effects));
    assert_eq!(h.current(), "A01");
    assert_eq!(h.value(), "comune", "the choice is still on screen");
    let slot = h.field().slot.clone();
    assert_eq!(
        h.fill().filling.answer(&slot),
        None,
        "the response holds only what is stored"
    );
    assert!(h.screen(80, 24).contains("NON SALVATO"));
    // Ctrl+C now tries to save again; a second failure arms a forced quit.
    let effects = update(&mut h.app, Action::Cmd(rileva::tui::keymap::Cmd::Quit));
    // The audit log notes the exit first, then the save is tried again.
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Audit(e), Effect::SaveAnswer { .. }] if e.event == "form exit"
        ),
        "{effects:?}"
    );
    assert!(!h.app.leaves());
    h.action(disk_full(&effects));
    assert!((h.app.leaving == rileva::tui::state::Leaving::Armed));
    // Said in the interface's language, the way out first, at 80 columns.
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Ctrl+C di nuovo per uscire senza salvare"),
        "{screen}"
    );
    assert!(screen.contains("il disco è pieno"), "{screen}");
    assert!(!screen.contains("disk is full"), "{screen}");
    h.keys("<F2>");
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Ctrl+C again to quit without saving"),
        "{screen}"
    );
    assert!(screen.contains("the disk is full"), "{screen}");
    h.keys("<C-c>");
    assert!(h.app.leaves());
}

#[test]
fn a_refused_answer_shows_its_error_in_place_and_is_not_stored() {
    let mut h = started();
    let id = h.response_id();
    h.keys("2<Enter>");
    h.keys("<Down><Enter>"); // A02: first region
    assert_eq!(h.current(), "A03");
    h.keys("<Tab><Tab>"); // skip A03 and A03b
    assert_eq!(h.current(), "A04");
    h.keys("ab<Enter>");
    assert_eq!(h.current(), "A04", "two characters are refused");
    assert_eq!(h.field().error, Some(Problem::Constraint));
    assert!(
        h.screen(80, 24)
            .contains("Lunghezza ammessa: da 3 a 200 caratteri")
    );
    assert!(!h.stored(&id).iter().any(|(p, _)| p.ends_with("/A04")));
    h.keys("c<Enter>");
    assert_eq!(h.current(), "A06");
    assert!(h.stored(&id).contains(&(h.path("A04"), "abc".to_string())));
}

#[test]
fn required_question_cannot_be_confirmed_empty_but_can_be_skipped() {
    let mut h = started();
    h.keys("<Enter>");
    assert_eq!(h.current(), "A01");
    assert_eq!(h.field().error, Some(Problem::Required));
    h.keys("<Tab>");
    assert_eq!(h.current(), "A02");
}

#[test]
fn going_back_never_loses_an_answer() {
    let mut h = started();
    let id = h.response_id();
    h.keys("2<Enter><Down><Enter>");
    assert_eq!(h.current(), "A03");
    h.keys("<S-Tab><S-Tab>");
    assert_eq!(h.current(), "A01");
    assert_eq!(h.value(), "comune");
    h.keys("<PgDn>");
    assert_eq!(h.current(), "A02");
    assert_eq!(h.value(), "01");
    assert_eq!(h.stored(&id).len(), 2);
}

#[test]
fn leaving_saves_what_is_typed_and_resume_returns_there() {
    let mut h = started();
    let id = h.response_id();
    h.keys("2<Enter><Down><Enter><Tab><Tab>");
    assert_eq!(h.current(), "A04");
    h.keys("Comune di Ag");
    h.keys("<Esc>");
    assert_eq!(h.app.mode(), Mode::Start);
    assert!(
        h.stored(&id)
            .contains(&(h_path_a04(), "Comune di Ag".to_string()))
    );
    let mut h = h.restart();
    h.keys("<Enter>");
    assert_eq!(h.current(), "A04", "resume returns where the operator left");
    assert_eq!(h.value(), "Comune di Ag");
}

fn h_path_a04() -> String {
    "/sez_A/A04".to_string()
}

#[test]
fn text_left_unconfirmed_is_saved_even_when_invalid_and_shows_as_error() {
    let mut h = started();
    let id = h.response_id();
    h.keys("2<Enter><Down><Enter><Tab><Tab>ab<Tab>");
    assert_eq!(h.current(), "A06");
    assert!(
        h.stored(&id)
            .contains(&("/sez_A/A04".to_string(), "ab".to_string()))
    );
    h.keys("<F3>");
    assert_eq!(h.app.mode(), Mode::Outline);
    assert!(h.screen(100, 40).contains("✗ A04"));
}

#[test]
fn quitting_saves_what_is_typed() {
    let mut h = started();
    let id = h.response_id();
    h.keys("2<Enter><Down><Enter><Tab><Tab>Comune di Agliè<C-c>");
    assert!(h.app.leaves());
    assert!(
        h.stored(&id)
            .contains(&("/sez_A/A04".to_string(), "Comune di Agliè".to_string()))
    );
}

#[test]
fn sigterm_saves_what_is_typed_and_quits() {
    let mut h = started();
    let id = h.response_id();
    h.keys("2<Enter><Down><Enter><Tab><Tab>Comune");
    h.action(Action::Terminate);
    assert!(h.app.leaves());
    assert!(
        h.stored(&id)
            .contains(&("/sez_A/A04".to_string(), "Comune".to_string()))
    );
}

#[test]
fn the_cascade_filters_and_a_region_change_invalidates_the_province() {
    let mut h = started();
    h.keys("2<Enter>");
    // Piemonte is the first region.
    h.keys("1<Enter>");
    assert_eq!(h.current(), "A03");
    let shown = h.screen(80, 24);
    assert!(shown.contains("Torino"), "{shown}");
    assert!(!shown.contains("Agrigento"));
    h.keys("6<Enter>");
    assert_eq!(h.current(), "A03b");
    assert_eq!(
        h.app.mode(),
        Mode::Filter,
        "municipalities filter as you type"
    );
    h.keys("aglie");
    let shown = h.screen(80, 24);
    assert!(shown.contains("Agliè"), "{shown}");
    h.keys("<Enter>");
    assert_eq!(h.current(), "A04");
    let id = h.response_id();
    let stored = h.stored(&id);
    let comune = stored
        .iter()
        .find(|(p, _)| p.ends_with("/A03b"))
        .map(|(_, v)| v.clone());
    assert_eq!(comune.as_deref(), Some("001001"), "Agliè's ISTAT code");
    // Change the region: province and municipality become errors, kept.
    h.goto("A02");
    assert_eq!(h.current(), "A02");
    h.keys("3<Enter>"); // Lombardia
    assert_eq!(h.current(), "A03");
    assert!(matches!(
        h.fill().filling.status(&h.field().slot),
        rileva::engine::Status::Invalid(_)
    ));
    assert!(h.screen(80, 24).contains("non è (più) ammessa"));
}

#[test]
fn review_lists_problems_first_and_finalize_needs_none() {
    let mut h = started();
    h.keys("2<Enter><F4>");
    assert_eq!(h.app.mode(), Mode::Review);
    let Screen::Fill(f) = &h.app.screen else {
        panic!()
    };
    let View::Review(r) = &f.view else { panic!() };
    assert!(r.issues > 10);
    let first = f.filling.form().node(r.rows[0].node).name.clone();
    assert_eq!(
        first, "A02",
        "the first problem is the first missing required answer"
    );
    h.keys("f");
    assert_eq!(h.app.mode(), Mode::Review, "finalizing is refused");
    h.keys("<Enter>");
    assert_eq!(h.current(), "A02", "each problem is a jump away");
}

#[test]
fn f2_switches_the_language_of_interface_and_form() {
    let mut h = started();
    assert!(h.screen(80, 24).contains("Tipo di ente"));
    h.keys("<F2>");
    let s = h.screen(80, 24);
    assert!(s.contains("Type of body"), "{s}");
    assert!(s.contains("confirm"));
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut h = started();
    h.keys("<F1>");
    assert_eq!(h.app.mode(), Mode::Help);
    let s = h.screen(100, 40);
    for b in rileva::tui::keymap::bindings_here(Mode::Choices, false) {
        assert!(s.contains(b.help.it), "help lists {:?}", b.help.it);
    }
    h.keys("<Esc>");
    assert_eq!(h.app.mode(), Mode::Choices);
}

#[test]
fn multiline_text_takes_new_lines_with_alt_enter() {
    let mut h = started();
    h.keys("1<Enter>1<Enter><Tab>");
    assert_eq!(h.current(), "A04", "an Ambito has no municipality question");
    h.keys("Ambito X<Enter>");
    assert_eq!(h.current(), "A05");
    assert_eq!(h.app.mode(), Mode::Multiline);
    h.keys("Comune A<A-Enter>Comune B<Enter>");
    assert_eq!(h.current(), "A06");
    let id = h.response_id();
    assert!(
        h.stored(&id)
            .contains(&("/sez_A/A05".to_string(), "Comune A\nComune B".to_string()))
    );
}

#[test]
fn select_multiple_toggles_with_space_and_keys() {
    let mut h = started();
    h.goto("B07");
    h.keys("1<Down><Down><Space>c<Enter>");
    let id = h.response_id();
    let v = h
        .stored(&id)
        .into_iter()
        .find(|(p, _)| p.ends_with("/B07"))
        .map(|(_, v)| v);
    assert_eq!(v.as_deref(), Some("accesso sostegno_reddito altro"));
    assert_eq!(h.current(), "B07_altro");
}

#[test]
fn stored_control_characters_are_shown_inert_and_not_rewritten_by_a_visit() {
    let mut h = started();
    let id = h.response_id();
    h.keys("2<Enter>");
    let summary = rileva::store::Summary {
        position: Some("/sez_A/A02".into()),
        ..Default::default()
    };
    h.rt.store
        .save_answer(
            &id,
            "/sez_A/A04",
            Some("Y\u{1b}[31mX"),
            "test",
            &summary,
            "2020-06-15T10:00:00.000+02:00",
        )
        .expect("save");
    h.keys("<Esc><Enter>");
    assert_eq!(h.current(), "A02");
    h.keys("<Tab><Tab><Tab>");
    assert_eq!(h.current(), "A04");
    assert_eq!(
        h.value(),
        "Y\u{1b}[31mX",
        "the editor holds the stored text"
    );
    assert!(!h.field().dirty(&h.fill().filling));
    assert!(h.screen(80, 24).contains("Y␛[31mX"));
    h.keys("<Tab>");
    assert!(
        h.stored(&id)
            .contains(&("/sez_A/A04".to_string(), "Y\u{1b}[31mX".to_string())),
        "a visit changes nothing"
    );
}

#[test]
fn after_a_region_change_the_first_arrow_selects_the_first_province() {
    let mut h = started();
    h.keys("2<Enter>1<Enter>6<Enter><S-Tab><S-Tab>");
    assert_eq!(h.current(), "A02");
    h.keys("3<Enter>");
    assert_eq!(h.current(), "A03");
    // Torino is kept but not in Lombardia's list: the first Down selects
    // the first province shown instead of skipping it.
    h.keys("<Down>");
    let f = h.fill();
    let list = f.filling.form().list_of(h.field().slot.node).expect("list");
    let value = h.value();
    assert_eq!(
        list.choice(&value).map(|c| c.label.get("it", "it")),
        Some("Bergamo (BG)")
    );
}

#[test]
fn a_refused_answer_is_in_the_audit_log_in_the_question_layout_too() {
    let mut h = started();
    h.goto("A04");
    // Too short for A04's constraint (3 characters at least).
    h.keys("ab<Enter>");
    assert_eq!(h.current(), "A04", "refused: the cursor stays");
    let id = h.response_id();
    h.keys("<Esc>");
    h.rt.store.flush_audit().expect("written");
    let log = h.rt.store.audit_log(&id).expect("audit");
    assert!(
        log.iter().any(|e| e.event == "constraint error"
            && e.node.as_deref() == Some("/sez_A/A04")
            && e.new_value.as_deref() == Some("ab")),
        "{log:?}"
    );
}
