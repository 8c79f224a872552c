//! Node-sets, repeats, `instance()` lookups and location paths.

use rstest::rstest;

use super::test_support::{TestCtx, TreeCtx, XmlTree};
use super::{Context, Expr, NodeRef, Value, eval, parse};

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

fn nodes(values: &[&str]) -> Value {
    Value::Nodes(values.iter().map(|v| s(v)).collect())
}

/// A question `nome` and `idade` repeated three times (the expression is
/// outside the repeat), a repeat `rep` with three instances, an empty
/// repeated question and one repeated once.
fn repeats() -> TestCtx {
    TestCtx::default()
        .repeated("nome", vec![s("Ana"), s("Bia"), s("Caio")])
        .repeated("idade", vec![Value::Num(34.0), Value::Num(7.0), s("")])
        .repeated("rep", vec![s(""), s(""), s("")])
        .repeated("none", vec![])
        .repeated("one", vec![Value::Num(5.0)])
        .repeated("services", vec![s("water power")])
        .var("x", 3.0)
        .instance(
            "crops",
            &[
                &[("name", "maize"), ("label", "Maize"), ("season", "wet")],
                &[("name", "rice"), ("label", "Rice"), ("season", "wet")],
                &[("name", "sorghum"), ("label", "Sorghum"), ("season", "dry")],
            ],
        )
        .var("crop", "rice")
        .var("season", "wet")
}

#[rstest]
#[case("count(${nome})", Value::Num(3.0))]
#[case("count(${rep})", Value::Num(3.0))]
#[case("count(${none})", Value::Num(0.0))]
#[case("count(${x})", Value::Num(1.0))]
#[case("count-non-empty(${idade})", Value::Num(2.0))]
#[case("sum(${idade})", Value::Num(41.0))]
#[case("sum(${none})", Value::Num(0.0))]
#[case("sum(${x})", Value::Num(3.0))]
#[case("min(${idade})", Value::Num(7.0))]
#[case("max(${idade})", Value::Num(34.0))]
#[case("max(${none})", Value::Num(f64::NAN))]
#[case("join(', ', ${nome})", s("Ana, Bia, Caio"))]
#[case("join(', ', ${none})", s(""))]
#[case("concat(${nome})", s("AnaBiaCaio"))]
#[case("concat(${one}, '!')", s("5!"))]
#[case("concat(${none}, '!')", s("!"))]
#[case("boolean(${nome})", Value::Bool(true))]
#[case("boolean(${none})", Value::Bool(false))]
#[case("not(${nome})", Value::Bool(false))]
#[case("${nome} and true()", Value::Bool(true))]
#[case("if(${none}, 'y', 'n')", s("n"))]
#[case("${one} + 1", Value::Num(6.0))]
#[case("${none} = ''", Value::Bool(true))]
#[case("${none} = 0", Value::Bool(false))]
#[case("string-length(${none})", Value::Num(0.0))]
#[case("selected(${services}, 'power')", Value::Bool(true))]
#[case("coalesce(${none}, 'x')", s("x"))]
#[case("count(if(true(), ${nome}, ${rep}))", Value::Num(3.0))]
fn aggregates_and_unpacking(#[case] src: &str, #[case] expected: Value) {
    let got = repeats().eval(src);
    match expected {
        Value::Num(n) if n.is_nan() => assert!(got.to_num().is_nan(), "{src}: {got:?}"),
        _ => assert_eq!(got, expected, "{src}"),
    }
}

#[rstest]
#[case("${nome} = 'Ana'")]
#[case("${idade} > 1")]
#[case("-${idade}")]
#[case("concat(${nome}, '!')")]
#[case("join(', ', ${nome}, 'x')")]
#[case("string(${nome})")]
#[case("number(${idade})")]
#[case("selected(${nome}, 'Ana')")]
#[case("string-length(${nome})")]
#[case("regex(${nome}, 'A.*')")]
#[case("max(${idade}, 3)")]
#[case("coalesce(${nome}, 'x')")]
#[case("jr:choice-name(${nome}, '${q}')")]
#[case("date(${nome})")]
fn more_than_one_node_is_an_error_where_one_value_is_needed(#[case] src: &str) {
    let err = repeats().try_eval(src).unwrap_err();
    assert!(
        err.message.starts_with("This field is repeated: "),
        "{src}: {err}"
    );
    assert!(err.message.contains("indexed-repeat()"), "{src}: {err}");
}

