//! Runs the real `rileva` binary in a pseudo-terminal of 80×24 and reads its
//! screen through a VT100 parser, as a person at a terminal would see it.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;
/// Generous: CI is a 2-core machine. Tests normally take a fraction of it.
pub const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(10);

/// Key sequences as an xterm sends them.
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const ESC: &str = "\x1b";
    pub const TAB: &str = "\t";
    pub const SHIFT_TAB: &str = "\x1b[Z";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const F1: &str = "\x1bOP";
    pub const F2: &str = "\x1bOQ";
    pub const F3: &str = "\x1bOR";
    pub const F4: &str = "\x1bOS";
    pub const CTRL_C: &str = "\x03";
    pub const ALT_ENTER: &str = "\x1b\r";
    pub const BACKSPACE: &str = "\x7f";
    pub const SPACE: &str = " ";
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("not zero")
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rileva")
}

/// A running `rileva` on a PTY. Killed (SIGKILL) on drop if still running.
pub struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Option<Box<dyn Write + Send>>,
    child: Box<dyn Child + Send + Sync>,
    // Kept open so that the child's output stays readable until we are done.
    master: Option<Box<dyn MasterPty + Send>>,
    reader: Option<JoinHandle<()>>,
    /// Tells the reader to stop and close its handle on the terminal.
    stop_reading: Arc<AtomicBool>,
    pub dir: PathBuf,
    /// The last question [`Tui::answer`] saw.
    last: Option<String>,
}

impl Tui {
    /// `rileva --data-dir DIR` in a fresh 80×24 PTY.
    pub fn start(dir: &Path) -> Tui {
        Tui::start_with(dir, &[])
    }

