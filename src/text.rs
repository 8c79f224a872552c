//! Text helpers shared by every layer: accent-insensitive folding for search, and
//! sanitizing of untrusted text before it reaches a terminal.

use std::borrow::Cow;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Folds text for searching: lower case, accents and other combining marks removed,
/// so that "aglie" finds "Agliè" and "sudtirol" finds "Südtirol".
pub fn fold(s: &str) -> String {
    // Most labels are ASCII (7,896 municipality names fold at every start).
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// True for characters that must never be written raw to a terminal: C0 and C1
/// controls, DEL, and the Unicode bidirectional overrides and isolates, which can
/// make text display in an order other than the one stored.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Makes untrusted text (from a form file or an answer) inert for display: each
/// control character becomes a visible symbol (ESC shows as `␛`, other C0 controls
/// as their Unicode "control picture", the rest as `�`). Newlines are kept only when
/// `keep_newlines` is set (multi-line answers). The stored text is never changed;
/// this is for display only.
pub fn sanitize(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\t' => out.push(' '),
            c if is_unsafe(c) => out.push(control_picture(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn control_picture(c: char) -> char {
    let code = c as u32;
    if code < 0x20 {
        // U+2400 CONTROL PICTURE block mirrors C0: U+241B is the symbol for ESC.
        char::from_u32(0x2400 + code).unwrap_or('\u{FFFD}')
    } else if code == 0x7F {
        '\u{2421}'
    } else {
        '\u{FFFD}'
    }
}

/// JSON text (as serde_json writes it) with every character a terminal would
/// act on escaped as `\uXXXX`. serde escapes C0 controls itself; the rest
/// (DEL, C1, bidirectional overrides) can only be inside strings, where an
/// escape means the same character.
pub fn json_inert(json: &str) -> Cow<'_, str> {
    // C0 controls are escaped by serde inside strings; raw, they are the
    // layout of pretty JSON (line breaks), which stays.
    let act = |c: char| is_unsafe(c) && u32::from(c) >= 0x7f;
    if !json.chars().any(act) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if act(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One-line display form of a text: sanitized, with line breaks shown as `⏎ `.
/// A label or hint on one line: its Markdown taken off (see `markup`),
/// then as `one_line`.
pub fn label_line(s: &str) -> String {
    one_line(&crate::markup::plain(s))
}

pub fn one_line(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    sanitize(&s, true).replace('\n', " ⏎ ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_of_ascii_is_its_lower_case_as_the_long_way_gives() {
        for s in ["Torino", "SAN GIOVANNI", "Castell'Arquato", "a-b c", ""] {
            let long: String = s
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .collect();
            assert_eq!(fold(s), long);
        }
    }

    #[test]
    fn fold_removes_accents_and_case() {
        assert_eq!(fold("Agliè"), "aglie");
        assert_eq!(
            fold("Trentino-Alto Adige/Südtirol"),
            "trentino-alto adige/sudtirol"
        );
        assert_eq!(fold("ÀÉÎÕÜ"), "aeiou");
    }

    #[test]
    fn sanitize_makes_escape_sequences_inert() {
        let s = sanitize("red\u{1b}[31mtext\u{7}", false);
        assert_eq!(s, "red\u{241b}[31mtext\u{2407}");
        assert!(!s.chars().any(|c| c.is_control()));
    }

    #[test]
    fn sanitize_handles_c1_and_bidi() {
        let s = sanitize("a\u{9b}b\u{202e}c", false);
        assert_eq!(s, "a\u{FFFD}b\u{FFFD}c");
    }

    #[test]
    fn sanitize_keeps_newlines_only_when_asked() {
        assert_eq!(sanitize("a\nb", true), "a\nb");
        assert_eq!(sanitize("a\nb", false), "a\u{240A}b");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(
            sanitize("Comune di Agliè", false),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn one_line_marks_breaks() {
        assert_eq!(one_line("a\r\nb"), "a ⏎ b");
    }
}
