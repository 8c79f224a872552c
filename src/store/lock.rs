//! One rileva TUI per data directory. The lock is an OS file lock, so it goes
//! away with the process however it ends (even SIGKILL): no stale locks.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct DirLock {
    _file: File,
    pub path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another rileva{holder} is already working in {dir}; close it first (two copies would overwrite each other's drafts)"
    )]
    Busy { dir: String, holder: String },
    #[error("cannot create the lock file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl DirLock {
    pub fn acquire(data_dir: &Path) -> Result<DirLock, LockError> {
        let path = data_dir.join("rileva.lock");
        let io = |source| LockError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(LockError::Busy {
                    dir: data_dir.display().to_string(),
                    holder: if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" (process {holder})")
                    },
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // Best effort: the pid helps the message of a second copy.
        let _ = file.set_len(0);
        let _ = file.seek(SeekFrom::Start(0));
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(DirLock { _file: file, path })
    }
}

/// Held (shared) by every open `Store` of a data directory, whatever the
/// command: whoever can take it exclusively is the only one there. That
/// tells a WAL left by a crash or put there by hand (to check before
/// SQLite applies it) from the live WAL of a TUI that is running, and
/// lets the last one out leave the database as one self-contained file.
#[derive(Debug)]
pub(super) struct OpenLock {
    file: File,
}

impl OpenLock {
    /// Takes the lock: `Ok((lock, alone))`, `alone` when no other store has
    /// the directory open (the lock is then exclusive until `share`).
    /// `Err` when the lock file cannot be made (a read-only directory).
    pub(super) fn take(data_dir: &Path) -> std::io::Result<(OpenLock, bool)> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(data_dir.join("rileva.open"))?;
        match file.try_lock() {
            Ok(()) => Ok((OpenLock { file }, true)),
            Err(TryLockError::WouldBlock) => {
                // Waits only while another opener checks a leftover WAL.
                file.lock_shared()?;
                Ok((OpenLock { file }, false))
            }
            Err(TryLockError::Error(e)) => Err(e),
        }
    }

    /// From exclusive (alone) to shared, once the open is done.
    pub(super) fn share(&self) -> std::io::Result<()> {
        self.file.lock_shared()
    }

    /// Whether this is the last store open on the directory (then holding
    /// it exclusively, as it goes).
    pub(super) fn last_out(&self) -> bool {
        self.file.try_lock().is_ok()
    }
}
