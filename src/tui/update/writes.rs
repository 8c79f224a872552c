//! The writes a step makes: what is typed saved as it stands, an answer
//! confirmed, an entry added or removed, finalizing. Each change is shown at
//! once and written by its effect, with the way back should the write fail;
//! the writes of one step are one `Batch`, whose move is made once they all
//! commit.

use super::navigate::navigate;
use crate::engine::{EndStamp, Filling, ScreenRef, Slot};
use crate::form::NodeId;
use crate::store::AuditEvent;
use crate::tui::action::{After, Undo};
use crate::tui::effect::Effect;
use crate::tui::state::{Batch, Fill, View};

/// Starts a step's writes (`effects`, at least one), to move `then` once
/// they are all committed.
pub(super) fn batch(f: &mut Fill, effects: Vec<Effect>, then: After) -> Vec<Effect> {
    f.batch = Some(Batch {
        pending: effects.len(),
        failed: false,
        then,
    });
    effects
}

/// Leaving a page without confirming keeps what was typed: every changed
/// field is saved as it stands (an invalid value shows as an error in the
/// outline and review), then the move is made.
pub(super) fn leave(f: &mut Fill, then: After) -> Vec<Effect> {
    let saves = save_typed(f, &then);
    if saves.is_empty() {
        navigate(f, then)
    } else {
        batch(f, saves, then)
    }
}

/// The writes of what is typed on the page and differs from what is
/// stored; each stores the position `then` leads to.
pub(super) fn save_typed(f: &mut Fill, then: &After) -> Vec<Effect> {
    if f.read_only || !matches!(f.view, View::Question) {
        return Vec::new();
    }
    let dirty: Vec<(Slot, Option<String>)> = f
        .page
        .dirty_fields(&f.filling)
        .into_iter()
        .filter_map(|i| f.page.fields.get(i))
        .filter(|field| !f.filling.is_read_only(&field.slot))
        .map(|field| {
            let value = f.filling.to_store(&field.slot, &field.value(&f.filling));
            (field.slot.clone(), value)
        })
        .collect();
    dirty
        .into_iter()
        .map(|(slot, value)| save(f, slot, value, then))
        .collect()
}

/// Applies an answer on screen and returns its write, which carries the way
/// back should it fail.
pub(super) fn save(f: &mut Fill, slot: Slot, value: Option<String>, then: &After) -> Effect {
    let previous = f.filling.answer(&slot).map(str::to_string);
    f.fields += 1;
    if previous.is_some() && previous != value {
        f.corrections += 1;
    }
    f.filling.set_answer(&slot, value.clone());
    // The answer made instances (repeat_count), with their defaults: all of
    // that must be written, not this answer alone.
    f.unsaved_structure |= f.filling.take_structure_change();
    if let Some(field) = f.page.fields.iter_mut().find(|q| q.slot == slot) {
        field.stored = f.filling.answer(&slot).map(str::to_string);
        field.error = None;
    }
    let position = target_screen(f, then).or_else(|| Some(f.screen().clone()));
    let undo = Undo::Answer(slot.clone(), previous);
    let summary = f.filling.summary(position.as_ref());
    if f.unsaved_structure {
        return Effect::ReplaceAnswers {
            id: f.row.id.clone(),
            answers: f.filling.stored_answers(),
            summary,
            undo,
        };
    }
    Effect::SaveAnswer {
        id: f.row.id.clone(),
        path: f.filling.slot_path(&slot),
        value,
        summary,
        undo,
        checked: !matches!(then, After::Quit | After::Start),
    }
}

/// The screen a move would land on (for the position stored with a write).
fn target_screen(f: &Fill, then: &After) -> Option<ScreenRef> {
    let here = f.screen();
    match then {
        After::NextField if f.page.focus + 1 < f.page.fields.len() => Some(here.clone()),
        After::Next | After::NextField => f.filling.next_screen(Some(here)),
        After::Prev => f.filling.prev_screen(here),
        After::Goto(slot) => Some(f.filling.screen_of(slot)),
        After::Screen(s) => Some(s.clone()),
        _ => None,
    }
}

