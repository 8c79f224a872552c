//! The transcription layout's page: a section (its repeats as blocks) as paper
//! prints it, one line per question — its printed number, its label cut to
//! fit, its input — the ones not relevant dim; under them, the whole label,
//! the hint, the choices with their codes and the error of the field with
//! the cursor.

use super::{Theme, window};
use crate::engine::{Filling, ScreenRef, Slot};
use crate::form::Kind;
use crate::text::{one_line, sanitize};
use crate::tui::i18n;
use crate::tui::screens::question::{Field, Input, editor_text};
use crate::tui::state::{App, Fill};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Rows kept under the lines for the field with the cursor.
const DETAIL_ROWS: u16 = 7;

pub fn render(
    app: &App,
    f: &Fill,
    screen: &ScreenRef,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let filling = &f.filling;
    let members = filling.page_members(screen);
    let focus_slot = f.page.field().map(|q| q.slot.clone());
    let detail_rows = DETAIL_ROWS.min(area.height / 2);
    let [lines_area, _, detail_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(detail_rows),
    ])
    .areas(area);
    let name_w = members
        .iter()
        .map(|(s, _)| filling.form().node(s.node).name.chars().count())
        .max()
        .unwrap_or(3)
        .clamp(3, 12) as u16;
    let input_w = (lines_area.width / 3).clamp(12, 60);
    let cursor = members
        .iter()
        .position(|(s, _)| Some(s) == focus_slot.as_ref())
        .unwrap_or(0);
    let range = window(members.len(), lines_area.height as usize, cursor);
    let rows = Layout::vertical(vec![Constraint::Length(1); range.len()]).split(lines_area);
    for (row, i) in rows.iter().zip(range) {
        let Some((slot, relevant)) = members.get(i) else {
            continue;
        };
        let field = f.page.fields.iter().find(|q| &q.slot == slot);
        let focused = Some(slot) == focus_slot.as_ref();
        if filling.form().node(slot.node).kind == Kind::Repeat {
            block_line(app, f, slot, *relevant, focused, name_w, frame, *row, theme);
            continue;
        }
        line(
            app, f, slot, *relevant, field, focused, name_w, input_w, frame, *row, theme,
        );
    }
    if let Some(q) = f.page.field() {
        detail(app, f, q, frame, detail_area, theme);
    }
}

#[allow(clippy::too_many_arguments)]
fn line(
    app: &App,
    f: &Fill,
    slot: &Slot,
    relevant: bool,
    field: Option<&Field>,
    focused: bool,
    name_w: u16,
    input_w: u16,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let filling = &f.filling;
    let form = filling.form();
    let node = form.node(slot.node);
    // On a wide terminal the label stops at a readable length and the
    // input follows it, not at the far edge.
    let label_w = area.width.saturating_sub(3 + name_w + input_w).clamp(4, 72);
    let [mark_a, name_a, label_a, input_a] = Layout::horizontal([
        Constraint::Length(2),
        Constraint::Length(name_w + 1),
        Constraint::Length(label_w),
        Constraint::Length(input_w),
    ])
    .areas(area);
    let label = node.label.get(filling.language(), &form.default_language);
    let label = crate::text::label_line(&filling.fill_text(slot, label));
    let style = if !relevant {
        theme.dim()
    } else if focused {
        theme.cursor()
    } else {
        ratatui::style::Style::default()
    };
    let mark = match (relevant, focused) {
        (false, _) => "  ",
        (true, true) => "▶ ",
        (true, false) => match filling.status(slot) {
            crate::engine::Status::Answered => "✓ ",
            crate::engine::Status::Invalid(_) => "✗ ",
            _ => "· ",
        },
    };
    frame.render_widget(Paragraph::new(Span::styled(mark, style)), mark_a);
    frame.render_widget(
        Paragraph::new(Span::styled(
            sanitize(&node.name, false).into_owned(),
            theme.dim(),
        )),
        name_a,
    );
    frame.render_widget(Paragraph::new(Span::styled(label, style)), label_a);
    let value = if !relevant {
        "—".to_string()
    } else {
        match field {
            Some(q) if focused => typed(filling, q),
            _ if node.kind.takes_input() => shown_answer(filling, slot, app),
            _ => String::new(),
        }
    };
    let value_style = if focused {
        theme.accent()
    } else if relevant {
        theme.bold()
    } else {
        theme.dim()
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!("[{}]", sanitize(&value, false)),
            value_style,
        )),
        input_a,
    );
}

