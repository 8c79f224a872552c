//! Bundles: the upload for no connection at all. `rileva bundle -o FILE`
//! writes the finished responses not yet bundled or sent (or all of them)
//! into one zip, with their form definitions and attached files, and a
//! manifest naming every entry with its SHA-256; `rileva import FILE` on
//! another machine checks every entry against it before anything is
//! written, refuses a damaged bundle naming the damaged entry, and brings
//! the responses in as they were (a response already there is left alone),
//! ready for `rileva send`.

use super::Forms;
use crate::form::{self, FormBundle};
use crate::store::{Carried, Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;

pub const FORMAT: &str = "rileva-bundle/1";
const MANIFEST: &str = "manifest.json";
/// No entry of a bundle is read past this (a form, a response, a file).
const MOST: u64 = 200 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub device_id: String,
    pub forms: Vec<FormEntry>,
    pub responses: usize,
    /// Every other entry of the zip, with its SHA-256 (hex) and size.
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FormEntry {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("{path} is not a rileva bundle ({reason})")]
    NotABundle { path: String, reason: String },
    #[error("{path} is damaged: {entry} {reason}; nothing was imported")]
    Damaged {
        path: String,
        entry: String,
        reason: String,
    },
    #[error(
        "{path}: the form {sha256} of a response cannot be used ({reason}); nothing was imported"
    )]
    Form {
        path: String,
        sha256: String,
        reason: String,
    },
}

/// What a bundle held, or what was brought in from one.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BundleTally {
    pub responses: usize,
    pub files: usize,
    /// Responses that were here already (import).
    pub already: usize,
    /// Responses named in the bundle whose attached file could not be kept.
    pub unkept: Vec<(String, String)>,
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the bundle `out`: the responses not yet bundled or sent (`all`:
/// every finished one), marked bundled once the file is whole in place.
pub fn write(store: &mut Store, out: &Path, all: bool) -> Result<BundleTally, BundleError> {
    let failed = |e: &dyn std::fmt::Display| BundleError::Write {
        path: out.display().to_string(),
        reason: e.to_string(),
    };
    let skip = if all {
        Default::default()
    } else {
        store.bundled_or_sent()?
    };
    let mut rows = super::finished_rows(store)?;
    rows.retain(|r| !skip.contains(&r.id));
    let mut tally = BundleTally::default();
    if rows.is_empty() {
        return Ok(tally);
    }
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| failed(&"not a file name"))?;
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&temp).map_err(|e| failed(&e))?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o600);
        let mut entries: Vec<FileEntry> = Vec::new();
        let mut put = |zip: &mut zip::ZipWriter<std::fs::File>, path: String, bytes: &[u8]| {
            zip.start_file(path.as_str(), options)
                .map_err(|e| failed(&e))?;
            zip.write_all(bytes).map_err(|e| failed(&e))?;
            entries.push(FileEntry {
                sha256: hex(bytes),
                bytes: bytes.len() as u64,
                path,
            });
            Ok::<(), BundleError>(())
        };
        let mut forms: BTreeMap<String, FormEntry> = BTreeMap::new();
        let mut media: BTreeSet<String> = BTreeSet::new();
        let mut compiled = Forms::default();
        for row in &rows {
            if !forms.contains_key(&row.form_sha256) {
                let bundle = store
                    .load_form(&row.form_sha256)?
                    .ok_or_else(|| failed(&format!("the form of {} is missing", row.id)))?;
                put(
                    &mut zip,
                    format!("forms/{}.json", row.form_sha256),
                    bundle.to_snapshot().as_bytes(),
                )?;
                forms.insert(
                    row.form_sha256.clone(),
                    FormEntry {
                        id: row.form_id.clone(),
                        version: row.form_version.clone(),
                        sha256: row.form_sha256.clone(),
                    },
                );
            }
            let answers = store.answers(&row.id)?;
            if let Ok(filling) = compiled.to_read(store, row, super::clock_for(row)) {
                media.extend(filling.attachments());
            }
            let carried = Carried::of(row, answers);
            let text = serde_json::to_vec(&carried).map_err(|e| failed(&e))?;
            put(&mut zip, format!("responses/{}.json", row.id), &text)?;
            tally.responses += 1;
        }
        for name in &media {
            if let Some(path) = store.media_file(name) {
                let bytes = std::fs::read(&path).map_err(|e| failed(&e))?;
                put(&mut zip, format!("media/{name}"), &bytes)?;
                tally.files += 1;
            }
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            created_at: crate::timefmt::now_rfc3339(),
            device_id: store.device_id()?,
            forms: forms.into_values().collect(),
            responses: tally.responses,
            files: entries,
        };
        let text = serde_json::to_vec_pretty(&manifest).map_err(|e| failed(&e))?;
        zip.start_file(MANIFEST, options).map_err(|e| failed(&e))?;
        zip.write_all(&text).map_err(|e| failed(&e))?;
        let file = zip.finish().map_err(|e| failed(&e))?;
        file.sync_all().map_err(|e| failed(&e))?;
        std::fs::rename(&temp, out).map_err(|e| failed(&e))?;
        crate::export::sync_dir(dir).map_err(|e| failed(&e))?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    store.record_bundled(
        &ids,
        &out.display().to_string(),
        &crate::timefmt::now_rfc3339(),
    )?;
    Ok(tally)
}

/// Whether a file is a bundle (a zip holding a manifest of this format).
pub fn is_bundle(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return false;
    };
    let Ok(mut m) = zip.by_name(MANIFEST) else {
        return false;
    };
    let mut text = String::new();
    m.by_ref().take(1 << 20).read_to_string(&mut text).is_ok() && text.contains(FORMAT)
}

