//! The JSON Schemas in assets/schema: they are valid draft 2020-12 schemas, the
//! default questionnaire follows form.schema.json, broken forms do not, and
//! exports follow response.schema.json.

use crate::common;

use common::{COMPLETE, DRAFT, default_form, filling, hand_row};
use jsonschema::Validator;
use rileva::export::response_json;
use rileva::form::native::{ChoiceDoc, FormDoc, Item, Language, Settings, TextDoc};
use rileva::store::Status;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const FORM_SCHEMA: &str = include_str!("../../assets/schema/form.schema.json");
const RESPONSE_SCHEMA: &str = include_str!("../../assets/schema/response.schema.json");
const DEFAULT_FORM: &str = include_str!("../../assets/forms/buone-pratiche-covid19.json");

fn schema(text: &str) -> Value {
    serde_json::from_str(text).expect("the schema is JSON")
}

fn validator(text: &str) -> Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema(text))
        .expect("the schema compiles")
}

fn errors(v: &Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn both_schemas_are_valid_2020_12_schemas() {
    for text in [FORM_SCHEMA, RESPONSE_SCHEMA] {
        let s = schema(text);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(
            s["$id"]
                .as_str()
                .is_some_and(|id| id.starts_with("urn:rileva:"))
        );
        assert!(s["title"].is_string() && s["description"].is_string());
        if let Err(e) = jsonschema::meta::validate(&s) {
            panic!("{} is not a valid schema: {e}", s["$id"]);
        }
    }
}

// ---------------------------------------------------------------------------
// form.schema.json

#[test]
fn the_default_form_follows_the_form_schema() {
    let v = validator(FORM_SCHEMA);
    let form: Value = serde_json::from_str(DEFAULT_FORM).expect("JSON");
    assert_eq!(errors(&v, &form), Vec::<String>::new());
}

fn minimal() -> Value {
    json!({
        "format": "rileva-form/1",
        "settings": { "form_id": "f" },
        "survey": [ { "type": "text", "name": "a", "label": "A" } ]
    })
}

#[test]
fn a_minimal_form_is_valid_and_loads() {
    assert!(validator(FORM_SCHEMA).is_valid(&minimal()));
    serde_json::from_value::<FormDoc>(minimal()).expect("the loader accepts it too");
}

#[test]
fn broken_forms_do_not_follow_the_form_schema() {
    let v = validator(FORM_SCHEMA);
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut f = minimal();
    f["format"] = json!("rileva-form/2");
    cases.push(("wrong format", f));
    let mut f = minimal();
    f["survey"][0]["lable"] = json!("typo");
    cases.push(("unknown key on a row", f));
    let mut f = minimal();
    f["extra"] = json!(1);
    cases.push(("unknown top-level key", f));
    let mut f = minimal();
    f["settings"] = json!({ "title": "no form_id" });
    cases.push(("settings without form_id", f));
    let mut f = minimal();
    f["survey"][0]["type"] = json!("photo");
    cases.push(("unsupported type", f));
    let mut f = minimal();
    f["survey"][0]["label"] = json!(42);
    cases.push(("label not a text", f));
    let mut f = minimal();
    f["survey"][0]["label"] = json!({ "it": ["a list"] });
    cases.push(("translation not a string", f));
    let mut f = minimal();
    f["survey"][0] = json!({ "type": "group", "name": "g", "label": "G" });
    cases.push(("group without children", f));
    let mut f = minimal();
    f["survey"][0]["children"] = json!([]);
    cases.push(("children on a question", f));
    let mut f = minimal();
    f["survey"][0] = json!({ "type": "select_one", "name": "s", "label": "S" });
    cases.push(("select_one without list", f));
    let mut f = minimal();
    f["survey"][0] =
        json!({ "type": "select_one_from_file", "name": "s", "label": "S", "list": "x" });
    cases.push(("select_one_from_file without file", f));
    let mut f = minimal();
    f["survey"][0] = json!({ "type": "calculate", "name": "c" });
    cases.push(("calculate without calculation", f));
    let mut f = minimal();
    f["survey"][0] = json!({ "type": "group", "name": "g", "children": [ { "type": "text", "name": "x", "label": "X", "bogus": true } ] });
    cases.push(("unknown key in a nested row", f));
    let mut f = minimal();
    f["choices"] = json!({ "l": [ { "name": "a" } ] });
    cases.push(("choice without label", f));
    let mut f = minimal();
    f["languages"] = json!([ { "code": "it" } ]);
    cases.push(("language without name", f));
    for (what, form) in cases {
        assert!(
            !v.is_valid(&form),
            "{what}: the schema should refuse {form}"
        );
    }
}

/// Property names of a serialized struct with every optional field set.
fn keys(v: Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

fn schema_keys(s: &Value, pointer: &str) -> BTreeSet<String> {
    keys(
        s.pointer(pointer)
            .unwrap_or_else(|| panic!("{pointer} in the schema"))
            .clone(),
    )
}

/// The schema names exactly the fields of src/form/native.rs, so that it
/// cannot drift from the loader unnoticed.
#[test]
fn the_form_schema_names_exactly_the_fields_of_the_native_format() {
    let s = schema(FORM_SCHEMA);
    let text = || Some(TextDoc::Plain("x".into()));
    let some = || Some("x".to_string());
    let item = Item {
        kind: "group".into(),
        name: "x".into(),
        list: some(),
        file: some(),
        label: text(),
        hint: text(),
        required: some(),
        required_message: text(),
        relevant: some(),
        constraint: some(),
        constraint_message: text(),
        calculation: some(),
        default: some(),
        read_only: some(),
        repeat_count: some(),
        appearance: some(),
        choice_filter: some(),
        parameters: Some(BTreeMap::new()),
        children: Some(Vec::new()),
        media: Some(BTreeMap::new()),
        attributes: Some(BTreeMap::new()),
        origin: None,
    };
    assert_eq!(keys(to(&item)), schema_keys(&s, "/$defs/item/properties"));
    let settings = Settings {
        form_id: "x".into(),
        version: some(),
        form_title: some(),
        default_language: some(),
        instance_name: some(),
        name: some(),
        allow_choice_duplicates: true,
        clean_text_values: true,
        public_key: some(),
        audit: true,
        namespaces: BTreeMap::from([("esri".to_string(), "http://esri.com/xforms".to_string())]),
        form_id_origin: None,
    };
    assert_eq!(
        keys(to(&settings)),
        schema_keys(&s, "/$defs/settings/properties")
    );
    let choice = ChoiceDoc {
        name: "x".into(),
        label: TextDoc::Plain("x".into()),
        columns: BTreeMap::from([("c".to_string(), "v".to_string())]),
        origin: None,
    };
    assert_eq!(
        keys(to(&choice)),
        schema_keys(&s, "/$defs/choice/properties")
    );
    let language = Language {
        code: "x".into(),
        name: "x".into(),
    };
    assert_eq!(
        keys(to(&language)),
        schema_keys(&s, "/$defs/language/properties")
    );
    let doc = FormDoc {
        format: "x".into(),
        settings,
        languages: vec![language],
        survey: vec![item],
        choices: BTreeMap::from([("l".to_string(), vec![choice])]),
    };
    assert_eq!(keys(to(&doc)), schema_keys(&s, "/properties"));
}

fn to<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("serializes")
}

/// Every type the schema allows is one the compiler knows.
#[test]
fn every_type_in_the_schema_compiles() {
    let s = schema(FORM_SCHEMA);
    let types = s
        .pointer("/$defs/item/properties/type/enum")
        .and_then(Value::as_array)
        .expect("type enum");
    assert_eq!(types.len(), 33);
    let v = validator(FORM_SCHEMA);
    for t in types {
        let t = t.as_str().expect("a string");
        let mut row = json!({ "type": t, "name": "q", "label": "Q" });
        match t {
            "group" | "repeat" => {
                row["children"] = json!([{ "type": "text", "name": "inner", "label": "I" }])
            }
            "select_one" | "select_multiple" | "rank" => row["list"] = json!("l"),
            "select_one_from_file" | "select_multiple_from_file" => row["file"] = json!("l.csv"),
            "calculate" => row["calculation"] = json!("1 + 1"),
            _ => {}
        }
        let form = json!({
            "format": "rileva-form/1",
            "settings": { "form_id": "f" },
            // A question beside it: a form where nothing takes an answer is refused.
            "survey": [ row, { "type": "text", "name": "other", "label": "O" } ],
            "choices": { "l": [ { "name": "a", "label": "A" } ] }
        });
        assert_eq!(errors(&v, &form), Vec::<String>::new(), "{t}");
        let bundle = rileva::form::FormBundle {
            definition: form.to_string(),
            files: BTreeMap::from([("l.csv".to_string(), "name,label\na,A\n".to_string())]),
        };
        if let Err(errors) = rileva::form::compile(&bundle) {
            panic!("type {t}: {errors:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// response.schema.json

#[test]
fn a_complete_export_follows_the_response_schema() {
    let (_, form) = default_form();
    let v = response_json(
        &filling(&form, COMPLETE),
        &hand_row(&form, Status::Complete),
    );
    assert_eq!(
        errors(&validator(RESPONSE_SCHEMA), &v),
        Vec::<String>::new()
    );
}

#[test]
fn a_draft_export_follows_the_response_schema() {
    let (_, form) = default_form();
    let mut row = hand_row(&form, Status::Draft);
    row.instance_name = None;
    row.deprecated_id = Some("0a0b0c0d-0000-4000-8000-000000000000".into());
    let v = response_json(&filling(&form, DRAFT), &row);
    assert_eq!(v["meta"]["timeEnd"], Value::Null);
    assert_eq!(
        errors(&validator(RESPONSE_SCHEMA), &v),
        Vec::<String>::new()
    );
}

#[test]
fn broken_exports_do_not_follow_the_response_schema() {
    let (_, form) = default_form();
    let good = response_json(
        &filling(&form, COMPLETE),
        &hand_row(&form, Status::Complete),
    );
    let v = validator(RESPONSE_SCHEMA);
    assert!(v.is_valid(&good));
    type Edit = (&'static str, fn(&mut Value));
    let edits: Vec<Edit> = vec![
        ("format", |r| r["format"] = json!("rileva-response/2")),
        ("instanceID without uuid:", |r| {
            r["meta"]["instanceID"] = json!("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")
        }),
        ("timeStart not a date-time", |r| {
            r["meta"]["timeStart"] = json!("yesterday")
        }),
        ("timeEnd a number", |r| r["meta"]["timeEnd"] = json!(3)),
        ("status", |r| r["status"] = json!("sent")),
        ("sha256", |r| r["form"]["sha256"] = json!("abc")),
        ("missing meta key", |r| {
            r["meta"].as_object_mut().map(|m| m.remove("operator"));
        }),
        ("missing data", |r| {
            r.as_object_mut().map(|m| m.remove("data"));
        }),
        ("extra key", |r| r["extra"] = json!(true)),
        ("boolean value", |r| r["data"]["sez_A"]["A01"] = json!(true)),
        ("array of numbers", |r| {
            r["data"]["sez_B"]["B07"] = json!([1, 2])
        }),
        ("nested boolean", |r| {
            r["data"]["sez_A"]["inner"] = json!({ "x": false })
        }),
    ];
    for (what, edit) in edits {
        let mut r = good.clone();
        edit(&mut r);
        assert!(!v.is_valid(&r), "{what}: the schema should refuse it");
    }
}
