//! pyxform's text containers: the CSV layout and Markdown tables
//! (xls2json_backends.py, `csv_to_dict` and `md_to_dict`). Row numbers are the
//! lines of the file, as a text editor shows them.

use super::workbook::{Row, Sheet, Workbook};

/// pyxform's CSV layout: a row whose first cell is not empty names a sheet
/// (its other cells, if any, are that sheet's header); otherwise the first
/// cell is empty and the rest of the row is the header (the first such row of
/// a sheet) or a data row.
///
/// ```text
/// survey,,,
/// ,type,name,label
/// ,text,q1,Your name
/// ```
pub fn read_csv(text: &str) -> Result<Workbook, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !has_at_least(text, ',', 4) {
        return Err("this does not look like an XLSForm in CSV (a row per line, the first cell naming the sheet)".into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(format!("line {line}: {e}")),
        }
        let line = record.position().map_or(line, |p| p.line() as usize);
        let mut cells = record.iter().map(|c| c.trim().to_string());
        let first = cells.next().unwrap_or_default();
        let content: Vec<String> = cells.collect();
        if !first.is_empty() {
            sheets.push(Sheet {
                name: first,
                rows: Vec::new(),
            });
        }
        if content.iter().all(String::is_empty) {
            continue;
        }
        // Data before any sheet name belongs to no sheet: pyxform drops it too.
        if let Some(sheet) = sheets.last_mut() {
            sheet.rows.push(Row {
                number: line,
                cells: content,
            });
        }
    }
    Ok(Workbook {
        sheets,
        numbers_are_lines: true,
    })
}

/// Markdown tables as pyxform's tests write them: each table line starts with
/// `|`; a non-empty first cell starts a sheet, the next line is its header.
/// `#` starts a comment (a whole line, or the end of a line after its last
/// `|`); `\|` is a literal pipe; separator lines (`|---|`) are skipped.
pub fn read_md(text: &str) -> Result<Workbook, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !has_at_least(text, '|', 5) {
        return Err(
            "this does not look like an XLSForm in Markdown (tables whose lines start with `|`)"
                .into(),
        );
    }
    let mut sheets: Vec<Sheet> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let number = i + 1;
        let mut line = raw.trim_end_matches('\r');
        if line.trim_start().starts_with('#') {
            continue;
        }
        // A trailing `#comment` with no `|` in it is dropped.
        if let Some(pos) = line.rfind('#')
            && pos > 0
            && !line[pos..].contains('|')
            && line.len() > pos + 1
        {
            line = &line[..pos];
        }
        let Some(inner) = table_inner(line) else {
            continue;
        };
        if !inner.is_empty() && inner.chars().all(|c| c == '|' || c == '-') {
            continue;
        }
        let mut cells = split_cells(inner).into_iter();
        let first = cells.next().unwrap_or_default();
        let rest: Vec<String> = cells.collect();
        if !first.is_empty() {
            // A later table with the same sheet name replaces the earlier one.
            sheets.retain(|s| s.name != first);
            sheets.push(Sheet {
                name: first,
                rows: Vec::new(),
            });
        }
        if rest.iter().all(String::is_empty) {
            continue;
        }
        if let Some(sheet) = sheets.last_mut() {
            sheet.rows.push(Row {
                number,
                cells: rest,
            });
        }
    }
    Ok(Workbook {
        sheets,
        numbers_are_lines: true,
    })
}

/// What lies between the first `|` (after leading spaces) and the last `|`.
fn table_inner(line: &str) -> Option<&str> {
    let start = line.trim_start();
    let after = start.strip_prefix('|')?;
    let end = after.rfind('|')?;
    Some(&after[..end])
}

/// Cells split on `|` not preceded by `\`, trimmed, `\|` made `|`.
fn split_cells(inner: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut prev_backslash = false;
    for ch in inner.chars() {
        if ch == '|' && !prev_backslash {
            cells.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
        prev_backslash = ch == '\\';
    }
    cells.push(cur);
    cells
        .into_iter()
        .map(|c| c.trim().replace("\\|", "|"))
        .collect()
}

/// pyxform's sniffing: a form needs at least this many separators in its
/// first 5,000 characters.
fn has_at_least(text: &str, sep: char, n: usize) -> bool {
    text.chars().take(5000).filter(|&c| c == sep).count() >= n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_tables() {
        let wb = read_md(
            "
            | survey |
            |        | type | name | label |
            |--------|------|------|-------|
            |        | text | a    | A \\| B |   # a comment
            # a comment line
            |        |      |      |       |
            |        | note | n    | N     |
            | choices | list_name | name | label |
            |         | l         | x    | X     |
            ",
        )
        .expect("reads");
        assert_eq!(wb.sheets.len(), 2);
        let s = &wb.sheets[0];
        assert_eq!(s.name, "survey");
        assert_eq!(s.rows[0].cells, vec!["type", "name", "label"]);
        assert_eq!(s.rows[1].cells, vec!["text", "a", "A | B"]);
        assert_eq!(s.rows[1].number, 5);
        assert_eq!(s.rows[2].number, 8);
        // A sheet-name line may carry the header.
        assert_eq!(
            wb.sheets[1].rows[0].cells,
            vec!["list_name", "name", "label"]
        );
        assert!(wb.numbers_are_lines);
    }

    #[test]
    fn csv_layout() {
        let wb = read_csv("survey,,,\n,type,name,label\n,text,a,\"A, or B\"\n\nchoices\n,list_name,name,label\n,l,x,X\n")
            .expect("reads");
        assert_eq!(wb.sheets.len(), 2);
        assert_eq!(wb.sheets[0].rows[1].cells, vec!["text", "a", "A, or B"]);
        assert_eq!(wb.sheets[0].rows[1].number, 3);
        assert_eq!(wb.sheets[1].rows[1].number, 7);
    }

    #[test]
    fn not_a_form() {
        assert!(read_csv("hello").is_err());
        assert!(read_md("| a |").is_err());
    }
}
