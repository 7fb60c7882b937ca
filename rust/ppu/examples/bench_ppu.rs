//! Instruction-set simulator throughput, with cycle accounting on (as always).
//!
//! `cargo run --release -p ppu --example bench_ppu [repeats]`
//!
//! - scalar: a loop of 8 ALU/logic/rotate instructions + `bdnz` on local SRAM;
//! - vector: a loop of 8 FXV arithmetic instructions (modulo/saturating add, multiply,
//!   accumulate, compare, select) + `bdnz`;
//!
//! Each figure is the median of `repeats` runs (default 7) of about 50 M instructions.
//! A second argument `scalar` or `vector` runs only that loop (for profiling).

use ppu::insn::*;
use ppu::{encode, Cpu, RunOutcome, Sram};
use std::time::Instant;

fn d(rt: u8, ra: u8, si: i16) -> DImm {
    DImm { rt, ra, si }
}

fn program(body: &[Insn], iterations: u32) -> Vec<u32> {
    let mut p = vec![
        Insn::Addis(d(3, 0, (iterations >> 16) as i16)),
        Insn::Ori(DLogic {
            ra: 3,
            rs: 3,
            ui: iterations as u16,
        }),
        Insn::Mtspr(SprMove { reg: 3, spr: 9 }),
    ];
    p.extend_from_slice(body);
    let back = -4 * body.len() as i32;
    p.push(Insn::Bc(BranchCond {
        bo: 16,
        bi: 0,
        bd: back,
        aa: false,
        lk: false,
    }));
    p.push(Insn::Wait(Field2 { value: 0 }));
    p.iter().map(|i| encode(i).expect("encodable")).collect()
}

fn measure(words: &[u32], repeats: usize) -> (f64, u64, u64) {
    let mut rates = Vec::new();
    let mut last = (0, 0);
    for _ in 0..repeats {
        let mut sram = Sram::new();
        sram.write_words(0, words).expect("fits");
        let mut cpu = Cpu::new();
        let t = Instant::now();
        let out = cpu.run(&mut sram, u64::MAX).expect("no trap");
        let dt = t.elapsed().as_secs_f64();
        assert!(matches!(out, RunOutcome::Sleep { .. }));
        rates.push(cpu.instructions as f64 / dt);
        last = (cpu.instructions, cpu.cycles);
    }
    rates.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    (rates[rates.len() / 2], last.0, last.1)
}

fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let only = std::env::args().nth(2).unwrap_or_default();
    let scalar = [
        Insn::Addi(d(4, 4, 1)),
        Insn::Add(XoArith {
            rt: 5,
            ra: 5,
            rb: 4,
            oe: false,
            rc: false,
        }),
        Insn::Xor(XLogic {
            ra: 6,
            rs: 6,
            rb: 5,
            rc: false,
        }),
        Insn::Rlwinm(RotImm {
            ra: 7,
            rs: 6,
            sh: 3,
            mb: 0,
            me: 28,
            rc: false,
        }),
        Insn::Subf(XoArith {
            rt: 8,
            ra: 7,
            rb: 5,
            oe: false,
            rc: false,
        }),
        Insn::And(XLogic {
            ra: 9,
            rs: 8,
            rb: 6,
            rc: false,
        }),
        Insn::Cmpi(DCmp {
            bf: 1,
            ra: 9,
            si: 100,
        }),
        Insn::Ori(DLogic {
            ra: 10,
            rs: 9,
            ui: 0x55,
        }),
    ];
    if only != "vector" {
        let words = program(&scalar, 50_000_000 / 9);
        let (rate, n, cycles) = measure(&words, repeats);
        println!(
            "scalar: {:.0} M instructions/s (median of {repeats}; {n} instructions, {cycles} modelled cycles = {:.1} ms at 250 MHz)",
            rate / 1e6,
            cycles as f64 / 250e3
        );
    }

    let v = |op: FxvOp, t: u8, a: u8, b: u8, c: u8| Insn::Fxv(Fxv::new(op, t, a, b, c));
    let vector = [
        v(FxvOp::Fxvaddbm, 1, 2, 3, 0),
        v(FxvOp::Fxvaddhfs, 4, 5, 6, 0),
        v(FxvOp::Fxvmulbfs, 7, 8, 9, 0),
        v(FxvOp::Fxvmatachm, 0, 10, 11, 0),
        v(FxvOp::Fxvcmpb, 0, 1, 0, 0),
        v(FxvOp::Fxvsel, 12, 1, 7, 1),
        v(FxvOp::Fxvsubbfs, 13, 12, 4, 2),
        v(FxvOp::Fxvshb, 14, 13, 31, 0),
    ];
    if only != "scalar" {
        let words = program(&vector, 20_000_000 / 9);
        let (rate, n, cycles) = measure(&words, repeats);
        println!(
            "vector: {:.0} M instructions/s incl. 1/9 bdnz (median of {repeats}; {n} instructions, {cycles} modelled cycles)",
            rate / 1e6
        );
    }
}
