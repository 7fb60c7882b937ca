//! Disassembly in a GNU-objdump-like syntax.
//!
//! One space separates mnemonic and operands; registers are `r0`..`r31`, CR fields
//! `cr0`..`cr7`, immediates decimal (signed where the field is signed), branch targets
//! absolute lowercase hex with `0x`. Rc adds `.`, OE adds `o` (`addo.`).
//!
//! Extended mnemonics printed (as objdump does): `nop` (`ori 0,0,0`), `li`/`lis`
//! (`addi`/`addis` with `ra` = 0), `mr` (`or` with `rs` = `rb`), `not` (`nor` with
//! `rs` = `rb`), `cmpwi`/`cmplwi`/`cmpw`/`cmplw` (with `crN,` omitted for cr0),
//! `blr`/`bctr`(`l`) for BO = 20, BI = 0, BH = 0, conditional branches
//! `b{lt,gt,eq,so,ge,le,ne,ns}[lr|ctr][l][a]` for BO = 12/4 and `bdnz`/`bdz` for
//! BO = 16/18, `mflr`/`mtlr`/`mfctr`/`mtctr`/`mfxer`/`mtxer`. Everything else uses the
//! base mnemonic with all operands.

use crate::insn::{Insn, Operands};

fn cr_prefix(cr: u8) -> String {
    if cr == 0 {
        String::new()
    } else {
        format!("cr{cr},")
    }
}

/// Extended conditional-branch stem for (BO, BI), e.g. `beq` or `bdnz`, plus the CR
/// field operand (`cr7` or empty).
fn cond_stem(bo: u8, bi: u8) -> Option<(String, String)> {
    const TRUE: [&str; 4] = ["lt", "gt", "eq", "so"];
    const FALSE: [&str; 4] = ["ge", "le", "ne", "ns"];
    let cr = if bi >= 4 {
        format!("cr{}", bi / 4)
    } else {
        String::new()
    };
    let cond = usize::from(bi % 4);
    match bo {
        12 => Some((format!("b{}", TRUE[cond]), cr)),
        4 => Some((format!("b{}", FALSE[cond]), cr)),
        16 if bi == 0 => Some(("bdnz".to_string(), String::new())),
        18 if bi == 0 => Some(("bdz".to_string(), String::new())),
        _ => None,
    }
}

fn sfx(rc: bool) -> &'static str {
    if rc {
        "."
    } else {
        ""
    }
}

fn target(address: u32, disp: i32, aa: bool) -> String {
    let t = if aa {
        disp as u32
    } else {
        address.wrapping_add(disp as u32)
    };
    format!("{t:#x}")
}

/// Disassembles one instruction located at `address` (used for branch targets).
pub fn disassemble(insn: &Insn, address: u32) -> String {
    let mn = insn.mnemonic();
    match (insn, insn.operands()) {
        (Insn::Addi(f), _) if f.ra == 0 => format!("li r{},{}", f.rt, f.si),
        (Insn::Addis(f), _) if f.ra == 0 => format!("lis r{},{}", f.rt, f.si),
        (Insn::Ori(f), _) if f.ra == 0 && f.rs == 0 && f.ui == 0 => "nop".to_string(),
        (Insn::Or(f), _) if f.rs == f.rb => format!("mr{} r{},r{}", sfx(f.rc), f.ra, f.rs),
        (Insn::Nor(f), _) if f.rs == f.rb => format!("not{} r{},r{}", sfx(f.rc), f.ra, f.rs),
        (Insn::Cmpi(f), _) => format!("cmpwi {}r{},{}", cr_prefix(f.bf), f.ra, f.si),
        (Insn::Cmpli(f), _) => format!("cmplwi {}r{},{}", cr_prefix(f.bf), f.ra, f.ui),
        (Insn::Cmp(f), _) => format!("cmpw {}r{},r{}", cr_prefix(f.bf), f.ra, f.rb),
        (Insn::Cmpl(f), _) => format!("cmplw {}r{},r{}", cr_prefix(f.bf), f.ra, f.rb),
        (Insn::Mfspr(f), _) if matches!(f.spr, 1 | 8 | 9) => {
            format!("mf{} r{}", spr_name(f.spr), f.reg)
        }
        (Insn::Mtspr(f), _) if matches!(f.spr, 1 | 8 | 9) => {
            format!("mt{} r{}", spr_name(f.spr), f.reg)
        }
        (Insn::Mtspr(f), _) => format!("mtspr {},r{}", f.spr, f.reg),
        (Insn::Bclr(_) | Insn::Bcctr(_), Operands::BranchReg(f)) => {
            let reg = if matches!(insn, Insn::Bclr(_)) {
                "lr"
            } else {
                "ctr"
            };
            let l = if f.lk { "l" } else { "" };
            if f.bh == 0 && f.bo == 20 && f.bi == 0 {
                format!("b{reg}{l}")
            } else if let (0, Some((stem, cr))) = (f.bh, cond_stem(f.bo, f.bi)) {
                if cr.is_empty() {
                    format!("{stem}{reg}{l}")
                } else {
                    format!("{stem}{reg}{l} {cr}")
                }
            } else if f.bh == 0 {
                format!("{mn}{l} {},{}", f.bo, f.bi)
            } else {
                format!("{mn}{l} {},{},{}", f.bo, f.bi, f.bh)
            }
        }
        (_, ops) => generic(mn, ops, address),
    }
}

