//! The ELF writer: ELF32, big-endian, `EM_PPC`, `ET_EXEC`, one `PT_LOAD` per allocated
//! non-empty section, `.symtab`/`.strtab`/`.shstrtab`, `e_entry` = 0.

use super::ElfError;
use crate::asm::{region_by_address, Object, Region, MAILBOX_BASE};

const EHDR: usize = 52;
const PHDR: usize = 32;
const SHDR: usize = 40;
const SHN_ABS: u16 = 0xFFF1;

fn align(v: usize, a: usize) -> usize {
    v.div_ceil(a.max(1)) * a.max(1)
}

#[derive(Default)]
struct Strtab(Vec<u8>);

impl Strtab {
    fn add(&mut self, s: &str) -> u32 {
        if self.0.is_empty() {
            self.0.push(0);
        }
        let at = self.0.len() as u32;
        self.0.extend_from_slice(s.as_bytes());
        self.0.push(0);
        at
    }
}

fn put16(b: &mut Vec<u8>, v: u16) {
    b.extend_from_slice(&v.to_be_bytes());
}
fn put32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_be_bytes());
}

/// Writes an assembled object as an executable. Fails if the internal image would
/// reach into the mailbox (at `mailbox_base`, default 0x3000) or a section's data
/// does not match its size.
pub fn write_elf(obj: &Object) -> Result<Vec<u8>, ElfError> {
    // Validate the layout first (the same rules the loader applies).
    super::image_of(obj)?;
    let limit = obj.symbol("mailbox_base").map_or(MAILBOX_BASE, |s| s.value);
    let end = obj
        .sections
        .iter()
        .filter(|s| s.flags.alloc && s.size > 0)
        .filter(|s| matches!(region_by_address(s.addr), Some((Region::Internal, _))))
        .filter(|s| {
            matches!(
                crate::asm::region_by_name(&s.name),
                None | Some(Region::Internal)
            )
        })
        .map(|s| s.addr.saturating_add(s.size))
        .max()
        .unwrap_or(0);
    if end > limit {
        return Err(ElfError::ImageOverflow { end, limit });
    }
    let n_sec = obj.sections.len();
    if n_sec + 4 > 0xFF00 {
        return Err(ElfError::Unsupported(format!(
            "{n_sec} sections are too many"
        )));
    }
    let loads: Vec<usize> = (0..n_sec)
        .filter(|&i| obj.sections[i].flags.alloc && obj.sections[i].size > 0)
        .collect();

    let mut shstr = Strtab::default();
    let mut file = vec![0u8; EHDR + PHDR * loads.len()];
    let mut offsets = Vec::with_capacity(n_sec);
    for s in &obj.sections {
        let a = (s.align as usize).clamp(4, 4096);
        let off = align(file.len(), a);
        file.resize(off, 0);
        if !s.nobits {
            file.extend_from_slice(&s.data);
        }
        offsets.push(off);
    }

    // Symbols: locals first (ELF requires it), then globals.
    let mut strtab = Strtab::default();
    strtab.add("");
    let mut syms: Vec<u8> = vec![0; 16];
    let mut ordered: Vec<(&String, &crate::asm::Symbol)> = obj.symbols.iter().collect();
    ordered.sort_by_key(|(_, s)| s.global);
    let first_global = 1 + ordered.iter().filter(|(_, s)| !s.global).count();
    for (name, s) in &ordered {
        put32(&mut syms, strtab.add(name));
        put32(&mut syms, s.value);
        put32(&mut syms, s.size);
        syms.push((u8::from(s.global) << 4) | (s.kind.stt() & 0xF));
        syms.push(0);
        put16(
            &mut syms,
            s.section
                .filter(|&i| i < n_sec)
                .map_or(SHN_ABS, |i| (i + 1) as u16),
        );
    }
    let symtab_off = align(file.len(), 4);
    file.resize(symtab_off, 0);
    file.extend_from_slice(&syms);
    let strtab_off = file.len();
    file.extend_from_slice(&strtab.0);
    let names: Vec<u32> = obj.sections.iter().map(|s| shstr.add(&s.name)).collect();
    let symtab_name = shstr.add(".symtab");
    let strtab_name = shstr.add(".strtab");
    let shstrtab_name = shstr.add(".shstrtab");
    let shstr_off = file.len();
    file.extend_from_slice(&shstr.0);
    let shoff = align(file.len(), 4);
    file.resize(shoff, 0);

    // Section headers: null, the object's sections, .symtab, .strtab, .shstrtab.
    let mut sh = vec![0u8; SHDR];
    for (i, s) in obj.sections.iter().enumerate() {
        put32(&mut sh, names[i]);
        put32(&mut sh, if s.nobits { 8 } else { 1 });
        put32(
            &mut sh,
            u32::from(s.flags.write)
                | (u32::from(s.flags.alloc) << 1)
                | (u32::from(s.flags.exec) << 2),
        );
        put32(&mut sh, s.addr);
        put32(&mut sh, offsets[i] as u32);
        put32(&mut sh, s.size);
        put32(&mut sh, 0);
        put32(&mut sh, 0);
        put32(&mut sh, s.align.max(1));
        put32(&mut sh, 0);
    }
    let strtab_idx = (n_sec + 2) as u32;
    for (name, ty, off, size, link, info, al, ent) in [
        (
            symtab_name,
            2,
            symtab_off,
            syms.len(),
            strtab_idx,
            first_global as u32,
            4,
            16,
        ),
        (strtab_name, 3, strtab_off, strtab.0.len(), 0, 0, 1, 0),
        (shstrtab_name, 3, shstr_off, shstr.0.len(), 0, 0, 1, 0),
    ] {
        for v in [name, ty, 0, 0, off as u32, size as u32, link, info, al, ent] {
            put32(&mut sh, v);
        }
    }
    file.extend_from_slice(&sh);

    // Program headers.
    let mut ph = Vec::with_capacity(PHDR * loads.len());
    for &i in &loads {
        let s = &obj.sections[i];
        let flags = 4 | (u32::from(s.flags.write) << 1) | u32::from(s.flags.exec);
        for v in [
            1,
            offsets[i] as u32,
            s.addr,
            s.addr,
            if s.nobits { 0 } else { s.size },
            s.size,
            flags,
            (s.align as usize).clamp(4, 4096) as u32,
        ] {
            put32(&mut ph, v);
        }
    }
    file[EHDR..EHDR + ph.len()].copy_from_slice(&ph);

    // ELF header.
    let mut h = Vec::with_capacity(EHDR);
    h.extend_from_slice(&[0x7F, b'E', b'L', b'F', 1, 2, 1, 0]);
    h.extend_from_slice(&[0; 8]);
    put16(&mut h, 2); // ET_EXEC
    put16(&mut h, super::EM_PPC);
    put32(&mut h, 1); // EV_CURRENT
    put32(&mut h, 0); // e_entry
    put32(&mut h, if loads.is_empty() { 0 } else { EHDR as u32 });
    put32(&mut h, shoff as u32);
    put32(&mut h, 0); // e_flags
    put16(&mut h, EHDR as u16);
    put16(&mut h, PHDR as u16);
    put16(&mut h, loads.len() as u16);
    put16(&mut h, SHDR as u16);
    put16(&mut h, (n_sec + 4) as u16);
    put16(&mut h, (n_sec + 3) as u16);
    file[..EHDR].copy_from_slice(&h);
    Ok(file)
}
