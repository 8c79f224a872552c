//! Evaluation of the syntax tree: literals, references, operators.
//! Function calls are in [`super::builtins`].

use super::Context;
use super::ast::{BinOp, Expr, RegexPattern};
use super::builtins;
use super::dates;
use super::error::EvalError;
use super::nodes::{self, Env, single};
use super::numfmt::EPSILON;
use super::regex_cache;
use super::value::Value;

/// Evaluates `expr` in `env`.
///
/// Recursion happens once per tree level, so the frames on that path
/// (`eval`, `binary`, `builtins::call`) are kept small: everything else is in
/// separate non-inlined functions.
pub(crate) fn eval(expr: &Expr, env: &Env<'_>) -> Result<Value, EvalError> {
    match expr {
        Expr::Binary(op, l, r) => binary(*op, l, r, env),
        Expr::Call(func, args) => builtins::call(*func, args, env),
        _ => unary(expr, env),
    }
}

/// Nodes with at most one sub-expression to evaluate, and the node-set ones.
/// Only dispatches, so that its frame stays small on the recursive path.
fn unary(expr: &Expr, env: &Env<'_>) -> Result<Value, EvalError> {
    match expr {
        Expr::Neg(e) => negate(e, env),
        Expr::Regex(..) => regex(expr, env),
        Expr::ChoiceName(value, question) => choice_name(value, question, env),
        Expr::Path(p) => nodes::path(p, env),
        Expr::Instance(q) => nodes::instance(q, env),
        Expr::IndexedRepeat(ir) => nodes::indexed_repeat(ir, env),
        _ => Ok(leaf(expr, env)),
    }
}

#[inline(never)]
fn negate(e: &Expr, env: &Env<'_>) -> Result<Value, EvalError> {
    Ok(Value::Num(-single(eval(e, env)?, e)?.to_num()))
}

#[inline(never)]
fn regex(expr: &Expr, env: &Env<'_>) -> Result<Value, EvalError> {
    let Expr::Regex(subject_expr, pattern) = expr else {
        return Ok(Value::default());
    };
    let subject = single(eval(subject_expr, env)?, subject_expr)?;
    let pattern = match pattern {
        RegexPattern::Literal(_) => None,
        RegexPattern::Dynamic(p) => Some(single(eval(p, env)?, p)?),
    };
    regex_match(&subject, pattern, expr)
}

#[inline(never)]
fn leaf(expr: &Expr, env: &Env<'_>) -> Value {
    match expr {
        Expr::Num(n) => Value::Num(*n),
        Expr::Str(s) => Value::Str(s.clone()),
        Expr::Ref(name) => env.ctx.var(name),
        Expr::LastSaved(name) => env.ctx.last_saved(name),
        Expr::Current => nodes::dot(env),
        Expr::Column(name) => nodes::column(name, env),
        _ => Value::default(),
    }
}

#[inline(never)]
fn regex_match(subject: &Value, pattern: Option<Value>, expr: &Expr) -> Result<Value, EvalError> {
    let matched = match (pattern, expr) {
        (None, Expr::Regex(_, RegexPattern::Literal(re))) => re.is_full_match(&subject.as_str()),
        (Some(p), _) => regex_cache::cached(&p.as_str())
            .map_err(EvalError::new)?
            .is_match(&subject.as_str()),
        _ => false,
    };
    Ok(Value::Bool(matched))
}

#[inline(never)]
fn choice_name(value: &Expr, question: &str, env: &Env<'_>) -> Result<Value, EvalError> {
    let v = single(eval(value, env)?, value)?;
    Ok(Value::Str(
        env.ctx
            .choice_label(question, &v.as_str())
            .unwrap_or_default(),
    ))
}

/// `and` and `or` read their operands as booleans (a node-set of several
/// nodes is true); the other operators need one value on each side.
fn binary(op: BinOp, l: &Expr, r: &Expr, env: &Env<'_>) -> Result<Value, EvalError> {
    let a = eval(l, env)?;
    if matches!(op, BinOp::Or | BinOp::And) {
        if a.to_bool() == (op == BinOp::Or) {
            return Ok(Value::Bool(op == BinOp::Or));
        }
        return Ok(Value::Bool(eval(r, env)?.to_bool()));
    }
    let a = single(a, l)?;
    let b = single(eval(r, env)?, r)?;
    Ok(combine(op, &a, &b, env.ctx))
}

