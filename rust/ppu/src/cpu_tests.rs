//! Tests of the scalar interpreter: small programs assembled with `encode`.

use proptest::prelude::*;

mod interrupts;
mod latency;
mod vector_timing;

use crate::cpu::{rot_mask, spr, XER_CA, XER_OV, XER_SO};
use crate::insn::*;
use crate::{encode, Cpu, Memory, RunOutcome, Sram, StepOutcome, Trap};

fn load(insns: &[Insn]) -> (Cpu, Sram) {
    let mut mem = Sram::new();
    let words: Vec<u32> = insns.iter().map(|i| encode(i).unwrap()).collect();
    mem.write_words(0, &words).unwrap();
    (Cpu::new(), mem)
}

fn addi(rt: u8, ra: u8, si: i16) -> Insn {
    Insn::Addi(DImm { rt, ra, si })
}
fn mtspr(spr: u16, reg: u8) -> Insn {
    Insn::Mtspr(SprMove { reg, spr })
}
fn mfspr(reg: u8, spr: u16) -> Insn {
    Insn::Mfspr(SprMove { reg, spr })
}
fn wait() -> Insn {
    Insn::Wait(Field2 { value: 0 })
}
fn xo(rt: u8, ra: u8, rb: u8) -> XoArith {
    XoArith {
        rt,
        ra,
        rb,
        oe: true,
        rc: false,
    }
}
fn mem(rt: u8, ra: u8, d: i16) -> DMem {
    DMem { rt, ra, d }
}

/// Runs one instruction at PC 0 on the given state.
fn exec1(mut cpu: Cpu, insn: Insn) -> Result<Cpu, Trap> {
    let mut m = Sram::new();
    m.store(0, 4, encode(&insn).unwrap()).unwrap();
    cpu.pc = 0;
    cpu.step(&mut m)?;
    Ok(cpu)
}

