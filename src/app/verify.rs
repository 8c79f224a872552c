//! Double entry's steps that join the store and the engine, for the screens,
//! the command line and import alike: two finalized entries compared (and a
//! paper whose entries agree verified at once), a reconciliation opened with
//! what differs, and its result made.

use super::{Forms, LoadError, clock_for};
use crate::engine::{Discordance, Filling, compare, merged};
use crate::store::{
    Decision, NewResponse, Policy, Reason, Refusal, Store, StoreError, Taken, Verification,
};
use crate::timefmt::now_rfc3339;

/// What comparing a paper's two entries came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// They agreed on every field: verified (the result made).
    Agreed,
    /// This many fields differ: to reconcile.
    Discordant(usize),
}

/// A stored response as a filling, computed in its own language and clock.
pub fn entry_filling(store: &Store, forms: &mut Forms, id: &str) -> Result<Filling, LoadError> {
    let row = store
        .response(id)?
        .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
    forms.filling(store, &row, clock_for(&row))
}

/// Compares a paper's two finalized entries, records what differs, and
/// verifies it at once when nothing does.
pub fn settle(
    store: &mut Store,
    forms: &mut Forms,
    v: &Verification,
) -> Result<Settled, LoadError> {
    let second = v
        .second_id
        .as_deref()
        .ok_or_else(|| StoreError::from(Refusal::NothingToReconcile(v.paper_id.clone())))?;
    let first = entry_filling(store, forms, &v.first_id)?;
    let other = entry_filling(store, forms, second)?;
    let c = compare(&first, &other);
    let n = c.differences.len();
    store.set_compared(&v.form_id, &v.paper_id, c.fields as i64, n as i64)?;
    if n > 0 {
        return Ok(Settled::Discordant(n));
    }
    make_result(store, &first, v, None, &[])?;
    Ok(Settled::Agreed)
}

/// Settles every paper whose second entry was finalized and not compared
/// yet (a run that stopped between the two, an import): each paper with
/// what came of it.
pub fn settle_pending(
    store: &mut Store,
    forms: &mut Forms,
) -> Result<Vec<(String, Settled)>, LoadError> {
    let mut settled = Vec::new();
    for v in store.finalized_twice()? {
        // Not compared yet, or compared equal and stopped before its result.
        if v.fields.is_none() || v.discordant == Some(0) {
            settled.push((v.paper_id.clone(), settle(store, forms, &v)?));
        }
    }
    Ok(settled)
}

/// Whether `who` may reconcile this paper.
pub fn may_reconcile(policy: &Policy, v: &Verification, who: &str) -> Result<(), Refusal> {
    if policy.is_supervisor(who) {
        return Ok(());
    }
    if !policy.others_reconcile {
        return Err(Refusal::NotSupervisor);
    }
    if v.first_by == who || v.second_by.as_deref() == Some(who) {
        return Err(Refusal::Keyer {
            who: who.to_string(),
            paper: v.paper_id.clone(),
        });
    }
    Ok(())
}

/// A paper open for reconciliation: both entries, what differs, what was
/// decided so far.
#[derive(Debug, Clone)]
pub struct Reconciliation {
    pub verification: Verification,
    pub first: Filling,
    pub second: Filling,
    pub differences: Vec<Discordance>,
    pub decisions: Vec<Decision>,
}

impl Reconciliation {
    /// The result as decided so far: the first entry with the decisions.
    pub fn result(&self) -> Filling {
        merged(&self.first, &self.decided())
    }

    fn decided(&self) -> Vec<(String, Option<String>)> {
        self.decisions
            .iter()
            .map(|d| (d.path.clone(), d.value.clone()))
            .collect()
    }

