//! The native questionnaire format: JSON that mirrors XLSForm's concepts (survey
//! rows, groups, choice lists, settings, languages). Groups nest instead of using
//! begin/end rows. The JSON Schema of this format is `assets/schema/form.schema.json`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The value of `format` in every native form file.
pub const FORMAT: &str = "rileva-form/1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FormDoc {
    pub format: String,
    pub settings: Settings,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
    pub survey: Vec<Item>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub choices: BTreeMap<String, Vec<ChoiceDoc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub form_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_title: Option<String>,
    /// A language code from `languages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_language: Option<String>,
    /// An expression naming each response, e.g. `concat(${A04}, ' - ', ${B01})`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_name: Option<String>,
    /// Name of the root element of the XForm instance (XLSForm's `name`
    /// setting); `data` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A choice list may hold the same name twice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_choice_duplicates: bool,
    /// Text answers are stored with runs of white space folded to one space.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clean_text_values: bool,
    /// The form asks for the audit log (XLSForm's `audit` row): the
    /// submission names it in `meta/audit`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub audit: bool,
    /// XML namespaces the attributes may use, by prefix (XLSForm's
    /// `namespaces` setting: `esri="http://esri.com/xforms"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub namespaces: BTreeMap<String, String>,
    /// The RSA public key (base64 DER) submissions are encrypted with
    /// before they are sent (XLSForm's public_key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Where `form_id` came from when read from an XLSForm (a cell, or the
    /// file name), for messages; not part of the format.
    #[serde(skip)]
    pub form_id_origin: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// Short code, e.g. `it` (XLSForm's `Italiano (it)` gives `it`).
    pub code: String,
    /// Name shown to people, e.g. `Italiano`.
    pub name: String,
}

/// A text that may be translated: either one string for every language, or an
/// object from language code to text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum TextDoc {
    Plain(String),
    Translated(BTreeMap<String, String>),
}

/// One survey row. `type` uses XLSForm's type names; `group` and `repeat`
/// replace the begin/end pairs and hold their rows in `children`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Item {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    /// Choice list name, for select_one and select_multiple.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// CSV file beside the form, for select_one_from_file and select_multiple_from_file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<TextDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<TextDoc>,
    /// `yes`, `no` or an expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_message: Option<TextDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_message: Option<TextDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `yes`, `no` or an expression: shown, not editable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<String>,
    /// For a repeat: how many instances, as an expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_count: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<Item>>,
    /// Attributes of the question's element in the submission (XLSForm's
    /// `instance::NAME` columns), by name (`hxl`, `esri:fieldType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
    /// Files shown with the label in other clients (`image`, `big-image`,
    /// `audio`, `video`): the file's name by kind. A terminal names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<BTreeMap<String, String>>,
    /// Where the row came from when it was read from an XLSForm (e.g.
    /// `survey, row 12`), for messages; not part of the format.
    #[serde(skip)]
    pub origin: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChoiceDoc {
    pub name: String,
    pub label: TextDoc,
    /// Extra columns of the choices sheet, usable in `choice_filter` expressions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
    /// Where the row came from in an XLSForm (e.g. `choices, row 4`).
    #[serde(skip)]
    pub origin: Option<String>,
}
