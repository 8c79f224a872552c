//! The CSV tables of `rileva export --format csv`: every response with the
//! given statuses, read a batch at a time, its rows (`export::csv`) put in
//! its form's tables, one set of files per form definition. Each file is
//! written whole under a temporary name and renamed into place at the end;
//! nothing is marked exported (tables are read again and again by
//! analysts; the file exports keep their own state).

use super::{Forms, LoadError, clock_for};
use crate::engine::Filling;
use crate::export::{self, csv::Layout, csv::Options};
use crate::store::{ResponseRow, Status, Store, StoreError};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the tables could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

/// What the tables hold.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TablesTally {
    pub responses: usize,
    /// Responses whose form could not be read (said, and left out).
    pub unreadable: Vec<(String, String)>,
    /// The files written, in order.
    pub files: Vec<PathBuf>,
}

/// One form definition's tables being written.
struct Set {
    layout: Layout,
    writers: Vec<(PathBuf, PathBuf, ::csv::Writer<std::fs::File>)>,
}

/// Writes the tables of every response with `statuses` into `dir`. On an
/// error no half-written table is left behind (a table already renamed
/// into place is whole).
pub fn write(
    store: &Store,
    statuses: &[Status],
    dir: &Path,
    options: &Options,
) -> Result<TablesTally, TablesError> {
    let mut temps = Vec::new();
    let result = write_all(store, statuses, dir, options, &mut temps);
    if result.is_err() {
        for t in temps {
            let _ = std::fs::remove_file(t);
        }
    }
    result
}

fn write_all(
    store: &Store,
    statuses: &[Status],
    dir: &Path,
    options: &Options,
    temps: &mut Vec<PathBuf>,
) -> Result<TablesTally, TablesError> {
    let failed = |path: &Path, e: &dyn std::fmt::Display| TablesError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, &e))?;
    let mut forms = Forms::default();
    let mut sets: HashMap<String, Set> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut stems: HashMap<String, Vec<String>> = HashMap::new();
    let mut tally = TablesTally::default();
    let mut cursor = None;
    loop {
        let (rows, next) = store.batch(statuses, cursor, 500)?;
        if rows.is_empty() {
            break;
        }
        cursor = next;
        for row in rows {
            let form = match forms.get(store, &row) {
                Ok(f) => f,
                Err(e) => {
                    tally.unreadable.push((row.id.clone(), e.to_string()));
                    continue;
                }
            };
            if !sets.contains_key(&row.form_sha256) {
                let stem = stem_for(&mut stems, &row);
                let layout = Layout::of(&form, &stem, options.clone());
                let mut writers = Vec::new();
                for (t, file) in layout.files().into_iter().enumerate() {
                    let target = dir.join(file);
                    let temp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
                    temps.push(temp.clone());
                    let mut w = ::csv::Writer::from_path(&temp).map_err(|e| failed(&temp, &e))?;
                    w.write_record(layout.header(t))
                        .map_err(|e| failed(&temp, &e))?;
                    writers.push((temp, target, w));
                }
                order.push(row.form_sha256.clone());
                sets.insert(row.form_sha256.clone(), Set { layout, writers });
            }
            let answers = match store.answers(&row.id) {
                Ok(a) => a,
                Err(e) => {
                    tally
                        .unreadable
                        .push((row.id.clone(), LoadError::from(e).to_string()));
                    continue;
                }
            };
            let filling = Filling::to_read(form, answers, clock_for(&row), &row.language);
            let present = filling
                .attachments()
                .iter()
                .filter(|n| store.media_file(n).is_some())
                .count();
            let Some(set) = sets.get_mut(&row.form_sha256) else {
                continue;
            };
            for (t, cells) in set.layout.rows(&filling, &row, present) {
                if let Some((temp, _, w)) = set.writers.get_mut(t) {
                    w.write_record(&cells).map_err(|e| failed(temp, &e))?;
                }
            }
            tally.responses += 1;
        }
    }
    for sha in order {
        let Some(set) = sets.remove(&sha) else {
            continue;
        };
        for (temp, target, w) in set.writers {
            let file = w.into_inner().map_err(|e| failed(&temp, &e.error()))?;
            let mut file = file;
            file.flush().map_err(|e| failed(&temp, &e))?;
            file.sync_all().map_err(|e| failed(&temp, &e))?;
            std::fs::rename(&temp, &target).map_err(|e| failed(&target, &e))?;
            tally.files.push(target);
        }
    }
    export::sync_dir(dir).map_err(|e| failed(dir, &e))?;
    Ok(tally)
}

/// A form definition's file stem: its form id, or, when another
/// definition of the same form id is in the export too, the id and its
/// version (`~v2`), else 8 digits of its hash.
fn stem_for(stems: &mut HashMap<String, Vec<String>>, row: &ResponseRow) -> String {
    let safe: String = row
        .form_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let seen = stems.entry(safe.clone()).or_default();
    let stem = if seen.is_empty() {
        safe
    } else if !row.form_version.is_empty() && !seen.iter().any(|s| s.ends_with(&row.form_version)) {
        format!("{safe}~{}", row.form_version)
    } else {
        format!(
            "{safe}~{}",
            row.form_sha256.chars().take(8).collect::<String>()
        )
    };
    seen.push(stem.clone());
    stem
}
