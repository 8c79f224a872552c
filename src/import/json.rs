//! JSON and NDJSON: one object per response, either rileva's own export
//! (`"format": "rileva-response/1"`, answers in `data`) or a plain object of
//! answers keyed by XLSForm name or path: groups nested or flattened
//! (`"household/age"`), repeats as arrays of objects, select_multiple as an
//! array or a space-separated string, numbers as numbers or strings.

use super::resolve::{Resolver, Target, id_priority};
use super::{Item, Mapping, Notes, Raw, Row, Stop, skip_bom};
use crate::export::FORMAT;
use crate::form::values::format_decimal;
use crate::form::{Form, Kind, NodeId};
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::error::Category;
use serde_json::{Map, Value};
use std::fmt;
use std::io::BufRead;

/// A `.json` file read once, without keeping it: one object is one row, an
/// array has a row per element; anything else, or broken JSON anywhere,
/// makes the file unusable.
pub(super) fn scan(mut input: impl BufRead) -> Result<usize, String> {
    skip_bom(&mut input).map_err(|e| format!("cannot read it: {e}"))?;
    let mut de = serde_json::Deserializer::from_reader(input);
    let rows = Count
        .deserialize(&mut de)
        .and_then(|rows| de.end().map(|()| rows))
        .map_err(unusable)?;
    Ok(rows)
}

/// Why a `.json` file cannot be read (on).
fn unusable(e: serde_json::Error) -> String {
    match e.classify() {
        Category::Data => "neither an object nor an array of objects".to_string(),
        Category::Io => format!("cannot read it: {e}"),
        Category::Syntax | Category::Eof => format!("not JSON: {e}"),
    }
}

/// A `.json` file, one element of its array at a time (serde's `SeqAccess`:
/// the array is never in memory, only the element being read).
pub(super) fn stream<E>(
    mut input: impl BufRead,
    form: &Form,
    mut each: impl FnMut(Row) -> Result<(), E>,
) -> Result<Mapping, Stop<E>> {
    skip_bom(&mut input).map_err(|e| Stop::File(format!("cannot read it: {e}")))?;
    let mut reader = Reader::new(form);
    let mut stopped = None;
    let mut de = serde_json::Deserializer::from_reader(input);
    let read = Rows {
        reader: &mut reader,
        each: &mut each,
        stopped: &mut stopped,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match (read, stopped) {
        (_, Some(e)) => Err(Stop::Handler(e)),
        (Err(e), None) => Err(Stop::File(unusable(e))),
        (Ok(()), None) => Ok(reader.into_mapping()),
    }
}

/// Counts the rows of a `.json` file, reading over every value.
struct Count;

impl<'de> DeserializeSeed<'de> for Count {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut rows = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            rows += 1;
        }
        Ok(rows)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(1)
    }
}

/// Hands each element (or the one object) of a `.json` file over as a row;
/// a handler's error is kept in `stopped` and ends the reading.
struct Rows<'r, 'f, F, E> {
    reader: &'r mut Reader<'f>,
    each: &'r mut F,
    stopped: &'r mut Option<E>,
}

impl<'de, F: FnMut(Row) -> Result<(), E>, E> DeserializeSeed<'de> for Rows<'_, '_, F, E> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Row) -> Result<(), E>, E> Visitor<'de> for Rows<'_, '_, F, E> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0usize;
        while let Some(value) = seq.next_element::<Value>()? {
            number += 1;
            let row = self.reader.row(&value, number);
            drop(value);
            if let Err(e) = (self.each)(row) {
                *self.stopped = Some(e);
                return Err(A::Error::custom("stopped"));
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        let row = self.reader.row(&value, 1);
        drop(value);
        if let Err(e) = (self.each)(row) {
            *self.stopped = Some(e);
            return Err(A::Error::custom("stopped"));
        }
        Ok(())
    }
}

/// Turns JSON objects into rows, and remembers what their keys came to.
pub(super) struct Reader<'a> {
    form: &'a Form,
    resolver: Resolver<'a>,
    notes: Notes,
}

