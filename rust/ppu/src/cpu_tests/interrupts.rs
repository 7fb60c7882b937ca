//! Interrupts, timers, sleep and the trap policies. Expected cycles are derived by hand
//! from the model in the `cpu` module docs (1-cycle ALU/branch/SPR instructions, an
//! interrupt entry of `INTERRUPT_ENTRY_CYCLES` = 1, DEC written at the start of its
//! `mtspr`).

use proptest::prelude::*;

use super::{addi, load, mfspr, mtspr, wait};
use crate::cpu::{
    spr, Interrupt, TrapPolicy, ESR_PIL, ESR_PTR, ESR_ST, INTERRUPT_ENTRY_CYCLES, MSR_EE, MSR_ME,
    TCR_ARE, TCR_DIE, TCR_FIE, TCR_FP_SHIFT, TSR_DIS, TSR_FIS,
};
use crate::insn::*;
use crate::{encode, Cpu, Memory, RunOutcome, Sram, StepOutcome, Trap};

fn place(m: &mut Sram, addr: u32, insns: &[Insn]) {
    let words: Vec<u32> = insns.iter().map(|i| encode(i).unwrap()).collect();
    m.write_words(addr, &words).unwrap();
}
fn addis(rt: u8, ra: u8, si: i16) -> Insn {
    Insn::Addis(DImm { rt, ra, si })
}
fn b(li: i32) -> Insn {
    Insn::B(Branch {
        li,
        aa: false,
        lk: false,
    })
}
fn mtmsr(reg: u8) -> Insn {
    Insn::Mtmsr(OneReg { reg })
}
fn stw(rt: u8, ra: u8, d: i16) -> Insn {
    Insn::Stw(DMem { rt, ra, d })
}
fn lwz(rt: u8, ra: u8, d: i16) -> Insn {
    Insn::Lwz(DMem { rt, ra, d })
}
/// A handler that clears the TSR bits `bits_hi << 16`, counts in r20 and returns.
fn counting_handler(bits_hi: i16) -> [Insn; 4] {
    [
        addi(20, 20, 1),
        addis(6, 0, bits_hi),
        mtspr(spr::TSR, 6),
        Insn::Rfi,
    ]
}

/// A core starting at 0x100 with the given program there.
fn at_0x100(prog: &[Insn]) -> (Cpu, Sram) {
    let (mut cpu, mut m) = load(&[]);
    place(&mut m, 0x100, prog);
    cpu.pc = 0x100;
    (cpu, m)
}

#[test]
fn dec_interrupt_vectors_at_the_right_cycle() {
    let (mut cpu, mut m) = at_0x100(&[
        addi(3, 0, 100),    // cycle 0
        mtspr(spr::DEC, 3), // cycle 1: DEC = 100, reaches 0 at cycle 101
        addi(4, 4, 1),      // 0x108, at even cycles 2..=100
        b(-4),              // 0x10C, at odd cycles
    ]);
    place(&mut m, 0x30, &[wait()]);
    cpu.tcr = TCR_DIE;
    cpu.msr = MSR_EE | MSR_ME;
    let out = cpu.run(&mut m, 1000).unwrap();
    // 2 + 99 loop instructions, then the interrupt before the `b` at cycle 101.
    assert_eq!(out, RunOutcome::Sleep { executed: 102 });
    assert_eq!(cpu.gpr[4], 50);
    assert_eq!(cpu.srr0, 0x10C);
    assert_eq!(cpu.srr1, MSR_EE | MSR_ME);
    assert_eq!(cpu.msr, MSR_ME, "EE cleared, ME kept");
    assert_eq!(cpu.pc, 0x34);
    assert_eq!(cpu.cycles, 101 + INTERRUPT_ENTRY_CYCLES + 1);
    assert_eq!(cpu.tsr & TSR_DIS, TSR_DIS);
    assert_eq!(cpu.dec, 0, "no auto-reload: stays at 0");
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::Decrementer), 1);
    assert_eq!(cpu.stats.interrupts.iter().sum::<u64>(), 1);
}

