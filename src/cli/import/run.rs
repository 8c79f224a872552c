//! One import, row by row: each row judged, its fate decided (new, already
//! imported, the same id as an earlier row), its problems reported, and with
//! `--commit` the rows to create written in batches.
//!
//! A batch is judged first, outside any transaction, then written in one
//! transaction (`Store::import_batch`), sized from the time rows took so far
//! so that it holds the write lock for about `HOLD`, commit included; what
//! it did not write in time waits for the next one. The lock is then left
//! free for at least `GAP` (judging the next batch usually takes longer),
//! and the WAL is copied into the database meanwhile (`Store::checkpoint`).
//! Another writer (the TUI saving an answer, which retries as SQLite's busy
//! handler does: every few ms at first, every 25 ms up to 100 ms) so finds
//! the lock free within about `HOLD` and one try, far inside its 5 s busy
//! timeout. Memory holds one batch of judged rows and the ids seen so far.

use super::super::{Out, plural};
use super::ImportOptions;
use super::progress::Progress;
use crate::form::{Form, FormBundle};
use crate::import::{Judge, Judged, Note, Row};
use crate::store::{Imported, ImportedResponse, Status, Store};
use crate::text::sanitize;
use crate::timefmt;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long one transaction of the import should hold the write lock, its
/// commit included: batches are sized for it from the time rows took so far.
const HOLD: Duration = Duration::from_millis(50);
/// The most one transaction spends writing rows before it commits, should
/// rows turn slower than the last ones (its commit, without an fsync, adds a
/// few ms).
const WRITING: Duration = Duration::from_millis(40);
/// The least time the write lock is left free between two transactions of
/// the import: longer than the busy handler's 25 ms between two tries.
const GAP: Duration = Duration::from_millis(30);
/// Rows judged before they are written, at first: then as many as `HOLD`
/// allows at the time rows took so far, between `MIN_BATCH` and `MAX_BATCH`
/// (what an interruption loses, judged again by a re-run, and what memory
/// holds).
const FIRST_BATCH: usize = 64;
const MIN_BATCH: usize = 8;
const MAX_BATCH: usize = 1_000;

/// Who and what the imported responses record.
pub(super) struct Who {
    pub operator: String,
    pub device_id: String,
    /// The data file's name.
    pub source: String,
    /// Where the files its rows name are looked for: the data file's folder
    /// (a rileva export writes them there).
    pub files_dir: std::path::PathBuf,
}

/// What an import did so far.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counts {
    /// Rows read.
    pub rows: usize,
    pub valid: usize,
    pub invalid: usize,
    pub already: usize,
    /// Responses created.
    pub complete: usize,
    pub drafts: usize,
}

impl Counts {
    pub fn summary(&self) -> String {
        format!(
            "{}: {} valid, {} not valid, {} already imported",
            plural(self.rows, "row", "rows"),
            self.valid,
            self.invalid,
            self.already
        )
    }
}

/// What becomes of a row.
enum Fate {
    New,
    /// Already in the database, as this response.
    Already(String),
    /// The same id as an earlier row of this file.
    SameAs(usize),
}

/// A row to create.
struct Pending {
    id: String,
    status: Status,
    judged: Judged,
}

pub(super) struct Run<'a> {
    judge: Judge,
    store: Option<&'a mut Store>,
    bundle: &'a FormBundle,
    form: &'a Arc<Form>,
    who: Who,
    commit: bool,
    as_drafts: bool,
    progress: &'a Progress,
    /// The first row with each id, for the rows that repeat it.
    first_with: HashMap<Uuid, usize>,
    pending: Vec<Pending>,
    /// How many rows are kept before a transaction writes them.
    batch: usize,
    /// How long the write lock was held per row written, lately.
    per_row: Option<Duration>,
    counts: Counts,
    /// When the import's last transaction committed.
    committed: Option<Instant>,
}

