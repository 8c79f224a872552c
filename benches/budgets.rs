//! The budgets of issue 2, measured and printed, never asserted (a benchmark,
//! not a test): `cargo bench --bench budgets` (release profile).

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rileva::engine::Clock;
use rileva::form::{self, Form, FormBundle};
use rileva::store::{Store, Summary};
use rileva::tui::action::Action;
use rileva::tui::effect::Runtime;
use rileva::tui::screens::question::{self, Field, Input};
use rileva::tui::state::{App, Fill, Screen};
use rileva::tui::{Lang, dispatch, keymap, setup, view};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn main() {
    header();
    keystrokes();
    commits();
    startup();
    municipalities();
}

fn report(what: &str, budget_ms: f64, mut samples: Vec<Duration>) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    samples.sort();
    let n = samples.len();
    if n == 0 {
        return println!("  {what}: no samples");
    }
    let (median, p95) = (samples[n / 2], samples[(n * 95).div_ceil(100) - 1]);
    let verdict = ["within", "OVER"][usize::from(ms(median) > budget_ms)];
    println!(
        "  {what}: median {:.3} ms  p95 {:.3} ms  max {:.3} ms  N={n}  (budget {budget_ms} ms: median {verdict})",
        ms(median),
        ms(p95),
        ms(samples[n - 1]),
    );
}

/// The filesystem a path lives on, from /proc/mounts (longest mount prefix).
fn filesystem(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    let best = mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (point, kind) = (f.get(1)?.replace("\\040", " "), f.get(2)?);
            let found = format!("{kind} (mounted at {point})");
            path.starts_with(&point).then_some((point.len(), found))
        })
        .max_by_key(|(len, _)| *len);
    best.map_or_else(|| "unknown".into(), |(_, s)| s)
}

/// Data dirs go under the target directory, not /tmp: fsync on tmpfs is free.
fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("budgets");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn temp_dir() -> TempDir {
    tempfile::Builder::new()
        .prefix("rileva-bench-")
        .tempdir_in(scratch())
        .expect("temp dir")
}

fn header() {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|x| x.1))
        .unwrap_or("unknown");
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let profile = ["release", "DEBUG: not representative"][usize::from(cfg!(debug_assertions))];
    println!(
        "machine: {cpus} CPUs (nproc), {}; build: {profile}",
        model.trim()
    );
    let fs = filesystem(&scratch());
    let tmpfs = ["not tmpfs", "TMPFS: commits are flattered"][usize::from(fs.starts_with("tmpfs"))];
    println!("data dirs: {} on {fs}, {tmpfs}", scratch().display());
    println!("/tmp is on {}", filesystem(Path::new("/tmp")));
}

// ---------------------------------------------------------------------------
// The interface without a terminal: keymap + dispatch + render on TestBackend

/// What the binary does before it takes the terminal (minus the lock).
fn start(dir: &Path, (bundle, form): (FormBundle, Form)) -> (App, Runtime) {
    let store = Store::open(dir).expect("store");
    let lang = Lang::It;
    let (mut app, mut rt, first) =
        setup(store, bundle, Arc::new(form), lang, Clock::System, false).expect("setup");
    for effect in first {
        let a = rt.execute(effect);
        dispatch(&mut app, &mut rt, a);
    }
    (app, rt)
}

struct Ui {
    app: App,
    rt: Runtime,
    term: Terminal<TestBackend>,
    _dir: TempDir,
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

const BACKSPACE: char = '\u{8}';
const BACKTAB: char = '\u{2}';

impl Ui {
    /// A fresh data dir and the default form, through `tui::setup`.
    fn new(width: u16, height: u16) -> Ui {
        let dir = temp_dir();
        let (mut app, mut rt) = start(dir.path(), form::load_default().expect("form"));
        let rows = height.saturating_sub(12).max(3); // as tui::run does
        dispatch(&mut app, &mut rt, Action::Resize { rows });
        let term = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        Ui {
            app,
            rt,
            term,
            _dir: dir,
        }
    }

    /// One keystroke as the event loop handles it, then the frame.
    fn press(&mut self, ev: KeyEvent) -> Duration {
        let t = Instant::now();
        if let Some(a) = keymap::resolve(self.app.mode(), ev) {
            dispatch(&mut self.app, &mut self.rt, a);
        }
        self.term
            .draw(|f| view::render(&self.app, f))
            .expect("draw");
        t.elapsed()
    }

    /// Characters; '\n', `BACKSPACE` and `BACKTAB` stand for those keys.
    fn keys(&mut self, script: &str) {
        for c in script.chars() {
            self.press(match c {
                '\n' => key(KeyCode::Enter),
                BACKSPACE => key(KeyCode::Backspace),
                BACKTAB => key(KeyCode::BackTab),
                c => ch(c),
            });
        }
    }

    fn fill(&mut self) -> &mut Fill {
        match &mut self.app.screen {
            Screen::Fill(f) => f,
            _ => panic!("the benchmark's route is out of date: not on a question"),
        }
    }

