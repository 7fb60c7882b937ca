//! `assemble(disassemble(x)) == x` for random instructions of every form.

use proptest::prelude::*;
use proptest::strategy::Union;

use super::assemble_insn;
use crate::insn::{decode, encode, reserved_mask, variant_strategies, Insn};
use crate::tests::Arb;

fn check(insn: Insn, addr: u32) -> Result<(), TestCaseError> {
    let want = encode(&insn).unwrap();
    let text = crate::disassemble(&insn, addr);
    let got = assemble_insn(&text, addr)
        .map_err(|e| TestCaseError::fail(format!("`{text}` at {addr:#x}: {e}")))?;
    let mask = !reserved_mask(&insn);
    prop_assert_eq!(
        got & mask,
        want & mask,
        "`{}` at {:#x}: {:#010x} vs {:#010x}",
        text,
        addr,
        got,
        want
    );
    prop_assert_eq!(decode(got), Ok(insn), "`{}`", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn scalar_disassembly_reassembles(insn in Union::new(variant_strategies()), a in any::<u32>()) {
        check(insn, a & !3)?;
    }

    #[test]
    fn fxv_disassembly_reassembles(f in crate::insn::Fxv::arb(), a in any::<u32>()) {
        check(Insn::Fxv(f), a & !3)?;
    }
}

#[test]
fn every_variant_reassembles_deterministically() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    for s in variant_strategies() {
        for k in 0..64u32 {
            let insn = s.new_tree(&mut runner).unwrap().current();
            check(insn, k.wrapping_mul(0x0123_4564)).unwrap();
        }
    }
}
