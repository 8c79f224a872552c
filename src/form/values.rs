//! Answers as typed by an operator, turned into the canonical text that is stored
//! and exported (XForm lexical forms): integers without sign noise, decimals with a
//! point, dates as ISO `YYYY-MM-DD`.

use super::Kind;
use crate::temporal;
use jiff::civil::Date;

/// Why a typed value is not a value of its type. The text is English; the TUI
/// translates by variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    NotInteger,
    IntegerTooLarge,
    NotDecimal,
    NotDate,
    /// A date whose year has two digits (`15/03/20`).
    TwoDigitYear,
    NotTime,
    NotDateTime,
    /// Not "lat lon [alt [acc]]" with latitude in -90..90 and longitude in -180..180.
    NotGeopoint,
    /// Not two or more points separated by `;`.
    NotGeotrace,
    /// Not four or more points separated by `;`, the last the first.
    NotGeoshape,
    /// A media answer that is not the plain name of a file (no folders).
    NotFileName,
    /// Not a year (`2020`), where the question asks only the year.
    NotYear,
    /// Not a month and year (`03/2020`), where that is all it asks.
    NotMonth,
}

/// The canonical stored text of a typed value of `kind`, or why it is not one.
pub fn canonical(kind: Kind, text: &str) -> Result<String, TypeError> {
    match kind {
        Kind::Integer => parse_integer(text),
        Kind::Decimal | Kind::Range => parse_decimal(text),
        Kind::Date => parse_date(text),
        Kind::Time => parse_time(text),
        Kind::DateTime => parse_datetime(text),
        Kind::Geopoint => parse_geopoint(text),
        Kind::Geotrace => parse_points(text, 2, false).ok_or(TypeError::NotGeotrace),
        Kind::Geoshape => parse_points(text, 4, true).ok_or(TypeError::NotGeoshape),
        Kind::Media(_) => file_name(text).ok_or(TypeError::NotFileName),
        _ => Ok(text.to_string()),
    }
}

/// `14:30`, `9.05`, `14:30:05` or ODK's `10:30:00.000+01:00` -> `14:30:00`,
/// with milliseconds and offset when given (see `crate::temporal`).
pub fn parse_time(s: &str) -> Result<String, TypeError> {
    temporal::read_time(s)
        .map(|c| c.canonical())
        .ok_or(TypeError::NotTime)
}

/// The time of day of a typed or stored time, without its offset.
pub fn time_of(s: &str) -> Option<jiff::civil::Time> {
    temporal::read_time(s).map(|c| c.time)
}

/// A date and a time, separated by a space or `T` (`15/03/2020 14:30`,
/// `2020-03-15T14:30:00+01:00`) -> ISO `2020-03-15T14:30:00`, with
/// milliseconds and the offset when they were given.
pub fn parse_datetime(s: &str) -> Result<String, TypeError> {
    temporal::read_datetime(s)
        .map(|m| m.canonical())
        .ok_or(TypeError::NotDateTime)
}

/// Geopoints separated by `;` (ODK's geotrace and geoshape), at least
/// `min` of them, one `; ` apart; a shape (`closed`) ends where it starts.
/// A shape typed open is closed by repeating its first point, as ODK
/// Collect does when it saves one.
pub fn parse_points(s: &str, min: usize, closed: bool) -> Option<String> {
    let mut points = s
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| parse_geopoint(p).ok())
        .collect::<Option<Vec<String>>>()?;
    if closed && points.len() >= 3 && points.first() != points.last() {
        points.push(points[0].clone());
    }
    (points.len() >= min).then(|| points.join("; "))
}

/// The stored answer of a media question: a file's plain name, without
/// folders, control characters or a leading dot.
pub fn file_name(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.len() <= 255
        && !s.starts_with('.')
        && !s.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    ok.then(|| s.to_string())
}

/// `lat lon [alt [acc]]` -> the same numbers, one space apart.
pub fn parse_geopoint(s: &str) -> Result<String, TypeError> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if !(2..=4).contains(&parts.len()) {
        return Err(TypeError::NotGeopoint);
    }
    let mut nums = Vec::with_capacity(parts.len());
    for p in &parts {
        let v = parse_decimal(p).map_err(|_| TypeError::NotGeopoint)?;
        nums.push(v);
    }
    let f = |i: usize| nums[i].parse::<f64>().unwrap_or(f64::NAN);
    if !(-90.0..=90.0).contains(&f(0))
        || !(-180.0..=180.0).contains(&f(1))
        || (nums.len() == 4 && f(3) < 0.0)
    {
        return Err(TypeError::NotGeopoint);
    }
    Ok(nums.join(" "))
}

