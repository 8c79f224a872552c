//! Regressions found in review, each the test that would have caught it:
//! defaults of counted instances never written, stale cross-instance
//! calculations, a select's unknown stored value dropped by a visit, quitting
//! past a failed write, a page's new last field skipped, a repeat prompt that
//! never came, and a damaged instance number opened without bound.

use crate::tui_support;

use rileva::engine::{Clock, Filling, Slot};
use rileva::form::{FormBundle, compile};
use std::sync::Arc;
use tui_support::Harness;

fn bundle(survey: &str) -> FormBundle {
    bundle_with(survey, "{}")
}

fn bundle_with(survey: &str, choices: &str) -> FormBundle {
    FormBundle {
        definition: format!(
            r#"{{"format":"rileva-form/1","settings":{{"form_id":"t","version":"1"}},"survey":{survey},"choices":{choices}}}"#
        ),
        files: Default::default(),
    }
}

/// Was: a default shown in an instance that repeat_count created is never
/// written; once another answer of that instance is stored, the default is
/// gone after a restart (and from the finalized response).
#[test]
fn a_counted_instances_default_survives_a_restart() {
    let b = bundle(
        r#"[
      {"type":"integer","name":"n","label":"How many"},
      {"type":"repeat","name":"r","label":"R","repeat_count":"${n}","children":[
        {"type":"integer","name":"x","label":"X","default":"5"},
        {"type":"text","name":"y","label":"Y"}
      ]},
      {"type":"note","name":"end","label":"End"}
    ]"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>n");
    assert_eq!(h.current(), "n");
    h.keys("1<Enter>");
    assert_eq!(h.current(), "x");
    assert_eq!(h.value(), "5", "the default is shown");
    h.keys("<Enter>"); // operator accepts the 5
    assert_eq!(h.current(), "y");
    h.keys("abc<Enter>");
    let id = h.response_id();
    let mut h = h.restart();
    h.keys("<Enter>"); // open the draft
    let f = h.fill();
    let x = f.filling.form().by_name("x").unwrap();
    assert_eq!(
        f.filling.answer(&Slot::new(x, vec![0])),
        Some("5"),
        "x=5 was on screen and confirmed; after restart: {:?}",
        h.stored(&id)
    );
}

/// Was: recompute_from misses cross-instance readers (indexed-repeat inside
/// the same repeat): instance 2's calculation keeps a stale value.
#[test]
fn indexed_repeat_in_the_same_repeat_follows_changes() {
    let b = bundle(
        r#"[
      {"type":"repeat","name":"p","label":"P","children":[
        {"type":"text","name":"nm","label":"Name"},
        {"type":"calculate","name":"first","calculation":"indexed-repeat(${nm}, ${p}, 1)"},
        {"type":"text","name":"q","label":"Q","relevant":"${first} = 'go'"}
      ]}
    ]"#,
    );
    let form = Arc::new(compile(&b).unwrap());
    let clock = Clock::Fixed("2020-06-15T10:00:00+02:00[Europe/Rome]".parse().unwrap());
    let nm = form.by_name("nm").unwrap();
    let first = form.by_name("first").unwrap();
    let q = form.by_name("q").unwrap();
    let mut f = Filling::new(
        form.clone(),
        [
            ("/p[1]/nm".to_string(), "stop".to_string()),
            ("/p[2]/nm".to_string(), "b".to_string()),
        ],
        clock.clone(),
    );
    f.set_answer(&Slot::new(nm, vec![0]), Some("go".into()));
    let full = Filling::new(form.clone(), f.stored_answers(), clock);
    assert_eq!(
        (
            f.value(&Slot::new(first, vec![1])).to_str(),
            f.is_relevant(&Slot::new(q, vec![1]))
        ),
        (
            full.value(&Slot::new(first, vec![1])).to_str(),
            full.is_relevant(&Slot::new(q, vec![1]))
        ),
        "incremental vs full recompute"
    );
}

fn db(h: &Harness) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(h.dir.path().join("rileva.sqlite3")).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

