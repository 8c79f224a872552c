//! `rileva audit ID` and `export --audit` on the real binary, and the audit
//! log's promise that nothing rewrites it.

use crate::cli_support::{one_line_error, populated, rileva, stdout};

#[test]
fn audit_prints_odk_columns_and_export_writes_it_beside_each_response() {
    let p = populated();
    let id = &p.complete[0];
    let out = rileva(p.dir.path())
        .args(["audit", id])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("event,node,start,end,old-value,new-value,user")
    );
    let rest: Vec<&str> = lines.collect();
    assert!(
        rest.first().is_some_and(|l| l.starts_with("form start,")),
        "{text}"
    );
    assert!(
        rest.iter().any(|l| l.starts_with("form finalize,")),
        "{text}"
    );
    // Nodes from the instance's root, as ODK writes them.
    let answers: Vec<&&str> = rest.iter().filter(|l| l.starts_with("answer,")).collect();
    assert!(
        !answers.is_empty() && answers.iter().all(|l| l.starts_with("answer,/data/sez_")),
        "{text}"
    );

    let exports = p.dir.path().join("out");
    let out = rileva(p.dir.path())
        .args(["export", "--audit", "--out"])
        .arg(&exports)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    for id in &p.complete {
        let csv = std::fs::read_to_string(exports.join(format!("{id}.audit.csv")))
            .expect("the audit beside the response");
        assert!(csv.starts_with("event,node,start,end,old-value,new-value,user\n"));
        assert!(exports.join(format!("{id}.json")).exists());
    }
    assert!(
        !exports.join(format!("{}.audit.csv", p.draft)).exists(),
        "only what was exported"
    );
}

#[test]
fn audit_of_an_unknown_response_says_so() {
    let p = populated();
    let out = rileva(p.dir.path())
        .args(["audit", "no-such-id"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    one_line_error(&out, "response no-such-id was not found");
}

#[test]
fn the_audit_log_cannot_be_changed_or_emptied() {
    let p = populated();
    let db = p.dir.path().join(rileva::store::DB_FILE);
    let conn = rusqlite::Connection::open(&db).expect("opens");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .expect("counts");
    assert!(n > 0);
    for sql in ["UPDATE audit SET new_value = 'forged'", "DELETE FROM audit"] {
        let e = conn.execute(sql, []).expect_err(sql);
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    let after: i64 = conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .expect("counts");
    assert_eq!(after, n);
}

#[test]
fn print_writes_the_paper_form_once_and_in_english_on_request() {
    let dir = crate::cli_support::tmp();
    let file = dir.path().join("paper.html");
    let out = rileva(dir.path())
        .args(["print", "-o"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    let html = std::fs::read_to_string(&file).expect("written");
    assert!(html.contains("<b class=\"code\">16</b> Puglia"));
    assert!(html.contains("N. questionario"));
    let again = rileva(dir.path())
        .args(["print", "-o"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(2));
    one_line_error(&again, "exists; use --force");
    let en = rileva(dir.path())
        .args(["--lang", "en", "print", "--force", "-o"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(en.status.success(), "{en:?}");
    let html = std::fs::read_to_string(&file).expect("written");
    assert!(html.contains("Questionnaire no.") && html.contains("<html lang=\"en\">"));
}