#[test]
fn repeated_error_names_the_expression_and_values() {
    let err = repeats().try_eval("${nome} = 'x'").unwrap_err();
    assert_eq!(
        err.message,
        "This field is repeated: ${nome} has 3 values here ('Ana', 'Bia', 'Caio'). You may need to \
         use the indexed-repeat() function to specify which value you want, or combine them with \
         count(), sum(), min(), max() or join()"
    );
    let many =
        TestCtx::default().repeated("n", (0..10).map(|i| Value::Num(f64::from(i))).collect());
    let err = many.try_eval("${n} + 1").unwrap_err();
    assert!(
        err.message.contains("10 values here ('0', '1', '2', ...)"),
        "{err}"
    );
}

#[test]
fn into_single_unpacks_like_javarosa() {
    assert_eq!(nodes(&[]).into_single(), Ok(s("")));
    assert_eq!(nodes(&["a"]).into_single(), Ok(s("a")));
    assert_eq!(Value::Num(1.0).into_single(), Ok(Value::Num(1.0)));
    assert!(nodes(&["a", "b"]).into_single().is_err());
    // Nested node-sets (which the engine never builds) unpack too.
    let nested = Value::Nodes(vec![nodes(&["x"])]);
    assert_eq!(nested.into_single(), Ok(s("x")));
}

#[test]
fn node_set_conversions() {
    assert_eq!(nodes(&["a", "b"]).to_str(), "a");
    assert_eq!(nodes(&[]).to_str(), "");
    assert!(nodes(&[]).to_num().is_nan());
    assert_eq!(nodes(&["4", "5"]).to_num(), 4.0);
    assert!(nodes(&["a", "b"]).to_bool());
    assert!(!nodes(&[""]).to_bool());
    assert!(!nodes(&[]).to_bool());
}

#[test]
fn position_asks_the_context() {
    let c = repeats().position(2);
    assert_eq!(c.eval("position(..)"), Value::Num(2.0));
    assert_eq!(c.eval("position()"), Value::Num(2.0));
    assert_eq!(c.eval("position(.)"), Value::Num(2.0));
    assert_eq!(c.eval("position(..) mod 2 = 0"), Value::Bool(true));
    let err = repeats().try_eval("position(..)").unwrap_err();
    assert!(err.message.contains("outside a repeat"), "{err}");
    // The default answers nothing for two levels up.
    assert!(c.try_eval("position(../..)").is_err());
    // Other paths need a tree.
    let err = c.try_eval("position(../x)").unwrap_err();
    assert!(
        err.message.contains("paths are not supported here"),
        "{err}"
    );
}

#[test]
fn ancestor_position_levels() {
    struct Nested;
    impl Context for Nested {
        fn var(&self, _: &str) -> Value {
            Value::default()
        }
        fn current(&self) -> Value {
            Value::default()
        }
        fn column(&self, _: &str) -> Option<Value> {
            None
        }
        fn today(&self) -> jiff::civil::Date {
            jiff::civil::date(2026, 1, 1)
        }
        fn now(&self) -> jiff::ZonedDateTime {
            super::test_support::test_now()
        }
        fn choice_label(&self, _: &str, _: &str) -> Option<String> {
            None
        }
        fn ancestor_position(&self, levels: usize) -> Option<usize> {
            [Some(1), Some(4), Some(2)].get(levels).copied().flatten()
        }
    }
    let run = |src: &str| eval(&parse(src).unwrap(), &Nested).map(|v| v.to_num());
    assert_eq!(run("position()"), Ok(1.0));
    assert_eq!(run("position(..)"), Ok(4.0));
    assert_eq!(run("position(../..)"), Ok(2.0));
    assert!(run("position(../../..)").is_err());
}

