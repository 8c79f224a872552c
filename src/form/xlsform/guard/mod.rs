//! Bounds on what reading a spreadsheet may cost, checked before calamine
//! reads it. calamine 0.38 trusts sizes a file declares: a damaged .xls whose
//! sector chain loops grows a buffer until the process aborts, a cell record
//! at row 65,535 and column 65,535 makes it allocate 137 GB for the sheet, an
//! .ods of 1 KB repeating a cell a million times takes gigabytes. So the
//! structures calamine will follow are walked here first, as it walks them,
//! and a file that would exceed a bound is refused, saying why.
//!
//! The walks may count more than calamine builds (never less): where its
//! reading is hard to mirror they take the larger figure.

mod biff;
mod cfb;
mod ods;
mod zip;

use super::workbook::SpreadsheetKind;
use std::fmt;

/// The largest spreadsheet file rileva reads. A form is far smaller: the
/// largest XLSForms, with tens of thousands of choices, weigh a few MB.
pub(super) const MAX_FILE_LEN: usize = 64 << 20;
/// The most a zip container (.xlsx, .ods) may hold once unpacked.
pub(super) const MAX_UNPACKED: u64 = 256 << 20;
/// The most cells reading may lay out, over all sheets: a sheet of 100,000
/// rows by 40 columns. Each takes tens of bytes.
pub(super) const MAX_CELLS: u64 = 4_000_000;
/// The most bytes of text the cells of an .ods may take, with repeats.
pub(super) const MAX_TEXT: u64 = 128 << 20;

/// Why a file is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Its structure is broken where calamine would not notice.
    Damaged(String),
    /// Reading it would take more than rileva allows a form.
    TooLarge(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Damaged(why) => write!(f, "the file is damaged: {why}"),
            Refusal::TooLarge(why) => {
                write!(f, "the file is damaged or too large for a form: {why}")
            }
        }
    }
}

/// Checks a spreadsheet before calamine reads it. `Ok` also when the file is
/// not of its kind at all: calamine then says so without reading further.
pub(super) fn check(bytes: &[u8], kind: SpreadsheetKind) -> Result<(), Refusal> {
    if bytes.len() > MAX_FILE_LEN {
        return Err(Refusal::TooLarge(format!(
            "it weighs {} MiB, and rileva reads spreadsheets of at most {} MiB",
            bytes.len() >> 20,
            MAX_FILE_LEN >> 20
        )));
    }
    match kind {
        SpreadsheetKind::Xls => match cfb::workbook_stream(bytes)? {
            Some(stream) => biff::check(&stream),
            None => Ok(()),
        },
        SpreadsheetKind::Xlsx => zip::check_xlsx(bytes),
        SpreadsheetKind::Ods => zip::check_ods(bytes),
    }
}

/// Cells counted against a bound ([`MAX_CELLS`] unless said otherwise).
#[derive(Debug)]
pub(super) struct Cells {
    count: u64,
    limit: u64,
}

impl Default for Cells {
    fn default() -> Cells {
        Cells::up_to(MAX_CELLS)
    }
}

impl Cells {
    pub(super) fn up_to(limit: u64) -> Cells {
        Cells { count: 0, limit }
    }

    pub(super) fn add(&mut self, n: u64, what: impl FnOnce() -> String) -> Result<(), Refusal> {
        self.count = self.count.saturating_add(n);
        if self.count > self.limit {
            return Err(Refusal::TooLarge(format!(
                "{} (rileva reads at most {} cells)",
                what(),
                thousands(self.limit)
            )));
        }
        Ok(())
    }
}

/// 4000000 as `4,000,000`.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests;
