//! Instruction mnemonics: base forms with `.`/`o` suffixes, extended mnemonics, FXV.

use super::assembler::{Asm, LRes, Located};
use super::branches;
use super::error::AsmErrorKind;
use super::lexer::Piece;
use super::mnemonics_x;
use super::operands::Ops;
use crate::insn::*;

/// Mnemonics with a record form (`.` suffix).
const RC: &[&str] = &[
    "slw", "and", "andc", "nor", "eqv", "xor", "orc", "or", "nand", "srw", "sraw", "cntlzw",
    "extsh", "extsb", "srawi", "rlwimi", "rlwinm", "rlwnm", "slwi", "srwi", "clrlwi", "clrrwi",
    "rotlwi", "rotrwi", "extlwi", "extrwi", "inslwi", "insrwi", "rotlw", "clrlslwi", "subfc",
    "addc", "subf", "subfe", "adde", "mullw", "add", "divwu", "divw", "mulhw", "mulhwu", "neg",
    "subfze", "addze", "subfme", "addme", "mr", "not", "sub", "subc",
];
/// Mnemonics with an overflow-enable form (`o` suffix).
const OE: &[&str] = &[
    "subfc", "addc", "subf", "subfe", "adde", "mullw", "add", "divwu", "divw", "neg", "subfze",
    "addze", "subfme", "addme", "sub", "subc",
];

/// Instructions that exist elsewhere in the Power ISA but not on Nux (ppu.md §1).
fn not_on_nux(m: &str) -> Option<&'static str> {
    Some(match m {
        "mftb" | "mftbu" => {
            "; Nux reads the time base with `mfspr rX,284` (TBL) / `mfspr rX,285` (TBU)"
        }
        "isel" | "isync" | "mbar" | "eieio" | "lwarx" | "stwcx." | "lwbrx" | "stwbrx" | "lswi"
        | "stswi" | "lswx" | "stswx" | "sc" | "icbi" | "dcbf" | "dcbi" | "dcbst" | "dcbt"
        | "dcbz" | "dcbtst" | "mcrxr" | "lhbrx" | "sthbrx" => {
            "; it is not implemented by the Nux core (ppu.md §1)"
        }
        _ => return None,
    })
}

/// Assembles one instruction at `addr`.
pub(crate) fn assemble(asm: &Asm, name: &Piece, operands: &[Piece], addr: u32) -> LRes<u32> {
    let lower = name.text.to_ascii_lowercase();
    let o = Ops {
        asm,
        mn: &name.text,
        ops: operands,
        loc: &name.loc,
    };
    let insn = if let Some(op) = FxvOp::from_mnemonic(&lower) {
        fxv(&o, op)?
    } else if let Some(i) = scalar(&o, &lower)? {
        i
    } else if let Some(i) = branches::branch(&o, &lower, addr)? {
        i
    } else {
        let hint = not_on_nux(&lower).map(str::to_string).unwrap_or_else(|| {
            let stem = lower.trim_end_matches('.');
            if lower.ends_with('.') && !RC.contains(&stem) {
                format!("; `{stem}` has no record (`.`) form")
            } else {
                "; see ppu.md §1 for the Nux instruction list and §2 for FXV".into()
            }
        });
        return Err(Located(
            AsmErrorKind::UnknownMnemonic {
                name: name.text.clone(),
                hint,
            },
            name.loc.clone(),
        ));
    };
    encode(&insn).map_err(|e| Located(AsmErrorKind::Other(e.to_string()), name.loc.clone()))
}

