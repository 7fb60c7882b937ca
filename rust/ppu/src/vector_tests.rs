//! Tests of the vector unit: every instruction against the independent reference in
//! `vector_tests/reference.rs` on random state, hand-computed examples for the
//! tricky cases, and the memory forms with a recording mock memory.

mod reference;

use proptest::prelude::*;

use crate::insn::{Fxv, FxvOp, FxvShape};
use crate::vector::{occupancy, unit, FxvUnit, VectorTrap, VectorUnit, LANES};
use reference::{Call, MockMem, RefState};

// ---------------------------------------------------------------- helpers

fn to_ref(u: &VectorUnit) -> RefState {
    RefState {
        vr: u.vr.iter().map(|r| r.to_vec()).collect(),
        acc: u.acc.to_vec(),
        vcr: u.vcr().to_vec(),
    }
}

/// A deterministic generator (splitmix64) for filling whole states from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const HALF_CORNERS: [u16; 14] = [
    0x0000, 0x0001, 0xFFFF, 0x8000, 0x7FFF, 0x8080, 0x7F7F, 0x807F, 0x7F80, 0x0100, 0x00FF, 0xFF00,
    0x4000, 0xC000,
];
const ACC_CORNERS: [u32; 10] = [
    0,
    1,
    0xFFFF_FFFF,
    0x8000_0000,
    0x7FFF_FFFF,
    0x8000_8000,
    0x7FFF_7FFF,
    0x7FFF_8000,
    0x0000_7FFF,
    0xFFFF_8000,
];

/// A random state biased towards the saturation corners; the VCR is arbitrary
/// (including nibble patterns no compare produces).
fn random_unit(seed: u64) -> VectorUnit {
    let mut rng = Rng(seed);
    let mut u = VectorUnit::new();
    for r in 0..32u8 {
        let mut h = [0i16; LANES];
        for x in h.iter_mut() {
            *x = if rng.below(4) == 0 {
                HALF_CORNERS[rng.below(HALF_CORNERS.len() as u64) as usize] as i16
            } else {
                rng.next() as i16
            };
        }
        u.set_reg_halfwords(r, &h);
    }
    for k in 0..LANES {
        u.acc[k] = if rng.below(4) == 0 {
            ACC_CORNERS[rng.below(ACC_CORNERS.len() as u64) as usize]
        } else {
            rng.next() as u32
        };
        u.set_vcr_lane(k, (rng.next() & 0xFFF) as u16);
    }
    u
}

/// Random fields for `op` (small register numbers half the time, to alias).
fn random_insn(op: FxvOp, rng: &mut Rng) -> Fxv {
    let mut r = || {
        if rng.below(2) == 0 {
            rng.below(4) as u8
        } else {
            rng.below(32) as u8
        }
    };
    let (t, a, b) = (r(), r(), r());
    Fxv::new(op, t, a, b, rng.below(4) as u8)
}

fn is_memory(op: FxvOp) -> bool {
    matches!(unit(op), FxvUnit::LoadStore | FxvUnit::ParallelIo)
}

fn run(u: &mut VectorUnit, op: FxvOp, t: u8, a: u8, b: u8, c: u8) -> Result<u64, VectorTrap> {
    let mut mem = MockMem::new(0);
    u.execute(&Fxv::new(op, t, a, b, c), &[0; 32], &mut mem)
}

fn halves(u: &VectorUnit, r: u8) -> [u16; LANES] {
    u.reg_halfwords(r).map(|x| x as u16)
}

fn set_halves(u: &mut VectorUnit, r: u8, h: &[u16]) {
    let mut all = [0i16; LANES];
    for (d, s) in all.iter_mut().zip(h) {
        *d = *s as i16;
    }
    u.set_reg_halfwords(r, &all);
}

