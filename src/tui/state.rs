//! The interface's state: one struct per screen, and the few things shared by all.

use super::i18n::Lang;
use super::keymap::Mode;
use super::screens::lists::{Outline, Review};
use super::screens::question::{Input, Page, editor};
use super::screens::start::Start;
use crate::engine::{Filling, ScreenRef, Slot};
use crate::form::NodeId;
use crate::store::ResponseRow;
use ratatui_textarea::TextArea;

#[derive(Debug, Clone)]
pub struct App {
    pub lang: Lang,
    pub operator: Option<String>,
    /// Title of the form new responses use.
    pub form_title: String,
    pub screen: Screen,
    /// The help overlay, for the mode it was opened from.
    pub help: Option<Mode>,
    /// How far the help is scrolled (lines), when it does not fit.
    pub help_scroll: u16,
    /// The status line: the last thing that happened.
    pub flash: Option<Flash>,
    /// Rows a list can show (from the terminal size), for page keys.
    pub rows: u16,
    pub no_color: bool,
    pub leaving: Leaving,
    /// The background lane's job, while it runs: how far it is.
    pub job: Option<Progress>,
    pub keying: Keying,
    /// This keying session's figures (from start to quit).
    pub session: Session,
    /// The server that refused the saved password: the next send asks for
    /// one instead.
    pub send_refused: Option<String>,
}

/// How keying from paper behaves (command-line settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keying {
    /// A field whose value is complete moves on by itself.
    pub auto_advance: bool,
    /// A refused value rings the terminal bell (else the status line flashes).
    pub bell: bool,
    /// New responses start in the transcription layout (`--transcribe`).
    pub transcribe: bool,
    /// New responses are second entries of papers keyed already (`--verify`).
    pub verify: bool,
}

impl Default for Keying {
    fn default() -> Keying {
        Keying {
            auto_advance: true,
            bell: true,
            transcribe: false,
            verify: false,
        }
    }
}

/// One keying session's figures, for `rileva stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Session {
    pub keys: u64,
    /// Keys held back after a refused value, and values refused.
    pub bad_keys: u64,
    /// Answers committed.
    pub fields: u64,
    /// Answers changed after they were first committed.
    pub corrections: u64,
    /// Responses started or resumed.
    pub responses: u64,
    /// Milliseconds of gaps between keys longer than a minute.
    pub idle_ms: i64,
    /// Whether any response was keyed in the transcription layout.
    pub transcribed: bool,
}

/// How far a background job is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// Sending to a server (else exporting).
    pub sending: bool,
}

/// Where leaving the program stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaving {
    /// Working.
    No,
    /// Ctrl+C: what is typed is being saved; leave once it is committed.
    Saving,
    /// Leaving was asked and a save failed: the next Ctrl+C leaves anyway.
    Armed,
    /// SIGTERM or SIGHUP: leave once the last save was tried, whatever came
    /// of it.
    Terminating,
    /// Leave now.
    Now,
}

/// The writes of one step (an Enter, a move that saves what is typed, an
/// entry added or removed), shown at once and committed by their effects:
/// the step's move is made once the last of them commits, and not at all
/// when one failed (its error stands).
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Writes sent and not yet answered: until none is, nothing says saved.
    pub pending: usize,
    pub failed: bool,
    /// Where to go once all are committed (the position went with them).
    pub then: super::action::After,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Flash {
    /// A question's answer was committed (name, local time).
    Saved {
        name: String,
        at: String,
    },
    Info(&'static super::i18n::Tr),
    /// Something refused that is not a failed write.
    Notice(String),
    /// A failed write (or read): said in the interface's language.
    Error(super::action::Failure),
    /// The background send finished: to which server, how many went, how
    /// many the server had, how many are left, and why it stopped early.
    Sent {
        server: String,
        sent: usize,
        already: usize,
        left: usize,
        stopped: Option<String>,
    },
    /// The background export finished.
    Exported {
        written: usize,
        unreadable: usize,
        /// Files responses name that the data directory lacks (each went out
        /// without its file).
        missing_files: usize,
        read_only: bool,
        dir: String,
    },
}

#[derive(Debug, Clone)]
pub enum Screen {
    Operator(Box<OperatorScreen>),
    Start(Start),
    Fill(Box<Fill>),
    Reconcile(Box<super::screens::reconcile::Reconcile>),
    Catalogue(Box<super::screens::catalogue::CatalogueScreen>),
}

/// What a one-line prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// The operator's name.
    Operator,
    /// The number written on a paper questionnaire: a new transcription.
    Paper,
    /// The number of a paper to key a second time, blind.
    Verify,
    /// The number of a paper whose two entries differ, to reconcile.
    Reconcile,
    /// Which server a send goes to (there are several).
    Server,
    /// The password a send needs (none is saved, or the saved one was
    /// refused): used for that send only, never stored.
    Password,
}

