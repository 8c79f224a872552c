//! The catalogue's pages as HTML: plain markup and one stylesheet, readable
//! without JavaScript (the filters and the search use a little, from a file
//! beside the pages, so a site opened from disk works). Every text that
//! comes from a form or an answer is escaped here, never taken as markup.
//! A page depends only on what it shows, so that publishing again rewrites
//! only the pages whose practice changed.

use super::practice::{Filter, Practice};
use crate::lang::{Lang, Tr};

/// The site as its pages need it.
#[derive(Debug, Clone)]
pub struct Site<'a> {
    pub lang: Lang,
    pub title: String,
    pub intro: Option<String>,
    pub credit: Option<String>,
    /// The label of the grouping question(s), for the index's headings.
    pub group_label: String,
    pub filters: Vec<Filter>,
    /// Per counted question: its label and (choice label, practices).
    pub summary: Vec<(String, Vec<(String, usize)>)>,
    /// Sorted by group, then title.
    pub practices: &'a [Practice],
}

/// The folder of the practices' pages.
pub const CARDS: &str = "schede";
pub const INDEX: &str = "index.html";
pub const SUMMARY: &str = "sintesi.html";
pub const STYLE: &str = "style.css";
pub const SCRIPT: &str = "catalogo.js";

const SKIP: Tr = Tr {
    it: "Vai al contenuto",
    en: "Skip to content",
};
const NAV: Tr = Tr {
    it: "Navigazione del sito",
    en: "Site navigation",
};
const ALL_PRACTICES: Tr = Tr {
    it: "Tutte le pratiche",
    en: "All practices",
};
const SUMMARY_T: Tr = Tr {
    it: "Sintesi",
    en: "Summary",
};
const SEARCH: Tr = Tr {
    it: "Cerca nelle pratiche",
    en: "Search the practices",
};
const FILTERS: Tr = Tr {
    it: "Cerca e filtra",
    en: "Search and filter",
};
const ANY: Tr = Tr {
    it: "Tutte",
    en: "All",
};
const COUNT: Tr = Tr {
    it: "%n pratiche su %t",
    en: "%n of %t practices",
};
const COUNT_ONE: Tr = Tr {
    it: "1 pratica su %t",
    en: "1 of %t practices",
};
const NONE: Tr = Tr {
    it: "Nessuna pratica pubblicata per ora.",
    en: "No practice published yet.",
};
const NO_GROUP: Tr = Tr {
    it: "Non indicato",
    en: "Not given",
};
const PUBLISHED: Tr = Tr {
    it: "pratiche pubblicate",
    en: "practices published",
};
const UPDATED: Tr = Tr {
    it: "Scheda aggiornata al",
    en: "Record updated on",
};
const CATEGORY: Tr = Tr {
    it: "Voce",
    en: "Item",
};
const PRACTICES: Tr = Tr {
    it: "Pratiche",
    en: "Practices",
};
const CHART_DATA: Tr = Tr {
    it: "I dati del grafico",
    en: "The chart's data",
};
const BY: Tr = Tr {
    it: "per",
    en: "by",
};

/// Escapes text for HTML content and quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text whose line breaks show.
fn esc_lines(s: &str) -> String {
    esc(s.trim()).replace('\n', "<br>\n")
}

/// The page's head and header; `root` leads back to the site's top
/// ("" or "../"); `current` is the navigation link of this page.
fn open(site: &Site<'_>, title: &str, root: &str, current: Option<&str>) -> String {
    let l = site.lang;
    let nav_link = |href: &str, text: &str| {
        let here = if current == Some(href) {
            " aria-current=\"page\""
        } else {
            ""
        };
        format!("<a href=\"{root}{href}\"{here}>{}</a>", esc(text))
    };
    let page_title = if title == site.title {
        esc(title)
    } else {
        format!("{} – {}", esc(title), esc(&site.title))
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{page_title}</title>\n<link rel=\"stylesheet\" href=\"{root}{STYLE}\">\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">{skip}</a>\n<header class=\"site\">\n\
         <p class=\"site-title\"><a href=\"{root}{INDEX}\">{site_title}</a></p>\n\
         <nav aria-label=\"{nav}\"><ul><li>{all}</li><li>{summary}</li></ul></nav>\n</header>\n",
        lang = l.code(),
        skip = esc(SKIP.get(l)),
        site_title = esc(&site.title),
        nav = esc(NAV.get(l)),
        all = nav_link(INDEX, ALL_PRACTICES.get(l)),
        summary = nav_link(SUMMARY, SUMMARY_T.get(l)),
    )
}

