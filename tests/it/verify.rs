//! Layer 2: double entry through keymap + update against a real store:
//! every path (agree, slip caught, discordant, reconciled by each choice, a
//! refused same-operator verify), the blind screens, and what the result
//! and the export keep.

use crate::tui_support;

use rileva::form::FormBundle;
use rileva::store::{EntryRole, Listing, Status};
use rileva::tui::state::{Flash, Screen, Task};
use tui_support::Harness;

/// q1 yes/no (codes 1, 2), q2 text only for yes, q3 an integer, q4 a
/// multiple choice (codes 1–3).
const FORM: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"small"},"survey":[
  {"type":"group","name":"s1","label":"Uno","children":[
    {"type":"select_one","list":"yn","name":"q1","label":"Yes or no"},
    {"type":"text","name":"q2","label":"Why","relevant":"${q1} = 'y'"},
    {"type":"integer","name":"q3","label":"How many"},
    {"type":"select_multiple","list":"colours","name":"q4","label":"Colours"}
  ]}],
  "choices":{"yn":[{"name":"y","label":"Yes"},{"name":"n","label":"No"}],
    "colours":[{"name":"r","label":"Red"},{"name":"g","label":"Green"},{"name":"b","label":"Blue"}]}}"#;

fn harness() -> Harness {
    let mut h = Harness::with_bundle(FormBundle {
        definition: FORM.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>");
    h
}

/// Who sits at the keys now (as `o` and a name would do).
fn operator(h: &mut Harness, name: &str) {
    h.rt.store.set_operator(name).expect("operator");
    h.rt.operator = name.to_string();
    h.app.operator = Some(name.to_string());
}

fn setting(h: &Harness, key: &str, value: &str) {
    h.rt.store.set_policy(key, value).expect("setting");
}

/// The page's fields keyed: q1's code, q2 (when asked), q3, q4's codes;
/// then finalized.
fn key_values(h: &mut Harness, yes: bool, why: &str, many: &str, colours: &str) {
    h.keys(if yes { "1" } else { "2" });
    if yes {
        h.keys(&format!("{why}<Enter>"));
    }
    h.keys(&format!("{many}<Enter>{colours}<Enter>"));
    h.keys("fs");
    assert!(
        matches!(h.app.screen, Screen::Start(_)),
        "finalized: {}",
        h.screen(80, 24)
    );
}

fn first_entry(h: &mut Harness, paper: &str) {
    operator(h, "Anna");
    h.keys(&format!("t{paper}<Enter>"));
    key_values(h, true, "zanzibar", "5", "13");
}

fn second_entry_opens(h: &mut Harness, who: &str, paper: &str) {
    operator(h, who);
    h.keys("v");
    assert!(matches!(&h.app.screen, Screen::Operator(s) if s.task == Task::Verify));
    h.keys(&format!("{paper}<Enter>"));
    assert!(h.fill().transcribing(), "{}", h.screen(80, 24));
    assert_eq!(h.fill().row.entry, Some(EntryRole::Second));
}

fn flash(h: &Harness) -> String {
    match &h.app.flash {
        Some(Flash::Notice(s)) => s.clone(),
        Some(Flash::Error(e)) => e.text(rileva::lang::Lang::En),
        other => format!("{other:?}"),
    }
}

fn verification(h: &Harness, paper: &str) -> rileva::store::Verification {
    h.rt.store
        .verification("small", paper)
        .expect("reads")
        .expect("a verification")
}

#[test]
fn two_entries_that_agree_make_the_verified_response_and_only_it_is_exported() {
    let mut h = harness();
    first_entry(&mut h, "P-1");
    let v = verification(&h, "P-1");
    assert_eq!(v.first_by, "Anna");
    assert!(!v.verified());
    second_entry_opens(&mut h, "Marco", "P-1");
    key_values(&mut h, true, "zanzibar", "5", "31");
    assert!(flash(&h).contains("P-1"), "{}", flash(&h));
    let v = verification(&h, "P-1");
    let result = v.result_id.clone().expect("verified at once");
    assert_eq!((v.fields, v.discordant), (Some(4), Some(0)));
    let row = h.rt.store.response(&result).expect("reads").expect("there");
    assert_eq!(row.status, Status::Complete);
    assert_eq!(row.entry, Some(EntryRole::Result));
    // The export's walk sees the result, not the two entries.
    let (rows, _) =
        h.rt.store
            .batch(&[Status::Complete], None, 100)
            .expect("batch");
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [result.as_str()]);
    assert_eq!(h.rt.store.count(Listing::Verified).expect("count"), 1);
    assert_eq!(h.rt.store.count(Listing::Unverified).expect("count"), 0);
    let (code, out, err) = crate::e2e_support::cli(h.dir.path(), &["list", "--status", "verified"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("complete ✓") && out.contains("[P-1]"), "{out}");
    // Marco sees Anna's first entry listed without what it holds, and
    // its audit log is not his to read.
    let (_, out, _) = crate::e2e_support::cli(h.dir.path(), &["list"]);
    assert!(
        out.contains("complete 1st") && out.contains("[P-1] ·····"),
        "{out}"
    );
    let (code, _, err) = crate::e2e_support::cli(h.dir.path(), &["audit", &v.first_id]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("keying entry of paper P-1"), "{err}");
    let log = h.rt.store.audit_log(&result).expect("audit");
    let users: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.event.as_str(), e.user.as_str()))
        .collect();
    assert!(users.contains(&("first entry", "Anna")), "{users:?}");
    assert!(users.contains(&("second entry", "Marco")), "{users:?}");
}