/// Adds an instance at the end of a repeat, after saving what is typed,
/// and opens its first screen.
pub(super) fn add_instance(f: &mut Fill, repeat: NodeId, parent: &[u32]) -> Vec<Effect> {
    if f.read_only {
        return Vec::new();
    }
    let mut effects = save_typed(f, &After::Stay);
    let before = Box::new(f.filling.clone());
    let Some(idx) = f.filling.add_instance(repeat, parent) else {
        return match effects.is_empty() {
            true => Vec::new(),
            false => batch(f, effects, After::Stay),
        };
    };
    f.noted.push(AuditEvent::new(
        &f.row.id,
        "add repeat",
        Some(f.filling.slot_path(&Slot::new(repeat, idx.clone()))),
    ));
    if f.filling.sections() {
        // Keyed from paper: the new entry is a block on the same page; the
        // cursor goes to its first field.
        let entry = Slot::new(repeat, idx.clone());
        let page = f.filling.screen_of(&entry);
        let first = f.filling.first_field_of_entry(&entry);
        let (write, then) = structural_write(f, before, Some(page), After::Next);
        effects.push(write);
        return batch(f, effects, first.map_or(then, After::Goto));
    }
    let first = f
        .filling
        .next_screen(Some(&ScreenRef::Question(Slot::new(repeat, idx.clone()))));
    let (write, then) = structural_write(f, before, first, After::Next);
    effects.push(write);
    batch(f, effects, then)
}

pub(super) fn remove_instance(f: &mut Fill, repeat: NodeId, parent: &[u32], k: u32) -> Vec<Effect> {
    let before = Box::new(f.filling.clone());
    let here = f.screen().clone();
    let mut gone = parent.to_vec();
    gone.push(k);
    f.noted.push(AuditEvent::new(
        &f.row.id,
        "delete repeat",
        Some(f.filling.slot_path(&Slot::new(repeat, gone))),
    ));
    f.filling.remove_instance(repeat, parent, k);
    if f.filling.sections() && f.filling.is_screen(&here) {
        // Keyed from paper: the cursor goes to the entry that took the
        // removed one's place, or to "another entry?" after the last.
        let mut at = parent.to_vec();
        at.push(k);
        let entry = Slot::new(repeat, at);
        let target = f.filling.first_field_of_entry(&entry).or_else(|| {
            // The last entry went: "another entry?" is where it was.
            f.filling.fields(&here).into_iter().find(|s| *s == entry)
        });
        let (write, then) = structural_write(f, before, Some(here), After::Review);
        return batch(f, vec![write], target.map_or(then, After::Goto));
    }
    let position = if f.filling.is_screen(&here) {
        Some(here)
    } else {
        let mut idx = parent.to_vec();
        idx.push(k.saturating_sub(1));
        f.filling
            .next_screen(Some(&ScreenRef::Question(Slot::new(repeat, idx))))
            .or_else(|| f.filling.next_screen(None))
    };
    let (write, then) = structural_write(f, before, position, After::Review);
    batch(f, vec![write], then)
}

/// The write of an instance added or removed: every answer at once, and
/// where to go then (`position`, or `otherwise` when there is none);
/// `before` puts the response back if the write fails.
fn structural_write(
    f: &mut Fill,
    before: Box<Filling>,
    position: Option<ScreenRef>,
    otherwise: After,
) -> (Effect, After) {
    let then = position.clone().map_or(otherwise, After::Screen);
    let write = Effect::ReplaceAnswers {
        id: f.row.id.clone(),
        answers: f.filling.stored_answers(),
        summary: f.filling.summary(position.as_ref()),
        undo: Undo::Snapshot(before),
    };
    (write, then)
}

pub(super) fn finalize(f: &mut Fill) -> Vec<Effect> {
    let answers = f.filling.stamp_end(EndStamp::Now);
    let summary = f.filling.summary(Some(&f.page.screen));
    vec![Effect::Finalize {
        id: f.row.id.clone(),
        summary,
        language: f.filling.language().to_string(),
        answers,
    }]
}
