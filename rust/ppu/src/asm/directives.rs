//! Assembler directives.

use super::assembler::{Asm, At, LRes, Located, SymDef};
use super::error::{AsmErrorKind, Res};
use super::expr::char_escape;
use super::lexer::{Loc, Piece};
use super::{SectionFlags, SymbolKind};

fn count_err(name: &str, expected: &str, got: usize, loc: &Loc) -> Located {
    Located(
        AsmErrorKind::OperandCount {
            mnemonic: name.to_string(),
            expected: expected.to_string(),
            got,
        },
        loc.clone(),
    )
}

fn range(what: &str, v: i64, min: i64, max: i64, loc: &Loc) -> LRes<i64> {
    if v < min || v > max {
        Err(Located(
            AsmErrorKind::OutOfRange {
                what: what.to_string(),
                value: v,
                min,
                max,
            },
            loc.clone(),
        ))
    } else {
        Ok(v)
    }
}

/// Parses a string literal `"..."` with C escapes.
pub(crate) fn string_literal(p: &Piece) -> LRes<Vec<u8>> {
    let s: Vec<char> = p.text.trim().chars().collect();
    let bad = |m: &str| Located(AsmErrorKind::Syntax(m.to_string()), p.loc.clone());
    if s.len() < 2 || s[0] != '"' || s[s.len() - 1] != '"' {
        return Err(bad("expected a string in double quotes"));
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < s.len() - 1 {
        let c = s[i];
        i += 1;
        if c == '\\' {
            let v: Res<u32> = char_escape(&s[..s.len() - 1], &mut i);
            out.push(v.at(&p.loc)? as u8);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    Ok(out)
}

fn unquote(t: &str) -> &str {
    t.trim().trim_matches('"')
}

impl Asm {
    /// Executes a directive. `idx` identifies the statement across passes.
    pub(crate) fn directive(&mut self, idx: usize, name: &Piece, args: &[Piece]) -> LRes<()> {
        let d = name.text.to_ascii_lowercase();
        let loc = &name.loc;
        let need = |n: usize, what: &str| -> LRes<()> {
            if args.len() == n {
                Ok(())
            } else {
                Err(count_err(&d, what, args.len(), loc))
            }
        };
        match d.as_str() {
            ".text" => {
                self.select_section(".text", None, None);
            }
            ".data" => {
                self.select_section(".data", None, None);
            }
            ".bss" => {
                self.select_section(".bss", None, None);
            }
            ".section" | ".pushsection" => {
                if args.is_empty() {
                    return Err(count_err(&d, "a section name", 0, loc));
                }
                let before = self.cur;
                let (flags, nobits) = section_attrs(args)?;
                let sec_name = unquote(&args[0].text).to_string();
                self.select_section(&sec_name, flags, nobits);
                if d == ".pushsection" {
                    self.stack.push((before, self.prev));
                }
            }
            ".popsection" => match self.stack.pop() {
                Some((cur, prev)) => {
                    self.cur = cur;
                    self.prev = prev;
                }
                None => {
                    return Err(Located(
                        AsmErrorKind::Other(".popsection without .pushsection".into()),
                        loc.clone(),
                    ))
                }
            },
            ".previous" => std::mem::swap(&mut self.cur, &mut self.prev),
            ".globl" | ".global" | ".weak" | ".local" => {
                for a in args {
                    let s = self.sym_entry(a.text.trim());
                    s.global = d != ".local";
                }
            }
            ".type" => {
                need(2, "2 operands (symbol, @function or @object)")?;
                let kind = match args[1].text.trim().trim_start_matches(['@', '%', '#']) {
                    "function" => SymbolKind::Func,
                    "object" => SymbolKind::Object,
                    _ => SymbolKind::NoType,
                };
                self.sym_entry(args[0].text.trim()).kind = kind;
            }
            ".size" => {
                need(2, "2 operands (symbol, size)")?;
                if self.pass == 2 {
                    let v = self.eval_abs(&args[1])?;
                    let v = range("size", v, 0, u32::MAX.into(), &args[1].loc)?;
                    self.sym_entry(args[0].text.trim()).size = v as u32;
                }
            }
            ".set" | ".equ" | ".equiv" => {
                need(2, "2 operands (symbol, expression)")?;
                self.assign(args[0].text.trim(), &args[1], loc, d == ".equiv")?;
            }
            ".align" | ".p2align" | ".balign" => self.align(idx, &d, args, loc)?,
            ".org" => {
                if args.is_empty() || args.len() > 2 {
                    return Err(count_err(
                        &d,
                        "1 or 2 operands (offset[, fill])",
                        args.len(),
                        loc,
                    ));
                }
                let n = self.pass1_size(idx, |a| {
                    let v = a.eval_piece(&args[0])?;
                    let cur = a.secs[a.cur].off;
                    let target = match v.sec {
                        Some(s) if s != a.cur => {
                            return Err(Located(AsmErrorKind::NotAbsolute, args[0].loc.clone()))
                        }
                        _ => v.off,
                    };
                    if target < i64::from(cur) {
                        return Err(Located(
                            AsmErrorKind::OrgBackwards {
                                section: a.secs[a.cur].name.clone(),
                                target,
                                current: cur,
                            },
                            args[0].loc.clone(),
                        ));
                    }
                    let n = range(
                        ".org distance",
                        target - i64::from(cur),
                        0,
                        1 << 28,
                        &args[0].loc,
                    )?;
                    Ok(n as u32)
                })?;
                let fill = self.fill_value(args.get(1))?;
                self.emit(&vec![fill; n as usize], loc)?;
            }
            ".space" | ".skip" | ".zero" => {
                if args.is_empty() || args.len() > 2 {
                    return Err(count_err(
                        &d,
                        "1 or 2 operands (size[, fill])",
                        args.len(),
                        loc,
                    ));
                }
                let n = self.pass1_size(idx, |a| {
                    let v = a.eval_abs(&args[0])?;
                    Ok(range("size", v, 0, 1 << 28, &args[0].loc)? as u32)
                })?;
                let fill = self.fill_value(args.get(1))?;
                self.emit(&vec![fill; n as usize], loc)?;
            }
            ".fill" => {
                if args.is_empty() || args.len() > 3 {
                    return Err(count_err(
                        &d,
                        "1 to 3 operands (repeat[, size[, value]])",
                        args.len(),
                        loc,
                    ));
                }
                let (repeat, size) = {
                    let rep = self.pass1_size(idx, |a| {
                        let v = a.eval_abs(&args[0])?;
                        Ok(range("repeat", v, 0, 1 << 28, &args[0].loc)? as u32)
                    })?;
                    let size = match args.get(1) {
                        Some(p) => range("size", self.eval_abs(p)?, 0, 8, &p.loc)? as usize,
                        None => 1,
                    };
                    (rep as usize, size)
                };
                if repeat.saturating_mul(size) > 1 << 28 {
                    return Err(Located(
                        AsmErrorKind::Other(".fill is too large".into()),
                        loc.clone(),
                    ));
                }
                let value = match (self.pass, args.get(2)) {
                    (2, Some(p)) => self.eval_abs(p)?,
                    _ => 0,
                };
                // GNU as: the value is 4 bytes; bigger sizes are zero-extended.
                let be = (value as u32 as u64).to_be_bytes();
                let unit = &be[8 - size..];
                let bytes: Vec<u8> = unit.iter().copied().cycle().take(repeat * size).collect();
                self.emit(&bytes, loc)?;
            }
            ".byte" => self.data(args, 1, loc)?,
            ".short" | ".half" | ".hword" | ".word" | ".2byte" => self.data(args, 2, loc)?,
            ".long" | ".int" | ".4byte" => self.data(args, 4, loc)?,
            ".quad" | ".8byte" => self.data(args, 8, loc)?,
            ".ascii" | ".asciz" | ".string" => {
                for a in args {
                    let mut bytes = string_literal(a)?;
                    if d != ".ascii" {
                        bytes.push(0);
                    }
                    self.emit(&bytes, &a.loc)?;
                }
            }
            ".comm" | ".lcomm" => {
                if args.len() < 2 || args.len() > 3 {
                    return Err(count_err(
                        &d,
                        "2 or 3 operands (symbol, size[, align])",
                        args.len(),
                        loc,
                    ));
                }
                let size =
                    range("size", self.eval_abs(&args[1])?, 0, 1 << 28, &args[1].loc)? as u32;
                let align = match args.get(2) {
                    Some(p) => range("alignment", self.eval_abs(p)?, 1, 1 << 16, &p.loc)? as u32,
                    None => 4,
                };
                if !align.is_power_of_two() {
                    return Err(Located(
                        AsmErrorKind::Other(format!("alignment {align} is not a power of two")),
                        args[2].loc.clone(),
                    ));
                }
                let (cur, prev) = (self.cur, self.prev);
                let bss = self.select_section(".bss", None, None);
                let s = &mut self.secs[bss];
                s.align = s.align.max(align);
                s.off = s.off.div_ceil(align) * align;
                let off = s.off;
                s.off += size;
                let name = args[0].text.trim().to_string();
                self.set_symbol(&name, SymDef::Label { sec: bss, off }, loc, false)?;
                let sym = self.sym_entry(&name);
                sym.size = size;
                sym.kind = SymbolKind::Object;
                if d == ".comm" {
                    sym.global = true;
                }
                self.cur = cur;
                self.prev = prev;
            }
            _ if d == ".file"
                || d == ".ident"
                || d == ".machine"
                || d == ".gnu_attribute"
                || d == ".abiversion"
                || d == ".loc"
                || d.starts_with(".cfi_") =>
            {
                // Accepted and ignored: debug and toolchain bookkeeping.
            }
            _ => {
                return Err(Located(
                    AsmErrorKind::UnknownDirective {
                        name: name.text.clone(),
                    },
                    loc.clone(),
                ))
            }
        }
        Ok(())
    }

    pub(crate) fn sym_entry(&mut self, name: &str) -> &mut super::assembler::Sym {
        self.syms
            .entry(name.to_string())
            .or_insert_with(|| super::assembler::Sym {
                def: None,
                global: false,
                kind: SymbolKind::NoType,
                size: 0,
                line: 0,
                predefined: false,
                settable: false,
            })
    }

    /// Computes a size in pass 1 and replays it in pass 2.
    fn pass1_size(&mut self, idx: usize, f: impl FnOnce(&Asm) -> LRes<u32>) -> LRes<u32> {
        if self.pass == 1 {
            let n = f(self);
            self.sizes.insert(idx, *n.as_ref().unwrap_or(&0));
            n
        } else {
            Ok(self.sizes.get(&idx).copied().unwrap_or(0))
        }
    }

    fn fill_value(&self, p: Option<&Piece>) -> LRes<u8> {
        match (self.pass, p) {
            (2, Some(p)) => Ok(range("fill byte", self.eval_abs(p)?, -128, 255, &p.loc)? as u8),
            _ => Ok(0),
        }
    }

    fn align(&mut self, idx: usize, d: &str, args: &[Piece], loc: &Loc) -> LRes<()> {
        if args.is_empty() || args.len() > 3 {
            return Err(count_err(
                d,
                "1 to 3 operands (alignment[, fill[, max]])",
                args.len(),
                loc,
            ));
        }
        let cur = self.cur;
        let (pad, bytes) = {
            let v = self.eval_abs(&args[0])?;
            let bytes = if d == ".balign" {
                let b = range("alignment", v, 1, 1 << 16, &args[0].loc)?;
                if !(b as u64).is_power_of_two() {
                    return Err(Located(
                        AsmErrorKind::Other(format!(
                            ".balign {b}: alignment must be a power of two"
                        )),
                        args[0].loc.clone(),
                    ));
                }
                b as u32
            } else {
                // PowerPC GNU as: `.align n` aligns to 2^n bytes.
                1u32 << range("alignment (power of two exponent)", v, 0, 16, &args[0].loc)?
            };
            let s = &self.secs[cur];
            let pad = s.off.div_ceil(bytes) * bytes - s.off;
            let max = match args.get(2) {
                Some(p) => self.eval_abs(p)?,
                None => i64::MAX,
            };
            (if i64::from(pad) > max { 0 } else { pad }, bytes)
        };
        let pad = self.pass1_size(idx, |_| Ok(pad))?;
        let s = &mut self.secs[cur];
        s.align = s.align.max(bytes);
        let fill_given = args.get(1).is_some_and(|p| !p.text.is_empty());
        let fill = if fill_given {
            self.fill_value(args.get(1))?
        } else {
            0
        };
        let exec = self.secs[cur].flags.exec;
        if !fill_given && exec && pad % 4 == 0 && self.secs[cur].off % 4 == 0 {
            // GNU as pads code with nops.
            let nops: Vec<u8> = [0x60, 0, 0, 0]
                .iter()
                .copied()
                .cycle()
                .take(pad as usize)
                .collect();
            self.emit(&nops, loc)
        } else {
            self.emit(&vec![fill; pad as usize], loc)
        }
    }

    fn data(&mut self, args: &[Piece], size: usize, loc: &Loc) -> LRes<()> {
        if args.is_empty() {
            return Err(count_err(
                ".byte/.short/.long",
                "at least 1 operand",
                0,
                loc,
            ));
        }
        for a in args {
            let v = if self.pass == 2 {
                let v = self.eval_abs(a)?;
                if size < 8 {
                    let bits = 8 * size as u32;
                    range(
                        "value",
                        v,
                        -(1i64 << (bits - 1)),
                        (1i64 << bits) - 1,
                        &a.loc,
                    )?;
                }
                v
            } else {
                0
            };
            let be = v.to_be_bytes();
            self.emit(&be[8 - size..], &a.loc)?;
        }
        Ok(())
    }
}

/// `.section name[,"flags"[,@type]]`: flags `a` alloc, `w` write, `x` exec; type
/// `@progbits` or `@nobits`.
fn section_attrs(args: &[Piece]) -> LRes<(Option<SectionFlags>, Option<bool>)> {
    let flags = match args.get(1) {
        Some(p) if p.text.trim().starts_with('"') => {
            let f = unquote(&p.text);
            for c in f.chars() {
                if !"awxMSGTo?R".contains(c) {
                    return Err(Located(
                        AsmErrorKind::Syntax(format!(
                            "unknown section flag `{c}`; allowed: a, w, x"
                        )),
                        p.loc.clone(),
                    ));
                }
            }
            Some(SectionFlags {
                alloc: f.contains('a'),
                write: f.contains('w'),
                exec: f.contains('x'),
            })
        }
        _ => None,
    };
    let nobits = match args
        .get(2)
        .map(|p| p.text.trim().trim_start_matches(['@', '%']))
    {
        Some("nobits") => Some(true),
        Some("progbits") | Some("note") | Some("init_array") | Some("fini_array") => Some(false),
        Some(other) => {
            return Err(Located(
                AsmErrorKind::Syntax(format!(
                    "unknown section type `{other}`; allowed: @progbits, @nobits"
                )),
                args[2].loc.clone(),
            ))
        }
        None => None,
    };
    Ok((flags, nobits))
}
