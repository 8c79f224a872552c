//! A response as a published practice: what its layout lets out of it, as
//! a reader reads it (choice labels, dates as written in the interface's
//! language), and only as far as its consent allows. Values come from the
//! one walk of a response that every export uses.

use super::layout::{Allowed, Layout};
use crate::engine::Filling;
use crate::export::walk::{Item, Value, walk};
use crate::form::{Form, Kind, Node};
use crate::lang::Lang;
use std::collections::{BTreeMap, HashMap};

/// One practice, ready for a page or a terminal card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    /// The stem of its page: the id of the response's first version, so
    /// that an edited practice keeps its address.
    pub key: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The labels of its answers to the grouping fields ("" when none).
    pub group: String,
    /// Per choice question the index filters or counts by: the names and
    /// labels chosen.
    pub choices: BTreeMap<String, Vec<(String, String)>>,
    /// The card, by section of the form.
    pub sections: Vec<Section>,
    /// When its response was finalized (`YYYY-MM-DD`).
    pub updated: String,
    /// Its published words, folded for a search.
    pub search: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section's label ("" for questions outside any group).
    pub title: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub label: String,
    /// One per answer (several for a question in a repeat); a choice
    /// question's labels.
    pub values: Vec<String>,
    /// Each value is a web address (shown as a link).
    pub link: bool,
}

/// A filter of the index: its question's label and every choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: String,
    pub label: String,
    /// A practice may have several of its choices.
    pub multiple: bool,
    pub options: Vec<(String, String)>,
}

