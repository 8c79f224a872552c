//! The OpenRosa XML export measured against pyxform 4.5.0, the reference
//! XLSForm converter, used as a test-time oracle.
//!
//! Every corpus form of ../shared/xlsform-corpus/pyxform (the workbooks of
//! example_xls and bug_example_xls, the Markdown cases of md-cases.jsonl) that
//! rileva loads is converted by pyxform in one Python process
//! (tests/oracle/pyxform_instances.py), which gives the primary instance of
//! its XForm as a tree of element names. For each form pyxform accepts, three
//! responses are exported with `export::xml::response_xml`: one with every
//! question answered (each repeat given instances), one with nothing
//! answered (branches skipped), and one answered on the form with every
//! `relevant` taken out (every question relevant, so nothing is left out).
//! Each must have pyxform's tree less exactly the nodes the engine finds
//! non-relevant in that response: same names, nesting and order, the
//! root's `id` and `version`, `meta/instanceID`, and `meta/instanceName` iff the
//! form has an instance_name. A repeat's template stands for each of our
//! instances of it.
//!
//! The outcome of every form is the report tests/conformance/XML.md (see
//! `shared::check_report`). The test skips, saying why, when the corpus,
//! Python or pyxform 4.5.0 is missing (under CI it fails instead).

use crate::shared;
use crate::xml_oracle_fill::{all_relevant, answered, blank, row};
use rileva::engine::{Filling, Idx, Slot};
use rileva::export::xml::response_xml;
use rileva::form::xlsform::{self, Format, Source};
use rileva::form::{ErrorKind, Form, FormError, Kind};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// Forms whose export is known to differ from pyxform's instance, each with
/// why. Empty: every compared form agrees. (A listed form that starts
/// agreeing fails the test, so the list cannot go stale.)
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

const PYXFORM_VERSION: &str = "4.5.0";

fn known(key: &str) -> Option<&'static str> {
    KNOWN_DIFFERENCES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, why)| *why)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Why pyxform 4.5.0 cannot be run, if it cannot.
fn pyxform_missing() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import pyxform; print(pyxform.__version__)"])
        .output();
    match out {
        Err(e) => Some(format!("python3 cannot be run ({e})")),
        Ok(o) if !o.status.success() => Some("pyxform is not installed for python3".into()),
        Ok(o) => {
            let v = String::from_utf8_lossy(&o.stdout).trim().to_string();
            (v != PYXFORM_VERSION).then(|| format!("pyxform is {v}, not {PYXFORM_VERSION}"))
        }
    }
}

/// A form rileva loads, and how pyxform is to read it.
pub(crate) struct Subject {
    key: String,
    form: Arc<Form>,
    request: Value,
}

/// Why rileva does not load a form: `unsupported` or `rejected`.
fn refusal(errors: &[FormError]) -> &'static str {
    if errors.iter().any(FormError::is_unsupported) {
        "unsupported"
    } else if errors.iter().all(|e| e.kind == ErrorKind::MissingFile) {
        "missing file"
    } else {
        "rejected"
    }
}

/// The workbooks a verdicts file of `dir` lists that rileva loads, and a
/// count of the others by reason.
pub(crate) fn workbooks(
    dir: &Path,
    verdicts: &str,
) -> (Vec<Subject>, BTreeMap<&'static str, usize>) {
    let mut out = Vec::new();
    let mut refused = BTreeMap::new();
    let tsv = std::fs::read_to_string(dir.join(verdicts)).expect("verdicts");
    for file in tsv.lines().skip(1).filter_map(|l| l.split('\t').next()) {
        let path = dir.join(file);
        if !path.is_file() {
            continue;
        }
        match xlsform::load_path(&path) {
            Ok((_, form)) => out.push(Subject {
                key: file.to_string(),
                form: Arc::new(form),
                request: json!({"key": file, "path": path}),
            }),
            Err(e) => *refused.entry(refusal(&e)).or_default() += 1,
        }
    }
    (out, refused)
}

