//! Number conversions with JavaRosa's rules: string -> number, number -> string,
//! `round()` and `int()`.

/// Tolerance JavaRosa uses when it decides that a double "is" an integer, is
/// zero, or equals another double.
pub(crate) const EPSILON: f64 = 1.0e-12;

/// XPath `number()` of a string, as JavaRosa does it: commas become dots (some
/// locales write decimals that way), ASCII control characters and spaces are
/// trimmed, and only `-`, `.` and ASCII digits are allowed, so exponents,
/// `+5`, `Infinity` and `NaN` all give NaN. The empty string gives NaN.
pub(crate) fn parse_number(s: &str) -> f64 {
    let trimmed = s.trim_matches(|c: char| c <= ' ');
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = 0usize;
    let mut dots = 0usize;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' | b',' => dots += 1,
            _ => return f64::NAN,
        }
    }
    if digits == 0 || dots > 1 {
        return f64::NAN;
    }
    let parsed = if body.contains(',') {
        body.replace(',', ".").parse::<f64>()
    } else {
        body.parse::<f64>()
    };
    match parsed {
        Ok(v) if negative => -v,
        Ok(v) => v,
        Err(_) => f64::NAN,
    }
}

/// XPath `string()` of a number, following JavaRosa: NaN -> `NaN`, values within
/// 1e-12 of zero -> `0`, infinities -> `Infinity`/`-Infinity`, values within 1e-12
/// of their integer part -> that integer without a decimal point, everything
/// else -> the shortest decimal that reads back to the same double, never in
/// exponent notation (`1e21` -> `1000000000000000000000`, `1e-7` -> `0.0000001`).
pub(crate) fn format_number(d: f64) -> String {
    if d.is_nan() {
        return "NaN".to_string();
    }
    if d.abs() < EPSILON {
        return "0".to_string();
    }
    if d.is_infinite() {
        return if d < 0.0 { "-Infinity" } else { "Infinity" }.to_string();
    }
    let t = d.trunc();
    if (d - t).abs() < EPSILON {
        // Rust prints integral doubles without a fractional part or exponent.
        return format!("{t}");
    }
    format!("{d}")
}

/// Java's `(int) d` cast: truncation toward zero, saturating at the `i32`
/// bounds, NaN -> 0. Rust's `as` has exactly these semantics.
pub(crate) fn java_int(d: f64) -> i32 {
    d as i32
}

/// XPath `int()`: truncate toward zero, leaving NaN, infinities and values
/// beyond the `i64` range untouched.
pub(crate) fn to_int(d: f64) -> f64 {
    if !d.is_finite() || d >= i64::MAX as f64 || d <= i64::MIN as f64 {
        d
    } else {
        d.trunc()
    }
}

/// JavaRosa's `round(number, places)`.
///
/// With `places >= 0` it rounds the shortest decimal representation of the
/// number, halves away from zero for positive numbers and toward zero for
/// negative ones (so `round(2.5) = 3`, `round(-1.5) = -1`, like Java's
/// `Math.round`), and `round(1.005, 2) = 1.01` because the decimal digits, not
/// the binary approximation, are rounded. With `places < 0` it reproduces
/// JavaRosa's `(long)(x / 10^-places + 0.5)` exactly, including its behaviour
/// on negative numbers. `|places| > 30` gives NaN; NaN and infinities are
/// returned unchanged.
pub(crate) fn java_round(number: f64, places: i32) -> f64 {
    if !number.is_finite() {
        return number;
    }
    if !(-30..=30).contains(&places) {
        return f64::NAN;
    }
    if places >= 0 {
        round_decimal_places(number, places)
    } else {
        round_negative_places(number, places)
    }
}

/// Shortest decimal digits of `|x|` and the decimal exponent of the first
/// digit: `x = 0.d1d2d3... * 10^(exp + 1)`.
fn decimal_digits(x: f64) -> Option<(Vec<u8>, i32)> {
    let text = format!("{:e}", x.abs());
    let (mantissa, exponent) = text.split_once('e')?;
    let exp: i32 = exponent.parse().ok()?;
    let digits = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    Some((digits, exp))
}