#[test]
fn the_first_keyer_is_refused_a_second_entry_and_told_why() {
    let mut h = harness();
    first_entry(&mut h, "P-2");
    h.keys("vP-2<Enter>");
    assert!(
        matches!(h.app.screen, Screen::Operator(_)),
        "stays on the prompt"
    );
    assert!(flash(&h).contains("another operator"), "{}", flash(&h));
    // A paper nobody keyed, and one not chosen, say so too.
    h.keys("<Esc>vP-404<Enter>");
    assert!(
        flash(&h).contains("no finalized first entry"),
        "{}",
        flash(&h)
    );
    h.keys("<Esc>");
    setting(&h, "verify", "off");
    first_entry(&mut h, "P-3");
    operator(&mut h, "Marco");
    h.keys("vP-3<Enter>");
    assert!(flash(&h).contains("not chosen"), "{}", flash(&h));
}

#[test]
fn a_blind_second_entry_never_draws_the_first_entrys_values() {
    let mut h = harness();
    first_entry(&mut h, "P-4");
    operator(&mut h, "Marco");
    h.keys("v");
    // The prompt lists the paper by its number, nothing else.
    let prompt = h.screen(80, 24);
    assert!(
        prompt.contains("P-4") && !prompt.contains("zanzibar"),
        "{prompt}"
    );
    h.keys("<Esc>");
    let start = h.screen(80, 24);
    assert!(start.contains("[P-4] 1ª immissione · ·····"), "{start}");
    assert!(start.contains("·····") && !start.contains("4/4"), "{start}");
    // Nor does Enter open it.
    h.keys("<Tab><Enter>");
    assert!(matches!(h.app.screen, Screen::Start(_)));
    h.keys("vP-4<Enter>");
    let mut screens = vec![h.screen(80, 24)];
    for key in [
        "1",
        "quokka<Enter>",
        "7<Enter>",
        "2<Enter>",
        "<F3>",
        "<Esc>",
        "<F4>",
    ] {
        h.keys(key);
        screens.push(h.screen(80, 24));
        screens.push(h.screen(120, 40));
    }
    for s in &screens {
        assert!(
            !s.contains("zanzibar"),
            "the first entry's text shows:\n{s}"
        );
        assert!(
            !s.contains("Red, Blue"),
            "the first entry's choices show:\n{s}"
        );
    }
}

