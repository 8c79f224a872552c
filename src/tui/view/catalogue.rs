//! The catalogue screen: the count, the search, the filters (the focused
//! one whole, with what the arrows do), the practices found; or a card,
//! section by section, scrolled. Every text from an answer is made inert.

use super::lists::truncate;
use super::{Theme, window, wrapped_rows};
use crate::publish::Practice;
use crate::text::{one_line, sanitize};
use crate::tui::i18n;
use crate::tui::screens::catalogue::CatalogueScreen;
use crate::tui::state::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(app: &App, c: &CatalogueScreen, frame: &mut Frame, area: Rect, theme: Theme) {
    let lang = app.lang;
    let Some(g) = &c.loaded else {
        frame.render_widget(
            Paragraph::new(i18n::CATALOGUE_LOADING.get(lang)).style(theme.dim()),
            area,
        );
        return;
    };
    if let Some(p) = c.open_card() {
        card(app, p, c.scroll, frame, area, theme);
        return;
    }
    let cat = &g.catalogue;
    let width = usize::from(area.width);
    let [head, search, filters, focused, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let of = if c.matches.len() == 1 {
        i18n::CATALOGUE_OF_ONE
    } else {
        i18n::CATALOGUE_OF
    };
    let mut count = format!(
        "{} · {} {} {}",
        i18n::CATALOGUE.get(lang),
        c.matches.len(),
        of.get(lang),
        cat.practices.len()
    );
    if lang == crate::lang::Lang::En {
        count.push_str(&format!(" {}", i18n::CATALOGUE_PRACTICES.get(lang)));
    }
    if cat.withheld > 0 {
        let withheld = if cat.withheld == 1 {
            i18n::CATALOGUE_WITHHELD_ONE
        } else {
            i18n::CATALOGUE_WITHHELD
        };
        count.push_str(&format!(" ({} {})", cat.withheld, withheld.get(lang)));
    }
    frame.render_widget(
        Paragraph::new(Span::styled(truncate(&count, width), theme.bold())),
        head,
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!("{}: ", i18n::CATALOGUE_SEARCH.get(lang)),
                theme.key(),
            ),
            Span::raw(sanitize(&c.search, false).into_owned()),
            Span::styled("▏", theme.key()),
        ])),
        search,
    );
    let value = |i: usize| -> String {
        let f = &cat.filters[i];
        c.picked
            .get(i)
            .copied()
            .flatten()
            .and_then(|k| f.options.get(k))
            .map_or_else(
                || i18n::CATALOGUE_ALL.get(lang).to_string(),
                |(_, l)| one_line(l),
            )
    };
    if !cat.filters.is_empty() {
        let each = (width / cat.filters.len()).max(8);
        let spans: Vec<Span> = (0..cat.filters.len())
            .map(|i| {
                // The label's first word names the filter on this line; the
                // next line has it whole.
                let whole = one_line(&cat.filters[i].label);
                let label = whole
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let text = truncate(&format!("{}: {}", label, value(i)), each.saturating_sub(1));
                let style = if i == c.focus {
                    theme.cursor()
                } else {
                    Style::default()
                };
                Span::styled(format!("{text:<w$}", w = each.saturating_sub(1)), style)
            })
            .flat_map(|s| [s, Span::raw(" ")])
            .collect();
        frame.render_widget(Paragraph::new(Line::from(spans)), filters);
        let f = &cat.filters[c.focus.min(cat.filters.len() - 1)];
        let whole = format!(
            "{}: ‹ {} › · {}",
            one_line(&f.label),
            value(c.focus.min(cat.filters.len() - 1)),
            i18n::CATALOGUE_ARROWS.get(lang)
        );
        frame.render_widget(
            Paragraph::new(Span::styled(truncate(&whole, width), theme.dim())),
            focused,
        );
    }
    if cat.practices.is_empty() || c.matches.is_empty() {
        let text = if cat.practices.is_empty() {
            i18n::CATALOGUE_EMPTY
        } else {
            i18n::CATALOGUE_NO_MATCH
        };
        frame.render_widget(
            Paragraph::new(text.get(lang))
                .style(theme.dim())
                .wrap(Wrap { trim: true }),
            list,
        );
        return;
    }
    let rows = window(c.matches.len(), usize::from(list.height), c.cursor);
    let lines: Vec<Line> = rows
        .map(|k| {
            let p = &cat.practices[c.matches[k]];
            let group = one_line(&p.group);
            let room = width.saturating_sub(group.chars().count() + 1).max(10);
            let mut left = one_line(&p.title);
            if let Some(s) = &p.subtitle {
                left = format!("{left} — {}", one_line(s));
            }
            let left = truncate(&left, room);
            let gap = width.saturating_sub(left.chars().count() + group.chars().count());
            let text = format!("{left}{}{group}", " ".repeat(gap.max(1)));
            let style = if k == c.cursor {
                theme.cursor()
            } else {
                Style::default()
            };
            Line::from(Span::styled(truncate(&text, width), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

/// A practice's card, read-only, scrolled by `scroll` rows (kept within it).
fn card(app: &App, p: &Practice, scroll: u16, frame: &mut Frame, area: Rect, theme: Theme) {
    let inert = |s: &str| sanitize(s, true).into_owned();
    let mut lines: Vec<Line> = vec![Line::from(Span::styled(one_line(&p.title), theme.bold()))];
    if let Some(s) = &p.subtitle {
        lines.push(Line::from(one_line(s)));
    }
    if !p.group.is_empty() {
        lines.push(Line::from(Span::styled(one_line(&p.group), theme.dim())));
    }
    for s in &p.sections {
        lines.push(Line::from(""));
        if !s.title.is_empty() {
            lines.push(Line::from(Span::styled(one_line(&s.title), theme.accent())));
        }
        for f in &s.fields {
            lines.push(Line::from(Span::styled(one_line(&f.label), theme.bold())));
            for v in &f.values {
                for l in inert(v).lines() {
                    lines.push(Line::from(format!("  {l}")));
                }
            }
        }
    }
    if !p.updated.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("{} {}", i18n::CATALOGUE_UPDATED.get(app.lang), p.updated),
            theme.dim(),
        )));
    }
    let width = usize::from(area.width.max(1));
    let total: usize = lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            wrapped_rows(&text, width)
        })
        .sum();
    let most = total.saturating_sub(usize::from(area.height));
    let scroll = scroll.min(u16::try_from(most).unwrap_or(u16::MAX));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}
