//! Dates and date-times: day numbers, ISO parsing and printing, and the
//! conversions of `date()`, `date-time()` and `decimal-date-time()`.

use jiff::ZonedDateTime;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};

use crate::temporal;

use super::Context;
use super::error::EvalError;
use super::numfmt;
use super::value::Value;

pub(crate) const MS_PER_DAY: f64 = 86_400_000.0;
/// Comfortably wider than the -9999..=9999 years jiff can represent.
pub(crate) const MAX_ABS_DAYS: f64 = 10_000_000.0;

/// Days from 1970-01-01 to `d` (negative before it).
pub(crate) fn date_to_days(d: Date) -> i64 {
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` days after 1970-01-01, if jiff can represent it.
pub(crate) fn days_to_date(days: i64) -> Option<Date> {
    if days.unsigned_abs() > MAX_ABS_DAYS as u64 {
        return None;
    }
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

/// Fractional days from 1970-01-01T00:00:00Z to `z`.
pub(crate) fn datetime_to_days(z: &ZonedDateTime) -> f64 {
    z.timestamp().as_millisecond() as f64 / MS_PER_DAY
}

/// `YYYY-MM-DD`.
pub(crate) fn format_date_iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// RFC 3339 with milliseconds and a numeric offset:
/// `2026-08-07T06:31:13.834-03:00` (ODK Collect's form).
pub(crate) fn format_datetime_iso(z: &ZonedDateTime) -> String {
    temporal::odk_zoned(z)
}

/// A date or date-time read from a string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Temporal {
    Date(Date),
    /// A civil date-time and, when the string had one, its UTC offset.
    DateTime(DateTime, Option<Offset>),
}

impl Temporal {
    pub(crate) fn date(self) -> Date {
        match self {
            Temporal::Date(d) => d,
            Temporal::DateTime(dt, _) => dt.date(),
        }
    }

    pub(crate) fn civil(self) -> DateTime {
        match self {
            Temporal::Date(d) => d.to_datetime(Time::midnight()),
            Temporal::DateTime(dt, _) => dt,
        }
    }

    /// The instant this denotes; strings without an offset are local time.
    fn to_zoned(self, ctx: &dyn Context) -> Option<ZonedDateTime> {
        let tz = match self {
            Temporal::DateTime(_, Some(offset)) => TimeZone::fixed(offset),
            _ => local_tz(ctx),
        };
        self.civil().to_zoned_datetime(tz).ok()
    }

    /// Day number: whole days for a date, fractional UTC days for a date-time.
    fn days(self, ctx: &dyn Context) -> f64 {
        match self {
            Temporal::Date(d) => date_to_days(d) as f64,
            Temporal::DateTime(..) => self
                .to_zoned(ctx)
                .map_or(f64::NAN, |z| datetime_to_days(&z)),
        }
    }
}

fn local_tz(ctx: &dyn Context) -> TimeZone {
    ctx.now().time_zone().clone()
}

/// JavaRosa's reading of a date or date-time string (`YYYY-M-D`, then
/// optionally `T`, a time and an offset); see `crate::temporal::read_iso`.
pub(crate) fn parse_temporal(s: &str) -> Option<Temporal> {
    let (date, clock) = temporal::read_iso(s)?;
    Some(match clock {
        None => Temporal::Date(date),
        Some(c) => Temporal::DateTime(
            date.to_datetime(c.time),
            c.offset.map(temporal::WrittenOffset::offset),
        ),
    })
}

/// Day number of a string for comparisons against a date: dates and
/// date-times give their day number, anything else XPath `number()`.
pub(crate) fn str_to_days(s: &str, ctx: &dyn Context) -> f64 {
    match parse_temporal(s) {
        Some(t) => t.days(ctx),
        None => numfmt::parse_number(s),
    }
}

pub(crate) fn out_of_range(n: f64) -> EvalError {
    EvalError::new(format!(
        "the number {} is out of range for a date",
        numfmt::format_number(n)
    ))
}

pub(crate) fn invalid_date(s: &str) -> EvalError {
    EvalError::new(format!(
        "invalid date '{s}': expected a date like 2020-12-31 or a date-time like 2020-12-31T10:30:00"
    ))
}

pub(crate) fn not_a_date(v: &Value) -> EvalError {
    EvalError::new(format!("cannot convert {} to a date", v.as_str()))
}

/// `date(x)`: a date from a string, a day number or a date; the empty string
/// and NaN pass through unchanged (they are XPath's "no value").
pub(crate) fn to_date(v: Value) -> Result<Value, EvalError> {
    match v {
        Value::Str(s) if s.is_empty() => Ok(Value::Str(s)),
        Value::Str(s) => parse_temporal(&s)
            .map(|t| Value::Date(t.date()))
            .ok_or_else(|| invalid_date(&s)),
        Value::Num(n) if n.is_nan() => Ok(Value::Num(n)),
        Value::Num(n) => {
            if !(-MAX_ABS_DAYS..=MAX_ABS_DAYS).contains(&n) {
                return Err(out_of_range(n));
            }
            days_to_date(numfmt::to_int(n) as i64)
                .map(Value::Date)
                .ok_or_else(|| out_of_range(n))
        }
        Value::Date(d) => Ok(Value::Date(d)),
        Value::DateTime(z) => Ok(Value::Date(z.date())),
        Value::Bool(_) | Value::Nodes(_) => Err(not_a_date(&v)),
    }
}

/// `date-time(x)`: like `date()` but keeps the time; numbers are fractional
/// days since 1970-01-01T00:00Z, shown in the local time zone.
pub(crate) fn to_datetime(v: Value, ctx: &dyn Context) -> Result<Value, EvalError> {
    match v {
        Value::Str(s) if s.is_empty() => Ok(Value::Str(s)),
        Value::Str(s) => parse_temporal(&s)
            .and_then(|t| t.to_zoned(ctx))
            .map(Value::DateTime)
            .ok_or_else(|| invalid_date(&s)),
        Value::Num(n) if n.is_nan() => Ok(Value::Num(n)),
        Value::Num(n) => {
            if !(-MAX_ABS_DAYS..=MAX_ABS_DAYS).contains(&n) {
                return Err(out_of_range(n));
            }
            jiff::Timestamp::from_millisecond((n * MS_PER_DAY) as i64)
                .map(|ts| Value::DateTime(ts.to_zoned_datetime(local_tz(ctx))))
                .map_err(|_| out_of_range(n))
        }
        Value::Date(d) => Temporal::Date(d)
            .to_zoned(ctx)
            .map(Value::DateTime)
            .ok_or_else(|| out_of_range(date_to_days(d) as f64)),
        Value::DateTime(z) => Ok(Value::DateTime(z)),
        Value::Bool(_) | Value::Nodes(_) => Err(not_a_date(&v)),
    }
}

/// `decimal-date-time(x)`: fractional days since 1970-01-01T00:00Z.
pub(crate) fn decimal_date_time(v: Value, ctx: &dyn Context) -> Result<Value, EvalError> {
    match v {
        Value::Str(s) if s.is_empty() => Ok(Value::Str(s)),
        Value::Str(s) => parse_temporal(&s)
            .map(|t| Value::Num(t.days(ctx)))
            .ok_or_else(|| invalid_date(&s)),
        Value::Num(n) if n.is_nan() => Ok(Value::Num(n)),
        Value::Num(n) if n.is_infinite() || n.abs() > f64::from(i32::MAX) => Err(out_of_range(n)),
        Value::Num(n) => Ok(Value::Num(n)),
        Value::Date(_) | Value::DateTime(_) => Ok(Value::Num(v.to_num())),
        Value::Bool(_) | Value::Nodes(_) => Err(not_a_date(&v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::test_support::TestCtx;
    use jiff::civil::date;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case(date(1970, 1, 1), 0)]
    #[case(date(1970, 1, 2), 1)]
    #[case(date(1969, 12, 31), -1)]
    #[case(date(2000, 3, 1), 11017)]
    #[case(date(2026, 8, 7), 20672)]
    #[case(date(-9999, 1, 1), -4371587)]
    #[case(date(9999, 12, 31), 2932896)]
    fn day_numbers(#[case] d: Date, #[case] days: i64) {
        assert_eq!(date_to_days(d), days);
        assert_eq!(days_to_date(days), Some(d));
    }

    #[test]
    fn day_numbers_out_of_range() {
        assert_eq!(days_to_date(2932897), None);
        assert_eq!(days_to_date(i64::MAX), None);
        assert_eq!(days_to_date(i64::MIN), None);
    }

    #[rstest]
    #[case("2020-01-01", Some(date(2020, 1, 1)))]
    #[case("2020-1-5", Some(date(2020, 1, 5)))]
    #[case(" 2020-02-29 ", Some(date(2020, 2, 29)))]
    #[case("2019-02-29", None)]
    #[case("2020-13-01", None)]
    #[case("20-01-01", None)]
    #[case("2020-01", None)]
    #[case("2020-01-01-01", None)]
    #[case("abc", None)]
    #[case("", None)]
    #[case("2026-08-07T06:31:13.834-03:00", Some(date(2026, 8, 7)))]
    #[case("2026-08-07T23:59Z", Some(date(2026, 8, 7)))]
    #[case("2026-08-07T10:00:00+0530", Some(date(2026, 8, 7)))]
    #[case("2026-08-07T25:00", None)]
    #[case("2026-08-07T10:00:00+99:00", None)]
    #[case("2026-08-07T", None)]
    fn parses_iso_strings(#[case] s: &str, #[case] expected: Option<Date>) {
        assert_eq!(parse_temporal(s).map(Temporal::date), expected);
    }

    #[test]
    fn parses_offsets_and_fractions() {
        let t = parse_temporal("2026-08-07T06:31:13.834-03:00").unwrap();
        let Temporal::DateTime(dt, Some(off)) = t else {
            panic!("{t:?}")
        };
        assert_eq!(dt, date(2026, 8, 7).at(6, 31, 13, 834_000_000));
        assert_eq!(off.seconds(), -3 * 3600);
    }

    #[test]
    fn date_conversions() {
        assert_eq!(
            to_date(Value::Num(1.9)).unwrap(),
            Value::Date(date(1970, 1, 2))
        );
        assert_eq!(
            to_date(Value::Num(-0.5)).unwrap(),
            Value::Date(date(1970, 1, 1))
        );
        assert_eq!(to_date(Value::default()).unwrap(), Value::default());
        assert!(to_date(Value::Num(f64::NAN)).unwrap().to_num().is_nan());
        assert!(to_date(Value::Num(f64::INFINITY)).is_err());
        assert!(to_date(Value::Num(1e9)).is_err());
        let err = to_date(Value::Str("31/12/2020".into())).unwrap_err();
        assert!(err.message.contains("invalid date '31/12/2020'"), "{err}");
        assert!(to_date(Value::Bool(true)).is_err());
    }

    #[test]
    fn datetime_conversions() {
        let ctx = TestCtx::default();
        let v = to_datetime(Value::Str("2026-08-07T06:31:13.834-03:00".into()), &ctx).unwrap();
        assert_eq!(v.to_str(), "2026-08-07T06:31:13.834-03:00");
        let v = to_datetime(Value::Num(0.5), &ctx).unwrap();
        assert_eq!(v.to_str(), "1970-01-01T09:00:00.000-03:00");
        let v = to_datetime(Value::Date(date(2020, 1, 1)), &ctx).unwrap();
        assert_eq!(v.to_str(), "2020-01-01T00:00:00.000-03:00");
        let v = decimal_date_time(Value::Str("1970-01-02T12:00:00Z".into()), &ctx).unwrap();
        assert_eq!(v, Value::Num(1.5));
        assert!(decimal_date_time(Value::Num(1e12), &ctx).is_err());
        assert!(decimal_date_time(Value::Str("x".into()), &ctx).is_err());
    }

    proptest! {
        #[test]
        fn day_numbers_round_trip(days in -4_371_587i64..=2_932_896) {
            let d = days_to_date(days).unwrap();
            prop_assert_eq!(date_to_days(d), days);
        }

        #[test]
        fn parse_temporal_never_panics(s in crate::temporal::tests::any_text()) {
            let _ = parse_temporal(&s);
        }

        #[test]
        fn parse_temporal_on_date_like_strings(
            s in "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\\.[0-9]{0,12})?)?([Zz]|[+-][0-9]{1,4}(:[0-9]{0,3})?)?)?"
        ) {
            let _ = parse_temporal(&s);
        }
    }
}
