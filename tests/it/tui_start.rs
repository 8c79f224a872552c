//! The start screen over many responses: a window read around the cursor,
//! counts from the index, and what other processes change shown without a
//! key (issue "Foundations", section 2 and defect 8).

use crate::common;
use crate::tui_support::Harness;
use rileva::store::Store;
use rileva::tui::action::Action;
use rileva::tui::state::Screen;

fn on_start(h: &Harness) -> &rileva::tui::screens::start::Start {
    match &h.app.screen {
        Screen::Start(s) => s,
        _ => panic!("not on the start screen"),
    }
}

#[test]
fn the_start_screen_reads_a_window_and_follows_the_cursor() {
    let mut h = Harness::new();
    h.keys("Mario<Enter>");
    let mut other = Store::open(h.dir.path()).expect("an import, say");
    common::create_many(&mut other, 450);
    h.action(Action::Tick);
    let s = on_start(&h);
    assert_eq!(s.counts.complete, 450);
    let w = s.window(rileva::tui::screens::start::Pane::Completed);
    assert_eq!(w.total, 450);
    assert!(
        w.rows.len() <= 200,
        "a page, not everything: {}",
        w.rows.len()
    );
    assert!(h.screen(80, 24).contains("Comune 449"), "the newest first");
    // To the end: the last page is read, the oldest shown.
    h.keys("<End>");
    let screen = h.screen(80, 24);
    assert!(screen.contains("Comune 0"), "{screen}");
    assert!(
        on_start(&h).selected().is_some(),
        "the row under the cursor is read"
    );
    // And back, a page at a time.
    for _ in 0..40 {
        h.keys("<PgUp>");
        assert!(on_start(&h).selected().is_some());
    }
    h.keys("<Home>");
    assert!(h.screen(80, 24).contains("Comune 449"));
    h.keys("<Enter>");
    assert_eq!(
        h.fill().row.instance_name.as_deref(),
        Some("Comune 449"),
        "Enter opens the response under the cursor"
    );
}

/// Was: the counts were not refreshed after another process exported or
/// imported.
#[test]
fn what_another_process_changes_shows_up_without_a_key() {
    let mut h = Harness::new();
    h.keys("Mario<Enter>");
    let mut other = Store::open(h.dir.path()).expect("another process's store");
    let ids = common::create_many(&mut other, 3);
    assert_eq!(on_start(&h).counts.complete, 0, "not read yet");
    h.action(Action::Tick);
    assert_eq!(on_start(&h).counts.complete, 3);
    other
        .mark_exported(&ids[..2], "2020-05-11T12:00:00.000+02:00")
        .expect("exported elsewhere");
    h.action(Action::Tick);
    let s = on_start(&h);
    assert_eq!((s.counts.complete, s.counts.exported), (1, 2));
    assert!(
        h.screen(80, 24).contains("Esportate 2"),
        "{}",
        h.screen(80, 24)
    );
}
