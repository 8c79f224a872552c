//! Media questions on screen: Enter on a typed path asks the runtime to
//! attach the file (checked, copied into the data directory); what comes
//! back is saved as the answer, or refused in place as a bad value is; Tab
//! completes the path.

use super::question::{note_refused, settle};
use super::transcribe::{Refused, refuse};
use crate::app::paths::Completion;
use crate::engine::media::AttachProblem;
use crate::engine::{Problem, Slot};
use crate::store::Attached;
use crate::tui::effect::Effect;
use crate::tui::screens::question::{self, Input, editor};
use crate::tui::state::{App, Fill, Screen};

/// Enter on a media field whose text is not the stored answer: the file at
/// that path is to be attached (an empty field clears the answer as usual).
pub(super) fn attach_typed(f: &Fill) -> Option<Effect> {
    let takes = f.focused_media()?;
    let field = f.page.field()?;
    let typed = field.value(&f.filling);
    if typed.trim().is_empty() || Some(typed.as_str()) == field.stored.as_deref() {
        return None;
    }
    Some(Effect::Attach {
        slot: field.slot.clone(),
        typed,
        takes,
    })
}

/// Tab on a media field: the path typed, to complete.
pub(super) fn complete(f: &mut Fill) -> Vec<Effect> {
    let Some(field) = f.page.field().filter(|_| f.focus_is_media()) else {
        return Vec::new();
    };
    let typed = field.value(&f.filling);
    vec![Effect::CompletePath {
        slot: field.slot.clone(),
        typed,
    }]
}

/// The focused field, if it is still `slot`'s and still holds `typed`.
fn still<'a>(f: &'a mut Fill, slot: &Slot, typed: &str) -> Option<&'a mut question::Field> {
    let filling = &f.filling;
    let field = f.page.fields.get_mut(f.page.focus)?;
    (field.slot == *slot && field.value(filling) == typed).then_some(field)
}

pub(super) fn completed(app: &mut App, slot: &Slot, typed: &str, c: Completion) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    let Some(field) = still(f, slot, typed) else {
        return Vec::new();
    };
    if let Input::Text { editor: e, .. } = &mut field.input {
        *e = editor(&c.text, false);
    }
    field.error = None;
    f.completions = c.candidates;
    Vec::new()
}

/// The runtime attached the file (the answer is its name, saved now) or
/// said why not (refused in place; while keying heads down, the bell).
pub(super) fn attached(
    app: &mut App,
    slot: Slot,
    typed: &str,
    result: Result<Attached, AttachProblem>,
) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    f.completions.clear();
    let Some(field) = still(f, &slot, typed) else {
        return Vec::new();
    };
    match result {
        Ok(a) => {
            if let Input::Text { editor: e, .. } = &mut field.input {
                *e = editor(&a.name, false);
            }
            settle(f, slot, a.name)
        }
        Err(problem) => {
            field.error = Some(Problem::Attach(problem));
            note_refused(f, &slot, typed);
            if f.transcribing() {
                return refuse(app, Refused::Value);
            }
            Vec::new()
        }
    }
}
