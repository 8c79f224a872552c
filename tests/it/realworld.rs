//! Conformance, measured on real forms: the XLSForms other projects wrote
//! for real surveys, training and their own tests
//! (`../shared/xlsform-corpus/realworld/`, never copied here), with
//! pyxform's verdict on each. The report (under the target directory, its
//! tracked copy `tests/conformance/REALWORLD.md`) says for each form what
//! pyxform and rileva made of it and, when rileva refuses one pyxform
//! accepts, rileva's first reason; the figure is how many of the forms
//! pyxform accepts rileva opens. Any change of it fails until the new
//! report is taken, so the figure never drops unnoticed.

use crate::shared;
use crate::xml_oracle;
use std::collections::BTreeMap;
use std::fmt::Write;

const TEST: &str = "realworld";

#[test]
fn real_world_forms_pyxform_accepts_open_and_the_figure_never_drops() {
    let Some(dir) = shared::dir("xlsform-corpus/realworld", TEST) else {
        return;
    };
    let verdicts =
        std::fs::read_to_string(dir.join("pyxform-verdicts.tsv")).expect("the verdicts file");
    let mut pyxform: BTreeMap<String, bool> = BTreeMap::new();
    for line in verdicts.lines().skip(1) {
        let mut cells = line.split('\t');
        if let (Some(file), Some(verdict)) = (cells.next(), cells.next()) {
            pyxform.insert(file.to_string(), verdict == "accept");
        }
    }
    assert!(!pyxform.is_empty(), "no verdicts read");
    let mut rows = String::new();
    let (mut accepted, mut opened, mut agree) = (0, 0, 0);
    let mut blockers: BTreeMap<String, usize> = BTreeMap::new();
    for (file, &accepts) in &pyxform {
        let path = dir.join(file);
        if !path.is_file() {
            continue;
        }
        let outcome = rileva::form::load_path(&path);
        let opens = outcome.is_ok();
        accepted += usize::from(accepts);
        opened += usize::from(accepts && opens);
        agree += usize::from(accepts == opens);
        let why = match &outcome {
            Ok(_) => String::new(),
            Err(errors) => errors
                .first()
                .map(|e| e.to_string().replace('|', "\\|").replace('\n', " "))
                .unwrap_or_default(),
        };
        if accepts && !opens {
            for e in outcome
                .err()
                .into_iter()
                .flatten()
                .filter(|e| e.is_unsupported())
            {
                let feature = e
                    .message
                    .split(" is not supported")
                    .next()
                    .unwrap_or(&e.message)
                    .to_string();
                *blockers.entry(feature).or_default() += 1;
            }
        }
        let _ = writeln!(
            rows,
            "| {file} | {} | {} | {why} |",
            if accepts { "accept" } else { "reject" },
            if opens { "opens" } else { "refuses" },
        );
    }
    let percent = if accepted == 0 {
        0.0
    } else {
        100.0 * opened as f64 / accepted as f64
    };
    let mut report = String::new();
    let _ = writeln!(
        report,
        "# Real-world XLSForms\n\nWritten by `cargo test` (tests/it/realworld.rs) from \
         ../shared/xlsform-corpus/realworld: forms of other projects, with pyxform 4.5.0's \
         verdicts. The goal is 90% of the forms pyxform accepts.\n\n\
         rileva opens {opened} of the {accepted} forms pyxform accepts ({percent:.1}%); \
         it agrees with pyxform on {agree} of {} forms.\n",
        pyxform.len()
    );
    let _ = writeln!(
        report,
        "## What blocks the others\n\n| feature | forms |\n| --- | ---: |"
    );
    let mut by_count: Vec<(&String, &usize)> = blockers.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (feature, n) in by_count {
        let _ = writeln!(report, "| {} | {n} |", feature.replace('|', "\\|"));
    }
    let _ = writeln!(
        report,
        "\n## Each form\n\n| form | pyxform | rileva | rileva's first reason |\n| --- | --- | --- | --- |"
    );
    report.push_str(&rows);
    println!(
        "real-world forms: rileva opens {opened} of {accepted} that pyxform accepts ({percent:.1}%)"
    );
    shared::check_report("REALWORLD.md", &report);
}

/// The real-world forms (../shared/xlsform-corpus/realworld) that rileva
/// opens, each with every question answered (files attached, shapes
/// typed), exported and compared with pyxform's instance as above.
#[test]
fn real_world_forms_export_xml_with_the_shape_of_pyxforms_instance() {
    let Some(dir) = shared::dir("xlsform-corpus/realworld", "xml_oracle") else {
        return;
    };
    if !xml_oracle::pyxform_ready("xml_oracle (real-world forms)") {
        return;
    }
    let (subjects, refused) = xml_oracle::workbooks(&dir, "pyxform-verdicts.tsv");
    let outcomes = xml_oracle::judge(&subjects);
    let c = |w: &str| xml_oracle::count(&outcomes, w);
    let summary = format!(
        "Real-world forms compared: {} (agree {}, mismatch {}); opened by rileva but rejected \
         by pyxform: {}; not opened by rileva: {}",
        c("agree") + c("mismatch") + c("known"),
        c("agree"),
        c("mismatch"),
        c("pyxform rejects"),
        refused.values().sum::<usize>()
    );
    println!("xml_oracle: {summary}");
    let text = xml_oracle::report(&outcomes, &refused, &summary)
        .replacen(
            "For each corpus form of \
             ../shared/xlsform-corpus/pyxform",
            "For each real-world form of ../shared/xlsform-corpus/realworld",
            1,
        )
        .replacen("(tests/it/xml_oracle.rs)", "(tests/it/realworld.rs)", 1);
    xml_oracle::settle("XML-REALWORLD.md", &outcomes, &text);
}
