//! The responses of the 100,000-response benchmark: answers to the default
//! form with variation (branches, free text, dates, counts), mostly complete,
//! some exported, about 100 drafts. Created through `import` (read + Judge:
//! the answers are stored as the engine normalizes them) and
//! `Store::import_batch` in batches, then cached in the target directory.

use super::{BATCH, GENERATOR};
use crate::support::temp_dir;
use rileva::engine::{Clock, MetaInfo};
use rileva::form::{self, Form};
use rileva::import::{self, Context, Judge};
use rileva::store::{Counts, ImportedResponse, Status, Store, Summary};
use serde_json::{Map, Value};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tempfile::TempDir;

pub struct Data {
    pub n: usize,
    pub counts: Counts,
    pub db_bytes: u64,
    /// The cached data dir: copied, never opened.
    cached: PathBuf,
    /// A copy for the commands that only read (sqlite3, `list`).
    pub read_only: TempDir,
    /// `n` complete responses as plain NDJSON objects, and the first tenth.
    pub ndjson: PathBuf,
    pub ndjson_tenth: PathBuf,
}

impl Data {
    /// A copy of the data dir for one command that writes.
    pub fn fresh_copy(&self) -> TempDir {
        copy_of(&self.cached)
    }
}

fn copy_of(data_dir: &Path) -> TempDir {
    let dir = temp_dir();
    for entry in std::fs::read_dir(data_dir).expect("the cached data dir") {
        let entry = entry.expect("a directory entry");
        if entry.file_type().expect("a file type").is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name()))
                .expect("copy the data dir");
        }
    }
    dir
}

/// The data for `n` responses, generated unless cached by this version.
pub fn cached(n: usize) -> Data {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scale100k");
    let key = format!("n{n}-v{GENERATOR}");
    let dir = root.join(&key);
    let marker = dir.join("done");
    let counts = match read_marker(&marker) {
        Some(counts) => {
            println!("data: cached in {}", dir.display());
            counts
        }
        None => {
            // Older versions of the generator are of no more use.
            for old in std::fs::read_dir(&root).into_iter().flatten().flatten() {
                let name = old.file_name().to_string_lossy().into_owned();
                if !name.ends_with(&format!("-v{GENERATOR}")) || name == key {
                    let _ = std::fs::remove_dir_all(old.path());
                }
            }
            std::fs::create_dir_all(&dir).expect("the cache dir");
            let t = Instant::now();
            let counts = generate(&dir, n);
            let text = format!("{} {} {}", counts.draft, counts.complete, counts.exported);
            std::fs::write(&marker, text).expect("the cache marker");
            println!(
                "data: generated in {:.0} s into {}",
                t.elapsed().as_secs_f64(),
                dir.display()
            );
            counts
        }
    };
    let cached = dir.join("data");
    let db_bytes = std::fs::metadata(cached.join(rileva::store::DB_FILE)).map_or(0, |m| m.len());
    Data {
        n,
        counts,
        db_bytes,
        read_only: copy_of(&cached),
        cached,
        ndjson: dir.join(format!("rows-{n}.ndjson")),
        ndjson_tenth: dir.join(format!("rows-{}.ndjson", n / 10)),
    }
}

fn read_marker(path: &Path) -> Option<Counts> {
    let text = std::fs::read_to_string(path).ok()?;
    let n: Vec<i64> = text
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    match n[..] {
        [draft, complete, exported] => Some(Counts {
            draft,
            complete,
            exported,
        }),
        _ => None,
    }
}

const OPERATORS: &[&str] = &[
    "Anna Bianchi",
    "Marco Conti",
    "Giulia Ferrari",
    "Luca Romano",
    "Sara Greco",
    "Paolo Gallo",
];

/// About 100 drafts, spread over the responses.
fn is_draft(i: usize, n: usize) -> bool {
    let stride = (n / 100).max(2);
    i % stride == stride / 2
}

