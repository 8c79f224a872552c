//! Property tests: no input makes the engine panic, and what it prints it can
//! read back.

use jiff::civil::date;
use proptest::prelude::*;

use super::test_support::{TestCtx, test_now};
use super::{Value, eval, parse};

/// A context with one value of every kind, including awkward ones.
fn dummy_ctx() -> TestCtx {
    TestCtx::default()
        .var("a", "abc")
        .var("n", 42.0)
        .var("neg", -3.5)
        .var("big", 1e300)
        .var("nan", f64::NAN)
        .var("inf", f64::INFINITY)
        .var("b", true)
        .var("d", date(2020, 2, 29))
        .var("dmin", date(-9999, 1, 1))
        .var("dt", test_now())
        .var("ds", "2020-03-15")
        .var("list", "water power  gas")
        .var("empty", "")
        .current("12")
        .column("regione", "LAZ")
        .label("a", "abc", "Label")
}

/// Fragments that are often valid next to each other, so that random
/// sequences reach deep into the parser and the functions.
const FRAGMENTS: &[&str] = &[
    "0",
    "1",
    "2.5",
    ".5",
    "-",
    "1000000000000",
    "'x'",
    "\"y z\"",
    "''",
    "'2020-01-01'",
    "'2026-08-07T06:31:13.834-03:00'",
    "'%Y-%m-%d %H:%M:%S.%3 %a %b %W'",
    "'[0-9]+'",
    "'('",
    "${a}",
    "${n}",
    "${neg}",
    "${big}",
    "${nan}",
    "${inf}",
    "${b}",
    "${d}",
    "${dmin}",
    "${dt}",
    "${ds}",
    "${list}",
    "${empty}",
    ".",
    "regione",
    "div",
    "and",
    "(",
    ")",
    ",",
    " ",
    "+",
    "*",
    " div ",
    " mod ",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    " and ",
    " or ",
    "concat(",
    "if(",
    "selected(",
    "selected-at(",
    "count-selected(",
    "substr(",
    "round(",
    "regex(",
    "date(",
    "date-time(",
    "decimal-date-time(",
    "format-date(",
    "today()",
    "now()",
    "jr:choice-name(",
    "number(",
    "string(",
    "string-length(",
    "coalesce(",
    "min(",
    "max(",
    "pow(",
    "int(",
    "translate(",
    "normalize-space(",
    "boolean-from-string(",
    "uuid(",
    "once(",
    "join(",
    "floor(",
    "abs(",
    "exp(",
    "log(",
    "not(",
    "contains(",
    "substring-after(",
    "'${a}'",
];

fn fragment_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..24).prop_map(|v| v.concat())
}

/// Expressions from a grammar of valid XLSForm expressions.
fn valid_expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..100_000).prop_map(|n| n.to_string()),
        (0u32..1000, 0u32..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        "[a-z0-9 -]{0,6}".prop_map(|s| format!("'{s}'")),
        proptest::sample::select(
            &[
                "${a}",
                "${n}",
                "${neg}",
                "${big}",
                "${nan}",
                "${b}",
                "${d}",
                "${dt}",
                "${ds}",
                "${list}",
                "${empty}",
                ".",
                "regione",
                "today()",
                "now()",
                "'2021-12-31'",
            ][..]
        )
        .prop_map(str::to_string),
    ];
    leaf.prop_recursive(6, 48, 3, |inner| {
        let ops = proptest::sample::select(
            &[
                "+", "-", "*", "div", "mod", "=", "!=", "<", "<=", ">", ">=", "and", "or",
            ][..],
        );
        let funcs = proptest::sample::select(
            &[
                ("concat", 3),
                ("if", 3),
                ("selected", 2),
                ("selected-at", 2),
                ("count-selected", 1),
                ("substr", 3),
                ("substr", 2),
                ("round", 2),
                ("int", 1),
                ("number", 1),
                ("string", 1),
                ("string-length", 1),
                ("normalize-space", 1),
                ("coalesce", 2),
                ("min", 3),
                ("max", 2),
                ("pow", 2),
                ("translate", 3),
                ("boolean-from-string", 1),
                ("not", 1),
                ("contains", 2),
                ("starts-with", 2),
                ("substring-before", 2),
                ("join", 3),
                ("once", 1),
                ("abs", 1),
                ("floor", 1),
                ("sqrt", 1),
                ("regex", 2),
            ][..],
        );
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (funcs, proptest::collection::vec(inner.clone(), 3))
                .prop_map(|((name, arity), args)| format!("{name}({})", args[..arity].join(", "))),
            inner
                .clone()
                .prop_map(|a| format!("jr:choice-name({a}, '${{a}}')")),
            inner
                .clone()
                .prop_map(|a| format!("format-date({a}, '%Y-%m-%d %H:%M')")),
            inner.prop_map(|a| format!("date({a})")),
        ]
    })
}

