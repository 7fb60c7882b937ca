//! Timing of the vector unit as the scalar core sees it (ppu.md §2): the issue queue,
//! `sync` and the other context-synchronising instructions, and the calibration
//! against libnux's `test_speed_memory` figures. Expected cycles are derived from the
//! model in the `cpu` module docs; occupancies come from `crate::vector`.

use super::{addi, mfspr, wait};
use crate::cpu::{spr, Interrupt, TrapPolicy, ESR_ST};
use crate::insn::*;
use crate::vector::occupancy;
use crate::{encode, Cpu, RunOutcome, Sram, Trap};

fn fxv(op: FxvOp, vrt: u8, vra: u8, vrb: u8) -> Insn {
    Insn::Fxv(Fxv::new(op, vrt, vra, vrb, 0))
}
fn sync() -> Insn {
    Insn::Sync(Field2 { value: 0 })
}
fn at_0x100(prog: &[Insn]) -> (Cpu, Sram) {
    let mut m = Sram::new();
    let words: Vec<u32> = prog.iter().map(|i| encode(i).unwrap()).collect();
    m.write_words(0x100, &words).unwrap();
    let mut cpu = Cpu::new();
    cpu.pc = 0x100;
    (cpu, m)
}

/// `mfspr 284; <insn>; <synchronising insn>; mfspr 284`, minus 1, as libnux reports.
fn measured(insn: Insn, synchronise: Insn) -> u32 {
    let (mut cpu, mut m) = at_0x100(&[
        addi(4, 0, 0x200),
        mfspr(3, spr::TBL),
        insn,
        synchronise,
        mfspr(5, spr::TBL),
        wait(),
    ]);
    assert!(matches!(cpu.run(&mut m, 20), Ok(RunOutcome::Sleep { .. })));
    cpu.gpr[5] - cpu.gpr[3] - 1
}

#[test]
fn fxvlax_and_fxvstax_calibration() {
    let lax = measured(fxv(FxvOp::Fxvlax, 1, 0, 4), sync());
    assert!(
        (44..=54).contains(&lax),
        "fxvlax measures {lax}, want 49 ± 5"
    );
    let stax = measured(fxv(FxvOp::Fxvstax, 1, 0, 4), sync());
    assert!(
        (42..=52).contains(&stax),
        "fxvstax measures {stax}, want 47 ± 5"
    );
    // mtmsr and tw (not trapping) wait for the vector unit like sync.
    let tw = Insn::Tw(XTrap {
        to: 0,
        ra: 0,
        rb: 0,
    });
    assert_eq!(measured(fxv(FxvOp::Fxvlax, 1, 0, 4), tw), lax);
    let mtmsr = Insn::Mtmsr(OneReg { reg: 0 });
    assert_eq!(measured(fxv(FxvOp::Fxvlax, 1, 0, 4), mtmsr), lax);
    // Without synchronisation the scalar core does not wait: mfspr, the issue and
    // the addi, 1 cycle each, minus 1.
    assert_eq!(measured(fxv(FxvOp::Fxvlax, 1, 0, 4), addi(6, 0, 0)), 2);
}

#[test]
fn full_queue_stalls_the_scalar_core() {
    let o = occupancy(FxvOp::Fxvaddbm);
    assert!(o >= 2, "the derivation below assumes a multi-cycle op");
    let mut prog = vec![mfspr(3, spr::TBL)];
    prog.extend(std::iter::repeat_n(fxv(FxvOp::Fxvaddbm, 1, 2, 3), 6));
    prog.extend([mfspr(5, spr::TBL), sync(), mfspr(6, spr::TBL), wait()]);
    let (mut cpu, mut m) = at_0x100(&prog);
    cpu.run(&mut m, 20).unwrap();
    // Issues at 1, 2, 3, 4 complete at 1 + o, ..., 1 + 4o (in order). The fifth
    // (cycle 5) waits for 1 + o, the sixth for 1 + 2o; the unit drains at 1 + 6o.
    assert_eq!(u64::from(cpu.gpr[5]), 2 * o + 2);
    assert_eq!(cpu.stats.vector_queue_stall_cycles, (o - 4) + (o - 1));
    assert_eq!(cpu.stats.sync_stall_cycles, (6 * o + 1) - (2 * o + 3));
    assert_eq!(u64::from(cpu.gpr[6]), 6 * o + 2);
    assert_eq!(cpu.stats.vector_instructions, 6);
    assert_eq!(cpu.scalar_instructions(), 5);
    assert_eq!(
        cpu.stats.stall_cycles(),
        cpu.stats.vector_queue_stall_cycles + cpu.stats.sync_stall_cycles
    );
    assert_eq!(cpu.vector_pending(), 0);
}

#[test]
fn pending_count_and_idle_time() {
    let o = occupancy(FxvOp::Fxvaddbm);
    let (mut cpu, mut m) = at_0x100(&[
        fxv(FxvOp::Fxvaddbm, 1, 2, 3),
        fxv(FxvOp::Fxvaddbm, 1, 2, 3),
        wait(),
    ]);
    cpu.run(&mut m, 10).unwrap();
    assert_eq!(cpu.vector_idle_at(), 2 * o);
    assert_eq!(cpu.cycles, 3);
    assert_eq!(
        cpu.vector_pending(),
        usize::from(o > 3) + usize::from(2 * o > 3)
    );
    // Time passing while asleep drains the unit.
    cpu.advance_sleep(2 * o);
    assert_eq!(cpu.vector_pending(), 0);
}

#[test]
fn vector_faults_follow_the_trap_policy() {
    let (mut cpu, mut m) = at_0x100(&[addi(4, 0, 0x202), fxv(FxvOp::Fxvstax, 1, 0, 4)]);
    m.write_words(0x18, &[encode(&wait()).unwrap()]).unwrap();
    let mut report = cpu.clone();
    assert_eq!(
        report.run(&mut m, 10),
        Err(Trap::Alignment {
            pc: 0x104,
            addr: 0x202
        })
    );
    assert_eq!(report.stats.vector_instructions, 0);
    assert_eq!(report.vector_idle_at(), 0, "a faulting FXV never issues");
    cpu.trap_policy = TrapPolicy::Vector;
    cpu.run(&mut m, 10).unwrap();
    assert_eq!(
        (cpu.pc, cpu.srr0, cpu.dear, cpu.esr),
        (0x1C, 0x104, 0x202, ESR_ST)
    );
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::Alignment), 1);
    // Past the SRAM: a bus fault, data storage.
    let (mut cpu, mut m) = at_0x100(&[addi(4, 0, 0x3FC0), fxv(FxvOp::Fxvlax, 1, 0, 4)]);
    m.write_words(0x0C, &[encode(&wait()).unwrap()]).unwrap();
    cpu.trap_policy = TrapPolicy::Vector;
    cpu.run(&mut m, 10).unwrap();
    assert_eq!((cpu.pc, cpu.srr0, cpu.esr), (0x10, 0x104, 0));
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::DataStorage), 1);
}
