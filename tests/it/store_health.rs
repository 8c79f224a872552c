//! A data directory kept sound (issue "Foundations", defects 5 and 8): one
//! self-contained file once closed, a WAL that does not belong refused
//! before it can do harm, backups, the check, schema versions that make no
//! sense.

use crate::common::{self, COMPLETE, DRAFT};
use rileva::store::{self, DB_FILE, Listing, Status, Store, StoreError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn db(dir: &Path) -> PathBuf {
    dir.join(DB_FILE)
}

fn wal(dir: &Path) -> PathBuf {
    dir.join(format!("{DB_FILE}-wal"))
}

fn wal_len(dir: &Path) -> u64 {
    std::fs::metadata(wal(dir)).map_or(0, |m| m.len())
}

fn total(dir: &Path) -> i64 {
    Store::open(dir)
        .expect("opens")
        .counts()
        .expect("counts")
        .total()
}

/// Runs this test binary as a child that opens `dir`, creates `n` drafts
/// and aborts right after the last commit: its WAL stays as a crash leaves it.
fn crash_after_drafts(test: &str, dir: &Path, n: u32) {
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", test, "--nocapture"])
        .env(CHILD, dir)
        .env(CHILD_N, n.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("child runs");
    assert!(!status.success(), "the child must crash: {status:?}");
}

const CHILD: &str = "RILEVA_HEALTH_TEST_DIR";
const CHILD_N: &str = "RILEVA_HEALTH_TEST_N";

/// In the child: `n` drafts, then an abort (no close, no checkpoint).
fn child() {
    if let (Some(dir), Some(n)) = (std::env::var_os(CHILD), std::env::var_os(CHILD_N)) {
        let n: u32 = n.to_str().and_then(|n| n.parse().ok()).expect("n");
        let dir = PathBuf::from(dir);
        let store = Store::open(&dir).expect("child opens");
        for i in 0..n {
            common::create(&dir, DRAFT, false, i % 60);
        }
        drop(store);
        // Still open: the first store was dropped, but this one stays.
        let _keep = Store::open(&dir).expect("child opens again");
        common::create(&dir, DRAFT, false, 59);
        std::process::abort();
    }
}

#[test]
fn a_closed_data_directory_is_one_file() {
    let dir = TempDir::new().expect("temp dir");
    let first = Store::open(dir.path()).expect("opens");
    common::create(dir.path(), COMPLETE, true, 1);
    let second = Store::open(dir.path()).expect("a second store");
    drop(first);
    assert!(
        wal_len(dir.path()) > 0,
        "another store is still open: its WAL stays"
    );
    drop(second);
    assert_eq!(wal_len(dir.path()), 0, "the last one out checkpoints");
    // The database file alone holds everything.
    let copy = TempDir::new().expect("temp dir");
    std::fs::copy(db(dir.path()), db(copy.path())).expect("copy");
    assert_eq!(total(copy.path()), 1);
}

#[test]
fn a_wal_left_by_a_crash_is_recovered() {
    child();
    let dir = TempDir::new().expect("temp dir");
    crash_after_drafts(
        "store_health::a_wal_left_by_a_crash_is_recovered",
        dir.path(),
        3,
    );
    assert!(wal_len(dir.path()) > 32, "the crash left a WAL with frames");
    assert_eq!(total(dir.path()), 4, "every committed draft is there");
}

#[test]
fn a_wal_that_does_not_belong_is_refused_and_nothing_is_changed() {
    child();
    let dir = TempDir::new().expect("temp dir");
    for n in 0..30 {
        common::create(dir.path(), DRAFT, false, n);
    }
    let old = std::fs::read(db(dir.path())).expect("the database as backed up");
    // Later: more drafts, checkpointed into the file, then a crash with a
    // WAL written on top of that newer file.
    crash_after_drafts(
        "store_health::a_wal_that_does_not_belong_is_refused_and_nothing_is_changed",
        dir.path(),
        60,
    );
    let left = std::fs::read(wal(dir.path())).expect("the WAL of the crash");
    // Someone restores the old copy, and leaves the WAL beside it.
    std::fs::write(db(dir.path()), &old).expect("restored");
    let _ = std::fs::remove_file(dir.path().join(format!("{DB_FILE}-shm")));
    for attempt in 0..2 {
        match Store::open(dir.path()) {
            Err(e @ StoreError::WalMismatch { .. }) => {
                let text = e.to_string();
                assert!(text.contains("does not belong"), "{text}");
                assert!(text.contains("Move"), "says what to do: {text}");
            }
            other => panic!(
                "attempt {attempt}: expected WalMismatch, got {:?}",
                other.err()
            ),
        }
        assert_eq!(
            std::fs::read(db(dir.path())).expect("db"),
            old,
            "db untouched"
        );
        assert_eq!(
            std::fs::read(wal(dir.path())).expect("wal"),
            left,
            "wal untouched"
        );
    }
    let health = store::check(dir.path()).expect("check reads it");
    assert!(!health.is_sound(), "{health:?}");
    assert!(health.wal > 0);
    // The way out the message gives: the WAL moved aside, the old copy opens.
    std::fs::rename(wal(dir.path()), dir.path().join("wal.aside")).expect("aside");
    assert_eq!(total(dir.path()), 30);
}

#[test]
fn a_backup_is_one_consistent_file_even_while_another_store_writes() {
    let dir = TempDir::new().expect("temp dir");
    for n in 0..5 {
        common::create(dir.path(), COMPLETE, true, n);
    }
    let writer_dir = dir.path().to_path_buf();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 200 {
                common::create(&writer_dir, DRAFT, false, n % 60);
                n += 1;
            }
            n
        })
    };
    let store = Store::open(dir.path()).expect("opens");
    let out = TempDir::new().expect("temp dir");
    let file = out.path().join("copy.sqlite3");
    let counts = store.backup(&file).expect("backed up");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().expect("writer");
    assert!(
        counts.complete == 5 && counts.draft as u32 <= written,
        "{counts:?}"
    );
    // Self-contained: no WAL beside it, and it reads back as it said.
    let names: Vec<String> = std::fs::read_dir(out.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["copy.sqlite3"]);
    let conn = Connection::open(&file).expect("opens");
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "delete");
    drop(conn);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(m & 0o777, 0o600, "private, as the database");
    }
    // Restored as the README says, it is a data directory of its own.
    let restored = TempDir::new().expect("temp dir");
    std::fs::copy(&file, db(restored.path())).expect("restore");
    let s = Store::open(restored.path()).expect("opens the restored copy");
    assert_eq!(s.counts().expect("counts"), counts);
    assert!(store::check(restored.path()).expect("check").is_sound());
}

