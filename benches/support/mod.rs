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
use std::io::{Read, Write};
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

// ---------------------------------------------------------------------------
// Child processes timed from spawn to exit, their stdout drained

/// What one command did: wall time from spawn to exit (its stdout drained
/// meanwhile), its peak resident memory, and what it printed.
#[derive(Debug, Clone)]
pub struct Ran {
    pub took: Duration,
    /// `ru_maxrss` of the command alone (wait4), in KiB.
    pub peak_kib: i64,
    pub stdout_bytes: u64,
    pub stdout_lines: u64,
    pub ok: bool,
    /// The exit status and the end of stderr, when it failed.
    pub failure: String,
}

/// The first argument that makes a benchmark binary a measuring parent.
pub const MEASURE: &str = "--measure-child";

/// Call first in `main`. As `<bench> --measure-child REPORT PROGRAM ARGS…`
/// the binary runs PROGRAM (stdio inherited), writes its time, peak RSS and
/// wait status to REPORT, and exits.
///
/// Why a parent of its own: Linux counts the memory of the process that
/// execs into the child's `ru_maxrss`, and a child spawned straight from the
/// benchmark would start at the benchmark's own peak (hundreds of MB after
/// generating data); this parent has touched almost nothing.
pub fn measure_child_mode() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let [_, flag, report, program, rest @ ..] = &args[..] else {
        return;
    };
    if flag != MEASURE {
        return;
    }
    let start = Instant::now();
    let outcome = std::process::Command::new(program)
        .args(rest)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.to_string_lossy()))
        .and_then(|child| wait4(child.id()));
    let text = match outcome {
        Ok((status, peak)) => format!("{} {peak} {status}", start.elapsed().as_nanos()),
        Err(e) => format!("error {e}"),
    };
    let code = i32::from(std::fs::write(report, text).is_err());
    std::process::exit(code);
}

/// Runs a command through `measure_child_mode` with stdout read to the end
/// through a pipe (counted, not kept) and stdin closed. The benchmark's
/// `main` must call `measure_child_mode()` first, or the measuring parent
/// would run the whole benchmark again.
pub fn run(cmd: &std::process::Command) -> Result<Ran, String> {
    use std::io::BufRead;
    use std::process::Stdio;
    let report = tempfile::NamedTempFile::new_in(scratch()).map_err(|e| e.to_string())?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut outer = std::process::Command::new(me);
    outer
        .arg(MEASURE)
        .arg(report.path())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => outer.env(key, v),
            None => outer.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        outer.current_dir(dir);
    }
    outer
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = outer
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let stderr = child.stderr.take().ok_or("no stderr pipe")?;
    let drain = std::thread::spawn(move || {
        let (mut bytes, mut lines) = (0u64, 0u64);
        let mut reader = std::io::BufReader::with_capacity(1 << 16, stdout);
        while let Ok(buf) = reader.fill_buf() {
            if buf.is_empty() {
                break;
            }
            let n = buf.len();
            lines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
            bytes += n as u64;
            reader.consume(n);
        }
        (bytes, lines)
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::BufReader::new(stderr).read_to_string(&mut text);
        text
    });
    let parent = child.wait().map_err(|e| e.to_string())?;
    let (stdout_bytes, stdout_lines) = drain.join().map_err(|_| "stdout reader panicked")?;
    let stderr = errors.join().unwrap_or_default();
    let text = std::fs::read_to_string(report.path()).unwrap_or_default();
    let fields: Vec<i64> = text.split(' ').filter_map(|f| f.parse().ok()).collect();
    let [nanos, peak_kib, status] = fields[..] else {
        return Err(format!(
            "the measuring parent failed ({parent}): {text} {stderr}"
        ));
    };
    let status = libc::c_int::try_from(status).map_err(|e| e.to_string())?;
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let failure = if ok {
        String::new()
    } else {
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        let how = if libc::WIFEXITED(status) {
            format!("exit {}", libc::WEXITSTATUS(status))
        } else {
            format!("signal {}", libc::WTERMSIG(status))
        };
        let tail = tail.into_iter().rev().collect::<Vec<_>>().join(" / ");
        format!("{how}: {tail}")
    };
    Ok(Ran {
        took: Duration::from_nanos(u64::try_from(nanos).unwrap_or(0)),
        peak_kib,
        stdout_bytes,
        stdout_lines,
        ok,
        failure,
    })
}

/// Reaps one child and reads its own resource usage (`Child::wait` offers no
/// rusage; getrusage(RUSAGE_CHILDREN) would mix the children together).
fn wait4(pid: u32) -> Result<(libc::c_int, i64), String> {
    let pid = libc::pid_t::try_from(pid).map_err(|e| e.to_string())?;
    let mut status: libc::c_int = 0;
    // SAFETY: plain C structs, zeroed, filled by the kernel for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals for the duration of the call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            return Ok((status, usage.ru_maxrss));
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4({pid}): {e}"));
        }
    }
}

pub fn median(samples: &[Duration]) -> Option<Duration> {
    let mut s = samples.to_vec();
    s.sort();
    s.get(s.len() / 2).copied()
}

// ---------------------------------------------------------------------------
// The real binary in a pseudo-terminal, its screen parsed by vt100

pub struct Pty {
    // Kept open: dropping the master hangs the child up.
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn std::io::Write + Send>,
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    pub screen: vt100::Parser,
    /// When the child was spawned.
    pub started: Instant,
}

impl Pty {
    /// Spawns `bin args` in an 80×24 terminal, in `cwd`.
    pub fn spawn(bin: &Path, args: &[&std::ffi::OsStr], cwd: &Path) -> Result<Pty, String> {
        use portable_pty::{CommandBuilder, PtySize, native_pty_system};
        let pty = native_pty_system()
            .openpty(PtySize::default())
            .map_err(|e| e.to_string())?;
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("RILEVA_DATA_DIR");
        let mut reader = pty.master.try_clone_reader().map_err(|e| e.to_string())?;
        let writer = pty.master.take_writer().map_err(|e| e.to_string())?;
        let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let started = Instant::now();
        let child = pty.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
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
        Ok(Pty {
            master: pty.master,
            child,
            writer,
            rx,
            screen: vt100::Parser::new(nz(24), nz(80), 0),
            started,
        })
    }

    /// Reads output until the screen satisfies `done`; the instant it did.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&str) -> bool,
    ) -> Result<Instant, String> {
        let deadline = Instant::now() + timeout;
        if done(&self.screen.screen().contents()) {
            return Ok(Instant::now());
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(bytes) => {
                    self.screen.process(&bytes);
                    if done(&self.screen.screen().contents()) {
                        return Ok(Instant::now());
                    }
                }
                Err(_) => {
                    return Err(format!(
                        "no {what} within {timeout:?}; the screen:\n{}",
                        self.screen.screen().contents()
                    ));
                }
            }
        }
    }

    pub fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.writer
            .write_all(bytes)
            .and_then(|()| self.writer.flush())
            .map_err(|e| e.to_string())
    }

    /// Ctrl+C, then a kill if it has not exited within 3 s.
    pub fn quit(mut self) {
        let _ = self.send(b"\x03");
        let until = Instant::now() + Duration::from_secs(3);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        drop(self.master);
    }
}
