//! Node-sets: location paths over [`Context::tree`], `instance(...)` lookups,
//! `indexed-repeat()`, the aggregate functions and `position()`, and the
//! evaluation environment that predicates change (the node being tested and
//! its position).

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

use super::Context;
use super::ast::{
    Expr, IndexedRepeat, InstanceQuery, Path, PathStart, Step, StepTest, parent_levels,
};
use super::error::EvalError;
use super::eval::eval;
use super::functions::Func;
use super::geo;
use super::numfmt::java_int;
use super::tree::{NodeRef, Tree};
use super::value::{Value, repeated, unpack};

/// Most predicate tests one evaluation may run. Nested predicates multiply
/// (`/a[/a[/a[...]]]` tests 2^depth nodes with two `a`s), so a pathological
/// expression fails with an `EvalError` instead of running for ever.
pub(crate) const MAX_PREDICATE_TESTS: usize = 1_000_000;

/// What an expression is evaluated against: the caller's context and, inside
/// a predicate, the node being tested.
#[derive(Clone, Copy)]
pub(crate) struct Env<'a> {
    pub ctx: &'a dyn Context,
    pub focus: Option<Focus<'a>>,
    /// Predicate tests left (see [`MAX_PREDICATE_TESTS`]).
    budget: &'a Cell<usize>,
}

