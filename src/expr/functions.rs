//! The table of built-in functions: names, identities and arities, plus the
//! "did you mean" suggestions for unknown names.

/// Identity of a built-in function, resolved at parse time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    Selected,
    CountSelected,
    SelectedAt,
    StringLength,
    Regex,
    Today,
    Now,
    Date,
    DateTime,
    DecimalDateTime,
    If,
    Coalesce,
    Concat,
    Not,
    True,
    False,
    Boolean,
    Number,
    Int,
    Round,
    String,
    Contains,
    StartsWith,
    EndsWith,
    Substr,
    SubstringBefore,
    SubstringAfter,
    NormalizeSpace,
    Translate,
    BooleanFromString,
    Floor,
    Ceiling,
    Abs,
    Pow,
    Min,
    Max,
    Join,
    Uuid,
    FormatDate,
    FormatDateTime,
    ChoiceName,
    Once,
    Sqrt,
    Exp,
    Exp10,
    Log,
    Log10,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Pi,
    Random,
    Count,
    CountNonEmpty,
    Sum,
    Position,
    IndexedRepeat,
    Current,
    Distance,
    Area,
}

/// One row of the function table.
#[derive(Debug, Clone, Copy)]
pub struct FuncInfo {
    pub name: &'static str,
    pub func: Func,
    pub min_args: usize,
    /// `None`: any number of arguments from `min_args` up.
    pub max_args: Option<usize>,
}

const fn f(name: &'static str, func: Func, min_args: usize, max_args: Option<usize>) -> FuncInfo {
    FuncInfo {
        name,
        func,
        min_args,
        max_args,
    }
}

/// Every function the engine knows, by the name used in expressions. The first
/// row for a `Func` gives its canonical name.
pub const FUNCTIONS: &[FuncInfo] = &[
    f("selected", Func::Selected, 2, Some(2)),
    f("is-selected", Func::Selected, 2, Some(2)),
    f("count-selected", Func::CountSelected, 1, Some(1)),
    f("selected-at", Func::SelectedAt, 2, Some(2)),
    f("string-length", Func::StringLength, 0, Some(1)),
    f("regex", Func::Regex, 2, Some(2)),
    f("today", Func::Today, 0, Some(0)),
    f("now", Func::Now, 0, Some(0)),
    f("date", Func::Date, 1, Some(1)),
    f("date-time", Func::DateTime, 1, Some(1)),
    f("decimal-date-time", Func::DecimalDateTime, 1, Some(1)),
    f("if", Func::If, 3, Some(3)),
    f("coalesce", Func::Coalesce, 2, Some(2)),
    f("concat", Func::Concat, 0, None),
    f("not", Func::Not, 1, Some(1)),
    f("true", Func::True, 0, Some(0)),
    f("false", Func::False, 0, Some(0)),
    f("boolean", Func::Boolean, 1, Some(1)),
    f("number", Func::Number, 1, Some(1)),
    f("int", Func::Int, 1, Some(1)),
    f("round", Func::Round, 1, Some(2)),
    f("string", Func::String, 1, Some(1)),
    f("contains", Func::Contains, 2, Some(2)),
    f("starts-with", Func::StartsWith, 2, Some(2)),
    f("ends-with", Func::EndsWith, 2, Some(2)),
    f("substr", Func::Substr, 2, Some(3)),
    f("substring-before", Func::SubstringBefore, 2, Some(2)),
    f("substring-after", Func::SubstringAfter, 2, Some(2)),
    f("normalize-space", Func::NormalizeSpace, 0, Some(1)),
    f("translate", Func::Translate, 3, Some(3)),
    f("boolean-from-string", Func::BooleanFromString, 1, Some(1)),
    f("floor", Func::Floor, 1, Some(1)),
    f("ceiling", Func::Ceiling, 1, Some(1)),
    f("abs", Func::Abs, 1, Some(1)),
    f("pow", Func::Pow, 2, Some(2)),
    f("min", Func::Min, 1, None),
    f("max", Func::Max, 1, None),
    f("join", Func::Join, 1, None),
    f("uuid", Func::Uuid, 0, Some(1)),
    f("format-date", Func::FormatDate, 2, Some(2)),
    f("format-date-time", Func::FormatDateTime, 2, Some(2)),
    f("jr:choice-name", Func::ChoiceName, 2, Some(2)),
    f("once", Func::Once, 1, Some(1)),
    f("sqrt", Func::Sqrt, 1, Some(1)),
    f("exp", Func::Exp, 1, Some(1)),
    f("exp10", Func::Exp10, 1, Some(1)),
    f("log", Func::Log, 1, Some(1)),
    f("log10", Func::Log10, 1, Some(1)),
    f("sin", Func::Sin, 1, Some(1)),
    f("cos", Func::Cos, 1, Some(1)),
    f("tan", Func::Tan, 1, Some(1)),
    f("asin", Func::Asin, 1, Some(1)),
    f("acos", Func::Acos, 1, Some(1)),
    f("atan", Func::Atan, 1, Some(1)),
    f("atan2", Func::Atan2, 2, Some(2)),
    f("pi", Func::Pi, 0, Some(0)),
    f("random", Func::Random, 0, Some(0)),
    f("count", Func::Count, 1, Some(1)),
    f("count-non-empty", Func::CountNonEmpty, 1, Some(1)),
    f("sum", Func::Sum, 1, Some(1)),
    f("position", Func::Position, 0, Some(1)),
    f("indexed-repeat", Func::IndexedRepeat, 3, Some(11)),
    f("current", Func::Current, 0, Some(0)),
    f("distance", Func::Distance, 1, None),
    f("area", Func::Area, 1, Some(1)),
    f("enclosed-area", Func::Area, 1, Some(1)),
];