#[test]
fn indexed_repeat_asks_the_context() {
    let c = repeats();
    assert_eq!(c.eval("indexed-repeat(${nome}, ${rep}, 2)"), s("Bia"));
    assert_eq!(c.eval("indexed-repeat(${nome}, ${rep}, 1 + 2)"), s("Caio"));
    assert_eq!(c.eval("indexed-repeat(${nome}, ${rep}, 9)"), s(""));
    // Below 1, NaN and non-numbers count as 1, as in JavaRosa.
    assert_eq!(c.eval("indexed-repeat(${nome}, ${rep}, 0)"), s("Ana"));
    assert_eq!(c.eval("indexed-repeat(${nome}, ${rep}, -5)"), s("Ana"));
    assert_eq!(c.eval("indexed-repeat(${nome}, ${rep}, 'x')"), s("Ana"));
    assert_eq!(c.eval("indexed-repeat(${nome}, ${rep}, 2.9)"), s("Bia"));
    let expr = parse("indexed-repeat(${a}, ${r1}, ${i}, ${r2}, position(..))").unwrap();
    assert_eq!(expr.refs(), ["a", "r1", "i", "r2"]);
    assert!(
        c.try_eval("indexed-repeat(${nome}, ${rep}, ${nome})")
            .is_err()
    );
}

#[rstest]
#[case("instance('crops')/root/item[name = ${crop}]/label", nodes(&["Rice"]))]
#[case("string(instance('crops')/root/item[name = ${crop}]/label)", s("Rice"))]
#[case("instance('crops')/root/item[name = 'none']/label", nodes(&[]))]
#[case("instance('crops')/root/item[season = ${season}]/name", nodes(&["maize", "rice"]))]
#[case("instance('crops')/root/item/label", nodes(&["Maize", "Rice", "Sorghum"]))]
#[case("count(instance('crops')/root/item)", Value::Num(3.0))]
#[case("count(instance('crops')/root/item[season = 'dry'])", Value::Num(1.0))]
#[case("instance('crops')/root/item[position() = 3]/name", nodes(&["sorghum"]))]
#[case("instance('crops')/root/item[2]/name", nodes(&[]))]
#[case("instance('crops')/root/item[season = 'wet'][position() = 2]/name", nodes(&["rice"]))]
#[case("instance('crops')/root/item[missing = '']/name", nodes(&["maize", "rice", "sorghum"]))]
#[case("instance('crops')/root/item[name = ${crop}]/missing", nodes(&[]))]
#[case(
    "join(' ', instance('crops')/root/item[starts-with(name, 's') or name = 'maize']/label)",
    s("Maize Sorghum")
)]
#[case(
    "instance('crops')/root/item[name = ${crop}]/label = 'Rice'",
    Value::Bool(true)
)]
#[case(
    "count(instance('crops')/root/item[count(instance('crops')/root/item[season = 'dry']) = 1])",
    Value::Num(3.0)
)]
fn instance_lookups(#[case] src: &str, #[case] expected: Value) {
    assert_eq!(repeats().eval(src), expected, "{src}");
}

#[test]
fn instance_errors_and_introspection() {
    let err = repeats()
        .try_eval("instance('nope')/root/item/label")
        .unwrap_err();
    assert_eq!(
        err.message,
        "unknown choice list 'nope' in instance('nope')"
    );
    let err = repeats()
        .try_eval("instance('crops')/root/item[../x = 1]/label")
        .unwrap_err();
    assert!(
        err.message.contains("paths are not supported here"),
        "{err}"
    );
    let mut with_tree = tree_ctx();
    with_tree.base = repeats();
    let err = with_tree
        .try_eval("instance('crops')/root/item[../x = 1]/label")
        .unwrap_err();
    assert!(
        err.message.contains("inside an instance(...) predicate"),
        "{err}"
    );
    // current()/... inside the predicate is the form's node.
    assert_eq!(
        with_tree.eval("instance('crops')/root/item[position() = current()/a]/name"),
        nodes(&["maize"])
    );
    let e = parse(
        "instance('crops')/root/item[name = ${crop} and season != x]/label = regione and count(instance('towns')/root/item) > 0 and instance('crops')/root/item[code = 1]",
    )
    .unwrap();
    assert_eq!(e.instance_lists(), ["crops", "towns"]);
    assert_eq!(
        e.instance_columns(),
        [
            ("crops", "name"),
            ("crops", "season"),
            ("crops", "x"),
            ("crops", "label"),
            ("crops", "code")
        ]
    );
    assert_eq!(e.bare_names(), ["regione"]);
    assert_eq!(e.refs(), ["crop"]);
    assert!(!e.uses_paths());
    assert!(!e.uses_current());
    // A column equality whose other side is an instance lookup can still be indexed.
    let e = parse("regione = instance('r')/root/item[name = ${a}]/regione").unwrap();
    assert!(e.as_column_equality().is_some());
}