#[test]
fn a_slip_is_keyed_again_blind_and_agrees_when_the_retyped_value_is_the_first() {
    let mut h = harness();
    setting(&h, "slips", "on");
    first_entry(&mut h, "P-5");
    second_entry_opens(&mut h, "Marco", "P-5");
    h.keys("1zanzibar<Enter>");
    let rings = h.rt.rings;
    h.keys("6<Enter>");
    assert_eq!(h.rt.rings, rings + 1, "the bell");
    assert_eq!(h.current(), "q3", "kept on the field");
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("key it again") || screen.contains("ribatterlo"),
        "{screen}"
    );
    assert!(!screen.contains(" 5"), "{screen}");
    let q3 = h.path("q3");
    assert!(
        !h.stored(&h.response_id()).iter().any(|(p, _)| *p == q3),
        "not written"
    );
    // Esc, then the value from the paper: the first entry's, a slip.
    h.keys("<Esc>5<Enter>");
    // The field is not checked again: a check would tell, by its silence,
    // which value the first entry holds.
    let rings = h.rt.rings;
    h.keys("<S-Tab>");
    assert_eq!(h.current(), "q3");
    h.keys("<BS>8<Enter>");
    assert_eq!(h.current(), "q4", "taken without a bell");
    assert_eq!(h.rt.rings, rings, "no second check of q3");
    h.keys("<S-Tab><BS>5<Enter>13<Enter>fs");
    let v = verification(&h, "P-5");
    assert!(v.verified(), "agreed after the slip");
    let (keyers, _) = h.rt.store.verification_stats().expect("stats");
    let marco = keyers
        .iter()
        .find(|k| k.operator == "Marco")
        .expect("Marco");
    assert_eq!(marco.slips, 1);
    // A value retyped the same as the slip stays for reconciliation.
    first_entry(&mut h, "P-6");
    second_entry_opens(&mut h, "Marco", "P-6");
    h.keys("1zanzibar<Enter>6<Enter><Esc>6<Enter>13<Enter>fs");
    let v = verification(&h, "P-6");
    assert_eq!(v.discordant, Some(1));
}

/// P-7 keyed by Anna and Marco with differences in q3 and q4; reconciled
/// by Sara, a supervisor.
fn discordant() -> Harness {
    let mut h = harness();
    first_entry(&mut h, "P-7");
    second_entry_opens(&mut h, "Marco", "P-7");
    key_values(&mut h, true, "zanzibar", "6", "12");
    assert!(flash(&h).contains("2 "), "{}", flash(&h));
    assert_eq!(h.rt.store.count(Listing::ToReconcile).expect("count"), 1);
    h
}

#[test]
fn reconciliation_is_refused_to_keyers_and_to_non_supervisors() {
    let mut h = discordant();
    // The start screen counts the papers waiting, for every operator.
    let start = h.screen(80, 24);
    assert!(
        start.contains("Verifica: 0 da immettere · 1 da riconciliare · errori 1ª - 2ª"),
        "{start}"
    );
    h.keys("r<Enter>");
    assert!(flash(&h).contains("only a supervisor"), "{}", flash(&h));
    h.keys("<Esc>");
    setting(&h, "reconcile", "others");
    h.keys("r<Enter>");
    assert!(flash(&h).contains("Marco keyed paper P-7"), "{}", flash(&h));
    h.keys("<Esc>");
    operator(&mut h, "Luca");
    h.keys("r<Enter>");
    assert!(
        matches!(h.app.screen, Screen::Reconcile(_)),
        "{}",
        flash(&h)
    );
}

