//! Operand forms of the X, XO and XFX instruction formats (primary opcode 31).

use super::*;

/// X-form `cmp`/`cmpl` (L = 0, i.e. `cmpw`/`cmplw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XCmp {
    pub bf: u8,
    pub ra: u8,
    pub rb: u8,
}

impl Form for XCmp {
    const RESERVED: u32 = bits(9, 9) | bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            bf: cmp_bf(w)?,
            ra: r(w, 11),
            rb: r(w, 16),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("bf", self.bf.into(), 6, 3)? | reg("ra", self.ra, 11)? | reg("rb", self.rb, 16)?)
    }
}

/// X-form `tw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XTrap {
    pub to: u8,
    pub ra: u8,
    pub rb: u8,
}

impl Form for XTrap {
    const RESERVED: u32 = bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            to: r(w, 6),
            ra: r(w, 11),
            rb: r(w, 16),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("to", self.to.into(), 6, 5)? | reg("ra", self.ra, 11)? | reg("rb", self.rb, 16)?)
    }
}

/// X-form indexed load/store `rt, ra, rb` (`rt` is RS for stores), also `eciwx`/`ecowx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XMem {
    pub rt: u8,
    pub ra: u8,
    pub rb: u8,
}

impl Form for XMem {
    const RESERVED: u32 = bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rt: r(w, 6),
            ra: r(w, 11),
            rb: r(w, 16),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rt", self.rt, 6)? | reg("ra", self.ra, 11)? | reg("rb", self.rb, 16)?)
    }
}

/// X-form logical/shift `ra = rs op rb` with Rc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XLogic {
    pub ra: u8,
    pub rs: u8,
    pub rb: u8,
    pub rc: bool,
}

impl Form for XLogic {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rs: r(w, 6),
            ra: r(w, 11),
            rb: r(w, 16),
            rc: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rs", self.rs, 6)?
            | reg("ra", self.ra, 11)?
            | reg("rb", self.rb, 16)?
            | bit(self.rc, 31))
    }
}

/// X-form unary `ra = op(rs)` with Rc: `cntlzw extsh extsb`. RB field reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XUnary {
    pub ra: u8,
    pub rs: u8,
    pub rc: bool,
}

impl Form for XUnary {
    const RESERVED: u32 = bits(16, 20);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rs: r(w, 6),
            ra: r(w, 11),
            rc: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rs", self.rs, 6)? | reg("ra", self.ra, 11)? | bit(self.rc, 31))
    }
}

/// X-form unary without Rc: `popcb prtyw`. RB field and bit 31 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XRaRs {
    pub ra: u8,
    pub rs: u8,
}

impl Form for XRaRs {
    const RESERVED: u32 = bits(16, 20) | bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rs: r(w, 6),
            ra: r(w, 11),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rs", self.rs, 6)? | reg("ra", self.ra, 11)?)
    }
}

/// `srawi ra, rs, sh` with Rc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Srawi {
    pub ra: u8,
    pub rs: u8,
    pub sh: u8,
    pub rc: bool,
}

impl Form for Srawi {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rs: r(w, 6),
            ra: r(w, 11),
            sh: r(w, 16),
            rc: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rs", self.rs, 6)?
            | reg("ra", self.ra, 11)?
            | put("sh", self.sh.into(), 16, 5)?
            | bit(self.rc, 31))
    }
}

/// A 2-bit field at bits 9..=10 (`wait WC`, `sync L`); bits 6..=8, 11..=20, 31 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Field2 {
    pub value: u8,
}

impl Form for Field2 {
    const RESERVED: u32 = bits(6, 8) | bits(11, 20) | bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            value: get(w, 9, 2) as u8,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        put("value", self.value.into(), 9, 2)
    }
}

/// One GPR at bits 6..=10 (`mfmsr rt`, `mtmsr rs`); bits 11..=20 and 31 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OneReg {
    pub reg: u8,
}

impl Form for OneReg {
    const RESERVED: u32 = bits(11, 20) | bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self { reg: r(w, 6) })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        reg("reg", self.reg, 6)
    }
}

/// XO-form `rt = ra op rb` with OE and Rc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XoArith {
    pub rt: u8,
    pub ra: u8,
    pub rb: u8,
    pub oe: bool,
    pub rc: bool,
}

impl Form for XoArith {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rt: r(w, 6),
            ra: r(w, 11),
            rb: r(w, 16),
            oe: isbit(w, 21),
            rc: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rt", self.rt, 6)?
            | reg("ra", self.ra, 11)?
            | reg("rb", self.rb, 16)?
            | bit(self.oe, 21)
            | bit(self.rc, 31))
    }
}

/// XO-form `mulhw`/`mulhwu`: no OE (bit 21 reserved), Rc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XoMulh {
    pub rt: u8,
    pub ra: u8,
    pub rb: u8,
    pub rc: bool,
}

impl Form for XoMulh {
    const RESERVED: u32 = bits(21, 21);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rt: r(w, 6),
            ra: r(w, 11),
            rb: r(w, 16),
            rc: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rt", self.rt, 6)?
            | reg("ra", self.ra, 11)?
            | reg("rb", self.rb, 16)?
            | bit(self.rc, 31))
    }
}

/// XO-form unary `rt = op(ra)` with OE and Rc: `neg subfze addze subfme addme`.
/// RB field reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct XoUnary {
    pub rt: u8,
    pub ra: u8,
    pub oe: bool,
    pub rc: bool,
}

impl Form for XoUnary {
    const RESERVED: u32 = bits(16, 20);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rt: r(w, 6),
            ra: r(w, 11),
            oe: isbit(w, 21),
            rc: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rt", self.rt, 6)? | reg("ra", self.ra, 11)? | bit(self.oe, 21) | bit(self.rc, 31))
    }
}

/// `mfcr rt` (bit 11 = 0); bits 12..=20 and 31 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mfcr {
    pub rt: u8,
}

impl Form for Mfcr {
    const RESERVED: u32 = bits(12, 20) | bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self { rt: r(w, 6) })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        reg("rt", self.rt, 6)
    }
}

/// A GPR and a CR field mask FXM (bits 12..=19): `mfocrf rt,fxm`, `mtcrf fxm,rs`,
/// `mtocrf fxm,rs`. Bits 20 and 31 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CrMask {
    pub reg: u8,
    pub fxm: u8,
}

impl Form for CrMask {
    const RESERVED: u32 = bits(20, 20) | bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            reg: r(w, 6),
            fxm: get(w, 12, 8) as u8,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("reg", self.reg, 6)? | (u32::from(self.fxm) << 12))
    }
}

/// `mfspr rt,spr` / `mtspr spr,rs`: `spr` is the SPR number 0..=1023 (the halves are
/// swapped in the word as the ISA specifies). Bit 31 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SprMove {
    pub reg: u8,
    pub spr: u16,
}

impl Form for SprMove {
    const RESERVED: u32 = bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        let f = get(w, 11, 10);
        let spr = ((f & 0x1F) << 5) | (f >> 5);
        Some(Self {
            reg: r(w, 6),
            spr: spr as u16,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        let spr = put("spr", self.spr.into(), 22, 10)?;
        let f = ((spr & 0x1F) << 5) | (spr >> 5);
        Ok(reg("reg", self.reg, 6)? | (f << 11))
    }
}