#[test]
fn paths_need_a_tree() {
    for src in [
        "/data/x",
        "../x",
        "./x",
        "current()/../x",
        "/data/@id",
        "x/y",
        "(/)",
    ] {
        let err = repeats().try_eval(src).unwrap_err();
        assert!(
            err.message
                .starts_with("paths are not supported here; use ${name}"),
            "{src}: {err}"
        );
        assert!(parse(src).unwrap().uses_paths(), "{src}");
    }
    for src in ["position(..)", "position(../..)", "${x}", "current()", "."] {
        assert!(!parse(src).unwrap().uses_paths(), "{src}");
    }
    // Without a tree, current() is the current value.
    let c = TestCtx::default().current("abc");
    assert_eq!(c.eval("current()"), s("abc"));
    assert_eq!(c.eval("string-length(current())"), Value::Num(3.0));
}

#[rstest]
#[case(". > 3", true)]
#[case("current() > 3", true)]
#[case("current()/../x", true)]
#[case("instance('l')/root/item[name = current()]/label", true)]
#[case("instance('l')/root/item[name = .]/label", false)]
#[case("instance('l')/root/item[string-length() > 1]/label", false)]
#[case("/data/x[. > 1]", false)]
#[case("count(${r})", false)]
fn uses_current_with_predicates(#[case] src: &str, #[case] expected: bool) {
    assert_eq!(parse(src).unwrap().uses_current(), expected, "{src}");
}

const DOC: &str = r#"<data id="form" version="7">
  <a>1</a>
  <b>text</b>
  <g><a>2</a><c>3</c></g>
  <rep><n>x</n><v>1</v></rep>
  <rep><n>y</n><v>5</v></rep>
  <rep><n>z</n><v>9</v></rep>
</data>"#;

fn tree_ctx() -> TreeCtx<'static> {
    let tree = XmlTree::new(DOC)
        .unwrap_or_else(|e| panic!("{e}"))
        .typed("/data/rep/v", "int");
    TreeCtx::new(tree)
}

#[rstest]
#[case("/data/a", nodes(&["1"]))]
#[case("/data/g/a", nodes(&["2"]))]
#[case("/data/g", nodes(&[""]))]
#[case("/data/nothing", nodes(&[]))]
#[case("/other/a", nodes(&[]))]
#[case("/data/@id", nodes(&["form"]))]
#[case("/data/@missing", nodes(&[]))]
#[case("/data/rep/n", nodes(&["x", "y", "z"]))]
#[case("/data/rep[v > 3]/n", nodes(&["y", "z"]))]
#[case("/data/rep[position() = 1]/n", nodes(&["x"]))]
#[case("/data/rep[position() > 1][position() = 2]/n", nodes(&["z"]))]
#[case("/data/rep[1]/n", nodes(&[]))]
#[case("/data/rep[n = 'y']/v + 1", Value::Num(6.0))]
#[case("/data/rep/n/..", nodes(&["", "", ""]))]
#[case("count(/data/rep/n/../..)", Value::Num(1.0))]
#[case("/data/g/a/../c", nodes(&["3"]))]
#[case("/data/./a", nodes(&["1"]))]
#[case("/data/@id/..", nodes(&[""]))]
#[case("count(/)", Value::Num(1.0))]
#[case("count(/..)", Value::Num(0.0))]
#[case("count(/data/..)", Value::Num(1.0))]
#[case("sum(/data/rep/v)", Value::Num(15.0))]
#[case("a", nodes(&["1"]))]
#[case("g/c", nodes(&["3"]))]
#[case("./b", nodes(&["text"]))]
#[case(".", nodes(&[""]))]
#[case("current()", nodes(&[""]))]
#[case("count(rep[v = current()/a])", Value::Num(1.0))]
#[case("/data/rep[v = current()/a]/n", nodes(&["x"]))]
#[case("/data/rep[. = '']/n", nodes(&["x", "y", "z"]))]
#[case("/data/rep[./v = 5]/n", nodes(&["y"]))]
#[case("position(/data/rep[n = 'z'])", Value::Num(3.0))]
#[case("position(/data/nothing)", Value::Num(0.0))]
#[case("position(/data/g/c)", Value::Num(1.0))]
#[case("/data/rep[position() = count(/data/rep)]/n", nodes(&["z"]))]
#[case("/data/rep[position() = 2]/v = 5", Value::Bool(true))]
#[case("concat(/data/rep/n)", s("xyz"))]
fn location_paths(#[case] src: &str, #[case] expected: Value) {
    assert_eq!(tree_ctx().eval(src), expected, "{src}");
}