    fn expect(&mut self, name: &str) {
        let f = self.fill();
        let now = &f.filling.form().node(f.current_slot().node).name;
        assert_eq!(now, name, "the benchmark's route is out of date");
    }

    /// Times `n` keystrokes cycling through `cycle`, after a warm-up.
    fn measure(&mut self, cycle: &[KeyEvent], n: usize) -> Vec<Duration> {
        let keys = cycle.iter().cycle();
        keys.clone()
            .take(cycle.len() * 20)
            .for_each(|ev| _ = self.press(*ev));
        keys.take(n).map(|ev| self.press(*ev)).collect()
    }
}

/// Budget 1 (A03b with Torino's municipalities is also the real case of 4).
fn keystrokes() {
    println!("\n1. one keystroke: keymap::resolve + dispatch + view::render into TestBackend");
    for (w, h) in [(80, 24), (200, 60)] {
        let mut ui = Ui::new(w, h);
        ui.keys("Mario Rossi\nn2\n"); // operator, new response, A01 = comune
        ui.expect("A02");
        let s = ui.measure(&[key(KeyCode::Down), key(KeyCode::Up)], 2000);
        report(&format!("A02 choice list Up/Down {w}x{h}"), 1.0, s);
        ui.keys("1\n6\n"); // Piemonte, Torino
        ui.expect("A03b");
        let cycle: Vec<KeyEvent> = "aglie"
            .chars()
            .map(ch)
            .chain([key(KeyCode::Backspace); 5])
            .collect();
        let s = ui.measure(&cycle, 2000);
        let name = format!("A03b filter, Torino's 312, type/erase {w}x{h}");
        report(&name, 1.0, s);
        ui.keys("aglie\n");
        ui.expect("A04");
        let s = ui.measure(&[ch('x'), key(KeyCode::Backspace)], 2000);
        report(&format!("A04 text, a character/Backspace {w}x{h}"), 1.0, s);
    }
}

/// Budget 2: `Store::save_answer` alone, then the whole Enter.
fn commits() {
    println!(
        "\n2. one answer's commit (WAL, synchronous=FULL), data dir on {}",
        filesystem(&scratch())
    );
    let mut ui = Ui::new(80, 24);
    ui.keys("Mario Rossi\nn2\n1\n6\naglie\nComune di Agliè");
    ui.expect("A04");
    let id = ui.fill().row.id.clone();
    let (summary, at) = (Summary::default(), "2020-06-15T10:00:00.000+02:00");
    let store = &mut ui.rt.store;
    let mut samples = Vec::new();
    for i in 0..420 {
        let value = Some(["Comune di Agliè", "Comune"][i % 2]);
        let t = Instant::now();
        let saved = store.save_answer(&id, "/sez_A/A04", value, "Bench", &summary, at);
        let t = t.elapsed();
        saved.expect("save");
        if i >= 20 {
            samples.push(t);
        }
    }
    report("Store::save_answer on a file", 2.0, samples);

    // Check + save effect + recompute + the next question + the frame.
    let mut samples = Vec::new();
    for i in 0..220 {
        // A changed answer each time, so that every Enter commits.
        ui.keys(&format!("{BACKSPACE}{}", ['x', 'y'][i % 2]));
        let t = ui.press(key(KeyCode::Enter));
        ui.keys(&BACKTAB.to_string());
        ui.expect("A04");
        if i >= 20 {
            samples.push(t);
        }
    }
    let stored = ui.rt.store.answers(&id).expect("answers");
    let last = ("/sez_A/A04".to_string(), "Comune di Agliy".to_string());
    assert!(stored.contains(&last), "every Enter commits: {stored:?}");
    report("Enter on A04: check, save, recompute, render", 2.0, samples);
}

// ---------------------------------------------------------------------------
// Budget 3: start to first frame

/// A fresh data directory with the operator already known.
fn ready_dir() -> TempDir {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("store");
    store.set_operator("Bench").expect("operator");
    dir
}

/// Spawn to "Bozze" on the start screen, in an 80×24 PTY; then Ctrl+C.
fn first_frame(bin: &Path) -> Result<Duration, String> {
    let dir = ready_dir();
    let size = PtySize::default(); // 80x24
    let pty = native_pty_system()
        .openpty(size)
        .map_err(|e| e.to_string())?;
    let mut cmd = CommandBuilder::new(bin);
    cmd.args([Path::new("--data-dir"), dir.path()]);
    cmd.cwd(dir.path());
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    cmd.env_remove("RILEVA_DATA_DIR");
    let mut reader = pty.master.try_clone_reader().map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let start = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
    drop(pty.slave);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            if tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let nz = |n| std::num::NonZeroU16::new(n).expect("not zero");
    let mut parser = vt100::Parser::new(nz(24), nz(80), 0);
    let deadline = start + Duration::from_secs(5);
    let result = loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(bytes) => {
                parser.process(&bytes);
                if parser.screen().contents().contains("Bozze") {
                    break Ok(start.elapsed());
                }
            }
            Err(_) => break Err(format!("no \"Bozze\" in 5 s: {:?}", parser.screen())),
        }
    };
    if let Ok(mut w) = pty.master.take_writer() {
        let _ = w.write_all(b"\x03").and_then(|()| w.flush());
    }
    let until = Instant::now() + Duration::from_secs(3);
    while matches!(child.try_wait(), Ok(None)) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    if matches!(child.try_wait(), Ok(None)) {
        let _ = child.kill();
        let _ = child.wait();
    }
    result
}

