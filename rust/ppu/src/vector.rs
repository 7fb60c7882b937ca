//! The FXV vector unit (ppu.md §2): 32 vector registers of 128 bytes, the per-lane
//! accumulator and the vector condition register, and the semantics of the 53 FXV
//! instructions.
//!
//! # State
//! - **VR0..VR31**, 128 bytes each; byte 0 is element 0 (lowest address). Halfword
//!   lane k (0..64) is bytes 2k (most significant) and 2k+1.
//! - **ACC**: one 32-bit accumulator per halfword lane. Byte instructions use its
//!   halves: byte 2k the upper 16 bits, byte 2k+1 the lower.
//! - **VCR**: per halfword lane three 4-bit flags EQ, GT, LT; flag bit j (j = 0 the
//!   first, RTL `logic[0:3]`) belongs to nibble j of the lane (j = 0 the most
//!   significant nibble). As a number ([`VectorUnit::vcr_lane`]) a lane reads
//!   `EQ[0:3] << 8 | GT[0:3] << 4 | LT[0:3]`, the RTL's packed `Vector::Compare`, so
//!   flag bit 0 is the most significant bit of each 4-bit group.
//!
//! # Semantics
//! Bit-exact with the nux verification model (`vector_predictor.sv`,
//! `arithmetic_pkg.sv`) and, where the two differ, the RTL; every choice is listed
//! here.
//! - **Conditional writes** (C = 1 GT, 2 LT, 3 EQ; C = 0 always): register nibble j of
//!   lane k is written iff flag bit j of lane k is set; accumulator byte j (j = 0 the
//!   most significant) iff flag bit j is set. This is the reference's
//!   `mask_conditional[_double]`; for byte lanes the 16-bit ACC halves are masked the
//!   same way (ACC byte 0, 1 belong to the upper half).
//! - **Fractional saturating**: `mulfs(a, b) = 2·a·b` in double width, saturated
//!   (only (−1)·(−1) overflows, giving `0x7FFF_FFFF` / `0x7FFF`). `…fs` register
//!   results take the upper half of the double-width value (truncation, no rounding):
//!   `fxvmulhfs` = upper(mulfs); `fxvmahfs` = upper(sat32(mulfs + ACC)), ACC unchanged;
//!   `fxvaddachfs` = upper(sat32((VRA << 16) + ACC)); `fxvaddhfs`/`fxvsubhfs` are
//!   plain signed saturating add/sub of the lanes; the byte forms are the same with
//!   8/16 bits.
//! - **Modulo**: `fxvmahm` = low16(VRA·VRB + ACC); `fxvaddachm` = low16(ACC + VRA);
//!   byte forms with 8/16 bits.
//! - **Accumulator**: `fxvmtach` sign-extends, `fxvmtachf` = VRA << 16 (byte forms
//!   into 16-bit halves, `<< 8`); `fxvmatach{m,fs}` = ACC + VRA·VRB (mod 2^32 / sat);
//!   `fxvmultach{m,fs}` = VRA·VRB; `fxvaddactachm` = ACC + sext(VRA) mod 2^32;
//!   `fxvaddactachf` = sat32(ACC + (VRA << 16)); `fxvaddtach` = sext(VRA) + sext(VRB).
//! - **Pack/unpack** work within each 16-byte slice (the RTL permute unit is one
//!   slice wide) and take C as the size parameter c, field width 8 − c; they are
//!   not conditional. `fxvpckbu`: slice byte i ← halfword i bits 15..8+c of VRA,
//!   byte 8+i ← the same of VRB. `fxvpckbl`: bits 7+c..2c instead. `fxvupckbl`:
//!   halfword i ← (low 8−c bits of VRA byte i) << (8+c) | (low 8−c bits of VRB byte
//!   i) << 2c; `fxvupckbr` the same from bytes 8+i.
//! - **Shifts** `fxvshh`/`fxvshb` use the signed 5-bit VRB field (−16..=15), logical,
//!   zero fill (a shift by ≥ the lane width gives 0); not conditional.
//! - **`fxvsel`** is byte-wise: VRB where selected, VRA elsewhere, C = 0 → VRB. Byte
//!   2k follows flag bit 0, byte 2k+1 flag bit 2 (RTL `Vector_permute::select`). The
//!   predictor masks by nibbles instead; both agree on every VCR the compares
//!   produce (equal bit pairs), they differ only after [`VectorUnit::set_vcr_lane`]
//!   with unequal pairs.
//! - **`fxvcmph`/`fxvcmpb`** overwrite all three flags of every lane (signed compare
//!   with 0); `fxvcmpb` sets bits 0,1 from byte 2k and bits 2,3 from byte 2k+1.
//! - **`fxvsplath`/`fxvsplatb`** replicate the low 16/8 bits of **RA|0** (the RTL
//!   reads RA only if RA ≠ 0, `predecode.sv`; the predictor always reads the GPR).
//! - **`fxvlax`/`fxvstax`**: EA = (RA|0) + RB (wrapping), passed to
//!   [`Memory::load_vector`]/[`Memory::store_vector`]. **Alignment rule: EA must be a
//!   multiple of 4** (the RTL moves 32 consecutive words from word address EA >> 2
//!   over its 32-bit bus and ignores EA[1:0]); any other EA is
//!   [`VectorTrap::Alignment`], like the scalar core's strict alignment, instead of
//!   silently truncating. 16- or 128-byte alignment is not required.
//! - **`fxvinx`/`fxvoutx`**: EA = (RA|0) + RB passed unchanged to
//!   [`Memory::vector_in`]/[`Memory::vector_out`]. Byte enable (C > 0): byte 2k iff
//!   flag bit 0 or 1, byte 2k+1 iff bit 2 or 3 (RTL `Vector_pls`); C = 0 all bytes.
//!   `fxvoutx` passes it to the memory; `fxvinx` writes all of VRT with disabled bytes
//!   **zero** (the reference's I/O memory model; the RTL forwards the enable to the
//!   bus and writes the whole response).
//! - **Errors**: an `Err` from [`VectorUnit::execute`] leaves registers, ACC and VCR
//!   unchanged; loads go through a scratch buffer, and a failing store/output is the
//!   [`Memory`]'s to keep atomic (the default `store_vector` checks first).
//! - Register numbers above 31 (only from hand-built [`Fxv`] values) are taken
//!   modulo 32.
//!
//! # Cycles
//! [`VectorUnit::execute`] returns the cycles the instruction occupies the vector
//! unit: for `fxvlax`/`fxvstax`/`fxvinx`/`fxvoutx` what the [`Memory`] reported, for
//! the others [`occupancy`]: MADD class 5 (the RTL's 4-stage multiplier,
//! `OPT_VECTOR_MULT_DELAY` = 4, plus one adder stage; every MADD op takes the same
//! pipe), CMP 1, PERMUTE 2 (control register + result register). These are a
//! modelling choice (latency through one unit, no overlap), not measured numbers.

