//! For the unit tests that read `../shared` (other projects' corpora, never
//! copied into this repository) and write conformance reports. The
//! integration tests have the same rules in `tests/it/shared.rs`.
//!
//! A missing `../shared` fails a test when `CI` is set, and elsewhere the
//! test says that it skips. Reports go under the target directory; the
//! tracked copy in `tests/conformance/` is compared, never written.

use std::path::{Path, PathBuf};

fn ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// `../shared/<rel>` when it is there; else `None`, once `test` said it skips.
pub(crate) fn shared_dir(rel: &str, test: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if path.is_dir() {
        return Some(path);
    }
    assert!(
        !ci(),
        "{test}: {} is missing (CI runs every test)",
        path.display()
    );
    println!("{test}: {} is missing: skipped", path.display());
    None
}

/// The tracked copy of a report, `tests/conformance/<name>`.
pub(crate) fn tracked_report(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(name)
}

/// Writes `fresh` beside the test binary (`target/<profile>/conformance/`)
/// and fails, naming both files, when it differs from the tracked copy.
pub(crate) fn check_report(name: &str, fresh: &str) {
    let exe = std::env::current_exe().expect("the test binary");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test binary>");
    let out = profile.join("conformance").join(name);
    std::fs::create_dir_all(out.parent().expect("a folder")).expect("report folder");
    std::fs::write(&out, fresh).expect("report written");
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