// ------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every non-memory instruction, with random fields, equals the reference.
    #[test]
    fn every_op_matches_reference(seed in any::<u64>()) {
        let mut rng = Rng(seed ^ 0x5555);
        let gpr: [u32; 32] = std::array::from_fn(|_| rng.next() as u32);
        let start = random_unit(seed);
        for &op in FxvOp::ALL.iter().filter(|&&op| !is_memory(op)) {
            let insn = random_insn(op, &mut rng);
            let mut u = start.clone();
            let mut mem = MockMem::new(0);
            let cycles = u.execute(&insn, &gpr, &mut mem);
            prop_assert_eq!(cycles, Ok(occupancy(op)));
            prop_assert!(mem.calls.is_empty());
            let want = reference::exec(&to_ref(&start), &insn, &gpr);
            let got = to_ref(&u);
            prop_assert!(got == want, "{} differs:\n acc {:?}", insn.text(),
                got.acc.iter().zip(&want.acc).position(|(a, b)| a != b));
        }
    }

    /// The memory and I/O forms equal the reference: state, memory afterwards, the
    /// calls made and the result (cycles or trap).
    #[test]
    fn memory_forms_match_reference(seed in any::<u64>()) {
        let mut rng = Rng(seed);
        let start = random_unit(seed.rotate_left(17));
        let mut base = MockMem::new(512);
        base.io_fault = 0x40;
        for &op in &[FxvOp::Fxvlax, FxvOp::Fxvstax, FxvOp::Fxvinx, FxvOp::Fxvoutx] {
            for _ in 0..4 {
                // Addresses around the SRAM end and the faulting I/O vector.
                let gpr: [u32; 32] = std::array::from_fn(|_| match rng.below(3) {
                    0 => (rng.below(120) * 4) as u32,
                    1 => rng.below(0x48) as u32,
                    _ => rng.next() as u32,
                });
                let insn = random_insn(op, &mut rng);
                let mut u = start.clone();
                let mut mem = base.clone();
                let got = u.execute(&insn, &gpr, &mut mem);
                let (want_state, want_mem, want) =
                    reference::exec_memory(&to_ref(&start), &base, &insn, &gpr);
                prop_assert_eq!(got, want, "{}", insn.text());
                prop_assert!(to_ref(&u) == want_state, "{}", insn.text());
                prop_assert_eq!(&mem, &want_mem, "{}", insn.text());
                if got.is_err() {
                    prop_assert!(u == start);
                }
            }
        }
    }

    /// Whatever the instruction, an `Err` leaves the unit as it was.
    #[test]
    fn nothing_changes_on_err(seed in any::<u64>(), opi in 0usize..53, ea in any::<u32>()) {
        let op = FxvOp::ALL[opi];
        let start = random_unit(seed);
        let mut rng = Rng(seed);
        let insn = random_insn(op, &mut rng);
        let mut gpr = [0u32; 32];
        gpr[usize::from(insn.vrb)] = ea;
        let mut u = start.clone();
        let mut mem = MockMem::new(256);
        mem.io_fault = ea;
        if let Err(e) = u.execute(&insn, &gpr, &mut mem) {
            prop_assert!(is_memory(op), "{op:?} failed: {e}");
            prop_assert!(u == start);
        }
    }

    #[test]
    fn vcr_and_register_views_round_trip(v in 0u16..0x1000, lane in 0usize..64,
                                         h in any::<i16>(), r in 0u8..32) {
        let mut u = VectorUnit::new();
        u.set_vcr_lane(lane, v);
        prop_assert_eq!(u.vcr_lane(lane), v);
        let mut hw = [0i16; LANES];
        hw[lane] = h;
        u.set_reg_halfwords(r, &hw);
        prop_assert_eq!(u.reg_bytes(r)[2 * lane], (h as u16 >> 8) as u8);
        prop_assert_eq!(u.reg_bytes(r)[2 * lane + 1], h as u8);
        prop_assert_eq!(u.reg_halfwords(r), hw);
    }
}

// ------------------------------------------------------ hand-computed examples

