//! Layer 7, measured: three whole paper questionnaires keyed heads down in
//! the transcription layout through the real binary in a pseudo-terminal,
//! each paper's keys sent in one burst without reading the screen between
//! them. The export is compared with the paper value by value, and the
//! keys per response are printed beside the goal (the value characters
//! plus one per typed field: a single choice costs its code alone).

use crate::e2e_support;
use crate::papers::{PAPERS, Paper};

use e2e_support::keys::*;
use e2e_support::{Tui, cli};
use serde_json::Value;
use std::path::Path;

/// The issue's goal for a paper, from the form rather than from the keys
/// the paper lists: the value characters, plus one Enter for each field
/// that is typed; a single choice (or an acknowledge) costs its code alone,
/// and a date of eight digits moves on by itself. Returns (goal, typed
/// fields).
fn goal(paper: &Paper) -> (usize, usize) {
    use rileva::form::Kind;
    let (_, form) = rileva::form::load_default().expect("the default form");
    let mut typed = 0;
    for (name, keys, _) in paper.fields {
        let id = form
            .by_name(name)
            .unwrap_or_else(|| panic!("{name} is not in the form"));
        let written = keys.trim_end_matches('\r');
        let moves_on = match form.node(id).kind {
            Kind::SelectOne | Kind::Acknowledge => true,
            Kind::Date => written.len() == 8 && written.bytes().all(|b| b.is_ascii_digit()),
            _ => false,
        };
        typed += usize::from(!moves_on);
    }
    (paper.value_chars() + typed, typed)
}

/// Past the operator's name, on the start screen.
fn keying(dir: &Path) -> Tui {
    let mut t = Tui::start_with(dir, &["--transcribe"]);
    t.wait_for("Chi sta compilando?");
    t.send("Mario Rossi\r");
    t.wait_for("Bozze 0");
    t
}

/// A new paper: `n`, its number, Enter; on its first page.
fn new_paper(t: &mut Tui, id: &str) {
    t.send("n");
    t.wait_for("Numero scritto sul questionario cartaceo");
    t.send(&format!("{id}\r"));
    t.wait_for("A. Ente compilatore e referente");
}

/// The responses as `rileva export` writes them, by paper number.
fn exported(dir: &Path, drafts: bool) -> Vec<Value> {
    let mut args = vec!["export", "--format", "ndjson"];
    if drafts {
        args.push("--drafts");
    }
    let (code, out, err) = cli(dir, &args);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(|l| serde_json::from_str(l).expect("one JSON response per line"))
        .collect()
}

/// An exported answer as the paper writes it ("" for none).
fn value(response: &Value, name: &str) -> String {
    let section = format!("sez_{}", name.get(..1).unwrap_or(""));
    match &response["data"][section.as_str()][name] {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        // A multiple choice: its names, as the paper's list has them.
        Value::Array(names) => names
            .iter()
            .map(|n| n.as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// Every answered question of the export's sections.
fn answered(response: &Value) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(data) = response["data"].as_object() {
        for (section, group) in data {
            if !section.starts_with("sez_") {
                continue;
            }
            for (name, v) in group.as_object().into_iter().flatten() {
                if !v.is_null() && v != "" {
                    names.push(name.clone());
                }
            }
        }
    }
    names.sort();
    names
}

fn the_response<'a>(all: &'a [Value], paper: &Paper) -> &'a Value {
    all.iter()
        .find(|r| r["meta"]["paperID"] == paper.id)
        .unwrap_or_else(|| panic!("no response for {}", paper.id))
}