/// Was: a stored select answer that is not a choice of the list (an import
/// kept as a draft) is deleted by merely leaving its screen.
#[test]
fn leaving_a_select_keeps_a_stored_value_not_in_its_list() {
    let b = bundle_with(
        r#"[
            {"type":"select_one","name":"q","list":"yn","label":"Q"},
            {"type":"text","name":"t","label":"T"}]"#,
        r#"{"yn":[{"name":"y","label":"Yes"},{"name":"n","label":"No"}]}"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>n");
    assert_eq!(h.current(), "q");
    let id = h.response_id();
    h.keys("<Esc>");
    db(&h).execute(
        "INSERT INTO answers(response_id, path, value, operator, updated_at) VALUES (?1, '/q', 'maybe', 'imp', 'x')",
        [&id],
    ).unwrap();
    let mut h = h.restart();
    h.keys("<Enter>"); // open the draft: lands on q
    assert_eq!(h.current(), "q");
    assert_eq!(
        h.fill()
            .filling
            .answer(&Slot::root(h.fill().filling.form().by_name("q").unwrap())),
        Some("maybe")
    );
    h.keys("<Tab>"); // skip it, touching nothing
    assert_eq!(h.stored(&id), vec![("/q".to_string(), "maybe".to_string())]);
}

/// Was: quitting from a field-list page with two typed fields: the first
/// write fails, the second succeeds, and the program quits anyway.
#[test]
fn quit_stops_when_an_earlier_save_of_the_step_failed() {
    let b = bundle(
        r#"[
            {"type":"group","name":"g","label":"G","appearance":"field-list","children":[
              {"type":"text","name":"a","label":"A"},
              {"type":"text","name":"b","label":"B"}]},
            {"type":"note","name":"end","label":"End"}]"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>n");
    assert_eq!(h.current(), "a");
    // Any write of /g/a fails (stands for a busy or full disk moment).
    db(&h)
        .execute_batch(
            "CREATE TRIGGER fail_a BEFORE INSERT ON answers WHEN NEW.path = '/g/a'
         BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;",
        )
        .unwrap();
    h.keys("typed-in-a<Tab>typed-in-b");
    h.keys("<C-c>");
    assert!(
        !h.app.leaves(),
        "the save of A failed, yet the app quits: {:?}",
        h.stored(&h.response_id())
    );
}

/// Was: on a field-list page, a question that becomes relevant after the
/// focused (last) one is skipped: Enter leaves the page.
#[test]
fn a_field_that_appears_after_the_last_of_a_page_takes_the_focus() {
    let b = bundle(
        r#"[
            {"type":"group","name":"g","label":"G","appearance":"field-list","children":[
              {"type":"text","name":"a","label":"A"},
              {"type":"text","name":"b","label":"B","relevant":"${a} = 'x'"}]},
            {"type":"note","name":"end","label":"End"}]"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>n");
    assert_eq!(h.current(), "a");
    h.keys("x<Enter>");
    assert_eq!(
        h.current(),
        "b",
        "b appeared on this page and should get the focus"
    );
}

/// Was: a stored path with a huge instance number (damaged database, or a
/// hand-edited one) made opening the response allocate millions of
/// instances; it is kept aside as an orphan, never opened, never dropped.
#[test]
fn huge_stored_instance_index_is_kept_as_an_orphan() {
    let b = bundle(
        r#"[{"type":"repeat","name":"p","label":"P","children":[{"type":"text","name":"nm","label":"N"}]}]"#,
    );
    let form = Arc::new(compile(&b).unwrap());
    let p = form.by_name("p").unwrap();
    let f = Filling::new(
        form,
        [
            ("/p[3000000]/nm".to_string(), "x".to_string()),
            ("/p[1]/nm".to_string(), "ok".to_string()),
        ],
        tui_support::clock(),
    );
    assert_eq!(f.instances(p, &[]), 1);
    let stored = f.stored_answers();
    assert!(
        stored.contains(&("/p[3000000]/nm".to_string(), "x".to_string())),
        "{stored:?}"
    );
}

/// Was: a repeat whose `relevant` turns true while it has no instance yet:
/// the screens are not rebuilt, so the "add a kid?" screen never comes.
#[test]
fn a_repeat_that_becomes_relevant_offers_its_prompt() {
    let b = bundle(
        r#"[
            {"type":"text","name":"has","label":"Kids? (y/n)"},
            {"type":"repeat","name":"kid","label":"Kid","relevant":"${has} = 'y'","children":[
              {"type":"text","name":"kname","label":"Name"}]},
            {"type":"note","name":"end","label":"End"}]"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>n");
    assert_eq!(h.current(), "has");
    h.keys("y<Enter>");
    let after_enter = h.fill().page.screen.clone();
    // Full recompute, as after a restart, for comparison.
    let stored = h.fill().filling.stored_answers();
    let full = Filling::new(
        h.fill().filling.form().clone(),
        stored,
        tui_support::clock(),
    );
    assert_eq!(
        h.fill().filling.screens(),
        full.screens(),
        "screens after the answer vs after a full recompute; now on {after_enter:?}"
    );
}

