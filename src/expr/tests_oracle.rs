//! The JavaRosa 5.1 oracle (`rxeval-oracle/javarosa-expected.json` in the shared
//! XLSForm corpus) as a test table.
//!
//! Paths `/data/x` become `${x}`, answered from the oracle's `instance.xml` with
//! the types of its `form.xml` binds (integers and decimals as numbers, dates as
//! dates). `/data/missing` does not exist there; here it is an unanswered
//! question. Entries about repeats, node-sets, attributes and geography are
//! left out here (see `EXCLUDED`): `tests_rxeval.rs` evaluates every entry,
//! paths included, against the instance as a tree. `floor()` and `ceiling()`,
//! which JavaRosa 5.1 rejects, are supported here on purpose (see
//! `DIFFERENCES`).

use std::collections::{HashMap, HashSet};

use jiff::civil::date;
use jiff::tz::{Offset, TimeZone};
use rstest::rstest;

use super::test_support::TestCtx;
use super::{Value, eval, parse};

/// What JavaRosa answered.
#[derive(Debug, Clone, Copy)]
enum Want {
    Num(f64),
    Str(&'static str),
    Bool(bool),
    /// JavaRosa cannot evaluate it; here it is a parse error.
    Unsupported,
}

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

/// Every oracle entry that does not involve repeats, node-sets or geography.
const TABLE: &[(&str, Want)] = &[
    ("/data/age", Want::Str("42")),
    ("/data/missing", Want::Str("")),
    (".", Want::Str("")),
    ("string(/data/age)", Want::Str("42")),
    ("string(/data/missing)", Want::Str("")),
    ("concat(\"a\", \"b\", \"c\")", Want::Str("abc")),
    ("string-length(/data/name)", Want::Num(14.0)),
    ("string-length(/data/blank)", Want::Num(0.0)),
    ("normalize-space(/data/spaced)", Want::Str("padded")),
    ("contains(/data/name, \"Silva\")", Want::Bool(true)),
    ("contains(/data/name, \"silva\")", Want::Bool(false)),
    ("starts-with(/data/name, \"Maria\")", Want::Bool(true)),
    ("ends-with(/data/name, \"Silva\")", Want::Bool(true)),
    ("substring-before(/data/name, \" \")", Want::Str("Maria")),
    ("substring-after(/data/name, \" \")", Want::Str("da Silva")),
    ("substring(\"hello\", 2)", Want::Unsupported),
    ("substring(\"hello\", 2, 3)", Want::Unsupported),
    ("substring(\"hello\", 0, 3)", Want::Unsupported),
    ("substring(\"hello\", 1.5, 2.6)", Want::Unsupported),
    ("substr(\"hello\", 2, 3)", Want::Str("l")),
    ("substr(\"hello\", 0, 2)", Want::Str("he")),
    ("substr(\"hello\", -2)", Want::Str("lo")),
    ("translate(\"bar\", \"abc\", \"ABC\")", Want::Str("BAr")),
    ("upper-case(\"abc\")", Want::Unsupported),
    ("lower-case(\"ABC\")", Want::Unsupported),
    ("1 + 1", Want::Num(2.0)),
    ("7 div 2", Want::Num(3.5)),
    ("7 mod 3", Want::Num(1.0)),
    ("-7 mod 3", Want::Num(-1.0)),
    ("1 div 0", Want::Num(INF)),
    ("-1 div 0", Want::Num(-INF)),
    ("0 div 0", Want::Num(NAN)),
    ("number(\"abc\")", Want::Num(NAN)),
    ("number(\"42\")", Want::Num(42.0)),
    ("number(/data/age)", Want::Num(42.0)),
    ("number(/data/blank)", Want::Num(NAN)),
    ("round(1.5)", Want::Num(2.0)),
    ("round(2.5)", Want::Num(3.0)),
    ("round(-1.5)", Want::Num(-1.0)),
    ("round(1.2345, 2)", Want::Num(1.23)),
    ("round(1235.5, -2)", Want::Num(1200.0)),
    ("int(1.9)", Want::Num(1.0)),
    ("int(-1.9)", Want::Num(-1.0)),
    ("abs(-3)", Want::Num(3.0)),
    ("pow(2, 10)", Want::Num(1024.0)),
    ("min(3, 1, 2)", Want::Num(1.0)),
    ("max(3, 1, 2)", Want::Num(3.0)),
    ("true()", Want::Bool(true)),
    ("false()", Want::Bool(false)),
    ("not(true())", Want::Bool(false)),
    ("boolean(\"0\")", Want::Bool(true)),
    ("boolean(\"\")", Want::Bool(false)),
    ("boolean(/data/blank)", Want::Bool(false)),
    ("boolean(/data/missing)", Want::Bool(false)),
    ("boolean-from-string(\"0\")", Want::Bool(false)),
    ("boolean-from-string(\"1\")", Want::Bool(true)),
    ("boolean-from-string(\"true\")", Want::Bool(true)),
    ("boolean-from-string(\"TRUE\")", Want::Bool(true)),
    ("boolean-from-string(\"no\")", Want::Bool(false)),
    ("/data/age > 18", Want::Bool(true)),
    ("/data/age = 42", Want::Bool(true)),
    ("/data/age = \"42\"", Want::Bool(true)),
    ("/data/missing = 0", Want::Bool(false)),
    ("/data/missing != 0", Want::Bool(true)),
    ("/data/blank = \"\"", Want::Bool(true)),
    ("number(\"abc\") = number(\"abc\")", Want::Bool(false)),
    ("number(\"abc\") > 0", Want::Bool(false)),
    ("\"a\" < \"b\"", Want::Bool(false)),
    ("1 < 2 and 2 < 3", Want::Bool(true)),
    ("1 > 2 or 2 < 3", Want::Bool(true)),
    ("selected(/data/services, \"water\")", Want::Bool(true)),
    ("selected(/data/services, \"wat\")", Want::Bool(false)),
    ("selected(/data/one_service, \"water\")", Want::Bool(true)),
    ("count-selected(/data/services)", Want::Num(2.0)),
    ("count-selected(/data/one_service)", Want::Num(1.0)),
    ("selected-at(/data/services, 0)", Want::Str("water")),
    ("selected-at(/data/services, 1)", Want::Str("power")),
    ("selected-at(/data/services, 5)", Want::Str("")),
    ("coalesce(/data/blank, \"fallback\")", Want::Str("fallback")),
    ("coalesce(/data/age, \"fallback\")", Want::Str("42")),
    (
        "if(/data/age > 18, \"adult\", \"child\")",
        Want::Str("adult"),
    ),
    ("if(/data/blank != \"\", 1 div 0, -1)", Want::Num(-1.0)),
    ("once(/data/age)", Want::Str("42")),
    (
        "format-date-time(\"2026-08-07T06:31:13.834-03:00\", \"%Y%m%d%H%M%S\")",
        Want::Str("20260807063113"),
    ),
    (
        "format-date-time(\"2026-08-07T06:31:13.834-03:00\", \"%Y-%m-%d\")",
        Want::Str("2026-08-07"),
    ),
    (
        "format-date-time(\"2026-08-07T06:31:13.834-03:00\", \"%H:%M:%S\")",
        Want::Str("06:31:13"),
    ),
    (
        "format-date(\"2026-01-09\", \"%Y-%m-%d\")",
        Want::Str("2026-01-09"),
    ),
    (
        "format-date(\"2026-01-09\", \"%e/%n/%y\")",
        Want::Str("9/1/26"),
    ),
    ("regex(\"12345678901\", \"[0-9]{11}\")", Want::Bool(true)),
    ("regex(\"12345678901\", \"^[0-9]{11}$\")", Want::Bool(true)),
    ("regex(\"123\", \"[0-9]{11}\")", Want::Bool(false)),
    ("regex(/data/cpf, \"[0-9]{11}\")", Want::Bool(true)),
    ("regex(\"a12345678901b\", \"[0-9]{11}\")", Want::Bool(false)),
    ("regex(\"abc123\", \"[0-9]+\")", Want::Bool(false)),
];

/// Oracle entries where this engine answers differently on purpose, with its
/// own answer. JavaRosa 5.1 does not know `floor()` and `ceiling()`; XPath 1.0
/// and ODK's documentation have them, and the brief asks for them.
const DIFFERENCES: &[(&str, Want)] = &[
    ("floor(1.9)", Want::Num(1.0)),
    ("ceiling(1.1)", Want::Num(2.0)),
];

/// Oracle entries left out of this `${...}` table, by the fragment that
/// excludes them (`tests_rxeval.rs` covers them).
const EXCLUDED: &[&str] = &[
    "/data/household", // repeats
    "/data/@",         // attributes
    "//",              // descendant paths
    "count(",          // node-sets
    "sum(",            // node-sets
    "distance(",       // geography
    "area(",           // geography
];

/// The oracle's instance, typed as its form's binds say.
fn oracle_ctx() -> TestCtx {
    let stamp = date(2026, 8, 7)
        .at(6, 31, 13, 834_000_000)
        .to_zoned_datetime(TimeZone::fixed(Offset::constant(-3)))
        .unwrap_or_else(|e| panic!("{e}"));
    TestCtx::default()
        .var("age", 42.0)
        .var("income", 1500.5)
        .var("zero", 0.0)
        .var("negative", -7.0)
        .var("consent", "yes")
        .var("name", "Maria da Silva")
        .var("spaced", "  padded  ")
        .var("services", "water power")
        .var("one_service", "water")
        .var("blank", "")
        .var("date", date(2026, 8, 7))
        .var("stamp", stamp)
        .var("cpf", "12345678901")
        .var("ponto", "-23.5505 -46.6333 760 5")
}

/// `/data/x` -> `${x}`.
fn to_xlsform(src: &str) -> String {
    let re = regex::Regex::new(r"/data/([A-Za-z_][A-Za-z0-9_]*)").unwrap_or_else(|e| panic!("{e}"));
    re.replace_all(src, "$${$1}").into_owned()
}

/// Evaluates an oracle expression and compares with JavaRosa's answer.
fn check(oracle_src: &str, want: Want) -> Result<(), String> {
    let src = to_xlsform(oracle_src);
    let parsed = parse(&src);
    if let Want::Unsupported = want {
        return match parsed {
            Err(_) => Ok(()),
            Ok(e) => Err(format!("{src}: expected a parse error, got {e:?}")),
        };
    }
    let expr = parsed.map_err(|e| format!("{src}: {e}"))?;
    let got = eval(&expr, &oracle_ctx()).map_err(|e| format!("{src}: {e}"))?;
    let ok = match want {
        Want::Num(n) if n.is_nan() => got.to_num().is_nan(),
        Want::Num(n) => got == Value::Num(n),
        Want::Str(s) => got.to_str() == s,
        Want::Bool(b) => got == Value::Bool(b),
        Want::Unsupported => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{src}: JavaRosa says {want:?}, got {got:?}"))
    }
}

#[test]
fn javarosa_oracle_table() {
    let failures: Vec<String> = TABLE
        .iter()
        .chain(DIFFERENCES)
        .filter_map(|(src, want)| check(src, *want).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[rstest]
#[case("/data/age * 2", Want::Num(84.0))]
#[case("/data/income + 0.5", Want::Num(1501.0))]
#[case("/data/zero = 0 and not(/data/zero)", Want::Bool(true))]
#[case("/data/negative < /data/zero", Want::Bool(true))]
#[case("/data/date = date(\"2026-08-07\")", Want::Bool(true))]
#[case("/data/date = \"2026-08-07\"", Want::Bool(true))]
#[case("/data/date < today()", Want::Bool(false))]
#[case("string(/data/stamp)", Want::Str("2026-08-07T06:31:13.834-03:00"))]
#[case(
    "format-date(/data/stamp, \"%d/%m/%Y %H:%M\")",
    Want::Str("07/08/2026 06:31")
)]
#[case("string(/data/date)", Want::Str("2026-08-07"))]
#[case("/data/consent = \"yes\"", Want::Bool(true))]
fn more_questions_on_the_oracle_instance(#[case] src: &str, #[case] want: Want) {
    if let Err(e) = check(src, want) {
        panic!("{e}");
    }
}

/// The oracle file, when the shared corpus is next to this crate.
fn oracle_json() -> Option<serde_json::Value> {
    let dir = crate::test_shared::shared_dir("xlsform-corpus/rxeval-oracle", "oracle cross-check")?;
    let path = dir.join("javarosa-expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).ok()
}

/// Cross-checks the table against the oracle file itself: every entry is
/// either in the table with the same answer, a listed difference, or excluded.
#[test]
fn table_matches_the_oracle_file() {
    let Some(serde_json::Value::Object(oracle)) = oracle_json() else {
        return;
    };
    let table: HashMap<&str, Want> = TABLE.iter().copied().collect();
    let differences: HashSet<&str> = DIFFERENCES.iter().map(|(s, _)| *s).collect();
    let mut seen = HashSet::new();
    for (src, entry) in &oracle {
        if src == "$meta" || EXCLUDED.iter().any(|x| src.contains(x)) {
            continue;
        }
        seen.insert(src.as_str());
        if differences.contains(src.as_str()) {
            assert_eq!(entry["type"], "error", "{src}: no longer a difference");
            continue;
        }
        let want = table
            .get(src.as_str())
            .unwrap_or_else(|| panic!("oracle entry {src:?} missing from the table"));
        let value = &entry["value"];
        let matches = match (entry["type"].as_str(), want) {
            (Some("error"), Want::Unsupported) => true,
            (Some("number"), Want::Num(n)) => match value {
                serde_json::Value::String(s) => s == &super::numfmt::format_number(*n),
                v => v.as_f64() == Some(*n),
            },
            (Some("string"), Want::Str(s)) => value.as_str() == Some(s),
            (Some("boolean"), Want::Bool(b)) => value.as_bool() == Some(*b),
            (Some("nodeset"), Want::Str(s)) => {
                let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                items.first().and_then(|v| v.as_str()).unwrap_or("") == *s && items.len() <= 1
            }
            _ => false,
        };
        assert!(matches, "{src}: table says {want:?}, oracle says {entry}");
    }
    for (src, _) in TABLE.iter().chain(DIFFERENCES) {
        assert!(
            seen.contains(src),
            "table entry {src:?} is not in the oracle"
        );
    }
    assert_eq!(seen.len(), TABLE.len() + DIFFERENCES.len());
}