mod arith;
pub(crate) mod lanes;
#[cfg(test)]
mod mask_tests;
mod permute;

use thiserror::Error;

use crate::cpu::{Fault, Memory};
use crate::insn::{Fxv, FxvOp};

/// Bytes per vector register.
pub const VECTOR_BYTES: usize = 128;
/// Halfword lanes per vector register (and accumulators, VCR entries).
pub const LANES: usize = 64;
/// Bytes per slice; pack/unpack work within a slice.
pub const SLICE_BYTES: usize = 16;

/// Index of the lane-mask table per C value.
const MASK_GT: usize = 1;
const MASK_LT: usize = 2;
const MASK_EQ: usize = 3;

/// Why a vector instruction did not execute. Nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum VectorTrap {
    #[error("misaligned vector access at {addr:#010x}")]
    Alignment { addr: u32 },
    #[error("{0}")]
    Memory(Fault),
}

/// The functional unit of the vector core an instruction issues to (RTL
/// `vector_ctrl.sv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FxvUnit {
    /// Multiply/add: every arithmetic and accumulator instruction.
    Madd,
    /// `fxvcmph`, `fxvcmpb`.
    Cmp,
    /// Pack, unpack, shift, select, splat.
    Permute,
    /// `fxvlax`, `fxvstax` (serial over the 32-bit bus).
    LoadStore,
    /// `fxvinx`, `fxvoutx` (parallel over the 1024-bit bus).
    ParallelIo,
}

/// The unit `op` issues to.
pub fn unit(op: FxvOp) -> FxvUnit {
    use FxvOp::*;
    match op {
        Fxvcmph | Fxvcmpb => FxvUnit::Cmp,
        Fxvpckbu | Fxvpckbl | Fxvupckbr | Fxvupckbl | Fxvshh | Fxvshb | Fxvsel | Fxvsplath
        | Fxvsplatb => FxvUnit::Permute,
        Fxvlax | Fxvstax => FxvUnit::LoadStore,
        Fxvinx | Fxvoutx => FxvUnit::ParallelIo,
        _ => FxvUnit::Madd,
    }
}

