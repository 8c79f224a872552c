//! What the command-line tests share: the real binary on a temp data
//! directory, and reading what it printed.

use crate::common;
use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

pub fn rileva(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rileva");
    cmd.env_remove("RILEVA_DATA_DIR").arg("--data-dir").arg(dir);
    cmd
}

pub fn tmp() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout")
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 stderr")
}

/// stderr is exactly one line starting with `rileva: `, and it contains `part`.
pub fn one_line_error(out: &std::process::Output, part: &str) {
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
    assert!(err.starts_with("rileva: "), "{err}");
    assert!(err.contains(part), "{part:?} not in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

#[cfg(unix)]
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

pub fn list_json(dir: &Path) -> Vec<Value> {
    let out = rileva(dir).args(["list", "--json"]).output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice::<Value>(&out.stdout)
        .expect("JSON")
        .as_array()
        .expect("array")
        .clone()
}

/// A data directory with two complete responses and a draft between them.
pub struct Populated {
    pub dir: TempDir,
    pub complete: Vec<String>,
    pub draft: String,
}

pub fn populated() -> Populated {
    let dir = tmp();
    let a = common::create(dir.path(), common::COMPLETE, true, 1);
    let draft = common::create(dir.path(), common::DRAFT, false, 2);
    let b = common::create(dir.path(), common::COMPLETE, true, 3);
    Populated {
        dir,
        complete: vec![a, b],
        draft,
    }
}

/// The text at a path of child elements, "" when empty.
pub fn xml_text<'a>(node: roxmltree::Node<'a, 'a>, path: &[&str]) -> Option<&'a str> {
    let mut cur = node;
    for name in path {
        cur = cur.children().find(|c| c.has_tag_name(*name))?;
    }
    Some(cur.text().unwrap_or(""))
}
