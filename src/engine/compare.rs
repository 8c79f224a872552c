//! Two entries of one paper, keyed blind by two operators, compared field by
//! field; and the verified result made from the first with a reconciler's
//! decisions. Answers are keyed by data path, so a comparison is a diff of
//! what each entry keyed: the relevant input fields of each, so that a field
//! relevant in only one (an earlier answer differs) is a difference too.

use super::Filling;
use crate::form::Kind;
use std::collections::HashMap;

/// A field the two entries keyed differently (`None`: blank, or not asked
/// because it did not apply to that entry's answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discordance {
    pub path: String,
    pub first: Option<String>,
    pub second: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Fields keyed in either entry (the denominator of error rates).
    pub fields: usize,
    pub differences: Vec<Discordance>,
}

impl Filling {
    /// What an operator keys: every relevant input field that is not
    /// read-only, by data path, with its answer, in the order the operator
    /// meets them.
    pub fn keyed(&self) -> Vec<(String, Option<String>)> {
        self.input_slots()
            .into_iter()
            .filter(|s| !self.is_read_only(s))
            .map(|s| (self.slot_path(&s), self.answer(&s).map(str::to_string)))
            .collect()
    }

    /// Whether the slot exists (its repeat instance does).
    pub fn has_slot(&self, slot: &super::Slot) -> bool {
        self.state(slot).is_some()
    }

    /// Whether two stored values of the field at `path` say the same (a
    /// multiple choice in any order).
    pub fn same_value(&self, path: &str, a: Option<&str>, b: Option<&str>) -> bool {
        let kind = self.parse_path(path).map(|s| self.form.node(s.node).kind);
        match (a, b, kind) {
            (Some(a), Some(b), Some(Kind::SelectMultiple)) => {
                let mut x: Vec<&str> = a.split_whitespace().collect();
                let mut y: Vec<&str> = b.split_whitespace().collect();
                x.sort_unstable();
                y.sort_unstable();
                x == y
            }
            _ => a == b,
        }
    }
}

/// The fields two entries keyed differently, in the order an operator meets
/// them (a field only the second has comes where the second has it).
pub fn compare(first: &Filling, second: &Filling) -> Comparison {
    let a = first.keyed();
    let b = second.keyed();
    let mut order: Vec<&str> = a.iter().map(|(p, _)| p.as_str()).collect();
    let mut at = 0;
    for (path, _) in &b {
        match order.iter().position(|p| p == path) {
            Some(i) => at = i + 1,
            None => {
                order.insert(at, path);
                at += 1;
            }
        }
    }
    let of = |list: &[(String, Option<String>)]| -> HashMap<String, Option<String>> {
        list.iter().cloned().collect()
    };
    let (va, vb) = (of(&a), of(&b));
    let differences = order
        .iter()
        .filter_map(|path| {
            let x = va.get(*path).cloned().flatten();
            let y = vb.get(*path).cloned().flatten();
            (!first.same_value(path, x.as_deref(), y.as_deref())).then(|| Discordance {
                path: path.to_string(),
                first: x,
                second: y,
            })
        })
        .collect();
    Comparison {
        fields: order.len(),
        differences,
    }
}

/// The result of a paper: the first entry's answers with each decided field
/// set to its decided value (`None` clears it), computed again.
pub fn merged(first: &Filling, decided: &[(String, Option<String>)]) -> Filling {
    let mut answers: Vec<(String, String)> = first.stored_answers();
    for (path, value) in decided {
        answers.retain(|(p, _)| p != path);
        if let Some(v) = value {
            answers.push((path.clone(), v.clone()));
        }
    }
    let mut f = Filling::in_language(
        first.form.clone(),
        answers,
        first.clock.clone(),
        first.language(),
    );
    f.set_sections(first.sections());
    f
}
