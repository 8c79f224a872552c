//! A row through the engine, as the TUI would fill it: a new response with
//! its metadata and defaults, each value checked by its question's type,
//! list, constraint and relevance, repeat instances added as needed, then the
//! whole response judged for finalizing.

use super::{Item, Raw, Row};
use crate::engine::{
    Clock, EndStamp, Filling, MetaInfo, Problem, Slot, Status, Summary, canonical, type_text,
};
use crate::form::{Form, Kind, ListId};
use crate::lang::Lang;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

mod choices;

use choices::distinct;

/// What every row of one import shares.
#[derive(Debug, Clone)]
pub struct Context {
    pub clock: Clock,
    /// Fills the metadata questions (deviceid, username …).
    pub meta: MetaInfo,
    /// The response's language when the row does not give one (the screens'
    /// language, as the TUI stores it).
    pub language: String,
}

/// One remark on a row: about a field (by its data path, `household/age`,
/// with the column's header when it names it otherwise) or the whole row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub field: Option<String>,
    pub message: String,
}

/// A row judged.
#[derive(Debug, Clone)]
pub struct Judged {
    pub number: usize,
    /// The row's id when it is a UUID (`uuid:` prefix or not): the id of
    /// the response it becomes.
    pub id: Option<String>,
    /// The version it replaces (a UUID), for an edited response.
    pub deprecated_id: Option<String>,
    /// Keyed from paper: the number written on it.
    pub paper_id: Option<String>,
    /// Who keyed it elsewhere, when the file says.
    pub keyer: Option<String>,
    /// What identifies the row across imports: SHA-256 of the form's hash,
    /// the row's id as given, its answers in canonical form, and how many
    /// identical rows came before it in the file.
    pub key: String,
    /// What was refused: the row is valid when there is nothing here.
    pub problems: Vec<Note>,
    /// What is kept but worth knowing (answers to questions that do not apply).
    pub warnings: Vec<Note>,
    /// Every answer to store, by data path (with the `end` metadata set when
    /// the row is valid, as finalizing sets it).
    pub answers: Vec<(String, String)>,
    /// The response's summary (its name and progress) as the store keeps it.
    pub summary: Summary,
    /// The files its media questions name (looked for beside the data file).
    pub files: Vec<String>,
    pub language: String,
}

impl Judged {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Judges the rows of one import against one form.
pub struct Judge {
    form: Arc<Form>,
    ctx: Context,
    /// Per choice list, the trimmed labels (in every language) to choices.
    labels: HashMap<ListId, HashMap<String, Vec<usize>>>,
    /// How many rows with the same content came before, by content hash
    /// (raw bytes: the one thing an import keeps per row, so kept small).
    seen: HashMap<[u8; 32], usize>,
}

/// One value given by the row, as set.
struct Given {
    slot: Slot,
    column: Option<String>,
    value: String,
    /// Already refused (its type, its list): not judged again.
    refused: bool,
}

/// What applying a row collects.
#[derive(Default)]
struct Work {
    given: Vec<Given>,
    problems: Vec<Note>,
    set: HashSet<Slot>,
}

impl Judge {
    pub fn new(form: Arc<Form>, ctx: Context) -> Judge {
        Judge {
            form,
            ctx,
            labels: HashMap::new(),
            seen: HashMap::new(),
        }
    }

    pub fn form(&self) -> &Arc<Form> {
        &self.form
    }

    /// Judges the rows in file order (the order matters for the keys of
    /// identical rows).
    pub fn row(&mut self, row: &Row) -> Judged {
        let (mut filling, _) =
            Filling::start(self.form.clone(), self.ctx.clock.clone(), &self.ctx.meta);
        let language = row
            .language
            .clone()
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| self.ctx.language.clone());
        filling.set_language(&language);

        let mut work = Work::default();
        for p in &row.problems {
            work.problems.push(Note {
                field: None,
                message: p.clone(),
            });
        }
        self.apply(&mut filling, &row.items, &[], &mut work);
        // A row that could not be read at all (not JSON, another form's
        // response) is not judged further: its missing answers say nothing.
        let unreadable = row.items.is_empty() && !row.problems.is_empty();

