//! The MADD-unit instructions: multiply, add, subtract and the accumulator moves, in
//! halfword (h) and byte (b) lanes, modulo (m) and fractional-saturating (fs/f).
//!
//! Naming in the closures: `a`, `b` are the VRA/VRB lane values (sign-extended), `acc`
//! the lane's accumulator (32 bits for halfword lanes, the 16-bit half for byte
//! lanes). Results destined for a register are truncated to the lane width; for the
//! fractional forms the register receives the upper half of the double-width value.

use super::lanes::{b_to_acc, b_to_reg, h_to_acc, h_to_reg, mulfs16, mulfs8};
use super::{VectorUnit, LANES, VECTOR_BYTES};
use crate::insn::FxvOp;

/// `x·2^16`, the left-aligned move of a halfword lane into 32 bits.
#[inline(always)]
fn hi16(x: i16) -> i32 {
    i32::from(x) << 16
}

/// `x·2^8`.
#[inline(always)]
fn hi8(x: i8) -> i16 {
    i16::from(x) << 8
}

// Saturating double-width sums are written with `saturating_add` in the lane's
// double width (i32 / i16), which LLVM maps onto vector instructions.

/// The lane masks of C = 0 (always write), as constants so that the unconditional
/// instantiation of the kernels folds the merge away.
const ALWAYS: [u16; LANES] = [0xFFFF; LANES];
const ALWAYS_BYTES: [u8; VECTOR_BYTES] = [0xFF; VECTOR_BYTES];

impl VectorUnit {
    /// Executes a MADD-class `op` (see [`super::FxvUnit::Madd`]) under condition `c`
    /// (0..=3). Returns `false` if `op` is not of that class (nothing changed then).
    pub(super) fn exec_madd(
        &mut self,
        op: FxvOp,
        rt: usize,
        ra: usize,
        rb: usize,
        c: usize,
    ) -> bool {
        let Self {
            vr,
            acc,
            masks,
            byte_masks,
        } = self;
        // C = 0 is the common case; its own copy of the kernels skips the masking.
        if c == 0 {
            madd(op, vr, acc, (rt, ra, rb), &ALWAYS, &ALWAYS_BYTES)
        } else {
            madd(op, vr, acc, (rt, ra, rb), &masks[c], &byte_masks[c])
        }
    }
}

/// [`VectorUnit::exec_madd`] with the lane mask `m` (and the same in register byte
/// order, `mb`).
#[inline(always)]
fn madd(
    op: FxvOp,
    vr: &mut [[u8; VECTOR_BYTES]; 32],
    acc: &mut [u32; LANES],
    (rt, ra, rb): (usize, usize, usize),
    m: &[u16; LANES],
    mb: &[u8; VECTOR_BYTES],
) -> bool {
    use FxvOp::*;
    // The register forms compute into a fresh array and store it at the end, so
    // VRT may alias VRA/VRB without copying them first.
    let (a, b, t) = (&vr[ra], &vr[rb], &vr[rt]);
    let out = match op {
        // ---- halfword lanes, result to VRT
        Fxvmahm => h_to_reg(t, a, b, acc, m, |a, b, c| {
            (i32::from(a) * i32::from(b)).wrapping_add(c as i32) as u16
        }),
        Fxvmahfs => h_to_reg(t, a, b, acc, m, |a, b, c| {
            (mulfs16(a, b).saturating_add(c as i32) >> 16) as u16
        }),
        Fxvmulhm => h_to_reg(t, a, b, acc, m, |a, b, _| {
            (i32::from(a) * i32::from(b)) as u16
        }),
        Fxvmulhfs => h_to_reg(t, a, b, acc, m, |a, b, _| (mulfs16(a, b) >> 16) as u16),
        Fxvaddhm => h_to_reg(t, a, b, acc, m, |a, b, _| a.wrapping_add(b) as u16),
        Fxvaddhfs => h_to_reg(t, a, b, acc, m, |a, b, _| a.saturating_add(b) as u16),
        Fxvsubhm => h_to_reg(t, a, b, acc, m, |a, b, _| a.wrapping_sub(b) as u16),
        Fxvsubhfs => h_to_reg(t, a, b, acc, m, |a, b, _| a.saturating_sub(b) as u16),
        Fxvaddachm => h_to_reg(t, a, b, acc, m, |a, _, c| (c as u16).wrapping_add(a as u16)),
        Fxvaddachfs => h_to_reg(t, a, b, acc, m, |a, _, c| {
            (hi16(a).saturating_add(c as i32) >> 16) as u16
        }),
        // ---- byte lanes, result to VRT
        Fxvmabm => b_to_reg(t, a, b, acc, mb, |a, b, c| {
            (i16::from(a) * i16::from(b)).wrapping_add(c as i16) as u8
        }),
        Fxvmabfs => b_to_reg(t, a, b, acc, mb, |a, b, c| {
            (mulfs8(a, b).saturating_add(c as i16) >> 8) as u8
        }),
        Fxvmulbm => b_to_reg(t, a, b, acc, mb, |a, b, _| a.wrapping_mul(b) as u8),
        Fxvmulbfs => b_to_reg(t, a, b, acc, mb, |a, b, _| (mulfs8(a, b) >> 8) as u8),
        Fxvaddbm => b_to_reg(t, a, b, acc, mb, |a, b, _| a.wrapping_add(b) as u8),
        Fxvaddbfs => b_to_reg(t, a, b, acc, mb, |a, b, _| a.saturating_add(b) as u8),
        Fxvsubbm => b_to_reg(t, a, b, acc, mb, |a, b, _| a.wrapping_sub(b) as u8),
        Fxvsubbfs => b_to_reg(t, a, b, acc, mb, |a, b, _| a.saturating_sub(b) as u8),
        Fxvaddacbm => b_to_reg(t, a, b, acc, mb, |a, _, c| (c as u8).wrapping_add(a as u8)),
        Fxvaddacbfs => b_to_reg(t, a, b, acc, mb, |a, _, c| {
            (hi8(a).saturating_add(c as i16) >> 8) as u8
        }),
        _ => return exec_madd_acc(op, acc, a, b, m),
    };
    vr[rt] = out;
    true
}

