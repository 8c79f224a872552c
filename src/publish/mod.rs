//! The open collection: finished responses as a catalogue of practices,
//! published as a static website (`rileva publish`) and browsed in the
//! terminal. What a practice shows, and whether it is shown at all, is
//! decided here once (its layout and its consent); the site's pages and
//! the terminal's cards both read a `Catalogue`.

pub mod chart;
pub mod html;
pub mod layout;
pub mod practice;

pub use layout::{Allowed, Consent, DEFAULT_FORM_ID, Layout, LayoutError};
pub use practice::{Field, Filter, Practice, Section};

use crate::engine::Filling;
use crate::form::Form;
use crate::lang::Lang;
use crate::text::fold;

/// The stylesheet and script copied beside the pages.
pub const STYLE_CSS: &str = include_str!("../../assets/site/style.css");
pub const SCRIPT_JS: &str = include_str!("../../assets/site/catalogo.js");

/// The practices of one form, as its layout shows them.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub lang: Lang,
    pub layout: Layout,
    /// The site's title.
    pub title: String,
    /// The label of the grouping questions.
    pub group_label: String,
    pub filters: Vec<Filter>,
    /// The counted questions: (name, label).
    pub counted: Vec<(String, String)>,
    /// Sorted by group, then title (`sort`).
    pub practices: Vec<Practice>,
    /// Finished responses whose consent keeps them out.
    pub withheld: usize,
}

impl Catalogue {
    /// An empty catalogue of `form` (its newest definition), in `lang`.
    pub fn new(form: &Form, layout: Layout, lang: Lang) -> Catalogue {
        let code = form.language_for(lang.code());
        let label = |name: &str| {
            form.by_name(name)
                .map(|id| practice::label_of(form, form.node(id), &code))
                .unwrap_or_else(|| name.to_string())
        };
        let group_label = layout
            .group_by
            .iter()
            .map(|g| label(g))
            .collect::<Vec<_>>()
            .join(" · ");
        let counted = layout
            .summary_fields()
            .into_iter()
            .filter(|f| !layout.never.contains(f))
            .map(|f| {
                let l = label(&f);
                (f, l)
            })
            .collect();
        Catalogue {
            title: layout
                .site_title
                .get(lang)
                .map(str::to_string)
                .unwrap_or_else(|| form.title.clone()),
            group_label,
            filters: practice::filters(form, &layout, lang),
            counted,
            lang,
            layout,
            practices: Vec::new(),
            withheld: 0,
        }
    }

    /// Adds a finished response: `key` names its page (its first
    /// version's id), `completed` when it was finalized.
    pub fn add(&mut self, filling: &Filling, key: &str, completed: &str) {
        match practice::practice(filling, &self.layout, key, completed, self.lang) {
            Some(p) => self.practices.push(p),
            None => self.withheld += 1,
        }
    }

    /// Groups in alphabetical order (the ungrouped last), titles within.
    pub fn sort(&mut self) {
        self.practices.sort_by_cached_key(|p| {
            (
                p.group.is_empty(),
                fold(&p.group),
                fold(&p.title),
                p.key.clone(),
            )
        });
    }

    /// The practices matching a search (every word, accents ignored) and
    /// the filters (`picked[i]`: a choice name of filter `i`, or none).
    pub fn matching(&self, search: &str, picked: &[Option<String>]) -> Vec<usize> {
        let words: Vec<String> = fold(search).split_whitespace().map(String::from).collect();
        self.practices
            .iter()
            .enumerate()
            .filter(|(_, p)| words.iter().all(|w| p.search.contains(w.as_str())))
            .filter(|(_, p)| {
                self.filters.iter().zip(picked).all(|(f, pick)| match pick {
                    None => true,
                    Some(name) => p
                        .choices
                        .get(&f.field)
                        .is_some_and(|c| c.iter().any(|(n, _)| n == name)),
                })
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Per counted question: its label and (choice label, practices), the
    /// most frequent first (ties in the order first met).
    pub fn summary(&self) -> Vec<(String, Vec<(String, usize)>)> {
        self.counted
            .iter()
            .map(|(field, label)| {
                let mut rows: Vec<(String, String, usize)> = Vec::new();
                for p in &self.practices {
                    for (name, l) in p.choices.get(field).into_iter().flatten() {
                        match rows.iter_mut().find(|(n, _, _)| n == name) {
                            Some(r) => r.2 += 1,
                            None => rows.push((name.clone(), l.clone(), 1)),
                        }
                    }
                }
                rows.sort_by_key(|r| std::cmp::Reverse(r.2));
                (
                    label.clone(),
                    rows.into_iter().map(|(_, l, n)| (l, n)).collect(),
                )
            })
            .collect()
    }

    /// Every file of the site: (path relative to its folder, with `/`;
    /// bytes). Sorted first (`sort`).
    pub fn pages(&self) -> Vec<(String, Vec<u8>)> {
        let site = html::Site {
            lang: self.lang,
            title: self.title.clone(),
            intro: self.layout.site_intro.get(self.lang).map(str::to_string),
            credit: self.layout.credit.get(self.lang).map(str::to_string),
            group_label: self.group_label.clone(),
            filters: self.filters.clone(),
            summary: self.summary(),
            practices: &self.practices,
        };
        let mut out = vec![
            (html::INDEX.to_string(), html::index(&site).into_bytes()),
            (html::SUMMARY.to_string(), html::summary(&site).into_bytes()),
            (html::STYLE.to_string(), STYLE_CSS.as_bytes().to_vec()),
            (html::SCRIPT.to_string(), SCRIPT_JS.as_bytes().to_vec()),
        ];
        for p in &self.practices {
            out.push((
                format!("{}/{}.html", html::CARDS, p.key),
                html::card(&site, p).into_bytes(),
            ));
        }
        out
    }
}
