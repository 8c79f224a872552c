//! The runtime's part in double entry: a blind second entry started or
//! resumed, and its slip check. The first entry's values live here, in the
//! runtime, never in the state the screens draw from.

use super::action::{Failure, Outcome};
use super::effect::{Effect, Runtime};
use crate::app::verify;
use crate::store::{EntryRole, SecondEntry, Status};
use crate::timefmt::now_rfc3339;
use std::collections::HashMap;

/// What the slip check of a blind second entry needs.
#[derive(Debug, Clone)]
pub struct Verifying {
    pub id: String,
    first: verify::FirstEntry,
    /// Fields whose value differed once: what was typed then.
    tried: HashMap<String, Option<String>>,
    /// Fields keyed again after a slip: never checked again (or the check
    /// would tell, by its silence, what the first entry holds).
    done: std::collections::HashSet<String>,
}

impl Runtime {
    /// A blind second entry opened to key, where slips are caught: the
    /// first entry's values are read for the check.
    pub(super) fn arm_slips(&mut self, row: &crate::store::ResponseRow) -> Result<(), Failure> {
        self.verifying = None;
        if row.entry == Some(EntryRole::Second)
            && row.status == Status::Draft
            && self.store.policy()?.slips
            && let Some(first) = verify::first_values(&self.store, &mut self.forms, &row.id)?
        {
            self.verifying = Some(Verifying {
                id: row.id.clone(),
                first,
                tried: HashMap::new(),
                done: Default::default(),
            });
        }
        Ok(())
    }

    /// The slip check of an answer of a blind second entry: `Some` when it
    /// is not written (the first time it differs from the first entry's).
    pub(super) fn slip(
        &mut self,
        id: &str,
        path: &str,
        value: Option<&str>,
    ) -> Result<Option<()>, Failure> {
        let Some(v) = self
            .verifying
            .as_mut()
            .filter(|v| v.id == id && !v.done.contains(path))
        else {
            return Ok(None);
        };
        let same = v.first.agrees(path, value);
        match v.tried.remove(path) {
            None if !same => {
                v.tried.insert(path.to_string(), value.map(str::to_string));
                Ok(Some(()))
            }
            None => Ok(None),
            Some(typed) => {
                v.done.insert(path.to_string());
                let slip = crate::store::Slip {
                    second_id: id,
                    path,
                    typed: typed.as_deref(),
                    retyped: value,
                    agreed: same,
                };
                self.store
                    .record_slip(&slip, &self.operator, &now_rfc3339())?;
                Ok(None)
            }
        }
    }

    /// A new blind second entry of a paper, or this operator's draft of it.
    pub(super) fn second_entry(&mut self, paper: &str, language: &str) -> Result<Outcome, Failure> {
        let v = match self
            .store
            .second_entry(paper, &self.form.id, &self.operator)?
        {
            SecondEntry::Resume(id) => return self.run(Effect::Open { id }),
            SecondEntry::New(v) => v,
        };
        let first = self.store.response(&v.first_id)?.ok_or(Failure::Vanished)?;
        // The first entry's form, whatever form new responses use here.
        let form = self.forms.get(&self.store, &first)?;
        self.new_draft(form, language, Some(paper), Some(&v.form_id))
    }
}
