//! The responses the XML oracle exports (tests/it/xml_oracle.rs): a new
//! one as the TUI starts it, one with every question answered by a
//! plausible value of its type, and the row they are exported with.

use rileva::engine::{Clock, Filling, Idx, MetaInfo, Slot};
use rileva::form::{Form, Kind, NodeId};
use rileva::store::{ResponseRow, Status};
use std::sync::Arc;

fn clock() -> Clock {
    Clock::Fixed(
        "2020-06-15T10:00:00+02:00[Europe/Rome]"
            .parse()
            .expect("time"),
    )
}

/// A new response, as the TUI starts one (metadata and defaults set).
pub(crate) fn blank(form: &Arc<Form>) -> Filling {
    let meta = MetaInfo {
        device_id: "rileva:test".into(),
        username: "tester".into(),
        phone_number: Some("+390000000".into()),
        email: Some("t@example.org".into()),
        last_saved: Vec::new(),
    };
    Filling::start(form.clone(), clock(), &meta).0
}

/// The form with every `relevant` taken out: every node applies.
pub(crate) fn all_relevant(form: &Form) -> Arc<Form> {
    let mut f = form.clone();
    for n in &mut f.nodes {
        n.relevant = None;
    }
    Arc::new(f)
}

/// A response with every question answered and each repeat given one
/// instance (two inside another repeat), unless `repeat_count` drives it.
pub(crate) fn answered(form: &Arc<Form>) -> Filling {
    let mut f = blank(form);
    // Twice: answers given later may make earlier nodes relevant.
    for _ in 0..2 {
        fill(&mut f, &form.top, &Vec::new());
    }
    f
}

fn fill(f: &mut Filling, ids: &[NodeId], idx: &Idx) {
    let form = f.form().clone();
    for &id in ids {
        let node = form.node(id);
        match node.kind {
            Kind::Repeat => {
                if node.repeat_count.is_none() {
                    let want = if idx.is_empty() { 1 } else { 2 };
                    while f.instances(id, idx) < want && f.add_instance(id, idx).is_some() {}
                }
                for k in 0..f.instances(id, idx) {
                    let mut inner = idx.clone();
                    inner.push(k);
                    fill(f, &node.children, &inner);
                }
            }
            Kind::Group => fill(f, &node.children, idx),
            kind if kind.takes_input() && node.calculation.is_none() => {
                let slot = Slot::new(id, idx.clone());
                let candidates = candidates(f, &slot);
                let valid = candidates
                    .iter()
                    .find_map(|c| f.check(&slot, c).ok().flatten());
                let value = valid.or_else(|| candidates.into_iter().next());
                f.set_answer(&slot, value);
            }
            _ => {}
        }
    }
}

/// Plausible answers for a question, the likeliest first.
fn candidates(f: &Filling, slot: &Slot) -> Vec<String> {
    let node = f.form().node(slot.node);
    let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    match node.kind {
        Kind::Integer => list(&["1", "0", "2", "10", "100", "-1"]),
        Kind::Decimal => list(&["1.5", "1", "0", "10", "100"]),
        Kind::Range => {
            let start = node.parameters.get("start").map_or("1", String::as_str);
            vec![start.to_string()]
        }
        Kind::Date => list(&["2020-01-01", "2000-01-01"]),
        Kind::Time => list(&["10:00:00"]),
        Kind::DateTime => list(&["2020-01-01T10:00:00"]),
        Kind::Geopoint => list(&["1 2", "1 2 3 4"]),
        Kind::Geotrace => list(&["1 2; 3 4"]),
        Kind::Geoshape => list(&["1 2; 3 4; 5 6; 1 2"]),
        Kind::Media(_) => list(&["pagina-0123456789ab.jpg"]),
        Kind::Acknowledge => list(&["OK"]),
        Kind::Rank => {
            let names = f.form().list_of(slot.node).map(|l| {
                f.choices(slot)
                    .into_iter()
                    .map(|i| l.choices[i].name.clone())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            names.into_iter().collect()
        }
        Kind::SelectOne | Kind::SelectMultiple => {
            let names = f.form().list_of(slot.node).map(|l| {
                f.choices(slot)
                    .into_iter()
                    .map(|i| l.choices[i].name.clone())
                    .collect::<Vec<_>>()
            });
            names.unwrap_or_default()
        }
        _ => list(&["x", "1", "xyz"]),
    }
}

pub(crate) fn row() -> ResponseRow {
    let t = "2020-06-15T10:00:00.000+02:00".to_string();
    ResponseRow {
        id: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b".into(),
        form_sha256: String::new(),
        form_id: String::new(),
        form_version: String::new(),
        form_title: String::new(),
        status: Status::Complete,
        operator: "tester".into(),
        device_id: "rileva:test".into(),
        language: String::new(),
        instance_name: None,
        answered: 0,
        relevant: 0,
        position: None,
        deprecated_id: None,
        superseded_by: None,
        paper_id: None,
        entry: None,
        created_at: t.clone(),
        updated_at: t,
        completed_at: None,
        exported_at: None,
    }
}
