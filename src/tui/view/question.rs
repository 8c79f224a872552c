//! The question screen.

use super::markup::{lines_plain, marked_lines, media_hint, media_line};
use super::{Theme, window, wrapped_rows};
use crate::engine::{Filling, ScreenRef};
use crate::form::Kind;
use crate::text::sanitize;
use crate::tui::i18n::{self, Lang};
use crate::tui::screens::question::{Choices, Field, Input, PICK_KEYS};
use crate::tui::state::{App, Fill};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, LineGauge, Paragraph, Wrap};

pub fn render(app: &App, f: &Fill, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let filling = &f.filling;
    let form = filling.form();
    let anchor = f.current_slot();
    let flang = filling.language();
    let fallback = form.default_language.as_str();

    // The section: the top-level group, unless that is a repeat (its
    // instance is named just after).
    let mut section = form
        .section_of(anchor.node)
        .filter(|&s| s != anchor.node && form.node(s).kind == crate::form::Kind::Group)
        .map(|s| {
            crate::markup::plain(
                &filling.fill_text(&anchor, form.node(s).label.get(flang, fallback)),
            )
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_default();
    // Where in repeated lists we are: "Household › Person 2/3".
    for (depth, &r) in form.node(anchor.node).repeats.iter().enumerate() {
        let Some(&k) = anchor.idx.get(depth) else {
            break;
        };
        let n = filling.counted_instances(r, &anchor.idx[..depth]);
        if k >= n {
            // "Another entry?": no entry of its own yet.
            break;
        }
        if !section.is_empty() {
            section.push_str(" › ");
        }
        section.push_str(&format!("{} {}/{n}", instance_label(filling, r), k + 1));
    }
    if section.is_empty() {
        section = i18n::SECTION_NONE.get(lang).to_string();
    }
    let (answered, relevant) = filling.progress();
    let progress = format!("{answered}/{relevant} {}", i18n::PROGRESS.get(lang));

    let [head, gauge, _, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let [sec_area, prog_area] = Layout::horizontal([
        Constraint::Min(10),
        Constraint::Length(progress.chars().count() as u16 + 1),
    ])
    .areas(head);
    frame.render_widget(
        Paragraph::new(Span::styled(
            sanitize(&section, false).into_owned(),
            theme.accent(),
        )),
        sec_area,
    );
    frame.render_widget(Paragraph::new(progress).right_aligned(), prog_area);
    let ratio = if relevant == 0 {
        0.0
    } else {
        answered as f64 / relevant as f64
    };
    frame.render_widget(
        LineGauge::default()
            .filled_style(theme.ok())
            .ratio(ratio.clamp(0.0, 1.0))
            .label(""),
        gauge,
    );

    match (&f.page.screen, f.page.fields.len()) {
        (ScreenRef::RepeatEnd { repeat, parent }, _) => {
            repeat_end(app, f, *repeat, parent, frame, body, theme)
        }
        (screen @ ScreenRef::Group(_), _) if f.transcribing() => {
            super::section::render(app, f, screen, frame, body, theme)
        }
        (_, 1) => field(app, f, &f.page.fields[0], frame, body, theme),
        (ScreenRef::Group(g), _) => field_list(app, f, g.node, frame, body, theme),
        _ => {}
    }
}

/// The label of a repeat, for "Person 2".
pub(super) fn instance_label(filling: &Filling, repeat: crate::form::NodeId) -> String {
    let node = filling.form().node(repeat);
    let l = node
        .label
        .get(filling.language(), &filling.form().default_language);
    if l.is_empty() {
        node.name.clone()
    } else {
        l.to_string()
    }
}

fn repeat_end(
    app: &App,
    f: &Fill,
    repeat: crate::form::NodeId,
    parent: &[u32],
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let lang = app.lang;
    let n = f.filling.counted_instances(repeat, parent);
    let label = sanitize(&instance_label(&f.filling, repeat), false).into_owned();
    let lines = vec![
        Line::from(Span::styled(label, theme.bold())),
        Line::default(),
        Line::from(format!("{} {n}", i18n::ENTRIES.get(lang))),
        Line::default(),
        Line::from(vec![
            Span::styled("a", theme.key()),
            Span::raw(format!(" {}", i18n::ADD_ANOTHER.get(lang))),
        ]),
        Line::from(vec![
            Span::styled(
                crate::tui::keymap::key_label(
                    &crate::tui::keymap::Key::K(
                        ratatui::crossterm::event::KeyCode::Enter,
                        ratatui::crossterm::event::KeyModifiers::NONE,
                    ),
                    lang,
                ),
                theme.key(),
            ),
            Span::raw(format!(" {}", i18n::GO_ON.get(lang))),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// A field-list group: the focused field in full, the others on one line each.
fn field_list(
    app: &App,
    f: &Fill,
    group: crate::form::NodeId,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let filling = &f.filling;
    let form = filling.form();
    let title = form
        .node(group)
        .label
        .get(filling.language(), &form.default_language);
    let title = match f.screen() {
        crate::engine::ScreenRef::Group(slot) => filling.fill_text(slot, title),
        _ => title.to_string(),
    };
    let mut constraints = vec![Constraint::Length(1)];
    for (i, q) in f.page.fields.iter().enumerate() {
        constraints.push(if i == f.page.focus {
            Constraint::Max(field_height(filling, q, area.width))
        } else {
            Constraint::Length(1)
        });
    }
    constraints.push(Constraint::Min(0));
    let areas = Layout::vertical(constraints).split(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            sanitize(&title, false).into_owned(),
            theme.bold(),
        )),
        areas[0],
    );
    for (i, q) in f.page.fields.iter().enumerate() {
        let rect = areas[i + 1];
        if i == f.page.focus {
            field(app, f, q, frame, rect, theme);
        } else {
            let node = form.node(q.slot.node);
            let label = node.label.get(filling.language(), &form.default_language);
            let label = crate::text::label_line(&filling.fill_text(&q.slot, label));
            let mark = crate::tui::screens::lists::mark(filling.status(&q.slot));
            let line = if node.kind.takes_input() {
                let value = super::lists::answer_text(filling, &q.slot, app.lang);
                format!("{mark} {label}: {}", crate::text::one_line(&value))
            } else {
                // A note has no answer to show.
                format!("{mark} {label}")
            };
            frame.render_widget(Paragraph::new(Span::styled(line, theme.dim())), rect);
        }
    }
}

/// Rows an input wants (a long list counted up to `cap` items).
fn input_rows(input: &Input, cap: usize) -> usize {
    match input {
        Input::Text {
            multiline: false, ..
        } => 3,
        Input::Text {
            multiline: true, ..
        } => 8,
        Input::Choices(c) if c.is_filter() => 4 + c.shown.len().min(cap),
        Input::Choices(c) => c.shown.len() + 2,
        Input::Note | Input::Another => 0,
    }
}

/// Rows a field wants: label, hint, a gap, its input, indicator and error.
fn field_height(filling: &Filling, q: &Field, width: u16) -> u16 {
    let node = filling.form().node(q.slot.node);
    let lang = filling.language();
    let fallback = &filling.form().default_language;
    let w = width.max(1) as usize;
    let label = wrapped_rows(
        node.label.get(lang, fallback),
        w.saturating_sub(node.name.len() + 3).max(1),
    );
    let hint = if node.hint.is_empty() {
        0
    } else {
        wrapped_rows(node.hint.get(lang, fallback), w)
    };
    let media = media_line(node, Lang::It);
    let hint = hint
        + if media.is_empty() {
            0
        } else {
            wrapped_rows(&media, w)
        };
    let input = input_rows(&q.input, 12);
    (label + hint + 1 + input + 2) as u16
}

/// One field: label, hint, input, save indicator and error.
fn field(app: &App, f: &Fill, q: &Field, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let filling = &f.filling;
    let form = filling.form();
    let node = form.node(q.slot.node);
    let flang = filling.language();
    let fallback = form.default_language.as_str();
    let label_text = node.label.get(flang, fallback);
    let label_text = if label_text.is_empty() {
        node.hint.get(flang, fallback)
    } else {
        label_text
    };
    let label_text = filling.fill_text(&q.slot, label_text);
    let mut label = marked_lines(&label_text, theme.bold());
    if let Some(first) = label.first_mut() {
        first.spans.insert(
            0,
            Span::styled(format!("{} ", sanitize(&node.name, false)), theme.dim()),
        );
    }
    let mut tail = Vec::new();
    if node.kind.takes_input() && filling.is_required(&q.slot) {
        tail.push(Span::styled(" *", theme.error()));
    }
    let read_only = f.read_only || filling.is_read_only(&q.slot);
    if read_only && node.kind.takes_input() {
        tail.push(Span::styled(
            format!(" ({})", i18n::READ_ONLY.get(lang)),
            theme.dim(),
        ));
    }
    if let Some(first) = label.first_mut() {
        first.spans.extend(tail);
    }
    let hint = if node.label.is_empty() {
        String::new()
    } else {
        filling.fill_text(&q.slot, node.hint.get(flang, fallback))
    };
    let media = media_line(node, lang);
    let width = area.width.max(1) as usize;
    let label_rows = wrapped_rows(&lines_plain(&label), width);
    let mut hint_lines = marked_lines(&hint, theme.dim());
    if !media.is_empty() {
        hint_lines.push(Line::from(Span::styled(media, theme.dim())));
    }
    let hint_rows = if hint_lines.is_empty() {
        0
    } else {
        wrapped_rows(&lines_plain(&hint_lines), width)
    };

    let input_height = input_rows(&q.input, 200) as u16;
    let [label_area, hint_area, _, input_area, indicator, error_area] = Layout::vertical([
        Constraint::Length(label_rows as u16),
        Constraint::Length(hint_rows as u16),
        Constraint::Length(1),
        Constraint::Max(input_height),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);

    frame.render_widget(Paragraph::new(label).wrap(Wrap { trim: false }), label_area);
    if !hint_lines.is_empty() {
        frame.render_widget(
            Paragraph::new(hint_lines).wrap(Wrap { trim: false }),
            hint_area,
        );
    }

    match &q.input {
        Input::Text { editor, .. } => {
            let mut editor = super::shown_editor(editor);
            editor.set_block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.dim())
                    .title(date_part_hint(node, lang).unwrap_or(type_hint(node.kind, lang))),
            );
            editor.set_cursor_line_style(ratatui::style::Style::default());
            frame.render_widget(&editor, input_area);
        }
        Input::Choices(c) => render_choices(app, filling, q, c, frame, input_area, theme),
        Input::Note | Input::Another => {}
    }

    let dirty = q.dirty(filling);
    let indicator_line = if matches!(q.input, Input::Note) {
        Line::from(Span::styled(i18n::NOTE_CONTINUE.get(lang), theme.dim()))
    } else if dirty {
        Line::from(Span::styled(
            format!("✎ {}", i18n::EDITED.get(lang)),
            theme.warn(),
        ))
    } else if f.batch.is_some() {
        Line::from(Span::styled(
            format!("… {}", i18n::SAVING.get(lang)),
            theme.dim(),
        ))
    } else if f.save_error.is_some() {
        Line::from(Span::styled(
            format!("✗ {}", i18n::NOT_SAVED.get(lang)),
            theme.error(),
        ))
    } else if q.stored.is_some() {
        Line::from(Span::styled(
            format!("✓ {}", i18n::SAVED.get(lang)),
            theme.ok(),
        ))
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(indicator_line), indicator);

    if let Some(problem) = q.shown_problem(filling) {
        let text = filling.problem_text(q.slot.node, &problem, lang);
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("✗ {}", sanitize(&text, false)),
                theme.error(),
            ))
            .wrap(Wrap { trim: true }),
            error_area,
        );
    } else if !f.completions.is_empty() && f.page.field().is_some_and(|h| h.slot == q.slot) {
        // Tab's choices for the rest of the path typed.
        let names: Vec<String> = f
            .completions
            .iter()
            .map(|n| sanitize(n, false).into_owned())
            .collect();
        frame.render_widget(
            Paragraph::new(Span::styled(names.join("  "), theme.dim())).wrap(Wrap { trim: true }),
            error_area,
        );
    }
}

/// What a date question that asks only a year, or a month and year, wants.
fn date_part_hint(node: &crate::form::Node, lang: Lang) -> Option<&'static str> {
    use crate::form::values::DatePart;
    Some(match (node.date_part()?, lang) {
        (DatePart::Year, Lang::It) => " anno AAAA ",
        (DatePart::Year, Lang::En) => " year YYYY ",
        (DatePart::Month, Lang::It) => " mese MM/AAAA ",
        (DatePart::Month, Lang::En) => " month MM/YYYY ",
        (DatePart::Full, _) => return None,
    })
}