#[test]
fn dec_auto_reload_period() {
    let (mut cpu, mut m) = at_0x100(&[
        addi(3, 0, 40),
        mtspr(spr::DECAR, 3),
        mtspr(spr::DEC, 3), // cycle 2: zero at 42, 82, ...
        b(0),
    ]);
    place(&mut m, 0x30, &counting_handler(0x0800));
    cpu.tcr = TCR_DIE | TCR_ARE;
    cpu.msr = MSR_EE;
    assert_eq!(cpu.run_until(&mut m, 400).unwrap(), StepOutcome::Continue);
    // Zeros at 42 + 40j <= 399: j = 0..=8; each handler (5 cycles) ends in time.
    assert_eq!(cpu.gpr[20], 9);
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::Decrementer), 9);
    assert_eq!(cpu.cycles, 400);
    // Reloaded with 40 at 362, so 40 - 38 at 400.
    assert_eq!(cpu.dec, 2);
    assert_eq!(cpu.read_spr(spr::DEC), Some(2));
    assert_eq!(cpu.pc, 0x10C);
    assert_eq!(cpu.tsr & TSR_DIS, 0, "cleared by the handler");
}

#[test]
fn fit_period_and_handler_times() {
    let (mut cpu, mut m) = at_0x100(&[b(0)]);
    place(
        &mut m,
        0x2C,
        &[
            mfspr(7, spr::TBL),
            stw(7, 21, 0x200),
            addi(21, 21, 4),
            addis(6, 0, 0x0400),
            mtspr(spr::TSR, 6),
            Insn::Rfi,
        ],
    );
    cpu.tcr = TCR_FIE; // FP = 0: time-base bit 8
    cpu.msr = MSR_EE;
    cpu.run_until(&mut m, 2000).unwrap();
    // Bit 8 rises at 256 + 512j; the handler reads the time base after the entry.
    let times: Vec<u32> = (0..5).map(|i| m.load(0x200 + 4 * i, 4).unwrap()).collect();
    assert_eq!(times, [257, 769, 1281, 1793, 0]);
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::Fit), 4);

    // FP = 1 taps bit 12: rising at 4096, so nothing before it.
    let (mut cpu, mut m) = at_0x100(&[b(0)]);
    cpu.tcr = TCR_FIE | (1 << TCR_FP_SHIFT);
    cpu.run_until(&mut m, 4095).unwrap();
    assert_eq!(cpu.tsr & TSR_FIS, 0);
    cpu.run_until(&mut m, 4096).unwrap();
    assert_eq!(cpu.tsr & TSR_FIS, TSR_FIS, "status set even with EE = 0");
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::Fit), 0);
}

#[test]
fn ee_gates_and_mtmsr_unmasks() {
    let mut prog = vec![
        addi(5, 0, 0),
        Insn::Ori(DLogic {
            ra: 5,
            rs: 5,
            ui: 0x8000,
        }),
    ];
    prog.extend(std::iter::repeat_n(addi(4, 4, 1), 50));
    prog.push(mtmsr(5)); // at 0x100 + 4 * 52
    prog.push(addi(9, 0, 1));
    prog.push(b(0));
    let (mut cpu, mut m) = at_0x100(&prog);
    place(&mut m, 0x30, &[wait()]);
    cpu.dec = 10;
    cpu.tcr = TCR_DIE;
    let out = cpu.run(&mut m, 1000).unwrap();
    assert_eq!(out, RunOutcome::Sleep { executed: 54 });
    assert_eq!(cpu.gpr[4], 50);
    assert_eq!(cpu.gpr[9], 0, "taken right after mtmsr");
    assert_eq!(cpu.srr0, 0x100 + 4 * 53);
    assert_eq!(cpu.srr1, MSR_EE);
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::Decrementer), 1);
}

