//! `format-date()` and `format-date-time()`: JavaRosa's `%` codes.

use jiff::civil::{DateTime, Time};

use super::dates::{
    MAX_ABS_DAYS, MS_PER_DAY, days_to_date, invalid_date, not_a_date, out_of_range, parse_temporal,
};
use super::error::EvalError;
use super::value::Value;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The civil date-time `format-date()` shows for a value, or `None` for "no
/// value" (empty string, NaN), which formats as the empty string.
fn civil_for_format(v: &Value) -> Result<Option<DateTime>, EvalError> {
    match v {
        Value::Str(s) if s.is_empty() => Ok(None),
        Value::Str(s) => parse_temporal(s)
            .map(|t| Some(t.civil()))
            .ok_or_else(|| invalid_date(s)),
        Value::Num(n) if n.is_nan() => Ok(None),
        Value::Num(n) => {
            if !(-MAX_ABS_DAYS..=MAX_ABS_DAYS).contains(n) {
                return Err(out_of_range(*n));
            }
            let days = n.floor();
            let date = days_to_date(days as i64).ok_or_else(|| out_of_range(*n))?;
            let millis = ((n - days) * MS_PER_DAY)
                .round()
                .clamp(0.0, MS_PER_DAY - 1.0) as i64;
            let time = Time::midnight()
                .checked_add(jiff::SignedDuration::from_millis(millis))
                .unwrap_or(Time::midnight());
            Ok(Some(date.to_datetime(time)))
        }
        Value::Date(d) => Ok(Some(d.to_datetime(Time::midnight()))),
        Value::DateTime(z) => Ok(Some(z.datetime())),
        Value::Bool(_) | Value::Nodes(_) => Err(not_a_date(v)),
    }
}

/// Checks a `format-date()` pattern; on error returns the message.
pub(crate) fn validate_format(fmt: &str) -> Result<(), String> {
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                None => return Err("the date format ends with a lone '%'".to_string()),
                Some(
                    '%' | 'Y' | 'y' | 'm' | 'n' | 'b' | 'd' | 'e' | 'H' | 'h' | 'M' | 'S' | '3'
                    | 'a' | 'W',
                ) => {}
                Some(other) => {
                    return Err(format!(
                        "unknown date format code '%{other}' (known: %Y %y %m %n %b %d %e %H %h %M %S %3 %a %W %%)"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn pad(n: i64, width: usize) -> String {
    // Java's intPad: zeros are prepended to the whole string, sign included.
    format!("{:0>width$}", n.to_string())
}

/// `format-date(value, format)` / `format-date-time(value, format)`.
pub(crate) fn format_date(v: &Value, fmt: &str) -> Result<Value, EvalError> {
    validate_format(fmt).map_err(EvalError::new)?;
    let Some(dt) = civil_for_format(v)? else {
        return Ok(Value::Str(String::new()));
    };
    let mut out = String::with_capacity(fmt.len() + 8);
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('Y') => out.push_str(&pad(dt.year().into(), 4)),
            Some('y') => out.extend(pad(dt.year().into(), 4).chars().skip(2)),
            Some('m') => out.push_str(&pad(dt.month().into(), 2)),
            Some('n') => out.push_str(&dt.month().to_string()),
            Some('b') => {
                let idx = usize::try_from(dt.month() - 1).unwrap_or(0);
                out.push_str(MONTHS.get(idx).copied().unwrap_or(""));
            }
            Some('d') => out.push_str(&pad(dt.day().into(), 2)),
            Some('e') => out.push_str(&dt.day().to_string()),
            Some('H') => out.push_str(&pad(dt.hour().into(), 2)),
            Some('h') => out.push_str(&dt.hour().to_string()),
            Some('M') => out.push_str(&pad(dt.minute().into(), 2)),
            Some('S') => out.push_str(&pad(dt.second().into(), 2)),
            Some('3') => out.push_str(&pad(dt.millisecond().into(), 3)),
            Some('a') => {
                let idx = usize::from(dt.weekday().to_monday_zero_offset().unsigned_abs());
                out.push_str(WEEKDAYS.get(idx).copied().unwrap_or(""));
            }
            Some('W') => out.push_str(&dt.date().iso_week_date().week().to_string()),
            // validate_format rejected everything else.
            _ => {}
        }
    }
    Ok(Value::Str(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case("%Y-%m-%d", "2026-01-09")]
    #[case("%e/%n/%y", "9/1/26")]
    #[case("%d %b %Y, %a", "09 Jan 2026, Fri")]
    #[case("100%%", "100%")]
    #[case("%H:%M:%S.%3 %h", "00:00:00.000 0")]
    #[case("week %W", "week 2")]
    fn formats_dates(#[case] fmt: &str, #[case] expected: &str) {
        let v = Value::Str("2026-01-09".into());
        assert_eq!(format_date(&v, fmt).unwrap(), Value::Str(expected.into()));
    }

    #[test]
    fn formats_datetimes_in_their_own_offset() {
        let v = Value::Str("2026-08-07T06:31:13.834-03:00".into());
        assert_eq!(
            format_date(&v, "%Y%m%d%H%M%S.%3").unwrap().to_str(),
            "20260807063113.834"
        );
        let half_day = Value::Num(20672.5);
        assert_eq!(
            format_date(&half_day, "%Y-%m-%d %H:%M").unwrap().to_str(),
            "2026-08-07 12:00"
        );
    }

    #[rstest]
    #[case("%")]
    #[case("%Q")]
    #[case("abc %Z")]
    fn rejects_bad_formats(#[case] fmt: &str) {
        assert!(validate_format(fmt).is_err());
        assert!(format_date(&Value::Str("2020-01-01".into()), fmt).is_err());
    }

    #[test]
    fn empty_and_nan_format_as_empty() {
        assert_eq!(format_date(&Value::default(), "%Y").unwrap().to_str(), "");
        assert_eq!(
            format_date(&Value::Num(f64::NAN), "%Y").unwrap().to_str(),
            ""
        );
        assert!(format_date(&Value::Bool(true), "%Y").is_err());
        assert!(format_date(&Value::Num(1e300), "%Y").is_err());
    }

    proptest! {
        #[test]
        fn format_never_panics(n in proptest::num::f64::ANY, fmt in "[%YymnbdeHhMS3aW x-]{0,12}") {
            let _ = format_date(&Value::Num(n), &fmt);
        }
    }
}
