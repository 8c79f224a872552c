//! Keying from paper, heads down: codes typed into a choice field, fields
//! that move on by themselves when their value is complete, and a refused
//! value that rings and holds every key typed after it until Esc.

use super::question::{confirm, note_refused};
use crate::engine::{CodeEntry, Problem};
use crate::tui::effect::Effect;
use crate::tui::screens::question::{self, Input};
use crate::tui::state::{App, Fill, Screen};

/// After a key went into the focused field of a transcription: a choice
/// field reads what is typed as codes (letters filter by name, as
/// elsewhere); a field whose value is complete moves on by itself.
pub(super) fn keyed(app: &mut App) -> Vec<Effect> {
    let auto = app.keying.auto_advance;
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    let Some(field) = f.page.fields.get_mut(f.page.focus) else {
        return Vec::new();
    };
    match &mut field.input {
        Input::Choices(c) if !c.ack => {
            let Some(filter) = &c.filter else {
                return Vec::new();
            };
            let typed = question::editor_text(filter);
            if !typed
                .trim_start()
                .starts_with(|ch: char| ch.is_ascii_digit())
            {
                return Vec::new();
            }
            match f.filling.read_codes(&field.slot, &typed) {
                CodeEntry::Complete(picked) => {
                    c.show_codes(&f.filling, &field.slot, &typed, picked);
                    field.error = None;
                    if auto {
                        return confirm_keyed(app);
                    }
                }
                CodeEntry::Partial(picked) => {
                    c.show_codes(&f.filling, &field.slot, &typed, picked);
                    field.error = None;
                }
                CodeEntry::Refused(code) => {
                    field.error = Some(Problem::NotACode(code));
                    let slot = field.slot.clone();
                    note_refused(f, &slot, &typed);
                    return refuse(app, Refused::Value);
                }
            }
        }
        Input::Text { editor, .. }
            if auto
                && f.filling
                    .typed_complete(&field.slot, &question::editor_text(editor)) =>
        {
            return confirm_keyed(app);
        }
        _ => {}
    }
    Vec::new()
}

/// Enter (or a complete value) on a transcription: as elsewhere, and a
/// refused value rings and holds the keys that follow.
pub(super) fn confirm_keyed(app: &mut App) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    let effects = confirm(f, &mut app.flash);
    if f.transcribing() && f.page.field().is_some_and(|q| q.error.is_some()) {
        // `confirm` noted the refusal in the audit log.
        return refuse(app, Refused::Value);
    }
    effects
}

/// What a keying operator's refusal was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refused {
    /// The field's value (noted in the audit log where it was refused):
    /// after Esc the field is keyed again.
    Value,
    /// A key that had nothing to do (a ditto with nothing to copy, a jump
    /// to no question): the field keeps what is typed in it.
    Key,
}

/// A refused value while keying: the bell (or a visible flash), the reason
/// in place, and every key after it held back until Esc.
pub(super) fn refuse(app: &mut App, what: Refused) -> Vec<Effect> {
    app.session.bad_keys += 1;
    let bell = app.keying.bell;
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    f.held = Some(0);
    f.rekey = what == Refused::Value;
    vec![Effect::Bell { audible: bell }]
}

/// A key typed while a refused value waits: counted, put nowhere.
pub(super) fn held_back(app: &mut App) {
    if let Screen::Fill(f) = &mut app.screen
        && let Some(n) = &mut f.held
    {
        *n += 1;
        app.session.bad_keys += 1;
    }
}

/// Esc after a refused value: the held keys are let go, and the field shows
/// what is stored, to be keyed again (its error stays until it is).
pub(super) fn acknowledge(f: &mut Fill) {
    f.held = None;
    f.jump = None;
    if !std::mem::take(&mut f.rekey) {
        // A ditto with nothing to copy: said, and done with.
        if let Some(field) = f.page.field_mut()
            && field.error == Some(Problem::NoDitto)
        {
            field.error = None;
        }
        return;
    }
    let filling = &f.filling;
    if let Some(field) = f.page.fields.get_mut(f.page.focus) {
        let fresh = question::Field::new(filling, field.slot.clone());
        field.input = fresh.input;
    }
}
