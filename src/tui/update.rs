//! update(state, action) -> effects. The one place where the interface changes.
//! No I/O here: writes are returned as effects, and their results come back as
//! `Action::Done`.
//!
//! A change the operator confirms is shown at once and written by its effect;
//! if the write fails, the effect's `Undo` takes it back, so the screen never
//! shows as saved what the store does not hold.

use super::action::{Action, After, Opened, Outcome, Undo};
use super::effect::Effect;
use super::i18n;
use super::keymap::Cmd;
use super::screens::lists::{Outline, OutlineRow, OutlineTarget, Review};
use super::screens::question::{self, Input, Page};
use super::screens::start::Start;
use super::state::{App, Confirm, Fill, Flash, OperatorScreen, Screen, View};
use crate::engine::{EndStamp, Filling, ScreenRef, Slot};
use crate::form::NodeId;
use crate::store::Status as RowStatus;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    if !matches!(action, Action::Done(_) | Action::Tick) {
        // A new step: the writes it causes start with no failure.
        app.batch_failed = false;
    }
    match action {
        Action::Resize { rows } => {
            app.rows = rows.max(1);
            Vec::new()
        }
        Action::Terminate => {
            app.terminating = true;
            quit(app)
        }
        Action::Done(outcome) => done(app, outcome),
        Action::Cmd(Cmd::Quit) => quit(app),
        Action::Cmd(Cmd::Help) => {
            app.help = Some(app.mode());
            app.help_scroll = 0;
            Vec::new()
        }
        _ if app.help.is_some() => {
            // Scrolled past the end is drawn at the end; kept near it.
            let most = app.help.map_or(0, |m| {
                crate::tui::keymap::bindings_here(m, app.in_repeat()).count() as u16 + 2
            });
            let s = app.help_scroll;
            match action {
                Action::Cmd(Cmd::Back) => app.help = None,
                Action::Cmd(Cmd::Up) => app.help_scroll = s.saturating_sub(1),
                Action::Cmd(Cmd::Down) => app.help_scroll = (s + 1).min(most),
                Action::Cmd(Cmd::PageUp) => app.help_scroll = s.saturating_sub(10),
                Action::Cmd(Cmd::PageDown) => app.help_scroll = (s + 10).min(most),
                _ => {}
            }
            Vec::new()
        }
        Action::Cmd(Cmd::ToggleLang) => {
            app.lang = app.lang.toggled();
            if let Screen::Fill(f) = &mut app.screen {
                set_form_language(f, app.lang.code());
            }
            Vec::new()
        }
        Action::Cmd(Cmd::FormLanguage) => {
            if let Screen::Fill(f) = &mut app.screen {
                let codes: Vec<String> = f
                    .filling
                    .form()
                    .languages
                    .iter()
                    .map(|l| l.code.clone())
                    .collect();
                let now = codes
                    .iter()
                    .position(|c| c == f.filling.language())
                    .unwrap_or(0);
                if let Some(next) = codes.get((now + 1) % codes.len().max(1)) {
                    set_form_language(f, next);
                }
            }
            Vec::new()
        }
        action => match &mut app.screen {
            Screen::Operator(_) => operator(app, action),
            Screen::Start(_) => start(app, action),
            Screen::Fill(_) => fill(app, action),
        },
    }
}

fn quit(app: &mut App) -> Vec<Effect> {
    if !app.quit_armed
        && let Screen::Fill(f) = &mut app.screen
    {
        let saves = save_typed(f, After::Quit);
        if !saves.is_empty() {
            app.quitting = true;
            return saves;
        }
    }
    app.quit = true;
    Vec::new()
}

fn operator(app: &mut App, action: Action) -> Vec<Effect> {
    let Screen::Operator(s) = &mut app.screen else {
        return Vec::new();
    };
    match action {
        Action::Edit(ev) => {
            question::edit(&mut s.editor, ev, false);
            s.error = false;
        }
        Action::Paste(text) => question::paste(&mut s.editor, &text, false),
        Action::Cmd(Cmd::Confirm) => {
            let name = question::editor_text(&s.editor).trim().to_string();
            if name.is_empty() {
                s.error = true;
            } else {
                return vec![Effect::SaveOperator(name)];
            }
        }
        Action::Cmd(Cmd::Back) if s.can_cancel => return to_start(app),
        _ => {}
    }
    Vec::new()
}

fn to_start(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Start(Start::default());
    vec![Effect::LoadStart { offsets: [0, 0] }]
}

