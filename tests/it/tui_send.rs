//! `s` on the start screen: the completed responses go to the server in the
//! background lane, the status line says how far and then what happened;
//! a server that needs a password none is saved for asks for one, unseen,
//! and asks again when the server refuses it; several servers, which.

use crate::common::{self, COMPLETE};
use crate::e2e_support::cli;
use crate::stub_central::{Auth, Stub};
use crate::tui_support::Harness;
use rileva::form::FormBundle;

#[test]
fn s_sends_in_the_background_and_says_what_went() {
    let dir = tempfile::tempdir().expect("temp dir");
    for n in 1..=2 {
        common::create(dir.path(), COMPLETE, true, n);
    }
    let stub = Stub::start(
        "/v1/key/T/projects/1",
        &[("buone_pratiche_covid19", "2020051102")],
    );
    let (code, out, err) = cli(dir.path(), &["server", "add", "c", &stub.base]);
    assert_eq!(code, 0, "{out}{err}");
    let mut h = Harness::in_dir(dir, FormBundle::embedded_default());
    h.keys("Anna<Enter>s");
    assert!(
        h.app.job.is_some_and(|j| j.sending),
        "a progress line while it goes"
    );
    assert!(h.screen(80, 24).contains("Invio in corso"));
    h.finish_lane();
    let s = h.screen(80, 24);
    assert!(s.contains("✓ Inviate a c: 2"), "{s}");
    assert_eq!(stub.ids().len(), 2);
    h.keys("s");
    h.finish_lane();
    assert!(
        h.screen(80, 24).contains("✓ Inviate a c: 0"),
        "nothing twice"
    );
    assert_eq!(stub.with(|s| s.stored), 2);
}

/// A server with a user and no saved password, its stub wanting `PASSWORD`.
const PASSWORD: &str = "s3greta-di-Anna";

fn kobo(dir: &std::path::Path) -> Stub {
    let stub = Stub::start("/anna", &[("buone_pratiche_covid19", "2020051102")]);
    stub.with(|s| {
        s.auth = Some(Auth::Basic {
            user: "anna".into(),
            password: PASSWORD.into(),
        })
    });
    let (code, out, err) = cli(
        dir,
        &["server", "add", "kobo", &stub.base, "--user", "anna"],
    );
    assert_eq!(code, 0, "{out}{err}");
    stub
}

#[test]
fn a_password_is_asked_unseen_used_for_that_send_and_never_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::create(dir.path(), COMPLETE, true, 1);
    let stub = kobo(dir.path());
    let mut h = Harness::in_dir(dir, FormBundle::embedded_default());
    h.keys("Anna<Enter>s");
    let s = h.screen(80, 24);
    assert!(s.contains("Password per l'invio"), "{s}");
    assert!(s.contains("anna @ kobo"), "whose password it is: {s}");
    h.keys(PASSWORD);
    let s = h.screen(80, 24);
    assert!(s.contains(&"•".repeat(PASSWORD.len())), "typed unseen: {s}");
    assert!(!s.contains("s3greta"), "{s}");
    h.keys("<Enter>");
    h.finish_lane();
    let s = h.screen(80, 24);
    assert!(s.contains("✓ Inviate a kobo: 1"), "{s}");
    assert_eq!(stub.ids().len(), 1);
    let saved = std::fs::read_dir(h.dir.path())
        .expect("data dir")
        .flatten()
        .filter(|e| {
            std::fs::read(e.path())
                .is_ok_and(|b| b.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()))
        })
        .count();
    assert_eq!(saved, 0, "the password is written nowhere");
}

#[test]
fn a_refused_password_is_asked_again_with_what_the_server_said_and_esc_gives_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::create(dir.path(), COMPLETE, true, 1);
    let stub = kobo(dir.path());
    let mut h = Harness::in_dir(dir, FormBundle::embedded_default());
    h.keys("Anna<Enter>s");
    h.keys("wrong<Enter>");
    h.finish_lane();
    let s = h.screen(100, 24);
    assert!(s.contains("Password per l'invio"), "asked again: {s}");
    assert!(s.contains("Rifiutata dal server: 401"), "{s}");
    assert!(stub.ids().is_empty());
    h.keys("<Esc>");
    let s = h.screen(100, 24);
    assert!(s.contains("1 da inviare"), "{s}");
    assert!(s.contains("(interrotto: 401 Could not authenticate"), "{s}");
    // The next send asks again, and the right password sends.
    h.keys("s");
    assert!(h.screen(100, 24).contains("Password per l'invio"));
    h.keys(&format!("{PASSWORD}<Enter>"));
    h.finish_lane();
    assert!(h.screen(100, 24).contains("✓ Inviate a kobo: 1"));
    assert_eq!(stub.ids().len(), 1);
}

#[test]
fn with_several_servers_the_operator_says_which_by_name_or_number() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::create(dir.path(), COMPLETE, true, 1);
    let forms = [("buone_pratiche_covid19", "2020051102")];
    let one = Stub::start("/v1/key/A/projects/1", &forms);
    let two = Stub::start("/v1/key/B/projects/2", &forms);
    cli(dir.path(), &["server", "add", "uno", &one.base]);
    cli(dir.path(), &["server", "add", "due", &two.base]);
    let mut h = Harness::in_dir(dir, FormBundle::embedded_default());
    h.keys("Anna<Enter>s");
    let s = h.screen(80, 24);
    assert!(s.contains("Inviare a quale server?"), "{s}");
    assert!(s.contains("Server: 1 due, 2 uno"), "by name, numbered: {s}");
    h.keys("tre<Enter>");
    assert!(
        h.screen(80, 24).contains("Nessun server con questo nome"),
        "an unknown name is refused"
    );
    h.keys("<BS><BS><BS>due<Enter>");
    h.finish_lane();
    assert!(h.screen(80, 24).contains("✓ Inviate a due: 1"));
    assert_eq!((one.ids().len(), two.ids().len()), (0, 1));
    h.keys("s2<Enter>");
    h.finish_lane();
    assert!(h.screen(80, 24).contains("✓ Inviate a uno: 1"), "by number");
    assert_eq!((one.ids().len(), two.ids().len()), (1, 1));
}
