//! The syntax tree of a parsed expression, and the questions the form engine
//! asks about it (which `${name}`s it reads, whether it uses `.`, ...).

use std::fmt;

use super::functions::Func;

/// A parsed expression. Function identity and literal regular expressions are
/// resolved at parse time, so evaluation never looks names up.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal (`12`, `3.5`, `.5`; `-5` is folded into `Num(-5.0)`).
    Num(f64),
    /// A string literal.
    Str(String),
    /// `${name}`: the value of question `name`.
    Ref(String),
    /// `${last-saved#name}`: question `name`'s answer in the last response
    /// saved before this one was started (see `Context::last_saved`).
    LastSaved(String),
    /// `.`: the question being validated.
    Current,
    /// A bare name such as `regione`: a column of the choice being filtered.
    Column(String),
    /// Unary minus.
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A call of a built-in function, arity already checked. Zero-argument
    /// `string-length()` and `normalize-space()` are stored with `.` as their
    /// argument.
    Call(Func, Vec<Expr>),
    /// `regex(subject, pattern)`; a literal pattern is compiled at parse time.
    Regex(Box<Expr>, RegexPattern),
    /// `jr:choice-name(value, '${question}')`: the label of choice `value` in
    /// the choice list of `question`.
    ChoiceName(Box<Expr>, String),
    /// An XPath location path (`/data/a/b`, `../x`, `./x`, `current()/..`,
    /// `/data/rep[idade > 10]/nome`, `/data/@id`), evaluated against
    /// [`Context::tree`](super::Context::tree). A lone `.` is [`Expr::Current`]
    /// and a lone name is [`Expr::Column`].
    Path(Box<Path>),
    /// `instance('list')/root/item[predicate]/column`: a lookup in a choice
    /// list.
    Instance(Box<InstanceQuery>),
    /// `indexed-repeat(${name}, ${repeat}, n [, ${repeat2}, m]...)`.
    IndexedRepeat(Box<IndexedRepeat>),
}

/// A location path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub start: PathStart,
    pub steps: Vec<Step>,
}

/// Where a location path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStart {
    /// `/...`: the document root.
    Root,
    /// A relative path: the context node (inside a predicate, the node
    /// being tested).
    Context,
    /// `current()/...`: the node the whole expression is evaluated for, even
    /// inside a predicate.
    Current,
}

/// One step of a location path, with its predicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub test: StepTest,
    /// `[...]` filters, applied in turn. As in JavaRosa, a node passes a
    /// predicate only when it evaluates to the boolean `true`: `[2]` selects
    /// nothing (write `[position() = 2]`).
    pub predicates: Vec<Expr>,
}

/// What a step selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepTest {
    /// Child elements with this name.
    Child(String),
    /// `@name`: an attribute.
    Attribute(String),
    /// `.`
    SelfNode,
    /// `..`
    Parent,
}

/// `instance('list')/root/item[predicates]/column`.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceQuery {
    /// The choice list (`list_name` on the choices sheet).
    pub list: String,
    /// Filters on the items; inside them a bare name is a column of the item
    /// and `position()` its 1-based position.
    pub predicates: Vec<Expr>,
    /// The column selected from each item (`label`, `name`, ...); `None`
    /// selects the items themselves (for `count(...)`).
    pub column: Option<String>,
}

/// `indexed-repeat(${name}, ${repeat}, index [, ${repeat2}, index2]...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedRepeat {
    /// The question whose value is wanted.
    pub name: String,
    /// Each repeat (outermost first, as written) with its 1-based index.
    pub steps: Vec<(String, Expr)>,
}

/// Binary operators, from lowest to highest precedence:
/// `or`; `and`; `=` `!=`; `<` `<=` `>` `>=`; `+` `-`; `*` `div` `mod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    /// The operator as written in an expression.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "div",
            BinOp::Mod => "mod",
        }
    }

    /// Binding strength: higher binds tighter.
    pub(crate) fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne => 3,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        }
    }
}

