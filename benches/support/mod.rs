//! What the benchmarks share: figures printed (median, p95, max), the
//! machine they ran on, scratch directories off tmpfs, and the interface
//! driven without a terminal (keymap + dispatch + render on TestBackend).
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rileva::engine::Clock;
use rileva::form::{self, Form, FormBundle};
use rileva::store::Store;
use rileva::tui::action::Action;
use rileva::tui::effect::Runtime;
use rileva::tui::state::{App, Fill, Screen};
use rileva::tui::{Lang, dispatch, keymap, setup, view};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub fn report(what: &str, budget_ms: f64, mut samples: Vec<Duration>) {
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
pub fn filesystem(path: &Path) -> String {
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
pub fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("budgets");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub fn temp_dir() -> TempDir {
    tempfile::Builder::new()
        .prefix("rileva-bench-")
        .tempdir_in(scratch())
        .expect("temp dir")
}

pub fn header() {
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
pub fn start(dir: &Path, (bundle, form): (FormBundle, Form)) -> (App, Runtime) {
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

pub struct Ui {
    pub app: App,
    pub rt: Runtime,
    pub term: Terminal<TestBackend>,
    pub _dir: TempDir,
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

pub const BACKSPACE: char = '\u{8}';
pub const BACKTAB: char = '\u{2}';
pub const ESCAPE: char = '\u{1b}';

impl Ui {
    /// A fresh data dir and the default form, through `tui::setup`.
    pub fn new(width: u16, height: u16) -> Ui {
        let (bundle, form) = form::load_default().expect("form");
        Ui::with_form(width, height, bundle, form)
    }

    /// A fresh data dir and a given form.
    pub fn with_form(width: u16, height: u16, bundle: FormBundle, form: Form) -> Ui {
        let dir = temp_dir();
        let (mut app, mut rt) = start(dir.path(), (bundle, form));
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
    pub fn press(&mut self, ev: KeyEvent) -> Duration {
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
    pub fn keys(&mut self, script: &str) {
        for c in script.chars() {
            self.press(match c {
                '\n' => key(KeyCode::Enter),
                BACKSPACE => key(KeyCode::Backspace),
                BACKTAB => key(KeyCode::BackTab),
                ESCAPE => key(KeyCode::Esc),
                c => ch(c),
            });
        }
    }

    pub fn fill(&mut self) -> &mut Fill {
        match &mut self.app.screen {
            Screen::Fill(f) => f,
            _ => panic!("the benchmark's route is out of date: not on a question"),
        }
    }

    pub fn expect(&mut self, name: &str) {
        let f = self.fill();
        let now = &f.filling.form().node(f.current_slot().node).name;
        assert_eq!(now, name, "the benchmark's route is out of date");
    }

    /// Times `n` keystrokes cycling through `cycle`, after a warm-up.
    pub fn measure(&mut self, cycle: &[KeyEvent], n: usize) -> Vec<Duration> {
        let keys = cycle.iter().cycle();
        keys.clone()
            .take(cycle.len() * 20)
            .for_each(|ev| _ = self.press(*ev));
        keys.take(n).map(|ev| self.press(*ev)).collect()
    }
}