/// A bundle whose every entry matched its manifest: its forms compiled,
/// its responses read, its files in memory.
pub struct Checked {
    pub path: String,
    pub manifest: Manifest,
    forms: BTreeMap<String, (FormBundle, form::Form)>,
    /// In the order they were finished: an edit after its original.
    pub responses: Vec<Carried>,
    media: Vec<(String, Vec<u8>)>,
}

/// Checks every entry of the bundle `path` against its manifest; nothing
/// is written.
pub fn check(path: &Path) -> Result<Checked, BundleError> {
    let shown = path.display().to_string();
    let not = |reason: &dyn std::fmt::Display| BundleError::NotABundle {
        path: shown.clone(),
        reason: reason.to_string(),
    };
    let damaged = |entry: &str, reason: &str| BundleError::Damaged {
        path: shown.clone(),
        entry: entry.to_string(),
        reason: reason.to_string(),
    };
    let file = std::fs::File::open(path).map_err(|e| not(&e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| not(&e))?;
    let manifest: Manifest = {
        let mut m = zip.by_name(MANIFEST).map_err(|e| not(&e))?;
        let mut text = Vec::new();
        m.by_ref()
            .take(16 << 20)
            .read_to_end(&mut text)
            .map_err(|e| damaged(MANIFEST, &e.to_string()))?;
        serde_json::from_slice(&text).map_err(|e| damaged(MANIFEST, &e.to_string()))?
    };
    if manifest.format != FORMAT {
        return Err(not(&format!(
            "its format is {:?}, not {FORMAT}",
            manifest.format
        )));
    }
    // Every entry read and checked before anything is written.
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for f in &manifest.files {
        let plain = f
            .path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..");
        if !plain || f.bytes > MOST {
            return Err(damaged(&f.path, "is not an entry rileva writes"));
        }
        let mut entry = zip
            .by_name(&f.path)
            .map_err(|_| damaged(&f.path, "is missing"))?;
        let mut bytes = Vec::new();
        entry
            .by_ref()
            .take(MOST + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| damaged(&f.path, &format!("cannot be read ({e})")))?;
        if bytes.len() as u64 != f.bytes || hex(&bytes) != f.sha256 {
            return Err(damaged(&f.path, "does not match its checksum"));
        }
        contents.insert(f.path.clone(), bytes);
    }
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for name in zip.file_names() {
        let name = name.map_err(|e| not(&e))?;
        if name != MANIFEST && !name.ends_with('/') && !listed.contains(name.as_ref()) {
            return Err(damaged(&name, "is not in the manifest"));
        }
    }
    let mut forms: BTreeMap<String, (FormBundle, form::Form)> = BTreeMap::new();
    let mut carried: Vec<Carried> = Vec::new();
    for (name, bytes) in &contents {
        if let Some(sha) = name
            .strip_prefix("forms/")
            .and_then(|n| n.strip_suffix(".json"))
        {
            let text = String::from_utf8_lossy(bytes);
            let bundle = FormBundle::from_snapshot(&text).map_err(|e| BundleError::Form {
                path: shown.clone(),
                sha256: sha.to_string(),
                reason: e,
            })?;
            let compiled = form::compile(&bundle).map_err(|e| BundleError::Form {
                path: shown.clone(),
                sha256: sha.to_string(),
                reason: e.first().map(ToString::to_string).unwrap_or_default(),
            })?;
            forms.insert(sha.to_string(), (bundle, compiled));
        } else if name.starts_with("responses/") {
            let r: Carried =
                serde_json::from_slice(bytes).map_err(|e| damaged(name, &e.to_string()))?;
            carried.push(r);
        }
    }
    carried.sort_by(|a, b| {
        (a.completed_at.as_deref(), &a.created_at).cmp(&(b.completed_at.as_deref(), &b.created_at))
    });
    for r in &carried {
        if !forms.contains_key(&r.form_sha256) {
            return Err(BundleError::Form {
                path: shown.clone(),
                sha256: r.form_sha256.clone(),
                reason: "it is not in the bundle".into(),
            });
        }
    }
    let media = contents
        .into_iter()
        .filter_map(|(name, bytes)| {
            let file = name.strip_prefix("media/").filter(|f| !f.contains('/'))?;
            Some((file.to_string(), bytes))
        })
        .collect();
    Ok(Checked {
        path: shown,
        manifest,
        forms,
        responses: carried,
        media,
    })
}

/// Brings a checked bundle's files and responses in (a response already
/// here is left as it is).
pub fn import(store: &mut Store, b: &Checked) -> Result<BundleTally, BundleError> {
    let mut tally = BundleTally::default();
    let at = crate::timefmt::now_rfc3339();
    let media_dir = Staging::new(store)?;
    for (file, bytes) in &b.media {
        let temp = media_dir.0.join(file);
        std::fs::write(&temp, bytes).map_err(|e| BundleError::Write {
            path: temp.display().to_string(),
            reason: e.to_string(),
        })?;
        match store.keep_media(&temp, file) {
            Ok(()) => tally.files += 1,
            Err(e) => tally
                .unkept
                .push((file.to_string(), e.text(crate::lang::Lang::En))),
        }
    }
    for r in &b.responses {
        let Some((bundle, compiled)) = b.forms.get(&r.form_sha256) else {
            continue;
        };
        if store.carry_in(bundle, compiled, r, &at)? {
            tally.responses += 1;
        } else {
            tally.already += 1;
        }
    }
    Ok(tally)
}

/// A private folder in the data directory for files on their way into
/// its media folder; removed when done.
struct Staging(std::path::PathBuf);

impl Staging {
    fn new(store: &Store) -> Result<Staging, BundleError> {
        let media = store.media_dir();
        let parent = media.parent().unwrap_or(&media).to_path_buf();
        let dir = parent.join(format!(".bundle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(|e| BundleError::Write {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(Staging(dir))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
