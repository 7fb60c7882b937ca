//! Disassembly of whole memory images in an objdump-like layout.

use std::collections::BTreeMap;

use crate::elf::Symbol;
use crate::insn::{decode, Insn};

/// Disassembles big-endian `bytes` located at `base`: one line `addr:  word  text`
/// per word, a `<name>:` line before each address that a symbol names, and
/// ` <name>` after branch targets that a symbol names. Words that are no instruction
/// print as `.long 0x...`; a trailing partial word is zero-padded.
pub fn disassemble_image(bytes: &[u8], base: u32, symbols: &BTreeMap<String, Symbol>) -> String {
    let mut names: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for (n, s) in symbols {
        names.entry(s.value).or_default().push(n);
    }
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let mut w = [0u8; 4];
        w[..chunk.len()].copy_from_slice(chunk);
        let word = u32::from_be_bytes(w);
        let addr = base.wrapping_add((i * 4) as u32);
        if let Some(ns) = names.get(&addr) {
            for n in ns {
                out.push_str(&format!("\n{addr:08x} <{n}>:\n"));
            }
        }
        let text = match decode(word) {
            Ok(insn) => {
                let mut t = crate::disassemble(&insn, addr);
                let target = match insn {
                    Insn::B(b) => Some(if b.aa {
                        b.li as u32
                    } else {
                        addr.wrapping_add(b.li as u32)
                    }),
                    Insn::Bc(b) => Some(if b.aa {
                        b.bd as u32
                    } else {
                        addr.wrapping_add(b.bd as u32)
                    }),
                    _ => None,
                };
                if let Some(n) = target.and_then(|t| names.get(&t)).and_then(|v| v.first()) {
                    t.push_str(&format!(" <{n}>"));
                }
                t
            }
            Err(_) => format!(".long {word:#x}"),
        };
        out.push_str(&format!("{addr:8x}:  {word:08x}  {text}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_labels_and_targets() {
        let obj = crate::asm::assemble("start: nop\nloop: b loop\n.long 0", "d.s").unwrap();
        let img = crate::elf::image_of(&obj).unwrap();
        let mut syms = img.symbols.clone();
        syms.retain(|n, _| n == "start" || n == "loop");
        let text = disassemble_image(&img.internal, 0, &syms);
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            vec![
                "00000000 <start>:",
                "       0:  60000000  nop",
                "00000004 <loop>:",
                "       4:  48000000  b 0x4 <loop>",
                "       8:  00000000  .long 0x0",
            ]
        );
    }
}
