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

fn push_unique<'a>(out: &mut Vec<&'a str>, name: &'a str) {
    if !out.contains(&name) {
        out.push(name);
    }
}

impl Expr {
    /// Calls `f` on each direct sub-expression, left to right.
    pub fn for_each_child<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Expr::Num(_) | Expr::Str(_) | Expr::Ref(_) | Expr::Current | Expr::Column(_) => {}
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
        }
    }

    /// Every `${name}` referenced, in order of appearance, without duplicates,
    /// including the question named by `jr:choice-name`'s second argument.
    pub fn refs(&self) -> Vec<&str> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::Ref(name) => push_unique(out, name),
                Expr::ChoiceName(value, question) => {
                    walk(value, out);
                    push_unique(out, question);
                }
                _ => e.for_each_child(&mut |c| walk(c, out)),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// Every bare name (choice-filter column) referenced, in order of
    /// appearance, without duplicates.
    pub fn bare_names(&self) -> Vec<&str> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::Column(name) => push_unique(out, name),
                _ => e.for_each_child(&mut |c| walk(c, out)),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// Whether the expression reads `.` (the question being validated),
    /// explicitly or through `string-length()`, `normalize-space()` or `once()`.
    pub fn uses_current(&self) -> bool {
        match self {
            Expr::Current | Expr::Call(Func::Once, _) => true,
            _ => {
                let mut found = false;
                self.for_each_child(&mut |c| found = found || c.uses_current());
                found
            }
        }
    }

    fn has_bare_names(&self) -> bool {
        match self {
            Expr::Column(_) => true,
            _ => {
                let mut found = false;
                self.for_each_child(&mut |c| found = found || c.has_bare_names());
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

/// Writes `s` as an XPath string literal. XPath 1.0 has no escapes, so a string
/// with both kinds of quote becomes a `concat()` of pieces.
fn write_string_literal(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let single = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}');
    let double = |c: char| matches!(c, '"' | '\u{201C}' | '\u{201D}');
    if !s.contains(single) {
        return write!(f, "'{s}'");
    }
    if !s.contains(double) {
        return write!(f, "\"{s}\"");
    }
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in s.chars() {
        if single(c) {
            if !run.is_empty() {
                parts.push(format!("'{run}'"));
                run.clear();
            }
            parts.push(format!("\"{c}\""));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        parts.push(format!("'{run}'"));
    }
    write!(f, "concat({}", parts.join(", "))?;
    f.write_str(")")
}

fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, parenthesize: bool) -> fmt::Result {
    if parenthesize {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

/// Prints the expression back as XPath, with the parentheses it needs and no
/// others. Parsing the output gives the same tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(n) if n.is_nan() => f.write_str("(0 div 0)"),
            Expr::Num(n) if n.is_infinite() && *n > 0.0 => f.write_str("(1 div 0)"),
            Expr::Num(n) if n.is_infinite() => f.write_str("(-1 div 0)"),
            Expr::Num(n) => write!(f, "{n}"),
            Expr::Str(s) => write_string_literal(f, s),
            Expr::Ref(name) => write!(f, "${{{name}}}"),
            Expr::Current => f.write_str("."),
            Expr::Column(name) => f.write_str(name),
            Expr::Neg(e) => {
                f.write_str("-")?;
                write_operand(f, e, e.precedence() < 8)
            }
            Expr::Binary(op, l, r) => {
                let p = op.precedence();
                write_operand(f, l, l.precedence() < p)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, r, r.precedence() <= p)
            }
            Expr::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            Expr::Regex(subject, pattern) => {
                write!(f, "regex({subject}, ")?;
                match pattern {
                    RegexPattern::Literal(re) => write_string_literal(f, &re.source)?,
                    RegexPattern::Dynamic(e) => write!(f, "{e}")?,
                }
                f.write_str(")")
            }
            Expr::ChoiceName(value, question) => {
                write!(f, "jr:choice-name({value}, '${{{question}}}')")
            }
        }
    }
}

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