fn type_hint(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Integer, Lang::It) => " numero intero ",
        (Kind::Integer, Lang::En) => " whole number ",
        (Kind::Decimal, Lang::It) => " numero ",
        (Kind::Decimal, Lang::En) => " number ",
        (Kind::Date, Lang::It) => " data GG/MM/AAAA ",
        (Kind::Date, Lang::En) => " date DD/MM/YYYY or YYYY-MM-DD ",
        (Kind::Time, Lang::It) => " ora HH:MM ",
        (Kind::Time, Lang::En) => " time HH:MM ",
        (Kind::DateTime, Lang::It) => " data e ora GG/MM/AAAA HH:MM ",
        (Kind::DateTime, Lang::En) => " date and time YYYY-MM-DD HH:MM ",
        (Kind::Range, Lang::It) => " numero nell'intervallo ",
        (Kind::Range, Lang::En) => " number in range ",
        (Kind::Geopoint, Lang::It) => " latitudine longitudine [altitudine [precisione]] ",
        (Kind::Geopoint, Lang::En) => " latitude longitude [altitude [accuracy]] ",
        (Kind::Geotrace, Lang::It) => " lat lon; lat lon; … (almeno 2) ",
        (Kind::Geotrace, Lang::En) => " lat lon; lat lon; … (at least 2) ",
        (Kind::Geoshape, Lang::It) => " lat lon; lat lon; lat lon; … (un'area) ",
        (Kind::Geoshape, Lang::En) => " lat lon; lat lon; lat lon; … (a shape) ",
        (Kind::Barcode, Lang::It) => " codice a barre (digitato) ",
        (Kind::Barcode, Lang::En) => " barcode (typed) ",
        (Kind::Media(m), lang) => media_hint(m, lang),
        _ => "",
    }
}