fn generate(dir: &Path, n: usize) -> Counts {
    let (bundle, form) = form::load_default().expect("the default form");
    let form = Arc::new(form);
    let data = dir.join("data");
    let mut store = Store::open(&data).expect("the store");
    store.set_operator("Bench").expect("the operator");
    let device_id = store.device_id().expect("a device id");
    let meta = MetaInfo {
        device_id: device_id.clone(),
        username: "Bench".into(),
        ..MetaInfo::default()
    };
    let context = Context {
        clock: Clock::System,
        meta,
        language: "it".into(),
    };
    let mut judge = Judge::new(form.clone(), context);
    let file = |name: String| BufWriter::new(std::fs::File::create(dir.join(name)).expect("file"));
    let mut all = file(format!("rows-{n}.ndjson"));
    let mut tenth = file(format!("rows-{}.ndjson", n / 10));
    let mut exported = Vec::new();
    let mut day = jiff::civil::date(2020, 6, 1);
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let mut batch = String::new();
        let mut ids = Vec::new();
        for i in start..end {
            let mut rng = fastrand::Rng::with_seed(0x5ca1e ^ i as u64);
            let id = uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes()).into_uuid();
            let answers = Answers::new(&form, &mut rng).response();
            let full = line(&id, &answers);
            writeln!(all, "{full}").expect("write rows");
            if i < n / 10 {
                writeln!(tenth, "{full}").expect("write rows");
            }
            if is_draft(i, n) {
                // What an interrupted interview leaves: the first answers.
                let keep = (3 + rng.usize(..12)).min(answers.len());
                batch.push_str(&line(&id, &answers[..keep]));
            } else {
                batch.push_str(&full);
            }
            batch.push('\n');
            ids.push(id.to_string());
        }
        let source = import::read(import::Format::Ndjson, batch.as_bytes(), &form)
            .expect("the generated NDJSON reads");
        let judged: Vec<_> = source.rows.iter().map(|r| judge.row(r)).collect();
        let summaries: Vec<Summary> = judged.iter().map(|j| j.summary.clone()).collect();
        let mut items = Vec::with_capacity(judged.len());
        for (k, (j, summary)) in judged.iter().zip(&summaries).enumerate() {
            let i = start + k;
            let draft = is_draft(i, n);
            assert!(
                draft || (j.is_valid() && j.warnings.is_empty()),
                "generator v{GENERATOR}: response {i} is not a clean complete one: {:?} {:?}",
                j.problems,
                j.warnings
            );
            if !draft && i % 5 < 2 {
                exported.push(ids[k].clone());
            }
            items.push(ImportedResponse {
                id: &ids[k],
                deprecated_id: None,
                status: if draft {
                    Status::Draft
                } else {
                    Status::Complete
                },
                operator: OPERATORS[i % OPERATORS.len()],
                device_id: &device_id,
                language: &j.language,
                summary,
                answers: &j.answers,
                source_key: &j.key,
                source: "scale100k",
                paper: None,
                keyer: None,
            });
        }
        let at = format!("{day}T10:00:00.000+02:00");
        // One transaction for the whole batch: no one else writes here.
        let done = store
            .import_batch(&bundle, &form, &items, &at, std::time::Duration::MAX)
            .expect("the batch is stored");
        assert_eq!(done.len(), items.len(), "every response of the batch");
        day = day.tomorrow().expect("a date");
        print!("\rdata: {end} of {n} responses");
        let _ = std::io::stdout().flush();
    }
    println!();
    all.flush().expect("write rows");
    tenth.flush().expect("write rows");
    let at = format!("{day}T18:00:00.000+02:00");
    store
        .mark_exported(&exported, &at)
        .expect("marked exported");
    let counts = store.counts().expect("the counts");
    drop(store);
    counts
}

/// One plain NDJSON object: the id, then the answers by data path.
fn line(id: &uuid::Uuid, answers: &[(String, String)]) -> String {
    let mut obj = Map::new();
    obj.insert(
        "meta/instanceID".into(),
        Value::String(format!("uuid:{id}")),
    );
    for (path, value) in answers {
        obj.insert(path.clone(), Value::String(value.clone()));
    }
    Value::Object(obj).to_string()
}