/// The corpus forms rileva loads, and a count of the others by reason.
fn subjects(dir: &Path) -> (Vec<Subject>, BTreeMap<&'static str, usize>) {
    let (mut out, mut refused) = workbooks(dir, "workbook-verdicts.tsv");
    let text = std::fs::read_to_string(dir.join("md-cases.jsonl")).expect("md cases");
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value = serde_json::from_str(line).expect("a JSON line");
        let md = v["md"].as_str().unwrap_or("");
        let key = format!(
            "md-cases.jsonl:{} {}",
            i + 1,
            v["source"].as_str().unwrap_or("?")
        );
        // As tests/conformance.rs and pyxform's test suite read them.
        let src = Source {
            bytes: md.as_bytes(),
            format: Format::Md,
            stem: "data",
            shown: "form.md",
            form_name: Some("test_name"),
        };
        match xlsform::load_bytes(src, &|_| None) {
            Ok((_, form)) => out.push(Subject {
                request: json!({"key": key, "md": md, "form_name": "test_name"}),
                key,
                form: Arc::new(form),
            }),
            Err(e) => *refused.entry(refusal(&e)).or_default() += 1,
        }
    }
    (out, refused)
}

/// An element of pyxform's primary instance.
#[derive(Debug)]
struct Py {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Py>,
}

