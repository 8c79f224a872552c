//! What a published catalogue shows of a form's responses: the field that
//! titles a practice, the fields that group and filter the index, the
//! fields of a card, the ones never published and the consent that decides
//! whether (and how far) a response is published. Built in for the
//! Ministry's questionnaire; read from a small JSON or TOML file
//! (`--layout FILE`) for another form; without one, a plain catalogue of
//! every response by its instance name.

use crate::form::{Form, Kind};
use serde::Deserialize;
use std::path::Path;

/// The embedded questionnaire's form id, whose layout is built in.
pub const DEFAULT_FORM_ID: &str = "buone_pratiche_covid19";

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The site's title, by interface language (`it`, `en`); the form's
    /// title without one.
    #[serde(default)]
    pub site_title: Titles,
    /// A line under the title, by interface language.
    #[serde(default)]
    pub site_intro: Titles,
    /// The field whose answer titles a practice; its instance name (else
    /// its number) without one.
    #[serde(default)]
    pub title: Option<String>,
    /// A field shown under the title (the providing body).
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The index groups practices by these fields' answers, in order.
    #[serde(default)]
    pub group_by: Vec<String>,
    /// Choice questions the index (and the terminal catalogue) filters by.
    #[serde(default)]
    pub filters: Vec<String>,
    /// The fields of a card, in order; every question shown on screen when
    /// empty.
    #[serde(default)]
    pub card: Vec<String>,
    /// Fields never published, whatever else says.
    #[serde(default)]
    pub never: Vec<String>,
    /// Fields published only when consent is full (the contact's name).
    #[serde(default)]
    pub contact: Vec<String>,
    /// Choice questions counted on the summary page, one chart each; the
    /// grouping and filter fields when empty.
    #[serde(default)]
    pub summary: Vec<String>,
    /// Without it every response is published in full.
    #[serde(default)]
    pub consent: Option<Consent>,
    /// A line of credit at the foot of every page, by interface language.
    #[serde(default)]
    pub credit: Titles,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Titles {
    #[serde(default)]
    pub it: Option<String>,
    #[serde(default)]
    pub en: Option<String>,
}

impl Titles {
    pub fn get(&self, lang: crate::lang::Lang) -> Option<&str> {
        match lang {
            crate::lang::Lang::It => self.it.as_deref().or(self.en.as_deref()),
            crate::lang::Lang::En => self.en.as_deref().or(self.it.as_deref()),
        }
        .filter(|s| !s.trim().is_empty())
    }
}

/// Which answers of a consent question allow publishing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub field: String,
    /// Published with everything, the contact fields included.
    #[serde(default)]
    pub full: Vec<String>,
    /// Published without the contact fields.
    #[serde(default)]
    pub partial: Vec<String>,
}

/// How far a response may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    Full,
    WithoutContact,
    No,
}

impl Consent {
    pub fn allows(&self, answer: Option<&str>) -> Allowed {
        match answer.map(str::trim) {
            Some(a) if self.full.iter().any(|v| v == a) => Allowed::Full,
            Some(a) if self.partial.iter().any(|v| v == a) => Allowed::WithoutContact,
            _ => Allowed::No,
        }
    }
}

/// Why a layout cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("cannot read the layout {file}: {reason}")]
    Read { file: String, reason: String },
    #[error("the layout {file} is not valid {format}: {reason}")]
    Syntax {
        file: String,
        format: &'static str,
        reason: String,
    },
    #[error("the layout {file} names {field} ({role}), which is not a question of form {form}")]
    Unknown {
        file: String,
        field: String,
        role: &'static str,
        form: String,
    },
    #[error("the layout {file} filters or counts by {field}, which is not a choice question")]
    NotChoice { file: String, field: String },
}

impl Layout {
    /// The layout for `form` when no file is given: built in for the
    /// Ministry's questionnaire, else every question by instance name.
    pub fn for_form(form: &Form) -> Layout {
        if form.id == DEFAULT_FORM_ID {
            builtin()
        } else {
            Layout::default()
        }
    }