impl<'a> Reader<'a> {
    pub(super) fn new(form: &'a Form) -> Reader<'a> {
        Reader {
            form,
            resolver: Resolver::new(form),
            notes: Notes::default(),
        }
    }

    pub(super) fn into_mapping(self) -> Mapping {
        self.notes.into_mapping("field")
    }

    pub(super) fn row(&mut self, value: &Value, number: usize) -> Row {
        let mut row = Row {
            number,
            ..Row::default()
        };
        let Value::Object(obj) = value else {
            row.problems
                .push("not a JSON object (one object per response)".into());
            return row;
        };
        match rileva_format(obj) {
            Some(Ok(())) => self.rileva(obj, &mut row),
            Some(Err(format)) => row.problems.push(format!(
                "in the format \"{format}\", which this rileva does not read (it reads {FORMAT})"
            )),
            None => {
                row.id = plain_id(obj);
                row.deprecated_id = meta_text(obj, "deprecatedID");
                row.paper_id = meta_text(obj, "paperID");
                row.items = self.object(obj, None, "", &mut row.problems);
            }
        }
        row
    }

    /// rileva's own export: the answers are in `data`, the id in
    /// `meta.instanceID`, and the form must be the same (by id).
    fn rileva(&mut self, obj: &Map<String, Value>, row: &mut Row) {
        let form_id = obj
            .get("form")
            .and_then(|f| f.get("id"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if form_id != self.form.id {
            row.problems.push(format!(
                "a response to the form \"{form_id}\", not to \"{}\"",
                self.form.id
            ));
            return;
        }
        row.id = meta_text(obj, "instanceID");
        row.deprecated_id = meta_text(obj, "deprecatedID");
        row.paper_id = meta_text(obj, "paperID");
        row.keyer = meta_text(obj, "operator");
        row.language = obj
            .get("language")
            .and_then(Value::as_str)
            .map(str::to_string);
        match obj.get("data") {
            Some(Value::Object(data)) => {
                row.items = self.object(data, None, "", &mut row.problems);
            }
            _ => row.problems.push("no \"data\" object".into()),
        }
    }

    /// The items of an object for `scope` (the response, a group, a repeat
    /// instance); `prefix` is how the report names the object's keys.
    fn object(
        &mut self,
        obj: &Map<String, Value>,
        scope: Option<NodeId>,
        prefix: &str,
        problems: &mut Vec<String>,
    ) -> Vec<Item> {
        let mut items = Vec::new();
        for (key, value) in obj {
            let shown = format!("{prefix}{key}");
            let target = self.resolver.key(scope, key);
            match target {
                Target::Id(_) | Target::ChoiceOf(_) => {}
                Target::Ignored(why) => self.notes.ignore(&shown, why),
                Target::Refused(reason) => self.notes.refuse(&shown, &reason, !is_empty(value)),
                Target::At(slot) => match raw(value) {
                    Ok(value) => items.push(Item::At {
                        slot,
                        column: None,
                        value,
                    }),
                    Err(why) => problems.push(format!("field {shown}: {why}")),
                },
                Target::Node(node) => match self.form.node(node).kind {
                    Kind::Group => match value {
                        Value::Object(inner) => {
                            let prefix = format!("{shown}/");
                            items.extend(self.object(inner, Some(node), &prefix, problems));
                        }
                        Value::Null => {}
                        _ => problems.push(format!(
                            "field {shown}: the group {} takes an object",
                            self.resolver.shown(node)
                        )),
                    },
                    Kind::Repeat => match value {
                        Value::Array(list) => {
                            let mut instances = Vec::with_capacity(list.len());
                            for (i, element) in list.iter().enumerate() {
                                let prefix = format!("{shown}[{}]/", i + 1);
                                match element {
                                    Value::Object(inner) => instances.push(self.object(
                                        inner,
                                        Some(node),
                                        &prefix,
                                        problems,
                                    )),
                                    _ => {
                                        problems.push(format!(
                                            "field {shown}[{}]: an instance of the repeat {} is an object",
                                            i + 1,
                                            self.resolver.shown(node)
                                        ));
                                        instances.push(Vec::new());
                                    }
                                }
                            }
                            items.push(Item::Repeat { node, instances });
                        }
                        Value::Null => {}
                        _ => problems.push(format!(
                            "field {shown}: the repeat {} takes an array of objects",
                            self.resolver.shown(node)
                        )),
                    },
                    _ => match raw(value) {
                        Ok(value) => items.push(Item::Value {
                            node,
                            column: None,
                            value,
                        }),
                        Err(why) => problems.push(format!("field {shown}: {why}")),
                    },
                },
            }
        }
        items
    }
}

/// `Some(Ok)` for rileva's format, `Some(Err(format))` for another rileva
/// format, `None` for a plain object of answers.
fn rileva_format(obj: &Map<String, Value>) -> Option<Result<(), String>> {
    let format = obj.get("format")?.as_str()?;
    if !format.starts_with("rileva-response/") || !obj.contains_key("data") {
        return None;
    }
    Some(if format == FORMAT {
        Ok(())
    } else {
        Err(format.to_string())
    })
}

/// The id of a plain object: the best of its id keys, also inside `meta`.
fn plain_id(obj: &Map<String, Value>) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    let mut consider = |priority: usize, value: &Value| {
        if let Some(s) = scalar(value).filter(|s| !s.trim().is_empty())
            && best.as_ref().is_none_or(|(p, _)| priority < *p)
        {
            best = Some((priority, s.trim().to_string()));
        }
    };
    for (key, value) in obj {
        if let Some(p) = id_priority(key) {
            consider(p, value);
        } else if key.eq_ignore_ascii_case("meta")
            && let Value::Object(meta) = value
        {
            for (k, v) in meta {
                if k.eq_ignore_ascii_case("instanceID") {
                    consider(0, v);
                }
            }
        }
    }
    best.map(|(_, s)| s)
}

/// A text of the `meta` object (`instanceID`, `deprecatedID`), any case.
fn meta_text(obj: &Map<String, Value>, name: &str) -> Option<String> {
    let meta = obj
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("meta"))
        .and_then(|(_, v)| v.as_object())?;
    meta.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
        .map(str::to_string)
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.iter().all(is_empty),
        Value::Object(o) => o.values().all(is_empty),
        _ => false,
    }
}

