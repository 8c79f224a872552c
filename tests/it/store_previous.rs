//! The operator's previous response, where the ditto key copies from.

use crate::store_support::*;
use rileva::form::{self, Form, FormBundle};
use rileva::store::Store;
use tempfile::TempDir;

/// The default form under another form id: another questionnaire.
fn another_form() -> (FormBundle, Form) {
    let (bundle, _) = default_form();
    let mut doc: serde_json::Value =
        serde_json::from_str(&bundle.definition).expect("the definition is JSON");
    doc["settings"]["form_id"] = "another_form".into();
    let bundle = FormBundle {
        definition: serde_json::to_string_pretty(&doc).expect("JSON"),
        files: bundle.files.clone(),
    };
    let form = form::compile(&bundle).expect("compiles");
    (bundle, form)
}

fn keyed(store: &mut Store, operator: &str, paper: Option<&str>, a04: &str, minute: u32) -> String {
    let answers = [("/sez_A/A04".to_string(), a04.to_string())];
    draft_by(store, operator, paper, &answers, minute)
}

#[test]
fn the_previous_response_is_the_same_operators_last_one_before_this() {
    let dir = TempDir::new().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let first = keyed(&mut store, OPERATOR, Some("P-1"), "Bari", 1);
    let other = keyed(&mut store, "Luca Bianchi", Some("P-2"), "Lecce", 2);
    let second = keyed(&mut store, OPERATOR, Some("P-3"), "Taranto", 3);
    let third = keyed(&mut store, OPERATOR, None, "Brindisi", 4);

    let earlier = store
        .previous_response(&second, OPERATOR)
        .expect("read")
        .expect("the first response comes before the second");
    assert_eq!(earlier.id, first, "another operator's response is skipped");
    assert_eq!(earlier.paper_id.as_deref(), Some("P-1"));
    assert_eq!(
        earlier.answers.get("/sez_A/A04").map(String::as_str),
        Some("Bari")
    );

    let earlier = store
        .previous_response(&third, OPERATOR)
        .expect("read")
        .expect("the second comes before the third");
    assert_eq!(earlier.id, second, "the nearest one, not the oldest");

    assert_eq!(
        store.previous_response(&first, OPERATOR).expect("read"),
        None,
        "nothing before the operator's first"
    );
    assert_eq!(
        store
            .previous_response(&other, "Luca Bianchi")
            .expect("read"),
        None,
        "Luca keyed only one"
    );
    assert_eq!(
        store
            .previous_response("no-such-id", OPERATOR)
            .expect("read"),
        None,
        "an unknown response has no previous one"
    );
}

#[test]
fn a_response_to_another_form_is_not_a_previous_one() {
    let dir = TempDir::new().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let first = keyed(&mut store, OPERATOR, None, "Bari", 1);
    let (bundle, form) = another_form();
    let on_other = draft_on(&mut store, &bundle, &form, 2);
    let next = keyed(&mut store, OPERATOR, None, "Lecce", 3);
    assert_eq!(
        store.previous_response(&on_other, OPERATOR).expect("read"),
        None
    );
    let earlier = store
        .previous_response(&next, OPERATOR)
        .expect("read")
        .expect("the first response to the default form");
    assert_eq!(earlier.id, first);
}

#[test]
fn a_draft_left_empty_is_passed_over() {
    let dir = TempDir::new().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("opens");
    let first = keyed(&mut store, OPERATOR, Some("P-1"), "Bari", 1);
    // Started and left with nothing answered: not what a ditto copies.
    keyed(&mut store, OPERATOR, Some("P-2"), "", 2);
    let third = keyed(&mut store, OPERATOR, Some("P-3"), "Lecce", 3);
    let earlier = store
        .previous_response(&third, OPERATOR)
        .expect("read")
        .expect("the first");
    assert_eq!(earlier.id, first);
}
