//! The FXV (s2pp) vector instructions as data (ppu.md §2).
//!
//! Every FXV instruction is primary opcode 4 with the fields VRT (bits 6..=10), VRA
//! (11..=15), VRB (16..=20), a 9-bit XO (21..=29) and a 2-bit condition C (30..=31).
//! Which fields an instruction uses is given by its [`FxvShape`]; the others are
//! reserved (ignored by [`Fxv::decode`], written as zero by [`Fxv::encode`]).
//! Depending on the shape, the VRA field holds a vector register or a GPR (`fxvinx`,
//! `fxvoutx`, `fxvlax`, `fxvstax`, `fxvsplat*`), and the VRB field a vector register,
//! a GPR or a signed 5-bit shift amount (`fxvshh`, `fxvshb`).

use super::field::{C, FXV_XO, PO, VRA, VRB, VRT};
use super::EncodeError;

/// The condition selected by the C field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FxvCond {
    Always = 0,
    Gt = 1,
    Lt = 2,
    Eq = 3,
}

impl FxvCond {
    pub fn from_bits(c: u8) -> Self {
        match c & 3 {
            0 => Self::Always,
            1 => Self::Gt,
            2 => Self::Lt,
            _ => Self::Eq,
        }
    }
}

/// Which operand fields an FXV instruction uses, in assembler operand order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FxvShape {
    /// `VRT,VRA,VRB,C`
    TabC,
    /// `VRT,VRA,C`
    TaC,
    /// `VRA,VRB,C`
    AbC,
    /// `VRA,C`
    AC,
    /// `VRA`
    A,
    /// `VRT,RA,RB,C` (RA = 0 reads as zero): `fxvinx`, `fxvoutx`.
    TrrC,
    /// `VRT,RA,RB` (RA = 0 reads as zero): `fxvlax`, `fxvstax`. The assembler also
    /// accepts a trailing C operand (binutils before 2020), which must be 0.
    Trr,
    /// `VRT,RA`: `fxvsplath`, `fxvsplatb`.
    Tr,
    /// `VRT,VRA,SH` with SH a signed 5-bit shift in the VRB field.
    TaSh,
}

impl FxvShape {
    /// The bits of the word this shape does not use.
    pub const fn reserved(self) -> u32 {
        const fn unused(used: bool, mask: u32) -> u32 {
            if used {
                0
            } else {
                mask
            }
        }
        unused(self.uses_vrt(), VRT.mask())
            | unused(self.uses_vrb(), VRB.mask())
            | unused(self.uses_c(), C.mask())
    }

    /// The bits of the word holding this shape's operands.
    #[cfg(test)]
    pub(crate) const fn operand_mask(self) -> u32 {
        (VRT.mask() | VRA.mask() | VRB.mask() | C.mask()) & !self.reserved()
    }

    pub const fn uses_vrt(self) -> bool {
        !matches!(self, Self::AbC | Self::AC | Self::A)
    }
    pub const fn uses_vrb(self) -> bool {
        matches!(
            self,
            Self::TabC | Self::AbC | Self::TrrC | Self::Trr | Self::TaSh
        )
    }
    pub const fn uses_c(self) -> bool {
        matches!(
            self,
            Self::TabC | Self::TaC | Self::AbC | Self::AC | Self::TrrC
        )
    }
    /// The VRA field is a GPR (RA, where 0 may mean "zero" for the memory forms).
    pub const fn ra_is_gpr(self) -> bool {
        matches!(self, Self::TrrC | Self::Trr | Self::Tr)
    }
}