#[test]
fn asynchronous_priorities() {
    let mut cpu = Cpu::new();
    cpu.external_input = true;
    cpu.tsr = TSR_FIS | TSR_DIS;
    cpu.tcr = TCR_FIE | TCR_DIE;
    cpu.doorbell = true;
    cpu.iccr = 1;
    assert_eq!(cpu.pending_interrupt(), Some(Interrupt::External));
    cpu.external_input = false;
    assert_eq!(cpu.pending_interrupt(), Some(Interrupt::Fit));
    cpu.tsr = TSR_DIS;
    assert_eq!(cpu.pending_interrupt(), Some(Interrupt::Decrementer));
    cpu.tcr = TCR_FIE;
    assert_eq!(cpu.pending_interrupt(), Some(Interrupt::Doorbell));
    cpu.iccr = 0;
    assert_eq!(cpu.pending_interrupt(), None);

    // Taken through the vectors in that order; each vector holds a `wait`.
    let (mut cpu, mut m) = at_0x100(&[b(0)]);
    for v in [0x14, 0x24, 0x2C, 0x30] {
        place(&mut m, v, &[wait()]);
    }
    cpu.external_input = true;
    cpu.tsr = TSR_FIS | TSR_DIS;
    cpu.tcr = TCR_FIE | TCR_DIE;
    cpu.doorbell = true;
    cpu.iccr = 1;
    let mut order = vec![];
    for _ in 0..4 {
        cpu.msr = MSR_EE;
        cpu.sleeping = false;
        assert!(matches!(cpu.run(&mut m, 10), Ok(RunOutcome::Sleep { .. })));
        order.push(cpu.pc - 4);
        assert_eq!(cpu.srr0, 0x100);
        // The "handler" (the host here) removes the cause.
        match cpu.pc - 4 {
            0x14 => cpu.external_input = false,
            0x2C => cpu.tsr &= !TSR_FIS,
            0x30 => cpu.tsr &= !TSR_DIS,
            _ => {}
        }
        cpu.pc = 0x100;
    }
    assert_eq!(order, [0x14, 0x2C, 0x30, 0x24]);
    assert!(!cpu.doorbell, "consumed by its interrupt");
    cpu.msr = MSR_EE;
    cpu.sleeping = false;
    assert_eq!(
        cpu.run(&mut m, 10),
        Ok(RunOutcome::Limit),
        "nothing left pending"
    );
}

#[test]
fn illegal_word_report_and_vector() {
    let (mut cpu, mut m) = at_0x100(&[addi(3, 0, 1)]);
    m.store(0x104, 4, 0).unwrap(); // primary opcode 0: not an instruction
    place(&mut m, 0x1C, &[wait()]);
    cpu.msr = MSR_EE | MSR_ME;
    let before = {
        let mut c = cpu.clone();
        c.step(&mut m).unwrap();
        c
    };
    assert_eq!(
        cpu.run(&mut m, 10),
        Err(Trap::Illegal { pc: 0x104, word: 0 })
    );
    assert_eq!(cpu, before, "Report: the fault changed nothing");

    cpu.trap_policy = TrapPolicy::Vector;
    let out = cpu.run(&mut m, 10).unwrap();
    assert_eq!(out, RunOutcome::Sleep { executed: 1 });
    assert_eq!(cpu.pc, 0x20);
    assert_eq!(cpu.srr0, 0x104, "the faulting instruction");
    assert_eq!(cpu.srr1, MSR_EE | MSR_ME);
    assert_eq!(cpu.msr, MSR_ME);
    assert_eq!(cpu.esr, ESR_PIL);
    assert_eq!(cpu.last_trap, Some(Trap::Illegal { pc: 0x104, word: 0 }));
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::Program), 1);
    assert_eq!(cpu.instructions, 2, "the faulting word did not complete");

    // A true trap sets ESR.PTR.
    let (mut cpu, mut m) = at_0x100(&[Insn::Tw(XTrap {
        to: 4,
        ra: 0,
        rb: 0,
    })]);
    place(&mut m, 0x1C, &[wait()]);
    cpu.trap_policy = TrapPolicy::Vector;
    cpu.run(&mut m, 10).unwrap();
    assert_eq!((cpu.esr, cpu.srr0, cpu.pc), (ESR_PTR, 0x100, 0x20));
}

#[test]
fn alignment_and_storage_vectoring() {
    let prog = |insn| {
        let (mut cpu, mut m) = at_0x100(&[addi(4, 0, 0x201), insn]);
        for v in [0x0C, 0x10, 0x18] {
            place(&mut m, v, &[wait()]);
        }
        cpu.trap_policy = TrapPolicy::Vector;
        cpu.gpr[5] = 0x4000;
        cpu.run(&mut m, 10).unwrap();
        cpu
    };
    let c = prog(stw(3, 4, 0));
    assert_eq!((c.pc, c.srr0, c.dear, c.esr), (0x1C, 0x104, 0x201, ESR_ST));
    assert_eq!(
        c.last_trap,
        Some(Trap::Alignment {
            pc: 0x104,
            addr: 0x201
        })
    );
    let c = prog(lwz(3, 4, 1));
    assert_eq!((c.pc, c.dear, c.esr), (0x1C, 0x202, 0));
    assert_eq!(c.stats.interrupts_taken(Interrupt::Alignment), 1);
    // Past the SRAM: data storage.
    let c = prog(lwz(3, 5, 8));
    assert_eq!((c.pc, c.srr0, c.dear, c.esr), (0x10, 0x104, 0x4008, 0));
    assert_eq!(c.stats.interrupts_taken(Interrupt::DataStorage), 1);
    // A fetch from outside the SRAM: instruction storage, SRR0 = the target.
    let (mut cpu, mut m) = at_0x100(&[]);
    place(&mut m, 0x10, &[wait()]);
    cpu.trap_policy = TrapPolicy::Vector;
    cpu.pc = 0x8000;
    cpu.run(&mut m, 10).unwrap();
    assert_eq!((cpu.pc, cpu.srr0), (0x14, 0x8000));
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::InstructionStorage), 1);
}

