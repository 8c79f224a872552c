//! update(state, action) -> effects. The one place where the interface changes.
//! No I/O here: writes are returned as effects, and their results come back as
//! `Action::Done`.
//!
//! A change the operator confirms is shown at once and written by its effect;
//! if the write fails, the effect's `Undo` takes it back, so the screen never
//! shows as saved what the store does not hold.

mod navigate;
mod question;
mod transcribe;
mod writes;

use super::action::{Action, After, Opened, Outcome, Undo};
use super::effect::Effect;
use super::i18n;
use super::keymap::Cmd;
use super::screens::lists::{OutlineRow, OutlineTarget, Review};
use super::screens::question::Page;
use super::screens::start::Start;
use super::state::{App, Confirm, Fill, Flash, Leaving, OperatorScreen, Screen, View};
use crate::engine::{ScreenRef, Slot};
use crate::store::{AuditEvent, Status as RowStatus};
use navigate::{go, navigate};
use question::{question_action, set_form_language};
use writes::{add_instance, batch, finalize, remove_instance, save_typed};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    if matches!(
        action,
        Action::Cmd(_)
            | Action::Pick(_)
            | Action::Edit(_)
            | Action::Paste(_)
            | Action::HeldBack
            | Action::Rekey(_)
    ) {
        app.session.keys += 1;
    }
    let effects = step(app, action);
    // What the step did that the audit log records, noted before its writes
    // so that it goes into the same transaction.
    match &mut app.screen {
        Screen::Fill(f) if !f.noted.is_empty() => {
            let mut all: Vec<Effect> = f.noted.drain(..).map(Effect::Audit).collect();
            all.extend(effects);
            all
        }
        _ => effects,
    }
}

