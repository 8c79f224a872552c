//! `s` on the start screen: the completed responses go to the server in the
//! background lane, the status line says how far and then what happened;
//! a server that needs a password none is saved for says what to do.

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

#[test]
fn a_server_wanting_a_password_is_sent_to_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::create(dir.path(), COMPLETE, true, 1);
    let stub = Stub::start("/anna", &[("buone_pratiche_covid19", "2020051102")]);
    stub.with(|s| {
        s.auth = Some(Auth::Basic {
            user: "anna".into(),
            password: "pw".into(),
        })
    });
    cli(
        dir.path(),
        &["server", "add", "kobo", &stub.base, "--user", "anna"],
    );
    let mut h = Harness::in_dir(dir, FormBundle::embedded_default());
    h.keys("Anna<Enter>s");
    h.finish_lane();
    let s = h.screen(120, 24);
    assert!(s.contains("kobo chiede una password"), "{s}");
    assert!(stub.ids().is_empty());
}
