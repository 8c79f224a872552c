//! Answers as typed by an operator, turned into the canonical text that is stored
//! and exported (XForm lexical forms): integers without sign noise, decimals with a
//! point, dates as ISO `YYYY-MM-DD`.

use super::Kind;
use jiff::civil::Date;

/// Why a typed value is not a value of its type. The text is English; the TUI
/// translates by variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    NotInteger,
    IntegerTooLarge,
    NotDecimal,
    NotDate,
    NotTime,
    NotDateTime,
    /// Not "lat lon [alt [acc]]" with latitude in -90..90 and longitude in -180..180.
    NotGeopoint,
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
        _ => Ok(text.to_string()),
    }
}

/// `14:30` or `14:30:05` (also with `.` as separator) -> `14:30:00`.
pub fn parse_time(s: &str) -> Result<String, TypeError> {
    time_of(s)
        .map(|t| t.strftime("%H:%M:%S").to_string())
        .ok_or(TypeError::NotTime)
}

pub fn time_of(s: &str) -> Option<jiff::civil::Time> {
    let t = s.trim();
    let parts: Vec<&str> = t.split([':', '.']).collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |i: usize| parts.get(i).map_or(Some(0), |p| p.parse::<i8>().ok());
    jiff::civil::Time::new(n(0)?, n(1)?, n(2)?, 0).ok()
}

/// A date and a time, separated by a space or `T` (`15/03/2020 14:30`,
/// `2020-03-15T14:30:00+01:00`) -> ISO `2020-03-15T14:30:00`, with the offset
/// when one was given.
pub fn parse_datetime(s: &str) -> Result<String, TypeError> {
    let t = s.trim();
    let (date, rest) = t.split_once(['T', ' ']).ok_or(TypeError::NotDateTime)?;
    let date = date_of(date).ok_or(TypeError::NotDateTime)?;
    let rest = rest.trim();
    let (time, offset) = match rest
        .find(['+', 'Z'])
        .or_else(|| rest.rfind('-').filter(|&i| i > 0))
    {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    // Fractions of a second are dropped: `14:30:05.123` -> `14:30:05`.
    let time = match time.split_once('.') {
        Some((whole, _)) if time.matches(':').count() == 2 => whole,
        _ => time,
    };
    let time = time_of(time).ok_or(TypeError::NotDateTime)?;
    let offset = match offset {
        "" => String::new(),
        "Z" => "Z".into(),
        o => {
            let valid = o.len() == 6
                && o[1..3].bytes().all(|b| b.is_ascii_digit())
                && &o[3..4] == ":"
                && o[4..].bytes().all(|b| b.is_ascii_digit());
            if !valid {
                return Err(TypeError::NotDateTime);
            }
            o.to_string()
        }
    };
    Ok(format!("{date}T{}{offset}", time.strftime("%H:%M:%S")))
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
/// days and months. Returns the ISO form.
pub fn parse_date(s: &str) -> Result<String, TypeError> {
    date_of(s).map(|d| d.to_string()).ok_or(TypeError::NotDate)
}

pub fn date_of(s: &str) -> Option<Date> {
    let t = s.trim();
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let num = |p: &str| p.parse::<i16>().ok();
    let (y, m, d) = if parts[0].len() == 4 && t.contains('-') && !t.contains('/') {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?)
    } else if parts[2].len() == 4 {
        (num(parts[2])?, num(parts[1])?, num(parts[0])?)
    } else {
        return None;
    };
    let m = i8::try_from(m).ok()?;
    let d = i8::try_from(d).ok()?;
    Date::new(y, m, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
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
    #[case("15/03/20", Err(TypeError::NotDate))]
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
    fn times(#[case] input: &str, #[case] expected: Result<&str, TypeError>) {
        assert_eq!(parse_time(input), expected.map(str::to_string));
    }

    #[rstest]
    #[case("15/03/2020 14:30", Ok("2020-03-15T14:30:00"))]
    #[case("2020-03-15T14:30:05+01:00", Ok("2020-03-15T14:30:05+01:00"))]
    #[case("2020-03-15T14:30:05.123-03:00", Ok("2020-03-15T14:30:05-03:00"))]
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
}
