//! The `parameters` column: which keys a type takes, and range's numbers.

use super::{Compiler, Loc};
use crate::form::model::*;
use crate::form::native::Item;
use std::collections::BTreeMap;

impl Compiler<'_> {
    /// Checks a row's `parameters` for the types that take them.
    pub(super) fn parameters(
        &mut self,
        kind: Kind,
        item: &Item,
        loc: &Loc,
    ) -> BTreeMap<String, String> {
        let params = item.parameters.clone().unwrap_or_default();
        let allowed: &[&str] = match kind {
            _ if item.kind.ends_with("_from_file") => return params,
            Kind::Range => &["start", "end", "step"],
            Kind::Geopoint => &[
                "capture-accuracy",
                "warning-accuracy",
                "allow-mock-accuracy",
            ],
            Kind::Media(Media::Image) => &["max-pixels", "accept"],
            Kind::Media(Media::Audio) => &["quality", "accept"],
            Kind::Media(_) => &["accept"],
            Kind::Geotrace | Kind::Geoshape => &["allow-mock-accuracy"],
            Kind::SelectOne | Kind::SelectMultiple | Kind::Rank => &["randomize", "seed"],
            _ => &[],
        };
        for key in params.keys() {
            if !allowed.contains(&key.as_str()) {
                let accepted = if allowed.is_empty() {
                    format!("{} takes no parameters", item.kind)
                } else {
                    format!("accepted: {}", allowed.join(", "))
                };
                self.err(
                    loc.field("parameters"),
                    format!("unknown parameter \"{key}\" ({accepted})"),
                );
            }
        }
        if let Some(v) = params.get("randomize")
            && v != "true"
            && v != "false"
        {
            self.err(
                loc.field("parameters"),
                format!("randomize must be true or false, not \"{v}\""),
            );
        }
        if kind == Kind::Range {
            let mut nums = [1.0, 10.0, 1.0];
            for (i, key) in ["start", "end", "step"].iter().enumerate() {
                if let Some(v) = params.get(*key) {
                    match v.trim().parse::<f64>() {
                        Ok(n) if n.is_finite() => nums[i] = n,
                        _ => self.err(
                            loc.field("parameters"),
                            format!("range {key} \"{v}\" is not a number"),
                        ),
                    }
                }
            }
            if nums[2] == 0.0 {
                self.err(loc.field("parameters"), "range step cannot be 0");
            }
        }
        params
    }
}