fn start(app: &mut App, action: Action) -> Vec<Effect> {
    let lang = app.lang;
    let Screen::Start(s) = &mut app.screen else {
        return Vec::new();
    };
    let page = app.rows as isize;
    match action {
        Action::Cmd(Cmd::New) => {
            return vec![Effect::Create {
                language: lang.code().to_string(),
            }];
        }
        Action::Cmd(Cmd::Open) => {
            if let Some(row) = s.selected() {
                return vec![Effect::Open { id: row.id.clone() }];
            }
        }
        Action::Cmd(Cmd::Up) => s.move_by(-1),
        Action::Cmd(Cmd::Down) => s.move_by(1),
        Action::Cmd(Cmd::PageUp) => s.move_by(-page),
        Action::Cmd(Cmd::PageDown) => s.move_by(page),
        Action::Cmd(Cmd::Home) => s.move_by(isize::MIN / 2),
        Action::Cmd(Cmd::End) => s.move_by(isize::MAX / 2),
        Action::Cmd(Cmd::SwitchList) => s.switch(),
        Action::Tick => {
            return vec![Effect::Refresh {
                offsets: s.offsets(),
            }];
        }
        Action::Cmd(Cmd::NewVersion) => {
            let Some(row) = s.selected().filter(|r| r.status != RowStatus::Draft) else {
                return Vec::new();
            };
            match row.superseded_by.clone() {
                None => return vec![Effect::NewVersion { id: row.id.clone() }],
                Some(by) => {
                    app.flash = Some(Flash::Notice(format!(
                        "{}: {by}",
                        i18n::ALREADY_EDITED.get(lang)
                    )));
                }
            }
        }
        Action::Cmd(Cmd::ChangeOperator) => {
            app.screen = Screen::Operator(Box::new(OperatorScreen::new(app.operator.as_deref())));
        }
        _ => {}
    }
    // The cursor went past the rows read: read the page around it.
    if let Screen::Start(s) = &app.screen
        && let Some((pane, offset)) = s.page_needed(usize::from(app.rows))
    {
        return vec![Effect::LoadPane { pane, offset }];
    }
    Vec::new()
}

