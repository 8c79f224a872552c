//! Recursive-descent parser with XPath 1.0 precedence.
//!
//! ```text
//! expr     := or
//! or       := and ('or' and)*
//! and      := equality ('and' equality)*
//! equality := relation (('=' | '!=') relation)*
//! relation := additive (('<' | '<=' | '>' | '>=') additive)*
//! additive := multiply (('+' | '-') multiply)*
//! multiply := unary (('*' | 'div' | 'mod') unary)*
//! unary    := '-'* primary
//! primary  := number | string | '${' name '}' | '.' | name
//!           | '(' expr ')' | function '(' (expr (',' expr)*)? ')'
//!           | path | instance
//! path     := '/' steps? | steps | 'current()' ('/' steps)?
//! steps    := step ('/' step)*
//! step     := (name | '@' name | '.' | '..') ('[' expr ']')*
//! instance := 'instance(' string ')/root/item' ('[' expr ']')* ('/' name)?
//! ```

use super::ast::{BinOp, Expr, InstanceQuery, Path, PathStart, Step, StepTest};
use super::calls;
use super::error::ParseError;
use super::functions::{self, Func, FuncInfo};
use super::lexer::{self, Tok, Token};

/// Deepest nesting of parentheses, function calls and unary minus accepted.
pub const MAX_DEPTH: usize = 200;
/// Highest syntax tree accepted (a chain of 500 additions is 500 high).
/// Evaluation recurses once per level, so this bounds its stack use.
pub const MAX_TREE_HEIGHT: usize = 500;

static EOF: Token = Token {
    tok: Tok::Eof,
    offset: 0,
};

/// A parsed sub-expression (boxed, to keep the parser's frames small) and the
/// height of its tree.
type Node = (Box<Expr>, usize);

/// Bound on the parser's own recursion: each parenthesis or call costs one
/// level, and so does each rise in precedence inside it (`a or b and c = d`
/// nests three levels), so deeply nested, operator-heavy input is refused
/// before it can exhaust the stack.
const MAX_RECURSION: usize = 4 * MAX_DEPTH;

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Nesting of parentheses and calls.
    depth: usize,
    /// Nesting of `binary` calls.
    recursion: usize,
}

fn too_deep(offset: usize) -> ParseError {
    ParseError::new(
        offset,
        format!("the expression is nested too deeply (more than {MAX_DEPTH} levels)"),
    )
}

fn check_height(height: usize, offset: usize) -> Result<(), ParseError> {
    if height > MAX_TREE_HEIGHT {
        Err(ParseError::new(
            offset,
            format!(
                "the expression is too long or nested too deeply (more than {MAX_TREE_HEIGHT} levels)"
            ),
        ))
    } else {
        Ok(())
    }
}

fn column(offset: usize) -> usize {
    offset.saturating_add(1)
}

// In unoptimized builds every temporary of a function gets its own stack slot,
// so the functions on the recursive path (`binary`, `unary`, `primary`,
// `paren`, `call`) do little themselves and leave error messages and node
// building to `#[inline(never)]` helpers: this keeps 200 levels of nesting
// well within a 2 MiB thread stack even in debug builds.
impl Parser {
    fn peek(&self) -> &Token {
        self.toks.get(self.pos).unwrap_or(&EOF)
    }

    fn peek_second(&self) -> &Token {
        self.toks.get(self.pos + 1).unwrap_or(&EOF)
    }

    /// Skips the current token, returning its offset.
    fn advance(&mut self) -> usize {
        let offset = self.peek().offset;
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        offset
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        self.advance();
        t
    }

    fn enter(&mut self, offset: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(too_deep(offset))
        } else {
            Ok(())
        }
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The binary operator at the current position, if it binds at least as
    /// tightly as `min_prec`.
    fn operator(&self, min_prec: u8) -> Option<BinOp> {
        match self.peek().tok {
            Tok::Op(op) if op.precedence() >= min_prec => Some(op),
            _ => None,
        }
    }