fn eval_src(src: &str) -> Option<Result<Value, super::EvalError>> {
    let expr = parse(src).ok()?;
    Some(eval(&expr, &dummy_ctx()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_any_string(src in "\\PC*") {
        if let Err(e) = parse(&src) {
            prop_assert!(e.offset <= src.chars().count(), "{e} for {src:?}");
        }
    }

    #[test]
    fn parse_never_panics_on_any_chars(src in any::<String>()) {
        let _ = parse(&src);
    }

    #[test]
    fn parse_and_eval_never_panic_on_fragment_soup(src in fragment_soup()) {
        if let Err(e) = parse(&src) {
            prop_assert!(e.offset <= src.chars().count(), "{e} for {src:?}");
            prop_assert!(!e.message.is_empty());
        }
        let _ = eval_src(&src);
    }

    #[test]
    fn parsed_soup_prints_back_to_the_same_tree(src in fragment_soup()) {
        if let Ok(expr) = parse(&src) {
            let printed = expr.to_string();
            prop_assert_eq!(parse(&printed), Ok(expr), "{} printed as {}", src, printed);
        }
    }

    #[test]
    fn valid_expressions_parse_evaluate_and_print_back(src in valid_expr()) {
        let expr = parse(&src);
        prop_assert!(expr.is_ok(), "{src}: {expr:?}");
        let Ok(expr) = expr else { return Ok(()) };
        let _ = eval(&expr, &dummy_ctx());
        let printed = expr.to_string();
        prop_assert_eq!(parse(&printed), Ok(expr.clone()), "{} printed as {}", src, printed);
        let _ = (expr.refs(), expr.bare_names(), expr.uses_current(), expr.as_column_equality());
    }

    #[test]
    fn number_strings_read_back(x in proptest::num::f64::ANY) {
        let v = Value::Num(x);
        let back = Value::Str(v.to_str()).to_num();
        if x.is_finite() {
            prop_assert!((back - x).abs() < 1e-12 || back == x, "{x} -> {v} -> {back}");
        } else {
            prop_assert!(back.is_nan(), "non-finite {x} reads back as NaN, not {back}");
        }
    }
}

#[test]
fn deep_inputs_fit_in_a_small_stack() {
    let level = "1 or 1 and 1 = 1 < 1 + 1 * -abs(";
    let inputs = [
        format!("{}1{}", level.repeat(199), ")".repeat(199)),
        format!("{}1{}", "(".repeat(200), ")".repeat(200)),
        format!("{}1{}", "1 - (".repeat(200), ")".repeat(200)),
        format!("{}1{}", "concat(".repeat(200), ")".repeat(200)),
        vec!["${n}"; super::MAX_TREE_HEIGHT].join(" + "),
        vec!["${n} = 1"; 250].join(" or "),
    ];
    let worker = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            for src in inputs {
                if let Ok(expr) = parse(&src) {
                    let _ = eval(&expr, &dummy_ctx());
                    let copy = expr.clone();
                    assert_eq!(copy, expr);
                    let printed = expr.to_string();
                    let _ = format!("{expr:?}");
                    let _ = (expr.refs(), expr.uses_current(), parse(&printed));
                }
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(worker.join().is_ok());
}
