//! A progress bar on stderr while an import runs, when stderr is a terminal
//! (`indicatif`); nothing at all when it is not (a pipe, a file, a test).

use super::super::Out;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};

pub(super) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// `rows` to go through; `doing` says what ("importing", "checking").
    pub fn new(rows: usize, doing: &'static str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(
            Some(u64::try_from(rows).unwrap_or(u64::MAX)),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{wide_bar}] {human_pos}/{human_len} rows, {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(doing);
        Progress { bar }
    }

    /// One more row gone through.
    pub fn row(&self) {
        self.bar.inc(1);
    }

    /// Lines on stdout, with the bar out of their way while they print.
    pub fn print<W: Write>(&self, out: &mut Out<W>, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        if self.bar.is_hidden() {
            for line in lines {
                out.line(line);
            }
            return;
        }
        self.bar.suspend(|| {
            for line in lines {
                out.line(line);
            }
            // Out before the bar is drawn again.
            out.flush();
        });
    }

    /// The bar goes away: the last line says what was done.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
