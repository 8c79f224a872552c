//! Expressions written back as text (in messages), in a spelling the
//! parser reads back.

use super::*;

/// Writes `s` as an XPath string literal. XPath 1.0 has no escapes, so a string
/// with both kinds of quote becomes a `concat()` of pieces.
fn write_string_literal(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let single = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}');
    let double = |c: char| matches!(c, '"' | '\u{201C}' | '\u{201D}');
    if !s.contains(single) {
        return write!(f, "'{s}'");
    }
    if !s.contains(double) {
        return write!(f, "\"{s}\"");
    }
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in s.chars() {
        if single(c) {
            if !run.is_empty() {
                parts.push(format!("'{run}'"));
                run.clear();
            }
            parts.push(format!("\"{c}\""));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        parts.push(format!("'{run}'"));
    }
    write!(f, "concat({}", parts.join(", "))?;
    f.write_str(")")
}

fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, parenthesize: bool) -> fmt::Result {
    if parenthesize {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

/// Prints the expression back as XPath, with the parentheses it needs and no
/// others. Parsing the output gives the same tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(n) if n.is_nan() => f.write_str("(0 div 0)"),
            Expr::Num(n) if n.is_infinite() && *n > 0.0 => f.write_str("(1 div 0)"),
            Expr::Num(n) if n.is_infinite() => f.write_str("(-1 div 0)"),
            Expr::Num(n) => write!(f, "{n}"),
            Expr::Str(s) => write_string_literal(f, s),
            Expr::Ref(name) => write!(f, "${{{name}}}"),
            Expr::LastSaved(name) => write!(f, "${{last-saved#{name}}}"),
            Expr::Current => f.write_str("."),
            Expr::Column(name) => f.write_str(name),
            Expr::Neg(e) => {
                f.write_str("-")?;
                write_operand(f, e, e.precedence() < 8)
            }
            Expr::Binary(op, l, r) => {
                let p = op.precedence();
                write_operand(f, l, l.precedence() < p)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, r, r.precedence() <= p)
            }
            Expr::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            Expr::Regex(subject, pattern) => {
                write!(f, "regex({subject}, ")?;
                match pattern {
                    RegexPattern::Literal(re) => write_string_literal(f, &re.source)?,
                    RegexPattern::Dynamic(e) => write!(f, "{e}")?,
                }
                f.write_str(")")
            }
            Expr::ChoiceName(value, question) => {
                write!(f, "jr:choice-name({value}, '${{{question}}}')")
            }
            Expr::Path(path) => write!(f, "{path}"),
            Expr::Instance(q) => {
                write!(f, "instance('{}')/root/item", q.list)?;
                write_predicates(f, &q.predicates)?;
                match &q.column {
                    Some(c) => write!(f, "/{c}"),
                    None => Ok(()),
                }
            }
            Expr::IndexedRepeat(ir) => {
                write!(f, "indexed-repeat(${{{}}}", ir.name)?;
                for (repeat, index) in &ir.steps {
                    write!(f, ", ${{{repeat}}}, {index}")?;
                }
                f.write_str(")")
            }
        }
    }
}

fn write_predicates(f: &mut fmt::Formatter<'_>, predicates: &[Expr]) -> fmt::Result {
    for p in predicates {
        write!(f, "[{p}]")?;
    }
    Ok(())
}

/// Prints the path as XPath. The bare root prints as `(/)`, so that an
/// operator name after it (`(/) div 2`) is not read as a step.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.start {
            PathStart::Root if self.steps.is_empty() => return f.write_str("(/)"),
            PathStart::Root => f.write_str("/")?,
            PathStart::Current if self.steps.is_empty() => return f.write_str("current()"),
            PathStart::Current => f.write_str("current()/")?,
            PathStart::Context => {}
        }
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            match &step.test {
                StepTest::Child(name) => f.write_str(name)?,
                StepTest::Attribute(name) => write!(f, "@{name}")?,
                StepTest::SelfNode => f.write_str(".")?,
                StepTest::Parent => f.write_str("..")?,
            }
            write_predicates(f, &step.predicates)?;
        }
        Ok(())
    }
}
