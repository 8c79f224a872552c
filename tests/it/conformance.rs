//! Conformance with pyxform, the reference XLSForm converter: every workbook
//! and every Markdown case of ../shared/xlsform-corpus/pyxform is loaded, and
//! rileva's accept/reject verdict compared with pyxform 4.5.0's.
//!
//! Each case is `agree`, `disagree`, or `unsupported` (rileva refuses it for
//! a feature outside its support: an error of kind `ErrorKind::Unsupported`).
//! A form refused only for having nothing to fill (`ErrorKind::NothingToFill`:
//! no question takes an answer) breaks no XLSForm rule for rileva either: its
//! verdict reads `nothing to fill` and counts as an acceptance of the form.
//! The agreement over supported cases is the report tests/conformance/REPORT.md,
//! one line per case; the test fails when it drops below the figure recorded
//! there, and when the report differs from it (see `shared::check_report`). Files a form names (CSV choice lists) count as present:
//! pyxform never opens them, so a missing one says nothing about the form.

use rileva::form::xlsform::{self, Format, Source};
use rileva::form::{ErrorKind, FormError};
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
    Unsupported,
    /// Refused only because no question takes an answer: valid XLSForm, of
    /// no use for data entry.
    NothingToFill,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
            Verdict::Unsupported => "unsupported",
            Verdict::NothingToFill => "nothing to fill",
        }
    }
}

struct Case {
    source: String,
    pyxform_rejects: bool,
    pyxform_error: String,
    ours: Verdict,
    first_error: Option<String>,
}

impl Case {
    fn outcome(&self) -> &'static str {
        match (self.ours, self.pyxform_rejects) {
            (Verdict::Unsupported, _) => "unsupported",
            (Verdict::Reject, true) | (Verdict::Accept | Verdict::NothingToFill, false) => "agree",
            _ => "disagree",
        }
    }
}

fn form_schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/schema/form.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("JSON");
    jsonschema::draft202012::options()
        .build(&schema)
        .expect("a valid schema")
}

/// rileva's verdict on one file; files it names are always there. A form it
/// accepts must also convert to a native document that follows the schema.
fn judge(src: Source<'_>) -> (Verdict, Option<String>) {
    thread_local! {
        static SCHEMA: jsonschema::Validator = form_schema();
    }
    let files = |_: &str| None;
    let shown = src.shown.to_string();
    match xlsform::load_bytes(src, &files) {
        Ok((bundle, _)) => {
            let doc: serde_json::Value = serde_json::from_str(&bundle.definition).expect("JSON");
            SCHEMA.with(|v| {
                let problems: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
                assert!(problems.is_empty(), "{shown}: {problems:#?}");
            });
            (Verdict::Accept, None)
        }
        Err(errors) => {
            let errors: Vec<&FormError> = errors
                .iter()
                .filter(|e| e.kind != ErrorKind::MissingFile)
                .collect();
            let first = |pred: &dyn Fn(&FormError) -> bool| {
                errors.iter().find(|e| pred(e)).map(|e| e.to_string())
            };
            if let Some(u) = first(&|e| e.is_unsupported()) {
                (Verdict::Unsupported, Some(u))
            } else if let Some(e) = first(&|e| e.kind != ErrorKind::NothingToFill) {
                (Verdict::Reject, Some(e))
            } else if let Some(e) = first(&|_| true) {
                (Verdict::NothingToFill, Some(e))
            } else {
                (Verdict::Accept, None)
            }
        }
    }
}

fn workbook_cases(dir: &Path) -> Vec<Case> {
    let tsv = std::fs::read_to_string(dir.join("workbook-verdicts.tsv")).expect("verdicts");
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let mut f = line.split('\t');
        let (Some(file), Some(verdict)) = (f.next(), f.next()) else {
            continue;
        };
        let path = dir.join(file);
        let bytes = std::fs::read(&path).expect("corpus file");
        let format = Format::of_path(&path).expect("an XLSForm extension");
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("data");
        let (ours, first_error) = judge(Source {
            bytes: &bytes,
            format,
            stem,
            shown: file,
            form_name: None,
        });
        out.push(Case {
            source: file.to_string(),
            pyxform_rejects: verdict == "reject",
            pyxform_error: f.next().unwrap_or("").to_string(),
            ours,
            first_error,
        });
    }
    out
}

fn md_cases(dir: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join("md-cases.jsonl")).expect("md cases");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let source = v["source"].as_str().unwrap_or("?").to_string();
        let md = v["md"].as_str().unwrap_or("");
        // pyxform's test cases name the form `test_name` (its root element).
        let (ours, first_error) = judge(Source {
            bytes: md.as_bytes(),
            format: Format::Md,
            stem: "data",
            shown: "form.md",
            form_name: Some("test_name"),
        });
        out.push(Case {
            source,
            pyxform_rejects: v["pyxform_rejects"].as_bool().unwrap_or(false),
            pyxform_error: v["pyxform_error"].as_str().unwrap_or("").to_string(),
            ours,
            first_error,
        });
    }
    out
}

