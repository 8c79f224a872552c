//! Effects: the only way the interface touches the store. `update` returns them;
//! `Runtime::execute` runs them and feeds the result back as an action.

use super::action::{Action, Failure, Opened, Outcome, Undo};
use super::lane::{Job, Lane};
use super::screens::start::{PAGE, Pane, Window};
use super::state::Task;
use crate::app::Forms;
use crate::app::export::Format;
use crate::app::verify;
use crate::engine::{Clock, Filling, MetaInfo};
use crate::form::{Form, FormBundle};
use crate::store::{
    AuditEvent, Counts, Decision, EntryRole, NewResponse, Status, Store, StoreError, Summary,
};
use crate::timefmt::now_rfc3339;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    SaveOperator(String),
    /// The start screen: counts, and each pane's page from these offsets.
    LoadStart {
        offsets: [usize; 2],
    },
    /// One pane's page, from an offset.
    LoadPane {
        pane: Pane,
        offset: usize,
    },
    /// The completed responses not yet exported, to files, in the
    /// background lane.
    Export,
    /// The start screen again, only if another process changed the data.
    Refresh {
        offsets: [usize; 2],
    },
    /// A new draft on the current form, in the given language.
    Create {
        language: String,
        /// Keyed from paper (the transcription layout): its number.
        paper: Option<String>,
    },
    Open {
        id: String,
    },
    /// A new version (draft) of a finalized response.
    NewVersion {
        id: String,
    },
    /// One answer (`None` clears it), with the draft's summary.
    SaveAnswer {
        id: String,
        path: String,
        value: Option<String>,
        summary: Summary,
        undo: Undo,
        /// Checked against the first entry when this is a blind second
        /// entry that catches slips (not when leaving or quitting).
        checked: bool,
    },
    /// The papers waiting for a prompt's task.
    Waiting(Task),
    /// The second entry of a paper: resumed, or a new draft.
    Verify {
        paper: String,
        language: String,
    },
    /// Opens a paper for reconciliation.
    Reconcile {
        paper: String,
    },
    Decide {
        form_id: String,
        paper: String,
        decision: Decision,
    },
    /// Makes the verified response of a reconciled paper.
    FinishReconcile {
        form_id: String,
        paper: String,
    },
    /// All the answers of a draft at once (after an instance was added or
    /// removed), with its summary.
    ReplaceAnswers {
        id: String,
        answers: Vec<(String, String)>,
        summary: Summary,
        undo: Undo,
    },
    SavePosition {
        id: String,
        path: String,
    },
    /// Marks the draft complete, with last answers (the `end` metadata).
    Finalize {
        id: String,
        summary: Summary,
        language: String,
        answers: Vec<(String, String)>,
    },
    /// An event for the audit log that only the interface sees (a question
    /// shown, a value refused): noted, and written with the next write.
    Audit(AuditEvent),
    /// Attaches the file at a typed path to a media question (the node's
    /// rules in `takes`): checked, copied into the data directory.
    Attach {
        slot: crate::engine::Slot,
        typed: String,
        takes: crate::engine::media::Takes,
    },
    /// Completes a path typed in a media field.
    CompletePath {
        slot: crate::engine::Slot,
        typed: String,
    },
    /// The complete responses not yet on a server, sent in the background
    /// lane: to the server named (else the only one), with the password
    /// given (else the saved one, unless `fresh`: it was refused).
    Send {
        server: Option<String>,
        password: Option<crate::app::send::Secret>,
        fresh: bool,
    },
    /// The catalogue of practices, read in the background lane.
    LoadCatalogue {
        lang: crate::lang::Lang,
    },
    /// A refused value while keying heads down: the terminal's bell, or
    /// (`audible` false) only the visible flash the screen shows anyway.
    Bell {
        audible: bool,
    },
}

/// Executes effects against the store.
pub struct Runtime {
    pub store: Store,
    pub forms: Forms,
    pub bundle: FormBundle,
    pub form: Arc<Form>,
    pub operator: String,
    pub device_id: String,
    pub clock: Clock,
    /// The data version the start screen was last read at (`Refresh`).
    pub seen: i64,
    pub data_dir: PathBuf,
    /// Slow work, off the screen's thread.
    pub lane: Lane,
    /// Times the bell rang (audible or not), for tests and statistics.
    pub rings: u32,
    /// Whether the bell goes to the real terminal (the TUI; not tests).
    pub terminal_bell: bool,
    /// The blind second entry open now, when slips are caught: the first
    /// entry's values live here, never in the state the screens draw.
    pub verifying: Option<super::verifying::Verifying>,
}

