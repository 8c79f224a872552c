//! Dates, times and date-times read from text and written back, for every
//! layer above (`expr` reads them in expressions, `form` checks answers,
//! `export` writes ODK Collect's forms).
//!
//! The reading is jiff's `strptime` (`jiff::fmt::strtime`): it reads the
//! digits, checks the ranges and the calendar. What jiff reads more freely
//! than JavaRosa and the operators' habits allow (signed or short years,
//! blanks inside fields) and the forms it does not know (day-first dates,
//! `.` between hours and minutes, `Z`) are the few rules in `rules`.
//!
//! Canonical stored text: `YYYY-MM-DD`, `HH:MM:SS` and `YYYY-MM-DDTHH:MM:SS`,
//! then `.sss` when the value has milliseconds and the offset (`Z` or
//! `±HH:MM`) when one was written. Fractions are kept to the millisecond
//! because that is what JavaRosa holds and what ODK Collect and Central write
//! (`10:30:00.123+01:00`): nothing finer can come from them or go back to
//! them, and dropping the milliseconds an import brought would change its
//! data. A zero fraction is not written, so what operators type and what
//! older versions stored (`14:30:00`, `2020-03-15T14:30:05+01:00`) keep their
//! text.

mod odk;
mod rules;
#[cfg(test)]
pub(crate) mod tests;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;

pub use odk::{odk_datetime, odk_time, odk_zoned};

/// A UTC offset as it was written: `Z` is kept apart from `+00:00` so that
/// stored text reads back to the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrittenOffset {
    Zulu,
    Fixed(Offset),
}

impl WrittenOffset {
    pub fn offset(self) -> Offset {
        match self {
            WrittenOffset::Zulu => Offset::UTC,
            WrittenOffset::Fixed(o) => o,
        }
    }

    /// `Z` or `±HH:MM`.
    fn canonical(self) -> String {
        match self {
            WrittenOffset::Zulu => "Z".into(),
            WrittenOffset::Fixed(o) => offset_text(o),
        }
    }
}

/// A time of day and, when the text had one, its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub time: Time,
    pub offset: Option<WrittenOffset>,
}

impl Clock {
    /// `HH:MM:SS[.sss][offset]`.
    pub fn canonical(&self) -> String {
        let offset = self.offset.map(WrittenOffset::canonical);
        format!("{}{}", clock_text(self.time), offset.unwrap_or_default())
    }
}

/// A civil date-time and, when the text had one, its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub datetime: DateTime,
    pub offset: Option<WrittenOffset>,
}

impl Moment {
    /// `YYYY-MM-DDTHH:MM:SS[.sss][offset]`.
    pub fn canonical(&self) -> String {
        let clock = Clock {
            time: self.datetime.time(),
            offset: self.offset,
        };
        format!("{}T{}", date_text(self.datetime.date()), clock.canonical())
    }
}

/// A date as operators type it and imports bring it: `2020-03-15`,
/// `15/03/2020`, `15-03-2020`, `15.03.2020`, one-digit days and months.
pub fn read_date(text: &str) -> Option<Date> {
    let text = text.trim();
    // As paper forms have it in boxes: `15032020`, day first.
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Date::strptime("%d%m%Y", text).ok();
    }
    rules::OPERATOR.date(text)
}

/// A date written with a two-digit year (`15/03/20`, `150320`): refused
/// with its own message, as `20` could be 1920 or 2020.
pub fn has_short_year(text: &str) -> bool {
    let text = text.trim();
    if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let groups: Vec<&str> = text.split(['/', '.', '-']).collect();
    groups.len() == 3
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups[0].len() <= 2
        && groups[1].len() <= 2
        && groups[2].len() == 2
}

/// A time as operators type it (`14:30`, `9.05`, `14:30:05`) or as ODK
/// writes it (`10:30:00.000+01:00`): a fraction and a `Z` or `±HH:MM` offset
/// may follow.
pub fn read_time(text: &str) -> Option<Clock> {
    rules::OPERATOR.clock(text.trim())
}

/// A date of [`read_date`], a space or `T`, a time of [`read_time`].
pub fn read_datetime(text: &str) -> Option<Moment> {
    let (date, clock) = rules::OPERATOR.date_and_clock(text.trim())?;
    Some(Moment {
        datetime: date.to_datetime(clock.time),
        offset: clock.offset,
    })
}

/// A date or date-time as JavaRosa reads one in an expression: `YYYY-M-D`,
/// optionally `T` and `H:M[:S[.fraction]]` with a `Z`, `z`, `±HH:MM`,
/// `±HHMM` or `±HH` offset; blanks around are ignored. The clock is `None`
/// for a plain date.
pub fn read_iso(text: &str) -> Option<(Date, Option<Clock>)> {
    let text = text.trim();
    match rules::ISO.date(text) {
        Some(date) => Some((date, None)),
        None => rules::ISO
            .date_and_clock(text)
            .map(|(date, clock)| (date, Some(clock))),
    }
}

/// `YYYY-MM-DD`.
pub fn date_text(d: Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

/// `HH:MM:SS`, then `.sss` unless the milliseconds are zero.
fn clock_text(t: Time) -> String {
    let pattern = if t.millisecond() == 0 {
        "%H:%M:%S"
    } else {
        "%H:%M:%S%.3f"
    };
    t.strftime(pattern).to_string()
}

/// `±HH:MM`; seconds of an offset (only historical local mean times have
/// them) are dropped, as the lexical forms of XML Schema have no place for
/// them.
fn offset_text(o: Offset) -> String {
    let sign = if o.is_negative() { '-' } else { '+' };
    let minutes = o.seconds().unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}
