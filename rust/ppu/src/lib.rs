//! The PPU ("Nux") processor: Power ISA 2.06 embedded, 32-bit, big-endian.
//!
//! This crate knows nothing of the chip. So far it holds the scalar instruction set as
//! data: [`Insn`], [`decode`], [`encode`] and [`disassemble`], and the scalar
//! interpreter [`Cpu`] ([`cpu`]).

#![forbid(unsafe_code)]

pub mod cpu;
pub mod disasm;
pub mod insn;
pub mod vector;

pub use cpu::{Cpu, Fault, Memory, RunOutcome, Sram, StepOutcome, Trap};
pub use disasm::disassemble;
pub use insn::{decode, encode, DecodeError, EncodeError, Insn};

#[cfg(test)]
mod cpu_tests;
#[cfg(test)]
mod tests;
