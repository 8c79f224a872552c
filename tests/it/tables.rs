//! `rileva export --format csv`: the tables ODK Central's CSV export has
//! (the form's with its system columns, one per repeat with PARENT_KEY and
//! KEY, group paths joined with `-`, a geopoint in four columns, choices
//! split on request, labels on request), read back with the csv crate and
//! compared with the JSON export value by value.

use crate::e2e_support::cli;
use crate::tui_support::Harness;
use rileva::form::FormBundle;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

const FORM: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"tab","version":"3"},"survey":[
  {"type":"group","name":"ente","label":"Ente","children":[
    {"type":"text","name":"nome","label":"Nome"},
    {"type":"geopoint","name":"sede","label":"Sede"}]},
  {"type":"select_multiple","name":"canali","label":"Canali","list":"c"},
  {"type":"repeat","name":"servizio","label":"Servizio","children":[
    {"type":"text","name":"titolo","label":"Titolo"},
    {"type":"integer","name":"utenti","label":"Utenti"}]}
  ],
  "choices":{"c":[{"name":"web","label":"Sito"},{"name":"tel","label":"Telefono"},{"name":"sms","label":"SMS"}]}}"#;

/// One finalized response with two services.
fn data() -> Harness {
    let mut h = Harness::with_bundle(FormBundle {
        definition: FORM.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>n");
    h.keys("Comune di Agliè<Enter>45.36 7.77<Enter>13<Enter>");
    // The repeat asks for its first entry: a adds it.
    h.keys("aSpesa a domicilio<Enter>40<Enter>a");
    h.keys("Ascolto telefonico<Enter>12<Enter><Enter>");
    h.keys("fs");
    assert!(
        matches!(h.app.screen, rileva::tui::state::Screen::Start(_)),
        "{}",
        h.screen(80, 24)
    );
    h
}

fn table(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).expect("a CSV");
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.expect("a row");
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn tables_have_centrals_shape_and_the_json_exports_values() {
    let h = data();
    let dir = h.dir.path();
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("csv");
    let (code, stdout, stderr) = cli(
        dir,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            out.to_str().expect("path"),
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("wrote 2 tables of 1 response"), "{stdout}");
    let (header, rows) = table(&out.join("tab.csv"));
    assert_eq!(
        header,
        [
            "SubmissionDate",
            "ente-nome",
            "ente-sede-Latitude",
            "ente-sede-Longitude",
            "ente-sede-Altitude",
            "ente-sede-Accuracy",
            "canali",
            "meta-instanceID",
            "KEY",
            "SubmitterID",
            "SubmitterName",
            "AttachmentsPresent",
            "AttachmentsExpected",
            "Status",
            "ReviewState",
            "DeviceID",
            "Edits",
            "FormVersion"
        ]
    );
    let root = &rows[0];
    let key = root["KEY"].clone();
    assert!(key.starts_with("uuid:"), "{key}");
    assert_eq!(root["meta-instanceID"], key);
    assert_eq!(root["SubmitterName"], "Anna");
    assert_eq!(root["FormVersion"], "3");
    let (rheader, services) = table(&out.join("tab-servizio.csv"));
    assert_eq!(rheader, ["titolo", "utenti", "PARENT_KEY", "KEY"]);
    assert_eq!(services.len(), 2);
    assert_eq!(services[0]["PARENT_KEY"], key);
    assert_eq!(services[1]["KEY"], format!("{key}/servizio[2]"));

    // The JSON export of the same response, value by value.
    let jdir = work.path().join("json");
    let (code, _, stderr) = cli(dir, &["export", "--out", jdir.to_str().expect("path")]);
    assert_eq!(code, 0, "{stderr}");
    let file = std::fs::read_dir(&jdir)
        .expect("json dir")
        .next()
        .expect("a file")
        .expect("entry");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(file.path()).expect("read")).expect("JSON");
    let d = &json["data"];
    assert_eq!(root["ente-nome"], d["ente"]["nome"].as_str().expect("nome"));
    let point: Vec<&str> = d["ente"]["sede"]
        .as_str()
        .expect("sede")
        .split(' ')
        .collect();
    assert_eq!(root["ente-sede-Latitude"], point[0]);
    assert_eq!(root["ente-sede-Longitude"], point[1]);
    let canali: Vec<&str> = d["canali"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(root["canali"], canali.join(" "));
    for (i, s) in d["servizio"].as_array().expect("repeat").iter().enumerate() {
        assert_eq!(services[i]["titolo"], s["titolo"].as_str().expect("titolo"));
        assert_eq!(services[i]["utenti"], s["utenti"].to_string());
    }
    assert_eq!(json["meta"]["instanceID"], key.as_str());
}

#[test]
fn choices_split_and_labels_on_request() {
    let h = data();
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("csv");
    let (code, stdout, stderr) = cli(
        h.dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--split-multiple",
            "--labels",
            "--out",
            out.to_str().expect("path"),
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (header, rows) = table(&out.join("tab.csv"));
    let at = header.iter().position(|c| c == "canali").expect("canali");
    assert_eq!(
        header[at + 1..at + 4],
        ["canali/web", "canali/tel", "canali/sms"]
    );
    let root = &rows[0];
    assert_eq!(
        root["canali"], "Sito; SMS",
        "labels, in the form's language"
    );
    assert_eq!(
        (
            root["canali/web"].as_str(),
            root["canali/tel"].as_str(),
            root["canali/sms"].as_str()
        ),
        ("1", "0", "1")
    );
}

/// `--format xlsx`: one workbook, a sheet per table holding what the CSV
/// file holds, cell by cell; numbers as numbers, text as text.
#[test]
fn workbook_sheets_hold_the_csv_tables() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let h = data();
    let dir = h.dir.path();
    let work = tempfile::tempdir().expect("temp dir");
    let run = |format: &str| {
        let out = work.path().join(format);
        let (code, stdout, stderr) = cli(
            dir,
            &[
                "export",
                "--format",
                format,
                "--out",
                out.to_str().expect("path"),
            ],
        );
        assert_eq!(code, 0, "{stdout}{stderr}");
        (out, stdout)
    };
    let (csv_dir, _) = run("csv");
    let (xlsx_dir, stdout) = run("xlsx");
    assert!(
        stdout.contains("wrote 1 workbook of 1 response"),
        "{stdout}"
    );
    let mut book: Xlsx<_> = open_workbook(xlsx_dir.join("tab.xlsx")).expect("a workbook");
    assert_eq!(book.sheet_names(), ["tab", "tab-servizio"]);
    for sheet in ["tab", "tab-servizio"] {
        let (header, rows) = table(&csv_dir.join(format!("{sheet}.csv")));
        let range = book.worksheet_range(sheet).expect("a sheet");
        let cells: Vec<Vec<String>> = range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(f) => f.to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect();
        assert_eq!(cells[0], header, "{sheet}");
        assert_eq!(cells.len(), rows.len() + 1, "{sheet}");
        for (row, csv_row) in cells[1..].iter().zip(&rows) {
            for (name, cell) in header.iter().zip(row) {
                assert_eq!(cell, &csv_row[name], "{sheet} {name}");
            }
        }
    }
    let range = book.worksheet_range("tab-servizio").expect("a sheet");
    assert_eq!(
        range.get((1, 1)),
        Some(&Data::Float(40.0)),
        "utenti is a number"
    );
    assert!(
        matches!(range.get((1, 0)), Some(Data::String(_))),
        "titolo is text"
    );
    let main = book.worksheet_range("tab").expect("a sheet");
    let lat = main
        .rows()
        .next()
        .expect("header")
        .iter()
        .position(|c| *c == Data::String("ente-sede-Latitude".into()));
    assert_eq!(
        main.get((1, lat.expect("a latitude column"))),
        Some(&Data::Float(45.36))
    );
}

/// The two files as written, byte for byte but for the ids and the time
/// the response was finalized (which a snapshot cannot hold).
#[test]
fn csv_files_snapshot() {
    let h = data();
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("csv");
    let (code, stdout, stderr) = cli(
        h.dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--split-multiple",
            "--out",
            out.to_str().expect("path"),
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let uuid = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .expect("regex");
    let date = regex::Regex::new(r"\d{4}-\d\d-\d\dT[0-9:.+-]+").expect("regex");
    let device = regex::Regex::new(r"rileva:[0-9a-f]{32}").expect("regex");
    let mut text = String::new();
    for file in ["tab.csv", "tab-servizio.csv"] {
        let raw = std::fs::read_to_string(out.join(file)).expect("a table");
        let named = uuid.replace_all(&raw, "<uuid>");
        let named = device.replace_all(&named, "<device>");
        let raw = date.replace_all(&named, "<time>");
        text.push_str(&format!("== {file}\n{raw}"));
    }
    insta::assert_snapshot!("csv_tables", text);
}
