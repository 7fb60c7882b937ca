//! Expressions: GNU-as syntax and precedence, register names, `@l/@h/@ha`, and
//! evaluation to section-relative or absolute values.
//!
//! Precedence (as GNU as, highest first): unary `- ~ !`; `* / % << >>`; `| & ^ !`;
//! `+ - == != <> < > <= >=`; `&& ||`. A trailing `@l`, `@h` or `@ha` applies to the
//! whole expression before it.

use super::error::{syntax, AsmErrorKind, Res};
use super::lexer::{is_ident_char, is_ident_start};

/// The class of a register name used as an operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegClass {
    Gpr,
    Vr,
    Cr,
    CrBit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reloc {
    Lo,
    Hi,
    Ha,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    Or,
    And,
    Xor,
    OrNot,
    Add,
    Sub,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    LogAnd,
    LogOr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Num(i64),
    Sym(String),
    /// The current location `.`.
    Dot,
    Reg(RegClass, u8),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    LogNot(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Reloc(Reloc, Box<Expr>),
}

/// A value: an offset into a section (before layout) or an absolute number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Value {
    pub sec: Option<usize>,
    pub off: i64,
}

impl Value {
    pub fn abs(off: i64) -> Self {
        Self { sec: None, off }
    }
}

/// Supplies symbol values and the location counter during evaluation.
pub(crate) trait Resolve {
    fn symbol(&self, name: &str, depth: u32) -> Res<Value>;
    fn dot(&self) -> Value;
}

/// Register names recognised in operands (`%` prefix optional).
pub(crate) fn register_name(name: &str) -> Option<(RegClass, u8)> {
    let lower = name.to_ascii_lowercase();
    let n = lower.strip_prefix('%').unwrap_or(&lower);
    let num = |s: &str, max: u8| -> Option<u8> {
        if s.is_empty() || s.len() > 2 || (s.len() == 2 && s.starts_with('0')) {
            return None;
        }
        s.parse::<u8>().ok().filter(|&v| v <= max)
    };
    if let Some(d) = n.strip_prefix("cr") {
        return num(d, 7).map(|v| (RegClass::Cr, v));
    }
    if let Some(d) = n.strip_prefix("kv") {
        return num(d, 31).map(|v| (RegClass::Vr, v));
    }
    if let Some(d) = n.strip_prefix('r') {
        return num(d, 31).map(|v| (RegClass::Gpr, v));
    }
    if let Some(d) = n.strip_prefix('v') {
        return num(d, 31).map(|v| (RegClass::Vr, v));
    }
    match n {
        "lt" => Some((RegClass::CrBit, 0)),
        "gt" => Some((RegClass::CrBit, 1)),
        "eq" => Some((RegClass::CrBit, 2)),
        "so" | "un" => Some((RegClass::CrBit, 3)),
        _ if name.starts_with('%') => match n {
            "sp" => Some((RegClass::Gpr, 1)),
            "rtoc" => Some((RegClass::Gpr, 2)),
            _ => None,
        },
        _ => None,
    }
}

/// Names numeric local labels: definition number `count` of label `n`.
pub(crate) fn local_label_name(n: u64, count: u32) -> String {
    format!("\u{2}L{n}\u{2}{count}")
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64),
    Ident(String),
    /// Numeric local label reference: number, forward?
    Local(u64, bool),
    Op(&'static str),
    LParen,
    RParen,
    At(String),
}

const OPS: [&str; 23] = [
    "<<", ">>", "==", "!=", "<>", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "&", "|", "^",
    "~", "!", "<", ">", "(", ")",
];