/// The pattern argument of `regex()`.
#[derive(Debug, Clone, PartialEq)]
pub enum RegexPattern {
    /// A string literal, compiled when the expression was parsed.
    Literal(CompiledRegex),
    /// Any other expression, compiled (and cached) when evaluated.
    Dynamic(Box<Expr>),
}

/// A regular expression compiled for a whole-string match, as JavaRosa's
/// `regex()` does. Compares and prints as its source pattern.
#[derive(Clone)]
pub struct CompiledRegex {
    pub(crate) source: String,
    pub(crate) regex: regex::Regex,
}

impl CompiledRegex {
    /// The pattern as written in the form.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `s` matches.
    pub fn is_full_match(&self, s: &str) -> bool {
        self.regex.is_match(s)
    }
}

impl PartialEq for CompiledRegex {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for CompiledRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CompiledRegex").field(&self.source).finish()
    }
}

/// Whether `e` is `..`, `../..`, ... (what `position()` takes without a tree).
pub(crate) fn is_parent_chain(e: &Expr) -> bool {
    parent_levels(e).is_some()
}

/// The number of `..` steps of a path made only of them.
pub(crate) fn parent_levels(e: &Expr) -> Option<usize> {
    match e {
        Expr::Path(p)
            if p.start == PathStart::Context
                && !p.steps.is_empty()
                && p.steps
                    .iter()
                    .all(|s| s.test == StepTest::Parent && s.predicates.is_empty()) =>
        {
            Some(p.steps.len())
        }
        _ => None,
    }
}

fn push_unique<'a>(out: &mut Vec<&'a str>, name: &'a str) {
    if !out.contains(&name) {
        out.push(name);
    }
}