#[test]
fn wait_woken_by_dec() {
    let prog = [
        addi(3, 0, 500),
        mtspr(spr::DEC, 3), // cycle 1: zero at 501
        wait(),             // cycle 2; asleep from 3
        addi(10, 0, 1),
    ];
    let handler = [addi(9, 0, 7), wait()];
    let setup = || {
        let (mut cpu, mut m) = at_0x100(&prog);
        place(&mut m, 0x30, &handler);
        cpu.tcr = TCR_DIE;
        cpu.msr = MSR_EE;
        (cpu, m)
    };

    // Lock-step with a clock: run_until sleeps through to the limit.
    let (mut cpu, mut m) = setup();
    assert_eq!(cpu.run_until(&mut m, 10_000), Ok(StepOutcome::Sleep));
    assert_eq!(cpu.cycles, 10_000);
    assert_eq!(cpu.srr0, 0x10C, "resumes after the wait");
    assert_eq!(cpu.gpr[9], 7);
    assert_eq!(cpu.gpr[10], 0);
    // Asleep 3..501, then (handler: entry 1 + 2 instructions) 504..10000.
    assert_eq!(cpu.stats.sleep_cycles, (501 - 3) + (10_000 - 504));
    assert_eq!(cpu.stats.interrupts_taken(Interrupt::Decrementer), 1);

    // The same with explicit sleep steps.
    let (mut cpu, mut m) = setup();
    assert_eq!(cpu.run(&mut m, 100), Ok(RunOutcome::Sleep { executed: 3 }));
    assert_eq!(cpu.step(&mut m), Ok(StepOutcome::Sleep), "no time passes");
    assert_eq!(cpu.cycles, 3);
    assert_eq!(cpu.advance_sleep(100), 100);
    assert_eq!(cpu.dec, 500 - 102);
    assert_eq!(cpu.advance_sleep(1000), 501 - 103 + INTERRUPT_ENTRY_CYCLES);
    assert!(!cpu.sleeping);
    assert_eq!(cpu.pc, 0x30);
    assert_eq!(cpu.advance_sleep(1000), 0, "awake");

    // Masked: the DEC does not wake the core, the host does.
    let (mut cpu, mut m) = setup();
    cpu.msr = 0;
    cpu.run(&mut m, 100).unwrap();
    assert_eq!(cpu.advance_sleep(5000), 5000);
    assert!(cpu.sleeping);
    assert_eq!(cpu.tsr & TSR_DIS, TSR_DIS);
    cpu.sleeping = false;
    cpu.step(&mut m).unwrap();
    assert_eq!(cpu.gpr[10], 1);
}

#[test]
fn rfi_returns_to_the_interrupted_loop() {
    // sum 1..=1000 while the DEC interrupts every 37 cycles.
    let (mut cpu, mut m) = at_0x100(&[
        addi(3, 0, 37),
        mtspr(spr::DECAR, 3),
        mtspr(spr::DEC, 3),
        addi(4, 0, 1000),
        mtspr(spr::CTR, 4),
        addi(5, 0, 0),
        Insn::Add(XoArith {
            rt: 5,
            ra: 5,
            rb: 4,
            oe: false,
            rc: false,
        }),
        addi(4, 4, -1),
        Insn::Bc(BranchCond {
            bo: 16,
            bi: 0,
            bd: -8,
            aa: false,
            lk: false,
        }),
        wait(),
    ]);
    place(&mut m, 0x30, &counting_handler(0x0800));
    cpu.tcr = TCR_DIE | TCR_ARE;
    cpu.msr = MSR_EE;
    cpu.run(&mut m, 100_000).unwrap();
    assert_eq!(cpu.gpr[5], 500_500);
    assert_eq!(cpu.pc, 0x128);
    let taken = cpu.stats.interrupts_taken(Interrupt::Decrementer);
    assert_eq!(u64::from(cpu.gpr[20]), taken);
    // 3000 loop cycles + 5 per handler: about 3000 / 32 interrupts.
    assert!((85..=100).contains(&taken), "{taken}");
    assert_eq!(cpu.msr, MSR_EE, "rfi restored EE");
}

