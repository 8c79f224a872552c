//! The questionnaire as a paper form (`rileva print`): one HTML file to
//! print from any browser, A4, with each section's heading, each question's
//! printed number (its name), label, hint and answer boxes sized to its type,
//! every choice with the code the transcription layout takes, a box for the
//! paper's number on every page, and skip instructions written out from
//! simple `relevant` expressions. What the operator keys is what the paper
//! shows.

use super::xml::escape as esc;
use crate::expr::{BinOp, Expr, Func};
use crate::form::{Form, Kind, Node, NodeId};
use crate::lang::{Lang, Tr};
use std::fmt::Write;

/// Lists longer than this are not printed whole (a municipality list):
/// boxes for the code, and where the codes come from.
const LONGEST_PRINTED_LIST: usize = 40;

macro_rules! tr {
    ($it:literal, $en:literal) => {
        Tr { it: $it, en: $en }
    };
}

const PAPER_ID: Tr = tr!("N. questionario", "Questionnaire no.");
const ONLY_IF: Tr = tr!("Solo se", "Only if");
const SEE_INSTRUCTIONS: Tr = tr!("vedere le istruzioni", "see the instructions");
const IS: Tr = tr!("è", "is");
const IS_NOT: Tr = tr!("non è", "is not");
const INCLUDES: Tr = tr!("comprende", "includes");
const AND: Tr = tr!("e", "and");
const OR: Tr = tr!("oppure", "or");
const ONE: Tr = tr!("Una risposta", "One answer");
const MANY: Tr = tr!("Una o più risposte", "One or more answers");
const ATTACHED: Tr = tr!("allegato: scrivere quale", "attached: write which");
const RANK: Tr = tr!(
    "Numerare tutte le voci in ordine: 1 la prima",
    "Number every item in order: 1 the first"
);
const CODE_FROM: Tr = tr!(
    "Scrivere il codice dall'elenco",
    "Write the code from the list"
);
const REQUIRED: Tr = tr!("obbligatoria", "required");
const IN_APPENDIX: Tr = tr!("in allegato", "appended");
const APPENDIX: Tr = tr!(
    "Allegato: codici dell'elenco",
    "Appendix: the codes of the list"
);

/// The paper form of `form`, in `lang` (the form's own language of that
/// code when it has one, else its default).
pub fn paper_form(form: &Form, lang: Lang) -> String {
    let flang = form.language_for(lang.code());
    let p = Printer {
        form,
        lang,
        flang: &flang,
    };
    let mut html = String::with_capacity(64 * 1024);
    let title = esc(&form.title);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header class=\"paper\"><span>{title}</span>\
         <span class=\"pid\">{pid}: <span class=\"box wide\"></span></span></header>\n<main>\n\
         <h1>{title}</h1>\n",
        code = lang.code(),
        pid = PAPER_ID.get(lang),
    );
    for &id in &form.top {
        p.node(&mut html, id, 2);
    }
    p.appendix(&mut html);
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

/// A list too long to print under its question but part of the form (not
/// a file beside it, as the municipalities are): printed whole at the end.
fn appended(list: &crate::form::ChoiceList) -> bool {
    list.choices.len() > LONGEST_PRINTED_LIST && !list.from_file()
}

struct Printer<'a> {
    form: &'a Form,
    lang: Lang,
    flang: &'a str,
}