/// Paper and export, field by field; the fields from `from` on are
/// expected empty (held back after a refused value).
fn compare(response: &Value, paper: &Paper, from: usize) {
    let mut wrong = Vec::new();
    for (i, (name, _, want)) in paper.fields.iter().enumerate() {
        let want = if i < from { *want } else { "" };
        let got = value(response, name);
        if got != want {
            wrong.push(format!("{name}: paper {want:?}, export {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}: {wrong:#?}", paper.id);
    let mut on_paper: Vec<String> = paper
        .fields
        .iter()
        .take(from)
        .filter(|(_, _, v)| !v.is_empty())
        .map(|(n, _, _)| n.to_string())
        .collect();
    on_paper.sort();
    assert_eq!(
        answered(response),
        on_paper,
        "{}: answers not on the paper",
        paper.id
    );
}

#[test]
fn three_papers_keyed_blind_match_the_export_value_by_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    // One keying of each paper, no double entry: the first entries are the
    // responses, exported as they are.
    let (code, _, err) = cli(dir.path(), &["settings", "verify", "off"]);
    assert_eq!(code, 0, "{err}");
    let mut t = keying(dir.path());
    let mut total = 0;
    for (n, paper) in PAPERS.iter().enumerate() {
        new_paper(&mut t, paper.id);
        let keys = paper.keys();
        t.send(&keys);
        // The last field (G05) moves on to the review; f finalizes, s
        // confirms, and the start screen counts it.
        t.wait_for("Riepilogo");
        t.send("fs");
        t.wait_for(&format!("Completate {}", n + 1));
        let sent = keys.chars().count();
        let (goal, typed) = goal(paper);
        println!(
            "{}: {} fields, {sent} keys (goal: at most {} value characters + {} typed fields = {goal}); \
             plus {} to start and finalize",
            paper.id,
            paper.fields.len(),
            paper.value_chars(),
            typed,
            1 + paper.id.chars().count() + 1 + 2,
        );
        assert!(sent <= goal, "{}: {sent} keys > {goal}", paper.id);
        total += sent;
    }
    println!("three papers: {total} keys");
    let bells = t.raw().iter().filter(|&&b| b == 0x07).count();
    assert_eq!(bells, 0, "no value was refused: {}", t.screen());
    t.send(CTRL_C);
    t.wait_exit();
    let all = exported(dir.path(), false);
    assert_eq!(all.len(), PAPERS.len());
    for paper in PAPERS {
        compare(the_response(&all, paper), paper, paper.fields.len());
    }
}

#[test]
fn a_blind_paper_with_one_wrong_code_leaves_every_other_field_right() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = keying(dir.path());
    let paper = &PAPERS[0];
    new_paper(&mut t, paper.id);
    // E02 mistyped: 149 (the list has 8 items, no code 9). Every key after
    // the 9 is held back, the bell rings once, and the screen says why.
    let at = paper
        .fields
        .iter()
        .position(|(n, _, _)| *n == "E02")
        .expect("E02 on the paper");
    let before: String = paper.fields[..at].iter().map(|(_, k, _)| *k).collect();
    let after: String = paper.fields[at + 1..].iter().map(|(_, k, _)| *k).collect();
    t.send(&format!("{before}149\r{after}"));
    let held = after.chars().count() + 1;
    let screen = t.wait_until("every key held", |s| {
        s.contains(&format!("({held} tasti trattenuti)"))
    });
    assert!(
        screen.contains("Nessuna voce dell'elenco ha il codice «9»"),
        "the bell's error is on screen at the end:\n{screen}"
    );
    let bells = t.raw().iter().filter(|&&b| b == 0x07).count();
    assert_eq!(bells, 1, "one bell for one error");
    let drafts = exported(dir.path(), true);
    compare(the_response(&drafts, paper), paper, at);
    // Esc, E02 keyed again, and the rest of the paper: all of it right.
    // Was `esc("Esc")`: it waited for "Esc" on screen, which the held
    // footer shows and the next one does not, a race it sometimes lost.
    t.send(ESC);
    t.wait_until("the hold is over", |s| !s.contains("Valore rifiutato"));
    t.send(&format!("147\r{after}"));
    t.wait_for("Riepilogo");
    t.send(CTRL_C);
    t.wait_exit();
    let drafts = exported(dir.path(), true);
    compare(the_response(&drafts, paper), paper, paper.fields.len());
}

/// The paper's keys with some fields keyed otherwise (a keying error).
fn keyed_with(paper: &Paper, wrong: &[(&str, &str)]) -> String {
    paper
        .fields
        .iter()
        .map(|(name, keys, _)| {
            wrong
                .iter()
                .find(|(n, _)| n == name)
                .map_or(*keys, |(_, k)| *k)
        })
        .collect()
}

/// A new operator at the keys: `o`, the name cleared, the new one.
fn operator(t: &mut Tui, name: &str) {
    t.send("o");
    t.wait_for("Chi sta compilando?");
    t.send(&"\x7f".repeat(30));
    t.send(&format!("{name}\r"));
    t.wait_for(&format!("Operatore: {name}"));
}

/// Issue 9's end to end: Mario keys paper P-0001, Anna keys it again blind
/// (`--verify`); three fields differ (one wrong in the first entry, two in
/// the second); Sara, a supervisor, reconciles them with `rileva reconcile`,
/// one key each, and the export is the paper, once.
#[test]
fn two_operators_key_a_paper_a_supervisor_reconciles_and_the_export_is_the_paper() {
    let dir = tempfile::tempdir().expect("temp dir");
    let paper = &PAPERS[0];
    let (code, _, err) = cli(dir.path(), &["settings", "supervisors", "Sara Neri"]);
    assert_eq!(code, 0, "{err}");
    let mut t = keying(dir.path());
    new_paper(&mut t, paper.id);
    t.send(&keyed_with(paper, &[("A07", "Maria Lorussso\r")]));
    t.wait_for("Riepilogo");
    t.send("fs");
    t.wait_for("Completate 1");
    t.send(CTRL_C);
    t.wait_exit();

    let mut t = Tui::start_with(dir.path(), &["--verify"]);
    t.wait_for("Seconda immissione");
    t.send("\x1b");
    t.wait_for("Bozze 0");
    operator(&mut t, "Anna Bianchi");
    t.send("v");
    t.wait_for(&format!("In attesa: {}", paper.id));
    t.send(&format!("{}\r", paper.id));
    t.wait_for("A. Ente compilatore e referente");
    assert!(!t.screen().contains("Lorussso"), "blind: {}", t.screen());
    t.send(&keyed_with(
        paper,
        &[("A06", "361.000\r"), ("B04", "17032020")],
    ));
    t.wait_for("Riepilogo");
    t.send("fs");
    t.wait_for("3 campi differiscono");
    t.send(CTRL_C);
    t.wait_exit();
    // Nothing verified goes out yet.
    assert!(exported(dir.path(), false).is_empty());

    let mut t = Tui::start_with(dir.path(), &["reconcile"]);
    t.wait_for("Riconciliazione");
    t.send("\x1b");
    t.wait_for("Bozze");
    operator(&mut t, "Sara Neri");
    t.send("r");
    t.wait_for(&format!("In attesa: {}", paper.id));
    t.send("\r");
    t.wait_for("0/3 decisi");
    let screen = t.screen();
    for seen in [
        "316000",
        "361000",
        "Maria Lorussso",
        "2020-03-16",
        "2020-03-17",
    ] {
        assert!(screen.contains(seen), "{seen} side by side: {screen}");
    }
    // A06: the first's; A07: the second's; B04: the first's.
    t.send("121");
    t.wait_for("3/3 decisi");
    t.send("f");
    t.wait_for("riconciliato");
    t.send(CTRL_C);
    t.wait_exit();
    let all = exported(dir.path(), false);
    assert_eq!(all.len(), 1, "the verified response alone");
    compare(the_response(&all, paper), paper, paper.fields.len());
    let (code, out, err) = cli(dir.path(), &["stats"]);
    assert_eq!(code, 0, "{err}");
    println!("{out}");
    assert!(out.contains("DOUBLE ENTRY"), "{out}");
}