const FIRST: &[&str] = &[
    "Maria",
    "Giuseppe",
    "Anna",
    "Francesco",
    "Giulia",
    "Luca",
    "Chiara",
    "Marco",
    "Sara",
    "Alessandro",
    "Elena",
    "Paolo",
    "Francesca",
    "Davide",
    "Laura",
    "Stefano",
];
const LAST: &[&str] = &[
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
];
const SERVICES: &[&str] = &[
    "Spesa a domicilio",
    "Sportello telefonico di ascolto",
    "Consegna di farmaci",
    "Buoni spesa alimentari",
    "Assistenza domiciliare rafforzata",
    "Supporto psicologico a distanza",
    "Didattica a distanza assistita",
    "Pasti caldi a domicilio",
    "Accoglienza delle persone senza dimora",
    "Segretariato sociale online",
];
const HOW: &[&str] = &[
    "attivato con i volontari della protezione civile e delle associazioni",
    "coordinato dal servizio sociale professionale con il terzo settore",
    "con contatti settimanali per telefono e videochiamata",
    "organizzato per quartieri con un numero dedicato",
    "gestito insieme alla Caritas e alla Croce Rossa locali",
];
const WHO: &[&str] = &[
    "per le persone anziane sole",
    "per le famiglie con figli minori in difficoltà economica",
    "per le persone in quarantena senza rete familiare",
    "per le persone con disabilità e i loro familiari",
    "per i nuovi poveri colpiti dalla chiusura delle attività",
];
const REMARKS: &[&str] = &[
    "Il servizio ha raggiunto anche persone prima sconosciute.",
    "Buona collaborazione con le associazioni del territorio.",
    "Le richieste sono cresciute nelle prime settimane.",
    "Gli utenti hanno apprezzato la rapidità della risposta.",
];
const OTHER: &[&str] = &[
    "Altro intervento",
    "Supporto informatico",
    "Trasporto sociale",
];

/// One response's answers, in form order, by data path.
struct Answers<'a> {
    form: &'a Form,
    rng: &'a mut fastrand::Rng,
    out: Vec<(String, String)>,
}

