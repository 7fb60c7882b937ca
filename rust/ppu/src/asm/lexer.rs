//! Source text to statements: comments (`#`, `/* */`), `;` separators, C-preprocessor
//! line markers (`# 12 "file.S"`), labels, the mnemonic and its comma-separated
//! operands, each with its original file, line and column.

use std::sync::Arc;

/// A source location (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Loc {
    pub file: Arc<str>,
    pub line: u32,
    pub col: u32,
}

impl Loc {
    pub fn at_col(&self, col: u32) -> Loc {
        Loc {
            file: self.file.clone(),
            line: self.line,
            col,
        }
    }
}

/// A piece of text (an operand) and where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub text: String,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    /// `name = expr`
    Assign {
        name: String,
        value: Piece,
    },
    /// A directive (name starts with `.`) or an instruction, with its operands.
    Op {
        name: Piece,
        operands: Vec<Piece>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct RawStmt {
    pub loc: Loc,
    pub labels: Vec<Piece>,
    pub body: Body,
}

/// Parses a cpp line marker `# 12 "file" flags` or `#line 12 "file"`.
fn line_marker(line: &str) -> Option<(u32, String)> {
    let rest = line.trim_start().strip_prefix('#')?;
    let rest = rest.strip_prefix("line").unwrap_or(rest);
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let num: u32 = digits.parse().ok()?;
    let rest = rest[digits.len()..].trim_start();
    let name = rest
        .strip_prefix('"')
        .and_then(|r| r.find('"').map(|end| r[..end].to_string()));
    Some((num, name.unwrap_or_default()))
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '.' || c == '$'
}

pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$'
}

/// Splits source text into statements. Never fails: malformed statements are found
/// when their parts are parsed.
pub(crate) fn split(source: &str, file_name: &str) -> Vec<RawStmt> {
    let mut file: Arc<str> = Arc::from(file_name);
    let mut out = Vec::new();
    let mut in_block = false;
    let mut next_line: u32 = 1;
    for phys in source.lines() {
        let line_no = next_line;
        next_line = next_line.saturating_add(1);
        if !in_block {
            if let Some((num, name)) = line_marker(phys) {
                if !name.is_empty() {
                    file = Arc::from(name.as_str());
                }
                next_line = num;
                continue;
            }
        }
        let chars: Vec<char> = phys.chars().collect();
        let cleaned = strip_comments(&chars, &mut in_block);
        // Split on `;` outside strings and character constants.
        let mut start = 0usize;
        let mut i = 0usize;
        let mut in_str = false;
        while i <= cleaned.len() {
            let c = cleaned.get(i).copied();
            match c {
                Some('"') => in_str = !in_str,
                Some('\\') if in_str => i += 1,
                Some('\'') if !in_str => i += 1 + usize::from(cleaned.get(i + 1) == Some(&'\\')),
                Some(';') | None if !in_str || c.is_none() => {
                    let loc = Loc {
                        file: file.clone(),
                        line: line_no,
                        col: 1,
                    };
                    if let Some(stmt) = statement(&cleaned[start..i.min(cleaned.len())], start, loc)
                    {
                        out.push(stmt);
                    }
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// Replaces comments by spaces (keeping columns) and cuts `#` comments.
fn strip_comments(chars: &[char], in_block: &mut bool) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    let mut in_str = false;
    while i < chars.len() {
        let c = chars[i];
        if *in_block {
            if c == '*' && chars.get(i + 1) == Some(&'/') {
                *in_block = false;
                out.extend([' ', ' ']);
                i += 2;
            } else {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some(&n) = chars.get(i + 1) {
                    out.push(n);
                    i += 1;
                }
            } else if c == '"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '\'' => {
                // A character constant: copy it and the character (maybe escaped).
                out.push(c);
                for _ in 0..(1 + usize::from(chars.get(i + 1) == Some(&'\\'))) {
                    if let Some(&n) = chars.get(i + 1) {
                        out.push(n);
                        i += 1;
                    }
                }
            }
            '#' => break,
            '/' if chars.get(i + 1) == Some(&'*') => {
                *in_block = true;
                out.extend([' ', ' ']);
                i += 2;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn skip_ws(s: &[char], mut i: usize) -> usize {
    while i < s.len() && s[i].is_whitespace() {
        i += 1;
    }
    i
}

/// Parses one statement's text; `base` is the 0-based column of `s[0]`.
fn statement(s: &[char], base: usize, loc: Loc) -> Option<RawStmt> {
    let col = |i: usize| (base + i + 1) as u32;
    let mut i = skip_ws(s, 0);
    if i >= s.len() {
        return None;
    }
    let stmt_loc = loc.at_col(col(i));
    let mut labels = Vec::new();
    loop {
        i = skip_ws(s, i);
        let start = i;
        let mut j = i;
        if j < s.len() && (is_ident_start(s[j]) || s[j].is_ascii_digit()) {
            while j < s.len() && is_ident_char(s[j]) {
                j += 1;
            }
        }
        let k = skip_ws(s, j);
        if j > start && k < s.len() && s[k] == ':' {
            labels.push(Piece {
                text: s[start..j].iter().collect(),
                loc: loc.at_col(col(start)),
            });
            i = k + 1;
            continue;
        }
        break;
    }
    i = skip_ws(s, i);
    if i >= s.len() {
        return Some(RawStmt {
            loc: stmt_loc,
            labels,
            body: Body::Empty,
        });
    }
    let name_start = i;
    while i < s.len() && !s[i].is_whitespace() && s[i] != '=' && s[i] != ',' {
        i += 1;
    }
    let name: String = s[name_start..i].iter().collect();
    let after = skip_ws(s, i);
    if after < s.len() && s[after] == '=' && s.get(after + 1) != Some(&'=') {
        let vstart = skip_ws(s, after + 1);
        return Some(RawStmt {
            loc: stmt_loc,
            labels,
            body: Body::Assign {
                name,
                value: Piece {
                    text: s[vstart..]
                        .iter()
                        .collect::<String>()
                        .trim_end()
                        .to_string(),
                    loc: loc.at_col(col(vstart)),
                },
            },
        });
    }
    let operands = split_operands(s, i, &loc, base);
    Some(RawStmt {
        loc: stmt_loc,
        labels,
        body: Body::Op {
            name: Piece {
                text: name,
                loc: loc.at_col(col(name_start)),
            },
            operands,
        },
    })
}

/// Splits `s[from..]` on top-level commas (outside parentheses, strings, character
/// constants).
fn split_operands(s: &[char], from: usize, loc: &Loc, base: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    let start = skip_ws(s, from);
    if start >= s.len() {
        return out;
    }
    let mut depth = 0i32;
    let mut in_str = false;
    let mut piece_start = start;
    let mut i = start;
    let push = |a: usize, b: usize, out: &mut Vec<Piece>| {
        let a = skip_ws(s, a).min(b);
        let text: String = s[a..b].iter().collect();
        out.push(Piece {
            text: text.trim_end().to_string(),
            loc: loc.at_col((base + a + 1) as u32),
        });
    };
    while i < s.len() {
        let c = s[i];
        if in_str {
            if c == '\\' {
                i += 1;
            } else if c == '"' {
                in_str = false;
            }
        } else {
            match c {
                '"' => in_str = true,
                '\'' => i += 1 + usize::from(s.get(i + 1) == Some(&'\\')),
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth <= 0 => {
                    push(piece_start, i, &mut out);
                    piece_start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    push(piece_start, s.len(), &mut out);
    out
}