impl<'a> Env<'a> {
    /// Evaluates `f` in a fresh environment for `ctx`.
    pub(crate) fn with<T>(ctx: &dyn Context, f: impl FnOnce(&Env<'_>) -> T) -> T {
        let budget = Cell::new(MAX_PREDICATE_TESTS);
        f(&Env {
            ctx,
            focus: None,
            budget: &budget,
        })
    }

    /// The environment inside a predicate testing `node`.
    fn focused(&self, node: FocusNode<'a>, position: usize) -> Result<Env<'a>, EvalError> {
        let left = self.budget.get();
        if left == 0 {
            return Err(EvalError::new(format!(
                "the expression needs too much work (more than {MAX_PREDICATE_TESTS} predicate tests): simplify its nested predicates"
            )));
        }
        self.budget.set(left - 1);
        Ok(Env {
            ctx: self.ctx,
            focus: Some(Focus { node, position }),
            budget: self.budget,
        })
    }
}

/// The node a predicate is testing, and its 1-based position among the
/// candidates (what `position()` gives there).
#[derive(Clone, Copy)]
pub(crate) struct Focus<'a> {
    node: FocusNode<'a>,
    position: usize,
}

#[derive(Clone, Copy)]
enum FocusNode<'a> {
    /// A node of the context's tree.
    Tree(Pos<'a>),
    /// An item of a choice list read with `instance('list')`.
    Item { list: &'a str, index: usize },
}

/// A node a location path can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Pos<'a> {
    /// The document, parent of the document element (`/`).
    Doc,
    Elem(NodeRef),
    Attr(NodeRef, &'a str),
}

/// Unpacks a node-set that an operator or a function needs as one value (see
/// [`Value::into_single`]); `source` names it in the error.
pub(crate) fn single(v: Value, source: &Expr) -> Result<Value, EvalError> {
    match v {
        Value::Nodes(nodes) => unpack(nodes, Some(source as &dyn fmt::Display)),
        other => Ok(other),
    }
}

/// Fails as [`single`] would, without unpacking.
pub(crate) fn check_single(v: &Value, source: &Expr) -> Result<(), EvalError> {
    match v {
        Value::Nodes(nodes) if nodes.len() > 1 => Err(repeated(
            nodes,
            nodes.len(),
            Some(source as &dyn fmt::Display),
        )),
        _ => Ok(()),
    }
}

fn no_tree(path: &dyn fmt::Display) -> EvalError {
    EvalError::new(format!(
        "paths are not supported here; use ${{name}} instead of {path}"
    ))
}

fn pos_value(tree: &dyn Tree, pos: Pos<'_>) -> Value {
    match pos {
        Pos::Doc => Value::default(),
        Pos::Elem(n) => tree.value(n),
        Pos::Attr(n, name) => Value::Str(tree.attribute(n, name).unwrap_or_default()),
    }
}

/// `current()`: the node the expression is evaluated for.
pub(crate) fn current(env: &Env<'_>) -> Value {
    match env.ctx.tree() {
        Some((tree, node)) => Value::Nodes(vec![tree.value(node)]),
        None => env.ctx.current(),
    }
}

/// `.`: the node being tested inside a predicate, else `current()`.
pub(crate) fn dot(env: &Env<'_>) -> Value {
    match env.focus.map(|f| f.node) {
        Some(FocusNode::Tree(pos)) => match env.ctx.tree() {
            Some((tree, _)) => Value::Nodes(vec![pos_value(tree, pos)]),
            None => Value::default(),
        },
        Some(FocusNode::Item { .. }) => Value::Nodes(vec![Value::default()]),
        None => current(env),
    }
}

/// A bare name: a column of the item being tested in an `instance(...)`
/// predicate, the children of that name of the node being tested in a path
/// predicate, else a choice-filter column or, with a tree, the children of
/// the context node.
pub(crate) fn column(name: &str, env: &Env<'_>) -> Value {
    match env.focus.map(|f| f.node) {
        Some(FocusNode::Item { list, index }) => Value::Str(
            env.ctx
                .instance_column(list, index, name)
                .unwrap_or_default(),
        ),
        Some(FocusNode::Tree(pos)) => match env.ctx.tree() {
            Some((tree, _)) => children_named(tree, pos, name),
            None => Value::default(),
        },
        None => match (env.ctx.column(name), env.ctx.tree()) {
            (Some(v), _) => v,
            (None, Some((tree, node))) => children_named(tree, Pos::Elem(node), name),
            (None, None) => Value::default(),
        },
    }
}

fn children_named(tree: &dyn Tree, pos: Pos<'_>, name: &str) -> Value {
    let test = StepTest::Child(name.to_string());
    Value::Nodes(
        candidates(tree, pos, &test)
            .into_iter()
            .map(|p| pos_value(tree, p))
            .collect(),
    )
}

/// Evaluates a location path against the context's tree.
pub(crate) fn path<'a>(path: &'a Path, env: &Env<'a>) -> Result<Value, EvalError> {
    let Some((tree, _)) = env.ctx.tree() else {
        return Err(no_tree(path));
    };
    let set = select(path, tree, env)?;
    Ok(values(tree, set))
}

#[inline(never)]
fn values(tree: &dyn Tree, set: Vec<Pos<'_>>) -> Value {
    Value::Nodes(set.into_iter().map(|p| pos_value(tree, p)).collect())
}

/// The nodes a path selects, in document order, without duplicates.
fn select<'a>(path: &'a Path, tree: &dyn Tree, env: &Env<'a>) -> Result<Vec<Pos<'a>>, EvalError> {
    let mut set = vec![start(path, tree, env)?];
    for step in &path.steps {
        set = apply_step(tree, &set, step, env)?;
        if set.is_empty() {
            break;
        }
    }
    Ok(set)
}

/// Where a path starts: the document, the node being tested in a predicate,
/// or the context node.
#[inline(never)]
fn start<'a>(path: &Path, tree: &dyn Tree, env: &Env<'a>) -> Result<Pos<'a>, EvalError> {
    let context = env.ctx.tree().map_or(tree.root(), |(_, node)| node);
    match (path.start, env.focus.map(|f| f.node)) {
        (PathStart::Root, _) => Ok(Pos::Doc),
        (PathStart::Current, _) | (PathStart::Context, None) => Ok(Pos::Elem(context)),
        (PathStart::Context, Some(FocusNode::Tree(pos))) => Ok(pos),
        (PathStart::Context, Some(FocusNode::Item { .. })) => Err(EvalError::new(format!(
            "the path {path} cannot be used inside an instance(...) predicate; use the item's column names"
        ))),
    }
}

/// One step from every node of `set`, its predicates applied to the nodes
/// reached from each.
fn apply_step<'a>(
    tree: &dyn Tree,
    set: &[Pos<'a>],
    step: &'a Step,
    env: &Env<'a>,
) -> Result<Vec<Pos<'a>>, EvalError> {
    let mut next = Vec::new();
    let mut seen = HashSet::new();
    for &pos in set {
        let mut found = candidates(tree, pos, &step.test);
        for predicate in &step.predicates {
            found = filter(found, predicate, env)?;
        }
        next.extend(found.into_iter().filter(|p| seen.insert(*p)));
    }
    Ok(next)
}

