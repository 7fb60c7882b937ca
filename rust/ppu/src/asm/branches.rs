//! Branch mnemonics: `b`, `bc`, `bclr`, `bcctr` and the extended forms
//! `b{cond}[lr|ctr][l][a]`, `bdnz`/`bdz`, `bt`/`bf`, `bdnzt`/..., `blr`, `bctr`, with
//! the static prediction suffixes `+`/`-` (they set the BO "y" bit as GNU as does by
//! default: `+` predicts taken, which for a forward branch means y = 1).

use super::assembler::{LRes, Located};
use super::error::AsmErrorKind;
use super::operands::Ops;
use crate::insn::field::{Field, BD, LI};
use crate::insn::{Branch, BranchCond, BranchReg, Insn};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reg {
    None,
    Lr,
    Ctr,
}

/// (stem, BO, CR bit within the field or None if BI is an explicit/absent operand).
enum Stem {
    /// `b`/`bl`/`ba`, `blr`, `bctr`.
    Plain,
    /// `bc`, `bclr`, `bcctr` with explicit BO, BI.
    Explicit,
    /// Condition codes: BO, bit in the CR field; optional `crN` operand.
    Cond(u8, u8),
    /// `bdnz`, `bdz`: BO, no BI.
    Ctr(u8),
    /// `bt`, `bf`, `bdnzt`, ...: BO, BI operand.
    Bit(u8),
}

const STEMS: &[(&str, Stem)] = &[
    ("dnzt", Stem::Bit(8)),
    ("dnzf", Stem::Bit(0)),
    ("dnz", Stem::Ctr(16)),
    ("dzt", Stem::Bit(10)),
    ("dzf", Stem::Bit(2)),
    ("dz", Stem::Ctr(18)),
    ("lt", Stem::Cond(12, 0)),
    ("le", Stem::Cond(4, 1)),
    ("gt", Stem::Cond(12, 1)),
    ("ge", Stem::Cond(4, 0)),
    ("eq", Stem::Cond(12, 2)),
    ("ne", Stem::Cond(4, 2)),
    ("so", Stem::Cond(12, 3)),
    ("ns", Stem::Cond(4, 3)),
    ("un", Stem::Cond(12, 3)),
    ("nu", Stem::Cond(4, 3)),
    ("nl", Stem::Cond(4, 0)),
    ("ng", Stem::Cond(4, 1)),
    ("t", Stem::Bit(12)),
    ("f", Stem::Bit(4)),
    ("c", Stem::Explicit),
    ("", Stem::Plain),
];

/// Parses `[lr|ctr][l][a]`.
fn tail(t: &str) -> Option<(Reg, bool, bool)> {
    let (reg, t) = if let Some(r) = t.strip_prefix("lr") {
        (Reg::Lr, r)
    } else if let Some(r) = t.strip_prefix("ctr") {
        (Reg::Ctr, r)
    } else {
        (Reg::None, t)
    };
    let (lk, t) = match t.strip_prefix('l') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (aa, t) = match t.strip_prefix('a') {
        Some(r) if reg == Reg::None => (true, r),
        _ => (false, t),
    };
    t.is_empty().then_some((reg, lk, aa))
}

/// The displacement for a target (relative to `addr`, or absolute) in `field`.
fn displacement(o: &Ops, i: usize, addr: u32, aa: bool, field: Field) -> LRes<i32> {
    let (t, loc) = o.target(i)?;
    let d = if aa {
        t as i32
    } else {
        t.wrapping_sub(addr) as i32
    };
    let (min, max) = field.range();
    // A misaligned target just above `max` is left to the encoder's misalignment error.
    if i64::from(d) < min || i64::from(d) >= -min {
        return Err(Located(
            AsmErrorKind::BranchOutOfRange {
                mnemonic: o.mn.to_string(),
                target: t.into(),
                address: addr,
                min,
                max,
            },
            loc.clone(),
        ));
    }
    Ok(d)
}

