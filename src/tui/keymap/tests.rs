use super::*;

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

#[test]
fn enter_confirms_in_questions_and_opens_in_lists() {
    assert_eq!(
        resolve(Text, key(KeyCode::Enter, NONE)),
        Some(Action::Cmd(Cmd::Confirm))
    );
    assert_eq!(
        resolve(Start, key(KeyCode::Enter, NONE)),
        Some(Action::Cmd(Cmd::Open))
    );
    assert_eq!(
        resolve(Review, key(KeyCode::Enter, NONE)),
        Some(Action::Cmd(Cmd::Open))
    );
}

#[test]
fn letters_type_in_text_and_pick_in_short_lists() {
    let a = key(KeyCode::Char('a'), NONE);
    assert_eq!(resolve(Text, a), Some(Action::Edit(a)));
    assert_eq!(resolve(Filter, a), Some(Action::Edit(a)));
    assert_eq!(resolve(Choices, a), Some(Action::Pick('a')));
    assert_eq!(
        resolve(Choices, key(KeyCode::Char('7'), NONE)),
        Some(Action::Pick('7'))
    );
}

#[test]
fn ctrl_c_quits_everywhere() {
    for mode in [
        Operator, Start, Text, Multiline, Choices, Filter, Note, RepeatEnd, Outline, Review,
        ReadOnly, Help, Confirm, Held, Jump, Catalogue, Card,
    ] {
        assert_eq!(
            resolve(mode, key(KeyCode::Char('c'), CTRL)),
            Some(Action::Cmd(Cmd::Quit)),
            "{mode:?}"
        );
    }
}

#[test]
fn the_catalogue_types_its_search_and_moves_with_arrows() {
    let a = key(KeyCode::Char('a'), NONE);
    assert_eq!(resolve(Catalogue, a), Some(Action::Edit(a)));
    assert_eq!(
        resolve(Catalogue, key(KeyCode::Right, NONE)),
        Some(Action::Cmd(Cmd::NextValue))
    );
    assert_eq!(
        resolve(Catalogue, key(KeyCode::Tab, NONE)),
        Some(Action::Cmd(Cmd::NextFilter))
    );
    assert_eq!(
        resolve(Start, key(KeyCode::Char('c'), NONE)),
        Some(Action::Cmd(Cmd::Catalogue))
    );
    assert_eq!(resolve(Card, a), None, "a card is read, not typed in");
}

#[test]
fn space_types_in_filter_but_picks_in_short_lists() {
    let sp = key(KeyCode::Char(' '), NONE);
    assert_eq!(resolve(Filter, sp), Some(Action::Edit(sp)));
    assert_eq!(resolve(Choices, sp), Some(Action::Cmd(Cmd::Toggle)));
}

#[test]
fn page_keys_scroll_long_lists_but_move_between_questions_elsewhere() {
    assert_eq!(
        resolve(Filter, key(KeyCode::PageDown, NONE)),
        Some(Action::Cmd(Cmd::PageDown))
    );
    assert_eq!(
        resolve(Text, key(KeyCode::PageDown, NONE)),
        Some(Action::Cmd(Cmd::Skip))
    );
    assert_eq!(
        resolve(Text, key(KeyCode::BackTab, SHIFT)),
        Some(Action::Cmd(Cmd::Prev))
    );
}

#[test]
fn every_mode_has_help_and_hints() {
    for mode in [
        Operator, Start, Text, Multiline, Choices, Filter, Note, RepeatEnd, Outline, Review,
        ReadOnly, Help, Confirm, Held, Jump, Catalogue, Card,
    ] {
        assert!(bindings(mode).count() > 0, "{mode:?}");
        assert!(!hints(mode, Lang::It).is_empty(), "{mode:?}");
    }
}

#[test]
fn alt_enter_is_a_new_line_only_in_multiline() {
    assert_eq!(
        resolve(Multiline, key(KeyCode::Enter, ALT)),
        Some(Action::Cmd(Cmd::NewLine))
    );
    assert_eq!(
        resolve(Multiline, key(KeyCode::Char('j'), CTRL)),
        Some(Action::Cmd(Cmd::NewLine))
    );
}

#[test]
fn the_jump_prompt_takes_text_and_ctrl_r_is_ditto_not_redo() {
    let b = key(KeyCode::Char('B'), SHIFT);
    assert_eq!(resolve(Jump, b), Some(Action::Edit(b)));
    assert_eq!(
        resolve(Jump, key(KeyCode::Enter, NONE)),
        Some(Action::Cmd(Cmd::Confirm))
    );
    assert_eq!(
        resolve(Jump, key(KeyCode::Esc, NONE)),
        Some(Action::Cmd(Cmd::Back))
    );
    for mode in [Text, Choices, Filter] {
        assert_eq!(
            resolve(mode, key(KeyCode::Char('r'), CTRL)),
            Some(Action::Cmd(Cmd::Ditto)),
            "{mode:?}"
        );
        assert_eq!(
            resolve(mode, key(KeyCode::Char('g'), CTRL)),
            Some(Action::Cmd(Cmd::Jump)),
            "{mode:?}"
        );
    }
}