impl Expr {
    /// Calls `f` on each direct sub-expression, left to right.
    pub fn for_each_child<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Expr::Num(_)
            | Expr::Str(_)
            | Expr::Ref(_)
            | Expr::LastSaved(_)
            | Expr::Current
            | Expr::Column(_) => {}
            Expr::Neg(e) | Expr::ChoiceName(e, _) => f(e),
            Expr::Binary(_, l, r) => {
                f(l);
                f(r);
            }
            Expr::Call(_, args) => args.iter().for_each(f),
            Expr::Regex(subject, pattern) => {
                f(subject);
                if let RegexPattern::Dynamic(p) = pattern {
                    f(p);
                }
            }
            Expr::Path(path) => path.steps.iter().flat_map(|s| &s.predicates).for_each(f),
            Expr::Instance(q) => q.predicates.iter().for_each(f),
            Expr::IndexedRepeat(ir) => ir.steps.iter().for_each(|(_, e)| f(e)),
        }
    }

    /// The questions `${last-saved#name}` reads, in order, without
    /// duplicates (not in `refs`: their values come from another response,
    /// so nothing here depends on them).
    pub fn last_saved_refs(&self) -> Vec<&str> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::LastSaved(name) => push_unique(out, name),
                _ => e.for_each_child(&mut |c| walk(c, out)),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// Every `${name}` referenced, in order of appearance, without duplicates,
    /// including the question named by `jr:choice-name`'s second argument and
    /// the question and repeats named in `indexed-repeat()`.
    pub fn refs(&self) -> Vec<&str> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::Ref(name) => push_unique(out, name),
                Expr::ChoiceName(value, question) => {
                    walk(value, out);
                    push_unique(out, question);
                }
                Expr::IndexedRepeat(ir) => {
                    push_unique(out, &ir.name);
                    for (repeat, index) in &ir.steps {
                        push_unique(out, repeat);
                        walk(index, out);
                    }
                }
                _ => e.for_each_child(&mut |c| walk(c, out)),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// Every bare name (choice-filter column) referenced, in order of
    /// appearance, without duplicates. Names inside the predicates of a path
    /// or of `instance(...)` are not choice-filter columns and are not listed
    /// (see [`Expr::instance_columns`]).
    pub fn bare_names(&self) -> Vec<&str> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::Column(name) => push_unique(out, name),
                Expr::Path(_) | Expr::Instance(_) => {}
                _ => e.for_each_child(&mut |c| walk(c, out)),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// Whether the expression reads `.` (the question being validated),
    /// explicitly or through `string-length()`, `normalize-space()`, `once()`
    /// or `current()`. Inside a predicate `.` is the node being tested, so
    /// only `current()` and `once()` count there.
    pub fn uses_current(&self) -> bool {
        fn walk(e: &Expr, in_predicate: bool) -> bool {
            match e {
                Expr::Current => !in_predicate,
                Expr::Call(Func::Once | Func::Current, _) => true,
                Expr::Path(p) if p.start == PathStart::Current => true,
                Expr::Path(_) | Expr::Instance(_) => {
                    let mut found = false;
                    e.for_each_child(&mut |c| found = found || walk(c, true));
                    found
                }
                _ => {
                    let mut found = false;
                    e.for_each_child(&mut |c| found = found || walk(c, in_predicate));
                    found
                }
            }
        }
        walk(self, false)
    }

    fn has_bare_names(&self) -> bool {
        !self.bare_names().is_empty()
    }

    /// Every choice list read with `instance('list')/...`, in order of
    /// appearance, without duplicates.
    pub fn instance_lists(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk_instances(&mut |q| push_unique(&mut out, &q.list));
        out
    }

    /// Every `(list, column)` an `instance('list')/root/item[...]/column`
    /// reads: the bare names of its predicates and the selected column, in
    /// order of appearance, without duplicates. Lets a loader check that the
    /// columns exist.
    pub fn instance_columns(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        self.walk_instances(&mut |q| {
            let mut columns = Vec::new();
            for p in &q.predicates {
                for c in p.bare_names() {
                    push_unique(&mut columns, c);
                }
            }
            if let Some(c) = &q.column {
                push_unique(&mut columns, c);
            }
            for c in columns {
                let pair = (q.list.as_str(), c);
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        });
        out
    }

    fn walk_instances<'a>(&'a self, f: &mut dyn FnMut(&'a InstanceQuery)) {
        if let Expr::Instance(q) = self {
            f(q);
        }
        self.for_each_child(&mut |c| c.walk_instances(f));
    }

    /// Whether the expression reads other repeat instances than its own
    /// (`indexed-repeat(…)`): a change anywhere in the repeat can change it.
    pub fn reads_other_instances(&self) -> bool {
        match self {
            Expr::IndexedRepeat(_) => true,
            _ => {
                let mut found = false;
                self.for_each_child(&mut |c| found = found || c.reads_other_instances());
                found
            }
        }
    }

    /// Whether the expression has a location path (`/data/x`, `../x`,
    /// `current()/..`), which needs [`Context::tree`](super::Context::tree).
    /// `position(..)` (and `position(../..)`) does not count: it asks
    /// [`Context::ancestor_position`](super::Context::ancestor_position).
    pub fn uses_paths(&self) -> bool {
        match self {
            Expr::Call(Func::Position, args) if args.iter().all(is_parent_chain) => false,
            Expr::Path(_) => true,
            _ => {
                let mut found = false;
                self.for_each_child(&mut |c| found = found || c.uses_paths());
                found
            }
        }
    }

    /// If the expression is exactly `column = other` or `other = column`, where
    /// `other` uses neither bare names nor `.`, returns `(column, other)`: the
    /// choices can then be looked up in an index on that column.
    pub fn as_column_equality(&self) -> Option<(&str, &Expr)> {
        let Expr::Binary(BinOp::Eq, l, r) = self else {
            return None;
        };
        let usable = |e: &Expr| !e.has_bare_names() && !e.uses_current();
        match (l.as_ref(), r.as_ref()) {
            (Expr::Column(c), other) if usable(other) => Some((c, other)),
            (other, Expr::Column(c)) if usable(other) => Some((c, other)),
            _ => None,
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary(op, ..) => op.precedence(),
            // A negative literal prints with its sign, like a unary minus.
            Expr::Neg(_) => 7,
            Expr::Num(n) if n.is_sign_negative() || !n.is_finite() => 7,
            _ => 8,
        }
    }
}