/// The MADD-class instructions whose result goes to the accumulator; `false` if `op`
/// is none of them.
#[inline(always)]
fn exec_madd_acc(
    op: FxvOp,
    acc: &mut [u32; LANES],
    a: &[u8; VECTOR_BYTES],
    b: &[u8; VECTOR_BYTES],
    m: &[u16; LANES],
) -> bool {
    use FxvOp::*;
    match op {
        // ---- halfword lanes, result to ACC
        Fxvmtach => h_to_acc(acc, a, b, m, |a, _, _| i32::from(a) as u32),
        Fxvmtachf => h_to_acc(acc, a, b, m, |a, _, _| u32::from(a as u16) << 16),
        Fxvmatachm => h_to_acc(acc, a, b, m, |a, b, c| {
            (i32::from(a) * i32::from(b)).wrapping_add(c as i32) as u32
        }),
        Fxvmatachfs => h_to_acc(acc, a, b, m, |a, b, c| {
            mulfs16(a, b).saturating_add(c as i32) as u32
        }),
        Fxvmultachm => h_to_acc(acc, a, b, m, |a, b, _| (i32::from(a) * i32::from(b)) as u32),
        Fxvmultachfs => h_to_acc(acc, a, b, m, |a, b, _| mulfs16(a, b) as u32),
        Fxvaddactachm => h_to_acc(acc, a, b, m, |a, _, c| c.wrapping_add(i32::from(a) as u32)),
        Fxvaddactachf => h_to_acc(acc, a, b, m, |a, _, c| {
            hi16(a).saturating_add(c as i32) as u32
        }),
        Fxvaddtach => h_to_acc(acc, a, b, m, |a, b, _| (i32::from(a) + i32::from(b)) as u32),
        // ---- byte lanes, result to the 16-bit ACC halves
        Fxvmtacb => b_to_acc(acc, a, b, m, |a, _, _| i16::from(a) as u16),
        Fxvmtacbf => b_to_acc(acc, a, b, m, |a, _, _| u16::from(a as u8) << 8),
        Fxvmatacbm => b_to_acc(acc, a, b, m, |a, b, c| {
            (i16::from(a) * i16::from(b)).wrapping_add(c as i16) as u16
        }),
        Fxvmatacbfs => b_to_acc(acc, a, b, m, |a, b, c| {
            mulfs8(a, b).saturating_add(c as i16) as u16
        }),
        Fxvmultacbm => b_to_acc(acc, a, b, m, |a, b, _| (i16::from(a) * i16::from(b)) as u16),
        Fxvmultacbfs => b_to_acc(acc, a, b, m, |a, b, _| mulfs8(a, b) as u16),
        Fxvaddactacbm => b_to_acc(acc, a, b, m, |a, _, c| c.wrapping_add(i16::from(a) as u16)),
        Fxvaddactacbf => b_to_acc(acc, a, b, m, |a, _, c| {
            hi8(a).saturating_add(c as i16) as u16
        }),
        Fxvaddtacb => b_to_acc(acc, a, b, m, |a, b, _| (i16::from(a) + i16::from(b)) as u16),
        _ => return false,
    }
    true
}
