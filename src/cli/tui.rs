//! `rileva` without a command: the questionnaire screens.

use super::FAILURE;
use super::args::{Cli, LangArg};
use super::out::{error, form_problem};
use crate::app;
use crate::store::{self, DirLock, Store};
use std::io::{self, IsTerminal};

/// Every fallible step runs before the TUI takes the terminal, so that its
/// errors print as plain text: data dir, lock, form, database, and last the
/// check that there is a terminal at all.
pub(super) fn tui(cli: &Cli) -> Result<u8, String> {
    tui_with(cli, None)
}

/// The screens, opening on a prompt (`rileva reconcile`).
pub(super) fn tui_with(cli: &Cli, prompt: Option<crate::tui::state::Task>) -> Result<u8, String> {
    let data_dir = app::data_dir(cli.data_dir.as_deref())?;
    store::ensure_dir(&data_dir).map_err(|e| e.to_string())?;
    let lock = DirLock::acquire(&data_dir).map_err(|e| e.to_string())?;
    let (bundle, form) = match app::load_form(cli.form.as_deref()) {
        Ok(loaded) => loaded,
        Err(errors) => {
            let file = cli
                .form
                .as_deref()
                .map_or_else(|| "embedded form".to_string(), |p| p.display().to_string());
            for e in &errors {
                error(&form_problem(&file, e));
            }
            return Ok(FAILURE);
        }
    };
    let store = Store::open(&data_dir).map_err(|e| e.to_string())?;
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err("the questionnaire screens need a terminal, but standard input or output is redirected; \
                    for scripts use `rileva list`, `rileva export` or `rileva validate`"
            .to_string());
    }
    let lang = cli.lang.unwrap_or(LangArg::It).to_tui();
    crate::tui::run(crate::tui::Options {
        data_dir,
        store,
        lock,
        bundle,
        form,
        lang,
        keying: crate::tui::state::Keying {
            auto_advance: !cli.no_advance,
            bell: !cli.no_bell,
            transcribe: cli.transcribe,
            verify: cli.verify,
        },
        prompt,
    })?;
    Ok(0)
}