/// The nodes one step reaches from `pos`.
fn candidates<'a>(tree: &dyn Tree, pos: Pos<'a>, test: &'a StepTest) -> Vec<Pos<'a>> {
    match (test, pos) {
        (StepTest::SelfNode, _) => vec![pos],
        (StepTest::Child(name), Pos::Doc) => {
            let root = tree.root();
            if tree.name(root) == name {
                vec![Pos::Elem(root)]
            } else {
                Vec::new()
            }
        }
        (StepTest::Child(name), Pos::Elem(n)) => tree
            .children(n)
            .into_iter()
            .filter(|&c| tree.name(c) == name)
            .map(Pos::Elem)
            .collect(),
        (StepTest::Attribute(name), Pos::Elem(n)) if tree.attribute(n, name).is_some() => {
            vec![Pos::Attr(n, name)]
        }
        (StepTest::Parent, Pos::Elem(n)) => match tree.parent(n) {
            Some(p) => vec![Pos::Elem(p)],
            None => vec![Pos::Doc],
        },
        (StepTest::Parent, Pos::Attr(n, _)) => vec![Pos::Elem(n)],
        _ => Vec::new(),
    }
}

/// Keeps the candidates for which the predicate is the boolean `true` (as in
/// JavaRosa, where `[2]` keeps nothing).
fn filter<'a>(
    found: Vec<Pos<'a>>,
    predicate: &'a Expr,
    env: &Env<'a>,
) -> Result<Vec<Pos<'a>>, EvalError> {
    let mut kept = Vec::new();
    for (i, pos) in found.into_iter().enumerate() {
        let inner = env.focused(FocusNode::Tree(pos), i + 1)?;
        if matches!(eval(predicate, &inner)?, Value::Bool(true)) {
            kept.push(pos);
        }
    }
    Ok(kept)
}

/// JavaRosa's position of a node: 1 + the number of preceding siblings with
/// the same name.
fn multiplicity(tree: &dyn Tree, pos: Pos<'_>) -> usize {
    let Pos::Elem(node) = pos else { return 1 };
    let Some(parent) = tree.parent(node) else {
        return 1;
    };
    let name = tree.name(node);
    let mut position = 0;
    for sibling in tree.children(parent) {
        if tree.name(sibling) == name {
            position += 1;
        }
        if sibling == node {
            return position;
        }
    }
    1
}

/// `instance('list')/root/item[...]/column`.
pub(crate) fn instance<'a>(q: &'a InstanceQuery, env: &Env<'a>) -> Result<Value, EvalError> {
    let len = env.ctx.instance_len(&q.list).ok_or_else(|| {
        EvalError::new(format!(
            "unknown choice list '{}' in instance('{}')",
            q.list, q.list
        ))
    })?;
    let mut items: Option<Vec<usize>> = None;
    for predicate in &q.predicates {
        let mut kept = Vec::new();
        let candidates: Box<dyn Iterator<Item = usize>> = match items.take() {
            Some(v) => Box::new(v.into_iter()),
            None => Box::new(0..len),
        };
        for (i, index) in candidates.enumerate() {
            let node = FocusNode::Item {
                list: &q.list,
                index,
            };
            let inner = env.focused(node, i + 1)?;
            if matches!(eval(predicate, &inner)?, Value::Bool(true)) {
                kept.push(index);
            }
        }
        items = Some(kept);
    }
    let selected: Box<dyn Iterator<Item = usize>> = match items {
        Some(v) => Box::new(v.into_iter()),
        None => Box::new(0..len),
    };
    let nodes = match &q.column {
        Some(c) => selected
            .filter_map(|i| env.ctx.instance_column(&q.list, i, c))
            .map(Value::Str)
            .collect(),
        None => selected.map(|_| Value::default()).collect(),
    };
    Ok(Value::Nodes(nodes))
}

/// `indexed-repeat(${name}, ${repeat}, n, ...)`: indexes below 1 (and NaN)
/// count as 1, as in JavaRosa.
pub(crate) fn indexed_repeat(ir: &IndexedRepeat, env: &Env<'_>) -> Result<Value, EvalError> {
    let mut steps = Vec::with_capacity(ir.steps.len());
    for (repeat, index) in &ir.steps {
        let n = java_int(single(eval(index, env)?, index)?.to_num());
        let n = usize::try_from(n).ok().filter(|&n| n >= 1).unwrap_or(1);
        steps.push((repeat.as_str(), n));
    }
    Ok(env.ctx.indexed_repeat(&ir.name, &steps))
}

