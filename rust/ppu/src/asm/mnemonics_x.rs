//! X-, XO- and XFX-form mnemonics (opcode 31 and friends) and the `mf*`/`mt*` SPR
//! shorthands.

use super::assembler::LRes;
use super::operands::Ops;
use crate::insn::*;

fn spr_number(name: &str) -> Option<u16> {
    Some(match name {
        "xer" => 1,
        "lr" => 8,
        "ctr" => 9,
        "dec" => 22,
        "srr0" => 26,
        "srr1" => 27,
        "decar" => 54,
        "csrr0" => 58,
        "csrr1" => 59,
        "dear" => 61,
        "esr" => 62,
        "tsr" => 336,
        "tcr" => 340,
        _ => return None,
    })
}

/// `stem` without its `.`/`o` suffixes; `None`: not one of these mnemonics.
pub(super) fn x_forms(o: &Ops, stem: &str, rc: bool, oe: bool) -> LRes<Option<Insn>> {
    let i = match stem {
        "lwzx" | "lwzux" | "lbzx" | "lbzux" | "stwx" | "stwux" | "stbx" | "stbux" | "lhzx"
        | "eciwx" | "lhzux" | "lhax" | "lhaux" | "sthx" | "ecowx" | "sthux" => {
            o.count(&[3], "3 operands: rD,rA,rB")?;
            let f = XMem {
                rt: o.gpr(0)?,
                ra: o.gpr(1)?,
                rb: o.gpr(2)?,
            };
            match stem {
                "lwzx" => Insn::Lwzx(f),
                "lwzux" => Insn::Lwzux(f),
                "lbzx" => Insn::Lbzx(f),
                "lbzux" => Insn::Lbzux(f),
                "stwx" => Insn::Stwx(f),
                "stwux" => Insn::Stwux(f),
                "stbx" => Insn::Stbx(f),
                "stbux" => Insn::Stbux(f),
                "lhzx" => Insn::Lhzx(f),
                "eciwx" => Insn::Eciwx(f),
                "lhzux" => Insn::Lhzux(f),
                "lhax" => Insn::Lhax(f),
                "lhaux" => Insn::Lhaux(f),
                "sthx" => Insn::Sthx(f),
                "ecowx" => Insn::Ecowx(f),
                _ => Insn::Sthux(f),
            }
        }
        "slw" | "and" | "andc" | "nor" | "eqv" | "xor" | "orc" | "or" | "nand" | "srw" | "sraw" => {
            o.count(&[3], "3 operands: rA,rS,rB")?;
            let f = XLogic {
                ra: o.gpr(0)?,
                rs: o.gpr(1)?,
                rb: o.gpr(2)?,
                rc,
            };
            match stem {
                "slw" => Insn::Slw(f),
                "and" => Insn::And(f),
                "andc" => Insn::Andc(f),
                "nor" => Insn::Nor(f),
                "eqv" => Insn::Eqv(f),
                "xor" => Insn::Xor(f),
                "orc" => Insn::Orc(f),
                "or" => Insn::Or(f),
                "nand" => Insn::Nand(f),
                "srw" => Insn::Srw(f),
                _ => Insn::Sraw(f),
            }
        }
        "mr" | "not" => {
            o.count(&[2], "2 operands: rA,rS")?;
            let rs = o.gpr(1)?;
            let f = XLogic {
                ra: o.gpr(0)?,
                rs,
                rb: rs,
                rc,
            };
            if stem == "mr" {
                Insn::Or(f)
            } else {
                Insn::Nor(f)
            }
        }
        "cntlzw" | "extsh" | "extsb" => {
            o.count(&[2], "2 operands: rA,rS")?;
            let f = XUnary {
                ra: o.gpr(0)?,
                rs: o.gpr(1)?,
                rc,
            };
            match stem {
                "cntlzw" => Insn::Cntlzw(f),
                "extsh" => Insn::Extsh(f),
                _ => Insn::Extsb(f),
            }
        }
        "popcb" | "popcntb" | "prtyw" => {
            o.count(&[2], "2 operands: rA,rS")?;
            let f = XRaRs {
                ra: o.gpr(0)?,
                rs: o.gpr(1)?,
            };
            if stem == "prtyw" {
                Insn::Prtyw(f)
            } else {
                Insn::Popcb(f)
            }
        }
        "srawi" => {
            o.count(&[3], "3 operands: rA,rS,SH")?;
            Insn::Srawi(Srawi {
                ra: o.gpr(0)?,
                rs: o.gpr(1)?,
                sh: o.num(2, "SH", 0, 31)? as u8,
                rc,
            })
        }
        "wait" | "sync" | "msync" | "lwsync" => {
            let fixed = match stem {
                "msync" => Some(0),
                "lwsync" => Some(1),
                _ => None,
            };
            let value = match fixed {
                Some(v) => {
                    o.count(&[0], "no operands")?;
                    v
                }
                None => {
                    o.count(&[0, 1], "0 or 1 operand (0..3)")?;
                    if o.len() == 1 {
                        o.num(0, "field", 0, 3)? as u8
                    } else {
                        0
                    }
                }
            };
            let f = Field2 { value };
            if stem == "wait" {
                Insn::Wait(f)
            } else {
                Insn::Sync(f)
            }
        }
        "mfmsr" | "mtmsr" => {
            o.count(&[1, 2], "1 operand: rD")?;
            if o.len() == 2 {
                o.num(1, "L (must be 0)", 0, 0)?;
            }
            let f = OneReg { reg: o.gpr(0)? };
            if stem == "mfmsr" {
                Insn::Mfmsr(f)
            } else {
                Insn::Mtmsr(f)
            }
        }
        "subfc" | "addc" | "subf" | "subfe" | "adde" | "mullw" | "add" | "divwu" | "divw"
        | "sub" | "subc" => {
            o.count(&[3], "3 operands: rD,rA,rB")?;
            let (ra, rb) = if stem.starts_with("sub") && !stem.starts_with("subf") {
                (o.gpr(2)?, o.gpr(1)?)
            } else {
                (o.gpr(1)?, o.gpr(2)?)
            };
            let f = XoArith {
                rt: o.gpr(0)?,
                ra,
                rb,
                oe,
                rc,
            };
            match stem {
                "subfc" | "subc" => Insn::Subfc(f),
                "addc" => Insn::Addc(f),
                "subf" | "sub" => Insn::Subf(f),
                "subfe" => Insn::Subfe(f),
                "adde" => Insn::Adde(f),
                "mullw" => Insn::Mullw(f),
                "add" => Insn::Add(f),
                "divwu" => Insn::Divwu(f),
                _ => Insn::Divw(f),
            }
        }
        "mulhw" | "mulhwu" => {
            o.count(&[3], "3 operands: rD,rA,rB")?;
            let f = XoMulh {
                rt: o.gpr(0)?,
                ra: o.gpr(1)?,
                rb: o.gpr(2)?,
                rc,
            };
            if stem == "mulhw" {
                Insn::Mulhw(f)
            } else {
                Insn::Mulhwu(f)
            }
        }
        "neg" | "subfze" | "addze" | "subfme" | "addme" => {
            o.count(&[2], "2 operands: rD,rA")?;
            let f = XoUnary {
                rt: o.gpr(0)?,
                ra: o.gpr(1)?,
                oe,
                rc,
            };
            match stem {
                "neg" => Insn::Neg(f),
                "subfze" => Insn::Subfze(f),
                "addze" => Insn::Addze(f),
                "subfme" => Insn::Subfme(f),
                _ => Insn::Addme(f),
            }
        }
        "mfcr" => {
            o.count(&[1, 2], "1 operand: rD (or rD,FXM for mfocrf)")?;
            if o.len() == 2 {
                Insn::Mfocrf(CrMask {
                    reg: o.gpr(0)?,
                    fxm: o.num(1, "FXM", 0, 255)? as u8,
                })
            } else {
                Insn::Mfcr(Mfcr { rt: o.gpr(0)? })
            }
        }
        "mfocrf" => {
            o.count(&[2], "2 operands: rD,FXM")?;
            Insn::Mfocrf(CrMask {
                reg: o.gpr(0)?,
                fxm: o.num(1, "FXM", 0, 255)? as u8,
            })
        }
        "mtcrf" | "mtocrf" => {
            o.count(&[2], "2 operands: FXM,rS")?;
            let f = CrMask {
                reg: o.gpr(1)?,
                fxm: o.num(0, "FXM", 0, 255)? as u8,
            };
            if stem == "mtcrf" {
                Insn::Mtcrf(f)
            } else {
                Insn::Mtocrf(f)
            }
        }
        "mtcr" => {
            o.count(&[1], "1 operand: rS")?;
            Insn::Mtcrf(CrMask {
                reg: o.gpr(0)?,
                fxm: 0xFF,
            })
        }
        "mfspr" => {
            o.count(&[2], "2 operands: rD,SPR")?;
            Insn::Mfspr(SprMove {
                reg: o.gpr(0)?,
                spr: o.num(1, "SPR", 0, 1023)? as u16,
            })
        }
        "mtspr" => {
            o.count(&[2], "2 operands: SPR,rS")?;
            Insn::Mtspr(SprMove {
                reg: o.gpr(1)?,
                spr: o.num(0, "SPR", 0, 1023)? as u16,
            })
        }
        "rfi" | "rfci" | "rfmci" => {
            o.count(&[0], "no operands")?;
            match stem {
                "rfi" => Insn::Rfi,
                "rfci" => Insn::Rfci,
                _ => Insn::Rfmci,
            }
        }
        _ => {
            if let Some(spr) = stem.strip_prefix("mf").and_then(spr_number) {
                o.count(&[1], "1 operand: rD")?;
                Insn::Mfspr(SprMove {
                    reg: o.gpr(0)?,
                    spr,
                })
            } else if let Some(spr) = stem.strip_prefix("mt").and_then(spr_number) {
                o.count(&[1], "1 operand: rS")?;
                Insn::Mtspr(SprMove {
                    reg: o.gpr(0)?,
                    spr,
                })
            } else {
                return Ok(None);
            }
        }
    };
    Ok(Some(i))
}
