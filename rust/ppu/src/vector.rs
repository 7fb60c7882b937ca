//! The FXV vector unit (ppu.md §2): 32 vector registers of 128 bytes, the per-lane
//! accumulator and the vector condition register, and the semantics of the 53 FXV
//! instructions.

use thiserror::Error;

use crate::cpu::{Fault, Memory};
use crate::insn::Fxv;

/// Bytes per vector register.
pub const VECTOR_BYTES: usize = 128;

/// Why a vector instruction did not execute. Nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum VectorTrap {
    #[error("misaligned vector access at {addr:#010x}")]
    Alignment { addr: u32 },
    #[error("{0}")]
    Memory(Fault),
}

/// Architected state of the vector unit.
#[derive(Clone, PartialEq, Eq)]
pub struct VectorUnit {
    /// VR0..VR31, byte 0 = element 0 (lowest address).
    pub vr: [[u8; VECTOR_BYTES]; 32],
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

impl VectorUnit {
    pub fn new() -> Self {
        Self {
            vr: [[0; VECTOR_BYTES]; 32],
        }
    }

    /// Executes one FXV instruction; `gpr` supplies RA/RB of the memory and splat
    /// forms. Returns the cycles the instruction occupies the vector unit.
    pub fn execute(
        &mut self,
        insn: &Fxv,
        gpr: &[u32; 32],
        mem: &mut impl Memory,
    ) -> Result<u64, VectorTrap> {
        let _ = (insn, gpr, mem);
        todo!("FXV semantics")
    }
}
