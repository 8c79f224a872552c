//! Run-time values and XPath's type conversions (`boolean()`, `number()`,
//! `string()`), following JavaRosa.

use std::borrow::Cow;
use std::fmt;

use jiff::ZonedDateTime;
use jiff::civil::Date;

use super::dates;
use super::error::EvalError;
use super::numfmt;

/// Longest expression quoted in a "This field is repeated" message.
const MAX_QUOTED: usize = 60;
/// Node values shown in that message.
const MAX_SHOWN: usize = 3;

/// Unpacks a node-set into one value (see [`Value::into_single`]); `source`
/// is the expression that produced it, for the error message.
pub(crate) fn unpack(
    mut nodes: Vec<Value>,
    source: Option<&dyn fmt::Display>,
) -> Result<Value, EvalError> {
    match nodes.len() {
        0 => Ok(Value::default()),
        1 => {
            let one = nodes.pop().unwrap_or_default();
            match one {
                Value::Nodes(inner) => unpack(inner, source),
                other => Ok(other),
            }
        }
        n => Err(repeated(&nodes, n, source)),
    }
}

#[cold]
pub(crate) fn repeated(nodes: &[Value], n: usize, source: Option<&dyn fmt::Display>) -> EvalError {
    let mut shown: Vec<String> = nodes
        .iter()
        .take(MAX_SHOWN)
        .map(|v| format!("'{}'", v.as_str()))
        .collect();
    if n > MAX_SHOWN {
        shown.push("...".to_string());
    }
    let what = match source.map(ToString::to_string) {
        Some(src) if src.chars().count() <= MAX_QUOTED => format!("{src} has"),
        Some(src) => {
            let head: String = src.chars().take(MAX_QUOTED - 3).collect();
            format!("{head}... has")
        }
        None => "the value has".to_string(),
    };
    EvalError::new(format!(
        "This field is repeated: {what} {n} values here ({}). You may need to use the \
         indexed-repeat() function to specify which value you want, or combine them with \
         count(), sum(), min(), max() or join()",
        shown.join(", ")
    ))
}

/// A value produced or consumed by an expression.
///
/// An unanswered question is `Str("")`, whatever its type: that is how XPath
/// sees an empty node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
    Date(Date),
    DateTime(ZonedDateTime),
    /// A node-set: the values of the nodes, in document order. What
    /// `${name}` gives for a question inside a repeat that the expression is
    /// not inside (one entry per instance), or for a repeat itself (one `""`
    /// entry per instance); also what location paths and
    /// `instance(...)/root/item[...]` give. Entries are never node-sets
    /// themselves.
    ///
    /// Aggregates (`count`, `sum`, `min`, `max`, `join`, `concat` with a single
    /// argument, `count-non-empty`) read every entry. Everything else unpacks it
    /// as JavaRosa does (see [`Value::into_single`]): no node reads as `""`, one
    /// node as its value, more than one is an `EvalError` ("This field is
    /// repeated"). `boolean()` (and `and`, `or`, `not`, `if`) of more than one
    /// node is true.
    Nodes(Vec<Value>),
}

impl Default for Value {
    /// The empty string: the value of an unanswered question.
    fn default() -> Self {
        Value::Str(String::new())
    }
}