macro_rules! fxv_ops {
    ( $( $(#[$m:meta])* $v:ident = $xo:literal, $mn:literal, $shape:ident $(, $alias:literal)*; )* ) => {
        /// One of the 53 FXV opcodes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FxvOp {
            $( $(#[$m])* #[doc = concat!("`", $mn, "` (XO ", stringify!($xo), ")")] $v, )*
        }

        impl FxvOp {
            /// Every opcode, in XO order.
            pub const ALL: &'static [FxvOp] = &[ $( FxvOp::$v, )* ];

            /// The 9-bit extended opcode.
            pub const fn xo(self) -> u16 {
                match self { $( FxvOp::$v => $xo, )* }
            }

            /// The binutils mnemonic.
            pub const fn mnemonic(self) -> &'static str {
                match self { $( FxvOp::$v => $mn, )* }
            }

            /// The operand fields used.
            pub const fn shape(self) -> FxvShape {
                match self { $( FxvOp::$v => FxvShape::$shape, )* }
            }

            /// Other accepted spellings (RTL names and old aliases).
            pub const fn aliases(self) -> &'static [&'static str] {
                match self { $( FxvOp::$v => &[ $( $alias, )* ], )* }
            }

            /// The opcode for a 9-bit XO, if it is one of the 53.
            pub const fn from_xo(xo: u16) -> Option<FxvOp> {
                match xo { $( $xo => Some(FxvOp::$v), )* _ => None }
            }

            /// Looks up a mnemonic or alias (lower case, without operands).
            pub fn from_mnemonic(name: &str) -> Option<FxvOp> {
                match name {
                    $( $mn $( | $alias )* => Some(FxvOp::$v), )*
                    _ => None,
                }
            }
        }
    };
}

fxv_ops! {
    Fxvmahm = 12, "fxvmahm", TabC;
    Fxvmabm = 13, "fxvmabm", TabC;
    Fxvmtacb = 14, "fxvmtacb", AC;
    Fxvmtach = 15, "fxvmtach", AC, "fxvmtac";
    Fxvmahfs = 28, "fxvmahfs", TabC;
    Fxvmabfs = 29, "fxvmabfs", TabC;
    Fxvmtacbf = 30, "fxvmtacbf", AC;
    Fxvmtachf = 31, "fxvmtachf", AC;
    Fxvmatachm = 44, "fxvmatachm", AbC;
    Fxvmatacbm = 45, "fxvmatacbm", AbC;
    Fxvmatachfs = 60, "fxvmatachfs", AbC;
    Fxvmatacbfs = 61, "fxvmatacbfs", AbC;
    Fxvmulhm = 76, "fxvmulhm", TabC;
    Fxvmulbm = 77, "fxvmulbm", TabC;
    Fxvmulhfs = 92, "fxvmulhfs", TabC;
    Fxvmulbfs = 93, "fxvmulbfs", TabC;
    Fxvmultachm = 108, "fxvmultachm", AbC;
    Fxvmultacbm = 109, "fxvmultacbm", AbC;
    Fxvmultachfs = 124, "fxvmultachfs", AbC;
    Fxvmultacbfs = 125, "fxvmultacbfs", AbC;
    Fxvinx = 236, "fxvinx", TrrC;
    Fxvpckbu = 239, "fxvpckbu", TabC;
    Fxvoutx = 252, "fxvoutx", TrrC;
    Fxvpckbl = 255, "fxvpckbl", TabC;
    Fxvsplath = 268, "fxvsplath", Tr;
    Fxvsplatb = 269, "fxvsplatb", Tr;
    Fxvupckbr = 271, "fxvupckbr", TabC;
    Fxvupckbl = 287, "fxvupckbl", TabC;
    Fxvcmph = 300, "fxvcmph", A;
    Fxvcmpb = 301, "fxvcmpb", A;
    Fxvshh = 316, "fxvshh", TaSh;
    Fxvshb = 317, "fxvshb", TaSh;
    Fxvsel = 319, "fxvsel", TabC;
    Fxvsubhm = 332, "fxvsubhm", TabC;
    Fxvsubbm = 333, "fxvsubbm", TabC;
    Fxvsubhfs = 348, "fxvsubhfs", TabC;
    Fxvsubbfs = 349, "fxvsubbfs", TabC;
    Fxvaddactachm = 364, "fxvaddactachm", AC;
    Fxvaddactacbm = 365, "fxvaddactacbm", AC, "fxvaddactacb";
    Fxvaddactachf = 380, "fxvaddactachf", AC;
    Fxvaddactacbf = 381, "fxvaddactacbf", AC;
    Fxvaddachm = 396, "fxvaddachm", TaC;
    Fxvaddacbm = 397, "fxvaddacbm", TaC;
    Fxvaddachfs = 412, "fxvaddachfs", TaC;
    Fxvaddacbfs = 413, "fxvaddacbfs", TaC;
    Fxvaddtach = 428, "fxvaddtach", AbC, "fxvaddtachm";
    Fxvaddtacb = 429, "fxvaddtacb", AbC;
    Fxvaddhm = 460, "fxvaddhm", TabC;
    Fxvaddbm = 461, "fxvaddbm", TabC;
    Fxvaddhfs = 476, "fxvaddhfs", TabC;
    Fxvaddbfs = 477, "fxvaddbfs", TabC;
    Fxvlax = 492, "fxvlax", Trr;
    Fxvstax = 508, "fxvstax", Trr;
}

/// One FXV instruction. Fields a shape does not use are 0.
///
/// `vra` is a vector register or, for the memory/splat shapes, a GPR number; `vrb` is
/// a vector register, a GPR, or the raw 5-bit shift field (see [`Fxv::shift`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fxv {
    pub op: FxvOp,
    pub vrt: u8,
    pub vra: u8,
    pub vrb: u8,
    pub c: u8,
}

impl Fxv {
    /// An instruction with all unused fields zeroed.
    pub fn new(op: FxvOp, vrt: u8, vra: u8, vrb: u8, c: u8) -> Self {
        let s = op.shape();
        Self {
            op,
            vrt: if s.uses_vrt() { vrt } else { 0 },
            vra,
            vrb: if s.uses_vrb() { vrb } else { 0 },
            c: if s.uses_c() { c } else { 0 },
        }
    }

