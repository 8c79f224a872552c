//! The rxeval oracle: the 126 expressions of
//! `../shared/xlsform-corpus/rxeval-oracle/corpus.txt`, evaluated against its
//! `instance.xml` (typed by `form.xml`'s binds, context node the document
//! element, as in JavaRosa's harness) and compared with JavaRosa 5.1's answers
//! in `javarosa-expected.json`.
//!
//! Checks that agreement is at least 95% and not below the figure recorded in
//! `tests/conformance/RXEVAL.md`, and that the report of this run is that
//! file (see `crate::test_shared`). Skips, saying so, when the shared corpus
//! is absent (under CI it fails instead).

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::test_support::{TreeCtx, XmlTree};
use super::{Value, eval, parse};

/// The bar.
const MIN_AGREEMENT: f64 = 0.95;

/// Relative tolerance on numbers (JavaRosa computes in Java's `Math`, whose
/// transcendental functions may differ from Rust's in the last bits).
const TOLERANCE: f64 = 1e-9;

/// Disagreements that are deliberate, with the reason given in the report.
const KNOWN: &[(&str, &str)] = &[
    (
        "floor(1.9)",
        "deliberate: floor() is XPath 1.0 and in ODK's documentation; JavaRosa 5.1 lacks it, rileva keeps it",
    ),
    (
        "ceiling(1.1)",
        "deliberate: ceiling() is XPath 1.0 and in ODK's documentation; JavaRosa 5.1 lacks it, rileva keeps it",
    ),
];

/// The expressions of `corpus.txt`: one a line, blank lines and `#` comments
/// skipped.
fn corpus(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// `(nodeset path, type)` of every `<bind>` in `form.xml`.
fn bind_types(form: &str) -> Vec<(String, String)> {
    let Ok(doc) = roxmltree::Document::parse(form) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "bind")
        .filter_map(|n| {
            Some((
                n.attribute("nodeset")?.to_string(),
                n.attribute("type")?.to_string(),
            ))
        })
        .collect()
}

/// How an answer reads in the report.
fn show_ours(result: &Result<Value, String>) -> String {
    match result {
        Err(e) => format!("error: {e}"),
        Ok(Value::Nodes(nodes)) => {
            let items: Vec<String> = nodes.iter().map(|v| format!("{:?}", v.to_str())).collect();
            format!("nodeset [{}]", items.join(", "))
        }
        Ok(Value::Num(n)) => format!("number {}", super::numfmt::format_number(*n)),
        Ok(Value::Bool(b)) => format!("boolean {b}"),
        Ok(Value::Str(s)) => format!("string {s:?}"),
        Ok(v @ (Value::Date(_) | Value::DateTime(_))) => format!("date {}", v.to_str()),
    }
}

fn show_javarosa(entry: &Json) -> String {
    let kind = entry["type"].as_str().unwrap_or("?");
    match kind {
        "error" => format!("error: {}", entry["value"].as_str().unwrap_or("")),
        "nodeset" => format!("nodeset {}", entry["value"]),
        other => format!("{other} {}", entry["value"]),
    }
}

