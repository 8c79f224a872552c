//! render(&App, &mut Frame): reads state, draws, changes nothing.

mod catalogue;
mod lists;
mod markup;
mod question;
mod reconcile;
mod section;

use super::i18n::{self, Lang};
use super::keymap::{self, Mode};
use super::state::{App, Confirm, Flash, Screen, View};
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui_textarea::{CursorMove, TextArea};

/// Styles, with or without colour (NO_COLOR).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub no_color: bool,
}

impl Theme {
    fn color(self, c: Color) -> Style {
        if self.no_color {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }
    pub fn bold(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn dim(self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default().fg(Color::DarkGray)
        }
    }
    pub fn error(self) -> Style {
        self.color(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn ok(self) -> Style {
        self.color(Color::Green)
    }
    pub fn warn(self) -> Style {
        self.color(Color::Yellow)
    }
    pub fn accent(self) -> Style {
        self.color(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn cursor(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn key(self) -> Style {
        self.color(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

/// A copy of an editor for drawing: every line made inert (`sanitize`, one
/// visible character for each character, so the cursor stays where it is).
/// The editor itself keeps the text exactly as typed or stored.
pub(super) fn shown_editor(e: &TextArea<'static>) -> TextArea<'static> {
    let lines: Vec<String> = e
        .lines()
        .iter()
        .map(|l| sanitize(l, false).into_owned())
        .collect();
    let (row, col) = (e.cursor().0, e.cursor().1);
    let mut shown = TextArea::new(lines);
    shown.set_wrap_mode(e.wrap_mode());
    if let Some(mask) = e.mask_char() {
        shown.set_mask_char(mask);
    }
    let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    shown.move_cursor(CursorMove::Jump(clamp(row), clamp(col)));
    // Jump takes 16-bit columns: a longer line is walked the rest.
    for _ in usize::from(u16::MAX)..col {
        shown.move_cursor(CursorMove::Forward);
    }
    shown
}

pub fn render(app: &App, frame: &mut Frame) {
    let theme = Theme {
        no_color: app.no_color,
    };
    let area = frame.area();
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(status_rows(app, area.width)),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, frame, header, theme);
    match &app.screen {
        Screen::Operator(s) => lists::operator(app, s, frame, body, theme),
        Screen::Start(s) => lists::start(app, s, frame, body, theme),
        Screen::Reconcile(r) => reconcile::render(app, r, frame, body, theme),
        Screen::Catalogue(c) => catalogue::render(app, c, frame, body, theme),
        Screen::Fill(f) => match &f.view {
            View::Question => question::render(app, f, frame, body, theme),
            View::Outline(o) => lists::outline(app, f, o, frame, body, theme),
            View::Review(r) => lists::review(app, f, r, frame, body, theme),
        },
    }
    render_status(app, frame, status, theme);
    render_footer(app.mode(), app.lang, frame, footer, theme);
    if let Screen::Fill(f) = &app.screen
        && let Some(confirm) = &f.confirm
    {
        let text = match confirm {
            Confirm::Finalize => i18n::FINALIZE_CONFIRM,
            Confirm::RemoveInstance { .. } => i18n::REMOVE_CONFIRM,
        };
        dialog(frame, area, text.get(app.lang), theme);
    }
    if let Some(mode) = app.help {
        render_help(app, mode, frame, area, theme);
    }
}

fn render_header(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let title = match &app.screen {
        Screen::Fill(f) => f.filling.form().title.clone(),
        _ => app.form_title.clone(),
    };
    let form_lang = match &app.screen {
        Screen::Fill(f)
            if f.filling.language() != app.lang.code() && !f.filling.language().is_empty() =>
        {
            let form = f.filling.form();
            let name = form
                .languages
                .iter()
                .find(|l| l.code == f.filling.language())
                .map_or(f.filling.language(), |l| l.name.as_str());
            format!(" ({})", sanitize(name, false))
        }
        _ => String::new(),
    };
    let right = format!(
        " {}{form_lang} · {}: {} ",
        app.lang.code().to_uppercase(),
        i18n::OPERATOR.get(app.lang),
        app.operator.as_deref().unwrap_or("—")
    );
    let right_width = right.chars().count() as u16;
    let [left_area, right_area] = Layout::horizontal([
        Constraint::Min(10),
        Constraint::Length(right_width.min(area.width / 2)),
    ])
    .areas(area);
    let left = Line::from(vec![
        Span::styled(" rileva ", theme.accent()),
        Span::styled(sanitize(&title, false).into_owned(), theme.bold()),
    ]);
    frame.render_widget(Paragraph::new(left), left_area);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            sanitize(&right, false).into_owned(),
            theme.dim(),
        )))
        .right_aligned(),
        right_area,
    );
}

/// The status line's text and style: the last thing that happened.
fn status_text(app: &App, theme: Theme) -> Option<(String, Style)> {
    let lang = app.lang;
    // The jump key's prompt: what is typed, and why it goes nowhere.
    let jump = match &app.screen {
        Screen::Fill(f) => f.jump.as_ref().map(|p| {
            let typed = crate::tui::screens::question::editor_text(&p.editor);
            let mut text = format!("{} {}▏", i18n::JUMP_TO.get(lang), sanitize(&typed, false));
            if let Some(why) = &p.error {
                text.push_str(&format!(" ✗ {}", sanitize(&why.text(lang), false)));
            }
            (text, p.error.is_some())
        }),
        _ => None,
    };
    // A refused value while keying: said until Esc, in reverse video (the
    // visible bell) when the terminal's bell is off.
    if let Screen::Fill(f) = &app.screen
        && let Some(n) = f.held
    {
        let style = if app.keying.bell {
            theme.error()
        } else {
            theme.error().add_modifier(Modifier::REVERSED)
        };
        let held = format!(
            "✗ {} ({n} {})",
            i18n::HELD.get(lang),
            if n == 1 {
                i18n::HELD_KEY
            } else {
                i18n::HELD_KEYS
            }
            .get(lang)
        );
        return Some(match jump {
            Some((prompt, _)) => (format!("{prompt} — {held}"), style),
            None => (held, style),
        });
    }
    if let Some((prompt, refused)) = jump {
        let style = if refused {
            theme.error()
        } else {
            theme.accent()
        };
        return Some((prompt, style));
    }
    let flash = flash_text(app, theme);
    let Some(p) = app.job else {
        return flash;
    };
    // The lane's progress first, then what else happened meanwhile.
    let of = if p.total > 0 {
        format!(" {}/{}", p.done, p.total)
    } else {
        String::new()
    };
    let doing = if p.sending {
        i18n::SENDING
    } else {
        i18n::EXPORTING
    };
    let progress = format!("⟳ {}{of}…", doing.get(lang));
    Some(match flash {
        Some((text, style)) => (format!("{progress} · {text}"), style),
        None => (progress, theme.accent()),
    })
}

/// The flash's text and style.
fn flash_text(app: &App, theme: Theme) -> Option<(String, Style)> {
    let lang = app.lang;
    Some(match app.flash.as_ref()? {
        Flash::Saved { name, at } => (
            format!(
                "✓ {} {} · {at}",
                i18n::SAVED_CAP.get(lang),
                sanitize(name, false)
            ),
            theme.ok(),
        ),
        Flash::Info(tr) => (tr.get(lang).to_string(), Style::default()),
        Flash::Notice(msg) => (sanitize(msg, false).into_owned(), theme.warn()),
        Flash::Sent {
            server,
            sent,
            already,
            left,
            stopped,
        } => {
            let mut text = format!(
                "{} {} {}: {sent}",
                if *left == 0 { "✓" } else { "!" },
                i18n::SENT_TO.get(lang),
                sanitize(server, false)
            );
            if *already > 0 {
                text.push_str(&format!(", {already} {}", i18n::SENT_ALREADY.get(lang)));
            }
            if *left > 0 {
                text.push_str(&format!("; {left} {}", i18n::SENT_LEFT.get(lang)));
            }
            if let Some(why) = stopped {
                text.push_str(&format!(
                    " ({}: {})",
                    i18n::SENT_STOPPED.get(lang),
                    sanitize(why, false)
                ));
            }
            let style = if *left == 0 { theme.ok() } else { theme.warn() };
            (text, style)
        }
        Flash::Exported {
            written: 0,
            unreadable: 0,
            ..
        } => (
            i18n::EXPORTED_NOTHING.get(lang).to_string(),
            Style::default(),
        ),
        Flash::Exported {
            written,
            unreadable,
            missing_files,
            read_only,
            dir,
        } => {
            let mut text = format!(
                "✓ {} {written} → {}",
                i18n::EXPORTED_TO.get(lang),
                sanitize(dir, false)
            );
            if *unreadable > 0 {
                text.push_str(&format!("; {unreadable} {}", i18n::UNREADABLE.get(lang)));
            }
            if *missing_files > 0 {
                text.push_str(&format!(
                    "; {missing_files} {}",
                    i18n::FILES_MISSING.get(lang)
                ));
            }
            if *read_only {
                text.push_str(&format!("; {}", i18n::NOT_MARKED.get(lang)));
            }
            let style = if *unreadable > 0 || *missing_files > 0 {
                theme.warn()
            } else {
                theme.ok()
            };
            (text, style)
        }
        Flash::Error(failure) => {
            // What the operator can do comes first: a long message wraps,
            // and this part must never be the one cut off.
            let mut text = String::new();
            if app.leaving == crate::tui::state::Leaving::Armed {
                text.push_str(match lang {
                    Lang::It => "Ctrl+C di nuovo per uscire senza salvare — ",
                    Lang::En => "Ctrl+C again to quit without saving — ",
                });
            }
            let write_failed = matches!(&app.screen, Screen::Fill(f) if f.save_error.is_some());
            if write_failed {
                text.push_str(&format!("✗ {}: ", i18n::NOT_SAVED.get(lang)));
            } else {
                text.push_str("✗ ");
            }
            text.push_str(&sanitize(&failure.text(lang), false));
            (text, theme.error())
        }
    })
}

/// Rows the status takes at this width: its text wrapped, at most three.
fn status_rows(app: &App, width: u16) -> u16 {
    let theme = Theme {
        no_color: app.no_color,
    };
    status_text(app, theme).map_or(1, |(text, _)| {
        wrapped_rows(&text, usize::from(width.max(1))).clamp(1, 3) as u16
    })
}

fn render_status(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some((text, style)) = status_text(app, theme) else {
        return;
    };
    frame.render_widget(
        Paragraph::new(Span::styled(text, style)).wrap(Wrap { trim: true }),
        area,
    );
}

fn render_footer(mode: Mode, lang: Lang, frame: &mut Frame, area: Rect, theme: Theme) {
    // The screen's own keys as far as they fit; help (last) always shows.
    let hints = keymap::hints(mode, lang);
    let width = |(k, l): &(String, &str)| k.chars().count() + 1 + l.chars().count() + 3;
    let help = hints
        .iter()
        .position(|(_, l)| *l == keymap::HELP_HINT.get(lang));
    let mut room = area.width as usize;
    if let Some(h) = help {
        room = room.saturating_sub(width(&hints[h]));
    }
    let mut shown = Vec::new();
    for (i, hint) in hints.iter().enumerate() {
        if Some(i) == help {
            continue;
        }
        if width(hint) > room {
            break;
        }
        room -= width(hint);
        shown.push(hint);
    }
    shown.extend(help.map(|h| &hints[h]));
    let mut spans = Vec::new();
    for (i, (key, label)) in shown.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(key.clone(), theme.key()));
        spans.push(Span::raw(format!(" {label}")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A box in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn dialog(frame: &mut Frame, area: Rect, text: &str, theme: Theme) {
    let rect = centered(area, 60, 5);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.warn());
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
        rect,
    );
}

/// The keys of the screen the help was opened on. When they do not fit
/// (80×24 in a repeat), the list scrolls with ↑ ↓ PgUp PgDn, and how to close
/// (and to scroll) stays on the bottom border.
fn render_help(app: &App, mode: Mode, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let mut lines = Vec::new();
    for b in keymap::bindings_here(mode, app.in_repeat()) {
        let mut keys: Vec<String> = Vec::new();
        for k in keymap::live_keys(mode, b) {
            let label = keymap::key_label(k, lang);
            if !keys.contains(&label) {
                keys.push(label);
            }
        }
        if keys.is_empty() {
            continue;
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{:<20} ", keys.join(", ")), theme.key()),
            Span::raw(b.help.get(lang)),
        ]));
    }
    if matches!(
        mode,
        Mode::Operator | Mode::Text | Mode::Path | Mode::Multiline | Mode::Filter
    ) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<20} ", match lang { Lang::It => "altri tasti", Lang::En => "other keys" }), theme.key()),
            Span::raw(match lang {
                Lang::It => "scrivono il testo: ← → Inizio Fine Backspace Canc, Ctrl+K cancella fino a fine riga, Ctrl+U annulla",
                Lang::En => "edit the text: ← → Home End Backspace Del, Ctrl+K deletes to end of line, Ctrl+U undoes",
            }),
        ]));
    }
    let width = area.width.saturating_sub(2).min(100);
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| {
            wrapped_rows(
                &l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>(),
                inner,
            )
        })
        .sum();
    let height = (rows as u16 + 2).min(area.height);
    let shown = height.saturating_sub(2);
    let overflow = (rows as u16).saturating_sub(shown);
    let scroll = app.help_scroll.min(overflow);
    let bottom = if overflow > 0 {
        let more = match (scroll > 0, scroll < overflow) {
            (true, true) => "↑↓",
            (false, _) => "↓",
            (true, false) => "↑",
        };
        format!(
            " {more} {} · {} ",
            i18n::HELP_SCROLL.get(lang),
            i18n::HELP_CLOSE.get(lang)
        )
    } else {
        format!(" {} ", i18n::HELP_CLOSE.get(lang))
    };
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", i18n::HELP_TITLE.get(lang)))
        .title_bottom(Line::from(Span::styled(bottom, theme.dim())));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block),
        rect,
    );
}

