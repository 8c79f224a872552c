//! The budgets of issue 2, measured and printed, never asserted (a benchmark,
//! not a test): `cargo bench --bench budgets` (release profile).

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use rileva::form;
use rileva::store::{Store, Summary};
use rileva::tui::screens::question::{self, Field, Input};
use rileva::tui::state::Fill;
use rileva::tui::view;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

mod support;

use support::*;

fn main() {
    header();
    keystrokes();
    commits();
    startup();
    municipalities();
}

/// Budget 1 (A03b with Torino's municipalities is also the real case of 4).
fn keystrokes() {
    println!("\n1. one keystroke: keymap::resolve + dispatch + view::render into TestBackend");
    for (w, h) in [(80, 24), (200, 60)] {
        let mut ui = Ui::new(w, h);
        ui.keys("Mario Rossi\nn2\n"); // operator, new response, A01 = comune
        ui.expect("A02");
        let s = ui.measure(&[key(KeyCode::Down), key(KeyCode::Up)], 2000);
        report(&format!("A02 choice list Up/Down {w}x{h}"), 1.0, s);
        ui.keys("1\n6\n"); // Piemonte, Torino
        ui.expect("A03b");
        let cycle: Vec<KeyEvent> = "aglie"
            .chars()
            .map(ch)
            .chain([key(KeyCode::Backspace); 5])
            .collect();
        let s = ui.measure(&cycle, 2000);
        let name = format!("A03b filter, Torino's 312, type/erase {w}x{h}");
        report(&name, 1.0, s);
        ui.keys("aglie\n");
        ui.expect("A04");
        let s = ui.measure(&[ch('x'), key(KeyCode::Backspace)], 2000);
        report(&format!("A04 text, a character/Backspace {w}x{h}"), 1.0, s);
    }
}

/// Budget 2: `Store::save_answer` alone, then the whole Enter.
fn commits() {
    println!(
        "\n2. one answer's commit (WAL, synchronous=FULL), data dir on {}",
        filesystem(&scratch())
    );
    let mut ui = Ui::new(80, 24);
    ui.keys("Mario Rossi\nn2\n1\n6\naglie\nComune di Agliè");
    ui.expect("A04");
    let id = ui.fill().row.id.clone();
    let (summary, at) = (Summary::default(), "2020-06-15T10:00:00.000+02:00");
    let store = &mut ui.rt.store;
    let mut samples = Vec::new();
    for i in 0..420 {
        let value = Some(["Comune di Agliè", "Comune"][i % 2]);
        let t = Instant::now();
        let saved = store.save_answer(&id, "/sez_A/A04", value, "Bench", &summary, at);
        let t = t.elapsed();
        saved.expect("save");
        if i >= 20 {
            samples.push(t);
        }
    }
    report("Store::save_answer on a file", 2.0, samples);

    // Check + save effect + recompute + the next question + the frame.
    let mut samples = Vec::new();
    for i in 0..220 {
        // A changed answer each time, so that every Enter commits.
        ui.keys(&format!("{BACKSPACE}{}", ['x', 'y'][i % 2]));
        let t = ui.press(key(KeyCode::Enter));
        ui.keys(&BACKTAB.to_string());
        ui.expect("A04");
        if i >= 20 {
            samples.push(t);
        }
    }
    let stored = ui.rt.store.answers(&id).expect("answers");
    let last = ("/sez_A/A04".to_string(), "Comune di Agliy".to_string());
    assert!(stored.contains(&last), "every Enter commits: {stored:?}");
    report("Enter on A04: check, save, recompute, render", 2.0, samples);
}

// ---------------------------------------------------------------------------
// Budget 3: start to first frame

/// A fresh data directory with the operator already known.
fn ready_dir() -> TempDir {
    let dir = temp_dir();
    let store = Store::open(dir.path()).expect("store");
    store.set_operator("Bench").expect("operator");
    dir
}

/// Spawn to "Bozze" on the start screen, in an 80×24 PTY; then Ctrl+C.
fn first_frame(bin: &Path) -> Result<Duration, String> {
    let dir = ready_dir();
    let size = PtySize::default(); // 80x24
    let pty = native_pty_system()
        .openpty(size)
        .map_err(|e| e.to_string())?;
    let mut cmd = CommandBuilder::new(bin);
    cmd.args([Path::new("--data-dir"), dir.path()]);
    cmd.cwd(dir.path());
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("NO_COLOR");
    cmd.env_remove("RILEVA_DATA_DIR");
    let mut reader = pty.master.try_clone_reader().map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let start = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
    drop(pty.slave);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            if tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let nz = |n| std::num::NonZeroU16::new(n).expect("not zero");
    let mut parser = vt100::Parser::new(nz(24), nz(80), 0);
    let deadline = start + Duration::from_secs(5);
    let result = loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(bytes) => {
                parser.process(&bytes);
                if parser.screen().contents().contains("Bozze") {
                    break Ok(start.elapsed());
                }
            }
            Err(_) => break Err(format!("no \"Bozze\" in 5 s: {:?}", parser.screen())),
        }
    };
    if let Ok(mut w) = pty.master.take_writer() {
        let _ = w.write_all(b"\x03").and_then(|()| w.flush());
    }
    let until = Instant::now() + Duration::from_secs(3);
    while matches!(child.try_wait(), Ok(None)) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    if matches!(child.try_wait(), Ok(None)) {
        let _ = child.kill();
        let _ = child.wait();
    }
    result
}

