//! The question screen's keys: typing, picking, moving between fields and
//! screens, confirming, the repeat keys.

use super::keying;
use super::navigate::navigate;
use super::to_start;
use super::transcribe;
use super::writes::{add_instance, batch, leave, save};
use crate::engine::{ScreenRef, Slot};
use crate::form::NodeId;
use crate::store::AuditEvent;
use crate::tui::action::{Action, After};
use crate::tui::effect::Effect;
use crate::tui::i18n;
use crate::tui::keymap::Cmd;
use crate::tui::screens::question::{self, Input};
use crate::tui::state::{App, Confirm, Fill, Flash, Screen};

pub(super) fn question_action(app: &mut App, action: Action, page: isize) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    let editable = !f.read_only;
    let transcribing = f.transcribing();
    // Tab's list of names is for the path as it was when Tab was pressed:
    // any other key takes it away (a quiet moment does not).
    if matches!(action, Action::Edit(_) | Action::Paste(_) | Action::Pick(_))
        || matches!(action, Action::Cmd(c) if c != Cmd::CompletePath)
    {
        f.completions.clear();
    }
    match action {
        Action::HeldBack => transcribe::held_back(app),
        Action::Cmd(Cmd::Acknowledge) => transcribe::acknowledge(f),
        Action::Rekey(ev) => {
            transcribe::acknowledge(f);
            return question_action(app, Action::Edit(ev), page);
        }
        Action::Edit(ev) => {
            if let Some(field) = f.page.fields.get_mut(f.page.focus)
                && editable
                && !f.filling.is_read_only(&field.slot)
            {
                match &mut field.input {
                    Input::Text { editor, multiline } => {
                        if question::edit(editor, ev, *multiline) {
                            field.error = None;
                        }
                    }
                    Input::Choices(c) => {
                        if let Some(filter) = &mut c.filter
                            && question::edit(filter, ev, false)
                        {
                            c.refilter(&f.filling, field.slot.node);
                        }
                    }
                    Input::Note | Input::Another => {}
                }
            }
            if transcribing {
                return transcribe::keyed(app);
            }
        }
        Action::Paste(text) => {
            if let Some(field) = f.page.fields.get_mut(f.page.focus)
                && editable
                && !f.filling.is_read_only(&field.slot)
            {
                match &mut field.input {
                    Input::Text { editor, multiline } => question::paste(editor, &text, *multiline),
                    Input::Choices(c) => {
                        if let Some(filter) = &mut c.filter {
                            question::paste(filter, &text, false);
                            c.refilter(&f.filling, field.slot.node);
                        }
                    }
                    Input::Note | Input::Another => {}
                }
            }
        }
        Action::Cmd(Cmd::NewLine) => {
            if let Some(field) = f.page.field_mut()
                && let Input::Text {
                    editor,
                    multiline: true,
                } = &mut field.input
            {
                editor.insert_newline();
            }
        }
        Action::Pick(ch) => {
            if let Some(field) = f.page.fields.get_mut(f.page.focus)
                && !f.filling.is_read_only(&field.slot)
                && let Input::Choices(c) = &mut field.input
                && c.pick(ch)
            {
                field.error = None;
                // appearance "quick": a single choice moves on as soon as it is picked.
                let node = f.filling.form().node(field.slot.node);
                if node.has_appearance("quick") && !c.multi {
                    return confirm(f, &mut app.flash);
                }
                // Keyed from paper, the one item of an acknowledge is a
                // complete code like any other (every other list there is
                // typed as codes).
                if transcribing && c.ack && app.keying.auto_advance {
                    return transcribe::confirm_keyed(app);
                }
            }
        }
        Action::Cmd(
            cmd @ (Cmd::Up
            | Cmd::Down
            | Cmd::PageUp
            | Cmd::PageDown
            | Cmd::Home
            | Cmd::End
            | Cmd::Toggle
            | Cmd::Clear),
        ) => {
            if let Some(field) = f.page.fields.get_mut(f.page.focus)
                && !f.filling.is_read_only(&field.slot)
                && let Input::Choices(c) = &mut field.input
            {
                match cmd {
                    Cmd::Up => c.move_by(-1),
                    Cmd::Down => c.move_by(1),
                    Cmd::PageUp => c.move_by(-page),
                    Cmd::PageDown => c.move_by(page),
                    Cmd::Home => c.move_to(0),
                    Cmd::End => c.move_to(usize::MAX),
                    Cmd::Toggle => c.toggle(),
                    _ => c.clear(),
                }
                field.error = None;
            }
        }
        Action::Cmd(Cmd::Confirm) if transcribing => return transcribe::confirm_keyed(app),
        Action::Cmd(Cmd::Confirm) => return confirm(f, &mut app.flash),
        Action::Cmd(Cmd::Prev) => {
            if f.page.focus > 0 {
                f.page.focus -= 1;
                return Vec::new();
            }
            return leave(f, After::Prev);
        }
        Action::Cmd(Cmd::Skip) => {
            if f.page.focus + 1 < f.page.fields.len() {
                f.page.focus += 1;
                return Vec::new();
            }
            return leave(f, After::Next);
        }
        Action::Cmd(Cmd::Ditto) => return keying::ditto(app),
        Action::Cmd(Cmd::CompletePath) if editable => return super::attach::complete(f),
        Action::Cmd(Cmd::Jump) => keying::open_jump(f),
        Action::Cmd(Cmd::Outline) => return leave(f, After::Outline),
        Action::Cmd(Cmd::Review) => return leave(f, After::Review),
        Action::Cmd(Cmd::AddInstance) => {
            let target = match f.screen() {
                ScreenRef::RepeatEnd { repeat, parent } => Some((*repeat, parent.clone())),
                _ => innermost_instance(f).map(|(r, parent, _)| (r, parent)),
            };
            if let Some((repeat, _)) = &target
                && counted(f, *repeat)
            {
                app.flash = Some(Flash::Info(&i18n::COUNTED_REPEAT));
                return Vec::new();
            }
            if let Some((repeat, parent)) = target {
                return add_instance(f, repeat, &parent);
            }
        }
        Action::Cmd(Cmd::RemoveInstance) => {
            if let Some((repeat, parent, k)) = innermost_instance(f)
                && !f.read_only
                && k < f.filling.counted_instances(repeat, &parent)
            {
                if counted(f, repeat) {
                    app.flash = Some(Flash::Info(&i18n::COUNTED_REPEAT));
                    return Vec::new();
                }
                f.confirm = Some(Confirm::RemoveInstance { repeat, parent, k });
            }
        }
        Action::Cmd(cmd @ (Cmd::PrevInstance | Cmd::NextInstance)) => {
            if let Some((repeat, parent, k)) = innermost_instance(f) {
                let depth = parent.len();
                let target = if cmd == Cmd::PrevInstance {
                    k.checked_sub(1)
                } else {
                    Some(k + 1)
                };
                if let Some(t) =
                    target.filter(|&t| t < f.filling.counted_instances(repeat, &parent))
                {
                    let mut slot = f.current_slot();
                    slot.idx[depth] = t;
                    return leave(f, After::Goto(slot));
                }
            }
        }
        Action::Cmd(Cmd::Back) => {
            let effects = leave(f, After::Start);
            if !effects.is_empty() {
                return effects;
            }
            app.flash = Some(Flash::Info(&i18n::DRAFT_SAVED_LEFT));
            return to_start(app);
        }
        _ => {}
    }
    Vec::new()
}

