//! The runtime's part in media questions: a typed path read as a shell
//! reads it, the file checked and copied into the data directory, and Tab's
//! completion of a path. Both report back as outcomes; neither writes to
//! the response (the answer is saved as any other, after).

use super::action::Outcome;
use super::effect::Runtime;
use crate::app::paths;
use crate::engine::Slot;
use crate::engine::media::Takes;
use std::path::PathBuf;

/// Where relative paths start (where rileva was started), and the home
/// folder for `~/`.
fn places() -> (PathBuf, Option<PathBuf>) {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    (cwd, home)
}

impl Runtime {
    pub(super) fn attach(&mut self, slot: Slot, typed: String, takes: &Takes) -> Outcome {
        let (cwd, home) = places();
        let source = paths::resolve(&typed, &cwd, home.as_deref());
        let result = self.store.attach(&source, takes);
        Outcome::Attached {
            slot,
            typed,
            result,
        }
    }

    pub(super) fn complete_path(&mut self, slot: Slot, typed: String) -> Outcome {
        let (cwd, home) = places();
        let completion = paths::complete(&typed, &cwd, home.as_deref());
        Outcome::Completed {
            slot,
            typed,
            completion,
        }
    }
}