fn startup() {
    println!("\n3. start to first frame");
    let built = PathBuf::from(env!("CARGO_BIN_EXE_rileva"));
    let fallback = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/rileva");
    match [built, fallback].into_iter().find(|p| p.is_file()) {
        None => println!(
            "  the release binary is missing ({}): run `cargo build --release`",
            env!("CARGO_BIN_EXE_rileva")
        ),
        Some(bin) => {
            let mut samples = Vec::new();
            for i in 0..22 {
                match first_frame(&bin) {
                    Ok(t) if i >= 2 => samples.push(t), // two warm-ups
                    Ok(_) => {}
                    Err(e) => {
                        println!("  PTY start failed: {e}");
                        break;
                    }
                }
            }
            let name = format!("{} in a PTY, spawn to \"Bozze\"", bin.display());
            report(&name, 150.0, samples);
        }
    }
    // In process: what runs before the terminal is taken, then one frame.
    let (mut load, mut total) = (Vec::new(), Vec::new());
    for i in 0..22 {
        let dir = ready_dir();
        let t = Instant::now();
        let form = form::load_default().expect("default form");
        let loaded = t.elapsed();
        let (app, _rt) = start(dir.path(), form);
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        term.draw(|f| view::render(&app, f)).expect("draw");
        if i >= 2 {
            load.push(loaded);
            total.push(t.elapsed());
        }
    }
    report("in process: form::load_default", 150.0, load);
    report(
        "in process: load_default, Store::open, setup, frame",
        150.0,
        total,
    );
}

// ---------------------------------------------------------------------------
// Budget 4: the 7,896 municipalities

fn municipalities() {
    println!("\n4. one keystroke of filtering the municipalities (typing a, g, l, i, e)");
    for (w, h) in [(80, 24), (200, 60)] {
        let mut ui = Ui::new(w, h);
        ui.keys("Mario Rossi\nn2\n1\n6\n");
        ui.expect("A03b");
        let real = filter_runs(&mut ui, 100);
        report(&format!("(a) Torino's 312, TUI path {w}x{h}"), 5.0, real);
        // The worst case: no choice filter, every municipality in the list.
        let f = ui.fill();
        let slot = f.current_slot();
        let mut q = Field::new(&f.filling, slot.clone());
        let count = f
            .filling
            .form()
            .list_of(slot.node)
            .expect("list")
            .choices
            .len();
        if let Input::Choices(c) = &mut q.input {
            c.items = (0..count).collect();
            c.shown = c.items.clone();
        }
        f.page.fields[0] = q;
        if w == 80 {
            ui.keys("a");
            if let Input::Choices(c) = &ui.fill().page.fields[0].input {
                println!("  (\"a\" leaves {} of {count} shown)", c.shown.len());
            }
            ui.keys(&BACKSPACE.to_string());
        }
        let all = filter_runs(&mut ui, 100);
        report(&format!("(b) all {count}, TUI path {w}x{h}"), 5.0, all);
        if w == 80 {
            let name = format!("(b) all {count}, Choices::refilter alone");
            report(&name, 5.0, refilter_alone(ui.fill()));
        }
    }
}

/// Types "aglie" one key at a time (each timed), then erases it (not timed).
fn filter_runs(ui: &mut Ui, runs: usize) -> Vec<Duration> {
    let mut samples = Vec::new();
    for run in 0..runs + 5 {
        let times: Vec<Duration> = "aglie".chars().map(|c| ui.press(ch(c))).collect();
        if run >= 5 {
            samples.extend(times);
        }
        ui.keys(&BACKSPACE.to_string().repeat(5));
    }
    samples
}

fn refilter_alone(f: &mut Fill) -> Vec<Duration> {
    let node = f.current_slot().node;
    let Input::Choices(c) = &mut f.page.fields[0].input else {
        panic!("A03b is a choice list")
    };
    let mut samples = Vec::new();
    for run in 0..105 {
        for ev in "aglie".chars().map(ch).chain([key(KeyCode::Backspace); 5]) {
            let t = Instant::now();
            question::edit(c.filter.as_mut().expect("a filter"), ev, false);
            c.refilter(&f.filling, node);
            if run >= 5 && ev.code != KeyCode::Backspace {
                samples.push(t.elapsed());
            }
        }
    }
    samples
}