    /// Binary operators binding at least as tightly as `min_prec` (1 = `or`
    /// ... 6 = `*`), left-associative; precedence climbing keeps the recursion
    /// shallow (one level per parenthesis, not one per precedence level).
    fn binary(&mut self, min_prec: u8) -> Result<Node, ParseError> {
        self.recursion += 1;
        if self.recursion > MAX_RECURSION {
            return Err(too_deep(self.peek().offset));
        }
        let mut lhs = self.unary()?;
        while let Some(op) = self.operator(min_prec) {
            let offset = self.advance();
            let rhs = self.binary(op.precedence() + 1)?;
            lhs = join(op, lhs, rhs, offset)?;
        }
        self.recursion -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        let minuses = self.minuses()?;
        let node = self.primary()?;
        if minuses.is_empty() {
            Ok(node)
        } else {
            negate(node, minuses)
        }
    }

    /// Consumes a run of unary minus signs, returning their offsets.
    #[inline(never)]
    fn minuses(&mut self) -> Result<Vec<usize>, ParseError> {
        let mut minuses = Vec::new();
        while self.peek().tok == Tok::Op(BinOp::Sub) {
            let offset = self.advance();
            if minuses.len() >= MAX_DEPTH {
                return Err(too_deep(offset));
            }
            minuses.push(offset);
        }
        Ok(minuses)
    }

    fn primary(&mut self) -> Result<Node, ParseError> {
        match self.primary_kind() {
            Primary::Paren => self.paren(),
            Primary::Instance => self.instance(),
            Primary::Call => {
                let node = self.call()?;
                if self.peek().tok == Tok::Slash {
                    self.path_after_call(node)
                } else {
                    Ok(node)
                }
            }
            Primary::Path => self.path(),
            Primary::Atom => self.atom(),
        }
    }

    /// What kind of primary starts at the current token.
    #[inline(never)]
    fn primary_kind(&self) -> Primary {
        let second = &self.peek_second().tok;
        match &self.peek().tok {
            Tok::LParen => Primary::Paren,
            Tok::Name(n) if *second == Tok::LParen && n == "instance" => Primary::Instance,
            Tok::Name(_) if *second == Tok::LParen => Primary::Call,
            Tok::Slash | Tok::DotDot | Tok::At => Primary::Path,
            Tok::Name(_) | Tok::Dot if matches!(second, Tok::Slash | Tok::LBracket) => {
                Primary::Path
            }
            _ => Primary::Atom,
        }
    }

    /// A location path starting at the current token (`/`, a name, `.`,
    /// `..` or `@`).
    fn path(&mut self) -> Result<Node, ParseError> {
        let start = if self.peek().tok == Tok::Slash {
            self.advance();
            if !self.at_step() {
                return Ok(root_path());
            }
            PathStart::Root
        } else {
            PathStart::Context
        };
        let (steps, height) = self.steps()?;
        finish_path(start, steps, height, self.peek().offset)
    }

    /// `current()` followed by `/`: a path from the current node. Any other
    /// call followed by `/` is an error.
    #[inline(never)]
    fn path_after_call(&mut self, node: Node) -> Result<Node, ParseError> {
        let slash = self.peek().offset;
        if *node.0 != Expr::Call(Func::Current, Vec::new()) {
            return Err(ParseError::new(slash, stray_slash_message()));
        }
        self.advance();
        if !self.at_step() {
            return Err(self.step_expected());
        }
        let (steps, height) = self.steps()?;
        finish_path(PathStart::Current, steps, height, slash)
    }

    fn at_step(&self) -> bool {
        match &self.peek().tok {
            Tok::Name(_) => self.peek_second().tok != Tok::LParen,
            Tok::Dot | Tok::DotDot | Tok::At => true,
            _ => false,
        }
    }

