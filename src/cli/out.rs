//! What the commands print: standard output that never panics, one-line
//! errors on stderr, and the small wording helpers they share.

use crate::form::FormError;
use crate::text::sanitize;
use std::io::{self, Write};

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

    /// Bytes as they are (a CSV, a stream of data).
    pub fn raw(&mut self, bytes: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.w.write_all(bytes)
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
pub(super) fn error(message: &str) {
    let _ = writeln!(io::stderr().lock(), "rileva: {}", sanitize(message, false));
}

/// A form problem as `FILE: location: message` (the location is left out when
/// it is the file itself).
pub(super) fn form_problem(file: &str, e: &FormError) -> String {
    if e.location == file || e.location.is_empty() {
        format!("{file}: {}", e.message)
    } else {
        format!("{file}: {}: {}", e.location, e.message)
    }
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn form_problems_name_the_file_once() {
        let e = FormError::new("survey[0]", "boom");
        assert_eq!(form_problem("f.json", &e), "f.json: survey[0]: boom");
        let e = FormError::new("f.json", "cannot read the form");
        assert_eq!(form_problem("f.json", &e), "f.json: cannot read the form");
    }

    #[test]
    fn json_for_a_terminal_escapes_c1_and_bidi() {
        let v = serde_json::json!({"name": "a\u{9b}31m\u{202e}b\u{7f}", "ok": "Agliè"});
        let text = crate::export::json::to_text(&v, false);
        assert_eq!(text, r#"{"name":"a\u009b31m\u202eb\u007f","ok":"Agliè"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, v);
    }
}
