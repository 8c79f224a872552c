//! The reconciliation screen: a paper's differing fields side by side, the
//! decision on each, and under them the field under the cursor whole, with
//! what the keys do.

use super::Theme;
use super::lists::truncate;
use crate::engine::Filling;
use crate::store::Taken;
use crate::text::one_line;
use crate::tui::i18n::{self, Lang};
use crate::tui::screens::reconcile::{Reconcile, Step};
use crate::tui::state::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// A value of a field as an entry holds it, as the operator reads it:
/// choice labels with their codes; "does not apply" when that entry's
/// answers did not ask it.
fn value_text(f: &Filling, path: &str, value: Option<&str>, lang: Lang) -> String {
    let Some(slot) = f.parse_path(path) else {
        return value.unwrap_or_default().to_string();
    };
    if value.is_none() && !(f.has_slot(&slot) && f.is_relevant(&slot)) {
        return format!("({})", i18n::NOT_RELEVANT_SHORT.get(lang));
    }
    one_line(&super::lists::value_text(f, &slot, value, lang, true))
}

fn label(f: &Filling, path: &str) -> (String, String) {
    let Some(slot) = f.parse_path(path) else {
        return (path.to_string(), String::new());
    };
    let form = f.form();
    let node = form.node(slot.node);
    let text = crate::markup::plain(node.label.get(f.language(), &form.default_language));
    let instance = match slot.idx.as_slice() {
        [] => String::new(),
        idx => format!(
            "[{}]",
            idx.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
        ),
    };
    (
        format!("{}{instance}", node.name),
        one_line(&f.fill_text(&slot, &text)),
    )
}

pub fn render(app: &App, r: &Reconcile, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let v = &r.rec.verification;
    let decided = r
        .open
        .iter()
        .filter_map(|&i| r.rec.differences.get(i))
        .filter(|d| r.decision(&d.path).is_some())
        .count();
    let [head, table, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(6),
    ])
    .areas(area);
    // The count first: a long paper number or names are cut, never it.
    let head_text = format!(
        "{decided}/{} {} · {} {} · {} {} · {} {}",
        r.open.len(),
        i18n::DECIDED.get(lang),
        i18n::PAPER.get(lang),
        one_line(&v.paper_id),
        i18n::FIRST_ENTRY.get(lang),
        one_line(&v.first_by),
        i18n::SECOND_ENTRY.get(lang),
        one_line(v.second_by.as_deref().unwrap_or_default()),
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate(&head_text, area.width as usize),
            theme.accent(),
        )),
        head,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", i18n::DIFFERENCES.get(lang)));
    let inner = block.inner(table);
    frame.render_widget(block, table);
    let w = inner.width as usize;
    // marker, number, label, first, second, decision
    let value_w = (w.saturating_sub(2 + 8 + 4)) * 3 / 10;
    let label_w = w.saturating_sub(2 + 8 + 2 * value_w + 4 + 3);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "  {:<8}{:<label_w$} {:<value_w$} {:<value_w$} {}",
            "",
            "",
            truncate(i18n::FIRST_ENTRY.get(lang), value_w),
            truncate(i18n::SECOND_ENTRY.get(lang), value_w),
            "✓",
        ),
        theme.dim(),
    ))];
    let rows = inner.height.saturating_sub(1) as usize;
    let at = r.cursor.saturating_sub(rows.saturating_sub(1));
    for (i, d) in r.rec.differences.iter().enumerate().skip(at).take(rows) {
        let applies = r.open.contains(&i);
        let (number, text) = label(&r.rec.first, &d.path);
        let choice = match r.decision(&d.path).map(|x| x.taken) {
            _ if !applies => "-",
            Some(Taken::First) => "1",
            Some(Taken::Second) => "2",
            Some(Taken::Third) => "3",
            None => "",
        };
        let line = format!(
            "{}{:<8}{:<label_w$} {:<value_w$} {:<value_w$} {choice}",
            if i == r.cursor { "> " } else { "  " },
            truncate(&number, 8),
            truncate(&text, label_w),
            truncate(
                &value_text(&r.rec.first, &d.path, d.first.as_deref(), lang),
                value_w
            ),
            truncate(
                &value_text(&r.rec.second, &d.path, d.second.as_deref(), lang),
                value_w
            ),
        );
        let style = match (i == r.cursor, applies) {
            (true, _) => theme.cursor(),
            (false, false) => theme.dim(),
            _ => Style::default(),
        };
        lines.push(Line::from(Span::styled(line, style)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    frame.render_widget(
        Paragraph::new(detail_lines(r, lang, theme)).wrap(Wrap { trim: true }),
        detail,
    );
}

fn detail_lines(r: &Reconcile, lang: Lang, theme: Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(d) = r.current() {
        let (number, text) = label(&r.rec.first, &d.path);
        out.push(Line::from(vec![
            Span::styled(format!("{number} "), theme.bold()),
            Span::raw(text),
        ]));
        out.push(Line::from(format!(
            "1 {}   2 {}   3 {}",
            value_text(&r.rec.first, &d.path, d.first.as_deref(), lang),
            value_text(&r.rec.second, &d.path, d.second.as_deref(), lang),
            i18n::THIRD_VALUE.get(lang),
        )));
        if let Some(x) = r.decision(&d.path) {
            let note = x
                .note
                .as_deref()
                .map(|n| format!(": {}", one_line(n)))
                .unwrap_or_default();
            out.push(Line::from(Span::styled(
                format!(
                    "→ {} ({}{note})",
                    value_text(&r.result, &d.path, x.value.as_deref(), lang),
                    reason_words(x.reason, lang)
                ),
                theme.ok(),
            )));
        }
    }
    match &r.step {
        Step::Third { editor, error } => {
            out.push(Line::from(format!(
                "{}: {}▏",
                i18n::THIRD_PROMPT.get(lang),
                one_line(&crate::tui::screens::question::editor_text(editor))
            )));
            if let Some(e) = error {
                out.push(Line::from(Span::styled(e.clone(), theme.error())));
            }
        }
        Step::Reason { .. } => out.push(Line::from(Span::styled(
            i18n::REASON_PROMPT.get(lang).to_string(),
            theme.accent(),
        ))),
        Step::Note { editor, .. } => out.push(Line::from(format!(
            "{}: {}▏",
            i18n::NOTE_PROMPT.get(lang),
            one_line(&crate::tui::screens::question::editor_text(editor))
        ))),
        Step::Done => out.push(Line::from(Span::styled(
            i18n::ALL_DECIDED.get(lang).to_string(),
            theme.accent(),
        ))),
        Step::Choose => {}
    }
    if let Some(b) = &r.blocked {
        out.push(Line::from(Span::styled(b.clone(), theme.error())));
    }
    out
}

fn reason_words(reason: crate::store::Reason, lang: Lang) -> &'static str {
    use crate::store::Reason;
    let t = match reason {
        Reason::First => i18n::REASON_FIRST,
        Reason::Second => i18n::REASON_SECOND,
        Reason::Both => i18n::REASON_BOTH,
        Reason::Illegible => i18n::REASON_ILLEGIBLE,
        Reason::Other => i18n::REASON_OTHER,
    };
    t.get(lang)
}