fn startup() {
    println!("\n3. start to first frame");
    let built = PathBuf::from(env!("CARGO_BIN_EXE_rileva"));
    let fallback = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/rileva");
    match [built, fallback].into_iter().find(|p| p.is_file()) {
        None => println!(
            "  the release binary is missing ({}): run `cargo build --release`",
            env!("CARGO_BIN_EXE_rileva")
        ),
        Some(bin) => {
            let mut samples = Vec::new();
            for i in 0..22 {
                match first_frame(&bin) {
                    Ok(t) if i >= 2 => samples.push(t), // two warm-ups
                    Ok(_) => {}
                    Err(e) => {
                        println!("  PTY start failed: {e}");
                        break;
                    }
                }
            }
            let name = format!("{} in a PTY, spawn to \"Bozze\"", bin.display());
            report(&name, 150.0, samples);
        }
    }
    // In process: what runs before the terminal is taken, then one frame.
    let (mut load, mut total) = (Vec::new(), Vec::new());
    for i in 0..22 {
        let dir = ready_dir();
        let t = Instant::now();
        let form = form::load_default().expect("default form");
        let loaded = t.elapsed();
        let (app, _rt) = start(dir.path(), form);
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        term.draw(|f| view::render(&app, f)).expect("draw");
        if i >= 2 {
            load.push(loaded);
            total.push(t.elapsed());
        }
    }
    report("in process: form::load_default", 150.0, load);
    report(
        "in process: load_default, Store::open, setup, frame",
        150.0,
        total,
    );
}

// ---------------------------------------------------------------------------
// Budget 4: the 7,896 municipalities

fn municipalities() {
    println!("\n4. one keystroke of filtering the municipalities (typing a, g, l, i, e)");
    for (w, h) in [(80, 24), (200, 60)] {
        let mut ui = Ui::new(w, h);
        ui.keys("Mario Rossi\nn2\n1\n6\n");
        ui.expect("A03b");
        let real = filter_runs(&mut ui, 100);
        report(&format!("(a) Torino's 312, TUI path {w}x{h}"), 5.0, real);
        // The worst case: no choice filter, every municipality in the list.
        let f = ui.fill();
        let slot = f.current_slot();
        let mut q = Field::new(&f.filling, slot.clone());
        let count = f
            .filling
            .form()
            .list_of(slot.node)
            .expect("list")
            .choices
            .len();
        if let Input::Choices(c) = &mut q.input {
            c.items = (0..count).collect();
            c.shown = c.items.clone();
        }
        f.page.fields[0] = q;
        if w == 80 {
            ui.keys("a");
            if let Input::Choices(c) = &ui.fill().page.fields[0].input {
                println!("  (\"a\" leaves {} of {count} shown)", c.shown.len());
            }
            ui.keys(&BACKSPACE.to_string());
        }
        let all = filter_runs(&mut ui, 100);
        report(&format!("(b) all {count}, TUI path {w}x{h}"), 5.0, all);
        if w == 80 {
            let name = format!("(b) all {count}, Choices::refilter alone");
            report(&name, 5.0, refilter_alone(ui.fill()));
        }
    }
}

/// Types "aglie" one key at a time (each timed), then erases it (not timed).
fn filter_runs(ui: &mut Ui, runs: usize) -> Vec<Duration> {
    let mut samples = Vec::new();
    for run in 0..runs + 5 {
        let times: Vec<Duration> = "aglie".chars().map(|c| ui.press(ch(c))).collect();
        if run >= 5 {
            samples.extend(times);
        }
        ui.keys(&BACKSPACE.to_string().repeat(5));
    }
    samples
}

fn refilter_alone(f: &mut Fill) -> Vec<Duration> {
    let node = f.current_slot().node;
    let Input::Choices(c) = &mut f.page.fields[0].input else {
        panic!("A03b is a choice list")
    };
    let mut samples = Vec::new();
    for run in 0..105 {
        for ev in "aglie".chars().map(ch).chain([key(KeyCode::Backspace); 5]) {
            let t = Instant::now();
            question::edit(c.filter.as_mut().expect("a filter"), ev, false);
            c.refilter(&f.filling, node);
            if run >= 5 && ev.code != KeyCode::Backspace {
                samples.push(t.elapsed());
            }
        }
    }
    samples
}