impl Func {
    /// The table row of this function.
    pub fn info(self) -> FuncInfo {
        FUNCTIONS
            .iter()
            .find(|i| i.func == self)
            .copied()
            // Every variant has a row (checked by a test); this is unreachable.
            .unwrap_or(f("?", self, 0, None))
    }

    /// The canonical name, as written in expressions.
    pub fn name(self) -> &'static str {
        self.info().name
    }
}

/// Looks a function up by the name written in the expression.
pub fn lookup(name: &str) -> Option<FuncInfo> {
    FUNCTIONS.iter().find(|i| i.name == name).copied()
}

/// "function 'round' needs 1 or 2 arguments, but 3 were given"
pub(crate) fn arity_message(info: &FuncInfo, given: usize) -> String {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let expected = match (info.min_args, info.max_args) {
        (0, Some(0)) => "takes no arguments".to_string(),
        (min, Some(max)) if min == max => format!("needs exactly {min} {}", plural(min)),
        (min, Some(max)) if max == min + 1 => format!("needs {min} or {max} arguments"),
        (min, Some(max)) => format!("needs {min} to {max} arguments"),
        (min, None) => format!("needs at least {min} {}", plural(min)),
    };
    let was = if given == 1 { "was" } else { "were" };
    format!(
        "function '{}' {expected}, but {given} {was} given",
        info.name
    )
}

/// Functions ODK knows that this engine deliberately does not provide, with
/// the reason shown to the form author.
fn unsupported_reason(name: &str) -> Option<String> {
    let reason = match name {
        "last" => {
            "is not available in ODK Collect; use count(...) for the number of nodes, or position() in a predicate"
        }
        "instance" => {
            "must be followed by /root/item, as in instance('list')/root/item[name = ${q}]/label"
        }
        "randomize" => "is not supported",
        "pulldata" => "reads external CSV files, which is not supported",
        "geofence" => "works on geographic data, which is not supported",
        "substring" => {
            "is not available in ODK Collect; use substr(text, start, end), which counts from 0"
        }
        "upper-case" | "lower-case" => "is not available in ODK Collect",
        "digest" | "base64-decode" | "version" | "property" | "checklist"
        | "weighted-checklist" | "depend" | "decimal-time" | "jr:itext" => "is not supported",
        _ => return None,
    };
    Some(format!("function '{name}' {reason}"))
}

