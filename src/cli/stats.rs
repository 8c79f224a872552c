//! `rileva stats`: the keying sessions' figures totalled per operator and
//! layout: time at the keys (idle gaps of over a minute left out), fields
//! per hour, keystrokes per field, bad keystrokes, corrections.

use super::Out;
use super::reading_store;
use crate::store::{KeyerErrors, SessionRecord};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

#[derive(Debug, Default)]
struct Total {
    sessions: i64,
    active_ms: i64,
    idle_ms: i64,
    responses: i64,
    fields: i64,
    keys: i64,
    bad_keys: i64,
    corrections: i64,
}

impl Total {
    fn add(&mut self, s: &SessionRecord) {
        let span = match (
            s.started_at.parse::<jiff::Timestamp>(),
            s.ended_at.parse::<jiff::Timestamp>(),
        ) {
            (Ok(a), Ok(b)) => (b.as_millisecond() - a.as_millisecond()).max(0),
            _ => 0,
        };
        self.sessions += 1;
        self.active_ms += (span - s.idle_ms).max(0);
        self.idle_ms += s.idle_ms;
        self.responses += s.responses;
        self.fields += s.fields;
        self.keys += s.keys;
        self.bad_keys += s.bad_keys;
        self.corrections += s.corrections;
    }

    fn fields_per_hour(&self) -> f64 {
        if self.active_ms == 0 {
            return 0.0;
        }
        self.fields as f64 * 3_600_000.0 / self.active_ms as f64
    }

    fn keys_per_field(&self) -> f64 {
        if self.fields == 0 {
            return 0.0;
        }
        self.keys as f64 / self.fields as f64
    }
}

