//! The built-in functions, following JavaRosa's implementations.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use super::Context;
use super::ast::Expr;
use super::calls::choice_name_target;
use super::datefmt;
use super::dates;
use super::error::EvalError;
use super::eval::eval;
use super::functions::Func;
use super::nodes::{self, Env, check_single, single};
use super::numfmt::{java_int, java_round, to_int};
use super::regex_cache;
use super::value::Value;

/// Longest string `uuid(n)` produces, so that a huge `n` cannot exhaust memory.
const MAX_UUID_LEN: i32 = 1024;

/// Calls `func` (whose arity the parser checked) on `args`. `if`, `coalesce`
/// and `once` evaluate only the arguments they need.
///
/// This frame stays small because it is on the stack once per nesting level:
/// arguments are evaluated here and handed to [`apply`], which does not
/// recurse.
pub(crate) fn call(func: Func, args: &[Expr], env: &Env<'_>) -> Result<Value, EvalError> {
    let arg = |i: usize| -> Result<Value, EvalError> {
        match args.get(i) {
            Some(e) => eval(e, env),
            None => Ok(Value::default()),
        }
    };
    match func {
        Func::If => {
            let branch = if arg(0)?.to_bool() { 1 } else { 2 };
            arg(branch)
        }
        Func::Coalesce => {
            let first = arg(0)?;
            if let Some(e) = args.first() {
                check_single(&first, e)?;
            }
            if first.is_null() { arg(1) } else { Ok(first) }
        }
        Func::Once => {
            let current = nodes::dot(env);
            if current.is_null() {
                arg(0)
            } else {
                Ok(current)
            }
        }
        Func::Current => Ok(nodes::current(env)),
        Func::Concat | Func::Join | Func::Min | Func::Max => varargs(func, args, env),
        Func::Count
        | Func::CountNonEmpty
        | Func::Sum
        | Func::Distance
        | Func::Area
        | Func::Position => nodes::aggregate(func, args, env),
        _ => {
            let mut values: [Value; 3] = Default::default();
            for (slot, e) in values.iter_mut().zip(args) {
                *slot = arg_value(func, eval(e, env)?, e)?;
            }
            apply(func, values, args.len(), env.ctx)
        }
    }
}

/// An argument as a fixed-arity function sees it: `boolean()` and `not()` read
/// a node-set as a whole, everything else needs one value.
#[inline(never)]
fn arg_value(func: Func, v: Value, e: &Expr) -> Result<Value, EvalError> {
    match func {
        Func::Boolean | Func::Not => Ok(v),
        _ => single(v, e),
    }
}

/// `concat`, `join`, `min` and `max`: any number of arguments, evaluated in
/// turn. As in JavaRosa, a node-set is expanded when it is the only argument
/// (of `concat`, `min`, `max`) or the only one after the separator (of
/// `join`); elsewhere it must hold at most one node.
#[inline(never)]
fn varargs(func: Func, args: &[Expr], env: &Env<'_>) -> Result<Value, EvalError> {
    let (sep, items) = match (func, args.split_first()) {
        (Func::Join, Some((sep, items))) => (single(eval(sep, env)?, sep)?.to_str(), items),
        _ => (String::new(), args),
    };
    let mut values: Vec<Value> = Vec::with_capacity(items.len());
    match items {
        [one] => match eval(one, env)? {
            Value::Nodes(nodes) => values = nodes,
            other => values.push(other),
        },
        _ => {
            for e in items {
                values.push(single(eval(e, env)?, e)?);
            }
        }
    }
    match func {
        Func::Min | Func::Max => {
            let mut best: Option<f64> = None;
            for x in values.iter().map(Value::to_num) {
                if x.is_nan() {
                    continue;
                }
                best = Some(match best {
                    None => x,
                    Some(b) if func == Func::Min => b.min(x),
                    Some(b) => b.max(x),
                });
            }
            Ok(Value::Num(best.unwrap_or(f64::NAN)))
        }
        _ => {
            let mut out = String::new();
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep);
                }
                out.push_str(&v.as_str());
            }
            Ok(Value::Str(out))
        }
    }
}