#[test]
fn mulfs_of_minus_one_squared_saturates() {
    let mut u = VectorUnit::new();
    // Lanes: (-1)(-1), 0.5·0.5, (-1)·(1-2^-15), 2^-15·2^-15, (-2^-15)·2^-15.
    set_halves(&mut u, 1, &[0x8000, 0x4000, 0x8000, 0x0001, 0xFFFF]);
    set_halves(&mut u, 2, &[0x8000, 0x4000, 0x7FFF, 0x0001, 0x0001]);
    run(&mut u, FxvOp::Fxvmulhfs, 3, 1, 2, 0).unwrap();
    // 2ab = 0x7FFF_FFFF (sat), 0x2000_0000, 0x8001_0000, 2, -2 = 0xFFFF_FFFE; the
    // upper halves, truncated.
    assert_eq!(halves(&u, 3)[..5], [0x7FFF, 0x2000, 0x8001, 0x0000, 0xFFFF]);
    run(&mut u, FxvOp::Fxvmultachfs, 0, 1, 2, 0).unwrap();
    assert_eq!(
        u.acc[..5],
        [0x7FFF_FFFF, 0x2000_0000, 0x8001_0000, 2, 0xFFFF_FFFE]
    );
    // Accumulating on top saturates at the 32-bit bounds.
    run(&mut u, FxvOp::Fxvmatachfs, 0, 1, 2, 0).unwrap();
    assert_eq!(u.acc[..3], [0x7FFF_FFFF, 0x4000_0000, 0x8000_0000]);

    // Bytes: (-1)(-1) → 0x7FFF → 0x7F; 0.5·0.5 = 0x2000 → 0x20; −2 → 0xFF.
    u.set_reg_bytes(4, &{
        let mut b = [0u8; 128];
        b[..3].copy_from_slice(&[0x80, 0x40, 0xFF]);
        b
    });
    u.set_reg_bytes(5, &{
        let mut b = [0u8; 128];
        b[..3].copy_from_slice(&[0x80, 0x40, 0x01]);
        b
    });
    run(&mut u, FxvOp::Fxvmulbfs, 6, 4, 5, 0).unwrap();
    assert_eq!(u.reg_bytes(6)[..3], [0x7F, 0x20, 0xFF]);
    run(&mut u, FxvOp::Fxvmultacbfs, 0, 4, 5, 0).unwrap();
    assert_eq!(u.acc[0], 0x7FFF_2000);
    assert_eq!(u.acc[1] >> 16, 0xFFFE);
}

#[test]
fn mahfs_reads_acc_and_leaves_it() {
    let mut u = VectorUnit::new();
    set_halves(&mut u, 1, &[0x4000, 0x8000, 0x0000]);
    set_halves(&mut u, 2, &[0x4000, 0x8000, 0x0000]);
    u.acc[0] = 0x7FFF_FFFF; // + 0x2000_0000 saturates
    u.acc[1] = 0x8000_0000; // + 0x7FFF_FFFF = −1
    u.acc[2] = 0x1234_5678; // + 0 → upper half 0x1234
    run(&mut u, FxvOp::Fxvmahfs, 3, 1, 2, 0).unwrap();
    assert_eq!(halves(&u, 3)[..3], [0x7FFF, 0xFFFF, 0x1234]);
    assert_eq!(u.acc[..3], [0x7FFF_FFFF, 0x8000_0000, 0x1234_5678]);
    // Modulo form: low16(a·b + acc): 0x1000_0000 + 0x7FFF_FFFF → 0xFFFF.
    run(&mut u, FxvOp::Fxvmahm, 3, 1, 2, 0).unwrap();
    assert_eq!(halves(&u, 3)[..3], [0xFFFF, 0x0000, 0x5678]);
}