/// Whom a password prompt is for, and why it asks again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPrompt {
    pub server: String,
    pub user: String,
    pub url: String,
    /// What the server said when it refused the last password.
    pub refused: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OperatorScreen {
    pub editor: TextArea<'static>,
    /// False on first start: a name must be given.
    pub can_cancel: bool,
    pub error: bool,
    pub task: Task,
    /// The papers waiting for this task (their numbers only), as read; or
    /// the servers to choose from.
    pub waiting: Vec<String>,
    /// Whom a password is asked for.
    pub send: Option<SendPrompt>,
}

impl OperatorScreen {
    pub fn new(current: Option<&str>) -> OperatorScreen {
        OperatorScreen {
            editor: editor(current.unwrap_or(""), false),
            can_cancel: current.is_some(),
            error: false,
            task: Task::Operator,
            waiting: Vec::new(),
            send: None,
        }
    }

    /// A paper's number, asked before a transcription, a second entry or a
    /// reconciliation.
    pub fn paper(task: Task) -> OperatorScreen {
        OperatorScreen {
            editor: editor("", false),
            can_cancel: true,
            error: false,
            task,
            waiting: Vec::new(),
            send: None,
        }
    }

    /// Which of several servers a send goes to.
    pub fn servers(names: Vec<String>) -> OperatorScreen {
        OperatorScreen {
            waiting: names,
            ..OperatorScreen::paper(Task::Server)
        }
    }

    /// The password for a send, typed unseen.
    pub fn password(to: SendPrompt) -> OperatorScreen {
        let mut editor = editor("", false);
        editor.set_mask_char('•');
        OperatorScreen {
            editor,
            send: Some(to),
            ..OperatorScreen::paper(Task::Password)
        }
    }
}

#[derive(Debug, Clone)]
pub enum View {
    Question,
    Outline(Outline),
    Review(Review),
}

/// A question asked before an action that cannot be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Finalize,
    /// Remove instance `k` of a repeat.
    RemoveInstance {
        repeat: NodeId,
        parent: Vec<u32>,
        k: u32,
    },
}

/// A response open on screen.
#[derive(Debug, Clone)]
pub struct Fill {
    pub row: ResponseRow,
    pub filling: Filling,
    pub page: Page,
    pub view: View,
    pub confirm: Option<Confirm>,
    /// Completed and exported responses are shown, not changed.
    pub read_only: bool,
    /// The last write failed; what is on screen is not stored.
    pub save_error: Option<super::action::Failure>,
    /// The writes of the step under way.
    pub batch: Option<Batch>,
    /// Instances exist that the store has not got yet (made by repeat_count
    /// with their defaults, or left by a failed write): the next write
    /// writes every answer.
    pub unsaved_structure: bool,
    /// A value was refused while keying heads down: the keys typed since
    /// (counted here) are held back, put into no field, until Esc.
    pub held: Option<u32>,
    /// What was refused is the focused field's value: on Esc it shows what
    /// is stored, to be keyed again (a refused jump or ditto leaves the
    /// field as typed).
    pub rekey: bool,
    /// Audit events of the last step, for the store to note.
    pub noted: Vec<crate::store::AuditEvent>,
    /// Answers committed, and of them changes of an answer already given.
    pub fields: u64,
    pub corrections: u64,
    /// The operator's previous response to this form (the ditto key).
    pub earlier: Option<crate::store::Earlier>,
    /// The jump key's prompt, while a printed number is typed.
    pub jump: Option<JumpPrompt>,
    /// The names Tab found for the path typed in a media field, when the
    /// rest of it is a choice.
    pub completions: Vec<String>,
}

