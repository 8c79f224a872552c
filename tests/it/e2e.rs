//! Layer 7: the real binary in a pseudo-terminal (80×24), driven by keys as a
//! person types them, checked on the screen a VT100 parser rebuilds and on the
//! files and commands the program leaves behind.

use crate::e2e_support;

use e2e_support::keys::*;
use e2e_support::{Tui, cli, drafts_ndjson, list_json};
use serde_json::{Value, json};
use std::path::Path;

/// A fresh data dir, past the operator prompt, on the start screen.
fn started(dir: &Path, operator: &str) -> Tui {
    let mut t = Tui::start(dir);
    t.wait_for("Chi sta compilando?");
    t.send(operator);
    t.key(ENTER);
    t.wait_for("Bozze 0");
    t
}

/// The only draft's answers as `export --drafts` sees them, by section.
fn draft_data(dir: &Path) -> Value {
    let drafts = drafts_ndjson(dir);
    assert_eq!(drafts.len(), 1, "one draft: {drafts:?}");
    drafts[0]["data"].clone()
}

/// Checks one section of exported data key by key: values with their JSON
/// types, nulls for relevant unanswered questions, nothing else present.
fn check_section(data: &Value, section: &str, expected: Value) {
    let got = data[section]
        .as_object()
        .unwrap_or_else(|| panic!("{section} is not an object in {data:#}"));
    let want = expected.as_object().expect("expected is an object");
    for (k, v) in want {
        assert_eq!(got.get(k), Some(v), "{section}/{k}");
    }
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(extra.is_empty(), "{section}: unexpected keys {extra:?}");
    // Key order follows the form.
    let order: Vec<&String> = got.keys().collect();
    let want_order: Vec<&String> = want.keys().collect();
    assert_eq!(order, want_order, "{section}: key order");
}

