//! Property test: random key sequences never panic, and what the store holds
//! always equals what the screen shows (the engine state it renders).

use crate::tui_support;

use proptest::prelude::*;
use rileva::engine::ScreenRef;
use rileva::tui::screens::question::Input;
use rileva::tui::state::{Screen, View};
use tui_support::Harness;

/// Keys an operator might press, weighted towards the ones that do things.
fn key() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => Just("<Enter>"),
        2 => Just("<Tab>"),
        2 => Just("<S-Tab>"),
        1 => Just("<Esc>"),
        1 => Just("<F3>"),
        1 => Just("<F4>"),
        1 => Just("<F2>"),
        1 => Just("<F1>"),
        2 => Just("<Up>"),
        2 => Just("<Down>"),
        1 => Just("<PgDn>"),
        1 => Just("<BS>"),
        1 => Just("<Del>"),
        2 => Just("<Space>"),
        1 => Just("<A-Enter>"),
        3 => Just("1"),
        3 => Just("2"),
        2 => Just("3"),
        1 => Just("c"),
        2 => Just("n"),
        1 => Just("f"),
        1 => Just("s"),
        1 => Just("q"),
        2 => Just("a"),
        1 => Just("x"),
        1 => Just("/"),
        1 => Just("9"),
        1 => Just("é"),
    ]
}

fn check_consistent(h: &Harness) -> Result<(), TestCaseError> {
    if let Screen::Fill(f) = &h.app.screen {
        let mut stored = h.rt.store.answers(&f.row.id).expect("answers");
        let mut shown = f.filling.stored_answers();
        stored.sort();
        shown.sort();
        prop_assert_eq!(&stored, &shown, "store and engine differ");
        if matches!(f.view, View::Question) && f.save_error.is_none() {
            for field in &f.page.fields {
                if field.dirty(&f.filling) || matches!(field.input, Input::Note) {
                    continue;
                }
                let on_screen = field.value(&f.filling);
                let path = f.filling.slot_path(&field.slot);
                let in_store = stored
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                prop_assert_eq!(
                    on_screen.trim(),
                    in_store.as_str(),
                    "field {} differs from the store",
                    path
                );
            }
        }
    }
    Ok(())
}

/// What is typed and not yet stored on the page on screen: the response id,
/// the screen, and each changed field's data path with what the store should
/// hold once the page is left.
type Pending = (String, ScreenRef, Vec<(String, Option<String>)>);

fn pending_input(h: &Harness) -> Option<Pending> {
    let Screen::Fill(f) = &h.app.screen else {
        return None;
    };
    if !matches!(f.view, View::Question) {
        return None;
    }
    let fields: Vec<(String, Option<String>)> = f
        .page
        .fields
        .iter()
        .filter(|q| q.dirty(&f.filling))
        .map(|q| {
            let kind = f.filling.form().node(q.slot.node).kind;
            let raw = q.value(&f.filling);
            let raw = raw.trim();
            let expected = (!raw.is_empty())
                .then(|| rileva::engine::canonical(kind, raw).unwrap_or_else(|_| raw.to_string()));
            (f.filling.slot_path(&q.slot), expected)
        })
        .collect();
    (!fields.is_empty()).then(|| (f.row.id.clone(), f.page.screen.clone(), fields))
}

/// Leaving a page (to another one, a list, the start screen or out of the
/// program) stores what was typed on it, unless the store refused the write.
fn check_left_input_saved(h: &Harness, typed: Option<Pending>) -> Result<(), TestCaseError> {
    let Some((id, screen, fields)) = typed else {
        return Ok(());
    };
    let still_there = match &h.app.screen {
        Screen::Fill(f) => {
            if f.save_error.is_some() {
                return Ok(());
            }
            matches!(f.view, View::Question) && f.page.screen == screen && f.row.id == id
        }
        _ => false,
    };
    if still_there {
        return Ok(());
    }
    let stored = h.rt.store.answers(&id).expect("answers");
    for (path, expected) in fields {
        let got = stored
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, v)| v.clone());
        prop_assert_eq!(got, expected, "typed input lost when leaving {}", path);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn random_keys_keep_store_and_screen_equal(keys in proptest::collection::vec(key(), 1..120)) {
        let mut h = Harness::new();
        h.keys("Operatore<Enter>n");
        for (i, k) in keys.iter().enumerate() {
            let typed = pending_input(&h);
            h.keys(k);
            check_left_input_saved(&h, typed)?;
            if h.app.leaves() {
                break;
            }
            check_consistent(&h)?;
            if i % 10 == 0 {
                let _ = h.screen(80, 24);
            }
        }
        let _ = h.screen(80, 24);
        let _ = h.screen(200, 60);
        // Whatever happened, every draft reopens with exactly what was stored.
        let rows = h.rt.store.page(rileva::store::Listing::All, 0, 100).expect("list");
        let mut forms = rileva::app::Forms::default();
        for row in rows {
            let filling = forms.filling(&h.rt.store, &row, tui_support::clock()).expect("reopens");
            let mut a = filling.stored_answers();
            let mut b = h.rt.store.answers(&row.id).expect("answers");
            a.sort();
            b.sort();
            prop_assert_eq!(a, b);
        }
    }
}