    #[cold]
    #[inline(never)]
    fn step_expected(&self) -> ParseError {
        let t = self.peek();
        let hint = match t.tok {
            Tok::Num(_) | Tok::Str(_) | Tok::Ref(_) | Tok::LParen => " (for division write 'div')",
            _ => "",
        };
        ParseError::new(
            t.offset,
            format!(
                "expected a name, '.', '..' or '@name' after '/', but found {}{hint}",
                t.tok.describe()
            ),
        )
    }

    /// `step ('/' step)*`, returning the steps and the height of their
    /// predicates.
    fn steps(&mut self) -> Result<(Vec<Step>, usize), ParseError> {
        let mut steps = Vec::new();
        let mut height = 0;
        loop {
            let test = self.step_test()?;
            let (predicates, h) = self.predicates()?;
            height = height.max(h);
            steps.push(Step { test, predicates });
            if self.peek().tok != Tok::Slash {
                return Ok((steps, height));
            }
            self.advance();
            if !self.at_step() {
                return Err(self.step_expected());
            }
        }
    }

    #[inline(never)]
    fn step_test(&mut self) -> Result<StepTest, ParseError> {
        let token = self.next();
        match token.tok {
            Tok::Dot => Ok(StepTest::SelfNode),
            Tok::DotDot => Ok(StepTest::Parent),
            Tok::Name(name) => step_name(name, token.offset).map(StepTest::Child),
            Tok::At => {
                let name_token = self.next();
                match name_token.tok {
                    Tok::Name(name) => step_name(name, name_token.offset).map(StepTest::Attribute),
                    other => Err(ParseError::new(
                        name_token.offset,
                        format!(
                            "expected an attribute name after '@', but found {}",
                            other.describe()
                        ),
                    )),
                }
            }
            other => Err(ParseError::new(
                token.offset,
                format!("expected a path step, but found {}", other.describe()),
            )),
        }
    }

    /// `('[' expr ']')*`, returning the predicates and their height.
    fn predicates(&mut self) -> Result<(Vec<Expr>, usize), ParseError> {
        let mut predicates = Vec::new();
        let mut height = 0;
        while self.peek().tok == Tok::LBracket {
            let (p, h) = self.predicate()?;
            height = height.max(h);
            predicates.push(*p);
        }
        Ok((predicates, height))
    }

    fn predicate(&mut self) -> Result<Node, ParseError> {
        let open = self.advance();
        self.enter(open)?;
        let node = self.binary(1)?;
        if self.peek().tok == Tok::RBracket {
            self.advance();
        } else {
            return Err(self.unclosed_bracket(open));
        }
        self.leave();
        Ok(node)
    }

    #[cold]
    #[inline(never)]
    fn unclosed_bracket(&self, open: usize) -> ParseError {
        let t = self.peek();
        let message = if t.tok == Tok::Eof {
            format!(
                "expected ']' to close '[' opened at column {}",
                column(open)
            )
        } else {
            format!(
                "expected ']' to close '[' opened at column {}, but found {}",
                column(open),
                t.tok.describe()
            )
        };
        ParseError::new(t.offset, message)
    }

    /// `instance('list')/root/item[...]/column`.
    fn instance(&mut self) -> Result<Node, ParseError> {
        let list = self.instance_head()?;
        let (predicates, height) = self.predicates()?;
        let column = self.instance_column()?;
        let height = height + 1;
        check_height(height, self.peek().offset)?;
        let query = InstanceQuery {
            list,
            predicates,
            column,
        };
        Ok((Box::new(Expr::Instance(Box::new(query))), height))
    }

    /// `instance('list')/root/item`, returning the list name.
    #[inline(never)]
    fn instance_head(&mut self) -> Result<String, ParseError> {
        let start = self.advance();
        self.advance(); // '('
        let token = self.next();
        let list = match token.tok {
            Tok::Str(s) if is_name(&s) => s,
            _ => {
                return Err(ParseError::new(
                    token.offset,
                    "instance() takes the name of a choice list in quotes, such as instance('crops')",
                ));
            }
        };
        let expected = [
            Tok::RParen,
            Tok::Slash,
            Tok::Name("root".into()),
            Tok::Slash,
            Tok::Name("item".into()),
        ];
        for want in expected {
            let token = self.next();
            if token.tok != want {
                return Err(ParseError::new(
                    if want == Tok::RParen {
                        token.offset
                    } else {
                        start
                    },
                    format!(
                        "instance('{list}') must be followed by /root/item, as in instance('{list}')/root/item[name = ${{q}}]/label"
                    ),
                ));
            }
        }
        Ok(list)
    }

