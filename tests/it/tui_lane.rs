//! Slow work in the background lane (issue "Foundations", section 3): an
//! export from the start screen runs on its own store connection while keys
//! keep working, says how far it is, and marks what it wrote.

use crate::common;
use crate::tui_support::Harness;
use rileva::store::{Listing, Status, Store};
use rileva::tui::action::{Action, Outcome};
use rileva::tui::state::{Flash, Screen};

fn exported_files(h: &Harness) -> usize {
    std::fs::read_dir(h.dir.path().join("exports"))
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
            })
            .count()
        })
        .unwrap_or(0)
}

#[test]
fn x_exports_in_the_background_and_keys_keep_working() {
    let mut h = Harness::new();
    h.keys("Mario<Enter>");
    let mut other = Store::open(h.dir.path()).expect("store");
    common::create_many(&mut other, 600);
    drop(other);
    h.action(Action::Tick);
    h.keys("x");
    assert!(h.app.job.is_some(), "under way");
    assert!(
        h.screen(80, 24).contains("Esportazione in corso"),
        "{}",
        h.screen(80, 24)
    );
    // The screens are not waiting for it: keys work meanwhile.
    h.keys("<Down><Down>");
    match &h.app.screen {
        Screen::Start(s) => assert_eq!(s.cursor(rileva::tui::screens::start::Pane::Completed), 2),
        _ => panic!("start screen"),
    }
    // A second x while it runs is refused with a word.
    h.keys("x");
    assert!(h.screen(80, 24).contains("già in corso") || h.app.job.is_none());
    h.finish_lane();
    assert!(h.app.job.is_none());
    assert!(
        matches!(
            &h.app.flash,
            Some(Flash::Exported {
                written: 600,
                unreadable: 0,
                ..
            })
        ),
        "{:?}",
        h.app.flash
    );
    assert_eq!(exported_files(&h), 600);
    let s = match &h.app.screen {
        Screen::Start(s) => s,
        _ => panic!("start screen"),
    };
    assert_eq!(
        (s.counts.complete, s.counts.exported),
        (0, 600),
        "read again"
    );
    assert!(
        h.screen(80, 24).contains("Esportate 600"),
        "{}",
        h.screen(80, 24)
    );
    // Nothing left: a second export says so.
    h.keys("x");
    h.finish_lane();
    assert!(matches!(
        &h.app.flash,
        Some(Flash::Exported { written: 0, .. })
    ));
    assert!(h.screen(80, 24).contains("Niente da esportare"));
}

#[test]
fn the_lane_reports_progress_in_order() {
    let mut h = Harness::new();
    h.keys("Mario<Enter>");
    common::create_many(&mut h.rt.store, 1200);
    h.keys("x");
    let mut seen = Vec::new();
    while h.rt.lane.busy() {
        let a =
            h.rt.lane
                .next_within(std::time::Duration::from_secs(30))
                .expect("answers");
        if let Action::Done(Outcome::JobProgress { done, total }) = &a {
            seen.push((*done, *total));
        }
        rileva::tui::dispatch(&mut h.app, &mut h.rt, a);
    }
    assert!(!seen.is_empty(), "progress was said");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
    assert!(seen.iter().all(|&(_, t)| t == 1200));
    assert_eq!(seen.last().map(|s| s.0), Some(1200));
    let store = Store::open(h.dir.path()).expect("store");
    assert_eq!(
        store
            .count(Listing::Status(Status::Exported))
            .expect("count"),
        1200
    );
}
