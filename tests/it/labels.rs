//! Layer 2: labels and hints in ODK's Markdown drawn at 80×24: bold,
//! italic, headings, links with their address, line breaks; no raw markup
//! on any screen; the files other clients show with a label named.

use crate::tui_support::Harness;
use rileva::form::FormBundle;

const FORM: &str = r##"{"format":"rileva-form/1","settings":{"form_id":"md"},"survey":[
  {"type":"text","name":"a","label":"# Servizio<br>Il **nome** del *servizio*","hint":"Vedi [la guida](https://example.org/guida)","media":{"image":"logo.png"}},
  {"type":"select_one","name":"b","label":"<span style=\"color:red\">Tipo</span>","list":"t"},
  {"type":"integer","name":"c","label":"__Quanti__ utenti"}
  ],
  "choices":{"t":[{"name":"n","label":"**Nuovo**"},{"name":"r","label":"_Rafforzato_"}]}}"##;

fn harness() -> Harness {
    let mut h = Harness::with_bundle(FormBundle {
        definition: FORM.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>n");
    h
}

fn no_markup(screen: &str) {
    for raw in ["**", "__", "<br>", "<span", "](", "# Servizio"] {
        assert!(!screen.contains(raw), "raw {raw:?} on\n{screen}");
    }
}

#[test]
fn markdown_is_drawn_and_never_shown_raw() {
    let mut h = harness();
    let s = h.screen(80, 24);
    assert!(s.contains("Servizio"), "{s}");
    assert!(s.contains("Il nome del servizio"), "{s}");
    assert!(s.contains("la guida <https://example.org/guida>"), "{s}");
    assert!(
        s.contains("[immagine: logo.png] (non mostrato nel terminale)"),
        "{s}"
    );
    no_markup(&s);
    h.keys("Pronto soccorso<Enter>");
    let s = h.screen(80, 24);
    assert!(
        s.contains("Tipo") && s.contains("Nuovo") && s.contains("Rafforzato"),
        "{s}"
    );
    no_markup(&s);
    h.keys("1");
    h.keys("<Enter>");
    let s = h.screen(80, 24);
    assert!(s.contains("Quanti utenti"), "{s}");
    no_markup(&s);
    // The outline and the review say the labels as words.
    h.keys("<F3>");
    no_markup(&h.screen(80, 24));
    h.keys("<Esc><F4>");
    no_markup(&h.screen(80, 24));
}