impl<'a> Answers<'a> {
    fn new(form: &'a Form, rng: &'a mut fastrand::Rng) -> Answers<'a> {
        Answers {
            form,
            rng,
            out: Vec::new(),
        }
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        let node = self
            .form
            .by_name(name)
            .expect("a question of the default form");
        let path = self.form.node(node).path.clone();
        self.out.push((path, value.into()));
    }

    /// Not every list with an "altro" has a question for it.
    fn has(&self, name: &str) -> bool {
        self.form.by_name(name).is_some()
    }

    fn maybe(&mut self, percent: u8, name: &str, value: impl Into<String>) {
        if self.rng.u8(..100) < percent {
            self.set(name, value);
        }
    }

    fn names(&self, name: &str) -> Vec<&'a str> {
        let node = self
            .form
            .by_name(name)
            .expect("a question of the default form");
        let list = self.form.list_of(node).expect("a choice list");
        list.choices.iter().map(|c| c.name.as_str()).collect()
    }

    fn text(&mut self, from: &[&'static str]) -> &'static str {
        from[self.rng.usize(..from.len())]
    }

    /// One choice; `altro` also answers `<name>_altro`.
    fn one(&mut self, name: &str) -> &'a str {
        let names = self.names(name);
        let pick = names[self.rng.usize(..names.len())];
        self.set(name, pick);
        if pick == "altro" && self.has(&format!("{name}_altro")) {
            let t = self.text(OTHER);
            self.set(&format!("{name}_altro"), t);
        }
        pick
    }

    /// 1..=max choices; `alone` (none, no cost) only by itself.
    fn many(&mut self, name: &str, max: usize, alone: Option<&str>) -> Vec<&'a str> {
        let mut names = self.names(name);
        let picked = match alone {
            Some(a) if self.rng.u8(..100) < 15 => {
                vec![names.into_iter().find(|&n| n == a).expect("the choice")]
            }
            _ => {
                names.retain(|&n| Some(n) != alone);
                self.rng.shuffle(&mut names);
                names.truncate(1 + self.rng.usize(..max));
                names
            }
        };
        self.set(name, picked.join(" "));
        if picked.contains(&"altro") && self.has(&format!("{name}_altro")) {
            let t = self.text(OTHER);
            self.set(&format!("{name}_altro"), t);
        }
        picked
    }

    fn response(mut self) -> Vec<(String, String)> {
        // A: who answers. Mostly municipalities, some districts and regions.
        let kind = match self.rng.u8(..100) {
            0..70 => "comune",
            70..85 => "ambito",
            85..93 => "forma_assoc",
            93..98 => "regione",
            _ => "altro",
        };
        self.set("A01", kind);
        if kind == "altro" {
            self.set("A01_altro", "Unione dei comuni");
        }
        let node = self.form.by_name("A03b").expect("A03b");
        let list = self.form.list_of(node).expect("the municipalities");
        let col = |c: &str| list.columns.iter().position(|x| x == c).expect("a column");
        let (reg, uts, name, region, province) = (
            col("regione_codice"),
            col("uts_codice"),
            col("comune"),
            col("regione"),
            col("uts"),
        );
        let c = &list.choices[self.rng.usize(..list.choices.len())];
        let v = |i: usize| c.values[i].clone();
        self.set("A02", v(reg));
        let entity = match kind {
            "comune" => {
                self.set("A03", v(uts));
                self.set("A03b", c.name.clone());
                format!("Comune di {}", v(name))
            }
            "regione" => format!("Regione {}", v(region)),
            _ => {
                self.set("A03", v(uts));
                format!(
                    "Ambito territoriale {} di {}",
                    1 + self.rng.u8(..9),
                    v(province)
                )
            }
        };
        self.set("A04", entity.clone());
        if kind == "ambito" || kind == "forma_assoc" {
            self.maybe(
                50,
                "A05",
                format!("Comuni associati della provincia di {}", v(province)),
            );
        }
        let people = self.rng.u32(300..3_000_000);
        self.maybe(80, "A06", people.to_string());
        let (first, last) = (self.text(FIRST), self.text(LAST));
        self.set("A07", format!("{first} {last}"));
        self.one("A08");
        let slug: String = entity
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let email = format!(
            "{}.{}@{slug}.it",
            first.to_lowercase(),
            last.replace(' ', "").to_lowercase()
        );
        self.set("A09", email);
        let phone = format!(
            "+39 0{} {}",
            self.rng.u8(1..99),
            self.rng.u32(100_000..9_999_999)
        );
        self.maybe(40, "A10", phone);
        // B: the service.
        let service = self.text(SERVICES);
        self.set("B01", service);
        self.one("B02");
        let (how, who) = (self.text(HOW), self.text(WHO));
        self.set("B03", format!("{service}, {how}, {who}."));
        let begun = self.rng.i16(0..300);
        let date = |d: i16| {
            jiff::civil::date(2020, 2, 1)
                .checked_add(jiff::Span::new().days(d))
                .expect("a date")
        };
        self.set("B04", date(begun).to_string());
        if self.one("B05") == "concluso" {
            let ended = self.rng.i16(begun..=334); // until 2020-12-31
            self.set("B06", date(ended).to_string());
        }
        self.many("B07", 4, None);
        // C: who it reached.
        self.many("C01", 3, None);
        let yes_no = ["si", "no"][self.rng.usize(..2)];
        self.maybe(70, "C02", yes_no);
        let reached = self.rng.u32(10..5_000);
        self.maybe(80, "C03", reached.to_string());
        let minors = self.rng.u32(0..=reached);
        self.maybe(60, "C04", minors.to_string());
        // D: how.
        self.many("D01", 3, None);
        if self.one("D02") == "si" {
            self.many("D03", 3, None);
        }
        self.many("D04", 3, None);
        // E: staff and money.
        let staff = self.rng.u32(1..200);
        self.set("E01", staff.to_string());
        if self.rng.bool() && self.many("E02", 3, None).contains(&"volontari") {
            let volunteers = self.rng.u32(1..500);
            self.maybe(80, "E03", volunteers.to_string());
        }
        if !self
            .many("E04", 3, Some("nessun_costo"))
            .contains(&"nessun_costo")
        {
            let euros = self.rng.u32(0..2_000_000);
            self.maybe(70, "E05", euros.to_string());
        }
        if !self.many("E06", 3, Some("nessuno")).contains(&"nessuno") {
            self.maybe(50, "E07", "Protezione civile e associazioni di quartiere");
        }
        // F: how it went.
        self.one("F01");
        self.one("F02");
        self.maybe(30, "F03", "Nessuna criticità particolare da segnalare.");
        if self.rng.bool() {
            self.many("F04", 2, Some("nessuna"));
        }
        let remark = self.text(REMARKS);
        self.set("F05", remark);
        if ["si_invariato", "si_modificato", "non_deciso"].contains(&self.one("F06")) {
            self.set("F07", "Il servizio continuerà con le risorse ordinarie.");
        }
        if self.rng.bool() {
            self.one("F08");
        }
        // G: documents and consent.
        let url = format!("https://www.{slug}.it/servizi/{}", self.rng.u32(1..9999));
        self.maybe(30, "G01", url);
        if self.one("G02") == "si" && self.rng.bool() {
            self.one("G03");
        }
        self.one("G04");
        self.set("G05", "OK");
        self.out
    }
}