/// The jump key's prompt: a printed number (`B07`) typed, then Enter.
#[derive(Debug, Clone)]
pub struct JumpPrompt {
    pub editor: TextArea<'static>,
    /// Why the number typed goes nowhere (after an Enter).
    pub error: Option<crate::engine::JumpRefused>,
}

impl Default for JumpPrompt {
    fn default() -> JumpPrompt {
        JumpPrompt {
            editor: editor("", false),
            error: None,
        }
    }
}

impl Fill {
    /// Keyed from paper: one page per section, codes, auto-advance, the bell.
    pub fn transcribing(&self) -> bool {
        self.filling.sections()
    }

    /// The media question with the keyboard, if one has it: what it takes.
    pub fn focused_media(&self) -> Option<crate::engine::media::Takes> {
        let field = self.page.field()?;
        crate::engine::media::Takes::of(self.filling.form().node(field.slot.node))
    }

    /// Whether the focused field takes the path of a file to attach.
    pub fn focus_is_media(&self) -> bool {
        self.focused_media().is_some()
    }
}

impl Fill {
    /// The screen on display (or under the outline or review).
    pub fn screen(&self) -> &ScreenRef {
        &self.page.screen
    }

    /// The slot with the keyboard: the focused field, else the screen's own.
    pub fn current_slot(&self) -> Slot {
        match self.page.field() {
            Some(f) => f.slot.clone(),
            None => match &self.page.screen {
                ScreenRef::Question(s) | ScreenRef::Group(s) => s.clone(),
                ScreenRef::RepeatEnd { repeat, parent } => Slot::new(*repeat, parent.clone()),
            },
        }
    }
}

impl App {
    pub fn new(lang: Lang, operator: Option<String>, form_title: String, no_color: bool) -> App {
        let screen = match &operator {
            None => Screen::Operator(Box::new(OperatorScreen::new(None))),
            Some(_) => Screen::Start(Start::default()),
        };
        App {
            lang,
            operator,
            form_title,
            screen,
            help: None,
            help_scroll: 0,
            flash: None,
            rows: 10,
            no_color,
            leaving: Leaving::No,
            job: None,
            keying: Keying::default(),
            session: Session::default(),
            send_refused: None,
        }
    }

    /// This session's figures so far, with the response open now.
    pub fn session_totals(&self) -> Session {
        let mut s = self.session;
        if let Screen::Fill(f) = &self.screen {
            s.fields += f.fields;
            s.corrections += f.corrections;
        }
        s
    }

    /// Whether the program is to end now.
    pub fn leaves(&self) -> bool {
        self.leaving == Leaving::Now
    }

    /// Whether the question on screen is inside a repeat (the repeat keys apply).
    pub fn in_repeat(&self) -> bool {
        match &self.screen {
            Screen::Fill(f) => !f
                .filling
                .form()
                .node(f.current_slot().node)
                .repeats
                .is_empty(),
            _ => false,
        }
    }

    /// The mode keys are read in.
    pub fn mode(&self) -> Mode {
        if self.help.is_some() {
            return Mode::Help;
        }
        match &self.screen {
            Screen::Operator(_) => Mode::Operator,
            Screen::Start(_) => Mode::Start,
            Screen::Reconcile(r) => r.mode(),
            Screen::Catalogue(c) if c.card.is_some() => Mode::Card,
            Screen::Catalogue(_) => Mode::Catalogue,
            Screen::Fill(f) if f.confirm.is_some() => Mode::Confirm,
            Screen::Fill(f) if f.held.is_some() => Mode::Held,
            Screen::Fill(f) if f.jump.is_some() => Mode::Jump,
            Screen::Fill(f) => match &f.view {
                View::Outline(_) => Mode::Outline,
                View::Review(_) if f.read_only => Mode::ReadOnly,
                View::Review(_) => Mode::Review,
                View::Question => match f.page.field().map(|q| &q.input) {
                    None => Mode::RepeatEnd,
                    Some(Input::Text {
                        multiline: true, ..
                    }) => Mode::Multiline,
                    Some(Input::Text { .. }) if f.focus_is_media() => Mode::Path,
                    Some(Input::Text { .. }) => Mode::Text,
                    Some(Input::Choices(c)) if c.is_filter() => Mode::Filter,
                    Some(Input::Choices(_)) => Mode::Choices,
                    Some(Input::Note) => Mode::Note,
                    Some(Input::Another) => Mode::RepeatEnd,
                },
            },
        }
    }
}