impl<'a> Run<'a> {
    pub fn new(
        judge: Judge,
        store: Option<&'a mut Store>,
        (bundle, form): (&'a FormBundle, &'a Arc<Form>),
        who: Who,
        o: &ImportOptions,
        progress: &'a Progress,
    ) -> Run<'a> {
        Run {
            judge,
            store,
            bundle,
            form,
            who,
            commit: o.commit,
            as_drafts: o.as_drafts,
            progress,
            first_with: HashMap::new(),
            pending: Vec::new(),
            batch: FIRST_BATCH,
            per_row: None,
            counts: Counts::default(),
            committed: None,
        }
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// One row of the file: judged, reported, and kept to be written.
    pub fn row<W: Write>(&mut self, row: Row, out: &mut Out<W>) -> Result<(), String> {
        let j = self.judge.row(&row);
        drop(row);
        self.counts.rows += 1;
        let mut lines = Vec::new();
        let new = match self.fate(&j)? {
            Fate::Already(id) => {
                self.counts.already += 1;
                lines.push(format!(
                    "row {}: already imported (response {id})",
                    j.number
                ));
                false
            }
            Fate::SameAs(first) => {
                self.counts.already += 1;
                lines.push(format!(
                    "row {}: the same response (same id) as row {first}: skipped",
                    j.number
                ));
                false
            }
            Fate::New => {
                if j.is_valid() {
                    self.counts.valid += 1;
                } else {
                    self.counts.invalid += 1;
                }
                for n in &j.problems {
                    lines.push(sanitize(&note_line(j.number, n, ""), false).into_owned());
                }
                for n in &j.warnings {
                    lines.push(sanitize(&note_line(j.number, n, "warning: "), false).into_owned());
                }
                for f in j
                    .files
                    .iter()
                    .filter(|f| !self.who.files_dir.join(f).is_file())
                {
                    lines.push(
                        sanitize(
                            &format!(
                                "row {}: warning: the file \"{f}\" it names is not beside the data file (in {}): the response will name a file it does not have",
                                j.number,
                                self.who.files_dir.display()
                            ),
                            false,
                        )
                        .into_owned(),
                    );
                }
                true
            }
        };
        self.progress.print(out, &lines);
        self.progress.row();
        if new && self.commit && (j.is_valid() || self.as_drafts) {
            let id = j.id.clone().unwrap_or_else(|| Uuid::new_v4().to_string());
            let status = if j.is_valid() {
                Status::Complete
            } else {
                Status::Draft
            };
            self.pending.push(Pending {
                id,
                status,
                judged: j,
            });
            if self.pending.len() >= self.batch {
                self.write(out)?;
            }
        }
        Ok(())
    }

    /// New, already in the database, or a repeat of an earlier row's id.
    fn fate(&mut self, j: &Judged) -> Result<Fate, String> {
        let e = |e: crate::store::StoreError| e.to_string();
        if let Some(uuid) = j.id.as_deref().and_then(|id| Uuid::parse_str(id).ok()) {
            match self.first_with.entry(uuid) {
                Entry::Occupied(first) => return Ok(Fate::SameAs(*first.get())),
                Entry::Vacant(v) => {
                    v.insert(j.number);
                }
            }
        }
        let Some(store) = self.store.as_deref() else {
            return Ok(Fate::New);
        };
        if let Some(id) = j.id.as_deref()
            && store.response_exists(id).map_err(e)?
        {
            return Ok(Fate::Already(id.to_string()));
        }
        Ok(match store.imported_as(&j.key).map_err(e)? {
            Some(id) => Fate::Already(id),
            None => Fate::New,
        })
    }

    /// Papers whose second entry came in this import, met with their first
    /// entry here: compared, and verified when they agree. A line each.
    pub fn settle(&mut self) -> Result<Vec<String>, String> {
        let Some(store) = self.store.as_deref_mut() else {
            return Ok(Vec::new());
        };
        let mut forms = crate::app::Forms::default();
        let settled =
            crate::app::verify::settle_pending(store, &mut forms).map_err(|e| e.to_string())?;
        Ok(settled
            .into_iter()
            .map(|(paper, s)| match s {
                crate::app::verify::Settled::Agreed => format!(
                    "double entry: paper {paper} met its first entry; they agree: verified"
                ),
                crate::app::verify::Settled::Discordant(n) => format!(
                    "double entry: paper {paper} met its first entry; {n} fields differ: to reconcile (rileva reconcile)"
                ),
            })
            .collect())
    }

    /// Writes every row kept so far (at the end of the file).
    pub fn flush<W: Write>(&mut self, out: &mut Out<W>) -> Result<(), String> {
        while !self.pending.is_empty() {
            self.write(out)?;
        }
        Ok(())
    }