/// The functions with at most three arguments, applied to evaluated arguments
/// (`count` of the three are real). Does not recurse into [`eval`].
#[inline(never)]
fn apply(
    func: Func,
    values: [Value; 3],
    count: usize,
    ctx: &dyn Context,
) -> Result<Value, EvalError> {
    let [a, b, c] = values;
    let math = |f: fn(f64) -> f64| Value::Num(f(a.to_num()));
    let value = match func {
        Func::Selected => Value::Bool(selected(&a.as_str(), &b.as_str())),
        Func::CountSelected => Value::Num(tokens(&a.as_str()).count() as f64),
        Func::SelectedAt => {
            let index = usize::try_from(java_int(b.to_num())).ok();
            let item = index.and_then(|i| tokens(&a.as_str()).nth(i).map(str::to_string));
            Value::Str(item.unwrap_or_default())
        }
        Func::StringLength => Value::Num(a.as_str().chars().count() as f64),
        Func::Regex => {
            let regex = regex_cache::cached(&b.as_str()).map_err(EvalError::new)?;
            Value::Bool(regex.is_match(&a.as_str()))
        }
        Func::ChoiceName => {
            let label = choice_name_target(&b.as_str())
                .and_then(|question| ctx.choice_label(&question, &a.as_str()));
            Value::Str(label.unwrap_or_default())
        }
        Func::Today => Value::Date(ctx.today()),
        Func::Now => Value::DateTime(ctx.now()),
        Func::Date => dates::to_date(a)?,
        Func::DateTime => dates::to_datetime(a, ctx)?,
        Func::DecimalDateTime => dates::decimal_date_time(a, ctx)?,
        Func::FormatDate | Func::FormatDateTime => datefmt::format_date(&a, &b.as_str())?,
        Func::Not => Value::Bool(!a.to_bool()),
        Func::True => Value::Bool(true),
        Func::False => Value::Bool(false),
        Func::Boolean => Value::Bool(a.to_bool()),
        Func::BooleanFromString => {
            let s = a.as_str();
            Value::Bool(s.eq_ignore_ascii_case("true") || s == "1")
        }
        Func::Number => Value::Num(a.to_num()),
        Func::Int => Value::Num(to_int(a.to_num())),
        Func::Round => {
            let places = if count > 1 { java_int(b.to_num()) } else { 0 };
            Value::Num(java_round(a.to_num(), places))
        }
        Func::String => Value::Str(a.to_str()),
        Func::Contains => Value::Bool(a.as_str().contains(&*b.as_str())),
        Func::StartsWith => Value::Bool(a.as_str().starts_with(&*b.as_str())),
        Func::EndsWith => Value::Bool(a.as_str().ends_with(&*b.as_str())),
        Func::Substr => {
            let end = if count > 2 { Some(c.to_num()) } else { None };
            Value::Str(substr(&a.as_str(), b.to_num(), end))
        }
        Func::SubstringBefore => {
            let (s, sub) = (a.as_str(), b.as_str());
            Value::Str(
                s.find(&*sub)
                    .map_or("", |i| s.get(..i).unwrap_or(""))
                    .to_string(),
            )
        }
        Func::SubstringAfter => {
            let (s, sub) = (a.as_str(), b.as_str());
            let after = s.find(&*sub).and_then(|i| s.get(i + sub.len()..));
            Value::Str(after.unwrap_or("").to_string())
        }
        Func::NormalizeSpace => Value::Str(normalize_space(&a.as_str())),
        Func::Translate => Value::Str(translate(&a.as_str(), &b.as_str(), &c.as_str())),
        Func::Floor => math(f64::floor),
        Func::Ceiling => math(f64::ceil),
        Func::Abs => math(f64::abs),
        Func::Sqrt => math(f64::sqrt),
        Func::Exp => math(f64::exp),
        Func::Exp10 => math(|x| java_pow(10.0, x)),
        Func::Log => math(f64::ln),
        Func::Log10 => math(f64::log10),
        Func::Sin => math(f64::sin),
        Func::Cos => math(f64::cos),
        Func::Tan => math(f64::tan),
        Func::Asin => math(f64::asin),
        Func::Acos => math(f64::acos),
        Func::Atan => math(f64::atan),
        Func::Atan2 => Value::Num(a.to_num().atan2(b.to_num())),
        Func::Pow => Value::Num(java_pow(a.to_num(), b.to_num())),
        Func::Pi => Value::Num(std::f64::consts::PI),
        Func::Uuid if count == 0 => Value::Str(uuid_v4()),
        Func::Uuid => {
            let len = java_int(a.to_num()).clamp(0, MAX_UUID_LEN);
            Value::Str(random_alphanumeric(usize::try_from(len).unwrap_or(0)))
        }
        Func::Random => Value::Num((random_u64() >> 11) as f64 / (1u64 << 53) as f64),
        // Evaluated lazily or one by one in `call`; never applied here.
        Func::If
        | Func::Coalesce
        | Func::Once
        | Func::Concat
        | Func::Join
        | Func::Min
        | Func::Max
        | Func::Count
        | Func::CountNonEmpty
        | Func::Sum
        | Func::Position
        | Func::IndexedRepeat
        | Func::Current
        | Func::Distance
        | Func::Area => Value::default(),
    };
    Ok(value)
}

