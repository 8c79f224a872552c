//! `rileva publish` and the terminal catalogue: the finished responses of a
//! form gathered into a `publish::Catalogue` (the newest version of each
//! practice, under its first version's address), and the site written
//! into a folder so that publishing again changes only what must change:
//! a page whose bytes are the same is not rewritten, a practice no longer
//! published loses its page, and files rileva did not write are left
//! alone (the folder's `.rileva-site` lists what it wrote).

use super::{Forms, LoadError, clock_for};
use crate::engine::Filling;
use crate::form::Form;
use crate::lang::Lang;
use crate::publish::{Catalogue, DEFAULT_FORM_ID, Layout, LayoutError};
use crate::store::{ResponseRow, Store, StoreError};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The list of files rileva wrote into a site's folder.
pub const MANIFEST: &str = ".rileva-site";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error("no finished response of form {0} to publish")]
    NoSuchForm(String),
    #[error("the finished responses answer several forms ({0}): choose one with --form-id")]
    SeveralForms(String),
    #[error(
        "{0} is not empty and was not written by rileva publish (it has no {MANIFEST}): choose an empty or new folder"
    )]
    NotASite(String),
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

impl PublishError {
    /// The error in the interface's language (the terminal catalogue).
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (PublishError::Store(e), _) => e.text(lang),
            (_, Lang::En) => self.to_string(),
            (PublishError::NoSuchForm(f), Lang::It) => {
                format!("nessuna risposta completata del questionario {f} da pubblicare")
            }
            (PublishError::SeveralForms(f), Lang::It) => format!(
                "le risposte completate sono di più questionari ({f}): sceglierne uno con --form-id"
            ),
            (PublishError::NotASite(d), Lang::It) => format!(
                "{d} non è vuota e non l'ha scritta rileva publish (manca {MANIFEST}): scegliere una cartella vuota o nuova"
            ),
            (PublishError::Write { path, reason }, Lang::It) => {
                format!("impossibile scrivere o leggere {path}: {reason}")
            }
            (PublishError::Layout(e), Lang::It) => {
                format!("schema di pubblicazione non valido: {e}")
            }
        }
    }
}

/// What was gathered and written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PublishTally {
    pub form_id: String,
    pub practices: usize,
    /// Finished responses whose consent keeps them out.
    pub withheld: usize,
    pub unreadable: Vec<(String, String)>,
    /// Files written (new or changed), relative to the folder.
    pub written: Vec<String>,
    pub unchanged: usize,
    /// Pages of practices no longer published, removed.
    pub removed: Vec<String>,
}

/// A catalogue gathered from the store.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub catalogue: Catalogue,
    /// The form whose practices these are.
    pub form_id: String,
    /// Responses that could not be read: (id, why).
    pub unreadable: Vec<(String, String)>,
}

impl PartialEq for Gathered {
    /// The same practices of the same form, read alike.
    fn eq(&self, other: &Gathered) -> bool {
        self.form_id == other.form_id
            && self.unreadable == other.unreadable
            && self.catalogue.withheld == other.catalogue.withheld
            && self.catalogue.practices == other.catalogue.practices
    }
}

/// The finished practices of `form_id` (else the embedded questionnaire's,
/// else the only form answered), as `layout` (else the form's own) shows
/// them in `lang`; the newest definition of the form checks the layout.
pub fn gather(
    store: &Store,
    form_id: Option<&str>,
    layout: Option<(&Layout, &str)>,
    lang: Lang,
) -> Result<Gathered, PublishError> {
    let mut rows: Vec<ResponseRow> = super::finished_rows(store)?;
    let ids: BTreeSet<&str> = rows.iter().map(|r| r.form_id.as_str()).collect();
    let chosen = match form_id {
        Some(f) if ids.contains(f) => f.to_string(),
        Some(f) => return Err(PublishError::NoSuchForm(f.to_string())),
        None if ids.contains(DEFAULT_FORM_ID) => DEFAULT_FORM_ID.to_string(),
        None if ids.len() <= 1 => ids
            .first()
            .map_or_else(|| DEFAULT_FORM_ID.to_string(), |s| s.to_string()),
        None => {
            let all: Vec<&str> = ids.into_iter().collect();
            return Err(PublishError::SeveralForms(all.join(", ")));
        }
    };
    rows.retain(|r| r.form_id == chosen);
    let mut forms = Forms::default();
    let mut unreadable = Vec::new();
    let newest: Arc<Form> = match rows.last() {
        Some(r) => match forms.get(store, r) {
            Ok(f) => f,
            Err(e) => {
                return Err(PublishError::Write {
                    path: r.id.clone(),
                    reason: e.to_string(),
                });
            }
        },
        None => Arc::new(crate::form::load_default().map(|(_, f)| f).map_err(|e| {
            PublishError::Write {
                path: "the embedded questionnaire".into(),
                reason: e.first().map(ToString::to_string).unwrap_or_default(),
            }
        })?),
    };
    let layout = match layout {
        Some((l, file)) => {
            l.check(&newest, file)?;
            l.clone()
        }
        None => Layout::for_form(&newest),
    };
    let mut catalogue = Catalogue::new(&newest, layout, lang);
    let finished: HashMap<&str, &ResponseRow> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    for row in &rows {
        // A newer finished version publishes instead (an edit still in
        // draft does not: the last finished one stays).
        if row
            .superseded_by
            .as_deref()
            .is_some_and(|s| finished.contains_key(s))
        {
            continue;
        }
        let key = first_version(row, &finished);
        let answers = match store.answers(&row.id) {
            Ok(a) => a,
            Err(e) => {
                unreadable.push((row.id.clone(), LoadError::from(e).to_string()));
                continue;
            }
        };
        let form = match forms.get(store, row) {
            Ok(f) => f,
            Err(e) => {
                unreadable.push((row.id.clone(), e.to_string()));
                continue;
            }
        };
        let filling = Filling::to_read(form, answers, clock_for(row), lang.code());
        let completed = row.completed_at.as_deref().unwrap_or(&row.updated_at);
        catalogue.add(&filling, key, completed);
    }
    catalogue.sort();
    Ok(Gathered {
        catalogue,
        form_id: chosen,
        unreadable,
    })
}

