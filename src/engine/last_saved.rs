//! What a response reads from outside its own answers: `${last-saved#name}`
//! (the answers of the last response saved before it), and labels with
//! their `${…}` filled.

use super::*;

impl Filling {
    /// The answers `${last-saved#name}` reads, from another response's
    /// stored answers (by data path): by name, a repeated question's first
    /// instance.
    pub fn set_last_saved(&mut self, answers: &[(String, String)]) {
        let mut by_name: HashMap<String, String> = HashMap::new();
        for (path, value) in answers {
            if let Some(slot) = self.parse_path(path)
                && slot.idx.iter().all(|&i| i == 0)
            {
                by_name
                    .entry(self.form.node(slot.node).name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        self.last_saved = Arc::new(by_name);
    }

    /// `${last-saved#name}`: as expressions see it.
    pub(super) fn last_saved_value(&self, name: &str) -> Value {
        let Some(id) = self.form.by_name(name) else {
            return Value::Str(String::new());
        };
        typed(
            self.form.node(id).kind,
            self.last_saved.get(name).map(String::as_str),
        )
    }

    /// A label or hint with its `${name}` references replaced by the values
    /// seen from `slot` (repeated values joined by commas), as ODK shows them.
    pub fn fill_text(&self, slot: &Slot, text: &str) -> String {
        if !text.contains("${") {
            return text.to_string();
        }
        let ctx = self.ctx(slot);
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let last = |end: usize| {
                after
                    .get(..end)
                    .and_then(|n| n.strip_prefix("last-saved#"))
                    .filter(|n| self.form.by_name(n).is_some())
            };
            match after.find('}') {
                Some(end) if let Some(name) = last(end) => {
                    out.push_str(&self.last_saved_value(name).to_str());
                    rest = &after[end + 1..];
                }
                Some(end) if self.form.by_name(&after[..end]).is_some() => {
                    let value = match crate::expr::Context::var(&ctx, &after[..end]) {
                        Value::Nodes(values) => values
                            .iter()
                            .map(Value::to_str)
                            .collect::<Vec<_>>()
                            .join(", "),
                        v => v.to_str(),
                    };
                    out.push_str(&value);
                    rest = &after[end + 1..];
                }
                _ => {
                    out.push_str("${");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}