#[test]
fn trace_records_up_to_its_limit() {
    let (mut cpu, mut m) = at_0x100(&[
        addi(3, 0, 1),
        Insn::Mullw(super::xo(3, 3, 3)),
        addi(3, 3, 1),
        wait(),
    ]);
    cpu.trace = Some(crate::cpu::Trace::new(2));
    cpu.run(&mut m, 10).unwrap();
    let t = cpu.trace.clone().unwrap();
    let pcs: Vec<(u32, u64)> = t.entries.iter().map(|e| (e.pc, e.cycles_before)).collect();
    assert_eq!(pcs, [(0x100, 0), (0x104, 1)]);
    assert_eq!(t.entries[0].word, encode(&addi(3, 0, 1)).unwrap());
    assert_eq!(t.dropped, 2);
    assert_eq!(cpu.scalar_instructions(), 4);
}

#[test]
fn sync_on_an_idle_vector_unit_costs_one_cycle() {
    let (mut cpu, mut m) = at_0x100(&[Insn::Sync(Field2 { value: 0 }), wait()]);
    cpu.run(&mut m, 10).unwrap();
    assert_eq!(cpu.cycles, 2);
    assert_eq!(cpu.stats.stall_cycles(), 0);
}

/// A per-cycle reference of DEC and the FIT status, from cycle 0 with TSR = 0.
fn reference_timers(dec0: u32, decar: u32, are: bool, fit_bit: u32, t: u64) -> (u32, u32) {
    let (mut dec, mut tsr) = (dec0, 0);
    for c in 1..=t {
        if dec > 0 {
            dec -= 1;
            if dec == 0 {
                tsr |= TSR_DIS;
                if are {
                    dec = decar;
                }
            }
        }
        if (c >> fit_bit) & 1 == 1 && ((c - 1) >> fit_bit) & 1 == 0 {
            tsr |= TSR_FIS;
        }
    }
    (dec, tsr)
}

fn timed_op(k: u8) -> Insn {
    match k {
        0 => addi(3, 3, 1),
        1 => Insn::Mullw(super::xo(4, 4, 4)),
        2 => Insn::Divwu(super::xo(5, 5, 6)),
        3 => lwz(7, 0, 0x200),
        4 => mfspr(8, spr::DEC),
        _ => mfspr(9, spr::TBL),
    }
}