    /// One transaction of the rows kept, from the first: as many as it
    /// writes within `HOLD`; the rest wait for the next one. Reports the
    /// rows another import created in between.
    fn write<W: Write>(&mut self, out: &mut Out<W>) -> Result<(), String> {
        let Some(store) = self.store.as_deref_mut() else {
            return Err("the database was not opened".into());
        };
        let who = &self.who;
        // The files first (as the screens attach a file before its answer):
        // a response is never in the database without the files beside it.
        for p in &self.pending {
            for f in &p.judged.files {
                let from = who.files_dir.join(f);
                if from.is_file() {
                    store.keep_media(&from, f).map_err(|e| {
                        format!("row {}: {}", p.judged.number, e.text(crate::lang::Lang::En))
                    })?;
                }
            }
        }
        let items: Vec<ImportedResponse<'_>> = self
            .pending
            .iter()
            .map(|p| ImportedResponse {
                id: &p.id,
                deprecated_id: p.judged.deprecated_id.as_deref(),
                status: p.status,
                operator: &who.operator,
                device_id: &who.device_id,
                language: &p.judged.language,
                summary: &p.judged.summary,
                answers: &p.judged.answers,
                source_key: &p.judged.key,
                source: &who.source,
                paper: p.judged.paper_id.as_deref(),
                keyer: p.judged.keyer.as_deref(),
            })
            .collect();
        // Leave the lock free for a while after the last commit (judging
        // the rows of this batch usually took longer).
        if let Some(free) = self.committed.map(|t| t.elapsed())
            && free < GAP
        {
            std::thread::sleep(GAP - free);
        }
        let at = timefmt::now_rfc3339();
        let started = Instant::now();
        let outcomes = store
            .import_batch(self.bundle, self.form, &items, &at, WRITING)
            .map_err(|e| e.to_string())?;
        // Lock taken, rows written, committed: how long the lock was held
        // (and any wait for it, which is short).
        let held = started.elapsed();
        self.committed = Some(Instant::now());
        drop(items);
        let written = outcomes.len().min(self.pending.len());
        let Some(per_row) = u32::try_from(written)
            .ok()
            .filter(|&n| n > 0)
            .map(|n| held / n)
        else {
            return Err("the database wrote nothing".into());
        };
        // The next batch: as many rows as `HOLD` allows at the time rows
        // take, smoothed so that one slow commit does not shrink it at once.
        let per_row = match self.per_row {
            Some(before) => (before * 3 + per_row) / 4,
            None => per_row,
        };
        self.per_row = Some(per_row);
        let fits = HOLD.as_nanos() / per_row.as_nanos().max(1);
        self.batch = usize::try_from(fits)
            .unwrap_or(MAX_BATCH)
            .clamp(MIN_BATCH, MAX_BATCH);
        let mut lines = Vec::new();
        for (p, outcome) in self.pending.drain(..written).zip(&outcomes) {
            match outcome {
                Imported::Created if p.status == Status::Complete => {
                    self.counts.complete += 1;
                }
                Imported::Created => self.counts.drafts += 1,
                Imported::AlreadyThere(id) => {
                    lines.push(format!(
                        "row {}: already imported (response {id}), by an import at the same time",
                        p.judged.number
                    ));
                    self.counts.already += 1;
                    if p.judged.is_valid() {
                        self.counts.valid = self.counts.valid.saturating_sub(1);
                    } else {
                        self.counts.invalid = self.counts.invalid.saturating_sub(1);
                    }
                }
            }
        }
        self.progress.print(out, &lines);
        // Into the database now that the lock is free, rather than inside
        // the commit.
        store.checkpoint().map_err(|e| e.to_string())
    }

    /// The one line for an import that stopped: why, and what it had done.
    pub fn stopped(&self, why: &str) -> String {
        let c = &self.counts;
        if !self.commit {
            format!("{why}; dry run")
        } else if c.complete + c.drafts == 0 {
            format!("{why}; nothing was imported")
        } else {
            format!(
                "{why}; the import stopped after creating {} complete, {} \
                 (importing the same file again creates only the rest)",
                c.complete,
                plural(c.drafts, "draft", "drafts")
            )
        }
    }
}

fn note_line(row: usize, n: &Note, prefix: &str) -> String {
    match &n.field {
        Some(f) => format!("row {row}, field {f}: {prefix}{}", n.message),
        None => format!("row {row}: {prefix}{}", n.message),
    }
}
