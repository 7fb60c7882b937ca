//! Lane views, masks and the saturating helpers shared by the FXV kernels.
//!
//! Kernels work on whole registers with fixed-size arrays and straight loops over the
//! 64 halfword lanes so that LLVM can vectorise them; nothing allocates.

use super::{LANES, VECTOR_BYTES};

/// A vector register as 64 big-endian halfwords.
#[inline(always)]
pub(crate) fn load_halves(r: &[u8; VECTOR_BYTES]) -> [u16; LANES] {
    let mut h = [0u16; LANES];
    for (x, c) in h.iter_mut().zip(r.chunks_exact(2)) {
        // A native load plus a swap is a plain vector load and shifts for LLVM.
        *x = u16::from_ne_bytes([c[0], c[1]]).to_be();
    }
    h
}

/// Writes 64 halfwords big-endian.
#[inline(always)]
pub(crate) fn store_halves(r: &mut [u8; VECTOR_BYTES], h: &[u16; LANES]) {
    for (c, x) in r.chunks_exact_mut(2).zip(h) {
        c.copy_from_slice(&x.to_be().to_ne_bytes());
    }
}

/// `new` where `mask` is set, `old` elsewhere.
#[inline(always)]
pub(crate) fn merge16(new: u16, old: u16, mask: u16) -> u16 {
    (new & mask) | (old & !mask)
}

#[inline(always)]
pub(crate) fn merge32(new: u32, old: u32, mask: u32) -> u32 {
    (new & mask) | (old & !mask)
}

/// The accumulator mask of a lane from its register mask: register nibble k
/// (k = 0 the most significant) enables accumulator byte k. The register mask has
/// every nibble 0 or 0xF. (Shifts and masks only, so that it vectorises.)
#[inline(always)]
pub(crate) fn acc_mask(m: u16) -> u32 {
    let x = u32::from(m);
    let x = ((x & 0xFF00) << 8) | (x & 0x00FF); // 0x00AB_00CD
    let x = ((x & 0x00F0_00F0) << 4) | (x & 0x000F_000F); // 0x0A0B_0C0D
    x | (x << 4)
}

/// The halfword value whose nibble k is 0xF iff bit (3 - k) of `flag4` is set, i.e.
/// the RTL's `logic[0:3]` flag read as a number, bit 3 = flag[0] = top nibble.
#[inline(always)]
pub(crate) fn nibbles_from_flag(flag4: u16) -> u16 {
    let f = flag4 & 0xF;
    (((f >> 3) & 1) * 0xF000)
        | (((f >> 2) & 1) * 0x0F00)
        | (((f >> 1) & 1) * 0x00F0)
        | ((f & 1) * 0x000F)
}

/// Inverse of [`nibbles_from_flag`]: a nibble counts as set if any of its bits is.
#[inline(always)]
pub(crate) fn flag_from_nibbles(m: u16) -> u16 {
    u16::from(m & 0xF000 != 0) << 3
        | u16::from(m & 0x0F00 != 0) << 2
        | u16::from(m & 0x00F0 != 0) << 1
        | u16::from(m & 0x000F != 0)
}

/// Q15 × Q15 → Q31: `2·a·b`, which overflows only for (−1)·(−1) and then saturates
/// to `i32::MAX`. (Written without 64-bit arithmetic so that it vectorises.)
#[inline(always)]
pub(crate) fn mulfs16(a: i16, b: i16) -> i32 {
    let p = i32::from(a) * i32::from(b);
    if p == 1 << 30 {
        i32::MAX
    } else {
        p << 1
    }
}

/// Q7 × Q7 → Q15, as [`mulfs16`].
#[inline(always)]
pub(crate) fn mulfs8(a: i8, b: i8) -> i16 {
    let p = i16::from(a) * i16::from(b);
    if p == 1 << 14 {
        i16::MAX
    } else {
        p << 1
    }
}

