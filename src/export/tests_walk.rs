//! The writers render one walk: JSON and XML cannot disagree on a value.

use super::walk::{Item, Value as Walked, walk};
use super::{response_json, xml::response_xml};
use crate::engine::{Clock, Filling};
use crate::form::{self, FormBundle};
use crate::store::{ResponseRow, Status};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

const FORM: &str = r#"{
  "format": "rileva-form/1",
  "settings": { "form_id": "calc", "version": "1" },
  "survey": [
    { "type": "integer", "name": "n", "label": "N" },
    { "type": "text", "name": "t", "label": "T", "calculation": "concat('n=', ${n})" },
    { "type": "integer", "name": "twice", "label": "Twice", "calculation": "${n} * 2" },
    { "type": "calculate", "name": "c", "calculation": "${n} + 1" },
    { "type": "select_multiple", "name": "m", "list": "ab", "label": "M" },
    { "type": "time", "name": "at", "label": "At" },
    { "type": "dateTime", "name": "when", "label": "When" },
    { "type": "repeat", "name": "r", "label": "R", "children": [
      { "type": "text", "name": "x", "label": "X" },
      { "type": "note", "name": "say", "label": "Say" }
    ] }
  ],
  "choices": { "ab": [ { "name": "a", "label": "A" }, { "name": "b", "label": "B" } ] }
}"#;

fn filling(answers: &[(&str, &str)]) -> Filling {
    let bundle = FormBundle {
        definition: FORM.to_string(),
        files: BTreeMap::new(),
    };
    let form = Arc::new(form::compile(&bundle).expect("compiles"));
    let clock = Clock::Fixed(
        "2020-05-11T10:30:00+02:00[Europe/Rome]"
            .parse()
            .expect("time"),
    );
    let answers = answers.iter().map(|(p, v)| (p.to_string(), v.to_string()));
    Filling::new(form, answers, clock)
}

fn row() -> ResponseRow {
    ResponseRow {
        id: "0b7e3d8e-7c1a-4f55-9d1e-2b6f0f6a9c11".into(),
        form_sha256: String::new(),
        form_id: "calc".into(),
        form_version: "1".into(),
        form_title: "calc".into(),
        status: Status::Complete,
        operator: "M".into(),
        device_id: "rileva:x".into(),
        language: "".into(),
        instance_name: None,
        answered: 0,
        relevant: 0,
        position: None,
        deprecated_id: None,
        superseded_by: None,
        paper_id: None,
        entry: None,
        created_at: "2020-05-11T10:30:00.000+02:00".into(),
        updated_at: "2020-05-11T10:30:00.000+02:00".into(),
        completed_at: None,
        exported_at: None,
    }
}

/// Was: a text (or integer) with a calculation exported `null` in JSON and
/// its value in XML.
#[test]
fn a_question_with_a_calculation_exports_its_value() {
    let f = filling(&[("/n", "21")]);
    let v = response_json(&f, &row());
    assert_eq!(v["data"]["t"], json!("n=21"));
    assert_eq!(v["data"]["twice"], json!(42));
    assert_eq!(v["data"]["c"], json!("22"));
    let xml = response_xml(&f, &row());
    assert!(
        xml.contains("<t>n=21</t><twice>42</twice><c>22</c>"),
        "{xml}"
    );
}

/// Was: a time typed `10:30` was exported `10:30:00` where ODK Collect
/// writes `10:30:00.000+01:00`. Times and date-times carry milliseconds and
/// the offset of the response's day (Rome in May: +02:00), or the one typed.
#[test]
fn times_are_exported_as_odk_collect_writes_them() {
    let f = filling(&[("/at", "10:30:00"), ("/when", "2020-01-15T08:05:00")]);
    let v = response_json(&f, &row());
    assert_eq!(v["data"]["at"], json!("10:30:00.000+02:00"));
    assert_eq!(
        v["data"]["when"],
        json!("2020-01-15T08:05:00.000+01:00"),
        "January: +01:00"
    );
    let xml = response_xml(&f, &row());
    assert!(xml.contains("<at>10:30:00.000+02:00</at>"), "{xml}");
    let f = filling(&[("/at", "10:30:00.250-03:00")]);
    assert_eq!(
        response_json(&f, &row())["data"]["at"],
        json!("10:30:00.250-03:00")
    );
}