#[test]
fn relative_paths_start_at_the_context_node() {
    let c = tree_ctx().at("/data/rep");
    assert_eq!(c.eval("n"), nodes(&["x"]));
    assert_eq!(c.eval("../a"), nodes(&["1"]));
    assert_eq!(c.eval("position()"), Value::Num(1.0));
    let c = tree_ctx().at("/data/g/c");
    assert_eq!(c.eval("."), nodes(&["3"]));
    assert_eq!(c.eval("../a + ."), Value::Num(5.0));
    assert_eq!(c.eval("current()/../a"), nodes(&["2"]));
    assert_eq!(c.eval("position(..)"), Value::Num(1.0));
}

#[test]
fn tree_errors() {
    let c = tree_ctx();
    assert!(c.try_eval("/data/rep/n = 'x'").is_err());
    assert!(parse("//n").is_err());
    assert!(parse("/data//n").is_err());
    assert!(parse("/data/rep[last()]/n").is_err());
}

#[test]
fn bare_names_inside_predicates_are_not_filter_columns() {
    let e = parse("/data/rep[v > x]/n = regione").unwrap();
    assert_eq!(e.bare_names(), ["regione"]);
}

#[test]
fn node_handles_are_opaque() {
    let n = NodeRef(7);
    assert_eq!(n, NodeRef(7));
    let e: Expr = parse("/data/a").unwrap();
    assert!(matches!(e, Expr::Path(_)));
}

#[rstest]
#[case("/data/a")]
#[case("/data/rep[v > 3][position() = 1]/n")]
#[case("../x")]
#[case("./x")]
#[case("..")]
#[case("current()/../x")]
#[case("/data/@id")]
#[case("@id")]
#[case(".[. = 1]")]
#[case("x[1]")]
#[case("(/) div 2")]
#[case("/ = 1")]
#[case("/data/div div 2")]
#[case("- /data/a")]
#[case("instance('crops')/root/item[name = ${crop}]/label")]
#[case("count(instance('c')/root/item)")]
#[case("instance('c')/root/item[a = 1][position() = 2]")]
#[case("indexed-repeat(${a}, ${r}, 1, ${s}, position(..) + 1)")]
#[case("sum(${x}) + count(${r}) - count-non-empty(${q})")]
#[case("distance(${a}, '1 2', ${b}) + area(${s})")]
#[case("enclosed-area(.)")]
fn new_syntax_round_trips(#[case] src: &str) {
    let expr = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let printed = expr.to_string();
    assert_eq!(
        parse(&printed).as_ref(),
        Ok(&expr),
        "{src} printed as {printed}"
    );
}

#[test]
fn geography_from_references_and_literals() {
    let c = TestCtx::default()
        .var("a", "-23.5505 -46.6333 0 0")
        .var("b", "-23.5605 -46.6333 0 0")
        .var("trace", "-23.5505 -46.6333 0 0;-23.5605 -46.6333 0 0")
        .var("bad", "north")
        .repeated(
            "points",
            vec![s("-23.5505 -46.6333 0 0"), s("-23.5605 -46.6333 0 0")],
        );
    let d = 1113.1884482834857;
    for src in [
        "distance(${a}, ${b})",
        "distance(${trace})",
        "distance(${points})",
        "distance('-23.5505 -46.6333;-23.5605 -46.6333')",
    ] {
        let got = c.eval(src).to_num();
        assert!((got - d).abs() < 1e-6, "{src}: {got}");
    }
    assert_eq!(c.eval("area(${trace})"), Value::Num(0.0));
    assert_eq!(c.eval("distance('')"), Value::Num(0.0));
    let err = c.try_eval("distance(${bad})").unwrap_err();
    assert!(
        err.message
            .contains("does not represent GPS coordinates: 'north'"),
        "{err}"
    );
    assert!(c.try_eval("distance(${a}, ${points})").is_err());
}

#[test]
fn runaway_nested_predicates_stop_with_an_error() {
    let src = format!("{}1{}", "/data/rep[".repeat(14), "]".repeat(14));
    let err = tree_ctx().try_eval(&src).unwrap_err();
    assert!(err.message.contains("too much work"), "{err}");
}