impl Printer<'_> {
    fn text(&self, t: &crate::form::Text) -> String {
        t.get(self.flang, &self.form.default_language).to_string()
    }

    fn node(&self, html: &mut String, id: NodeId, depth: usize) {
        let node = self.form.node(id);
        match node.kind {
            Kind::Group | Kind::Repeat => {
                let h = depth.min(4);
                let label = self.text(&node.label);
                let _ = writeln!(
                    html,
                    "<section>\n<h{h}>{}</h{h}>",
                    esc(&crate::markup::plain(&label))
                );
                self.skip(html, node);
                for &c in &node.children {
                    self.node(html, c, depth + 1);
                }
                html.push_str("</section>\n");
            }
            k if k.is_screen() => self.question(html, node),
            _ => {}
        }
    }

    fn question(&self, html: &mut String, node: &Node) {
        let label = self.text(&node.label);
        let hint = self.text(&node.hint);
        let required = if node.required.is_some() && node.kind.takes_input() {
            format!(" <span class=\"req\">({})</span>", REQUIRED.get(self.lang))
        } else {
            String::new()
        };
        let _ = write!(
            html,
            "<div class=\"q\"><p class=\"label\"><b class=\"num\">{}</b> {}{required}</p>",
            esc(&node.name),
            marked(&label)
        );
        if !hint.is_empty() {
            let _ = write!(html, "<p class=\"hint\">{}</p>", marked(&hint));
        }
        self.skip(html, node);
        self.boxes(html, node);
        html.push_str("</div>\n");
    }

    /// "Only if A01 is 2": a simple relevance written out, else the
    /// expression itself.
    fn skip(&self, html: &mut String, node: &Node) {
        let Some(e) = &node.relevant else { return };
        let said = self
            .said(e)
            .unwrap_or_else(|| format!("{}: {e}", SEE_INSTRUCTIONS.get(self.lang)));
        let _ = write!(
            html,
            "<p class=\"skip\">➜ {} {}</p>",
            ONLY_IF.get(self.lang),
            esc(&said)
        );
    }

    /// A relevance in words: comparisons of a question with a value (a
    /// choice by its code), `selected()`, joined by and / or.
    fn said(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let word = if *op == BinOp::And { AND } else { OR };
                Some(format!(
                    "{} {} {}",
                    self.said(a)?,
                    word.get(self.lang),
                    self.said(b)?
                ))
            }
            Expr::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) => {
                let (name, value) = match (a.as_ref(), b.as_ref()) {
                    (Expr::Ref(n), v) | (v, Expr::Ref(n)) => (n, v),
                    _ => return None,
                };
                let word = if *op == BinOp::Eq { IS } else { IS_NOT };
                Some(format!(
                    "{name} {} {}",
                    word.get(self.lang),
                    self.value(name, value)?
                ))
            }
            Expr::Binary(op @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b) => {
                match (a.as_ref(), b.as_ref()) {
                    (Expr::Ref(n), Expr::Num(v)) => Some(format!("{n} {} {v}", op.symbol())),
                    _ => None,
                }
            }
            Expr::Call(Func::Selected, args) => match args.as_slice() {
                [Expr::Ref(n), v] => Some(format!(
                    "{n} {} {}",
                    INCLUDES.get(self.lang),
                    self.value(n, v)?
                )),
                _ => None,
            },
            _ => None,
        }
    }

    /// A value compared with question `name`: a choice's code, else as written.
    fn value(&self, name: &str, v: &Expr) -> Option<String> {
        let text = match v {
            Expr::Str(s) => s.clone(),
            Expr::Num(n) => n.to_string(),
            _ => return None,
        };
        let list = self.form.by_name(name).and_then(|id| self.form.list_of(id));
        Some(
            match list.and_then(|l| l.by_name.get(&text).map(|&i| l.code(i))) {
                Some(code) => code,
                None if text.is_empty() => "\u{2014}".into(),
                None => format!("«{text}»"),
            },
        )
    }

    fn boxes(&self, html: &mut String, node: &Node) {
        let boxes = |n: usize| "<span class=\"box\"></span>".repeat(n);
        match node.kind {
            Kind::SelectOne | Kind::SelectMultiple | Kind::Rank => self.choices(html, node),
            Kind::Integer => {
                let _ = write!(html, "<p class=\"a\">{}</p>", boxes(9));
            }
            Kind::Decimal | Kind::Range => {
                let _ = write!(html, "<p class=\"a\">{} , {}</p>", boxes(7), boxes(3));
            }
            Kind::Date if node.date_part() == Some(crate::form::values::DatePart::Year) => {
                let _ = write!(html, "<p class=\"a\">{} <small>aaaa</small></p>", boxes(4));
            }
            Kind::Date if node.date_part() == Some(crate::form::values::DatePart::Month) => {
                let _ = write!(
                    html,
                    "<p class=\"a\">{} / {} <small>mm aaaa</small></p>",
                    boxes(2),
                    boxes(4)
                );
            }
            Kind::Date => {
                let _ = write!(
                    html,
                    "<p class=\"a\">{} / {} / {} <small>gg mm aaaa</small></p>",
                    boxes(2),
                    boxes(2),
                    boxes(4)
                );
            }
            Kind::Time => {
                let _ = write!(html, "<p class=\"a\">{} : {}</p>", boxes(2), boxes(2));
            }
            Kind::Acknowledge => html.push_str("<p class=\"a\"><span class=\"box\"></span> OK</p>"),
            // The paper carries the file (a photo, a drawing) clipped to it:
            // a box to tick, and where to write what it is.
            Kind::Media(_) => {
                let _ = write!(
                    html,
                    "<p class=\"a\"><span class=\"box\"></span> {}</p><div class=\"lines l1\"></div>",
                    ATTACHED.get(self.lang)
                );
            }
            Kind::Note => {}
            _ if node.is_multiline() => html.push_str("<div class=\"lines l5\"></div>"),
            _ => html.push_str("<div class=\"lines l1\"></div>"),
        }
    }

    /// Every appended list once, in the order the questions use them: each
    /// choice's code and label, as the transcription takes them.
    fn appendix(&self, html: &mut String) {
        let mut done: Vec<&str> = Vec::new();
        for node in &self.form.nodes {
            let Some(list) = self.form.list_of(node.id) else {
                continue;
            };
            if !appended(list) || done.contains(&list.name.as_str()) {
                continue;
            }
            done.push(&list.name);
            let _ = write!(
                html,
                "<section class=\"appendix\">\n<h2>{} «{}»</h2><ul class=\"ch list3\">",
                APPENDIX.get(self.lang),
                esc(&list.name)
            );
            for (i, c) in list.choices.iter().enumerate() {
                let _ = write!(
                    html,
                    "<li><b class=\"code\">{}</b> {}</li>",
                    esc(&list.code(i)),
                    marked(&self.text(&c.label))
                );
            }
            html.push_str("</ul>\n</section>\n");
        }
    }

    fn choices(&self, html: &mut String, node: &Node) {
        let Some(list) = self.form.list_of(node.id) else {
            return;
        };
        let multi = node.kind.is_multi();
        let how = match node.kind {
            Kind::Rank => RANK,
            Kind::SelectMultiple => MANY,
            _ => ONE,
        };
        if list.choices.len() > LONGEST_PRINTED_LIST || list.from_file() {
            let width = (0..list.choices.len())
                .map(|i| list.code(i).chars().count())
                .max()
                .unwrap_or(3);
            let appended = if appended(list) {
                format!(", {}", IN_APPENDIX.get(self.lang))
            } else {
                String::new()
            };
            let _ = write!(
                html,
                "<p class=\"a\">{} <small>({} {}{appended})</small></p>",
                "<span class=\"box\"></span>".repeat(width),
                CODE_FROM.get(self.lang),
                esc(&list.name)
            );
            return;
        }
        let _ = write!(
            html,
            "<p class=\"how\">{}</p><ul class=\"ch\">",
            how.get(self.lang)
        );
        for (i, c) in list.choices.iter().enumerate() {
            let mark = if multi { "box" } else { "box round" };
            let _ = write!(
                html,
                "<li><span class=\"{mark}\"></span> <b class=\"code\">{}</b> {}</li>",
                esc(&list.code(i)),
                marked(&self.text(&c.label))
            );
        }
        html.push_str("</ul>");
    }
}