/// Every value as text, by path, from the walk, from the JSON and from the
/// XML of the same response: the three are the same.
#[test]
fn json_and_xml_give_the_walks_values() {
    let f = filling(&[
        ("/n", "3"),
        ("/m", "a b"),
        ("/r[1]/x", "uno & <due>"),
        ("/r[2]/x", "tre"),
    ]);
    let mut from_walk = Vec::new();
    flatten_walk(&walk(&f), "", &mut from_walk);
    let mut from_json = Vec::new();
    flatten_json(&response_json(&f, &row())["data"], "", &mut from_json);
    let xml = response_xml(&f, &row());
    let doc = roxmltree::Document::parse(&xml).expect("XML");
    let mut from_xml = Vec::new();
    for child in doc.root_element().children().filter(|c| c.is_element()) {
        if child.tag_name().name() != "meta" {
            flatten_xml(child, "", &mut from_xml);
        }
    }
    assert_eq!(from_json, from_walk);
    // XML has an element for each note, which holds no value.
    from_xml.retain(|(p, _)| !p.ends_with("/say"));
    assert_eq!(from_xml, from_walk);
    assert!(from_walk.contains(&("/r[1]/x".to_string(), "uno & <due>".to_string())));
}

fn flatten_walk(items: &[Item<'_>], prefix: &str, out: &mut Vec<(String, String)>) {
    for item in items {
        match item {
            Item::Group { node, items } => {
                flatten_walk(items, &format!("{prefix}/{}", node.name), out)
            }
            Item::Repeat {
                node, instances, ..
            } => {
                for (k, inner) in instances.iter().enumerate() {
                    flatten_walk(inner, &format!("{prefix}/{}[{}]", node.name, k + 1), out);
                }
            }
            Item::Note { .. } => {}
            Item::Value { node, value } => {
                let text = match value {
                    Walked::Empty => String::new(),
                    v => v.text().to_string(),
                };
                out.push((format!("{prefix}/{}", node.name), text));
            }
        }
    }
}

fn flatten_json(v: &Value, prefix: &str, out: &mut Vec<(String, String)>) {
    let Value::Object(map) = v else { return };
    for (name, value) in map {
        let path = format!("{prefix}/{name}");
        match value {
            Value::Object(_) => flatten_json(value, &path, out),
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                for (k, inner) in items.iter().enumerate() {
                    flatten_json(inner, &format!("{path}[{}]", k + 1), out);
                }
            }
            Value::Array(items) => {
                let names: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                out.push((path, names.join(" ")));
            }
            Value::Null => out.push((path, String::new())),
            Value::String(s) => out.push((path, s.clone())),
            other => out.push((path, other.to_string())),
        }
    }
}

fn flatten_xml(node: roxmltree::Node<'_, '_>, prefix: &str, out: &mut Vec<(String, String)>) {
    let name = node.tag_name().name();
    let siblings = node
        .parent()
        .into_iter()
        .flat_map(|p| p.children())
        .filter(|c| c.tag_name().name() == name)
        .count();
    // Repeat instances are numbered from 1, as data paths number them
    // (roxmltree's prev_siblings starts with the node itself).
    let path = if siblings > 1 || name == "r" {
        let k = node
            .prev_siblings()
            .filter(|c| c.tag_name().name() == name)
            .count();
        format!("{prefix}/{name}[{k}]")
    } else {
        format!("{prefix}/{name}")
    };
    let kids: Vec<_> = node.children().filter(|c| c.is_element()).collect();
    if kids.is_empty() {
        out.push((path, node.text().unwrap_or("").to_string()));
    } else {
        for k in kids {
            flatten_xml(k, &path, out);
        }
    }
}
