//! The PPU ("Nux") processor: Power ISA 2.06 embedded, 32-bit, big-endian.
//!
//! This crate knows nothing of the chip. So far it holds the scalar instruction set as
//! data: [`Insn`], [`decode`], [`encode`] and [`disassemble`].

#![forbid(unsafe_code)]

pub mod disasm;
pub mod insn;

pub use disasm::disassemble;
pub use insn::{decode, encode, DecodeError, EncodeError, Insn};

#[cfg(test)]
mod tests;
