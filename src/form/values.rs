//! Answers as typed by an operator, turned into the canonical text that is stored
//! and exported (XForm lexical forms): integers without sign noise, decimals with a
//! point, dates as ISO `YYYY-MM-DD`.

use jiff::civil::Date;

/// Why a typed value is not a value of its type. The text is English; the TUI
/// translates by variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    NotInteger,
    IntegerTooLarge,
    NotDecimal,
    NotDate,
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
}