#[test]
fn fill_the_whole_default_questionnaire_then_export() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut t = started(d, "Mario Rossi");
    t.send("n");

    // A: the cascade region -> province -> municipality.
    t.answer("A01", "2\r"); // Comune
    t.answer("A02", "1\r"); // Piemonte
    t.answer("A03", "6\r"); // Torino, sixth of Piemonte's eight
    t.answer("A03b", "aglie");
    t.wait_for("1 di 312");
    t.wait_for("(•) Agliè");
    t.send("\r");
    // A refused answer: the error in place, the screen stays, nothing stored.
    t.answer("A04", "ab\r");
    t.wait_for("Lunghezza ammessa: da 3 a 200 caratteri");
    assert_eq!(t.question().as_deref(), Some("A04"));
    let so_far = draft_data(d);
    assert_eq!(
        so_far["sez_A"]["A03b"],
        json!("001001"),
        "Agliè's ISTAT code"
    );
    assert_eq!(
        so_far["sez_A"]["A04"],
        Value::Null,
        "a refused answer is not stored"
    );
    t.send(&format!("{BACKSPACE}{BACKSPACE}Comune di Agliè\r"));
    // A05 (only for Ambiti and associations) is skipped.
    t.answer("A06", "2650\r");
    t.wait_for("Salvato A04");
    t.answer("A07", "Maria Bianchi\r");
    t.answer("A08", "1\r");
    t.answer("A09", "m.bianchi@comune.aglie.to.it\r");
    t.answer("A10", TAB); // optional: skipped, exported as null

    // B: multi-line text, a date typed the Italian way, a skipped branch.
    t.answer("B01", "Spesa a domicilio\r");
    t.answer("B02", "2\r");
    t.answer(
        "B03",
        &format!(
            "Consegna a domicilio di spesa e farmaci{ALT_ENTER}alle persone anziane e sole.\r"
        ),
    );
    t.answer("B04", "15/03/2020\r");
    t.answer("B05", "1\r"); // in corso: no end date (B06)
    // Picked out of order, by digit, arrow + Space and letter; a fifth is refused.
    t.answer("B07", &format!("41{DOWN}{SPACE}c5\r"));
    t.wait_for("Selezionare al massimo 4 voci");
    assert_eq!(t.question().as_deref(), Some("B07"));
    t.send("5\r");
    t.answer("B07_altro", "Consegna farmaci\r");

    // C
    t.answer("C01", "3\r");
    t.answer("C02", "1\r");
    t.answer("C03", "120\r");
    t.answer("C04", "80\r");

    // D: no digital tools, so D03 is skipped.
    t.answer("D01", "34\r");
    t.answer("D02", "2\r");
    t.answer("D04", "1\r");

    // E: "no extra cost" cannot be combined; alone, it skips the cost (E05).
    t.answer("E01", "12\r");
    t.answer("E02", "17\r");
    t.answer("E03", "30\r");
    t.answer("E04", "91\r");
    t.wait_for("non può essere combinato");
    t.send("1\r");
    t.answer("E06", "2\r");
    t.answer("E07", "Protezione civile e parrocchie\r");

    // F
    t.answer("F01", "2\r");
    t.answer("F02", "1\r");
    t.answer("F03", TAB);
    t.answer("F04", "1\r");
    t.answer(
        "F05",
        &format!("Consegne coordinate{ALT_ENTER}con i volontari del quartiere.\r"),
    );
    t.answer("F06", "3\r"); // No: F07 is skipped
    t.answer("F08", "1\r");

    // G: the acknowledgement with Space.
    t.answer("G01", "https://www.comune.aglie.to.it\r");
    t.answer("G02", "1\r");
    t.answer("G03", "2\r");
    t.answer("G04", "1\r");
    t.answer("G05", &format!("{SPACE}\r"));

    t.wait_for("Riepilogo");
    t.wait_for("Tutto a posto: premere f per finalizzare.");
    t.send("f");
    t.wait_for("Finalizzare la risposta?");
    t.send("s");
    t.wait_for("Risposta completata");
    t.wait_for("Completate 1");
    t.wait_for("Comune di Agliè - Spesa a domicil");
    t.send("q");
    assert_eq!(t.wait_exit(), 0, "q on the start screen exits 0");

    let (code, out, err) = cli(d, &["export"]);
    assert_eq!(code, 0, "export: {out}{err}");
    let files: Vec<_> = std::fs::read_dir(d.join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "one file per completed response: {files:?}");
    let file = &files[0];
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "export file mode {mode:o}");
    }
    let stem = file.file_stem().unwrap().to_str().unwrap().to_string();
    assert_eq!(file.extension().unwrap(), "json");
    assert!(out.contains(&stem), "export says what it wrote: {out}");
    let r: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();

    assert_eq!(r["format"], "rileva-response/1");
    assert_eq!(r["form"]["id"], "buone_pratiche_covid19");
    assert_eq!(r["form"]["version"], "2020051102");
    assert_eq!(r["status"], "complete");
    assert_eq!(r["language"], "it");
    let meta = &r["meta"];
    let iid = meta["instanceID"].as_str().expect("instanceID");
    assert!(
        iid.starts_with("uuid:") && iid.len() == 5 + 36,
        "instanceID {iid}"
    );
    assert_eq!(&iid[5..], stem, "the file is named after the response");
    assert_eq!(meta["operator"], "Mario Rossi");
    assert_eq!(meta["instanceName"], "Comune di Agliè - Spesa a domicilio");
    assert_eq!(meta["deprecatedID"], Value::Null);
    for k in ["timeStart", "timeEnd"] {
        let v = meta[k].as_str().unwrap_or_else(|| panic!("{k}: {meta}"));
        assert!(v.len() >= 20 && v.as_bytes()[10] == b'T', "{k} = {v}");
    }
    assert!(meta["timeStart"].as_str() <= meta["timeEnd"].as_str());

    let data = &r["data"];
    let keys: Vec<&String> = data.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "sez_A", "sez_B", "sez_C", "sez_D", "sez_E", "sez_F", "sez_G"
        ]
    );
    check_section(
        data,
        "sez_A",
        json!({
            "A01": "comune", "A02": "01", "A03": "201", "A03b": "001001",
            "A04": "Comune di Agliè", "A06": 2650, "A07": "Maria Bianchi",
            "A08": "resp_servizi", "A09": "m.bianchi@comune.aglie.to.it", "A10": null,
        }),
    );
    check_section(
        data,
        "sez_B",
        json!({
            "B01": "Spesa a domicilio", "B02": "rafforzato",
            "B03": "Consegna a domicilio di spesa e farmaci\nalle persone anziane e sole.",
            "B04": "2020-03-15", "B05": "in_corso",
            "B07": ["accesso", "presa_carico", "beni_prima_necessita", "altro"],
            "B07_altro": "Consegna farmaci",
        }),
    );
    check_section(
        data,
        "sez_C",
        json!({ "C01": ["anziani"], "C02": "si", "C03": 120, "C04": 80 }),
    );
    check_section(
        data,
        "sez_D",
        json!({ "D01": ["telefono", "online"], "D02": "no", "D04": ["sito"] }),
    );
    check_section(
        data,
        "sez_E",
        json!({
            "E01": 12, "E02": ["as", "volontari"], "E03": 30, "E04": ["nessun_costo"],
            "E06": ["terzo_settore"], "E07": "Protezione civile e parrocchie",
        }),
    );
    check_section(
        data,
        "sez_F",
        json!({
            "F01": "pos", "F02": "molto_pos", "F03": null, "F04": ["nessuna"],
            "F05": "Consegne coordinate\ncon i volontari del quartiere.",
            "F06": "no", "F08": "si",
        }),
    );
    check_section(
        data,
        "sez_G",
        json!({
            "G01": "https://www.comune.aglie.to.it", "G02": "si", "G03": "no",
            "G04": "si_completo", "G05": "OK",
        }),
    );
    // Said outright, although check_section already implies it.
    for (sec, name) in [
        ("sez_A", "A01_altro"),
        ("sez_A", "A05"),
        ("sez_B", "B06"),
        ("sez_D", "D03"),
        ("sez_E", "E05"),
        ("sez_F", "F07"),
    ] {
        assert!(data[sec].get(name).is_none(), "{name} is not relevant");
    }

    let listed = list_json(d);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], stem.as_str());
    assert_eq!(listed[0]["status"], "exported");
    assert!(listed[0]["exportedAt"].is_string());
}

