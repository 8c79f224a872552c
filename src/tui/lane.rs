//! The background lane: slow work (an export, reading the catalogue; later
//! an upload) on a worker
//! thread with a store connection of its own. Its progress and its result
//! come back as actions, which the event loop takes beside the terminal's
//! events, so the screens never wait for it. Answer writes never go here:
//! they are synchronous, and committed before the screen says saved.

use super::action::{Action, Failure, Outcome};
use crate::app::LoadError;
use crate::app::export::{self, Format, Progress};
use crate::store::{ResponseRow, Status, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A form a job is about (the same when its definition's hash is).
#[derive(Debug, Clone)]
pub struct FormRef(pub Arc<crate::form::Form>);

impl PartialEq for FormRef {
    fn eq(&self, other: &FormRef) -> bool {
        self.0.sha256 == other.0.sha256
    }
}

/// Work for the lane.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Responses with these statuses, one file each in `dir`, marked
    /// exported as they are in place.
    Export {
        statuses: Vec<Status>,
        format: Format,
        dir: PathBuf,
    },
    /// The catalogue of the form's finished practices, in an interface
    /// language.
    Catalogue {
        lang: crate::lang::Lang,
        form: FormRef,
    },
    /// What waits for a server goes there, with the password it needs.
    Send {
        server: String,
        password: Option<crate::app::send::Secret>,
    },
}

pub struct Lane {
    jobs: Option<Sender<Job>>,
    results: Receiver<Action>,
    /// Jobs submitted whose result has not been taken yet.
    running: usize,
    stop: Arc<AtomicBool>,
    worker: Option<JoinHandle<()>>,
}

/// How often progress is sent (more often would only redraw more).
const EVERY: Duration = Duration::from_millis(100);

impl Lane {
    /// Starts the worker for a data directory (its store is opened with
    /// the first job).
    pub fn start(data_dir: PathBuf) -> Lane {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (outbox, results) = mpsc::channel::<Action>();
        let stop = Arc::new(AtomicBool::new(false));
        let worker = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("rileva-lane".into())
                .spawn(move || work(&data_dir, &inbox, &outbox, &stop))
                .ok()
        };
        Lane {
            jobs: Some(jobs),
            results,
            running: 0,
            stop,
            worker,
        }
    }

    pub fn submit(&mut self, job: Job) {
        if let Some(jobs) = &self.jobs
            && jobs.send(job).is_ok()
        {
            self.running += 1;
        }
    }

    /// Whether a job is under way.
    pub fn busy(&self) -> bool {
        self.running > 0
    }

    /// What the lane has to say, without waiting.
    pub fn try_next(&mut self) -> Option<Action> {
        let action = self.results.try_recv().ok()?;
        self.took(&action);
        Some(action)
    }

    /// What the lane has to say, waiting up to `wait` (for tests and for
    /// the event loop's quiet moments).
    pub fn next_within(&mut self, wait: Duration) -> Option<Action> {
        let action = self.results.recv_timeout(wait).ok()?;
        self.took(&action);
        Some(action)
    }

    fn took(&mut self, action: &Action) {
        if matches!(
            action,
            Action::Done(
                Outcome::Exported { .. }
                    | Outcome::Catalogue(_)
                    | Outcome::SendDone { .. }
                    | Outcome::JobFailed(_)
            )
        ) {
            self.running = self.running.saturating_sub(1);
        }
    }
}

