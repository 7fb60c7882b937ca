//! The PPU ("Nux") processor: Power ISA 2.06 embedded, 32-bit, big-endian.
//!
//! This crate knows nothing of the chip. So far it holds the scalar instruction set as
//! data: [`Insn`], [`decode`], [`encode`] and [`disassemble`], and the scalar
//! interpreter [`Cpu`] ([`cpu`]).

#![forbid(unsafe_code)]

pub mod asm;
pub mod cpu;
pub mod disasm;
pub mod disasm_image;
pub mod elf;
pub mod insn;
pub mod vector;

pub use cpu::{Cpu, Fault, Memory, RunOutcome, Sram, StepOutcome, Trap};
pub use asm::{assemble, assemble_insn};
pub use disasm::disassemble;
pub use disasm_image::disassemble_image;
pub use elf::{read_elf, write_elf};
pub use insn::{decode, encode, DecodeError, EncodeError, Insn};

#[cfg(test)]
mod cpu_tests;
#[cfg(test)]
mod tests;
#[cfg(test)] mod vector_tests;
