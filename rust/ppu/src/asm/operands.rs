//! Typed access to an instruction's operands: registers by class, immediates with
//! range checks and `@l/@h/@ha`, `d(ra)` memory operands, branch targets.

use super::assembler::{Asm, At, LRes, Located};
use super::error::AsmErrorKind;
use super::expr::{self, Expr, RegClass};
use super::lexer::{Loc, Piece};

pub(crate) struct Ops<'a> {
    pub asm: &'a Asm,
    pub mn: &'a str,
    pub ops: &'a [Piece],
    pub loc: &'a Loc,
}

fn class_text(c: RegClass) -> &'static str {
    match c {
        RegClass::Gpr => "a general-purpose register (r0..r31, %r0..%r31 or 0..31)",
        RegClass::Vr => "a vector register (v0..v31, kv0..kv31 or 0..31)",
        RegClass::Cr => "a condition-register field (cr0..cr7 or 0..7)",
        RegClass::CrBit => "a condition-register bit (0..31, e.g. 4*cr7+eq)",
    }
}

/// Splits `d(ra)` into displacement text and base text.
fn split_mem(text: &str) -> Option<(&str, &str, usize)> {
    let t = text.trim_end();
    if !t.ends_with(')') {
        return None;
    }
    let mut depth = 0;
    for (i, c) in t.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&t[..i], &t[i + 1..t.len() - 1], i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

impl Ops<'_> {
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Checks the operand count against the allowed counts.
    pub fn count(&self, allowed: &[usize], expected: &str) -> LRes<()> {
        if allowed.contains(&self.ops.len()) {
            Ok(())
        } else {
            Err(Located(
                AsmErrorKind::OperandCount {
                    mnemonic: self.mn.to_string(),
                    expected: expected.to_string(),
                    got: self.ops.len(),
                },
                self.loc.clone(),
            ))
        }
    }

    fn piece(&self, i: usize) -> LRes<&Piece> {
        self.ops.get(i).ok_or_else(|| {
            Located(
                AsmErrorKind::OperandCount {
                    mnemonic: self.mn.to_string(),
                    expected: format!("at least {}", i + 1),
                    got: self.ops.len(),
                },
                self.loc.clone(),
            )
        })
    }

    fn value_of(&self, text: &str, loc: &Loc, reg: Option<RegClass>) -> LRes<(i64, bool)> {
        if text.trim().is_empty() {
            return Err(Located(
                AsmErrorKind::Syntax("empty operand".into()),
                loc.clone(),
            ));
        }
        let e = expr::parse(text, self.asm).at(loc)?;
        if let Expr::Reg(class, _) = e {
            let ok = match reg {
                Some(want) => want == class || (want == RegClass::CrBit && class == RegClass::Cr),
                None => matches!(class, RegClass::Cr | RegClass::CrBit),
            };
            if !ok {
                return Err(Located(
                    AsmErrorKind::WrongOperand {
                        expected: reg.map_or("an immediate value", class_text).to_string(),
                        got: text.trim().to_string(),
                    },
                    loc.clone(),
                ));
            }
        }
        let is_reloc = matches!(e, Expr::Reloc(..));
        let v = expr::eval(&e, self.asm, 0).at(loc)?;
        if v.sec.is_some() {
            return Err(Located(AsmErrorKind::NotAbsolute, loc.clone()));
        }
        Ok((v.off, is_reloc))
    }

    fn ranged(&self, v: i64, what: &str, min: i64, max: i64, loc: &Loc) -> LRes<i64> {
        if v < min || v > max {
            return Err(Located(
                AsmErrorKind::OutOfRange {
                    what: format!("{} operand {what}", self.mn),
                    value: v,
                    min,
                    max,
                },
                loc.clone(),
            ));
        }
        Ok(v)
    }

    fn reg(&self, i: usize, class: RegClass, max: i64, what: &str) -> LRes<u8> {
        let p = self.piece(i)?;
        let (v, _) = self.value_of(&p.text, &p.loc, Some(class))?;
        Ok(self.ranged(v, what, 0, max, &p.loc)? as u8)
    }

    pub fn gpr(&self, i: usize) -> LRes<u8> {
        self.reg(i, RegClass::Gpr, 31, "register")
    }
    pub fn vr(&self, i: usize) -> LRes<u8> {
        self.reg(i, RegClass::Vr, 31, "vector register")
    }
    pub fn crf(&self, i: usize) -> LRes<u8> {
        self.reg(i, RegClass::Cr, 7, "CR field")
    }
    pub fn crbit(&self, i: usize) -> LRes<u8> {
        self.reg(i, RegClass::CrBit, 31, "CR bit")
    }

    /// A plain number in `min..=max`.
    pub fn num(&self, i: usize, what: &str, min: i64, max: i64) -> LRes<i64> {
        let p = self.piece(i)?;
        let (v, _) = self.value_of(&p.text, &p.loc, None)?;
        self.ranged(v, what, min, max, &p.loc)
    }

    /// A 16-bit immediate: `signed` -32768..=32767, with `opt` also up to 65535,
    /// unsigned 0..=65535. After `@l/@h/@ha` any 16-bit value is accepted.
    pub fn imm16(&self, i: usize, signed: bool, opt: bool) -> LRes<u16> {
        let p = self.piece(i)?;
        self.imm16_text(&p.text, &p.loc, signed, opt)
    }

    fn imm16_text(&self, text: &str, loc: &Loc, signed: bool, opt: bool) -> LRes<u16> {
        let (v, reloc) = self.value_of(text, loc, None)?;
        if reloc {
            return Ok(v as u16);
        }
        let (min, max) = match (signed, opt) {
            (true, false) => (-32768, 32767),
            (true, true) => (-32768, 65535),
            (false, _) => (0, 65535),
        };
        Ok(self.ranged(v, "immediate", min, max, loc)? as u16)
    }

    /// A memory operand `d(ra)`; returns (d, ra).
    pub fn mem(&self, i: usize) -> LRes<(i16, u8)> {
        let p = self.piece(i)?;
        let Some((disp, base, base_off)) = split_mem(&p.text) else {
            return Err(Located(
                AsmErrorKind::WrongOperand {
                    expected: "a memory operand d(rA), e.g. 8(r1)".into(),
                    got: p.text.clone(),
                },
                p.loc.clone(),
            ));
        };
        let base_loc = p.loc.at_col(p.loc.col + base_off as u32);
        let (ra, _) = self.value_of(base, &base_loc, Some(RegClass::Gpr))?;
        let ra = self.ranged(ra, "base register", 0, 31, &base_loc)? as u8;
        let d = if disp.trim().is_empty() {
            0
        } else {
            self.imm16_text(disp, &p.loc, true, false)?
        };
        Ok((d as i16, ra))
    }

    /// A branch target as an absolute address (a label or a number).
    pub fn target(&self, i: usize) -> LRes<(u32, &Loc)> {
        let p = self.piece(i)?;
        let (v, _) = self.value_of(&p.text, &p.loc, None)?;
        let v = self.ranged(v, "branch target", -(1 << 31), (1 << 32) - 1, &p.loc)?;
        if v % 4 != 0 {
            return Err(Located(
                AsmErrorKind::MisalignedBranch { target: v },
                p.loc.clone(),
            ));
        }
        Ok((v as u32, &p.loc))
    }
}
