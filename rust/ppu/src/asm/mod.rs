//! A GNU-as compatible assembler for the PPU (Nux scalar + FXV vector instructions).
//!
//! [`assemble`] turns source text into a laid-out [`Object`]: sections already sit at
//! their final addresses (the layout of libnux's `elf32nux.x`, see [`layout`]), so no
//! relocations exist and branch targets, `@ha/@l` and `.` are plain numbers.
//! [`crate::elf::write_elf`] turns the object into an ELF executable.
//!
//! Syntax: GNU as for PowerPC. Registers as `3`, `r3` or `%r3` (vector registers also
//! `v3`/`kv3`), CR fields `cr0..cr7` and bits `4*cr7+eq`; comments `#` and `/* */`;
//! `;` separates statements; C preprocessor line markers set the reported file/line.
//! Register names (`r3`, `cr1`, `eq`, ...) take precedence over symbols of that name.
//! `.word` is 2 bytes, as in GNU as for PowerPC; `.long` is 4. Branch hints `+`/`-`
//! set the "y" bit as GNU as does by default.

mod assembler;
mod branches;
mod directives;
pub mod error;
mod expr;
mod layout;
mod lexer;
mod mnemonics;
mod mnemonics_x;
mod operands;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_roundtrip;

pub use error::{AsmError, AsmErrorKind, AsmErrors};
pub use layout::*;

pub use crate::elf::SymbolKind;

use std::collections::BTreeMap;

/// Allocation flags of a section (ELF `SHF_ALLOC`, `SHF_WRITE`, `SHF_EXECINSTR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SectionFlags {
    pub alloc: bool,
    pub write: bool,
    pub exec: bool,
}

/// One section at its final address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub addr: u32,
    /// Size in bytes (for `nobits` sections the data is empty but `size` counts).
    pub size: u32,
    pub data: Vec<u8>,
    /// Alignment in bytes (a power of two).
    pub align: u32,
    pub flags: SectionFlags,
    /// `@nobits` (`.bss`): occupies memory, holds no file data (loaded as zeros).
    pub nobits: bool,
}

/// A symbol with its final value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub value: u32,
    pub size: u32,
    pub kind: SymbolKind,
    pub global: bool,
    /// Index into [`Object::sections`]; `None` for absolute symbols (`.set`, defaults).
    pub section: Option<usize>,
}

/// The result of assembling: laid-out sections and symbols (numeric and `.L` local
/// labels are not included).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Object {
    pub sections: Vec<Section>,
    pub symbols: BTreeMap<String, Symbol>,
}

impl Object {
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.get(name)
    }
}

/// Assembles GNU-as source. `file_name` is used in error messages until a C
/// preprocessor line marker names another file.
pub fn assemble(source: &str, file_name: &str) -> Result<Object, AsmErrors> {
    assembler::run(source, file_name, None)
}

/// Assembles one instruction (or extended mnemonic) as if it were located at
/// `address` (which matters for relative branch targets) and returns its word.
pub fn assemble_insn(text: &str, address: u32) -> Result<u32, AsmErrors> {
    let obj = assembler::run(text, "<insn>", Some(address))?;
    let data = obj
        .sections
        .first()
        .map(|s| s.data.as_slice())
        .unwrap_or(&[]);
    match data {
        [a, b, c, d] => Ok(u32::from_be_bytes([*a, *b, *c, *d])),
        _ => Err(AsmErrors(vec![AsmError {
            file: "<insn>".into(),
            line: 1,
            column: 1,
            kind: AsmErrorKind::Other(format!(
                "expected exactly one instruction, got {} bytes",
                data.len()
            )),
        }])),
    }
}
