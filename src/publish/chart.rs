//! Bar charts as SVG, written by rileva itself (no external service): a
//! bar per category, its label on the left and its count at its end, a
//! title for screen readers; scaled by the page (a viewBox, no fixed size).

use super::html::esc;

const WIDTH: usize = 720;
const LABEL: usize = 330;
const ROW: usize = 26;
const LABEL_CHARS: usize = 40;

/// A horizontal bar chart of `rows` (label, count), titled `title`.
pub fn bars(title: &str, rows: &[(String, usize)]) -> String {
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = ROW * rows.len().max(1) + 8;
    let room = WIDTH - LABEL - 60;
    let mut svg = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         role=\"img\" aria-label=\"{t}\"><title>{t}</title>\n",
        t = esc(title)
    );
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = 4 + i * ROW;
        let w = (room * n).div_ceil(max).max(usize::from(*n > 0));
        let short = shorten(label);
        svg.push_str(&format!(
            "<g><title>{}: {n}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"l\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{}\" width=\"{w}\" height=\"{}\" class=\"b\"/>\
             <text x=\"{}\" y=\"{}\" class=\"n\">{n}</text></g>\n",
            esc(label),
            LABEL - 8,
            y + 17,
            esc(&short),
            y + 3,
            ROW - 8,
            LABEL + w + 6,
            y + 17,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A label cut to what the label column holds, with an ellipsis.
fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars(
            "Per <regione>",
            &[("Lombardia".into(), 4), ("Valle d'Aosta & co".into(), 1)],
        );
        assert!(
            svg.contains("aria-label=\"Per &lt;regione&gt;\"><title>Per &lt;regione&gt;</title>")
        );
        assert!(svg.contains("width=\"330\""), "{svg}");
        assert!(svg.contains("width=\"83\""), "{svg}");
        assert!(svg.contains("Valle d&#39;Aosta &amp; co"), "{svg}");
        let long = "x".repeat(80);
        assert!(bars("t", &[(long, 0)]).contains("…"));
        assert!(bars("t", &[]).contains("viewBox=\"0 0 720 34\""));
    }
}
