//! Rendering responses on every core for an export: a thread per core,
//! started once, each with a read-only store connection of its own, reading
//! the answers of its part of a batch and rendering them; the results come
//! back in order. Where there is one core (or no second connection can be
//! opened) everything is done on the caller's thread.

use super::export::{Format, render};
use super::{LoadError, clock_for};
use crate::engine::Filling;
use crate::form::Form;
use crate::store::{Reader, ResponseRow, Store};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

/// A response to render: its row, and its form or why it has none.
pub(super) type Read = (ResponseRow, Result<Arc<Form>, LoadError>);

/// What became of one: the rendered bytes and the files it carries (names
/// in the data directory's media folder), or why it could not be read.
pub(super) type Rendered = (ResponseRow, Result<(Vec<u8>, Vec<String>), LoadError>);

struct Worker {
    jobs: Option<Sender<Vec<Read>>>,
    done: Receiver<Vec<Rendered>>,
    handle: Option<JoinHandle<()>>,
}

pub(super) struct Renderers {
    format: Format,
    workers: Vec<Worker>,
}

impl Renderers {
    /// A thread per core (up to four), each with its own connection.
    pub(super) fn start(store: &Store, format: Format) -> Renderers {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let mut workers = Vec::new();
        if cores > 1 {
            for _ in 0..cores {
                let Ok(reader) = store.reader() else { break };
                let (jobs, inbox) = mpsc::channel::<Vec<Read>>();
                let (outbox, done) = mpsc::channel::<Vec<Rendered>>();
                let spawned = std::thread::Builder::new()
                    .name("rileva-render".into())
                    .spawn(move || work(reader, &inbox, &outbox, format));
                let Ok(handle) = spawned else { break };
                workers.push(Worker {
                    jobs: Some(jobs),
                    done,
                    handle: Some(handle),
                });
            }
        }
        if workers.len() < 2 {
            workers.clear();
        }
        Renderers { format, workers }
    }

    /// Renders a batch, in order.
    pub(super) fn render(&mut self, store: &Store, read: Vec<Read>) -> Vec<Rendered> {
        if self.workers.is_empty() || read.len() < 32 {
            return read
                .into_iter()
                .map(|(row, form)| {
                    let answers = store.answers(&row.id).map_err(LoadError::from);
                    let out = one(&row, form, answers, self.format);
                    (row, out)
                })
                .collect();
        }
        let chunk = read.len().div_ceil(self.workers.len());
        let mut rest = read;
        let mut sent = 0;
        for w in &self.workers {
            if rest.is_empty() {
                break;
            }
            let tail = rest.split_off(chunk.min(rest.len()));
            let part = std::mem::replace(&mut rest, tail);
            if let Some(jobs) = &w.jobs
                && jobs.send(part).is_ok()
            {
                sent += 1;
            }
        }
        let mut out = Vec::new();
        for w in self.workers.iter().take(sent) {
            match w.done.recv() {
                Ok(part) => out.extend(part),
                // Its thread is gone: it panicked, a bug, told on its way.
                Err(_) => panic!("a render thread of the export stopped"),
            }
        }
        out
    }
}

impl Drop for Renderers {
    fn drop(&mut self) {
        for w in &mut self.workers {
            w.jobs = None;
        }
        for w in &mut self.workers {
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
        }
    }
}

fn work(
    mut reader: Reader,
    inbox: &Receiver<Vec<Read>>,
    outbox: &Sender<Vec<Rendered>>,
    format: Format,
) {
    while let Ok(part) = inbox.recv() {
        let ids: Vec<&str> = part.iter().map(|(row, _)| row.id.as_str()).collect();
        let answers = reader.answers_of(&ids);
        let rendered: Vec<Rendered> = match answers {
            Ok(all) => part
                .into_iter()
                .zip(all)
                .map(|((row, form), a)| {
                    let out = one(&row, form, Ok(a), format);
                    (row, out)
                })
                .collect(),
            Err(e) => part
                .into_iter()
                .map(|(row, _)| (row, Err(LoadError::Store(e.clone()))))
                .collect(),
        };
        if outbox.send(rendered).is_err() {
            return;
        }
    }
}

fn one(
    row: &ResponseRow,
    form: Result<Arc<Form>, LoadError>,
    answers: Result<Vec<(String, String)>, LoadError>,
    format: Format,
) -> Result<(Vec<u8>, Vec<String>), LoadError> {
    let (form, answers) = (form?, answers?);
    let filling = Filling::to_read(form, answers, clock_for(row), &row.language);
    Ok((render(&filling, row, format), filling.attachments()))
}
