//! Layer 2: media questions through keymap + update against a real store:
//! a path typed (and completed with Tab) attaches a file, copied into the
//! data directory the moment it is attached, named by its content; a file
//! the question does not take is refused in place with the reason; the
//! export writes the file beside the response, whose XML names it.

use crate::tui_support::Harness;
use rileva::form::FormBundle;
use std::path::Path;

const FORM: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"media"},"survey":[
  {"type":"image","name":"foto","label":"Foto della pagina"},
  {"type":"file","name":"doc","label":"Documento","parameters":{"accept":".pdf"}},
  {"type":"geoshape","name":"area","label":"Area servita"},
  {"type":"barcode","name":"codice","label":"Codice"}
]}"#;

/// The first bytes of a PNG: enough for its type to show.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

fn harness() -> Harness {
    let mut h = Harness::with_bundle(FormBundle {
        definition: FORM.into(),
        files: Default::default(),
    });
    h.keys("Anna<Enter>n");
    assert_eq!(h.current(), "foto");
    h
}

/// A folder of files to attach, outside the data directory.
fn papers() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("pagina-1.png"), PNG).expect("written");
    std::fs::write(dir.path().join("pagina-2.png"), PNG).expect("written");
    std::fs::write(dir.path().join("lettera.pdf"), b"%PDF-1.4\n%\xe2\xe3\n").expect("written");
    dir
}

fn typed(h: &mut Harness, text: &str) {
    h.keys(&text.replace('<', "<<"));
}

/// Empties the focused field.
fn clear(h: &mut Harness) {
    let n = h.value().chars().count();
    h.keys(&"<BS>".repeat(n));
}

#[test]
fn a_typed_path_attaches_a_copy_named_by_its_content() {
    let mut h = harness();
    let src = papers();
    let id = h.response_id();
    typed(&mut h, &format!("{}/pagina-1.png", src.path().display()));
    h.keys("<Enter>");
    assert_eq!(h.current(), "doc", "{}", h.screen(80, 24));
    let stored = h.stored(&id);
    let (_, name) = stored
        .iter()
        .find(|(p, _)| p == "/foto")
        .expect("the image's answer is stored");
    assert!(
        name.starts_with("pagina-1-") && name.ends_with(".png"),
        "{name}"
    );
    let kept = h.dir.path().join("media").join(name);
    assert_eq!(std::fs::read(&kept).expect("the copy is kept"), PNG);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only its owner reads it");
    }
    // The original can go: the draft keeps its copy.
    drop(src);
    assert!(kept.is_file());
    // Back on the question, the answer is the name.
    h.keys("<S-Tab>");
    assert_eq!(h.value(), *name);
    assert!(h.screen(80, 24).contains(name.as_str()));
}

#[test]
fn a_file_the_question_does_not_take_is_refused_with_the_reason() {
    let mut h = harness();
    let src = papers();
    let id = h.response_id();
    typed(&mut h, &format!("{}/lettera.pdf", src.path().display()));
    h.keys("<Enter>");
    assert_eq!(h.current(), "foto", "refused, the focus stays");
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("Tipo di file non ammesso") && screen.contains("application/pdf"),
        "{screen}"
    );
    clear(&mut h);
    typed(&mut h, &format!("{}/nessuno.png", src.path().display()));
    h.keys("<Enter>");
    assert!(
        h.screen(80, 24).contains("File non trovato"),
        "{}",
        h.screen(80, 24)
    );
    assert!(
        !h.stored(&id).iter().any(|(p, _)| p == "/foto"),
        "nothing is stored for a refused file"
    );
    assert!(
        !h.dir.path().join("media").is_dir()
            || std::fs::read_dir(h.dir.path().join("media"))
                .expect("media dir")
                .next()
                .is_none(),
        "nothing is kept for a refused file"
    );
    // A file question with accept=.pdf takes the letter and refuses the image.
    h.keys("<PgDn>");
    assert_eq!(h.current(), "doc");
    typed(&mut h, &format!("{}/pagina-1.png", src.path().display()));
    h.keys("<Enter>");
    assert!(h.screen(80, 24).contains(".pdf"), "{}", h.screen(80, 24));
    clear(&mut h);
    typed(&mut h, &format!("{}/lettera.pdf", src.path().display()));
    h.keys("<Enter>");
    assert_eq!(h.current(), "area", "{}", h.screen(80, 24));
}