#[test]
fn saturation_boundaries_of_add_and_sub() {
    let mut u = VectorUnit::new();
    set_halves(&mut u, 1, &[0x7FFF, 0x8000, 0x7000, 0x8000, 0x0000]);
    set_halves(&mut u, 2, &[0x0001, 0xFFFF, 0x0FFF, 0x0001, 0x8000]);
    run(&mut u, FxvOp::Fxvaddhfs, 3, 1, 2, 0).unwrap();
    assert_eq!(halves(&u, 3)[..5], [0x7FFF, 0x8000, 0x7FFF, 0x8001, 0x8000]);
    run(&mut u, FxvOp::Fxvsubhfs, 3, 1, 2, 0).unwrap();
    assert_eq!(halves(&u, 3)[..5], [0x7FFE, 0x8001, 0x6001, 0x8000, 0x7FFF]);
    run(&mut u, FxvOp::Fxvaddhm, 3, 1, 2, 0).unwrap();
    assert_eq!(halves(&u, 3)[..2], [0x8000, 0x7FFF]);

    let mut a = [0u8; 128];
    let mut b = [0u8; 128];
    a[..4].copy_from_slice(&[0x7F, 0x80, 0x00, 0x80]);
    b[..4].copy_from_slice(&[0x01, 0x80, 0x80, 0x01]);
    u.set_reg_bytes(4, &a);
    u.set_reg_bytes(5, &b);
    run(&mut u, FxvOp::Fxvaddbfs, 6, 4, 5, 0).unwrap();
    assert_eq!(u.reg_bytes(6)[..4], [0x7F, 0x80, 0x80, 0x81]);
    run(&mut u, FxvOp::Fxvsubbfs, 6, 4, 5, 0).unwrap();
    assert_eq!(u.reg_bytes(6)[..4], [0x7E, 0x00, 0x7F, 0x80]);

    // (VRA << 16) + ACC saturating: 0x7FFF_0000 + 0x0001_0000 → 0x7FFF_FFFF.
    set_halves(&mut u, 7, &[0x7FFF, 0x8000]);
    u.acc[0] = 0x0001_0000;
    u.acc[1] = 0xFFFF_FFFF;
    run(&mut u, FxvOp::Fxvaddachfs, 8, 7, 0, 0).unwrap();
    assert_eq!(halves(&u, 8)[..2], [0x7FFF, 0x8000]);
    run(&mut u, FxvOp::Fxvaddactachf, 0, 7, 0, 0).unwrap();
    assert_eq!(u.acc[..2], [0x7FFF_FFFF, 0x8000_0000]);
}

#[test]
fn pack_and_unpack_bit_fields() {
    let mut u = VectorUnit::new();
    // VRA lane 0 = 0xABCD, lane 9 (slice 1, lane 1) = 0x1234; VRB lane 0 = 0x5678.
    let mut a = [0u16; LANES];
    a[0] = 0xABCD;
    a[9] = 0x1234;
    set_halves(&mut u, 1, &a);
    set_halves(&mut u, 2, &[0x5678]);
    run(&mut u, FxvOp::Fxvpckbu, 3, 1, 2, 0).unwrap();
    let r = *u.reg_bytes(3);
    assert_eq!((r[0], r[8], r[17]), (0xAB, 0x56, 0x12));
    run(&mut u, FxvOp::Fxvpckbl, 3, 1, 2, 0).unwrap();
    let r = *u.reg_bytes(3);
    assert_eq!((r[0], r[8], r[17]), (0xCD, 0x78, 0x34));
    // C = 1: 7-bit fields, bits 15..9 = 0x55 and 8..2 = 0x73 of 0xABCD.
    run(&mut u, FxvOp::Fxvpckbu, 3, 1, 2, 1).unwrap();
    assert_eq!(u.reg_bytes(3)[0], 0x55);
    run(&mut u, FxvOp::Fxvpckbl, 4, 1, 2, 1).unwrap();
    assert_eq!(u.reg_bytes(4)[0], 0x73);
    // Unpacking the two 7-bit fields restores 0xABCD except its low 2c bits.
    run(&mut u, FxvOp::Fxvupckbl, 5, 3, 4, 1).unwrap();
    assert_eq!(halves(&u, 5)[0], 0xABCC);
    // C = 3: 5-bit fields, bits 15..11 = 0x15 and 10..6 = 0x0F.
    run(&mut u, FxvOp::Fxvpckbu, 3, 1, 2, 3).unwrap();
    run(&mut u, FxvOp::Fxvpckbl, 4, 1, 2, 3).unwrap();
    assert_eq!((u.reg_bytes(3)[0], u.reg_bytes(4)[0]), (0x15, 0x0F));
    // upckbr takes the right half of each slice: bytes 8.. of slice 0.
    let mut x = [0u8; 128];
    let mut y = [0u8; 128];
    x[8] = 0x12;
    y[8] = 0x34;
    x[0] = 0xFF;
    u.set_reg_bytes(6, &x);
    u.set_reg_bytes(7, &y);
    run(&mut u, FxvOp::Fxvupckbr, 8, 6, 7, 0).unwrap();
    assert_eq!(halves(&u, 8)[..2], [0x1234, 0]);
    run(&mut u, FxvOp::Fxvupckbl, 8, 6, 7, 0).unwrap();
    assert_eq!(halves(&u, 8)[..2], [0xFF00, 0]);
}

