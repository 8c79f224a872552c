//! A select's value read from a data file: choices by name, else by label
//! (in any language) when that decides, several in one cell or one column
//! each, and a ranking in its order.

use super::{Judge, quoted};
use crate::engine::{Filling, Slot};
use std::collections::{HashMap, HashSet};

impl Judge {
    /// A ranking: each item a choice (by name or label), in the order given.
    pub(super) fn ranked<'t>(
        &mut self,
        f: &Filling,
        slot: &Slot,
        items: impl Iterator<Item = &'t str>,
    ) -> Result<String, String> {
        let mut names = Vec::new();
        for i in items {
            names.push(self.choice(f, slot, i)?);
        }
        Ok(names.join(" "))
    }

    /// One choice by name, else by label (in any language) when exactly one
    /// choice has it, among those the choice filter allows when that decides.
    pub(super) fn choice(
        &mut self,
        f: &Filling,
        slot: &Slot,
        value: &str,
    ) -> Result<String, String> {
        let form = self.form.clone();
        let node = form.node(slot.node);
        let (Some(list_id), Some(list)) = (node.list, form.list_of(slot.node)) else {
            return Err("the question has no choice list".into());
        };
        if list.by_name.contains_key(value) {
            return Ok(value.to_string());
        }
        let labels = self.labels.entry(list_id).or_insert_with(|| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, choice) in list.choices.iter().enumerate() {
                for (_, text) in &choice.label.0 {
                    let ids = map.entry(text.trim().to_string()).or_default();
                    if !ids.contains(&i) {
                        ids.push(i);
                    }
                }
            }
            map
        });
        let hits = labels.get(value).cloned().unwrap_or_default();
        let names = |hits: &[usize]| {
            hits.iter()
                .map(|&i| list.choices[i].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match hits.as_slice() {
            [] => Err(format!(
                "{} is neither the name nor the label of a choice of the list {}",
                quoted(value),
                list.name
            )),
            [one] => Ok(list.choices[*one].name.clone()),
            many => {
                let allowed: Vec<usize> = many
                    .iter()
                    .copied()
                    .filter(|&i| f.choice_allowed(slot, &list.choices[i].name))
                    .collect();
                match allowed.as_slice() {
                    [one] => Ok(list.choices[*one].name.clone()),
                    _ => Err(format!(
                        "{} is the label of {} choices ({}): give the choice's name",
                        quoted(value),
                        many.len(),
                        names(many)
                    )),
                }
            }
        }
    }

    /// A select_multiple value given as text: one choice; names separated by
    /// spaces (KoboToolbox, ODK); or names or labels separated by `;` or `,`
    /// (Google Forms), when the text reads only one way (a label may itself
    /// hold a comma).
    pub(super) fn choices(
        &mut self,
        f: &Filling,
        slot: &Slot,
        text: &str,
    ) -> Result<String, String> {
        if let Ok(one) = self.choice(f, slot, text) {
            return Ok(one);
        }
        let list_has = |name: &str| {
            self.form
                .list_of(slot.node)
                .is_some_and(|l| l.by_name.contains_key(name))
        };
        let tokens: Vec<&str> = text.split_whitespace().collect();
        if tokens.iter().all(|t| list_has(t)) {
            let names = tokens.iter().map(|t| t.to_string()).collect();
            return Ok(distinct(names));
        }
        for sep in [';', ','] {
            if !text.contains(sep) {
                continue;
            }
            match self.split(f, slot, text, sep) {
                Split::One(names) => return Ok(distinct(names)),
                Split::Ambiguous => {
                    return Err(format!(
                        "{} can be read as more than one set of choices: give choice names separated by spaces",
                        quoted(text)
                    ));
                }
                Split::None => {}
            }
        }
        // Name the first part that is no choice.
        let parts: Vec<&str> = if text.contains(';') {
            text.split(';').collect()
        } else if text.contains(',') {
            text.split(',').collect()
        } else {
            tokens
        };
        for part in parts {
            self.choice(f, slot, part.trim())?;
        }
        Err(format!(
            "{} is not a list of choices (names separated by spaces)",
            quoted(text)
        ))
    }

    /// Reads `text` as choices separated by `sep`, where a choice's label may
    /// hold `sep` itself: counts the readings (0, 1, or more) and keeps the one.
    fn split(&mut self, f: &Filling, slot: &Slot, text: &str, sep: char) -> Split {
        let cuts: Vec<usize> = text.match_indices(sep).map(|(i, _)| i).collect();
        let n = cuts.len() + 1;
        let start = |i: usize| {
            if i == 0 {
                0
            } else {
                cuts[i - 1] + sep.len_utf8()
            }
        };
        let end = |j: usize| if j == n { text.len() } else { cuts[j - 1] };
        // ways[j]: readings of the first j parts (capped at 2); from[j]: where
        // the last choice of one reading starts, and its name.
        let mut ways = vec![0u8; n + 1];
        let mut from: Vec<Option<(usize, String)>> = vec![None; n + 1];
        ways[0] = 1;
        for j in 1..=n {
            for i in 0..j {
                if ways[i] == 0 {
                    continue;
                }
                let piece = text[start(i)..end(j)].trim();
                if piece.is_empty() {
                    continue;
                }
                if let Ok(name) = self.choice(f, slot, piece) {
                    ways[j] = (ways[j] + ways[i]).min(2);
                    if from[j].is_none() {
                        from[j] = Some((i, name));
                    }
                }
            }
        }
        match ways[n] {
            0 => Split::None,
            1 => {
                let mut names = Vec::new();
                let mut j = n;
                while j > 0 {
                    let Some((i, name)) = from[j].clone() else {
                        return Split::None;
                    };
                    names.push(name);
                    j = i;
                }
                names.reverse();
                Split::One(names)
            }
            _ => Split::Ambiguous,
        }
    }
}

/// Choice names in the order given, each once, separated by spaces.
pub(super) fn distinct(names: Vec<String>) -> String {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) enum Split {
    None,
    One(Vec<String>),
    Ambiguous,
}