#[test]
fn tab_completes_the_path_and_lists_the_choices() {
    let mut h = harness();
    let src = papers();
    typed(&mut h, &format!("{}/pag", src.path().display()));
    h.keys("<Tab>");
    assert_eq!(h.value(), format!("{}/pagina-", src.path().display()));
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("pagina-1.png") && screen.contains("pagina-2.png"),
        "{screen}"
    );
    h.keys("2<Tab>");
    assert_eq!(h.value(), format!("{}/pagina-2.png", src.path().display()));
    h.keys("<Enter>");
    assert_eq!(h.current(), "doc");
}

#[test]
fn shapes_and_barcodes_are_typed() {
    let mut h = harness();
    let id = h.response_id();
    h.keys("<PgDn><PgDn>");
    assert_eq!(h.current(), "area");
    h.keys("45.1 7.6<Enter>");
    assert!(h.screen(80, 24).contains("Area non valida"));
    h.keys("; 45.2 7.7; 45.2 7.6<Enter>");
    assert_eq!(h.current(), "codice", "{}", h.screen(80, 24));
    h.keys("8001234567890<Enter>");
    let stored = h.stored(&id);
    let get = |p: &str| stored.iter().find(|(q, _)| q == p).map(|(_, v)| v.as_str());
    // Closed as ODK closes a shape: the first point again at the end.
    assert_eq!(get("/area"), Some("45.1 7.6; 45.2 7.7; 45.2 7.6; 45.1 7.6"));
    assert_eq!(get("/codice"), Some("8001234567890"));
}

#[test]
fn the_export_writes_the_file_beside_the_response_and_the_xml_names_it() {
    let mut h = harness();
    let src = papers();
    typed(&mut h, &format!("{}/pagina-1.png", src.path().display()));
    h.keys("<Enter>");
    let id = h.response_id();
    let stored = h.stored(&id);
    let (_, name) = stored
        .iter()
        .find(|(p, _)| p == "/foto")
        .expect("stored")
        .clone();
    h.keys("<Esc>");
    let out = tempfile::tempdir().expect("out dir");
    let done = rileva::app::export::to_files(
        &mut h.rt.store,
        &[rileva::store::Status::Draft],
        rileva::app::export::Format::Xml,
        out.path(),
        &mut Quiet,
    )
    .expect("exported");
    assert_eq!(done.written, 1);
    let xml = std::fs::read_to_string(out.path().join(format!("{id}.xml"))).expect("the XML");
    assert!(xml.contains(&format!("<foto>{name}</foto>")), "{xml}");
    assert_eq!(
        std::fs::read(out.path().join(&name)).expect("the file beside it"),
        PNG
    );
}

struct Quiet;

impl rileva::app::export::Progress for Quiet {
    fn written(&mut self, _: &rileva::store::ResponseRow, _: Option<&Path>, _: usize, _: usize) {}
    fn unreadable(&mut self, _: &rileva::store::ResponseRow, e: &rileva::app::LoadError) {
        panic!("unreadable: {e}");
    }
}

/// A quiet moment (the tick that refreshes screens) leaves Tab's list of
/// names on screen; a key takes it away.
#[test]
fn tabs_list_stays_until_a_key() {
    let mut h = harness();
    let src = papers();
    typed(&mut h, &format!("{}/pag", src.path().display()));
    h.keys("<Tab>");
    h.action(rileva::tui::action::Action::Tick);
    assert!(
        h.screen(80, 24).contains("pagina-2.png"),
        "{}",
        h.screen(80, 24)
    );
    h.keys("1");
    assert!(!h.screen(80, 24).contains("pagina-2.png"));
}

