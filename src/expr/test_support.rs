//! A configurable [`Context`] for the unit tests.

use std::collections::HashMap;

use jiff::ZonedDateTime;
use jiff::civil::{Date, date};
use jiff::tz::{Offset, TimeZone};

use super::{Context, Value, eval, parse};

/// Test context: variables, current value, choice columns and choice labels
/// from maps; "today" is 2026-08-07 and "now" 2026-08-07T06:31:13.834-03:00.
#[derive(Debug, Clone, Default)]
pub(crate) struct TestCtx {
    pub vars: HashMap<String, Value>,
    pub current: Option<Value>,
    pub columns: Option<HashMap<String, Value>>,
    /// (question, value) -> label
    pub labels: HashMap<(String, String), String>,
}

impl TestCtx {
    pub fn var(mut self, name: &str, v: impl Into<Value>) -> Self {
        self.vars.insert(name.to_string(), v.into());
        self
    }

    pub fn current(mut self, v: impl Into<Value>) -> Self {
        self.current = Some(v.into());
        self
    }

    pub fn column(mut self, name: &str, v: impl Into<Value>) -> Self {
        self.columns
            .get_or_insert_with(HashMap::new)
            .insert(name.to_string(), v.into());
        self
    }

    pub fn label(mut self, question: &str, value: &str, label: &str) -> Self {
        self.labels
            .insert((question.to_string(), value.to_string()), label.to_string());
        self
    }

    /// Parses and evaluates `src`, panicking with the error on failure.
    pub fn eval(&self, src: &str) -> Value {
        let expr = parse(src).unwrap_or_else(|e| panic!("parse {src:?}: {e}"));
        eval(&expr, self).unwrap_or_else(|e| panic!("eval {src:?}: {e}"))
    }
}

pub(crate) fn test_now() -> ZonedDateTime {
    let tz = TimeZone::fixed(Offset::constant(-3));
    date(2026, 8, 7)
        .at(6, 31, 13, 834_000_000)
        .to_zoned_datetime(tz)
        .unwrap_or_else(|e| panic!("{e}"))
}

impl Context for TestCtx {
    fn var(&self, name: &str) -> Value {
        self.vars.get(name).cloned().unwrap_or_default()
    }

    fn current(&self) -> Value {
        self.current.clone().unwrap_or_default()
    }

    fn column(&self, name: &str) -> Option<Value> {
        self.columns.as_ref()?.get(name).cloned()
    }

    fn today(&self) -> Date {
        date(2026, 8, 7)
    }

    fn now(&self) -> ZonedDateTime {
        test_now()
    }

    fn choice_label(&self, question: &str, value: &str) -> Option<String> {
        self.labels
            .get(&(question.to_string(), value.to_string()))
            .cloned()
    }
}
