//! What the store tests share: the default form, times, drafts made
//! through the store API, and raw looks at the file.
#![allow(dead_code)]

use rileva::engine::Clock;
use rileva::form::{self, Form, FormBundle};
use rileva::store::{DB_FILE, NewResponse, Store, StoreError, Summary};
use rusqlite::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tempfile::TempDir;

pub const OPERATOR: &str = "Maria Rossi";

/// The default form, compiled once for the whole file.
pub fn default_form() -> &'static (FormBundle, Arc<Form>) {
    static FORM: OnceLock<(FormBundle, Arc<Form>)> = OnceLock::new();
    FORM.get_or_init(|| {
        let (bundle, form) = form::load_default().expect("the default form compiles");
        (bundle, Arc::new(form))
    })
}

pub fn clock() -> Clock {
    Clock::Fixed(
        "2020-05-11T10:30:00+02:00[Europe/Rome]"
            .parse()
            .expect("a valid time"),
    )
}

/// Distinct, ordered times in one offset.
pub fn at(minute: u32) -> String {
    format!("2020-05-11T10:{minute:02}:00.000+02:00")
}

pub fn db(dir: &Path) -> PathBuf {
    dir.join(DB_FILE)
}

pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

pub fn summary(answered: i64) -> Summary {
    Summary {
        instance_name: Some(format!("Comune {answered}")),
        answered,
        relevant: 40,
        position: Some("/sez_A/A04".into()),
    }
}

/// Stores a form snapshot, as the TUI does before creating a response on it.
pub fn save_form(store: &Store, bundle: &FormBundle, form: &Form) {
    store.save_form(bundle, form, &at(0)).expect("form saved");
}

/// A new draft on `form`, created at `at(minute)`. Returns its id.
pub fn draft_on(store: &mut Store, bundle: &FormBundle, form: &Form, minute: u32) -> String {
    let answers = [("/sez_A/A01".to_string(), "comune".to_string())];
    create(store, bundle, form, OPERATOR, None, &answers, minute)
}

/// A new draft on the default form by `operator`, keyed from `paper` when
/// given, with `answers` (its summary counts the ones not empty).
pub fn draft_by(
    store: &mut Store,
    operator: &str,
    paper: Option<&str>,
    answers: &[(String, String)],
    minute: u32,
) -> String {
    let (bundle, form) = default_form();
    create(store, bundle, form, operator, paper, answers, minute)
}

fn create(
    store: &mut Store,
    bundle: &FormBundle,
    form: &Form,
    operator: &str,
    paper: Option<&str>,
    answers: &[(String, String)],
    minute: u32,
) -> String {
    save_form(store, bundle, form);
    let id = uuid::Uuid::new_v4().to_string();
    let created = at(minute);
    let answered = answers.iter().filter(|(_, v)| !v.is_empty()).count() as i64;
    let summary = Summary {
        answered,
        ..Summary::default()
    };
    store
        .create_response(&NewResponse {
            id: &id,
            form_sha256: &form.sha256,
            operator,
            device_id: "rileva:test",
            language: "it",
            created_at: &created,
            summary: &summary,
            answers,
            paper,
        })
        .expect("response created");
    id
}

pub fn draft(store: &mut Store, minute: u32) -> String {
    let (bundle, form) = default_form();
    draft_on(store, bundle, form, minute)
}

pub fn save(store: &mut Store, id: &str, path: &str, value: Option<&str>, minute: u32) {
    store
        .save_answer(id, path, value, OPERATOR, &summary(1), &at(minute))
        .unwrap_or_else(|e| panic!("save {path}: {e}"));
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(p, v)| (p.to_string(), v.to_string()))
        .collect()
}

pub fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .expect("raw connection")
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version")
}

/// A database from a newer rileva (`user_version` 999, a table of its own) in
/// the given journal mode; rileva itself always leaves WAL.
pub fn newer_database(path: &Path, journal: &str) {
    let conn = Connection::open(path).expect("raw connection");
    conn.pragma_update(None, "journal_mode", journal)
        .expect("journal mode");
    conn.execute_batch(
        "CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('from the future');
         PRAGMA user_version = 999;",
    )
    .expect("newer schema");
}

/// The number of migrations this rileva knows, as the refusal of a newer
/// database reports it (the list itself is private to the store).
pub fn known_migrations() -> i64 {
    let dir = TempDir::new().expect("temp dir");
    newer_database(&db(dir.path()), "WAL");
    match Store::open(dir.path()) {
        Err(StoreError::TooNew { known, .. }) => known,
        other => panic!("a newer database must be refused, got {:?}", other.err()),
    }
}
