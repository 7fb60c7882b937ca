//! Operand forms of the D, I, B, XL and M instruction formats: one struct per field
//! layout, with its decoder and encoder.

use super::*;

/// Operand layout shared by a group of instructions.
pub(crate) trait Form: Sized {
    /// Reserved bits that [`decode`] ignores.
    const RESERVED: u32;
    /// Extracts the operands; `None` if the word is an invalid form (see module docs).
    fn dec(w: u32) -> Option<Self>;
    /// The operand bits (opcode bits not included).
    fn enc(&self) -> Result<u32, EncodeError>;
    /// The reserved bits of this instance (only the vector form varies per opcode).
    fn reserved_bits(&self) -> u32 {
        Self::RESERVED
    }
}

impl Form for Fxv {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Fxv::decode(w)
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        self.encode()
    }
    fn reserved_bits(&self) -> u32 {
        self.op.shape().reserved()
    }
}

/// D-form with a signed immediate: `mulli subfic addic addic. addi addis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DImm {
    pub rt: u8,
    pub ra: u8,
    pub si: i16,
}

impl Form for DImm {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rt: r(w, 6),
            ra: r(w, 11),
            si: w as u16 as i16,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rt", self.rt, 6)? | reg("ra", self.ra, 11)? | u32::from(self.si as u16))
    }
}

/// D-form logical with an unsigned immediate: `ori oris xori xoris andi. andis.`
/// (`ra` is the target, `rs` the source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DLogic {
    pub ra: u8,
    pub rs: u8,
    pub ui: u16,
}

impl Form for DLogic {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rs: r(w, 6),
            ra: r(w, 11),
            ui: w as u16,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rs", self.rs, 6)? | reg("ra", self.ra, 11)? | u32::from(self.ui))
    }
}

pub(super) fn cmp_bf(w: u32) -> Option<u8> {
    // L (bit 10) = 1 would be a 64-bit compare: invalid on a 32-bit core.
    if isbit(w, 10) {
        None
    } else {
        Some(get(w, 6, 3) as u8)
    }
}

/// `cmpi` (L = 0, i.e. `cmpwi`): CR field `bf`, signed immediate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DCmp {
    pub bf: u8,
    pub ra: u8,
    pub si: i16,
}

impl Form for DCmp {
    const RESERVED: u32 = bits(9, 9);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            bf: cmp_bf(w)?,
            ra: r(w, 11),
            si: w as u16 as i16,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("bf", self.bf.into(), 6, 3)? | reg("ra", self.ra, 11)? | u32::from(self.si as u16))
    }
}

/// `cmpli` (L = 0, i.e. `cmplwi`): CR field `bf`, unsigned immediate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DCmpl {
    pub bf: u8,
    pub ra: u8,
    pub ui: u16,
}

impl Form for DCmpl {
    const RESERVED: u32 = bits(9, 9);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            bf: cmp_bf(w)?,
            ra: r(w, 11),
            ui: w as u16,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("bf", self.bf.into(), 6, 3)? | reg("ra", self.ra, 11)? | u32::from(self.ui))
    }
}

/// `twi`: trap condition `to` (5 bits), signed immediate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DTrap {
    pub to: u8,
    pub ra: u8,
    pub si: i16,
}

impl Form for DTrap {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            to: r(w, 6),
            ra: r(w, 11),
            si: w as u16 as i16,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("to", self.to.into(), 6, 5)? | reg("ra", self.ra, 11)? | u32::from(self.si as u16))
    }
}

/// D-form load/store `rt, d(ra)` (`rt` is RS for stores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DMem {
    pub rt: u8,
    pub ra: u8,
    pub d: i16,
}

impl Form for DMem {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rt: r(w, 6),
            ra: r(w, 11),
            d: w as u16 as i16,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rt", self.rt, 6)? | reg("ra", self.ra, 11)? | u32::from(self.d as u16))
    }
}

pub(super) fn disp(field: &'static str, v: i32, bits_: u32) -> Result<u32, EncodeError> {
    let min = -(1i64 << (bits_ - 1));
    let max = (1i64 << (bits_ - 1)) - 4;
    let value = i64::from(v);
    if value < min || value > max {
        return Err(EncodeError::OutOfRange {
            field,
            value,
            min,
            max,
        });
    }
    if value % 4 != 0 {
        return Err(EncodeError::Misaligned { field, value });
    }
    Ok((v as u32) & (((1u64 << bits_) - 1) as u32) & !3)
}