#[test]
fn sigkill_after_a_confirmed_answer_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut t = started(d, "Mario Rossi");
    t.send("n");
    t.answer("A01", "2\r");
    // The status line says saved only after the commit: kill at once.
    t.wait_for("Salvato A01");
    t.kill9();
    drop(t);
    let listed = list_json(d);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["status"], "draft");
    assert_eq!(listed[0]["answered"], 1);
    assert_eq!(draft_data(d)["sez_A"]["A01"], "comune");

    let mut t = Tui::start(d);
    t.wait_for("Bozze 1");
    t.wait_for("Mario Rossi");
    t.key(ENTER);
    // Resumed where the operator was: the question after A01.
    t.expect_question("A02", None);
    t.key(SHIFT_TAB);
    t.expect_question("A01", Some("A02"));
    t.wait_for("(•) Comune");

    // Text typed and not confirmed is saved on leaving with Esc.
    t.send("\r");
    t.answer("A02", "1\r");
    t.answer("A03", "6\r");
    t.answer("A03b", "aglie");
    t.wait_for("1 di 312");
    t.send("\r");
    t.answer("A04", "Comune di Ag");
    t.wait_for("│Comune di Ag ");
    t.esc("Bozze 1");
    t.wait_for("Salvato A04");
    t.kill9();
    drop(t);
    assert_eq!(draft_data(d)["sez_A"]["A04"], "Comune di Ag");

    let mut t = Tui::start(d);
    t.wait_for("│Comune di Ag ");
    t.key(ENTER);
    t.expect_question("A04", None);
    t.wait_for("│Comune di Ag ");
    t.send("liè\r");
    t.expect_question("A06", Some("A04"));
    t.wait_for("Salvato A04");
    t.send(CTRL_C);
    assert_eq!(t.wait_exit(), 0);
    assert_eq!(draft_data(d)["sez_A"]["A04"], "Comune di Agliè");
}