#[test]
fn each_choice_of_the_reconciler_goes_into_the_result_with_its_reason() {
    let mut h = discordant();
    setting(&h, "supervisors", "Sara");
    operator(&mut h, "Sara");
    h.keys("r");
    let prompt = h.screen(80, 24);
    assert!(prompt.contains("P-7"), "{prompt}");
    h.keys("<Enter>");
    insta::assert_snapshot!("reconcile_80x24", h.screen(80, 24));
    // Nothing decided yet: f makes nothing, and says what is missing.
    h.keys("f");
    assert!(matches!(h.app.screen, Screen::Reconcile(_)));
    assert!(verification(&h, "P-7").result_id.is_none());
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Non ancora") && screen.contains("q3"),
        "{screen}"
    );
    // q3: the first's; q4: a third value, illegible on paper.
    h.keys("1");
    h.keys("3x<Enter>");
    let screen = h.screen(80, 24);
    assert!(screen.contains("x"), "{screen}");
    h.keys("<BS>r g<Enter>4");
    insta::assert_snapshot!("reconcile_decided_80x24", h.screen(80, 24));
    // Change q3's reason to "other" with a note.
    h.keys("<Up>m5seen on the paper<Enter>");
    h.keys("f");
    assert!(
        matches!(h.app.screen, Screen::Start(_)),
        "{}",
        h.screen(80, 24)
    );
    assert!(flash(&h).contains("P-7"), "{}", flash(&h));
    let v = verification(&h, "P-7");
    let result = v.result_id.clone().expect("verified");
    assert_eq!(v.reconciler.as_deref(), Some("Sara"));
    let answers = h.stored(&result);
    let get = |name: &str| {
        answers
            .iter()
            .find(|(p, _)| p.ends_with(&format!("/{name}")))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("q3").as_deref(), Some("5"));
    assert_eq!(get("q4").as_deref(), Some("r g"));
    assert_eq!(get("q2").as_deref(), Some("zanzibar"));
    let log = h.rt.store.audit_log(&result).expect("audit");
    let reconciled: Vec<String> = log
        .iter()
        .filter(|e| e.event == "reconcile")
        .map(|e| format!("{:?} {:?}", e.old_value, e.new_value))
        .collect();
    assert_eq!(reconciled.len(), 2, "{reconciled:?}");
    assert!(
        reconciled
            .iter()
            .any(|r| r.contains("other: seen on the paper")),
        "{reconciled:?}"
    );
    assert!(
        reconciled.iter().any(|r| r.contains("illegible")),
        "{reconciled:?}"
    );
    let (keyers, forms) = h.rt.store.verification_stats().expect("stats");
    let anna = keyers.iter().find(|k| k.operator == "Anna").expect("Anna");
    assert_eq!((anna.first_fields, anna.first_charged), (4, 0));
    assert_eq!(forms[0].verified, 1);
    assert_eq!(forms[0].discordant, 2);
}

#[test]
fn a_field_relevant_in_one_entry_only_needs_no_decision_once_the_earlier_one_is_taken() {
    let mut h = harness();
    first_entry(&mut h, "P-8");
    second_entry_opens(&mut h, "Marco", "P-8");
    key_values(&mut h, false, "", "5", "13");
    let v = verification(&h, "P-8");
    assert_eq!(v.discordant, Some(2), "q1 and q2 (asked only in the first)");
    setting(&h, "supervisors", "Sara");
    operator(&mut h, "Sara");
    h.keys("rP-8<Enter>");
    // A third value for q2 first; then the second's q1 (no), which makes
    // q2 not apply: its decision goes nowhere, and nothing is left.
    h.keys("<Down>3from the paper<Enter>1");
    h.keys("<Up>2f");
    let v = verification(&h, "P-8");
    let result = v.result_id.expect("verified");
    // q2 may stay stored (from the first entry) but does not apply: the
    // export leaves it out.
    let mut forms = rileva::app::Forms::default();
    let f = rileva::app::verify::entry_filling(&h.rt.store, &mut forms, &result).expect("reads");
    let keyed: Vec<String> = f.keyed().into_iter().map(|(p, _)| p).collect();
    assert!(keyed.iter().any(|p| p.ends_with("/q1")), "{keyed:?}");
    assert!(!keyed.iter().any(|p| p.ends_with("/q2")), "{keyed:?}");
    assert!(
        !h.stored(&result).iter().any(|(_, v)| v == "from the paper"),
        "a decision on a field that does not apply is not the result's"
    );
    let log = h.rt.store.audit_log(&result).expect("audit");
    let reconciled: Vec<_> = log.iter().filter(|e| e.event == "reconcile").collect();
    assert_eq!(reconciled.len(), 1, "{reconciled:?}");
    let (keyers, _) = h.rt.store.verification_stats().expect("stats");
    let anna = keyers.iter().find(|k| k.operator == "Anna").expect("Anna");
    assert_eq!(anna.first_charged, 1, "Anna's q1 lost, and nothing for q2");
}