/// Was: `${name}` in labels was filled on the focused question only: the
/// other fields of a field-list page, the outline and the review showed the
/// raw reference, and a note left on a page read "…: (empty)".
#[test]
fn references_in_labels_are_filled_everywhere_they_are_shown() {
    let b = bundle(
        r#"[
      {"type":"repeat","name":"member","label":"Member","children":[
        {"type":"calculate","name":"pos","calculation":"position(..)"},
        {"type":"text","name":"m_name","label":"Name of member ${pos}"}
      ]},
      {"type":"calculate","name":"who","calculation":"indexed-repeat(${m_name}, ${member}, 1)"},
      {"type":"group","name":"pg","label":"Page of ${who}","appearance":"field-list","children":[
        {"type":"note","name":"nt","label":"Household of ${who}"},
        {"type":"text","name":"t1","label":"Phone of ${who}"}
      ]}
    ]"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>na");
    assert_eq!(h.current(), "m_name");
    assert!(h.screen(80, 24).contains("Name of member 1"));
    h.keys("Anna<Enter><Enter>");
    assert_eq!(h.current(), "nt");
    h.keys("<Enter>");
    assert_eq!(h.current(), "t1");
    let page = h.screen(80, 24);
    assert!(page.contains("Page of Anna"), "{page}");
    assert!(page.contains("Household of Anna"), "{page}");
    assert!(
        !page.contains("Household of Anna:"),
        "a note has no answer: {page}"
    );
    h.keys("<F3>");
    let outline = h.screen(80, 24);
    assert!(outline.contains("Name of member 1"), "{outline}");
    h.keys("<Esc><F4>");
    let review = h.screen(80, 24);
    assert!(review.contains("Name of member 1"), "{review}");
    for s in [page, outline, review] {
        assert!(!s.contains("${"), "a raw reference:\n{s}");
    }
}

/// Was: after repeat_count was lowered (3 → 2) the instance left out was
/// still counted on screen ("Member 1/3") and reachable with F8, where what
/// was typed said saved but was never in the response.
#[test]
fn an_instance_beyond_a_lowered_count_is_not_offered() {
    let b = bundle(
        r#"[
      {"type":"integer","name":"n","label":"How many"},
      {"type":"repeat","name":"member","label":"Member","repeat_count":"${n}","children":[
        {"type":"text","name":"m_name","label":"Name"}
      ]},
      {"type":"note","name":"end","label":"End"}
    ]"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>n3<Enter>A<Enter>B<Enter>C<Enter>");
    assert_eq!(h.current(), "end");
    h.goto("n");
    h.keys("<BS>2<Enter>");
    assert_eq!(h.current(), "m_name");
    assert!(
        h.screen(80, 24).contains("Member 1/2"),
        "{}",
        h.screen(80, 24)
    );
    h.keys("<F8>");
    assert!(h.screen(80, 24).contains("Member 2/2"));
    h.keys("<F8>");
    let s = h.screen(80, 24);
    assert!(s.contains("Member 2/2") && !s.contains("Member 3/"), "{s}");
    // Going back to 3 brings the kept answer back.
    h.goto("n");
    h.keys("<BS>3<Enter>");
    let id = h.response_id();
    assert!(
        h.stored(&id)
            .contains(&("/member[3]/m_name".to_string(), "C".to_string()))
    );
}

/// Entries of a counted repeat come from the count: adding or removing one
/// by hand is refused with a word on why (it used to remove the entry, then
/// bring an empty one back at once).
#[test]
fn a_counted_repeat_is_not_changed_by_hand() {
    let b = bundle(
        r#"[
      {"type":"integer","name":"n","label":"How many"},
      {"type":"repeat","name":"member","label":"Member","repeat_count":"${n}","children":[
        {"type":"text","name":"m_name","label":"Name"}
      ]}
    ]"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>n2<Enter>A<Enter>");
    assert_eq!(h.current(), "m_name");
    let id = h.response_id();
    let before = h.stored(&id);
    h.keys("<C-d>");
    assert!(h.fill().confirm.is_none(), "no removal offered");
    assert!(
        h.screen(80, 24)
            .contains("Quante voci ci sono lo dice una risposta")
    );
    h.keys("<F6>");
    assert_eq!(h.stored(&id), before);
    assert!(h.screen(80, 24).contains("Member 2/2"));
}

