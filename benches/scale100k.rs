//! The 100,000-response budgets of the issue "Foundations" (section 2),
//! measured and printed next to the sqlite3 command-line program doing the
//! same reads in the same run: a ratio, never an assertion.
//!
//! `cargo bench --bench scale100k` (release profile); `RILEVA_BENCH_N=10000`
//! for a quick run, `RILEVA_BENCH_ONLY=tui,list,export,import` for a part. The responses are generated here (cached in the target
//! directory by N and generator version), never committed.

mod support;

use rileva::store::Counts;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use support::*;

/// Bump when the generated data changes: a cached data dir of another
/// version is generated again.
const GENERATOR: u32 = 2;
const BATCH: usize = 5_000;
/// How many times each command runs (after one warm-up), median reported.
const RUNS: usize = 5;
/// The slower commands (export: seconds each, on a fresh copy every time).
const SLOW_RUNS: usize = 3;
/// Above this, the 10× import is not run but extrapolated.
const IMPORT_LIMIT: Duration = Duration::from_secs(60);
const SQLITE3: &str = "/usr/bin/sqlite3";
const TIMEOUT: Duration = Duration::from_secs(180);

#[path = "scale100k/generate.rs"]
mod generate;

fn main() {
    measure_child_mode();
    let begun = Instant::now();
    header();
    let n = match std::env::var("RILEVA_BENCH_N") {
        Err(_) => 100_000,
        Ok(s) => match s.replace(['_', ','], "").parse::<usize>() {
            Ok(n) if n >= 100 => n,
            _ => {
                println!("RILEVA_BENCH_N={s:?} is not a number of at least 100: 100000");
                100_000
            }
        },
    };
    let sqlite3 = Path::new(SQLITE3);
    let sqlite3 = if sqlite3.is_file() {
        Some(sqlite3.to_path_buf())
    } else {
        println!("sqlite3 is not at {SQLITE3}: rileva's figures without ratios");
        None
    };
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_rileva"));
    if let Ok(r) = run(&Command::new("true")) {
        let peak = mb(r.peak_kib);
        println!("peak RSS is measured through a small parent: `true` peaks at {peak:.1} MB");
    }
    let data = generate::cached(n);
    println!(
        "{n} responses: {} drafts, {} complete, {} exported; database {:.0} MB",
        data.counts.draft,
        data.counts.complete,
        data.counts.exported,
        data.db_bytes as f64 / 1e6
    );

    // RILEVA_BENCH_ONLY=tui,list,export,import: a part of the run.
    let only = std::env::var("RILEVA_BENCH_ONLY").unwrap_or_default();
    let part = |p: &str| only.is_empty() || only.split(',').any(|o| o.trim() == p);
    let mut table = Vec::new();
    let count = sqlite3.as_ref().and_then(|s| {
        let ran = median_of(RUNS, || run(&sqlite(s, data.read_only.path(), COUNT)));
        succeeded("counting by status", ran)
    });
    if part("tui") {
        tui(&bin, &data, &count, &mut table);
    }
    if part("list") {
        for (what, args) in [
            ("list (a page)", list_page()),
            ("list --status draft", list_drafts()),
        ] {
            let ran = median_of(RUNS, || run(&rileva(&bin, data.read_only.path(), &args)));
            table.push(Line::time(what, ran, count.clone(), 3.0));
        }
    }
    if part("export") {
        export(&bin, &data, sqlite3.as_deref(), &mut table);
    }
    if part("import") {
        import_runs(&bin, &data, &mut table);
    }

    print_table(&table);
    println!(
        "\nsqlite3, same data, same run: `{COUNT}`; and every complete or exported \
         response as one json_object (its columns, its answers as json_group_object(path, \
         value)), oldest first. Each figure: the median of {RUNS} runs ({SLOW_RUNS} for \
         export) after a warm-up; the imports once each, into empty data dirs."
    );
    println!(
        "\nthe whole run took {:.0} s",
        begun.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------
// The command lines, one small function each (easy to follow the CLI)

fn rileva<S: AsRef<OsStr>>(bin: &Path, dir: &Path, args: &[S]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("--data-dir").arg(dir).args(args);
    cmd.env_remove("RILEVA_DATA_DIR");
    cmd
}

fn list_page() -> Vec<&'static str> {
    vec!["list"]
}

fn list_drafts() -> Vec<&'static str> {
    vec!["list", "--status", "draft"]
}

