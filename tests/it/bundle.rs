//! `rileva bundle` and `rileva import BUNDLE`: the upload for no connection
//! at all. A machine in the field bundles what it has; the office imports
//! it (every entry checked first, nothing twice) and sends it on, attached
//! files and all.

use crate::common::{self, COMPLETE};
use crate::e2e_support::cli;
use crate::stub_central::Stub;
use crate::tui_support::Harness;
use rileva::form::FormBundle;
use std::io::{Read, Write};
use std::path::Path;

const PHOTO_FORM: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"foto","version":"1"},"survey":[
  {"type":"text","name":"luogo","label":"Luogo"},
  {"type":"image","name":"foto","label":"Foto"}]}"#;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// A finished response with a photo attached, keyed on the screens.
fn with_photo() -> Harness {
    let mut h = Harness::with_bundle(FormBundle {
        definition: PHOTO_FORM.into(),
        files: Default::default(),
    });
    let src = tempfile::tempdir().expect("temp dir");
    let png = src.path().join("sede.png");
    std::fs::write(&png, PNG).expect("png");
    h.keys("Anna<Enter>nAgliè<Enter>");
    h.keys(&png.display().to_string().replace('<', "<<"));
    h.keys("<Enter>fs");
    h
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = cli(dir, args);
    assert_eq!(code, 0, "{args:?}: {out}{err}");
    out
}

#[test]
fn a_bundle_carries_responses_and_files_to_another_machine_once() {
    let field = with_photo();
    for n in 1..=2 {
        common::create(field.dir.path(), COMPLETE, true, n);
    }
    let usb = tempfile::tempdir().expect("usb");
    let file = usb.path().join("rileva.zip");
    let f = file.to_str().expect("path");
    let out = ok(field.dir.path(), &["bundle", "-o", f]);
    assert!(out.contains("bundled 3 responses and 1 file"), "{out}");
    let out = ok(field.dir.path(), &["bundle", "-o", &format!("{f}.2")]);
    assert!(
        out.contains("nothing to bundle: every finished response is bundled"),
        "{out}"
    );
    let (code, _, err) = cli(field.dir.path(), &["bundle", "-o", f]);
    assert_eq!(code, 2, "an existing file is not replaced without --force");
    assert!(err.contains("--force"), "{err}");

    let office = tempfile::tempdir().expect("office");
    let out = ok(office.path(), &["import", f]);
    assert!(out.contains("a bundle of 3 responses"), "{out}");
    assert!(
        out.contains("dry run, nothing was written: 3 to import, 0 already here"),
        "{out}"
    );
    let out = ok(office.path(), &["import", f, "--commit"]);
    assert!(
        out.contains("imported 3 responses and 1 file; 0 already here"),
        "{out}"
    );
    let out = ok(office.path(), &["import", f, "--commit"]);
    assert!(
        out.contains("imported 0 responses and 1 file; 3 already here"),
        "{out}"
    );

    // The office sends them on: the photo goes with its response.
    let stub = Stub::start(
        "/v1/key/T/projects/1",
        &[("buone_pratiche_covid19", "2020051102"), ("foto", "1")],
    );
    ok(office.path(), &["server", "add", "c", &stub.base]);
    let out = ok(office.path(), &["send"]);
    assert!(out.contains("3 sent"), "{out}");
    let photos: Vec<Vec<u8>> = stub.with(|s| {
        s.instances
            .values()
            .flat_map(|k| k.attachments.iter().map(|(_, b)| b.clone()))
            .collect()
    });
    assert_eq!(photos, [PNG.to_vec()]);
    // Sent from the office: the field's next bundle has none of them
    // either, and a response sent is not bundled again there.
    let (_, list, _) = cli(office.path(), &["list", "--json"]);
    assert_eq!(list.matches("\"server\":\"c\"").count(), 3, "{list}");
}

/// Rewrites one entry of a zip (as a damaged copy would have it).
fn tamper(src: &Path, dst: &Path, entry: &str) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).expect("open")).expect("zip");
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).expect("create"));
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).expect("entry");
        let name = e.name().expect("a name").to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).expect("read");
        if name == entry {
            let last = bytes.len() - 2;
            bytes[last] ^= 1;
        }
        zout.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start");
        zout.write_all(&bytes).expect("write");
    }
    zout.finish().expect("finish");
}

#[test]
fn a_damaged_bundle_is_refused_naming_the_entry() {
    let data = tempfile::tempdir().expect("temp dir");
    let id = common::create(data.path(), COMPLETE, true, 1);
    let usb = tempfile::tempdir().expect("usb");
    let file = usb.path().join("b.zip");
    ok(data.path(), &["bundle", "-o", file.to_str().expect("path")]);
    let bad = usb.path().join("bad.zip");
    let entry = format!("responses/{id}.json");
    tamper(&file, &bad, &entry);
    let office = tempfile::tempdir().expect("office");
    let (code, out, err) = cli(
        office.path(),
        &["import", bad.to_str().expect("path"), "--commit"],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!(
            "is damaged: {entry} does not match its checksum; nothing was imported"
        )),
        "{err}"
    );
    assert!(
        !office.path().join("rileva.sqlite3").exists() || {
            let (_, list, _) = cli(office.path(), &["list"]);
            list.contains("no responses")
        }
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]
    /// Any bytes, and a real bundle with any byte changed, are read or
    /// refused: never a panic.
    #[test]
    fn any_file_as_a_bundle_is_read_or_refused(
        junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
        at in 0usize..100_000,
        flip in 1u8..=255,
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("x.zip");
        std::fs::write(&path, &junk).expect("write");
        let _ = rileva::app::bundle::is_bundle(&path);
        let _ = rileva::app::bundle::check(&path);
        let data = dir.path().join("data");
        common::create(&data, COMPLETE, true, 1);
        let good = dir.path().join("good.zip");
        let (code, _, _) = cli(&data, &["bundle", "-o", good.to_str().expect("path")]);
        proptest::prop_assert_eq!(code, 0);
        let mut bytes = std::fs::read(&good).expect("read");
        let k = at % bytes.len();
        bytes[k] ^= flip;
        std::fs::write(&path, &bytes).expect("write");
        let _ = rileva::app::bundle::check(&path);
    }
}