/// A repeat's line on the page: an entry's heading (`── Persona 2 ──`),
/// or after the last entry, the "another entry?" field.
#[allow(clippy::too_many_arguments)]
fn block_line(
    app: &App,
    f: &Fill,
    slot: &Slot,
    relevant: bool,
    focused: bool,
    name_w: u16,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let filling = &f.filling;
    let label = one_line(&super::question::instance_label(filling, slot.node));
    let k = slot.idx.last().copied().unwrap_or(0);
    if !filling.is_another(slot) {
        let style = if relevant {
            theme.accent()
        } else {
            theme.dim()
        };
        let text = format!("── {label} {} ", k + 1);
        let width = usize::from(area.width);
        let rule = "─".repeat(width.saturating_sub(text.chars().count()));
        frame.render_widget(
            Paragraph::new(Span::styled(format!("{text}{rule}"), style)),
            area,
        );
        return;
    }
    let (mark, style) = if focused {
        ("▶ ", theme.cursor())
    } else {
        ("· ", ratatui::style::Style::default())
    };
    let pad = " ".repeat(usize::from(name_w) + 1);
    let line = Line::from(vec![
        Span::styled(mark, style),
        Span::raw(pad),
        Span::styled(
            format!("{} ({label})", i18n::ANOTHER_ENTRY.get(app.lang)),
            style,
        ),
        Span::raw("  "),
        Span::styled(i18n::ANOTHER_KEYS.get(app.lang), theme.key()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// What the field with the cursor holds as typed: the text, or the codes
/// typed and what they pick.
fn typed(filling: &Filling, q: &Field) -> String {
    match &q.input {
        Input::Text { editor, .. } => format!("{}▏", editor_text(editor)),
        Input::Choices(c) if c.ack => if c.selected.is_empty() { "" } else { "OK" }.to_string(),
        Input::Choices(c) => {
            let buffer = c.filter.as_ref().map(editor_text).unwrap_or_default();
            let picked: Vec<String> = c
                .selected
                .iter()
                .map(|&i| choice_line(filling, &q.slot, i))
                .collect();
            if buffer.is_empty() {
                format!("{}▏", picked.join(", "))
            } else {
                format!("{buffer}▏ {}", picked.join(", "))
            }
        }
        Input::Note | Input::Another => String::new(),
    }
}

/// A stored answer as the line shows it: codes with their labels.
fn shown_answer(filling: &Filling, slot: &Slot, app: &App) -> String {
    let node = filling.form().node(slot.node);
    match (
        node.kind,
        filling.answer(slot),
        filling.form().list_of(slot.node),
    ) {
        (Kind::SelectOne | Kind::SelectMultiple | Kind::Rank, Some(a), Some(list)) => a
            .split_whitespace()
            .map(|name| match list.by_name.get(name) {
                Some(&i) => choice_line(filling, slot, i),
                None => name.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Some(_), _) => super::lists::answer_text(filling, slot, app.lang),
        (_, None, _) => String::new(),
    }
}

/// `16 Puglia`: a choice's printed code and label.
fn choice_line(filling: &Filling, slot: &Slot, i: usize) -> String {
    let form = filling.form();
    let label = form
        .list_of(slot.node)
        .and_then(|l| l.choices.get(i))
        .map(|c| {
            c.label
                .get(filling.language(), &form.default_language)
                .to_string()
        })
        .unwrap_or_default();
    format!("{} {}", filling.choice_code(slot, i), one_line(&label))
}

/// Under the lines: the whole label and hint, then the choices with their
/// codes (or the type expected), then the error.
fn detail(app: &App, f: &Fill, q: &Field, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let filling = &f.filling;
    if matches!(q.input, Input::Another) {
        let label = one_line(&super::question::instance_label(filling, q.slot.node));
        let lines = vec![
            Line::from(Span::styled(
                format!("{} ({label})", i18n::ANOTHER_ENTRY.get(lang)),
                theme.bold(),
            )),
            Line::from(Span::styled(i18n::ANOTHER_KEYS.get(lang), theme.key())),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
        return;
    }
    let form = filling.form();
    let node = form.node(q.slot.node);
    let flang = filling.language();
    let fallback = form.default_language.as_str();
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", sanitize(&node.name, false)), theme.dim()),
        Span::styled(
            crate::text::label_line(&filling.fill_text(&q.slot, node.label.get(flang, fallback))),
            theme.bold(),
        ),
        if node.kind.takes_input() && filling.is_required(&q.slot) {
            Span::styled(" *", theme.error())
        } else {
            Span::raw("")
        },
    ])];
    let hint = node.hint.get(flang, fallback);
    if !hint.is_empty() {
        lines.push(Line::from(Span::styled(
            crate::text::label_line(&filling.fill_text(&q.slot, hint)),
            theme.dim(),
        )));
    }
    let error_line = q
        .shown_problem(filling)
        .map(|p| {
            Line::from(Span::styled(
                format!(
                    "✗ {}",
                    sanitize(&filling.problem_text(q.slot.node, &p, lang), false)
                ),
                theme.error(),
            ))
        })
        .or_else(|| {
            // Tab's choices for the rest of a file's path.
            (!f.completions.is_empty()).then(|| {
                let names: Vec<String> = f
                    .completions
                    .iter()
                    .map(|n| sanitize(n, false).into_owned())
                    .collect();
                Line::from(Span::styled(names.join("  "), theme.dim()))
            })
        });
    if let Input::Choices(c) = &q.input
        && !c.ack
    {
        let mut spans = Vec::new();
        for &i in c.shown.iter().take(80) {
            let label = form
                .list_of(q.slot.node)
                .and_then(|l| l.choices.get(i))
                .map(|ch| crate::markup::plain(ch.label.get(flang, fallback)))
                .unwrap_or_default();
            let style = if c.selected.contains(&i) {
                theme.cursor()
            } else {
                ratatui::style::Style::default()
            };
            spans.push(Span::styled(filling.choice_code(&q.slot, i), theme.key()));
            spans.push(Span::styled(format!(" {}", one_line(&label)), style));
            spans.push(Span::raw("   "));
        }
        if c.shown.len() > 80 {
            spans.push(Span::styled(
                format!("… +{}", c.shown.len() - 80),
                theme.dim(),
            ));
        }
        lines.push(Line::from(spans));
    }
    let [text_a, error_a] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), text_a);
    if let Some(l) = error_line {
        frame.render_widget(Paragraph::new(l), error_a);
    }
}
