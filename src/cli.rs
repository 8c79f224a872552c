//! The command line. Without a subcommand rileva opens the TUI; the subcommands
//! (`validate`, `convert`, `list`, `export`, `import`, `paths`) never touch the
//! terminal screen and are safe to script.
//!
//! Exit codes: 0 ok; 1 `validate` or `convert` found problems in the form, or
//! `import` found rows it cannot take as complete responses; 2 usage errors
//! and files, directories or databases that cannot be used, with a one-line
//! message `rileva: …` on stderr.

use crate::app;
use crate::form::{self, FormError, Kind};
use crate::store::{self, DirLock, ResponseRow, Status, Store};
use crate::text::sanitize;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod convert;
mod export;
mod import;

/// Offline questionnaire entry for the terminal.
///
/// Without a command, opens the questionnaire screens (the TUI). Data lives in
/// the data directory (see `rileva paths`): --data-dir, else $RILEVA_DATA_DIR,
/// else the platform's data directory.
#[derive(Debug, Parser)]
#[command(name = "rileva", version)]
pub struct Cli {
    /// Questionnaire for new responses: an XLSForm (.xlsx, .xlsm, .xls, .ods,
    /// or pyxform's .csv and .md) or rileva native JSON (.json); default: the
    /// embedded Ministry questionnaire. Only for the TUI.
    #[arg(long, value_name = "FILE")]
    pub form: Option<PathBuf>,

    /// Data directory (default: $RILEVA_DATA_DIR, else the platform's data directory)
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Language of the screens
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Italiano
    It,
    /// English
    En,
}