/// A scalar as text: numbers without a useless `.0`, booleans as
/// `true`/`false`.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(if let Some(i) = n.as_i64() {
            i.to_string()
        } else if let Some(u) = n.as_u64() {
            u.to_string()
        } else {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9e15 {
                format!("{}", f as i64)
            } else {
                format_decimal(f)
            }
        }),
        _ => None,
    }
}

/// The value of a question: a scalar, null, or an array of scalars.
fn raw(value: &Value) -> Result<Raw, String> {
    match value {
        Value::Null => Ok(Raw::Empty),
        Value::Array(list) => list
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| scalar(v).ok_or_else(|| "a list may only hold names, numbers or text".into()))
            .collect::<Result<Vec<String>, String>>()
            .map(Raw::List),
        Value::Object(_) => Err("an answer is a value, not an object".into()),
        v => Ok(match scalar(v) {
            Some(s) if s.trim().is_empty() => Raw::Empty,
            Some(s) => Raw::Text(s),
            None => Raw::Empty,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_keep_their_value_without_noise() {
        assert_eq!(scalar(&json!(12)).as_deref(), Some("12"));
        assert_eq!(scalar(&json!(12.0)).as_deref(), Some("12"));
        assert_eq!(scalar(&json!(3.25)).as_deref(), Some("3.25"));
        assert_eq!(scalar(&json!(-0.5)).as_deref(), Some("-0.5"));
        assert_eq!(scalar(&json!(true)).as_deref(), Some("true"));
        assert_eq!(scalar(&json!(null)), None);
    }

    #[test]
    fn the_best_id_wins_and_meta_counts() {
        let obj = json!({"_uuid": "b", "meta": {"instanceID": "uuid:a"}, "x": 1});
        assert_eq!(
            plain_id(obj.as_object().unwrap()).as_deref(),
            Some("uuid:a")
        );
        let obj = json!({"_uuid": "b", "KEY": "c"});
        assert_eq!(plain_id(obj.as_object().unwrap()).as_deref(), Some("c"));
        let obj = json!({"x": 1});
        assert_eq!(plain_id(obj.as_object().unwrap()), None);
    }
}
