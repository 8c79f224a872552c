//! Error types of the expression engine.

/// A syntax problem found while parsing an expression.
///
/// `offset` is the 0-based position, counted in characters (not bytes), of the
/// token that caused the problem. `Display` renders it 1-based as a column, the
/// way a form author counts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {col}: {message}", col = .offset.saturating_add(1))]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

impl ParseError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
            offset,
        }
    }
}

/// An operation that cannot be carried out while evaluating an expression
/// (an invalid regular expression built at run time, a string that is not a date
/// given to `date()`, ...). Everything else follows XPath's conversions and
/// never fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        EvalError {
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_displays_one_based_column() {
        let e = ParseError::new(6, "unexpected end of expression");
        assert_eq!(e.to_string(), "column 7: unexpected end of expression");
        let e = ParseError::new(usize::MAX, "x");
        assert!(e.to_string().starts_with("column "));
    }

    #[test]
    fn eval_error_displays_message() {
        let e = EvalError::new("invalid date 'x'");
        assert_eq!(e.to_string(), "invalid date 'x'");
        let _: &dyn std::error::Error = &e;
    }
}
