//! `rileva-response/1`: a response as JSON, rendered from the walk.

use super::walk::{self, Item, Value as Walked};
use crate::engine::Filling;
use crate::form::Kind;
use crate::store::ResponseRow;
use serde_json::{Map, Number, Value, json};

/// The value of `format` in every exported response.
pub const FORMAT: &str = "rileva-response/1";

/// One response as JSON (`rileva-response/1`).
///
/// `data` mirrors the form tree: groups are objects keyed by name, in form
/// order, repeats arrays of objects; a relevant question without an answer
/// is `null`; non-relevant questions and groups, and notes, are absent.
pub fn response_json(filling: &Filling, row: &ResponseRow) -> Value {
    let form = filling.form();
    let instance_name = filling
        .instance_name()
        .or_else(|| row.instance_name.clone());
    json!({
        "format": FORMAT,
        "form": {
            "id": form.id,
            "version": form.version,
            "title": form.title,
            "sha256": form.sha256,
        },
        "meta": {
            "instanceID": uuid_uri(&row.id),
            "deprecatedID": row.deprecated_id.as_deref().map(uuid_uri),
            "instanceName": instance_name,
            "timeStart": row.created_at,
            "timeEnd": row.completed_at,
            "operator": row.operator,
            "deviceID": row.device_id,
        },
        "status": row.status.as_str(),
        "language": row.language,
        "data": Value::Object(object(&walk::walk(filling))),
    })
}

/// JSON as text, compact or pretty, with what a terminal would act on (C1
/// controls, DEL, bidirectional overrides, which serde leaves raw) escaped
/// as `\uXXXX`, as JSON allows for any character.
pub fn to_text(value: &Value, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // A Value always serializes (its keys are strings).
    let text = text.unwrap_or_default();
    crate::text::json_inert(&text).into_owned()
}

/// `uuid:` + id (OpenRosa's instanceID form), without doubling the prefix.
pub(super) fn uuid_uri(id: &str) -> String {
    if id.starts_with("uuid:") {
        id.to_string()
    } else {
        format!("uuid:{id}")
    }
}

fn object(items: &[Item<'_>]) -> Map<String, Value> {
    let mut map = Map::new();
    for item in items {
        match item {
            Item::Group { node, items } => {
                map.insert(node.name.clone(), Value::Object(object(items)));
            }
            // An array of the relevant instances (possibly empty).
            Item::Repeat {
                node,
                applies,
                instances,
            } => {
                if *applies || !instances.is_empty() {
                    let array = instances.iter().map(|i| Value::Object(object(i)));
                    map.insert(node.name.clone(), Value::Array(array.collect()));
                }
            }
            Item::Note { .. } => {}
            Item::Value { node, value } => {
                map.insert(node.name.clone(), typed(node.kind, value));
            }
        }
    }
    map
}

/// The JSON value of one question: numbers for integers, decimals and
/// ranges, an array of names for a multiple choice, a string otherwise;
/// what is kept as typed stays a string.
fn typed(kind: Kind, value: &Walked) -> Value {
    let text = match value {
        Walked::Empty => return Value::Null,
        Walked::AsTyped(s) => return Value::String(s.clone()),
        Walked::Text(s) => s,
    };
    let raw = || Value::String(text.clone());
    match kind {
        Kind::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| raw()),
        Kind::Decimal | Kind::Range => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|f| {
                if f.fract() == 0.0 && kind == Kind::Range && f.abs() < 9e15 {
                    Some(Number::from(f as i64))
                } else {
                    Number::from_f64(f)
                }
            })
            .map(Value::Number)
            .unwrap_or_else(raw),
        Kind::SelectMultiple => Value::Array(
            text.split_whitespace()
                .map(|s| Value::String(s.to_string()))
                .collect(),
        ),
        _ => raw(),
    }
}
