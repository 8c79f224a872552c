//! Writers of finished (and draft) responses: pure functions of a `Filling` and
//! its stored row, plus atomic file writing (temp file, fsync, rename, fsync of
//! the directory), so that an export file is either whole or absent.
//!
//! The format is `rileva-response/1`; its JSON Schema is
//! `assets/schema/response.schema.json`.

pub mod audit;
pub mod csv;
pub mod json;
pub mod print;
pub mod walk;
pub mod xml;

pub use json::{FORMAT, response_json};

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `dir/file_name` so that the file is never seen half
/// written: a temp file in the same directory (mode 0600), `sync_all`, rename
/// over the final name, then an fsync of the directory (unix). `dir` is created
/// (0700, with its parents) if missing. On error the temp file is removed and
/// an existing file of that name is left as it was.
pub fn write_atomic(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = write_renamed(dir, file_name, bytes)?;
    sync_dir(dir)?;
    Ok(target)
}

/// `write_atomic` for many files in one directory: each file is written and
/// synced, then renamed into place; the rename itself is durable once
/// `sync_dir` has run, which the caller does once for all of them (before
/// it tells anyone they are there).
pub fn write_renamed(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    if !is_plain_file_name(file_name) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("\"{file_name}\" is not a plain file name"),
        ));
    }
    if !dir.is_dir() {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let target = dir.join(file_name);
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    // A temp file of this name can only be left over by a dead process whose
    // pid was reused: it is ours to replace.
    let _ = fs::remove_file(&temp);
    let result = write_then_rename(&temp, &target, bytes);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    Ok(target)
}

/// Removes the temporary files `write_atomic` leaves when its process is
/// killed between writing and renaming (`.<name>.<pid>.tmp`), once that
/// process is gone: a temp file of a live export is left alone.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid, &entry) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The pid in a temp file's name, `.<name>.<pid>.tmp`.
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, pid) = rest.rsplit_once('.')?;
    pid.parse().ok()
}

/// Whether the process that made a temp file may still be writing it: by
/// /proc where there is one, else by the file's age (a day).
fn process_alive(pid: u32, entry: &fs::DirEntry) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(86_400))
}

fn write_then_rename(temp: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(temp)?;
    // The umask can only remove bits; make the mode exact whatever it is.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, target)
}

/// Makes the renames done in `dir` durable (an fsync of the directory).
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_walk;