fn step(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Resize { rows } => {
            app.rows = rows.max(1);
            Vec::new()
        }
        Action::Terminate => {
            app.leaving = Leaving::Terminating;
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

/// Ctrl+C (or a signal): what is typed is saved first, then rileva leaves.
/// After a save that failed, a second Ctrl+C leaves anyway.
fn quit(app: &mut App) -> Vec<Effect> {
    if let Screen::Fill(f) = &mut app.screen
        && app.leaving == Leaving::No
    {
        f.noted.push(AuditEvent::new(&f.row.id, "form exit", None));
    }
    if app.leaving != Leaving::Armed
        && let Screen::Fill(f) = &mut app.screen
    {
        let saves = save_typed(f, &After::Quit);
        if !saves.is_empty() {
            if app.leaving != Leaving::Terminating {
                app.leaving = Leaving::Saving;
            }
            return batch(f, saves, After::Quit);
        }
    }
    app.leaving = Leaving::Now;
    Vec::new()
}

fn operator(app: &mut App, action: Action) -> Vec<Effect> {
    let Screen::Operator(s) = &mut app.screen else {
        return Vec::new();
    };
    match action {
        Action::Edit(ev) => {
            crate::tui::screens::question::edit(&mut s.editor, ev, false);
            s.error = false;
        }
        Action::Paste(text) => crate::tui::screens::question::paste(&mut s.editor, &text, false),
        Action::Cmd(Cmd::Confirm) => {
            let name = crate::tui::screens::question::editor_text(&s.editor)
                .trim()
                .to_string();
            if name.is_empty() {
                s.error = true;
            } else if s.paper {
                return vec![Effect::Create {
                    language: app.lang.code().to_string(),
                    paper: Some(name),
                }];
            } else {
                return vec![Effect::SaveOperator(name)];
            }
        }
        Action::Cmd(Cmd::Back) if s.can_cancel => return to_start(app),
        _ => {}
    }
    Vec::new()
}

/// The start screen read again where it is (its counts changed).
fn reload_start(app: &App) -> Vec<Effect> {
    match &app.screen {
        Screen::Start(s) => vec![Effect::LoadStart {
            offsets: s.offsets(),
        }],
        _ => Vec::new(),
    }
}

pub(super) fn to_start(app: &mut App) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Screen::Fill(f) = &mut app.screen {
        app.session.fields += f.fields;
        app.session.corrections += f.corrections;
        effects.extend(f.noted.drain(..).map(Effect::Audit));
        effects.push(Effect::Audit(AuditEvent::new(&f.row.id, "form exit", None)));
    }
    app.screen = Screen::Start(Start::default());
    effects.push(Effect::LoadStart { offsets: [0, 0] });
    effects
}

fn start(app: &mut App, action: Action) -> Vec<Effect> {
    let lang = app.lang;
    let Screen::Start(s) = &mut app.screen else {
        return Vec::new();
    };
    let page = app.rows as isize;
    match action {
        Action::Cmd(Cmd::New) if !app.keying.transcribe => {
            return vec![Effect::Create {
                language: lang.code().to_string(),
                paper: None,
            }];
        }
        Action::Cmd(Cmd::New | Cmd::NewTranscription) => {
            app.screen = Screen::Operator(Box::new(OperatorScreen::paper()));
            return Vec::new();
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
        Action::Cmd(Cmd::Export) => {
            if app.job.is_some() {
                app.flash = Some(Flash::Info(&i18n::EXPORT_BUSY));
                return Vec::new();
            }
            return vec![Effect::Export];
        }
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
        Outcome::JobStarted => {
            app.job = Some(crate::tui::state::Progress::default());
            // What was said before is old news beside the progress.
            app.flash = None;
            Vec::new()
        }
        Outcome::JobProgress { done, total } => {
            app.job = Some(crate::tui::state::Progress { done, total });
            Vec::new()
        }
        Outcome::Exported {
            written,
            unreadable,
            read_only,
            dir,
        } => {
            app.job = None;
            app.flash = Some(Flash::Exported {
                written,
                unreadable,
                read_only,
                dir,
            });
            reload_start(app)
        }
        Outcome::JobFailed(error) => {
            app.job = None;
            app.flash = Some(Flash::Error(error));
            reload_start(app)
        }
        Outcome::Opened(opened) => open(app, *opened),
        Outcome::Saved { all } => saved(app, all),
        Outcome::PositionSaved | Outcome::Noted => Vec::new(),
        Outcome::Finalized => {
            let effects = to_start(app);
            app.flash = Some(Flash::Info(&i18n::FINALIZED));
            effects
        }
        Outcome::Failed { error, undo } => {
            failed(app, error, undo);
            Vec::new()
        }
    }
}

/// A write of the step committed; the last one makes the step's move.
fn saved(app: &mut App, all: bool) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    if all {
        f.unsaved_structure = false;
    }
    let Some(b) = f.batch.as_mut() else {
        return Vec::new();
    };
    b.pending = b.pending.saturating_sub(1);
    if b.pending > 0 {
        return Vec::new();
    }
    let Some(b) = f.batch.take() else {
        return Vec::new();
    };
    if b.failed {
        // An earlier write of the step failed: stay, and let its error stand
        // (no quitting or moving on past it).
        return Vec::new();
    }
    if app.leaving == Leaving::Armed {
        app.leaving = Leaving::No;
    }
    f.save_error = None;
    let name = match f.page.field() {
        Some(field) => f.filling.form().node(field.slot.node).name.clone(),
        None => f.filling.form().node(f.screen().node()).name.clone(),
    };
    app.flash = Some(Flash::Saved {
        name,
        at: jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string(),
    });
    match b.then {
        After::Quit => {
            app.leaving = Leaving::Now;
            Vec::new()
        }
        After::Start => to_start(app),
        then => {
            // The position went with the writes.
            go(f, then);
            Vec::new()
        }
    }
}

/// A write failed: nothing changed in the database, so what it showed is
/// taken back; the step stops there.
fn failed(app: &mut App, error: super::action::Failure, undo: Option<Undo>) {
    if let Screen::Fill(f) = &mut app.screen {
        f.save_error = Some(error.clone());
        if let Some(b) = f.batch.as_mut() {
            b.failed = true;
            b.pending = b.pending.saturating_sub(1);
            if b.pending == 0 {
                f.batch = None;
            }
        }
        match undo {
            Some(Undo::Answer(slot, previous)) => {
                // The answer on screen stays as typed; the response goes
                // back to what the store holds.
                f.filling.set_answer(&slot, previous.clone());
                if let Some(field) = f.page.fields.iter_mut().find(|q| q.slot == slot) {
                    field.stored = previous;
                }
            }
            Some(Undo::Snapshot(before)) => {
                f.filling = *before;
                let here = f.page.screen.clone();
                if !f.filling.is_screen(&here) {
                    f.page = Page::new(&f.filling, f.filling.next_screen(None).unwrap_or(here));
                }
            }
            None => {}
        }
    }
    // Asked to leave and the save failed: say so, and let a second Ctrl+C
    // leave anyway. A system signal leaves at once.
    app.leaving = match app.leaving {
        Leaving::Saving => Leaving::Armed,
        Leaving::Terminating => Leaving::Now,
        other => other,
    };
    app.flash = Some(Flash::Error(error));
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
    // Keyed from paper: the transcription layout, whoever opens it.
    filling.set_sections(row.paper_id.is_some());
    app.session.responses += 1;
    app.session.transcribed |= row.paper_id.is_some();
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
    let mut page = Page::new(&filling, screen);
    // A paper's page resumes on its first field not yet answered.
    if filling.sections() {
        page.focus = page
            .fields
            .iter()
            .position(|q| q.stored.is_none() && q.input_takes_answer())
            .unwrap_or(0);
    }
    let mut noted = Vec::new();
    if matches!(view, View::Question) {
        // A draft changed since it was started is resumed (the store
        // recorded its start).
        if row.created_at != row.updated_at {
            noted.push(AuditEvent::new(&row.id, "form resume", None));
        }
        let shown = match &page.screen {
            ScreenRef::Group(_) => "group questions",
            _ => "question",
        };
        noted.push(AuditEvent::new(
            &row.id,
            shown,
            Some(filling.screen_path(&page.screen)),
        ));
    }
    app.screen = Screen::Fill(Box::new(Fill {
        row,
        filling,
        page,
        view,
        confirm: None,
        read_only,
        save_error: None,
        batch: None,
        unsaved_structure,
        held: None,
        noted,
        fields: 0,
        corrections: 0,
    }));
    Vec::new()
}