/// Optimal string alignment distance (Levenshtein plus transpositions).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the distance matrix: i-2, i-1 and i.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, &cb) in b.iter().enumerate() {
            let up = prev.get(j + 1).copied().unwrap_or(usize::MAX);
            let diagonal = prev.get(j).copied().unwrap_or(usize::MAX);
            let left = row.last().copied().unwrap_or(usize::MAX);
            let mut best = up
                .saturating_add(1)
                .min(left.saturating_add(1))
                .min(diagonal.saturating_add(usize::from(ca != cb)));
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca);
            if swapped {
                let two_back = before.get(j - 1).copied().unwrap_or(usize::MAX);
                best = best.min(two_back.saturating_add(1));
            }
            row.push(best);
        }
        before = std::mem::replace(&mut prev, row);
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest known function name, if one is close enough to be a likely typo.
fn suggestion(name: &str) -> Option<&'static str> {
    const ALIASES: &[(&str, &str)] = &[
        ("len", "string-length"),
        ("length", "string-length"),
        ("strlen", "string-length"),
        ("iif", "if"),
        ("ifelse", "if"),
        ("concatenate", "concat"),
        ("trim", "normalize-space"),
        ("mid", "substr"),
        ("sub", "substr"),
        ("ceil", "ceiling"),
        ("power", "pow"),
        ("choice-name", "jr:choice-name"),
    ];
    if name.chars().count() > 40 {
        return None;
    }
    let lower = name.to_lowercase();
    if let Some((_, target)) = ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return Some(target);
    }
    let budget = if lower.chars().count() <= 4 { 1 } else { 2 };
    let mut best: Option<(usize, &'static str)> = None;
    for info in FUNCTIONS {
        let whole = edit_distance(&lower, info.name);
        let part = info
            .name
            .split(['-', ':'])
            .filter(|p| p.len() > 3)
            .map(|p| edit_distance(&lower, p))
            .min()
            .unwrap_or(usize::MAX);
        let d = whole.min(part);
        if d <= budget && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, info.name));
        }
    }
    best.map(|(_, n)| n)
}

/// The message for a call of a function that is not in the table.
pub(crate) fn unknown_function_message(name: &str) -> String {
    if let Some(reason) = unsupported_reason(name) {
        return reason;
    }
    match suggestion(name) {
        Some(s) => format!("unknown function '{name}' (did you mean {s}?)"),
        None => format!("unknown function '{name}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn every_variant_has_a_canonical_name() {
        for info in FUNCTIONS {
            assert_ne!(info.func.name(), "?");
            assert_eq!(lookup(info.func.name()).map(|i| i.func), Some(info.func));
        }
    }

    #[rstest]
    #[case("lenght", "unknown function 'lenght' (did you mean string-length?)")]
    #[case("concatt", "unknown function 'concatt' (did you mean concat?)")]
    #[case("Today", "unknown function 'Today' (did you mean today?)")]
    #[case("selectd", "unknown function 'selectd' (did you mean selected?)")]
    #[case(
        "count-selectd",
        "unknown function 'count-selectd' (did you mean count-selected?)"
    )]
    #[case("foo", "unknown function 'foo'")]
    #[case("xyzzy-plugh", "unknown function 'xyzzy-plugh'")]
    #[case("len", "unknown function 'len' (did you mean string-length?)")]
    #[case(
        "last",
        "function 'last' is not available in ODK Collect; use count(...) for the number of nodes, or position() in a predicate"
    )]
    #[case("randomize", "function 'randomize' is not supported")]
    #[case(
        "substring",
        "function 'substring' is not available in ODK Collect; use substr(text, start, end), which counts from 0"
    )]
    fn unknown_function_messages(#[case] name: &str, #[case] expected: &str) {
        assert_eq!(unknown_function_message(name), expected);
    }

    #[rstest]
    #[case(
        "round",
        3,
        "function 'round' needs 1 or 2 arguments, but 3 were given"
    )]
    #[case("today", 1, "function 'today' takes no arguments, but 1 was given")]
    #[case("if", 2, "function 'if' needs exactly 3 arguments, but 2 were given")]
    #[case("not", 0, "function 'not' needs exactly 1 argument, but 0 were given")]
    #[case(
        "join",
        0,
        "function 'join' needs at least 1 argument, but 0 were given"
    )]
    #[case(
        "substr",
        1,
        "function 'substr' needs 2 or 3 arguments, but 1 was given"
    )]
    fn arity_messages(#[case] name: &str, #[case] given: usize, #[case] expected: &str) {
        let info = lookup(name).unwrap();
        assert_eq!(arity_message(&info, given), expected);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("lenght", "length"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
