//! The terminal interface. Keys become actions (`keymap`), actions change state
//! (`update`) and return effects, effects run against the store (`effect`) and
//! come back as actions; `view` draws the state.

pub mod action;
mod attaching;
pub mod effect;
mod hangup;
pub mod i18n;
pub mod keymap;
pub mod lane;
pub mod screens;
pub mod state;
pub mod update;
mod verifying;
pub mod view;

pub use i18n::Lang;

use crate::app::Forms;
use crate::engine::Clock;
use crate::form::{Form, FormBundle};
use crate::store::{DirLock, Store};
use action::Action;
use effect::{Effect, Runtime};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use state::App;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub struct Options {
    pub data_dir: PathBuf,
    pub store: Store,
    pub lock: DirLock,
    pub bundle: FormBundle,
    pub form: Arc<Form>,
    pub lang: Lang,
    pub keying: state::Keying,
    /// A prompt to open at once: a paper's number to verify or reconcile.
    pub prompt: Option<state::Task>,
}

/// Rows a list gets on a terminal of `height` rows (header, status, footer and
/// the question around it).
fn list_rows(height: u16) -> u16 {
    height.saturating_sub(12).max(3)
}

/// Builds the state and the runtime for a store and a form (shared with tests).
pub fn setup(
    store: Store,
    bundle: FormBundle,
    form: Arc<Form>,
    lang: Lang,
    clock: Clock,
    no_color: bool,
) -> Result<(App, Runtime, Vec<Effect>), String> {
    let data_dir = store
        .path()
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let operator = store.operator().map_err(|e| e.to_string())?;
    let device_id = store.device_id().map_err(|e| e.to_string())?;
    let app = App::new(lang, operator.clone(), form.title.clone(), no_color);
    let mut forms = Forms::default();
    forms.insert(form.clone());
    let first = if operator.is_some() {
        vec![Effect::LoadStart { offsets: [0, 0] }]
    } else {
        Vec::new()
    };
    let rt = Runtime {
        store,
        forms,
        bundle,
        form,
        operator: operator.unwrap_or_default(),
        device_id,
        clock,
        seen: 0,
        rings: 0,
        terminal_bell: false,
        verifying: None,
        lane: lane::Lane::start(data_dir.clone()),
        data_dir,
    };
    Ok((app, rt, first))
}

/// Runs one action and everything it causes, to quiescence.
pub fn dispatch(app: &mut App, rt: &mut Runtime, action: Action) {
    let mut queue = VecDeque::from([action]);
    while let Some(a) = queue.pop_front() {
        for effect in update::update(app, a) {
            if let Effect::Bell { audible } = effect {
                rt.ring(audible);
            }
            queue.push_back(rt.execute(effect));
        }
    }
}

pub fn run(opts: Options) -> Result<(), String> {
    let Options {
        data_dir: _,
        store,
        lock,
        bundle,
        form,
        lang,
        keying,
        prompt,
    } = opts;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (mut app, mut rt, first) = setup(store, bundle, form, lang, Clock::System, no_color)?;
    app.keying = keying;
    rt.terminal_bell = true;
    let mut first = first;
    let prompt = prompt.or(keying.verify.then_some(state::Task::Verify));
    if let Some(task) = prompt
        && app.operator.is_some()
    {
        first.extend(update::ask_paper(&mut app, task));
    }

    // SIGTERM / SIGHUP (a closed SSH session): save what is typed, then leave.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, stop.clone())
            .map_err(|e| format!("cannot watch signals: {e}"))?;
    }
    // A terminal that hangs up without a signal reaching us, or while
    // crossterm is stuck reading it, raises the same flag.
    let _hangup = hangup::watch(stop.clone());
    // Our panic hook first; ratatui's (installed by init) restores the terminal
    // and then calls it.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
    let started_at = crate::timefmt::now_rfc3339();
    let mut terminal = ratatui::init();
    let _paste = PasteGuard::enable();
    let result = event_loop(&mut terminal, &mut app, &mut rt, first, &stop);
    if result.is_err() && !app.leaves() {
        // The terminal is gone: still save what was typed.
        dispatch(&mut app, &mut rt, Action::Terminate);
    }
    save_session(&app, &mut rt, started_at);
    drop(_paste);
    ratatui::restore();
    drop(lock);
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    rt: &mut Runtime,
    first: Vec<Effect>,
    stop: &AtomicBool,
) -> Result<(), String> {
    let io = |e: std::io::Error| format!("terminal error: {e}");
    let size = terminal.size().map_err(io)?;
    dispatch(
        app,
        rt,
        Action::Resize {
            rows: list_rows(size.height),
        },
    );
    for effect in first {
        let a = rt.execute(effect);
        dispatch(app, rt, a);
    }
    let mut last_key = std::time::Instant::now();
    loop {
        if app.leaves() {
            return Ok(());
        }
        terminal.draw(|f| view::render(app, f)).map_err(io)?;
        let mut waited = false;
        let mut quiet = true;
        // While the lane works, look at it more often (its progress).
        let wait = Duration::from_millis(if rt.lane.busy() { 50 } else { 250 });
        while event::poll(if waited { Duration::ZERO } else { wait }).map_err(io)? {
            quiet = false;
            waited = true;
            let action = match event::read().map_err(io)? {
                Event::Key(k) if k.kind == KeyEventKind::Press => {
                    // Gaps of over a minute between keys are idle time.
                    let gap = last_key.elapsed();
                    last_key = std::time::Instant::now();
                    if gap > Duration::from_secs(60) {
                        app.session.idle_ms += i64::try_from(gap.as_millis()).unwrap_or(i64::MAX);
                    }
                    keymap::resolve(app.mode(), k)
                }
                Event::Paste(s) => Some(Action::Paste(s)),
                Event::Resize(_, h) => Some(Action::Resize { rows: list_rows(h) }),
                _ => None,
            };
            if let Some(a) = action {
                dispatch(app, rt, a);
            }
            if app.leaves() {
                return Ok(());
            }
        }
        // What the background lane has to say, beside the terminal's events.
        while let Some(a) = rt.lane.try_next() {
            quiet = false;
            dispatch(app, rt, a);
        }
        if stop.load(Ordering::Relaxed) && app.leaving != state::Leaving::Terminating {
            dispatch(app, rt, Action::Terminate);
        } else if quiet {
            dispatch(app, rt, Action::Tick);
        }
    }
}

/// The keying session's figures, for `rileva stats` (a session in which
/// nothing was typed is not one).
fn save_session(app: &App, rt: &mut Runtime, started_at: String) {
    let s = app.session_totals();
    let Some(operator) = app.operator.clone() else {
        return;
    };
    if s.keys == 0 {
        return;
    }
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let record = crate::store::SessionRecord {
        operator,
        layout: if s.transcribed {
            "transcription"
        } else {
            "screens"
        }
        .into(),
        started_at,
        ended_at: crate::timefmt::now_rfc3339(),
        idle_ms: s.idle_ms,
        responses: n(s.responses),
        fields: n(s.fields),
        keys: n(s.keys),
        bad_keys: n(s.bad_keys),
        corrections: n(s.corrections),
    };
    // The answers are saved already; figures that cannot be written are
    // only figures.
    let _ = rt.store.save_session(&record);
}

/// Bracketed paste on while the TUI runs, off again however it ends.
struct PasteGuard;

impl PasteGuard {
    fn enable() -> PasteGuard {
        let _ = execute!(std::io::stdout(), EnableBracketedPaste);
        PasteGuard
    }
}

impl Drop for PasteGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    }
}