/// Shows the questionnaire in a language (the form's own code, or the
/// interface's when the form has it): labels, and choice lists refiltered on
/// their labels in it.
pub(super) fn set_form_language(f: &mut Fill, code: &str) {
    f.filling.set_language(code);
    let lang_index = f.filling.form().language_index(f.filling.language());
    for field in &mut f.page.fields {
        if let Input::Choices(c) = &mut field.input {
            c.lang_index = lang_index;
            c.refilter(&f.filling, field.slot.node);
        }
    }
}

/// Whether a repeat's instances come from its `repeat_count`: they are added
/// and removed by changing the answer the count reads, not by hand.
fn counted(f: &Fill, repeat: NodeId) -> bool {
    f.filling.form().node(repeat).repeat_count.is_some()
}

/// The innermost repeat instance the focused field is in: (repeat, parent
/// instance, index).
fn innermost_instance(f: &Fill) -> Option<(NodeId, Vec<u32>, u32)> {
    let slot = f.current_slot();
    let form = f.filling.form();
    let &repeat = form.node(slot.node).repeats.last()?;
    let depth = form.node(repeat).repeats.len();
    let parent = slot.idx.get(..depth - 1)?.to_vec();
    let k = *slot.idx.get(depth - 1)?;
    Some((repeat, parent, k))
}

/// A value refused, in either layout: the audit log keeps what was typed.
pub(super) fn note_refused(f: &mut Fill, slot: &Slot, typed: &str) {
    let mut e = AuditEvent::new(
        &f.row.id,
        "constraint error",
        Some(f.filling.slot_path(slot)),
    );
    e.new_value = Some(typed.to_string()).filter(|v| !v.is_empty());
    f.noted.push(e);
}

/// Enter: checks the focused answer; a refused one shows its error in place,
/// an accepted one is saved and the focus moves on.
pub(super) fn confirm(f: &mut Fill, flash: &mut Option<Flash>) -> Vec<Effect> {
    let Some(field) = f.page.field() else {
        // A repeat end: go on past the repeat.
        return navigate(f, After::Next);
    };
    if let Input::Choices(c) = &field.input
        && let Some(filter) = &c.filter
        && c.shown.is_empty()
        && !question::editor_text(filter).trim().is_empty()
    {
        *flash = Some(Flash::Info(&i18n::NO_MATCH));
        return Vec::new();
    }
    if !field.input_takes_answer() || f.read_only || f.filling.is_read_only(&field.slot) {
        return navigate(f, After::NextField);
    }
    if let Some(attach) = super::attach::attach_typed(f) {
        return vec![attach];
    }
    let slot = field.slot.clone();
    let value = field.value(&f.filling);
    settle(f, slot, value)
}

/// A value for a field, in either layout: refused in place, or saved (when
/// it changed) and the focus moved on.
pub(super) fn settle(f: &mut Fill, slot: Slot, value: String) -> Vec<Effect> {
    let Some(field) = f.page.field() else {
        return Vec::new();
    };
    match f.filling.check(&slot, &value) {
        Err(problem) => {
            note_refused(f, &slot, &value);
            if let Some(field) = f.page.field_mut() {
                field.error = Some(problem);
            }
            Vec::new()
        }
        // Nothing changed (what is stored stays as it is, even when its text
        // is not in canonical form), or the same value typed again.
        Ok(canon) if canon == field.stored || !field.dirty(&f.filling) => {
            if let Some(field) = f.page.field_mut() {
                field.error = None;
            }
            navigate(f, After::NextField)
        }
        Ok(canon) => {
            let write = save(f, slot, canon, &After::NextField);
            batch(f, vec![write], After::NextField)
        }
    }
}