const CSS: &str = "
@page { size: A4; margin: 18mm 15mm 15mm 15mm; }
body { font: 11pt/1.35 'DejaVu Sans', Arial, sans-serif; color: #000; max-width: 180mm; margin: 0 auto; }
header.paper { display: flex; justify-content: space-between; align-items: center;
  border-bottom: 1px solid #000; padding-bottom: 2mm; margin-bottom: 4mm; font-size: 9pt; }
@media print { header.paper { position: fixed; top: -12mm; left: 0; right: 0; background: #fff; } }
h1 { font-size: 16pt; margin: 2mm 0 4mm; }
h2 { font-size: 13pt; border-bottom: 2px solid #000; margin: 6mm 0 2mm; break-after: avoid; }
h3, h4 { font-size: 11.5pt; margin: 4mm 0 2mm; break-after: avoid; }
section > h2 { break-before: auto; }
.q { break-inside: avoid; margin: 0 0 3.5mm; }
.label { margin: 0 0 1mm; }
.num { display: inline-block; min-width: 14mm; }
.req { font-size: 8.5pt; }
.hint, .how, small { font-size: 8.5pt; color: #333; margin: 0 0 1mm 14mm; }
.skip { font-size: 9pt; font-style: italic; margin: 0 0 1mm 14mm; }
.a { margin: 1mm 0 0 14mm; }
.box { display: inline-block; width: 5.5mm; height: 6.5mm; border: 1px solid #000;
  margin-right: -1px; vertical-align: middle; }
.box.round { width: 4mm; height: 4mm; border-radius: 50%; margin-right: 1mm; }
.box.wide { width: 30mm; }
ul.ch { list-style: none; margin: 1mm 0 0 14mm; padding: 0; columns: 2; column-gap: 6mm; }
ul.ch li { break-inside: avoid; margin-bottom: 1mm; }
ul.ch .box { width: 4mm; height: 4mm; margin-right: 1mm; }
.code { display: inline-block; min-width: 7mm; }
ul.ch.list3 { columns: 3; margin-left: 0; font-size: 9.5pt; }
section.appendix { break-before: page; }
.lines { margin: 1mm 0 0 14mm; border-bottom: 1px solid #000; }
.lines.l1 { height: 7mm; }
.lines.l5 { height: 35mm; background: repeating-linear-gradient(#fff 0 6.5mm, #000 6.5mm 7mm); }
";

/// A label or hint in ODK's Markdown as HTML: bold and italic as such,
/// headings in bold, line breaks kept, a link as its text with its address
/// written after it (the page is printed); everything else escaped.
fn marked(text: &str) -> String {
    let mut out = String::new();
    for (n, line) in crate::markup::parse(text).iter().enumerate() {
        if n > 0 {
            out.push_str("<br>");
        }
        if line.heading {
            out.push_str("<strong>");
        }
        for p in &line.pieces {
            let (open, close) = match (p.bold, p.italic) {
                (true, true) => ("<strong><em>", "</em></strong>"),
                (true, false) => ("<strong>", "</strong>"),
                (false, true) => ("<em>", "</em>"),
                (false, false) => ("", ""),
            };
            out.push_str(open);
            out.push_str(&esc(&p.text));
            if let Some(url) = p.link.as_ref().filter(|u| **u != p.text) {
                let _ = write!(out, " ({})", esc(url));
            }
            out.push_str(close);
        }
        if line.heading {
            out.push_str("</strong>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{FormBundle, compile};

    fn default_form() -> Form {
        compile(&FormBundle::embedded_default()).expect("the default form compiles")
    }

    #[test]
    fn the_default_form_prints_codes_boxes_skips_and_the_paper_box() {
        let html = paper_form(&default_form(), Lang::It);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("@page { size: A4"));
        assert!(html.contains("N. questionario"));
        // Regions by their number, Puglia 16, as the transcription takes it.
        assert!(
            html.contains("<b class=\"code\">16</b> Puglia"),
            "regions coded"
        );
        // A01's choices by position.
        assert!(html.contains("<b class=\"code\">2</b> Comune</li>"));
        // A skip written out: A01_altro only if A01 is 5 (Altro).
        assert!(
            html.contains("Solo se A01 è 5"),
            "{}",
            &html[..html.len().min(4000)]
        );
        // The municipality list is not printed whole.
        assert!(html.contains("Scrivere il codice dall'elenco"));
        assert!(!html.contains("Acquaviva delle Fonti"));
        // The provinces (107) are too many for their question: every one
        // is printed with its code in an appendix, once.
        assert!(html.contains("dall'elenco province, in allegato"));
        assert_eq!(
            html.matches("<b class=\"code\">272</b> Bari (BA)</li>")
                .count(),
            1,
            "the province of Bari, in the appendix"
        );
        assert_eq!(html.matches("Allegato: codici dell'elenco").count(), 1);
        // Dates as day, month, year boxes.
        assert!(html.contains("gg mm aaaa"));
        let en = paper_form(&default_form(), Lang::En);
        assert!(en.contains("Questionnaire no.") && en.contains("Only if A01 is 5"));
    }

    #[test]
    fn markdown_in_labels_is_printed_as_html_and_markup_typed_is_escaped() {
        assert_eq!(
            marked("# Titolo<br>**forte** e *corsivo*, [sito](https://x.it) <script>"),
            "<strong>Titolo</strong><br><strong>forte</strong> e <em>corsivo</em>, sito (https://x.it) &lt;script&gt;"
        );
        assert_eq!(marked("<span style=\"color:red\">rosso</span>"), "rosso");
    }

    #[test]
    fn text_from_the_form_is_escaped() {
        assert_eq!(
            esc("<b>\"x\" & 'y'</b>\u{1b}"),
            "&lt;b&gt;&quot;x&quot; &amp; 'y'&lt;/b&gt;\u{fffd}"
        );
    }
}
