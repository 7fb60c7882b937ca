//! The PERMUTE-unit instructions (pack, unpack, shift, select, splat) and the CMP
//! unit (compare into the VCR).

use super::lanes::{load_halves, store_halves};
use super::{VectorUnit, LANES, SLICE_BYTES, VECTOR_BYTES};
use crate::insn::FxvOp;

/// Halfword lanes per 16-byte slice.
const SLICE_LANES: usize = SLICE_BYTES / 2;

/// Packs per slice: slice byte i ← `field(halfword i of VRA)`, byte 8 + i ← the same
/// of VRB.
#[inline(always)]
fn pack(
    a: &[u8; VECTOR_BYTES],
    b: &[u8; VECTOR_BYTES],
    field: impl Fn(u16) -> u8,
) -> [u8; VECTOR_BYTES] {
    let (ha, hb) = (load_halves(a), load_halves(b));
    let mut out = [0u8; VECTOR_BYTES];
    for ((o, x), y) in out
        .chunks_exact_mut(SLICE_BYTES)
        .zip(ha.chunks_exact(SLICE_LANES))
        .zip(hb.chunks_exact(SLICE_LANES))
    {
        for i in 0..SLICE_LANES {
            o[i] = field(x[i]);
            o[SLICE_LANES + i] = field(y[i]);
        }
    }
    out
}

/// `fxvpckbu`: the top `8 − c` bits of each halfword (bits 15 ..= 8 + c, LSB-0),
/// right-aligned.
fn pack_upper(a: &[u8; VECTOR_BYTES], b: &[u8; VECTOR_BYTES], c: u32) -> [u8; VECTOR_BYTES] {
    pack(a, b, |h| (h >> (8 + c)) as u8)
}

/// `fxvpckbl`: the next `8 − c` bits below those, bits `7 + c ..= 2c`.
fn pack_lower(a: &[u8; VECTOR_BYTES], b: &[u8; VECTOR_BYTES], c: u32) -> [u8; VECTOR_BYTES] {
    let keep = 0xFFu16 >> c;
    pack(a, b, |h| ((h >> (2 * c)) & keep) as u8)
}

/// `fxvupckbl` (`half` = 0) and `fxvupckbr` (`half` = 8): within each slice,
/// halfword i ← the low `8 − c` bits of VRA byte `half + i` at bits `15 ..= 8 + c`,
/// then those of VRB byte `half + i` at bits `7 + c ..= 2c`, zeros below.
fn unpack(
    a: &[u8; VECTOR_BYTES],
    b: &[u8; VECTOR_BYTES],
    c: u32,
    half: usize,
) -> [u8; VECTOR_BYTES] {
    let low = 0xFFu16 >> c;
    let mut h = [0u16; LANES];
    for ((o, x), y) in h
        .chunks_exact_mut(SLICE_LANES)
        .zip(a.chunks_exact(SLICE_BYTES))
        .zip(b.chunks_exact(SLICE_BYTES))
    {
        for i in 0..SLICE_LANES {
            o[i] = ((u16::from(x[half + i]) & low) << (8 + c))
                | ((u16::from(y[half + i]) & low) << (2 * c));
        }
    }
    let mut out = [0u8; VECTOR_BYTES];
    store_halves(&mut out, &h);
    out
}

/// Logical shift of each halfword by `sh` ∈ −16..=15 (+ left, − right, zero fill).
fn shift_halves(a: &[u8; VECTOR_BYTES], sh: i8) -> [u8; VECTOR_BYTES] {
    let n = u32::from(sh.unsigned_abs());
    if n >= 16 {
        return [0; VECTOR_BYTES];
    }
    // n < 16 from here: a uniform shift in the lane width, which SSE2 has.
    let mut h = load_halves(a);
    if sh >= 0 {
        h.iter_mut().for_each(|x| *x <<= n);
    } else {
        h.iter_mut().for_each(|x| *x >>= n);
    }
    let mut out = [0u8; VECTOR_BYTES];
    store_halves(&mut out, &h);
    out
}

/// Logical shift of each byte by `sh` ∈ −16..=15.
fn shift_bytes(a: &[u8; VECTOR_BYTES], sh: i8) -> [u8; VECTOR_BYTES] {
    let n = u32::from(sh.unsigned_abs());
    if n >= 8 {
        return [0; VECTOR_BYTES];
    }
    // n < 8: a shift in the lane width (LLVM uses 16-bit shifts and a mask).
    let mut out = *a;
    if sh >= 0 {
        out.iter_mut().for_each(|x| *x <<= n);
    } else {
        out.iter_mut().for_each(|x| *x >>= n);
    }
    out
}

