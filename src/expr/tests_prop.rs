//! Property tests: no input makes the engine panic, and what it prints it can
//! read back.

use jiff::civil::date;
use proptest::prelude::*;

use super::test_support::{TestCtx, TreeCtx, XmlTree, test_now};
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
        .repeated(
            "r",
            vec![Value::Num(1.0), Value::from(""), Value::from("x")],
        )
        .repeated("r0", vec![])
        .position(2)
        .instance(
            "l",
            &[
                &[("name", "a"), ("label", "A")],
                &[("name", "b"), ("label", "B"), ("extra", "1")],
                &[("name", "c")],
            ],
        )
        .instance("one", &[&[("name", "a")]])
}

const DOC: &str =
    r#"<data id="f"><a>1</a><g><a>2</a><b/></g><rep><n>x</n></rep><rep><n>y</n></rep></data>"#;

/// The same values, with a small document for location paths.
fn tree_ctx() -> TreeCtx<'static> {
    let tree = XmlTree::new(DOC).unwrap_or_else(|e| panic!("{e}"));
    let mut ctx = TreeCtx::new(tree);
    ctx.base = dummy_ctx();
    ctx
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
    "${r}",
    "${r0}",
    "/",
    "/data",
    "/a",
    "/g",
    "/rep",
    "/n",
    "a",
    "..",
    "@id",
    "[",
    "]",
    "[1]",
    "[position() = 2]",
    "[. = 'x']",
    "[n = 'y']",
    "current()",
    "current()/",
    "instance('l')/root/item",
    "instance('nope')/root/item",
    "/label",
    "/name",
    "[name = 'b']",
    "position(",
    "position(..)",
    "count(",
    "sum(",
    "count-non-empty(",
    "indexed-repeat(${r}, ${r}, ",
    "distance(",
    "area(",
    "'1 2;3 4'",
    "'-23.5 -46.6 0 0'",
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
                "${r}",
                "${r0}",
                "/data/a",
                "/data/rep/n",
                "../a",
                "@id",
                "current()/a",
                "position(..)",
                "instance('l')/root/item/label",
                "instance('l')/root/item[name = 'b']/extra",
                "count(${r})",
                "sum(${r})",
                "indexed-repeat(${r}, ${r}, 2)",
                "distance('1 2;3 4')",
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
            inner.clone().prop_map(|a| format!("date({a})")),
            inner.clone().prop_map(|a| format!("/data/rep[{a}]/n")),
            inner
                .clone()
                .prop_map(|a| format!("count(instance('l')/root/item[{a}])")),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!("indexed-repeat(${{r}}, ${{r}}, {a}, ${{r0}}, {b})")),
            inner.prop_map(|a| format!("join(', ', instance('l')/root/item[name = {a}]/label)")),
        ]
    })
}

fn eval_src(src: &str) -> Option<Result<Value, super::EvalError>> {
    let expr = parse(src).ok()?;
    let _ = eval(&expr, &tree_ctx());
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
        let _ = eval(&expr, &tree_ctx());
        let printed = expr.to_string();
        prop_assert_eq!(parse(&printed), Ok(expr.clone()), "{} printed as {}", src, printed);
        let _ = (expr.refs(), expr.bare_names(), expr.uses_current(), expr.as_column_equality());
        let _ = (expr.instance_lists(), expr.instance_columns(), expr.uses_paths());
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
        // Nested predicates: each level evaluates the next (one node per step).
        format!("{}true(){}", "/data/g[".repeat(199), "]".repeat(199)),
        format!(
            "{}true(){}",
            "instance('one')/root/item[".repeat(199),
            "]".repeat(199)
        ),
        format!(
            "{}true(){}",
            "count(/data/g[".repeat(99),
            "]) = 1".repeat(99)
        ),
        format!(
            "{}1{}",
            "indexed-repeat(${r}, ${r}, ".repeat(199),
            ")".repeat(199)
        ),
        format!(
            "{}true(){}",
            "/data/g[1 or 1 and 1 = 1 < 1 + 1 * -abs(count(current()/g[".repeat(66),
            "]))]".repeat(66)
        ),
        // Two nodes per step: 2^199 tests, cut short by the predicate budget.
        format!("{}1{}", "/data/rep[".repeat(199), "]".repeat(199)),
    ];
    let worker = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            for src in inputs {
                if let Ok(expr) = parse(&src) {
                    let _ = eval(&expr, &dummy_ctx());
                    let _ = eval(&expr, &tree_ctx());
                    let copy = expr.clone();
                    assert_eq!(copy, expr);
                    let printed = expr.to_string();
                    let _ = format!("{expr:?}");
                    let _ = (expr.refs(), expr.uses_current(), parse(&printed));
                    let _ = (expr.bare_names(), expr.instance_lists(), expr.uses_paths());
                }
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(worker.join().is_ok());
}