mod display;

#[cfg(test)]
mod tests {
    use crate::expr::parse;
    use rstest::rstest;

    #[rstest]
    #[case("${a} + ${b} * ${a}", &["a", "b"])]
    #[case("jr:choice-name(${A02}, '${A01}') = ${A03}", &["A02", "A01", "A03"])]
    #[case("regione = ${A02}", &["A02"])]
    #[case("if(${x} > 1, ${y}, ${x})", &["x", "y"])]
    #[case("regex(${s}, ${p})", &["s", "p"])]
    #[case("1 + 2", &[])]
    fn refs_in_order_without_duplicates(#[case] src: &str, #[case] expected: &[&str]) {
        assert_eq!(parse(src).unwrap().refs(), expected);
    }

    #[rstest]
    #[case("regione = ${A02}", &["regione"])]
    #[case("a = 1 or b = 2 or a = 3", &["a", "b"])]
    #[case("${x} = 1", &[])]
    fn bare_names(#[case] src: &str, #[case] expected: &[&str]) {
        assert_eq!(parse(src).unwrap().bare_names(), expected);
    }

    #[rstest]
    #[case(". > 3", true)]
    #[case("string-length() > 3", true)]
    #[case("normalize-space() = ''", true)]
    #[case("once(${x})", true)]
    #[case("regex(., '[a-z]+')", true)]
    #[case("${x} > 3", false)]
    #[case("'.' = ${x}", false)]
    #[case("0.5", false)]
    fn uses_current(#[case] src: &str, #[case] expected: bool) {
        assert_eq!(parse(src).unwrap().uses_current(), expected);
    }

    #[rstest]
    #[case("regione = ${A02}", Some(("regione", "${A02}")))]
    #[case("${A02} = regione", Some(("regione", "${A02}")))]
    #[case("uts_codice = concat(${a}, '-', ${b})", Some(("uts_codice", "concat(${a}, '-', ${b})")))]
    #[case("code = 'x'", Some(("code", "'x'")))]
    #[case("a = b", None)]
    #[case("a = .", None)]
    #[case("a != ${x}", None)]
    #[case("a = ${x} and b = ${y}", None)]
    #[case("(a = ${x})", Some(("a", "${x}")))]
    #[case("${x} = ${y}", None)]
    fn column_equality(#[case] src: &str, #[case] expected: Option<(&str, &str)>) {
        let expr = parse(src).unwrap();
        let got = expr.as_column_equality().map(|(c, e)| (c, e.to_string()));
        assert_eq!(got, expected.map(|(c, e)| (c, e.to_string())));
    }

    #[rstest]
    #[case("1 + 2 * 3")]
    #[case("(1 + 2) * 3")]
    #[case("1 - (2 - 3)")]
    #[case("1 - 2 - 3")]
    #[case("-(1 + 2)")]
    #[case("--${x}")]
    #[case("- -5")]
    #[case("a = 1 or (b = 2 and c = 3)")]
    #[case("(a or b) and c")]
    #[case("concat(\"it's\", 'x', \"a\")")]
    #[case("string-length() >= 3 and string-length(.) <= 200")]
    #[case("regex(., '^[0-9]{11}$')")]
    #[case("jr:choice-name(${a}, '${b}')")]
    #[case("100000000000000000000000")]
    #[case("-0.5 * -2")]
    fn display_round_trips(#[case] src: &str) {
        let Ok(expr) = parse(src) else { return };
        let printed = expr.to_string();
        assert_eq!(
            parse(&printed).as_ref(),
            Ok(&expr),
            "{src} printed as {printed}"
        );
    }

    #[test]
    fn string_with_both_quotes_prints_as_concat() {
        let expr = crate::expr::Expr::Str("it's \"x\"".into());
        let printed = expr.to_string();
        assert_eq!(printed, "concat('it', \"'\", 's \"x\"')");
        let value = crate::expr::test_support::TestCtx::default().eval(&printed);
        assert_eq!(value.to_str(), "it's \"x\"");
    }
}