    pub fn start_with(dir: &Path, extra: &[&str]) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(bin());
        cmd.arg("--data-dir");
        cmd.arg(dir);
        for a in extra {
            cmd.arg(a);
        }
        cmd.cwd(dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("RILEVA_DATA_DIR");
        let child = pty.slave.spawn_command(cmd).expect("spawn rileva");
        // Only the child holds the slave now: its exit ends our reads.
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(ROWS), nz(COLS), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let fd = pty.master.as_raw_fd().expect("the master's descriptor");
        let (p, r) = (parser.clone(), raw.clone());
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = stop_reading.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Waits for output a little at a time, so that it can be told to
            // stop (and drop its handle) while the child still runs.
            while !stop.load(Ordering::Relaxed) {
                if !readable(fd) {
                    continue;
                }
                // EOF or EIO once the child has gone and the output is drained.
                match reader.read(&mut buf) {
                    Ok(n @ 1..) => {
                        p.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                    _ => break,
                }
            }
        });
        let writer = pty.master.take_writer().expect("pty writer");
        Tui {
            parser,
            raw,
            writer: Some(writer),
            child,
            master: Some(pty.master),
            reader: Some(reader),
            stop_reading,
            dir: dir.to_path_buf(),
            last: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// Types text (or a key sequence) as is.
    pub fn send(&mut self, s: &str) {
        let w = self.writer.as_mut().expect("the terminal is open");
        w.write_all(s.as_bytes()).expect("write to pty");
        w.flush().expect("flush pty");
    }

    /// The terminal goes away, as when an SSH session drops or a window is
    /// closed: every handle on its master side is closed (the child gets
    /// SIGHUP and its reads find the terminal hung up). Returns the exit
    /// code if the child exits within `within`.
    pub fn hang_up(&mut self, within: Duration) -> Option<u32> {
        self.stop_reading.store(true, Ordering::Relaxed);
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
        self.writer = None;
        self.master = None;
        let start = Instant::now();
        while start.elapsed() < within {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status.exit_code());
            }
            std::thread::sleep(POLL);
        }
        None
    }

    /// A named key from [`keys`].
    pub fn key(&mut self, k: &str) {
        self.send(k);
    }

    /// Esc, then wait for the screen to show `then` (a lone ESC followed too
    /// soon by another byte would read as Alt+key).
    pub fn esc(&mut self, then: &str) {
        self.send(keys::ESC);
        self.wait_for(then);
    }

    /// The screen as text, row by row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn row(&self, row: u16) -> String {
        let p = self.parser.lock().unwrap();
        p.screen()
            .rows(0, COLS)
            .nth(row as usize)
            .unwrap_or_default()
    }

    /// Runs `f` on the parsed screen (cells, attributes).
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.parser.lock().unwrap().screen())
    }

    /// Everything the program wrote to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until `pred` holds for the screen; panics with the screen on timeout.
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out after {TIMEOUT:?} waiting for {what}; the screen:\n{}",
                    self.dump()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// The question on screen: the first word of the label row, if the screen
    /// shows a question.
    pub fn question(&self) -> Option<String> {
        let label = self.row(4);
        let name = label.split_whitespace().next()?.to_string();
        let looks = name.len() >= 3
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && name[1..3].chars().all(|c| c.is_ascii_digit());
        looks.then_some(name)
    }

    /// Waits until the question on screen is `name`; panics (with the screen)
    /// as soon as another question settles there instead.
    pub fn expect_question(&self, name: &str, from: Option<&str>) {
        let start = Instant::now();
        let mut other_since: Option<(String, Instant)> = None;
        loop {
            let shown = self.question();
            if shown.as_deref() == Some(name) {
                return;
            }
            // A different question that stays put for a while is a wrong turn.
            match (&shown, &mut other_since) {
                (Some(q), Some((prev, since))) if q == prev => {
                    if since.elapsed() > Duration::from_millis(1500) && Some(q.as_str()) != from {
                        panic!(
                            "expected question {name} after {from:?}, but {q} is shown:\n{}",
                            self.dump()
                        );
                    }
                }
                (Some(q), _) => other_since = Some((q.clone(), Instant::now())),
                (None, _) => other_since = None,
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for question {name} (after {from:?}); the screen:\n{}",
                    self.dump()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits for question `name` (right after the previous one answered
    /// through here), then types `input` (text and key sequences, no lone Esc).
    pub fn answer(&mut self, name: &str, input: &str) {
        let last = self.last.take();
        self.expect_question(name, last.as_deref());
        self.last = Some(name.to_string());
        self.send(input);
    }

    fn dump(&self) -> String {
        let p = self.parser.lock().unwrap();
        let rows: Vec<String> = p.screen().rows(0, COLS).collect();
        rows.iter()
            .enumerate()
            .map(|(i, r)| format!("{i:2}|{r}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Waits for the process to exit by itself; returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.drain();
                return status.exit_code();
            }
            if start.elapsed() > TIMEOUT {
                panic!("rileva did not exit; the screen:\n{}", self.dump());
            }
            std::thread::sleep(POLL);
        }
    }

    /// SIGKILL, as a power cut or `kill -9` would: no handler runs.
    pub fn kill9(&mut self) {
        let pid = self.pid().to_string();
        let ok = Command::new("kill")
            .args(["-9", &pid])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -9 {pid} failed");
        let status = self.child.wait().expect("wait for the killed child");
        assert!(
            !status.success(),
            "a SIGKILLed process cannot exit 0: {status:?}"
        );
        self.drain();
    }

    /// Waits for the reader to see the end of the output.
    fn drain(&mut self) {
        if let Some(h) = self.reader.take() {
            let start = Instant::now();
            while !h.is_finished() && start.elapsed() < TIMEOUT {
                std::thread::sleep(POLL);
            }
            // Joined either way: it must end before the master is closed.
            self.stop_reading.store(true, Ordering::Relaxed);
            let _ = h.join();
        }
    }
}

/// Whether the terminal's master has output (or has hung up) within 50 ms.
fn readable(fd: std::os::fd::RawFd) -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    // SAFETY: the master (and the descriptor) stays open until this thread
    // is joined: `hang_up` and `drop` join it before closing the master.
    let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    let wait = Timespec {
        tv_sec: 0,
        tv_nsec: 50_000_000,
    };
    poll(&mut fds, Some(&wait)).is_ok_and(|n| n > 0)
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait()
            && let Some(pid) = self.child.process_id()
        {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            let _ = self.child.wait();
        }
        // The reader polls the master's descriptor: it ends before the master.
        self.stop_reading.store(true, Ordering::Relaxed);
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
    }
}

/// Runs `rileva --data-dir DIR args…` without a terminal; (exit code, stdout, stderr).
pub fn cli(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("RILEVA_DATA_DIR")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run rileva");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `rileva list --json`, parsed.
pub fn list_json(dir: &Path) -> Vec<serde_json::Value> {
    let (code, out, err) = cli(dir, &["list", "--json"]);
    assert_eq!(code, 0, "list --json failed: {err}");
    serde_json::from_str(&out).expect("list --json prints JSON")
}

/// The drafts as exported to stdout (`export --drafts --format ndjson`),
/// without marking anything exported.
pub fn drafts_ndjson(dir: &Path) -> Vec<serde_json::Value> {
    let (code, out, err) = cli(dir, &["export", "--drafts", "--format", "ndjson"]);
    assert_eq!(code, 0, "export --drafts failed: {err}");
    out.lines()
        .map(|l| serde_json::from_str(l).expect("one JSON response per line"))
        .collect()
}
