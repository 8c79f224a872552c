//! The scale budgets of the XLSForm issue, measured and printed, never
//! asserted: one keystroke's update and render under 1 ms with 5,000 repeat
//! instances and with a 10,000-question form. The big forms are generated
//! here, not committed. `cargo bench --bench scale` (release profile).

mod support;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rileva::engine::{Clock, Filling, ScreenRef, Slot};
use rileva::form::{self, FormBundle};
use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

const INSTANCES: u32 = 5_000;
const QUESTIONS: usize = 10_000;

fn main() {
    header();
    repeats();
    big_form();
}

fn bundle(survey: String, choices: &str) -> FormBundle {
    FormBundle {
        definition: format!(
            r#"{{"format":"rileva-form/1","settings":{{"form_id":"scale","version":"1"}},"survey":{survey},"choices":{choices}}}"#
        ),
        files: Default::default(),
    }
}

/// A household roster: five questions per person, one relevant on another,
/// one constrained, and a count of the people outside the repeat.
fn roster() -> FormBundle {
    bundle(
        r#"[
          {"type":"text","name":"hh","label":"Household"},
          {"type":"repeat","name":"person","label":"Person","children":[
            {"type":"text","name":"pname","label":"Name","required":"yes"},
            {"type":"integer","name":"age","label":"Age","constraint":". >= 0 and . <= 120"},
            {"type":"select_one","list":"sex","name":"sex","label":"Sex"},
            {"type":"text","name":"job","label":"Job","relevant":"${age} >= 16"},
            {"type":"text","name":"note","label":"Notes","appearance":"multiline"}
          ]},
          {"type":"calculate","name":"people","calculation":"count(${person})"},
          {"type":"text","name":"end","label":"Last"}
        ]"#
        .into(),
        r#"{"sex":[{"name":"f","label":"F"},{"name":"m","label":"M"},{"name":"x","label":"X"}]}"#,
    )
}