/// The filters of `layout` on `form`, labels in `lang`.
pub fn filters(form: &Form, layout: &Layout, lang: Lang) -> Vec<Filter> {
    let code = form.language_for(lang.code());
    layout
        .filters
        .iter()
        .filter_map(|f| {
            let id = form.by_name(f)?;
            let list = form.list_of(id)?;
            Some(Filter {
                field: f.clone(),
                label: label_of(form, form.node(id), &code),
                multiple: form.node(id).kind.is_multi(),
                options: list
                    .choices
                    .iter()
                    .map(|c| {
                        let l = crate::markup::plain(c.label.get(&code, &form.default_language));
                        (
                            c.name.clone(),
                            if l.is_empty() { c.name.clone() } else { l },
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

/// A question's label on one line, without markup (its name without one).
pub fn label_of(form: &Form, node: &Node, code: &str) -> String {
    let l = crate::markup::plain(node.label.get(code, &form.default_language));
    let l = crate::text::label_line(&l);
    if l.trim().is_empty() {
        node.name.clone()
    } else {
        l
    }
}

/// What `key`'s response publishes, or `None` when its consent does not
/// allow it. `filling` reads in the interface's language; `completed` is
/// when it was finalized.
pub fn practice(
    filling: &Filling,
    layout: &Layout,
    key: &str,
    completed: &str,
    lang: Lang,
) -> Option<Practice> {
    let form = filling.form();
    let mut raw: HashMap<&str, Vec<String>> = HashMap::new();
    collect(&walk(filling), &mut raw);
    let first = |name: &str| raw.get(name).and_then(|v| v.first()).map(String::as_str);
    let allowed = match &layout.consent {
        Some(c) => c.allows(first(&c.field)),
        None => Allowed::Full,
    };
    if allowed == Allowed::No {
        return None;
    }
    let hidden = |name: &str| {
        layout.never.iter().any(|n| n == name)
            || (allowed == Allowed::WithoutContact && layout.contact.iter().any(|n| n == name))
    };
    let shown = |name: &str| -> Vec<String> {
        if hidden(name) {
            return Vec::new();
        }
        let Some(id) = form.by_name(name) else {
            return Vec::new();
        };
        raw.get(name)
            .map(|vs| {
                vs.iter()
                    .map(|v| reader_text(filling, form.node(id), v, lang))
                    .filter(|v| !v.trim().is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let code = filling.language().to_string();
    let mut sections: Vec<Section> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    for name in layout.card_fields(form) {
        let Some(id) = form.by_name(&name) else {
            continue;
        };
        let node = form.node(id);
        if matches!(node.kind, Kind::Media(_)) {
            continue;
        }
        let values = shown(&name);
        if values.is_empty() {
            continue;
        }
        words.extend(values.iter().cloned());
        let title = form
            .section_of(id)
            .map(|s| label_of(form, form.node(s), &code))
            .unwrap_or_default();
        let field = Field {
            link: values.iter().all(|v| is_web_address(v)),
            name: name.clone(),
            label: label_of(form, node, &code),
            values,
        };
        match sections.last_mut() {
            Some(s) if s.title == title => s.fields.push(field),
            _ => sections.push(Section {
                title,
                fields: vec![field],
            }),
        }
    }
    let title = layout
        .title
        .as_deref()
        .map(|t| shown(t).join(" "))
        .filter(|t| !t.trim().is_empty())
        .or_else(|| filling.instance_name().filter(|n| !n.trim().is_empty()))
        .unwrap_or_else(|| key.to_string());
    let subtitle = layout
        .subtitle
        .as_deref()
        .map(|t| shown(t).join(" "))
        .filter(|t| !t.trim().is_empty());
    let mut choices = BTreeMap::new();
    let summary = layout.summary_fields();
    let counted = layout
        .group_by
        .iter()
        .chain(&layout.filters)
        .chain(&summary);
    for name in counted {
        if hidden(name) || choices.contains_key(name) {
            continue;
        }
        let Some(id) = form.by_name(name) else {
            continue;
        };
        let picked: Vec<(String, String)> = raw
            .get(name.as_str())
            .into_iter()
            .flatten()
            .flat_map(|v| v.split_whitespace())
            .map(|n| {
                let l = filling
                    .choice_label(id, n)
                    .map(crate::markup::plain)
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| n.to_string());
                (n.to_string(), l)
            })
            .collect();
        choices.insert(name.clone(), picked);
    }
    let group = layout
        .group_by
        .iter()
        .map(|g| {
            choices
                .get(g)
                .map(|c| {
                    c.iter()
                        .map(|(_, l)| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        })
        .filter(|g| !g.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    words.push(title.clone());
    words.extend(subtitle.clone());
    let search = crate::text::fold(&words.join(" "));
    Some(Practice {
        key: page_stem(key),
        title,
        subtitle,
        group,
        choices,
        sections,
        updated: date_text(&completed.chars().take(10).collect::<String>(), lang),
        search,
    })
}

/// Every answered value of the walk, by question name (one per instance).
fn collect<'f>(items: &[Item<'f>], out: &mut HashMap<&'f str, Vec<String>>) {
    for item in items {
        match item {
            Item::Group { items, .. } => collect(items, out),
            Item::Repeat { instances, .. } => {
                for i in instances {
                    collect(i, out);
                }
            }
            Item::Note { .. } => {}
            Item::Value { node, value } => {
                if let Value::Text(t) = value {
                    out.entry(node.name.as_str()).or_default().push(t.clone());
                }
            }
        }
    }
}

/// A value as a reader reads it: choice labels separated by commas, a date
/// as the interface writes dates, a confirmation as "yes".
fn reader_text(filling: &Filling, node: &Node, value: &str, lang: Lang) -> String {
    match node.kind {
        k if k.is_select() => value
            .split_whitespace()
            .map(|n| {
                filling
                    .choice_label(node.id, n)
                    .map(crate::markup::plain)
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| n.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        Kind::Date => date_text(value, lang),
        Kind::Integer => grouped(value, lang),
        Kind::Acknowledge => match lang {
            Lang::It => "sì".into(),
            Lang::En => "yes".into(),
        },
        _ => value.to_string(),
    }
}

/// A date `YYYY-MM-DD` as the interface writes it (`DD/MM/YYYY` in
/// Italian); anything else as it is.
fn date_text(value: &str, lang: Lang) -> String {
    match (lang, value.get(0..4), value.get(5..7), value.get(8..10)) {
        (Lang::It, Some(y), Some(m), Some(d)) if value.len() == 10 => format!("{d}/{m}/{y}"),
        _ => value.to_string(),
    }
}

/// An integer of five digits or more with its thousands marked as the
/// interface writes them (`2.844.750`, `2,844,750`); a year stays `2020`.
fn grouped(value: &str, lang: Lang) -> String {
    let (sign, digits) = match value.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", value),
    };
    if digits.len() < 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return value.to_string();
    }
    let mark = match lang {
        Lang::It => '.',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(mark);
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A response id as a file name: kept when it is letters, digits, `-` and
/// `_` (rileva's UUIDs), else those kept and 8 hex digits of its hash
/// added, so two ids never share a page.
pub fn page_stem(id: &str) -> String {
    use sha2::{Digest, Sha256};
    let safe: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    if safe == id && !safe.is_empty() {
        return safe;
    }
    let digest = Sha256::digest(id.as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{safe}-{hex}")
}

/// An `http(s)://` address with nothing else in it: only such a value
/// becomes a link (never `javascript:` or the like).
pub fn is_web_address(v: &str) -> bool {
    let v = v.trim();
    (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() > 8
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_integers_show_their_thousands() {
        assert_eq!(grouped("2844750", Lang::It), "2.844.750");
        assert_eq!(grouped("2844750", Lang::En), "2,844,750");
        assert_eq!(grouped("-15000", Lang::It), "-15.000");
        assert_eq!(grouped("2020", Lang::It), "2020");
        assert_eq!(grouped("12a45", Lang::It), "12a45");
        assert_eq!(grouped("100000", Lang::It), "100.000");
    }

    #[test]
    fn page_stems_are_file_names() {
        let id = "0b7e3d8e-7c1a-4f55-9d1e-2b6f0f6a9c11";
        assert_eq!(page_stem(id), id);
        let odd = page_stem("../../etc/passwd");
        assert!(odd.starts_with("etcpasswd-"), "{odd}");
        assert_ne!(page_stem("a/b"), page_stem("a:b"));
        assert!(page_stem("").len() == 9);
    }

    #[test]
    fn only_plain_web_addresses_are_links() {
        assert!(is_web_address("https://comune.example.it/servizi"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address("https://a.it/\" onclick=\"x"));
        assert!(!is_web_address("see https://a.it"));
        assert!(!is_web_address("http://"));
    }
}
