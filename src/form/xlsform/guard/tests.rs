//! The bounds on files built here, byte by byte: a small compound file with
//! a BIFF8 workbook, then the damage found by fuzzing pyxform's corpus
//! (a directory chain that loops, a cell far outside any sheet), and .ods
//! repeats.

use super::*;
use crate::form::xlsform::workbook::read_spreadsheet;
use proptest::prelude::*;
use std::io::Write;

const END: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;

fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = vec![0x00, 0x06];
    d.extend(dt.to_le_bytes());
    d.extend([0; 12]);
    record(0x0809, &d)
}

fn eof() -> Vec<u8> {
    record(0x000A, &[])
}

/// A Label cell (BIFF8, 8-bit characters).
fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend([0, 0]);
    d.extend((text.len() as u16).to_le_bytes());
    d.push(0);
    d.extend(text.as_bytes());
    record(0x0204, &d)
}

fn dimensions(first_row: u32, last_row: u32, first_col: u16, last_col: u16) -> Vec<u8> {
    let mut d = first_row.to_le_bytes().to_vec();
    d.extend(last_row.to_le_bytes());
    d.extend(first_col.to_le_bytes());
    d.extend(last_col.to_le_bytes());
    d.extend([0, 0]);
    record(0x0200, &d)
}

/// A workbook stream: globals naming each sheet, then the sheets' records.
fn workbook(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let bound = |pos: u32, name: &str| {
        let mut d = pos.to_le_bytes().to_vec();
        d.extend([0, 0, name.len() as u8, 0]);
        d.extend(name.as_bytes());
        record(0x0085, &d)
    };
    let globals_len: usize =
        bof(5).len() + sheets.iter().map(|(n, _)| bound(0, n).len()).sum::<usize>() + eof().len();
    let mut out = bof(5);
    let mut pos = globals_len;
    for (name, cells) in sheets {
        out.extend(bound(pos as u32, name));
        pos += bof(0x10).len() + cells.len() + eof().len();
    }
    out.extend(eof());
    for (_, cells) in sheets {
        out.extend(bof(0x10));
        out.extend(cells);
        out.extend(eof());
    }
    // Long enough to live in regular sectors, not the mini stream.
    out.resize(out.len().max(4096), 0);
    out
}

/// A compound file of 512-byte sectors: sector 0 the FAT, 1 the directory,
/// then the stream. `fat` edits the FAT before it is written.
fn compound(stream: &[u8], fat: impl FnOnce(&mut Vec<u32>)) -> Vec<u8> {
    let n = stream.len().div_ceil(512) as u32;
    let mut table = vec![FAT_SECTOR, END];
    table.extend((0..n).map(|i| if i + 1 == n { END } else { 3 + i }));
    table.resize(128, FREE);
    fat(&mut table);
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&1u32.to_le_bytes());
    header[48..52].copy_from_slice(&1u32.to_le_bytes());
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&END.to_le_bytes());
    header[68..72].copy_from_slice(&END.to_le_bytes());
    for (i, w) in header[76..].chunks_mut(4).enumerate() {
        w.copy_from_slice(&(if i == 0 { 0 } else { FREE }).to_le_bytes());
    }
    let entry = |name: &str, typ: u8, start: u32, len: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        e[..utf16.len()].copy_from_slice(&utf16);
        e[64..66].copy_from_slice(&((utf16.len() + 2) as u16).to_le_bytes());
        e[66] = typ;
        for at in [68, 72, 76] {
            e[at..at + 4].copy_from_slice(&FREE.to_le_bytes());
        }
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&len.to_le_bytes());
        e
    };
    let mut dir = entry("Root Entry", 5, END, 0);
    let mut book = entry("Workbook", 2, 2, stream.len() as u32);
    dir[76..80].copy_from_slice(&1u32.to_le_bytes()); // child: the workbook
    book[67] = 1;
    dir.extend(book);
    dir.resize(512, 0);
    let mut file = header;
    file.extend(table.iter().flat_map(|w| w.to_le_bytes()));
    file.extend(dir);
    file.extend(stream);
    file.resize(512 + (2 + n as usize) * 512, 0);
    file
}

fn survey() -> Vec<u8> {
    [
        label(0, 0, "type"),
        label(0, 1, "name"),
        label(0, 2, "label"),
        label(1, 0, "text"),
        label(1, 1, "a"),
        label(1, 2, "A"),
    ]
    .concat()
}

fn xls(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    compound(&workbook(sheets), |_| {})
}

#[test]
fn a_file_built_here_is_read_by_calamine() {
    let wb = read_spreadsheet(&xls(&[("survey", survey())]), SpreadsheetKind::Xls).expect("read");
    assert_eq!(wb.sheets[0].name, "survey");
    assert_eq!(wb.sheets[0].rows[1].cells, ["text", "a", "A"]);
}

