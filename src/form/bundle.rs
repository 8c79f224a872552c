//! A form bundle: the definition and the files it reads (CSV choice lists), the
//! unit that is hashed, stored with each response, and compiled into a `Form`.

use super::{FormError, native};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

const DEFAULT_FORM: &str = include_str!("../../assets/forms/buone-pratiche-covid19.json");
const DEFAULT_FILES: &[(&str, &str)] = &[(
    "istat-comuni.csv",
    include_str!("../../assets/forms/istat-comuni.csv"),
)];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormBundle {
    /// The native JSON definition, as read.
    pub definition: String,
    /// Attached files by name (the CSV lists of `*_from_file` questions).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

impl FormBundle {
    /// The Ministry's questionnaire and the ISTAT list, embedded in the binary.
    pub fn embedded_default() -> FormBundle {
        FormBundle {
            definition: DEFAULT_FORM.to_string(),
            files: DEFAULT_FILES
                .iter()
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect(),
        }
    }

    /// Reads a native form file and the files it names, which must sit beside it.
    /// A file that cannot be read is reported; a definition that does not parse is
    /// kept as is, so that compiling it reports every problem with its location.
    pub fn from_path(path: &Path) -> Result<FormBundle, Vec<FormError>> {
        let shown = path.display().to_string();
        let definition = std::fs::read_to_string(path)
            .map_err(|e| vec![FormError::new(&shown, format!("cannot read the form: {e}"))])?;
        let mut bundle = FormBundle {
            definition,
            files: BTreeMap::new(),
        };
        let Ok(doc) = serde_json::from_str::<native::FormDoc>(&bundle.definition) else {
            return Ok(bundle);
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut errors = Vec::new();
        for name in referenced_files(&doc.survey) {
            if !is_plain_file_name(&name) {
                continue; // compile() reports it
            }
            let file = dir.join(&name);
            match std::fs::read(&file) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        bundle.files.insert(name, text);
                    }
                    Err(_) => errors.push(FormError::new(
                        file.display().to_string(),
                        "the file is not UTF-8 text; save it as UTF-8 CSV",
                    )),
                },
                Err(e) => errors.push(FormError::new(
                    file.display().to_string(),
                    format!("cannot read the file named by the form: {e}"),
                )),
            }
        }
        if errors.is_empty() {
            Ok(bundle)
        } else {
            Err(errors)
        }
    }

    /// SHA-256 over the definition and every attached file, in a framing that
    /// cannot be confused (lengths before contents). Hex, lower case.
    pub fn sha256(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"rileva-form-bundle/1\n");
        let mut part = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        part(self.definition.as_bytes());
        for (name, content) in &self.files {
            part(name.as_bytes());
            part(content.as_bytes());
        }
        hex(&h.finalize())
    }

    /// The bundle as one JSON text, as stored beside the responses.
    pub fn to_snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_snapshot(s: &str) -> Result<FormBundle, String> {
        serde_json::from_str(s).map_err(|e| format!("stored form is damaged: {e}"))
    }
}

pub(crate) fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\'])
        && name != "."
        && name != ".."
        && !name.chars().any(char::is_control)
}

fn referenced_files(items: &[native::Item]) -> Vec<String> {
    let mut out = Vec::new();
    for item in items {
        if let Some(f) = &item.file
            && !out.contains(f)
        {
            out.push(f.clone());
        }
        if let Some(children) = &item.children {
            for f in referenced_files(children) {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_changes_with_any_file() {
        let a = FormBundle::embedded_default();
        let mut b = a.clone();
        assert_eq!(a.sha256(), b.sha256());
        b.files.insert("x.csv".into(), String::new());
        assert_ne!(a.sha256(), b.sha256());
        assert_eq!(a.sha256().len(), 64);
    }

    #[test]
    fn snapshot_round_trips() {
        let a = FormBundle::embedded_default();
        let b = FormBundle::from_snapshot(&a.to_snapshot()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.sha256(), b.sha256());
    }

    #[test]
    fn file_names_must_be_plain() {
        assert!(is_plain_file_name("istat-comuni.csv"));
        assert!(!is_plain_file_name("../etc/passwd"));
        assert!(!is_plain_file_name("/abs.csv"));
        assert!(!is_plain_file_name(""));
    }
}
