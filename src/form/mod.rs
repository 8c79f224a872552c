//! The questionnaire: its model (XLSForm concepts) and the loaders that build it.

mod bundle;
mod compile;
pub mod model;
pub mod native;
#[cfg(test)]
mod tests;
pub mod values;
pub mod xlsform;

pub use bundle::FormBundle;
pub use compile::{compile, compile_doc};
pub use model::*;

/// The deepest nesting of groups and repeats a form may have: deeper is
/// refused, where it is read (no real form comes near; a damaged one must
/// not exhaust the stack of what walks the tree).
pub const MAX_DEPTH: usize = 64;

use std::fmt;
use std::path::Path;

/// A problem in a questionnaire, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub location: String,
    pub message: String,
    pub kind: ErrorKind,
}

/// What kind of problem a `FormError` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorKind {
    /// The form is wrong: it breaks a rule of its format (or of XLSForm).
    #[default]
    Invalid,
    /// The form may well be right, but uses a feature rileva does not
    /// support (an XLSForm question type, column, sheet or setting); rileva
    /// refuses it rather than read it wrongly.
    Unsupported,
    /// A file the form names (a CSV of choices) is not beside it: the form
    /// itself may be right.
    MissingFile,
    /// The form is right (pyxform accepts it) but nothing in it takes an
    /// answer: only notes, calculations, hidden or metadata rows, or none.
    /// rileva, which exists to fill forms in, refuses it.
    NothingToFill,
}

impl FormError {
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> FormError {
        FormError {
            location: location.into(),
            message: message.into(),
            kind: ErrorKind::Invalid,
        }
    }

    /// A feature outside what rileva supports.
    pub fn unsupported(location: impl Into<String>, message: impl Into<String>) -> FormError {
        FormError {
            kind: ErrorKind::Unsupported,
            ..FormError::new(location, message)
        }
    }

    pub fn is_unsupported(&self) -> bool {
        self.kind == ErrorKind::Unsupported
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Reads and compiles a form file: native JSON (`.json`), or an XLSForm
/// (`.xlsx`, `.xlsm`, `.xls`, `.ods`, and pyxform's text formats `.csv` and
/// `.md`), which is first converted to the native document. Every problem is
/// returned, those of the XLSForm reader and those of compiling together.
pub fn load_path(path: &Path) -> Result<(FormBundle, Form), Vec<FormError>> {
    if xlsform::Format::of_path(path).is_some() {
        return xlsform::load_path(path);
    }
    let bundle = FormBundle::from_path(path)?;
    let form = compile(&bundle)?;
    Ok((bundle, form))
}

/// The embedded default questionnaire, compiled.
pub fn load_default() -> Result<(FormBundle, Form), Vec<FormError>> {
    let bundle = FormBundle::embedded_default();
    let form = compile(&bundle)?;
    Ok((bundle, form))
}