impl Py {
    fn from_json(v: &Value) -> Py {
        Py {
            name: v["n"].as_str().unwrap_or_default().to_string(),
            attrs: v["a"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            children: v["c"]
                .as_array()
                .map(|c| c.iter().map(Py::from_json).collect())
                .unwrap_or_default(),
        }
    }
}

/// pyxform's verdict on each form by key: its instance, or its error.
fn run_pyxform(subjects: &[Subject]) -> HashMap<String, Result<Py, String>> {
    let requests: Vec<&Value> = subjects.iter().map(|s| &s.request).collect();
    let mut input = tempfile::NamedTempFile::new().expect("temp file");
    serde_json::to_writer(&mut input, &requests).expect("requests written");
    let out = Command::new("python3")
        .arg(root().join("tests/oracle/pyxform_instances.py"))
        .arg(input.path())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the pyxform oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("the oracle prints JSON");
    assert_eq!(v["pyxform"], PYXFORM_VERSION);
    let forms = v["forms"].as_array().expect("forms");
    forms
        .iter()
        .map(|f| {
            let key = f["key"].as_str().unwrap_or_default().to_string();
            let verdict = if f["ok"] == true {
                Ok(Py::from_json(&f["tree"]))
            } else {
                Err(f["error"].as_str().unwrap_or_default().to_string())
            };
            (key, verdict)
        })
        .collect()
}

/// An element tree of names, with each element's attributes (by local
/// name: the oracle drops namespaces).
#[derive(Debug, PartialEq)]
struct Tree {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Tree>,
}

/// pyxform's elements under `py` (at data path `path`, in repeat instances
/// `idx`), less those the engine finds non-relevant; a repeat's template
/// once per instance. Elements with no node in our form (meta) are kept.
fn expected(f: &Filling, py: &Py, path: &str, idx: &Idx) -> Vec<Tree> {
    let form = f.form();
    let mut out = Vec::new();
    for c in &py.children {
        let p = format!("{path}/{}", c.name);
        let node = form.by_path(&p).map(|id| form.node(id));
        match node {
            Some(n) if n.kind == Kind::Repeat => {
                for k in 0..f.instances(n.id, idx) {
                    let mut inner = idx.clone();
                    inner.push(k);
                    if f.is_relevant(&Slot::new(n.id, inner.clone())) {
                        let children = expected(f, c, &p, &inner);
                        out.push(Tree {
                            name: c.name.clone(),
                            attrs: c.attrs.clone(),
                            children,
                        });
                    }
                }
            }
            Some(n) if !f.is_relevant(&Slot::new(n.id, idx.clone())) => {}
            _ => {
                let children = expected(f, c, &p, idx);
                out.push(Tree {
                    name: c.name.clone(),
                    attrs: c.attrs.clone(),
                    children,
                });
            }
        }
    }
    out
}

fn tree_of(e: roxmltree::Node<'_, '_>) -> Tree {
    Tree {
        name: e.tag_name().name().to_string(),
        attrs: e
            .attributes()
            .map(|a| (a.name().to_string(), a.value().to_string()))
            .collect(),
        children: e
            .children()
            .filter(|c| c.is_element())
            .map(tree_of)
            .collect(),
    }
}

fn names(ts: &[Tree]) -> String {
    let v: Vec<&str> = ts.iter().map(|t| t.name.as_str()).collect();
    format!("[{}]", v.join(", "))
}

/// Where two trees first differ.
fn first_difference(want: &Tree, got: &Tree, at: &str) -> Option<String> {
    let here = format!("{at}/{}", want.name);
    if want.name != got.name {
        return Some(format!(
            "{at}: pyxform has <{}>, rileva <{}>",
            want.name, got.name
        ));
    }
    if !at.is_empty() && want.attrs != got.attrs {
        return Some(format!(
            "{here}: attributes {:?} in pyxform, {:?} in rileva",
            want.attrs, got.attrs
        ));
    }
    for (i, (w, g)) in want.children.iter().zip(&got.children).enumerate() {
        if w.name != g.name {
            return Some(format!(
                "{here}: child {} is <{}> in pyxform, <{}> in rileva; children: pyxform {} rileva {}",
                i + 1,
                w.name,
                g.name,
                names(&want.children),
                names(&got.children)
            ));
        }
        if let Some(d) = first_difference(w, g, &here) {
            return Some(d);
        }
    }
    (want.children.len() != got.children.len()).then(|| {
        format!(
            "{here}: {} children in pyxform, {} in rileva; pyxform {} rileva {}",
            want.children.len(),
            got.children.len(),
            names(&want.children),
            names(&got.children)
        )
    })
}

/// How one response's export differs from pyxform's instance, if it does.
fn compare(f: &Filling, py: &Py) -> Option<String> {
    let xml = response_xml(f, &row());
    let doc = match roxmltree::Document::parse(&xml) {
        Ok(d) => d,
        Err(e) => return Some(format!("the export is not well-formed XML: {e}")),
    };
    let top = doc.root_element();
    for attr in ["id", "version"] {
        let (want, got) = (py.attrs.get(attr).map(String::as_str), top.attribute(attr));
        if want != got {
            return Some(format!(
                "root attribute {attr}: pyxform {want:?}, rileva {got:?}"
            ));
        }
    }
    let got = tree_of(top);
    let want = Tree {
        name: py.name.clone(),
        attrs: BTreeMap::new(),
        children: expected(f, py, "", &Vec::new()),
    };
    if let Some(d) = first_difference(&want, &got, "") {
        return Some(d);
    }
    let meta = top.children().find(|c| c.has_tag_name("meta"));
    let has = |name: &str| meta.is_some_and(|m| m.children().any(|c| c.has_tag_name(name)));
    if !has("instanceID") {
        return Some("meta/instanceID is missing".into());
    }
    if has("instanceName") != f.form().instance_name.is_some() {
        return Some("meta/instanceName is there iff the form has no instance_name".into());
    }
    None
}

pub(crate) struct Outcome {
    key: String,
    word: &'static str,
    detail: String,
}

fn cell(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line
        .chars()
        .take(400)
        .collect::<String>()
        .replace('|', "\\|")
}

pub(crate) fn report(
    outcomes: &[Outcome],
    refused: &BTreeMap<&str, usize>,
    summary: &str,
) -> String {
    let mut r = String::new();
    r.push_str("# OpenRosa XML export against pyxform 4.5.0\n\n");
    r.push_str(
        "Written by `cargo test` (tests/it/xml_oracle.rs). For each corpus form of \
         ../shared/xlsform-corpus/pyxform that rileva loads and pyxform accepts, three responses \
         (every question answered; nothing answered; every question answered on the form \
         with every `relevant` taken out) are exported with `response_xml` and \
         their element trees compared with the primary instance of pyxform's XForm, less the \
         nodes the engine finds non-relevant. `agree`: both match; `mismatch`: the first \
         difference is given; `known`: a listed known difference; `pyxform rejects`: not \
         compared.\n\n",
    );
    let _ = writeln!(r, "{summary}\n");
    for (why, n) in refused {
        let _ = writeln!(r, "- not loaded by rileva ({why}): {n}");
    }
    r.push_str("\n| form | outcome | first difference / pyxform error |\n| --- | --- | --- |\n");
    let rank = |w: &str| {
        ["mismatch", "known", "agree", "pyxform rejects"]
            .iter()
            .position(|x| *x == w)
    };
    let mut sorted: Vec<&Outcome> = outcomes.iter().collect();
    sorted.sort_by_key(|o| rank(o.word));
    for o in sorted {
        let _ = writeln!(r, "| {} | {} | {} |", cell(&o.key), o.word, cell(&o.detail));
    }
    r
}

/// Skips (or under CI fails) when pyxform 4.5.0 cannot be run.
pub(crate) fn pyxform_ready(test: &str) -> bool {
    if let Some(why) = pyxform_missing() {
        let why = format!("{test}: {why} (pip install pyxform=={PYXFORM_VERSION})");
        // .ci/run installs it: CI runs this test.
        assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "{why}");
        println!("{why}: skipped");
        return false;
    }
    true
}