fn fxv(o: &Ops, op: FxvOp) -> LRes<Insn> {
    let cond = |i: usize| -> LRes<u8> {
        if o.len() > i {
            Ok(o.num(i, "condition C", 0, 3)? as u8)
        } else {
            Ok(0)
        }
    };
    let f = match op.shape() {
        FxvShape::TabC => {
            o.count(&[3, 4], "3 or 4 operands: VRT,VRA,VRB[,C]")?;
            Fxv::new(op, o.vr(0)?, o.vr(1)?, o.vr(2)?, cond(3)?)
        }
        FxvShape::TaC => {
            o.count(&[2, 3], "2 or 3 operands: VRT,VRA[,C]")?;
            Fxv::new(op, o.vr(0)?, o.vr(1)?, 0, cond(2)?)
        }
        FxvShape::AbC => {
            o.count(&[2, 3], "2 or 3 operands: VRA,VRB[,C]")?;
            Fxv::new(op, 0, o.vr(0)?, o.vr(1)?, cond(2)?)
        }
        FxvShape::AC => {
            o.count(&[1, 2], "1 or 2 operands: VRA[,C]")?;
            Fxv::new(op, 0, o.vr(0)?, 0, cond(1)?)
        }
        FxvShape::A => {
            o.count(&[1], "1 operand: VRA")?;
            Fxv::new(op, 0, o.vr(0)?, 0, 0)
        }
        FxvShape::TrrC => {
            o.count(&[3, 4], "3 or 4 operands: VRT,RA,RB[,C]")?;
            Fxv::new(op, o.vr(0)?, o.gpr(1)?, o.gpr(2)?, cond(3)?)
        }
        FxvShape::Trr => {
            o.count(
                &[3, 4],
                "3 operands: VRT,RA,RB (an old-style trailing C must be 0)",
            )?;
            if o.len() == 4 {
                o.num(3, "condition C (must be 0 for this instruction)", 0, 0)?;
            }
            Fxv::new(op, o.vr(0)?, o.gpr(1)?, o.gpr(2)?, 0)
        }
        FxvShape::Tr => {
            o.count(&[2], "2 operands: VRT,RA")?;
            Fxv::new(op, o.vr(0)?, o.gpr(1)?, 0, 0)
        }
        FxvShape::TaSh => {
            o.count(
                &[3],
                "3 operands: VRT,VRA,SH (SH = -16..15, + left, - right)",
            )?;
            let sh = o.num(2, "shift", -16, 15)?;
            Fxv::new(op, o.vr(0)?, o.vr(1)?, (sh & 31) as u8, 0)
        }
    };
    Ok(Insn::Fxv(f))
}

fn rot(o: &Ops, rc: bool, sh: i64, mb: i64, me: i64) -> LRes<Insn> {
    rotf(o, rc, sh, mb, me).map(Insn::Rlwinm)
}

fn rotf(o: &Ops, rc: bool, sh: i64, mb: i64, me: i64) -> LRes<RotImm> {
    Ok(RotImm {
        ra: o.gpr(0)?,
        rs: o.gpr(1)?,
        sh: (sh & 31) as u8,
        mb: (mb & 31) as u8,
        me: (me & 31) as u8,
        rc,
    })
}

