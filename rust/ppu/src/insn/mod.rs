//! The scalar instruction set of the Nux core as data (ppu.md §1).
//!
//! Every implemented scalar instruction is one variant of [`Insn`]. Variants carry a
//! small operand struct named after the instruction form (Power ISA field layout,
//! big-endian bit numbering: bit 0 is the MSB of the 32-bit word). Operands are small
//! integers: register numbers `u8` 0..=31, condition-register fields `u8` 0..=7,
//! immediates `i16`/`u16`, branch displacements `i32` byte offsets. Each form names one
//! field of `field.rs` per operand, so decoding and encoding read the same declaration.
//!
//! # Reserved bits
//!
//! [`decode`] **ignores** reserved bits that the ISA says must be zero (as the RTL does:
//! it decodes opcode and extended opcode only). [`reserved_mask`] gives, for a decoded
//! instruction, exactly the bits that were ignored; [`encode`] writes them as zero, so
//! `encode(decode(w)) == w & !reserved_mask(&decode(w))`.
//!
//! One exception makes a word illegal instead of being ignored: the `L` bit (bit 10) of
//! `cmpi`/`cmpli`/`cmp`/`cmpl`, because `L = 1` selects a 64-bit compare that a 32-bit
//! core does not have.
//!
//! Opcode 4 is the vector unit: its 53 instructions are the one variant [`Insn::Fxv`]
//! (see [`fxv`]). Everything else not in the list decodes to [`DecodeError::Illegal`].

use thiserror::Error;

/// A word that is not an implemented scalar instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("illegal or unimplemented instruction word {word:#010x}")]
    Illegal { word: u32 },
}

/// An operand that cannot be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EncodeError {
    #[error("operand {field} = {value} is out of range {min}..={max}")]
    OutOfRange {
        field: &'static str,
        value: i64,
        min: i64,
        max: i64,
    },
    #[error("operand {field} = {value} is not a multiple of 4")]
    Misaligned { field: &'static str, value: i64 },
}

/// Bits with IBM numbers `start..=end` set (bit 0 is the MSB).
pub(crate) const fn bits(start: u32, end: u32) -> u32 {
    let len = end - start + 1;
    (((1u64 << len) - 1) as u32) << (31 - end)
}

pub(crate) mod field;
mod forms;
pub mod fxv;
mod xforms;
pub use forms::*;
pub use fxv::{Fxv, FxvCond, FxvOp, FxvShape};
pub use xforms::*;

// ---------------------------------------------------------------------------------------
// Opcode keys.
//
// A key identifies an instruction: primary opcode, extended opcode and which kind of
// extended opcode it is. The opcode bits of a word follow from the key alone.

const XO9_TAG: u32 = 1 << 20;
const OCRF_TAG: u32 = 1 << 21;

/// Primary opcode only, or primary plus a 10-bit extended opcode (bits 21..=30).
const fn k(p: u32, xo: u32) -> u32 {
    (p << 10) | xo
}

/// Primary plus a 9-bit XO-form extended opcode (bits 22..=30).
const fn kxo(p: u32, xo: u32) -> u32 {
    XO9_TAG | (p << 10) | xo
}

/// `mfocrf`/`mtocrf`: 10-bit extended opcode with bit 11 = 1.
const fn kocrf(p: u32, xo: u32) -> u32 {
    OCRF_TAG | (p << 10) | xo
}

/// The opcode bits of the word for a key.
const fn opcode_bits(key: u32) -> u32 {
    let mut w = field::PO.place(key >> 10) | field::XO.place(key);
    if key & OCRF_TAG != 0 {
        w |= field::OCRF.mask();
    }
    w
}

// ---------------------------------------------------------------------------------------
// The instruction table.