fn fill(app: &mut App, action: Action) -> Vec<Effect> {
    let page = app.rows as isize;
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    if let Some(confirm) = f.confirm.clone() {
        return match action {
            Action::Cmd(Cmd::Yes) => {
                f.confirm = None;
                match confirm {
                    Confirm::Finalize => finalize(f),
                    Confirm::RemoveInstance { repeat, parent, k } => {
                        remove_instance(f, repeat, &parent, k)
                    }
                }
            }
            Action::Cmd(Cmd::No) => {
                f.confirm = None;
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    match &mut f.view {
        View::Outline(o) => {
            match action {
                Action::Cmd(Cmd::Up) => o.move_by(&f.filling, -1),
                Action::Cmd(Cmd::Down) => o.move_by(&f.filling, 1),
                Action::Cmd(Cmd::PageUp) => o.move_by(&f.filling, -page),
                Action::Cmd(Cmd::PageDown) => o.move_by(&f.filling, page),
                Action::Cmd(Cmd::Home) => o.to_edge(&f.filling, false),
                Action::Cmd(Cmd::End) => o.to_edge(&f.filling, true),
                Action::Cmd(Cmd::Open) => match o.target(&f.filling) {
                    Some(OutlineTarget::Slot(slot)) => return navigate(f, After::Goto(slot)),
                    Some(OutlineTarget::Instance(slot)) => {
                        let screen = f.filling.next_screen(Some(&ScreenRef::Question(slot)));
                        return match screen {
                            Some(s) => navigate(f, After::Screen(s)),
                            None => Vec::new(),
                        };
                    }
                    Some(OutlineTarget::Add { repeat, parent }) => {
                        return add_instance(f, repeat, &parent);
                    }
                    None => {}
                },
                Action::Cmd(Cmd::RemoveInstance) if !f.read_only => {
                    if let Some(OutlineRow::Instance { slot, .. }) = o.rows.get(o.cursor)
                        && f.filling.form().node(slot.node).repeat_count.is_some()
                    {
                        app.flash = Some(Flash::Info(&i18n::COUNTED_REPEAT));
                    } else if let Some(OutlineRow::Instance { slot, .. }) = o.rows.get(o.cursor)
                        && let Some((&k, parent)) = slot.idx.split_last()
                    {
                        f.confirm = Some(Confirm::RemoveInstance {
                            repeat: slot.node,
                            parent: parent.to_vec(),
                            k,
                        });
                    }
                }
                Action::Cmd(Cmd::Back) => {
                    f.view = View::Question;
                }
                _ => {}
            }
            Vec::new()
        }
        View::Review(r) => {
            match action {
                Action::Cmd(Cmd::Up) => r.move_by(-1),
                Action::Cmd(Cmd::Down) => r.move_by(1),
                Action::Cmd(Cmd::PageUp) => r.move_by(-page),
                Action::Cmd(Cmd::PageDown) => r.move_by(page),
                Action::Cmd(Cmd::Home) => r.move_by(isize::MIN / 2),
                Action::Cmd(Cmd::End) => r.move_by(isize::MAX / 2),
                Action::Cmd(Cmd::Open) if !f.read_only => {
                    if let Some(target) = r.target().cloned() {
                        return navigate(f, After::Goto(target));
                    }
                }
                Action::Cmd(Cmd::Finalize) if !f.read_only => {
                    if f.filling.can_finalize() {
                        f.confirm = Some(Confirm::Finalize);
                    } else {
                        app.flash = Some(Flash::Info(&i18n::CANNOT_FINALIZE));
                    }
                }
                Action::Cmd(Cmd::NewVersion) if f.read_only && f.row.superseded_by.is_none() => {
                    return vec![Effect::NewVersion {
                        id: f.row.id.clone(),
                    }];
                }
                Action::Cmd(Cmd::Back) if f.read_only => return to_start(app),
                Action::Cmd(Cmd::Back) => {
                    f.view = View::Question;
                    if f.filling.screens().is_empty() {
                        return to_start(app);
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        View::Question => question_action(app, action, page),
    }
}

fn question_action(app: &mut App, action: Action, page: isize) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    let editable = !f.read_only;
    match action {
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
                    Input::Note => {}
                }
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
                    Input::Note => {}
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
                let mut effects = save_typed(f, After::Stay);
                effects.extend(add_instance(f, repeat, &parent));
                return effects;
            }
        }
        Action::Cmd(Cmd::RemoveInstance) => {
            if let Some((repeat, parent, k)) = innermost_instance(f)
                && !f.read_only
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
fn set_form_language(f: &mut Fill, code: &str) {
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

/// Enter: checks the focused answer; a refused one shows its error in place,
/// an accepted one is saved and the focus moves on.
fn confirm(f: &mut Fill, flash: &mut Option<Flash>) -> Vec<Effect> {
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
    if matches!(field.input, Input::Note) || f.read_only || f.filling.is_read_only(&field.slot) {
        return navigate(f, After::NextField);
    }
    let slot = field.slot.clone();
    let value = field.value(&f.filling);
    match f.filling.check(&slot, &value) {
        Err(problem) => {
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
        Ok(canon) => vec![save(f, slot, canon, After::NextField)],
    }
}

/// Leaving a page without confirming keeps what was typed: every changed
/// field is saved as it stands (an invalid value shows as an error in the
/// outline and review).
fn leave(f: &mut Fill, then: After) -> Vec<Effect> {
    let saves = save_typed(f, then.clone());
    if saves.is_empty() {
        navigate(f, then)
    } else {
        saves
    }
}

/// Saves of what is typed on the page and differs from what is stored; the
/// last one carries `then`.
fn save_typed(f: &mut Fill, then: After) -> Vec<Effect> {
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
    let n = dirty.len();
    dirty
        .into_iter()
        .enumerate()
        .map(|(i, (slot, value))| {
            let step = if i + 1 == n {
                then.clone()
            } else {
                After::Stay
            };
            save(f, slot, value, step)
        })
        .collect()
}

/// Applies an answer on screen and returns its write, which carries the way
/// back should it fail.
fn save(f: &mut Fill, slot: Slot, value: Option<String>, then: After) -> Effect {
    let previous = f.filling.answer(&slot).map(str::to_string);
    f.filling.set_answer(&slot, value.clone());
    // The answer made instances (repeat_count), with their defaults: all of
    // that must be written, not this answer alone.
    f.unsaved_structure |= f.filling.take_structure_change();
    if let Some(field) = f.page.fields.iter_mut().find(|q| q.slot == slot) {
        field.stored = f.filling.answer(&slot).map(str::to_string);
        field.error = None;
    }
    let position = target_screen(f, &then).or_else(|| Some(f.screen().clone()));
    f.pending += 1;
    let undo = Undo::Answer(slot.clone(), previous);
    let summary = f.filling.summary(position.as_ref());
    if f.unsaved_structure {
        return Effect::ReplaceAnswers {
            id: f.row.id.clone(),
            answers: f.filling.stored_answers(),
            summary,
            then,
            undo,
        };
    }
    Effect::SaveAnswer {
        id: f.row.id.clone(),
        path: f.filling.slot_path(&slot),
        value,
        summary,
        then,
        undo,
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

/// Adds an instance at the end of a repeat and opens its first screen.
fn add_instance(f: &mut Fill, repeat: NodeId, parent: &[u32]) -> Vec<Effect> {
    if f.read_only {
        return Vec::new();
    }
    let before = Box::new(f.filling.clone());
    let Some(idx) = f.filling.add_instance(repeat, parent) else {
        return Vec::new();
    };
    let first = f
        .filling
        .next_screen(Some(&ScreenRef::Question(Slot::new(repeat, idx))));
    structural_write(f, before, first, After::Next)
}

fn remove_instance(f: &mut Fill, repeat: NodeId, parent: &[u32], k: u32) -> Vec<Effect> {
    let before = Box::new(f.filling.clone());
    let here = f.screen().clone();
    f.filling.remove_instance(repeat, parent, k);
    let position = if f.filling.is_screen(&here) {
        Some(here)
    } else {
        let mut idx = parent.to_vec();
        idx.push(k.saturating_sub(1));
        f.filling
            .next_screen(Some(&ScreenRef::Question(Slot::new(repeat, idx))))
            .or_else(|| f.filling.next_screen(None))
    };
    structural_write(f, before, position, After::Review)
}

/// The write of an instance added or removed: every answer at once, then
/// `position` (or `otherwise` when there is none); `before` puts the
/// response back if the write fails.
fn structural_write(
    f: &mut Fill,
    before: Box<Filling>,
    position: Option<ScreenRef>,
    otherwise: After,
) -> Vec<Effect> {
    let then = position.clone().map_or(otherwise, After::Screen);
    f.pending += 1;
    vec![Effect::ReplaceAnswers {
        id: f.row.id.clone(),
        answers: f.filling.stored_answers(),
        summary: f.filling.summary(position.as_ref()),
        then,
        undo: Undo::Snapshot(before),
    }]
}

fn finalize(f: &mut Fill) -> Vec<Effect> {
    let answers = f.filling.stamp_end(EndStamp::Now);
    let summary = f.filling.summary(Some(&f.page.screen));
    vec![Effect::Finalize {
        id: f.row.id.clone(),
        summary,
        language: f.filling.language().to_string(),
        answers,
    }]
}

/// Moves after a write (or when nothing needed writing). Returns the
/// position write when the screen changes.
fn navigate(f: &mut Fill, then: After) -> Vec<Effect> {
    let here = f.screen().clone();
    let (screen, focus) = match then {
        After::Stay | After::Start | After::Quit => return Vec::new(),
        After::NextField if next_field_on_page(f) => return Vec::new(),
        After::Next | After::NextField => match f.filling.next_screen(Some(&here)) {
            Some(s) => (s, None),
            None => {
                f.view = View::Review(Review::new(&f.filling, false));
                return Vec::new();
            }
        },
        After::Prev => (f.filling.prev_screen(&here).unwrap_or(here.clone()), None),
        After::Goto(slot) => (f.filling.screen_of(&slot), Some(slot)),
        After::Screen(s) => (s, None),
        After::Outline => {
            f.view = View::Outline(Outline::new(&f.filling, &f.current_slot()));
            return Vec::new();
        }
        After::Review => {
            f.view = View::Review(Review::new(&f.filling, false));
            return Vec::new();
        }
    };
    f.page = match &focus {
        Some(slot) => Page::focused_on(&f.filling, screen.clone(), slot),
        None => Page::new(&f.filling, screen.clone()),
    };
    f.view = View::Question;
    if screen == here {
        return Vec::new();
    }
    vec![Effect::SavePosition {
        id: f.row.id.clone(),
        path: f.filling.screen_path(&screen),
    }]
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

/// Rebuilds the page's fields from the response, keeping the fields (and what
/// is typed in them) that are still there.
fn refresh_page(f: &mut Fill) {
    let mut old = std::mem::take(&mut f.page.fields);
    f.page.fields = f
        .filling
        .fields(&f.page.screen)
        .into_iter()
        .map(|slot| match old.iter().position(|q| q.slot == slot) {
            Some(i) => old.swap_remove(i),
            None => question::Field::new(&f.filling, slot),
        })
        .collect();
    f.page.focus = f.page.focus.min(f.page.fields.len().saturating_sub(1));
}

fn done(app: &mut App, outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::OperatorSaved(name) => {
            app.operator = Some(name);
            to_start(app)
        }
        Outcome::StartLoaded { counts, panes } => {
            if let Screen::Start(s) = &mut app.screen {
                s.load(counts, *panes);
            }
            Vec::new()
        }
        Outcome::PaneLoaded { pane, window } => {
            if let Screen::Start(s) = &mut app.screen {
                s.load_pane(pane, window);
            }
            Vec::new()
        }
        Outcome::Unchanged => Vec::new(),
        Outcome::Opened(opened) => open(app, *opened),
        Outcome::Saved { then, all } => {
            let Screen::Fill(f) = &mut app.screen else {
                return Vec::new();
            };
            f.pending = f.pending.saturating_sub(1);
            if all {
                f.unsaved_structure = false;
            }
            if app.batch_failed {
                // An earlier write of the same step failed: stay, and let its
                // error stand (no quitting or moving on past it).
                return Vec::new();
            }
            app.quit_armed = false;
            f.save_error = None;
            let name = match f.page.field() {
                Some(field) => f.filling.form().node(field.slot.node).name.clone(),
                None => f.filling.form().node(f.screen().node()).name.clone(),
            };
            app.flash = Some(Flash::Saved {
                name,
                at: jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string(),
            });
            match then {
                After::Quit => {
                    app.quit = true;
                    app.quitting = false;
                    Vec::new()
                }
                After::Start => to_start(app),
                then => {
                    // The position went with the write; no separate one.
                    let mut effects = navigate(f, then);
                    effects.retain(|e| !matches!(e, Effect::SavePosition { .. }));
                    effects
                }
            }
        }
        Outcome::PositionSaved => Vec::new(),
        Outcome::Finalized => {
            let effects = to_start(app);
            app.flash = Some(Flash::Info(&i18n::FINALIZED));
            effects
        }
        Outcome::Failed { error, undo } => {
            if let Screen::Fill(f) = &mut app.screen {
                f.save_error = Some(error.clone());
                f.pending = f.pending.saturating_sub(1);
                match undo {
                    Some(Undo::Answer(slot, previous)) => {
                        // The answer on screen stays as typed; the response
                        // goes back to what the store holds.
                        f.filling.set_answer(&slot, previous.clone());
                        if let Some(field) = f.page.fields.iter_mut().find(|q| q.slot == slot) {
                            field.stored = previous;
                        }
                    }
                    Some(Undo::Snapshot(before)) => {
                        f.filling = *before;
                        let here = f.page.screen.clone();
                        if !f.filling.is_screen(&here) {
                            f.page =
                                Page::new(&f.filling, f.filling.next_screen(None).unwrap_or(here));
                        }
                    }
                    None => {}
                }
            }
            app.batch_failed = true;
            // Asked to leave and the save failed: say so, and let a second
            // Ctrl+C leave anyway. A system signal leaves at once.
            app.quit_armed = std::mem::take(&mut app.quitting);
            app.quit = app.terminating;
            app.flash = Some(Flash::Error(error));
            Vec::new()
        }
    }
}

fn open(app: &mut App, opened: Opened) -> Vec<Effect> {
    let Opened { row, mut filling } = opened;
    if filling.form().screens.is_empty() {
        // A questionnaire with nothing to show (an older rileva let one be
        // started): there is no screen to open it on.
        let effects = to_start(app);
        app.flash = Some(Flash::Info(&i18n::NOTHING_TO_FILL));
        return effects;
    }
    filling.set_language(app.lang.code());
    let unsaved_structure = filling.take_structure_change();
    let read_only = row.status != RowStatus::Draft;
    let current = row
        .position
        .as_deref()
        .and_then(|p| filling.screen_at(p))
        .or_else(|| filling.next_screen(None));
    let view = if read_only || current.is_none() {
        View::Review(Review::new(&filling, read_only))
    } else {
        View::Question
    };
    let screen = current.unwrap_or_else(|| {
        // No screen applies: show the review; the page is only a placeholder
        // (the form has screens: see above).
        ScreenRef::Question(Slot::root(
            filling.form().screens.first().copied().unwrap_or_default(),
        ))
    });
    let page = Page::new(&filling, screen);
    app.screen = Screen::Fill(Box::new(Fill {
        row,
        filling,
        page,
        view,
        confirm: None,
        read_only,
        save_error: None,
        pending: 0,
        unsaved_structure,
    }));
    Vec::new()
}
