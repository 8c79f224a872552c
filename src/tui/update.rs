//! update(state, action) -> effects. The one place where the interface changes.
//! No I/O here: writes are returned as effects, and their results come back as
//! `Action::Done`.

use super::action::{Action, After, Opened, Outcome};
use super::effect::Effect;
use super::i18n;
use super::keymap::Cmd;
use super::screens::lists::{Outline, Review, Start};
use super::screens::question::{self, Input, Question};
use super::state::{App, Fill, Flash, OperatorScreen, Screen, View};
use crate::engine::{Filling, canonical};
use crate::form::NodeId;
use crate::store::{Status as RowStatus, Summary};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
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
            Vec::new()
        }
        _ if app.help.is_some() => {
            if action == Action::Cmd(Cmd::Back) {
                app.help = None;
            }
            Vec::new()
        }
        Action::Cmd(Cmd::ToggleLang) => {
            app.lang = app.lang.toggled();
            if let Screen::Fill(f) = &mut app.screen {
                f.filling.set_language(app.lang.code());
                if let Input::Choices(c) = &mut f.question.input {
                    c.lang_index = f.filling.form().language_index(f.filling.language());
                    c.refilter(&f.filling, f.question.node);
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
        && let Screen::Fill(f) = &app.screen
        && let Some(save) = save_typed(f, After::Quit)
    {
        app.quitting = true;
        return vec![save];
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
    vec![Effect::LoadStart]
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
        Action::Cmd(Cmd::ChangeOperator) => {
            app.screen = Screen::Operator(Box::new(OperatorScreen::new(app.operator.as_deref())));
        }
        _ => {}
    }
    Vec::new()
}

fn fill(app: &mut App, action: Action) -> Vec<Effect> {
    let page = app.rows as isize;
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    if f.confirm_finalize {
        return match action {
            Action::Cmd(Cmd::Yes) => {
                f.confirm_finalize = false;
                let summary = summary(&f.filling, Some(f.current()));
                vec![Effect::Finalize {
                    id: f.row.id.clone(),
                    summary,
                    language: f.filling.language().to_string(),
                }]
            }
            Action::Cmd(Cmd::No) => {
                f.confirm_finalize = false;
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
                Action::Cmd(Cmd::Open) => {
                    if let Some(target) = o.target(&f.filling) {
                        return go(f, target);
                    }
                }
                Action::Cmd(Cmd::Back) => {
                    let current = f.current();
                    return go(f, current);
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
                    if let Some(target) = r.target() {
                        return go(f, target);
                    }
                }
                Action::Cmd(Cmd::Finalize) if !f.read_only => {
                    if f.filling.can_finalize() {
                        f.confirm_finalize = true;
                    } else {
                        app.flash = Some(Flash::Info(&i18n::CANNOT_FINALIZE));
                    }
                }
                Action::Cmd(Cmd::Back) if f.read_only => return to_start(app),
                Action::Cmd(Cmd::Back) => {
                    let current = f.current();
                    return go(f, current);
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
    let node = f.question.node;
    match action {
        Action::Edit(ev) => match &mut f.question.input {
            Input::Text { editor, multiline } => {
                if question::edit(editor, ev, *multiline) {
                    f.question.error = None;
                }
            }
            Input::Choices(c) => {
                if let Some(filter) = &mut c.filter
                    && question::edit(filter, ev, false)
                {
                    c.refilter(&f.filling, node);
                }
            }
            Input::Note => {}
        },
        Action::Paste(text) => match &mut f.question.input {
            Input::Text { editor, multiline } => question::paste(editor, &text, *multiline),
            Input::Choices(c) => {
                if let Some(filter) = &mut c.filter {
                    question::paste(filter, &text, false);
                    c.refilter(&f.filling, node);
                }
            }
            Input::Note => {}
        },
        Action::Cmd(Cmd::NewLine) => {
            if let Input::Text {
                editor,
                multiline: true,
            } = &mut f.question.input
            {
                editor.insert_newline();
            }
        }
        Action::Pick(ch) => {
            if let Input::Choices(c) = &mut f.question.input
                && c.pick(ch)
            {
                f.question.error = None;
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
            if let Input::Choices(c) = &mut f.question.input {
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
                f.question.error = None;
            }
        }
        Action::Cmd(Cmd::Confirm) => return confirm(f, &mut app.flash),
        Action::Cmd(Cmd::Prev) => return leave(f, After::Prev),
        Action::Cmd(Cmd::Skip) => return leave(f, After::Next),
        Action::Cmd(Cmd::Outline) => return leave(f, After::Outline),
        Action::Cmd(Cmd::Review) => return leave(f, After::Review),
        Action::Cmd(Cmd::Back) => {
            let effects = leave(f, After::Start);
            if effects
                .iter()
                .any(|e| matches!(e, Effect::SaveAnswer { .. }))
            {
                return effects;
            }
            app.flash = Some(Flash::Info(&i18n::DRAFT_SAVED_LEFT));
            return to_start(app);
        }
        _ => {}
    }
    Vec::new()
}

/// Enter: checks the answer; a refused one shows its error in place, an
/// accepted one is saved (and only then the screen moves on).
fn confirm(f: &mut Fill, flash: &mut Option<Flash>) -> Vec<Effect> {
    let node = f.question.node;
    if let Input::Choices(c) = &f.question.input
        && let Some(filter) = &c.filter
        && c.shown.is_empty()
        && !question::editor_text(filter).trim().is_empty()
    {
        *flash = Some(Flash::Info(&i18n::NO_MATCH));
        return Vec::new();
    }
    if matches!(f.question.input, Input::Note) {
        return navigate(f, After::Next);
    }
    let value = f.question.value(&f.filling);
    match f.filling.check(node, &value) {
        Err(problem) => {
            f.question.error = Some(problem);
            Vec::new()
        }
        Ok(canon) if canon == f.question.stored => {
            f.question.error = None;
            navigate(f, After::Next)
        }
        Ok(canon) => vec![save(f, canon, After::Next)],
    }
}

/// Leaving a question without confirming keeps what was typed: it is saved
/// as it stands (an invalid value shows as an error in the outline and review).
fn leave(f: &mut Fill, then: After) -> Vec<Effect> {
    match save_typed(f, then) {
        Some(e) => vec![e],
        None => navigate(f, then),
    }
}

/// The save of what is typed on the current question, if it differs from what
/// is stored.
fn save_typed(f: &Fill, then: After) -> Option<Effect> {
    if f.read_only || !matches!(f.view, View::Question) || !f.question.dirty(&f.filling) {
        return None;
    }
    let node = f.question.node;
    let kind = f.filling.form().node(node).kind;
    let raw = f.question.value(&f.filling);
    let raw = raw.trim();
    let value = if raw.is_empty() {
        None
    } else {
        Some(canonical(kind, raw).unwrap_or_else(|_| raw.to_string()))
    };
    Some(save(f, value, then))
}

fn save(f: &Fill, value: Option<String>, then: After) -> Effect {
    let node = f.question.node;
    let mut after = f.filling.clone();
    after.set_answer(node, value.clone());
    let position = match then {
        After::Next => after.next_screen(Some(node)).or(Some(node)),
        After::Prev => after.prev_screen(node).or(Some(node)),
        After::Goto(n) => Some(n),
        _ => Some(node),
    };
    Effect::SaveAnswer {
        id: f.row.id.clone(),
        node,
        path: f.filling.form().node(node).path.clone(),
        value,
        summary: summary(&after, position),
        then,
    }
}

pub fn summary(filling: &Filling, position: Option<NodeId>) -> Summary {
    let (answered, relevant) = filling.progress();
    Summary {
        instance_name: filling.instance_name(),
        answered: answered as i64,
        relevant: relevant as i64,
        position: position.map(|n| filling.form().node(n).path.clone()),
    }
}

/// Moves to a question from outline or review.
fn go(f: &mut Fill, target: NodeId) -> Vec<Effect> {
    navigate(f, After::Goto(target))
}

/// Moves after a save (or when nothing needed saving). Returns the position
/// write when the question changes.
fn navigate(f: &mut Fill, then: After) -> Vec<Effect> {
    let from = f.current();
    let target = match then {
        After::Next => match f.filling.next_screen(Some(from)) {
            Some(n) => Some(n),
            None => {
                f.view = View::Review(Review::new(&f.filling, false));
                return Vec::new();
            }
        },
        After::Prev => Some(f.filling.prev_screen(from).unwrap_or(from)),
        After::Goto(n) => Some(n),
        After::Outline => {
            f.view = View::Outline(Outline::new(&f.filling, from));
            None
        }
        After::Review => {
            f.view = View::Review(Review::new(&f.filling, false));
            None
        }
        After::Start | After::Quit => None,
    };
    let Some(target) = target else {
        return Vec::new();
    };
    f.question = Question::new(&f.filling, target);
    f.view = View::Question;
    if target == from {
        return Vec::new();
    }
    vec![Effect::SavePosition {
        id: f.row.id.clone(),
        path: f.filling.form().node(target).path.clone(),
    }]
}

fn done(app: &mut App, outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::OperatorSaved(name) => {
            app.operator = Some(name);
            to_start(app)
        }
        Outcome::StartLoaded { rows, counts } => {
            if let Screen::Start(s) = &mut app.screen {
                s.load(rows, counts);
            }
            Vec::new()
        }
        Outcome::Opened(opened) => {
            open(app, *opened);
            Vec::new()
        }
        Outcome::Saved { node, value, then } => {
            let Screen::Fill(f) = &mut app.screen else {
                return Vec::new();
            };
            f.save_error = None;
            app.quit_armed = false;
            app.quitting = false;
            f.filling.set_answer(node, value);
            f.question.stored = f.filling.answer(node).map(str::to_string);
            f.question.error = None;
            app.flash = Some(Flash::Saved {
                name: f.filling.form().node(node).name.clone(),
                at: jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string(),
            });
            match then {
                After::Quit => {
                    app.quit = true;
                    Vec::new()
                }
                After::Start => to_start(app),
                then => {
                    // The position went with the answer; no separate write.
                    navigate(f, then).retain_none()
                }
            }
        }
        Outcome::PositionSaved => Vec::new(),
        Outcome::Finalized => {
            let effects = to_start(app);
            app.flash = Some(Flash::Info(&i18n::FINALIZED));
            effects
        }
        Outcome::Failed(message) => {
            if let Screen::Fill(f) = &mut app.screen {
                f.save_error = Some(message.clone());
            }
            // Asked to leave and the save failed: say so, and let a second
            // Ctrl+C leave anyway. A system signal leaves at once.
            app.quit_armed = std::mem::take(&mut app.quitting);
            app.quit = app.terminating;
            app.flash = Some(Flash::Error(message));
            Vec::new()
        }
    }
}

trait RetainNone {
    fn retain_none(self) -> Self;
}

impl RetainNone for Vec<Effect> {
    /// Drops position writes: the answer's transaction already stored the position.
    fn retain_none(mut self) -> Self {
        self.retain(|e| !matches!(e, Effect::SavePosition { .. }));
        self
    }
}

fn open(app: &mut App, opened: Opened) {
    let Opened { row, mut filling } = opened;
    filling.set_language(app.lang.code());
    let read_only = row.status != RowStatus::Draft;
    let form = filling.form().clone();
    let stored_position = row.position.as_deref().and_then(|p| form.by_path(p));
    let current = match stored_position {
        Some(n) if filling.is_relevant(n) && form.node(n).kind.is_screen() => Some(n),
        Some(n) => filling
            .next_screen(Some(n))
            .or_else(|| filling.next_screen(None)),
        None => filling.next_screen(None),
    };
    let first = current
        .or_else(|| form.screens.first().copied())
        .unwrap_or(0);
    let view = if read_only || current.is_none() {
        View::Review(Review::new(&filling, read_only))
    } else {
        View::Question
    };
    let question = Question::new(&filling, first);
    app.screen = Screen::Fill(Box::new(Fill {
        row,
        filling,
        question,
        view,
        confirm_finalize: false,
        read_only,
        save_error: None,
    }));
}
