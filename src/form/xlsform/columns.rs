//! Column headers as pyxform reads them (parsing/sheet_headers.py and
//! aliases.py): case and spaces folded, aliases resolved, translations split
//! off (`label::Italiano (it)`, or the old `label:Italiano`), and the
//! `parameters` cell syntax.

use std::collections::BTreeMap;

/// Which sheet a header belongs to: each has its own columns and aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Survey,
    Choices,
    Settings,
}

/// The columns pyxform knows on each sheet without an alias (the slot names
/// of its `MultipleChoiceQuestion`, `Option` and `Survey` classes).
const SURVEY_COLUMNS: &[&str] = &[
    "bind",
    "choice_filter",
    "choices",
    "control",
    "default",
    "extra_data",
    "guidance_hint",
    "hint",
    "instance",
    "itemset",
    "label",
    "list_name",
    "media",
    "name",
    "parameters",
    "query",
    "sms_field",
    "trigger",
    "type",
];
const CHOICES_COLUMNS: &[&str] = &["extra_data", "label", "media", "name", "sms_option"];
const SETTINGS_COLUMNS: &[&str] = &[
    "add_none_option",
    "allow_choice_duplicates",
    "attribute",
    "auto_delete",
    "auto_send",
    "bind",
    "clean_text_values",
    "client_editable",
    "control",
    "default_language",
    "delimiter",
    "entity_version",
    "flat",
    "hint",
    "id_string",
    "instance",
    "instance_name",
    "instance_xmlns",
    "label",
    "media",
    "name",
    "namespaces",
    "omit_instanceID",
    "prefix",
    "public_key",
    "sms_allow_media",
    "sms_date_format",
    "sms_datetime_format",
    "sms_field",
    "sms_keyword",
    "sms_response",
    "sms_separator",
    "style",
    "submission_url",
    "title",
    "version",
];

/// pyxform's header aliases (aliases.py: `survey_header`, `list_header`,
/// `settings_header`), each to the tokens it stands for.
fn alias(kind: SheetKind, header: &str) -> Option<&'static [&'static str]> {
    Some(match (kind, header) {
        (SheetKind::Survey, h) => match h {
            "read_only" | "readonly" => &["bind", "readonly"],
            "relevant" | "relevance" => &["bind", "relevant"],
            "caption" => &["label"],
            "appearance" => &["control", "appearance"],
            "required" => &["bind", "required"],
            "constraint" => &["bind", "constraint"],
            "constraining_message" | "constraint_message" => &["bind", "jr:constraintMsg"],
            "calculation" | "calculate" => &["bind", "calculate"],
            "command" => &["type"],
            "tag" | "value" => &["name"],
            "image" => &["media", "image"],
            "big-image" => &["media", "big-image"],
            "audio" => &["media", "audio"],
            "video" => &["media", "video"],
            "count" | "repeat_count" | "jr:count" => &["control", "jr:count"],
            "autoplay" => &["control", "autoplay"],
            "rows" => &["control", "rows"],
            "noapperrorstring" | "no_app_error_string" => &["bind", "jr:noAppErrorString"],
            "requiredmsg" | "required_message" => &["bind", "jr:requiredMsg"],
            "body" => &["control"],
            "save_to" => &["bind", "entities:saveto"],
            "compact_tag" => &["instance", "odk:tag"],
            "sms_option" => &["sms_option"],
            _ if h.starts_with("sms_") => &["sms"],
            _ => return None,
        },
        (SheetKind::Choices, h) => match h {
            "caption" => &["label"],
            "list_name" => &["list name"],
            "value" => &["name"],
            "image" => &["media", "image"],
            "big-image" => &["media", "big-image"],
            "audio" => &["media", "audio"],
            "video" => &["media", "video"],
            _ => return None,
        },
        (SheetKind::Settings, h) => match h {
            "form_title" | "set_form_title" => &["title"],
            "form_id" | "set_form_id" => &["id_string"],
            "prefix" => &["prefix"],
            _ => return None,
        },
    })
}

fn known(kind: SheetKind, header: &str) -> bool {
    match kind {
        SheetKind::Survey => SURVEY_COLUMNS.contains(&header),
        SheetKind::Choices => CHOICES_COLUMNS.contains(&header),
        SheetKind::Settings => SETTINGS_COLUMNS.contains(&header),
    }
}