/// Applies a binary operator to evaluated operands (for `and`/`or`, when the
/// left side did not decide).
#[inline(never)]
fn combine(op: BinOp, a: &Value, b: &Value, ctx: &dyn Context) -> Value {
    let result = match op {
        BinOp::Or | BinOp::And => b.to_bool(),
        BinOp::Eq => equal(a, b, ctx),
        BinOp::Ne => !equal(a, b, ctx),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let (x, y) = numeric_pair(a, b, ctx);
            match op {
                BinOp::Lt => x < y,
                BinOp::Le => x <= y,
                BinOp::Gt => x > y,
                _ => x >= y,
            }
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
            let (x, y) = (a.to_num(), b.to_num());
            return Value::Num(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => x / y,
                // Java's % and Rust's % on doubles are both C's fmod.
                _ => x % y,
            });
        }
    };
    Value::Bool(result)
}

/// Converts both sides to numbers for a comparison. A string facing a date or
/// date-time is read as a date (so `. >= date('2020-02-01')` works when `.`
/// arrives as the string `2020-03-15`); otherwise XPath `number()` applies.
fn numeric_pair(a: &Value, b: &Value, ctx: &dyn Context) -> (f64, f64) {
    let side = |v: &Value, other: &Value| match v {
        Value::Str(s) if other.is_temporal() => dates::str_to_days(s, ctx),
        _ => v.to_num(),
    };
    (side(a, b), side(b, a))
}

/// XPath `=` as JavaRosa evaluates it: booleans if either side is a boolean,
/// else numbers if either side is a number or a date (equal within 1e-12, so
/// NaN equals nothing), else strings.
pub(crate) fn equal(a: &Value, b: &Value, ctx: &dyn Context) -> bool {
    if matches!(a, Value::Bool(_)) || matches!(b, Value::Bool(_)) {
        a.to_bool() == b.to_bool()
    } else if a.is_numeric() || b.is_numeric() {
        let (x, y) = numeric_pair(a, b, ctx);
        (x - y).abs() < EPSILON
    } else {
        a.as_str() == b.as_str()
    }
}

#[cfg(test)]
mod tests {
    use crate::expr::Value;
    use crate::expr::test_support::TestCtx;
    use jiff::civil::date;
    use rstest::rstest;

    fn ctx() -> TestCtx {
        TestCtx::default()
            .var("n", 42.0)
            .var("s42", "42")
            .var("empty", "")
            .var("d", date(2020, 3, 15))
            .var("ds", "2020-03-15")
            .var("yes", true)
            .column("regione", "LAZ")
    }

    #[rstest]
    #[case("1 + 1", Value::Num(2.0))]
    #[case("7 div 2", Value::Num(3.5))]
    #[case("7 mod 3", Value::Num(1.0))]
    #[case("-7 mod 3", Value::Num(-1.0))]
    #[case("7 * -2", Value::Num(-14.0))]
    #[case("1 div 0", Value::Num(f64::INFINITY))]
    #[case("-1 div 0", Value::Num(f64::NEG_INFINITY))]
    #[case("'3' + '4'", Value::Num(7.0))]
    #[case("true() + 1", Value::Num(2.0))]
    #[case("${d} + 1", Value::Num(18337.0))]
    #[case("today() - ${d}", Value::Num(2336.0))]
    #[case("-${s42}", Value::Num(-42.0))]
    fn arithmetic(#[case] src: &str, #[case] expected: Value) {
        assert_eq!(ctx().eval(src), expected, "{src}");
    }

    #[test]
    fn nan_arithmetic() {
        for src in ["0 div 0", "${empty} + 1", "'abc' * 2", "1 mod 0"] {
            assert!(ctx().eval(src).to_num().is_nan(), "{src}");
        }
    }

    #[rstest]
    #[case("${n} = 42", true)]
    #[case("${n} = '42'", true)]
    #[case("${n} = '42.0'", true)]
    #[case("${s42} = '42.0'", false)]
    #[case("${s42} = 42.0", true)]
    #[case("'a' = 'a'", true)]
    #[case("'a' != 'a'", false)]
    #[case("'a' = 'A'", false)]
    #[case("${empty} = ''", true)]
    #[case("${empty} != ''", false)]
    #[case("${empty} = 0", false)]
    #[case("${empty} != 0", true)]
    #[case("0 div 0 = 0 div 0", false)]
    #[case("0 div 0 != 0 div 0", true)]
    // JavaRosa compares |a - b| < 1e-12, and Infinity - Infinity is NaN.
    #[case("1 div 0 = 1 div 0", false)]
    #[case("true() = 'x'", true)]
    #[case("false() = ''", true)]
    #[case("false() = 0", true)]
    #[case("${yes} = 'false'", true)]
    #[case("0.1 + 0.2 = 0.3", true)]
    #[case("${d} = date('2020-03-15')", true)]
    #[case("${d} = '2020-03-15'", true)]
    #[case("${ds} = '2020-03-15'", true)]
    #[case("${d} = 18336", true)]
    #[case("${d} != '2020-03-16'", true)]
    #[case("${d} = 'garbage'", false)]
    #[case("regione = 'LAZ'", true)]
    #[case("missing_column = ''", true)]
    fn equality(#[case] src: &str, #[case] expected: bool) {
        assert_eq!(ctx().eval(src), Value::Bool(expected), "{src}");
    }

