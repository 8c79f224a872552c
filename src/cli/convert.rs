//! `rileva convert FILE -o OUT`: any questionnaire rileva reads (an XLSForm or
//! native JSON), checked as `validate` checks it, written as native JSON.

use super::{Out, error, form_problem, plural};
use crate::export;
use crate::form;
use crate::text::sanitize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the native JSON of any form rileva reads: the very definition that
/// is stored with each response. The output is written whole or not at all.
pub(super) fn convert<W: Write>(
    file: &Path,
    output: &Path,
    force: bool,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let shown = file.display().to_string();
    if let Err(e) = std::fs::read(file) {
        return Err(format!("cannot read {shown}: {e}"));
    }
    let to_stdout = output.as_os_str() == "-";
    if !to_stdout && !force && output.exists() {
        return Err(format!(
            "{} exists; use --force to replace it",
            output.display()
        ));
    }
    let (bundle, _) = match form::load_path(file) {
        Ok(loaded) => loaded,
        Err(errors) => {
            for e in &errors {
                out.line(&sanitize(&form_problem(&shown, e), false));
            }
            error(&format!(
                "{shown} is not valid: {}; nothing written",
                plural(errors.len(), "problem", "problems")
            ));
            return Ok(1);
        }
    };
    let mut text = bundle.definition.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if to_stdout {
        out.line(text.trim_end_matches('\n'));
        return Ok(0);
    }
    let (dir, written) = write_whole(output, text.as_bytes())?;
    out.line(&sanitize(
        &format!("{shown}: converted to {}", written.display()),
        false,
    ));
    // The CSV lists the form names must sit beside the JSON as they sat
    // beside the XLSForm.
    for name in bundle.files.keys() {
        if !dir.join(name).exists() {
            error(&format!(
                "note: {} names {name}: copy it beside {}",
                written.display(),
                written.display()
            ));
        }
    }
    Ok(0)
}

/// `rileva print -o FILE.html`: the questionnaire as a paper form.
pub(super) fn print<W: Write>(
    file: Option<&Path>,
    output: &Path,
    force: bool,
    lang: crate::lang::Lang,
    out: &mut Out<W>,
) -> Result<u8, String> {
    if !force && output.exists() {
        return Err(format!(
            "{} exists; use --force to replace it",
            output.display()
        ));
    }
    let (_, form) = match crate::app::load_form(file) {
        Ok(loaded) => loaded,
        Err(errors) => {
            let shown =
                file.map_or_else(|| "embedded form".to_string(), |p| p.display().to_string());
            for e in &errors {
                out.line(&sanitize(&form_problem(&shown, e), false));
            }
            error(&format!("{shown} is not valid; nothing written"));
            return Ok(1);
        }
    };
    let html = export::print::paper_form(&form, lang);
    let (_, written) = write_whole(output, html.as_bytes())?;
    out.line(&sanitize(
        &format!("paper form written to {}", written.display()),
        false,
    ));
    Ok(0)
}

/// Writes `output` whole or not at all; its directory and the file written.
fn write_whole(output: &Path, bytes: &[u8]) -> Result<(PathBuf, PathBuf), String> {
    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = output
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} is not a file name", output.display()))?;
    let written = export::write_atomic(&dir, name, bytes)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    Ok((dir, written))
}