fn export_ndjson() -> Vec<&'static str> {
    vec!["export", "--format", "ndjson", "--all"]
}

fn import_commit(file: &Path) -> Vec<OsString> {
    vec!["import".into(), "--commit".into(), file.into()]
}

const COUNT: &str = "SELECT status, count(*) FROM responses GROUP BY status";

/// What `export --format ndjson --all` writes, as sqlite3 can: every complete
/// or exported response, oldest first, its columns and its answers.
const JSON: &str = "SELECT json_object(
    'id', r.id, 'form_sha256', r.form_sha256, 'status', r.status, 'operator', r.operator,
    'device_id', r.device_id, 'language', r.language, 'instance_name', r.instance_name,
    'answered', r.answered, 'relevant', r.relevant, 'deprecated_id', r.deprecated_id,
    'superseded_by', r.superseded_by, 'created_at', r.created_at, 'updated_at', r.updated_at,
    'completed_at', r.completed_at, 'exported_at', r.exported_at,
    'answers', (SELECT json_group_object(a.path, a.value) FROM answers a WHERE a.response_id = r.id))
  FROM responses r WHERE r.status IN ('complete', 'exported') ORDER BY r.created_at, r.id";

fn sqlite(sqlite3: &Path, dir: &Path, sql: &str) -> Command {
    let mut cmd = Command::new(sqlite3);
    cmd.arg(dir.join(rileva::store::DB_FILE)).arg(sql);
    cmd
}

// ---------------------------------------------------------------------------
// The TUI in a PTY

/// The start screen with the generated counts on it.
fn start_screen(text: &str, c: &Counts) -> bool {
    text.contains(&format!(
        "Bozze {} · Completate {} · Esportate {}",
        c.draft, c.complete, c.exported
    ))
}

/// A question screen: its progress ("12/40 risposte"), no start screen.
fn question_screen(text: &str, progress: &regex::Regex) -> bool {
    !text.contains("Bozze ") && progress.is_match(text)
}