fn render_choices(
    app: &App,
    filling: &Filling,
    q: &Field,
    c: &Choices,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let lang = app.lang;
    let form = filling.form();
    let list = form.list_of(q.slot.node);
    let flang = filling.language();
    let mut area = area;
    if let Some(filter) = &c.filter {
        let [filter_area, rest] =
            Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(area);
        let count = format!(
            " {} {} {} ",
            c.shown.len(),
            i18n::OF.get(lang),
            c.items.len()
        );
        let mut editor = super::shown_editor(filter);
        editor.set_block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.accent())
                .title(format!(" {} ", i18n::FILTER.get(lang)))
                .title_bottom(Line::from(count).right_aligned()),
        );
        editor.set_cursor_line_style(ratatui::style::Style::default());
        frame.render_widget(&editor, filter_area);
        area = rest;
    }
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if c.shown.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(i18n::NO_MATCH.get(lang), theme.dim())),
            inner,
        );
        return;
    }
    let height = inner.height as usize;
    let range = window(c.shown.len(), height, c.cursor);
    let mut lines = Vec::with_capacity(range.len());
    for pos in range {
        let idx = c.shown[pos];
        let label = if c.ack {
            i18n::ACKNOWLEDGE.get(lang).to_string()
        } else {
            list.and_then(|l| l.choices.get(idx))
                .map(|ch| crate::markup::plain(ch.label.get(flang, &form.default_language)))
                .unwrap_or_default()
        };
        let selected = c.selected.contains(&idx);
        let place = c
            .selected
            .iter()
            .position(|&s| s == idx)
            .filter(|_| c.ordered)
            .map(|p| format!("[{}]", p + 1));
        let mark = match (c.multi || c.ack, selected) {
            _ if place.is_some() => place.as_deref().unwrap_or("[ ]"),
            (true, true) => "[x]",
            (true, false) => "[ ]",
            (false, true) => "(•)",
            (false, false) => "( )",
        };
        let key = if c.is_filter() {
            String::new()
        } else {
            format!("{} ", PICK_KEYS.chars().nth(pos).unwrap_or(' '))
        };
        let mut spans = vec![
            Span::styled(key, theme.key()),
            Span::raw(format!("{mark} ")),
            Span::raw(sanitize(&label, false).into_owned()),
        ];
        if pos == c.cursor {
            spans = spans
                .into_iter()
                .map(|s| s.patch_style(theme.cursor()))
                .collect();
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
