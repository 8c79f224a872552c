use super::*;
use jiff::civil::{date, time};
use proptest::prelude::*;
use rstest::rstest;

fn canonical_date(s: &str) -> Option<String> {
    read_date(s).map(date_text)
}

fn canonical_time(s: &str) -> Option<String> {
    read_time(s).map(|c| c.canonical())
}

fn canonical_datetime(s: &str) -> Option<String> {
    read_datetime(s).map(|m| m.canonical())
}

#[rstest]
#[case("2020-03-15", Some("2020-03-15"))]
#[case("2020-3-5", Some("2020-03-05"))]
#[case("15/03/2020", Some("2020-03-15"))]
#[case("5/3/2020", Some("2020-03-05"))]
#[case("15-03-2020", Some("2020-03-15"))]
#[case("15.03.2020", Some("2020-03-15"))]
#[case(" 15.03.2020 ", Some("2020-03-15"))]
#[case("0999-01-01", Some("0999-01-01"))]
#[case("29/02/2019", None)]
#[case("2020/03/15", None)]
#[case("2020.03.15", None)]
#[case("15/03/20", None)]
#[case("15/03/020", None)]
#[case("15/03/02020", None)]
#[case("20-03-15", None)]
#[case("+2020-03-15", None)]
#[case("-2020-03-15", None)]
#[case("15/03/+2020", None)]
#[case("10-01--1000", None)]
#[case("10/01/-1000", None)]
#[case("-10-01-1000", None)]
#[case("15/ 3/2020", None)]
#[case("2020- 3-15", None)]
#[case("15/03-2020", None)]
#[case("15/03/2020/", None)]
#[case("2020-03-15T10:00", None)]
#[case("", None)]
fn dates(#[case] input: &str, #[case] expected: Option<&str>) {
    assert_eq!(canonical_date(input).as_deref(), expected);
}

#[rstest]
#[case("14:30", Some("14:30:00"))]
#[case("9:5", Some("09:05:00"))]
#[case("9.05", Some("09:05:00"))]
#[case("9.05.30", Some("09:05:30"))]
#[case("14:30:05", Some("14:30:05"))]
#[case("10:30:00.000+01:00", Some("10:30:00+01:00"))]
#[case("10:30:00.120+01:00", Some("10:30:00.120+01:00"))]
#[case("10:30:00.1239", Some("10:30:00.123"))]
#[case("10:30:00.0009", Some("10:30:00"))]
#[case("10:30Z", Some("10:30:00Z"))]
#[case("10:30-00:00", Some("10:30:00+00:00"))]
// jiff, like RFC 3339 and Temporal, reads a leap second as the 59th.
#[case("23:59:60", Some("23:59:59"))]
#[case("24:00", None)]
#[case("14", None)]
#[case("14:3x", None)]
#[case("14: 30", None)]
#[case("14:30.05", None)]
#[case("10:30:00.", None)]
#[case("10:30:00.1234567890", None)]
#[case("10:30+01", None)]
#[case("10:30+0100", None)]
#[case("10:30+01:00:30", None)]
#[case("10:30z", None)]
#[case("10:30 +01:00", None)]
fn times(#[case] input: &str, #[case] expected: Option<&str>) {
    assert_eq!(canonical_time(input).as_deref(), expected);
}

#[rstest]
#[case("15/03/2020 14:30", Some("2020-03-15T14:30:00"))]
#[case("15/03/2020   14:30", Some("2020-03-15T14:30:00"))]
// A no-break space, as spreadsheets write, separates like a space.
#[case("15/03/2020\u{a0}14:30", Some("2020-03-15T14:30:00"))]
#[case("15.03.2020 9.05", Some("2020-03-15T09:05:00"))]
#[case("15-03-2020T14:30", Some("2020-03-15T14:30:00"))]
#[case("2020-03-15T14:30:05+01:00", Some("2020-03-15T14:30:05+01:00"))]
#[case("2020-03-15T10:30:00.000+01:00", Some("2020-03-15T10:30:00+01:00"))]
#[case("2020-03-15T10:30:00.5-03:30", Some("2020-03-15T10:30:00.500-03:30"))]
#[case("2020-03-15 14:30Z", Some("2020-03-15T14:30:00Z"))]
#[case("2020-03-15", None)]
#[case("2020-03-15T", None)]
#[case("2020-03-15 25:00", None)]
#[case("2020-03-15 14:30+1", None)]
#[case("2020-03-15t14:30", None)]
#[case("2020-03-1514:30", None)]
#[case("15/03/20 14:30", None)]
fn datetimes(#[case] input: &str, #[case] expected: Option<&str>) {
    assert_eq!(canonical_datetime(input).as_deref(), expected);
}