/// Extended and base branch mnemonics; `None` if `m` is not a branch.
pub(crate) fn branch(o: &Ops, m: &str, addr: u32) -> LRes<Option<Insn>> {
    let (m, hint) = if let Some(s) = m.strip_suffix('+') {
        (s, Some(true))
    } else if let Some(s) = m.strip_suffix('-') {
        (s, Some(false))
    } else {
        (m, None)
    };
    let Some(rest) = m.strip_prefix('b') else {
        return Ok(None);
    };
    for (name, stem) in STEMS {
        let Some(t) = rest.strip_prefix(name) else {
            continue;
        };
        let Some((reg, lk, aa)) = tail(t) else {
            continue;
        };
        return build(o, stem, reg, lk, aa, hint, addr).map(Some);
    }
    Ok(None)
}

fn build(
    o: &Ops,
    stem: &Stem,
    reg: Reg,
    lk: bool,
    aa: bool,
    hint: Option<bool>,
    addr: u32,
) -> LRes<Insn> {
    // (BO, BI, index of the target operand)
    let (bo, bi, next) = match stem {
        Stem::Plain | Stem::Explicit if hint.is_some() => {
            return Err(Located(
                AsmErrorKind::Syntax(format!(
                    "`{}`: a +/- prediction suffix needs a conditional extended mnemonic",
                    o.mn
                )),
                o.loc.clone(),
            ))
        }
        Stem::Plain => {
            if reg == Reg::None {
                o.count(&[1], "1 operand: target")?;
                let li = displacement(o, 0, addr, aa, LI)?;
                return Ok(Insn::B(Branch { li, aa, lk }));
            }
            o.count(&[0], "no operands")?;
            (20, 0, 0)
        }
        Stem::Explicit => {
            if reg == Reg::None {
                o.count(&[3], "3 operands: BO,BI,target")?;
            } else {
                o.count(&[2, 3], "2 or 3 operands: BO,BI[,BH]")?;
            }
            (o.num(0, "BO", 0, 31)? as u8, o.crbit(1)?, 2)
        }
        Stem::Cond(bo, bit) => {
            let n = usize::from(reg == Reg::None);
            o.count(
                &[n, n + 1],
                if n == 1 {
                    "1 or 2 operands: [crN,]target"
                } else {
                    "0 or 1 operand: [crN]"
                },
            )?;
            let (cr, next) = if o.len() == n + 1 {
                (o.crf(0)?, 1)
            } else {
                (0, 0)
            };
            (*bo, 4 * cr + bit, next)
        }
        Stem::Ctr(bo) => {
            o.count(
                &[usize::from(reg == Reg::None)],
                if reg == Reg::None {
                    "1 operand: target"
                } else {
                    "no operands"
                },
            )?;
            (*bo, 0, 0)
        }
        Stem::Bit(bo) => {
            let n = 1 + usize::from(reg == Reg::None);
            o.count(
                &[n],
                if n == 2 {
                    "2 operands: BI,target"
                } else {
                    "1 operand: BI"
                },
            )?;
            (*bo, o.crbit(0)?, 1)
        }
    };
    let y = |backward: bool| -> u8 {
        match hint {
            Some(taken) => u8::from(taken != backward),
            None => 0,
        }
    };
    if reg == Reg::None {
        let bd = displacement(o, next, addr, aa, BD)?;
        Ok(Insn::Bc(BranchCond {
            bo: bo | y(bd < 0),
            bi,
            bd,
            aa,
            lk,
        }))
    } else {
        let bh = if matches!(stem, Stem::Explicit) && o.len() == 3 {
            o.num(2, "BH", 0, 3)? as u8
        } else {
            0
        };
        let f = BranchReg {
            bo: bo | y(false),
            bi,
            bh,
            lk,
        };
        Ok(if reg == Reg::Lr {
            Insn::Bclr(f)
        } else {
            Insn::Bcctr(f)
        })
    }
}
