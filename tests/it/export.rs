//! Export golden tests (layer 5): `response_json` on the default questionnaire.
//!
//! The snapshot is the expected output with the real expression engine:
//! relevance decides which questions are present (A01_altro, A05, B06, D03,
//! F07, G03 … are absent) and the instance name comes from the form's
//! `concat(${A04}, ' - ', ${B01})`.

use crate::common;

use common::{COMPLETE, DRAFT, default_form, filling, hand_row};
use rileva::export::response_json;
use rileva::store::Status;
use serde_json::{Value, json};

fn complete() -> Value {
    let (_, form) = default_form();
    response_json(
        &filling(&form, COMPLETE),
        &hand_row(&form, Status::Complete),
    )
}

#[test]
fn golden_complete_response() {
    let (_, form) = default_form();
    let v = complete();
    assert_eq!(v["form"]["sha256"], json!(form.sha256));
    insta::assert_json_snapshot!("complete_response", v, { ".form.sha256" => "[sha256]" });
}

#[test]
fn golden_draft_response() {
    let (_, form) = default_form();
    let v = response_json(&filling(&form, DRAFT), &hand_row(&form, Status::Draft));
    insta::assert_json_snapshot!("draft_response", v, { ".form.sha256" => "[sha256]" });
}

#[test]
fn envelope() {
    let v = complete();
    assert_eq!(v["format"], "rileva-response/1");
    assert_eq!(v["form"]["id"], "buone_pratiche_covid19");
    assert_eq!(v["form"]["version"], "2020051102");
    assert_eq!(
        v["meta"]["instanceID"],
        "uuid:6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
    );
    assert_eq!(v["meta"]["deprecatedID"], Value::Null);
    assert_eq!(v["meta"]["timeStart"], "2020-05-11T10:30:00.000+02:00");
    assert_eq!(v["meta"]["timeEnd"], "2020-05-11T11:00:00.000+02:00");
    assert_eq!(v["meta"]["operator"], "Maria Rossi");
    assert_eq!(v["status"], "complete");
    assert_eq!(v["language"], "it");
    let sections: Vec<&String> = v["data"].as_object().expect("data").keys().collect();
    assert_eq!(
        sections,
        [
            "sez_A", "sez_B", "sez_C", "sez_D", "sez_E", "sez_F", "sez_G"
        ]
    );
}

// Needs the real expression engine: the stub gives no instance name.
#[test]
fn instance_name_comes_from_the_form() {
    assert_eq!(
        complete()["meta"]["instanceName"],
        "Comune di Roma - Spesa a domicilio"
    );
}

#[test]
fn integers_are_json_numbers() {
    let v = complete();
    assert_eq!(v["data"]["sez_A"]["A06"], json!(2844750));
    assert!(v["data"]["sez_A"]["A06"].is_i64());
    assert_eq!(v["data"]["sez_C"]["C03"], json!(120));
    assert_eq!(v["data"]["sez_E"]["E01"], json!(12));
}

#[test]
fn select_multiple_are_arrays_of_names() {
    let v = complete();
    assert_eq!(v["data"]["sez_B"]["B07"], json!(["accesso", "altro"]));
    assert_eq!(v["data"]["sez_C"]["C01"], json!(["anziani", "disabili"]));
    assert_eq!(v["data"]["sez_F"]["F04"], json!(["nessuna"]));
}

#[test]
fn everything_else_is_a_string() {
    let v = complete();
    assert_eq!(v["data"]["sez_A"]["A01"], "comune");
    assert_eq!(
        v["data"]["sez_A"]["A02"], "12",
        "choice names stay strings even when numeric"
    );
    assert_eq!(
        v["data"]["sez_A"]["A03b"], "058091",
        "leading zeros are kept"
    );
    assert_eq!(v["data"]["sez_B"]["B04"], "2020-03-15");
    assert_eq!(v["data"]["sez_G"]["G05"], "OK");
}

#[test]
fn relevant_unanswered_questions_are_null() {
    let v = complete();
    for (section, name) in [("sez_A", "A10"), ("sez_F", "F03"), ("sez_G", "G01")] {
        let s = v["data"][section].as_object().expect("section");
        assert_eq!(s.get(name), Some(&Value::Null), "{section}/{name}");
    }
}

// Needs the real expression engine: the stub makes every question relevant.
#[test]
fn non_relevant_questions_are_absent() {
    let v = complete();
    for (section, name) in [
        ("sez_A", "A01_altro"),
        ("sez_A", "A05"),
        ("sez_A", "A08_altro"),
        ("sez_B", "B06"),
        ("sez_C", "C01_altro"),
        ("sez_D", "D03"),
        ("sez_D", "D03_altro"),
        ("sez_D", "D04_altro"),
        ("sez_E", "E04_altro"),
        ("sez_E", "E06_altro"),
        ("sez_F", "F04_altro"),
        ("sez_F", "F07"),
        ("sez_G", "G03"),
    ] {
        let s = v["data"][section].as_object().expect("section");
        assert!(
            !s.contains_key(name),
            "{section}/{name} is not relevant and must be absent"
        );
    }
    // ... while the ones their conditions open are present.
    assert_eq!(v["data"]["sez_B"]["B07_altro"], "Consegna farmaci");
    assert_eq!(v["data"]["sez_E"]["E03"], json!(30));
    assert_eq!(v["data"]["sez_A"]["A03b"], "058091");
}

#[test]
fn a_draft_keeps_an_answer_that_is_not_of_its_type() {
    let (_, form) = default_form();
    let v = response_json(&filling(&form, DRAFT), &hand_row(&form, Status::Draft));
    assert_eq!(v["status"], "draft");
    assert_eq!(v["meta"]["timeEnd"], Value::Null);
    assert_eq!(v["data"]["sez_A"]["A06"], "dodicimila");
    assert_eq!(v["data"]["sez_B"]["B01"], Value::Null);
}

// A finalized response is exported as it was when finalized: `today()` and
// `now()` in its calculations read the moment of finalizing, not export day.
#[test]
fn a_finalized_response_is_evaluated_at_its_completion() {
    use rileva::app::clock_for;
    use rileva::engine::Clock;
    let (_, form) = default_form();
    let done = hand_row(&form, Status::Complete);
    match clock_for(&done) {
        Clock::Fixed(t) => assert_eq!(
            t.timestamp(),
            "2020-05-11T09:00:00Z"
                .parse::<jiff::Timestamp>()
                .expect("time")
        ),
        Clock::System => panic!("a finalized response must not read the clock"),
    }
    assert!(matches!(
        clock_for(&hand_row(&form, Status::Draft)),
        Clock::System
    ));
}
