//! What the engine's tests of keying and of the transcription layout share:
//! a form compiled from a survey in rileva's JSON, filled at a fixed time,
//! and answers set by question name.

use super::*;
use crate::form::{FormBundle, compile};

/// A new response to the form of `survey` (rileva's JSON survey array).
pub(super) fn filling_of(form_id: &str, survey: &str) -> Filling {
    let json = format!(
        r#"{{"format":"rileva-form/1","settings":{{"form_id":"{form_id}"}},"survey":{survey}}}"#
    );
    let form = Arc::new(
        compile(&FormBundle {
            definition: json,
            files: Default::default(),
        })
        .unwrap_or_else(|e| panic!("{e:?}")),
    );
    let clock = Clock::Fixed(
        "2020-06-15T10:00:00+02:00[Europe/Rome]"
            .parse()
            .expect("valid time"),
    );
    Filling::new(form, [], clock)
}

pub(super) fn id(f: &Filling, name: &str) -> NodeId {
    f.form()
        .by_name(name)
        .unwrap_or_else(|| panic!("no {name}"))
}

/// Sets a question's answer as the operator would: checked first.
pub(super) fn set(f: &mut Filling, name: &str, idx: &[u32], v: &str) {
    let s = Slot::new(id(f, name), idx.to_vec());
    let v = f
        .check(&s, v)
        .unwrap_or_else(|p| panic!("{name}={v}: {p:?}"));
    f.set_answer(&s, v);
}