/// The non-empty space-separated items of a select_multiple answer.
fn tokens(list: &str) -> impl Iterator<Item = &str> {
    list.split(' ').filter(|t| !t.is_empty())
}

/// JavaRosa's `selected()`: `(" " + list + " ").contains(" " + trim(value) + " ")`.
fn selected(list: &str, value: &str) -> bool {
    let value = value.trim_matches(|c: char| c <= ' ');
    format!(" {list} ").contains(&format!(" {value} "))
}

/// JavaRosa's `substr()`: 0-based, `end` exclusive, negative positions count
/// from the end, out-of-range positions are clamped.
fn substr(s: &str, start: f64, end: Option<f64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let len = i64::try_from(chars.len()).unwrap_or(i64::MAX);
    let mut start = i64::from(java_int(start));
    let mut end = end.map_or(len, |e| i64::from(java_int(e)));
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    let start = usize::try_from(start.clamp(0, len)).unwrap_or(0);
    let end = usize::try_from(end.clamp(0, len)).unwrap_or(0);
    chars
        .get(start..end)
        .map(|c| c.iter().collect())
        .unwrap_or_default()
}

/// Java's `s.trim().replaceAll("\\s+", " ")`.
fn normalize_space(s: &str) -> String {
    let trimmed = s.trim_matches(|c: char| c <= ' ');
    let mut out = String::with_capacity(trimmed.len());
    let mut in_space = false;
    for c in trimmed.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\u{B}' | '\u{C}' | '\r') {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// XPath `translate()`: each character of `s` found in `from` is replaced by
/// the character at the same position in `to`, or removed if `to` is shorter.
fn translate(s: &str, from: &str, to: &str) -> String {
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    s.chars()
        .filter_map(|c| match from.iter().position(|&f| f == c) {
            None => Some(c),
            Some(i) => to.get(i).copied(),
        })
        .collect()
}

/// Java's `Math.pow`, which differs from IEEE `pow` for a NaN exponent and for
/// `(±1)^±∞`.
fn java_pow(a: f64, b: f64) -> f64 {
    if b.is_nan() || (a.abs() == 1.0 && b.is_infinite()) {
        f64::NAN
    } else {
        a.powf(b)
    }
}

fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(elapsed) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(elapsed.as_nanos());
    }
    hasher.finish()
}