#[test]
fn a_second_copy_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut first = Tui::start(d);
    first.wait_for("Chi sta compilando?");

    let mut second = Tui::start(d);
    assert_eq!(second.wait_exit(), 2, "the second copy exits 2");
    let out = String::from_utf8_lossy(&second.raw()).into_owned();
    assert!(
        out.contains("another rileva") && out.contains("already working"),
        "{out:?}"
    );
    assert_eq!(out.trim().lines().count(), 1, "one line: {out:?}");
    assert!(
        !out.contains("\x1b[?1049h"),
        "the refused copy never takes the screen"
    );

    // The first one goes on as if nothing happened.
    first.send("Lucia Bianchi\r");
    first.wait_for("Bozze 0");
    first.send("n");
    first.answer("A01", "2\r");
    first.wait_for("Salvato A01");
    first.send(CTRL_C);
    assert_eq!(first.wait_exit(), 0);
    assert_eq!(draft_data(d)["sez_A"]["A01"], "comune");
}

#[test]
fn ctrl_c_on_a_question_saves_exits_0_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut t = started(d, "Mario Rossi");
    t.send("n");
    t.answer("A01", "2"); // chosen, not confirmed
    t.wait_for("(•) Comune");
    t.send(CTRL_C);
    assert_eq!(t.wait_exit(), 0);
    let raw = t.raw();
    let find = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = find(b"\x1b[?1049h").expect("the TUI used the alternate screen");
    let left = find(b"\x1b[?1049l").expect("the alternate screen is left");
    assert!(left > entered, "left after entering");
    t.with_screen(|s| {
        assert!(!s.alternate_screen(), "back on the main screen");
        assert!(!s.hide_cursor(), "cursor shown again");
        assert!(!s.bracketed_paste(), "bracketed paste off");
    });
    assert_eq!(draft_data(d)["sez_A"]["A01"], "comune", "Ctrl+C saves");
}

#[test]
fn f2_switches_to_english_and_f1_lists_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = started(dir.path(), "Mario Rossi");
    t.send("n");
    t.answer("A01", F2);
    t.wait_for("Type of body");
    t.wait_for("Enter confirm");
    t.key(F1);
    t.wait_for("Keys");
    for line in [
        "Quit the program (the draft is saved)",
        "Confirm the answer and go to the next question",
        "Clear the choice",
        "The digit or letter beside an item picks it",
    ] {
        t.wait_for(line);
    }
    t.esc("Enter confirm");
    assert!(!t.screen().contains("Clear the choice"), "help closed");
    t.key(F2);
    t.wait_for("Tipo di ente");
    t.key(F1);
    t.wait_for("Cancella la scelta");
}

/// The help overlay says how to close it, even on the longest key list at 80×24.
#[test]
fn help_on_a_choice_question_shows_how_to_close_it_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = started(dir.path(), "Mario Rossi");
    t.send("n");
    t.answer("A01", F1);
    // Frames are drawn row by row: once the box's bottom border is there,
    // everything above it is too.
    let s = t.wait_until("the whole help box", |s| {
        s.contains("La cifra o lettera accanto a una voce la sceglie")
            && s.lines().any(|l| l.trim_start().starts_with('└'))
    });
    assert!(
        s.contains("Esc o F1 per chiudere"),
        "the help does not say how to close it:\n{s}"
    );
}