    /// The optional `/column` after `instance(...)/root/item[...]`.
    #[inline(never)]
    fn instance_column(&mut self) -> Result<Option<String>, ParseError> {
        if self.peek().tok != Tok::Slash {
            return Ok(None);
        }
        self.advance();
        let token = self.next();
        let column = match token.tok {
            Tok::Name(name) if is_name(&name) => name,
            other => {
                return Err(ParseError::new(
                    token.offset,
                    format!(
                        "expected a column name after instance(...)/root/item/, but found {}",
                        other.describe()
                    ),
                ));
            }
        };
        if matches!(self.peek().tok, Tok::Slash | Tok::LBracket) {
            return Err(ParseError::new(
                self.peek().offset,
                "instance(...)/root/item/column cannot go further down",
            ));
        }
        Ok(Some(column))
    }

    fn paren(&mut self) -> Result<Node, ParseError> {
        let open = self.advance();
        self.enter(open)?;
        let node = self.binary(1)?;
        self.close(open, None)?;
        self.leave();
        Ok(node)
    }

    /// A primary that contains no sub-expression, or the error for a token
    /// that cannot start one.
    #[inline(never)]
    fn atom(&mut self) -> Result<Node, ParseError> {
        let token = self.next();
        let offset = token.offset;
        match token.tok {
            Tok::Num(n) => Ok((Box::new(Expr::Num(n)), 1)),
            Tok::Str(s) => Ok((Box::new(Expr::Str(s)), 1)),
            Tok::Ref(name) => Ok((Box::new(Expr::Ref(name)), 1)),
            Tok::LastSaved(name) => Ok((Box::new(Expr::LastSaved(name)), 1)),
            Tok::Dot => Ok((Box::new(Expr::Current), 1)),
            Tok::Name(name) if name.contains(':') => Err(ParseError::new(
                offset,
                format!(
                    "unexpected name '{name}' (names with a ':' prefix are only allowed for functions)"
                ),
            )),
            Tok::Name(name) => Ok((Box::new(Expr::Column(name)), 1)),
            Tok::Eof => Err(ParseError::new(offset, self.missing_value_message())),
            Tok::RParen => Err(ParseError::new(
                offset,
                "unexpected ')': a value is missing before it",
            )),
            Tok::Comma => Err(ParseError::new(
                offset,
                "unexpected ',': a value is missing before it",
            )),
            Tok::Op(op) => Err(ParseError::new(
                offset,
                format!("unexpected '{}': a value is missing before it", op.symbol()),
            )),
            Tok::LParen => Err(ParseError::new(offset, "unexpected '('")),
            Tok::Slash | Tok::DotDot | Tok::At | Tok::LBracket | Tok::RBracket => {
                Err(ParseError::new(
                    offset,
                    stray_message(&token.tok, "a value is missing before it"),
                ))
            }
        }
    }

    fn missing_value_message(&self) -> String {
        let before = self.pos.checked_sub(2).and_then(|i| self.toks.get(i));
        match before.map(|t| &t.tok) {
            Some(Tok::Op(op)) => format!(
                "unexpected end of expression: a value is missing after '{}'",
                op.symbol()
            ),
            _ => "unexpected end of expression".to_string(),
        }
    }

    /// Expects the `)` closing the `(` at `open` (of function `function`, if any).
    fn close(&mut self, open: usize, function: Option<&str>) -> Result<(), ParseError> {
        if self.peek().tok == Tok::RParen {
            self.advance();
            Ok(())
        } else {
            Err(self.unclosed(open, function))
        }
    }

