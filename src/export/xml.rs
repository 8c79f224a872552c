//! OpenRosa XML: a response as the primary instance of the form's XForm, the
//! way pyxform shapes it, ready for ODK Central (`POST .../submissions`) or an
//! OpenRosa `/submission` endpoint (as `xml_submission_file`).
//!
//! Elements follow the form tree in order; repeats are one element per
//! instance; values are in XForm lexical form (select_multiple space-separated,
//! dates ISO); a relevant question without an answer is an empty element; a
//! non-relevant node is left out, as the ODK XForms spec says for submission.

use super::json::uuid_uri;
use super::walk::{Item, walk};
use crate::engine::Filling;
use crate::store::ResponseRow;
use std::fmt::Write;

/// The submission XML of a response.
pub fn response_xml(filling: &Filling, row: &ResponseRow) -> String {
    let form = filling.form();
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<{} xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" id=\"{}\"",
        form.root_name,
        escape(&form.id)
    );
    for (prefix, uri) in &form.namespaces {
        if !["jr", "orx"].contains(&prefix.as_str()) {
            let _ = write!(out, " xmlns:{prefix}=\"{}\"", escape(uri));
        }
    }
    if form
        .nodes
        .iter()
        .any(|n| n.attributes.keys().any(|k| k.starts_with("odk:")))
        && !form.namespaces.contains_key("odk")
    {
        out.push_str(" xmlns:odk=\"http://www.opendatakit.org/xforms\"");
    }
    if !form.version.is_empty() {
        let _ = write!(out, " version=\"{}\"", escape(&form.version));
    }
    out.push('>');
    children(&walk(filling), &mut out);
    out.push_str("<meta>");
    if form.audit {
        // The audit log goes with the submission as this file.
        out.push_str("<audit>audit.csv</audit>");
    }
    let _ = write!(
        out,
        "<instanceID>{}</instanceID>",
        escape(&uuid_uri(&row.id))
    );
    if form.instance_name.is_some() {
        let name = filling
            .instance_name()
            .or_else(|| row.instance_name.clone())
            .unwrap_or_default();
        let _ = write!(out, "<instanceName>{}</instanceName>", escape(&name));
    }
    if let Some(old) = &row.deprecated_id {
        let _ = write!(
            out,
            "<deprecatedID>{}</deprecatedID>",
            escape(&uuid_uri(old))
        );
    }
    out.push_str("</meta>");
    let _ = writeln!(out, "</{}>", form.root_name);
    out
}

/// A node's element opened, with the attributes the form gives it
/// (`instance::` columns); `empty` closes it at once.
fn open(out: &mut String, node: &crate::form::Node, empty: bool) {
    let _ = write!(out, "<{}", node.name);
    for (name, value) in &node.attributes {
        let _ = write!(out, " {name}=\"{}\"", escape(value));
    }
    out.push_str(if empty { "/>" } else { ">" });
}