/// Rows a text takes when wrapped at `width` (an estimate on word boundaries).
pub fn wrapped_rows(text: &str, width: usize) -> usize {
    text.split('\n')
        .map(|line| {
            let mut rows = 1;
            let mut col = 0;
            for word in line.split(' ') {
                let w = word.chars().count();
                if col > 0 && col + 1 + w > width {
                    rows += 1;
                    col = w;
                } else {
                    col += if col > 0 { 1 } else { 0 } + w;
                }
                while col > width {
                    rows += 1;
                    col -= width;
                }
            }
            rows
        })
        .sum::<usize>()
        .max(1)
}

/// A window of `len` rows of `height` that keeps `cursor` visible, centred when it can.
pub fn window(len: usize, height: usize, cursor: usize) -> std::ops::Range<usize> {
    if len <= height {
        return 0..len;
    }
    let start = cursor.saturating_sub(height / 2).min(len - height);
    start..start + height
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn window_keeps_cursor_visible() {
        assert_eq!(window(5, 10, 3), 0..5);
        assert_eq!(window(100, 10, 0), 0..10);
        assert_eq!(window(100, 10, 50), 45..55);
        assert_eq!(window(100, 10, 99), 90..100);
        for c in 0..100 {
            assert!(window(100, 7, c).contains(&c));
        }
    }
}
