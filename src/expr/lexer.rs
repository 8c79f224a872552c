//! Tokenizer. Offsets are counted in characters from 0.
//!
//! Follows XPath 1.0's lexical disambiguation: `and`, `or`, `div` and `mod`
//! are operators only right after an operand (a literal, a reference, `.`, a
//! name or `)`); elsewhere they are ordinary names. Names may contain `-` and
//! `.` (`count-selected`, `my-name`), so `a-b` is one name and `a - b` a
//! subtraction. Smart quotes count as plain quotes, as pyxform cleans them.

use super::ast::BinOp;
use super::error::ParseError;
use super::numfmt;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Num(f64),
    Str(String),
    Ref(String),
    /// `${last-saved#name}`.
    LastSaved(String),
    Dot,
    /// A name, possibly prefixed (`jr:choice-name`).
    Name(String),
    LParen,
    RParen,
    Comma,
    /// `/`: a path separator (division is `div`).
    Slash,
    /// `..`: the parent node.
    DotDot,
    /// `@`: an attribute step.
    At,
    LBracket,
    RBracket,
    /// A binary operator; `-` is also used for unary minus.
    Op(BinOp),
    Eof,
}

impl Tok {
    /// Whether this token can end an operand (after it an operator is expected).
    fn ends_operand(&self) -> bool {
        matches!(
            self,
            Tok::Num(_)
                | Tok::Str(_)
                | Tok::Ref(_)
                | Tok::LastSaved(_)
                | Tok::Dot
                | Tok::DotDot
                | Tok::Name(_)
                | Tok::RParen
                | Tok::RBracket
        )
    }

    /// How the token is named in error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Num(n) => format!("number {}", numfmt::format_number(*n)),
            Tok::Str(s) => format!("text '{}'", shorten(s)),
            Tok::Ref(name) => format!("${{{name}}}"),
            Tok::LastSaved(name) => format!("${{last-saved#{name}}}"),
            Tok::Dot => "'.'".to_string(),
            Tok::Name(name) => format!("name '{}'", shorten(name)),
            Tok::LParen => "'('".to_string(),
            Tok::RParen => "')'".to_string(),
            Tok::Comma => "','".to_string(),
            Tok::Slash => "'/'".to_string(),
            Tok::DotDot => "'..'".to_string(),
            Tok::At => "'@'".to_string(),
            Tok::LBracket => "'['".to_string(),
            Tok::RBracket => "']'".to_string(),
            Tok::Op(op) => format!("'{}'", op.symbol()),
            Tok::Eof => "the end of the expression".to_string(),
        }
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 30 {
        let head: String = s.chars().take(27).collect();
        format!("{head}...")
    } else {
        s.to_string()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub offset: usize,
}

pub(crate) fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

pub(crate) fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{B7}')
}

fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}')
}

fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}')
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    toks: Vec<Token>,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos.saturating_add(ahead)).copied()
    }

    fn take_while(&mut self, pred: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek(0).filter(|&c| pred(c)) {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn push(&mut self, tok: Tok, offset: usize) {
        self.toks.push(Token { tok, offset });
    }

    fn after_operand(&self) -> bool {
        self.toks.last().is_some_and(|t| t.tok.ends_operand())
    }

    fn number(&mut self, start: usize) -> Result<(), ParseError> {
        let mut text = self.take_while(|c| c.is_ascii_digit());
        if self.peek(0) == Some('.') {
            self.pos += 1;
            text.push('.');
            text.push_str(&self.take_while(|c| c.is_ascii_digit()));
        }
        let exponent = matches!(self.peek(0), Some('e' | 'E'))
            && match self.peek(1) {
                Some('+' | '-') => self.peek(2).is_some_and(|c| c.is_ascii_digit()),
                next => next.is_some_and(|c| c.is_ascii_digit()),
            };
        if exponent {
            return Err(ParseError::new(
                start,
                format!(
                    "numbers cannot be written with an exponent ('{text}e...'); write all the digits"
                ),
            ));
        }
        let value: f64 = text
            .parse()
            .map_err(|_| ParseError::new(start, format!("invalid number '{text}'")))?;
        self.push(Tok::Num(value), start);
        Ok(())
    }

    fn string(&mut self, start: usize, single: bool) -> Result<(), ParseError> {
        let closes = |c: char| {
            if single {
                is_single_quote(c)
            } else {
                is_double_quote(c)
            }
        };
        self.pos += 1;
        let text = self.take_while(|c| !closes(c));
        if self.peek(0).is_none() {
            let quote = if single { '\'' } else { '"' };
            return Err(ParseError::new(
                start,
                format!("the text starting here is missing its closing quote ({quote})"),
            ));
        }
        self.pos += 1;
        self.push(Tok::Str(text), start);
        Ok(())
    }

    fn reference(&mut self, start: usize) -> Result<(), ParseError> {
        if self.peek(1) != Some('{') {
            return Err(ParseError::new(
                start,
                "unexpected '$' (references are written ${name})",
            ));
        }
        self.pos += 2;
        let name_start = self.pos;
        let name = self.take_while(|c| c != '}');
        if self.peek(0).is_none() {
            return Err(ParseError::new(start, "'${' is not closed by '}'"));
        }
        self.pos += 1;
        if name.is_empty() {
            return Err(ParseError::new(
                start,
                "empty reference '${}': write ${name}",
            ));
        }
        let (last_saved, name) = match name.strip_prefix("last-saved#") {
            Some(rest) => (true, rest.to_string()),
            None => (false, name),
        };
        if name.is_empty() {
            return Err(ParseError::new(
                start,
                "empty reference '${last-saved#}': write ${last-saved#name}",
            ));
        }
        let name_start = name_start + if last_saved { "last-saved#".len() } else { 0 };
        for (i, c) in name.chars().enumerate() {
            let ok = if i == 0 {
                is_name_start(c)
            } else {
                is_name_char(c)
            };
            if !ok {
                let what = if c.is_whitespace() {
                    "a space".to_string()
                } else {
                    format!("'{c}'")
                };
                let rule = if i == 0 {
                    "must start with a letter or '_'"
                } else {
                    "may contain only letters, digits, '_', '-' and '.'"
                };
                return Err(ParseError::new(
                    name_start + i,
                    format!("invalid question name '${{{name}}}': {what} found, but a name {rule}"),
                ));
            }
        }
        self.push(
            if last_saved {
                Tok::LastSaved(name)
            } else {
                Tok::Ref(name)
            },
            start,
        );
        Ok(())
    }

    fn name(&mut self, start: usize) {
        let mut name = self.take_while(is_name_char);
        if self.peek(0) == Some(':') && self.peek(1).is_some_and(is_name_start) {
            self.pos += 1;
            name.push(':');
            name.push_str(&self.take_while(is_name_char));
        }
        let keyword = match name.as_str() {
            "and" => Some(BinOp::And),
            "or" => Some(BinOp::Or),
            "div" => Some(BinOp::Div),
            "mod" => Some(BinOp::Mod),
            _ => None,
        };
        match keyword {
            Some(op) if self.after_operand() => self.push(Tok::Op(op), start),
            _ => self.push(Tok::Name(name), start),
        }
    }

    fn op(&mut self, start: usize, op: BinOp, len: usize) {
        self.pos += len;
        self.push(Tok::Op(op), start);
    }

    fn run(&mut self) -> Result<(), ParseError> {
        while let Some(c) = self.peek(0) {
            let start = self.pos;
            let next = self.peek(1);
            let err = |msg: &str| Err(ParseError::new(start, msg));
            match c {
                c if c.is_whitespace() => self.pos += 1,
                '0'..='9' => self.number(start)?,
                '.' if next.is_some_and(|n| n.is_ascii_digit()) => self.number(start)?,
                '.' if next == Some('.') => {
                    self.pos += 2;
                    self.push(Tok::DotDot, start);
                }
                '.' => {
                    self.pos += 1;
                    self.push(Tok::Dot, start);
                }
                c if is_single_quote(c) => self.string(start, true)?,
                c if is_double_quote(c) => self.string(start, false)?,
                '$' => self.reference(start)?,
                '(' => {
                    self.pos += 1;
                    self.push(Tok::LParen, start);
                }
                ')' => {
                    self.pos += 1;
                    self.push(Tok::RParen, start);
                }
                ',' => {
                    self.pos += 1;
                    self.push(Tok::Comma, start);
                }
                '=' if next == Some('=') => {
                    return err("'==' is not an operator: write '=' to compare");
                }
                '=' => self.op(start, BinOp::Eq, 1),
                '!' if next == Some('=') => self.op(start, BinOp::Ne, 2),
                '!' => {
                    return err(
                        "unexpected '!': write '!=' for \"not equal\" or not(...) to negate",
                    );
                }
                '<' if next == Some('>') => {
                    return err("'<>' is not an operator: write '!=' for \"not equal\"");
                }
                '<' if next == Some('=') => self.op(start, BinOp::Le, 2),
                '<' => self.op(start, BinOp::Lt, 1),
                '>' if next == Some('=') => self.op(start, BinOp::Ge, 2),
                '>' => self.op(start, BinOp::Gt, 1),
                '+' => self.op(start, BinOp::Add, 1),
                '-' => self.op(start, BinOp::Sub, 1),
                '*' => self.op(start, BinOp::Mul, 1),
                '&' => return err("unexpected '&': write 'and' to combine conditions"),
                '|' if next == Some('|') => {
                    return err("'||' is not an operator: write 'or' to combine conditions");
                }
                '|' => return err("the union operator '|' is not supported"),
                '/' if next == Some('/') => {
                    return err(
                        "the descendant axis '//' is not supported (ODK Collect refuses it too); write the whole path, such as /data/group/question",
                    );
                }
                '/' => {
                    self.pos += 1;
                    self.push(Tok::Slash, start);
                }
                '[' => {
                    self.pos += 1;
                    self.push(Tok::LBracket, start);
                }
                ']' => {
                    self.pos += 1;
                    self.push(Tok::RBracket, start);
                }
                '@' => {
                    self.pos += 1;
                    self.push(Tok::At, start);
                }
                '{' | '}' => {
                    return err("unexpected brace: references are written ${name}");
                }
                c if is_name_start(c) => self.name(start),
                c => {
                    let shown = if c.is_control() {
                        format!("U+{:04X}", u32::from(c))
                    } else {
                        format!("'{c}'")
                    };
                    return Err(ParseError::new(
                        start,
                        format!("unexpected character {shown}"),
                    ));
                }
            }
        }
        let end = self.chars.len();
        self.push(Tok::Eof, end);
        Ok(())
    }
}

/// Splits `src` into tokens, ending with [`Tok::Eof`].
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut lexer = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        toks: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.toks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .filter(|t| *t != Tok::Eof)
            .collect()
    }

    fn name(s: &str) -> Tok {
        Tok::Name(s.to_string())
    }

    #[test]
    fn numbers() {
        assert_eq!(
            toks("12 3.5 .5 7."),
            [Tok::Num(12.0), Tok::Num(3.5), Tok::Num(0.5), Tok::Num(7.0)]
        );
    }

    #[test]
    fn strings_end_at_the_matching_quote() {
        assert_eq!(
            toks(r#"'a"b' "c'd""#),
            [Tok::Str("a\"b".into()), Tok::Str("c'd".into())]
        );
        assert_eq!(
            toks("‘smart’ “quotes”"),
            [Tok::Str("smart".into()), Tok::Str("quotes".into())]
        );
        // pyxform turns the apostrophe into a quote too, so this is broken there as well.
        assert!(tokenize("'it’s'").is_err());
        assert_eq!(toks("\"it’s\""), [Tok::Str("it’s".into())]);
    }

    #[test]
    fn names_with_dashes_and_dots() {
        assert_eq!(
            toks("count-selected(${my-name})"),
            [
                name("count-selected"),
                Tok::LParen,
                Tok::Ref("my-name".into()),
                Tok::RParen
            ]
        );
        assert_eq!(
            toks("a-b a - b"),
            [name("a-b"), name("a"), Tok::Op(BinOp::Sub), name("b")]
        );
        assert_eq!(toks("jr:choice-name"), [name("jr:choice-name")]);
        assert_eq!(
            toks("${a}-1"),
            [Tok::Ref("a".into()), Tok::Op(BinOp::Sub), Tok::Num(1.0)]
        );
    }

    #[test]
    fn operator_names_only_after_operands() {
        assert_eq!(
            toks("div div div"),
            [name("div"), Tok::Op(BinOp::Div), name("div")]
        );
        assert_eq!(
            toks("(and) or mod"),
            [
                Tok::LParen,
                name("and"),
                Tok::RParen,
                Tok::Op(BinOp::Or),
                name("mod")
            ]
        );
        assert_eq!(
            toks("1 and android"),
            [Tok::Num(1.0), Tok::Op(BinOp::And), name("android")]
        );
    }

    #[test]
    fn path_tokens() {
        assert_eq!(
            toks("/data/@id ../x[2] ./y"),
            [
                Tok::Slash,
                name("data"),
                Tok::Slash,
                Tok::At,
                name("id"),
                Tok::DotDot,
                Tok::Slash,
                name("x"),
                Tok::LBracket,
                Tok::Num(2.0),
                Tok::RBracket,
                Tok::Dot,
                Tok::Slash,
                name("y"),
            ]
        );
        // After '/', '@' and '[' an operator name is a name; after '..' and ']' an operator.
        assert_eq!(
            toks("/div .. div x[1] and /and"),
            [
                Tok::Slash,
                name("div"),
                Tok::DotDot,
                Tok::Op(BinOp::Div),
                name("x"),
                Tok::LBracket,
                Tok::Num(1.0),
                Tok::RBracket,
                Tok::Op(BinOp::And),
                Tok::Slash,
                name("and"),
            ]
        );
    }

    #[test]
    fn comparison_operators() {
        use BinOp::*;
        assert_eq!(
            toks("= != < <= > >="),
            [Eq, Ne, Lt, Le, Gt, Ge].map(Tok::Op)
        );
    }

    #[test]
    fn offsets_count_characters() {
        let t = tokenize("'é' = ${x}").unwrap();
        let offsets: Vec<usize> = t.iter().map(|t| t.offset).collect();
        assert_eq!(offsets, [0, 4, 6, 10]);
    }

    #[rstest]
    #[case("'abc", 0, "missing its closing quote")]
    #[case("1 = \"abc", 4, "missing its closing quote")]
    #[case("${abc", 0, "not closed")]
    #[case("${}", 0, "empty reference")]
    #[case("${a b}", 3, "a space found")]
    #[case("${1a}", 2, "must start with a letter")]
    #[case("$x", 0, "references are written")]
    #[case("a == b", 2, "'=='")]
    #[case("a && b", 2, "'and'")]
    #[case("a || b", 2, "'or'")]
    #[case("//x", 0, "descendant axis")]
    #[case("/data//x", 5, "descendant axis")]
    #[case("1 # 2", 2, "unexpected character '#'")]
    #[case("x = 1e5", 4, "exponent")]
    #[case("x = 2.5E-3", 4, "exponent")]
    #[case("a <> b", 2, "'!='")]
    #[case("1 \u{1} 2", 2, "U+0001")]
    #[case("${last-saved#}", 0, "last-saved")]
    #[case("${last-saved#1x}", 13, "must start with a letter")]
    fn lexical_errors(#[case] src: &str, #[case] offset: usize, #[case] fragment: &str) {
        let err = tokenize(src).unwrap_err();
        assert_eq!(err.offset, offset, "{err}");
        assert!(err.message.contains(fragment), "{err}");
    }
}