/// `"List Name"` → `"list_name"`: runs of white space to one `_`, lower case.
pub fn snake_case(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

/// A header as its tokens (pyxform's `process_header`): `label::English (en)`
/// → `["label", "English (en)"]`, `relevance` → `["bind", "relevant"]`,
/// `Constraint Message` → `["bind", "jr:constraintMsg"]`. Unknown headers are
/// kept as written (they may be choice columns named in a filter).
/// `double_colon` is whether any header of the sheet uses `::`: only then is
/// a single `:` not a separator (it is in `jr:count`).
pub fn tokens(kind: SheetKind, header: &str, double_colon: bool) -> Vec<String> {
    if known(kind, header) && alias(kind, header).is_none() {
        return vec![header.to_string()];
    }
    let snake = snake_case(header);
    if known(kind, &snake) && alias(kind, &snake).is_none() {
        return vec![snake];
    }
    let mut parts: Vec<String> = if double_colon || header.contains("::") {
        header.split("::").map(|t| t.trim().to_string()).collect()
    } else {
        let mut parts: Vec<String> = header.split(':').map(|t| t.trim().to_string()).collect();
        // `jr:count` and the like stay whole.
        if let Some(i) = parts.iter().position(|t| t == "jr")
            && i + 1 < parts.len()
        {
            let joined = format!("jr:{}", parts[i + 1]);
            parts.splice(i..i + 2, [joined]);
        }
        parts
    };
    let first = snake_case(&parts[0]);
    if let Some(a) = alias(kind, &first) {
        let mut out: Vec<String> = a.iter().map(|t| t.to_string()).collect();
        out.extend(parts.drain(1..));
        out
    } else if known(kind, &first) {
        parts[0] = first;
        parts
    } else if parts.len() == 1 {
        vec![header.to_string()]
    } else {
        parts
    }
}

/// The language of a translated column, as written (`English (en)`), and the
/// code and name rileva gives it: the code in parentheses, or the whole text
/// when there is none (`English` → code `English`).
pub fn language_parts(language: &str) -> (String, String) {
    let t = language.trim();
    if let Some(open) = t.rfind('(')
        && t.ends_with(')')
    {
        let code = t[open + 1..t.len() - 1].trim();
        let name = t[..open].trim();
        if !code.is_empty() && !name.is_empty() {
            return (code.to_string(), name.to_string());
        }
    }
    (t.to_string(), t.to_string())
}

/// pyxform's `yes`/`no` words (aliases.py `yes_no`).
pub fn yes_no(s: &str) -> Option<bool> {
    match s {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "true()" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "false()" => Some(false),
        _ => None,
    }
}

/// Replaces the typographic quotes that spreadsheet programs type for `'` and
/// `"` (pyxform does this to every cell).
pub fn straight_quotes(s: &str) -> String {
    if !s.contains(['\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}']) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect()
}

/// Runs of spaces folded to one (pyxform's `clean_text_values`, on by default
/// for the survey sheet).
pub fn fold_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_space = false;
    for c in s.chars() {
        if c == ' ' {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
    out.trim().to_string()
}

/// The `parameters` cell: `key=value` pairs separated by spaces, commas or
/// semicolons (pyxform's grammar). Keys are lower-cased, and so are values
/// except those of `label` and `value` (CSV column names). `None` when the
/// cell does not follow the syntax.
pub fn parse_parameters(s: &str) -> Option<BTreeMap<String, String>> {
    let is_sep = |c: char| c.is_whitespace() || c == ',' || c == ';';
    let mut tokens: Vec<String> = Vec::new();
    // Tokens are runs of anything but separators and `=`; `=` is a token of its own.
    let mut cur = String::new();
    for c in s.chars() {
        if is_sep(c) || c == '=' {
            if !cur.is_empty() {
                tokens.push(std::mem::take(&mut cur));
            }
            if c == '=' {
                tokens.push("=".into());
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    if !tokens.len().is_multiple_of(3) {
        return None;
    }
    let mut out = BTreeMap::new();
    for t in tokens.chunks(3) {
        if t[0] == "=" || t[1] != "=" || t[2] == "=" {
            return None;
        }
        let key = t[0].to_lowercase();
        let value = if key == "label" || key == "value" {
            t[2].clone()
        } else {
            t[2].to_lowercase()
        };
        out.insert(key, value);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(SheetKind::Survey, "type", false, &["type"])]
    #[case(SheetKind::Survey, "TYPE", false, &["type"])]
    #[case(SheetKind::Survey, "label::Italiano (it)", true, &["label", "Italiano (it)"])]
    #[case(SheetKind::Survey, "LABEL::EN", true, &["label", "EN"])]
    #[case(SheetKind::Survey, "label:English", false, &["label", "English"])]
    #[case(SheetKind::Survey, "relevance", false, &["bind", "relevant"])]
    #[case(SheetKind::Survey, "bind::relevant", true, &["bind", "relevant"])]
    #[case(SheetKind::Survey, "bind:relevant", false, &["bind", "relevant"])]
    #[case(SheetKind::Survey, "Constraint Message", false, &["bind", "jr:constraintMsg"])]
    #[case(SheetKind::Survey, "constraint_message::English (en)", true, &["bind", "jr:constraintMsg", "English (en)"])]
    #[case(SheetKind::Survey, "jr:count", false, &["control", "jr:count"])]
    #[case(SheetKind::Survey, "repeat_count", false, &["control", "jr:count"])]
    #[case(SheetKind::Survey, "read_only", false, &["bind", "readonly"])]
    #[case(SheetKind::Survey, "calculation", false, &["bind", "calculate"])]
    #[case(SheetKind::Survey, "caption", false, &["label"])]
    #[case(SheetKind::Survey, "media::image::English", true, &["media", "image", "English"])]
    #[case(SheetKind::Survey, "image", false, &["media", "image"])]
    #[case(SheetKind::Survey, "My Notes", false, &["My Notes"])]
    #[case(SheetKind::Choices, "list name", false, &["list name"])]
    #[case(SheetKind::Choices, "List_Name", false, &["list name"])]
    #[case(SheetKind::Choices, "value", false, &["name"])]
    #[case(SheetKind::Choices, "YES_NO", false, &["YES_NO"])]
    #[case(SheetKind::Settings, "form_title", false, &["title"])]
    #[case(SheetKind::Settings, "FORM_ID", false, &["id_string"])]
    #[case(SheetKind::Settings, "default_language", false, &["default_language"])]
    fn headers(
        #[case] kind: SheetKind,
        #[case] header: &str,
        #[case] double: bool,
        #[case] want: &[&str],
    ) {
        assert_eq!(tokens(kind, header, double), want);
    }

    #[rstest]
    #[case("Italiano (it)", "it", "Italiano")]
    #[case("English(en)", "en", "English")]
    #[case("English", "English", "English")]
    #[case("EN", "EN", "EN")]
    fn languages(#[case] written: &str, #[case] code: &str, #[case] name: &str) {
        assert_eq!(language_parts(written), (code.into(), name.into()));
    }

    #[rstest]
    #[case("start=1 end=10 step=1", Some(&[("end", "10"), ("start", "1"), ("step", "1")][..]))]
    #[case("start=1,end=10;step=2", Some(&[("end", "10"), ("start", "1"), ("step", "2")][..]))]
    #[case("value=Code label=Name", Some(&[("label", "Name"), ("value", "Code")][..]))]
    #[case("Randomize=TRUE", Some(&[("randomize", "true")][..]))]
    #[case("start = 1", Some(&[("start", "1")][..]))]
    #[case("", Some(&[][..]))]
    #[case("start", None)]
    #[case("start=", None)]
    #[case("=1", None)]
    #[case("a==b", None)]
    fn parameters(#[case] cell: &str, #[case] want: Option<&[(&str, &str)]>) {
        let want = want.map(|w| {
            w.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        });
        assert_eq!(parse_parameters(cell), want);
    }

    #[test]
    fn cleaning() {
        assert_eq!(straight_quotes("‘a’ “b”"), "'a' \"b\"");
        assert_eq!(fold_spaces("  select_one   list  "), "select_one list");
        assert_eq!(yes_no("TRUE"), Some(true));
        assert_eq!(yes_no("tRue"), None);
    }
}