pub(super) fn stats<W: Write>(
    data_dir: &Path,
    operator: Option<&str>,
    as_json: bool,
    out: &mut Out<W>,
) -> Result<u8, String> {
    let (sessions, (keyers, forms)) = match reading_store(data_dir)? {
        Some(store) => (
            store.sessions(operator).map_err(|e| e.to_string())?,
            store.verification_stats().map_err(|e| e.to_string())?,
        ),
        None => Default::default(),
    };
    let keyers: Vec<KeyerErrors> = keyers
        .into_iter()
        .filter(|k| operator.is_none_or(|o| o == k.operator))
        .collect();
    let mut totals: BTreeMap<(String, String), Total> = BTreeMap::new();
    for s in &sessions {
        totals
            .entry((s.operator.clone(), s.layout.clone()))
            .or_default()
            .add(s);
    }
    if as_json {
        let rows: Vec<Value> = totals
            .iter()
            .map(|((op, layout), t)| {
                json!({
                    "operator": op,
                    "layout": layout,
                    "sessions": t.sessions,
                    "activeSeconds": t.active_ms / 1000,
                    "idleSeconds": t.idle_ms / 1000,
                    "responses": t.responses,
                    "fields": t.fields,
                    "keystrokes": t.keys,
                    "badKeystrokes": t.bad_keys,
                    "corrections": t.corrections,
                    "fieldsPerHour": (t.fields_per_hour() * 10.0).round() / 10.0,
                    "keystrokesPerField": (t.keys_per_field() * 100.0).round() / 100.0,
                })
            })
            .collect();
        let errors: Vec<Value> = keyers
            .iter()
            .map(|k| {
                json!({
                    "operator": k.operator,
                    "firstFields": k.first_fields,
                    "firstDiscordances": k.first_charged,
                    "firstPerThousand": per_thousand(k.first_charged, k.first_fields),
                    "secondFields": k.second_fields,
                    "secondDiscordances": k.second_charged,
                    "secondPerThousand": per_thousand(k.second_charged, k.second_fields),
                    "slipsCaught": k.slips,
                })
            })
            .collect();
        let per_form: Vec<Value> = forms
            .iter()
            .map(|f| {
                json!({
                    "form": f.form_id, "papersChosen": f.chosen, "papersVerified": f.verified,
                    "fieldsCompared": f.fields, "fieldsDiscordant": f.discordant,
                })
            })
            .collect();
        // The sessions as before, an array; the double entry's figures
        // after them only when there are any.
        match errors.is_empty() && per_form.is_empty() {
            true => out.line(&Value::Array(rows).to_string()),
            false => out.line(
                &json!({"sessions": rows, "keyingErrors": errors, "verification": per_form})
                    .to_string(),
            ),
        }
        return Ok(0);
    }
    if totals.is_empty() && keyers.is_empty() {
        out.line("no keying sessions recorded yet");
        return Ok(0);
    }
    out.line("OPERATOR              LAYOUT         SESSIONS  ACTIVE    IDLE      RESPONSES  FIELDS  FIELDS/H  KEYS/FIELD  BAD KEYS  CORRECTIONS");
    for ((op, layout), t) in &totals {
        out.line(&format!(
            "{:<20}  {:<13}  {:>8}  {:>8}  {:>8}  {:>9}  {:>6}  {:>8.1}  {:>10.2}  {:>8}  {:>11}",
            crate::text::sanitize(op, false),
            layout,
            t.sessions,
            hms(t.active_ms),
            hms(t.idle_ms),
            t.responses,
            t.fields,
            t.fields_per_hour(),
            t.keys_per_field(),
            t.bad_keys,
            t.corrections
        ));
    }
    if !keyers.is_empty() {
        out.line("");
        out.line("DOUBLE ENTRY: discordances charged (the side that lost in reconciliation) per 1,000 fields");
        out.line("OPERATOR              AS FIRST  FIELDS  PER 1000  AS SECOND  FIELDS  PER 1000  SLIPS CAUGHT");
        for k in &keyers {
            out.line(&format!(
                "{:<20}  {:>8}  {:>6}  {:>8.1}  {:>9}  {:>6}  {:>8.1}  {:>12}",
                crate::text::sanitize(&k.operator, false),
                k.first_charged,
                k.first_fields,
                per_thousand(k.first_charged, k.first_fields),
                k.second_charged,
                k.second_fields,
                per_thousand(k.second_charged, k.second_fields),
                k.slips
            ));
        }
    }
    if !forms.is_empty() {
        out.line("");
        out.line(
            "FORM                          PAPERS CHOSEN  VERIFIED  FIELDS COMPARED  DISCORDANT",
        );
        for f in &forms {
            out.line(&format!(
                "{:<28}  {:>13}  {:>8}  {:>15}  {:>10}",
                f.form_id, f.chosen, f.verified, f.fields, f.discordant
            ));
        }
    }
    Ok(0)
}

/// Discordances per 1,000 fields, to a tenth.
fn per_thousand(n: i64, fields: i64) -> f64 {
    if fields == 0 {
        return 0.0;
    }
    (n as f64 * 10_000.0 / fields as f64).round() / 10.0
}

/// Milliseconds as `1:02:03`.
fn hms(ms: i64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_leave_idle_time_out_of_the_rate() {
        let mut t = Total::default();
        t.add(&SessionRecord {
            operator: "Anna".into(),
            layout: "transcription".into(),
            started_at: "2026-12-03T09:00:00+01:00".into(),
            ended_at: "2026-12-03T10:30:00+01:00".into(),
            idle_ms: 30 * 60 * 1000,
            fields: 300,
            keys: 900,
            ..SessionRecord::default()
        });
        assert_eq!(t.active_ms, 3_600_000);
        assert!((t.fields_per_hour() - 300.0).abs() < 1e-9);
        assert!((t.keys_per_field() - 3.0).abs() < 1e-9);
        assert_eq!(hms(t.active_ms), "1:00:00");
        // A garbled time counts no time rather than failing.
        t.add(&SessionRecord {
            started_at: "garbage".into(),
            ..SessionRecord::default()
        });
        assert_eq!(t.sessions, 2);
        assert_eq!(t.active_ms, 3_600_000);
    }
}