proptest! {
    /// DEC, TSR.DIS and TSR.FIS, computed in closed form across multi-cycle
    /// instructions, equal a per-cycle simulation; with EE = 0 nothing is taken.
    #[test]
    fn timers_match_per_cycle_reference(
        dec0 in 0u32..300, decar in 0u32..100, are: bool, fp in 0u32..2,
        enables in 0u32..4, ops in proptest::collection::vec(0u8..6, 1..40),
    ) {
        let mut prog: Vec<Insn> = ops.iter().map(|&k| timed_op(k)).collect();
        prog.push(b(0));
        let (mut cpu, mut m) = at_0x100(&prog);
        cpu.dec = dec0;
        cpu.decar = decar;
        let en = [0, TCR_DIE, TCR_FIE, TCR_DIE | TCR_FIE][enables as usize];
        cpu.tcr = (if are { TCR_ARE } else { 0 }) | (fp << TCR_FP_SHIFT) | en;
        cpu.gpr[6] = 3;
        let k = 8 + 4 * fp;
        let whole = cpu.clone();
        for &op in &ops {
            let before = cpu.cycles;
            cpu.step(&mut m).unwrap();
            let (dec, tsr) = reference_timers(dec0, decar, are, k, cpu.cycles);
            prop_assert_eq!(cpu.dec, dec, "at cycle {}", cpu.cycles);
            prop_assert_eq!(cpu.tsr, tsr, "at cycle {}", cpu.cycles);
            if op == 4 {
                prop_assert_eq!(cpu.gpr[8], reference_timers(dec0, decar, are, k, before).0);
            }
            if op == 5 {
                prop_assert_eq!(u64::from(cpu.gpr[9]), before);
            }
        }
        // One long run: the same state at its end.
        let mut cpu = whole;
        cpu.run_until(&mut m, 3000).unwrap();
        let (dec, tsr) = reference_timers(dec0, decar, are, k, cpu.cycles);
        prop_assert_eq!((cpu.dec, cpu.tsr), (dec, tsr));
        prop_assert_eq!(cpu.stats.interrupts.iter().sum::<u64>(), 0);
    }

    /// The time base equals the cycle count and never goes back, whatever mix of
    /// steps, runs, clocked runs and sleeps drives the core.
    #[test]
    fn time_base_is_monotone_cycles(
        ops in proptest::collection::vec(0u8..6, 1..30),
        drives in proptest::collection::vec((0u8..4, 1u64..200), 1..20),
        dec0 in 0u32..400,
    ) {
        let mut prog: Vec<Insn> = ops.iter().map(|&k| timed_op(k)).collect();
        prog.push(wait());
        prog.push(b(-4));
        let (mut cpu, mut m) = at_0x100(&prog);
        place(&mut m, 0x30, &[Insn::Rfi]);
        cpu.dec = dec0;
        cpu.tcr = TCR_DIE | TCR_ARE;
        cpu.decar = 150;
        cpu.msr = MSR_EE;
        let mut last = 0;
        for (kind, n) in drives {
            match kind {
                0 => { cpu.step(&mut m).unwrap(); }
                1 => { cpu.run(&mut m, n).unwrap(); }
                2 => { cpu.run_until(&mut m, cpu.cycles + n).unwrap(); }
                _ => { cpu.advance_sleep(n); }
            }
            prop_assert_eq!(cpu.time_base(), cpu.cycles);
            prop_assert_eq!(cpu.read_spr(spr::TBL), Some(cpu.cycles as u32));
            prop_assert!(cpu.cycles >= last);
            last = cpu.cycles;
        }
    }

    /// Under `Report`, a step that fails leaves every field as it was (when no
    /// interrupt was already due at its start).
    #[test]
    fn report_err_changes_nothing(
        words in proptest::collection::vec(any::<u32>(), 16),
        gpr in proptest::array::uniform32(prop_oneof![any::<u32>(), 0u32..0x4010]),
        msr: u32, tcr: u32, tsr: u32, dec in 0u32..50, external: bool, pc in 0u32..16,
    ) {
        let mut m = Sram::new();
        m.write_words(0, &words).unwrap();
        let mut cpu = Cpu { gpr, msr, tcr, tsr, dec, external_input: external, pc: pc * 4, ..Cpu::new() };
        if cpu.pending_interrupt().is_some() {
            cpu.msr &= !MSR_EE;
        }
        for _ in 0..32 {
            let before = cpu.clone();
            match cpu.step(&mut m) {
                Ok(StepOutcome::Continue) => {}
                Ok(StepOutcome::Sleep) => break,
                Err(_) => {
                    prop_assert_eq!(&cpu, &before);
                    break;
                }
            }
            if cpu.msr & MSR_EE != 0 && cpu.pending_interrupt().is_some() {
                break;
            }
        }
    }

    /// With MSR.EE = 0 no asynchronous interrupt is ever taken, whatever the program
    /// does to the timers and whatever the host raises.
    #[test]
    fn nothing_asynchronous_with_ee_clear(
        words in proptest::collection::vec(any::<u32>(), 32),
        gpr in proptest::array::uniform32(any::<u32>()),
        tcr: u32, dec in 0u32..100, external: bool, doorbell: bool, iccr: u32,
    ) {
        let mut m = Sram::new();
        // Instructions that can set MSR become nops.
        let nop = encode(&Insn::Ori(DLogic { ra: 0, rs: 0, ui: 0 })).unwrap();
        let words: Vec<u32> = words.into_iter().map(|w| match crate::decode(w) {
            Ok(Insn::Mtmsr(_) | Insn::Rfi | Insn::Rfci | Insn::Rfmci) => nop,
            _ => w,
        }).collect();
        m.write_words(0, &words).unwrap();
        let mut cpu = Cpu { gpr, tcr, dec, external_input: external, doorbell, iccr, ..Cpu::new() };
        cpu.trap_policy = TrapPolicy::Vector;
        let _ = cpu.run_until(&mut m, 5000);
        let s = &cpu.stats;
        for irq in [Interrupt::External, Interrupt::Fit, Interrupt::Decrementer, Interrupt::Doorbell] {
            prop_assert_eq!(s.interrupts_taken(irq), 0, "{:?}", irq);
        }
        prop_assert_eq!(cpu.msr & MSR_EE, 0);
    }
}