/// The panic of "Foundations" defect 2 was a byte slice of the offset:
/// non-ASCII text anywhere is refused, never a panic.
#[rstest]
#[case("2020-03-15 14:30+1é:0")]
#[case("2020-03-15 14:30+é1:00")]
#[case("2020-03-15 14:30+01:0é")]
#[case("2020-03-15 14:30é")]
#[case("2020-03-15 14:3é")]
#[case("2020-03-15 1é:30")]
#[case("2020-03-15é14:30")]
#[case("2020-03-1é 14:30")]
#[case("é2020-03-15 14:30")]
#[case("15/0é/2020 14:30")]
#[case("2020-03-15 ١٤:٣٠")]
#[case("2020-03-15T14:30:00.1é+01:00")]
fn non_ascii_date_times_are_refused(#[case] input: &str) {
    assert_eq!(read_datetime(input), None);
    assert_eq!(read_iso(&input.replace(' ', "T")), None);
}

#[rstest]
#[case("14:30+1é:0")]
#[case("14:30é")]
#[case("1é:30")]
#[case("é14:30")]
#[case("14:30:00.é")]
#[case("14:30:00.1é")]
#[case("١٤:٣٠")]
fn non_ascii_times_are_refused(#[case] input: &str) {
    assert_eq!(read_time(input), None);
}

#[rstest]
#[case("2020-0é-15")]
#[case("15/03/202é")]
#[case("é15/03/2020")]
#[case("١٥/٠٣/٢٠٢٠")]
fn non_ascii_dates_are_refused(#[case] input: &str) {
    assert_eq!(read_date(input), None);
    assert_eq!(read_iso(input), None);
}

/// A date and maybe a time and an offset in seconds.
type IsoReading = (Date, Option<(Time, Option<i32>)>);

#[rstest]
#[case("2020-01-01", Some((date(2020, 1, 1), None)))]
#[case("2020-1-5", Some((date(2020, 1, 5), None)))]
#[case(" 2020-02-29 ", Some((date(2020, 2, 29), None)))]
#[case("2026-08-07T9:5", Some((date(2026, 8, 7), Some((time(9, 5, 0, 0), None)))))]
#[case(
    "2026-08-07T06:31:13.834-03:00",
    Some((date(2026, 8, 7), Some((time(6, 31, 13, 834_000_000), Some(-3 * 3600)))))
)]
#[case(
    "2026-08-07T06:31:13.123456789Z",
    Some((date(2026, 8, 7), Some((time(6, 31, 13, 123_456_789), Some(0)))))
)]
#[case("2026-08-07T23:59z", Some((date(2026, 8, 7), Some((time(23, 59, 0, 0), Some(0))))))]
#[case(
    "2026-08-07T10:00:00+0530",
    Some((date(2026, 8, 7), Some((time(10, 0, 0, 0), Some(19_800)))))
)]
#[case("2026-08-07T10:00+05", Some((date(2026, 8, 7), Some((time(10, 0, 0, 0), Some(18_000))))))]
#[case("2019-02-29", None)]
#[case("20-01-01", None)]
#[case("15/03/2020", None)]
#[case("2026-08-07 10:00", None)]
#[case("2026-08-07T10:00:00.1234567890", None)]
#[case("2026-08-07T10:00:00+5", None)]
#[case("2026-08-07T10:00:00+99:00", None)]
#[case("2026-08-07T10.00", None)]
fn iso_readings(#[case] input: &str, #[case] expected: Option<IsoReading>) {
    let got = read_iso(input).map(|(d, clock)| {
        let clock = clock.map(|c| (c.time, c.offset.map(|o| o.offset().seconds())));
        (d, clock)
    });
    assert_eq!(got, expected);
}

