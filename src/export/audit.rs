//! A response's audit log as CSV, in the columns of ODK's client audit log
//! (`event,node,start,end,old-value,new-value,user`; times in milliseconds
//! since the epoch), so that an upload can attach it where a form asks for
//! an audit.

use crate::store::AuditRow;

pub const HEADER: [&str; 7] = [
    "event",
    "node",
    "start",
    "end",
    "old-value",
    "new-value",
    "user",
];

/// The CSV of a response's events, header first. Values are quoted as CSV
/// needs (a comma, a quote, a line break in an answer). Nodes are written
/// as ODK writes them, from the instance's root (`/data/sez_A/A04`, where
/// `root` is the form's root element); the store keeps them without it.
pub fn audit_csv(rows: &[AuditRow], root: &str) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing into memory fails only on a bug of the writer; a record that
    // failed would leave the rest of the log intact.
    let _ = w.write_record(HEADER);
    for r in rows {
        let end = r.end_ms.map(|e| e.to_string()).unwrap_or_default();
        let node = match r.node.as_deref() {
            Some(n) if n.starts_with('/') && !root.is_empty() => format!("/{root}{n}"),
            Some(n) => n.to_string(),
            None => String::new(),
        };
        let _ = w.write_record([
            r.event.as_str(),
            node.as_str(),
            &r.start_ms.to_string(),
            &end,
            r.old_value.as_deref().unwrap_or(""),
            r.new_value.as_deref().unwrap_or(""),
            r.user.as_str(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_csv_needs_and_leaves_the_rest() {
        let rows = [AuditRow {
            seq: 1,
            event: "answer".into(),
            node: Some("/sez_A/A04".into()),
            start_ms: 1_591_000_000_000,
            end_ms: None,
            old_value: None,
            new_value: Some("Comune di \"Bari\", capoluogo\nseconda riga".into()),
            user: "Mario Rossi".into(),
        }];
        let text = String::from_utf8(audit_csv(&rows, "data")).expect("utf-8");
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("event,node,start,end,old-value,new-value,user")
        );
        assert!(text.contains(
            "answer,/data/sez_A/A04,1591000000000,,,\"Comune di \"\"Bari\"\", capoluogo\nseconda riga\",Mario Rossi\n"
        ));
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let back: Vec<csv::StringRecord> = r.records().map(|x| x.expect("record")).collect();
        assert_eq!(back.len(), 1);
        assert_eq!(&back[0][5], "Comune di \"Bari\", capoluogo\nseconda riga");
    }
}
