//! Keys on the reconciliation screen: a decision per differing field, each
//! written at once (an interrupted reconciliation resumes where it was),
//! then the verified response.

use super::to_start;
use crate::app::verify::decision;
use crate::store::Taken;
use crate::tui::action::Action;
use crate::tui::effect::Effect;
use crate::tui::i18n;
use crate::tui::keymap::Cmd;
use crate::tui::screens::question::{edit, editor_text, paste};
use crate::tui::screens::reconcile::{Reconcile, Step};
use crate::tui::state::{App, Flash, Screen};

pub(super) fn key(app: &mut App, action: Action) -> Vec<Effect> {
    let Screen::Reconcile(r) = &mut app.screen else {
        return Vec::new();
    };
    match (&mut r.step, action) {
        (Step::Choose | Step::Done, Action::Cmd(Cmd::Back)) => to_start(app),
        (Step::Choose | Step::Done, Action::Cmd(Cmd::Up)) => {
            r.move_by(-1);
            Vec::new()
        }
        (Step::Choose | Step::Done, Action::Cmd(Cmd::Down)) => {
            r.move_by(1);
            Vec::new()
        }
        (Step::Choose | Step::Done, Action::Cmd(Cmd::TakeFirst)) => {
            decide(r, Taken::First, None, None, None)
        }
        (Step::Choose | Step::Done, Action::Cmd(Cmd::TakeSecond)) => {
            decide(r, Taken::Second, None, None, None)
        }
        (Step::Choose | Step::Done, Action::Cmd(Cmd::TakeThird)) => {
            if r.current().is_some() {
                r.third();
            }
            Vec::new()
        }
        (Step::Choose | Step::Done, Action::Cmd(Cmd::GiveReason)) => {
            let taken = r
                .current()
                .and_then(|d| r.decision(&d.path))
                .map(|d| (d.taken, d.value.clone()));
            match taken {
                Some((taken, value)) => {
                    let third = (taken == Taken::Third).then_some(value).flatten();
                    r.ask_reason(taken, third);
                }
                None => app.flash = Some(Flash::Info(&i18n::DECIDE_FIRST)),
            }
            Vec::new()
        }
        (Step::Choose | Step::Done, Action::Cmd(Cmd::Finalize)) => {
            let v = &r.rec.verification;
            vec![Effect::FinishReconcile {
                form_id: v.form_id.clone(),
                paper: v.paper_id.clone(),
            }]
        }
        (Step::Third { editor, error }, Action::Edit(ev)) => {
            edit(editor, ev, false);
            *error = None;
            Vec::new()
        }
        (Step::Third { editor, .. } | Step::Note { editor, .. }, Action::Paste(text)) => {
            paste(editor, &text, false);
            Vec::new()
        }
        (Step::Third { editor, .. }, Action::Cmd(Cmd::Confirm)) => {
            let typed = editor_text(editor);
            let Some(slot) = r.current().and_then(|d| r.result.parse_path(&d.path)) else {
                return Vec::new();
            };
            // The value is checked as the screens check it, in the result.
            match r.result.check(&slot, &typed) {
                Ok(value) => r.ask_reason(Taken::Third, value),
                Err(p) => {
                    let text = r.result.problem_text(slot.node, &p, app.lang);
                    if let Step::Third { error, .. } = &mut r.step {
                        *error = Some(text);
                    }
                }
            }
            Vec::new()
        }
        (Step::Note { editor, .. }, Action::Edit(ev)) => {
            edit(editor, ev, false);
            Vec::new()
        }
        (
            Step::Note {
                taken,
                third,
                editor,
            },
            Action::Cmd(Cmd::Confirm),
        ) => {
            let note = editor_text(editor).trim().to_string();
            let (taken, third) = (*taken, third.clone());
            let note = Some(note).filter(|n| !n.is_empty());
            decide(r, taken, third, Some(crate::store::Reason::Other), note)
        }
        (Step::Reason { taken, third }, Action::Pick(ch)) => {
            let (taken, third) = (*taken, third.clone());
            match Reconcile::reason_of(ch) {
                Some(crate::store::Reason::Other) => {
                    r.ask_note(taken, third);
                    Vec::new()
                }
                Some(reason) => decide(r, taken, third, Some(reason), None),
                None => Vec::new(),
            }
        }
        (Step::Third { .. } | Step::Reason { .. } | Step::Note { .. }, Action::Cmd(Cmd::Back)) => {
            r.step = Step::Choose;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The decision on the field under the cursor, to write.
fn decide(
    r: &mut Reconcile,
    taken: Taken,
    third: Option<String>,
    reason: Option<crate::store::Reason>,
    note: Option<String>,
) -> Vec<Effect> {
    let Some(d) = r.current() else {
        return Vec::new();
    };
    if taken == Taken::Third && third.is_none() && reason.is_none() {
        return Vec::new();
    }
    let decision = decision(d, taken, third, reason, note);
    let v = &r.rec.verification;
    vec![Effect::Decide {
        form_id: v.form_id.clone(),
        paper: v.paper_id.clone(),
        decision,
    }]
}
