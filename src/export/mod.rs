//! Writers of finished (and draft) responses: pure functions of a `Filling` and
//! its stored row, plus atomic file writing (temp file, fsync, rename, fsync of
//! the directory), so that an export file is either whole or absent.
//!
//! The format is `rileva-response/1`; its JSON Schema is
//! `assets/schema/response.schema.json`.

pub mod xml;

use crate::engine::{Filling, Idx, Problem, Slot, Status};
use crate::expr::Value as ExprValue;
use crate::form::{Kind, NodeId};
use crate::store::ResponseRow;
use serde_json::{Map, Number, Value, json};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The value of `format` in every exported response.
pub const FORMAT: &str = "rileva-response/1";

/// One response as JSON (`rileva-response/1`).
///
/// `data` mirrors the form tree: groups are objects keyed by name, in form
/// order; a relevant question without an answer is `null`; non-relevant
/// questions and groups, and notes, are absent.
pub fn response_json(filling: &Filling, row: &ResponseRow) -> Value {
    let form = filling.form();
    let instance_name = filling
        .instance_name()
        .or_else(|| row.instance_name.clone());
    json!({
        "format": FORMAT,
        "form": {
            "id": form.id,
            "version": form.version,
            "title": form.title,
            "sha256": form.sha256,
        },
        "meta": {
            "instanceID": uuid_uri(&row.id),
            "deprecatedID": row.deprecated_id.as_deref().map(uuid_uri),
            "instanceName": instance_name,
            "timeStart": row.created_at,
            "timeEnd": row.completed_at,
            "operator": row.operator,
            "deviceID": row.device_id,
        },
        "status": row.status.as_str(),
        "language": row.language,
        "data": Value::Object(group(filling, &form.top, &Vec::new())),
    })
}

/// `uuid:` + id (OpenRosa's instanceID form), without doubling the prefix.
fn uuid_uri(id: &str) -> String {
    if id.starts_with("uuid:") {
        id.to_string()
    } else {
        format!("uuid:{id}")
    }
}

/// The children of a group (or of the root) in one instance context.
fn group(filling: &Filling, ids: &[NodeId], idx: &Idx) -> Map<String, Value> {
    let form = filling.form();
    let mut map = Map::new();
    for &id in ids {
        let node = form.node(id);
        let slot = Slot::new(id, idx.clone());
        match node.kind {
            Kind::Note => {}
            Kind::Repeat => {
                // An array of the relevant instances (possibly empty).
                let instances: Vec<Value> = (0..filling.instances(id, idx))
                    .map(|k| {
                        let mut inner = idx.clone();
                        inner.push(k);
                        inner
                    })
                    .filter(|inner| filling.is_relevant(&Slot::new(id, inner.clone())))
                    .map(|inner| Value::Object(group(filling, &node.children, &inner)))
                    .collect();
                if filling.repeat_applies(id, idx) || !instances.is_empty() {
                    map.insert(node.name.clone(), Value::Array(instances));
                }
            }
            _ if !filling.is_relevant(&slot) => {}
            Kind::Group => {
                map.insert(
                    node.name.clone(),
                    Value::Object(group(filling, &node.children, idx)),
                );
            }
            _ => {
                map.insert(node.name.clone(), value(filling, &slot));
            }
        }
    }
    map
}

/// The typed JSON value of one relevant question.
fn value(filling: &Filling, slot: &Slot) -> Value {
    let kind = filling.form().node(slot.node).kind;
    if kind == Kind::Calculate {
        let text = match filling.value(slot) {
            ExprValue::Str(s) => s,
            other => other.to_str(),
        };
        return if text.is_empty() {
            Value::Null
        } else {
            Value::String(text)
        };
    }
    let Some(answer) = filling.answer(slot) else {
        return Value::Null;
    };
    if let Status::Invalid(Problem::Type(_)) = filling.status(slot) {
        // Only possible in a draft: keep what was typed, so that nothing is lost.
        return Value::String(answer.to_string());
    }
    let raw = || Value::String(answer.to_string());
    match kind {
        Kind::Integer => answer
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| raw()),
        Kind::Decimal | Kind::Range => answer
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|f| {
                if f.fract() == 0.0 && kind == Kind::Range && f.abs() < 9e15 {
                    Some(Number::from(f as i64))
                } else {
                    Number::from_f64(f)
                }
            })
            .map(Value::Number)
            .unwrap_or_else(raw),
        Kind::SelectMultiple => Value::Array(
            answer
                .split_whitespace()
                .map(|s| Value::String(s.to_string()))
                .collect(),
        ),
        _ => raw(),
    }
}

/// Writes `bytes` to `dir/file_name` so that the file is never seen half
/// written: a temp file in the same directory (mode 0600), `sync_all`, rename
/// over the final name, then an fsync of the directory (unix). `dir` is created
/// (0700, with its parents) if missing. On error the temp file is removed and
/// an existing file of that name is left as it was.
pub fn write_atomic(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    if !is_plain_file_name(file_name) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("\"{file_name}\" is not a plain file name"),
        ));
    }
    if !dir.is_dir() {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let target = dir.join(file_name);
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    // A temp file of this name can only be left over by a dead process whose
    // pid was reused: it is ours to replace.
    let _ = fs::remove_file(&temp);
    let result = write_then_rename(&temp, &target, bytes);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_dir(dir)?;
    Ok(target)
}

fn write_then_rename(temp: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(temp)?;
    // The umask can only remove bits; make the mode exact whatever it is.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, target)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

#[cfg(test)]
mod tests;
