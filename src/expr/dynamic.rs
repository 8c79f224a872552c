//! pyxform's rule for telling a dynamic `default` (an expression evaluated when
//! the form is filled in) from a static one (a plain value).
//!
//! pyxform (`utils.default_is_dynamic`) runs its expression lexer over the cell
//! and calls it dynamic as soon as it meets a math operator (`+ - *`,
//! ` mod `, ` div `), the union operator `|`, a `${name}` reference or a
//! function call `name(`. The lexer matches its rules in a fixed order at each
//! position, so `-5`, `5-3` (two numbers), `2020-01-01` (a date) and `my-name`
//! (a name) are static, while `5 - 3`, `today()` and `${x}` are dynamic.
//! Comparisons and `and`/`or` alone do not make a default dynamic. For date,
//! dateTime and geo questions a `-` operator makes the default static at once.
//! This module ports that lexer rule by rule.

use std::sync::OnceLock;

use regex::Regex;

/// The lexer rules, in pyxform's priority order.
const RULES: &[(&str, &str)] = &[
    (
        "DATETIME",
        r"-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\s+)?(?:[+\-]\d{2}:\d{2}|Z)?",
    ),
    ("DATE", r"-?\d{4}-\d{2}-\d{2}"),
    (
        "TIME",
        r"\d{2}:\d{2}:\d{2}(?:\.\s+)?(?:[+\-]\d{2}:\d{2}|Z)?",
    ),
    ("NUMBER", r"-?\d+\.\d*|-?\.\d+|-?\d+"),
    ("OPS_MATH", r"[*+\-]| mod | div "),
    ("OPS_COMP", r"=|!=|<|>|<=|>="),
    ("OPS_BOOL", r" and | or "),
    ("OPS_UNION", r"\|"),
    ("OPEN_PAREN", r"\("),
    ("CLOSE_PAREN", r"\)"),
    ("BRACKET", r"[\[{}]"),
    ("PARENT_REF", r"\.\."),
    ("SELF_REF", r"\."),
    ("PATH_SEP", r"/"),
    ("SYSTEM_LITERAL", r#""[^"]*"|'[^']*'"#),
    ("COMMA", r","),
    ("WHITESPACE", r"\s+"),
    ("PYXFORM_REF", r"\$\{(?:last-saved#)?NCNAME\}"),
    ("FUNC_CALL", r"NCNAME_NS\("),
    ("XPATH_PRED_START", r"NCNAME_NS\["),
    ("XPATH_PRED_END", r"\]"),
    ("URI_SCHEME", r"NCNAME://"),
    ("NAME", r"NCNAME_NS"),
    ("PYXFORM_REF_START", r"\$\{"),
    ("PYXFORM_REF_END", r"\}"),
    ("OTHER", r"."),
];

/// pyxform's NCName start characters. Its list contains the literal sequence
/// `À-Ö]` (a typo for a range), kept here for fidelity.
const NAME_START: &str = r"(?:[A-Z_a-z\x{D8}-\x{F6}\x{F8}-\x{2FF}\x{370}-\x{37D}\x{37F}-\x{1FFF}\x{200C}-\x{200D}\x{2070}-\x{218F}\x{2C00}-\x{2FEF}\x{3001}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FFFD}\x{10000}-\x{EFFFF}]|\x{C0}-\x{D6}\])";
const NAME_EXTRA: &str = r"[\-.0-9\x{B7}\x{300}-\x{36F}\x{203F}-\x{2040}]";

fn lexer() -> Option<&'static Regex> {
    static LEXER: OnceLock<Option<Regex>> = OnceLock::new();
    LEXER
        .get_or_init(|| {
            let ncname = format!("{NAME_START}(?:{NAME_START}|{NAME_EXTRA})*");
            let ncname_ns = format!("{ncname}(?::{ncname})?");
            let alternatives: Vec<String> = RULES
                .iter()
                .map(|(name, rule)| {
                    let rule = rule
                        .replace("NCNAME_NS", &ncname_ns)
                        .replace("NCNAME", &ncname);
                    format!("(?P<{name}>{rule})")
                })
                .collect();
            Regex::new(&format!("^(?:{})", alternatives.join("|"))).ok()
        })
        .as_ref()
}