fn parse_number(s: &[char], i: &mut usize) -> Res<Tok> {
    let start = *i;
    while *i < s.len() && s[*i].is_ascii_alphanumeric() {
        *i += 1;
    }
    let text: String = s[start..*i].iter().collect::<String>().to_ascii_lowercase();
    // `1b` / `1f`: numeric local label references.
    if let Some(d) = text.strip_suffix('b').or_else(|| text.strip_suffix('f')) {
        if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) {
            let n = d.parse::<u64>().map_err(|_| bad_number(&text))?;
            return Ok(Tok::Local(n, text.ends_with('f')));
        }
    }
    let (digits, radix) = if let Some(h) = text.strip_prefix("0x") {
        (h, 16)
    } else if let Some(b) = text.strip_prefix("0b") {
        (b, 2)
    } else if text.len() > 1 && text.starts_with('0') {
        (&text[1..], 8)
    } else {
        (text.as_str(), 10)
    };
    let v = u64::from_str_radix(digits, radix).map_err(|_| bad_number(&text))?;
    Ok(Tok::Num(v as i64))
}

fn bad_number(text: &str) -> AsmErrorKind {
    AsmErrorKind::Syntax(format!(
        "bad number `{text}` (decimal, 0x hex, 0b binary, 0 octal, up to 64 bits)"
    ))
}

pub(crate) fn char_escape(s: &[char], i: &mut usize) -> Res<u32> {
    // s[*i] is the character after a backslash.
    let c = *s
        .get(*i)
        .ok_or(AsmErrorKind::Syntax("unfinished escape".into()))?;
    *i += 1;
    Ok(match c {
        'n' => 10,
        't' => 9,
        'r' => 13,
        'b' => 8,
        'f' => 12,
        'v' => 11,
        'a' => 7,
        'e' => 27,
        'x' | 'X' => {
            let mut v = 0u32;
            let mut any = false;
            while let Some(d) = s.get(*i).and_then(|c| c.to_digit(16)) {
                v = (v << 4 | d) & 0xFF;
                *i += 1;
                any = true;
            }
            if !any {
                return syntax("`\\x` needs hex digits");
            }
            v
        }
        '0'..='7' => {
            let mut v = c.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                match s.get(*i).and_then(|c| c.to_digit(8)) {
                    Some(d) => {
                        v = v << 3 | d;
                        *i += 1;
                    }
                    None => break,
                }
            }
            v & 0xFF
        }
        other => other as u32,
    })
}

fn tokenize(text: &str) -> Res<Vec<(Tok, usize)>> {
    let s: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < s.len() {
        let c = s[i];
        let at = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            out.push((parse_number(&s, &mut i)?, at));
            continue;
        }
        if c == '\'' {
            i += 1;
            let v = match s.get(i) {
                Some('\\') => {
                    i += 1;
                    char_escape(&s, &mut i)?
                }
                Some(&ch) => {
                    i += 1;
                    ch as u32
                }
                None => return syntax("character constant `'` without a character"),
            };
            if s.get(i) == Some(&'\'') {
                i += 1;
            }
            out.push((Tok::Num(v.into()), at));
            continue;
        }
        if c == '@' {
            i += 1;
            let start = i;
            while i < s.len() && s[i].is_ascii_alphanumeric() {
                i += 1;
            }
            out.push((Tok::At(s[start..i].iter().collect()), at));
            continue;
        }
        if is_ident_start(c) || (c == '%' && s.get(i + 1).is_some_and(|&n| is_ident_start(n))) {
            i += 1;
            while i < s.len() && is_ident_char(s[i]) {
                i += 1;
            }
            out.push((Tok::Ident(s[at..i].iter().collect()), at));
            continue;
        }
        for op in OPS {
            let n = op.len();
            if i + n <= s.len() && s[i..i + n].iter().copied().eq(op.chars()) {
                i += n;
                out.push((
                    match op {
                        "(" => Tok::LParen,
                        ")" => Tok::RParen,
                        _ => Tok::Op(op),
                    },
                    at,
                ));
                continue 'outer;
            }
        }
        return syntax(format!("unexpected character `{c}` in expression"));
    }
    Ok(out)
}

/// Resolves numeric local label references while parsing.
pub(crate) trait LocalLabels {
    /// The internal name for `Nb` (forward = false) or `Nf`.
    fn local(&self, n: u64, forward: bool) -> Res<String>;
}

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    locals: &'a dyn LocalLabels,
}

