//! Building the nodes of function calls, with the checks that can be made on
//! literal arguments at parse time (regular expressions, date formats,
//! `jr:choice-name` targets).

use super::ast::{CompiledRegex, Expr, RegexPattern};
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
        Func::FormatDate | Func::FormatDateTime => {
            if let Some((Expr::Str(fmt), offset)) = args.get(1) {
                datefmt::validate_format(fmt).map_err(|msg| ParseError::new(*offset, msg))?;
            }
            Ok(Expr::Call(func, args.into_iter().map(|(e, _)| e).collect()))
        }
        _ => Ok(Expr::Call(func, args.into_iter().map(|(e, _)| e).collect())),
    }
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