        // Judge each given value in the response as a whole, as if it had
        // just been typed.
        let mut warnings = Vec::new();
        for g in work.given.iter().filter(|g| !g.refused && !unreadable) {
            let field = Some(self.field(&filling, &g.slot, g.column.as_deref()));
            if !filling.is_relevant(&g.slot) {
                warnings.push(Note {
                    field,
                    message: "the question does not apply to this response (relevant is false); \
                              the answer is kept"
                        .into(),
                });
                continue;
            }
            if let Err(p) = filling.check(&g.slot, &g.value) {
                work.problems.push(Note {
                    field,
                    message: self.problem(&filling, &g.slot, &g.value, &p),
                });
            }
        }
        // What is still missing or wrong besides the given values.
        let given: HashSet<&Slot> = work.given.iter().map(|g| &g.slot).collect();
        let issues = if unreadable {
            Vec::new()
        } else {
            filling.issues()
        };
        for slot in issues {
            if given.contains(&slot) {
                continue;
            }
            let path = self.path(&filling, &slot);
            match filling.status(&slot).clone() {
                Status::Missing => work.problems.push(Note {
                    field: None,
                    message: format!("required {path} is missing"),
                }),
                Status::Invalid(p) => {
                    let value = filling.answer(&slot).unwrap_or("").to_string();
                    work.problems.push(Note {
                        field: Some(path),
                        message: format!(
                            "{} (a value the form set)",
                            self.problem(&filling, &slot, &value, &p)
                        ),
                    });
                }
                _ => {}
            }
        }
        if work.problems.is_empty() && !filling.can_finalize() {
            work.problems.push(Note {
                field: None,
                message: "the response cannot be finalized".into(),
            });
        }

        let key = self.key(row, &filling, &work);
        if work.problems.is_empty() {
            filling.stamp_end(EndStamp::UnlessGiven);
        }
        // An id that is not a UUID still tells rows apart, through the key.
        let id = row.id.as_deref().and_then(|id| uuid_of(id).ok());
        Judged {
            number: row.number,
            id,
            deprecated_id: row.deprecated_id.as_deref().and_then(|d| uuid_of(d).ok()),
            paper_id: row
                .paper_id
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            keyer: row.keyer.clone().filter(|k| !k.trim().is_empty()),
            key,
            problems: work.problems,
            warnings,
            answers: filling.stored_answers(),
            files: filling.attachments(),
            summary: filling.summary(None),
            language,
        }
    }

