//! `rileva-response/1`: a response as JSON, serialized straight from the
//! walk (no tree of JSON values built first: an export of 100,000 responses
//! spends its time here).

use super::walk::{self, Item, Value as Walked};
use crate::engine::Filling;
use crate::form::Kind;
use crate::store::ResponseRow;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

/// The value of `format` in every exported response.
pub const FORMAT: &str = "rileva-response/1";

/// One response as JSON (`rileva-response/1`).
///
/// `data` mirrors the form tree: groups are objects keyed by name, in form
/// order, repeats arrays of objects; a relevant question without an answer
/// is `null`; non-relevant questions and groups, and notes, are absent.
pub fn response_json(filling: &Filling, row: &ResponseRow) -> Value {
    // Serializing a response cannot fail: its keys are strings.
    serde_json::to_value(Response::new(filling, row)).unwrap_or(Value::Null)
}

/// A response as JSON text, compact or pretty, made inert for a terminal
/// (see `to_text`).
pub fn response_text(filling: &Filling, row: &ResponseRow, pretty: bool) -> String {
    text_of(&Response::new(filling, row), pretty)
}

/// JSON as text, compact or pretty, with what a terminal would act on (C1
/// controls, DEL, bidirectional overrides, which serde leaves raw) escaped
/// as `\uXXXX`, as JSON allows for any character.
pub fn to_text(value: &Value, pretty: bool) -> String {
    text_of(value, pretty)
}

fn text_of<T: Serialize>(value: &T, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // Values and responses always serialize (their keys are strings).
    let text = text.unwrap_or_default();
    crate::text::json_inert(&text).into_owned()
}

/// `uuid:` + id (OpenRosa's instanceID form), without doubling the prefix.
pub fn uuid_uri(id: &str) -> String {
    if id.starts_with("uuid:") {
        id.to_string()
    } else {
        format!("uuid:{id}")
    }
}

/// What is serialized: the envelope and the walk.
struct Response<'a> {
    filling: &'a Filling,
    row: &'a ResponseRow,
    items: Vec<Item<'a>>,
}

impl<'a> Response<'a> {
    fn new(filling: &'a Filling, row: &'a ResponseRow) -> Response<'a> {
        Response {
            filling,
            row,
            items: walk::walk(filling),
        }
    }
}

impl Serialize for Response<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (form, row) = (self.filling.form(), self.row);
        let instance_name = self
            .filling
            .instance_name()
            .or_else(|| row.instance_name.clone());
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("format", FORMAT)?;
        m.serialize_entry(
            "form",
            &Pairs(&[
                ("id", Some(form.id.as_str())),
                ("version", Some(form.version.as_str())),
                ("title", Some(form.title.as_str())),
                ("sha256", Some(form.sha256.as_str())),
            ]),
        )?;
        let instance_id = uuid_uri(&row.id);
        let deprecated = row.deprecated_id.as_deref().map(uuid_uri);
        m.serialize_entry(
            "meta",
            &Pairs(&[
                ("instanceID", Some(instance_id.as_str())),
                ("deprecatedID", deprecated.as_deref()),
                ("instanceName", instance_name.as_deref()),
                ("timeStart", Some(row.created_at.as_str())),
                ("timeEnd", row.completed_at.as_deref()),
                ("operator", Some(row.operator.as_str())),
                ("deviceID", Some(row.device_id.as_str())),
                ("paperID", row.paper_id.as_deref()),
            ]),
        )?;
        m.serialize_entry("status", row.status.as_str())?;
        m.serialize_entry("language", &row.language)?;
        m.serialize_entry("data", &Object(&self.items))?;
        m.end()
    }
}

/// An object of strings and nulls, in the order given.
struct Pairs<'a>(&'a [(&'a str, Option<&'a str>)]);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A group (or the top): its relevant children, in form order.
struct Object<'a, 'f>(&'a [Item<'f>]);

impl Serialize for Object<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for item in self.0 {
            match item {
                Item::Group { node, items } => m.serialize_entry(&node.name, &Object(items))?,
                // An array of the relevant instances (possibly empty).
                Item::Repeat {
                    node,
                    applies,
                    instances,
                } if *applies || !instances.is_empty() => {
                    m.serialize_entry(&node.name, &Instances(instances))?;
                }
                Item::Repeat { .. } | Item::Note { .. } => {}
                Item::Value { node, value } => {
                    m.serialize_entry(&node.name, &Typed(node.kind, value))?;
                }
            }
        }
        m.end()
    }
}

struct Instances<'a, 'f>(&'a [Vec<Item<'f>>]);

impl Serialize for Instances<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut q = s.serialize_seq(Some(self.0.len()))?;
        for items in self.0 {
            q.serialize_element(&Object(items))?;
        }
        q.end()
    }
}

/// The JSON value of one question: numbers for integers, decimals and
/// ranges, an array of names for a multiple choice, a string otherwise;
/// what is kept as typed stays a string.
struct Typed<'a>(Kind, &'a Walked);

impl Serialize for Typed<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Typed(kind, value) = *self;
        let text = match value {
            Walked::Empty => return s.serialize_none(),
            Walked::AsTyped(t) => return s.serialize_str(t),
            Walked::Text(t) => t.as_str(),
        };
        match kind {
            Kind::Integer => match text.trim().parse::<i64>() {
                Ok(n) => s.serialize_i64(n),
                Err(_) => s.serialize_str(text),
            },
            Kind::Decimal | Kind::Range => match text.trim().parse::<f64>() {
                Ok(f) if f.fract() == 0.0 && kind == Kind::Range && f.abs() < 9e15 => {
                    s.serialize_i64(f as i64)
                }
                Ok(f) if f.is_finite() => s.serialize_f64(f),
                _ => s.serialize_str(text),
            },
            Kind::SelectMultiple | Kind::Rank => {
                let names: Vec<&str> = text.split_whitespace().collect();
                let mut q = s.serialize_seq(Some(names.len()))?;
                for n in names {
                    q.serialize_element(n)?;
                }
                q.end()
            }
            _ => s.serialize_str(text),
        }
    }
}
