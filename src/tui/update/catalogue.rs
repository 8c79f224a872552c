//! The catalogue screen's keys: the search typed as you go, the filters
//! changed with Tab and the arrows, a card opened with Enter and scrolled,
//! Esc back. Nothing here writes: the catalogue is read-only.

use super::to_start;
use crate::tui::action::Action;
use crate::tui::effect::Effect;
use crate::tui::keymap::Cmd;
use crate::tui::screens::catalogue::CatalogueScreen;
use crate::tui::state::{App, Screen};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// Opens the catalogue: the screen says it is reading while the lane reads.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Catalogue(Box::default());
    vec![Effect::LoadCatalogue { lang: app.lang }]
}

pub fn key(app: &mut App, action: Action) -> Vec<Effect> {
    let page = app.rows.max(1) as isize;
    let Screen::Catalogue(c) = &mut app.screen else {
        return Vec::new();
    };
    if c.card.is_some() {
        card_key(c, action, page);
        return Vec::new();
    }
    match action {
        Action::Cmd(Cmd::Back) => return to_start(app),
        Action::Cmd(Cmd::Up) => c.move_by(-1),
        Action::Cmd(Cmd::Down) => c.move_by(1),
        Action::Cmd(Cmd::PageUp) => c.move_by(-page),
        Action::Cmd(Cmd::PageDown) => c.move_by(page),
        Action::Cmd(Cmd::Home) => c.move_by(isize::MIN / 2),
        Action::Cmd(Cmd::End) => c.move_by(isize::MAX / 2),
        Action::Cmd(Cmd::NextFilter) => c.focus_by(1),
        Action::Cmd(Cmd::PrevFilter) => c.focus_by(-1),
        Action::Cmd(Cmd::NextValue) => c.cycle_value(true),
        Action::Cmd(Cmd::PrevValue) => c.cycle_value(false),
        Action::Cmd(Cmd::Clear) => c.clear(),
        Action::Cmd(Cmd::Open) if c.selected().is_some() => {
            c.card = c.matches.get(c.cursor).copied();
            c.scroll = 0;
        }
        Action::Edit(ev)
            if !ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            match ev.code {
                KeyCode::Char(ch) => c.type_char(ch),
                KeyCode::Backspace => c.backspace(),
                _ => {}
            }
        }
        Action::Paste(text) => {
            for ch in text.chars().filter(|ch| !ch.is_control()) {
                c.search.push(ch);
            }
            c.refilter();
        }
        _ => {}
    }
    Vec::new()
}

fn card_key(c: &mut CatalogueScreen, action: Action, page: isize) {
    let by = |s: u16, n: isize| -> u16 {
        let v = (s as isize).saturating_add(n).clamp(0, u16::MAX as isize);
        u16::try_from(v).unwrap_or(0)
    };
    match action {
        Action::Cmd(Cmd::Back) => c.card = None,
        Action::Cmd(Cmd::Up) => c.scroll = by(c.scroll, -1),
        Action::Cmd(Cmd::Down) => c.scroll = by(c.scroll, 1),
        Action::Cmd(Cmd::PageUp) => c.scroll = by(c.scroll, -page),
        Action::Cmd(Cmd::PageDown) => c.scroll = by(c.scroll, page),
        Action::Cmd(Cmd::Home) => c.scroll = 0,
        // The view draws a scroll past the end at the end.
        Action::Cmd(Cmd::End) => c.scroll = u16::MAX,
        _ => {}
    }
}