/// `fxvsel`: byte-wise VRB where selected, VRA elsewhere. Byte 2k of lane k follows
/// the lane's flag bit 0 (top nibble), byte 2k+1 flag bit 2 (third nibble), as the
/// RTL's `Vector_permute::select` does. `m` is the nibble mask of the condition
/// (all ones for C = 0) in register byte order.
fn select(
    a: &[u8; VECTOR_BYTES],
    b: &[u8; VECTOR_BYTES],
    mb: &[u8; VECTOR_BYTES],
) -> [u8; VECTOR_BYTES] {
    // In register byte order, the flag bit a byte follows is the top bit of its mask
    // byte (nibbles are all-ones or zero).
    let mut out = [0u8; VECTOR_BYTES];
    for i in 0..VECTOR_BYTES {
        let sel = ((mb[i] as i8) >> 7) as u8;
        out[i] = (b[i] & sel) | (a[i] & !sel);
    }
    out
}

/// All ones where `p` holds.
#[inline(always)]
fn ones16(p: bool) -> u16 {
    u16::from(p).wrapping_neg()
}

#[inline(always)]
fn ones8(p: bool) -> u8 {
    u8::from(p).wrapping_neg()
}

impl VectorUnit {
    /// Executes a PERMUTE-class `op`; `g` is the value of RA|0 for the splats.
    /// Returns `false` if `op` is not of that class.
    pub(super) fn exec_permute(
        &mut self,
        op: FxvOp,
        (rt, ra, rb): (usize, usize, usize),
        c: u8,
        shift: i8,
        g: u32,
    ) -> bool {
        use FxvOp::*;
        let a = &self.vr[ra];
        let b = &self.vr[rb];
        let c32 = u32::from(c & 3);
        let out = match op {
            Fxvpckbu => pack_upper(a, b, c32),
            Fxvpckbl => pack_lower(a, b, c32),
            Fxvupckbl => unpack(a, b, c32, 0),
            Fxvupckbr => unpack(a, b, c32, SLICE_LANES),
            Fxvshh => shift_halves(a, shift),
            Fxvshb => shift_bytes(a, shift),
            Fxvsel => select(a, b, &self.byte_masks[usize::from(c & 3)]),
            Fxvsplath => {
                let mut out = [0u8; VECTOR_BYTES];
                store_halves(&mut out, &[g as u16; LANES]);
                out
            }
            Fxvsplatb => [g as u8; VECTOR_BYTES],
            _ => return false,
        };
        self.vr[rt] = out;
        true
    }

    /// `fxvcmph` / `fxvcmpb`: sets EQ, GT and LT of every lane from VRA (signed).
    /// Returns `false` for any other `op`.
    pub(super) fn exec_compare(&mut self, op: FxvOp, ra: usize) -> bool {
        let [_, gt, lt, eq] = &mut self.masks;
        let [_, gt_bytes, lt_bytes, eq_bytes] = &mut self.byte_masks;
        match op {
            FxvOp::Fxvcmph => {
                let h = load_halves(&self.vr[ra]);
                for k in 0..LANES {
                    let v = h[k] as i16;
                    eq[k] = ones16(v == 0);
                    gt[k] = ones16(v > 0);
                    lt[k] = ones16(v < 0);
                }
                store_halves(eq_bytes, eq);
                store_halves(gt_bytes, gt);
                store_halves(lt_bytes, lt);
            }
            FxvOp::Fxvcmpb => {
                // Byte 2k sets flag bits 0,1 (mask byte 2k), byte 2k+1 bits 2,3.
                let a = &self.vr[ra];
                for i in 0..VECTOR_BYTES {
                    let v = a[i] as i8;
                    eq_bytes[i] = ones8(v == 0);
                    gt_bytes[i] = ones8(v > 0);
                    lt_bytes[i] = ones8(v < 0);
                }
                *eq = load_halves(eq_bytes);
                *gt = load_halves(gt_bytes);
                *lt = load_halves(lt_bytes);
            }
            _ => return false,
        }
        true
    }
}
