//! Operand forms of the D, I, B, XL and M instruction formats: one declaration per field
//! layout, from which its decoder and encoder follow.

use super::field::*;
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
    /// The bits holding operands.
    #[cfg(test)]
    fn operand_mask(&self) -> u32;
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
    #[cfg(test)]
    fn operand_mask(&self) -> u32 {
        self.op.shape().operand_mask()
    }
}

operand_forms! {
    /// D-form with a signed immediate: `mulli subfic addic addic. addi addis`.
    DImm { rt: u8 = RT, ra: u8 = RA, si: i16 = SI } reserved 0;

    /// D-form logical with an unsigned immediate: `ori oris xori xoris andi. andis.`
    /// (`ra` is the target, `rs` the source).
    DLogic { ra: u8 = RA, rs: u8 = RS, ui: u16 = UI } reserved 0;

    /// `cmpi` (L = 0, i.e. `cmpwi`): CR field `bf`, signed immediate.
    DCmp { bf: u8 = BF, ra: u8 = RA, si: i16 = SI } reserved bits(9, 9), illegal L_CMP.mask();

    /// `cmpli` (L = 0, i.e. `cmplwi`): CR field `bf`, unsigned immediate.
    DCmpl { bf: u8 = BF, ra: u8 = RA, ui: u16 = UI } reserved bits(9, 9), illegal L_CMP.mask();

    /// `twi`: trap condition `to` (5 bits), signed immediate.
    DTrap { to: u8 = TO, ra: u8 = RA, si: i16 = SI } reserved 0;

    /// D-form load/store `rt, d(ra)` (`rt` is RS for stores).
    DMem { rt: u8 = RT, ra: u8 = RA, d: i16 = D } reserved 0;

    /// I-form `b`: byte displacement `li` (26-bit signed, multiple of 4), AA and LK bits.
    Branch { li: i32 = LI, aa: bool = AA, lk: bool = LK } reserved 0;

    /// B-form `bc`: BO, BI, byte displacement `bd` (16-bit signed, multiple of 4), AA, LK.
    BranchCond { bo: u8 = BO, bi: u8 = BI, bd: i32 = BD, aa: bool = AA, lk: bool = LK }
    reserved 0;

    /// XL-form `bclr`/`bcctr`: BO, BI, branch hint BH (2 bits), LK. Bits 16..=18 reserved.
    BranchReg { bo: u8 = BO, bi: u8 = BI, bh: u8 = BH, lk: bool = LK } reserved bits(16, 18);

    /// `mcrf`: copy CR field `bfa` to `bf`.
    Mcrf { bf: u8 = BF, bfa: u8 = BFA } reserved bits(9, 10) | bits(14, 20) | bits(31, 31);

    /// CR logical ops: CR bits `bt = ba op bb` (0..=31).
    CrOp { bt: u8 = BT, ba: u8 = BA, bb: u8 = BB } reserved bits(31, 31);

    /// M-form rotate by immediate: `rlwimi rlwinm`.
    RotImm { ra: u8 = RA, rs: u8 = RS, sh: u8 = SH, mb: u8 = MB, me: u8 = ME, rc: bool = RC }
    reserved 0;

    /// M-form rotate by register: `rlwnm`.
    RotReg { ra: u8 = RA, rs: u8 = RS, rb: u8 = RB, mb: u8 = MB, me: u8 = ME, rc: bool = RC }
    reserved 0;
}