    #[rstest]
    #[case("'a' < 'b'", false)]
    #[case("'a' >= 'b'", false)]
    #[case("'1' < '2'", true)]
    #[case("${n} > 18", true)]
    #[case("${s42} > 18", true)]
    #[case("${empty} >= 0", false)]
    #[case("${empty} < 0", false)]
    #[case("${d} >= date('2020-02-01')", true)]
    #[case("${ds} >= date('2020-02-01')", true)]
    #[case("${ds} < date('2020-02-01')", false)]
    #[case("date('2020-02-01') <= ${ds}", true)]
    #[case("${ds} >= '2020-02-01'", false)]
    #[case("${d} < today()", true)]
    #[case("now() > today()", true)]
    #[case("'2026-08-07T10:00:00-03:00' > now()", true)]
    #[case("'2026-08-07T06:00:00-03:00' > now()", false)]
    #[case("true() > false()", true)]
    #[case("1 <= 1", true)]
    #[case("2 < 1", false)]
    fn comparisons(#[case] src: &str, #[case] expected: bool) {
        assert_eq!(ctx().eval(src), Value::Bool(expected), "{src}");
    }

    #[test]
    fn and_or_short_circuit() {
        // The right side would fail if evaluated.
        assert_eq!(ctx().eval("false() and date('x')"), Value::Bool(false));
        assert_eq!(ctx().eval("true() or date('x')"), Value::Bool(true));
        assert_eq!(ctx().eval("1 < 2 and 2 < 3"), Value::Bool(true));
        assert_eq!(ctx().eval("1 > 2 or 2 < 3"), Value::Bool(true));
    }

    #[test]
    fn choice_name_uses_the_label_lookup() {
        let c = ctx().var("A02", "2").label("A01", "2", "Lazio");
        assert_eq!(
            c.eval("jr:choice-name(${A02}, '${A01}')"),
            Value::Str("Lazio".into())
        );
        assert_eq!(
            c.eval("jr:choice-name('9', '${A01}')"),
            Value::Str(String::new())
        );
    }

    #[test]
    fn dynamic_regex_errors_name_the_pattern() {
        let c = ctx().var("p", "[a-");
        let expr = crate::expr::parse("regex('abc', ${p})").unwrap();
        let err = crate::expr::eval(&expr, &c).unwrap_err();
        assert!(
            err.message.contains("invalid regular expression '[a-'"),
            "{err}"
        );
        let c = ctx().var("p", "[a-c]+");
        assert_eq!(c.eval("regex('abc', ${p})"), Value::Bool(true));
        assert_eq!(c.eval("regex('abcd', ${p})"), Value::Bool(false));
    }
}

#[cfg(test)]
mod perf {
    use crate::expr::test_support::TestCtx;
    use crate::expr::{eval, parse};
    use std::hint::black_box;
    use std::time::Instant;

    /// Timing smoke test: `cargo test --release -- --ignored --nocapture eval_speed`.
    #[test]
    #[ignore = "timing; run by hand in release mode"]
    fn eval_speed() {
        let ctx = TestCtx::default()
            .var("A03", "058091")
            .current("some answer text")
            .column("uts_codice", "058091");
        for src in [
            "uts_codice = ${A03}",
            "string-length(.) >= 3 and string-length(.) <= 200",
            "regex(., '[a-z ]+')",
            "if(${A03} = '', 0, round(number(${A03}) div 7, 2))",
        ] {
            let expr = parse(src).unwrap_or_else(|e| panic!("{e}"));
            let n = 1_000_000u32;
            let start = Instant::now();
            for _ in 0..n {
                black_box(eval(black_box(&expr), &ctx).ok());
            }
            let per = start.elapsed() / n;
            eprintln!("{per:?} per eval of {src}");
        }
    }
}
