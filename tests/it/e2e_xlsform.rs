//! End to end with an XLSForm of the user's own: the real binary in a
//! pseudo-terminal on a Markdown XLSForm with a repeat, a field-list group
//! and a calculation over the repeat, then the exports a server would take.

use crate::e2e_support;

use e2e_support::keys::*;
use e2e_support::{Tui, cli};
use std::path::Path;

const FORM: &str = "\
| survey |  |  |  |  |  |  |  |  |
| | type | name | label::Italiano (it) | label::English (en) | required | relevant | appearance | calculation |
| | text | cognome | Cognome della famiglia | Family name | yes |  |  |  |
| | begin_repeat | persona | Persona | Person |  |  |  |  |
| | text | nome | Nome | Name | yes |  |  |  |
| | integer | eta | Età | Age |  |  |  |  |
| | select_one lavoro | lavoro | Condizione | Employment |  | ${eta} >= 15 |  |  |
| | end_repeat |  |  |  |  |  |  |  |
| | begin_group | contatti | Contatti | Contacts |  |  | field-list |  |
| | text | tel | Telefono | Phone |  |  |  |  |
| | text | mail | E-mail | E-mail |  |  |  |  |
| | end_group |  |  |  |  |  |  |  |
| | calculate | n |  |  |  |  |  | count(${persona}) |
| | note | fine | Persone: ${n} | People: ${n} |  |  |  |  |
| choices |  |  |  |  |
| | list_name | name | label::Italiano (it) | label::English (en) |
| | lavoro | occ | Occupato | Employed |
| | lavoro | dis | Disoccupato | Unemployed |
| settings |  |  |  |
| | form_id | version | instance_name |
| | famiglia | 3 | ${cognome} |
";

fn fill(dir: &Path, form: &Path) {
    let mut t = Tui::start_with(dir, &["--form", form.to_str().expect("utf-8 path")]);
    t.wait_for("Chi sta compilando?");
    t.send("Lucia");
    t.key(ENTER);
    t.wait_for("Bozze 0");
    t.send("n");
    t.wait_for("Cognome della famiglia");
    t.send("Rossi");
    t.key(ENTER);
    t.wait_for("Voci inserite: 0");
    t.send("a");
    t.wait_for("Persona 1/1");
    t.send("Ana");
    t.key(ENTER);
    t.wait_for("Età");
    t.send("40");
    t.key(ENTER);
    t.wait_for("Occupato");
    t.send("1");
    t.key(ENTER);
    t.wait_for("Voci inserite: 1");
    t.send("a");
    t.wait_for("Persona 2/2");
    t.send("Bea");
    t.key(ENTER);
    t.wait_for("Età");
    t.send("9");
    t.key(ENTER);
    // Nine years old: no employment question; straight to the repeat's end.
    t.wait_for("Voci inserite: 2");
    t.key(ENTER);
    t.wait_for("Telefono");
    t.send("0123");
    t.key(ENTER);
    t.wait_for("mail E-mail");
    t.send("a@b.it");
    t.key(ENTER);
    t.wait_for("Persone: 2");
    t.key(ENTER);
    t.wait_for("Tutto a posto");
    t.send("f");
    t.wait_for("Finalizzare");
    t.send("s");
    t.wait_for("Completate 1");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn an_xlsform_with_a_repeat_filled_and_exported() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let form = tmp.path().join("famiglia.md");
    std::fs::write(&form, FORM).expect("form written");
    let (code, out, err) = cli(tmp.path(), &["validate", form.to_str().expect("path")]);
    assert_eq!(code, 0, "{out}{err}");
    let data = tmp.path().join("data");
    fill(&data, &form);

    let (code, out, err) = cli(&data, &["export", "--format", "ndjson"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(v["form"]["id"], "famiglia");
    assert_eq!(v["meta"]["instanceName"], "Rossi");
    assert_eq!(v["meta"]["operator"], "Lucia");
    let people = v["data"]["persona"]
        .as_array()
        .expect("the repeat is an array");
    assert_eq!(people.len(), 2);
    assert_eq!(
        people[0],
        serde_json::json!({"nome": "Ana", "eta": 40, "lavoro": "occ"})
    );
    assert_eq!(
        people[1],
        serde_json::json!({"nome": "Bea", "eta": 9}),
        "lavoro not relevant: absent"
    );
    assert_eq!(
        v["data"]["contatti"],
        serde_json::json!({"tel": "0123", "mail": "a@b.it"})
    );
    assert_eq!(v["data"]["n"], "2");

    // The same response as the OpenRosa submission a server takes.
    let out_dir = tmp.path().join("xml");
    let out_arg = out_dir.to_str().expect("path");
    let (code, out, err) = cli(
        &data,
        &["export", "--all", "--format", "xml", "--out", out_arg],
    );
    assert_eq!(code, 0, "{out}{err}");
    let files: Vec<_> = std::fs::read_dir(&out_dir)
        .expect("xml dir")
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    let xml = std::fs::read_to_string(files[0].path()).expect("xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "data");
    assert_eq!(root.attribute("id"), Some("famiglia"));
    assert_eq!(root.attribute("version"), Some("3"));
    let names: Vec<&str> = root
        .children()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect();
    assert_eq!(
        names,
        [
            "cognome", "persona", "persona", "contatti", "n", "fine", "meta"
        ]
    );
    let people: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("persona"))
        .collect();
    let text = |n: roxmltree::Node<'_, '_>, tag: &str| {
        n.children()
            .find(|c| c.has_tag_name(tag))
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    assert_eq!(text(people[0], "lavoro").as_deref(), Some("occ"));
    assert!(
        !people[1].children().any(|c| c.has_tag_name("lavoro")),
        "not relevant: left out"
    );
    let meta = root
        .children()
        .find(|n| n.has_tag_name("meta"))
        .expect("meta");
    assert_eq!(
        text(meta, "instanceID"),
        v["meta"]["instanceID"].as_str().map(str::to_string)
    );
    assert_eq!(text(meta, "instanceName").as_deref(), Some("Rossi"));
}