impl Value {
    /// XPath `boolean()`: a non-empty string is true, a number is true unless it
    /// is NaN or within 1e-12 of zero (JavaRosa's tolerance), dates are always
    /// true.
    pub fn to_bool(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::Num(n) => n.abs() > numfmt::EPSILON && !n.is_nan(),
            Value::Bool(b) => *b,
            Value::Date(_) | Value::DateTime(_) => true,
            Value::Nodes(nodes) => match nodes.as_slice() {
                [] => false,
                [one] => one.to_bool(),
                _ => true,
            },
        }
    }

    /// XPath `number()`: strings are trimmed and read as plain decimals (no
    /// exponent, no `Infinity`, `""` is NaN, a decimal comma is accepted like
    /// JavaRosa does), booleans are 1/0, a date is its number of days since
    /// 1970-01-01 and a date-time its fractional number of days since
    /// 1970-01-01T00:00Z.
    pub fn to_num(&self) -> f64 {
        match self {
            Value::Str(s) => numfmt::parse_number(s),
            Value::Num(n) => *n,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Date(d) => dates::date_to_days(*d) as f64,
            Value::DateTime(z) => dates::datetime_to_days(z),
            Value::Nodes(nodes) => nodes.first().map_or(f64::NAN, Value::to_num),
        }
    }

    /// XPath `string()`: see [`Value::as_str`].
    pub fn to_str(&self) -> String {
        self.as_str().into_owned()
    }

    /// XPath `string()` without copying when the value already is a string.
    ///
    /// Numbers: integral values print without a decimal point (`5`, `-3`),
    /// NaN as `NaN`, infinities as `Infinity`/`-Infinity`, others as the
    /// shortest decimal that reads back to the same number, never with an
    /// exponent. Booleans: `true`/`false`. Dates: `YYYY-MM-DD`. Date-times:
    /// RFC 3339 with milliseconds and offset, e.g.
    /// `2026-08-07T06:31:13.834-03:00`. Node-sets: the first node's value
    /// (XPath's rule), `""` when empty.
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            Value::Str(s) => Cow::Borrowed(s.as_str()),
            Value::Num(n) => Cow::Owned(numfmt::format_number(*n)),
            Value::Bool(true) => Cow::Borrowed("true"),
            Value::Bool(false) => Cow::Borrowed("false"),
            Value::Date(d) => Cow::Owned(dates::format_date_iso(*d)),
            Value::DateTime(z) => Cow::Owned(dates::format_datetime_iso(z)),
            Value::Nodes(nodes) => nodes.first().map_or(Cow::Borrowed(""), Value::as_str),
        }
    }

    /// JavaRosa's unpacking of a node-set into one value: no node gives `""`,
    /// one node its value, more than one the "This field is repeated" error.
    /// Other values are returned unchanged. Use it on the result of
    /// [`eval`](super::eval) where one value is needed (a calculation, a
    /// relevance or a constraint).
    pub fn into_single(self) -> Result<Value, EvalError> {
        match self {
            Value::Nodes(nodes) => unpack(nodes, None),
            other => Ok(other),
        }
    }

    /// True for the values JavaRosa treats as "null" in `coalesce()` and
    /// `once()`: the empty string and NaN.
    pub(crate) fn is_null(&self) -> bool {
        match self {
            Value::Str(s) => s.is_empty(),
            Value::Num(n) => n.is_nan(),
            Value::Nodes(nodes) => match nodes.as_slice() {
                [] => true,
                [one] => one.is_null(),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether equality and comparisons treat this value as a number.
    pub(crate) fn is_numeric(&self) -> bool {
        matches!(self, Value::Num(_) | Value::Date(_) | Value::DateTime(_))
    }

    /// Whether this value is a date or a date-time.
    pub(crate) fn is_temporal(&self) -> bool {
        matches!(self, Value::Date(_) | Value::DateTime(_))
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Num(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Date> for Value {
    fn from(d: Date) -> Self {
        Value::Date(d)
    }
}

impl From<ZonedDateTime> for Value {
    fn from(z: ZonedDateTime) -> Self {
        Value::DateTime(z)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::tz::{Offset, TimeZone};
    use rstest::rstest;

    fn stamp() -> ZonedDateTime {
        let tz = TimeZone::fixed(Offset::from_hours(-3).unwrap());
        date(2026, 8, 7)
            .at(6, 31, 13, 834_000_000)
            .to_zoned_datetime(tz)
            .unwrap()
    }

    #[rstest]
    #[case(Value::from(""), false)]
    #[case(Value::from("0"), true)]
    #[case(Value::from("false"), true)]
    #[case(Value::Num(0.0), false)]
    #[case(Value::Num(-0.0), false)]
    #[case(Value::Num(f64::NAN), false)]
    #[case(Value::Num(0.5), true)]
    #[case(Value::Num(f64::NEG_INFINITY), true)]
    #[case(Value::Bool(true), true)]
    #[case(Value::Bool(false), false)]
    #[case(Value::Date(date(1970, 1, 1)), true)]
    fn to_bool_follows_xpath(#[case] v: Value, #[case] expected: bool) {
        assert_eq!(v.to_bool(), expected);
    }

    #[rstest]
    #[case(Value::from(" 12 "), 12.0)]
    #[case(Value::Bool(true), 1.0)]
    #[case(Value::Bool(false), 0.0)]
    #[case(Value::Date(date(1970, 1, 2)), 1.0)]
    #[case(Value::Date(date(1969, 12, 31)), -1.0)]
    #[case(Value::Date(date(2026, 8, 7)), 20672.0)]
    fn to_num_follows_xpath(#[case] v: Value, #[case] expected: f64) {
        assert_eq!(v.to_num(), expected);
    }

    #[test]
    fn empty_string_is_nan() {
        assert!(Value::from("").to_num().is_nan());
        assert!(Value::from("abc").to_num().is_nan());
    }

    #[test]
    fn datetime_is_fractional_days_in_utc() {
        // 2026-08-07T09:31:13.834Z
        let expected = 20672.0 + (9.0 * 3600.0 + 31.0 * 60.0 + 13.834) / 86400.0;
        assert!((Value::DateTime(stamp()).to_num() - expected).abs() < 1e-9);
    }

    #[rstest]
    #[case(Value::Num(5.0), "5")]
    #[case(Value::Num(-3.0), "-3")]
    #[case(Value::Num(3.5), "3.5")]
    #[case(Value::Bool(true), "true")]
    #[case(Value::Bool(false), "false")]
    #[case(Value::Date(date(2026, 1, 9)), "2026-01-09")]
    #[case(Value::DateTime(stamp()), "2026-08-07T06:31:13.834-03:00")]
    #[case(Value::from("x"), "x")]
    fn to_str_follows_xpath(#[case] v: Value, #[case] expected: &str) {
        assert_eq!(v.to_str(), expected);
        assert_eq!(v.to_string(), expected);
    }

    #[test]
    fn utc_datetime_prints_zero_offset() {
        let z = date(2020, 1, 2)
            .at(3, 4, 5, 6_000_000)
            .to_zoned_datetime(TimeZone::UTC)
            .unwrap();
        assert_eq!(Value::DateTime(z).to_str(), "2020-01-02T03:04:05.006+00:00");
    }

    #[test]
    fn nulls_are_empty_string_and_nan() {
        assert!(Value::default().is_null());
        assert!(Value::Num(f64::NAN).is_null());
        assert!(!Value::Num(0.0).is_null());
        assert!(!Value::Bool(false).is_null());
    }
}
