//! NDJSON (`.ndjson`, `.jsonl`): one JSON object per line, read a line at a
//! time. Blank lines are skipped; a line that is not JSON is a row with a
//! problem, not a reason to refuse the file.

use super::json::Reader;
use super::{Mapping, Row, Stop, skip_bom};
use crate::form::Form;
use serde_json::Value;
use std::convert::Infallible;
use std::io::BufRead;

/// Every line that is not blank, with its number (from 1), to `each`. A line
/// that is not UTF-8 stops the reading: the file is not text.
fn each_line<E>(
    mut input: impl BufRead,
    mut each: impl FnMut(usize, &str) -> Result<(), Stop<E>>,
) -> Result<(), Stop<E>> {
    skip_bom(&mut input).map_err(|e| Stop::File(format!("cannot read it: {e}")))?;
    let mut buf = Vec::new();
    let mut number = 0usize;
    loop {
        buf.clear();
        let read = input
            .read_until(b'\n', &mut buf)
            .map_err(|e| Stop::File(format!("cannot read line {}: {e}", number + 1)))?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        let line = std::str::from_utf8(&buf)
            .map_err(|_| Stop::File(format!("not UTF-8 text (line {number})")))?;
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.trim().is_empty() {
            each(number, line)?;
        }
    }
}

pub(super) fn scan(input: impl BufRead) -> Result<usize, String> {
    let mut rows = 0usize;
    each_line::<Infallible>(input, |_, _| {
        rows += 1;
        Ok(())
    })
    .map_err(|e| match e {
        Stop::File(e) => e,
        Stop::Handler(never) => match never {},
    })?;
    Ok(rows)
}

pub(super) fn stream<E>(
    input: impl BufRead,
    form: &Form,
    mut each: impl FnMut(Row) -> Result<(), E>,
) -> Result<Mapping, Stop<E>> {
    let mut reader = Reader::new(form);
    each_line(input, |number, line| {
        let row = match serde_json::from_str::<Value>(line) {
            Ok(v) => reader.row(&v, number),
            Err(e) => Row {
                number,
                problems: vec![format!("not JSON: {e}")],
                ..Row::default()
            },
        };
        each(row).map_err(Stop::Handler)
    })?;
    Ok(reader.into_mapping())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &[u8]) -> Result<Vec<(usize, String)>, String> {
        let mut seen = Vec::new();
        each_line::<Infallible>(text, |n, line| {
            seen.push((n, line.to_string()));
            Ok(())
        })
        .map_err(|e| match e {
            Stop::File(e) => e,
            Stop::Handler(never) => match never {},
        })?;
        Ok(seen)
    }

    #[test]
    fn lines_keep_their_numbers_without_blank_ones_or_line_ends() {
        let seen = numbers(b"\xef\xbb\xbf{\"a\":1}\r\n\n  \n{\"b\":2}").expect("text");
        assert_eq!(
            seen,
            [(1, "{\"a\":1}".to_string()), (4, "{\"b\":2}".to_string())]
        );
        assert_eq!(scan(&b"x\n\ny\n"[..]), Ok(2));
        assert_eq!(scan(&b""[..]), Ok(0));
    }

    #[test]
    fn a_line_that_is_not_utf8_names_its_line() {
        assert_eq!(
            numbers(b"{}\n{\"a\":\"\xff\"}\n"),
            Err("not UTF-8 text (line 2)".to_string())
        );
    }
}
