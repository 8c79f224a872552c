//! Drives the interface without a terminal: key scripts through the keymap and
//! update, effects against a real store in a temp dir, screens rendered on
//! ratatui's TestBackend.
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rileva::engine::Clock;
use rileva::form::FormBundle;
use rileva::store::Store;
use rileva::tui::action::Action;
use rileva::tui::effect::Runtime;
use rileva::tui::state::{App, Screen};
use rileva::tui::{Lang, dispatch, keymap, setup, view};
use std::sync::Arc;
use tempfile::TempDir;

pub struct Harness {
    pub app: App,
    pub rt: Runtime,
    pub dir: TempDir,
}

pub fn clock() -> Clock {
    Clock::Fixed(
        "2020-06-15T10:00:00+02:00[Europe/Rome]"
            .parse()
            .expect("valid time"),
    )
}

impl Harness {
    /// A fresh data directory: the first screen asks for the operator.
    pub fn new() -> Harness {
        Harness::with_bundle(FormBundle::embedded_default())
    }

    pub fn with_bundle(bundle: FormBundle) -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        Harness::in_dir(dir, bundle)
    }

    pub fn in_dir(dir: TempDir, bundle: FormBundle) -> Harness {
        let store = Store::open(dir.path()).expect("store opens");
        let form = Arc::new(rileva::form::compile(&bundle).expect("form compiles"));
        let (mut app, mut rt, first) =
            setup(store, bundle, form, Lang::It, clock(), true).expect("setup");
        for effect in first {
            let a = rt.execute(effect);
            dispatch(&mut app, &mut rt, a);
        }
        Harness { app, rt, dir }
    }

    /// Reopens the same data directory, as after a restart.
    pub fn restart(self) -> Harness {
        let Harness { dir, rt, .. } = self;
        let bundle = rt.bundle.clone();
        drop(rt);
        Harness::in_dir(dir, bundle)
    }

    pub fn keys(&mut self, script: &str) {
        for key in parse_keys(script) {
            if let Some(action) = keymap::resolve(self.app.mode(), key) {
                dispatch(&mut self.app, &mut self.rt, action);
            }
        }
    }

    pub fn action(&mut self, action: Action) {
        dispatch(&mut self.app, &mut self.rt, action);
    }

    /// Takes what the background lane says, as the event loop would, until
    /// its job is done; returns how many actions came.
    pub fn finish_lane(&mut self) -> usize {
        let mut n = 0;
        while self.rt.lane.busy() {
            let a = self
                .rt
                .lane
                .next_within(std::time::Duration::from_secs(30))
                .expect("the lane answers");
            dispatch(&mut self.app, &mut self.rt, a);
            n += 1;
        }
        n
    }

    pub fn screen(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal.draw(|f| view::render(&self.app, f)).expect("draw");
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..height {
            let mut line = String::new();
            for x in 0..width {
                line.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    pub fn fill(&self) -> &rileva::tui::state::Fill {
        match &self.app.screen {
            Screen::Fill(f) => f,
            _ => panic!(
                "not on a response; screen is {:?}",
                std::mem::discriminant(&self.app.screen)
            ),
        }
    }

    /// Name of the question on screen.
    pub fn current(&self) -> String {
        let f = self.fill();
        f.filling.form().node(f.current_slot().node).name.clone()
    }

    pub fn response_id(&self) -> String {
        self.fill().row.id.clone()
    }

    /// What the store holds for a response, by data path.
    pub fn stored(&self, id: &str) -> Vec<(String, String)> {
        self.rt.store.answers(id).expect("answers")
    }

    /// The data path of a question of the default form.
    /// Jumps to a question (outside repeats) through the outline (F3).
    pub fn goto(&mut self, name: &str) {
        use rileva::tui::screens::lists::OutlineTarget;
        use rileva::tui::state::View;
        let node = self
            .fill()
            .filling
            .form()
            .by_name(name)
            .expect("known name");
        let target = OutlineTarget::Slot(rileva::engine::Slot::root(node));
        self.keys("<F3><Home>");
        for _ in 0..10_000 {
            if let View::Outline(o) = &self.fill().view
                && o.target(&self.fill().filling) == Some(target.clone())
            {
                self.keys("<Enter>");
                assert_eq!(self.current(), name);
                return;
            }
            self.keys("<Down>");
        }
        panic!("{name} not found in the outline");
    }

    /// The focused field of the page on screen.
    pub fn field(&self) -> &rileva::tui::screens::question::Field {
        self.fill().page.field().expect("a field on screen")
    }

    /// What the focused field holds on screen.
    pub fn value(&self) -> String {
        self.field().value(&self.fill().filling)
    }

    pub fn path(&self, name: &str) -> String {
        let f = self.fill();
        let form = f.filling.form();
        form.node(form.by_name(name).expect("known name"))
            .path
            .clone()
    }
}

/// `"2<Enter>Roma<Enter>"` -> key events. Named keys in angle brackets:
/// Enter Esc Tab S-Tab Up Down Left Right Home End PgUp PgDn BS Del Space
/// F1..F12, C-x (Ctrl), A-Enter (Alt). `<<` is a literal `<`.
pub fn parse_keys(script: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '<' {
            out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            continue;
        }
        if chars.peek() == Some(&'<') {
            chars.next();
            out.push(KeyEvent::new(KeyCode::Char('<'), KeyModifiers::NONE));
            continue;
        }
        let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
        let (mods, base) = if let Some(rest) = name.strip_prefix("C-") {
            (KeyModifiers::CONTROL, rest)
        } else if let Some(rest) = name.strip_prefix("A-") {
            (KeyModifiers::ALT, rest)
        } else if let Some(rest) = name.strip_prefix("S-") {
            (KeyModifiers::SHIFT, rest)
        } else {
            (KeyModifiers::NONE, name.as_str())
        };
        let code = match base {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" if mods == KeyModifiers::SHIFT => KeyCode::BackTab,
            "Tab" => KeyCode::Tab,
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "PgUp" => KeyCode::PageUp,
            "PgDn" => KeyCode::PageDown,
            "BS" => KeyCode::Backspace,
            "Del" => KeyCode::Delete,
            "Space" => KeyCode::Char(' '),
            f if f.starts_with('F') => KeyCode::F(f[1..].parse().expect("F key number")),
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            other => panic!("unknown key <{other}>"),
        };
        out.push(KeyEvent::new(code, mods));
    }
    out
}

/// A screen with its clock times and dates masked, for snapshots.
pub fn masked(screen: String) -> String {
    let time = regex::Regex::new(r"\d\d:\d\d:\d\d").expect("regex");
    let date = regex::Regex::new(r"\d\d/\d\d/\d{4} \d\d:\d\d").expect("regex");
    let screen = time.replace_all(&screen, "HH:MM:SS");
    date.replace_all(&screen, "DD/MM/YYYY HH:MM").into_owned()
}