/// Cycles MADD-class instructions occupy the vector unit (4 multiplier stages + adder).
pub const MADD_CYCLES: u64 = 5;
/// Cycles of `fxvcmph`/`fxvcmpb`.
pub const CMP_CYCLES: u64 = 1;
/// Cycles of the permute-class instructions.
pub const PERMUTE_CYCLES: u64 = 2;

/// Fixed vector-unit occupancy of `op`; 0 for the memory and I/O forms, whose cycles
/// come from the [`Memory`] (see the module docs).
pub fn occupancy(op: FxvOp) -> u64 {
    match unit(op) {
        FxvUnit::Madd => MADD_CYCLES,
        FxvUnit::Cmp => CMP_CYCLES,
        FxvUnit::Permute => PERMUTE_CYCLES,
        FxvUnit::LoadStore | FxvUnit::ParallelIo => 0,
    }
}

/// Architected state of the vector unit.
#[derive(Clone, PartialEq, Eq)]
pub struct VectorUnit {
    /// VR0..VR31, byte 0 = element 0 (lowest address).
    pub vr: [[u8; VECTOR_BYTES]; 32],
    /// The accumulator of each halfword lane.
    pub acc: [u32; LANES],
    /// Lane masks per C value: `[0]` all ones (always), `[1]` GT, `[2]` LT, `[3]` EQ,
    /// each lane a halfword whose nibble j is 0xF iff flag bit j is set (so every
    /// nibble is 0 or 0xF).
    masks: [[u16; LANES]; 4],
    /// `masks` in register byte order (byte 2k the high byte of lane k), kept in step
    /// with it, for the byte-lane kernels, `fxvsel` and the byte enable.
    byte_masks: [[u8; VECTOR_BYTES]; 4],
}

impl Default for VectorUnit {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for VectorUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorUnit").finish_non_exhaustive()
    }
}

#[inline(always)]
fn reg(r: u8) -> usize {
    usize::from(r & 31)
}

impl VectorUnit {
    /// All registers, accumulators and flags zero.
    pub fn new() -> Self {
        let mut masks = [[0u16; LANES]; 4];
        masks[0] = [0xFFFF; LANES];
        let mut byte_masks = [[0u8; VECTOR_BYTES]; 4];
        byte_masks[0] = [0xFF; VECTOR_BYTES];
        Self {
            vr: [[0; VECTOR_BYTES]; 32],
            acc: [0; LANES],
            masks,
            byte_masks,
        }
    }

    /// Back to the state of [`VectorUnit::new`].
    pub fn reset(&mut self) {
        *self = Self::new();
    }

    /// Register `r` (mod 32) as bytes.
    pub fn reg_bytes(&self, r: u8) -> &[u8; VECTOR_BYTES] {
        &self.vr[reg(r)]
    }

    /// Sets register `r` (mod 32) from bytes.
    pub fn set_reg_bytes(&mut self, r: u8, bytes: &[u8; VECTOR_BYTES]) {
        self.vr[reg(r)] = *bytes;
    }

    /// Register `r` (mod 32) as 64 signed big-endian halfwords.
    pub fn reg_halfwords(&self, r: u8) -> [i16; LANES] {
        lanes::load_halves(&self.vr[reg(r)]).map(|x| x as i16)
    }

    /// Sets register `r` (mod 32) from 64 halfwords.
    pub fn set_reg_halfwords(&mut self, r: u8, h: &[i16; LANES]) {
        lanes::store_halves(&mut self.vr[reg(r)], &h.map(|x| x as u16));
    }

    /// The accumulators.
    pub fn acc(&self) -> &[u32; LANES] {
        &self.acc
    }

    /// Sets the accumulators.
    pub fn set_acc(&mut self, acc: &[u32; LANES]) {
        self.acc = *acc;
    }

    /// The VCR entry of `lane` (mod 64) as `EQ << 8 | GT << 4 | LT`, each flag 4 bits
    /// with flag bit 0 (the top nibble's) as its most significant bit.
    pub fn vcr_lane(&self, lane: usize) -> u16 {
        let k = lane % LANES;
        lanes::flag_from_nibbles(self.masks[MASK_EQ][k]) << 8
            | lanes::flag_from_nibbles(self.masks[MASK_GT][k]) << 4
            | lanes::flag_from_nibbles(self.masks[MASK_LT][k])
    }

    /// Sets the VCR entry of `lane` (mod 64) in the format of
    /// [`VectorUnit::vcr_lane`]; bits above 11 are ignored.
    pub fn set_vcr_lane(&mut self, lane: usize, value: u16) {
        let k = lane % LANES;
        self.masks[MASK_EQ][k] = lanes::nibbles_from_flag(value >> 8);
        self.masks[MASK_GT][k] = lanes::nibbles_from_flag(value >> 4);
        self.masks[MASK_LT][k] = lanes::nibbles_from_flag(value);
        for c in [MASK_EQ, MASK_GT, MASK_LT] {
            let [hi, lo] = self.masks[c][k].to_be_bytes();
            self.byte_masks[c][2 * k] = hi;
            self.byte_masks[c][2 * k + 1] = lo;
        }
    }