fn tui(bin: &Path, data: &generate::Data, count: &Option<Ran>, table: &mut Vec<Line>) {
    let progress = regex::Regex::new(r"\d+/\d+ risposte").expect("a valid regex");
    let (mut first, mut back, mut failed) = (Vec::new(), Vec::new(), None);
    for i in 0..=RUNS {
        let dir = data.fresh_copy();
        match tui_once(bin, dir.path(), &data.counts, &progress) {
            Ok(_) if i == 0 => {} // warm-up
            Ok((f, b)) => {
                first.push(f);
                back.push(b);
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    if let (Some(e), false) = (&failed, first.is_empty()) {
        println!("TUI: a run failed after {} good ones: {e}", first.len());
    }
    let figure = |samples: &[Duration]| {
        median(samples).ok_or_else(|| failed.clone().unwrap_or_else(|| "no sample".into()))
    };
    table.push(Line::fixed(
        "TUI: start to first frame",
        figure(&first),
        count,
        3.0,
    ));
    table.push(Line::fixed(
        "TUI: Esc back to the start screen",
        figure(&back),
        count,
        3.0,
    ));
    // The same start on an empty data dir: 100,000 should feel like none.
    let mut empty = Vec::new();
    for i in 0..=RUNS {
        let dir = tempfile::tempdir_in(scratch()).expect("a temp dir");
        let store = rileva::store::Store::open(dir.path()).expect("a store");
        store.set_operator("Bench").expect("operator");
        drop(store);
        let args = [OsStr::new("--data-dir"), dir.path().as_os_str()];
        let Ok(mut pty) = Pty::spawn(bin, &args, dir.path()) else {
            break;
        };
        let shown = pty.wait_for("start screen", TIMEOUT, |s| {
            start_screen(s, &Counts::default())
        });
        let started = pty.started;
        pty.quit();
        match shown {
            Ok(t) if i > 0 => empty.push(t - started),
            Ok(_) => {}
            Err(e) => {
                println!("TUI on an empty data dir: {e}");
                break;
            }
        }
    }
    if let (Some(e), Ok(full)) = (median(&empty), figure(&first)) {
        println!(
            "TUI start to first frame: {:.0} ms on an empty data dir, {:.0} ms with {} responses",
            e.as_secs_f64() * 1e3,
            full.as_secs_f64() * 1e3,
            data.n
        );
    }
}

/// Spawn to the start screen with its counts; Enter on the first draft, its
/// question; Esc, until the start screen is drawn again.
fn tui_once(
    bin: &Path,
    dir: &Path,
    counts: &Counts,
    progress: &regex::Regex,
) -> Result<(Duration, Duration), String> {
    let args = [OsStr::new("--data-dir"), dir.as_os_str()];
    let mut pty = Pty::spawn(bin, &args, dir)?;
    let result = (|| {
        let shown = pty.wait_for("start screen", TIMEOUT, |s| start_screen(s, counts))?;
        let first = shown - pty.started;
        pty.send(b"\r")?;
        pty.wait_for("question screen", TIMEOUT, |s| question_screen(s, progress))?;
        pty.send(b"\x1b")?;
        let esc = Instant::now();
        let again = pty.wait_for("start screen after Esc", TIMEOUT, |s| {
            start_screen(s, counts)
        })?;
        Ok((first, again - esc))
    })();
    pty.quit();
    result
}

// ---------------------------------------------------------------------------
// Export and import

fn export(bin: &Path, data: &generate::Data, sqlite3: Option<&Path>, table: &mut Vec<Line>) {
    // Every run on a fresh copy: export marks the responses exported.
    let ran = median_of(SLOW_RUNS, || {
        let dir = data.fresh_copy();
        run(&rileva(bin, dir.path(), &export_ndjson()))
    });
    let json = sqlite3.and_then(|s| {
        let ran = median_of(SLOW_RUNS, || run(&sqlite(s, data.read_only.path(), JSON)));
        succeeded("writing JSON", ran)
    });
    if let (Ok(r), Some(s)) = (&ran, &json) {
        println!(
            "export: rileva wrote {} lines, {:.0} MB; sqlite3 {} lines, {:.0} MB (peak RSS {:.1} MB)",
            r.stdout_lines,
            r.stdout_bytes as f64 / 1e6,
            s.stdout_lines,
            s.stdout_bytes as f64 / 1e6,
            mb(s.peak_kib)
        );
    }
    let mut line = Line::time("export --format ndjson --all", ran, json, 3.0);
    line.memory_budget_mb = Some(64.0);
    table.push(line);
}

fn import_runs(bin: &Path, data: &generate::Data, table: &mut Vec<Line>) {
    let small_n = data.n / 10;
    let once = |file: &Path| {
        let dir = temp_dir();
        run(&rileva(bin, dir.path(), &import_commit(file)))
    };
    let small = once(&data.ndjson_tenth);
    let mut line = Line::time(
        &format!("import --commit, {small_n} rows"),
        small.clone(),
        None,
        0.0,
    );
    line.memory_budget_mb = Some(100.0);
    line.budget = "(the base)".into();
    table.push(line);
    let name = format!("import --commit, {} rows", data.n);
    let big = match &small {
        Ok(s) if s.took > IMPORT_LIMIT => {
            let secs = s.took.as_secs_f64();
            println!(
                "import of {} rows not run: {small_n} took {secs:.0} s (> {} s); \
                 extrapolated {:.0} s if linear, {:.0} s if quadratic",
                data.n,
                IMPORT_LIMIT.as_secs(),
                secs * 10.0,
                secs * 100.0
            );
            Err("not run (see above)".to_string())
        }
        Ok(_) => once(&data.ndjson),
        Err(e) => Err(format!("not run: the {small_n} import failed: {e}")),
    };
    let mut line = Line::time(&name, big, small.ok(), 11.0);
    line.versus = format!("{small_n} rows");
    line.memory_budget_mb = Some(100.0);
    table.push(line);
}

/// The sqlite3 figure, or why there is none.
fn succeeded(what: &str, r: Result<Ran, String>) -> Option<Ran> {
    r.map_err(|e| println!("sqlite3 failed {what}: {e}")).ok()
}

/// One warm-up, then `runs` runs; the run with the median time.
fn median_of(runs: usize, mut once: impl FnMut() -> Result<Ran, String>) -> Result<Ran, String> {
    let mut all = Vec::new();
    for i in 0..=runs {
        let r = once()?;
        if !r.ok {
            return Err(r.failure);
        }
        if i > 0 {
            all.push(r);
        }
    }
    all.sort_by_key(|r| r.took);
    all.get(all.len() / 2)
        .cloned()
        .ok_or_else(|| "no run".into())
}

// ---------------------------------------------------------------------------
// The table

struct Line {
    what: String,
    rileva: Result<Duration, String>,
    peak_mb: Option<f64>,
    versus: String,
    other: Option<Duration>,
    budget_ratio: f64,
    budget: String,
    memory_budget_mb: Option<f64>,
}

impl Line {
    fn time(what: &str, r: Result<Ran, String>, other: Option<Ran>, ratio: f64) -> Line {
        let peak = r.as_ref().ok().map(|r| mb(r.peak_kib));
        let mut line = Line::fixed(what, r.map(|r| r.took), &other, ratio);
        line.peak_mb = peak;
        line
    }

    fn fixed(what: &str, r: Result<Duration, String>, other: &Option<Ran>, ratio: f64) -> Line {
        Line {
            what: what.into(),
            rileva: r,
            peak_mb: None,
            versus: "sqlite3".into(),
            other: other.as_ref().map(|o| o.took),
            budget_ratio: ratio,
            budget: format!("<= {ratio}x"),
            memory_budget_mb: None,
        }
    }
}

/// Decimal megabytes, as the budgets are written.
fn mb(kib: i64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

fn secs(d: Duration) -> String {
    match d.as_secs_f64() {
        s if s < 10.0 => format!("{:.0} ms", s * 1e3),
        s => format!("{s:.1} s"),
    }
}

fn print_table(lines: &[Line]) {
    println!("\n| what | rileva | compared with | ratio | budget | time | peak RSS | memory |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for l in lines {
        let (took, ratio, verdict) = match (&l.rileva, l.other) {
            (Err(e), _) => (format!("failed: {e}"), "-".into(), "-"),
            (Ok(t), Some(o)) if l.budget_ratio > 0.0 => {
                let ratio = t.as_secs_f64() / o.as_secs_f64().max(1e-9);
                let v = ["within", "OVER"][usize::from(ratio > l.budget_ratio)];
                (secs(*t), format!("{ratio:.1}x"), v)
            }
            (Ok(t), _) => (secs(*t), "-".into(), "-"),
        };
        let other = l
            .other
            .map_or_else(|| "-".into(), |o| format!("{} {}", l.versus, secs(o)));
        let memory = match (l.peak_mb, l.memory_budget_mb) {
            (Some(p), Some(b)) => {
                let v = ["within", "OVER"][usize::from(p > b)];
                (format!("{p:.0} MB"), format!("<= {b} MB: {v}"))
            }
            (Some(p), None) => (format!("{p:.0} MB"), "-".into()),
            (None, _) => ("-".into(), "-".into()),
        };
        println!(
            "| {} | {took} | {other} | {ratio} | {} | {verdict} | {} | {} |",
            l.what, l.budget, memory.0, memory.1
        );
    }
}
