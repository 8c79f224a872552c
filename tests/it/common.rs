//! Helpers shared by the integration tests: responses on the default form,
//! created through the store API as the TUI creates them.
#![allow(dead_code)]

use rileva::engine::{Clock, Filling};
use rileva::form::{self, Form, FormBundle};
use rileva::store::{NewResponse, ResponseRow, Status, Store, Summary};
use std::path::Path;
use std::sync::Arc;

pub const OPERATOR: &str = "Maria Rossi";

/// A complete response of the default questionnaire, by data path: the
/// `comune` branch, a project in progress (no end date), B07 with `altro`.
pub const COMPLETE: &[(&str, &str)] = &[
    ("/sez_A/A01", "comune"),
    ("/sez_A/A02", "12"),
    ("/sez_A/A03", "258"),
    ("/sez_A/A03b", "058091"),
    ("/sez_A/A04", "Comune di Roma"),
    ("/sez_A/A06", "2844750"),
    ("/sez_A/A07", "Maria Rossi"),
    ("/sez_A/A08", "resp_servizi"),
    ("/sez_A/A09", "maria.rossi@comune.roma.it"),
    ("/sez_B/B01", "Spesa a domicilio"),
    ("/sez_B/B02", "nuovo"),
    (
        "/sez_B/B03",
        "Consegna a domicilio di spesa e farmaci alle persone anziane sole, con volontari coordinati dal Comune.",
    ),
    ("/sez_B/B04", "2020-03-15"),
    ("/sez_B/B05", "in_corso"),
    ("/sez_B/B07", "accesso altro"),
    ("/sez_B/B07_altro", "Consegna farmaci"),
    ("/sez_C/C01", "anziani disabili"),
    ("/sez_C/C02", "si"),
    ("/sez_C/C03", "120"),
    ("/sez_C/C04", "80"),
    ("/sez_D/D01", "telefono online"),
    ("/sez_D/D02", "no"),
    ("/sez_D/D04", "sito social"),
    ("/sez_E/E01", "12"),
    ("/sez_E/E02", "as volontari"),
    ("/sez_E/E03", "30"),
    ("/sez_E/E04", "comunali"),
    ("/sez_E/E05", "15000"),
    ("/sez_E/E06", "terzo_settore"),
    (
        "/sez_E/E07",
        "Protezione civile e associazioni di quartiere",
    ),
    ("/sez_F/F01", "pos"),
    ("/sez_F/F02", "molto_pos"),
    ("/sez_F/F04", "nessuna"),
    (
        "/sez_F/F05",
        "Il servizio ha raggiunto anche persone prima sconosciute.",
    ),
    ("/sez_F/F06", "no"),
    ("/sez_F/F08", "si"),
    ("/sez_G/G02", "no"),
    ("/sez_G/G04", "si_completo"),
    ("/sez_G/G05", "OK"),
];

/// A draft: a few answers, one of them not an integer (kept as typed).
pub const DRAFT: &[(&str, &str)] = &[
    ("/sez_A/A01", "ambito"),
    ("/sez_A/A04", "Ambito territoriale 3"),
    ("/sez_A/A06", "dodicimila"),
];

pub fn default_form() -> (FormBundle, Arc<Form>) {
    let (bundle, form) = form::load_default().expect("the default form compiles");
    (bundle, Arc::new(form))
}

pub fn clock() -> Clock {
    Clock::Fixed(
        "2020-05-11T10:30:00+02:00[Europe/Rome]"
            .parse()
            .expect("a valid time"),
    )
}

pub fn filling(form: &Arc<Form>, answers: &[(&str, &str)]) -> Filling {
    Filling::new(
        form.clone(),
        answers.iter().map(|(p, v)| (p.to_string(), v.to_string())),
        clock(),
    )
}

