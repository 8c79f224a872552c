//! The choices a question offers: its list as the choice filter leaves it,
//! and a choice's label in the response's language.

use super::*;

impl Filling {
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
