//! The `parameters` column of each type, checked as pyxform checks it
//! (validators/pyxform/parameters.py and question_types/). What rileva uses
//! is passed on to the native item; what only changes how another client
//! draws the question (range ticks, text box rows) is checked and dropped.

use super::reader::Ctx;
use crate::form::native::ChoiceDoc;
use std::cmp::Ordering;
use std::collections::BTreeMap;

type Params = BTreeMap<String, String>;

/// Reports keys outside `accepted`; true when there were none.
fn accepted(cx: &mut Ctx<'_>, p: &Params, at: &str, what: &str, accepted: &[&str]) -> bool {
    let extra: Vec<&str> = p
        .keys()
        .map(String::as_str)
        .filter(|k| !accepted.contains(k))
        .collect();
    if extra.is_empty() {
        return true;
    }
    let list = extra
        .iter()
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let (noun, verb) = if extra.len() == 1 {
        ("parameter", "is")
    } else {
        ("parameters", "are")
    };
    cx.invalid(
        at.to_string(),
        format!(
            "the {noun} {list} {verb} not accepted by {what} (it takes: {})",
            accepted.join(", ")
        ),
    );
    false
}

/// select_one, select_multiple (`randomize`, `seed`) and the `_from_file`
/// ones (also `value` and `label`, the CSV columns). Returns the native
/// parameters.
pub(super) fn select(cx: &mut Ctx<'_>, p: &Params, at: &str, from_file: bool) -> Option<Params> {
    let keys: &[&str] = if from_file {
        &["label", "randomize", "seed", "value"]
    } else {
        &["randomize", "seed"]
    };
    let what = if from_file {
        "a select from a file"
    } else {
        "a select"
    };
    accepted(cx, p, at, what, keys);
    match p.get("randomize").map(String::as_str) {
        Some("true" | "false") | None => {}
        Some(v) => cx.invalid(
            at.to_string(),
            format!("randomize must be true or false, not \"{v}\""),
        ),
    }
    if let Some(seed) = p.get("seed") {
        if !p.contains_key("randomize") {
            cx.invalid(at.to_string(), "seed needs randomize=true");
        } else if dec(seed).is_none() && !is_reference(seed) {
            cx.invalid(
                at.to_string(),
                format!("seed must be a number or a ${{reference}}, not \"{seed}\""),
            );
        }
    }
    let mut out = Params::new();
    // Choices in random order (a seed: the same order wherever it is the
    // same): kept for the engine.
    if p.get("randomize").is_some_and(|v| v == "true") {
        out.insert("randomize".into(), "true".into());
        if let Some(seed) = p.get("seed") {
            out.insert("seed".into(), seed.clone());
        }
    }
    if from_file {
        for key in ["value", "label"] {
            if let Some(v) = p.get(key) {
                if !crate::form::compile::is_xml_name(v) {
                    cx.invalid(
                        at.to_string(),
                        format!("{key}=\"{v}\" is not a valid column name: use letters, digits, _ - . and start with a letter or _"),
                    );
                }
                out.insert(key.to_string(), v.clone());
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

fn is_reference(s: &str) -> bool {
    s.starts_with("${") && s.ends_with('}')
}

/// The other types that take parameters: range, geopoint, text, image,
/// audio, geotrace and geoshape. pyxform does not look at the parameters of
/// any other type, nor does rileva.
pub(super) fn simple(
    cx: &mut Ctx<'_>,
    native: &str,
    p: &Params,
    at: &str,
    appearance: &str,
    choices: &BTreeMap<String, Vec<ChoiceDoc>>,
) -> Option<Params> {
    match native {
        "range" => range(cx, p, at, appearance, choices),
        "geopoint" => {
            accepted(
                cx,
                p,
                at,
                "geopoint",
                &[
                    "allow-mock-accuracy",
                    "capture-accuracy",
                    "reference-geometry",
                    "warning-accuracy",
                ],
            );
            geo(cx, p, at);
            for key in ["capture-accuracy", "warning-accuracy"] {
                if let Some(v) = p.get(key)
                    && !v.parse::<f64>().is_ok_and(f64::is_finite)
                {
                    cx.invalid(
                        at.to_string(),
                        format!("{key} must be a number, not \"{v}\""),
                    );
                }
            }
            keep(
                p,
                &[
                    "allow-mock-accuracy",
                    "capture-accuracy",
                    "warning-accuracy",
                ],
            )
        }
        "image" => {
            accepted(cx, p, at, "image", &["app", "max-pixels"]);
            if let Some(v) = p.get("max-pixels")
                && v.parse::<i64>().is_err()
            {
                cx.invalid(
                    at.to_string(),
                    format!("max-pixels must be an integer, not \"{v}\""),
                );
            }
            // Recorded (the export keeps it), not enforced: rileva reads
            // no pixels.
            keep(p, &["max-pixels"])
        }
        "audio" => {
            accepted(cx, p, at, "audio", &["quality"]);
            if let Some(v) = p.get("quality")
                && !["voice-only", "low", "normal", "external"].contains(&v.as_str())
            {
                cx.invalid(
                    at.to_string(),
                    format!("quality must be voice-only, low, normal or external, not \"{v}\""),
                );
            }
            keep(p, &["quality"])
        }
        "geotrace" | "geoshape" => {
            accepted(
                cx,
                p,
                at,
                native,
                &["allow-mock-accuracy", "incremental", "reference-geometry"],
            );
            geo(cx, p, at);
            if let Some(v) = p.get("incremental")
                && !["true", "yes"].contains(&v.as_str())
            {
                cx.invalid(
                    at.to_string(),
                    format!("incremental can only be true, not \"{v}\""),
                );
            }
            keep(p, &["allow-mock-accuracy"])
        }
        "text" => {
            accepted(cx, p, at, "text", &["rows"]);
            if let Some(v) = p.get("rows")
                && v.parse::<i64>().is_err()
            {
                cx.invalid(
                    at.to_string(),
                    format!("rows must be an integer, not \"{v}\""),
                );
            }
            None
        }
        _ => None,
    }
}

/// What the geo types share: `reference-geometry` refused (a map layer),
/// `allow-mock-accuracy` true or false.
fn geo(cx: &mut Ctx<'_>, p: &Params, at: &str) {
    if p.contains_key("reference-geometry") {
        cx.unsupported(
            at.to_string(),
            "reference-geometry (a map layer to capture against) is not supported by rileva",
        );
    }
    if let Some(v) = p.get("allow-mock-accuracy")
        && v != "true"
        && v != "false"
    {
        cx.invalid(
            at.to_string(),
            format!("allow-mock-accuracy must be true or false, not \"{v}\""),
        );
    }
}

/// The parameters among `keys` that were given, or none.
fn keep(p: &Params, keys: &[&str]) -> Option<Params> {
    let out: Params = p
        .iter()
        .filter(|(k, _)| keys.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (!out.is_empty()).then_some(out)
}

/// range: `start`, `end`, `step` (default 1, 10, 1) are used; `placeholder`,
/// `tick_interval` and `tick_labelset` only change how other clients draw
/// the slider, and are checked as pyxform checks them.
fn range(
    cx: &mut Ctx<'_>,
    p: &Params,
    at: &str,
    appearance: &str,
    choices: &BTreeMap<String, Vec<ChoiceDoc>>,
) -> Option<Params> {
    let keys = [
        "end",
        "placeholder",
        "start",
        "step",
        "tick_interval",
        "tick_labelset",
    ];
    accepted(cx, p, at, "range", &keys);
    let drawing = ["tick_interval", "placeholder", "tick_labelset"];
    if !appearance.is_empty()
        && !appearance.contains("vertical")
        && !appearance.contains("no-ticks")
        && drawing.iter().any(|k| p.contains_key(*k))
    {
        cx.invalid(
            at.to_string(),
            "tick_interval, placeholder and tick_labelset only go with the appearances vertical and no-ticks",
        );
    }
    let mut bad = false;
    let mut num = |cx: &mut Ctx<'_>, key: &str, default: Option<&str>| -> Option<Dec> {
        let v = p.get(key).map(String::as_str).or(default)?;
        let d = dec(v);
        if d.is_none() {
            bad = true;
            cx.invalid(
                at.to_string(),
                format!("range {key} \"{v}\" is not a number"),
            );
        }
        d
    };
    let start = num(cx, "start", Some("1"));
    let end = num(cx, "end", Some("10"));
    let step = num(cx, "step", Some("1"));
    let tick = num(cx, "tick_interval", None);
    let placeholder = num(cx, "placeholder", None);
    let out: Params = p
        .iter()
        .filter(|(k, _)| ["start", "end", "step"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let (Some(start), Some(end), Some(step)) = (start, end, step) else {
        return (!out.is_empty()).then_some(out);
    };
    if bad {
        return (!out.is_empty()).then_some(out);
    }
    let width = end.sub(start).abs();
    let (lo, hi) = if start.cmp(end) == Ordering::Greater {
        (end, start)
    } else {
        (start, end)
    };
    if step.is_zero() {
        // compile_doc says it too; said once.
    } else if step.cmp(width) == Ordering::Greater {
        cx.invalid(
            at.to_string(),
            "range step must not be larger than the range (the difference between start and end)",
        );
    }
    if let Some(t) = tick {
        if t.is_zero() {
            cx.invalid(at.to_string(), "range tick_interval cannot be 0");
        } else if t.cmp(width) == Ordering::Greater {
            cx.invalid(
                at.to_string(),
                "range tick_interval must not be larger than the range",
            );
        } else if !step.is_zero() && !t.is_multiple_of(step) {
            cx.invalid(
                at.to_string(),
                "range tick_interval must be a multiple of step",
            );
        }
    }
    if let Some(ph) = placeholder {
        if !step.is_zero() && !ph.sub(start).is_multiple_of(step) {
            cx.invalid(
                at.to_string(),
                "range placeholder must be a multiple of step",
            );
        }
        if ph.cmp(lo) == Ordering::Less || ph.cmp(hi) == Ordering::Greater {
            cx.invalid(
                at.to_string(),
                "range placeholder must be between start and end",
            );
        }
    }
    if let Some(list) = p.get("tick_labelset") {
        match choices.get(list) {
            None => cx.invalid(
                at.to_string(),
                format!("range tick_labelset \"{list}\" is not a list of the choices sheet"),
            ),
            Some(items) => {
                let no_ticks = appearance.contains("no-ticks");
                let mut values = Vec::new();
                for c in items {
                    let Some(v) = dec(&c.name) else {
                        cx.invalid(
                            at.to_string(),
                            format!("the choices of tick_labelset \"{list}\" must all be numbers"),
                        );
                        break;
                    };
                    if v.cmp(lo) == Ordering::Less || v.cmp(hi) == Ordering::Greater {
                        cx.invalid(
                            at.to_string(),
                            format!("the choices of tick_labelset \"{list}\" must be between start and end"),
                        );
                        break;
                    }
                    let unit = tick.unwrap_or(step);
                    if !unit.is_zero() && !v.sub(start).is_multiple_of(unit) {
                        cx.invalid(
                            at.to_string(),
                            format!("the choices of tick_labelset \"{list}\" must be start plus a multiple of the step"),
                        );
                        break;
                    }
                    if !values.iter().any(|x: &Dec| x.cmp(v) == Ordering::Equal) {
                        values.push(v);
                    }
                }
                if no_ticks
                    && (values.len() > 2
                        || !values.iter().all(|v| {
                            v.cmp(start) == Ordering::Equal || v.cmp(end) == Ordering::Equal
                        }))
                {
                    cx.invalid(
                        at.to_string(),
                        "with the appearance no-ticks, tick_labelset may only label start and end",
                    );
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// An exact decimal (pyxform uses Python's `Decimal` for ranges, so that
/// 0.3 is a multiple of 0.1).
#[derive(Debug, Clone, Copy)]
struct Dec {
    m: i128,
    scale: u32,
}

const MAX_SCALE: u32 = 30;

fn dec(s: &str) -> Option<Dec> {
    let s = s.trim();
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (neg, digits) = match mantissa.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || int.len() + frac.len() > 36
    {
        return None;
    }
    let mut m: i128 = format!("{int}{frac}").parse().unwrap_or(0);
    let mut scale = i64::try_from(frac.len()).ok()? - i64::from(exp);
    while scale < 0 {
        m = m.checked_mul(10)?;
        scale += 1;
    }
    let scale = u32::try_from(scale).ok().filter(|s| *s <= MAX_SCALE)?;
    Some(Dec {
        m: if neg { -m } else { m },
        scale,
    })
}

impl Dec {
    fn aligned(self, other: Dec) -> Option<(i128, i128)> {
        let s = self.scale.max(other.scale);
        let a = self.m.checked_mul(10i128.checked_pow(s - self.scale)?)?;
        let b = other.m.checked_mul(10i128.checked_pow(s - other.scale)?)?;
        Some((a, b))
    }

    fn cmp(self, other: Dec) -> Ordering {
        self.aligned(other)
            .map_or(Ordering::Equal, |(a, b)| a.cmp(&b))
    }

    fn sub(self, other: Dec) -> Dec {
        match self.aligned(other) {
            Some((a, b)) => Dec {
                m: a.saturating_sub(b),
                scale: self.scale.max(other.scale),
            },
            None => self,
        }
    }

    fn abs(self) -> Dec {
        Dec {
            m: self.m.saturating_abs(),
            scale: self.scale,
        }
    }

    fn is_zero(self) -> bool {
        self.m == 0
    }

    fn is_multiple_of(self, unit: Dec) -> bool {
        match self.aligned(unit) {
            Some((a, b)) if b != 0 => a % b == 0,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        let d = |s| dec(s).expect(s);
        assert!(d("0.3").is_multiple_of(d("0.1")));
        assert!(!d("0.25").is_multiple_of(d("0.1")));
        assert_eq!(d("1e3").cmp(d("1000")), Ordering::Equal);
        assert_eq!(d("-2.5").cmp(d("1")), Ordering::Less);
        assert!(dec("abc").is_none());
        assert!(dec("inf").is_none());
        assert!(dec("").is_none());
        assert!(dec(".").is_none());
        assert!(dec("1e99999").is_none());
    }
}