macro_rules! instructions {
    (
        forms { $( $form:ident { $( $(#[$m:meta])* $v:ident = $key:expr, $mn:literal; )* } )* }
        units { $( $(#[$um:meta])* $u:ident = $ukey:expr, $umn:literal; )* }
    ) => {
        /// One implemented scalar instruction of the Nux core with its operands.
        ///
        /// Mnemonics in the variant docs are the base (non-extended) Power ISA ones.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Insn {
            $( $(
                $(#[$m])*
                #[doc = concat!("`", $mn, "`")]
                $v($form),
            )* )*
            $(
                $(#[$um])*
                #[doc = concat!("`", $umn, "`")]
                $u,
            )*
        }

        /// Borrowed operands of an instruction, by form.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Operands<'a> {
            $( $form(&'a $form), )*
            /// No operands.
            None,
        }

        impl Insn {
            /// The base mnemonic (`addic.`, `andi.` include their dot; the Rc/OE
            /// suffixes of other instructions are not included).
            pub fn mnemonic(&self) -> &'static str {
                match self {
                    $( $( Insn::$v(_) => $mn, )* )*
                    $( Insn::$u => $umn, )*
                }
            }

            /// The operands, by form.
            pub fn operands(&self) -> Operands<'_> {
                match self {
                    $( $( Insn::$v(f) => Operands::$form(f), )* )*
                    $( Insn::$u => Operands::None, )*
                }
            }

            fn key(&self) -> u32 {
                match self {
                    $( $( Insn::$v(_) => $key, )* )*
                    $( Insn::$u => $ukey, )*
                }
            }

            fn operand_bits(&self) -> Result<u32, EncodeError> {
                match self {
                    $( $( Insn::$v(f) => f.enc(), )* )*
                    $( Insn::$u => Ok(0), )*
                }
            }

            fn reserved(&self) -> u32 {
                match self {
                    $( $( Insn::$v(f) => f.reserved_bits(), )* )*
                    $( Insn::$u => UNIT_RESERVED, )*
                }
            }

            /// The bits holding this instruction's operands.
            #[cfg(test)]
            pub(crate) fn operand_mask(&self) -> u32 {
                match self {
                    $( $( Insn::$v(f) => f.operand_mask(), )* )*
                    $( Insn::$u => 0, )*
                }
            }
        }

        /// Decodes `w` as the instruction with opcode key `key`.
        /// `None`: no such key; `Some(None)`: invalid operand form.
        fn lookup(key: u32, w: u32) -> Option<Option<Insn>> {
            $( $(
                if key == $key {
                    return Some(<$form as Form>::dec(w).map(Insn::$v));
                }
            )* )*
            $(
                if key == $ukey {
                    return Some(Some(Insn::$u));
                }
            )*
            None
        }

        /// One strategy per variant, each with random operands.
        #[cfg(test)]
        pub(crate) fn variant_strategies() -> Vec<proptest::strategy::BoxedStrategy<Insn>> {
            use proptest::strategy::{Just, Strategy};
            vec![
                $( $( <$form as crate::tests::Arb>::arb().prop_map(Insn::$v).boxed(), )* )*
                $( Just(Insn::$u).boxed(), )*
            ]
        }
    };
}

/// Reserved bits of `rfi`, `rfci`, `rfmci`: 6..=20 and 31.
const UNIT_RESERVED: u32 = bits(6, 20) | bits(31, 31);

instructions! {
    forms {
        DTrap {
            Twi = k(3, 0), "twi";
        }
        DImm {
            Mulli = k(7, 0), "mulli";
            Subfic = k(8, 0), "subfic";
            Addic = k(12, 0), "addic";
            AddicDot = k(13, 0), "addic.";
            Addi = k(14, 0), "addi";
            Addis = k(15, 0), "addis";
        }
        DCmpl {
            Cmpli = k(10, 0), "cmpli";
        }
        DCmp {
            Cmpi = k(11, 0), "cmpi";
        }
        DLogic {
            Ori = k(24, 0), "ori";
            Oris = k(25, 0), "oris";
            Xori = k(26, 0), "xori";
            Xoris = k(27, 0), "xoris";
            AndiDot = k(28, 0), "andi.";
            AndisDot = k(29, 0), "andis.";
        }
        DMem {
            Lwz = k(32, 0), "lwz";
            Lwzu = k(33, 0), "lwzu";
            Lbz = k(34, 0), "lbz";
            Lbzu = k(35, 0), "lbzu";
            Stw = k(36, 0), "stw";
            Stwu = k(37, 0), "stwu";
            Stb = k(38, 0), "stb";
            Stbu = k(39, 0), "stbu";
            Lhz = k(40, 0), "lhz";
            Lhzu = k(41, 0), "lhzu";
            Lha = k(42, 0), "lha";
            Lhau = k(43, 0), "lhau";
            Sth = k(44, 0), "sth";
            Sthu = k(45, 0), "sthu";
            Lmw = k(46, 0), "lmw";
            Stmw = k(47, 0), "stmw";
        }
        BranchCond {
            Bc = k(16, 0), "bc";
        }
        Branch {
            B = k(18, 0), "b";
        }
        Mcrf {
            Mcrf = k(19, 0), "mcrf";
        }
        BranchReg {
            Bclr = k(19, 16), "bclr";
            Bcctr = k(19, 528), "bcctr";
        }
        CrOp {
            Crnor = k(19, 33), "crnor";
            Crandc = k(19, 129), "crandc";
            Crxor = k(19, 193), "crxor";
            Crnand = k(19, 225), "crnand";
            Crand = k(19, 257), "crand";
            Creqv = k(19, 289), "creqv";
            Crorc = k(19, 417), "crorc";
            Cror = k(19, 449), "cror";
        }
        RotImm {
            Rlwimi = k(20, 0), "rlwimi";
            Rlwinm = k(21, 0), "rlwinm";
        }
        RotReg {
            Rlwnm = k(23, 0), "rlwnm";
        }
        XCmp {
            Cmp = k(31, 0), "cmp";
            Cmpl = k(31, 32), "cmpl";
        }
        XTrap {
            Tw = k(31, 4), "tw";
        }
        XMem {
            Lwzx = k(31, 23), "lwzx";
            Lwzux = k(31, 55), "lwzux";
            Lbzx = k(31, 87), "lbzx";
            Lbzux = k(31, 119), "lbzux";
            Stwx = k(31, 151), "stwx";
            Stwux = k(31, 183), "stwux";
            Stbx = k(31, 215), "stbx";
            Stbux = k(31, 247), "stbux";
            Lhzx = k(31, 279), "lhzx";
            /// External control in word indexed (5-cycle bus access).
            Eciwx = k(31, 310), "eciwx";
            Lhzux = k(31, 311), "lhzux";
            Lhax = k(31, 343), "lhax";
            Lhaux = k(31, 375), "lhaux";
            Sthx = k(31, 407), "sthx";
            /// External control out word indexed.
            Ecowx = k(31, 438), "ecowx";
            Sthux = k(31, 439), "sthux";
        }
        XLogic {
            Slw = k(31, 24), "slw";
            And = k(31, 28), "and";
            Andc = k(31, 60), "andc";
            Nor = k(31, 124), "nor";
            Eqv = k(31, 284), "eqv";
            Xor = k(31, 316), "xor";
            Orc = k(31, 412), "orc";
            Or = k(31, 444), "or";
            Nand = k(31, 476), "nand";
            Srw = k(31, 536), "srw";
            Sraw = k(31, 792), "sraw";
        }
        XUnary {
            Cntlzw = k(31, 26), "cntlzw";
            Extsh = k(31, 922), "extsh";
            Extsb = k(31, 954), "extsb";
        }
        XRaRs {
            Popcb = k(31, 122), "popcb";
            Prtyw = k(31, 154), "prtyw";
        }
        Srawi {
            Srawi = k(31, 824), "srawi";
        }
        Field2 {
            /// `wait WC`: halts only if WC = 0.
            Wait = k(31, 62), "wait";
            /// `sync L`.
            Sync = k(31, 598), "sync";
        }
        OneReg {
            Mfmsr = k(31, 83), "mfmsr";
            Mtmsr = k(31, 146), "mtmsr";
        }
        XoArith {
            Subfc = kxo(31, 8), "subfc";
            Addc = kxo(31, 10), "addc";
            Subf = kxo(31, 40), "subf";
            Subfe = kxo(31, 136), "subfe";
            Adde = kxo(31, 138), "adde";
            Mullw = kxo(31, 235), "mullw";
            Add = kxo(31, 266), "add";
            Divwu = kxo(31, 459), "divwu";
            Divw = kxo(31, 491), "divw";
        }
        XoMulh {
            Mulhwu = kxo(31, 11), "mulhwu";
            Mulhw = kxo(31, 75), "mulhw";
        }
        XoUnary {
            Neg = kxo(31, 104), "neg";
            Subfze = kxo(31, 200), "subfze";
            Addze = kxo(31, 202), "addze";
            Subfme = kxo(31, 232), "subfme";
            Addme = kxo(31, 234), "addme";
        }
        Mfcr {
            Mfcr = k(31, 19), "mfcr";
        }
        CrMask {
            Mfocrf = kocrf(31, 19), "mfocrf";
            Mtcrf = k(31, 144), "mtcrf";
            Mtocrf = kocrf(31, 144), "mtocrf";
        }
        SprMove {
            Mfspr = k(31, 339), "mfspr";
            Mtspr = k(31, 467), "mtspr";
        }
        Fxv {
            /// One of the 53 vector instructions (opcode 4); see [`fxv`].
            Fxv = k(4, 0), "fxv";
        }
    }
    units {
        Rfmci = k(19, 38), "rfmci";
        Rfi = k(19, 50), "rfi";
        Rfci = k(19, 51), "rfci";
    }
}

impl Insn {
    /// The mnemonic, with the vector instructions' own names (`fxvaddbm`, not `fxv`).
    pub fn name(&self) -> &'static str {
        match self {
            Insn::Fxv(f) => f.op.mnemonic(),
            _ => self.mnemonic(),
        }
    }
}

/// Decodes one instruction word. Reserved bits are ignored (see the module docs).
pub fn decode(word: u32) -> Result<Insn, DecodeError> {
    let illegal = DecodeError::Illegal { word };
    let p = field::PO.raw(word);
    let found = match p {
        19 | 31 => {
            let xo10 = field::XO.raw(word);
            let mut key = k(p, xo10);
            if p == 31 && (xo10 == 19 || xo10 == 144) && field::OCRF.raw(word) == 1 {
                key |= OCRF_TAG;
            }
            match lookup(key, word) {
                Some(found) => Some(found),
                None if p == 31 => lookup(kxo(p, field::XO9.raw(word)), word),
                None => None,
            }
        }
        _ => lookup(k(p, 0), word),
    };
    found.flatten().ok_or(illegal)
}

/// Encodes one instruction. Fails if an operand does not fit its field.
pub fn encode(insn: &Insn) -> Result<u32, EncodeError> {
    Ok(opcode_bits(insn.key()) | insn.operand_bits()?)
}

/// The bits of an instruction word that [`decode`] ignored for this instruction (its
/// reserved fields), and that [`encode`] writes as zero.
pub fn reserved_mask(insn: &Insn) -> u32 {
    insn.reserved()
}
