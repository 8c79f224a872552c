//! The terminal going away: a dropped SSH session, a closed window, a killed
//! tmux. crossterm 0.29's event source then re-reads the dead terminal
//! forever inside `event::poll` (crossterm-rs/crossterm#793: `read` returns 0
//! or fails and its loop never leaves), so the event loop never runs again:
//! what is typed is not saved, a CPU burns and the data directory stays
//! locked.
//!
//! A watcher thread looks at standard input every [`EVERY`]. When the
//! terminal has hung up it raises the stop flag (as SIGHUP does) and puts an
//! empty pipe in standard input's place: crossterm's read then finds nothing
//! to read, its poll times out, and the event loop saves what is typed and
//! leaves as on SIGHUP. Should the loop still not be gone after [`GRACE`], the
//! watcher ends the process: every confirmed answer is already committed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often the terminal is looked at.
const EVERY: Duration = Duration::from_millis(200);

/// How long the event loop gets to save and leave once the terminal is gone.
const GRACE: Duration = Duration::from_secs(15);

/// Stops the watcher when dropped (the interface has ended).
pub struct Watcher {
    done: Arc<AtomicBool>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// Starts watching standard input; `stop` is the flag the event loop reads.
pub fn watch(stop: Arc<AtomicBool>) -> Watcher {
    let done = Arc::new(AtomicBool::new(false));
    let finished = done.clone();
    let spawned = std::thread::Builder::new()
        .name("hangup".into())
        .spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(EVERY);
                if terminal_gone() {
                    stop.store(true, Ordering::Relaxed);
                    release_reader();
                    let since = Instant::now();
                    while !finished.load(Ordering::Relaxed) {
                        if since.elapsed() > GRACE {
                            std::process::exit(2);
                        }
                        std::thread::sleep(EVERY);
                    }
                    return;
                }
            }
        });
    // Without the thread rileva works as before; only a hang-up is not seen.
    drop(spawned);
    Watcher { done }
}

/// Whether standard input's terminal has hung up (or is no longer open).
#[cfg(unix)]
fn terminal_gone() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = rustix::stdio::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&now)) {
        Ok(_) => fds[0]
            .revents()
            .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL),
        Err(_) => false,
    }
}

/// Puts an empty, non-blocking pipe where standard input was, its writing
/// end kept open for good: a read there says "nothing yet", never end of
/// file, so crossterm's loop leaves.
#[cfg(unix)]
fn release_reader() {
    use rustix::pipe::{PipeFlags, pipe_with};
    if let Ok((read, write)) = pipe_with(PipeFlags::NONBLOCK | PipeFlags::CLOEXEC)
        && rustix::stdio::dup2_stdin(&read).is_ok()
    {
        // Kept open until the process ends, so the pipe never reads as closed.
        std::mem::forget(write);
    }
}

#[cfg(not(unix))]
fn terminal_gone() -> bool {
    false
}

#[cfg(not(unix))]
fn release_reader() {}