/// XForm `int` is 32-bit in JavaRosa (ODK Collect): larger values are refused
/// there, so they are refused here too.
pub const INT_MAX: i64 = i32::MAX as i64;
pub const INT_MIN: i64 = i32::MIN as i64;

pub fn parse_integer(s: &str) -> Result<String, TypeError> {
    let t = s.trim().replace(['\u{a0}', ' ', '\''], "");
    let t = without_thousands_points(&t);
    let t = t.strip_prefix('+').unwrap_or(&t);
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TypeError::NotInteger);
    }
    let v: i64 = t.parse().map_err(|_| TypeError::IntegerTooLarge)?;
    if !(INT_MIN..=INT_MAX).contains(&v) {
        return Err(TypeError::IntegerTooLarge);
    }
    Ok(v.to_string())
}

/// `316.000` and `1.316.000` as Italians write thousands: points only
/// between groups of three digits after a first group of one to three, so
/// that it reads only one way. Anything else is returned as it was.
fn without_thousands_points(t: &str) -> String {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let groups: Vec<&str> = body.split('.').collect();
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let grouped = groups.len() > 1
        && groups.iter().all(|g| digits(g))
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    if grouped {
        t.replace('.', "")
    } else {
        t.to_string()
    }
}

/// Accepts a point or a comma as the decimal separator (Italian operators type
/// `3,5`); stores the shortest text that reads back as the same number.
pub fn parse_decimal(s: &str) -> Result<String, TypeError> {
    let t = s.trim().replace(',', ".");
    let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
    let valid = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().filter(|&b| b == b'.').count() <= 1
        && body.bytes().any(|b| b.is_ascii_digit());
    if !valid {
        return Err(TypeError::NotDecimal);
    }
    let v: f64 = t.parse().map_err(|_| TypeError::NotDecimal)?;
    if !v.is_finite() {
        return Err(TypeError::NotDecimal);
    }
    Ok(format_decimal(v))
}

pub fn format_decimal(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Accepts `2020-03-15`, `15/03/2020`, `15-03-2020`, `15.03.2020` and one-digit
/// How much of a date a question asks (the appearances `year` and
/// `month-year`); ODK stores the rest as the first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    Full,
    /// `month-year`: stored as `YYYY-MM-01`.
    Month,
    /// `year`: stored as `YYYY-01-01`.
    Year,
}