impl Runtime {
    /// Rings the terminal's bell (BEL), where there is one and it is wanted;
    /// the screen shows the refusal either way.
    pub fn ring(&mut self, audible: bool) {
        self.rings += 1;
        if audible && self.terminal_bell {
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x07").and_then(|()| out.flush());
        }
    }

    /// A send, once it is known where to and with what password: the lane
    /// takes it. Several servers and none named, or a password needed and
    /// none at hand, come back as prompts.
    fn send(
        &mut self,
        name: Option<String>,
        password: Option<crate::app::send::Secret>,
        fresh: bool,
    ) -> Result<Outcome, Failure> {
        use crate::app::send::{SendError, servers::saved_password};
        let mut servers = self.store.servers()?;
        let server = match name {
            Some(n) => servers
                .into_iter()
                .find(|s| s.name == n)
                .ok_or(Failure::Send(SendError::NoServer(n)))?,
            None if servers.len() > 1 => {
                return Ok(Outcome::ChooseServer(
                    servers.into_iter().map(|s| s.name).collect(),
                ));
            }
            None => servers.pop().ok_or(Failure::Send(SendError::NoServers))?,
        };
        let password = match (&server.username, password) {
            (None, _) => None,
            (Some(_), Some(typed)) => Some(typed),
            (Some(user), None) => {
                let saved = match fresh {
                    true => None,
                    false => saved_password(&self.data_dir, &server.name)
                        .map_err(|e| Failure::Send(e.into()))?,
                };
                match saved {
                    Some(p) => Some(crate::app::send::Secret(p)),
                    None => {
                        return Ok(Outcome::AskPassword(super::state::SendPrompt {
                            user: user.clone(),
                            server: server.name,
                            url: server.url,
                            refused: None,
                        }));
                    }
                }
            }
        };
        self.lane.submit(Job::Send {
            server: server.name,
            password,
        });
        Ok(Outcome::SendStarted)
    }

    fn load_start(&mut self, offsets: [usize; 2]) -> Result<Outcome, StoreError> {
        self.seen = self.store.data_version()?;
        let counts = self.store.counts()?;
        let panes = [
            self.window(Pane::Drafts, offsets[0], Some(counts))?,
            self.window(Pane::Completed, offsets[1], Some(counts))?,
        ];
        Ok(Outcome::StartLoaded {
            counts,
            panes: Box::new(panes),
            double: Box::new(self.store.double_entry(&self.operator)?),
        })
    }

    /// A pane's page from `offset`, its total from `counts` when they were
    /// just read (each count is a pass over an index).
    fn window(
        &self,
        pane: Pane,
        offset: usize,
        counts: Option<Counts>,
    ) -> Result<Window, StoreError> {
        let total = match counts {
            Some(c) => pane.listing().within(c),
            None => self.store.count(pane.listing())?,
        };
        let total = usize::try_from(total).unwrap_or(0);
        let offset = offset.min(total.saturating_sub(1));
        let rows = self.store.page(pane.listing(), offset, PAGE)?;
        Ok(Window {
            total,
            offset,
            rows,
        })
    }

    pub fn execute(&mut self, effect: Effect) -> Action {
        let undo = match &effect {
            Effect::SaveAnswer { undo, .. } | Effect::ReplaceAnswers { undo, .. } => {
                Some(undo.clone())
            }
            _ => None,
        };
        let outcome = match self.run(effect) {
            Ok(o) => o,
            Err(error) => Outcome::Failed { error, undo },
        };
        Action::Done(outcome)
    }

