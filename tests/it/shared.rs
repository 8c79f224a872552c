//! What the tests read from `../shared` (other projects' corpora, never
//! copied into this repository) and the reports they write.
//!
//! A test that needs `../shared` and does not find it fails when `CI` is
//! set (CI must run every test), and elsewhere says that it skips.
//!
//! Reports (the conformance figures) are written under the target directory,
//! never over the copies in `tests/conformance/`, which git tracks: a report
//! that differs from its tracked copy fails the test with the command that
//! takes the new one, as a snapshot would.

use std::path::{Path, PathBuf};

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Writes this run's report under the target directory; returns where.
pub fn write_report(name: &str, fresh: &str) -> std::path::PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("conformance")
        .join(name);
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).expect("report directory");
    }
    std::fs::write(&out, fresh).expect("report written");
    out
}

/// A directory of `../shared` (`rel` inside it), or `None` after saying that
/// `test` skips; under CI a missing one is a failure.
pub fn dir(rel: &str, test: &str) -> Option<PathBuf> {
    let path = Path::new(ROOT).join("../shared").join(rel);
    if path.is_dir() {
        return Some(path);
    }
    let why = format!("{test}: {} is missing", path.display());
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "{why} (CI runs every test: check out ../shared beside the repository)"
    );
    println!("{why}: skipped");
    None
}

/// A file of `../shared`, as `dir` finds directories.
pub fn file(rel: &str, test: &str) -> Option<PathBuf> {
    let parent = Path::new(rel).parent().and_then(Path::to_str).unwrap_or("");
    let name = Path::new(rel).file_name()?;
    let path = dir(parent, test)?.join(name);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "{test}: {} is missing",
        path.display()
    );
    println!("{test}: {} is missing: skipped", path.display());
    None
}

/// The tracked copy of a report: `tests/conformance/NAME`.
pub fn tracked_report(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/conformance").join(name)
}

/// Writes a fresh report under the target directory and compares it with
/// its tracked copy: a difference fails, naming both files.
pub fn check_report(name: &str, fresh: &str) {
    let out = write_report(name, fresh);
    let tracked = tracked_report(name);
    let before = std::fs::read_to_string(&tracked).unwrap_or_default();
    assert!(
        before == fresh,
        "{} differs from the report of this run; if the change is right, take it with\n  cp {} {}",
        tracked.display(),
        out.display(),
        tracked.display()
    );
}