    /// Sets the items of one instance context, in form order (so that a
    /// choice filter or a `repeat_count` sees the answers it depends on).
    fn apply(&mut self, f: &mut Filling, items: &[Item], idx: &[u32], work: &mut Work) {
        let mut ordered: Vec<&Item> = items.iter().collect();
        ordered.sort_by_key(|item| match item {
            Item::Value { node, .. } | Item::Repeat { node, .. } => (*node, Vec::new()),
            Item::At { slot, .. } => (slot.node, slot.idx.clone()),
        });
        for item in ordered {
            match item {
                Item::Value {
                    node,
                    column,
                    value,
                } => {
                    let slot = Slot::new(*node, idx.to_vec());
                    self.set(f, slot, column.as_deref(), value, work);
                }
                Item::At {
                    slot,
                    column,
                    value,
                } => {
                    let repeats = self.form.node(slot.node).repeats.clone();
                    let made = repeats.iter().enumerate().all(|(depth, &repeat)| {
                        let parent = &slot.idx[..depth];
                        while f.instances(repeat, parent) <= slot.idx[depth] {
                            if f.add_instance(repeat, parent).is_none() {
                                return false;
                            }
                        }
                        true
                    });
                    if made {
                        self.set(f, slot.clone(), column.as_deref(), value, work);
                    } else {
                        too_many(work, column.as_deref());
                    }
                }
                Item::Repeat { node, instances } => {
                    'instances: for (k, inner_items) in instances.iter().enumerate() {
                        let k = k as u32;
                        while f.instances(*node, idx) <= k {
                            if f.add_instance(*node, idx).is_none() {
                                too_many(work, Some(self.form.node(*node).name.as_str()));
                                break 'instances;
                            }
                        }
                        let mut inner = idx.to_vec();
                        inner.push(k);
                        self.apply(f, inner_items, &inner, work);
                    }
                }
            }
        }
    }

    /// Sets one value: the text the operator would have typed or picked,
    /// stored canonical; a value that is not of the question's type (or not a
    /// choice) is refused, and kept as given (a draft keeps it to fix).
    fn set(
        &mut self,
        f: &mut Filling,
        slot: Slot,
        column: Option<&str>,
        raw: &Raw,
        work: &mut Work,
    ) {
        if !work.set.insert(slot.clone()) {
            let field = self.field(f, &slot, column);
            work.problems.push(Note {
                field: Some(field),
                message: "given twice: the first value is kept".into(),
            });
            return;
        }
        let kind = self.form.node(slot.node).kind;
        let text = match self.input(f, &slot, raw) {
            Ok(None) => {
                f.set_answer(&slot, None);
                return;
            }
            Ok(Some(text)) => text,
            Err(message) => {
                let field = self.field(f, &slot, column);
                work.problems.push(Note {
                    field: Some(field),
                    message,
                });
                let kept = as_given(raw);
                f.set_answer(&slot, Some(kept.clone()));
                work.given.push(Given {
                    slot,
                    column: column.map(str::to_string),
                    value: kept,
                    refused: true,
                });
                return;
            }
        };
        // Stored as the interface stores what is typed: canonical, or as
        // given when it is not a value of the question's type.
        let Some(value) = f.to_store(&slot, &text) else {
            f.set_answer(&slot, None);
            return;
        };
        f.set_answer(&slot, Some(value.clone()));
        let refused = match canonical(kind, &value) {
            Ok(_) => false,
            Err(e) => {
                let field = self.field(f, &slot, column);
                work.problems.push(Note {
                    field: Some(field),
                    message: format!("{}: {}", quoted(&value), type_text(&e, Lang::En)),
                });
                true
            }
        };
        work.given.push(Given {
            slot,
            column: column.map(str::to_string),
            value,
            refused,
        });
    }

    /// The text to check for a value (`None`: no answer), or why it cannot
    /// be one: choices by name or by label, lists only for select_multiple,
    /// acknowledgements as OK.
    fn input(&mut self, f: &Filling, slot: &Slot, raw: &Raw) -> Result<Option<String>, String> {
        let kind = self.form.node(slot.node).kind;
        let list: Vec<String> = match raw {
            Raw::Empty => return Ok(None),
            Raw::Text(t) if t.trim().is_empty() => return Ok(None),
            Raw::Text(t) => vec![t.clone()],
            Raw::List(items) => {
                let items: Vec<String> = items
                    .iter()
                    .filter(|s| !s.trim().is_empty())
                    .cloned()
                    .collect();
                if items.is_empty() {
                    return Ok(None);
                }
                if !kind.is_multi() && items.len() > 1 {
                    return Err(format!(
                        "a list of {} values is only for select_multiple and rank questions",
                        items.len()
                    ));
                }
                if kind == Kind::Rank {
                    return self
                        .ranked(f, slot, items.iter().map(|i| i.trim()))
                        .map(Some);
                }
                if kind == Kind::SelectMultiple {
                    let mut names = Vec::with_capacity(items.len());
                    for item in &items {
                        names.push(self.choice(f, slot, item.trim())?);
                    }
                    return Ok(Some(distinct(names)));
                }
                items
            }
        };
        let text = list[0].as_str();
        match kind {
            Kind::SelectOne => self.choice(f, slot, text.trim()).map(Some),
            Kind::SelectMultiple => self.choices(f, slot, text.trim()).map(Some),
            Kind::Rank => self.ranked(f, slot, text.split_whitespace()).map(Some),
            Kind::Acknowledge => acknowledge(text),
            _ => Ok(Some(text.to_string())),
        }
    }

    /// The row's key (see `Judged::key`).
    fn key(&mut self, row: &Row, f: &Filling, work: &Work) -> String {
        let answers: BTreeMap<String, &str> = work
            .given
            .iter()
            .map(|g| (f.slot_path(&g.slot), g.value.as_str()))
            .collect();
        let content = serde_json::json!({
            "form": self.form.sha256,
            "id": row.id,
            "answers": answers,
        });
        let digest: [u8; 32] = Sha256::digest(content.to_string().as_bytes()).into();
        let n = self.seen.entry(digest).or_insert(0);
        *n += 1;
        hex(&Sha256::digest(format!("{}#{n}", hex(&digest)).as_bytes()))
    }

    /// `household/person[2]/age`.
    fn path(&self, f: &Filling, slot: &Slot) -> String {
        f.slot_path(slot).trim_start_matches('/').to_string()
    }

    /// The path, with the column's header when it names the field otherwise.
    fn field(&self, f: &Filling, slot: &Slot, column: Option<&str>) -> String {
        let path = self.path(f, slot);
        match column {
            Some(c) if c != path => format!("{path} (column \"{c}\")"),
            _ => path,
        }
    }

    /// Why the engine refuses a value, in words (the screens' words, in
    /// English, after the value).
    fn problem(&self, f: &Filling, slot: &Slot, value: &str, p: &Problem) -> String {
        match p {
            Problem::Required => f.problem_report(slot.node, p, Lang::En),
            _ => format!(
                "{}: {}",
                quoted(value),
                f.problem_report(slot.node, p, Lang::En)
            ),
        }
    }
}