fn number_of(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

fn same_number(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= TOLERANCE * b.abs().max(1.0)
}

/// Compares with JavaRosa's answer: `None` when they agree, else why not.
fn compare(entry: &Json, ours: &Result<Value, String>) -> Option<String> {
    let kind = entry["type"].as_str().unwrap_or("");
    let want = &entry["value"];
    let agree = match (kind, ours) {
        ("error", Err(_)) => true,
        ("error", Ok(_)) => return Some("JavaRosa rejects it, rileva evaluates it".to_string()),
        (_, Err(e)) => return Some(format!("rileva fails where JavaRosa answers: {e}")),
        ("nodeset", Ok(Value::Nodes(nodes))) => {
            let items = want.as_array().map(Vec::as_slice).unwrap_or_default();
            items.len() == nodes.len()
                && items
                    .iter()
                    .zip(nodes)
                    .all(|(w, v)| w.as_str() == Some(v.to_str().as_str()))
        }
        ("string", Ok(Value::Str(s))) => want.as_str() == Some(s.as_str()),
        ("number", Ok(Value::Num(n))) => number_of(want).is_some_and(|w| same_number(*n, w)),
        ("boolean", Ok(Value::Bool(b))) => want.as_bool() == Some(*b),
        (kind, Ok(v)) => {
            let same_type = matches!(
                (kind, v),
                ("nodeset", Value::Nodes(_))
                    | ("string", Value::Str(_))
                    | ("number", Value::Num(_))
                    | ("boolean", Value::Bool(_))
            );
            if !same_type {
                return Some(format!("different type: JavaRosa gives a {kind}"));
            }
            false
        }
    };
    (!agree).then(|| "different value".to_string())
}

/// Markdown table cell: one line, no unescaped `|`, not too long.
fn cell(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let short = if one_line.chars().count() > 160 {
        let head: String = one_line.chars().take(157).collect();
        format!("{head}...")
    } else {
        one_line
    };
    short.replace('|', "\\|")
}

/// The agreement recorded by a previous report: `(agreed, total)`.
fn recorded(report: &str) -> Option<(usize, usize)> {
    let line = report.lines().find(|l| l.starts_with("Agreement: **"))?;
    let figure = line.strip_prefix("Agreement: **")?.split("**").next()?;
    let (agreed, total) = figure.split_once('/')?;
    Some((agreed.trim().parse().ok()?, total.trim().parse().ok()?))
}

struct Outcome {
    expr: String,
    javarosa: String,
    ours: String,
    reason: Option<String>,
}

#[test]
fn rxeval_oracle_agreement() {
    let Some(dir) = crate::test_shared::shared_dir("xlsform-corpus/rxeval-oracle", "rxeval oracle")
    else {
        return;
    };
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
    };
    let corpus_text = read("corpus.txt");
    let instance = read("instance.xml");
    let form = read("form.xml");
    let expected: Json = serde_json::from_str(&read("javarosa-expected.json"))
        .unwrap_or_else(|e| panic!("javarosa-expected.json: {e}"));

    let mut tree = XmlTree::new(&instance).unwrap_or_else(|e| panic!("instance.xml: {e}"));
    for (path, kind) in bind_types(&form) {
        tree = tree.typed(&path, &kind);
    }
    let ctx = TreeCtx::new(tree);

    let expressions = corpus(&corpus_text);
    let mut outcomes = Vec::new();
    for src in &expressions {
        let ours = parse(src)
            .map_err(|e| format!("parse: {e}"))
            .and_then(|e| eval(&e, &ctx).map_err(|e| e.to_string()));
        let entry = &expected[*src];
        let reason = if entry.is_null() {
            Some("no JavaRosa answer in javarosa-expected.json".to_string())
        } else {
            compare(entry, &ours).map(|why| {
                KNOWN
                    .iter()
                    .find(|(e, _)| e == src)
                    .map_or(why, |(_, r)| r.to_string())
            })
        };
        outcomes.push(Outcome {
            expr: src.to_string(),
            javarosa: show_javarosa(entry),
            ours: show_ours(&ours),
            reason,
        });
    }

    let total = outcomes.len();
    let agreed = outcomes.iter().filter(|o| o.reason.is_none()).count();
    let rate = agreed as f64 / total.max(1) as f64;
    let disagreements: Vec<&Outcome> = outcomes.iter().filter(|o| o.reason.is_some()).collect();
    let listing: Vec<String> = disagreements
        .iter()
        .map(|o| {
            format!(
                "{}: JavaRosa {} / rileva {} ({})",
                o.expr,
                o.javarosa,
                o.ours,
                o.reason.as_deref().unwrap_or("")
            )
        })
        .collect();
    eprintln!(
        "rxeval oracle: {agreed}/{total} agree\n{}",
        listing.join("\n")
    );

    assert_eq!(
        total, 126,
        "corpus.txt should hold the oracle's 126 expressions"
    );
    assert!(
        rate >= MIN_AGREEMENT,
        "agreement {agreed}/{total} is below {}%:\n{}",
        MIN_AGREEMENT * 100.0,
        listing.join("\n")
    );
    let path = crate::test_shared::tracked_report("RXEVAL.md");
    if let Some((was, of)) = std::fs::read_to_string(&path)
        .ok()
        .as_deref()
        .and_then(recorded)
    {
        // agreed / total >= was / of, in integers.
        assert!(
            agreed * of >= was * total,
            "agreement fell from {was}/{of} (recorded in {}) to {agreed}/{total}:\n{}",
            path.display(),
            listing.join("\n")
        );
    }

    let mut md = String::new();
    md.push_str("# Expression engine against JavaRosa (rxeval oracle)\n\n");
    md.push_str(
        "Written by `cargo test` (`src/expr/tests_rxeval.rs`). The \
         expressions of `../shared/xlsform-corpus/rxeval-oracle/corpus.txt` are evaluated \
         against its `instance.xml` (integers and decimals typed by `form.xml`'s binds, \
         context node the document element) and compared with JavaRosa 5.1's answers in \
         `javarosa-expected.json`: the same type (node-set, string, number, boolean) and \
         value (numbers within a relative 1e-9); where JavaRosa fails, failing (at parse or \
         evaluation time) agrees. The test fails below 95% or below the figure recorded here.\n\n",
    );
    let _ = writeln!(
        md,
        "Agreement: **{agreed}/{total}** ({:.1}%)\n",
        rate * 100.0
    );
    md.push_str("## Disagreements\n\n");
    if disagreements.is_empty() {
        md.push_str("None.\n");
    } else {
        md.push_str("| expression | JavaRosa 5.1 | rileva | reason |\n| --- | --- | --- | --- |\n");
        for o in &disagreements {
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} |",
                cell(&o.expr),
                cell(&o.javarosa),
                cell(&o.ours),
                cell(o.reason.as_deref().unwrap_or(""))
            );
        }
    }
    md.push_str("\n## Every expression\n\n| | expression | JavaRosa 5.1 | rileva |\n| --- | --- | --- | --- |\n");
    for o in &outcomes {
        let _ = writeln!(
            md,
            "| {} | `{}` | {} | {} |",
            if o.reason.is_none() { "=" } else { "≠" },
            cell(&o.expr),
            cell(&o.javarosa),
            cell(&o.ours)
        );
    }
    crate::test_shared::check_report("RXEVAL.md", &md);
}

#[test]
fn recorded_figure_reads_back() {
    let report = "# x\n\nAgreement: **124/126** (98.4%)\n";
    assert_eq!(recorded(report), Some((124, 126)));
    assert_eq!(recorded("nothing"), None);
}

#[test]
fn corpus_lines_skip_comments_and_blanks() {
    assert_eq!(corpus("# c\n\n a \n#d\nb"), ["a", "b"]);
}
