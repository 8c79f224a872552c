//! The two ways dates and times are written to rileva, as rules over jiff's
//! `strptime`: jiff reads each field and checks it; the rules say which
//! patterns are tried and refuse what `strptime` reads more freely than
//! wanted (it skips blanks before a number, takes a sign and one to four
//! digits for `%Y`, and reads any offset `%:z` can).

use jiff::civil::Date;
use jiff::fmt::strtime::BrokenDownTime;

use super::{Clock, WrittenOffset};

/// One way of writing a date: a `strptime` pattern whose fields are digits
/// apart from one separator byte, and where in it the year stands.
struct DateForm {
    pattern: &'static str,
    separator: u8,
    year_first: bool,
}

/// How a date and a time are separated in a date-time.
#[derive(Clone, Copy)]
enum Separator {
    /// `T` only (XML Schema, JavaRosa).
    T,
    /// `T` or blanks (operators type a space).
    TOrBlank,
}

pub(super) struct Dialect {
    dates: &'static [DateForm],
    separator: Separator,
    /// Clock patterns, longer first; each may be followed by an offset.
    clocks: &'static [&'static str],
    /// Texts that mean UTC.
    zulu: &'static [&'static str],
    /// Patterns of numeric offsets.
    offsets: &'static [&'static str],
}

const fn form(pattern: &'static str, separator: u8, year_first: bool) -> DateForm {
    DateForm {
        pattern,
        separator,
        year_first,
    }
}

/// What operators type and imports bring: ISO and Italian day-first dates,
/// `:` or `.` in times (`9.05`), ODK's fractions and `Z`/`±HH:MM` offsets.
pub(super) const OPERATOR: Dialect = Dialect {
    dates: &[
        form("%Y-%m-%d", b'-', true),
        form("%d/%m/%Y", b'/', false),
        form("%d-%m-%Y", b'-', false),
        form("%d.%m.%Y", b'.', false),
    ],
    separator: Separator::TOrBlank,
    clocks: &["%H:%M:%S%.f", "%H:%M", "%H.%M.%S", "%H.%M"],
    zulu: &["Z"],
    offsets: &["%:z"],
};

/// JavaRosa's reading of dates in expressions (`DateUtils.parseDateTime`):
/// ISO with one-digit fields allowed and the common offset spellings.
pub(super) const ISO: Dialect = Dialect {
    dates: &[form("%Y-%m-%d", b'-', true)],
    separator: Separator::T,
    clocks: &["%H:%M:%S%.f", "%H:%M"],
    zulu: &["Z", "z"],
    offsets: &["%:::z", "%z"],
};

impl Dialect {
    /// The whole of `text` as a date.
    pub(super) fn date(&self, text: &str) -> Option<Date> {
        self.dates.iter().find_map(|form| match form.prefix(text)? {
            (date, "") => Some(date),
            _ => None,
        })
    }

    /// The whole of `text` as a date, a separator and a clock.
    pub(super) fn date_and_clock(&self, text: &str) -> Option<(Date, Clock)> {
        self.dates.iter().find_map(|form| {
            let (date, rest) = form.prefix(text)?;
            let clock = self.clock(self.separator.strip(rest)?)?;
            Some((date, clock))
        })
    }

    /// The whole of `text` as a time of day and an optional offset.
    pub(super) fn clock(&self, text: &str) -> Option<Clock> {
        // jiff skips blanks before a number (`14: 30`); a time has none.
        if text.bytes().any(|b| b.is_ascii_whitespace()) {
            return None;
        }
        self.clocks.iter().find_map(|pattern| {
            let (tm, used) = BrokenDownTime::parse_prefix(pattern, text).ok()?;
            let offset = self.offset(text.get(used..)?)?;
            Some(Clock {
                time: tm.to_time().ok()?,
                offset,
            })
        })
    }

    /// What follows a clock: nothing, or the whole of `text` as an offset.
    /// Offsets are whole minutes, as XML Schema's `±HH:MM` can write.
    fn offset(&self, text: &str) -> Option<Option<WrittenOffset>> {
        if text.is_empty() {
            return Some(None);
        }
        if self.zulu.contains(&text) {
            return Some(Some(WrittenOffset::Zulu));
        }
        let offset = self
            .offsets
            .iter()
            .find_map(|pattern| BrokenDownTime::parse(pattern, text).ok()?.offset())?;
        (offset.seconds() % 60 == 0).then_some(Some(WrittenOffset::Fixed(offset)))
    }
}

impl DateForm {
    /// A date at the start of `text` and what follows it.
    fn prefix<'t>(&self, text: &'t str) -> Option<(Date, &'t str)> {
        let (tm, used) = BrokenDownTime::parse_prefix(self.pattern, text).ok()?;
        // Three groups of digits between single separators (jiff would
        // also take a sign, `10-01--1000`, and blanks), the year of four
        // (`15/03/20` is not the year 20).
        let groups: Vec<&[u8]> = text
            .get(..used)?
            .as_bytes()
            .split(|&b| b == self.separator)
            .collect();
        let digits = |g: &&[u8]| !g.is_empty() && g.iter().all(u8::is_ascii_digit);
        let year = if self.year_first {
            groups.first()
        } else {
            groups.last()
        };
        if groups.len() != 3 || !groups.iter().all(digits) || year.map(|y| y.len()) != Some(4) {
            return None;
        }
        Some((tm.to_date().ok()?, text.get(used..)?))
    }
}

impl Separator {
    /// What follows the separator at the start of `rest`.
    fn strip(self, rest: &str) -> Option<&str> {
        if let Some(clock) = rest.strip_prefix('T') {
            return Some(clock);
        }
        match self {
            Separator::T => None,
            Separator::TOrBlank => {
                let clock = rest.trim_start();
                (clock.len() < rest.len()).then_some(clock)
            }
        }
    }
}
