//! The questionnaire: its model (XLSForm concepts) and the loaders that build it.

mod bundle;
mod compile;
pub mod model;
pub mod native;
#[cfg(test)]
mod tests;
pub mod values;

pub use bundle::FormBundle;
pub use compile::compile;
pub use model::*;

use std::fmt;
use std::path::Path;

/// A problem in a questionnaire, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub location: String,
    pub message: String,
}

impl FormError {
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> FormError {
        FormError {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Reads and compiles a form file (native JSON). Every problem is returned.
pub fn load_path(path: &Path) -> Result<(FormBundle, Form), Vec<FormError>> {
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
