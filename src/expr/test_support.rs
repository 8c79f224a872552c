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
    /// Values of repeated questions by instance, for `indexed-repeat()`.
    pub repeated: HashMap<String, Vec<Value>>,
    /// The current repeat instance, 1-based.
    pub position: Option<usize>,
    /// Choice lists for `instance()`: list -> items -> (column, value).
    pub instances: HashMap<String, Vec<Vec<(String, String)>>>,
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

    /// A question repeated in a repeat the expression is not inside: `${name}`
    /// is the node-set of its values, `indexed-repeat(${name}, ${r}, i)` one
    /// of them.
    pub fn repeated(mut self, name: &str, values: Vec<Value>) -> Self {
        self.vars
            .insert(name.to_string(), Value::Nodes(values.clone()));
        self.repeated.insert(name.to_string(), values);
        self
    }

    pub fn position(mut self, p: usize) -> Self {
        self.position = Some(p);
        self
    }

    pub fn instance(mut self, list: &str, items: &[&[(&str, &str)]]) -> Self {
        let items = items
            .iter()
            .map(|item| {
                item.iter()
                    .map(|(c, v)| (c.to_string(), v.to_string()))
                    .collect()
            })
            .collect();
        self.instances.insert(list.to_string(), items);
        self
    }

    /// Parses and evaluates `src`, returning the evaluation result.
    pub fn try_eval(&self, src: &str) -> Result<Value, super::EvalError> {
        let expr = parse(src).unwrap_or_else(|e| panic!("parse {src:?}: {e}"));
        eval(&expr, self)
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

    fn position(&self) -> Option<usize> {
        self.position
    }

    fn indexed_repeat(&self, name: &str, steps: &[(&str, usize)]) -> Value {
        let values = self.repeated.get(name);
        match (values, steps) {
            (Some(values), [(_, i)]) => i
                .checked_sub(1)
                .and_then(|i| values.get(i))
                .cloned()
                .unwrap_or_default(),
            _ => Value::default(),
        }
    }

    fn instance_len(&self, list: &str) -> Option<usize> {
        self.instances.get(list).map(Vec::len)
    }

    fn instance_column(&self, list: &str, item: usize, column: &str) -> Option<String> {
        let item = self.instances.get(list)?.get(item)?;
        item.iter()
            .find(|(c, _)| c == column)
            .map(|(_, v)| v.clone())
    }
}

/// A [`Tree`](super::Tree) over an XML document, as JavaRosa sees an instance:
/// an element with element children has the value `""`, a leaf its text,
/// typed as a number where [`XmlTree::typed`] says its path is `int` or
/// `decimal`.
pub(crate) struct XmlTree<'a> {
    doc: roxmltree::Document<'a>,
    /// Bind types by path without indexes (`/data/household/resident/idade`).
    types: HashMap<String, String>,
}

impl<'a> XmlTree<'a> {
    pub fn new(xml: &'a str) -> Result<Self, String> {
        let doc = roxmltree::Document::parse(xml).map_err(|e| e.to_string())?;
        Ok(XmlTree {
            doc,
            types: HashMap::new(),
        })
    }

    pub fn typed(mut self, path: &str, kind: &str) -> Self {
        self.types.insert(path.to_string(), kind.to_string());
        self
    }

    fn node(&self, r: super::NodeRef) -> Option<roxmltree::Node<'_, 'a>> {
        let id = u32::try_from(r.0).ok()?;
        self.doc.get_node(roxmltree::NodeId::new(id))
    }

    fn path_of(&self, node: roxmltree::Node<'_, 'a>) -> String {
        let mut names: Vec<&str> = node
            .ancestors()
            .filter(roxmltree::Node::is_element)
            .map(|n| n.tag_name().name())
            .collect();
        names.reverse();
        format!("/{}", names.join("/"))
    }