fn children(items: &[Item<'_>], out: &mut String) {
    for item in items {
        match item {
            Item::Repeat {
                node, instances, ..
            } => {
                for inner in instances {
                    open(out, node, false);
                    children(inner, out);
                    let _ = write!(out, "</{}>", node.name);
                }
            }
            Item::Group { node, items } => {
                open(out, node, false);
                children(items, out);
                let _ = write!(out, "</{}>", node.name);
            }
            Item::Note { node } => open(out, node, true),
            Item::Value { node, value } => match value.text() {
                "" => open(out, node, true),
                text => {
                    open(out, node, false);
                    let _ = write!(out, "{}</{}>", escape(text), node.name);
                }
            },
        }
    }
}

/// Text and attribute escaping; characters XML 1.0 cannot hold at all (most
/// C0 controls) become U+FFFD. Also right for HTML text and attributes.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Clock, MetaInfo};
    use crate::form::{FormBundle, compile};
    use crate::store::Status;
    use std::sync::Arc;

    fn row(id: &str) -> ResponseRow {
        ResponseRow {
            id: id.into(),
            form_sha256: String::new(),
            form_id: "f".into(),
            form_version: "1".into(),
            form_title: "F".into(),
            status: Status::Complete,
            operator: "Mario".into(),
            device_id: "rileva:x".into(),
            language: "it".into(),
            instance_name: None,
            answered: 0,
            relevant: 0,
            position: None,
            deprecated_id: None,
            superseded_by: None,
            paper_id: None,
            entry: None,
            created_at: "2020-06-15T10:00:00.000+02:00".into(),
            updated_at: "2020-06-15T10:00:00.000+02:00".into(),
            completed_at: None,
            exported_at: None,
        }
    }

    fn filling(survey: &str, answers: &[(&str, &str)]) -> Filling {
        let json = format!(
            r#"{{"format":"rileva-form/1","settings":{{"form_id":"f","version":"1","name":"household_survey","instance_name":"concat('HH ', ${{hh}})"}},"survey":{survey},"choices":{{"yn":[{{"name":"y","label":"Y"}},{{"name":"n","label":"N"}}]}}}}"#
        );
        let form = Arc::new(
            compile(&FormBundle {
                definition: json,
                files: Default::default(),
            })
            .expect("compiles"),
        );
        let clock = Clock::Fixed(
            "2020-06-15T10:00:00+02:00[Europe/Rome]"
                .parse()
                .expect("time"),
        );
        let stored: Vec<(String, String)> = answers
            .iter()
            .map(|(p, v)| (p.to_string(), v.to_string()))
            .collect();
        let _ = MetaInfo::default();
        Filling::new(form, stored, clock)
    }

    const SURVEY: &str = r#"[
        {"type":"text","name":"hh","label":"HH"},
        {"type":"group","name":"g","label":"G","children":[
            {"type":"select_multiple","list":"yn","name":"m","label":"M"},
            {"type":"note","name":"n","label":"N"},
            {"type":"integer","name":"skip","label":"S","relevant":"${hh} = 'x'"}]},
        {"type":"repeat","name":"p","label":"P","children":[
            {"type":"text","name":"nm","label":"Name"},
            {"type":"date","name":"d","label":"D"}]},
        {"type":"calculate","name":"c","calculation":"concat(${hh}, '!')"}
    ]"#;

    #[test]
    fn the_instance_mirrors_the_form_with_repeats_and_meta() {
        let f = filling(
            SURVEY,
            &[
                ("/hh", "Rossi & <figli>"),
                ("/g/m", "y n"),
                ("/p[1]/nm", "Ana"),
                ("/p[2]/nm", "Bia"),
                ("/p[2]/d", "2020-03-15"),
            ],
        );
        let mut r = row("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
        r.deprecated_id = Some("0a0b0c0d-0000-4000-8000-000000000000".into());
        let xml = response_xml(&f, &r);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <household_survey xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" id=\"f\" version=\"1\">\
             <hh>Rossi &amp; &lt;figli&gt;</hh>\
             <g><m>y n</m><n/></g>\
             <p><nm>Ana</nm><d/></p><p><nm>Bia</nm><d>2020-03-15</d></p>\
             <c>Rossi &amp; &lt;figli&gt;!</c>\
             <meta><instanceID>uuid:6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b</instanceID>\
             <instanceName>HH Rossi &amp; &lt;figli&gt;</instanceName>\
             <deprecatedID>uuid:0a0b0c0d-0000-4000-8000-000000000000</deprecatedID></meta>\
             </household_survey>\n"
        );
    }

    #[test]
    fn attributes_of_the_form_go_on_their_elements_and_namespaces_on_the_root() {
        let json = r##"{"format":"rileva-form/1","settings":{"form_id":"f","namespaces":{"esri":"http://esri.com/xforms"}},"survey":[
            {"type":"integer","name":"age","label":"Age","attributes":{"hxl":"#age","esri:fieldType":"esriFieldTypeInteger"}}]}"##;
        let form = Arc::new(
            compile(&FormBundle {
                definition: json.into(),
                files: Default::default(),
            })
            .expect("compiles"),
        );
        let f = Filling::new(form, [("/age".to_string(), "7".to_string())], Clock::System);
        let xml = response_xml(&f, &row("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"));
        assert!(
            xml.contains(" xmlns:esri=\"http://esri.com/xforms\""),
            "{xml}"
        );
        assert!(
            xml.contains("<age esri:fieldType=\"esriFieldTypeInteger\" hxl=\"#age\">7</age>"),
            "{xml}"
        );
        roxmltree::Document::parse(&xml).expect("well-formed, namespaces declared");
        // A prefix the settings do not declare is refused.
        let bad = json.replace(
            r#""namespaces":{"esri":"http://esri.com/xforms"}"#,
            r#""version":"1""#,
        );
        let e = compile(&FormBundle {
            definition: bad,
            files: Default::default(),
        })
        .expect_err("refused");
        assert!(format!("{e:?}").contains("does not declare"), "{e:?}");
    }

    #[test]
    fn control_characters_cannot_break_the_xml() {
        assert_eq!(escape("a\u{1b}[31m\u{0}b\r"), "a\u{FFFD}[31m\u{FFFD}b&#13;");
    }
}