/// The issue's 7 KB .xls: a directory chain that loops made calamine grow a
/// buffer to 4 GiB, then 8 GiB, then abort.
#[test]
fn a_sector_chain_that_loops_is_refused() {
    let file = compound(&workbook(&[("survey", survey())]), |fat| fat[1] = 1);
    assert_eq!(
        check(&file, SpreadsheetKind::Xls),
        Err(Refusal::Damaged(
            "the chain of sectors of the directory loops".into()
        ))
    );
    // The workbook's own chain, looping on its second sector, with a length
    // that would take calamine 4 GB of copies to reach.
    let mut file = compound(&workbook(&[("survey", survey())]), |fat| fat[3] = 3);
    let len_at = 512 + 512 + 128 + 120;
    file[len_at..len_at + 4].copy_from_slice(&0xFFFF_0000u32.to_le_bytes());
    assert!(
        matches!(check(&file, SpreadsheetKind::Xls), Err(Refusal::Damaged(m)) if m.contains("of the workbook loops"))
    );
}

#[test]
fn a_chain_that_leaves_the_file_is_refused() {
    let file = compound(&workbook(&[("survey", survey())]), |fat| fat[2] = 900);
    assert_eq!(
        check(&file, SpreadsheetKind::Xls),
        Err(Refusal::Damaged(
            "sector 900 lies past the end of the file".into()
        ))
    );
}

/// Found by fuzzing: one cell record at column 65,535 made calamine
/// allocate 137 GB for the sheet it lays out whole.
#[test]
fn a_cell_past_the_last_column_is_refused() {
    let mut cells = survey();
    cells.extend(label(65_000, 65_535, "x"));
    assert_eq!(
        check(&xls(&[("survey", cells)]), SpreadsheetKind::Xls),
        Err(Refusal::Damaged(
            "sheet 1 has a cell in column 65536, past the 256 columns of an .xls sheet".into()
        ))
    );
}

#[test]
fn sheets_spanning_more_than_a_whole_sheet_are_refused() {
    // One sheet from A1 to its last cell is allowed: real files do that.
    let mut full = survey();
    full.extend(label(65_535, 255, "x"));
    assert_eq!(
        check(&xls(&[("survey", full.clone())]), SpreadsheetKind::Xls),
        Ok(())
    );
    let e = check(
        &xls(&[("survey", full.clone()), ("choices", full)]),
        SpreadsheetKind::Xls,
    );
    assert!(
        matches!(&e, Err(Refusal::TooLarge(m)) if m.starts_with("sheet 2 spans rows 1 to 65536, columns 1 to 256")),
        "{e:?}"
    );
}

#[rstest::rstest]
#[case::rows_that_wrap(dimensions(10, 5, 0, 3))]
#[case::more_rows_than_a_sheet(dimensions(0, 0xFFFF_FFFF, 0, 256))]
fn declared_dimensions_beyond_a_sheet_are_refused(#[case] dims: Vec<u8>) {
    let mut cells = dims;
    cells.extend(survey());
    let e = check(&xls(&[("survey", cells)]), SpreadsheetKind::Xls);
    assert!(
        matches!(&e, Err(Refusal::Damaged(m)) if m.contains("more than an .xls sheet holds")),
        "{e:?}"
    );
    // What real files declare passes.
    let mut cells = dimensions(0, 20_000, 0, 256);
    cells.extend(survey());
    assert_eq!(
        check(&xls(&[("survey", cells)]), SpreadsheetKind::Xls),
        Ok(())
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_anything() {
    let big = vec![0u8; MAX_FILE_LEN + 1];
    for kind in [
        SpreadsheetKind::Xls,
        SpreadsheetKind::Xlsx,
        SpreadsheetKind::Ods,
    ] {
        assert!(
            matches!(check(&big, kind), Err(Refusal::TooLarge(m)) if m.contains("at most 64 MiB"))
        );
    }
}

fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut out = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        let options = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated);
        out.start_file(*name, options).expect("entry");
        out.write_all(content.as_bytes()).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="survey">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        (
            "META-INF/manifest.xml",
            r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>"#,
        ),
        ("content.xml", &content),
    ])
}

fn cell(text: &str, attrs: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string" {attrs}><text:p>{text}</text:p></table:table-cell>"#
    )
}

fn ods_survey() -> String {
    format!(
        "<table:table-row>{}{}{}</table:table-row><table:table-row>{}{}{}</table:table-row>",
        cell("type", ""),
        cell("name", ""),
        cell("label", ""),
        cell("text", ""),
        cell("a", ""),
        cell("A", "")
    )
}

