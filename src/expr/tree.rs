//! The document a [`Context`](super::Context) may expose for XPath location
//! paths (`/data/a/b`, `../x`, `current()/..`, `/data/@id`).

use super::value::Value;

/// An opaque handle on an element of a [`Tree`]; its meaning is up to the
/// tree that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeRef(pub usize);

/// A read-only XML-like document of elements, as location paths see it.
///
/// Handles passed in are always ones the tree itself returned. Implementations
/// must not panic on any handle they made.
pub trait Tree {
    /// The document element (`<data>` for `/data/age`).
    fn root(&self) -> NodeRef;

    /// The parent element; `None` for the document element.
    fn parent(&self, node: NodeRef) -> Option<NodeRef>;

    /// The child elements, in document order.
    fn children(&self, node: NodeRef) -> Vec<NodeRef>;

    /// The element's name (its local name, without a namespace prefix).
    fn name(&self, node: NodeRef) -> &str;

    /// The value of attribute `name` of the element, if it has one.
    fn attribute(&self, node: NodeRef, name: &str) -> Option<String>;

    /// The element's value as expressions see it: `Value::Str` of its text
    /// for an untyped document, or a typed value (`Num` for integer and
    /// decimal nodes, `Date` for dates) to make comparisons behave like
    /// JavaRosa's typed binds. JavaRosa gives `""` for an element that has
    /// element children (a group or a repeat instance).
    fn value(&self, node: NodeRef) -> Value;
}