fn cell(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = one_line.chars().take(220).collect();
    cut.replace('|', "\\|")
}

const FIGURE: &str = "Agreement over supported cases: ";

fn report(cases: &[Case]) -> (String, f64) {
    let count = |o: &str| cases.iter().filter(|c| c.outcome() == o).count();
    let (agree, disagree, unsupported) = (count("agree"), count("disagree"), count("unsupported"));
    let supported = agree + disagree;
    let pct = if supported == 0 {
        100.0
    } else {
        agree as f64 * 100.0 / supported as f64
    };
    let mut r = String::new();
    r.push_str("# XLSForm conformance with pyxform 4.5.0\n\n");
    r.push_str(
        "Written by `cargo test` (tests/it/conformance.rs) from ../shared/xlsform-corpus/pyxform: the \
         workbooks of example_xls and bug_example_xls (verdicts in workbook-verdicts.tsv) and the \
         Markdown cases of md-cases.jsonl. A case is `agree` when rileva accepts or rejects it as \
         pyxform does, `disagree` otherwise, and `unsupported` when rileva refuses it for a \
         feature outside its support (an error of kind `Unsupported`). A form rileva refuses \
         only because no question in it takes an answer breaks no XLSForm rule: its verdict \
         reads `nothing to fill` and counts as an acceptance. Files a form names are taken as \
         present, since pyxform never opens them.\n\n",
    );
    let _ = writeln!(r, "{FIGURE}{pct:.2}% ({agree} of {supported})\n");
    r.push_str("| outcome | cases |\n| --- | ---: |\n");
    let _ = writeln!(r, "| agree | {agree} |");
    let _ = writeln!(r, "| disagree | {disagree} |");
    let _ = writeln!(r, "| unsupported | {unsupported} |");
    let _ = writeln!(r, "| total | {} |\n", cases.len());
    for (title, outcome) in [
        ("Disagreements", "disagree"),
        ("Unsupported", "unsupported"),
        ("Agreements", "agree"),
    ] {
        let _ = writeln!(r, "## {title}\n");
        r.push_str("| source | pyxform | rileva | reason |\n| --- | --- | --- | --- |\n");
        for c in cases.iter().filter(|c| c.outcome() == outcome) {
            let pyxform = if c.pyxform_rejects {
                "reject"
            } else {
                "accept"
            };
            let reason = match outcome {
                "agree" if c.pyxform_rejects => format!(
                    "{} — pyxform: {}",
                    c.first_error.clone().unwrap_or_default(),
                    c.pyxform_error
                ),
                "agree" => c.first_error.clone().unwrap_or_default(),
                _ => {
                    let mut s = c.first_error.clone().unwrap_or_default();
                    if c.pyxform_rejects && outcome == "disagree" {
                        s = format!("pyxform: {}", c.pyxform_error);
                    } else if c.pyxform_rejects {
                        s = format!("{s} — pyxform: {}", c.pyxform_error);
                    }
                    s
                }
            };
            let _ = writeln!(
                r,
                "| {} | {pyxform} | {} | {} |",
                cell(&c.source),
                c.ours.word(),
                cell(&reason)
            );
        }
        r.push('\n');
    }
    (r, pct)
}

/// The figure recorded in a report, if any.
fn recorded(report: &str) -> Option<f64> {
    let line = report.lines().find(|l| l.starts_with(FIGURE))?;
    line[FIGURE.len()..].split('%').next()?.trim().parse().ok()
}

#[test]
fn agreement_with_pyxform_does_not_drop() {
    let Some(dir) = crate::shared::dir("xlsform-corpus/pyxform", "conformance") else {
        return;
    };
    let mut cases = workbook_cases(&dir);
    cases.extend(md_cases(&dir));
    let (text, pct) = report(&cases);
    let path = crate::shared::tracked_report("REPORT.md");
    let before = std::fs::read_to_string(&path)
        .ok()
        .and_then(|r| recorded(&r));
    println!("conformance: {pct:.2}% agreement over supported cases (recorded: {before:?})");
    let fresh = crate::shared::write_report("REPORT.md", &text);
    println!("this run's report: {}", fresh.display());
    // The report keeps two decimals: compare at that precision.
    if let Some(b) = before {
        assert!(
            (pct * 100.0).round() >= (b * 100.0).round(),
            "agreement with pyxform dropped from {b:.2}% to {pct:.2}%"
        );
    }
    crate::shared::check_report("REPORT.md", &text);
}

#[test]
fn the_recorded_figure_reads_back() {
    let cases = vec![Case {
        source: "x".into(),
        pyxform_rejects: false,
        pyxform_error: String::new(),
        ours: Verdict::Accept,
        first_error: None,
    }];
    let (text, pct) = report(&cases);
    assert_eq!(pct, 100.0);
    assert_eq!(recorded(&text), Some(100.0));
}