/// I-form `b`: byte displacement `li` (26-bit signed, multiple of 4), AA and LK bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Branch {
    pub li: i32,
    pub aa: bool,
    pub lk: bool,
}

impl Form for Branch {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        let li = (((w & 0x03FF_FFFC) << 6) as i32) >> 6;
        Some(Self {
            li,
            aa: isbit(w, 30),
            lk: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(disp("li", self.li, 26)? | bit(self.aa, 30) | bit(self.lk, 31))
    }
}

/// B-form `bc`: BO, BI, byte displacement `bd` (16-bit signed, multiple of 4), AA, LK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BranchCond {
    pub bo: u8,
    pub bi: u8,
    pub bd: i32,
    pub aa: bool,
    pub lk: bool,
}

impl Form for BranchCond {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            bo: r(w, 6),
            bi: r(w, 11),
            bd: i32::from((w & 0xFFFC) as u16 as i16),
            aa: isbit(w, 30),
            lk: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("bo", self.bo.into(), 6, 5)?
            | put("bi", self.bi.into(), 11, 5)?
            | disp("bd", self.bd, 16)?
            | bit(self.aa, 30)
            | bit(self.lk, 31))
    }
}

/// XL-form `bclr`/`bcctr`: BO, BI, branch hint BH (2 bits), LK. Bits 16..=18 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BranchReg {
    pub bo: u8,
    pub bi: u8,
    pub bh: u8,
    pub lk: bool,
}

impl Form for BranchReg {
    const RESERVED: u32 = bits(16, 18);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            bo: r(w, 6),
            bi: r(w, 11),
            bh: get(w, 19, 2) as u8,
            lk: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("bo", self.bo.into(), 6, 5)?
            | put("bi", self.bi.into(), 11, 5)?
            | put("bh", self.bh.into(), 19, 2)?
            | bit(self.lk, 31))
    }
}

/// `mcrf`: copy CR field `bfa` to `bf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mcrf {
    pub bf: u8,
    pub bfa: u8,
}

impl Form for Mcrf {
    const RESERVED: u32 = bits(9, 10) | bits(14, 20) | bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            bf: get(w, 6, 3) as u8,
            bfa: get(w, 11, 3) as u8,
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("bf", self.bf.into(), 6, 3)? | put("bfa", self.bfa.into(), 11, 3)?)
    }
}

/// CR logical ops: CR bits `bt = ba op bb` (0..=31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CrOp {
    pub bt: u8,
    pub ba: u8,
    pub bb: u8,
}

impl Form for CrOp {
    const RESERVED: u32 = bits(31, 31);
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            bt: r(w, 6),
            ba: r(w, 11),
            bb: r(w, 16),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(put("bt", self.bt.into(), 6, 5)?
            | put("ba", self.ba.into(), 11, 5)?
            | put("bb", self.bb.into(), 16, 5)?)
    }
}

/// M-form rotate by immediate: `rlwimi rlwinm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RotImm {
    pub ra: u8,
    pub rs: u8,
    pub sh: u8,
    pub mb: u8,
    pub me: u8,
    pub rc: bool,
}

impl Form for RotImm {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rs: r(w, 6),
            ra: r(w, 11),
            sh: r(w, 16),
            mb: r(w, 21),
            me: r(w, 26),
            rc: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rs", self.rs, 6)?
            | reg("ra", self.ra, 11)?
            | put("sh", self.sh.into(), 16, 5)?
            | put("mb", self.mb.into(), 21, 5)?
            | put("me", self.me.into(), 26, 5)?
            | bit(self.rc, 31))
    }
}

/// M-form rotate by register: `rlwnm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RotReg {
    pub ra: u8,
    pub rs: u8,
    pub rb: u8,
    pub mb: u8,
    pub me: u8,
    pub rc: bool,
}

impl Form for RotReg {
    const RESERVED: u32 = 0;
    fn dec(w: u32) -> Option<Self> {
        Some(Self {
            rs: r(w, 6),
            ra: r(w, 11),
            rb: r(w, 16),
            mb: r(w, 21),
            me: r(w, 26),
            rc: isbit(w, 31),
        })
    }
    fn enc(&self) -> Result<u32, EncodeError> {
        Ok(reg("rs", self.rs, 6)?
            | reg("ra", self.ra, 11)?
            | reg("rb", self.rb, 16)?
            | put("mb", self.mb.into(), 21, 5)?
            | put("me", self.me.into(), 26, 5)?
            | bit(self.rc, 31))
    }
}
