//! `rileva publish -o DIR`: the open collection as a static website
//! (`app::publish` gathers and writes it).

use super::{LangArg, Out, error, plural, reading_store};
use crate::app::publish as job;
use crate::publish::Layout;
use std::io::Write;
use std::path::Path;

pub(super) fn publish<W: Write>(
    data_dir: &Path,
    dir: &Path,
    layout: Option<&Path>,
    form_id: Option<&str>,
    lang: LangArg,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let layout = layout
        .map(|p| Layout::read(p).map(|l| (l, p.display().to_string())))
        .transpose()
        .map_err(|e| e.to_string())?;
    let Some(store) = reading_store(data_dir)? else {
        return Err(format!(
            "no responses in {}: nothing to publish",
            data_dir.display()
        ));
    };
    let lang = match lang {
        LangArg::It => crate::lang::Lang::It,
        LangArg::En => crate::lang::Lang::En,
    };
    let tally = job::publish(
        &store,
        dir,
        form_id,
        layout.as_ref().map(|(l, f)| (l, f.as_str())),
        lang,
    )
    .map_err(|e| e.to_string())?;
    for f in &tally.written {
        out.line(&dir.join(f).display().to_string());
    }
    for (id, why) in &tally.unreadable {
        error(&format!("response {id} left out: {why}"));
    }
    let withheld = if tally.withheld > 0 {
        format!(
            " ({} not published: their consent does not allow it)",
            plural(tally.withheld, "response", "responses")
        )
    } else {
        String::new()
    };
    out.line(&format!(
        "published {} of form {}{withheld} to {}: {} written, {} unchanged, {} removed",
        plural(tally.practices, "practice", "practices"),
        tally.form_id,
        dir.display(),
        plural(tally.written.len(), "file", "files"),
        tally.unchanged,
        tally.removed.len()
    ));
    Ok(if tally.unreadable.is_empty() {
        0
    } else {
        super::FAILURE
    })
}
