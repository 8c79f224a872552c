//! XLSForm files on the command line: `convert`, and `validate` on every
//! container (the real binary, files in temp dirs). The .xlsx workbooks are
//! written by the tests (`workbooks`), tiny.ods was made for them, and the
//! .xls is pyxform's, read from ../shared.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

use crate::workbooks;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn asset(name: &str) -> PathBuf {
    Path::new(ROOT).join("assets/forms").join(name)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/xlsform").join(name)
}

fn rileva(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rileva");
    cmd.env_remove("RILEVA_DATA_DIR")
        .arg("--data-dir")
        .arg(dir.join("data"))
        .current_dir(dir);
    cmd
}

fn tmp() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// The default form's XLSForm and its CSV, copied into a fresh directory.
fn default_xlsform(dir: &Path) -> PathBuf {
    let md = dir.join("buone-pratiche-covid19.xlsform.md");
    fs::copy(asset("buone-pratiche-covid19.xlsform.md"), &md).expect("copy");
    fs::copy(asset("istat-comuni.csv"), dir.join("istat-comuni.csv")).expect("copy");
    md
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read")).expect("JSON")
}

#[test]
fn convert_the_default_xlsform_gives_the_shipped_json() {
    let t = tmp();
    let md = default_xlsform(t.path());
    let out = rileva(t.path())
        .args(["convert"])
        .arg(&md)
        .args(["-o", "form.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("converted to ./form.json"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        json(&t.path().join("form.json")),
        json(&asset("buone-pratiche-covid19.json"))
    );
    // The converted form is a valid native form in its own right.
    let out = rileva(t.path())
        .args(["validate", "form.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn convert_refuses_to_overwrite_without_force() {
    let t = tmp();
    let md = default_xlsform(t.path());
    fs::write(t.path().join("form.json"), "keep me").expect("write");
    let out = rileva(t.path())
        .arg("convert")
        .arg(&md)
        .args(["-o", "form.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("use --force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        fs::read_to_string(t.path().join("form.json")).expect("read"),
        "keep me"
    );
    let out = rileva(t.path())
        .arg("convert")
        .arg(&md)
        .args(["-o", "form.json", "--force"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        json(&t.path().join("form.json"))["settings"]["form_id"],
        "buone_pratiche_covid19"
    );
    // Only the output file was added: no temp file left behind.
    let mut names: Vec<String> = fs::read_dir(t.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "buone-pratiche-covid19.xlsform.md",
            "form.json",
            "istat-comuni.csv"
        ]
    );
}

#[test]
fn convert_to_standard_output() {
    let t = tmp();
    fs::write(
        t.path().join("f.csv"),
        "survey,,,\n,type,name,label\n,integer,age,Age\n",
    )
    .expect("write");
    let out = rileva(t.path())
        .args(["convert", "f.csv", "-o", "-"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["survey"][0]["type"], "integer");
    assert_eq!(v["settings"]["form_id"], "f");
}

#[test]
fn convert_a_form_with_problems_writes_nothing_and_exits_1() {
    let t = tmp();
    fs::write(
        t.path().join("bad.md"),
        "| survey |\n| | type | name | label |\n| | image | p | Photo |\n| | text | 1a | A |\n",
    )
    .expect("write");
    let out = rileva(t.path())
        .args(["convert", "bad.md", "-o", "bad.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(
        s.contains("bad.md: survey, line 3, column type: the type \"image\" (a photo) is not supported by rileva"),
        "{s}"
    );
    assert!(
        s.contains("bad.md: survey, line 4, column name: \"1a\" is not a valid name"),
        "{s}"
    );
    assert!(text(&out.stderr).contains("nothing written"));
    assert!(!t.path().join("bad.json").exists());
}

#[test]
fn convert_a_missing_file_exits_2() {
    let t = tmp();
    let out = rileva(t.path())
        .args(["convert", "nope.xlsx", "-o", "x.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("rileva: cannot read nope.xlsx"));
}

#[test]
fn convert_says_which_csv_must_follow_the_json() {
    let t = tmp();
    let md = default_xlsform(t.path());
    fs::create_dir(t.path().join("out")).expect("mkdir");
    let out = rileva(t.path())
        .arg("convert")
        .arg(&md)
        .args(["-o", "out/form.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("names istat-comuni.csv: copy it beside"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_missing_csv_is_a_located_problem() {
    let t = tmp();
    let md = default_xlsform(t.path());
    fs::remove_file(t.path().join("istat-comuni.csv")).expect("rm");
    let out = rileva(t.path())
        .arg("validate")
        .arg(&md)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("survey, line 8, column type: the file \"istat-comuni.csv\" was not found beside the form"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn validate_every_container() {
    let t = tmp();
    let mut files = vec![(
        workbooks::group(t.path()),
        "valid — 3 questions, 0 choice lists, language en",
    )];
    if let Some(xls) = workbooks::yes_or_no_xls("validate_every_container (.xls)") {
        files.push((xls, "valid — 1 question, 1 choice list, language english"));
    }
    for (file, summary) in files.into_iter().chain([
        (
            fixture("tiny.ods"),
            "valid — 3 questions, 1 choice list, no translations",
        ),
        (
            asset("buone-pratiche-covid19.xlsform.md"),
            "valid — 55 questions, 22 choice lists, languages it, en",
        ),
    ]) {
        let out = rileva(t.path())
            .arg("validate")
            .arg(&file)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            file.display(),
            text(&out.stdout)
        );
        assert!(
            text(&out.stdout).trim_end().ends_with(summary),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn validate_reports_every_problem_of_a_workbook_with_its_cell() {
    let t = tmp();
    let out = rileva(t.path())
        .arg("validate")
        .arg(workbooks::problems(t.path()))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    let want = [
        "survey, row 1, column label: the column \"label\" appears twice",
        "survey, row 4, column type: the type \"barcode\" (a barcode scan) is not supported by rileva",
        "survey, row 5: a question needs a label or a hint",
        "choices, row 2, column image: the column \"image\" (images, audio or video in choices) is not supported by rileva",
        "settings, row 2, column public_key: the setting public_key (encrypted submissions) is not supported by rileva",
    ];
    for w in want {
        assert!(s.contains(w), "{w} in {s}");
    }
    assert!(
        text(&out.stderr).contains(&format!("is not valid: {} problems", want.len())),
        "{s}{}",
        text(&out.stderr)
    );
}

#[test]
fn an_ods_converts_with_numbers_as_pyxform_writes_them() {
    let t = tmp();
    let out = rileva(t.path())
        .arg("convert")
        .arg(fixture("tiny.ods"))
        .args(["-o", "-"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["settings"]["version"], "2024010101");
    assert_eq!(v["choices"]["yn"][0]["name"], "1");
    assert_eq!(v["survey"][0]["constraint"], ". >= 0");
}

#[test]
fn a_damaged_workbook_is_a_problem_of_the_file() {
    let t = tmp();
    fs::write(t.path().join("broken.xlsx"), b"PK\x03\x04 not really a zip").expect("write");
    let out = rileva(t.path())
        .args(["validate", "broken.xlsx"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("broken.xlsx: cannot read the file as a .xlsx XLSForm"),
        "{}",
        text(&out.stdout)
    );
}

/// What `convert` writes is a native form as its JSON Schema describes it.
#[test]
fn converted_forms_follow_the_form_schema() {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(ROOT).join("assets/schema/form.schema.json"))
            .expect("schema"),
    )
    .expect("JSON");
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid schema");
    let t = tmp();
    let md = default_xlsform(t.path());
    let mut files = vec![md, workbooks::group(t.path()), fixture("tiny.ods")];
    files.extend(workbooks::yes_or_no_xls(
        "converted_forms_follow_the_form_schema (.xls)",
    ));
    for file in files {
        let out = rileva(t.path())
            .arg("convert")
            .arg(&file)
            .args(["-o", "-"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let problems: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", file.display());
    }
}

/// Issue "Foundations": a form of only notes passed `validate`, then `n` in
/// the TUI panicked. Every command that reads a form now refuses it, saying
/// where and why.
#[test]
fn a_form_with_nothing_to_fill_is_refused_by_every_command() {
    let t = tmp();
    fs::write(
        t.path().join("notes.md"),
        "| survey |\n| | type | name | label | calculation |\n| | note | n | Hello | |\n| | calculate | c | | 1 + 1 |\n",
    )
    .expect("write");
    fs::write(t.path().join("rows.csv"), "n\n").expect("write");
    let why = "notes.md: survey: the form has nothing to fill: no question takes an answer (it has only: note, calculate)";
    let runs: [(&[&str], bool); 4] = [
        (&["validate", "notes.md"], true),
        (&["convert", "notes.md", "-o", "notes.json"], true),
        (&["--form", "notes.md"], false),
        (&["import", "--form", "notes.md", "rows.csv"], false),
    ];
    for (args, on_stdout) in runs {
        let out = rileva(t.path()).args(args).output().expect("runs");
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        let said = text(if on_stdout { &out.stdout } else { &out.stderr });
        assert!(said.contains(why), "{args:?}: {said}");
    }
    assert!(!t.path().join("notes.json").exists());
}