/// `Ok(id)` for a UUID (with or without `uuid:`), in its usual lower-case
/// hyphenated form; `Err(as given)` otherwise.
fn uuid_of(id: &str) -> Result<String, String> {
    let t = id.trim();
    let bare = t.strip_prefix("uuid:").unwrap_or(t);
    uuid::Uuid::parse_str(bare)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| t.to_string())
}

fn acknowledge(text: &str) -> Result<Option<String>, String> {
    match text.trim().to_lowercase().as_str() {
        "ok" | "yes" | "y" | "true" | "1" | "x" | "si" | "sì" => Ok(Some("OK".into())),
        "" | "no" | "n" | "false" | "0" => Ok(None),
        _ => Err(format!(
            "{} is not an acknowledgement (OK, or empty)",
            quoted(text)
        )),
    }
}

/// What the file gave, as text (a refused value kept in a draft).
fn as_given(raw: &Raw) -> String {
    match raw {
        Raw::Empty => String::new(),
        Raw::Text(t) => t.trim().to_string(),
        Raw::List(items) => items.join(" "),
    }
}

/// A value in quotes, cut after 60 characters.
fn quoted(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 60 {
        format!("\"{s}\"")
    } else {
        let cut: String = s.chars().take(59).collect();
        format!("\"{cut}…\"")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A repeat asked for more instances than rileva makes: the rest is not read.
fn too_many(work: &mut Work, column: Option<&str>) {
    work.problems.push(Note {
        field: column.map(str::to_string),
        message: format!(
            "more than {} instances of a repeat: the rest is not read",
            crate::engine::MAX_INSTANCES
        ),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_recognized_with_or_without_the_prefix() {
        let id = "6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B";
        let want = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
        assert_eq!(uuid_of(id).as_deref(), Ok(want));
        assert_eq!(uuid_of(&format!("uuid:{want}")).as_deref(), Ok(want));
        assert_eq!(
            uuid_of(" 6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b ").as_deref(),
            Ok(want)
        );
        assert_eq!(uuid_of("Q-17"), Err("Q-17".to_string()));
    }

    #[test]
    fn acknowledgements() {
        assert_eq!(acknowledge(" ok "), Ok(Some("OK".into())));
        assert_eq!(acknowledge("Sì"), Ok(Some("OK".into())));
        assert_eq!(acknowledge("no"), Ok(None));
        assert!(acknowledge("maybe").is_err());
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(quoted(" abc "), "\"abc\"");
        let long = "x".repeat(100);
        assert_eq!(quoted(&long).chars().count(), 62);
    }
}
