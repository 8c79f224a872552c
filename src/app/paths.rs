//! The path of a file typed by an operator (a media question's answer):
//! read as a shell would (`~/`, relative to where rileva was started, the
//! quotes a terminal adds to a file dropped on it), and completed with Tab.

use std::path::{Path, PathBuf};

/// How many names a completion lists at most.
pub const MAX_CANDIDATES: usize = 200;

/// A typed path made whole: quotes and `file://` taken off, `~/` the home
/// folder, a relative path under `cwd`.
pub fn resolve(typed: &str, cwd: &Path, home: Option<&Path>) -> PathBuf {
    let t = unquote(typed.trim());
    let t = t.strip_prefix("file://").unwrap_or(t);
    let expanded = match (t.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ if t == "~" => home.map_or_else(|| PathBuf::from(t), Path::to_path_buf),
        _ => PathBuf::from(t),
    };
    if expanded.is_absolute() {
        expanded
    } else {
        cwd.join(expanded)
    }
}

fn unquote(s: &str) -> &str {
    for q in ['\'', '"'] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// What Tab makes of a typed path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    /// The text, completed as far as it can be without a choice.
    pub text: String,
    /// When the rest is a choice: the names it could go on with (folders
    /// end with `/`), sorted, at most `MAX_CANDIDATES`.
    pub candidates: Vec<String>,
}

/// Completes the last part of `typed` with the names in its folder; hidden
/// files only when the part typed starts with a dot.
pub fn complete(typed: &str, cwd: &Path, home: Option<&Path>) -> Completion {
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        cwd.to_path_buf()
    } else {
        resolve(dir_part, cwd, home)
    };
    let unchanged = Completion {
        text: typed.to_string(),
        candidates: Vec::new(),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return unchanged;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some(if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    match names.as_slice() {
        [] => unchanged,
        [one] => Completion {
            text: format!("{dir_part}{one}"),
            candidates: Vec::new(),
        },
        many => {
            let common = common_prefix(many);
            names.truncate(MAX_CANDIDATES);
            Completion {
                text: format!("{dir_part}{common}"),
                candidates: names,
            }
        }
    }
}

/// The longest start all the names share (whole characters).
fn common_prefix(names: &[String]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    let mut end = first.len();
    for n in &names[1..] {
        end = first
            .char_indices()
            .zip(n.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(n.len()), |((i, _), _)| i.min(end));
    }
    first.get(..end).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_are_read_as_a_shell_reads_them() {
        let cwd = Path::new("/ufficio");
        let home = Some(Path::new("/home/anna"));
        assert_eq!(resolve("a.jpg", cwd, home), PathBuf::from("/ufficio/a.jpg"));
        assert_eq!(
            resolve(" '~/scans/p 1.jpg' ", cwd, home),
            PathBuf::from("/home/anna/scans/p 1.jpg")
        );
        assert_eq!(
            resolve("file:///tmp/x.png", cwd, home),
            PathBuf::from("/tmp/x.png")
        );
    }

    #[test]
    fn tab_completes_as_far_as_the_names_agree() {
        let dir = tempfile::tempdir().expect("temp dir");
        for f in ["pagina-1.jpg", "pagina-2.jpg", "nota.txt", ".nascosto"] {
            std::fs::write(dir.path().join(f), b"x").expect("written");
        }
        std::fs::create_dir(dir.path().join("scansioni")).expect("dir");
        let cwd = dir.path();
        let c = complete("pa", cwd, None);
        assert_eq!(c.text, "pagina-");
        assert_eq!(c.candidates, vec!["pagina-1.jpg", "pagina-2.jpg"]);
        assert_eq!(complete("no", cwd, None).text, "nota.txt");
        assert_eq!(complete("sc", cwd, None).text, "scansioni/");
        assert!(
            complete("", cwd, None)
                .candidates
                .iter()
                .all(|n| !n.starts_with('.'))
        );
        assert_eq!(complete(".n", cwd, None).text, ".nascosto");
        let abs = format!("{}/pagina-1", cwd.display());
        assert_eq!(complete(&abs, cwd, None).text, format!("{abs}.jpg"));
        assert_eq!(complete("zzz", cwd, None).text, "zzz");
    }

    proptest! {
        /// Whatever is typed: a completion that starts with it, never a panic.
        #[test]
        fn completion_never_panics(typed in ".{0,40}") {
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::write(dir.path().join("é-x"), b"x").expect("written");
            std::fs::write(dir.path().join("é-y"), b"x").expect("written");
            let c = complete(&typed, dir.path(), None);
            prop_assert!(c.text.starts_with(&typed));
            let _ = resolve(&typed, dir.path(), None);
        }
    }
}
