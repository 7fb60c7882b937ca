//! The PPU ("Nux") processor: Power ISA 2.06 embedded, 32-bit, big-endian.
//!
//! This crate knows nothing of the chip (`chip::ppus` puts two cores into the chip model,
//! behind the [`Memory`] trait). It holds:
//! - the instruction set as data: 112 scalar instructions and the 53 FXV vector
//!   instructions as [`Insn`], with [`decode`], [`encode`] and [`disassemble`];
//! - the interpreter [`Cpu`] ([`cpu`]): scalar core, interrupts, decrementer and FIT,
//!   sleep, the vector queue and cycle accounting, statistics and traces, with the
//!   vector unit in [`vector`];
//! - the assembler ([`asm`], GNU-as syntax), the ELF writer and loader ([`elf`]) and a
//!   whole-image disassembler ([`disasm_image`]).
//!
//! See `docs/ppu.md`.

#![forbid(unsafe_code)]

pub mod asm;
pub mod cpu;
pub mod disasm;
pub mod disasm_image;
pub mod elf;
pub mod insn;
pub mod snippet;
pub mod vector;

pub use asm::{assemble, assemble_insn};
pub use cpu::{Cpu, Fault, Memory, RunOutcome, Sram, StepOutcome, Trap};
pub use disasm::disassemble;
pub use disasm_image::disassemble_image;
pub use elf::{read_elf, write_elf};
pub use insn::{decode, encode, DecodeError, EncodeError, Insn};

#[cfg(test)]
mod cpu_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vector_tests;