    /// A response read to be shown; a draft with the operator's previous
    /// response, where the ditto key copies from.
    fn opened(
        &mut self,
        row: crate::store::ResponseRow,
        mut filling: Filling,
    ) -> Result<Outcome, Failure> {
        filling.set_shuffle_seed(&row.id);
        // ${last-saved#…}: the keyer's response saved before this one (none
        // for a blind second entry), read again whenever it is opened; a
        // failure to read it leaves those values empty, not the response
        // unopened (what is stored does not depend on it).
        if filling.form().uses_last_saved() && row.entry != Some(EntryRole::Second) {
            let before = self
                .store
                .previous_response(&row.id, &row.operator)
                .ok()
                .flatten();
            let answers: Vec<(String, String)> = before
                .map(|e| e.answers.into_iter().collect())
                .unwrap_or_default();
            filling.set_last_saved(&answers);
            filling.recompute();
        }
        // Only the ditto key needs it: a failure to read it leaves the key
        // with nothing to copy, not the response unopened.
        self.arm_slips(&row)?;
        let earlier = match row.status {
            Status::Draft => self
                .store
                .previous_response(&row.id, &self.operator)
                .ok()
                .flatten(),
            _ => None,
        };
        Ok(Outcome::Opened(Box::new(Opened {
            row,
            filling,
            earlier,
        })))
    }

    /// A new draft on `form`, with its metadata and defaults: a response of
    /// its own, or (`second_of`: the paper's form id) a paper's second entry.
    pub(super) fn new_draft(
        &mut self,
        form: Arc<Form>,
        language: &str,
        paper: Option<&str>,
        second_of: Option<&str>,
    ) -> Result<Outcome, Failure> {
        // The operator's last response, for ${last-saved#…} (a second
        // entry of a paper reads none: it is keyed blind).
        let last_saved = if form.uses_last_saved() && second_of.is_none() {
            self.store.last_saved(&form.id, &self.operator)?
        } else {
            Vec::new()
        };
        let meta = MetaInfo {
            device_id: self.device_id.clone(),
            username: self.operator.clone(),
            last_saved,
            ..MetaInfo::default()
        };
        let (mut filling, answers) = Filling::start(form.clone(), self.clock.clone(), &meta);
        filling.set_language(language);
        let id = uuid::Uuid::new_v4().to_string();
        let first = filling.next_screen(None);
        let summary = filling.summary(first.as_ref());
        let new = NewResponse {
            id: &id,
            form_sha256: &form.sha256,
            operator: &self.operator,
            device_id: &self.device_id,
            language,
            created_at: &now_rfc3339(),
            summary: &summary,
            answers: &answers,
            paper,
        };
        match second_of {
            Some(form_id) => self.store.create_second_entry(&new, form_id)?,
            None => self.store.create_response(&new)?,
        }
        let row = self.store.response(&id)?.ok_or(Failure::Vanished)?;
        self.opened(row, filling)
    }

