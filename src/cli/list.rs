//! `rileva list`: the responses, most recently changed first, a page at a
//! time (or every one with `--all`, read in batches); the counts come from
//! the index, so a page costs the same at 10 responses or 100,000.

use super::args::StatusArg;
use super::out::Out;
use super::reading_store;
use crate::export::json::to_text;
use crate::store::{Counts, ResponseRow};
use crate::text::sanitize;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;

/// How much of the listing to show.
pub(super) struct Shown {
    pub status: StatusArg,
    pub json: bool,
    /// `None`: every response.
    pub page: Option<(u32, u32)>,
}

/// Responses read at a time for `--all`.
const BATCH: usize = 1000;

pub(super) fn list<W: Write>(
    data_dir: &Path,
    shown: &Shown,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let e = |e: crate::store::StoreError| e.to_string();
    let store = reading_store(data_dir)?;
    let listing = shown.status.listing();
    let (counts, total) = match &store {
        None => (Counts::default(), 0),
        Some(s) => {
            let counts = s.counts().map_err(e)?;
            (counts, s.count(listing).map_err(e)?)
        }
    };
    let total = usize::try_from(total).unwrap_or(0);
    let (first, end) = match shown.page {
        Some((limit, page)) => {
            let (limit, page) = (limit as usize, page as usize);
            let first = limit.saturating_mul(page - 1);
            (first, first.saturating_add(limit).min(total))
        }
        None => (0, total),
    };
    let mut printed = 0usize;
    // A JSON item waits for the next one to know whether a comma follows.
    let mut pending: Option<String> = None;
    let mut at = first;
    while at < end {
        let Some(s) = &store else { break };
        let mut rows = s.page(listing, at, (end - at).min(BATCH)).map_err(e)?;
        // Double entry is blind: another operator's keying entry is listed
        // without what it holds (its name, its progress).
        let viewer = s.operator().map_err(e)?;
        for r in rows.iter_mut().filter(|r| r.hidden_from(viewer.as_deref())) {
            r.instance_name = Some("·····".into());
            r.answered = -1;
            r.relevant = -1;
        }
        if rows.is_empty() {
            break;
        }
        at += rows.len();
        let sent: Vec<Vec<crate::store::Delivery>> = rows
            .iter()
            .map(|r| s.deliveries(&r.id))
            .collect::<Result<_, _>>()
            .map_err(e)?;
        if shown.json {
            for (r, d) in rows.iter().zip(&sent) {
                match pending.replace(to_text(&list_item(r, d), false)) {
                    Some(item) => out.line(&format!("{item},")),
                    None => out.line("["),
                }
            }
            printed += rows.len();
        } else {
            let lines = table(&rows, &sent, shown.page.is_none());
            // The header once.
            let skip = usize::from(printed > 0);
            for line in lines.iter().skip(skip) {
                out.line(line);
            }
            printed += rows.len();
        }
        if out.error.is_some() {
            return Ok(0);
        }
    }
    if shown.json {
        match pending {
            Some(item) => {
                out.line(&item);
                out.line("]");
            }
            None => out.line("[]"),
        }
        if end < total {
            super::out::error(&format!(
                "showing {}–{end} of {total}: --page or --all for more",
                first + 1
            ));
        }
        return Ok(0);
    }
    if printed == 0 {
        out.line(match shown.status {
            StatusArg::All => "no responses",
            StatusArg::Draft => "no drafts",
            StatusArg::Complete => "no complete responses",
            StatusArg::Exported => "no exported responses",
            StatusArg::Unverified => "no papers waiting for verification",
            StatusArg::ToReconcile => "no papers to reconcile",
            StatusArg::Verified => "no verified responses",
        });
    }
    out.line(&format!(
        "total {}: {} draft, {} complete, {} exported",
        counts.total(),
        counts.draft,
        counts.complete,
        counts.exported
    ));
    if printed > 0 && (first > 0 || end < total) {
        let next = match shown.page {
            Some((_, page)) if end < total => format!("; --page {} for the next", page + 1),
            _ => String::new(),
        };
        out.line(&format!(
            "showing {}–{end} of {total}{next}; --all for every one",
            first + 1
        ));
    }
    Ok(0)
}

