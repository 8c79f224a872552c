//! The choices a question offers: its list as the choice filter leaves it,
//! and a choice's label in the response's language.

use super::*;

impl Filling {
    /// The order of `randomize=true` lists without a seed: a response's own,
    /// from its id (the same response keeps its order when reopened).
    pub fn set_shuffle_seed(&mut self, response_id: &str) {
        self.shuffle_seed = choices::hash(response_id.as_bytes());
    }

    /// Whether the choice named `name` is in the list of the slot's question
    /// and passes its filter.
    pub fn choice_allowed(&self, slot: &Slot, name: &str) -> bool {
        let Some(list) = self.form.list_of(slot.node) else {
            return false;
        };
        let Some(&index) = list.by_name.get(name) else {
            return false;
        };
        match &self.form.node(slot.node).choice_filter {
            None => true,
            Some(f) => {
                let ctx = ChoiceCtx {
                    base: self.ctx(slot),
                    list,
                    choice: &list.choices[index],
                    position: index + 1,
                };
                eval1(&f.expr, &ctx).map(|v| v.to_bool()).unwrap_or(false)
            }
        }
    }

    /// The choices of a select question that pass its choice filter, as indices
    /// into its list, in list order.
    pub fn choices(&self, slot: &Slot) -> Vec<usize> {
        let mut shown = self.filtered_choices(slot);
        let node = self.form.node(slot.node);
        if node
            .parameters
            .get("randomize")
            .is_some_and(|v| v == "true")
        {
            let seed = match node.parameters.get("seed") {
                Some(s) => seed_of(s, |name| crate::expr::Context::var(&self.ctx(slot), name)),
                None => self.shuffle_seed ^ hash(node.name.as_bytes()),
            };
            shuffle(&mut shown, seed);
        }
        shown
    }

    fn filtered_choices(&self, slot: &Slot) -> Vec<usize> {
        let Some(list) = self.form.list_of(slot.node) else {
            return Vec::new();
        };
        let Some(filter) = &self.form.node(slot.node).choice_filter else {
            return (0..list.choices.len()).collect();
        };
        if let Some((column, other)) = &filter.column_eq
            && let Some(index) = list.index.get(column)
            && let Ok(Value::Str(key)) = eval1(other, &self.ctx(slot))
        {
            return index.get(&key).cloned().unwrap_or_default();
        }
        (0..list.choices.len())
            .filter(|&i| {
                let ctx = ChoiceCtx {
                    base: self.ctx(slot),
                    list,
                    choice: &list.choices[i],
                    position: i + 1,
                };
                eval1(&filter.expr, &ctx)
                    .map(|v| v.to_bool())
                    .unwrap_or(false)
            })
            .collect()
    }

    /// Label of a choice of a question's list in the current language.
    pub fn choice_label(&self, node: NodeId, name: &str) -> Option<&str> {
        let list = self.form.list_of(node)?;
        let choice = list.choice(name)?;
        Some(choice.label.get(&self.lang, &self.form.default_language))
    }
}

/// A `seed` parameter: a number, or `${name}` read from the response.
fn seed_of(s: &str, var: impl Fn(&str) -> Value) -> u64 {
    let text = match s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        Some(name) => var(name).to_str(),
        None => s.to_string(),
    };
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() => n.to_bits(),
        _ => hash(text.as_bytes()),
    }
}

/// FNV-1a: a stable hash of some bytes, for seeds.
pub(super) fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Fisher–Yates with splitmix64: the same seed, the same order.
fn shuffle(items: &mut [usize], seed: u64) {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}