    pub(super) fn run(&mut self, effect: Effect) -> Result<Outcome, Failure> {
        match effect {
            Effect::SaveOperator(name) => {
                self.store.set_operator(&name)?;
                self.operator = name.trim().to_string();
                Ok(Outcome::OperatorSaved(self.operator.clone()))
            }
            Effect::LoadStart { offsets } => self.load_start(offsets).map_err(Failure::from),
            Effect::Export => {
                self.lane.submit(Job::Export {
                    statuses: vec![Status::Complete],
                    format: Format::Json,
                    dir: crate::app::exports_dir(&self.data_dir),
                });
                Ok(Outcome::JobStarted)
            }
            Effect::Send {
                server,
                password,
                fresh,
            } => self.send(server, password, fresh),
            Effect::LoadCatalogue { lang } => {
                self.lane.submit(Job::Catalogue {
                    lang,
                    form: super::lane::FormRef(self.form.clone()),
                });
                Ok(Outcome::Queued)
            }
            Effect::Refresh { offsets } => {
                if self.store.data_version()? == self.seen {
                    return Ok(Outcome::Unchanged);
                }
                self.load_start(offsets).map_err(Failure::from)
            }
            Effect::LoadPane { pane, offset } => {
                let window = self.window(pane, offset, None)?;
                Ok(Outcome::PaneLoaded { pane, window })
            }
            Effect::Create { language, paper } => {
                let form = self.form.clone();
                self.store.save_form(&self.bundle, &form, &now_rfc3339())?;
                self.forms.insert(form.clone());
                self.new_draft(form, &language, paper.as_deref(), None)
            }
            Effect::Open { id } => {
                let row = self
                    .store
                    .response(&id)?
                    .ok_or(Failure::Store(StoreError::NotFound(id.clone())))?;
                // A finalized response shows what it was when finalized.
                let clock = match &self.clock {
                    Clock::System => crate::app::clock_for(&row),
                    fixed => fixed.clone(),
                };
                let filling = self.forms.filling(&self.store, &row, clock)?;
                self.opened(row, filling)
            }
            Effect::NewVersion { id } => {
                let new = uuid::Uuid::new_v4().to_string();
                self.store
                    .new_version(&id, &new, &self.operator, &now_rfc3339())?;
                let row = self.store.response(&new)?.ok_or(Failure::Vanished)?;
                let filling = self.forms.filling(&self.store, &row, self.clock.clone())?;
                self.opened(row, filling)
            }
            Effect::SaveAnswer {
                id,
                path,
                value,
                summary,
                undo,
                checked,
            } => {
                if checked && self.slip(&id, &path, value.as_deref())?.is_some() {
                    return Ok(Outcome::Slip { undo });
                }
                self.store.save_answer(
                    &id,
                    &path,
                    value.as_deref(),
                    &self.operator,
                    &summary,
                    &now_rfc3339(),
                )?;
                Ok(Outcome::Saved { all: false })
            }
            Effect::ReplaceAnswers {
                id,
                answers,
                summary,
                ..
            } => {
                self.store.replace_answers(
                    &id,
                    &answers,
                    &self.operator,
                    &summary,
                    &now_rfc3339(),
                )?;
                Ok(Outcome::Saved { all: true })
            }
            Effect::SavePosition { id, path } => {
                self.store.save_position(&id, &path)?;
                Ok(Outcome::PositionSaved)
            }
            // The terminal is rung by the event loop, which owns it.
            Effect::Bell { .. } => Ok(Outcome::Noted),
            Effect::Audit(event) => {
                self.store.note(event, &self.operator);
                Ok(Outcome::Noted)
            }
            Effect::Finalize {
                id,
                summary,
                language,
                answers,
            } => {
                self.store.finalize(
                    &id,
                    &summary,
                    &language,
                    &answers,
                    &self.operator,
                    &now_rfc3339(),
                )?;
                match self.store.response(&id)? {
                    Some(row) if row.entry == Some(EntryRole::Second) => {
                        self.verifying = None;
                        let v = self.store.verification_of(&id)?.ok_or(Failure::Vanished)?;
                        let settled = verify::settle(&mut self.store, &mut self.forms, &v)?;
                        Ok(Outcome::SecondFinalized {
                            paper: v.paper_id,
                            settled,
                        })
                    }
                    Some(row) if row.status == Status::Complete => Ok(Outcome::Finalized),
                    _ => Err(Failure::Vanished),
                }
            }
            Effect::Waiting(task) => {
                let papers = match task {
                    Task::Verify => self.store.awaiting_second(&self.operator, 12)?,
                    Task::Reconcile => {
                        verify::settle_pending(&mut self.store, &mut self.forms)?;
                        self.store
                            .finalized_twice()?
                            .into_iter()
                            .filter(|v| v.to_reconcile())
                            .map(|v| v.paper_id)
                            .take(12)
                            .collect()
                    }
                    Task::Operator | Task::Paper | Task::Server | Task::Password => Vec::new(),
                };
                Ok(Outcome::Waiting(papers))
            }
            Effect::Verify { paper, language } => self.second_entry(&paper, &language),
            Effect::Attach { slot, typed, takes } => Ok(self.attach(slot, typed, &takes)),
            Effect::CompletePath { slot, typed } => Ok(self.complete_path(slot, typed)),
            Effect::Reconcile { paper } => {
                let r = verify::open(
                    &mut self.store,
                    &mut self.forms,
                    &paper,
                    &self.form.id,
                    &self.operator,
                )?;
                Ok(Outcome::Reconciling(Box::new(r)))
            }
            Effect::Decide {
                form_id,
                paper,
                decision,
            } => {
                self.store.save_decision(
                    &form_id,
                    &paper,
                    &decision,
                    &self.operator,
                    &now_rfc3339(),
                )?;
                Ok(Outcome::Decided(decision))
            }
            Effect::FinishReconcile { form_id, paper } => {
                let r = verify::open(
                    &mut self.store,
                    &mut self.forms,
                    &paper,
                    &form_id,
                    &self.operator,
                )?;
                match verify::finish(&mut self.store, &r, &self.operator)? {
                    Ok(_) => Ok(Outcome::Reconciled { paper }),
                    Err(why) => Ok(Outcome::NotFinished(why)),
                }
            }
        }
    }
}