fn round_decimal_places(number: f64, places: i32) -> f64 {
    let negative = number < 0.0;
    let Some((digits, exp)) = decimal_digits(number) else {
        return number;
    };
    let int_digits = exp + 1;
    let keep = int_digits + places;
    let Ok(keep) = usize::try_from(keep) else {
        // Even the first dropped digit is a leading zero: the result is zero.
        return 0.0;
    };
    if keep >= digits.len() {
        return number;
    }
    let (kept, dropped) = digits.split_at(keep);
    let first_dropped = dropped.first().copied().unwrap_or(0);
    let rest_nonzero = dropped.iter().skip(1).any(|&d| d != 0);
    let round_up = first_dropped > 5 || (first_dropped == 5 && (rest_nonzero || !negative));
    let mut kept = kept.to_vec();
    if round_up {
        let mut carry = true;
        for d in kept.iter_mut().rev() {
            if *d == 9 {
                *d = 0;
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            kept.insert(0, 1);
        }
    }
    if kept.iter().all(|&d| d == 0) {
        return 0.0;
    }
    let mut text = String::with_capacity(kept.len() + 8);
    if negative {
        text.push('-');
    }
    text.extend(kept.iter().map(|&d| char::from(b'0' + d)));
    text.push('e');
    text.push_str(&(-places).to_string());
    text.parse().unwrap_or(number)
}

fn round_negative_places(number: f64, places: i32) -> f64 {
    let Some((digits, exp)) = decimal_digits(number) else {
        return number;
    };
    // number * 10^places computed on the decimal digits, then to the nearest double.
    let mut scaled_text = String::with_capacity(digits.len() + 8);
    if number < 0.0 {
        scaled_text.push('-');
    }
    scaled_text.extend(digits.iter().map(|&d| char::from(b'0' + d)));
    let digit_count = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let scale = exp
        .saturating_add(1)
        .saturating_sub(digit_count)
        .saturating_add(places);
    scaled_text.push_str(&format!("e{scale}"));
    let scaled: f64 = scaled_text.parse().unwrap_or(f64::NAN);
    // Java's (long) cast: truncation toward zero, saturating, NaN -> 0.
    let truncated = (scaled + 0.5) as i64;
    format!("{truncated}e{}", -places)
        .parse()
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[rstest]
    #[case("42", 42.0)]
    #[case(" 42 ", 42.0)]
    #[case("-7", -7.0)]
    #[case("3.5", 3.5)]
    #[case(".5", 0.5)]
    #[case("5.", 5.0)]
    #[case("-.5", -0.5)]
    #[case("1,5", 1.5)]
    #[case("007", 7.0)]
    #[case("\t12\n", 12.0)]
    fn parses_decimal_strings(#[case] input: &str, #[case] expected: f64) {
        assert_eq!(parse_number(input), expected);
    }

    #[rstest]
    #[case("")]
    #[case(" ")]
    #[case("abc")]
    #[case("1e5")]
    #[case("+5")]
    #[case("Infinity")]
    #[case("NaN")]
    #[case(".")]
    #[case("-")]
    #[case("--1")]
    #[case("1-2")]
    #[case("1.2.3")]
    #[case("1,234.5")]
    #[case("١٢")]
    fn rejects_non_decimal_strings(#[case] input: &str) {
        assert!(parse_number(input).is_nan(), "{input:?}");
    }

    #[rstest]
    #[case(5.0, "5")]
    #[case(-3.0, "-3")]
    #[case(3.5, "3.5")]
    #[case(-0.0, "0")]
    #[case(1e-13, "0")]
    #[case(0.1 + 0.2, "0.30000000000000004")]
    #[case(1.1 * 100.0, "110")]
    #[case(1e21, "1000000000000000000000")]
    #[case(1e-7, "0.0000001")]
    #[case(f64::NAN, "NaN")]
    #[case(f64::INFINITY, "Infinity")]
    #[case(f64::NEG_INFINITY, "-Infinity")]
    #[case(2.9999999999999996, "2.9999999999999996")]
    #[case(123456789012.5, "123456789012.5")]
    fn formats_numbers(#[case] input: f64, #[case] expected: &str) {
        assert_eq!(format_number(input), expected);
    }

    #[rstest]
    #[case(1.5, 0, 2.0)]
    #[case(2.5, 0, 3.0)]
    #[case(-1.5, 0, -1.0)]
    #[case(-2.5, 0, -2.0)]
    #[case(-1.6, 0, -2.0)]
    #[case(0.5, 0, 1.0)]
    #[case(0.4, 0, 0.0)]
    #[case(-0.4, 0, 0.0)]
    #[case(9.5, 0, 10.0)]
    #[case(99.96, 1, 100.0)]
    #[case(1.2345, 2, 1.23)]
    #[case(1.005, 2, 1.01)]
    #[case(0.05, 1, 0.1)]
    #[case(0.004, 1, 0.0)]
    #[case(1235.5, -2, 1200.0)]
    #[case(33.33, -1, 30.0)]
    #[case(1250.0, -2, 1300.0)]
    #[case(-1234.5, -2, -1100.0)]
    #[case(1e300, 2, 1e300)]
    #[case(12.0, 3, 12.0)]
    fn rounds_like_javarosa(#[case] x: f64, #[case] places: i32, #[case] expected: f64) {
        assert_eq!(java_round(x, places), expected);
    }

    #[test]
    fn round_special_values() {
        assert!(java_round(f64::NAN, 0).is_nan());
        assert_eq!(java_round(f64::INFINITY, 2), f64::INFINITY);
        assert!(java_round(1.0, 31).is_nan());
        assert!(java_round(1.0, -31).is_nan());
        assert_eq!(java_round(f64::MAX, -30), i64::MAX as f64 * 1e30);
    }

    #[test]
    fn int_truncates_toward_zero() {
        assert_eq!(to_int(1.9), 1.0);
        assert_eq!(to_int(-1.9), -1.0);
        assert!(to_int(f64::NAN).is_nan());
        assert_eq!(to_int(1e300), 1e300);
        assert_eq!(java_int(f64::NAN), 0);
        assert_eq!(java_int(1e20), i32::MAX);
    }

    proptest! {
        #[test]
        fn formatted_numbers_read_back(x in proptest::num::f64::NORMAL) {
            let text = format_number(x);
            prop_assert!(!text.contains('e') && !text.contains('E'));
            let back = parse_number(&text);
            prop_assert!((back - x).abs() < 1e-12 || back == x, "{x} -> {text} -> {back}");
        }

        #[test]
        fn round_never_panics(x in proptest::num::f64::ANY, places in -40i32..40) {
            let _ = java_round(x, places);
        }

        #[test]
        fn parse_number_never_panics(s in "\\PC*") {
            let _ = parse_number(&s);
        }
    }
}