/// The 16-bit accumulator halves in byte-lane order: byte 2k uses the upper half of
/// ACC lane k, byte 2k+1 the lower.
#[inline(always)]
pub(crate) fn acc_halves(acc: &[u32; LANES]) -> [u16; VECTOR_BYTES] {
    let mut h = [0u16; VECTOR_BYTES];
    for (pair, &x) in h.chunks_exact_mut(2).zip(acc) {
        pair[0] = (x >> 16) as u16;
        pair[1] = x as u16;
    }
    h
}

/// Halfword lanes for a register: lane k of the result is `f(a[k], b[k], acc[k])`
/// where the lane mask is set, `old[k]` elsewhere. Returned rather than written in
/// place so that the destination may alias `a` or `b` without copying them.
#[inline(always)]
pub(crate) fn h_to_reg(
    old: &[u8; VECTOR_BYTES],
    a: &[u8; VECTOR_BYTES],
    b: &[u8; VECTOR_BYTES],
    acc: &[u32; LANES],
    m: &[u16; LANES],
    f: impl Fn(i16, i16, u32) -> u16,
) -> [u8; VECTOR_BYTES] {
    let a = load_halves(a);
    let b = load_halves(b);
    let old = load_halves(old);
    let mut out = [0u16; LANES];
    for k in 0..LANES {
        out[k] = merge16(f(a[k] as i16, b[k] as i16, acc[k]), old[k], m[k]);
    }
    let mut bytes = [0u8; VECTOR_BYTES];
    store_halves(&mut bytes, &out);
    bytes
}

/// Halfword lanes written to the accumulator, masked in 8-bit quarters.
#[inline(always)]
pub(crate) fn h_to_acc(
    acc: &mut [u32; LANES],
    a: &[u8; VECTOR_BYTES],
    b: &[u8; VECTOR_BYTES],
    m: &[u16; LANES],
    f: impl Fn(i16, i16, u32) -> u32,
) {
    let a = load_halves(a);
    let b = load_halves(b);
    for k in 0..LANES {
        acc[k] = merge32(f(a[k] as i16, b[k] as i16, acc[k]), acc[k], acc_mask(m[k]));
    }
}

/// Byte lanes for a register, each with its 16-bit ACC half (see [`acc_halves`]);
/// `mb` is the lane mask in register byte order (see [`h_to_reg`] for `old`).
#[inline(always)]
pub(crate) fn b_to_reg(
    old: &[u8; VECTOR_BYTES],
    a: &[u8; VECTOR_BYTES],
    b: &[u8; VECTOR_BYTES],
    acc: &[u32; LANES],
    mb: &[u8; VECTOR_BYTES],
    f: impl Fn(i8, i8, u16) -> u8,
) -> [u8; VECTOR_BYTES] {
    let acc = acc_halves(acc);
    let mut out = [0u8; VECTOR_BYTES];
    for i in 0..VECTOR_BYTES {
        let r = f(a[i] as i8, b[i] as i8, acc[i]);
        out[i] = (r & mb[i]) | (old[i] & !mb[i]);
    }
    out
}

/// Byte lanes written to the 16-bit accumulator halves.
#[inline(always)]
pub(crate) fn b_to_acc(
    acc: &mut [u32; LANES],
    a: &[u8; VECTOR_BYTES],
    b: &[u8; VECTOR_BYTES],
    m: &[u16; LANES],
    f: impl Fn(i8, i8, u16) -> u16,
) {
    let halves = acc_halves(acc);
    let mut res = [0u16; VECTOR_BYTES];
    for i in 0..VECTOR_BYTES {
        res[i] = f(a[i] as i8, b[i] as i8, halves[i]);
    }
    for k in 0..LANES {
        let new = (u32::from(res[2 * k]) << 16) | u32::from(res[2 * k + 1]);
        acc[k] = merge32(new, acc[k], acc_mask(m[k]));
    }
}