#[test]
fn shifts_at_the_ends_of_the_range() {
    let mut u = VectorUnit::new();
    set_halves(&mut u, 1, &[0x0003, 0xFFFF, 0x8000, 0x8001]);
    let sh = |n: i8| (n as u8) & 31;
    let cases: [(i8, [u16; 4]); 5] = [
        (15, [0x8000, 0x8000, 0x0000, 0x8000]),
        (-16, [0, 0, 0, 0]),
        (-15, [0x0000, 0x0001, 0x0001, 0x0001]),
        (-1, [0x0001, 0x7FFF, 0x4000, 0x4000]),
        (0, [0x0003, 0xFFFF, 0x8000, 0x8001]),
    ];
    for (n, want) in cases {
        run(&mut u, FxvOp::Fxvshh, 2, 1, sh(n), 0).unwrap();
        assert_eq!(halves(&u, 2)[..4], want, "fxvshh {n}");
    }
    let mut b = [0u8; 128];
    b[..3].copy_from_slice(&[0x03, 0x80, 0xFF]);
    u.set_reg_bytes(3, &b);
    let cases: [(i8, [u8; 3]); 5] = [
        (7, [0x80, 0x00, 0x80]),
        (8, [0, 0, 0]),
        (15, [0, 0, 0]),
        (-1, [0x01, 0x40, 0x7F]),
        (-16, [0, 0, 0]),
    ];
    for (n, want) in cases {
        run(&mut u, FxvOp::Fxvshb, 4, 3, sh(n), 0).unwrap();
        assert_eq!(u.reg_bytes(4)[..3], want, "fxvshb {n}");
    }
}

#[test]
fn conditional_writes_mask_nibbles_and_acc_bytes() {
    let mut u = VectorUnit::new();
    // Lane 0: GT = 1010 (nibbles 0 and 2), LT = 0, EQ = 1111.
    u.set_vcr_lane(0, 0xF_A_0);
    set_halves(&mut u, 1, &[0x1200]);
    set_halves(&mut u, 2, &[0x0034]);
    set_halves(&mut u, 3, &[0xABCD]);
    run(&mut u, FxvOp::Fxvaddhm, 3, 1, 2, 1).unwrap();
    assert_eq!(halves(&u, 3)[0], 0x1B3D);
    // LT clear: nothing written; EQ all: everything.
    set_halves(&mut u, 3, &[0xABCD]);
    run(&mut u, FxvOp::Fxvaddhm, 3, 1, 2, 2).unwrap();
    assert_eq!(halves(&u, 3)[0], 0xABCD);
    run(&mut u, FxvOp::Fxvaddhm, 3, 1, 2, 3).unwrap();
    assert_eq!(halves(&u, 3)[0], 0x1234);
    // ACC in 8-bit quarters: fxvmtach 0x1234 → 0x0000_1234, quarters 0 and 2.
    set_halves(&mut u, 4, &[0x1234]);
    u.acc[0] = 0xAABB_CCDD;
    run(&mut u, FxvOp::Fxvmtach, 0, 4, 0, 1).unwrap();
    assert_eq!(u.acc[0], 0x00BB_12DD);
    // Byte form into the 16-bit halves: fxvmtacb 0x12,0x34 → 0x0012_0034.
    u.acc[0] = 0xAABB_CCDD;
    run(&mut u, FxvOp::Fxvmtacb, 0, 4, 0, 1).unwrap();
    assert_eq!(u.acc[0], 0x00BB_00DD);
    // Lanes with no flag stay untouched even under C = 0 for other lanes.
    assert_eq!(u.acc[1], 0);
}

