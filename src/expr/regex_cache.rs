//! Compiling `regex()` patterns: whole-string matches (JavaRosa uses Java's
//! `Pattern.matches`), bounded in size, and cached when built at run time.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use regex::{Regex, RegexBuilder};

/// Bound on the compiled size of one pattern, so that a pathological pattern
/// (`(a{1000}){1000}`) fails to compile instead of eating memory.
const SIZE_LIMIT: usize = 4 << 20;
/// Run-time patterns kept compiled; the cache is emptied when it fills up.
const CACHE_CAPACITY: usize = 256;

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
}

/// A short, human-readable reason for a compile error.
fn describe(err: &regex::Error) -> String {
    match err {
        regex::Error::Syntax(text) => text
            .lines()
            .find_map(|l| l.strip_prefix("error: "))
            .unwrap_or("invalid syntax")
            .to_string(),
        regex::Error::CompiledTooBig(_) => "the pattern is too large".to_string(),
        _ => "invalid pattern".to_string(),
    }
}

/// Compiles `pattern` so that it matches whole strings only. The error is a
/// message naming the pattern.
pub(crate) fn compile(pattern: &str) -> Result<Regex, String> {
    let invalid =
        |e: regex::Error| format!("invalid regular expression '{pattern}': {}", describe(&e));
    // Check the pattern on its own first: wrapping it could make a broken
    // pattern such as `a)|(b` valid with another meaning.
    build(pattern).map_err(invalid)?;
    build(&format!("^(?:{pattern})$")).map_err(invalid)
}

/// [`compile`] with a process-wide cache, for patterns only known at run time.
pub(crate) fn cached(pattern: &str) -> Result<Regex, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Result<Regex, String>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = map.get(pattern) {
        return found.clone();
    }
    let compiled = compile(pattern);
    if map.len() >= CACHE_CAPACITY {
        map.clear();
    }
    map.insert(pattern.to_string(), compiled.clone());
    compiled
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("[0-9]{11}", "12345678901", true)]
    #[case("[0-9]{11}", "a12345678901b", false)]
    #[case("^[0-9]{11}$", "12345678901", true)]
    #[case("[0-9]+", "abc123", false)]
    #[case("a|ab", "ab", true)]
    #[case("(?i)abc", "ABC", true)]
    #[case("", "", true)]
    fn whole_string_matches(#[case] pattern: &str, #[case] s: &str, #[case] expected: bool) {
        assert_eq!(compile(pattern).unwrap().is_match(s), expected);
        assert_eq!(cached(pattern).unwrap().is_match(s), expected);
    }

    #[rstest]
    #[case("[a-", "unclosed character class")]
    #[case("a)|(b", "unopened group")]
    #[case("(", "unclosed group")]
    #[case("(a{1000}){1000}", "too large")]
    fn invalid_patterns(#[case] pattern: &str, #[case] fragment: &str) {
        let err = compile(pattern).unwrap_err();
        assert!(
            err.starts_with(&format!("invalid regular expression '{pattern}'")),
            "{err}"
        );
        assert!(err.contains(fragment), "{err}");
        assert_eq!(cached(pattern).unwrap_err(), err);
    }

    #[test]
    fn cache_survives_many_patterns() {
        for i in 0..(CACHE_CAPACITY + 10) {
            assert!(cached(&format!("x{i}")).unwrap().is_match(&format!("x{i}")));
        }
    }
}
