//! pyxform's expansions of a row into more than itself: the header row of a
//! table-list, the `NAME_other` question of `or_other`, and the names a
//! loop repeats for each choice.

use super::super::cells::Col;
use super::{Frame, Survey};
use crate::form::native::{ChoiceDoc, Item, TextDoc};
use std::collections::BTreeMap;

impl Survey<'_, '_, '_> {
    /// pyxform's table-list: before the group's first select, a row showing
    /// the choices' labels as column headings
    /// (`reserved_name_for_field_list_labels_<row>`, never answered). rileva
    /// shows it as a note listing them; it is the same empty element.
    pub(super) fn table_list_header(
        &mut self,
        item: &Item,
        list: &str,
        row: usize,
        choices: &BTreeMap<String, Vec<ChoiceDoc>>,
    ) {
        let Some(frame) = self.stack.last_mut().filter(|f| f.table_header) else {
            return;
        };
        frame.table_header = false;
        let labels: Vec<String> = choices
            .get(list)
            .map(|cs| {
                cs.iter()
                    .map(|c| match &c.label {
                        TextDoc::Plain(s) => s.clone(),
                        TextDoc::Translated(m) => m.values().next().cloned().unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let label = if labels.is_empty() {
            list.to_string()
        } else {
            labels.join(" | ")
        };
        self.push(Item {
            kind: "note".into(),
            name: format!("reserved_name_for_field_list_labels_{row}"),
            label: Some(TextDoc::Plain(label)),
            origin: item.origin.clone(),
            ..Item::default()
        });
    }

    /// A loop's rows are there once per choice: their names count as many
    /// times (a `${name}` of one is ambiguous), and a repeat among them
    /// would have the same name twice (refused, as pyxform refuses it).
    pub(super) fn loop_names(&mut self, frame: &Frame) {
        let columns = frame.item.children.as_deref().unwrap_or_default();
        let Some((first, rest)) = columns.split_first() else {
            return;
        };
        let mut names = Vec::new();
        let mut repeats = Vec::new();
        super::super::loops::names_in(first, &mut names, &mut repeats);
        for n in names {
            *self.out.names.entry(n).or_default() += rest.len();
        }
        if !rest.is_empty()
            && let Some(r) = repeats.first()
        {
            let at = self.at(frame.row, Col::Type);
            self.cx.invalid(
                at,
                format!(
                    "the loop repeats the repeat \"{r}\" for each choice: repeat names must be unique in the whole form"
                ),
            );
        }
    }

    /// `or_other`: the list gains an `other` choice and the form a text
    /// question `NAME_other`, relevant when `other` is picked (pyxform's
    /// names, label and relevance).
    pub(super) fn or_other(
        &mut self,
        item: &Item,
        list: &str,
        row: usize,
        choices: &mut BTreeMap<String, Vec<ChoiceDoc>>,
    ) -> Option<Item> {
        if item.choice_filter.is_some() {
            let at = self.at(row, Col::Type);
            self.cx
                .invalid(at, "or_other cannot be used with a choice_filter");
            return None;
        }
        let entries = choices.get_mut(list)?;
        if !entries.iter().any(|c| c.name == "other") {
            let mut codes: Vec<String> = Vec::new();
            for c in entries.iter() {
                if let TextDoc::Translated(map) = &c.label {
                    for k in map.keys() {
                        if !codes.contains(k) {
                            codes.push(k.clone());
                        }
                    }
                }
            }
            let label = if codes.is_empty() {
                TextDoc::Plain("Other".into())
            } else {
                TextDoc::Translated(codes.into_iter().map(|c| (c, "Other".into())).collect())
            };
            entries.push(ChoiceDoc {
                name: "other".into(),
                label,
                columns: BTreeMap::new(),
                origin: item.origin.clone(),
            });
        }
        Some(Item {
            kind: "text".into(),
            name: format!("{}_other", item.name),
            label: Some(TextDoc::Plain("Specify other.".into())),
            relevant: Some(format!("selected(${{{}}}, 'other')", item.name)),
            origin: item.origin.clone(),
            ..Item::default()
        })
    }
}
