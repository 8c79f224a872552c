//! ODK's Markdown in labels and hints: `**bold**` (`__bold__`), `*italic*`
//! (`_italic_`), `#` headings, `[text](address)` links, `<br>` line breaks
//! and `<span style="…">` colour spans, read into styled pieces of lines.
//! Pure: the TUI draws the pieces, the printed form writes them as HTML,
//! and `plain` gives the words alone wherever a label is one line of text.
//! A marker that is never closed is text, as it was typed.

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Piece {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    /// The address of a link (`text` is what it says).
    pub link: Option<String>,
}

/// A line of a label: its pieces, and whether it is a heading.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub heading: bool,
    pub pieces: Vec<Piece>,
}

impl Line {
    pub fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }
}

/// The lines of a label written in ODK's Markdown.
pub fn parse(s: &str) -> Vec<Line> {
    split_lines(s).iter().map(|l| line(l)).collect()
}

/// The label's words, without markup: lines joined by spaces, links as
/// their text with the address in brackets.
pub fn plain(s: &str) -> String {
    if !might_have_markup(s) {
        return s.to_string();
    }
    parse(s)
        .iter()
        .map(|l| {
            l.pieces
                .iter()
                .map(|p| match &p.link {
                    Some(url) if *url != p.text => format!("{} <{url}>", p.text),
                    _ => p.text.clone(),
                })
                .collect::<String>()
        })
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn might_have_markup(s: &str) -> bool {
    s.contains(['*', '_', '#', '[', '<', '\\', '\n'])
}

/// Lines at `\n` and at `<br>` (`<br/>`, `<br />`, any case).
fn split_lines(s: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\n' {
            lines.push(String::new());
            rest = &rest[1..];
            continue;
        }
        if c == '<'
            && let Some(n) = br_len(rest)
        {
            lines.push(String::new());
            rest = &rest[n..];
            continue;
        }
        if let Some(last) = lines.last_mut() {
            last.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    lines
}

/// The length of a `<br>` tag at the start of `s`.
fn br_len(s: &str) -> Option<usize> {
    let lower: String = s.chars().take(6).collect::<String>().to_ascii_lowercase();
    ["<br />", "<br/>", "<br>"]
        .iter()
        .find(|t| lower.starts_with(*t))
        .map(|t| t.len())
}

/// What the inline scan finds.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Text(String),
    /// `**` or `__`.
    Bold(&'static str),
    /// `*` or `_`.
    Italic(&'static str),
    Link(String, String),
}

fn line(raw: &str) -> Line {
    let trimmed = raw.trim_start();
    let hashes = trimmed.chars().take_while(|&c| c == '#').count();
    let (heading, body) = match trimmed.get(hashes..) {
        Some(rest) if (1..=6).contains(&hashes) && (rest.starts_with(' ') || rest.is_empty()) => {
            (true, rest.trim())
        }
        _ => (false, raw),
    };
    let tokens = paired(tokens(body));
    let mut pieces: Vec<Piece> = Vec::new();
    let (mut bold, mut italic) = (false, false);
    let mut push = |text: &str, bold: bool, italic: bool, link: Option<String>| {
        if text.is_empty() {
            return;
        }
        match pieces.last_mut() {
            Some(p)
                if p.bold == bold && p.italic == italic && p.link.is_none() && link.is_none() =>
            {
                p.text.push_str(text);
            }
            _ => pieces.push(Piece {
                text: text.to_string(),
                bold,
                italic,
                link,
            }),
        }
    };
    for t in tokens {
        match t {
            Token::Text(s) => push(&s, bold, italic, None),
            Token::Bold(_) => bold = !bold,
            Token::Italic(_) => italic = !italic,
            Token::Link(text, url) => push(&text, bold, italic, Some(url)),
        }
    }
    Line { heading, pieces }
}

/// Markers that have no partner become text again.
fn paired(tokens: Vec<Token>) -> Vec<Token> {
    let mut keep = vec![true; tokens.len()];
    for kind in [true, false] {
        let idx: Vec<usize> = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                matches!(
                    (t, kind),
                    (Token::Bold(_), true) | (Token::Italic(_), false)
                )
            })
            .map(|(i, _)| i)
            .collect();
        if idx.len() % 2 == 1
            && let Some(&last) = idx.last()
        {
            keep[last] = false;
        }
    }
    tokens
        .into_iter()
        .zip(keep)
        .map(|(t, k)| match (t, k) {
            (Token::Bold(m) | Token::Italic(m), false) => Token::Text(m.to_string()),
            (t, _) => t,
        })
        .collect()
}

