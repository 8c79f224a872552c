//! The files attached to media questions, kept in the data directory's
//! `media/` folder: copied there (0600, synced) the moment they are
//! attached, so a draft keeps its file whatever happens to the original,
//! and named by their content (the answer is that name, as ODK stores it).

use super::Store;
use crate::engine::media::{self, AttachProblem, Detected, Takes};
use crate::form::values;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The folder of attached files, beside the database.
pub const MEDIA_DIR: &str = "media";

/// A file attached: the answer's name, its size and content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

fn io(e: &std::io::Error) -> AttachProblem {
    AttachProblem::Io(e.to_string())
}

impl Store {
    /// The folder attached files are kept in.
    pub fn media_dir(&self) -> PathBuf {
        self.path
            .parent()
            .map_or_else(|| PathBuf::from(MEDIA_DIR), |d| d.join(MEDIA_DIR))
    }

    /// The kept copy of an attached file, if `name` is one that is here.
    pub fn media_file(&self, name: &str) -> Option<PathBuf> {
        let name = values::file_name(name)?;
        let path = self.media_dir().join(name);
        path.is_file().then_some(path)
    }

    /// Attaches the file at `source` to a media question (what it `takes`):
    /// checks that it is a file the question takes and not too large,
    /// copies it into the media folder and returns the answer's name. The
    /// copy is on disk (synced) before this returns.
    pub fn attach(&self, source: &Path, takes: &Takes) -> Result<Attached, AttachProblem> {
        let shown = source.display().to_string();
        if self.is_read_only() {
            return Err(AttachProblem::ReadOnly);
        }
        let meta = match fs::metadata(source) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(AttachProblem::NotFound(shown));
            }
            Err(e) => return Err(io(&e)),
            Ok(m) => m,
        };
        if !meta.is_file() {
            return Err(AttachProblem::NotAFile(shown));
        }
        media::check_size(meta.len())?;
        let mut file = File::open(source).map_err(|e| io(&e))?;
        let mut head = vec![0; media::HEAD_BYTES];
        let n = read_up_to(&mut file, &mut head).map_err(|e| io(&e))?;
        head.truncate(n);
        let original = source
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let detected = Detected::of(&original, &head);
        media::check_type(takes, &detected)?;
        let dir = self.media_dir();
        super::ensure_dir(&dir).map_err(|e| AttachProblem::Io(e.to_string()))?;
        let (tmp, sha256, size) = copy_private(&dir, &head, &mut file).map_err(|e| io(&e))?;
        media::check_size(size).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })?;
        let name = media::stored_name(&original, &sha256, &detected.ext);
        let target = dir.join(&name);
        let kept = if target.is_file() {
            // The same content under the same name: kept already.
            fs::remove_file(&tmp).map_err(|e| io(&e))
        } else {
            fs::rename(&tmp, &target).map_err(|e| io(&e))
        };
        if let Err(e) = kept {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        sync_dir(&dir).map_err(|e| io(&e))?;
        Ok(Attached { name, size, sha256 })
    }
}

impl Store {
    /// Keeps a file under the name a response already gives it (an import
    /// of responses exported elsewhere, their files beside them): copied
    /// into the media folder as `attach` copies, unless a file of that name
    /// is there; one of that name with other content is refused.
    pub fn keep_media(&self, source: &Path, name: &str) -> Result<(), AttachProblem> {
        let Some(name) = values::file_name(name) else {
            return Err(AttachProblem::NotAFile(name.to_string()));
        };
        let meta = fs::metadata(source).map_err(|e| io(&e))?;
        media::check_size(meta.len())?;
        let dir = self.media_dir();
        super::ensure_dir(&dir).map_err(|e| AttachProblem::Io(e.to_string()))?;
        let target = dir.join(&name);
        let mut file = File::open(source).map_err(|e| io(&e))?;
        let (tmp, sha256, _) = copy_private(&dir, &[], &mut file).map_err(|e| io(&e))?;
        if target.is_file() {
            let same = hash_of(&target).is_ok_and(|h| h == sha256);
            let _ = fs::remove_file(&tmp);
            return if same {
                Ok(())
            } else {
                Err(AttachProblem::Io(format!(
                    "another file named {name} is kept already, with other content"
                )))
            };
        }
        fs::rename(&tmp, &target).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io(&e)
        })?;
        sync_dir(&dir).map_err(|e| io(&e))
    }
}

/// The SHA-256 (hex) of a file's content.
fn hash_of(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let k = file.read(&mut buf)?;
        if k == 0 {
            break;
        }
        hash.update(buf.get(..k).unwrap_or_default());
    }
    Ok(media::sha256_hex(hash))
}

/// Reads until `buf` is full or the file ends.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Copies `head` and the rest of `file` into a new private file of `dir`,
/// synced; returns its path, the content's SHA-256 (hex) and size. Stops
/// past the size limit (a file that grew while it was read).
fn copy_private(
    dir: &Path,
    head: &[u8],
    file: &mut File,
) -> std::io::Result<(PathBuf, String, u64)> {
    let tmp = dir.join(format!(".attach-{}", uuid::Uuid::new_v4()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(&tmp)?;
    let result = (|| {
        let mut hash = Sha256::new();
        let mut size = head.len() as u64;
        hash.update(head);
        out.write_all(head)?;
        let mut buf = vec![0; 64 * 1024];
        loop {
            let k = file.read(&mut buf)?;
            if k == 0 {
                break;
            }
            let chunk = buf.get(..k).unwrap_or_default();
            hash.update(chunk);
            out.write_all(chunk)?;
            size += k as u64;
            if size > media::MAX_BYTES {
                break;
            }
        }
        out.sync_all()?;
        Ok((media::sha256_hex(hash), size))
    })();
    match result {
        Ok((sha, size)) => Ok((tmp, sha, size)),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
