//! The command line's arguments (clap).

use crate::store::{Listing, Status};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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

    /// Key paper questionnaires: new responses start in the transcription
    /// layout (a page per section, codes as printed), after the paper's
    /// number. Only for the TUI (`t` on the start screen does the same once).
    #[arg(long)]
    pub transcribe: bool,

    /// Transcription: a field never moves on by itself (a complete code or
    /// an 8-digit date waits for Enter)
    #[arg(long)]
    pub no_advance: bool,

    /// Transcription: a refused value flashes the status line instead of
    /// ringing the terminal's bell
    #[arg(long)]
    pub no_bell: bool,

    /// Double entry: key papers a second time, blind (`n` and the start ask
    /// for the paper's number, as `v` does). Only for the TUI
    #[arg(long, conflicts_with = "transcribe")]
    pub verify: bool,

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
    /// List the responses in the data directory, most recently changed
    /// first, a page at a time
    List {
        /// Which responses to list
        #[arg(long, value_enum, default_value_t = StatusArg::All)]
        status: StatusArg,
        /// Print a JSON array instead of a table
        #[arg(long)]
        json: bool,
        /// Responses per page
        #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
        limit: u32,
        /// Which page (from 1)
        #[arg(long, value_name = "P", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        page: u32,
        /// Every response, not one page
        #[arg(long, conflicts_with_all = ["limit", "page"])]
        all: bool,
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
        /// accept; ndjson: one JSON response per line on stdout; csv: one
        /// table per form and per repeat, as ODK Central shapes its CSV
        /// export (completed and exported responses, none marked); xlsx:
        /// the same tables as sheets of one workbook per form
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Also write each response's audit log beside it, as
        /// <uuid>.audit.csv (json and xml only)
        #[arg(long)]
        audit: bool,
        /// csv, xlsx: after each multiple choice, a 0/1 column per choice
        /// (QUESTION/CHOICE)
        #[arg(long)]
        split_multiple: bool,
        /// csv, xlsx: choice labels instead of names, in LANG (a form language;
        /// the form's default without one)
        #[arg(long, value_name = "LANG", num_args = 0..=1, default_missing_value = "")]
        labels: Option<String>,
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
    /// Copy the database to FILE with SQLite's online backup: one
    /// consistent, self-contained file, even while a TUI is open
    ///
    /// To restore, close every rileva on the data directory, move
    /// rileva.sqlite3 (and any rileva.sqlite3-wal, -shm beside it) aside,
    /// copy the backup in as rileva.sqlite3, and run `rileva check`.
    Backup {
        /// Where to write the copy
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
    /// Check the database (SQLite's quick_check, its references, the counts)
    /// and say what is wrong and what to do; writes nothing (exit 0 when
    /// sound, 1 when not)
    Check,
    /// Write the questionnaire as a paper form to print from any browser
    /// (A4): each question with its number, answer boxes, every choice with
    /// the code the transcription layout takes, a box for the paper's number
    /// on each page, and the skip instructions
    Print {
        /// The questionnaire (default: the embedded Ministry questionnaire)
        #[arg(long, value_name = "FILE")]
        form: Option<PathBuf>,
        /// Where to write the HTML
        #[arg(short, long, value_name = "FILE.html")]
        output: PathBuf,
        /// Replace the file if it exists
        #[arg(long)]
        force: bool,
    },
    /// Publish the finished practices as a static website (the open
    /// collection): an index grouped and filterable, a page per practice,
    /// a summary with charts; in Italian, or English with --lang en
    ///
    /// Only what each response's publication consent allows is published
    /// (for the embedded questionnaire G04: with the contact's name, with
    /// the body's name only, or not at all; e-mail and phone never).
    /// Publishing again into the same folder updates it in place: a page
    /// keeps its address, one that did not change is not rewritten, one no
    /// longer published is removed.
    Publish {
        /// The site's folder (new, empty, or written by an earlier publish)
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        /// What the site shows of another form's responses: a JSON or TOML
        /// file (title, subtitle, group_by, filters, card, never, contact,
        /// summary, consent); see docs/publish.md
        #[arg(long, value_name = "FILE")]
        layout: Option<PathBuf>,
        /// The form whose responses are published (default: the embedded
        /// questionnaire's, else the only form answered)
        #[arg(long, value_name = "ID")]
        form_id: Option<String>,
    },
    /// Keying statistics: the sessions (an operator from start to quit)
    /// totalled per operator and layout: time at the keys (gaps of over a
    /// minute are idle), fields per hour, keystrokes per field, bad
    /// keystrokes, corrections
    Stats {
        /// Only this operator's sessions
        #[arg(long, value_name = "NAME")]
        operator: Option<String>,
        /// Print a JSON array instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Print a response's audit log as CSV, in the columns of ODK's client
    /// audit log (event, node, start, end, old-value, new-value, user; times
    /// in milliseconds since the epoch): every event, oldest first
    Audit {
        /// The response's id (as `rileva list` shows it)
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Print where rileva keeps its data
    Paths,
    /// Double entry: reconcile papers whose two entries differ (opens the
    /// reconciliation screen), list them, or accept an edit of a verified
    /// response
    Reconcile {
        /// Print the papers to reconcile and their differences instead
        #[arg(long)]
        list: bool,
        /// With --list: JSON, one paper a line
        #[arg(long, requires = "list")]
        json: bool,
        /// A supervisor accepts this edit of a verified response (its id):
        /// it becomes the paper's verified response
        #[arg(long, value_name = "ID", conflicts_with = "list")]
        accept: Option<String>,
    },
    /// Show the data directory's double-entry settings, or set one:
    /// verify (all | NN% | off), slips (on | off), reconcile (supervisors |
    /// others), supervisors (names separated by commas)
    Settings {
        /// The setting
        #[arg(value_name = "KEY", requires = "value")]
        key: Option<String>,
        /// Its new value
        #[arg(value_name = "VALUE")]
        value: Option<String>,
    },
    /// Write the finished responses not yet bundled or sent into one file
    /// to carry to a machine with a connection (`rileva import FILE
    /// --commit` there, then `rileva send`)
    ///
    /// A zip with the responses, their form definitions and attached
    /// files, and a manifest listing each entry's SHA-256: the import
    /// checks every one and refuses a damaged bundle.
    Bundle {
        /// The bundle file (a .zip)
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Every finished response, also those bundled or sent before
        #[arg(long)]
        all: bool,
        /// Replace the file if it exists
        #[arg(long)]
        force: bool,
    },
    /// The servers responses are sent to: add, list, remove
    Server {
        #[command(subcommand)]
        action: ServerAction,
    },
    /// Send every complete response not yet on the server, as OpenRosa
    /// submissions with their files; resumable, never twice
    ///
    /// Each response's answer from the server is recorded at once, so an
    /// interrupted run (the line drops, the process is killed) resumes
    /// where it was with `rileva send` again. 201 or 202 is sent; 409 is
    /// already there (sent too); 401/403 stop the run; a form or version
    /// the server lacks stops that form's responses; server errors and a
    /// dropped line are retried, then left queued. Exit 0 when nothing is
    /// left to send, 2 when something is.
    Send {
        /// The server (default: the only one)
        #[arg(long, value_name = "NAME")]
        server: Option<String>,
        /// Say what would be sent, send nothing
        #[arg(long)]
        dry_run: bool,
        /// Read the server user's password from standard input (for
        /// scripts); else a saved one, else it is asked on the terminal
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServerAction {
    /// Add a server: an ODK Central App User URL
    /// (https://HOST/v1/key/TOKEN/projects/N, the token is the
    /// credential), a Central project URL (https://HOST/v1/projects/N)
    /// with --user EMAIL, or a KoboToolbox / other OpenRosa server URL
    /// (its submission and formList are below it) with --user
    Add {
        /// A short name for it
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(value_name = "URL")]
        url: String,
        /// The user (a Central web user's e-mail, a Kobo account); its
        /// password is asked when sending
        #[arg(long, value_name = "USER")]
        user: Option<String>,
        /// Keep the password in the data directory (a 0600 file, not
        /// encrypted) instead of asking each time
        #[arg(long, requires = "user")]
        save_password: bool,
        /// With --save-password: read it from standard input
        #[arg(long, requires = "save_password")]
        password_stdin: bool,
    },
    /// List the servers, with how many responses each has
    List,
    /// Remove a server (and its saved password); what was sent stays on record
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Draft,
    Complete,
    Exported,
    /// Double entry: first entries of papers not verified yet, and edits of
    /// verified responses not accepted yet
    Unverified,
    /// Double entry: papers whose two entries differ (their first entries)
    ToReconcile,
    /// Double entry: the verified responses
    Verified,
    All,
}

impl StatusArg {
    pub fn listing(self) -> Listing {
        match self {
            StatusArg::Draft => Listing::Status(Status::Draft),
            StatusArg::Complete => Listing::Status(Status::Complete),
            StatusArg::Exported => Listing::Status(Status::Exported),
            StatusArg::Unverified => Listing::Unverified,
            StatusArg::ToReconcile => Listing::ToReconcile,
            StatusArg::Verified => Listing::Verified,
            StatusArg::All => Listing::All,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Xml,
    Ndjson,
    Csv,
    Xlsx,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::path::Path;

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
                    json: false,
                    limit: 50,
                    page: 1,
                    all: false,
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
                format: ExportFormat::Json,
                audit: false,
                split_multiple: false,
                labels: None,
            })
        ));
        let cli =
            Cli::try_parse_from(["rileva", "export", "--format", "csv", "--labels"]).expect("csv");
        assert!(matches!(
            cli.command,
            Some(Command::Export {
                format: ExportFormat::Csv,
                labels: Some(ref l),
                ..
            }) if l.is_empty()
        ));
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for args in [
            &["rileva", "--lang", "fr"][..],
            &["rileva", "list", "--status", "sent"],
            &["rileva", "list", "--limit", "0"],
            &["rileva", "list", "--all", "--page", "2"],
            &["rileva", "backup"],
            &["rileva", "export", "--format", "ods"],
            &["rileva", "publish"],
            &["rileva", "import"],
            &["rileva", "validate"],
            &["rileva", "convert", "f.xlsx"],
            &["rileva", "frobnicate"],
        ] {
            let e = Cli::try_parse_from(args).expect_err(&args.join(" "));
            assert_eq!(e.exit_code(), 2, "{args:?}");
        }
    }
}