    /// The differing fields that need a decision: those still relevant in
    /// the result as decided so far (a decision on an earlier field can
    /// make a later one not apply).
    pub fn open_fields(&self, result: &Filling) -> Vec<usize> {
        self.differences
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                // A field of an entry only the second has (a repeat's)
                // is to decide too.
                result
                    .parse_path(&d.path)
                    .is_some_and(|s| !result.has_slot(&s) || result.is_relevant(&s))
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// Opens a paper for reconciliation by `who`: refused to its keyers (unless
/// supervisors) and when nothing differs.
pub fn open(
    store: &mut Store,
    forms: &mut Forms,
    paper: &str,
    form_id: &str,
    who: &str,
) -> Result<Reconciliation, LoadError> {
    let refused = |r: Refusal| LoadError::Store(StoreError::Refused(r));
    let mut found = store.finalized_twice()?;
    found.sort_by_key(|v| v.form_id != form_id);
    let Some(mut v) = found.into_iter().find(|v| v.paper_id == paper) else {
        return Err(refused(Refusal::NothingToReconcile(paper.to_string())));
    };
    may_reconcile(&store.policy()?, &v, who).map_err(refused)?;
    if v.fields.is_none() {
        if settle(store, forms, &v)? == Settled::Agreed {
            return Err(refused(Refusal::AlreadyVerified(paper.to_string())));
        }
        v = store
            .verification(&v.form_id, paper)?
            .ok_or_else(|| refused(Refusal::NothingToReconcile(paper.to_string())))?;
    }
    let first = entry_filling(store, forms, &v.first_id)?;
    let second_id = v.second_id.clone().unwrap_or_default();
    let second = entry_filling(store, forms, &second_id)?;
    let differences = compare(&first, &second).differences;
    let decisions = store.decisions(&v.form_id, paper)?;
    Ok(Reconciliation {
        verification: v,
        first,
        second,
        differences,
        decisions,
    })
}

/// A decision as the reconciler made it: the value taken, and the reason
/// the key implies unless one is given.
pub fn decision(
    d: &Discordance,
    taken: Taken,
    third: Option<String>,
    reason: Option<Reason>,
    note: Option<String>,
) -> Decision {
    let value = match taken {
        Taken::First => d.first.clone(),
        Taken::Second => d.second.clone(),
        Taken::Third => third,
    };
    let reason = reason.unwrap_or(match taken {
        Taken::First => Reason::Second,
        Taken::Second => Reason::First,
        Taken::Third => Reason::Both,
    });
    Decision {
        path: d.path.clone(),
        first: d.first.clone(),
        second: d.second.clone(),
        value,
        taken,
        reason,
        note,
    }
}

/// Why a reconciliation cannot be finished yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfinished {
    /// Differing fields without a decision (data paths).
    Undecided(Vec<String>),
    /// The result as decided would not be complete (its problems' paths).
    Problems(Vec<String>),
}

/// Makes the verified response of a reconciled paper.
pub fn finish(
    store: &mut Store,
    r: &Reconciliation,
    who: &str,
) -> Result<Result<String, Unfinished>, LoadError> {
    let result = r.result();
    let undecided: Vec<String> = r
        .open_fields(&result)
        .into_iter()
        .filter_map(|i| r.differences.get(i))
        .filter(|d| !r.decisions.iter().any(|x| x.path == d.path))
        .map(|d| d.path.clone())
        .collect();
    if !undecided.is_empty() {
        return Ok(Err(Unfinished::Undecided(undecided)));
    }
    // Only the decisions on fields that still apply are the result's: one
    // taken on a field a later decision made not apply goes nowhere.
    let kept: Vec<Decision> = r
        .decisions
        .iter()
        .filter(|d| {
            result
                .parse_path(&d.path)
                .is_some_and(|s| result.is_relevant(&s))
        })
        .cloned()
        .collect();
    let decided: Vec<(String, Option<String>)> = kept
        .iter()
        .map(|d| (d.path.clone(), d.value.clone()))
        .collect();
    let result = merged(&r.first, &decided);
    if !result.can_finalize() {
        let problems = result
            .issues()
            .iter()
            .map(|s| result.slot_path(s))
            .collect();
        return Ok(Err(Unfinished::Problems(problems)));
    }
    Ok(Ok(make_result(
        store,
        &result,
        &r.verification,
        Some(who),
        &kept,
    )?))
}

/// Writes the verified response: `filling`'s answers, complete.
fn make_result(
    store: &mut Store,
    filling: &Filling,
    v: &Verification,
    reconciler: Option<&str>,
    decisions: &[Decision],
) -> Result<String, LoadError> {
    let first = store
        .response(&v.first_id)?
        .ok_or_else(|| StoreError::NotFound(v.first_id.clone()))?;
    let id = uuid::Uuid::new_v4().to_string();
    let at = now_rfc3339();
    let summary = filling.summary(None);
    let answers = filling.stored_answers();
    store.create_result(
        &NewResponse {
            id: &id,
            form_sha256: &first.form_sha256,
            operator: reconciler.unwrap_or(&first.operator),
            device_id: &first.device_id,
            language: &first.language,
            created_at: &at,
            summary: &summary,
            answers: &answers,
            paper: Some(&v.paper_id),
        },
        v,
        reconciler,
        decisions,
    )?;
    Ok(id)
}

/// The first entry's keyed values, for the slip check of a blind second
/// entry: held by the runtime, never by anything a screen draws from.
pub fn first_values(
    store: &Store,
    forms: &mut Forms,
    second_id: &str,
) -> Result<Option<FirstEntry>, LoadError> {
    let Some(v) = store.verification_of(second_id)? else {
        return Ok(None);
    };
    if v.second_id.as_deref() != Some(second_id) {
        return Ok(None);
    }
    let filling = entry_filling(store, forms, &v.first_id)?;
    let values = filling.keyed().into_iter().collect();
    Ok(Some(FirstEntry { filling, values }))
}

/// A first entry as the slip check needs it.
#[derive(Debug, Clone)]
pub struct FirstEntry {
    /// Its questionnaire, to compare values as their type says.
    pub filling: Filling,
    /// Its keyed values, by data path.
    pub values: std::collections::HashMap<String, Option<String>>,
}

impl FirstEntry {
    /// Whether `value` for the field at `path` is what the first entry has.
    pub fn agrees(&self, path: &str, value: Option<&str>) -> bool {
        let first = self.values.get(path).cloned().flatten();
        self.filling.same_value(path, first.as_deref(), value)
    }
}