#[test]
fn sum_loop_with_bdnz() {
    let (mut cpu, mut m) = load(&[
        addi(3, 0, 0),
        addi(4, 0, 100),
        mtspr(spr::CTR, 4),
        Insn::Add(XoArith {
            rt: 3,
            ra: 3,
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
    let out = cpu.run(&mut m, 10_000).unwrap();
    assert_eq!(out, RunOutcome::Sleep { executed: 304 });
    assert_eq!(cpu.gpr[3], 5050);
    assert_eq!(cpu.ctr, 0);
    assert_eq!(cpu.cycles, 304);
    assert_eq!(cpu.pc, 28);
    assert!(cpu.sleeping);
    // A sleeping core does nothing.
    assert_eq!(cpu.step(&mut m).unwrap(), StepOutcome::Sleep);
    assert_eq!(cpu.instructions, 304);
}

#[test]
fn call_with_stack_frame() {
    let blr = Insn::Bclr(BranchReg {
        bo: 20,
        bi: 0,
        bh: 0,
        lk: false,
    });
    let (mut cpu, mut m) = load(&[
        /* 0 */ addi(1, 0, 0x1000),
        /* 4 */ addi(3, 0, 7),
        /* 8 */
        Insn::B(Branch {
            li: 12,
            aa: false,
            lk: true,
        }),
        /* 12 */ wait(),
        /* 16 */ Insn::Sync(Field2 { value: 0 }),
        /* 20 func */ Insn::Stwu(mem(1, 1, -16)),
        /* 24 */ mfspr(0, spr::LR),
        /* 28 */ Insn::Stw(mem(0, 1, 20)),
        /* 32 */
        Insn::B(Branch {
            li: 20,
            aa: false,
            lk: true,
        }),
        /* 36 */ Insn::Lwz(mem(0, 1, 20)),
        /* 40 */ mtspr(spr::LR, 0),
        /* 44 */ addi(1, 1, 16),
        /* 48 */ blr,
        /* 52 inner */ addi(3, 3, 35),
        /* 56 */ blr,
    ]);
    let out = cpu.run(&mut m, 100).unwrap();
    assert_eq!(out, RunOutcome::Sleep { executed: 14 });
    assert_eq!(cpu.gpr[3], 42);
    assert_eq!(cpu.gpr[1], 0x1000);
    assert_eq!(cpu.lr, 12);
    assert_eq!(cpu.pc, 16);
    // Saved LR at 0x1000 - 16 + 20 = 0x1004, back chain at 0xFF0.
    assert_eq!(m.load(0x1004, 4).unwrap(), 12);
    assert_eq!(m.load(0xFF0, 4).unwrap(), 0x1000);
    // 2 loads/stores + stwu: 3 × 2 cycles, the rest 1.
    assert_eq!(cpu.cycles, 14 - 3 + 3 * 2);
}

#[test]
fn carry_chain_64_bit() {
    for (x, y) in [
        (u64::MAX, 1u64),
        (0x0000_0001_FFFF_FFFF, 1),
        (0x1234_5678_9ABC_DEF0, 0xFEDC_BA98_7654_3210),
    ] {
        let mut cpu = Cpu::new();
        cpu.gpr[3] = (x >> 32) as u32;
        cpu.gpr[4] = x as u32;
        cpu.gpr[5] = (y >> 32) as u32;
        cpu.gpr[6] = y as u32;
        let (mut cpu2, mut m) = load(&[Insn::Addc(xo(8, 4, 6)), Insn::Adde(xo(7, 3, 5)), wait()]);
        cpu2.gpr = cpu.gpr;
        cpu2.run(&mut m, 10).unwrap();
        let sum = (u128::from(x) + u128::from(y)) as u64;
        assert_eq!((u64::from(cpu2.gpr[7]) << 32) | u64::from(cpu2.gpr[8]), sum);
        let carry = u128::from(x) + u128::from(y) > u128::from(u64::MAX);
        assert_eq!(cpu2.xer & XER_CA != 0, carry);
    }
}

#[test]
fn rlwinm_masks() {
    assert_eq!(rot_mask(0, 31), u32::MAX);
    assert_eq!(rot_mask(24, 31), 0xFF);
    assert_eq!(rot_mask(0, 0), 0x8000_0000);
    assert_eq!(rot_mask(28, 3), 0xF000_000F);
    assert_eq!(rot_mask(31, 0), 0x8000_0001);
    let rl = |sh, mb, me, rc| {
        Insn::Rlwinm(RotImm {
            ra: 3,
            rs: 4,
            sh,
            mb,
            me,
            rc,
        })
    };
    let mut cpu = Cpu::new();
    cpu.gpr[4] = 0x1234_5678;
    let c = exec1(cpu.clone(), rl(8, 24, 31, false)).unwrap();
    assert_eq!(c.gpr[3], 0x12);
    let c = exec1(cpu.clone(), rl(0, 28, 3, false)).unwrap();
    assert_eq!(c.gpr[3], 0x1000_0008);
    let c = exec1(cpu.clone(), rl(4, 0, 27, true)).unwrap(); // slwi 4
    assert_eq!(c.gpr[3], 0x2345_6780);
    assert_eq!(c.cr >> 28, 4); // GT
    cpu.gpr[3] = 0xFFFF_FFFF;
    let c = exec1(
        cpu,
        Insn::Rlwimi(RotImm {
            ra: 3,
            rs: 4,
            sh: 16,
            mb: 8,
            me: 15,
            rc: false,
        }),
    )
    .unwrap();
    assert_eq!(c.gpr[3], 0xFF78_FFFF);
}

#[test]
fn srawi_sign_and_carry() {
    let sr = |sh| {
        Insn::Srawi(Srawi {
            ra: 3,
            rs: 4,
            sh,
            rc: true,
        })
    };
    for (v, sh, r, ca) in [
        (-5i32, 1u8, -3i32, true),
        (-4, 1, -2, false),
        (5, 1, 2, false),
        (-1, 31, -1, true),
        (i32::MIN, 31, -1, false),
        (-7, 0, -7, false),
    ] {
        let mut cpu = Cpu::new();
        cpu.gpr[4] = v as u32;
        cpu.xer = if ca { 0 } else { XER_CA };
        let c = exec1(cpu, sr(sh)).unwrap();
        assert_eq!(c.gpr[3] as i32, r, "{v} >> {sh}");
        assert_eq!(c.xer & XER_CA != 0, ca, "{v} >> {sh}");
        assert_eq!(c.cr >> 28, if r < 0 { 8 } else { 4 });
    }
    // sraw by ≥ 32 fills with the sign.
    let mut cpu = Cpu::new();
    cpu.gpr[4] = 0x8000_0000;
    cpu.gpr[5] = 40;
    let c = exec1(
        cpu,
        Insn::Sraw(XLogic {
            ra: 3,
            rs: 4,
            rb: 5,
            rc: false,
        }),
    )
    .unwrap();
    assert_eq!((c.gpr[3], c.xer & XER_CA), (u32::MAX, XER_CA));
}

#[test]
fn lmw_stmw() {
    let (mut cpu, mut m) = load(&[
        Insn::Stmw(mem(28, 0, 0x100)),
        addi(28, 0, 0),
        addi(29, 0, 0),
        Insn::Lmw(mem(28, 0, 0x100)),
        wait(),
    ]);
    cpu.gpr[28..32].copy_from_slice(&[0x0102_0304, 5, 6, 0xDEAD_BEEF]);
    cpu.run(&mut m, 10).unwrap();
    assert_eq!(&m.bytes()[0x100..0x104], &[1, 2, 3, 4]);
    assert_eq!(m.load(0x10C, 4).unwrap(), 0xDEAD_BEEF);
    assert_eq!(cpu.gpr[28..32], [0x0102_0304, 5, 6, 0xDEAD_BEEF]);
    assert_eq!(cpu.cycles, 4 + 1 + 1 + 4 + 1);
    // ra in the loaded range is an invalid form.
    let bad = Insn::Lmw(mem(28, 30, 0));
    assert!(matches!(
        exec1(Cpu::new(), bad),
        Err(Trap::Illegal { pc: 0, .. })
    ));
}

#[test]
fn alignment_trap_leaves_state() {
    let (mut cpu, mut m) = load(&[addi(4, 0, 2), Insn::Lwz(mem(3, 4, 0x100)), wait()]);
    cpu.step(&mut m).unwrap();
    let before = cpu.clone();
    assert_eq!(
        cpu.step(&mut m),
        Err(Trap::Alignment { pc: 4, addr: 0x102 })
    );
    assert_eq!(cpu, before);
    let c = exec1(Cpu::new(), Insn::Sth(mem(3, 0, 0x101)));
    assert_eq!(c, Err(Trap::Alignment { pc: 0, addr: 0x101 }));
    // Bytes never trap on alignment; past the SRAM is a bus fault.
    assert!(exec1(Cpu::new(), Insn::Lbz(mem(3, 0, 0x101))).is_ok());
    let mut cpu = Cpu::new();
    cpu.gpr[4] = 0x4000;
    assert!(matches!(
        exec1(cpu, Insn::Lwz(mem(3, 4, 0))),
        Err(Trap::Memory { pc: 0, .. })
    ));
}

#[test]
fn illegal_word_trap() {
    let (mut cpu, mut m) = load(&[addi(3, 0, 1), addi(3, 3, 1)]);
    m.store(8, 4, 0x1000_0000).unwrap(); // opcode 4: vector, not scalar
    assert_eq!(
        cpu.run(&mut m, 10),
        Err(Trap::Illegal {
            pc: 8,
            word: 0x1000_0000
        })
    );
    assert_eq!(cpu.pc, 8);
    assert_eq!(cpu.gpr[3], 2);
    // Update forms with ra = 0 / ra = rt; unknown SPR.
    for insn in [
        Insn::Lwzu(mem(3, 0, 4)),
        Insn::Lwzu(mem(3, 3, 4)),
        Insn::Stwu(mem(3, 0, 4)),
        mfspr(3, 1000),
        mtspr(1000, 3),
    ] {
        assert!(
            matches!(exec1(Cpu::new(), insn), Err(Trap::Illegal { pc: 0, .. })),
            "{insn:?}"
        );
    }
}

#[test]
fn time_base_follows_cycles() {
    let (mut cpu, mut m) = load(&[
        mfspr(3, spr::TBL),
        Insn::Mullw(xo(5, 5, 5)),
        Insn::Divw(xo(5, 5, 6)),
        mfspr(4, spr::TBL),
        mfspr(6, spr::TBU),
        wait(),
    ]);
    cpu.gpr[6] = 1;
    cpu.run(&mut m, 10).unwrap();
    assert_eq!(cpu.gpr[3], 0);
    assert_eq!(cpu.gpr[4], 1 + 4 + 31);
    assert_eq!(cpu.gpr[6], 0);
    // Writing TBU/TBL sets the time base.
    let mut cpu = Cpu::new();
    cpu.gpr[3] = 7;
    let c = exec1(cpu, mtspr(spr::TBU, 3)).unwrap();
    assert_eq!(c.time_base(), (7 << 32) + 1);
}

#[test]
fn branches_compares_and_cr() {
    let mut cpu = Cpu::new();
    cpu.gpr[3] = (-1i32) as u32;
    cpu.gpr[4] = 1;
    let c = exec1(
        cpu.clone(),
        Insn::Cmp(XCmp {
            bf: 2,
            ra: 3,
            rb: 4,
        }),
    )
    .unwrap();
    assert_eq!(c.cr, 0x0080_0000);
    let c = exec1(
        cpu.clone(),
        Insn::Cmpl(XCmp {
            bf: 7,
            ra: 3,
            rb: 4,
        }),
    )
    .unwrap();
    assert_eq!(c.cr, 0x4);
    // beq cr2 not taken, blt cr2 taken (bc 12,8).
    let mut c2 = c.clone();
    c2.cr = 0x0080_0000;
    let t = exec1(
        c2.clone(),
        Insn::Bc(BranchCond {
            bo: 12,
            bi: 8,
            bd: 0x40,
            aa: false,
            lk: true,
        }),
    )
    .unwrap();
    assert_eq!((t.pc, t.lr), (0x40, 4));
    let t = exec1(
        c2,
        Insn::Bc(BranchCond {
            bo: 12,
            bi: 10,
            bd: 0x40,
            aa: false,
            lk: false,
        }),
    )
    .unwrap();
    assert_eq!(t.pc, 4);
    // crxor 0,0,0 clears bit 0; mcrf; mtcrf/mfcr.
    let mut c = Cpu::new();
    c.gpr[5] = 0x1234_5678;
    let c = exec1(c, Insn::Mtcrf(CrMask { reg: 5, fxm: 0x81 })).unwrap();
    assert_eq!(c.cr, 0x1000_0008);
    let c = exec1(c, Insn::Mcrf(Mcrf { bf: 1, bfa: 0 })).unwrap();
    assert_eq!(c.cr, 0x1100_0008);
    let c = exec1(
        c,
        Insn::Crxor(CrOp {
            bt: 3,
            ba: 3,
            bb: 3,
        }),
    )
    .unwrap();
    assert_eq!(c.cr, 0x0100_0008);
    // rfi restores PC and MSR; tw traps.
    let mut c = Cpu::new();
    c.srr0 = 0x123;
    c.srr1 = 0x8000;
    let c = exec1(c, Insn::Rfi).unwrap();
    assert_eq!((c.pc, c.msr), (0x120, 0x8000));
    let t = exec1(
        Cpu::new(),
        Insn::Twi(DTrap {
            to: 4,
            ra: 0,
            si: 0,
        }),
    );
    assert_eq!(t, Err(Trap::Program { pc: 0 }));
    assert!(exec1(
        Cpu::new(),
        Insn::Twi(DTrap {
            to: 0x18,
            ra: 0,
            si: 0
        })
    )
    .is_ok());
}

#[test]
fn popcb_prtyw_cntlzw_exts() {
    let mut cpu = Cpu::new();
    cpu.gpr[4] = 0xFF01_0380;
    let c = exec1(cpu.clone(), Insn::Popcb(XRaRs { ra: 3, rs: 4 })).unwrap();
    assert_eq!(c.gpr[3], 0x0801_0201);
    let c = exec1(cpu.clone(), Insn::Prtyw(XRaRs { ra: 3, rs: 4 })).unwrap();
    assert_eq!(c.gpr[3], 1); // low bits 1,1,1,0
    let u = |f: fn(XUnary) -> Insn| {
        f(XUnary {
            ra: 3,
            rs: 4,
            rc: false,
        })
    };
    assert_eq!(exec1(cpu.clone(), u(Insn::Cntlzw)).unwrap().gpr[3], 0);
    assert_eq!(
        exec1(cpu.clone(), u(Insn::Extsb)).unwrap().gpr[3],
        0xFFFF_FF80
    );
    assert_eq!(exec1(cpu, u(Insn::Extsh)).unwrap().gpr[3], 0x0380);
}

fn ov_i64(v: i64) -> bool {
    i32::try_from(v).is_err()
}

proptest! {
    #[test]
    fn arithmetic_matches_reference(a: u32, b: u32, ca_in: bool) {
        let mut cpu = Cpu::new();
        cpu.gpr[1] = a;
        cpu.gpr[2] = b;
        cpu.xer = if ca_in { XER_CA } else { 0 };
        let (sa, sb) = (i64::from(a as i32), i64::from(b as i32));
        let (ua, ub, c) = (u64::from(a), u64::from(b), u64::from(ca_in));
        // (insn, result, Some(CA) if it sets CA, OV)
        let cases: Vec<(Insn, u32, Option<bool>, bool)> = vec![
            (Insn::Add(xo(3, 1, 2)), (ua + ub) as u32, None, ov_i64(sa + sb)),
            (Insn::Subf(xo(3, 1, 2)), (ub.wrapping_sub(ua)) as u32, None, ov_i64(sb - sa)),
            (Insn::Addc(xo(3, 1, 2)), (ua + ub) as u32, Some(ua + ub > 0xFFFF_FFFF), ov_i64(sa + sb)),
            (Insn::Subfc(xo(3, 1, 2)), b.wrapping_sub(a), Some(ub >= ua), ov_i64(sb - sa)),
            (Insn::Adde(xo(3, 1, 2)), (ua + ub + c) as u32, Some(ua + ub + c > 0xFFFF_FFFF), ov_i64(sa + sb + c as i64)),
            (Insn::Subfe(xo(3, 1, 2)), (ub + (!a as u64) + c) as u32, Some(ub + u64::from(!a) + c > 0xFFFF_FFFF), ov_i64(sb - sa - 1 + c as i64)),
            (Insn::Mullw(xo(3, 1, 2)), (sa * sb) as u32, None, ov_i64(sa * sb)),
            (Insn::Divw(xo(3, 1, 2)),
                if sb == 0 || (sa == i64::from(i32::MIN) && sb == -1) { 0 } else { (sa / sb) as u32 },
                None, sb == 0 || (sa == i64::from(i32::MIN) && sb == -1)),
            (Insn::Divwu(xo(3, 1, 2)), ua.checked_div(ub).map_or(0, |q| q as u32), None, ub == 0),
            (Insn::Neg(XoUnary { rt: 3, ra: 1, oe: true, rc: false }), (-sa) as u32, None, ov_i64(-sa)),
        ];
        for (insn, r, ca, ov) in cases {
            let out = exec1(cpu.clone(), insn).unwrap();
            prop_assert_eq!(out.gpr[3], r, "{:?}", insn);
            prop_assert_eq!(out.xer & XER_OV != 0, ov, "{:?} OV", insn);
            prop_assert_eq!(out.xer & XER_SO != 0, ov, "{:?} SO", insn);
            prop_assert_eq!(out.xer & XER_CA != 0, ca.unwrap_or(ca_in), "{:?} CA", insn);
            // SO is sticky: set before, it stays set whether or not this one overflows.
            let mut so = cpu.clone();
            so.xer |= XER_SO;
            let out = exec1(so, insn).unwrap();
            prop_assert_eq!(out.xer & XER_SO, XER_SO, "{:?} SO kept", insn);
            prop_assert_eq!(out.xer & XER_OV != 0, ov, "{:?} OV with SO set", insn);
        }
        let mh = |f: fn(XoMulh) -> Insn| f(XoMulh { rt: 3, ra: 1, rb: 2, rc: true });
        let out = exec1(cpu.clone(), mh(Insn::Mulhw)).unwrap();
        let hi = ((sa * sb) >> 32) as u32;
        prop_assert_eq!(out.gpr[3], hi);
        prop_assert_eq!(out.cr >> 28, match (hi as i32).cmp(&0) {
            std::cmp::Ordering::Less => 8, std::cmp::Ordering::Greater => 4, _ => 2 });
        let out = exec1(cpu.clone(), mh(Insn::Mulhwu)).unwrap();
        prop_assert_eq!(out.gpr[3], ((ua * ub) >> 32) as u32);
    }

    #[test]
    fn random_words_never_panic(
        words in proptest::collection::vec(any::<u32>(), 16),
        gpr in proptest::array::uniform32(prop_oneof![any::<u32>(), 0u32..0x4010]),
        cr: u32, xer: u32, lr: u32, ctr: u32, pc in 0u32..16,
    ) {
        let mut m = Sram::new();
        m.write_words(0, &words).unwrap();
        let mut cpu = Cpu { gpr, cr, xer, lr, ctr, pc: pc * 4, ..Cpu::new() };
        for _ in 0..32 {
            match cpu.step(&mut m) {
                Ok(StepOutcome::Continue) => {}
                Ok(StepOutcome::Sleep) | Err(_) => break,
            }
        }
    }

    #[test]
    fn random_single_insn_never_panics(word: u32, gpr in proptest::array::uniform32(any::<u32>()), xer: u32, ctr: u32) {
        let mut m = Sram::new();
        m.store(0, 4, word).unwrap();
        let mut cpu = Cpu { gpr, xer, ctr, ..Cpu::new() };
        let _ = cpu.step(&mut m);
    }
}

#[test]
fn external_control_is_a_word_access_at_the_io_latency() {
    // ecowx r3,r0,r4 stores r3 at r4; eciwx r5,r0,r4 loads it back; 5 cycles each.
    let x = |rt, ra, rb| XMem { rt, ra, rb };
    let (mut cpu, mut m) = load(&[
        addi(3, 0, 0x1234),
        addi(4, 0, 0x200),
        Insn::Ecowx(x(3, 0, 4)),
        Insn::Eciwx(x(5, 0, 4)),
        Insn::Wait(Field2 { value: 0 }),
    ]);
    cpu.run(&mut m, 100).unwrap();
    assert_eq!(cpu.gpr[5], 0x1234);
    assert_eq!(m.load(0x200, 4).unwrap(), 0x1234);
    assert_eq!(cpu.cycles, 1 + 1 + 5 + 5 + 1);
    // Misaligned: the alignment trap, nothing stored.
    let mut cpu = Cpu::new();
    cpu.gpr[4] = 0x202;
    assert!(matches!(
        exec1(cpu, Insn::Ecowx(x(3, 0, 4))),
        Err(Trap::Alignment { addr: 0x202, .. })
    ));
}