/// `count`, `count-non-empty`, `sum`, `distance`, `area` and `position`.
pub(crate) fn aggregate<'a>(
    func: Func,
    args: &'a [Expr],
    env: &Env<'a>,
) -> Result<Value, EvalError> {
    let first = || -> Result<Value, EvalError> {
        match args.first() {
            Some(e) => eval(e, env),
            None => Ok(Value::default()),
        }
    };
    let n = match func {
        Func::Count => match first()? {
            Value::Nodes(nodes) => nodes.len() as f64,
            _ => 1.0,
        },
        Func::CountNonEmpty => {
            let v = first()?;
            entries(&v).filter(|v| !v.as_str().is_empty()).count() as f64
        }
        Func::Sum => {
            let v = first()?;
            entries(&v).map(Value::to_num).filter(|x| !x.is_nan()).sum()
        }
        Func::Distance => geo::distance(&points(func, args, env)?),
        Func::Area => geo::area(&points(func, args, env)?),
        Func::Position => return position(args.first(), env),
        _ => f64::NAN,
    };
    Ok(Value::Num(n))
}

/// The entries of a node-set, or the value itself.
pub(crate) fn entries(v: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match v {
        Value::Nodes(nodes) => Box::new(nodes.iter()),
        other => Box::new(std::iter::once(other)),
    }
}

/// The points of `distance()`/`area()`: one argument is a node-set of
/// geopoints (two or more nodes) or a geotrace/geoshape value; several
/// arguments are geopoints.
fn points<'a>(func: Func, args: &'a [Expr], env: &Env<'a>) -> Result<Vec<geo::LatLon>, EvalError> {
    let bad = |s: &str| {
        EvalError::new(format!(
            "the function '{}' received a value that does not represent GPS coordinates: '{s}'",
            func.name()
        ))
    };
    let point = |v: &Value| {
        let s = v.as_str();
        geo::parse_point(&s).ok_or_else(|| bad(&s))
    };
    let shape = |v: &Value| {
        let s = v.as_str();
        geo::parse_shape(&s).ok_or_else(|| bad(&s))
    };
    match args {
        [one] => match eval(one, env)? {
            Value::Nodes(nodes) if nodes.len() >= 2 => nodes.iter().map(point).collect(),
            Value::Nodes(nodes) => nodes.first().map_or(Ok(Vec::new()), shape),
            other => shape(&other),
        },
        _ => {
            let mut out = Vec::with_capacity(args.len());
            for a in args {
                out.push(point(&single(eval(a, env)?, a)?)?);
            }
            Ok(out)
        }
    }
}

/// `position()`, `position(.)`, `position(..)`, `position(path)`.
fn position<'a>(arg: Option<&'a Expr>, env: &Env<'a>) -> Result<Value, EvalError> {
    let focus = env.focus;
    let found = match (arg, focus) {
        (None, Some(f)) => Some(f.position),
        (None | Some(Expr::Current), _) => match focus.map(|f| f.node) {
            Some(FocusNode::Item { index, .. }) => Some(index + 1),
            Some(FocusNode::Tree(pos)) => env.ctx.tree().map(|(t, _)| multiplicity(t, pos)),
            None => match env.ctx.tree() {
                Some((tree, node)) => Some(multiplicity(tree, Pos::Elem(node))),
                None => env.ctx.ancestor_position(0),
            },
        },
        (Some(e), _) => match (env.ctx.tree(), e) {
            (Some((tree, _)), Expr::Path(p)) => {
                let set = select(p, tree, env)?;
                // JavaRosa: 1 + INDEX_UNBOUND (-1) for an empty node-set.
                Some(set.first().map_or(0, |&p| multiplicity(tree, p)))
            }
            (None, _) => match parent_levels(e) {
                Some(levels) => env.ctx.ancestor_position(levels),
                None => return Err(no_tree(e)),
            },
            (Some(_), other) => return Err(no_tree(other)),
        },
    };
    found.map(|p| Value::Num(p as f64)).ok_or_else(|| {
        EvalError::new("position() is used outside a repeat: there is no repeat instance to number")
    })
}