fn list_item(r: &ResponseRow, sent: &[crate::store::Delivery]) -> Value {
    json!({
        "id": r.id,
        "status": r.status.as_str(),
        "form": { "id": r.form_id, "version": r.form_version },
        "instanceName": r.instance_name,
        "paperId": r.paper_id,
        "entry": r.entry.map(|e| match e {
            crate::store::EntryRole::First => "first",
            crate::store::EntryRole::Second => "second",
            crate::store::EntryRole::Result => "verified",
            crate::store::EntryRole::Edit => "edit",
        }),
        "answered": (r.answered >= 0).then_some(r.answered),
        "relevant": (r.relevant >= 0).then_some(r.relevant),
        "operator": r.operator,
        "createdAt": r.created_at,
        "updatedAt": r.updated_at,
        "completedAt": r.completed_at,
        "exportedAt": r.exported_at,
        "sent": sent.iter().map(|d| json!({
            "server": d.server,
            "at": d.sent_at,
            "status": d.http_status,
            "already": d.already,
        })).collect::<Vec<_>>(),
    })
}

/// At most `max` characters, with `…` when cut; control characters made inert.
fn cell(s: &str, max: usize) -> String {
    let s = sanitize(s, false);
    if s.chars().count() <= max {
        s.into_owned()
    } else {
        let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A response's name, after the number of the paper it was keyed from.
fn shown_name(r: &ResponseRow) -> String {
    r.listed_name(r.instance_name.as_deref().unwrap_or("-"))
}

/// `2020-05-11T10:40:00.000+02:00` as `2020-05-11 10:40`.
fn short_time(t: &str) -> String {
    match (t.get(..10), t.get(10..11), t.get(11..16)) {
        (Some(day), Some("T"), Some(time)) if day.is_ascii() && time.is_ascii() => {
            format!("{day} {time}")
        }
        _ => cell(t, 25),
    }
}

/// The widths of the columns when every response is listed, a batch at a
/// time: what each column is cut to (the rows cannot all be measured first).
const FIXED: [usize; 7] = [36, 13, 36, 9, 20, 16, 24];

/// The table's lines, header first; columns as wide as their widest cell,
/// or `FIXED` ones.
fn table(rows: &[ResponseRow], sent: &[Vec<crate::store::Delivery>], fixed: bool) -> Vec<String> {
    let header = [
        "ID",
        "STATUS",
        "NAME",
        "PROGRESS",
        "OPERATOR",
        "LAST CHANGE",
        "SENT",
    ]
    .map(String::from);
    let mut lines: Vec<[String; 7]> = vec![header];
    let none = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let to = sent.get(k).unwrap_or(&none);
        let sent_cell = if to.is_empty() {
            "-".to_string()
        } else {
            to.iter()
                .map(|d| format!("{} {}", cell(&d.server, 20), short_time(&d.sent_at)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        lines.push([
            cell(&r.id, 40),
            match r.entry {
                Some(crate::store::EntryRole::First) => format!("{} 1st", r.status.as_str()),
                Some(crate::store::EntryRole::Second) => format!("{} 2nd", r.status.as_str()),
                Some(crate::store::EntryRole::Result) => format!("{} ✓", r.status.as_str()),
                Some(crate::store::EntryRole::Edit) => format!("{} edit", r.status.as_str()),
                None => r.status.as_str().to_string(),
            },
            cell(&shown_name(r), 36),
            match r.answered {
                -1 => "-".to_string(),
                n => format!("{n}/{}", r.relevant),
            },
            cell(
                if r.operator.is_empty() {
                    "-"
                } else {
                    &r.operator
                },
                20,
            ),
            short_time(&r.updated_at),
            sent_cell,
        ]);
    }
    let mut widths = if fixed { FIXED } else { [0usize; 7] };
    for l in lines.iter().filter(|_| !fixed) {
        for (w, c) in widths.iter_mut().zip(l) {
            *w = (*w).max(c.chars().count());
        }
    }
    lines
        .iter()
        .map(|l| {
            let mut s = String::new();
            for (i, (c, w)) in l.iter().zip(widths).enumerate() {
                if i + 1 == l.len() {
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    s.extend(std::iter::repeat_n(
                        ' ',
                        w.saturating_sub(c.chars().count()) + 2,
                    ));
                }
            }
            s.trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_and_made_inert() {
        assert_eq!(cell("abc", 5), "abc");
        assert_eq!(cell("abcdef", 4), "abc…");
        assert!(!cell("a\u{1b}[31mb", 20).contains('\u{1b}'));
        assert_eq!(
            short_time("2020-05-11T10:40:00.000+02:00"),
            "2020-05-11 10:40"
        );
        assert_eq!(short_time("garbage"), "garbage");
        assert_eq!(short_time("2020-05-11Tè0:40:00"), "2020-05-11Tè0:40:00");
    }
}