/// Each subject's three responses compared with pyxform's instance.
pub(crate) fn judge(subjects: &[Subject]) -> Vec<Outcome> {
    let verdicts = run_pyxform(subjects);
    let mut outcomes = Vec::new();
    for s in subjects {
        let (word, detail) = match verdicts.get(&s.key) {
            None => (
                "mismatch",
                "pyxform gave no answer for the form".to_string(),
            ),
            Some(Err(e)) => ("pyxform rejects", e.clone()),
            Some(Ok(py)) => {
                // XML_ORACLE_DUMP=part-of-a-key prints that form's exports.
                if std::env::var("XML_ORACLE_DUMP").is_ok_and(|k| s.key.contains(&k)) {
                    for f in [answered(&s.form), blank(&s.form)] {
                        println!("{}:\n{}", s.key, response_xml(&f, &row()));
                    }
                }
                let diff = compare(&answered(&s.form), py)
                    .map(|d| format!("all answered: {d}"))
                    .or_else(|| compare(&blank(&s.form), py).map(|d| format!("none answered: {d}")))
                    .or_else(|| {
                        let f = answered(&all_relevant(&s.form));
                        compare(&f, py).map(|d| format!("all relevant: {d}"))
                    });
                match (diff, known(&s.key)) {
                    (None, Some(_)) => (
                        "mismatch",
                        "listed in KNOWN_DIFFERENCES but agrees: remove it".into(),
                    ),
                    (None, None) => ("agree", String::new()),
                    (Some(d), Some(why)) => ("known", format!("{why}. {d}")),
                    (Some(d), None) => ("mismatch", d),
                }
            }
        };
        outcomes.push(Outcome {
            key: s.key.clone(),
            word,
            detail,
        });
    }
    outcomes
}

pub(crate) fn count(outcomes: &[Outcome], w: &str) -> usize {
    outcomes.iter().filter(|o| o.word == w).count()
}

/// Fails naming every form whose export differs, then checks the report.
pub(crate) fn settle(name: &str, outcomes: &[Outcome], report: &str) {
    let path = shared::tracked_report(name);
    let mismatches: Vec<String> = outcomes
        .iter()
        .filter(|o| o.word == "mismatch")
        .map(|o| format!("{}: {}", o.key, o.detail))
        .collect();
    shared::write_report(name, report);
    assert!(
        mismatches.is_empty(),
        "{} forms export XML unlike pyxform's instance (see {}):\n{}",
        mismatches.len(),
        path.display(),
        mismatches.join("\n")
    );
    shared::check_report(name, report);
}

#[test]
fn exported_xml_has_the_shape_of_pyxforms_instance() {
    let Some(dir) = shared::dir("xlsform-corpus/pyxform", "xml_oracle") else {
        return;
    };
    if !pyxform_ready("xml_oracle") {
        return;
    }
    let (subjects, refused) = subjects(&dir);
    let mut outcomes = judge(&subjects);
    for (k, _) in KNOWN_DIFFERENCES {
        if !outcomes
            .iter()
            .any(|o| o.key == *k && o.word != "pyxform rejects")
        {
            outcomes.push(Outcome {
                key: k.to_string(),
                word: "mismatch",
                detail: "listed in KNOWN_DIFFERENCES but not compared: remove it".into(),
            });
        }
    }
    let c = |w: &str| count(&outcomes, w);
    let summary = format!(
        "Forms compared: {} (agree {}, mismatch {}, known differences {}); loaded by rileva but \
         rejected by pyxform: {}; not loaded by rileva (skipped as unsupported or rejected): {}",
        c("agree") + c("mismatch") + c("known"),
        c("agree"),
        c("mismatch"),
        c("known"),
        c("pyxform rejects"),
        refused.values().sum::<usize>()
    );
    println!("xml_oracle: {summary}");
    settle("XML.md", &outcomes, &report(&outcomes, &refused, &summary));
}