/// A response exported with its file and imported on another machine
/// brings the file along; one whose file stayed behind is imported with a
/// warning, and exporting it says the file is missing instead of failing
/// the whole export.
#[test]
fn an_imported_response_brings_its_file_from_beside_it() {
    use crate::e2e_support::cli;
    let mut h = harness();
    let src = papers();
    typed(&mut h, &format!("{}/pagina-1.png", src.path().display()));
    h.keys("<Enter><PgDn><PgDn>42<Enter>");
    h.keys("fs");
    assert!(
        matches!(h.app.screen, rileva::tui::state::Screen::Start(_)),
        "finalized: {}",
        h.screen(80, 24)
    );
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out");
    let a = h.dir.path().to_str().expect("path").to_string();
    let (code, stdout, stderr) = cli(
        Path::new(&a),
        &["export", "--out", out.to_str().expect("path")],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let json = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("the response");
    let png = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".png"))
        .expect("its file beside it");
    let form = work.path().join("media.json");
    std::fs::write(&form, FORM).expect("form");
    let import = |into: &Path| {
        let (code, stdout, stderr) = cli(
            into,
            &[
                "import",
                "--form",
                form.to_str().expect("path"),
                "--commit",
                json.to_str().expect("path"),
            ],
        );
        assert_eq!(code, 0, "{stdout}{stderr}");
        stdout
    };
    let b = work.path().join("b");
    import(&b);
    assert_eq!(
        std::fs::read(b.join("media").join(&png)).expect("brought along"),
        PNG
    );
    // The file left behind: a warning, and an export that says so.
    std::fs::remove_file(out.join(&png)).expect("removed");
    let c = work.path().join("c");
    let stdout = import(&c);
    assert!(
        stdout.contains(&format!("warning: the file \"{png}\"")),
        "{stdout}"
    );
    let (code, stdout, stderr) = cli(
        &c,
        &[
            "export",
            "--out",
            work.path().join("out-c").to_str().expect("path"),
        ],
    );
    assert_eq!(
        code, 2,
        "the export failed, as unreadable responses fail it: {stdout}{stderr}"
    );
    assert!(stderr.contains("exported without it"), "{stderr}");
    assert!(stdout.contains("exported 1 response"), "{stdout}");
}

/// The background export (x) says when a response's file is missing from
/// the data directory, and still writes the response.
#[test]
fn the_screens_export_says_when_a_file_is_missing() {
    let mut h = harness();
    let src = papers();
    typed(&mut h, &format!("{}/pagina-1.png", src.path().display()));
    h.keys("<Enter><PgDn><PgDn>42<Enter>fs");
    for f in std::fs::read_dir(h.dir.path().join("media")).expect("media") {
        std::fs::remove_file(f.expect("entry").path()).expect("removed");
    }
    h.keys("x");
    h.finish_lane();
    assert!(
        matches!(
            &h.app.flash,
            Some(rileva::tui::state::Flash::Exported {
                written: 1,
                missing_files: 1,
                ..
            })
        ),
        "{:?}",
        h.app.flash
    );
    assert!(
        h.screen(80, 24).contains("file allegati mancanti"),
        "{}",
        h.screen(80, 24)
    );
}

/// A data directory open read-only keeps nothing: attaching says so in
/// the interface's words.
#[test]
fn a_read_only_data_directory_attaches_nothing() {
    let h = harness();
    let src = papers();
    let store = rileva::store::Store::open_read_only(h.dir.path()).expect("read-only");
    let takes = rileva::engine::media::Takes {
        media: rileva::form::Media::Image,
        accept: None,
    };
    let e = store
        .attach(&src.path().join("pagina-1.png"), &takes)
        .expect_err("refused");
    assert_eq!(e, rileva::engine::media::AttachProblem::ReadOnly);
    assert!(e.text(rileva::lang::Lang::It).contains("sola lettura"));
}
