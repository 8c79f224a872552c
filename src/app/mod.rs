//! Glue shared by the TUI and the command line: where data lives, which form is
//! in use, and turning a stored response back into a `Filling` with the very
//! form it was started on.

pub mod bundle;
pub mod export;
pub mod paths;
pub mod publish;
mod render;
pub mod send;
pub mod tables;
pub mod verify;

use crate::engine::{Clock, Filling};
use crate::form::{self, Form, FormBundle, FormError};
use crate::store::{ResponseRow, Store, StoreError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const ENV_DATA_DIR: &str = "RILEVA_DATA_DIR";

/// The data directory: `--data-dir`, else `$RILEVA_DATA_DIR`, else the
/// platform's data directory for rileva.
pub fn data_dir(flag: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(ENV_DATA_DIR).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "rileva")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            format!("cannot find a home directory for the data; use --data-dir or {ENV_DATA_DIR}")
        })
}

pub fn exports_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("exports")
}

/// The questionnaire for new responses: `--form FILE`, else the embedded one.
pub fn load_form(path: Option<&Path>) -> Result<(FormBundle, Arc<Form>), Vec<FormError>> {
    let (bundle, form) = match path {
        Some(p) => form::load_path(p)?,
        None => form::load_default()?,
    };
    Ok((bundle, Arc::new(form)))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the form of response {id} (sha256 {sha256}) is missing from the database")]
    FormMissing { id: String, sha256: String },
    #[error("the stored form of response {id} no longer compiles: {message}")]
    FormBroken { id: String, message: String },
}

impl LoadError {
    /// The error in the interface's language.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        match (self, lang) {
            (LoadError::Store(e), _) => e.text(lang),
            (_, Lang::En) => self.to_string(),
            (LoadError::FormMissing { id, .. }, Lang::It) => format!(
                "la risposta {id} non si può aprire: il suo questionario manca dal database (`rileva check` dice di più)"
            ),
            (LoadError::FormBroken { id, message }, Lang::It) => format!(
                "la risposta {id} non si può aprire: il suo questionario non è più valido ({message})"
            ),
        }
    }
}

/// The clock a stored response is evaluated with: for a finalized one, the
/// moment it was finalized (so that `today()` and `now()` in calculations
/// and relevance give what they gave on entry, not on export day); for a
/// draft, the real clock.
pub fn clock_for(row: &ResponseRow) -> Clock {
    row.completed_at
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| Clock::Fixed(t.to_zoned_datetime(jiff::tz::TimeZone::system())))
        .unwrap_or(Clock::System)
}

/// Every finished (complete or exported) response in stored order, the
/// keying entries of a paper under verification left out (its verified
/// result stands for it): what publishing, sending and bundling go through.
pub fn finished_rows(store: &Store) -> Result<Vec<ResponseRow>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let (rows, next) = store.batch(
            &[
                crate::store::Status::Complete,
                crate::store::Status::Exported,
            ],
            cursor,
            1000,
        )?;
        if rows.is_empty() {
            return Ok(out);
        }
        cursor = next;
        out.extend(rows);
    }
}

/// Compiled forms by hash, so that listing or exporting many responses
/// compiles each form once.
#[derive(Default)]
pub struct Forms {
    cache: HashMap<String, Arc<Form>>,
}

impl Forms {
    pub fn insert(&mut self, form: Arc<Form>) {
        self.cache.insert(form.sha256.clone(), form);
    }

    pub fn get(&mut self, store: &Store, row: &ResponseRow) -> Result<Arc<Form>, LoadError> {
        if let Some(f) = self.cache.get(&row.form_sha256) {
            return Ok(f.clone());
        }
        let bundle = store
            .load_form(&row.form_sha256)?
            .ok_or_else(|| LoadError::FormMissing {
                id: row.id.clone(),
                sha256: row.form_sha256.clone(),
            })?;
        let form = form::compile(&bundle).map_err(|errors| LoadError::FormBroken {
            id: row.id.clone(),
            message: errors.first().map(ToString::to_string).unwrap_or_default(),
        })?;
        let form = Arc::new(form);
        self.cache.insert(row.form_sha256.clone(), form.clone());
        Ok(form)
    }

    /// A stored response with its answers, on the form it was started with,
    /// in the language it was filled in.
    pub fn filling(
        &mut self,
        store: &Store,
        row: &ResponseRow,
        clock: Clock,
    ) -> Result<Filling, LoadError> {
        let form = self.get(store, row)?;
        let answers = store.answers(&row.id)?;
        Ok(Filling::in_language(form, answers, clock, &row.language))
    }

    /// `filling`, to read through only (an export): its relevance and
    /// values, without the statuses and screens that filling it needs.
    pub fn to_read(
        &mut self,
        store: &Store,
        row: &ResponseRow,
        clock: Clock,
    ) -> Result<Filling, LoadError> {
        let form = self.get(store, row)?;
        let answers = store.answers(&row.id)?;
        Ok(Filling::to_read(form, answers, clock, &row.language))
    }
}