#[test]
fn escape_sequences_in_stored_answers_are_shown_inert() {
    use rileva::form::FormBundle;
    use rileva::store::{NewResponse, Store, Summary};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An escape sequence, and a right-to-left override that would show the
    // rest of the line reversed.
    let evil = "Y\x1b[31mX\u{202e}Z";
    {
        let bundle = FormBundle::embedded_default();
        let form = rileva::form::compile(&bundle).expect("the default form compiles");
        let mut store = Store::open(d).unwrap();
        store.set_operator("Mario Rossi").unwrap();
        let device = store.device_id().unwrap();
        let at = rileva::timefmt::now_rfc3339();
        store.save_form(&bundle, &form, &at).unwrap();
        let answers = [
            ("/sez_A/A01".to_string(), "comune".to_string()),
            ("/sez_A/A04".to_string(), evil.to_string()),
        ];
        store
            .create_response(&NewResponse {
                id: "0b7e6a3c-5d2f-4e8a-9c1b-2f3d4e5f6a7b",
                form_sha256: &form.sha256,
                operator: "Mario Rossi",
                device_id: &device,
                language: "it",
                created_at: &at,
                summary: &Summary {
                    instance_name: Some(format!("{evil} - ")),
                    answered: 2,
                    relevant: 40,
                    position: Some("/sez_A/A04".into()),
                },
                answers: &answers,
                paper: None,
            })
            .unwrap();
    }
    let mut t = Tui::start(d);
    t.wait_for("Bozze 1");
    // ESC shows as the control picture ␛, and the rest as plain text.
    // (The override becomes U+FFFD, which vt100 does not keep in a cell.)
    let s = t.wait_for("Y␛[31mX");
    assert!(!s.contains('\u{202e}'), "{s}");
    assert_not_red(&t, "the start screen");
    t.key(ENTER);
    t.expect_question("A04", None);
    t.wait_until("the answer in the editor", |s| s.contains("[31mX"));
    assert_not_red(&t, "the question screen");
    let raw = t.raw();
    let has = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(
        !has(b"\x1b[31mX"),
        "the escape sequence reached the terminal"
    );
    assert!(
        !has("\u{202e}".as_bytes()),
        "the override reached the terminal"
    );
    let s = t.screen();
    assert!(
        s.contains("Y␛[31mX"),
        "ESC is not shown as an inert symbol:\n{s}"
    );
}

/// The `X` after an injected `[31m` is not drawn red.
fn assert_not_red(t: &Tui, where_: &str) {
    t.with_screen(|s| {
        let mut seen = false;
        for row in 0..e2e_support::ROWS {
            let text: String = s.rows(0, e2e_support::COLS).nth(row as usize).unwrap();
            let Some(byte) = text.find("[31mX") else {
                continue;
            };
            let col = text[..byte].chars().count() as u16 + 4;
            let cell = s.cell(row, col).unwrap();
            assert_eq!(cell.contents(), "X");
            assert_eq!(
                cell.fgcolor(),
                vt100::Color::Default,
                "{where_}: the injected colour took effect on row {row}"
            );
            seen = true;
        }
        assert!(seen, "{where_}: the text is shown");
    });
}

/// Was: when the terminal went away (an SSH session dropped, a window or a
/// tmux session closed), crossterm's reader spun on the hung-up terminal
/// forever: rileva burnt a CPU, kept the data directory locked and never
/// saved what was typed.
#[test]
fn a_closed_terminal_saves_what_is_typed_and_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut t = started(d, "Mario Rossi");
    t.send("n");
    t.wait_for("A01");
    // Chosen, not confirmed.
    t.send("2");
    t.wait_for("(•) Comune");
    let code = t.hang_up(std::time::Duration::from_secs(10));
    assert!(
        code.is_some(),
        "rileva still runs 10 s after its terminal was closed"
    );
    assert_eq!(
        draft_data(d)["sez_A"]["A01"],
        "comune",
        "what was typed is saved"
    );
    // The lock went with it: a new session starts.
    let t = Tui::start(d);
    t.wait_for("Bozze 1");
}