#[test]
fn compares_set_flags_and_select_follows_them() {
    let mut u = VectorUnit::new();
    let mut a = [0u8; 128];
    a[..4].copy_from_slice(&[0x05, 0x00, 0xFB, 0x7F]);
    u.set_reg_bytes(1, &a);
    assert_eq!(run(&mut u, FxvOp::Fxvcmpb, 0, 1, 0, 0), Ok(1));
    // Lane 0: byte 0 > 0, byte 1 == 0; lane 1: byte 2 < 0, byte 3 > 0.
    assert_eq!(u.vcr_lane(0), 0x3_C_0);
    assert_eq!(u.vcr_lane(1), 0x0_3_C);
    assert_eq!(u.vcr_lane(2), 0xF_0_0);
    // fxvsel C = 2 (LT): VRB in byte 2 only.
    u.set_reg_bytes(2, &[0x11; 128]);
    u.set_reg_bytes(3, &[0x22; 128]);
    run(&mut u, FxvOp::Fxvsel, 4, 2, 3, 2).unwrap();
    assert_eq!(u.reg_bytes(4)[..5], [0x11, 0x11, 0x22, 0x11, 0x11]);
    run(&mut u, FxvOp::Fxvsel, 4, 2, 3, 0).unwrap();
    assert_eq!(u.reg_bytes(4), &[0x22; 128]);

    set_halves(&mut u, 5, &[0x0000, 0x8000, 0x0001]);
    run(&mut u, FxvOp::Fxvcmph, 0, 5, 0, 0).unwrap();
    assert_eq!(u.vcr()[..3], [0xF00, 0x00F, 0x0F0]);
}

#[test]
fn splat_uses_ra_or_zero() {
    let mut u = VectorUnit::new();
    let mut gpr = [0u32; 32];
    gpr[0] = 0xFFFF_FFFF;
    gpr[7] = 0x1234_5678;
    let mut mem = MockMem::new(0);
    u.execute(&Fxv::new(FxvOp::Fxvsplath, 1, 7, 0, 0), &gpr, &mut mem)
        .unwrap();
    assert_eq!(halves(&u, 1), [0x5678; LANES]);
    u.execute(&Fxv::new(FxvOp::Fxvsplatb, 2, 7, 0, 0), &gpr, &mut mem)
        .unwrap();
    assert_eq!(u.reg_bytes(2), &[0x78; 128]);
    u.execute(&Fxv::new(FxvOp::Fxvsplath, 1, 0, 0, 0), &gpr, &mut mem)
        .unwrap();
    assert_eq!(halves(&u, 1), [0; LANES]);
}

// ------------------------------------------------------------ memory forms

#[test]
fn lax_and_stax_use_ra_or_zero_plus_rb_and_report_memory_cycles() {
    let mut u = VectorUnit::new();
    let mut mem = MockMem::new(512);
    let mut gpr = [0u32; 32];
    gpr[0] = 0x1000; // ignored: RA = 0 reads as zero
    gpr[3] = 0x80;
    gpr[4] = 0x40;
    let lax = |ra, rb| Fxv::new(FxvOp::Fxvlax, 5, ra, rb, 0);
    assert_eq!(
        u.execute(&lax(0, 3), &gpr, &mut mem),
        Ok(reference::LOAD_CYCLES)
    );
    assert_eq!(u.reg_bytes(5)[..], mem.sram[0x80..0x100]);
    assert_eq!(
        u.execute(&lax(4, 3), &gpr, &mut mem),
        Ok(reference::LOAD_CYCLES)
    );
    assert_eq!(u.reg_bytes(5)[..], mem.sram[0xC0..0x140]);
    // Word alignment suffices; anything else traps before touching memory.
    assert!(u.execute(&lax(0, 4), &gpr, &mut mem).is_ok());
    gpr[6] = 0x82;
    let before = u.clone();
    assert_eq!(
        u.execute(&lax(0, 6), &gpr, &mut mem),
        Err(VectorTrap::Alignment { addr: 0x82 })
    );
    assert_eq!(u, before);
    assert_eq!(
        mem.calls,
        vec![Call::Load(0x80), Call::Load(0xC0), Call::Load(0x40)]
    );

    u.set_reg_bytes(9, &[0x5A; 128]);
    let stax = Fxv::new(FxvOp::Fxvstax, 9, 4, 3, 0);
    assert_eq!(
        u.execute(&stax, &gpr, &mut mem),
        Ok(reference::STORE_CYCLES)
    );
    assert_eq!(mem.sram[0xC0..0x140], [0x5A; 128]);
    assert_eq!(mem.sram[0xBF], (0xBF * 7 + 3) as u8);
}