/// The pyxform tokens of `src`: (rule name, matched text).
fn tokens(src: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    let Some(re) = lexer() else {
        return out;
    };
    let mut rest = src;
    while !rest.is_empty() {
        let Some(caps) = re.captures(rest) else {
            break;
        };
        let Some((name, m)) = RULES
            .iter()
            .find_map(|(name, _)| caps.name(name).map(|m| (*name, m)))
        else {
            break;
        };
        if m.as_str().is_empty() {
            break;
        }
        out.push((name, m.as_str()));
        rest = rest.get(m.end()..).unwrap_or("");
    }
    out
}

/// Whether a `default` cell is an expression (dynamic) rather than a plain
/// value, by pyxform's rule (see the module documentation).
pub fn is_dynamic_default(src: &str) -> bool {
    is_dynamic_default_for_type(src, "")
}

/// [`is_dynamic_default`] for a question of type `question_type`
/// (`date`, `dateTime`, `geopoint`, ... as in the XLSForm `type` column): for
/// date, dateTime and geo questions a `-` means the value is static.
pub fn is_dynamic_default_for_type(src: &str, question_type: &str) -> bool {
    let hyphen_static = matches!(
        question_type,
        "date" | "dateTime" | "geopoint" | "geotrace" | "geoshape"
    );
    for (name, text) in tokens(src) {
        if hyphen_static && name == "OPS_MATH" && text == "-" {
            return false;
        }
        if matches!(name, "OPS_MATH" | "OPS_UNION" | "PYXFORM_REF" | "FUNC_CALL") {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case("abc", false)]
    #[case("12", false)]
    #[case("-5", false)]
    #[case("3.5", false)]
    #[case("2020-01-01", false)]
    #[case("2020-01-01T10:00:00", false)]
    #[case("hello world", false)]
    #[case("my-name", false)]
    #[case("5-3", false)]
    #[case("a -5", false)]
    #[case("", false)]
    #[case("'quoted + text'", false)]
    #[case("a = b", false)]
    #[case("x and y", false)]
    #[case("foo[1]", false)]
    #[case("(1)", false)]
    #[case("today ()", false)]
    #[case("not-func$", false)]
    #[case("${x}", true)]
    #[case("hello ${name}", true)]
    #[case("${last-saved#x}", true)]
    #[case("today()", true)]
    #[case("jr:choice-name(${a}, '${a}')", true)]
    #[case("1 + 2", true)]
    #[case("1+2", true)]
    #[case("5 - 3", true)]
    #[case("2*3", true)]
    #[case("7 div 2", true)]
    #[case("7 mod 2", true)]
    #[case("a|b", true)]
    #[case("first-name${idea}", true)]
    #[case("some_rando_func()", true)]
    fn pyxform_rule(#[case] src: &str, #[case] expected: bool) {
        assert_eq!(is_dynamic_default(src), expected, "{src}");
    }

    #[rstest]
    #[case("2020 - 01 - 01", "date", false)]
    #[case("2020 - 01 - 01", "text", true)]
    #[case("today()", "date", true)]
    #[case("1 - today()", "date", false)]
    #[case("-1.5 2 0 0", "geopoint", false)]
    fn hyphen_in_dates_and_geo(#[case] src: &str, #[case] ty: &str, #[case] expected: bool) {
        assert_eq!(is_dynamic_default_for_type(src, ty), expected);
    }

    #[test]
    fn lexer_compiles() {
        assert!(lexer().is_some());
        assert_eq!(
            tokens("a(1)"),
            [("FUNC_CALL", "a("), ("NUMBER", "1"), ("CLOSE_PAREN", ")")]
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = is_dynamic_default(&s);
        }
    }
}
