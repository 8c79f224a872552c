//! ODK Collect's lexical forms of times and date-times, for export:
//! `HH:MM:SS.sss±HH:MM` and `YYYY-MM-DDTHH:MM:SS.sss±HH:MM`. Collect always
//! writes the milliseconds and a numeric offset; a stored value without an
//! offset was local time, so it takes the offset its time zone had then.

use jiff::ZonedDateTime;
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

use super::{WrittenOffset, offset_text, read_datetime, read_time};

/// A stored time as ODK Collect writes it, e.g. `10:30:00.000+01:00`. A time
/// stored without an offset takes that of `tz` on the day `on` (the day the
/// answer was given: a summer day in Europe/Rome gives `+02:00`). `None`
/// when `stored` is not a time.
pub fn odk_time(stored: &str, tz: &TimeZone, on: Date) -> Option<String> {
    let clock = read_time(stored)?;
    let offset = match clock.offset {
        Some(written) => written.offset(),
        None => local_offset(tz, on.to_datetime(clock.time)),
    };
    Some(format!(
        "{}{}",
        clock.time.strftime("%H:%M:%S%.3f"),
        offset_text(offset)
    ))
}

/// A stored date-time as ODK Collect writes it, e.g.
/// `2020-03-15T10:30:00.000+01:00`. A date-time stored without an offset
/// takes the one `tz` had at that date and time. `None` when `stored` is not
/// a date-time.
pub fn odk_datetime(stored: &str, tz: &TimeZone) -> Option<String> {
    let moment = read_datetime(stored)?;
    let offset = moment
        .offset
        .map(WrittenOffset::offset)
        .unwrap_or_else(|| local_offset(tz, moment.datetime));
    Some(format!(
        "{}{}",
        moment.datetime.strftime("%Y-%m-%dT%H:%M:%S%.3f"),
        offset_text(offset)
    ))
}

/// An instant in ODK Collect's date-time form (what JavaRosa shows for a
/// date-time value in expressions too).
pub fn odk_zoned(z: &ZonedDateTime) -> String {
    format!(
        "{}{}",
        z.datetime().strftime("%Y-%m-%dT%H:%M:%S%.3f"),
        offset_text(z.offset())
    )
}

/// The offset of `tz` at the civil `dt`, keeping `dt` as written. In a gap
/// (the hour skipped when summer time starts) and in a fold (the hour
/// repeated when it ends) this is the offset before the transition, so the
/// instant is the one jiff's default ("compatible") reading gives.
fn local_offset(tz: &TimeZone, dt: DateTime) -> Offset {
    match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        AmbiguousOffset::Gap { before, .. } | AmbiguousOffset::Fold { before, .. } => before,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rstest::rstest;

    fn rome() -> TimeZone {
        TimeZone::get("Europe/Rome").unwrap()
    }

    #[rstest]
    #[case("10:30:00", date(2020, 1, 15), "10:30:00.000+01:00")]
    #[case("10:30:00", date(2020, 7, 15), "10:30:00.000+02:00")]
    #[case("10:30", date(2020, 7, 15), "10:30:00.000+02:00")]
    #[case("10:30:00.120", date(2020, 7, 15), "10:30:00.120+02:00")]
    #[case("10:30:00-03:00", date(2020, 7, 15), "10:30:00.000-03:00")]
    #[case("10:30:00Z", date(2020, 7, 15), "10:30:00.000+00:00")]
    #[case("10:30:00.000+01:00", date(2020, 7, 15), "10:30:00.000+01:00")]
    // 02:30 does not exist on 2020-03-29 in Rome: the offset before the gap.
    #[case("02:30:00", date(2020, 3, 29), "02:30:00.000+01:00")]
    // 02:30 happens twice on 2020-10-25 in Rome: the first one.
    #[case("02:30:00", date(2020, 10, 25), "02:30:00.000+02:00")]
    fn times_as_collect_writes_them(#[case] stored: &str, #[case] on: Date, #[case] odk: &str) {
        assert_eq!(odk_time(stored, &rome(), on).as_deref(), Some(odk));
    }

    #[rstest]
    #[case("2020-01-15T10:30:00", "2020-01-15T10:30:00.000+01:00")]
    #[case("2020-07-15T10:30:00", "2020-07-15T10:30:00.000+02:00")]
    #[case("2020-07-15T10:30:00.5", "2020-07-15T10:30:00.500+02:00")]
    #[case("2020-03-15T14:30:05+01:00", "2020-03-15T14:30:05.000+01:00")]
    #[case("2020-07-15T10:30:00+01:00", "2020-07-15T10:30:00.000+01:00")]
    #[case("2020-07-15T10:30:00Z", "2020-07-15T10:30:00.000+00:00")]
    #[case("2020-03-29T02:30:00", "2020-03-29T02:30:00.000+01:00")]
    #[case("2020-10-25T02:30:00", "2020-10-25T02:30:00.000+02:00")]
    #[case("2020-10-25T03:30:00", "2020-10-25T03:30:00.000+01:00")]
    fn datetimes_as_collect_writes_them(#[case] stored: &str, #[case] odk: &str) {
        assert_eq!(odk_datetime(stored, &rome()).as_deref(), Some(odk));
    }

    #[test]
    fn a_fixed_zone_gives_its_offset() {
        let tz = TimeZone::fixed(Offset::constant(-3));
        assert_eq!(
            odk_time("23:59:59.999", &tz, date(2020, 7, 15)).as_deref(),
            Some("23:59:59.999-03:00")
        );
        assert_eq!(
            odk_datetime("2020-07-15T00:00:00", &TimeZone::UTC).as_deref(),
            Some("2020-07-15T00:00:00.000+00:00")
        );
        let half = TimeZone::fixed(Offset::from_seconds(-(3 * 3600 + 1800)).unwrap());
        assert_eq!(
            odk_datetime("2020-07-15T00:00:00", &half).as_deref(),
            Some("2020-07-15T00:00:00.000-03:30")
        );
    }

    #[rstest]
    #[case("")]
    #[case("10:30:00+1é:0")]
    #[case("2020-03-15")]
    #[case("25:00")]
    fn not_a_time(#[case] stored: &str) {
        assert_eq!(odk_time(stored, &rome(), date(2020, 7, 15)), None);
        assert_eq!(odk_datetime(stored, &rome()), None);
    }

    #[test]
    fn zoned_values_print_with_milliseconds() {
        let z: ZonedDateTime = "2020-05-11T10:30:00.5+02:00[Europe/Rome]".parse().unwrap();
        assert_eq!(odk_zoned(&z), "2020-05-11T10:30:00.500+02:00");
        let lmt = date(1850, 1, 1)
            .at(0, 0, 0, 0)
            .to_zoned_datetime(rome())
            .unwrap();
        // Rome's local mean time, +00:49:56, has no place for its seconds.
        assert_eq!(odk_zoned(&lmt), "1850-01-01T00:00:00.000+00:49");
    }
}
