//! XLSForm workbooks written at test time (rust_xlsxwriter), so that the
//! spreadsheet containers are tested with files of this project's own; the
//! old binary .xls comes from ../shared (nothing writes it).

use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};

/// One sheet: its name and its rows of cells (the first is the header). A
/// cell that parses as a number is written as a number, as a spreadsheet
/// user typing it would get.
pub type Sheet<'a> = (&'a str, &'a [&'a [&'a str]]);

/// Writes `sheets` as `dir/name` (.xlsx) and returns its path.
pub fn xlsx(dir: &Path, name: &str, sheets: &[Sheet<'_>]) -> PathBuf {
    let mut book = Workbook::new();
    for (sheet, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*sheet).expect("sheet name");
        for (r, cells) in rows.iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if cell.is_empty() {
                    continue;
                }
                match cell.parse::<f64>() {
                    Ok(n) if !cell.starts_with('0') || *cell == "0" => ws.write_number(r, c, n),
                    _ => ws.write_string(r, c, *cell),
                }
                .expect("cell written");
            }
        }
    }
    let path = dir.join(name);
    book.save(&path).expect("workbook saved");
    path
}

/// A group with a constraint and a hint, in one language.
pub fn group(dir: &Path) -> PathBuf {
    xlsx(
        dir,
        "group.xlsx",
        &[(
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::English (en)",
                    "hint::English (en)",
                    "constraint",
                ],
                &["text", "family_name", "What's your family name?", "", ""],
                &["begin group", "father", "Father", "", ""],
                &[
                    "text",
                    "phone_number",
                    "What's your father's phone number?",
                    "Enter numbers only.",
                    r"regex(., '^\d*$')",
                ],
                &["integer", "age", "How old is your father?", "", ""],
                &["end group", "", "", "", ""],
            ],
        )],
    )
}

/// A workbook with a problem on every sheet: a column given twice, a type
/// and a choice column rileva does not support, an encryption setting.
pub fn problems(dir: &Path) -> PathBuf {
    xlsx(
        dir,
        "problems.xlsx",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label", "label", "hint"],
                    &["text", "name", "Name", "Name", ""],
                    &["select_one yn", "ok", "OK?", "OK?", ""],
                    &["background-audio", "code", "Rec", "Rec", ""],
                    &["integer", "age", "", "", ""],
                ],
            ),
            (
                "choices",
                &[
                    &["list_name", "name", "label", "image"],
                    &["yn", "1", "Yes", "yes.png"],
                    &["yn", "1", "No", ""],
                ],
            ),
            (
                "settings",
                &[&["form_id", "omit_instanceID"], &["problems", "yes"]],
            ),
        ],
    )
}

/// pyxform's own .xls example (one select_one, labels in "english").
pub fn yes_or_no_xls(test: &str) -> Option<PathBuf> {
    crate::shared::file(
        "xlsform-corpus/pyxform/example_xls/yes_or_no_question.xls",
        test,
    )
}