/// The stored answers of a roster of `n` people.
fn roster_answers(n: u32) -> Vec<(String, String)> {
    let mut out = vec![("/hh".to_string(), "Rossi".to_string())];
    for i in 1..=n {
        out.push((format!("/person[{i}]"), String::new()));
        out.push((format!("/person[{i}]/pname"), format!("Persona {i}")));
        out.push((format!("/person[{i}]/age"), (i % 90).to_string()));
        out.push((
            format!("/person[{i}]/sex"),
            ["f", "m", "x"][i as usize % 3].to_string(),
        ));
    }
    out
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

fn ch(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn repeats() {
    println!("\n1. a repeat with {INSTANCES} instances (5 questions each)");
    let b = roster();
    let (form, took) = timed(|| form::compile(&b).expect("compiles"));
    println!("  compile the form: {:.1} ms", took.as_secs_f64() * 1e3);
    let form = Arc::new(form);
    let (filling, took) =
        timed(|| Filling::new(form.clone(), roster_answers(INSTANCES), Clock::System));
    println!(
        "  open a draft with {INSTANCES} instances: {:.1} ms ({} screens)",
        took.as_secs_f64() * 1e3,
        filling.screens().len()
    );
    for (w, h) in [(80, 24), (200, 60)] {
        let mut ui = Ui::with_form(w, h, b.clone(), (*form).clone());
        ui.keys("Mario\nn");
        // Load the big draft into the open response: store it, then reopen.
        let id = ui.fill().row.id.clone();
        let answers = roster_answers(INSTANCES);
        let summary = rileva::store::Summary {
            position: Some("/person[2500]/note".into()),
            ..Default::default()
        };
        ui.rt
            .store
            .replace_answers(
                &id,
                &answers,
                "bench",
                &summary,
                "2020-06-15T10:00:00.000+02:00",
            )
            .expect("stored");
        ui.keys("\u{1b}");
        let (_, took) = timed(|| ui.keys("\n"));
        if w == 80 {
            println!(
                "  resume the draft on instance 2500 (load, compile, open, first frame): {:.1} ms",
                took.as_secs_f64() * 1e3
            );
        }
        ui.expect("note");
        let typing: Vec<KeyEvent> = "abcde"
            .chars()
            .map(ch)
            .chain(std::iter::repeat_n(
                KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
                5,
            ))
            .collect();
        let s = ui.measure(&typing, 2000);
        report(
            &format!("keystroke typing in instance 2500 of {INSTANCES}, {w}x{h}"),
            1.0,
            s,
        );
        // Moving to the same question of the next instance and back (F8/F7).
        let hop = [
            KeyEvent::new(KeyCode::F(8), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::F(7), KeyModifiers::NONE),
        ];
        let s = ui.measure(&hop, 200);
        report(
            &format!("F8/F7 to the next/previous instance, {w}x{h}"),
            1.0,
            s,
        );
        if w == 80 {
            // Enter: check, write (fsync), recompute every instance, next screen.
            ui.expect("note");
            let mut enter = Vec::new();
            for i in 0..60 {
                ui.keys("\u{2}"); // back to the previous question (Shift+Tab)
                let t = Instant::now();
                ui.keys(&format!("x{i}\n"));
                enter.push(t.elapsed());
            }
            report(
                &format!("Enter (commit, recompute {INSTANCES} instances), {w}x{h}"),
                1.0,
                enter,
            );
        }
    }
}

/// Ten thousand questions in 100 sections, a tenth with a relevance and a
/// constraint on the question before.
fn big() -> FormBundle {
    let mut survey = String::from("[");
    for s in 0..QUESTIONS / 100 {
        if s > 0 {
            survey.push(',');
        }
        let _ = write!(
            survey,
            r#"{{"type":"group","name":"s{s}","label":"Section {s}","children":["#
        );
        for q in 0..100 {
            let n = s * 100 + q;
            if q > 0 {
                survey.push(',');
            }
            if n % 10 == 5 {
                let _ = write!(
                    survey,
                    r#"{{"type":"integer","name":"q{n}","label":"Question {n}","relevant":"${{q{}}} != 'skip'","constraint":". >= 0"}}"#,
                    n - 1
                );
            } else {
                let _ = write!(
                    survey,
                    r#"{{"type":"text","name":"q{n}","label":"Question {n}"}}"#
                );
            }
        }
        survey.push_str("]}");
    }
    survey.push(']');
    bundle(survey, "{}")
}

fn big_form() {
    println!("\n2. a form of {QUESTIONS} questions");
    let b = big();
    let (form, took) = timed(|| form::compile(&b).expect("compiles"));
    println!("  compile the form: {:.1} ms", took.as_secs_f64() * 1e3);
    for (w, h) in [(80, 24), (200, 60)] {
        let mut ui = Ui::with_form(w, h, b.clone(), form.clone());
        ui.keys("Mario\nn");
        // Jump to the middle through the outline is slow to script; go there directly.
        let middle = ui.fill().filling.form().by_name("q5003").expect("q5003");
        let screen = ScreenRef::Question(Slot::root(middle));
        let f = ui.fill();
        f.page = rileva::tui::screens::question::Page::new(&f.filling, screen);
        ui.expect("q5003");
        let typing: Vec<KeyEvent> = "abcde"
            .chars()
            .map(ch)
            .chain(std::iter::repeat_n(
                KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
                5,
            ))
            .collect();
        let s = ui.measure(&typing, 2000);
        report(
            &format!("keystroke typing at question 5003 of {QUESTIONS}, {w}x{h}"),
            1.0,
            s,
        );
        if w == 80 {
            let mut enter = Vec::new();
            for i in 0..60 {
                ui.keys("\u{2}");
                let t = Instant::now();
                ui.keys(&format!("{i}\n"));
                enter.push(t.elapsed());
            }
            report(
                &format!("Enter (commit, recompute {QUESTIONS} questions), {w}x{h}"),
                1.0,
                enter,
            );
        }
    }
}