/// Text that older versions stored keeps its exact text.
#[rstest]
#[case("14:30:00")]
#[case("2020-03-15T14:30:00")]
#[case("2020-03-15T14:30:05+01:00")]
#[case("2020-03-15T14:30:05-03:00")]
#[case("2020-03-15T14:30:00Z")]
fn stored_text_is_unchanged(#[case] stored: &str) {
    let again = if stored.contains('T') {
        canonical_datetime(stored)
    } else {
        canonical_time(stored)
    };
    assert_eq!(again.as_deref(), Some(stored));
}

/// Dates, times and date-times as people and programs write them, most of
/// them valid, some with a field out of range.
pub(crate) fn date_like() -> impl Strategy<Value = String> {
    const D: &str = "(0?[1-9]|[12][0-9]|3[01])";
    const M: &str = "(0?[1-9]|1[0-2])";
    const Y: &str = "[12][0-9]{3}";
    const H: &str = "([01]?[0-9]|2[0-4])";
    const MS: &str = "[0-6]?[0-9]";
    const OFFSET: &str = "(Z|z|[+-](0[0-9]|1[0-4]|2[4-6])(:?[0-5][0-9](:[0-5][0-9])?)?)?";
    let date = format!("({Y}-{M}-{D}|{D}/{M}/{Y}|{D}-{M}-{Y}|{D}\\.{M}\\.{Y})");
    let time = format!("({H}:{MS}(:{MS}(\\.[0-9]{{1,10}})?)?|{H}\\.{MS}(\\.{MS})?){OFFSET}");
    let regex = |r: String| proptest::string::string_regex(&r).unwrap();
    prop_oneof![
        regex(date.clone()),
        regex(time.clone()),
        regex(format!("{date}( {{1,2}}|T){time}")),
    ]
}

/// [`date_like`] text, as it is or with one character spliced in anywhere:
/// one of the separators and digits, or any character at all.
pub(crate) fn spliced() -> impl Strategy<Value = String> {
    let extra = prop_oneof![
        3 => Just(None),
        1 => proptest::sample::select("-/.:+TZz 09é".chars().collect::<Vec<_>>()).prop_map(Some),
        1 => any::<char>().prop_map(Some),
    ];
    (date_like(), extra, any::<prop::sample::Index>()).prop_map(|(s, c, at)| {
        let mut chars: Vec<char> = s.chars().collect();
        if let Some(c) = c {
            chars.insert(at.index(chars.len() + 1), c);
        }
        chars.into_iter().collect()
    })
}

/// Any text, printable text, and date-like text with a character spliced in.
pub(crate) fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![1 => any::<String>(), 1 => "\\PC*", 6 => spliced()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn readers_never_panic(s in any_text()) {
        let _ = read_date(&s);
        let _ = read_time(&s);
        let _ = read_datetime(&s);
        let _ = read_iso(&s);
    }

    #[test]
    fn canonical_text_reads_back_to_itself(s in any_text()) {
        if let Some(c) = canonical_date(&s) {
            prop_assert_eq!(canonical_date(&c), Some(c.clone()));
            prop_assert!(read_iso(&c).is_some(), "{}", c);
        }
        if let Some(c) = canonical_time(&s) {
            prop_assert_eq!(canonical_time(&c), Some(c.clone()));
        }
        if let Some(c) = canonical_datetime(&s) {
            prop_assert_eq!(canonical_datetime(&c), Some(c.clone()));
            prop_assert!(read_iso(&c).is_some(), "{}", c);
        }
    }

    #[test]
    fn every_valid_datetime_round_trips(
        y in 1000i16..=9999, m in 1i8..=12, d in 1i8..=28,
        h in 0i8..=23, mi in 0i8..=59, s in 0i8..=59, ms in 0i32..=999,
        off in prop::option::of(-(25 * 60)..=(25 * 60i32)),
    ) {
        let offset = off.map(|min| WrittenOffset::Fixed(Offset::from_seconds(min * 60).unwrap()));
        let moment = Moment {
            datetime: date(y, m, d).at(h, mi, s, ms * 1_000_000),
            offset,
        };
        let text = moment.canonical();
        prop_assert_eq!(read_datetime(&text), Some(moment), "{}", text);
        let (day, clock) = read_iso(&text).unwrap();
        prop_assert_eq!(day.to_datetime(clock.unwrap().time), moment.datetime);
    }
}
