//! The byte-order copy of the lane masks stays equal to the halfword masks through
//! every way the VCR changes (the kernels read one or the other), and both follow
//! the documented compare semantics.

use proptest::prelude::*;

use super::{VectorUnit, LANES, VECTOR_BYTES};
use crate::cpu::Sram;
use crate::insn::{Fxv, FxvOp};

/// Checks `byte_masks[c]` against `masks[c]` written big-endian (byte 2k = high).
fn check_in_step(u: &VectorUnit) -> Result<(), TestCaseError> {
    for c in 0..4u8 {
        let m = u.cond_mask(c);
        let mut want = [0u8; VECTOR_BYTES];
        for k in 0..LANES {
            want[2 * k] = (m[k] >> 8) as u8;
            want[2 * k + 1] = m[k] as u8;
        }
        prop_assert_eq!(&u.byte_masks[usize::from(c)][..], &want[..], "c = {}", c);
    }
    Ok(())
}

/// One way of changing the VCR.
#[derive(Debug, Clone)]
enum Step {
    SetLane(usize, u16),
    SetAll(Vec<u16>),
    Compare { bytes: bool, reg: u8, data: Vec<u8> },
    Reset,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..200, any::<u16>()).prop_map(|(k, v)| Step::SetLane(k, v)),
        proptest::collection::vec(any::<u16>(), LANES).prop_map(Step::SetAll),
        (
            any::<bool>(),
            0u8..32,
            // Zero-heavy bytes so that EQ is exercised.
            proptest::collection::vec(prop_oneof![Just(0u8), any::<u8>()], VECTOR_BYTES)
        )
            .prop_map(|(bytes, reg, data)| Step::Compare { bytes, reg, data }),
        Just(Step::Reset),
    ]
}

proptest! {
    #[test]
    fn byte_masks_follow_every_vcr_change(steps in proptest::collection::vec(step(), 1..12)) {
        let mut u = VectorUnit::new();
        let mut mem = Sram::new();
        check_in_step(&u)?;
        for s in steps {
            match s {
                Step::SetLane(k, v) => u.set_vcr_lane(k, v),
                Step::SetAll(v) => u.set_vcr(&v.try_into().expect("64 lanes")),
                Step::Compare { bytes, reg, data } => {
                    u.set_reg_bytes(reg, &data.clone().try_into().expect("128 bytes"));
                    let op = if bytes { FxvOp::Fxvcmpb } else { FxvOp::Fxvcmph };
                    let cycles = u.execute(&Fxv::new(op, 0, reg, 0, 0), &[0; 32], &mut mem);
                    prop_assert_eq!(cycles, Ok(super::CMP_CYCLES));
                    // Byte 2k of the GT byte mask is all ones iff the compared element
                    // (byte i, or halfword k for fxvcmph) is positive.
                    let gt = &u.byte_masks[1];
                    for (i, &g) in gt.iter().enumerate() {
                        let positive = if bytes {
                            (data[i] as i8) > 0
                        } else {
                            i16::from_be_bytes([data[i & !1], data[i | 1]]) > 0
                        };
                        prop_assert_eq!(g, if positive { 0xFF } else { 0 }, "byte {}", i);
                    }
                }
                Step::Reset => u.reset(),
            }
            check_in_step(&u)?;
        }
    }
}
