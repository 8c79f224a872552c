//! Layer 3: every screen and state rendered on ratatui's TestBackend at a fixed
//! size and compared with a reviewed snapshot (times masked).

use crate::tui_support;

use tui_support::{Harness, masked};

fn snap(h: &Harness, name: &str) {
    insta::assert_snapshot!(name, masked(h.screen(80, 24)));
}

fn started() -> Harness {
    let mut h = Harness::new();
    h.keys("Mario Rossi<Enter>n");
    h
}

#[test]
fn operator_prompt() {
    snap(&Harness::new(), "operator_prompt");
}

#[test]
fn start_screen_empty_and_with_responses() {
    let mut h = Harness::new();
    h.keys("Mario Rossi<Enter>");
    snap(&h, "start_empty");
    h.keys("n2<Enter>1<Enter>6<Enter>aglie<Enter>Comune di Agliè<Enter><Esc>");
    snap(&h, "start_with_draft");
}

#[test]
fn question_with_short_choice_list() {
    snap(&started(), "question_choices");
}

#[test]
fn question_with_error_in_place() {
    let mut h = started();
    h.keys("2<Enter>1<Enter>6<Enter>aglie<Enter>ab<Enter>");
    snap(&h, "question_error");
}

#[test]
fn long_choice_list_filtered() {
    let mut h = started();
    h.keys("2<Enter>1<Enter>6<Enter>");
    snap(&h, "filter_unfiltered");
    h.keys("san");
    snap(&h, "filter_san");
    h.keys("<Down><Down>");
    snap(&h, "filter_san_moved");
}

#[test]
fn multiline_question() {
    let mut h = started();
    h.keys("1<Enter>1<Enter><Tab>Ambito X<Enter>Comune A<A-Enter>Comune B");
    snap(&h, "question_multiline");
}

#[test]
fn outline_and_review() {
    let mut h = started();
    h.keys("5<Enter>");
    h.keys("x<Tab>");
    h.keys("<F3>");
    snap(&h, "outline");
    h.keys("<Esc><F4>");
    snap(&h, "review_with_problems");
}

#[test]
fn help_overlay() {
    let mut h = started();
    h.keys("<F1>");
    snap(&h, "help_choices");
}

#[test]
fn english() {
    let mut h = started();
    h.keys("<F2>");
    snap(&h, "question_english");
}

#[test]
fn wide_terminal() {
    let mut h = started();
    h.keys("2<Enter>");
    insta::assert_snapshot!("question_200x60", masked(h.screen(200, 60)));
}