/// A random (version 4) UUID such as `4f3c9a1e-...`.
fn uuid_v4() -> String {
    let hi = random_u64().to_be_bytes();
    let lo = random_u64().to_be_bytes();
    let mut bytes = [0u8; 16];
    for (dst, src) in bytes.iter_mut().zip(hi.iter().chain(lo.iter())) {
        *dst = *src;
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn random_alphanumeric(len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    (0..len)
        .map(|_| {
            let i = usize::try_from(random_u64() % ALPHABET.len() as u64).unwrap_or(0);
            char::from(ALPHABET.get(i).copied().unwrap_or(b'0'))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::test_support::TestCtx;
    use jiff::civil::date;
    use rstest::rstest;

    fn ctx() -> TestCtx {
        TestCtx::default()
            .var("services", "water power")
            .var("one", "water")
            .var("spaced", "  padded  \t here ")
            .var("name", "Maria da Silva")
            .var("empty", "")
            .var("d", date(2026, 1, 9))
            .current("abc")
    }

    #[rstest]
    #[case("selected(${services}, 'water')", "true")]
    #[case("selected(${services}, ' power ')", "true")]
    #[case("selected(${services}, 'wat')", "false")]
    #[case("selected(${services}, 'water power')", "true")]
    // JavaRosa tests " " + list + " " for " " + value + " ": an empty value is found in an empty list.
    #[case("selected(${empty}, '')", "true")]
    #[case("selected('a', '')", "false")]
    #[case("count-selected(${services})", "2")]
    #[case("count-selected(' a  b ')", "2")]
    #[case("count-selected(${empty})", "0")]
    #[case("selected-at(${services}, 1)", "power")]
    #[case("selected-at(${services}, 2)", "")]
    #[case("selected-at(${services}, -1)", "")]
    #[case("selected-at(${services}, 'x')", "water")]
    #[case("string-length(${name})", "14")]
    #[case("string-length(${empty})", "0")]
    #[case("string-length()", "3")]
    #[case("string-length('àé😀')", "3")]
    #[case("normalize-space(${spaced})", "padded here")]
    #[case("normalize-space()", "abc")]
    #[case("substr('hello', 2, 3)", "l")]
    #[case("substr('hello', 0, 2)", "he")]
    #[case("substr('hello', -2)", "lo")]
    #[case("substr('hello', 1, -1)", "ell")]
    #[case("substr('hello', 4, 2)", "")]
    #[case("substr('hello', 10)", "")]
    #[case("substr('hello', -10, 100)", "hello")]
    #[case("substr('àéî', 1, 2)", "é")]
    #[case("substring-before(${name}, ' ')", "Maria")]
    #[case("substring-after(${name}, ' ')", "da Silva")]
    #[case("substring-before(${name}, 'x')", "")]
    #[case("substring-after(${name}, 'x')", "")]
    #[case("substring-after(${name}, '')", "Maria da Silva")]
    #[case("translate('bar', 'abc', 'ABC')", "BAr")]
    #[case("translate('--aaa--', 'abc-', 'ABC')", "AAA")]
    #[case("contains(${name}, 'Silva')", "true")]
    #[case("contains(${name}, 'silva')", "false")]
    #[case("starts-with(${name}, 'Maria')", "true")]
    #[case("ends-with(${name}, 'Silva')", "true")]
    #[case("concat()", "")]
    #[case("concat('a', 1, true(), ${d})", "a1true2026-01-09")]
    #[case("join(', ', 'a', 'b', 'c')", "a, b, c")]
    #[case("join(', ')", "")]
    #[case("boolean-from-string('TRUE')", "true")]
    #[case("boolean-from-string('1')", "true")]
    #[case("boolean-from-string('0')", "false")]
    #[case("boolean-from-string('yes')", "false")]
    #[case("coalesce(${empty}, 'fallback')", "fallback")]
    #[case("coalesce(number('x'), 5)", "5")]
    #[case("coalesce(0, 5)", "0")]
    #[case("if(1 > 2, 'a', 'b')", "b")]
    #[case("if('', 'a', 'b')", "b")]
    #[case("once('x')", "abc")]
    #[case("min(3, 1, 2)", "1")]
    #[case("max(3, 1, 2)", "3")]
    #[case("max(-3, -5)", "-3")]
    #[case("max(${empty}, 2, 'x')", "2")]
    #[case("min(${empty})", "NaN")]
    #[case("round(1.5)", "2")]
    #[case("round(-1.5)", "-1")]
    #[case("round(1.2345, 2)", "1.23")]
    #[case("round(1235.5, -2)", "1200")]
    #[case("round('x')", "NaN")]
    #[case("int(-1.9)", "-1")]
    #[case("floor(-1.5)", "-2")]
    #[case("ceiling(1.1)", "2")]
    #[case("abs(-3)", "3")]
    #[case("pow(2, 10)", "1024")]
    #[case("pow(1, number('x'))", "NaN")]
    #[case("sqrt(16)", "4")]
    #[case("exp10(2)", "100")]
    #[case("log10(1000)", "3")]
    #[case("number('12.50')", "12.5")]
    #[case("number(true())", "1")]
    #[case("string(number('x'))", "NaN")]
    #[case("string(1 div 0)", "Infinity")]
    #[case("boolean('0')", "true")]
    #[case("boolean(0)", "false")]
    #[case("not('')", "true")]
    #[case("format-date(${d}, '%Y/%m/%d')", "2026/01/09")]
    #[case(
        "format-date-time('2026-08-07T06:31:13.834-03:00', '%H:%M:%S')",
        "06:31:13"
    )]
    #[case("format-date(${empty}, '%Y')", "")]
    #[case("date('2026-01-09') = ${d}", "true")]
    #[case("date(20462)", "2026-01-09")]
    fn functions(#[case] src: &str, #[case] expected: &str) {
        assert_eq!(ctx().eval(src).to_str(), expected, "{src}");
    }

    #[test]
    fn value_types() {
        let c = ctx();
        assert_eq!(c.eval("today()"), Value::Date(date(2026, 8, 7)));
        assert!(matches!(c.eval("now()"), Value::DateTime(_)));
        assert!(
            matches!(c.eval("date('2026-08-07T06:31:13.834-03:00')"), Value::Date(d) if d == date(2026, 8, 7))
        );
        assert_eq!(c.eval("date(${d})"), Value::Date(date(2026, 1, 9)));
        assert_eq!(c.eval("date(${empty})"), Value::Str(String::new()));
        assert!(matches!(
            c.eval("date-time('2026-01-09')"),
            Value::DateTime(_)
        ));
        assert_eq!(c.eval("decimal-date-time('1970-01-02')"), Value::Num(1.0));
    }

    #[test]
    fn if_evaluates_only_the_taken_branch() {
        let c = ctx();
        assert_eq!(c.eval("if(true(), 'ok', date('bad'))").to_str(), "ok");
        assert_eq!(c.eval("if(false(), date('bad'), 'ok')").to_str(), "ok");
        assert_eq!(c.eval("coalesce('x', date('bad'))").to_str(), "x");
    }

    #[test]
    fn invalid_date_is_an_eval_error() {
        let expr = crate::expr::parse("date('31/12/2020')").unwrap();
        let err = crate::expr::eval(&expr, &ctx()).unwrap_err();
        assert!(
            err.message.starts_with("invalid date '31/12/2020'"),
            "{err}"
        );
    }

    #[test]
    fn random_values() {
        let c = ctx();
        let a = c.eval("uuid()").to_str();
        let b = c.eval("uuid()").to_str();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.chars().nth(14), Some('4'));
        assert_eq!(c.eval("string-length(uuid(12))").to_num(), 12.0);
        assert_eq!(
            c.eval("string-length(uuid(1000000000))").to_num(),
            f64::from(MAX_UUID_LEN)
        );
        assert_eq!(c.eval("uuid(-5)").to_str(), "");
        let r = c.eval("random()").to_num();
        assert!((0.0..1.0).contains(&r));
    }

    #[test]
    fn calls_built_by_hand_work_too() {
        let c = ctx().label("q", "water", "Water");
        Env::with(&c, calls_built_by_hand);
    }

    fn calls_built_by_hand(env: &Env<'_>) {
        let args = [Expr::Str("abc".into()), Expr::Str("[a-c]+".into())];
        assert_eq!(call(Func::Regex, &args, env).unwrap(), Value::Bool(true));
        let args = [Expr::Ref("one".into()), Expr::Str("${q}".into())];
        assert_eq!(
            call(Func::ChoiceName, &args, env).unwrap(),
            Value::Str("Water".into())
        );
        assert_eq!(call(Func::If, &[], env).unwrap(), Value::Str(String::new()));
        assert_eq!(
            call(Func::IndexedRepeat, &[], env).unwrap(),
            Value::Str(String::new())
        );
    }
}
