//! What can happen to the interface: commands from keys, and the results of
//! effects fed back from the store.

use super::keymap::Cmd;
use crate::engine::Filling;
use crate::form::NodeId;
use crate::store::{Counts, ResponseRow};
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
    /// Rows available for lists, from the terminal size.
    Resize {
        rows: u16,
    },
    /// SIGTERM or SIGHUP: save what is typed and leave.
    Terminate,
    Done(Outcome),
}

/// The result of an effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    OperatorSaved(String),
    StartLoaded {
        rows: Vec<ResponseRow>,
        counts: Counts,
    },
    Opened(Box<Opened>),
    /// The answer is committed; `value` is what was stored.
    Saved {
        node: NodeId,
        value: Option<String>,
        then: After,
    },
    PositionSaved,
    Finalized,
    /// A write failed: nothing changed in the database.
    Failed(String),
}

/// A response ready to fill or to view.
#[derive(Debug, Clone)]
pub struct Opened {
    pub row: ResponseRow,
    pub filling: Filling,
}

impl PartialEq for Opened {
    fn eq(&self, other: &Self) -> bool {
        self.row == other.row
    }
}

/// Where to go once an answer is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Next relevant question (or the review at the end).
    Next,
    /// A given question.
    Goto(NodeId),
    Prev,
    Outline,
    Review,
    /// Back to the start screen.
    Start,
    Quit,
}
