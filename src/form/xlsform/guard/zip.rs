//! Zip containers (.xlsx, .ods): what they hold once unpacked, bounded by
//! the sizes their directory declares (the zip crate refuses an entry that
//! unpacks to more than it declares); and in an .xlsx, the count of shared
//! strings calamine reserves room for before reading them.

use super::{Cells, MAX_UNPACKED, Refusal, ods};
use quick_xml::events::Event;
use std::io::{BufReader, Cursor, Read};
use zip::ZipArchive;

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// The archive, or `None` when it is not one: calamine then says so.
fn open(bytes: &[u8]) -> Option<Archive<'_>> {
    ZipArchive::new(Cursor::new(bytes)).ok()
}

fn unpacked(zip: &mut Archive<'_>) -> Result<(), Refusal> {
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            continue;
        };
        total = total.saturating_add(entry.size());
        if total > MAX_UNPACKED {
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            return Err(Refusal::TooLarge(format!(
                "it unpacks to more than {} MiB (\"{name}\" alone declares {} MiB)",
                MAX_UNPACKED >> 20,
                entry.size() >> 20
            )));
        }
    }
    Ok(())
}

/// An element's attributes as calamine reads them (its `RawAttrIter`): raw
/// key and value, no entity decoded, duplicates kept; `Err` for a
/// malformed one, on which calamine fails. Its own iterator, not
/// quick-xml's: the two differ on malformed and repeated attributes.
pub(super) fn raw_attrs(raw: &str) -> impl Iterator<Item = Result<(&str, &str), ()>> {
    let mut rest = raw;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        if rest.is_empty() {
            return None;
        }
        let Some((key, after)) = rest.split_once('=') else {
            failed = true;
            return Some(Err(()));
        };
        let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let quoted = ['"', '\'']
            .into_iter()
            .find_map(|q| Some((q, after.strip_prefix(q)?)));
        let Some((quote, body)) = quoted else {
            failed = true;
            return Some(Err(()));
        };
        // An unclosed quote runs to the end, as in calamine.
        let (value, next) = body.split_once(quote).unwrap_or((body, ""));
        rest = next;
        Some(Ok((
            key.trim_end_matches(|c: char| c.is_ascii_whitespace()),
            value,
        )))
    })
}

/// The first attribute `key`: `Err` when calamine fails on the attributes
/// before finding it.
pub(super) fn raw_attr<'a>(raw: &'a str, key: &str) -> Result<Option<&'a str>, ()> {
    for item in raw_attrs(raw) {
        let (k, v) = item?;
        if k == key {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// An XML reader configured as calamine configures its own, so that both
/// see the same events.
pub(super) fn xml<R: Read>(inner: R) -> quick_xml::Reader<BufReader<R>> {
    let mut r = quick_xml::Reader::from_reader(BufReader::new(inner));
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

pub(super) fn check_xlsx(bytes: &[u8]) -> Result<(), Refusal> {
    let Some(mut zip) = open(bytes) else {
        return Ok(());
    };
    unpacked(&mut zip)?;
    // calamine finds entries without regard to case.
    let shared: Vec<String> = zip
        .file_names()
        .flatten()
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in shared {
        let Ok(entry) = zip.by_name(&name) else {
            continue;
        };
        let mut reader = xml(entry);
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                    if let Ok(Some(raw)) = raw_attr(e.attributes_raw(), "uniqueCount") {
                        let raw = raw.as_bytes();
                        // Digits only: a count written otherwise may still
                        // be one to calamine's parser.
                        if raw.is_empty() || !raw.iter().all(u8::is_ascii_digit) {
                            return Err(Refusal::Damaged(format!(
                                "\"{name}\" declares a count of strings that is not a number"
                            )));
                        }
                        let n = raw.iter().fold(0u64, |n, d| {
                            n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                        });
                        Cells::default().add(n, || {
                            format!("\"{name}\" declares {} strings", super::thousands(n))
                        })?;
                    }
                    break;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
            buf.clear();
        }
    }
    Ok(())
}

pub(super) fn check_ods(bytes: &[u8]) -> Result<(), Refusal> {
    let Some(mut zip) = open(bytes) else {
        return Ok(());
    };
    unpacked(&mut zip)?;
    match zip.by_name("content.xml") {
        Ok(content) => ods::check_content(xml(content)),
        Err(_) => Ok(()),
    }
}
