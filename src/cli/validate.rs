//! `rileva validate FILE`: every problem of a questionnaire, with where it is.

use super::out::{Out, error, form_problem, plural};
use crate::form::{self, Kind};
use crate::text::sanitize;
use std::io::Write;
use std::path::Path;

pub(super) fn validate<W: Write>(file: &Path, out: &mut Out<W>) -> Result<u8, String> {
    let shown = file.display().to_string();
    // A file that cannot be read at all is not a form with problems: exit 2.
    if let Err(e) = std::fs::read(file) {
        return Err(format!("cannot read {shown}: {e}"));
    }
    match form::load_path(file) {
        Ok((_, form)) => {
            let questions = form.nodes.iter().filter(|n| n.kind != Kind::Group).count();
            let languages = if form.languages.is_empty() {
                "no translations".to_string()
            } else {
                let codes: Vec<&str> = form.languages.iter().map(|l| l.code.as_str()).collect();
                format!(
                    "{} {}",
                    if codes.len() == 1 {
                        "language"
                    } else {
                        "languages"
                    },
                    codes.join(", ")
                )
            };
            for w in &form.warnings {
                out.line(&sanitize(&format!("{}: warning: {}", shown, w), false));
            }
            out.line(&sanitize(
                &format!(
                    "{shown}: valid — {}, {}, {languages}",
                    plural(questions, "question", "questions"),
                    plural(form.lists.len(), "choice list", "choice lists"),
                ),
                false,
            ));
            Ok(0)
        }
        Err(errors) => {
            for e in &errors {
                out.line(&sanitize(&form_problem(&shown, e), false));
            }
            error(&format!(
                "{shown} is not valid: {}",
                plural(errors.len(), "problem", "problems")
            ));
            Ok(1)
        }
    }
}
