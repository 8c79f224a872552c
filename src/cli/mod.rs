//! The command line. Without a subcommand rileva opens the TUI; the subcommands
//! (`validate`, `convert`, `list`, `export`, `import`, `publish`, `backup`,
//! `check`, `paths`) never touch the terminal screen and are safe to script.
//!
//! Exit codes: 0 ok; 1 `validate` or `convert` found problems in the form,
//! `import` found rows it cannot take as complete responses, or `check`
//! found the database unsound; 2 usage errors and files, directories or
//! databases that cannot be used, with a one-line message `rileva: …` on
//! stderr.

use crate::app;
use crate::store::{self, Store};
use clap::{CommandFactory, Parser};
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

mod args;
mod convert;
mod export;
mod import;
mod list;
mod maintenance;
mod out;
mod publish;
mod send;
mod stats;
mod tui;
mod validate;
mod verify;

pub use args::{Cli, Command, ExportFormat, LangArg, ServerAction, StatusArg};
pub use out::Out;
use out::{error, form_problem, plural};

/// Exit code of a command that failed for a usage error or an unusable file,
/// directory or database.
const FAILURE: u8 = 2;

/// The whole program: parse the arguments, run, return the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(FAILURE));
        }
    };
    if cli.form.is_some() && cli.command.is_some() {
        let e = Cli::command().error(
            clap::error::ErrorKind::ArgumentConflict,
            "--form before a command only applies to the TUI (rileva without a command); to check a form use `rileva validate FILE`, to import on it `rileva import --form FILE DATA`",
        );
        let _ = e.print();
        return ExitCode::from(FAILURE);
    }
    let stdout = io::stdout();
    let mut out = Out::new(stdout.lock());
    let code = match run(cli, &mut out) {
        Ok(code) => code,
        Err(message) => {
            error(&message);
            FAILURE
        }
    };
    out.flush();
    match out.error.take() {
        // A reader that stopped reading (`rileva list | head`) is not an error.
        Some(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            error(&format!("cannot write to standard output: {e}"));
            ExitCode::from(FAILURE)
        }
        _ => ExitCode::from(code),
    }
}

/// Runs a parsed command line. `Err` is a one-line message for exit code 2.
pub fn run<W: Write>(cli: Cli, out: &mut Out<W>) -> Result<u8, String> {
    let data_dir = || app::data_dir(cli.data_dir.as_deref());
    match &cli.command {
        None => tui::tui(&cli),
        Some(Command::Validate { file }) => validate::validate(file, out),
        Some(Command::Convert {
            file,
            output,
            force,
        }) => convert::convert(file, output, *force, out),
        Some(Command::List {
            status,
            json,
            limit,
            page,
            all,
        }) => {
            let shown = list::Shown {
                status: *status,
                json: *json,
                page: (!*all).then_some((*limit, *page)),
            };
            list::list(&data_dir()?, &shown, out)
        }
        Some(Command::Export {
            out: dir,
            all,
            drafts,
            format,
            audit,
            split_multiple,
            labels,
        }) => {
            let options = export::ExportOptions {
                out: dir.clone(),
                all: *all,
                drafts: *drafts,
                format: *format,
                audit: *audit,
                tables: crate::export::csv::Options {
                    split_multiple: *split_multiple,
                    labels: labels.clone(),
                },
            };
            export::export(&data_dir()?, &options, out)
        }
        Some(Command::Import {
            form,
            data,
            commit,
            as_drafts,
        }) => {
            let options = import::ImportOptions {
                form: form.clone(),
                data: data.clone(),
                commit: *commit,
                as_drafts: *as_drafts,
                lang: cli.lang.unwrap_or(LangArg::It),
            };
            import::import(&data_dir()?, &options, out)
        }
        Some(Command::Backup { file, force }) => {
            maintenance::backup(&data_dir()?, file, *force, out)
        }
        Some(Command::Check) => maintenance::check(&data_dir()?, out),
        Some(Command::Print {
            form,
            output,
            force,
        }) => convert::print(
            form.as_deref(),
            output,
            *force,
            cli.lang.unwrap_or(LangArg::It).to_tui(),
            out,
        ),
        Some(Command::Publish {
            output,
            layout,
            form_id,
        }) => publish::publish(
            &data_dir()?,
            output,
            layout.as_deref(),
            form_id.as_deref(),
            cli.lang.unwrap_or(LangArg::It),
            out,
        ),
        Some(Command::Bundle { output, all, force }) => {
            send::bundle(&data_dir()?, output, *all, *force, out)
        }
        Some(Command::Server { action }) => match action {
            ServerAction::Add {
                name,
                url,
                user,
                save_password,
                password_stdin,
            } => send::add(
                &data_dir()?,
                name,
                url,
                user.as_deref(),
                *save_password,
                *password_stdin,
                out,
            ),
            ServerAction::List => send::list(&data_dir()?, out),
            ServerAction::Remove { name } => send::remove(&data_dir()?, name, out),
        },
        Some(Command::Send {
            server,
            dry_run,
            password_stdin,
        }) => send::send(
            &data_dir()?,
            server.as_deref(),
            *dry_run,
            *password_stdin,
            out,
        ),
        Some(Command::Stats { operator, json }) => {
            stats::stats(&data_dir()?, operator.as_deref(), *json, out)
        }
        Some(Command::Audit { id }) => maintenance::audit(&data_dir()?, id, out),
        Some(Command::Paths) => maintenance::paths(&data_dir()?, out),
        Some(Command::Reconcile {
            list: false,
            accept: None,
            ..
        }) => tui::tui_with(&cli, Some(crate::tui::state::Task::Reconcile)),
        Some(Command::Reconcile {
            accept: Some(id), ..
        }) => verify::accept(&data_dir()?, id, out),
        Some(Command::Reconcile { json, .. }) => verify::list(&data_dir()?, *json, out),
        Some(Command::Settings { key, value }) => {
            verify::settings(&data_dir()?, key.as_deref(), value.as_deref(), out)
        }
    }
}

/// The store of a data directory, or `None` when it has no database yet (the
/// read-only commands create nothing). Takes no lock: SQLite transactions make
/// reading and exporting safe beside a running TUI.
pub(super) fn existing_store(data_dir: &Path) -> Result<Option<Store>, String> {
    let shown = data_dir.display();
    match std::fs::metadata(data_dir) {
        Ok(m) if !m.is_dir() => {
            return Err(format!("the data directory {shown} is not a directory"));
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read the data directory {shown}: {e}")),
    }
    let db = data_dir.join(store::DB_FILE);
    match db.try_exists() {
        Ok(false) => Ok(None),
        Ok(true) => Store::open(data_dir).map(Some).map_err(|e| e.to_string()),
        Err(e) => Err(format!("cannot read {}: {e}", db.display())),
    }
}

/// `existing_store` for the commands that only read (or, for `export`, can
/// do their main work without writing): a database that cannot be written
/// is opened read-only rather than refused.
pub(super) fn reading_store(data_dir: &Path) -> Result<Option<Store>, String> {
    match existing_store(data_dir) {
        Err(_) if read_only_here(data_dir) => Store::open_read_only(data_dir)
            .map(Some)
            .map_err(|e| e.to_string()),
        other => other,
    }
}

/// Whether the database (or its directory) cannot be written.
fn read_only_here(data_dir: &Path) -> bool {
    let db = data_dir.join(store::DB_FILE);
    let read_only = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.permissions().readonly());
    read_only(&db)
        || read_only(data_dir)
        || std::fs::OpenOptions::new().append(true).open(&db).is_err()
}