#[test]
fn check_tells_a_sound_database_from_a_damaged_one() {
    let dir = TempDir::new().expect("temp dir");
    common::create(dir.path(), COMPLETE, true, 1);
    common::create(dir.path(), DRAFT, false, 2);
    let health = store::check(dir.path()).expect("check");
    assert!(health.is_sound(), "{health:?}");
    assert_eq!((health.counts.draft, health.counts.complete), (1, 1));
    // A response whose form snapshot went missing (written by hand).
    let conn = Connection::open(db(dir.path())).expect("raw");
    conn.execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM forms;")
        .expect("forms gone");
    drop(conn);
    let health = store::check(dir.path()).expect("check");
    assert!(!health.is_sound());
    assert!(
        health.problems.iter().any(|p| p.contains("responses")),
        "{health:?}"
    );
    // Still listed (and so never silently left out of an export).
    let s = Store::open_read_only(dir.path()).expect("opens read-only");
    assert_eq!(s.page(Listing::All, 0, 10).expect("page").len(), 2);
}

#[test]
fn a_damaged_page_met_while_reading_says_what_to_do() {
    let dir = TempDir::new().expect("temp dir");
    for n in 0..40 {
        common::create(dir.path(), COMPLETE, true, n % 60);
    }
    // Overwrite pages in the middle of the file with garbage.
    let path = db(dir.path());
    let mut bytes = std::fs::read(&path).expect("db");
    let page = 4096;
    let pages = bytes.len() / page;
    for p in (pages / 2)..pages.min(pages / 2 + 8) {
        for b in &mut bytes[p * page..(p + 1) * page] {
            *b = 0xA5;
        }
    }
    std::fs::write(&path, &bytes).expect("damaged");
    let found = Store::open(dir.path()).and_then(|s| {
        let mut cursor = None;
        loop {
            let (rows, next) = s.batch(&[], cursor, 100)?;
            if rows.is_empty() {
                return Ok(());
            }
            for r in rows {
                s.answers(&r.id)?;
            }
            cursor = next;
        }
    });
    match found {
        Err(e @ (StoreError::Corrupt(_) | StoreError::Damaged { .. })) => {
            let text = e.to_string();
            assert!(
                text.contains("rileva check") && text.contains("backup"),
                "{text}"
            );
            assert!(e.text(rileva::lang::Lang::It).contains("danneggiato"));
        }
        other => panic!("expected the damage to be named, got {other:?}"),
    }
}

#[test]
fn schema_versions_rileva_never_writes_are_refused_untouched() {
    // -1 was taken for the current version.
    let dir = TempDir::new().expect("temp dir");
    common::create(dir.path(), DRAFT, false, 1);
    Connection::open(db(dir.path()))
        .and_then(|c| c.execute_batch("PRAGMA user_version = -1"))
        .expect("set");
    let before = std::fs::read(db(dir.path())).expect("db");
    match Store::open(dir.path()) {
        Err(StoreError::BadVersion { found: -1, .. }) => {}
        other => panic!("expected BadVersion, got {:?}", other.err()),
    }
    assert_eq!(std::fs::read(db(dir.path())).expect("db"), before);
    // Version 2 with the tables of 3 printed the whole migration SQL.
    let dir = TempDir::new().expect("temp dir");
    common::create(dir.path(), DRAFT, false, 1);
    Connection::open(db(dir.path()))
        .and_then(|c| c.execute_batch("PRAGMA user_version = 2"))
        .expect("set");
    match Store::open(dir.path()) {
        Err(e @ StoreError::Migration { step: 3, .. }) => {
            let text = e.to_string();
            assert!(text.contains("imports already exists"), "{text}");
            assert!(
                !text.contains("CREATE TABLE"),
                "no SQL in the message: {text}"
            );
            assert_eq!(text.lines().count(), 1, "{text}");
        }
        other => panic!("expected a failed migration, got {:?}", other.err()),
    }
}

#[test]
fn a_read_only_store_reads_and_writes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let id = common::create(dir.path(), COMPLETE, true, 1);
    let before: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let bytes = std::fs::read(db(dir.path())).expect("db");
    let mut s = Store::open_read_only(dir.path()).expect("opens");
    assert!(s.is_read_only());
    assert_eq!(
        s.response(&id).expect("read").map(|r| r.status),
        Some(Status::Complete)
    );
    assert!(matches!(
        s.mark_exported(std::slice::from_ref(&id), "2020-05-11T10:00:00.000+02:00"),
        Err(StoreError::ReadOnly)
    ));
    drop(s);
    let mut after: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    // SQLite's own -wal and -shm may appear where the directory lets it;
    // rileva adds nothing.
    after.retain(|n| !n.ends_with("-wal") && !n.ends_with("-shm"));
    assert_eq!(after, before);
    assert_eq!(std::fs::read(db(dir.path())).expect("db"), bytes);
}
