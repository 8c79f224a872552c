//! What can happen to the interface: commands from keys, and the results of
//! effects fed back from the store.

use super::keymap::Cmd;
use super::screens::start::{Pane, Window};
use crate::app::LoadError;
use crate::app::export::ExportError;
use crate::engine::{Filling, ScreenRef, Slot};
use crate::lang::Lang;
use crate::store::{Counts, ResponseRow, StoreError};
use ratatui::crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Cmd(Cmd),
    /// A digit or letter that picks a choice.
    Pick(char),
    /// A key for the text being typed.
    Edit(KeyEvent),
    /// Text pasted in one go (bracketed paste).
    Paste(String),
    /// A key typed while a refused value waits for Esc: put nowhere.
    HeldBack,
    /// Esc and a key at once (Alt+key) after a refused value: acknowledged,
    /// and the key goes into the field keyed again.
    Rekey(KeyEvent),
    /// Rows available for lists, from the terminal size.
    Resize {
        rows: u16,
    },
    /// SIGTERM or SIGHUP: save what is typed and leave.
    Terminate,
    /// A quiet moment (no key for a while): screens that show what other
    /// processes change look again.
    Tick,
    Done(Outcome),
}

/// The result of an effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    OperatorSaved(String),
    StartLoaded {
        counts: Counts,
        panes: Box<[Window; 2]>,
        double: Box<crate::store::DoubleEntry>,
    },
    PaneLoaded {
        pane: Pane,
        window: Window,
    },
    /// Nothing changed since the start screen was read.
    Unchanged,
    /// A job went to the background lane.
    JobStarted,
    /// A job went to the background lane whose result is its own screen's
    /// (no progress line).
    Queued,
    /// A send went to the background lane.
    SendStarted,
    /// A send needs the operator to say which server.
    ChooseServer(Vec<String>),
    /// A send needs a password.
    AskPassword(super::state::SendPrompt),
    /// The lane's send is done.
    SendDone {
        server: String,
        sent: usize,
        already: usize,
        left: usize,
        stopped: Option<String>,
        /// The server refused the password: ask for one.
        ask: Option<super::state::SendPrompt>,
    },
    /// The catalogue of practices, read by the lane.
    Catalogue(Box<crate::app::publish::Gathered>),
    /// How far the lane's job is.
    JobProgress {
        done: usize,
        total: usize,
    },
    /// The lane's export is done.
    Exported {
        written: usize,
        unreadable: usize,
        /// Files responses name that the data directory lacks (each went out
        /// without its file).
        missing_files: usize,
        read_only: bool,
        dir: String,
    },
    /// The lane's job could not be done (or not all of it).
    JobFailed(Failure),
    Opened(Box<Opened>),
    /// A write of the step is committed. `all`: every answer of the
    /// response was written (not one).
    Saved {
        all: bool,
    },
    PositionSaved,
    /// An audit event was noted.
    Noted,
    Finalized,
    /// The papers waiting for a prompt's task (their numbers).
    Waiting(Vec<String>),
    /// A paper open for reconciliation.
    Reconciling(Box<crate::app::verify::Reconciliation>),
    /// A reconciler's decision is committed.
    Decided(crate::store::Decision),
    /// The verified response of a reconciled paper is made.
    Reconciled {
        paper: String,
    },
    /// A reconciliation cannot be finished yet.
    NotFinished(crate::app::verify::Unfinished),
    /// A second entry was finalized and compared with the first.
    SecondFinalized {
        paper: String,
        settled: crate::app::verify::Settled,
    },
    /// A blind second entry's value is not the first entry's: not written;
    /// the field is to be keyed again.
    Slip {
        undo: Undo,
    },
    /// A file attached to a media question (kept in the data directory),
    /// or why not; nothing is written to the response yet.
    Attached {
        slot: Slot,
        typed: String,
        result: Result<crate::store::Attached, crate::engine::media::AttachProblem>,
    },
    /// What Tab made of a path typed in a media field.
    Completed {
        slot: Slot,
        typed: String,
        completion: crate::app::paths::Completion,
    },
    /// A write failed: nothing changed in the database. The change already
    /// shown is taken back with `undo`.
    Failed {
        error: Failure,
        undo: Option<Undo>,
    },
}

/// Why an effect failed, kept typed until a screen says it in its language.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Store(StoreError),
    Load(LoadError),
    Export(ExportError),
    Publish(crate::app::publish::PublishError),
    Send(crate::app::send::SendError),
    /// What was just written could not be read back.
    Vanished,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::Load(e)
    }
}

impl Failure {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Failure::Store(e) => e.text(lang),
            Failure::Load(e) => e.text(lang),
            Failure::Export(e) => e.text(lang),
            Failure::Publish(e) => e.text(lang),
            Failure::Send(e) => e.text(lang),
            Failure::Vanished => match lang {
                Lang::It => "la risposta appena scritta non si rilegge".into(),
                Lang::En => "the response just written does not read back".into(),
            },
        }
    }
}

/// How to take back a change made on screen before its write, if the write fails.
#[derive(Debug, Clone)]
pub enum Undo {
    /// Put this answer back.
    Answer(Slot, Option<String>),
    /// Put the whole response back (instances added or removed).
    Snapshot(Box<Filling>),
}

impl PartialEq for Undo {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Undo::Answer(a, b), Undo::Answer(c, d)) => a == c && b == d,
            _ => false,
        }
    }
}

/// A response ready to fill or to view.
#[derive(Debug, Clone)]
pub struct Opened {
    pub row: ResponseRow,
    pub filling: Filling,
    /// The operator's previous response to the form, for the ditto key
    /// (drafts only).
    pub earlier: Option<crate::store::Earlier>,
}

impl PartialEq for Opened {
    fn eq(&self, other: &Self) -> bool {
        self.row == other.row
    }
}

/// Where a step goes once its writes are committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// Stay where we are.
    Stay,
    /// The next field of the page, or the next screen after the last.
    NextField,
    /// The next screen (or the review at the end).
    Next,
    Prev,
    /// The screen showing this slot, focused on it.
    Goto(Slot),
    /// A given screen.
    Screen(ScreenRef),
    Outline,
    Review,
    /// Back to the start screen.
    Start,
    Quit,
}