#[test]
fn faulting_load_keeps_the_register() {
    let mut u = random_unit(7);
    let mut mem = MockMem::new(256);
    let mut gpr = [0u32; 32];
    gpr[1] = 0x100; // 0x100..0x180 lies beyond the 256-byte SRAM
    let before = u.clone();
    let r = u.execute(&Fxv::new(FxvOp::Fxvlax, 2, 0, 1, 0), &gpr, &mut mem);
    assert_eq!(
        r,
        Err(VectorTrap::Memory(crate::Fault::Bus { addr: 0x100 }))
    );
    assert_eq!(u, before);
}

#[test]
fn inx_masks_bytes_and_outx_sends_the_vcr_byte_enable() {
    let mut u = VectorUnit::new();
    let mut mem = MockMem::new(0);
    let mut gpr = [0u32; 32];
    gpr[1] = 0x8_0000;
    gpr[2] = 0x13;
    // VCR from bytes [5, 0, -5, 0, 0...]: GT byte 0, LT byte 2, EQ the rest.
    let mut a = [0u8; 128];
    a[0] = 0x05;
    a[2] = 0xFB;
    u.set_reg_bytes(1, &a);
    run(&mut u, FxvOp::Fxvcmpb, 0, 1, 0, 0).unwrap();
    assert_eq!(u.byte_enable(1), 0b1);
    assert_eq!(u.byte_enable(2), 0b100);
    assert_eq!(u.byte_enable(3), !0b101);
    assert_eq!(u.byte_enable(0), u128::MAX);

    u.set_reg_bytes(4, &[0x77; 128]);
    for c in 0..4u8 {
        let r = u.execute(&Fxv::new(FxvOp::Fxvoutx, 4, 1, 2, c), &gpr, &mut mem);
        assert_eq!(r, Ok(reference::OUT_CYCLES));
        assert_eq!(
            mem.calls.last(),
            Some(&Call::Out(0x8_0013, vec![0x77; 128], u.byte_enable(c)))
        );
    }

    let src = mem.io_read(0x13);
    let r = u.execute(&Fxv::new(FxvOp::Fxvinx, 5, 0, 2, 2), &gpr, &mut mem);
    assert_eq!(r, Ok(reference::IN_CYCLES));
    assert_eq!(mem.calls.last(), Some(&Call::In(0x13)));
    let v = u.reg_bytes(5);
    assert_eq!(v[2], src[2]);
    assert!(v.iter().enumerate().all(|(i, &x)| i == 2 || x == 0));
    u.execute(&Fxv::new(FxvOp::Fxvinx, 5, 0, 2, 0), &gpr, &mut mem)
        .unwrap();
    assert_eq!(u.reg_bytes(5)[..], src[..]);

    // A faulting I/O vector changes nothing.
    mem.io_fault = 0x13;
    let before = u.clone();
    let r = u.execute(&Fxv::new(FxvOp::Fxvinx, 5, 0, 2, 0), &gpr, &mut mem);
    assert!(matches!(r, Err(VectorTrap::Memory(_))));
    assert_eq!(u, before);
}

#[test]
fn every_op_has_a_unit_and_occupancy() {
    assert_eq!(FxvOp::ALL.len(), 53);
    for &op in FxvOp::ALL {
        let memory = matches!(op.shape(), FxvShape::Trr | FxvShape::TrrC);
        assert_eq!(is_memory(op), memory, "{op:?}");
        assert_eq!(occupancy(op) == 0, memory, "{op:?}");
    }
    assert_eq!(occupancy(FxvOp::Fxvmahm), 5);
    assert_eq!(occupancy(FxvOp::Fxvcmph), 1);
    assert_eq!(occupancy(FxvOp::Fxvsel), 2);
}

#[test]
fn reset_clears_everything() {
    let mut u = random_unit(3);
    u.reset();
    assert_eq!(u, VectorUnit::new());
    assert_eq!(u.vcr(), [0; LANES]);
    assert_eq!(u.cond_mask(0), &[0xFFFF; LANES]);
}
