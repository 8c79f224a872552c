//! What comes back from the effects: a response opened, writes committed
//! or failed, the lane's job done, the start screen read.

use super::navigate::go;
use super::{reload_start, to_start};
use crate::app::verify::{Settled, Unfinished};
use crate::engine::{ScreenRef, Slot};
use crate::store::{AuditEvent, Status as RowStatus};
use crate::tui::action::{After, Opened, Outcome, Undo};
use crate::tui::effect::Effect;
use crate::tui::i18n;
use crate::tui::screens::lists::Review;
use crate::tui::screens::question::Page;
use crate::tui::screens::reconcile::Reconcile;
use crate::tui::state::{App, Fill, Flash, Leaving, OperatorScreen, Screen, View};

pub(super) fn done(app: &mut App, outcome: Outcome) -> Vec<Effect> {
    match outcome {
        Outcome::OperatorSaved(name) => {
            app.operator = Some(name);
            // What was said to the operator before is not for this one.
            app.flash = None;
            to_start(app)
        }
        Outcome::StartLoaded {
            counts,
            panes,
            double,
        } => {
            if let Screen::Start(s) = &mut app.screen {
                s.load(counts, *panes);
                s.double = *double;
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
            let sending = app.job.is_some_and(|j| j.sending);
            app.job = Some(crate::tui::state::Progress {
                done,
                total,
                sending,
            });
            Vec::new()
        }
        Outcome::Exported {
            written,
            unreadable,
            missing_files,
            read_only,
            dir,
        } => {
            app.job = None;
            app.flash = Some(Flash::Exported {
                written,
                unreadable,
                missing_files,
                read_only,
                dir,
            });
            reload_start(app)
        }
        Outcome::Queued => Vec::new(),
        Outcome::SendStarted => {
            app.job = Some(crate::tui::state::Progress {
                sending: true,
                ..Default::default()
            });
            app.flash = None;
            Vec::new()
        }
        Outcome::ChooseServer(names) => {
            if matches!(app.screen, Screen::Start(_)) {
                app.screen = Screen::Operator(Box::new(OperatorScreen::servers(names)));
            }
            Vec::new()
        }
        Outcome::AskPassword(to) => {
            if matches!(app.screen, Screen::Start(_)) {
                app.screen = Screen::Operator(Box::new(OperatorScreen::password(to)));
            }
            Vec::new()
        }
        Outcome::SendDone {
            server,
            sent,
            already,
            left,
            stopped,
            ask,
        } => {
            app.job = None;
            app.send_refused = ask.as_ref().map(|to| to.server.clone());
            app.flash = Some(Flash::Sent {
                server,
                sent,
                already,
                left,
                stopped,
            });
            // Refused on the start screen: the password is asked again at
            // once (elsewhere, the next send asks).
            if let (Some(to), Screen::Start(_)) = (ask, &app.screen) {
                app.screen = Screen::Operator(Box::new(OperatorScreen::password(to)));
                return Vec::new();
            }
            reload_start(app)
        }
        Outcome::Catalogue(g) => {
            if let Screen::Catalogue(c) = &mut app.screen {
                c.loaded(*g);
            }
            Vec::new()
        }
        Outcome::JobFailed(error) => {
            app.job = None;
            app.flash = Some(Flash::Error(error));
            // A catalogue that could not be read leaves nothing to show.
            if matches!(&app.screen, Screen::Catalogue(c) if c.loaded.is_none()) {
                return super::to_start(app);
            }
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
        Outcome::Waiting(papers) => {
            if let Screen::Operator(s) = &mut app.screen {
                s.waiting = papers;
            }
            Vec::new()
        }
        Outcome::Reconciling(rec) => {
            app.flash = None;
            app.screen = Screen::Reconcile(Box::new(Reconcile::new(*rec)));
            Vec::new()
        }
        Outcome::Decided(d) => {
            if let Screen::Reconcile(r) = &mut app.screen {
                r.decided(d);
            }
            Vec::new()
        }
        Outcome::NotFinished(why) => {
            if let Screen::Reconcile(r) = &mut app.screen {
                let paths = match why {
                    Unfinished::Undecided(p) | Unfinished::Problems(p) => p,
                };
                r.blocked = Some(format!(
                    "{}: {}",
                    i18n::NOT_FINISHED.get(app.lang),
                    paths.join(", ")
                ));
            }
            Vec::new()
        }
        Outcome::Reconciled { paper } => {
            let effects = to_start(app);
            app.flash = Some(Flash::Notice(format!(
                "{paper}: {}",
                i18n::RECONCILED.get(app.lang)
            )));
            effects
        }
        Outcome::SecondFinalized { paper, settled } => {
            let effects = to_start(app);
            let said = match settled {
                Settled::Agreed => i18n::ENTRIES_AGREE.get(app.lang).to_string(),
                Settled::Discordant(n) => format!("{n} {}", i18n::ENTRIES_DIFFER.get(app.lang)),
            };
            app.flash = Some(Flash::Notice(format!("{paper}: {said}")));
            effects
        }
        Outcome::Slip { undo } => slipped(app, undo),
        Outcome::Attached {
            slot,
            typed,
            result,
        } => super::attach::attached(app, slot, &typed, result),
        Outcome::Completed {
            slot,
            typed,
            completion,
        } => super::attach::completed(app, &slot, &typed, completion),
    }
}

/// A blind second entry's value that is not the first entry's: taken back
/// (not written), and the field refused as a bad value is, to be keyed
/// again from the paper; the step's move is not made.
fn slipped(app: &mut App, undo: Undo) -> Vec<Effect> {
    let Screen::Fill(f) = &mut app.screen else {
        return Vec::new();
    };
    if let Some(b) = f.batch.as_mut() {
        b.failed = true;
        b.pending = b.pending.saturating_sub(1);
        if b.pending == 0 {
            f.batch = None;
        }
    }
    if let Undo::Answer(slot, previous) = undo {
        f.filling.set_answer(&slot, previous.clone());
        if let Some(i) = f.page.fields.iter().position(|q| q.slot == slot) {
            f.page.focus = i;
            if let Some(field) = f.page.fields.get_mut(i) {
                field.stored = previous;
                field.error = Some(crate::engine::Problem::Slip);
            }
        }
    }
    super::transcribe::refuse(app, super::transcribe::Refused::Value)
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
fn failed(app: &mut App, error: crate::tui::action::Failure, undo: Option<Undo>) {
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
    let Opened {
        row,
        mut filling,
        earlier,
    } = opened;
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
        rekey: false,
        noted,
        fields: 0,
        corrections: 0,
        earlier,
        jump: None,
        completions: Vec::new(),
    }));
    Vec::new()
}
