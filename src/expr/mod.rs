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
//! `date()`, a repeated question where one value is needed); everything else
//! follows XPath's conversions. Repeats appear as node-sets ([`Value::Nodes`]);
//! `instance('list')/root/item[...]` reads choice lists and location paths read
//! a [`Tree`], both through [`Context`] methods with defaults. See
//! `README-expr.md` for the grammar, the function table and the semantic
//! choices.

mod ast;
mod builtins;
mod calls;
mod datefmt;
mod dates;
mod dynamic;
mod error;
mod eval;
mod functions;
mod geo;
mod lexer;
mod nodes;
mod numfmt;
mod parser;
mod regex_cache;
mod tree;
mod value;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests_nodes;
#[cfg(test)]
mod tests_oracle;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod tests_rxeval;

pub use ast::{
    BinOp, CompiledRegex, Expr, IndexedRepeat, InstanceQuery, Path, PathStart, RegexPattern, Step,
    StepTest,
};
pub use dynamic::{is_dynamic_default, is_dynamic_default_for_type};
pub use error::{EvalError, ParseError};
pub use functions::{FUNCTIONS, Func, FuncInfo};
pub use parser::{MAX_DEPTH, MAX_TREE_HEIGHT};
pub use tree::{NodeRef, Tree};
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

    /// `${last-saved#name}`: question `name`'s answer in the last response
    /// saved before this one (empty when there is none, or it has none).
    fn last_saved(&self, name: &str) -> Value {
        let _ = name;
        Value::Str(String::new())
    }

    /// The 1-based index of the repeat instance the expression is evaluated
    /// in (the innermost one): `position(..)` from a question directly inside
    /// the repeat. `None` outside a repeat, which makes `position(..)` an
    /// `EvalError`.
    fn position(&self) -> Option<usize> {
        None
    }

    /// JavaRosa's `position()` of the node `levels` steps up from the node
    /// the expression belongs to: `position(..)` asks 1, `position(../..)` 2,
    /// `position()` and `position(.)` outside a predicate 0. A repeat instance
    /// answers its 1-based index, any other node 1 (a question or a group is
    /// never repeated by itself; JavaRosa answers 1 for `position()` in a
    /// question's own expression). The default answers [`Context::position`]
    /// for 0 and 1 and `None` for more levels.
    fn ancestor_position(&self, levels: usize) -> Option<usize> {
        if levels <= 1 { self.position() } else { None }
    }

    /// `indexed-repeat(${name}, ${repeat1}, i1, ${repeat2}, i2, ...)`: the
    /// value of question `name` in instance `i1` (1-based, at least 1) of
    /// `repeat1`, instance `i2` of `repeat2` inside it, and so on (`steps` in
    /// the order written, outermost first). `Value::Str("")` when an index is
    /// past the last instance. Repeats between those named resolve as for
    /// [`Context::var`] (a node-set if the question is in a repeat left
    /// unindexed). The default knows no repeats and answers `""`.
    fn indexed_repeat(&self, name: &str, steps: &[(&str, usize)]) -> Value {
        let _ = (name, steps);
        Value::default()
    }

    /// Number of items of choice list `list` for `instance('list')/root/item`;
    /// `None` for an unknown list (an `EvalError`).
    fn instance_len(&self, list: &str) -> Option<usize> {
        let _ = list;
        None
    }

    /// Column `column` (`name`, `label` in the current language, or any other
    /// column of the choices sheet) of item `item` (0-based) of `list`;
    /// `None` when the list or the item has no such column.
    fn instance_column(&self, list: &str, item: usize, column: &str) -> Option<String> {
        let _ = (list, item, column);
        None
    }

    /// The document location paths (`/data/a`, `../b`, `current()/..`) are
    /// evaluated against, and the node the expression belongs to (the
    /// context node of relative paths, `.` and `current()`). Without a tree
    /// (the default) a path is an `EvalError`: forms refer to questions as
    /// `${name}`.
    fn tree(&self) -> Option<(&dyn Tree, NodeRef)> {
        None
    }
}

/// Parses an expression, checking syntax, function names and arities, literal
/// regular expressions and literal date formats.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parser::parse(src)
}

/// Evaluates a parsed expression. The result is a node-set
/// ([`Value::Nodes`]) when the expression designates nodes (a path, a
/// repeated question); [`Value::into_single`] unpacks it as JavaRosa does.
pub fn eval(expr: &Expr, ctx: &dyn Context) -> Result<Value, EvalError> {
    nodes::Env::with(ctx, |env| eval::eval(expr, env))
}
