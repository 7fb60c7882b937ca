//! Where each operand lives in the instruction word, declared once.
//!
//! A [`Field`] is a bit range plus the way its bits map to an operand value. The
//! constants below are the Power ISA field names; the operand forms
//! ([`operand_forms!`]) name one per operand, and both [`Field::read`] (decoding) and
//! [`Field::write`] (encoding) follow from that single entry. Bit numbers are IBM
//! numbering: bit 0 is the MSB of the 32-bit word.

use super::EncodeError;

/// How the bits of a field map to an operand value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Unsigned,
    /// Two's complement.
    Signed,
    /// A byte offset that is a multiple of 4: the field holds the offset without its two
    /// low bits, which the word's next two bits (AA, LK) occupy.
    Displacement,
    /// An SPR number whose two 5-bit halves are swapped in the word (ISA `mfspr`).
    SwappedHalves,
}

/// A bit field of the instruction word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Field {
    start: u32,
    len: u32,
    kind: Kind,
}

impl Field {
    const fn new(start: u32, len: u32, kind: Kind) -> Self {
        Self { start, len, kind }
    }

    /// The bits of the word this field occupies.
    pub(crate) const fn mask(self) -> u32 {
        (((1u64 << self.len) - 1) as u32) << (32 - self.start - self.len)
    }

    /// The field's raw bits, right-aligned.
    #[inline]
    pub(crate) const fn raw(self, w: u32) -> u32 {
        (w & self.mask()) >> (32 - self.start - self.len)
    }

    /// `raw` moved into the field, its bits beyond the field's width dropped.
    #[inline]
    pub(crate) const fn place(self, raw: u32) -> u32 {
        (raw << (32 - self.start - self.len)) & self.mask()
    }

    /// The operand value held in `w`.
    #[inline]
    pub(crate) const fn read(self, w: u32) -> i64 {
        let raw = self.raw(w);
        let signed = ((raw << (32 - self.len)) as i32 >> (32 - self.len)) as i64;
        match self.kind {
            Kind::Unsigned => raw as i64,
            Kind::Signed => signed,
            Kind::Displacement => signed * 4,
            Kind::SwappedHalves => swap_halves(raw) as i64,
        }
    }

    /// The word bits for operand `value`; `name` is the operand's name for the error.
    pub(crate) fn write(self, name: &'static str, value: i64) -> Result<u32, EncodeError> {
        let (min, max) = self.range();
        if value < min || value > max {
            return Err(EncodeError::OutOfRange {
                field: name,
                value,
                min,
                max,
            });
        }
        let raw = match self.kind {
            Kind::Unsigned | Kind::Signed => value as u32,
            Kind::Displacement if value % 4 != 0 => {
                return Err(EncodeError::Misaligned { field: name, value })
            }
            Kind::Displacement => (value >> 2) as u32,
            Kind::SwappedHalves => swap_halves(value as u32),
        };
        Ok(self.place(raw))
    }

    /// The operand values the field can hold.
    pub(crate) const fn range(self) -> (i64, i64) {
        let span = 1i64 << self.len;
        match self.kind {
            Kind::Unsigned | Kind::SwappedHalves => (0, span - 1),
            Kind::Signed => (-span / 2, span / 2 - 1),
            Kind::Displacement => (-span * 2, span * 2 - 4),
        }
    }
}

/// Swaps the two 5-bit halves of a 10-bit SPR field (its own inverse).
const fn swap_halves(v: u32) -> u32 {
    ((v & 0x1F) << 5) | (v >> 5)
}

const fn unsigned(start: u32, len: u32) -> Field {
    Field::new(start, len, Kind::Unsigned)
}

const fn flag(at: u32) -> Field {
    Field::new(at, 1, Kind::Unsigned)
}

// Opcode fields.
/// Primary opcode.
pub(crate) const PO: Field = unsigned(0, 6);
/// Extended opcode of the X, XL and XFX forms.
pub(crate) const XO: Field = unsigned(21, 10);
/// Extended opcode of the XO form (bit 21 is OE).
pub(crate) const XO9: Field = unsigned(22, 9);
/// Selects `mfocrf`/`mtocrf` over `mfcr`/`mtcrf`.
pub(crate) const OCRF: Field = flag(11);
/// Extended opcode of the FXV instructions (bits 30..=31 are the condition).
pub(crate) const FXV_XO: Field = unsigned(21, 9);

// Operand fields. The ISA gives one position several names by role; aliases keep the
// forms readable next to the ISA tables.
pub(crate) const RT: Field = unsigned(6, 5);
pub(crate) const RS: Field = RT;
pub(crate) const TO: Field = RT;
pub(crate) const BO: Field = RT;
pub(crate) const BT: Field = RT;
pub(crate) const RA: Field = unsigned(11, 5);
pub(crate) const BI: Field = RA;
pub(crate) const BA: Field = RA;
pub(crate) const RB: Field = unsigned(16, 5);
pub(crate) const BB: Field = RB;
pub(crate) const SH: Field = RB;
pub(crate) const MB: Field = unsigned(21, 5);
pub(crate) const ME: Field = unsigned(26, 5);
/// CR field of a compare or `mcrf` target.
pub(crate) const BF: Field = unsigned(6, 3);
pub(crate) const BFA: Field = unsigned(11, 3);
/// Bit 10 of a compare: 1 selects a 64-bit compare, which a 32-bit core does not have.
pub(crate) const L_CMP: Field = flag(10);
/// The 2-bit operand of `wait` (WC) and `sync` (L).
pub(crate) const L2: Field = unsigned(9, 2);
pub(crate) const SI: Field = Field::new(16, 16, Kind::Signed);
pub(crate) const D: Field = SI;
pub(crate) const UI: Field = unsigned(16, 16);
pub(crate) const LI: Field = Field::new(6, 24, Kind::Displacement);
pub(crate) const BD: Field = Field::new(16, 14, Kind::Displacement);
pub(crate) const BH: Field = unsigned(19, 2);
pub(crate) const AA: Field = flag(30);
pub(crate) const LK: Field = flag(31);
pub(crate) const RC: Field = flag(31);
pub(crate) const OE: Field = flag(21);
pub(crate) const FXM: Field = unsigned(12, 8);
pub(crate) const SPR: Field = Field::new(11, 10, Kind::SwappedHalves);
// FXV: the vector registers sit where the GPRs of the scalar forms do.
pub(crate) const VRT: Field = RT;
pub(crate) const VRA: Field = RA;
pub(crate) const VRB: Field = RB;
/// FXV condition.
pub(crate) const C: Field = unsigned(30, 2);

