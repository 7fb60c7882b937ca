//! The cost of every scalar instruction against the documented table.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

use super::exec1;
use crate::insn::*;
use crate::Cpu;

/// The documented cost of a scalar instruction on an idle vector unit, from the table
/// in ppu.md (cycle accounting), with SRAM adding no extra latency. `None` for FXV,
/// whose issue and stalls `vector_timing` covers.
fn documented_cycles(insn: &Insn) -> Option<u64> {
    use Insn::*;
    Some(match insn {
        Fxv(_) => return None,
        Mulli(_) | Mullw(_) | Mulhw(_) | Mulhwu(_) => 4,
        Divw(_) | Divwu(_) => 31,
        Lmw(f) | Stmw(f) => 32 - u64::from(f.rt),
        Eciwx(_) | Ecowx(_) => 5,
        _ if matches!(insn.operands(), Operands::DMem(_) | Operands::XMem(_)) => 2,
        _ => 1,
    })
}

// Results are checked per instruction elsewhere; a cost slipping in one arm of `exec`
// changes no result, so every variant is run here against the table.
#[test]
fn every_scalar_instruction_costs_what_the_table_says() {
    let mut runner = TestRunner::deterministic();
    for s in variant_strategies() {
        let mut ran = 0;
        for _ in 0..400 {
            let insn = s.new_tree(&mut runner).unwrap().current();
            let Some(want) = documented_cycles(&insn) else {
                break;
            };
            // Every GPR an aligned SRAM address, so that most accesses succeed; an
            // instance that traps (random SPR, misaligned EA, trap condition) is skipped.
            let cpu = Cpu {
                gpr: [0x800; 32],
                ..Cpu::new()
            };
            if let Ok(out) = exec1(cpu, insn) {
                assert_eq!(out.cycles, want, "{}", crate::disassemble(&insn, 0));
                ran += 1;
            }
        }
        let sample = s.new_tree(&mut runner).unwrap().current();
        assert!(
            ran > 0 || documented_cycles(&sample).is_none(),
            "no instance of {} ran",
            sample.name()
        );
    }
}