    /// The element at `/a/b/c` (first of each name), for tests.
    pub fn find(&self, path: &str) -> super::NodeRef {
        let mut node = self.doc.root_element();
        for name in path.split('/').filter(|s| !s.is_empty()).skip(1) {
            node = node
                .children()
                .find(|c| c.is_element() && c.tag_name().name() == name)
                .unwrap_or_else(|| panic!("no {name} in {path}"));
        }
        super::NodeRef(node.id().get_usize())
    }
}

impl super::Tree for XmlTree<'_> {
    fn root(&self) -> super::NodeRef {
        super::NodeRef(self.doc.root_element().id().get_usize())
    }

    fn parent(&self, node: super::NodeRef) -> Option<super::NodeRef> {
        let parent = self.node(node)?.parent_element()?;
        Some(super::NodeRef(parent.id().get_usize()))
    }

    fn children(&self, node: super::NodeRef) -> Vec<super::NodeRef> {
        self.node(node)
            .map(|n| {
                n.children()
                    .filter(roxmltree::Node::is_element)
                    .map(|c| super::NodeRef(c.id().get_usize()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn name(&self, node: super::NodeRef) -> &str {
        self.node(node).map_or("", |n| n.tag_name().name())
    }

    fn attribute(&self, node: super::NodeRef, name: &str) -> Option<String> {
        self.node(node)?.attribute(name).map(str::to_string)
    }

    fn value(&self, node: super::NodeRef) -> Value {
        let Some(n) = self.node(node) else {
            return Value::default();
        };
        if n.children().any(|c| c.is_element()) {
            return Value::default();
        }
        let text = n.text().unwrap_or("").to_string();
        match self.types.get(&self.path_of(n)).map(String::as_str) {
            Some("int" | "integer" | "decimal") if !text.trim().is_empty() => text
                .trim()
                .parse::<f64>()
                .map_or(Value::Str(text), Value::Num),
            _ => Value::Str(text),
        }
    }
}

/// A [`TestCtx`] with a tree: paths are evaluated against `tree`, relative
/// ones from `context`.
pub(crate) struct TreeCtx<'a> {
    pub tree: XmlTree<'a>,
    pub context: super::NodeRef,
    pub base: TestCtx,
}

impl<'a> TreeCtx<'a> {
    pub fn new(tree: XmlTree<'a>) -> Self {
        let context = super::Tree::root(&tree);
        TreeCtx {
            tree,
            context,
            base: TestCtx::default(),
        }
    }

    pub fn at(mut self, path: &str) -> Self {
        self.context = self.tree.find(path);
        self
    }

    pub fn try_eval(&self, src: &str) -> Result<Value, super::EvalError> {
        let expr = parse(src).unwrap_or_else(|e| panic!("parse {src:?}: {e}"));
        eval(&expr, self)
    }

    pub fn eval(&self, src: &str) -> Value {
        self.try_eval(src)
            .unwrap_or_else(|e| panic!("eval {src:?}: {e}"))
    }
}

impl Context for TreeCtx<'_> {
    fn var(&self, name: &str) -> Value {
        Context::var(&self.base, name)
    }

    fn current(&self) -> Value {
        Context::current(&self.base)
    }

    fn column(&self, name: &str) -> Option<Value> {
        Context::column(&self.base, name)
    }

    fn today(&self) -> Date {
        Context::today(&self.base)
    }

    fn now(&self) -> ZonedDateTime {
        Context::now(&self.base)
    }

    fn choice_label(&self, question: &str, value: &str) -> Option<String> {
        Context::choice_label(&self.base, question, value)
    }

    fn instance_len(&self, list: &str) -> Option<usize> {
        Context::instance_len(&self.base, list)
    }

    fn instance_column(&self, list: &str, item: usize, column: &str) -> Option<String> {
        Context::instance_column(&self.base, list, item, column)
    }

    fn tree(&self) -> Option<(&dyn super::Tree, super::NodeRef)> {
        Some((&self.tree, self.context))
    }
}