/// An operand type that a field value converts to and from.
pub(crate) trait Operand: Copy {
    fn from_field(v: i64) -> Self;
    fn to_field(self) -> i64;
}

macro_rules! operand_ints {
    ($($t:ty),*) => {$(
        impl Operand for $t {
            #[inline]
            fn from_field(v: i64) -> Self {
                v as $t
            }
            #[inline]
            fn to_field(self) -> i64 {
                self.into()
            }
        }
    )*};
}
operand_ints!(u8, u16, i16, i32);

impl Operand for bool {
    #[inline]
    fn from_field(v: i64) -> Self {
        v != 0
    }
    #[inline]
    fn to_field(self) -> i64 {
        self.into()
    }
}

/// Declares operand forms: a struct per form with one `operand: type = FIELD` entry per
/// operand, from which the [`Form`](super::Form) decoder and encoder are generated.
/// `reserved` lists the bits decoding ignores; `illegal` (optional) the bits that make
/// the word invalid when set. Operands are checked in declaration order when encoding.
macro_rules! operand_forms {
    ( $(
        $(#[$m:meta])*
        $name:ident { $( $op:ident : $t:ty = $field:expr ),* $(,)? }
        reserved $res:expr $(, illegal $ill:expr)? ;
    )* ) => { $(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            $( pub $op: $t, )*
        }

        impl Form for $name {
            const RESERVED: u32 = $res;
            #[inline]
            fn dec(w: u32) -> Option<Self> {
                $( if w & ($ill) != 0 {
                    return None;
                } )?
                Some(Self { $( $op: Operand::from_field($field.read(w)), )* })
            }
            fn enc(&self) -> Result<u32, EncodeError> {
                Ok(0 $( | $field.write(stringify!($op), self.$op.to_field())? )*)
            }
            #[cfg(test)]
            fn operand_mask(&self) -> u32 {
                0 $( | $field.mask() )*
            }
        }
    )* };
}
pub(crate) use operand_forms;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insn::{decode, encode, reserved_mask, variant_strategies, Insn};
    use proptest::prelude::*;
    use proptest::strategy::{Union, ValueTree};
    use proptest::test_runner::TestRunner;

    /// A valid word of a random instruction: its opcode bits with every operand field
    /// filled at random (reserved bits zero).
    fn valid_word() -> impl Strategy<Value = u32> {
        (Union::new(variant_strategies()), any::<u32>()).prop_map(|(i, fill)| {
            let operands = i.operand_mask();
            (encode(&i).unwrap() & !operands) | (fill & operands)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn valid_words_reencode_exactly(w in valid_word()) {
            let i = decode(w).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(encode(&i), Ok(w), "{:?}", i);
        }
    }

    /// Every bit of every instruction is an operand, reserved, or decides which
    /// instruction it is: a field declared at the wrong place shows up as an overlap or
    /// as a bit that changes nothing.
    #[test]
    fn every_bit_is_operand_reserved_or_opcode() {
        let mut runner = TestRunner::deterministic();
        for s in variant_strategies() {
            let i: Insn = s.new_tree(&mut runner).unwrap().current();
            let w = encode(&i).unwrap();
            let (operands, reserved) = (i.operand_mask(), reserved_mask(&i));
            assert_eq!(operands & reserved, 0, "{i:?}: operand fields are reserved");
            for b in 0..32 {
                let m = 1u32 << b;
                if m & operands != 0 {
                    continue;
                }
                let flipped = decode(w ^ m);
                if m & reserved != 0 {
                    assert_eq!(flipped, Ok(i), "{i:?}: reserved bit {} matters", 31 - b);
                } else {
                    assert_ne!(
                        flipped.map(|f| f.name()),
                        Ok(i.name()),
                        "{i:?}: bit {} is in no field",
                        31 - b
                    );
                }
            }
        }
    }

    #[test]
    fn signed_and_displacement_ranges_match_the_field_width() {
        assert_eq!(SI.range(), (-32768, 32767));
        assert_eq!(LI.range(), (-(1 << 25), (1 << 25) - 4));
        assert_eq!(BD.range(), (-(1 << 15), (1 << 15) - 4));
        assert_eq!(SPR.range(), (0, 1023));
        assert_eq!(BD.read(0xFFFC), -4);
        assert_eq!(BD.write("bd", -4), Ok(0xFFFC));
        assert_eq!(
            BD.write("bd", 6),
            Err(EncodeError::Misaligned {
                field: "bd",
                value: 6
            })
        );
        // mflr: SPR 8 is stored as 8 << 5 in the field.
        assert_eq!(SPR.write("spr", 8), Ok(8 << 16));
        assert_eq!(SPR.read(8 << 16), 8);
    }
}
