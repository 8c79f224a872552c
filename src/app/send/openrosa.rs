//! The OpenRosa protocol's documents: the form list a server offers (each
//! form's id, version and where its XForm is), the message a submission's
//! answer carries, the public key a served XForm may name, and the
//! multipart body of a submission.

use quick_xml::Reader;
use quick_xml::events::Event;

/// A form the server offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    pub id: String,
    pub version: String,
    pub download_url: Option<String>,
}

/// The forms of an OpenRosa form list (`<xforms><xform><formID>…`);
/// anything unreadable in it is left out rather than failing.
pub fn form_list(xml: &str) -> Vec<Offered> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<Offered> = None;
    let mut field = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().to_string();
                if name == "xform" {
                    current = Some(Offered {
                        id: String::new(),
                        version: String::new(),
                        download_url: None,
                    });
                }
                field = name;
            }
            Ok(event @ (Event::Text(_) | Event::GeneralRef(_))) => {
                let text = text_of(&event);
                if let Some(f) = current.as_mut() {
                    match field.as_str() {
                        "formID" => f.id.push_str(text.trim()),
                        "version" => f.version.push_str(text.trim()),
                        "downloadUrl" => f
                            .download_url
                            .get_or_insert_with(String::new)
                            .push_str(text.trim()),
                        _ => {}
                    }
                }
            }
            Ok(Event::End(e)) => {
                if e.local_name().as_ref() == "xform"
                    && let Some(f) = current.take()
                    && !f.id.is_empty()
                {
                    out.push(f);
                }
                field.clear();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// A refusal as the operator reads it: the status, then the server's
/// message when it gave one ("401", "403 Forbidden").
pub fn refusal(status: u16, message: &str) -> String {
    if message.is_empty() {
        status.to_string()
    } else {
        format!("{status} {message}")
    }
}

/// The `<message>` of an OpenRosa response, else the body's first line.
pub fn message(body: &str) -> String {
    let mut reader = Reader::from_str(body);
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "message" => inside = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == "message" => break,
            Ok(event @ (Event::Text(_) | Event::GeneralRef(_))) if inside => {
                text.push_str(&text_of(&event));
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    if text.trim().is_empty() {
        let first = body
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        first.chars().take(300).collect()
    } else {
        text.trim().chars().take(300).collect()
    }
}

/// The RSA public key a served XForm asks submissions to be encrypted
/// with (`<submission base64RsaPublicKey="…">`), if any.
pub fn public_key(xform: &str) -> Option<String> {
    let mut reader = Reader::from_str(xform);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "submission" => {
                return e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "base64RsaPublicKey")
                    .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                    .map(|v| v.split_whitespace().collect::<String>())
                    .filter(|v| !v.is_empty());
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// The characters of a text event, or of an entity reference between two.
fn text_of(event: &Event<'_>) -> String {
    match event {
        Event::Text(t) => quick_xml::escape::unescape(t)
            .map(|s| s.into_owned())
            .unwrap_or_else(|_| t.to_string()),
        Event::GeneralRef(r) => match r.resolve_char_ref() {
            Ok(Some(c)) => c.to_string(),
            _ => match &**r {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                "apos" => "'",
                _ => "",
            }
            .to_string(),
        },
        _ => String::new(),
    }
}

/// One part of a submission: its field name and file name, its type, its
/// bytes.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// A `multipart/form-data` body of `parts`: (its Content-Type, its bytes).
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = format!("rileva-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    let quoted = |s: &str| -> String {
        s.chars()
            .map(|c| if c == '"' || c.is_control() { '_' } else { c })
            .collect()
    };
    for p in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                quoted(p.name),
                quoted(p.filename),
                p.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(p.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A file's type by its name, for its part.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("mp3") => "audio/mpeg",
        Some("m4a") => "audio/mp4",
        Some("ogg") => "audio/ogg",
        Some("wav") => "audio/wav",
        Some("amr") => "audio/amr",
        Some("mp4") => "video/mp4",
        Some("3gp") => "video/3gpp",
        Some("pdf") => "application/pdf",
        Some("csv") => "text/csv",
        Some("xml") => "text/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_says_the_status_and_the_message_only_when_there_is_one() {
        assert_eq!(refusal(401, ""), "401");
        assert_eq!(refusal(403, "Forbidden"), "403 Forbidden");
        assert_eq!(refusal(401, &message("")), "401");
    }

    #[test]
    fn a_form_list_gives_ids_versions_and_addresses() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<xforms xmlns="http://openrosa.org/xforms/xformsList">
  <xform><formID>buone_pratiche_covid19</formID><name>Buone pratiche</name>
    <version>2020051102</version><hash>md5:x</hash>
    <downloadUrl>https://c.example/v1/projects/1/forms/b/formXml?a=1&amp;b=2</downloadUrl></xform>
  <xform><formID>other</formID><version></version></xform>
  <xform><name>no id</name></xform>
</xforms>"#;
        let list = form_list(xml);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].id, "buone_pratiche_covid19");
        assert_eq!(list[0].version, "2020051102");
        assert_eq!(
            list[0].download_url.as_deref(),
            Some("https://c.example/v1/projects/1/forms/b/formXml?a=1&b=2")
        );
        assert_eq!(list[1].version, "");
        assert!(form_list("not xml <<<").is_empty());
    }

    #[test]
    fn messages_and_keys_are_read_from_what_servers_send() {
        let body = r#"<OpenRosaResponse xmlns="http://openrosa.org/http/response" items="0">
  <message nature="">full submission upload was successful!</message></OpenRosaResponse>"#;
        assert_eq!(message(body), "full submission upload was successful!");
        assert_eq!(
            message("Internal Server Error\nmore"),
            "Internal Server Error"
        );
        let xform = r#"<h:html xmlns:h="x"><model><submission method="post" base64RsaPublicKey="MIIB
 CgKC"/></model></h:html>"#;
        assert_eq!(public_key(xform).as_deref(), Some("MIIBCgKC"));
        assert_eq!(public_key("<model><submission/></model>"), None);
    }

    #[test]
    fn a_multipart_body_names_each_part() {
        let (ct, body) = multipart(&[
            Part {
                name: "xml_submission_file",
                filename: "submission.xml",
                content_type: "text/xml",
                bytes: b"<data/>",
            },
            Part {
                name: "a\"b.png",
                filename: "a\"b.png",
                content_type: "image/png",
                bytes: b"PNG",
            },
        ]);
        let boundary = ct
            .strip_prefix("multipart/form-data; boundary=")
            .expect("boundary");
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"xml_submission_file\"; filename=\"submission.xml\""));
        assert!(text.contains("name=\"a_b.png\""), "{text}");
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