impl Drop for Lane {
    /// Leaving: the job under way stops at the next response (what was
    /// written and marked stays so; the rest goes with the next export).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.jobs = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

fn work(data_dir: &Path, inbox: &Receiver<Job>, outbox: &Sender<Action>, stop: &AtomicBool) {
    let mut store: Option<Store> = None;
    while let Ok(job) = inbox.recv() {
        if store.is_none() {
            match Store::open(data_dir) {
                Ok(s) => store = Some(s),
                Err(e) => {
                    let _ = outbox.send(Action::Done(Outcome::JobFailed(e.into())));
                    continue;
                }
            }
        }
        let Some(s) = store.as_mut() else { continue };
        let outcome = run(s, job, outbox, stop);
        if outbox.send(Action::Done(outcome)).is_err() {
            return;
        }
    }
}

fn run(store: &mut Store, job: Job, outbox: &Sender<Action>, stop: &AtomicBool) -> Outcome {
    match job {
        Job::Export {
            statuses,
            format,
            dir,
        } => {
            let mut progress = Report {
                outbox,
                stop,
                last: Instant::now(),
            };
            match export::to_files(store, &statuses, format, &dir, &mut progress) {
                Ok(t) => Outcome::Exported {
                    written: t.written,
                    unreadable: t.unreadable,
                    missing_files: t.missing_files.len(),
                    read_only: t.read_only,
                    dir: dir.display().to_string(),
                },
                Err(e) => Outcome::JobFailed(Failure::Export(e)),
            }
        }
        Job::Catalogue { lang, form } => {
            match crate::app::publish::gather_for(store, &form.0, lang) {
                Ok(g) => Outcome::Catalogue(Box::new(g)),
                Err(e) => Outcome::JobFailed(Failure::Publish(e)),
            }
        }
        Job::Send { server, password } => match send(store, &server, password, outbox, stop) {
            Ok(o) => o,
            Err(e) => Outcome::JobFailed(Failure::Send(e)),
        },
    }
}

/// A send from the screens, to a server chosen there, with the password
/// typed or saved when it needs one.
fn send(
    store: &mut Store,
    server: &str,
    password: Option<crate::app::send::Secret>,
    outbox: &Sender<Action>,
    stop: &AtomicBool,
) -> Result<Outcome, crate::app::send::SendError> {
    use crate::app::send::{self, SendOptions, Stopped};
    let server = send::choose_server(store, Some(server))?;
    let mut report = SendReport {
        outbox,
        stop,
        last: Instant::now(),
    };
    let t = send::send(
        store,
        &server,
        password.as_ref().map(|p| p.0.as_str()),
        &SendOptions::default(),
        &mut report,
    )?;
    let left = t.left();
    let mut ask = None;
    let mut stopped = match t.stopped {
        Some(Stopped::Credentials { status, message }) => {
            let said = send::refusal(status, &message);
            // A password can be typed again; a token refused cannot.
            ask = server
                .username
                .clone()
                .map(|user| crate::tui::state::SendPrompt {
                    server: server.name.clone(),
                    user,
                    url: server.url.clone(),
                    refused: Some(said.clone()),
                });
            Some(said)
        }
        Some(Stopped::Unreachable(why)) => Some(why),
        Some(Stopped::Asked) | None => None,
    };
    if stopped.is_none()
        && let Some((form, (_, why))) = t.skipped.iter().next()
    {
        stopped = Some(format!("{form}: {why}"));
    }
    Ok(Outcome::SendDone {
        server: server.name,
        sent: t.sent,
        already: t.already,
        left,
        stopped,
        ask,
    })
}

struct SendReport<'a> {
    outbox: &'a Sender<Action>,
    stop: &'a AtomicBool,
    last: Instant,
}

impl crate::app::send::SendProgress for SendReport<'_> {
    fn sent(&mut self, _: &ResponseRow, _: &crate::app::send::Sent, done: usize, total: usize) {
        if self.last.elapsed() >= EVERY || done == total {
            self.last = Instant::now();
            let _ = self
                .outbox
                .send(Action::Done(Outcome::JobProgress { done, total }));
        }
    }

    fn stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Sends progress now and then, and says when leaving wants the job to stop.
struct Report<'a> {
    outbox: &'a Sender<Action>,
    stop: &'a AtomicBool,
    last: Instant,
}

impl Progress for Report<'_> {
    fn written(&mut self, _: &ResponseRow, _: Option<&Path>, done: usize, total: usize) {
        if self.last.elapsed() >= EVERY || done == total {
            self.last = Instant::now();
            let _ = self
                .outbox
                .send(Action::Done(Outcome::JobProgress { done, total }));
        }
    }

    fn unreadable(&mut self, _: &ResponseRow, _: &LoadError) {}

    fn stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}