#[test]
fn an_ods_built_here_is_read_by_calamine() {
    // LibreOffice ends tables with empty rows repeated to the sheet's end.
    let tail = r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
    let wb = read_spreadsheet(
        &ods(&format!("{}{tail}", ods_survey())),
        SpreadsheetKind::Ods,
    )
    .expect("read");
    assert_eq!(wb.sheets[0].rows[1].cells, ["text", "a", "A"]);
}

/// 1 KB of .ods that took calamine 5.8 GB, then aborted it.
#[rstest::rstest]
#[case::repeated_rows(
    r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="90" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    "a table spans 1,000,002 rows by 90 columns"
)]
#[case::repeated_columns(
    &r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#.repeat(300),
    "a row repeats its cells"
)]
#[case::repeated_spaces(
    r#"<table:table-row table:number-rows-repeated="100"><table:table-cell office:value-type="string"><text:p><text:s text:c="4000000"/></text:p></table:table-cell></table:table-row>"#,
    "repeat their text to more than 128 MiB"
)]
fn ods_repeats_beyond_a_form_are_refused(#[case] rows: &str, #[case] want: &str) {
    let e = check(
        &ods(&format!("{}{rows}", ods_survey())),
        SpreadsheetKind::Ods,
    );
    assert!(
        matches!(&e, Err(Refusal::TooLarge(m)) if m.contains(want)),
        "{e:?}"
    );
}

#[test]
fn table_structure_inside_an_ods_cell_is_refused() {
    let rows = format!(
        "{}<table:table-row>{}</table:table-row>",
        ods_survey(),
        cell("<table:table-row>", "")
    );
    assert_eq!(
        check(&ods(&rows), SpreadsheetKind::Ods),
        Err(Refusal::Damaged(
            "a cell of content.xml holds table structure".into()
        ))
    );
}

#[test]
fn an_xlsx_declaring_billions_of_strings_is_refused() {
    let sst = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>"#;
    let e = check(
        &zip(&[("xl/sharedStrings.xml", sst)]),
        SpreadsheetKind::Xlsx,
    );
    assert!(
        matches!(&e, Err(Refusal::TooLarge(m)) if m.contains("declares 4,000,000,000 strings")),
        "{e:?}"
    );
    let plain = sst.replace("4000000000", "1");
    assert_eq!(
        check(
            &zip(&[("xl/sharedStrings.xml", &plain)]),
            SpreadsheetKind::Xlsx
        ),
        Ok(())
    );
}

#[test]
fn figures_read_with_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(4_000_000), "4,000,000");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the bytes, the checks answer: no panic, and nothing that
    /// calamine would choke on.
    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for kind in [SpreadsheetKind::Xls, SpreadsheetKind::Xlsx, SpreadsheetKind::Ods] {
            let _ = check(&bytes, kind);
        }
    }

    /// Any content.xml built of ODS tokens: the scan never panics.
    #[test]
    fn any_ods_content_never_panics(
        parts in proptest::collection::vec(prop_oneof![
            Just("<table:table table:name=\"s\">".to_string()),
            Just("</table:table>".to_string()),
            Just("<table:table-row>".to_string()),
            Just("</table:table-row>".to_string()),
            Just("<table:table-cell office:value-type=\"string\">".to_string()),
            Just("</table:table-cell>".to_string()),
            Just("<table:covered-table-cell/>".to_string()),
            Just("<text:p>x</text:p>".to_string()),
            (0u64..u64::MAX).prop_map(|n| format!("<text:s text:c=\"{n}\"/>")),
            (0u64..2_000_000).prop_map(|n| format!("<table:table-row table:number-rows-repeated=\"{n}\">")),
            (0u64..20_000).prop_map(|n| format!("<table:table-cell table:number-columns-repeated=\"{n}\" office:value=\"1\">")),
            "[<>/=\"a-z: &;#0-9]{0,12}",
        ], 0..40),
    ) {
        let _ = check(&ods(&parts.concat()), SpreadsheetKind::Ods);
    }

    /// A valid compound file with words overwritten: the checks never panic,
    /// and what they let through calamine reads without running away.
    #[test]
    fn damaged_compound_files_never_panic(
        edits in proptest::collection::vec((0usize..6144, any::<u32>()), 1..4),
    ) {
        let mut file = xls(&[("survey", survey())]);
        for (at, word) in edits {
            let at = at / 4 * 4;
            if let Some(w) = file.get_mut(at..at + 4) {
                w.copy_from_slice(&word.to_le_bytes());
            }
        }
        if check(&file, SpreadsheetKind::Xls).is_ok() {
            let _ = read_spreadsheet(&file, SpreadsheetKind::Xls);
        }
    }
}
