//! The data directory's double-entry settings (`rileva settings`): which
//! papers are verified, whether a blind second entry catches slips at once,
//! and who reconciles.

use super::{Result, Store};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// Which papers are keyed twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// Every paper (the default).
    All,
    /// About this percentage of each operator's papers, chosen at random
    /// and stably (the same paper is always chosen or not).
    Percent(u8),
    /// None: first entries are the responses.
    Off,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub verify: Share,
    /// A second entry's value that differs from the first's is keyed again.
    pub slips: bool,
    /// Operators other than the two keyers reconcile too (else only
    /// supervisors).
    pub others_reconcile: bool,
    pub supervisors: Vec<String>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            verify: Share::All,
            slips: false,
            others_reconcile: false,
            supervisors: Vec::new(),
        }
    }
}

/// The settings `rileva settings` knows, with what each takes.
pub const KEYS: &[(&str, &str)] = &[
    ("verify", "all | NN% | off"),
    ("slips", "on | off"),
    ("reconcile", "supervisors | others"),
    ("supervisors", "names, separated by commas"),
];

impl Share {
    pub fn parse(s: &str) -> Option<Share> {
        let s = s.trim();
        match s {
            "all" | "100%" => Some(Share::All),
            "off" | "none" | "0%" => Some(Share::Off),
            _ => {
                let n: u8 = s.strip_suffix('%')?.trim().parse().ok()?;
                (1..100).contains(&n).then_some(Share::Percent(n))
            }
        }
    }

    fn show(self) -> String {
        match self {
            Share::All => "all".into(),
            Share::Off => "off".into(),
            Share::Percent(n) => format!("{n}%"),
        }
    }
}

impl Policy {
    pub(super) fn read(conn: &Connection) -> Result<Policy> {
        let get = |key: &str| -> Result<Option<String>> {
            Ok(conn
                .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
                .query_row([format!("double_entry.{key}")], |r| r.get(0))
                .optional()?)
        };
        let mut p = Policy::default();
        if let Some(v) = get("verify")?.and_then(|v| Share::parse(&v)) {
            p.verify = v;
        }
        p.slips = get("slips")?.is_some_and(|v| v == "on");
        p.others_reconcile = get("reconcile")?.is_some_and(|v| v == "others");
        p.supervisors = get("supervisors")?.map(|v| names(&v)).unwrap_or_default();
        Ok(p)
    }

    /// Whether a finalized first entry of `paper` by `operator` is to be
    /// verified. A share draws from a hash of the three: random across
    /// papers, the same draw every time for one.
    pub fn chooses(&self, form_id: &str, paper: &str, operator: &str) -> bool {
        match self.verify {
            Share::All => true,
            Share::Off => false,
            Share::Percent(n) => {
                let mut h = Sha256::new();
                for part in [form_id, paper, operator] {
                    h.update(part.as_bytes());
                    h.update([0]);
                }
                let digest = h.finalize();
                let draw = u16::from_be_bytes([digest[0], digest[1]]) % 100;
                draw < u16::from(n)
            }
        }
    }

    pub fn is_supervisor(&self, name: &str) -> bool {
        self.supervisors.iter().any(|s| s == name.trim())
    }

    /// Each setting as `rileva settings` prints it.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        vec![
            ("verify", self.verify.show()),
            ("slips", if self.slips { "on" } else { "off" }.into()),
            (
                "reconcile",
                if self.others_reconcile {
                    "others"
                } else {
                    "supervisors"
                }
                .into(),
            ),
            ("supervisors", self.supervisors.join(", ")),
        ]
    }
}

fn names(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks a setting's value, returning it as stored, or what it takes.
pub fn check_setting(key: &str, value: &str) -> std::result::Result<String, String> {
    let takes = || {
        KEYS.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, t)| format!("{key} takes {t}"))
            .unwrap_or_else(|| {
                let known: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
                format!("unknown setting {key} (known: {})", known.join(", "))
            })
    };
    let v = value.trim();
    match key {
        "verify" => Share::parse(v).map(Share::show).ok_or_else(takes),
        "slips" if v == "on" || v == "off" => Ok(v.into()),
        "reconcile" if v == "supervisors" || v == "others" => Ok(v.into()),
        "supervisors" => Ok(names(v).join(", ")),
        _ => Err(takes()),
    }
}

impl Store {
    pub fn policy(&self) -> Result<Policy> {
        Policy::read(&self.conn)
    }

    /// Sets one double-entry setting (a value `check_setting` returned).
    pub fn set_policy(&self, key: &str, value: &str) -> Result<()> {
        self.set_setting(&format!("double_entry.{key}"), value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_parse_and_draw_about_their_share_stably() {
        assert_eq!(Share::parse("20%"), Some(Share::Percent(20)));
        assert_eq!(Share::parse(" all "), Some(Share::All));
        assert_eq!(Share::parse("0%"), Some(Share::Off));
        for bad in ["", "%", "120%", "20", "-5%", "x%"] {
            assert_eq!(Share::parse(bad), None, "{bad}");
        }
        let p = Policy {
            verify: Share::Percent(20),
            ..Policy::default()
        };
        let chosen = (0..2000)
            .filter(|i| p.chooses("f", &format!("P-{i}"), "Anna"))
            .count();
        assert!((300..500).contains(&chosen), "{chosen} of 2000");
        let again = (0..2000)
            .filter(|i| p.chooses("f", &format!("P-{i}"), "Anna"))
            .count();
        assert_eq!(chosen, again, "the same papers every time");
    }

    proptest::proptest! {
        /// What an operator types as a setting never panics, and what is
        /// accepted reads back as itself.
        #[test]
        fn any_typed_setting_is_checked_without_panicking(key in "\\PC{0,12}", value in "\\PC{0,20}") {
            for k in ["verify", "slips", "reconcile", "supervisors", key.as_str()] {
                if let Ok(stored) = check_setting(k, &value) {
                    proptest::prop_assert_eq!(check_setting(k, &stored), Ok(stored.clone()));
                }
            }
            let _ = Share::parse(&value);
        }
    }

    #[test]
    fn settings_are_checked_before_they_are_stored() {
        assert_eq!(check_setting("verify", "25 %"), Ok("25%".into()));
        assert_eq!(
            check_setting("supervisors", " Anna ,, Marco"),
            Ok("Anna, Marco".into())
        );
        assert!(check_setting("slips", "yes").is_err_and(|e| e.contains("on | off")));
        assert!(check_setting("colour", "red").is_err_and(|e| e.contains("unknown setting")));
    }
}