fn close(site: &Site<'_>, script: Option<&str>) -> String {
    let credit = site
        .credit
        .as_deref()
        .map(|c| format!("<footer class=\"site\"><p>{}</p></footer>\n", esc(c)))
        .unwrap_or_default();
    let script = script
        .map(|s| format!("<script src=\"{s}\"></script>\n"))
        .unwrap_or_default();
    format!("{credit}{script}</body>\n</html>\n")
}

/// The tags of a practice: the labels of its single-choice filters.
fn tags(site: &Site<'_>, p: &Practice) -> String {
    let labels: Vec<String> = site
        .filters
        .iter()
        .filter(|f| !f.multiple)
        .filter_map(|f| p.choices.get(&f.field))
        .flat_map(|c| {
            c.iter()
                .map(|(_, l)| format!("<span class=\"tag\">{}</span>", esc(l)))
        })
        .collect();
    if labels.is_empty() {
        String::new()
    } else {
        format!("<p class=\"tags\">{}</p>", labels.join(" "))
    }
}

/// The index: the practices grouped, a search box and the filters (shown
/// only where the script runs; without it every practice is listed).
pub fn index(site: &Site<'_>) -> String {
    let l = site.lang;
    let mut h = open(site, &site.title, "", Some(INDEX));
    h.push_str("<main id=\"main\">\n");
    h.push_str(&format!("<h1>{}</h1>\n", esc(&site.title)));
    if let Some(intro) = &site.intro {
        h.push_str(&format!("<p class=\"intro\">{}</p>\n", esc(intro)));
    }
    h.push_str(&format!(
        "<p class=\"total\">{} {}</p>\n",
        site.practices.len(),
        esc(PUBLISHED.get(l))
    ));
    if site.practices.is_empty() {
        h.push_str(&format!("<p>{}</p>\n</main>\n", esc(NONE.get(l))));
        h.push_str(&close(site, None));
        return h;
    }
    h.push_str(&format!(
        "<form id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"{}\" data-count=\"{}\" data-one=\"{}\" hidden>\n\
         <div class=\"field\"><label for=\"q\">{}</label>\n<input id=\"q\" type=\"search\" autocomplete=\"off\"></div>\n",
        esc(FILTERS.get(l)),
        esc(COUNT.get(l)),
        esc(COUNT_ONE.get(l)),
        esc(SEARCH.get(l)),
    ));
    for (i, f) in site.filters.iter().enumerate() {
        h.push_str(&format!(
            "<div class=\"field\"><label for=\"f{i}\">{}</label>\n<select id=\"f{i}\" data-filter=\"{i}\">\n<option value=\"\">{}</option>\n",
            esc(&f.label),
            esc(ANY.get(l))
        ));
        for (name, label) in &f.options {
            h.push_str(&format!(
                "<option value=\"{}\">{}</option>\n",
                esc(name),
                esc(label)
            ));
        }
        h.push_str("</select></div>\n");
    }
    h.push_str("<p id=\"count\" class=\"count\" aria-live=\"polite\"></p>\n</form>\n");
    let mut start = 0;
    let mut n = 0;
    while start < site.practices.len() {
        let group = &site.practices[start].group;
        let end = site.practices[start..]
            .iter()
            .position(|p| &p.group != group)
            .map_or(site.practices.len(), |k| start + k);
        n += 1;
        let heading = if group.is_empty() && !site.group_label.is_empty() {
            NO_GROUP.get(l).to_string()
        } else {
            group.clone()
        };
        if heading.is_empty() {
            h.push_str("<section data-group>\n<ul class=\"cards\">\n");
        } else {
            h.push_str(&format!(
                "<section data-group aria-labelledby=\"g{n}\">\n<h2 id=\"g{n}\">{} <span class=\"n\">({})</span></h2>\n<ul class=\"cards\">\n",
                esc(&heading),
                end - start
            ));
        }
        for p in &site.practices[start..end] {
            h.push_str(&card_item(site, p));
        }
        h.push_str("</ul>\n</section>\n");
        start = end;
    }
    h.push_str("</main>\n");
    h.push_str(&close(site, Some(SCRIPT)));
    h
}

