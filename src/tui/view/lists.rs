//! The operator prompt, the start screen, the outline and the review.

use super::{Theme, window};
use crate::engine::{Filling, Slot, Status};
use crate::form::Kind;
use crate::store::{EntryRole, ResponseRow};
use crate::text::{one_line, sanitize};
use crate::tui::i18n::{self, Lang};
use crate::tui::screens::lists::{Outline, OutlineRow, Review, mark};
use crate::tui::screens::start::{Pane, Start};
use crate::tui::state::{App, Fill, OperatorScreen, Task};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn operator(app: &App, s: &OperatorScreen, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let papers = matches!(s.task, Task::Verify | Task::Reconcile | Task::Server);
    let rect = super::centered(area, 70, if papers { 12 } else { 9 });
    let [title, prompt, input, error, waiting] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(rect);
    let (title_text, prompt_text, empty_text) = match s.task {
        Task::Paper => (i18n::PAPER_TITLE, i18n::PAPER_PROMPT, i18n::PAPER_EMPTY),
        Task::Verify => (i18n::VERIFY_TITLE, i18n::VERIFY_PROMPT, i18n::PAPER_EMPTY),
        Task::Reconcile => (
            i18n::RECONCILE_TITLE,
            i18n::RECONCILE_PROMPT,
            i18n::NONE_WAITING,
        ),
        Task::Operator => (
            i18n::OPERATOR_TITLE,
            i18n::OPERATOR_PROMPT,
            i18n::OPERATOR_EMPTY,
        ),
        Task::Server => (
            i18n::SERVER_TITLE,
            i18n::SERVER_PROMPT,
            i18n::SERVER_UNKNOWN,
        ),
        Task::Password => (
            i18n::PASSWORD_TITLE,
            i18n::PASSWORD_PROMPT,
            i18n::PASSWORD_EMPTY,
        ),
    };
    // The password's user and server, from the store: shown as text.
    let prompt_line = match &s.send {
        Some(to) => format!(
            "{} @ {} ({}): {}",
            one_line(&to.user),
            one_line(&to.server),
            one_line(&to.url),
            prompt_text.get(lang)
        ),
        None => prompt_text.get(lang).to_string(),
    };
    if s.task == Task::Server {
        let list = format!(
            "{}: {}",
            i18n::SERVERS.get(lang),
            s.waiting
                .iter()
                .enumerate()
                .map(|(n, name)| format!("{} {}", n + 1, one_line(name)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        frame.render_widget(
            Paragraph::new(Span::styled(list, theme.dim())).wrap(Wrap { trim: true }),
            waiting,
        );
    } else if papers {
        // The papers' numbers only: nothing of what was keyed in them.
        let list = if s.waiting.is_empty() {
            i18n::NONE_WAITING.get(lang).to_string()
        } else {
            format!(
                "{}: {}",
                i18n::WAITING.get(lang),
                s.waiting
                    .iter()
                    .map(|p| one_line(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        frame.render_widget(
            Paragraph::new(Span::styled(list, theme.dim())).wrap(Wrap { trim: true }),
            waiting,
        );
    }
    frame.render_widget(
        Paragraph::new(Span::styled(title_text.get(lang), theme.accent())),
        title,
    );
    frame.render_widget(
        Paragraph::new(prompt_line).wrap(Wrap { trim: true }),
        prompt,
    );
    let mut editor = super::shown_editor(&s.editor);
    editor.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.accent()),
    );
    editor.set_cursor_line_style(Style::default());
    frame.render_widget(&editor, input);
    let refused = s.send.as_ref().and_then(|to| to.refused.as_deref());
    if s.error {
        frame.render_widget(
            Paragraph::new(Span::styled(empty_text.get(lang), theme.error())),
            error,
        );
    } else if let Some(why) = refused {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{}: {}", i18n::PASSWORD_REFUSED.get(lang), one_line(why)),
                theme.error(),
            )),
            error,
        );
    }
}

/// Local date and time of an RFC 3339 stamp, as `26/11/2026 10:32`.
fn when(stamp: &str) -> String {
    stamp
        .parse::<jiff::Timestamp>()
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stamp.chars().take(16).collect())
}

fn response_line(row: &ResponseRow, lang: Lang, width: usize, viewer: Option<&str>) -> String {
    // A keying entry of a paper under verification: to anyone but its
    // keyer, its number and which entry it is, nothing of what it holds.
    let blind = row.hidden_from(viewer);
    // Which entry it is goes before the name, which is cut first.
    let tag = match row.entry {
        Some(EntryRole::First) => format!("{} · ", i18n::FIRST_ENTRY.get(lang)),
        Some(EntryRole::Second) => format!("{} · ", i18n::SECOND_ENTRY.get(lang)),
        Some(EntryRole::Result) => format!("{} · ", i18n::VERIFIED.get(lang)),
        Some(EntryRole::Edit) => format!("{} · ", i18n::EDIT_UNVERIFIED.get(lang)),
        None => String::new(),
    };
    let shown = match blind {
        true => "·····",
        false => row
            .instance_name
            .as_deref()
            .unwrap_or_else(|| i18n::UNNAMED.get(lang)),
    };
    // The paper's number too may come from a file (an import): shown as
    // text, never as terminal codes.
    let name = one_line(&row.listed_name(&format!("{tag}{shown}")));
    let (answered, relevant) = match blind {
        true => ("-".to_string(), "-".to_string()),
        false => (row.answered.to_string(), row.relevant.to_string()),
    };
    let right = format!(
        "{:>3}/{:<3}  {:<14}  {}",
        answered,
        relevant,
        truncate(&sanitize(&row.operator, false), 14),
        when(&row.updated_at)
    );
    let room = width.saturating_sub(right.chars().count() + 3);
    format!("{:<room$}  {right}", truncate(&name, room))
}

pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub fn start(app: &App, s: &Start, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let double = &s.double;
    let double_line = double.awaiting + double.to_reconcile > 0 || double.errors.is_some();
    let [counts, drafts_area, completed_area] = Layout::vertical([
        Constraint::Length(2 + u16::from(double_line)),
        Constraint::Min(4),
        Constraint::Length(
            (u16::try_from(s.window(Pane::Completed).total).unwrap_or(u16::MAX))
                .saturating_add(2)
                .clamp(3, 8),
        ),
    ])
    .areas(area);
    let c = s.counts;
    let line = Line::from(vec![
        Span::styled(
            format!("{} {}", i18n::DRAFTS.get(lang), c.draft),
            theme.bold(),
        ),
        Span::raw(" · "),
        Span::raw(format!("{} {}", i18n::COMPLETED.get(lang), c.complete)),
        Span::raw(" · "),
        Span::raw(format!("{} {}", i18n::EXPORTED.get(lang), c.exported)),
    ]);
    let mut lines = vec![line];
    let session = app.session_totals();
    if session.fields > 0 || session.bad_keys > 0 {
        lines.push(Line::from(Span::styled(
            format!(
                "{}: {} {} · {} {} · {} {} ({} {})",
                i18n::SESSION.get(lang),
                session.fields,
                i18n::FIELDS.get(lang),
                session.keys,
                i18n::KEYS.get(lang),
                session.bad_keys,
                i18n::BAD_KEYS.get(lang),
                session.corrections,
                i18n::CORRECTIONS.get(lang),
            ),
            theme.dim(),
        )));
    }
    if double_line {
        let mut text = format!(
            "{}: {} {} · {} {}",
            i18n::DOUBLE_ENTRY.get(lang),
            double.awaiting,
            i18n::TO_VERIFY.get(lang),
            double.to_reconcile,
            i18n::TO_RECONCILE.get(lang),
        );
        if let Some(k) = &double.errors {
            // Per 1,000 fields, with the interface's decimal mark: the line
            // fits 80 columns.
            let rate = |n: i64, f: i64| match f {
                0 => "-".to_string(),
                f => {
                    let r = format!("{:.1}‰", n as f64 * 1000.0 / f as f64);
                    match lang {
                        Lang::It => r.replace('.', ","),
                        Lang::En => r,
                    }
                }
            };
            text.push_str(&format!(
                " · {} 1ª {} 2ª {}",
                i18n::YOUR_ERRORS.get(lang),
                rate(k.first_charged, k.first_fields),
                rate(k.second_charged, k.second_fields)
            ));
        }
        lines.push(Line::from(Span::styled(text, theme.dim())));
    }
    frame.render_widget(Paragraph::new(lines), counts);
    pane(app, s, Pane::Drafts, frame, drafts_area, theme);
    pane(app, s, Pane::Completed, frame, completed_area, theme);
}

fn pane(app: &App, s: &Start, which: Pane, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let (title, empty) = match which {
        Pane::Drafts => (i18n::DRAFTS, i18n::NO_DRAFTS),
        Pane::Completed => (i18n::COMPLETED, i18n::NO_COMPLETED),
    };
    let focused = s.pane == Some(which);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.accent() } else { theme.dim() })
        .title(format!(" {} ", title.get(lang)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = s.window(which);
    if rows.total == 0 {
        frame.render_widget(
            Paragraph::new(Span::styled(empty.get(lang), theme.dim())),
            inner,
        );
        return;
    }
    let cursor = s.cursor(which);
    let width = inner.width as usize;
    let lines: Vec<Line> = window(rows.total, inner.height as usize, cursor)
        .map(|i| {
            // A row not read yet (its page is on its way) is blank.
            let Some(row) = rows.get(i) else {
                return Line::default();
            };
            // An old version replaced by an edit, an edit, an exported one.
            let status = match (&row.superseded_by, &row.deprecated_id, row.status) {
                (Some(_), _, _) => i18n::REPLACED_VERSION.get(lang),
                (None, _, crate::store::Status::Exported) => i18n::EXPORTED.get(lang),
                (None, Some(_), _) => i18n::EDITED_VERSION.get(lang),
                _ => "",
            };
            let text = if status.is_empty() {
                response_line(row, lang, width, app.operator.as_deref())
            } else {
                // The name gives way, never the date.
                let tag = format!(" [{status}]");
                let line = response_line(
                    row,
                    lang,
                    width.saturating_sub(tag.chars().count()),
                    app.operator.as_deref(),
                );
                format!("{line}{tag}")
            };
            let style = if focused && i == cursor {
                theme.cursor()
            } else {
                Style::default()
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// An answer as the operator reads it: choice labels, not codes.
pub fn answer_text(filling: &Filling, slot: &Slot, lang: Lang) -> String {
    value_text(filling, slot, filling.answer(slot), lang, false)
}

/// A value of a slot as the operator reads it; with `names`, each choice's
/// name before its label (`r Red`), as a third value is typed.
pub fn value_text(
    filling: &Filling,
    slot: &Slot,
    value: Option<&str>,
    lang: Lang,
    names: bool,
) -> String {
    let node = filling.form().node(slot.node);
    let Some(answer) = value else {
        return i18n::EMPTY_ANSWER.get(lang).to_string();
    };
    match node.kind {
        Kind::SelectOne | Kind::SelectMultiple | Kind::Rank => answer
            .split_whitespace()
            .map(|v| match (filling.choice_label(slot.node, v), names) {
                (Some(label), true) => format!("{v} {}", crate::markup::plain(label)),
                (Some(label), false) => crate::markup::plain(label),
                (None, _) => v.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Kind::Acknowledge => i18n::ACKNOWLEDGE.get(lang).to_string(),
        _ => answer.to_string(),
    }
}

/// A node's label (or hint, or name) on one line, its `${name}` references
/// filled as seen from `slot`.
fn label(filling: &Filling, slot: &Slot) -> String {
    let form = filling.form();
    let node = form.node(slot.node);
    let l = node.label.get(filling.language(), &form.default_language);
    let l = if l.is_empty() {
        node.hint.get(filling.language(), &form.default_language)
    } else {
        l
    };
    if l.is_empty() {
        node.name.clone()
    } else {
        crate::text::label_line(&filling.fill_text(slot, l))
    }
}

fn status_style(status: &Status, theme: Theme) -> Style {
    match status {
        Status::Answered => theme.ok(),
        Status::Missing => theme.warn(),
        Status::Invalid(_) => theme.error(),
        _ => theme.dim(),
    }
}

pub fn outline(app: &App, f: &Fill, o: &Outline, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let filling = &f.filling;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", i18n::OUTLINE.get(lang)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let lines: Vec<Line> = window(o.rows.len(), inner.height as usize, o.cursor)
        .map(|i| {
            let row = &o.rows[i];
            let indent = "  ".repeat(row.depth());
            let room = width.saturating_sub(indent.chars().count());
            let selected = i == o.cursor;
            let (text, style) = match row {
                OutlineRow::Heading { slot, .. } => {
                    let style = if filling.is_relevant(slot)
                        || filling.form().node(slot.node).kind == Kind::Repeat
                    {
                        theme.accent()
                    } else {
                        theme.dim()
                    };
                    (truncate(&label(filling, slot), room), style)
                }
                OutlineRow::Instance { slot, .. } => {
                    let k = slot.idx.last().copied().unwrap_or(0) + 1;
                    let text = format!("▸ {} {k}", label(filling, slot));
                    let style = if filling.is_relevant(slot) {
                        theme.bold()
                    } else {
                        theme.dim()
                    };
                    (truncate(&text, room), style)
                }
                OutlineRow::Add { repeat, parent, .. } => {
                    let text = format!(
                        "+ {} ({})",
                        label(filling, &Slot::new(*repeat, parent.clone())),
                        i18n::ADD_ENTRY.get(lang)
                    );
                    (truncate(&text, room), theme.key())
                }
                OutlineRow::Question { slot, .. } => {
                    let node = filling.form().node(slot.node);
                    let status = filling.status(slot);
                    let state = match status {
                        Status::NotRelevant => i18n::NOT_APPLICABLE.get(lang).to_string(),
                        Status::Missing => i18n::REQUIRED_MARK.get(lang).to_string(),
                        Status::Invalid(p) => filling.problem_text(slot.node, p, lang),
                        Status::Answered if node.kind.takes_input() => {
                            answer_text(filling, slot, lang)
                        }
                        _ => String::new(),
                    };
                    let head = format!("{} {} ", mark(status), sanitize(&node.name, false));
                    let state = truncate(&one_line(&state), (room / 3).max(8));
                    let rest =
                        room.saturating_sub(head.chars().count() + state.chars().count() + 1);
                    let text = format!(
                        "{head}{:<rest$} {state}",
                        truncate(&label(filling, slot), rest)
                    );
                    let style = if *status == Status::NotRelevant {
                        theme.dim()
                    } else {
                        status_style(status, theme)
                    };
                    (text, style)
                }
            };
            let style = if selected { theme.cursor() } else { style };
            Line::from(Span::styled(format!("{indent}{text}"), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn review(app: &App, f: &Fill, r: &Review, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let filling = &f.filling;
    let [top, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    let summary = if r.read_only {
        Span::styled(i18n::REVIEW_READONLY.get(lang), theme.dim())
    } else if r.issues == 0 {
        Span::styled(i18n::REVIEW_READY.get(lang), theme.ok())
    } else {
        Span::styled(
            format!(
                "{} ({}). {}",
                i18n::REVIEW_ISSUES.get(lang),
                r.issues,
                i18n::REVIEW_BLOCKED.get(lang)
            ),
            theme.warn(),
        )
    };
    frame.render_widget(
        Paragraph::new(Line::from(summary)).wrap(Wrap { trim: true }),
        top,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", i18n::REVIEW.get(lang)));
    let inner = block.inner(list);
    frame.render_widget(block, list);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    for i in window(r.rows.len(), inner.height as usize, r.cursor) {
        let slot = &r.rows[i];
        let id = slot.node;
        let node = filling.form().node(id);
        let status = filling.status(slot);
        let value = match status {
            Status::Missing => filling.problem_text(id, &crate::engine::Problem::Required, lang),
            Status::Invalid(p) => format!(
                "{} — {}",
                answer_text(filling, slot, lang),
                filling.problem_text(id, p, lang)
            ),
            _ => answer_text(filling, slot, lang),
        };
        let head = format!("{} {} ", mark(status), sanitize(&node.name, false));
        let value = truncate(&one_line(&value), (width / 2).max(10));
        let room = width.saturating_sub(head.chars().count() + value.chars().count() + 1);
        let mut name = label(filling, slot);
        if !slot.idx.is_empty() {
            let n: Vec<String> = slot.idx.iter().map(|k| (k + 1).to_string()).collect();
            name = format!("[{}] {name}", n.join("."));
        }
        let text = format!("{head}{:<room$} {value}", truncate(&name, room));
        let style = if i == r.cursor {
            theme.cursor()
        } else {
            status_style(status, theme)
        };
        if i == r.issues && r.issues > 0 && i > 0 {
            lines.push(Line::from(Span::styled(
                format!("── {} ──", i18n::REVIEW_ALL.get(lang)),
                theme.dim(),
            )));
        }
        lines.push(Line::from(Span::styled(text, style)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