fn spr_name(spr: u16) -> &'static str {
    match spr {
        1 => "xer",
        8 => "lr",
        _ => "ctr",
    }
}

fn generic(mn: &str, ops: Operands<'_>, address: u32) -> String {
    match ops {
        Operands::DImm(f) => format!("{mn} r{},r{},{}", f.rt, f.ra, f.si),
        Operands::DLogic(f) => format!("{mn} r{},r{},{}", f.ra, f.rs, f.ui),
        Operands::DCmp(f) => format!("{mn} {},0,r{},{}", f.bf, f.ra, f.si),
        Operands::DCmpl(f) => format!("{mn} {},0,r{},{}", f.bf, f.ra, f.ui),
        Operands::DTrap(f) => format!("{mn} {},r{},{}", f.to, f.ra, f.si),
        Operands::DMem(f) => format!("{mn} r{},{}(r{})", f.rt, f.d, f.ra),
        Operands::Branch(f) => format!(
            "b{}{} {}",
            if f.lk { "l" } else { "" },
            if f.aa { "a" } else { "" },
            target(address, f.li, f.aa)
        ),
        Operands::BranchCond(f) => {
            let la = format!(
                "{}{}",
                if f.lk { "l" } else { "" },
                if f.aa { "a" } else { "" }
            );
            let t = target(address, f.bd, f.aa);
            match cond_stem(f.bo, f.bi) {
                Some((stem, cr)) if cr.is_empty() => format!("{stem}{la} {t}"),
                Some((stem, cr)) => format!("{stem}{la} {cr},{t}"),
                None => format!("bc{la} {},{},{t}", f.bo, f.bi),
            }
        }
        Operands::BranchReg(f) => format!("{mn} {},{},{}", f.bo, f.bi, f.bh),
        Operands::Mcrf(f) => format!("{mn} cr{},cr{}", f.bf, f.bfa),
        Operands::CrOp(f) => format!("{mn} {},{},{}", f.bt, f.ba, f.bb),
        Operands::RotImm(f) => format!(
            "{mn}{} r{},r{},{},{},{}",
            sfx(f.rc),
            f.ra,
            f.rs,
            f.sh,
            f.mb,
            f.me
        ),
        Operands::RotReg(f) => format!(
            "{mn}{} r{},r{},r{},{},{}",
            sfx(f.rc),
            f.ra,
            f.rs,
            f.rb,
            f.mb,
            f.me
        ),
        Operands::XCmp(f) => format!("{mn} {},0,r{},r{}", f.bf, f.ra, f.rb),
        Operands::XTrap(f) => format!("{mn} {},r{},r{}", f.to, f.ra, f.rb),
        Operands::XMem(f) => format!("{mn} r{},r{},r{}", f.rt, f.ra, f.rb),
        Operands::XLogic(f) => format!("{mn}{} r{},r{},r{}", sfx(f.rc), f.ra, f.rs, f.rb),
        Operands::XUnary(f) => format!("{mn}{} r{},r{}", sfx(f.rc), f.ra, f.rs),
        Operands::XRaRs(f) => format!("{mn} r{},r{}", f.ra, f.rs),
        Operands::Srawi(f) => format!("{mn}{} r{},r{},{}", sfx(f.rc), f.ra, f.rs, f.sh),
        Operands::Field2(f) if f.value == 0 => mn.to_string(),
        Operands::Field2(f) => format!("{mn} {}", f.value),
        Operands::OneReg(f) => format!("{mn} r{}", f.reg),
        Operands::XoArith(f) => format!(
            "{mn}{}{} r{},r{},r{}",
            if f.oe { "o" } else { "" },
            sfx(f.rc),
            f.rt,
            f.ra,
            f.rb
        ),
        Operands::XoMulh(f) => format!("{mn}{} r{},r{},r{}", sfx(f.rc), f.rt, f.ra, f.rb),
        Operands::XoUnary(f) => format!(
            "{mn}{}{} r{},r{}",
            if f.oe { "o" } else { "" },
            sfx(f.rc),
            f.rt,
            f.ra
        ),
        Operands::Mfcr(f) => format!("{mn} r{}", f.rt),
        // mfocrf rt,fxm; mtcrf/mtocrf fxm,rs.
        Operands::CrMask(f) if mn == "mfocrf" => format!("{mn} r{},{}", f.reg, f.fxm),
        Operands::CrMask(f) => format!("{mn} {},r{}", f.fxm, f.reg),
        Operands::SprMove(f) => format!("{mn} r{},{}", f.reg, f.spr),
        Operands::Fxv(f) => f.text(),
        Operands::None => mn.to_string(),
    }
}
