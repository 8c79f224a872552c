//! Layer 7: heads-down transcription in a pseudo-terminal. The keys of a
//! paper are sent in one burst, without reading the screen between them,
//! as a keying operator types them; what is stored is compared with the
//! paper value by value.

use crate::e2e_support;

use e2e_support::keys::*;
use e2e_support::{Tui, cli, drafts_ndjson};
use serde_json::{Value, json};
use std::path::Path;

/// `rileva --transcribe` past the operator and the paper's number.
fn transcribing(dir: &Path, extra: &[&str]) -> Tui {
    let mut args = vec!["--transcribe"];
    args.extend_from_slice(extra);
    let mut t = Tui::start_with(dir, &args);
    t.wait_for("Chi sta compilando?");
    t.send("Mario Rossi\r");
    t.wait_for("Bozze 0");
    t.send("n");
    t.wait_for("Numero scritto sul questionario cartaceo");
    t.send("P-42\r");
    t.wait_for("A. Ente compilatore e referente");
    t
}

fn section_a(dir: &Path) -> Value {
    let drafts = drafts_ndjson(dir);
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(drafts[0]["meta"]["paperID"], "P-42");
    drafts[0]["data"]["sez_A"].clone()
}

/// The first five fields of section A as the paper has them: the codes of
/// the type of body, region, province and municipality, then the name.
const PAPER_A: &[&str] = &["2", "16", "272", "072006", "Comune di Bari\r", "316.000\r"];

#[test]
fn a_blind_burst_keys_a_section_with_codes_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = transcribing(dir.path(), &[]);
    let burst: String = PAPER_A.concat();
    t.send(&burst);
    t.wait_for("A07");
    t.wait_until("A06 saved", |s| s.contains("Salvato A06"));
    let keys = burst.chars().count();
    // The value characters, plus Enter for the two typed fields only.
    let values: usize = PAPER_A
        .iter()
        .map(|v| v.trim_end_matches('\r').chars().count())
        .sum();
    println!("keys for 6 fields: {keys} (value characters {values}, plus 2 Enter)");
    assert_eq!(keys, values + 2, "single choices cost their code alone");
    t.send(CTRL_C);
    t.wait_exit();
    let a = section_a(dir.path());
    assert_eq!(a["A01"], "comune");
    assert_eq!(a["A02"], "16");
    assert_eq!(a["A03"], "272");
    assert_eq!(a["A03b"], "072006");
    assert_eq!(a["A04"], "Comune di Bari");
    assert_eq!(a["A06"], json!(316000));
    // The session's figures: 6 fields keyed, no bad key, no correction.
    let (code, out, err) = cli(dir.path(), &["stats", "--json"]);
    assert_eq!(code, 0, "{err}");
    let stats: Value = serde_json::from_str(&out).expect("JSON");
    let me = &stats[0];
    assert_eq!(me["operator"], "Mario Rossi");
    assert_eq!(me["layout"], "transcription");
    assert_eq!(me["fields"], 6);
    assert_eq!(me["badKeystrokes"], 0);
    assert_eq!(me["corrections"], 0);
    let keys = me["keystrokes"].as_i64().expect("a number");
    // The operator's name, n, the paper's number, the section, Ctrl+C.
    assert!(keys >= 35, "{me}");
    println!("stats: {me}");
}

#[test]
fn one_wrong_code_in_a_blind_burst_rings_and_spills_into_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = transcribing(dir.path(), &[]);
    // The municipality mistyped (07209: no such code): everything after it
    // is held back, and the bell rings once.
    let burst = "216272072099Comune di Bari\r316.000\r";
    t.send(burst);
    let screen = t.wait_for("tasti trattenuti");
    assert!(
        screen.contains("Nessuna voce dell'elenco ha il codice «07209»"),
        "{screen}"
    );
    t.wait_until("every key held", |s| s.contains("(24 tasti trattenuti)"));
    let bells = t.raw().iter().filter(|&&b| b == 0x07).count();
    assert_eq!(bells, 1, "one bell for one error");
    // Acknowledged, the field keyed again, and the rest of the paper.
    // Was `esc("Esc")`: it waited for "Esc" on screen, which the held
    // footer shows and the next one does not, a race it sometimes lost.
    t.send(ESC);
    t.wait_until("the hold is over", |s| !s.contains("Valore rifiutato"));
    t.send("072006Comune di Bari\r316.000\r");
    t.wait_until("A06 saved", |s| s.contains("Salvato A06"));
    t.send(CTRL_C);
    t.wait_exit();
    let a = section_a(dir.path());
    assert_eq!(a["A03b"], "072006");
    assert_eq!(a["A04"], "Comune di Bari", "no held key reached a field");
    assert_eq!(a["A06"], json!(316000));
}

#[test]
fn without_the_bell_the_refusal_flashes_and_no_bel_is_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = transcribing(dir.path(), &["--no-bell"]);
    t.send("299");
    // One key held: said in the singular.
    t.wait_for("(1 tasto trattenuto)");
    assert!(!t.raw().contains(&0x07), "no BEL with --no-bell");
    // The status line is in reverse video: the visible bell.
    let reversed = t.with_screen(|s| {
        (0..24u16).any(|row| {
            (0..80u16).any(|col| {
                s.cell(row, col)
                    .is_some_and(|c| c.inverse() && c.contents() == "✗")
            })
        })
    });
    assert!(reversed, "{}", t.screen());
    t.send(CTRL_C);
    t.wait_exit();
}

#[test]
fn the_ditto_key_keys_a_second_paper_of_the_same_body_and_the_jump_key_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = transcribing(dir.path(), &[]);
    t.send(&PAPER_A.concat());
    t.wait_until("A06 saved", |s| s.contains("Salvato A06"));
    // The same body's second practice: section A is the same on paper.
    t.esc("Bozze 1");
    t.send("n");
    t.wait_for("Numero scritto sul questionario cartaceo");
    t.send("P-43\r");
    t.wait_for("A. Ente compilatore e referente");
    // Ctrl+R six times, blind, then Ctrl+G and a printed number.
    let burst = format!("{}\x07B01\rCentro diurno\r", "\x12".repeat(6));
    t.send(&burst);
    t.wait_until("B01 saved", |s| s.contains("Salvato B01"));
    println!(
        "keys for section A of the second paper: 6 (its values: {} characters)",
        PAPER_A.concat().chars().count()
    );
    t.send(CTRL_C);
    t.wait_exit();
    let drafts = drafts_ndjson(dir.path());
    let second = drafts
        .iter()
        .find(|d| d["meta"]["paperID"] == "P-43")
        .unwrap_or_else(|| panic!("{drafts:?}"));
    let first = drafts
        .iter()
        .find(|d| d["meta"]["paperID"] == "P-42")
        .unwrap_or_else(|| panic!("{drafts:?}"));
    assert_eq!(second["data"]["sez_A"], first["data"]["sez_A"]);
    assert_eq!(second["data"]["sez_A"]["A06"], json!(316000));
    assert_eq!(second["data"]["sez_B"]["B01"], "Centro diurno");
    assert_eq!(first["data"]["sez_B"]["B01"], Value::Null);
    let bells = t.raw().iter().filter(|&&b| b == 0x07).count();
    assert_eq!(bells, 0, "nothing was refused");
}