impl LangArg {
    pub fn to_tui(self) -> crate::tui::Lang {
        match self {
            LangArg::It => crate::tui::Lang::It,
            LangArg::En => crate::tui::Lang::En,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a questionnaire file and print every problem with its location
    /// (exit 0 when valid, 1 when not)
    Validate {
        /// The questionnaire: an XLSForm (.xlsx, .xlsm, .xls, .ods, .csv, .md)
        /// or rileva native JSON (.json)
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Convert a questionnaire (an XLSForm, or native JSON) to rileva's native
    /// JSON, after checking it as `validate` does (exit 1 when it has problems)
    Convert {
        /// The questionnaire: .xlsx, .xlsm, .xls, .ods, .csv, .md or .json
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Where to write the native JSON (`-` for standard output)
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// Replace OUT if it exists
        #[arg(long)]
        force: bool,
    },
    /// List the responses in the data directory
    List {
        /// Which responses to list
        #[arg(long, value_enum, default_value_t = StatusArg::All)]
        status: StatusArg,
        /// Print a JSON array instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Export completed responses not yet exported, one <uuid>.json (or
    /// <uuid>.xml) file each, then mark them exported
    ///
    /// Each file is written whole (temporary name, fsync, rename) before its
    /// response is marked exported. Works beside a running TUI: it takes no
    /// lock, SQLite transactions keep both consistent.
    Export {
        /// Directory for the files (default: the data directory's exports/)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Also re-export responses already exported
        #[arg(long)]
        all: bool,
        /// Also export drafts (status "draft"; they are never marked exported)
        #[arg(long)]
        drafts: bool,
        /// json: one <uuid>.json file per response; xml: one <uuid>.xml file per
        /// response, the OpenRosa submission that ODK Central and KoboToolbox
        /// accept; ndjson: one JSON response per line on stdout
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
    /// Import responses keyed elsewhere from CSV, JSON or NDJSON (a dry run
    /// unless --commit)
    ///
    /// For a spreadsheet of paper questionnaires, a Google Forms or
    /// KoboToolbox export, or rileva's own JSON export. Every row is checked by
    /// the questionnaire as the screens check it. Without --commit nothing is
    /// written: it reports, per row and field, what would be refused (exit 0
    /// when every row is valid, 1 when not, 2 when the data file or the form
    /// cannot be used). With --commit the valid rows become complete responses,
    /// written in short transactions; importing the same file again, or again
    /// after an interruption, creates only what is missing (an id column, else
    /// a key of the row's content). Works beside a running TUI: it takes no
    /// lock, and the TUI saves its answers between the import's transactions.
    Import {
        /// The questionnaire the responses answer: an XLSForm (.xlsx, .xlsm,
        /// .xls, .ods, .csv, .md) or native JSON (default: the embedded one)
        #[arg(long, value_name = "FILE")]
        form: Option<PathBuf>,
        /// The responses: .csv (a header row; columns named by question name,
        /// group/name path or label), .json (one object or an array of
        /// objects) or .ndjson/.jsonl (one object per line); objects are
        /// rileva exports or answers keyed by question name
        #[arg(value_name = "DATA")]
        data: PathBuf,
        /// Write: valid rows become complete responses (default: a dry run)
        #[arg(long)]
        commit: bool,
        /// Keep the rows that are not valid as drafts, with their values, to be
        /// finished in the TUI (default: skip them)
        #[arg(long)]
        as_drafts: bool,
    },
    /// Print where rileva keeps its data
    Paths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Draft,
    Complete,
    Exported,
    All,
}

impl StatusArg {
    fn statuses(self) -> Vec<Status> {
        match self {
            StatusArg::Draft => vec![Status::Draft],
            StatusArg::Complete => vec![Status::Complete],
            StatusArg::Exported => vec![Status::Exported],
            StatusArg::All => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Xml,
    Ndjson,
}

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
        None => tui(&cli),
        Some(Command::Validate { file }) => validate(file, out),
        Some(Command::Convert {
            file,
            output,
            force,
        }) => convert::convert(file, output, *force, out),
        Some(Command::List { status, json }) => list(&data_dir()?, *status, *json, out),
        Some(Command::Export {
            out: dir,
            all,
            drafts,
            format,
        }) => {
            let options = export::ExportOptions {
                out: dir.clone(),
                all: *all,
                drafts: *drafts,
                format: *format,
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
        Some(Command::Paths) => paths(&data_dir()?, out),
    }
}

/// Standard output that remembers its first error instead of panicking as
/// `println!` does (a closed pipe must never crash rileva).
pub struct Out<W: Write> {
    w: W,
    pub error: Option<io::Error>,
}

impl<W: Write> Out<W> {
    pub fn new(w: W) -> Out<W> {
        Out { w, error: None }
    }

    pub fn line(&mut self, s: &str) {
        if self.error.is_none()
            && let Err(e) = self
                .w
                .write_all(s.as_bytes())
                .and_then(|()| self.w.write_all(b"\n"))
        {
            self.error = Some(e);
        }
    }

    pub fn flush(&mut self) {
        if self.error.is_none()
            && let Err(e) = self.w.flush()
        {
            self.error = Some(e);
        }
    }

    pub fn into_inner(self) -> W {
        self.w
    }
}

/// One line on stderr, `rileva: message`, with anything that could act on the
/// terminal (or break the line) made inert.
fn error(message: &str) {
    let _ = writeln!(io::stderr().lock(), "rileva: {}", sanitize(message, false));
}

/// A form problem as `FILE: location: message` (the location is left out when
/// it is the file itself).
fn form_problem(file: &str, e: &FormError) -> String {
    if e.location == file || e.location.is_empty() {
        format!("{file}: {}", e.message)
    } else {
        format!("{file}: {}: {}", e.location, e.message)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------
// The TUI

/// Every fallible step runs before the TUI takes the terminal, so that its
/// errors print as plain text: data dir, lock, form, database, and last the
/// check that there is a terminal at all.
fn tui(cli: &Cli) -> Result<u8, String> {
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
    })?;
    Ok(0)
}

// ---------------------------------------------------------------------------
// validate

fn validate<W: Write>(file: &Path, out: &mut Out<W>) -> Result<u8, String> {
    let shown = file.display().to_string();
    // A file that cannot be read at all is not a form with problems: exit 2.
    if let Err(e) = std::fs::read(file) {
        return Err(format!("cannot read {shown}: {e}"));
    }
    match form::load_path(file) {
        Ok((_, form)) => {
            let questions = form.nodes.iter().filter(|n| n.kind != Kind::Group).count();
            let languages = if form.languages.is_empty() {
                "no translations".to_string()
            } else {
                let codes: Vec<&str> = form.languages.iter().map(|l| l.code.as_str()).collect();
                format!(
                    "{} {}",
                    if codes.len() == 1 {
                        "language"
                    } else {
                        "languages"
                    },
                    codes.join(", ")
                )
            };
            for w in &form.warnings {
                out.line(&sanitize(&format!("{}: warning: {}", shown, w), false));
            }
            out.line(&sanitize(
                &format!(
                    "{shown}: valid — {}, {}, {languages}",
                    plural(questions, "question", "questions"),
                    plural(form.lists.len(), "choice list", "choice lists"),
                ),
                false,
            ));
            Ok(0)
        }
        Err(errors) => {
            for e in &errors {
                out.line(&sanitize(&form_problem(&shown, e), false));
            }
            error(&format!(
                "{shown} is not valid: {}",
                plural(errors.len(), "problem", "problems")
            ));
            Ok(1)
        }
    }
}

// ---------------------------------------------------------------------------
// Reading the database without creating it

/// The store of a data directory, or `None` when it has no database yet (the
/// read-only commands create nothing). Takes no lock: SQLite transactions make
/// reading and exporting safe beside a running TUI.
fn existing_store(data_dir: &Path) -> Result<Option<Store>, String> {
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

// ---------------------------------------------------------------------------
// list

fn list<W: Write>(
    data_dir: &Path,
    status: StatusArg,
    as_json: bool,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let store = existing_store(data_dir)?;
    let (rows, counts) = match &store {
        None => (Vec::new(), store::Counts::default()),
        Some(s) => (
            s.list(&status.statuses()).map_err(|e| e.to_string())?,
            s.counts().map_err(|e| e.to_string())?,
        ),
    };
    if as_json {
        let items: Vec<Value> = rows.iter().map(list_item).collect();
        let text =
            serde_json::to_string_pretty(&items).map_err(|e| format!("cannot write JSON: {e}"))?;
        out.line(&text);
        return Ok(0);
    }
    if rows.is_empty() {
        out.line(match status {
            StatusArg::All => "no responses",
            StatusArg::Draft => "no drafts",
            StatusArg::Complete => "no complete responses",
            StatusArg::Exported => "no exported responses",
        });
    } else {
        for line in table(&rows) {
            out.line(&line);
        }
    }
    let total = counts.draft + counts.complete + counts.exported;
    out.line(&format!(
        "total {total}: {} draft, {} complete, {} exported",
        counts.draft, counts.complete, counts.exported
    ));
    Ok(0)
}

fn list_item(r: &ResponseRow) -> Value {
    json!({
        "id": r.id,
        "status": r.status.as_str(),
        "form": { "id": r.form_id, "version": r.form_version },
        "instanceName": r.instance_name,
        "answered": r.answered,
        "relevant": r.relevant,
        "operator": r.operator,
        "createdAt": r.created_at,
        "updatedAt": r.updated_at,
        "completedAt": r.completed_at,
        "exportedAt": r.exported_at,
    })
}

/// At most `max` characters, with `…` when cut; control characters made inert.
fn cell(s: &str, max: usize) -> String {
    let s = sanitize(s, false);
    if s.chars().count() <= max {
        s.into_owned()
    } else {
        let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// `2020-05-11T10:40:00.000+02:00` as `2020-05-11 10:40`.
fn short_time(t: &str) -> String {
    if t.get(..16).is_some_and(|p| p.is_ascii()) && t.as_bytes()[10] == b'T' {
        format!("{} {}", &t[..10], &t[11..16])
    } else {
        cell(t, 25)
    }
}

fn table(rows: &[ResponseRow]) -> Vec<String> {
    let header = [
        "ID",
        "STATUS",
        "NAME",
        "PROGRESS",
        "OPERATOR",
        "LAST CHANGE",
    ]
    .map(String::from);
    let mut lines: Vec<[String; 6]> = vec![header];
    for r in rows {
        lines.push([
            cell(&r.id, 40),
            r.status.as_str().to_string(),
            cell(r.instance_name.as_deref().unwrap_or("-"), 36),
            format!("{}/{}", r.answered, r.relevant),
            cell(
                if r.operator.is_empty() {
                    "-"
                } else {
                    &r.operator
                },
                20,
            ),
            short_time(&r.updated_at),
        ]);
    }
    let mut widths = [0usize; 6];
    for l in &lines {
        for (w, c) in widths.iter_mut().zip(l) {
            *w = (*w).max(c.chars().count());
        }
    }
    lines
        .iter()
        .map(|l| {
            let mut s = String::new();
            for (i, (c, w)) in l.iter().zip(widths).enumerate() {
                if i + 1 == l.len() {
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    s.extend(std::iter::repeat_n(' ', w - c.chars().count() + 2));
                }
            }
            s.trim_end().to_string()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// paths

fn paths<W: Write>(data_dir: &Path, out: &mut Out<W>) -> Result<u8, String> {
    out.line(&format!("data dir: {}", data_dir.display()));
    out.line(&format!(
        "database: {}",
        data_dir.join(store::DB_FILE).display()
    ));
    out.line(&format!(
        "exports: {}",
        app::exports_dir(data_dir).display()
    ));
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_before_or_after_the_command() {
        let a = Cli::try_parse_from(["rileva", "--data-dir", "/d", "--lang", "en", "list"])
            .expect("before");
        let b = Cli::try_parse_from(["rileva", "list", "--data-dir", "/d", "--lang", "en"])
            .expect("after");
        for cli in [a, b] {
            assert_eq!(cli.data_dir.as_deref(), Some(Path::new("/d")));
            assert_eq!(cli.lang, Some(LangArg::En));
            assert!(matches!(
                cli.command,
                Some(Command::List {
                    status: StatusArg::All,
                    json: false
                })
            ));
        }
    }

    #[test]
    fn defaults() {
        let cli = Cli::try_parse_from(["rileva"]).expect("no args");
        assert!(cli.command.is_none() && cli.form.is_none() && cli.lang.is_none());
        let cli = Cli::try_parse_from(["rileva", "export"]).expect("export");
        assert!(matches!(
            cli.command,
            Some(Command::Export {
                out: None,
                all: false,
                drafts: false,
                format: ExportFormat::Json
            })
        ));
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for args in [
            &["rileva", "--lang", "fr"][..],
            &["rileva", "list", "--status", "sent"],
            &["rileva", "export", "--format", "csv"],
            &["rileva", "import"],
            &["rileva", "validate"],
            &["rileva", "convert", "f.xlsx"],
            &["rileva", "frobnicate"],
        ] {
            let e = Cli::try_parse_from(args).expect_err(&args.join(" "));
            assert_eq!(e.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn out_keeps_the_first_error_and_stops() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = Out::new(Broken);
        out.line("a");
        out.line("b");
        out.flush();
        assert_eq!(out.error.map(|e| e.kind()), Some(io::ErrorKind::BrokenPipe));
    }

    #[test]
    fn cells_are_cut_and_made_inert() {
        assert_eq!(cell("abc", 5), "abc");
        assert_eq!(cell("abcdef", 4), "abc…");
        assert!(!cell("a\u{1b}[31mb", 20).contains('\u{1b}'));
        assert_eq!(
            short_time("2020-05-11T10:40:00.000+02:00"),
            "2020-05-11 10:40"
        );
        assert_eq!(short_time("garbage"), "garbage");
        assert_eq!(short_time("2020-05-11Tè0:40:00"), "2020-05-11Tè0:40:00");
    }

    #[test]
    fn form_problems_name_the_file_once() {
        let e = FormError::new("survey[0]", "boom");
        assert_eq!(form_problem("f.json", &e), "f.json: survey[0]: boom");
        let e = FormError::new("f.json", "cannot read the form");
        assert_eq!(form_problem("f.json", &e), "f.json: cannot read the form");
    }
}
