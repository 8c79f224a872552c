//! The two keys of keying from paper that work in every layout: the ditto
//! (this question's answer in the operator's previous response) and the
//! jump to a question by the number printed beside it.

use super::question::confirm;
use super::transcribe;
use super::writes::leave;
use crate::engine::Problem;
use crate::tui::action::{Action, After};
use crate::tui::effect::Effect;
use crate::tui::keymap::Cmd;
use crate::tui::screens::question::{self, Field};
use crate::tui::state::{App, Fill, JumpPrompt, Screen};

/// The ditto key: the focused field takes the same question's answer from
/// the operator's previous response, and is confirmed as if typed (checked,
/// saved, the focus moves on). Nothing to copy is an error in place; while
/// transcribing, it rings and holds the keys after it like a refused value.
pub(super) fn ditto(app: &mut App) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    if f.read_only {
        return Vec::new();
    }
    let Some(field) = f.page.field() else {
        return Vec::new();
    };
    if !field.input_takes_answer() || f.filling.is_read_only(&field.slot) {
        return Vec::new();
    }
    let slot = field.slot.clone();
    let copied = f
        .earlier
        .as_ref()
        .and_then(|e| f.filling.ditto(&slot, &e.answers))
        .map(str::to_string);
    let transcribing = f.transcribing();
    let Some(field) = f.page.field_mut() else {
        return Vec::new();
    };
    let Some(value) = copied else {
        field.error = Some(Problem::NoDitto);
        if transcribing {
            return transcribe::refuse(app, transcribe::Refused::Key);
        }
        return Vec::new();
    };
    *field = Field::showing(&f.filling, slot, Some(&value));
    if transcribing {
        transcribe::confirm_keyed(app)
    } else {
        confirm(f, &mut app.flash)
    }
}

/// The jump key: a prompt for a printed number opens in the status line.
pub(super) fn open_jump(f: &mut Fill) {
    f.jump = Some(JumpPrompt::default());
}

/// A key while the jump prompt is open: typed into it; Enter goes to the
/// question (what is typed in the field left is saved first, as any move
/// saves it), or says why not and, while transcribing, rings and holds
/// the keys after it; Esc closes the prompt.
pub(super) fn jump_key(app: &mut App, action: Action) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    let Some(prompt) = &mut f.jump else {
        return Vec::new();
    };
    match action {
        Action::Edit(ev) if question::edit(&mut prompt.editor, ev, false) => prompt.error = None,
        Action::Paste(text) => question::paste(&mut prompt.editor, &text, false),
        Action::Cmd(Cmd::Back) => f.jump = None,
        Action::Cmd(Cmd::Confirm) => {
            let typed = question::editor_text(&prompt.editor);
            let from = f.current_slot();
            match f.filling.jump_target(&typed, &from) {
                Ok(slot) => {
                    f.jump = None;
                    return leave(f, After::Goto(slot));
                }
                Err(why) => {
                    if let Some(prompt) = &mut f.jump {
                        prompt.error = Some(why);
                    }
                    if f.transcribing() {
                        return transcribe::refuse(app, transcribe::Refused::Key);
                    }
                }
            }
        }
        _ => {}
    }
    Vec::new()
}