/// The catalogue the screens show: `form`'s finished practices, as its own
/// layout shows them; an empty one when it has none yet (other forms in the
/// data directory are not the screens' concern).
pub fn gather_for(store: &Store, form: &Form, lang: Lang) -> Result<Gathered, PublishError> {
    match gather(store, Some(&form.id), None, lang) {
        Err(PublishError::NoSuchForm(_)) => Ok(Gathered {
            catalogue: Catalogue::new(form, Layout::for_form(form), lang),
            form_id: form.id.clone(),
            unreadable: Vec::new(),
        }),
        other => other,
    }
}

/// The id of a response's first version, through the finished versions it
/// replaced.
fn first_version<'a>(row: &'a ResponseRow, finished: &HashMap<&str, &'a ResponseRow>) -> &'a str {
    let mut id = row.id.as_str();
    let mut cur = row;
    for _ in 0..finished.len() {
        match cur.deprecated_id.as_deref().and_then(|d| finished.get(d)) {
            Some(prev) => {
                id = prev.id.as_str();
                cur = prev;
            }
            None => break,
        }
    }
    id
}

/// Gathers and writes the site into `dir`.
pub fn publish(
    store: &Store,
    dir: &Path,
    form_id: Option<&str>,
    layout: Option<(&Layout, &str)>,
    lang: Lang,
) -> Result<PublishTally, PublishError> {
    let Gathered {
        catalogue,
        form_id,
        unreadable,
    } = gather(store, form_id, layout, lang)?;
    let mut tally = PublishTally {
        form_id,
        practices: catalogue.practices.len(),
        withheld: catalogue.withheld,
        unreadable,
        ..Default::default()
    };
    let before = previous_files(dir)?;
    let pages = catalogue.pages();
    let failed = |p: &Path, e: &dyn std::fmt::Display| PublishError::Write {
        path: p.display().to_string(),
        reason: e.to_string(),
    };
    let mut now: BTreeSet<String> = BTreeSet::new();
    let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
    for (rel, bytes) in &pages {
        now.insert(rel.clone());
        let target = dir.join(rel);
        if std::fs::read(&target).is_ok_and(|old| &old == bytes) {
            tally.unchanged += 1;
            continue;
        }
        let parent = target.parent().unwrap_or(dir).to_path_buf();
        write_public(&parent, &target, bytes).map_err(|e| failed(&target, &e))?;
        touched.insert(parent);
        tally.written.push(rel.clone());
    }
    for gone in before.difference(&now) {
        // Only files of the kinds rileva writes, inside the folder.
        if gone.contains("..") || gone.starts_with('/') {
            continue;
        }
        let target = dir.join(gone);
        match std::fs::remove_file(&target) {
            Ok(()) => tally.removed.push(gone.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed(&target, &e)),
        }
        touched.insert(target.parent().unwrap_or(dir).to_path_buf());
    }
    let manifest: String = now.iter().map(|f| format!("{f}\n")).collect();
    let manifest_path = dir.join(MANIFEST);
    if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
        write_public(dir, &manifest_path, manifest.as_bytes())
            .map_err(|e| failed(&manifest_path, &e))?;
        touched.insert(dir.to_path_buf());
    }
    for d in touched {
        crate::export::sync_dir(&d).map_err(|e| failed(&d, &e))?;
    }
    Ok(tally)
}

/// The files the last publish wrote into `dir` (none for a new or empty
/// folder); a folder with other files and no manifest is refused, so that
/// a mistyped `-o` never mixes a site into someone's documents.
fn previous_files(dir: &Path) -> Result<BTreeSet<String>, PublishError> {
    let shown = dir.display().to_string();
    match std::fs::read_to_string(dir.join(MANIFEST)) {
        Ok(text) => return Ok(text.lines().map(str::to_string).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(PublishError::Write {
                path: dir.join(MANIFEST).display().to_string(),
                reason: e.to_string(),
            });
        }
    }
    match std::fs::read_dir(dir).map(|mut e| e.next().is_some()) {
        Ok(true) => Err(PublishError::NotASite(shown)),
        Ok(false) => Ok(BTreeSet::new()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(PublishError::Write {
            path: shown,
            reason: e.to_string(),
        }),
    }
}

/// Writes a file a web server will serve: readable by all (0644, folders
/// 0755), under a temporary name, synced, then renamed into place.
fn write_public(parent: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
    builder.create(parent)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o644);
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
