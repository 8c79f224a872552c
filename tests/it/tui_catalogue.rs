//! The terminal catalogue (`c` on the start screen): the finished practices
//! the published site would show (the same consent), a search as you type,
//! the filters with Tab and the arrows, a card opened read-only; read by the
//! background lane from a real store.

use crate::common::{self, COMPLETE};
use crate::tui_support::Harness;
use proptest::prelude::*;
use rileva::form::FormBundle;
use rileva::tui::state::Screen;

fn with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    common::complete_with(changes)
}

/// Three practices with consent (Lazio, Piemonte, Lombardia) and one without.
fn catalogue() -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    common::create(dir.path(), COMPLETE, true, 1);
    common::create(
        dir.path(),
        &with(&[
            ("/sez_A/A02", "01"),
            ("/sez_A/A03", "201"),
            ("/sez_A/A03b", "001272"),
            ("/sez_A/A04", "Comune di Torino"),
            ("/sez_A/A07", "Giulia Bianchi"),
            ("/sez_B/B01", "Pronto soccorso sociale"),
            ("/sez_B/B02", "rafforzato"),
            ("/sez_G/G04", "si_ente"),
        ]),
        true,
        2,
    );
    common::create(
        dir.path(),
        &with(&[
            ("/sez_A/A02", "03"),
            ("/sez_A/A03", "215"),
            ("/sez_A/A03b", "015146"),
            ("/sez_A/A04", "Comune di Milano"),
            ("/sez_B/B01", "Milano Aiuta"),
            ("/sez_B/B02", "misto"),
        ]),
        true,
        3,
    );
    common::create(
        dir.path(),
        &with(&[("/sez_B/B01", "Riservata"), ("/sez_G/G04", "no")]),
        true,
        4,
    );
    let mut h = Harness::in_dir(dir, FormBundle::embedded_default());
    h.keys("Anna<Enter>c");
    h.finish_lane();
    h
}

#[test]
fn the_catalogue_lists_searches_filters_and_opens_a_card() {
    let mut h = catalogue();
    let s = h.screen(80, 24);
    assert!(
        s.contains(
            "Catalogo delle pratiche · 3 pratiche su 3 (1 non pubblicabile per il consenso)"
        ),
        "{s}"
    );
    assert!(
        s.contains("Spesa a domicilio — Comune di Roma") && s.contains("Lazio"),
        "{s}"
    );
    assert!(s.contains("Milano Aiuta") && s.contains("Pronto soccorso sociale"));
    assert!(!s.contains("Riservata"));
    insta::assert_snapshot!("catalogue_list", s);

    // Search as you type, accents and case ignored.
    h.keys("TORINÒ");
    let s = h.screen(80, 24);
    assert!(
        s.contains("1 pratica su 3") && s.contains("Pronto soccorso"),
        "{s}"
    );
    assert!(!s.contains("Milano Aiuta"));
    h.keys("<BS><BS><BS><BS><BS><BS>");
    assert!(h.screen(80, 24).contains("3 pratiche su 3"));

    // The first filter (type of practice): → picks "new" in the list order.
    h.keys("<Right>");
    let s = h.screen(80, 24);
    assert!(s.contains("‹ Servizio completamente nuovo ›"), "{s}");
    assert!(
        s.contains("1 pratica su 3") && s.contains("Spesa a domicilio"),
        "{s}"
    );
    h.keys("<Right><Right>");
    assert!(h.screen(80, 24).contains("Milano Aiuta"));
    h.keys("<Tab>");
    assert!(
        h.screen(80, 24)
            .contains("Destinatari principali: ‹ tutte ›")
    );
    h.keys("<C-u>");
    assert!(h.screen(80, 24).contains("3 pratiche su 3"));

    // A card: the body's name only for the second; e-mail never.
    h.keys("torino<Enter>");
    let s = h.screen(80, 24);
    assert!(
        s.contains("Pronto soccorso sociale") && s.contains("Comune di Torino"),
        "{s}"
    );
    assert!(s.contains("A. Ente compilatore e referente"), "{s}");
    let mut all = s.clone();
    for _ in 0..8 {
        h.keys("<PgDn>");
        all.push_str(&h.screen(80, 24));
    }
    assert!(
        !all.contains("Giulia Bianchi") && !all.contains("@"),
        "{all}"
    );
    assert!(all.contains("Scheda aggiornata al"), "{all}");
    h.keys("<Esc>");
    assert!(h.screen(80, 24).contains("Cerca: torino"));
    h.keys("<Esc>");
    assert!(matches!(h.app.screen, Screen::Start(_)));
}

#[test]
fn f2_reads_the_catalogue_again_in_english() {
    let mut h = catalogue();
    h.keys("<F2>");
    h.finish_lane();
    let s = h.screen(80, 24);
    assert!(
        s.contains("Catalogue of practices · 3 of 3 practices"),
        "{s}"
    );
    h.keys("<Right>");
    assert!(
        h.screen(80, 24)
            .contains("Type of practice: ‹ Completely new service ›")
    );
}

#[test]
fn an_empty_catalogue_says_what_it_takes() {
    let mut h = Harness::new();
    h.keys("Anna<Enter>c");
    h.finish_lane();
    let s = h.screen(80, 24);
    assert!(s.contains("Nessuna pratica completata da mostrare"), "{s}");
    h.keys("abc<Right><Tab><Enter><Esc>");
    assert!(matches!(h.app.screen, Screen::Start(_)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Any keys on the catalogue and its cards, at any size: no panic, and
    /// the screen is drawn.
    #[test]
    fn any_keys_on_the_catalogue_never_panic(
        keys in proptest::collection::vec(prop_oneof![
            Just("<Right>"), Just("<Left>"), Just("<Tab>"), Just("<S-Tab>"), Just("<Up>"),
            Just("<Down>"), Just("<PgDn>"), Just("<End>"), Just("<Enter>"), Just("<Esc>"),
            Just("<BS>"), Just("<C-u>"), Just("a"), Just("è"), Just("c"), Just("<F2>"),
        ], 0..30),
        width in 20u16..120,
        height in 6u16..40,
    ) {
        let mut h = catalogue();
        for k in keys {
            h.keys(k);
            h.finish_lane();
            let _ = h.screen(width, height);
        }
    }
}

/// The screens show the catalogue of their own form: practices of another
/// form in the same data directory neither show nor stop it.
#[test]
fn another_forms_responses_are_not_the_catalogues() {
    let mut other = Harness::with_bundle(FormBundle {
        definition: r#"{"format":"rileva-form/1","settings":{"form_id":"altro"},"survey":[
            {"type":"text","name":"x","label":"X"}]}"#
            .into(),
        files: Default::default(),
    });
    other.keys("Anna<Enter>nciao<Enter>fs");
    let Harness { dir, rt, .. } = other;
    drop(rt);
    let mut h = Harness::in_dir(dir, FormBundle::embedded_default());
    h.keys("c");
    h.finish_lane();
    let s = h.screen(80, 24);
    assert!(s.contains("Nessuna pratica completata da mostrare"), "{s}");
    h.keys("<Esc>");
    common::create(h.dir.path(), COMPLETE, true, 1);
    h.keys("c");
    h.finish_lane();
    let s = h.screen(80, 24);
    assert!(s.contains("1 pratica su 1"), "the default form's own: {s}");
    assert!(!s.contains("ciao"));
}