#[test]
fn entries_are_never_edited_and_an_edited_result_waits_for_a_supervisor() {
    let mut h = harness();
    first_entry(&mut h, "P-9");
    let first = verification(&h, "P-9").first_id;
    assert!(matches!(
        h.rt.store
            .new_version(&first, "new-id", "Anna", "2020-06-15T10:00:00+02:00"),
        Err(rileva::store::StoreError::Refused(
            rileva::store::Refusal::EntryReadOnly(_)
        ))
    ));
    second_entry_opens(&mut h, "Marco", "P-9");
    key_values(&mut h, true, "zanzibar", "5", "13");
    let result = verification(&h, "P-9").result_id.expect("verified");
    h.rt.store
        .new_version(&result, "edit-1", "Marco", "2020-06-15T10:00:00+02:00")
        .expect("an edit, as today");
    let edit =
        h.rt.store
            .response("edit-1")
            .expect("reads")
            .expect("there");
    assert_eq!(edit.entry, Some(EntryRole::Edit));
    assert_eq!(edit.status, Status::Draft);
    // A draft edit is not accepted; it waits (not exported) until then.
    assert!(
        h.rt.store
            .accept_edit("edit-1", "Sara", "2020-06-15T10:00:00+02:00")
            .is_err()
    );
    assert_eq!(h.rt.store.count(Listing::Verified).expect("count"), 1);
}

/// Papers keyed on two machines meet: machine B (no double entry of its
/// own) keys P-10 as Marco; its export imported where Anna keyed P-10
/// first becomes the second entry, compared at once; a paper only B keyed
/// is a response as before (it may have been verified there).
#[test]
fn an_import_from_another_machine_meets_its_first_entry_by_paper_id() {
    let mut here = harness();
    first_entry(&mut here, "P-10");
    let mut there = harness();
    setting(&there, "verify", "off");
    operator(&mut there, "Marco");
    there.keys("tP-10<Enter>");
    key_values(&mut there, true, "zanzibar", "9", "13");
    there.keys("tP-11<Enter>");
    key_values(&mut there, false, "", "1", "2");
    let (code, ndjson, err) =
        crate::e2e_support::cli(there.dir.path(), &["export", "--format", "ndjson"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(ndjson.lines().count(), 2, "{ndjson}");
    let file = here.dir.path().join("from-b.ndjson");
    std::fs::write(&file, ndjson).expect("written");
    let form = here.dir.path().join("small.json");
    std::fs::write(&form, FORM).expect("written");
    let (code, out, err) = crate::e2e_support::cli(
        here.dir.path(),
        &[
            "import",
            "--form",
            form.to_str().expect("utf-8"),
            file.to_str().expect("utf-8"),
            "--commit",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("paper P-10 met its first entry; 1 fields differ"),
        "{out}"
    );
    let v = verification(&here, "P-10");
    assert_eq!(v.second_by.as_deref(), Some("Marco"));
    assert_eq!(v.discordant, Some(1));
    assert!(
        here.rt
            .store
            .verification("small", "P-11")
            .expect("reads")
            .is_none()
    );
}