fn card_item(site: &Site<'_>, p: &Practice) -> String {
    let facets: String = site
        .filters
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let names: Vec<&str> = p
                .choices
                .get(&f.field)
                .map(|c| c.iter().map(|(n, _)| n.as_str()).collect())
                .unwrap_or_default();
            format!(" data-f{i}=\"{}\"", esc(&names.join(" ")))
        })
        .collect();
    let subtitle = p
        .subtitle
        .as_deref()
        .map(|s| format!("<p class=\"body\">{}</p>", esc(s)))
        .unwrap_or_default();
    format!(
        "<li data-text=\"{}\"{facets}><article><h3><a href=\"{CARDS}/{}.html\">{}</a></h3>{subtitle}{}</article></li>\n",
        esc(&p.search),
        esc(&p.key),
        esc(&p.title),
        tags(site, p)
    )
}

/// A practice's page: its card, section by section.
pub fn card(site: &Site<'_>, p: &Practice) -> String {
    let l = site.lang;
    let mut h = open(site, &p.title, "../", None);
    h.push_str("<main id=\"main\">\n<article class=\"scheda\">\n<header>\n");
    h.push_str(&format!("<h1>{}</h1>\n", esc(&p.title)));
    if let Some(s) = &p.subtitle {
        h.push_str(&format!("<p class=\"body\">{}</p>\n", esc(s)));
    }
    if !p.group.is_empty() {
        h.push_str(&format!("<p class=\"group\">{}</p>\n", esc(&p.group)));
    }
    h.push_str(&tags(site, p));
    h.push_str("\n</header>\n");
    for (i, s) in p.sections.iter().enumerate() {
        if s.title.is_empty() {
            h.push_str("<section>\n<dl>\n");
        } else {
            h.push_str(&format!(
                "<section aria-labelledby=\"s{i}\">\n<h2 id=\"s{i}\">{}</h2>\n<dl>\n",
                esc(&s.title)
            ));
        }
        for f in &s.fields {
            h.push_str(&format!("<dt>{}</dt>\n", esc(&f.label)));
            for v in &f.values {
                if f.link {
                    h.push_str(&format!(
                        "<dd><a href=\"{0}\" rel=\"nofollow noopener\">{0}</a></dd>\n",
                        esc(v.trim())
                    ));
                } else {
                    h.push_str(&format!("<dd>{}</dd>\n", esc_lines(v)));
                }
            }
        }
        h.push_str("</dl>\n</section>\n");
    }
    if !p.updated.is_empty() {
        h.push_str(&format!(
            "<p class=\"updated\">{} {}</p>\n",
            esc(UPDATED.get(l)),
            esc(&p.updated)
        ));
    }
    h.push_str(&format!(
        "</article>\n<p class=\"back\"><a href=\"../{INDEX}\">{}</a></p>\n</main>\n",
        esc(ALL_PRACTICES.get(l))
    ));
    h.push_str(&close(site, None));
    h
}

/// The summary: a chart per counted question, each with its data as a table.
pub fn summary(site: &Site<'_>) -> String {
    let l = site.lang;
    let mut h = open(site, SUMMARY_T.get(l), "", Some(SUMMARY));
    h.push_str(&format!(
        "<main id=\"main\">\n<h1>{}</h1>\n<p class=\"total\">{} {}</p>\n",
        esc(SUMMARY_T.get(l)),
        site.practices.len(),
        esc(PUBLISHED.get(l))
    ));
    for (i, (label, rows)) in site.summary.iter().enumerate() {
        let title = format!(
            "{} {} {}",
            PRACTICES.get(l),
            BY.get(l),
            label.to_lowercase()
        );
        h.push_str(&format!(
            "<section aria-labelledby=\"c{i}\">\n<h2 id=\"c{i}\">{}</h2>\n<figure>\n{}\n</figure>\n",
            esc(&title),
            super::chart::bars(&title, rows)
        ));
        h.push_str(&format!(
            "<details><summary>{}</summary>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
            esc(CHART_DATA.get(l)),
            esc(CATEGORY.get(l)),
            esc(PRACTICES.get(l))
        ));
        for (name, n) in rows {
            h.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{n}</td></tr>\n",
                esc(name)
            ));
        }
        h.push_str("</tbody>\n</table>\n</details>\n</section>\n");
    }
    h.push_str("</main>\n");
    h.push_str(&close(site, None));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(esc_lines("a\n<b>"), "a<br>\n&lt;b&gt;");
        assert_eq!(esc("\u{1b}[2J"), "\u{FFFD}[2J");
    }
}