    /// The signed shift amount of `fxvshh`/`fxvshb` (+n left, −n right).
    pub fn shift(&self) -> i8 {
        ((self.vrb << 3) as i8) >> 3
    }

    /// The condition.
    pub fn cond(&self) -> FxvCond {
        FxvCond::from_bits(self.c)
    }

    /// Decodes an opcode-4 word; `None` for an XO that is not one of the 53.
    pub fn decode(w: u32) -> Option<Self> {
        if PO.raw(w) != 4 {
            return None;
        }
        let op = FxvOp::from_xo(FXV_XO.raw(w) as u16)?;
        let w = w & !op.shape().reserved();
        Some(Self {
            op,
            vrt: VRT.raw(w) as u8,
            vra: VRA.raw(w) as u8,
            vrb: VRB.raw(w) as u8,
            c: C.raw(w) as u8,
        })
    }

    /// Encodes; fields a shape does not use must be 0.
    pub fn encode(&self) -> Result<u32, EncodeError> {
        let s = self.op.shape();
        let unused = |field: &'static str, v: u8, used: bool| {
            if used || v == 0 {
                Ok(())
            } else {
                Err(EncodeError::OutOfRange {
                    field,
                    value: v.into(),
                    min: 0,
                    max: 0,
                })
            }
        };
        unused("vrt", self.vrt, s.uses_vrt())?;
        unused("vrb", self.vrb, s.uses_vrb())?;
        unused("c", self.c, s.uses_c())?;
        Ok(PO.place(4)
            | VRT.write("vrt", self.vrt.into())?
            | VRA.write("vra", self.vra.into())?
            | VRB.write("vrb", self.vrb.into())?
            | FXV_XO.place(self.op.xo().into())
            | C.write("c", self.c.into())?)
    }

    /// Assembler-style text, e.g. `fxvaddbm 1,2,3,0` or `fxvlax 4,0,9`. Vector registers
    /// and GPRs print as bare numbers, as binutils does for these forms.
    pub fn text(&self) -> String {
        let mn = self.op.mnemonic();
        let (t, a, b, c) = (self.vrt, self.vra, self.vrb, self.c);
        match self.op.shape() {
            FxvShape::TabC | FxvShape::TrrC => format!("{mn} {t},{a},{b},{c}"),
            FxvShape::TaC => format!("{mn} {t},{a},{c}"),
            FxvShape::AbC => format!("{mn} {a},{b},{c}"),
            FxvShape::AC => format!("{mn} {a},{c}"),
            FxvShape::A => format!("{mn} {a}"),
            FxvShape::Trr => format!("{mn} {t},{a},{b}"),
            FxvShape::Tr => format!("{mn} {t},{a}"),
            FxvShape::TaSh => format!("{mn} {t},{a},{}", self.shift()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_three_distinct_opcodes() {
        assert_eq!(FxvOp::ALL.len(), 53);
        for (i, a) in FxvOp::ALL.iter().enumerate() {
            assert_eq!(FxvOp::from_xo(a.xo()), Some(*a));
            assert_eq!(FxvOp::from_mnemonic(a.mnemonic()), Some(*a));
            for b in &FxvOp::ALL[i + 1..] {
                assert_ne!(a.xo(), b.xo());
            }
        }
    }

    #[test]
    fn formula_and_aliases() {
        // (4<<26)|(VRT<<21)|(VRA<<16)|(VRB<<11)|(XO<<2)|C
        let f = Fxv::new(FxvOp::Fxvaddbm, 1, 2, 3, 2);
        assert_eq!(
            f.encode().unwrap(),
            (4 << 26) | (1 << 21) | (2 << 16) | (3 << 11) | (461 << 2) | 2
        );
        assert_eq!(FxvOp::from_mnemonic("fxvmtac"), Some(FxvOp::Fxvmtach));
        assert_eq!(
            FxvOp::from_mnemonic("fxvaddactacb"),
            Some(FxvOp::Fxvaddactacbm)
        );
        assert_eq!(FxvOp::from_mnemonic("fxvaddtachm"), Some(FxvOp::Fxvaddtach));
        let sh = Fxv::new(FxvOp::Fxvshb, 4, 5, (-1i8 as u8) & 31, 0);
        assert_eq!(sh.shift(), -1);
        assert_eq!(Fxv::decode(sh.encode().unwrap()), Some(sh));
        assert_eq!(sh.text(), "fxvshb 4,5,-1");
    }

    #[test]
    fn every_word_round_trips_modulo_reserved() {
        for op in FxvOp::ALL {
            for fill in [0u32, 0x03FF_F803, 0x0155_5001] {
                let w = (4 << 26) | (u32::from(op.xo()) << 2) | fill;
                let d = Fxv::decode(w).unwrap();
                assert_eq!(d.encode().unwrap(), w & !op.shape().reserved());
            }
        }
        assert_eq!(Fxv::decode((4 << 26) | (1 << 2)), None);
    }
}