/// Scalar base and extended mnemonics (branches excepted). `None`: not one of them.
fn scalar(o: &Ops, m: &str) -> LRes<Option<Insn>> {
    // Names whose dot is part of the base mnemonic.
    match m {
        "addic." | "subic." => {
            o.count(&[3], "3 operands: rD,rA,SIMM")?;
            let mut si = o.imm16(2, true, false)? as i16;
            if m == "subic." {
                si = neg16(o, 2, si)?;
            }
            return Ok(Some(Insn::AddicDot(DImm {
                rt: o.gpr(0)?,
                ra: o.gpr(1)?,
                si,
            })));
        }
        "andi." | "andis." => {
            o.count(&[3], "3 operands: rA,rS,UIMM")?;
            let f = DLogic {
                ra: o.gpr(0)?,
                rs: o.gpr(1)?,
                ui: o.imm16(2, false, false)?,
            };
            return Ok(Some(if m == "andi." {
                Insn::AndiDot(f)
            } else {
                Insn::AndisDot(f)
            }));
        }
        _ => {}
    }
    let (stem, rc) = match m.strip_suffix('.') {
        Some(s) => (s, true),
        None => (m, false),
    };
    let (stem, oe) = match stem.strip_suffix('o') {
        Some(s) if OE.contains(&s) => (s, true),
        _ => (stem, false),
    };
    if rc && !RC.contains(&stem) {
        return Ok(None);
    }
    let i = match stem {
        "mulli" | "subfic" | "addic" | "addi" | "addis" | "subi" | "subis" | "subic" => {
            o.count(&[3], "3 operands: rD,rA,SIMM")?;
            let opt = stem == "addis" || stem == "subis";
            let mut si = o.imm16(2, true, opt)? as i16;
            if stem.starts_with("sub") && stem != "subfic" {
                si = neg16(o, 2, si)?;
            }
            let f = DImm {
                rt: o.gpr(0)?,
                ra: o.gpr(1)?,
                si,
            };
            match stem {
                "mulli" => Insn::Mulli(f),
                "subfic" => Insn::Subfic(f),
                "addic" | "subic" => Insn::Addic(f),
                "addi" | "subi" => Insn::Addi(f),
                _ => Insn::Addis(f),
            }
        }
        "li" | "lis" => {
            o.count(&[2], "2 operands: rD,SIMM")?;
            let f = DImm {
                rt: o.gpr(0)?,
                ra: 0,
                si: o.imm16(1, true, stem == "lis")? as i16,
            };
            if stem == "li" {
                Insn::Addi(f)
            } else {
                Insn::Addis(f)
            }
        }
        "la" => {
            o.count(&[2], "2 operands: rD,d(rA)")?;
            let (d, ra) = o.mem(1)?;
            Insn::Addi(DImm {
                rt: o.gpr(0)?,
                ra,
                si: d,
            })
        }
        "nop" => {
            o.count(&[0], "no operands")?;
            Insn::Ori(DLogic {
                ra: 0,
                rs: 0,
                ui: 0,
            })
        }
        "ori" | "oris" | "xori" | "xoris" => {
            o.count(&[3], "3 operands: rA,rS,UIMM")?;
            let f = DLogic {
                ra: o.gpr(0)?,
                rs: o.gpr(1)?,
                ui: o.imm16(2, false, false)?,
            };
            match stem {
                "ori" => Insn::Ori(f),
                "oris" => Insn::Oris(f),
                "xori" => Insn::Xori(f),
                _ => Insn::Xoris(f),
            }
        }
        "cmpi" | "cmpli" | "cmp" | "cmpl" => {
            o.count(&[3, 4], "3 or 4 operands: BF,[L,]rA,(SIMM|UIMM|rB)")?;
            let k = o.len() - 3;
            if k == 1 {
                o.num(1, "L (must be 0: Nux is 32-bit)", 0, 0)?;
            }
            compare(o, stem, o.crf(0)?, 1 + k)?
        }
        "cmpwi" | "cmplwi" | "cmpw" | "cmplw" => {
            o.count(&[2, 3], "2 or 3 operands: [crN,]rA,(SIMM|UIMM|rB)")?;
            let (bf, k) = if o.len() == 3 { (o.crf(0)?, 1) } else { (0, 0) };
            compare(o, stem, bf, k)?
        }
        "twi" => {
            o.count(&[3], "3 operands: TO,rA,SIMM")?;
            Insn::Twi(DTrap {
                to: o.num(0, "TO", 0, 31)? as u8,
                ra: o.gpr(1)?,
                si: o.imm16(2, true, false)? as i16,
            })
        }
        "tw" => {
            o.count(&[3], "3 operands: TO,rA,rB")?;
            Insn::Tw(XTrap {
                to: o.num(0, "TO", 0, 31)? as u8,
                ra: o.gpr(1)?,
                rb: o.gpr(2)?,
            })
        }
        "trap" => {
            o.count(&[0], "no operands")?;
            Insn::Tw(XTrap {
                to: 31,
                ra: 0,
                rb: 0,
            })
        }
        "lwz" | "lwzu" | "lbz" | "lbzu" | "stw" | "stwu" | "stb" | "stbu" | "lhz" | "lhzu"
        | "lha" | "lhau" | "sth" | "sthu" | "lmw" | "stmw" => {
            o.count(&[2], "2 operands: rD,d(rA)")?;
            let (d, ra) = o.mem(1)?;
            let f = DMem {
                rt: o.gpr(0)?,
                ra,
                d,
            };
            match stem {
                "lwz" => Insn::Lwz(f),
                "lwzu" => Insn::Lwzu(f),
                "lbz" => Insn::Lbz(f),
                "lbzu" => Insn::Lbzu(f),
                "stw" => Insn::Stw(f),
                "stwu" => Insn::Stwu(f),
                "stb" => Insn::Stb(f),
                "stbu" => Insn::Stbu(f),
                "lhz" => Insn::Lhz(f),
                "lhzu" => Insn::Lhzu(f),
                "lha" => Insn::Lha(f),
                "lhau" => Insn::Lhau(f),
                "sth" => Insn::Sth(f),
                "sthu" => Insn::Sthu(f),
                "lmw" => Insn::Lmw(f),
                _ => Insn::Stmw(f),
            }
        }
        "mcrf" => {
            o.count(&[2], "2 operands: crD,crS")?;
            Insn::Mcrf(Mcrf {
                bf: o.crf(0)?,
                bfa: o.crf(1)?,
            })
        }
        "crnor" | "crandc" | "crxor" | "crnand" | "crand" | "creqv" | "crorc" | "cror" => {
            o.count(&[3], "3 operands: crbD,crbA,crbB")?;
            let f = CrOp {
                bt: o.crbit(0)?,
                ba: o.crbit(1)?,
                bb: o.crbit(2)?,
            };
            match stem {
                "crnor" => Insn::Crnor(f),
                "crandc" => Insn::Crandc(f),
                "crxor" => Insn::Crxor(f),
                "crnand" => Insn::Crnand(f),
                "crand" => Insn::Crand(f),
                "creqv" => Insn::Creqv(f),
                "crorc" => Insn::Crorc(f),
                _ => Insn::Cror(f),
            }
        }
        "crset" | "crclr" => {
            o.count(&[1], "1 operand: crbD")?;
            let b = o.crbit(0)?;
            let f = CrOp {
                bt: b,
                ba: b,
                bb: b,
            };
            if stem == "crset" {
                Insn::Creqv(f)
            } else {
                Insn::Crxor(f)
            }
        }
        "crmove" | "crnot" => {
            o.count(&[2], "2 operands: crbD,crbS")?;
            let (t, s) = (o.crbit(0)?, o.crbit(1)?);
            let f = CrOp {
                bt: t,
                ba: s,
                bb: s,
            };
            if stem == "crmove" {
                Insn::Cror(f)
            } else {
                Insn::Crnor(f)
            }
        }
        "rlwimi" | "rlwinm" => {
            o.count(&[5], "5 operands: rA,rS,SH,MB,ME")?;
            let f = RotImm {
                ra: o.gpr(0)?,
                rs: o.gpr(1)?,
                sh: o.num(2, "SH", 0, 31)? as u8,
                mb: o.num(3, "MB", 0, 31)? as u8,
                me: o.num(4, "ME", 0, 31)? as u8,
                rc,
            };
            if stem == "rlwimi" {
                Insn::Rlwimi(f)
            } else {
                Insn::Rlwinm(f)
            }
        }
        "rlwnm" | "rotlw" => {
            let (mb, me) = if stem == "rlwnm" {
                o.count(&[5], "5 operands: rA,rS,rB,MB,ME")?;
                (o.num(3, "MB", 0, 31)? as u8, o.num(4, "ME", 0, 31)? as u8)
            } else {
                o.count(&[3], "3 operands: rA,rS,rB")?;
                (0, 31)
            };
            Insn::Rlwnm(RotReg {
                ra: o.gpr(0)?,
                rs: o.gpr(1)?,
                rb: o.gpr(2)?,
                mb,
                me,
                rc,
            })
        }
        "slwi" | "srwi" | "clrlwi" | "clrrwi" | "rotlwi" | "rotrwi" => {
            o.count(&[3], "3 operands: rA,rS,n")?;
            let n = o.num(2, "n", 0, 31)?;
            match stem {
                "slwi" => rot(o, rc, n, 0, 31 - n)?,
                "srwi" => rot(o, rc, 32 - n, n, 31)?,
                "clrlwi" => rot(o, rc, 0, n, 31)?,
                "clrrwi" => rot(o, rc, 0, 0, 31 - n)?,
                "rotlwi" => rot(o, rc, n, 0, 31)?,
                _ => rot(o, rc, 32 - n, 0, 31)?,
            }
        }
        "extlwi" | "extrwi" | "inslwi" | "insrwi" | "clrlslwi" => {
            o.count(&[4], "4 operands: rA,rS,n,b")?;
            let (n, b) = (o.num(2, "n", 0, 32)?, o.num(3, "b", 0, 31)?);
            match stem {
                "extlwi" if n > 0 => rot(o, rc, b, 0, n - 1)?,
                "extrwi" if n > 0 && b + n <= 32 => rot(o, rc, b + n, 32 - n, 31)?,
                "inslwi" | "insrwi" if n > 0 && b + n <= 32 => {
                    let sh = if stem == "inslwi" {
                        32 - b
                    } else {
                        32 - (b + n)
                    };
                    Insn::Rlwimi(rotf(o, rc, sh, b, b + n - 1)?)
                }
                // clrlslwi rA,rS,b,n: operands are (b, n) here.
                "clrlslwi" if b <= n && n <= 31 => rot(o, rc, b, n - b, 31 - b)?,
                _ => {
                    return Err(Located(
                        AsmErrorKind::Other(format!(
                            "{stem}: n and b must satisfy 0 < n, b + n <= 32"
                        )),
                        o.loc.clone(),
                    ))
                }
            }
        }
        _ => return mnemonics_x::x_forms(o, stem, rc, oe),
    };
    Ok(Some(i))
}

