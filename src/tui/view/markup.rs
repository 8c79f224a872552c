//! Labels and hints as the question screen draws them: ODK's Markdown
//! (see `crate::markup`) as styled lines, and the files other clients show
//! with a label named, since a terminal shows none.

use crate::lang::Lang;
use crate::text::sanitize;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// The rows' text of some lines, a line break between them (for counting
/// the rows they wrap to).
pub(super) fn lines_plain(lines: &[Line<'_>]) -> String {
    lines
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A label or hint in ODK's Markdown (see `markup`) as styled lines: bold,
/// italic, headings underlined, a link as its text with its address;
/// control characters made inert. No lines for an empty text.
pub(super) fn marked_lines(text: &str, base: Style) -> Vec<Line<'static>> {
    if text.is_empty() {
        return Vec::new();
    }
    crate::markup::parse(text)
        .into_iter()
        .map(|l| {
            let mut style = base;
            if l.heading {
                style = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
            }
            let spans: Vec<Span<'static>> = l
                .pieces
                .into_iter()
                .flat_map(|p| {
                    let mut s = style;
                    if p.bold {
                        s = s.add_modifier(Modifier::BOLD);
                    }
                    if p.italic {
                        s = s.add_modifier(Modifier::ITALIC);
                    }
                    let mut out = vec![Span::styled(sanitize(&p.text, false).into_owned(), s)];
                    if let Some(url) = p.link.filter(|u| *u != p.text) {
                        out.push(Span::styled(
                            format!(" <{}>", sanitize(&url, false)),
                            s.add_modifier(Modifier::UNDERLINED),
                        ));
                    }
                    out
                })
                .collect();
            Line::from(spans)
        })
        .collect()
}

/// The files other clients show with a label (pictures, sounds), named:
/// a terminal shows none of them.
pub(super) fn media_line(node: &crate::form::Node, lang: Lang) -> String {
    if node.media.is_empty() {
        return String::new();
    }
    let word = |kind: &str| match (kind, lang) {
        ("image" | "big-image", Lang::It) => "immagine",
        ("image" | "big-image", Lang::En) => "image",
        ("audio", _) => "audio",
        ("video", _) => "video",
        _ => "file",
    };
    let files: Vec<String> = node
        .media
        .iter()
        .map(|(k, v)| format!("{}: {}", word(k), sanitize(v, false)))
        .collect();
    let tail = match (lang, files.len()) {
        (Lang::It, 1) => "non mostrato nel terminale",
        (Lang::It, _) => "non mostrati nel terminale",
        (Lang::En, _) => "not shown in the terminal",
    };
    format!("[{}] ({tail})", files.join(" · "))
}

pub(super) fn media_hint(m: crate::form::Media, lang: Lang) -> &'static str {
    use crate::form::Media;
    match (m, lang) {
        (Media::Image, Lang::It) => " percorso dell'immagine (Tab completa) ",
        (Media::Image, Lang::En) => " path of the image (Tab completes) ",
        (Media::Audio, Lang::It) => " percorso dell'audio (Tab completa) ",
        (Media::Audio, Lang::En) => " path of the audio (Tab completes) ",
        (Media::Video, Lang::It) => " percorso del video (Tab completa) ",
        (Media::Video, Lang::En) => " path of the video (Tab completes) ",
        (Media::File, Lang::It) => " percorso del file (Tab completa) ",
        (Media::File, Lang::En) => " path of the file (Tab completes) ",
    }
}