    #[cold]
    #[inline(never)]
    fn unclosed(&self, open: usize, function: Option<&str>) -> ParseError {
        let t = self.peek();
        let what = match function {
            Some(f) => format!("the '(' of {f}() opened at column {}", column(open)),
            None => format!("'(' opened at column {}", column(open)),
        };
        let message = if t.tok == Tok::Eof {
            format!("expected ')' to close {what}")
        } else {
            format!(
                "expected ')' to close {what}, but found {}",
                t.tok.describe()
            )
        };
        ParseError::new(t.offset, message)
    }

    fn call(&mut self) -> Result<Node, ParseError> {
        let (info, name_offset) = self.call_head()?;
        let open = self.advance();
        self.enter(open)?;
        let mut args: Vec<(Expr, usize)> = Vec::new();
        let mut height = 0;
        if self.peek().tok == Tok::RParen {
            self.advance();
        } else {
            loop {
                let arg_offset = self.peek().offset;
                let (arg, h) = self.binary(1)?;
                height = height.max(h);
                args.push((*arg, arg_offset));
                if !self.after_argument(open, info.name)? {
                    break;
                }
            }
        }
        self.leave();
        finish_call(info, name_offset, args, height)
    }

    /// Consumes a function name, returning its table row and offset.
    #[inline(never)]
    fn call_head(&mut self) -> Result<(FuncInfo, usize), ParseError> {
        let token = self.next();
        let Tok::Name(name) = &token.tok else {
            return Err(ParseError::new(token.offset, "expected a function name"));
        };
        functions::lookup(name)
            .map(|info| (info, token.offset))
            .ok_or_else(|| ParseError::new(token.offset, functions::unknown_function_message(name)))
    }

    /// After an argument: `,` (more follow, true) or `)` (the end, false).
    #[inline(never)]
    fn after_argument(&mut self, open: usize, function: &str) -> Result<bool, ParseError> {
        match self.peek().tok {
            Tok::Comma => {
                self.advance();
                Ok(true)
            }
            Tok::RParen | Tok::Eof => self.close(open, Some(function)).map(|()| false),
            Tok::Slash | Tok::LBracket => {
                let t = self.peek();
                Err(ParseError::new(t.offset, stray_message(&t.tok, "")))
            }
            _ => {
                let t = self.peek();
                Err(ParseError::new(
                    t.offset,
                    format!(
                        "expected ',' or ')' after an argument of {function}(), but found {}",
                        t.tok.describe()
                    ),
                ))
            }
        }
    }
}

/// The kinds of primary expression.
enum Primary {
    Paren,
    Instance,
    Call,
    Path,
    Atom,
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(lexer::is_name_start) && chars.all(lexer::is_name_char)
}

fn step_name(name: String, offset: usize) -> Result<String, ParseError> {
    if name.contains(':') {
        Err(ParseError::new(
            offset,
            format!(
                "unexpected name '{name}' (names with a ':' prefix are only allowed for functions)"
            ),
        ))
    } else {
        Ok(name)
    }
}

fn root_path() -> Node {
    let path = Path {
        start: PathStart::Root,
        steps: Vec::new(),
    };
    (Box::new(Expr::Path(Box::new(path))), 1)
}

/// Builds a path node; a lone `.` is [`Expr::Current`] and a lone name
/// [`Expr::Column`], as they were before paths existed.
#[inline(never)]
fn finish_path(
    start: PathStart,
    mut steps: Vec<Step>,
    height: usize,
    offset: usize,
) -> Result<Node, ParseError> {
    let height = height + 1;
    check_height(height, offset)?;
    if start == PathStart::Context
        && let [step] = steps.as_mut_slice()
        && step.predicates.is_empty()
    {
        match &mut step.test {
            StepTest::SelfNode => return Ok((Box::new(Expr::Current), 1)),
            StepTest::Child(name) => {
                return Ok((Box::new(Expr::Column(std::mem::take(name))), 1));
            }
            _ => {}
        }
    }
    let path = Path { start, steps };
    Ok((Box::new(Expr::Path(Box::new(path))), height))
}

