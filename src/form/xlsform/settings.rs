//! The settings sheet's first row, and what rileva makes of each setting.

use super::columns::{straight_quotes, yes_no};
use super::reader::{Ctx, Table};
use crate::form::native::Settings;
use std::collections::BTreeMap;

/// The settings sheet's first row, and what rileva makes of each setting.
pub(super) fn read_settings(
    cx: &mut Ctx<'_>,
    t: Option<&Table<'_>>,
    fallback_id: &str,
) -> Settings {
    let mut s = Settings {
        form_id: fallback_id.to_string(),
        form_id_origin: Some("the file name (the settings give no form_id)".into()),
        ..Settings::default()
    };
    let Some(t) = t else {
        return s;
    };
    let Some(row) = t.rows.iter().find(|r| !r.is_empty()) else {
        return s;
    };
    for (i, col) in t.columns.iter().enumerate() {
        let value = straight_quotes(row.cell(i));
        if value.is_empty() || col.tokens.is_empty() {
            continue;
        }
        let at = cx.at_col(t.name, row.number, &col.header);
        let yes = yes_no(&value);
        match col.tokens.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["id_string"] => {
                s.form_id = value;
                s.form_id_origin = Some(at);
            }
            ["title"] => s.form_title = Some(value),
            ["version"] => s.version = Some(value),
            ["default_language"] => s.default_language = Some(value),
            ["instance_name"] => s.instance_name = Some(value),
            ["name"] => s.name = Some(value),
            ["allow_choice_duplicates"] => s.allow_choice_duplicates = yes.unwrap_or(false),
            ["clean_text_values"] => cx.clean_text = yes.unwrap_or(true),
            // Presentation, or about sending forms and submissions, which rileva
            // does not do: nothing about the data collected depends on them.
            ["style"] | ["submission_url"] | ["auto_send"] | ["auto_delete"] | ["client_editable"]
            | ["flat"] | ["prefix"] | ["delimiter"] | ["sms_keyword"] | ["sms_separator"]
            | ["sms_allow_media"] | ["sms_date_format"] | ["sms_datetime_format"]
            | ["sms_response"] | ["sms_field"] => {}
            // Kept for sending (submissions are encrypted on the way out).
            ["public_key"] => s.public_key = Some(value.split_whitespace().collect()),
            ["omit_instanceID"] if yes != Some(false) => cx.unsupported(
                at,
                "the setting omit_instanceID is not supported by rileva (every response has an instanceID)",
            ),
            ["add_none_option"] if yes == Some(true) => cx.unsupported(
                at,
                "the setting add_none_option is not supported by rileva",
            ),
            ["namespaces"] => s.namespaces = namespaces(cx, &at, &value),
            ["instance_xmlns"] | ["entity_version"] => cx.unsupported(
                at,
                format!("the setting {} is not supported by rileva", col.header),
            ),
            ["attribute", ..] => cx.unsupported(
                at,
                format!(
                    "the setting {} (an attribute of the submission's root element) is not supported by rileva",
                    col.header
                ),
            ),
            _ => {}
        }
    }
    s
}

/// The `namespaces` setting: `prefix="uri"` pairs separated by spaces,
/// as pyxform reads them.
fn namespaces(cx: &mut Ctx<'_>, at: &str, value: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for pair in value.split_whitespace() {
        let parsed = pair.split_once('=').and_then(|(p, uri)| {
            let uri = uri.strip_prefix('"')?.strip_suffix('"')?;
            (crate::form::compile::is_xml_name(p) && !p.contains(':') && !uri.is_empty())
                .then(|| (p.to_string(), uri.to_string()))
        });
        match parsed {
            Some((p, uri)) => {
                out.insert(p, uri);
            }
            None => cx.invalid(
                at.to_string(),
                format!("namespaces: \"{pair}\" is not prefix=\"address\" (e.g. esri=\"http://esri.com/xforms\")"),
            ),
        }
    }
    out
}
