//! Moving between screens and fields: to the next field of a page, the next
//! or previous screen, a given question, the outline or the review.

use crate::engine::ScreenRef;
use crate::store::AuditEvent;
use crate::tui::action::After;
use crate::tui::effect::Effect;
use crate::tui::screens::lists::{Outline, Review};
use crate::tui::screens::question::{self, Page};
use crate::tui::state::{Fill, View};

/// Moves when nothing needed writing, and stores the new position.
pub(super) fn navigate(f: &mut Fill, then: After) -> Vec<Effect> {
    match go(f, then) {
        Some(screen) => vec![Effect::SavePosition {
            id: f.row.id.clone(),
            path: f.filling.screen_path(&screen),
        }],
        None => Vec::new(),
    }
}

/// Makes a move; the new screen when it is another one (its position is to
/// be stored, unless a write of the step stored it already).
pub(super) fn go(f: &mut Fill, then: After) -> Option<ScreenRef> {
    let here = f.screen().clone();
    let (screen, focus) = match then {
        After::Stay | After::Start | After::Quit => return None,
        After::NextField if next_field_on_page(f) => return None,
        After::Next | After::NextField => match f.filling.next_screen(Some(&here)) {
            Some(s) => (s, None),
            None => {
                f.view = View::Review(Review::new(&f.filling, false));
                return None;
            }
        },
        After::Prev => (f.filling.prev_screen(&here).unwrap_or(here.clone()), None),
        After::Goto(slot) => (f.filling.screen_of(&slot), Some(slot)),
        After::Screen(s) => (s, None),
        After::Outline => {
            f.view = View::Outline(Outline::new(&f.filling, &f.current_slot()));
            return None;
        }
        After::Review => {
            f.view = View::Review(Review::new(&f.filling, false));
            return None;
        }
    };
    if let Some(slot) = &focus {
        f.noted.push(AuditEvent::new(
            &f.row.id,
            "jump",
            Some(f.filling.slot_path(slot)),
        ));
    }
    f.page = match &focus {
        Some(slot) => Page::focused_on(&f.filling, screen.clone(), slot),
        None => Page::new(&f.filling, screen.clone()),
    };
    f.view = View::Question;
    if screen != here || focus.is_some() {
        let event = match &screen {
            ScreenRef::Group(_) => "group questions",
            _ => "question",
        };
        f.noted.push(AuditEvent::new(
            &f.row.id,
            event,
            Some(f.filling.screen_path(&screen)),
        ));
    }
    (screen != here).then_some(screen)
}

/// After a field of a page is answered: the page is rebuilt (relevance may
/// have changed inside it, and a field may have appeared after the last),
/// and the focus moves to the field after the one answered. False when
/// there is none: the next screen follows.
fn next_field_on_page(f: &mut Fill) -> bool {
    let Some(answered) = f.page.field().map(|q| q.slot.clone()) else {
        return false;
    };
    refresh_page(f);
    let Some(at) = f.page.fields.iter().position(|q| q.slot == answered) else {
        // The answered field left the page itself: stay on what remains.
        return !f.page.fields.is_empty() && f.page.focus < f.page.fields.len();
    };
    if at + 1 < f.page.fields.len() {
        f.page.focus = at + 1;
        true
    } else {
        false
    }
}

/// Rebuilds the page's fields from the response, keeping what is typed in
/// the fields that are still there. The others are made again: an answer
/// on the page may have changed what they offer (a choice filter on it).
fn refresh_page(f: &mut Fill) {
    let mut old = std::mem::take(&mut f.page.fields);
    f.page.fields = f
        .filling
        .fields(&f.page.screen)
        .into_iter()
        .map(|slot| match old.iter().position(|q| q.slot == slot) {
            Some(i) if old[i].dirty(&f.filling) => old.swap_remove(i),
            _ => question::Field::new(&f.filling, slot),
        })
        .collect();
    f.page.focus = f.page.focus.min(f.page.fields.len().saturating_sub(1));
}