    /// The whole VCR, one entry per lane (see [`VectorUnit::vcr_lane`]).
    pub fn vcr(&self) -> [u16; LANES] {
        std::array::from_fn(|k| self.vcr_lane(k))
    }

    /// Sets the whole VCR.
    pub fn set_vcr(&mut self, vcr: &[u16; LANES]) {
        for (k, &v) in vcr.iter().enumerate() {
            self.set_vcr_lane(k, v);
        }
    }

    /// The write mask condition `c` (0..=3; higher bits ignored) selects, per lane:
    /// nibble j is 0xF iff the lane's flag bit j is set; all ones for `c` = 0.
    pub fn cond_mask(&self, c: u8) -> &[u16; LANES] {
        &self.masks[usize::from(c & 3)]
    }

    /// The byte enable of `fxvinx`/`fxvoutx` for condition `c`: bit i = byte i.
    pub fn byte_enable(&self, c: u8) -> u128 {
        if c & 3 == 0 {
            return u128::MAX;
        }
        let mb = &self.byte_masks[usize::from(c & 3)];
        let mut en = 0u128;
        for (i, &x) in mb.iter().enumerate() {
            en |= u128::from(x != 0) << i;
        }
        en
    }

    /// Executes one FXV instruction; `gpr` supplies RA/RB of the memory and splat
    /// forms. Returns the cycles the instruction occupies the vector unit (see the
    /// module docs). On `Err` nothing changed.
    pub fn execute(
        &mut self,
        insn: &Fxv,
        gpr: &[u32; 32],
        mem: &mut impl Memory,
    ) -> Result<u64, VectorTrap> {
        let op = insn.op;
        let (rt, ra, rb) = (reg(insn.vrt), reg(insn.vra), reg(insn.vrb));
        // RA|0 + RB for the GPR forms.
        let ra0 = if ra == 0 { 0 } else { gpr[ra] };
        // Each arm returns its class's `occupancy` directly (one dispatch on `op`).
        match unit(op) {
            FxvUnit::Madd => {
                self.exec_madd(op, rt, ra, rb, usize::from(insn.c & 3));
                Ok(MADD_CYCLES)
            }
            FxvUnit::Cmp => {
                self.exec_compare(op, ra);
                Ok(CMP_CYCLES)
            }
            FxvUnit::Permute => {
                self.exec_permute(op, (rt, ra, rb), insn.c, insn.shift(), ra0);
                Ok(PERMUTE_CYCLES)
            }
            FxvUnit::LoadStore | FxvUnit::ParallelIo => {
                let ea = ra0.wrapping_add(gpr[rb]);
                self.exec_memory(op, rt, insn.c, ea, mem)
            }
        }
    }

    fn exec_memory(
        &mut self,
        op: FxvOp,
        rt: usize,
        c: u8,
        ea: u32,
        mem: &mut impl Memory,
    ) -> Result<u64, VectorTrap> {
        let aligned = || {
            if ea % 4 == 0 {
                Ok(())
            } else {
                Err(VectorTrap::Alignment { addr: ea })
            }
        };
        match op {
            FxvOp::Fxvlax => {
                aligned()?;
                let mut buf = [0u8; VECTOR_BYTES];
                let cycles = mem.load_vector(ea, &mut buf).map_err(VectorTrap::Memory)?;
                self.vr[rt] = buf;
                Ok(cycles)
            }
            FxvOp::Fxvstax => {
                aligned()?;
                mem.store_vector(ea, &self.vr[rt])
                    .map_err(VectorTrap::Memory)
            }
            FxvOp::Fxvinx => {
                let mut buf = [0u8; VECTOR_BYTES];
                let cycles = mem.vector_in(ea, &mut buf).map_err(VectorTrap::Memory)?;
                if c & 3 != 0 {
                    let en = self.byte_enable(c);
                    for (i, x) in buf.iter_mut().enumerate() {
                        if (en >> i) & 1 == 0 {
                            *x = 0;
                        }
                    }
                }
                self.vr[rt] = buf;
                Ok(cycles)
            }
            // fxvoutx; `unit` sends nothing else here.
            _ => {
                let en = self.byte_enable(c);
                mem.vector_out(ea, &self.vr[rt], en)
                    .map_err(VectorTrap::Memory)
            }
        }
    }
}