/// Was: the help of a choice question inside a repeat did not fit 80×24
/// and did not scroll: how to close it and the last keys were cut off. It
/// fits a taller terminal (the ditto and jump keys made it one line longer
/// than 80×24 inside a repeat); on a smaller one it scrolls, and always
/// says how to close it.
#[test]
fn help_that_does_not_fit_scrolls_and_always_says_how_to_close() {
    let b = bundle_with(
        r#"[
      {"type":"repeat","name":"member","label":"Member","children":[
        {"type":"select_one","list":"sex","name":"sex","label":"Sex"}
      ]}
    ]"#,
        r#"{"sex":[{"name":"m","label":"M"},{"name":"f","label":"F"}]}"#,
    );
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>na");
    assert_eq!(h.current(), "sex");
    h.keys("<F1>");
    assert!(h.screen(80, 24).contains("Esc o F1 per chiudere"));
    let all = h.screen(80, 26);
    for want in [
        "Esc o F1 per chiudere",
        "La cifra o lettera accanto a una voce la sceglie",
    ] {
        assert!(all.contains(want), "{all}");
    }
    let top = h.screen(80, 16);
    assert!(top.contains("Esc o F1 per chiudere"), "{top}");
    assert!(top.contains("↓ altri tasti"), "{top}");
    assert!(!top.contains("La cifra o lettera"), "{top}");
    h.keys("<PgDn><PgDn>");
    let end = h.screen(80, 16);
    assert!(
        end.contains("La cifra o lettera accanto a una voce la sceglie"),
        "{end}"
    );
    assert!(end.contains("Esc o F1 per chiudere"), "{end}");
    h.keys("<Esc>");
    assert!(h.app.help.is_none());
}

/// Was: the geopoint error wrapped inside its example ("e.g. 45.07" /
/// "7.68"), which read as two examples.
#[test]
fn the_geopoint_example_is_never_split_by_wrapping() {
    let b = bundle(r#"[{"type":"geopoint","name":"g","label":"Where"}]"#);
    let mut h = Harness::with_bundle(b);
    h.keys("Mario<Enter>n");
    assert_eq!(h.current(), "g");
    h.keys("abc<Enter>");
    let widths: Vec<u16> = (40..=120).collect();
    for (lang, width) in ["it", "en"]
        .iter()
        .flat_map(|l| widths.iter().map(move |w| (l, *w)))
    {
        if h.app.lang.code() != *lang {
            h.keys("<F2>");
        }
        let s = h.screen(width, 24);
        let line = s
            .lines()
            .find(|l| l.contains("45.07"))
            .unwrap_or_else(|| panic!("no error at {width}:\n{s}"));
        assert!(line.contains("7.68"), "split at width {width}:\n{s}");
    }
}

/// Was (issue "Foundations", defect 1): a form with no questions passed, `n`
/// panicked, and the empty draft it left panicked every later start that
/// opened it. Such a draft (stored by an older rileva) never crashes one.
#[test]
fn a_draft_of_a_form_with_nothing_to_fill_never_crashes_a_start() {
    for survey in [
        "[]",
        r#"[{"type":"calculate","name":"c","calculation":"1"}]"#,
    ] {
        let mut h = Harness::new();
        h.keys("Mario<Enter>");
        let empty = bundle(survey);
        let sha = empty.sha256();
        {
            let conn =
                rusqlite::Connection::open(h.dir.path().join(rileva::store::DB_FILE)).expect("raw");
            conn.execute(
                "INSERT INTO forms(sha256, form_id, version, title, bundle, added_at)
                 VALUES (?1, 't', '1', 'Empty', ?2, '2020-01-01T00:00:00.000+01:00')",
                [&sha, &empty.to_snapshot()],
            )
            .expect("form");
            conn.execute(
                "INSERT INTO responses(id, form_sha256, status, operator, device_id, language,
                     created_at, updated_at)
                 VALUES ('0e0e0e0e-0000-4000-8000-000000000000', ?1, 'draft', 'x', 'd', 'it',
                     '2020-01-01T00:00:00.000+01:00', '2020-01-01T00:00:00.000+01:00')",
                [&sha],
            )
            .expect("response");
        }
        for _ in 0..2 {
            let mut started = h.restart();
            started.keys("<Enter>");
            assert!(
                matches!(started.app.screen, rileva::tui::state::Screen::Start(_)),
                "{survey}: stays on the start screen"
            );
            let screen = started.screen(80, 24);
            assert!(
                screen.contains("nulla da compilare") || screen.contains("non si può aprire"),
                "{survey}: {screen}"
            );
            h = started;
        }
    }
}