fn stray_slash_message() -> String {
    "unexpected '/': paths start with '/', a name, '.', '..', current()/ or instance('...')/; for division write 'div'".to_string()
}

/// The message for a token where an operator or the end was expected.
fn stray_message(tok: &Tok, expected: &str) -> String {
    match tok {
        Tok::Slash => stray_slash_message(),
        Tok::LBracket => "unexpected '[': a predicate here is not supported; predicates can only follow a path step, as in /data/repeat[position() = 1]/question (for a question in a repeat, use indexed-repeat())".to_string(),
        Tok::RBracket => "unexpected ']' without a matching '['".to_string(),
        other => format!("unexpected {}: {expected}", other.describe()),
    }
}

#[inline(never)]
fn join(op: BinOp, lhs: Node, rhs: Node, offset: usize) -> Result<Node, ParseError> {
    let height = 1 + lhs.1.max(rhs.1);
    check_height(height, offset)?;
    Ok((Box::new(Expr::Binary(op, lhs.0, rhs.0)), height))
}

#[inline(never)]
fn negate(node: Node, minuses: Vec<usize>) -> Result<Node, ParseError> {
    let (mut expr, mut height) = node;
    for offset in minuses.into_iter().rev() {
        expr = match *expr {
            Expr::Num(n) => Box::new(Expr::Num(-n)),
            _ => {
                height += 1;
                check_height(height, offset)?;
                Box::new(Expr::Neg(expr))
            }
        };
    }
    Ok((expr, height))
}

#[inline(never)]
fn finish_call(
    info: FuncInfo,
    name_offset: usize,
    args: Vec<(Expr, usize)>,
    height: usize,
) -> Result<Node, ParseError> {
    let count = args.len();
    if count < info.min_args || info.max_args.is_some_and(|max| count > max) {
        return Err(ParseError::new(
            name_offset,
            functions::arity_message(&info, count),
        ));
    }
    let height = height + 1;
    check_height(height, name_offset)?;
    Ok((Box::new(calls::build_call(info.func, args)?), height))
}