/// Parses a whole expression (with an optional trailing `@l/@h/@ha`).
pub(crate) fn parse(text: &str, locals: &dyn LocalLabels) -> Res<Expr> {
    let toks = tokenize(text)?;
    if toks.is_empty() {
        return syntax("missing expression");
    }
    let mut p = Parser {
        toks,
        pos: 0,
        locals,
    };
    let mut e = p.level(0)?;
    if let Some((Tok::At(suffix), _)) = p.toks.get(p.pos) {
        let r = match suffix.to_ascii_lowercase().as_str() {
            "l" | "lo" => Reloc::Lo,
            "h" | "hi" => Reloc::Hi,
            "ha" => Reloc::Ha,
            other => return syntax(format!("unknown operator `@{other}`; allowed: @l, @h, @ha")),
        };
        e = Expr::Reloc(r, Box::new(e));
        p.pos += 1;
    }
    if let Some((t, _)) = p.toks.get(p.pos) {
        return syntax(format!("unexpected `{}` after expression", tok_text(t)));
    }
    Ok(e)
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Num(n) => n.to_string(),
        Tok::Ident(s) => s.clone(),
        Tok::Local(n, f) => format!("{n}{}", if *f { 'f' } else { 'b' }),
        Tok::Op(o) => (*o).to_string(),
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
        Tok::At(s) => format!("@{s}"),
    }
}

const LEVELS: [&[&str]; 4] = [
    &["&&", "||"],
    &["+", "-", "==", "!=", "<>", "<", ">", "<=", ">="],
    &["|", "&", "^", "!"],
    &["*", "/", "%", "<<", ">>"],
];

fn binop(op: &str) -> BinOp {
    match op {
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Rem,
        "<<" => BinOp::Shl,
        ">>" => BinOp::Shr,
        "|" => BinOp::Or,
        "&" => BinOp::And,
        "^" => BinOp::Xor,
        "!" => BinOp::OrNot,
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "==" => BinOp::Eq,
        "!=" | "<>" => BinOp::Ne,
        "<" => BinOp::Lt,
        ">" => BinOp::Gt,
        "<=" => BinOp::Le,
        ">=" => BinOp::Ge,
        "&&" => BinOp::LogAnd,
        _ => BinOp::LogOr,
    }
}

impl Parser<'_> {
    fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some((Tok::Op(o), _)) => Some(o),
            _ => None,
        }
    }

    fn level(&mut self, l: usize) -> Res<Expr> {
        if l == LEVELS.len() {
            return self.unary(0);
        }
        let mut lhs = self.level(l + 1)?;
        while let Some(op) = self.peek_op().filter(|o| LEVELS[l].contains(o)) {
            self.pos += 1;
            let rhs = self.level(l + 1)?;
            lhs = Expr::Bin(binop(op), Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self, depth: u32) -> Res<Expr> {
        if depth > 200 {
            return syntax("expression nested too deeply");
        }
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return syntax("expression ends too early");
        };
        self.pos += 1;
        Ok(match tok {
            Tok::Op("-") => Expr::Neg(Box::new(self.unary(depth + 1)?)),
            Tok::Op("+") => self.unary(depth + 1)?,
            Tok::Op("~") => Expr::Not(Box::new(self.unary(depth + 1)?)),
            Tok::Op("!") => Expr::LogNot(Box::new(self.unary(depth + 1)?)),
            Tok::LParen => {
                let e = self.level_guarded(depth)?;
                match self.toks.get(self.pos) {
                    Some((Tok::RParen, _)) => self.pos += 1,
                    _ => return syntax("missing `)`"),
                }
                e
            }
            Tok::Num(n) => Expr::Num(n),
            Tok::Local(n, fwd) => Expr::Sym(self.locals.local(n, fwd)?),
            Tok::Ident(name) if name == "." => Expr::Dot,
            Tok::Ident(name) => match register_name(&name) {
                Some((class, n)) => Expr::Reg(class, n),
                None if name.starts_with('%') => {
                    return syntax(format!("unknown register `{name}`"))
                }
                None => Expr::Sym(name),
            },
            other => return syntax(format!("unexpected `{}`", tok_text(&other))),
        })
    }

    fn level_guarded(&mut self, depth: u32) -> Res<Expr> {
        if depth > 200 {
            return syntax("expression nested too deeply");
        }
        self.level(0)
    }
}

