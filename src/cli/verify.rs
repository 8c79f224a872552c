//! Double entry on the command line: `rileva settings` (which papers are
//! verified, slips, who reconciles), `rileva reconcile --list` (the papers
//! whose entries differ, and how) and `--accept` (a supervisor accepts an
//! edit of a verified response).

use super::{Out, existing_store, reading_store};
use crate::app::{Forms, verify};
use crate::store::{self, Store, check_setting};
use std::io::Write;
use std::path::Path;

fn store_here(data_dir: &Path) -> Result<Store, String> {
    store::ensure_dir(data_dir).map_err(|e| e.to_string())?;
    Store::open(data_dir).map_err(|e| e.to_string())
}

pub(super) fn settings<W: Write>(
    data_dir: &Path,
    key: Option<&str>,
    value: Option<&str>,
    out: &mut Out<W>,
) -> Result<u8, String> {
    if let (Some(key), Some(value)) = (key, value) {
        let checked = check_setting(key, value)?;
        let s = store_here(data_dir)?;
        s.set_policy(key, &checked).map_err(|e| e.to_string())?;
        out.line(&format!("{key} = {checked}"));
        return Ok(0);
    }
    let policy = match reading_store(data_dir)? {
        Some(s) => s.policy().map_err(|e| e.to_string())?,
        None => store::Policy::default(),
    };
    for (k, v) in policy.lines() {
        out.line(&format!("{k:<12} {v}"));
    }
    Ok(0)
}

pub(super) fn accept<W: Write>(data_dir: &Path, id: &str, out: &mut Out<W>) -> Result<u8, String> {
    let Some(mut s) = existing_store(data_dir)? else {
        return Err(format!(
            "no response {id}: the data directory has no database yet"
        ));
    };
    let who = s.operator().map_err(|e| e.to_string())?.unwrap_or_default();
    if !s.policy().map_err(|e| e.to_string())?.is_supervisor(&who) {
        return Err(format!(
            "{who:?} is not a supervisor: only a supervisor accepts an edit of a verified response (`rileva settings supervisors NAME`)"
        ));
    }
    s.accept_edit(id, &who, &crate::timefmt::now_rfc3339())
        .map_err(|e| e.to_string())?;
    out.line(&format!(
        "{id}: accepted by {who}, the paper's verified response"
    ));
    Ok(0)
}

pub(super) fn list<W: Write>(data_dir: &Path, json: bool, out: &mut Out<W>) -> Result<u8, String> {
    let Some(mut s) = existing_store(data_dir)? else {
        return Ok(0);
    };
    let mut forms = Forms::default();
    let e = |e: crate::app::LoadError| e.to_string();
    verify::settle_pending(&mut s, &mut forms).map_err(e)?;
    let waiting: Vec<_> = s
        .finalized_twice()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|v| v.to_reconcile())
        .collect();
    if waiting.is_empty() && !json {
        out.line("no paper to reconcile");
    }
    for v in waiting {
        let first = verify::entry_filling(&s, &mut forms, &v.first_id).map_err(e)?;
        let second_id = v.second_id.clone().unwrap_or_default();
        let second = verify::entry_filling(&s, &mut forms, &second_id).map_err(e)?;
        let diffs = crate::engine::compare(&first, &second).differences;
        if json {
            let fields: Vec<_> = diffs
                .iter()
                .map(|d| serde_json::json!({"path": d.path, "first": d.first, "second": d.second}))
                .collect();
            out.line(
                &serde_json::json!({
                    "form": v.form_id, "paper": v.paper_id,
                    "firstBy": v.first_by, "secondBy": v.second_by,
                    "differences": fields,
                })
                .to_string(),
            );
            continue;
        }
        let clean = |t: &str| crate::text::sanitize(t, false).into_owned();
        out.line(&format!(
            "{} ({}): first by {}, second by {}, {} differ",
            clean(&v.paper_id),
            v.form_id,
            clean(&v.first_by),
            clean(v.second_by.as_deref().unwrap_or_default()),
            diffs.len()
        ));
        for d in diffs {
            let shown = |x: &Option<String>| x.as_deref().map_or("-".to_string(), clean);
            out.line(&format!(
                "  {:<28} {:<24} {}",
                d.path,
                shown(&d.first),
                shown(&d.second)
            ));
        }
    }
    Ok(0)
}
