//! XLSForm files on the command line: `convert`, and `validate` on every
//! container (the real binary, files in temp dirs). The .xlsx workbooks are
//! written by the tests (`workbooks`), tiny.ods was made for them, and the
//! .xls is pyxform's, read from ../shared; the damaged .xls and .ods are
//! built byte by byte below.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

use crate::workbooks;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn asset(name: &str) -> PathBuf {
    Path::new(ROOT).join("assets/forms").join(name)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/xlsform").join(name)
}

fn rileva(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rileva");
    cmd.env_remove("RILEVA_DATA_DIR")
        .arg("--data-dir")
        .arg(dir.join("data"))
        .current_dir(dir);
    cmd
}

fn tmp() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// The default form's XLSForm and its CSV, copied into a fresh directory.
fn default_xlsform(dir: &Path) -> PathBuf {
    let md = dir.join("buone-pratiche-covid19.xlsform.md");
    fs::copy(asset("buone-pratiche-covid19.xlsform.md"), &md).expect("copy");
    fs::copy(asset("istat-comuni.csv"), dir.join("istat-comuni.csv")).expect("copy");
    md
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).expect("read")).expect("JSON")
}

#[test]
fn convert_the_default_xlsform_gives_the_shipped_json() {
    let t = tmp();
    let md = default_xlsform(t.path());
    let out = rileva(t.path())
        .args(["convert"])
        .arg(&md)
        .args(["-o", "form.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("converted to ./form.json"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        json(&t.path().join("form.json")),
        json(&asset("buone-pratiche-covid19.json"))
    );
    // The converted form is a valid native form in its own right.
    let out = rileva(t.path())
        .args(["validate", "form.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn convert_refuses_to_overwrite_without_force() {
    let t = tmp();
    let md = default_xlsform(t.path());
    fs::write(t.path().join("form.json"), "keep me").expect("write");
    let out = rileva(t.path())
        .arg("convert")
        .arg(&md)
        .args(["-o", "form.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("use --force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        fs::read_to_string(t.path().join("form.json")).expect("read"),
        "keep me"
    );
    let out = rileva(t.path())
        .arg("convert")
        .arg(&md)
        .args(["-o", "form.json", "--force"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        json(&t.path().join("form.json"))["settings"]["form_id"],
        "buone_pratiche_covid19"
    );
    // Only the output file was added: no temp file left behind.
    let mut names: Vec<String> = fs::read_dir(t.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "buone-pratiche-covid19.xlsform.md",
            "form.json",
            "istat-comuni.csv"
        ]
    );
}

#[test]
fn convert_to_standard_output() {
    let t = tmp();
    fs::write(
        t.path().join("f.csv"),
        "survey,,,\n,type,name,label\n,integer,age,Age\n",
    )
    .expect("write");
    let out = rileva(t.path())
        .args(["convert", "f.csv", "-o", "-"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["survey"][0]["type"], "integer");
    assert_eq!(v["settings"]["form_id"], "f");
}

#[test]
fn convert_a_form_with_problems_writes_nothing_and_exits_1() {
    let t = tmp();
    fs::write(
        t.path().join("bad.md"),
        "| survey |\n| | type | name | label |\n| | osm | p | Tags |\n| | text | 1a | A |\n",
    )
    .expect("write");
    let out = rileva(t.path())
        .args(["convert", "bad.md", "-o", "bad.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(
        s.contains("bad.md: survey, line 3, column type: the type \"osm\" (OpenStreetMap tags) is not supported by rileva"),
        "{s}"
    );
    assert!(
        s.contains("bad.md: survey, line 4, column name: \"1a\" is not a valid name"),
        "{s}"
    );
    assert!(text(&out.stderr).contains("nothing written"));
    assert!(!t.path().join("bad.json").exists());
}

#[test]
fn convert_a_missing_file_exits_2() {
    let t = tmp();
    let out = rileva(t.path())
        .args(["convert", "nope.xlsx", "-o", "x.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("rileva: cannot read nope.xlsx"));
}

#[test]
fn convert_says_which_csv_must_follow_the_json() {
    let t = tmp();
    let md = default_xlsform(t.path());
    fs::create_dir(t.path().join("out")).expect("mkdir");
    let out = rileva(t.path())
        .arg("convert")
        .arg(&md)
        .args(["-o", "out/form.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("names istat-comuni.csv: copy it beside"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_missing_csv_is_a_located_problem() {
    let t = tmp();
    let md = default_xlsform(t.path());
    fs::remove_file(t.path().join("istat-comuni.csv")).expect("rm");
    let out = rileva(t.path())
        .arg("validate")
        .arg(&md)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("survey, line 8, column type: the file \"istat-comuni.csv\" was not found beside the form"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn validate_every_container() {
    let t = tmp();
    let mut files = vec![(
        workbooks::group(t.path()),
        "valid — 3 questions, 0 choice lists, language en",
    )];
    if let Some(xls) = workbooks::yes_or_no_xls("validate_every_container (.xls)") {
        files.push((xls, "valid — 1 question, 1 choice list, language english"));
    }
    for (file, summary) in files.into_iter().chain([
        (
            fixture("tiny.ods"),
            "valid — 3 questions, 1 choice list, no translations",
        ),
        (
            asset("buone-pratiche-covid19.xlsform.md"),
            "valid — 55 questions, 22 choice lists, languages it, en",
        ),
    ]) {
        let out = rileva(t.path())
            .arg("validate")
            .arg(&file)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            file.display(),
            text(&out.stdout)
        );
        assert!(
            text(&out.stdout).trim_end().ends_with(summary),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn validate_reports_every_problem_of_a_workbook_with_its_cell() {
    let t = tmp();
    let out = rileva(t.path())
        .arg("validate")
        .arg(workbooks::problems(t.path()))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    let want = [
        "survey, row 1, column label: the column \"label\" appears twice",
        "survey, row 4, column type: the type \"background-audio\" (background audio recording) is not supported by rileva",
        "survey, row 5: a question needs a label or a hint",
        "choices, row 3: duplicate choice \"1\" in list \"yn\"",
        "settings, row 2, column omit_instanceID: the setting omit_instanceID is not supported by rileva",
    ];
    for w in want {
        assert!(s.contains(w), "{w} in {s}");
    }
    assert!(
        text(&out.stderr).contains(&format!("is not valid: {} problems", want.len())),
        "{s}{}",
        text(&out.stderr)
    );
}

#[test]
fn an_ods_converts_with_numbers_as_pyxform_writes_them() {
    let t = tmp();
    let out = rileva(t.path())
        .arg("convert")
        .arg(fixture("tiny.ods"))
        .args(["-o", "-"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["settings"]["version"], "2024010101");
    assert_eq!(v["choices"]["yn"][0]["name"], "1");
    assert_eq!(v["survey"][0]["constraint"], ". >= 0");
}

#[test]
fn a_damaged_workbook_is_a_problem_of_the_file() {
    let t = tmp();
    fs::write(t.path().join("broken.xlsx"), b"PK\x03\x04 not really a zip").expect("write");
    let out = rileva(t.path())
        .args(["validate", "broken.xlsx"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("broken.xlsx: cannot read the file as a .xlsx XLSForm"),
        "{}",
        text(&out.stdout)
    );
}

/// What `convert` writes is a native form as its JSON Schema describes it.
#[test]
fn converted_forms_follow_the_form_schema() {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(ROOT).join("assets/schema/form.schema.json"))
            .expect("schema"),
    )
    .expect("JSON");
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid schema");
    let t = tmp();
    let md = default_xlsform(t.path());
    let mut files = vec![md, workbooks::group(t.path()), fixture("tiny.ods")];
    files.extend(workbooks::yes_or_no_xls(
        "converted_forms_follow_the_form_schema (.xls)",
    ));
    for file in files {
        let out = rileva(t.path())
            .arg("convert")
            .arg(&file)
            .args(["-o", "-"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let problems: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", file.display());
    }
}

/// Issue "Foundations": a form of only notes passed `validate`, then `n` in
/// the TUI panicked. Every command that reads a form now refuses it, saying
/// where and why.
#[test]
fn a_form_with_nothing_to_fill_is_refused_by_every_command() {
    let t = tmp();
    fs::write(
        t.path().join("notes.md"),
        "| survey |\n| | type | name | label | calculation |\n| | note | n | Hello | |\n| | calculate | c | | 1 + 1 |\n",
    )
    .expect("write");
    fs::write(t.path().join("rows.csv"), "n\n").expect("write");
    let why = "notes.md: survey: the form has nothing to fill: no question takes an answer (it has only: note, calculate)";
    let runs: [(&[&str], bool); 4] = [
        (&["validate", "notes.md"], true),
        (&["convert", "notes.md", "-o", "notes.json"], true),
        (&["--form", "notes.md"], false),
        (&["import", "--form", "notes.md", "rows.csv"], false),
    ];
    for (args, on_stdout) in runs {
        let out = rileva(t.path()).args(args).output().expect("runs");
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        let said = text(if on_stdout { &out.stdout } else { &out.stderr });
        assert!(said.contains(why), "{args:?}: {said}");
    }
    assert!(!t.path().join("notes.json").exists());
}

// ---------------------------------------------------------------------------
// Damaged spreadsheets, written here (reduced from what fuzzing pyxform's
// corpus found), read by the real binary with its memory bounded.

/// A BIFF record.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

/// A Label cell.
fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let mut d = [row.to_le_bytes(), col.to_le_bytes(), [0, 0]].concat();
    d.extend((text.len() as u16).to_le_bytes());
    d.push(0);
    d.extend(text.as_bytes());
    record(0x0204, &d)
}

/// A BIFF8 workbook stream of one sheet "survey" (a text question, then
/// `extra` records); `bound` edits the BoundSheet8 record naming it.
fn workbook_stream(extra: &[u8], bound: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let bof = |dt: u16| {
        record(
            0x0809,
            &[&[0x00, 0x06][..], &dt.to_le_bytes(), &[0; 12]].concat(),
        )
    };
    let eof = record(0x000A, &[]);
    let mut sheet = bof(0x10);
    for (i, text) in ["type", "name", "label", "text", "a", "A"]
        .iter()
        .enumerate()
    {
        sheet.extend(label(i as u16 / 3, i as u16 % 3, text));
    }
    sheet.extend(extra);
    sheet.extend(&eof);
    let mut sheet_record = vec![0u8; 4];
    sheet_record.extend([0, 0, 6, 0]);
    sheet_record.extend(b"survey");
    let globals_len = bof(5).len() + 4 + sheet_record.len() + eof.len();
    sheet_record[..4].copy_from_slice(&(globals_len as u32).to_le_bytes());
    bound(&mut sheet_record);
    let mut out = bof(5);
    out.extend(record(0x0085, &sheet_record));
    out.extend(&eof);
    out.extend(sheet);
    out.resize(out.len().max(4096), 0); // in regular sectors, not the mini stream
    out
}

/// A compound file of 512-byte sectors holding `stream` as "Workbook":
/// sector 0 the FAT, 1 the directory, 2… the stream; `fat` edits the FAT.
fn compound_file(stream: &[u8], fat: impl FnOnce(&mut Vec<u32>)) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let n = stream.len().div_ceil(512) as u32;
    let mut table = vec![0xFFFF_FFFD, END];
    table.extend((0..n).map(|i| if i + 1 == n { END } else { 3 + i }));
    table.resize(128, FREE);
    fat(&mut table);
    let mut file = vec![0u8; 512];
    let mut put = |at: usize, bytes: &[u8]| file[at..at + bytes.len()].copy_from_slice(bytes);
    put(0, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    put(24, &[0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0]);
    put(44, &1u32.to_le_bytes()); // one FAT sector
    put(48, &1u32.to_le_bytes()); // the directory at sector 1
    put(56, &4096u32.to_le_bytes());
    put(60, &END.to_le_bytes()); // no mini FAT
    put(68, &END.to_le_bytes()); // no DIFAT sectors
    put(76, &0u32.to_le_bytes()); // the FAT at sector 0
    for i in 1..109 {
        put(76 + 4 * i, &FREE.to_le_bytes());
    }
    file.extend(table.iter().flat_map(|w| w.to_le_bytes()));
    let entry = |name: &str, typ: u8, child: u32, start: u32, len: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        e[..utf16.len()].copy_from_slice(&utf16);
        e[64..66].copy_from_slice(&((utf16.len() + 2) as u16).to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        let ids = [(68, FREE), (72, FREE), (76, child), (116, start)];
        for (at, id) in ids.into_iter().chain([(120, len)]) {
            e[at..at + 4].copy_from_slice(&id.to_le_bytes());
        }
        e
    };
    file.extend(entry("Root Entry", 5, 1, END, 0));
    file.extend(entry("Workbook", 2, FREE, 2, stream.len() as u32));
    file.resize(1536, 0);
    file.extend(stream);
    file.resize(512 * (3 + n as usize), 0);
    file
}

/// An .ods of one table, `rows` after a text question.
fn ods_file(rows: &str) -> Vec<u8> {
    use std::io::Write as _;
    let cells = ["type", "name", "label", "text", "a", "A"].map(|t| {
        format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#)
    });
    let (ns, r) = ("urn:oasis:names:tc:opendocument:xmlns", "table:table-row");
    let content = format!(
        r#"<office:document-content xmlns:office="{ns}:office:1.0" xmlns:table="{ns}:table:1.0" xmlns:text="{ns}:text:1.0"><office:body><office:spreadsheet><table:table table:name="survey"><{r}>{}</{r}><{r}>{}</{r}>{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        cells[..3].concat(),
        cells[3..].concat()
    );
    let manifest = format!(r#"<manifest:manifest xmlns:manifest="{ns}:manifest:1.0"/>"#);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", &manifest),
        ("content.xml", &content),
    ] {
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file(name, options).expect("entry");
        zip.write_all(text.as_bytes()).expect("written");
    }
    zip.finish().expect("zip").into_inner()
}

/// The most memory `validate` may take here: a regression that reads a
/// damaged file without bound then fails, instead of eating the machine.
const MEMORY: u64 = 512 << 20;

/// `rileva validate FILE`, its address space and CPU time bounded.
fn validate_bounded(dir: &Path, file: &str) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rileva"));
    cmd.env_remove("RILEVA_DATA_DIR")
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["validate", file])
        .current_dir(dir);
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        use std::os::unix::process::CommandExt as _;
        let limit = |n: u64| Rlimit {
            current: Some(n),
            maximum: Some(n),
        };
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between
        // fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                setrlimit(Resource::As, limit(MEMORY))?;
                setrlimit(Resource::Cpu, limit(60))?;
                Ok(())
            });
        }
    }
    cmd.output().expect("runs")
}

#[rstest::rstest]
// The issue's 7 KB .xls: its directory chain looped, and calamine grew a
// buffer to 4 GiB, then 8 GiB, then aborted.
#[case::a_sector_chain_that_loops(
    "loop.xls",
    compound_file(&workbook_stream(&[], |_| {}), |fat| fat[1] = 1),
    "the file is damaged: the chain of sectors of the directory loops"
)]
// One cell record at column 65,536: calamine laid the sheet out whole, 137 GB.
#[case::a_cell_past_the_last_column(
    "far.xls",
    compound_file(&workbook_stream(&label(65_000, 65_535, "x"), |_| {}), |_| {}),
    "the file is damaged: sheet 1 has a cell in column 65536, past the 256 columns of an .xls sheet"
)]
// A sheet record too short for calamine, which panics on it: only rileva's
// message is printed, not the panic's.
#[case::a_panic_inside_the_reader(
    "short.xls",
    compound_file(&workbook_stream(&[], |r| r.truncate(4)), |_| {}),
    "the file is damaged (the spreadsheet reader failed)"
)]
// 1 KB of .ods repeating a cell a million times took 5.8 GB, then aborted.
#[case::repeats_in_an_ods(
    "repeats.ods",
    ods_file(r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="90" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#),
    "the file is damaged or too large for a form: a table spans 1,000,002 rows by 90 columns"
)]
fn a_damaged_spreadsheet_is_refused_within_bounds(
    #[case] name: &str,
    #[case] bytes: Vec<u8>,
    #[case] why: &str,
) {
    let t = tmp();
    fs::write(t.path().join(name), &bytes).expect("write");
    let out = validate_bounded(t.path(), name);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let kind = if name.ends_with(".ods") {
        ".ods"
    } else {
        ".xls"
    };
    assert!(
        stdout.starts_with(&format!(
            "{name}: cannot read the file as a {kind} XLSForm: {why}"
        )),
        "{stdout}"
    );
    assert_eq!(stderr, format!("rileva: {name} is not valid: 1 problem\n"));
}

/// The files built above are read as forms when nothing is damaged.
#[test]
fn the_spreadsheets_built_here_are_forms() {
    let t = tmp();
    fs::write(
        t.path().join("ok.xls"),
        compound_file(&workbook_stream(&[], |_| {}), |_| {}),
    )
    .expect("write");
    fs::write(t.path().join("ok.ods"), ods_file("")).expect("write");
    for name in ["ok.xls", "ok.ods"] {
        let out = validate_bounded(t.path(), name);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
        assert!(
            text(&out.stdout).contains("valid — 1 question"),
            "{}",
            text(&out.stdout)
        );
    }
}
