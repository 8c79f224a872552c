//! Building the nodes of function calls, with the checks that can be made on
//! literal arguments at parse time (regular expressions, date formats,
//! `jr:choice-name` targets).

use super::ast::{CompiledRegex, Expr, IndexedRepeat, RegexPattern};
use super::datefmt;
use super::error::ParseError;
use super::functions::Func;
use super::lexer;
use super::regex_cache;

/// Builds the node of a call whose arity has been checked.
pub(crate) fn build_call(func: Func, args: Vec<(Expr, usize)>) -> Result<Expr, ParseError> {
    match func {
        Func::StringLength | Func::NormalizeSpace if args.is_empty() => {
            Ok(Expr::Call(func, vec![Expr::Current]))
        }
        Func::Regex => {
            let mut it = args.into_iter();
            let (Some((subject, _)), Some((pattern, pattern_offset))) = (it.next(), it.next())
            else {
                return Err(ParseError::new(0, "regex() needs 2 arguments"));
            };
            let pattern = match pattern {
                Expr::Str(source) => {
                    let regex = regex_cache::compile(&source)
                        .map_err(|msg| ParseError::new(pattern_offset, msg))?;
                    RegexPattern::Literal(CompiledRegex { source, regex })
                }
                other => RegexPattern::Dynamic(Box::new(other)),
            };
            Ok(Expr::Regex(Box::new(subject), pattern))
        }
        Func::ChoiceName => {
            let mut it = args.into_iter();
            let (Some((value, _)), Some((question, q_offset))) = (it.next(), it.next()) else {
                return Err(ParseError::new(0, "jr:choice-name() needs 2 arguments"));
            };
            let name = match &question {
                Expr::Str(s) => choice_name_target(s),
                _ => None,
            }
            .ok_or_else(|| {
                ParseError::new(
                    q_offset,
                    "the second argument of jr:choice-name() must name the question in quotes, like '${question}'",
                )
            })?;
            Ok(Expr::ChoiceName(Box::new(value), name))
        }
        Func::Count | Func::CountNonEmpty | Func::Sum | Func::Area => {
            if let Some((arg, offset)) = args.first()
                && !is_node_expr(arg)
            {
                return Err(ParseError::new(*offset, node_set_message(func)));
            }
            Ok(Expr::Call(func, args.into_iter().map(|(e, _)| e).collect()))
        }
        Func::Position => {
            if let Some((arg, offset)) = args.first()
                && !matches!(arg, Expr::Current | Expr::Path(_))
            {
                return Err(ParseError::new(
                    *offset,
                    "position() takes a path such as '..' (the repeat instance), as in position(..)",
                ));
            }
            Ok(Expr::Call(func, args.into_iter().map(|(e, _)| e).collect()))
        }
        Func::IndexedRepeat => indexed_repeat(args),
        Func::FormatDate | Func::FormatDateTime => {
            if let Some((Expr::Str(fmt), offset)) = args.get(1) {
                datefmt::validate_format(fmt).map_err(|msg| ParseError::new(*offset, msg))?;
            }
            Ok(Expr::Call(func, args.into_iter().map(|(e, _)| e).collect()))
        }
        _ => Ok(Expr::Call(func, args.into_iter().map(|(e, _)| e).collect())),
    }
}

/// Whether `e` can give a node-set: a reference, `.`, a path, an
/// `instance(...)` lookup, `indexed-repeat()`, or a function that passes an
/// argument through (`if`, `coalesce`, `once`, `current`).
fn is_node_expr(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Ref(_)
            | Expr::Current
            | Expr::Column(_)
            | Expr::Path(_)
            | Expr::Instance(_)
            | Expr::IndexedRepeat(_)
            | Expr::Call(Func::If | Func::Coalesce | Func::Once | Func::Current, _)
    )
}

fn node_set_message(func: Func) -> String {
    match func {
        Func::Area => "area() needs a geoshape or geotrace question, or a repeated geopoint, such as area(${shape})".to_string(),
        _ => format!(
            "{}() takes a repeat or a repeated question, such as {}(${{amount}}), not a computed value",
            func.name(),
            func.name()
        ),
    }
}

/// `indexed-repeat(${name}, ${repeat}, n [, ${repeat2}, m]...)`: an odd
/// number of arguments, the question and the repeats as references.
fn indexed_repeat(args: Vec<(Expr, usize)>) -> Result<Expr, ParseError> {
    if args.len().is_multiple_of(2) {
        let offset = args.last().map_or(0, |(_, o)| *o);
        return Err(ParseError::new(
            offset,
            format!(
                "indexed-repeat() takes the question, then pairs of a repeat and an index: 3, 5, 7, 9 or 11 arguments, but {} were given",
                args.len()
            ),
        ));
    }
    let mut it = args.into_iter();
    let name = match it.next() {
        Some((Expr::Ref(name), _)) => name,
        Some((_, offset)) => {
            return Err(ParseError::new(
                offset,
                "the first argument of indexed-repeat() must be a question, written ${name}",
            ));
        }
        None => return Err(ParseError::new(0, "indexed-repeat() needs 3 arguments")),
    };
    let mut steps = Vec::new();
    while let (Some((repeat, offset)), Some((index, _))) = (it.next(), it.next()) {
        let Expr::Ref(repeat) = repeat else {
            return Err(ParseError::new(
                offset,
                "indexed-repeat() needs a repeat, written ${repeat}, before each index",
            ));
        };
        steps.push((repeat, index));
    }
    Ok(Expr::IndexedRepeat(Box::new(IndexedRepeat { name, steps })))
}

/// The question named by `jr:choice-name`'s second argument: `'${name}'` as
/// written in XLSForm, or an XForm path such as `' /data/group/name '`.
pub(crate) fn choice_name_target(s: &str) -> Option<String> {
    let s = s.trim();
    let name = match s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        Some(inner) => inner,
        None => s.rsplit('/').find(|seg| !seg.is_empty())?,
    };
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(lexer::is_name_start) && chars.all(lexer::is_name_char);
    valid.then(|| name.to_string())
}
