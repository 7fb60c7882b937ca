//! Operand forms of the X, XO and XFX instruction formats (primary opcode 31).

use super::field::*;
use super::*;

operand_forms! {
    /// X-form `cmp`/`cmpl` (L = 0, i.e. `cmpw`/`cmplw`).
    XCmp { bf: u8 = BF, ra: u8 = RA, rb: u8 = RB }
    reserved bits(9, 9) | bits(31, 31), illegal L_CMP.mask();

    /// X-form `tw`.
    XTrap { to: u8 = TO, ra: u8 = RA, rb: u8 = RB } reserved bits(31, 31);

    /// X-form indexed load/store `rt, ra, rb` (`rt` is RS for stores), also `eciwx`/`ecowx`.
    XMem { rt: u8 = RT, ra: u8 = RA, rb: u8 = RB } reserved bits(31, 31);

    /// X-form logical/shift `ra = rs op rb` with Rc.
    XLogic { ra: u8 = RA, rs: u8 = RS, rb: u8 = RB, rc: bool = RC } reserved 0;

    /// X-form unary `ra = op(rs)` with Rc: `cntlzw extsh extsb`. RB field reserved.
    XUnary { ra: u8 = RA, rs: u8 = RS, rc: bool = RC } reserved RB.mask();

    /// X-form unary without Rc: `popcb prtyw`. RB field and bit 31 reserved.
    XRaRs { ra: u8 = RA, rs: u8 = RS } reserved RB.mask() | bits(31, 31);

    /// `srawi ra, rs, sh` with Rc.
    Srawi { ra: u8 = RA, rs: u8 = RS, sh: u8 = SH, rc: bool = RC } reserved 0;

    /// A 2-bit field at bits 9..=10 (`wait WC`, `sync L`); bits 6..=8, 11..=20, 31 reserved.
    Field2 { value: u8 = L2 } reserved bits(6, 8) | bits(11, 20) | bits(31, 31);

    /// One GPR at bits 6..=10 (`mfmsr rt`, `mtmsr rs`); bits 11..=20 and 31 reserved.
    OneReg { reg: u8 = RT } reserved bits(11, 20) | bits(31, 31);

    /// XO-form `rt = ra op rb` with OE and Rc.
    XoArith { rt: u8 = RT, ra: u8 = RA, rb: u8 = RB, oe: bool = OE, rc: bool = RC } reserved 0;

    /// XO-form `mulhw`/`mulhwu`: no OE (bit 21 reserved), Rc.
    XoMulh { rt: u8 = RT, ra: u8 = RA, rb: u8 = RB, rc: bool = RC } reserved OE.mask();

    /// XO-form unary `rt = op(ra)` with OE and Rc: `neg subfze addze subfme addme`.
    /// RB field reserved.
    XoUnary { rt: u8 = RT, ra: u8 = RA, oe: bool = OE, rc: bool = RC } reserved RB.mask();

    /// `mfcr rt` (bit 11 = 0); bits 12..=20 and 31 reserved.
    Mfcr { rt: u8 = RT } reserved bits(12, 20) | bits(31, 31);

    /// A GPR and a CR field mask FXM (bits 12..=19): `mfocrf rt,fxm`, `mtcrf fxm,rs`,
    /// `mtocrf fxm,rs`. Bits 20 and 31 reserved.
    CrMask { reg: u8 = RT, fxm: u8 = FXM } reserved bits(20, 20) | bits(31, 31);

    /// `mfspr rt,spr` / `mtspr spr,rs`: `spr` is the SPR number 0..=1023 (the halves are
    /// swapped in the word as the ISA specifies). Bit 31 reserved.
    SprMove { reg: u8 = RT, spr: u16 = SPR } reserved bits(31, 31);
}