/// A date question's answer as typed when it asks only a month or a year:
/// `2020` for a year; `03/2020`, `3/2020`, `2020-03` or `032020` for a
/// month. A whole date is taken too, cut to what is asked.
pub fn parse_date_part(s: &str, part: DatePart) -> Result<String, TypeError> {
    let s = s.trim();
    let year = |y: &str| {
        (y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
            .then(|| y.parse::<i16>().ok())
            .flatten()
            .filter(|y| *y >= 1)
    };
    let month = |m: &str| {
        (!m.is_empty() && m.len() <= 2 && m.chars().all(|c| c.is_ascii_digit()))
            .then(|| m.parse::<i8>().ok())
            .flatten()
            .filter(|m| (1..=12).contains(m))
    };
    let (y, m) = match part {
        DatePart::Full => return parse_date(s),
        DatePart::Year => match year(s) {
            Some(y) => (y, 1),
            None => {
                let d = date_of(s).ok_or(TypeError::NotYear)?;
                (d.year(), 1)
            }
        },
        DatePart::Month => {
            let split = s
                .split_once(['/', '-', '.', ' '])
                .map(|(a, b)| (a.trim(), b.trim()));
            let found = match split {
                Some((a, b)) if a.len() == 4 => year(a).zip(month(b)),
                Some((a, b)) => year(b).zip(month(a)),
                None => s
                    .get(2..)
                    .and_then(year)
                    .zip(s.get(..2).and_then(month))
                    .filter(|_| s.len() == 6),
            };
            match found {
                Some(ym) => ym,
                None => {
                    let d = date_of(s).ok_or(TypeError::NotMonth)?;
                    (d.year(), d.month())
                }
            }
        }
    };
    Date::new(y, m, 1)
        .map(temporal::date_text)
        .map_err(|_| match part {
            DatePart::Year => TypeError::NotYear,
            _ => TypeError::NotMonth,
        })
}

/// A stored date as a question that asks only part of it shows it:
/// `2020` or `03/2020`.
pub fn shown_date_part(stored: &str, part: DatePart) -> String {
    match (date_of(stored), part) {
        (Some(d), DatePart::Year) => format!("{:04}", d.year()),
        (Some(d), DatePart::Month) => format!("{:02}/{:04}", d.month(), d.year()),
        _ => stored.to_string(),
    }
}

/// days and months. Returns the ISO form.
pub fn parse_date(s: &str) -> Result<String, TypeError> {
    match date_of(s) {
        Some(d) => Ok(temporal::date_text(d)),
        None if temporal::has_short_year(s) => Err(TypeError::TwoDigitYear),
        None => Err(TypeError::NotDate),
    }
}

pub fn date_of(s: &str) -> Option<Date> {
    temporal::read_date(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case("12000", Ok("12000"))]
    #[case(" +7 ", Ok("7"))]
    #[case("-0", Ok("0"))]
    #[case("1 000", Ok("1000"))]
    #[case("2147483647", Ok("2147483647"))]
    #[case("2147483648", Err(TypeError::IntegerTooLarge))]
    #[case("99999999999999999999999", Err(TypeError::IntegerTooLarge))]
    #[case("12a", Err(TypeError::NotInteger))]
    #[case("1.5", Err(TypeError::NotInteger))]
    #[case("", Err(TypeError::NotInteger))]
    #[case("-", Err(TypeError::NotInteger))]
    fn integers(#[case] input: &str, #[case] expected: Result<&str, TypeError>) {
        assert_eq!(parse_integer(input), expected.map(str::to_string));
    }

    #[rstest]
    #[case("3,5", Ok("3.5"))]
    #[case("3.50", Ok("3.5"))]
    #[case("-0.25", Ok("-0.25"))]
    #[case("10", Ok("10"))]
    #[case(".5", Ok("0.5"))]
    #[case("1.2.3", Err(TypeError::NotDecimal))]
    #[case("1e5", Err(TypeError::NotDecimal))]
    #[case("NaN", Err(TypeError::NotDecimal))]
    #[case(".", Err(TypeError::NotDecimal))]
    fn decimals(#[case] input: &str, #[case] expected: Result<&str, TypeError>) {
        assert_eq!(parse_decimal(input), expected.map(str::to_string));
    }

    #[rstest]
    #[case("2020-03-15", Ok("2020-03-15"))]
    #[case("15/03/2020", Ok("2020-03-15"))]
    #[case("5/3/2020", Ok("2020-03-05"))]
    #[case("15.03.2020", Ok("2020-03-15"))]
    #[case("15-03-2020", Ok("2020-03-15"))]
    #[case("31/02/2020", Err(TypeError::NotDate))]
    #[case("2020/03/15", Err(TypeError::NotDate))]
    #[case("15/03/20", Err(TypeError::TwoDigitYear))]
    #[case("15032020", Ok("2020-03-15"))]
    #[case("oggi", Err(TypeError::NotDate))]
    #[case("", Err(TypeError::NotDate))]
    fn dates(#[case] input: &str, #[case] expected: Result<&str, TypeError>) {
        assert_eq!(parse_date(input), expected.map(str::to_string));
    }

    #[rstest]
    #[case("14:30", Ok("14:30:00"))]
    #[case("9.05", Ok("09:05:00"))]
    #[case("23:59:59", Ok("23:59:59"))]
    #[case("24:00", Err(TypeError::NotTime))]
    #[case("14", Err(TypeError::NotTime))]
    #[case("14:3x", Err(TypeError::NotTime))]
    #[case("10:30:00.000+01:00", Ok("10:30:00+01:00"))]
    fn times(#[case] input: &str, #[case] expected: Result<&str, TypeError>) {
        assert_eq!(parse_time(input), expected.map(str::to_string));
    }

    #[rstest]
    #[case("15/03/2020 14:30", Ok("2020-03-15T14:30:00"))]
    #[case("2020-03-15T14:30:05+01:00", Ok("2020-03-15T14:30:05+01:00"))]
    // Milliseconds are kept (ODK writes them; see `crate::temporal`).
    #[case("2020-03-15T14:30:05.123-03:00", Ok("2020-03-15T14:30:05.123-03:00"))]
    #[case("2020-03-15T10:30:00.000+01:00", Ok("2020-03-15T10:30:00+01:00"))]
    #[case("2020-03-15 14:30Z", Ok("2020-03-15T14:30:00Z"))]
    #[case("2020-03-15", Err(TypeError::NotDateTime))]
    #[case("2020-03-15 25:00", Err(TypeError::NotDateTime))]
    #[case("2020-03-15 14:30+1", Err(TypeError::NotDateTime))]
    fn datetimes(#[case] input: &str, #[case] expected: Result<&str, TypeError>) {
        assert_eq!(parse_datetime(input), expected.map(str::to_string));
    }

    #[rstest]
    #[case("45.07 7.68", Ok("45.07 7.68"))]
    #[case(" -23.5505  -46.6333 760 5 ", Ok("-23.5505 -46.6333 760 5"))]
    #[case("45,07 7,68", Ok("45.07 7.68"))]
    #[case("91 0", Err(TypeError::NotGeopoint))]
    #[case("0 181", Err(TypeError::NotGeopoint))]
    #[case("45", Err(TypeError::NotGeopoint))]
    #[case("1 2 3 4 5", Err(TypeError::NotGeopoint))]
    #[case("1 2 3 -4", Err(TypeError::NotGeopoint))]
    #[case("a b", Err(TypeError::NotGeopoint))]
    fn geopoints(#[case] input: &str, #[case] expected: Result<&str, TypeError>) {
        assert_eq!(parse_geopoint(input), expected.map(str::to_string));
    }

    /// "Foundations" defect 2: a non-ASCII character in an offset panicked
    /// (a byte slice); Enter, Tab and import all check values here.
    #[rstest]
    #[case(Kind::DateTime, "2020-03-15 14:30+1é:0")]
    #[case(Kind::DateTime, "2020-03-15 14:30+01:0é")]
    #[case(Kind::DateTime, "2020-03-15 14:30é")]
    #[case(Kind::DateTime, "2020-03-15 1é:30")]
    #[case(Kind::DateTime, "2020-03-1é 14:30")]
    #[case(Kind::DateTime, "é2020-03-15T14:30")]
    #[case(Kind::DateTime, "2020-03-15T14:30:00.1é+01:00")]
    #[case(Kind::Time, "14:30+1é:0")]
    #[case(Kind::Time, "1é:30")]
    #[case(Kind::Time, "14:30:00.é")]
    #[case(Kind::Date, "2020-0é-15")]
    #[case(Kind::Date, "15/03/202é")]
    #[case(Kind::Date, "١٥/٠٣/٢٠٢٠")]
    fn non_ascii_date_text_is_an_error(#[case] kind: Kind, #[case] text: &str) {
        let expected = match kind {
            Kind::Date => TypeError::NotDate,
            Kind::Time => TypeError::NotTime,
            _ => TypeError::NotDateTime,
        };
        assert_eq!(canonical(kind, text), Err(expected));
    }

    fn all_kinds() -> Vec<Kind> {
        let mut kinds = vec![
            Kind::Group,
            Kind::Repeat,
            Kind::Text,
            Kind::Integer,
            Kind::Decimal,
            Kind::Date,
            Kind::Time,
            Kind::DateTime,
            Kind::Range,
            Kind::Geopoint,
            Kind::Geotrace,
            Kind::Geoshape,
            Kind::Barcode,
            Kind::SelectOne,
            Kind::SelectMultiple,
            Kind::Rank,
            Kind::Acknowledge,
            Kind::Note,
            Kind::Calculate,
            Kind::Hidden,
        ];
        kinds.extend(super::super::MetaKind::ALL.map(Kind::Meta));
        kinds.extend(super::super::Media::ALL.map(Kind::Media));
        kinds
    }

    #[test]
    fn a_year_or_a_month_is_stored_as_its_first_day() {
        let y = |s| parse_date_part(s, DatePart::Year);
        let m = |s| parse_date_part(s, DatePart::Month);
        assert_eq!(y("2020"), Ok("2020-01-01".into()));
        assert_eq!(y("15/03/2020"), Ok("2020-01-01".into()));
        assert_eq!(y("20"), Err(TypeError::NotYear));
        assert_eq!(m("03/2020"), Ok("2020-03-01".into()));
        assert_eq!(m("3/2020"), Ok("2020-03-01".into()));
        assert_eq!(m("2020-03"), Ok("2020-03-01".into()));
        assert_eq!(m("032020"), Ok("2020-03-01".into()));
        assert_eq!(m("2020-03-15"), Ok("2020-03-01".into()));
        assert_eq!(m("13/2020"), Err(TypeError::NotMonth));
        assert_eq!(m("é2020"), Err(TypeError::NotMonth));
        assert_eq!(shown_date_part("2020-03-01", DatePart::Month), "03/2020");
        assert_eq!(shown_date_part("2020-01-01", DatePart::Year), "2020");
    }

    proptest! {
        /// Any text for a year or a month: a first day of it, or an
        /// error, never a panic; what is stored reads back as itself.
        #[test]
        fn date_parts_never_panic(text in crate::temporal::tests::any_text()) {
            for part in [DatePart::Year, DatePart::Month] {
                if let Ok(d) = parse_date_part(&text, part) {
                    prop_assert_eq!(parse_date_part(&d, part), Ok(d.clone()));
                    prop_assert!(d.ends_with("-01"));
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Every kind on every text: an answer or an error, never a panic,
        /// and an answer is its own canonical text.
        #[test]
        fn canonical_never_panics_and_is_idempotent(
            text in crate::temporal::tests::any_text(),
        ) {
            for kind in all_kinds() {
                if let Ok(c) = canonical(kind, &text) {
                    prop_assert_eq!(canonical(kind, &c), Ok(c.clone()), "{:?} {:?}", kind, text);
                }
            }
        }
    }
}