/// Negates a 16-bit immediate for `subi` & co.
fn neg16(o: &Ops, i: usize, si: i16) -> LRes<i16> {
    si.checked_neg().ok_or_else(|| {
        Located(
            AsmErrorKind::OutOfRange {
                what: format!("{} operand immediate (negated)", o.mn),
                value: -i64::from(si),
                min: -32768,
                max: 32767,
            },
            o.ops[i].loc.clone(),
        )
    })
}

/// `cmp`/`cmpl` (register) and `cmpi`/`cmpli` (immediate); operands start at `k`.
fn compare(o: &Ops, stem: &str, bf: u8, k: usize) -> LRes<Insn> {
    Ok(match stem {
        "cmpi" | "cmpwi" => Insn::Cmpi(DCmp {
            bf,
            ra: o.gpr(k)?,
            si: o.imm16(k + 1, true, false)? as i16,
        }),
        "cmpli" | "cmplwi" => Insn::Cmpli(DCmpl {
            bf,
            ra: o.gpr(k)?,
            ui: o.imm16(k + 1, false, false)?,
        }),
        "cmp" | "cmpw" => Insn::Cmp(XCmp {
            bf,
            ra: o.gpr(k)?,
            rb: o.gpr(k + 1)?,
        }),
        _ => Insn::Cmpl(XCmp {
            bf,
            ra: o.gpr(k)?,
            rb: o.gpr(k + 1)?,
        }),
    })
}
