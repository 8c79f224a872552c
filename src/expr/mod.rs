//! Expression engine for XLSForm expressions: the subset of XPath 1.0 used by
//! ODK forms, with the semantics of JavaRosa (the engine inside ODK Collect).
//!
//! ```text
//! let expr = parse("string-length(.) >= 3 and ${age} > 18")?;   // at load time
//! let value = eval(&expr, &ctx)?;                               // while filling in
//! ```
//!
//! [`parse`] checks everything that can be checked without data: syntax,
//! function names and arities, literal regular expressions and date formats.
//! [`eval`] fails only on operations that cannot be carried out (an invalid
//! regular expression built at run time, a string that is not a date given to
//! `date()`); everything else follows XPath's conversions. See `README-expr.md`
//! for the grammar, the function table and the semantic choices.

mod ast;
mod builtins;
mod calls;
mod datefmt;
mod dates;
mod dynamic;
mod error;
mod eval;
mod functions;
mod lexer;
mod numfmt;
mod parser;
mod regex_cache;
mod value;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests_oracle;
#[cfg(test)]
mod tests_prop;

pub use ast::{BinOp, CompiledRegex, Expr, RegexPattern};
pub use dynamic::{is_dynamic_default, is_dynamic_default_for_type};
pub use error::{EvalError, ParseError};
pub use functions::{FUNCTIONS, Func, FuncInfo};
pub use parser::{MAX_DEPTH, MAX_TREE_HEIGHT};
pub use value::Value;

/// What an expression can see while it is evaluated.
pub trait Context {
    /// Value of `${name}`. The engine has already checked at load time that the
    /// name exists; return `Value::Str(String::new())` for an unanswered or
    /// non-relevant question. Typed answers (`Num` for integer and decimal
    /// questions, `Date` for dates) make comparisons behave like in Collect.
    fn var(&self, name: &str) -> Value;
    /// Value of `.` (the question being validated); `Value::Str("")` when empty.
    fn current(&self) -> Value;
    /// A bare name such as `regione` in a choice_filter `regione = ${A02}`: a
    /// column of the choice being tested. `None` when not evaluating a choice
    /// filter or the column is unknown; eval then treats it as the empty string.
    fn column(&self, name: &str) -> Option<Value>;
    fn today(&self) -> jiff::civil::Date;
    /// The current instant in the local time zone; its zone is also used for
    /// date-time strings written without an offset.
    fn now(&self) -> jiff::ZonedDateTime;
    /// Label of choice `value` in the choice list of question `question` (for
    /// `jr:choice-name`), in the current language.
    fn choice_label(&self, question: &str, value: &str) -> Option<String>;
}

/// Parses an expression, checking syntax, function names and arities, literal
/// regular expressions and literal date formats.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parser::parse(src)
}

/// Evaluates a parsed expression.
pub fn eval(expr: &Expr, ctx: &dyn Context) -> Result<Value, EvalError> {
    eval::eval(expr, ctx)
}
