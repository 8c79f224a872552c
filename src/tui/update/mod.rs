//! update(state, action) -> effects. The one place where the interface changes.
//! No I/O here: writes are returned as effects, and their results come back as
//! `Action::Done`.
//!
//! A change the operator confirms is shown at once and written by its effect;
//! if the write fails, the effect's `Undo` takes it back, so the screen never
//! shows as saved what the store does not hold.

mod attach;
mod catalogue;
mod keying;
mod navigate;
mod outcomes;
mod question;
mod reconcile;
mod transcribe;
mod writes;

use super::action::{Action, After};
use super::effect::Effect;
use super::i18n;
use super::keymap::Cmd;
use super::screens::lists::{OutlineRow, OutlineTarget};
use super::screens::start::Start;
use super::state::{App, Confirm, Flash, Leaving, OperatorScreen, Screen, Task, View};
use crate::engine::ScreenRef;
use crate::store::{AuditEvent, Status as RowStatus};
use navigate::navigate;
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
        Action::Done(outcome) => outcomes::done(app, outcome),
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
            // The catalogue's cards are in the interface's language.
            if let Screen::Catalogue(c) = &app.screen
                && c.card.is_none()
            {
                return catalogue::open(app);
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
            Screen::Reconcile(_) => reconcile::key(app, action),
            Screen::Catalogue(_) => catalogue::key(app, action),
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
        Action::Cmd(Cmd::Confirm) if matches!(s.task, Task::Server | Task::Password) => {
            return send_prompted(app);
        }
        Action::Cmd(Cmd::Confirm) => {
            let mut name = crate::tui::screens::question::editor_text(&s.editor)
                .trim()
                .to_string();
            // Reconciling, Enter alone takes the first paper waiting.
            if name.is_empty() && s.task == Task::Reconcile {
                name = s.waiting.first().cloned().unwrap_or_default();
            }
            let language = app.lang.code().to_string();
            if name.is_empty() {
                s.error = true;
            } else {
                return vec![match s.task {
                    Task::Paper => Effect::Create {
                        language,
                        paper: Some(name),
                    },
                    Task::Verify => Effect::Verify {
                        paper: name,
                        language,
                    },
                    Task::Reconcile => Effect::Reconcile { paper: name },
                    Task::Operator => Effect::SaveOperator(name),
                    Task::Server | Task::Password => return send_prompted(app),
                }];
            }
        }
        Action::Cmd(Cmd::Back) if s.can_cancel => return to_start(app),
        _ => {}
    }
    Vec::new()
}

/// Enter on the prompt for a send's server or password: the send goes
/// on with what was typed, from the start screen.
fn send_prompted(app: &mut App) -> Vec<Effect> {
    let Screen::Operator(s) = &mut app.screen else {
        return Vec::new();
    };
    let typed = crate::tui::screens::question::editor_text(&s.editor);
    let effect = match (&s.task, &s.send) {
        (Task::Password, Some(to)) if !typed.is_empty() => Effect::Send {
            server: Some(to.server.clone()),
            password: Some(crate::app::send::Secret(typed)),
            fresh: true,
        },
        (Task::Server, _) => match chosen(&s.waiting, typed.trim()) {
            Some(name) => Effect::Send {
                server: Some(name),
                password: None,
                fresh: app.send_refused.is_some(),
            },
            None => {
                s.error = true;
                return Vec::new();
            }
        },
        _ => {
            s.error = true;
            return Vec::new();
        }
    };
    let busy = app.job.is_some();
    let mut effects = to_start(app);
    match busy {
        true => app.flash = Some(Flash::Info(&i18n::JOB_BUSY)),
        false => effects.push(effect),
    }
    effects
}

/// The server a prompt's answer names: by name, by its number in the list,
/// or (nothing typed) the first.
fn chosen(servers: &[String], typed: &str) -> Option<String> {
    if typed.is_empty() {
        return servers.first().cloned();
    }
    if let Some(found) = servers.iter().find(|s| s.as_str() == typed) {
        return Some(found.clone());
    }
    let n: usize = typed.parse().ok()?;
    servers.get(n.checked_sub(1)?).cloned()
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
        Action::Cmd(Cmd::Verify) => return ask_paper(app, Task::Verify),
        Action::Cmd(Cmd::New) if app.keying.verify => return ask_paper(app, Task::Verify),
        Action::Cmd(Cmd::Reconcile) => return ask_paper(app, Task::Reconcile),
        Action::Cmd(Cmd::Catalogue) => return catalogue::open(app),
        Action::Cmd(Cmd::Send) => {
            if app.job.is_some() {
                app.flash = Some(Flash::Info(&i18n::JOB_BUSY));
                return Vec::new();
            }
            return vec![Effect::Send {
                server: None,
                password: None,
                fresh: app.send_refused.is_some(),
            }];
        }
        Action::Cmd(Cmd::New) if !app.keying.transcribe => {
            return vec![Effect::Create {
                language: lang.code().to_string(),
                paper: None,
            }];
        }
        Action::Cmd(Cmd::New | Cmd::NewTranscription) => {
            app.screen = Screen::Operator(Box::new(OperatorScreen::paper(Task::Paper)));
            return Vec::new();
        }
        Action::Cmd(Cmd::Open) => {
            if let Some(row) = s.selected() {
                if row.hidden_from(app.operator.as_deref()) {
                    app.flash = Some(Flash::Info(&i18n::BLIND_ENTRY));
                    return Vec::new();
                }
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
            if app.job.is_some_and(|j| j.sending) {
                app.flash = Some(Flash::Info(&i18n::JOB_BUSY));
                return Vec::new();
            }
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

/// The prompt for a paper's number, and the papers waiting for the task.
pub fn ask_paper(app: &mut App, task: Task) -> Vec<Effect> {
    app.screen = Screen::Operator(Box::new(OperatorScreen::paper(task)));
    vec![Effect::Waiting(task)]
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
    if f.jump.is_some() && f.held.is_none() {
        return keying::jump_key(app, action);
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
                    Some(OutlineTarget::Instance(slot)) if f.filling.sections() => {
                        // Keyed from paper, an entry is a block of its
                        // section's page.
                        let target = f.filling.first_field_of_entry(&slot);
                        return match target {
                            Some(s) => navigate(f, After::Goto(s)),
                            None => navigate(f, After::Screen(f.filling.screen_of(&slot))),
                        };
                    }
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