/// Creates a response in `data_dir` with `answers` saved one by one, finalized
/// when `complete`. `n` makes the times distinct and ordered. Returns its id.
pub fn create(data_dir: &Path, answers: &[(&str, &str)], complete: bool, n: u32) -> String {
    let (bundle, form) = default_form();
    let mut store = Store::open(data_dir).expect("store opens");
    let at = format!("2020-05-11T10:{n:02}:00.000+02:00");
    store.save_form(&bundle, &form, &at).expect("form saved");
    let device = store.device_id().expect("device id");
    let id = uuid::Uuid::new_v4().to_string();
    store
        .create_response(&NewResponse {
            id: &id,
            form_sha256: &form.sha256,
            operator: OPERATOR,
            device_id: &device,
            language: "it",
            created_at: &at,
            summary: &Summary::default(),
            answers: &[],
            paper: None,
        })
        .expect("response created");
    let mut so_far: Vec<(&str, &str)> = Vec::new();
    for (path, value) in answers {
        so_far.push((path, value));
        let s = filling(&form, &so_far).summary(None);
        store
            .save_answer(&id, path, Some(value), OPERATOR, &s, &at)
            .expect("answer saved");
    }
    if complete {
        let done = format!("2020-05-11T11:{n:02}:00.000+02:00");
        store
            .finalize(
                &id,
                &filling(&form, answers).summary(None),
                "it",
                &[],
                "test",
                &done,
            )
            .expect("finalized");
    }
    id
}

/// `n` complete responses at once, through one store: each created with the
/// answers of `COMPLETE` and finalized, named `Comune 0`, `Comune 1`, … and
/// changed a second apart (the last the most recent).
pub fn create_many(store: &mut Store, n: usize) -> Vec<String> {
    let (bundle, form) = default_form();
    store
        .save_form(&bundle, &form, "2020-05-11T10:00:00.000+02:00")
        .expect("form saved");
    let device = store.device_id().expect("device id");
    let answers: Vec<(String, String)> = COMPLETE
        .iter()
        .map(|(p, v)| (p.to_string(), v.to_string()))
        .collect();
    (0..n)
        .map(|i| {
            let id = uuid::Uuid::new_v4().to_string();
            let at = jiff::Timestamp::from_second(1_589_184_000 + i as i64)
                .expect("time")
                .strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
                .to_string();
            let summary = Summary {
                instance_name: Some(format!("Comune {i}")),
                answered: 20,
                relevant: 20,
                position: None,
            };
            store
                .create_response(&NewResponse {
                    id: &id,
                    form_sha256: &form.sha256,
                    operator: OPERATOR,
                    device_id: &device,
                    language: "it",
                    created_at: &at,
                    summary: &summary,
                    answers: &answers,
                    paper: None,
                })
                .expect("response created");
            store
                .finalize(&id, &summary, "it", &[], OPERATOR, &at)
                .expect("finalized");
            id
        })
        .collect()
}

pub fn row(data_dir: &Path, id: &str) -> ResponseRow {
    Store::open(data_dir)
        .expect("store opens")
        .response(id)
        .expect("read")
        .expect("response exists")
}

pub fn status(data_dir: &Path, id: &str) -> Status {
    row(data_dir, id).status
}

/// A hand-made row for the pure export tests.
pub fn hand_row(form: &Form, status: Status) -> ResponseRow {
    ResponseRow {
        id: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b".into(),
        form_sha256: form.sha256.clone(),
        form_id: form.id.clone(),
        form_version: form.version.clone(),
        form_title: form.title.clone(),
        status,
        operator: OPERATOR.into(),
        device_id: "rileva:0123456789abcdef0123456789abcdef".into(),
        language: "it".into(),
        instance_name: Some("stale stored name".into()),
        answered: 0,
        relevant: 0,
        position: None,
        deprecated_id: None,
        superseded_by: None,
        paper_id: None,
        entry: None,
        created_at: "2020-05-11T10:30:00.000+02:00".into(),
        updated_at: "2020-05-11T10:55:00.000+02:00".into(),
        completed_at: if status == Status::Draft {
            None
        } else {
            Some("2020-05-11T11:00:00.000+02:00".into())
        },
        exported_at: None,
    }
}

/// `COMPLETE` with some answers replaced (by data path).
pub fn complete_with(
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = COMPLETE
        .iter()
        .copied()
        .filter(|(p, _)| !changes.iter().any(|(c, _)| c == p))
        .collect();
    out.extend_from_slice(changes);
    out
}

/// A new finished version of the finished response `old`, with one answer
/// changed (as the TUI's edit does); its id.
pub fn edit(store: &mut Store, old: &str, path: &str, value: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let at = "2020-06-01T10:00:00.000+02:00";
    store
        .new_version(old, &id, OPERATOR, at)
        .expect("new version");
    let s = Summary::default();
    store
        .save_answer(&id, path, Some(value), OPERATOR, &s, at)
        .expect("saved");
    store
        .finalize(&id, &s, "it", &[], "test", "2020-06-01T10:05:00.000+02:00")
        .expect("finalized");
    id
}