/// Parses an expression. See the module documentation for the grammar.
pub(crate) fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lexer::tokenize(src)?;
    let mut parser = Parser {
        toks,
        pos: 0,
        depth: 0,
        recursion: 0,
    };
    if parser.peek().tok == Tok::Eof {
        return Err(ParseError::new(0, "the expression is empty"));
    }
    let (expr, _) = parser.binary(1)?;
    let t = parser.peek();
    let message = match &t.tok {
        Tok::Eof => return Ok(*expr),
        Tok::RParen => "unexpected ')' without a matching '('".to_string(),
        Tok::Comma => "unexpected ',' outside the arguments of a function".to_string(),
        other => stray_message(
            other,
            "an operator (such as '+', '=' or 'and') is missing before it",
        ),
    };
    Err(ParseError::new(t.offset, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Func;
    use crate::expr::ast::BinOp::*;
    use rstest::rstest;

    fn num(n: f64) -> Box<Expr> {
        Box::new(Expr::Num(n))
    }

    fn bin(op: BinOp, l: Box<Expr>, r: Box<Expr>) -> Box<Expr> {
        Box::new(Expr::Binary(op, l, r))
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(
            parse("1 + 2 * 3").unwrap(),
            *bin(Add, num(1.0), bin(Mul, num(2.0), num(3.0)))
        );
        assert_eq!(
            parse("1 - 2 - 3").unwrap(),
            *bin(Sub, bin(Sub, num(1.0), num(2.0)), num(3.0))
        );
        assert_eq!(
            parse("8 div 4 mod 3").unwrap(),
            *bin(Mod, bin(Div, num(8.0), num(4.0)), num(3.0))
        );
        assert_eq!(
            parse("1 < 2 = 3 > 4").unwrap(),
            *bin(Eq, bin(Lt, num(1.0), num(2.0)), bin(Gt, num(3.0), num(4.0)))
        );
        assert_eq!(
            parse("1 or 2 and 3").unwrap(),
            *bin(Or, num(1.0), bin(And, num(2.0), num(3.0)))
        );
        assert_eq!(parse("-7 mod 3").unwrap(), *bin(Mod, num(-7.0), num(3.0)));
        assert_eq!(
            parse("(1 + 2) * 3").unwrap(),
            *bin(Mul, bin(Add, num(1.0), num(2.0)), num(3.0))
        );
    }

    #[test]
    fn unary_minus() {
        assert_eq!(parse("-5").unwrap(), Expr::Num(-5.0));
        assert_eq!(parse("--5").unwrap(), Expr::Num(5.0));
        assert_eq!(
            parse("-${x}").unwrap(),
            Expr::Neg(Box::new(Expr::Ref("x".into())))
        );
        assert_eq!(parse("2 - -1").unwrap(), *bin(Sub, num(2.0), num(-1.0)));
    }

    #[test]
    fn primaries() {
        assert_eq!(parse(" . ").unwrap(), Expr::Current);
        assert_eq!(parse("regione").unwrap(), Expr::Column("regione".into()));
        assert_eq!(parse("${A01}").unwrap(), Expr::Ref("A01".into()));
        assert_eq!(parse("'x'").unwrap(), Expr::Str("x".into()));
        assert_eq!(parse("today()").unwrap(), Expr::Call(Func::Today, vec![]));
        assert_eq!(
            parse("concat ( 'a' , 'b' )").unwrap(),
            Expr::Call(
                Func::Concat,
                vec![Expr::Str("a".into()), Expr::Str("b".into())]
            )
        );
        assert_eq!(
            parse("string-length()").unwrap(),
            parse("string-length(.)").unwrap()
        );
        assert_eq!(
            parse("is-selected(., 'a')").unwrap(),
            parse("selected(., 'a')").unwrap()
        );
    }

    #[rstest]
    #[case("jr:choice-name(${A02}, '${A01}')", "A01")]
    #[case("jr:choice-name(${A02}, ' /data/grp/A01 ')", "A01")]
    #[case("jr:choice-name(., \"${my-q}\")", "my-q")]
    fn choice_name_targets(#[case] src: &str, #[case] expected: &str) {
        let Expr::ChoiceName(_, name) = parse(src).unwrap() else {
            panic!("not a choice-name node")
        };
        assert_eq!(name, expected);
    }

    #[rstest]
    #[case("", 0, "the expression is empty")]
    #[case("   ", 0, "the expression is empty")]
    #[case("1 +", 3, "unexpected end of expression: a value is missing after '+'")]
    #[case("(1 + 2", 6, "expected ')' to close '(' opened at column 1")]
    #[case("concat(1, (2", 12, "expected ')' to close '(' opened at column 11")]
    #[case(
        "concat(1, 2",
        11,
        "expected ')' to close the '(' of concat() opened at column 7"
    )]
    #[case(
        "concat(1 2)",
        9,
        "expected ',' or ')' after an argument of concat(), but found number 2"
    )]
    #[case(
        "1 2",
        2,
        "unexpected number 2: an operator (such as '+', '=' or 'and') is missing before it"
    )]
    #[case("a b", 2, "unexpected name 'b': an operator")]
    #[case("1 + 2)", 5, "unexpected ')' without a matching '('")]
    #[case("1, 2", 1, "unexpected ','")]
    #[case("* 2", 0, "unexpected '*': a value is missing before it")]
    #[case("1 = = 2", 4, "unexpected '='")]
    #[case("foo(1)", 0, "unknown function 'foo'")]
    #[case(
        "x + lenght(.)",
        4,
        "unknown function 'lenght' (did you mean string-length?)"
    )]
    #[case(
        "round(1, 2, 3)",
        0,
        "function 'round' needs 1 or 2 arguments, but 3 were given"
    )]
    #[case(
        "1 + today(1)",
        4,
        "function 'today' takes no arguments, but 1 was given"
    )]
    #[case(
        "if(1, 2)",
        0,
        "function 'if' needs exactly 3 arguments, but 2 were given"
    )]
    #[case(
        "regex(., '[a-')",
        9,
        "invalid regular expression '[a-': unclosed character class"
    )]
    #[case("format-date(., '%Q')", 15, "unknown date format code '%Q'")]
    #[case("jr:choice-name(., ${x})", 18, "must name the question in quotes")]
    #[case("jr:choice-name(., 'a b')", 18, "must name the question in quotes")]
    #[case("jr:foo", 0, "unexpected name 'jr:foo'")]
    #[case("sum(1 + 2)", 4, "sum() takes a repeat")]
    #[case("1 / 2", 2, "for division write 'div'")]
    #[case("${x}/y", 4, "for division write 'div'")]
    #[case("concat(${x}/y)", 11, "for division write 'div'")]
    #[case("round(2)/y", 8, "for division write 'div'")]
    #[case("/data/", 6, "expected a name, '.', '..' or '@name' after '/'")]
    #[case("x/2", 2, "but found number 2 (for division write 'div')")]
    #[case("/data/x[1", 9, "expected ']' to close '[' opened at column 8")]
    #[case("${x}[1]", 4, "predicates can only follow a path step")]
    #[case("x]", 1, "without a matching '['")]
    #[case("@", 1, "expected an attribute name")]
    #[case("instance('x')", 0, "must be followed by /root/item")]
    #[case("instance('x')/root/items", 0, "must be followed by /root/item")]
    #[case("instance(${x})/root/item", 9, "name of a choice list in quotes")]
    #[case("instance('x')/root/item/label/x", 29, "cannot go further down")]
    #[case("instance('x')/root/item/'a'", 24, "expected a column name")]
    #[case(
        "indexed-repeat(${a}, ${r}, 1, ${s})",
        30,
        "3, 5, 7, 9 or 11 arguments"
    )]
    #[case("indexed-repeat('a', ${r}, 1)", 15, "must be a question")]
    #[case("indexed-repeat(${a}, 'r', 1)", 21, "needs a repeat")]
    #[case("position(${a})", 9, "position() takes a path")]
    #[case("area('1 2;3 4')", 5, "area() needs a geoshape")]
    #[case("count('x')", 6, "count() takes a repeat")]
    #[case("last()", 0, "not available in ODK Collect")]
    #[case("/data/jr:x", 6, "':' prefix")]
    fn syntax_errors(#[case] src: &str, #[case] offset: usize, #[case] fragment: &str) {
        let err = parse(src).unwrap_err();
        assert!(err.message.contains(fragment), "{src:?}: {err}");
        assert_eq!(err.offset, offset, "{src:?}: {err}");
    }

    #[test]
    fn nesting_limit_is_a_parse_error() {
        let ok = format!("{}1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!(
            "{}1{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(
            parse(&deep)
                .unwrap_err()
                .message
                .contains("nested too deeply")
        );
        let huge = "(".repeat(100_000);
        assert!(parse(&huge).is_err());
        let calls = format!("{}1{}", "abs(".repeat(100_000), ")".repeat(100_000));
        assert!(parse(&calls).is_err());
        let minus = format!("{}${{x}}", "-".repeat(100_000));
        assert!(parse(&minus).is_err());
    }

    #[test]
    fn long_chains_are_bounded_by_tree_height() {
        let ok = vec!["${x}"; MAX_TREE_HEIGHT].join(" + ");
        assert!(parse(&ok).is_ok());
        let long = vec!["${x}"; MAX_TREE_HEIGHT + 2].join(" + ");
        assert!(parse(&long).unwrap_err().message.contains("too long"));
        let huge = vec!["1"; 200_000].join(" or ");
        assert!(parse(&huge).is_err());
    }
}