fn bool_val(b: bool) -> i64 {
    // GNU as: true is -1.
    if b {
        -1
    } else {
        0
    }
}

/// Evaluates an expression. `depth` bounds the recursion through symbol definitions.
pub(crate) fn eval(e: &Expr, r: &dyn Resolve, depth: u32) -> Res<Value> {
    let abs = |v: Value| -> Res<i64> {
        if v.sec.is_some() {
            Err(AsmErrorKind::NotAbsolute)
        } else {
            Ok(v.off)
        }
    };
    Ok(match e {
        Expr::Num(n) => Value::abs(*n),
        Expr::Reg(_, n) => Value::abs((*n).into()),
        Expr::Sym(name) => r.symbol(name, depth)?,
        Expr::Dot => r.dot(),
        Expr::Neg(x) => Value::abs(abs(eval(x, r, depth)?)?.wrapping_neg()),
        Expr::Not(x) => Value::abs(!abs(eval(x, r, depth)?)?),
        Expr::LogNot(x) => Value::abs(bool_val(abs(eval(x, r, depth)?)? == 0)),
        Expr::Reloc(op, x) => {
            let v = abs(eval(x, r, depth)?)?;
            Value::abs(match op {
                Reloc::Lo => v & 0xFFFF,
                Reloc::Hi => (v >> 16) & 0xFFFF,
                Reloc::Ha => (v.wrapping_add(0x8000) >> 16) & 0xFFFF,
            })
        }
        Expr::Bin(op, a, b) => {
            let (x, y) = (eval(a, r, depth)?, eval(b, r, depth)?);
            match op {
                BinOp::Add => match (x.sec, y.sec) {
                    (Some(_), Some(_)) => return Err(AsmErrorKind::NotAbsolute),
                    (s, None) | (None, s) => Value {
                        sec: s,
                        off: x.off.wrapping_add(y.off),
                    },
                },
                BinOp::Sub => match (x.sec, y.sec) {
                    (s, None) => Value {
                        sec: s,
                        off: x.off.wrapping_sub(y.off),
                    },
                    (Some(a), Some(b)) if a == b => Value::abs(x.off.wrapping_sub(y.off)),
                    _ => return Err(AsmErrorKind::NotAbsolute),
                },
                _ => {
                    let (x, y) = (abs(x)?, abs(y)?);
                    Value::abs(match op {
                        BinOp::Mul => x.wrapping_mul(y),
                        BinOp::Div | BinOp::Rem if y == 0 => {
                            return Err(AsmErrorKind::DivisionByZero)
                        }
                        BinOp::Div => x.wrapping_div(y),
                        BinOp::Rem => x.wrapping_rem(y),
                        BinOp::Shl => x
                            .checked_shl(y as u32)
                            .filter(|_| (0..64).contains(&y))
                            .unwrap_or(0),
                        BinOp::Shr => x
                            .checked_shr(y as u32)
                            .filter(|_| (0..64).contains(&y))
                            .unwrap_or(0),
                        BinOp::Or => x | y,
                        BinOp::And => x & y,
                        BinOp::Xor => x ^ y,
                        BinOp::OrNot => x | !y,
                        BinOp::Eq => bool_val(x == y),
                        BinOp::Ne => bool_val(x != y),
                        BinOp::Lt => bool_val(x < y),
                        BinOp::Gt => bool_val(x > y),
                        BinOp::Le => bool_val(x <= y),
                        BinOp::Ge => bool_val(x >= y),
                        BinOp::LogAnd => bool_val(x != 0 && y != 0),
                        BinOp::LogOr => bool_val(x != 0 || y != 0),
                        BinOp::Add | BinOp::Sub => 0,
                    })
                }
            }
        }
    })
}
