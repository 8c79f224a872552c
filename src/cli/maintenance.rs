//! `rileva backup FILE`, `rileva check` and `rileva paths`: looking after
//! the data directory.

use super::out::{Out, plural};
use super::reading_store;
use crate::app;
use crate::store::{self, Health};
use std::io::Write;
use std::path::Path;

pub(super) fn backup<W: Write>(
    data_dir: &Path,
    file: &Path,
    force: bool,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let shown = file.display();
    if !force && file.exists() {
        return Err(format!("{shown} exists: use --force to replace it"));
    }
    let Some(store) = reading_store(data_dir)? else {
        return Err(format!(
            "there is no database in {} to back up",
            data_dir.display()
        ));
    };
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(file, store.path()) {
        return Err(format!("{shown} is the database itself"));
    }
    let counts = store.backup(file).map_err(|e| e.to_string())?;
    out.line(&format!(
        "backed up {} ({} draft, {} complete, {} exported) to {shown}",
        plural(
            usize::try_from(counts.total()).unwrap_or(0),
            "response",
            "responses"
        ),
        counts.draft,
        counts.complete,
        counts.exported
    ));
    Ok(0)
}

/// `rileva audit ID`: the response's audit log, as CSV on stdout.
pub(super) fn audit<W: Write>(data_dir: &Path, id: &str, out: &mut Out<W>) -> Result<u8, String> {
    let none = || format!("response {id} was not found in {}", data_dir.display());
    let Some(store) = reading_store(data_dir)? else {
        return Err(none());
    };
    let Some(row) = store.response(id).map_err(|e| e.to_string())? else {
        return Err(none());
    };
    // Double entry is blind: a keying entry's log (every value typed) is
    // for its keyer and the supervisors.
    let viewer = store.operator().map_err(|e| e.to_string())?;
    let supervisor = viewer
        .as_deref()
        .is_some_and(|v| store.policy().is_ok_and(|p| p.is_supervisor(v)));
    if row.hidden_from(viewer.as_deref()) && !supervisor {
        return Err(format!(
            "response {id} is {}'s keying entry of paper {}, under verification: its audit log is for its keyer and the supervisors",
            row.operator,
            row.paper_id.as_deref().unwrap_or_default()
        ));
    }
    let rows = store.audit_log(id).map_err(|e| e.to_string())?;
    let root = crate::app::export::audit_root(&store, &mut crate::app::Forms::default(), id);
    let csv = crate::export::audit::audit_csv(&rows, &root);
    // Answers are typed by people: on a terminal, nothing in them may act
    // on it (a file or a pipe gets the bytes as they are).
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        let text = String::from_utf8_lossy(&csv);
        out.raw(crate::text::sanitize(&text, true).as_bytes());
    } else {
        out.raw(&csv);
    }
    Ok(0)
}

pub(super) fn check<W: Write>(data_dir: &Path, out: &mut Out<W>) -> Result<u8, String> {
    let db = data_dir.join(store::DB_FILE);
    if !db.exists() {
        out.line(&format!(
            "{}: no database yet (rileva creates it on first use)",
            db.display()
        ));
        return Ok(0);
    }
    let health = store::check(data_dir).map_err(|e| e.to_string())?;
    for line in report(&health) {
        out.line(&line);
    }
    Ok(if health.is_sound() { 0 } else { 1 })
}

/// What `check` says: what it read, what is wrong, what to do.
fn report(h: &Health) -> Vec<String> {
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    let mut lines = vec![format!(
        "database: {} ({}{})",
        h.path,
        mb(h.size),
        if h.wal > 0 {
            format!(", WAL {} not yet in it", mb(h.wal))
        } else {
            String::new()
        }
    )];
    if h.problems.is_empty() {
        lines.push("integrity: ok (SQLite quick_check and every reference)".into());
    } else {
        lines.push(format!(
            "integrity: DAMAGED, {}:",
            plural(h.problems.len(), "problem", "problems")
        ));
        lines.extend(h.problems.iter().take(20).map(|p| format!("  {p}")));
        if h.problems.len() > 20 {
            lines.push(format!("  … and {} more", h.problems.len() - 20));
        }
    }
    if h.version == h.known {
        lines.push(format!("schema: version {} (current)", h.version));
    } else if h.problems.is_empty() {
        lines.push(format!(
            "schema: version {}, this rileva knows {} ({})",
            h.version,
            h.known,
            if h.version > h.known {
                "a newer rileva wrote it: update rileva"
            } else if h.version < 0 {
                "no rileva writes that"
            } else {
                "rileva brings it up to date when it next opens it"
            }
        ));
    }
    if h.version == h.known && h.problems.is_empty() {
        let c = h.counts;
        lines.push(format!(
            "responses: {} ({} draft, {} complete, {} exported)",
            c.total(),
            c.draft,
            c.complete,
            c.exported
        ));
        if h.without_form > 0 {
            lines.push(format!(
                "{} whose questionnaire is missing from the database: they cannot be opened or exported",
                plural(
                    usize::try_from(h.without_form).unwrap_or(0),
                    "response",
                    "responses"
                )
            ));
        }
    }
    if !h.is_sound() {
        lines.push("what to do:".into());
        if !h.problems.is_empty() {
            if h.wal > 0 {
                lines.push(format!(
                    "  the WAL beside it may not belong to it (a restore or a copy): close every rileva, move {}-wal aside and run `rileva check` again",
                    h.path
                ));
            }
            lines.push(format!(
                "  otherwise: close every rileva, move {} aside and copy your latest backup (`rileva backup`) in its place",
                h.path
            ));
        } else if h.without_form > 0 {
            lines.push(
                "  restore a backup that has them, or import the responses again from an export"
                    .into(),
            );
        }
    }
    lines
}

pub(super) fn paths<W: Write>(data_dir: &Path, out: &mut Out<W>) -> Result<u8, String> {
    out.line(&format!("data dir: {}", data_dir.display()));
    out.line(&format!(
        "database: {}",
        data_dir.join(store::DB_FILE).display()
    ));
    out.line(&format!(
        "exports: {}",
        app::exports_dir(data_dir).display()
    ));
    Ok(0)
}