fn tokens(s: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut text = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let flush = |text: &mut String, out: &mut Vec<Token>| {
        if !text.is_empty() {
            out.push(Token::Text(std::mem::take(text)));
        }
    };
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        match c {
            '\\' if next.is_some_and(|n| "\\*_#[]()<>`".contains(n)) => {
                text.push(next.unwrap_or(c));
                i += 2;
            }
            '*' | '_' if next == Some(c) => {
                flush(&mut text, &mut out);
                out.push(Token::Bold(if c == '*' { "**" } else { "__" }));
                i += 2;
            }
            // `_` inside a word (snake_case names) is a letter.
            '_' if prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric) =>
            {
                text.push(c);
                i += 1;
            }
            '*' | '_' => {
                flush(&mut text, &mut out);
                out.push(Token::Italic(if c == '*' { "*" } else { "_" }));
                i += 1;
            }
            '[' => match link_at(&chars, i) {
                Some((label, url, end)) => {
                    flush(&mut text, &mut out);
                    out.push(Token::Link(label, url));
                    i = end;
                }
                None => {
                    text.push(c);
                    i += 1;
                }
            },
            '<' => match span_tag_at(&chars, i) {
                Some(end) => i = end,
                None => {
                    text.push(c);
                    i += 1;
                }
            },
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    flush(&mut text, &mut out);
    out
}

/// `[text](address)` starting at `i`: its text, its address, where it ends.
fn link_at(chars: &[char], i: usize) -> Option<(String, String, usize)> {
    let close = (i + 1..chars.len()).find(|&j| chars[j] == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = (close + 2..chars.len()).find(|&j| chars[j] == ')')?;
    let label: String = chars.get(i + 1..close)?.iter().collect();
    let url: String = chars.get(close + 2..end)?.iter().collect();
    let url = url.trim().to_string();
    if url.is_empty() || url.contains(char::is_whitespace) {
        return None;
    }
    let label = if label.trim().is_empty() {
        url.clone()
    } else {
        label
    };
    Some((label, url, end + 1))
}

/// `<span …>` or `</span>` starting at `i` (colour and font spans are
/// dropped, their text kept): where the tag ends.
fn span_tag_at(chars: &[char], i: usize) -> Option<usize> {
    let end = (i + 1..chars.len()).find(|&j| chars[j] == '>')?;
    let tag: String = chars
        .get(i + 1..end)?
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    let is_span = tag == "/span" || tag == "span" || tag.starts_with("span ");
    is_span.then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn piece(text: &str, bold: bool, italic: bool) -> Piece {
        Piece {
            text: text.into(),
            bold,
            italic,
            link: None,
        }
    }

    #[test]
    fn bold_italic_and_their_spellings() {
        let l = &parse("Il **nome** e *cognome* e __ente__ e _ruolo_")[0];
        assert_eq!(
            l.pieces,
            vec![
                piece("Il ", false, false),
                piece("nome", true, false),
                piece(" e ", false, false),
                piece("cognome", false, true),
                piece(" e ", false, false),
                piece("ente", true, false),
                piece(" e ", false, false),
                piece("ruolo", false, true),
            ]
        );
    }

    #[test]
    fn headings_breaks_links_and_spans() {
        let lines = parse(
            "# Sezione A<br>Vedi [il sito](https://example.org)<br/><span style=\"color:red\">rosso</span>",
        );
        assert_eq!(lines.len(), 3);
        assert!(lines[0].heading);
        assert_eq!(lines[0].text(), "Sezione A");
        assert_eq!(
            lines[1].pieces[1].link.as_deref(),
            Some("https://example.org")
        );
        assert_eq!(lines[2].text(), "rosso");
        assert_eq!(
            plain("# Sezione A<br>Vedi [il sito](https://example.org)"),
            "Sezione A Vedi il sito <https://example.org>"
        );
    }

    #[test]
    fn what_is_not_markup_stays_as_typed() {
        assert_eq!(plain("snake_case_name"), "snake_case_name");
        assert_eq!(plain("3 * 4 = 12"), "3 * 4 = 12");
        assert_eq!(plain("a **b"), "a **b");
        assert_eq!(plain("#hashtag"), "#hashtag");
        assert_eq!(plain("\\*non corsivo\\*"), "*non corsivo*");
        assert_eq!(plain("x < y > z"), "x < y > z");
        assert_eq!(plain("[no link]"), "[no link]");
    }

    proptest! {
        /// Any label: lines of pieces, never a panic; plain text of text
        /// without markup characters is itself.
        #[test]
        fn any_label_parses(s in ".{0,80}", word in "[a-zA-Z0-9 ,.]{0,30}") {
            let _ = parse(&s);
            let _ = plain(&s);
            prop_assert_eq!(plain(&word), word);
        }
    }
}
