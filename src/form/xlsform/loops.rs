//! `begin loop over LIST`, read as pyxform builds it: a group (the loop's
//! name and label) holding one group per choice of the list (the choice's
//! name and label; a choice named `none` is left out), each with a copy of
//! the loop's rows in which `%(name)s` and `%(label)s` stand for the
//! choice's name and label (in each language where the texts have several).

use crate::form::native::{ChoiceDoc, Item, TextDoc};

/// The list a `begin loop over LIST` cell names.
pub(super) fn list_of(type_cell: &str) -> Option<&str> {
    let (_, list) = type_cell.trim().rsplit_once(' ')?;
    (!list.is_empty() && list != "over").then_some(list)
}

/// The loop's group, its rows repeated for every choice of `choices`.
pub(super) fn expand(mut group: Item, choices: &[ChoiceDoc]) -> Item {
    let rows = group.children.take().unwrap_or_default();
    let columns = choices
        .iter()
        .filter(|c| c.name != "none")
        .map(|c| Item {
            kind: "group".into(),
            name: c.name.clone(),
            label: Some(c.label.clone()),
            origin: group.origin.clone(),
            children: Some(rows.iter().map(|r| substituted(r, c)).collect()),
            ..Item::default()
        })
        .collect();
    group.kind = "group".into();
    group.children = Some(columns);
    group
}

/// The names under a loop's column (`names`), and of them the repeats'.
pub(super) fn names_in(item: &Item, names: &mut Vec<String>, repeats: &mut Vec<String>) {
    for c in item.children.as_deref().unwrap_or_default() {
        if !c.name.is_empty() {
            names.push(c.name.clone());
        }
        if c.kind == "repeat" {
            repeats.push(c.name.clone());
        }
        names_in(c, names, repeats);
    }
}

/// A row of the loop for one choice.
fn substituted(row: &Item, choice: &ChoiceDoc) -> Item {
    let text = |t: &Option<TextDoc>| t.as_ref().map(|t| text_for(t, choice));
    let plain = |s: &Option<String>| {
        s.as_deref()
            .map(|s| fill(s, &choice.name, first(&choice.label)))
    };
    Item {
        label: text(&row.label),
        hint: text(&row.hint),
        required_message: text(&row.required_message),
        constraint_message: text(&row.constraint_message),
        relevant: plain(&row.relevant),
        constraint: plain(&row.constraint),
        calculation: plain(&row.calculation),
        required: plain(&row.required),
        default: plain(&row.default),
        read_only: plain(&row.read_only),
        ..row.clone()
    }
}

/// A text with the choice's name and label in it, language by language.
fn text_for(t: &TextDoc, choice: &ChoiceDoc) -> TextDoc {
    match t {
        TextDoc::Plain(s) => TextDoc::Plain(fill(s, &choice.name, first(&choice.label))),
        TextDoc::Translated(by_lang) => TextDoc::Translated(
            by_lang
                .iter()
                .map(|(lang, s)| {
                    let label = match &choice.label {
                        TextDoc::Translated(l) => l
                            .get(lang)
                            .map_or_else(|| first(&choice.label), String::as_str),
                        TextDoc::Plain(l) => l.as_str(),
                    };
                    (lang.clone(), fill(s, &choice.name, label))
                })
                .collect(),
        ),
    }
}

fn first(t: &TextDoc) -> &str {
    match t {
        TextDoc::Plain(s) => s,
        TextDoc::Translated(m) => m.values().next().map_or("", String::as_str),
    }
}

fn fill(s: &str, name: &str, label: &str) -> String {
    s.replace("%(name)s", name).replace("%(label)s", label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_the_last_word() {
        assert_eq!(list_of("begin loop over transport"), Some("transport"));
        assert_eq!(list_of("begin loop over"), None);
        assert_eq!(list_of("begin_loop"), None);
    }

    #[test]
    fn each_choice_gets_its_group_and_its_texts() {
        let loop_item = Item {
            kind: "repeat".into(),
            name: "loop".into(),
            children: Some(vec![Item {
                kind: "integer".into(),
                name: "n".into(),
                label: Some(TextDoc::Plain("How many %(label)s (%(name)s)?".into())),
                ..Item::default()
            }]),
            ..Item::default()
        };
        let choice = |name: &str, label: &str| ChoiceDoc {
            name: name.into(),
            label: TextDoc::Plain(label.into()),
            columns: Default::default(),
            origin: None,
        };
        let g = expand(loop_item, &[choice("car", "Cars"), choice("none", "None")]);
        assert_eq!(g.kind, "group");
        let columns = g.children.expect("columns");
        assert_eq!(columns.len(), 1, "none is left out");
        assert_eq!(columns[0].name, "car");
        let n = &columns[0].children.as_ref().expect("rows")[0];
        assert_eq!(n.label, Some(TextDoc::Plain("How many Cars (car)?".into())));
    }
}