    /// Reads a layout file: TOML when it ends in `.toml`, else JSON.
    pub fn read(path: &Path) -> Result<Layout, LayoutError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| LayoutError::Read {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        let toml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if toml {
            toml::from_str(&text).map_err(|e| LayoutError::Syntax {
                file,
                format: "TOML",
                reason: e.message().to_string(),
            })
        } else {
            serde_json::from_str(&text).map_err(|e| LayoutError::Syntax {
                file,
                format: "JSON",
                reason: e.to_string(),
            })
        }
    }

    /// Checks that every field named is a question of `form` (and that the
    /// filtered and counted ones are choices); `file` names the layout.
    pub fn check(&self, form: &Form, file: &str) -> Result<(), LayoutError> {
        let unknown = |field: &str, role: &'static str| LayoutError::Unknown {
            file: file.to_string(),
            field: field.to_string(),
            role,
            form: form.id.clone(),
        };
        let single = [
            (self.title.as_deref(), "title"),
            (self.subtitle.as_deref(), "subtitle"),
            (self.consent.as_ref().map(|c| c.field.as_str()), "consent"),
        ];
        let lists: [(&[String], &str); 6] = [
            (&self.group_by, "group_by"),
            (&self.filters, "filters"),
            (&self.card, "card"),
            (&self.never, "never"),
            (&self.contact, "contact"),
            (&self.summary, "summary"),
        ];
        let named = single
            .into_iter()
            .flat_map(|(f, r)| f.map(|f| (f, r)))
            .chain(
                lists
                    .iter()
                    .flat_map(|(l, r)| l.iter().map(move |f| (f.as_str(), *r))),
            );
        for (field, role) in named {
            let Some(id) = form.by_name(field) else {
                return Err(unknown(field, role_name(role)));
            };
            let counted = matches!(role, "filters" | "summary" | "group_by");
            if counted && !form.node(id).kind.is_select() {
                return Err(LayoutError::NotChoice {
                    file: file.to_string(),
                    field: field.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The fields of a card: the layout's, else every question the operator
    /// answers, in form order; never the `never` ones.
    pub fn card_fields(&self, form: &Form) -> Vec<String> {
        let all: Vec<String> = if self.card.is_empty() {
            form.nodes
                .iter()
                .filter(|n| n.kind.is_screen() && !matches!(n.kind, Kind::Note))
                .map(|n| n.name.clone())
                .collect()
        } else {
            self.card.clone()
        };
        all.into_iter()
            .filter(|f| !self.never.contains(f))
            .collect()
    }

    /// The questions counted on the summary page.
    pub fn summary_fields(&self) -> Vec<String> {
        if !self.summary.is_empty() {
            return self.summary.clone();
        }
        let mut out = self.group_by.clone();
        for f in &self.filters {
            if !out.contains(f) {
                out.push(f.clone());
            }
        }
        out
    }
}

/// The role's name as a layout file spells it.
fn role_name(role: &str) -> &'static str {
    match role {
        "title" => "title",
        "subtitle" => "subtitle",
        "consent" => "consent.field",
        "group_by" => "group_by",
        "filters" => "filters",
        "card" => "card",
        "never" => "never",
        "contact" => "contact",
        _ => "summary",
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The Ministry's 2020 collection: practices grouped by region, filtered by
/// type (B02), target group (C01), area (B07) and status (B05); a card of
/// the body, the service, how it was communicated, the tools, the feedback
/// and whether it continues; the contact's name only with full consent
/// (G04), e-mail and phone never.
fn builtin() -> Layout {
    Layout {
        site_title: Titles {
            it: Some("I servizi sociali al tempo del Coronavirus: le pratiche dei territori".into()),
            en: Some("Social services in the time of Coronavirus: practices from the territories".into()),
        },
        site_intro: Titles {
            it: Some("Una raccolta aperta, che si arricchisce nel tempo, dei servizi sociali attivati o potenziati durante l'emergenza Covid-19 da Comuni, Ambiti territoriali e Regioni.".into()),
            en: Some("An open collection, growing over time, of the social services that municipalities, social districts and regions created or strengthened during the Covid-19 emergency.".into()),
        },
        title: Some("B01".into()),
        subtitle: Some("A04".into()),
        group_by: names(&["A02"]),
        filters: names(&["B02", "C01", "B07", "B05"]),
        card: names(&[
            "A01", "A01_altro", "A03b", "A05", "A06", "A07", "A08", "A08_altro", "B02", "B03",
            "B04", "B05", "B06", "B07", "B07_altro", "C01", "C01_altro", "C02", "C03", "C04",
            "D01", "D02", "D03", "D03_altro", "D04", "D04_altro", "E01", "E02", "E03", "E04",
            "E04_altro", "E05", "E06", "E06_altro", "E07", "F01", "F02", "F03", "F04", "F04_altro",
            "F05", "F06", "F07", "F08", "G01",
        ]),
        never: names(&["A09", "A10", "G02", "G03", "G04", "G05"]),
        contact: names(&["A07", "A08", "A08_altro"]),
        summary: names(&["A02", "B02", "C01", "B07"]),
        consent: Some(Consent {
            field: "G04".into(),
            full: names(&["si_completo"]),
            partial: names(&["si_ente"]),
        }),
        credit: Titles {
            it: Some("Questionario: Ministero del Lavoro e delle Politiche Sociali, con ANCI e Banca Mondiale (maggio 2020). Pagine scritte da rileva.".into()),
            en: Some("Questionnaire: Italian Ministry of Labour and Social Policies, with ANCI and the World Bank (May 2020). Pages written by rileva.".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> &'static Form {
        static FORM: std::sync::OnceLock<Form> = std::sync::OnceLock::new();
        FORM.get_or_init(|| crate::form::load_default().expect("the embedded form").1)
    }

    #[test]
    fn the_builtin_layout_fits_the_embedded_form() {
        let f = form();
        let l = Layout::for_form(f);
        assert_eq!(l.title.as_deref(), Some("B01"));
        l.check(f, "built-in").expect("every field is a question");
        let card = l.card_fields(f);
        assert!(!card.iter().any(|c| c == "A09" || c == "A10"), "{card:?}");
    }

    #[test]
    fn consent_decides_how_far() {
        let c = builtin().consent.expect("consent");
        assert_eq!(c.allows(Some("si_completo")), Allowed::Full);
        assert_eq!(c.allows(Some("si_ente")), Allowed::WithoutContact);
        assert_eq!(c.allows(Some("no")), Allowed::No);
        assert_eq!(c.allows(None), Allowed::No);
    }

    proptest::proptest! {
        /// A layout file of any bytes is read or refused, never a panic;
        /// one that reads is checked against the form without one either.
        #[test]
        fn any_layout_file_is_read_or_refused(text in ".{0,200}", toml in proptest::bool::ANY) {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join(if toml { "l.toml" } else { "l.json" });
            std::fs::write(&path, &text).expect("write");
            if let Ok(l) = Layout::read(&path) {
                let _ = l.check(form(), "l");
            }
        }

        #[test]
        fn layouts_of_any_field_names_are_checked(names in proptest::collection::vec("[A-Za-z0-9_]{0,6}", 0..6)) {
            let l = Layout { title: names.first().cloned(), filters: names.clone(), card: names, ..Layout::default() };
            let f = form();
            if l.check(f, "l").is_ok() {
                let _ = l.card_fields(f);
            }
        }
    }

    #[test]
    fn a_layout_file_names_what_is_wrong() {
        let dir = tempfile::tempdir().expect("temp dir");
        let f = form();
        let toml = dir.path().join("l.toml");
        std::fs::write(&toml, "title = \"B01\"\nfilters = [\"B03\"]\n").expect("write");
        let l = Layout::read(&toml).expect("reads");
        let e = l.check(f, "l.toml").expect_err("B03 is text");
        assert!(e.to_string().contains("B03"), "{e}");
        let json = dir.path().join("l.json");
        std::fs::write(&json, r#"{"title":"B01","card":["ZZ9"]}"#).expect("write");
        let e = Layout::read(&json)
            .expect("reads")
            .check(f, "l.json")
            .expect_err("no ZZ9");
        assert!(e.to_string().contains("ZZ9 (card)"), "{e}");
        std::fs::write(&json, r#"{"titel":"B01"}"#).expect("write");
        let e = Layout::read(&json).expect_err("a misspelt key");
        assert!(e.to_string().contains("titel"), "{e}");
        std::fs::write(&toml, "title = ").expect("write");
        assert!(Layout::read(&toml).is_err());
    }
}
