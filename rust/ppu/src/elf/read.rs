//! The ELF loader: bounds-checked parsing of ELF32 big-endian PowerPC executables.

use std::collections::BTreeMap;

use super::{build_image, ElfError, Placed, PpuImage, Symbol, SymbolKind, EM_PPC};

struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn slice(&self, offset: u64, len: u64, what: &str) -> Result<&'a [u8], ElfError> {
        let end = offset.saturating_add(len);
        let trunc = || ElfError::Truncated {
            what: what.to_string(),
            offset,
            end,
            len: self.0.len(),
        };
        let (o, e) = (
            usize::try_from(offset).map_err(|_| trunc())?,
            usize::try_from(end).map_err(|_| trunc())?,
        );
        self.0.get(o..e).ok_or_else(trunc)
    }
    fn u16(&self, offset: u64, what: &str) -> Result<u16, ElfError> {
        let b = self.slice(offset, 2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&self, offset: u64, what: &str) -> Result<u32, ElfError> {
        let b = self.slice(offset, 4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

struct Shdr {
    name: String,
    ty: u32,
    flags: u32,
    addr: u32,
    offset: u32,
    size: u32,
    link: u32,
}

const SHT_SYMTAB: u32 = 2;
const SHT_NOBITS: u32 = 8;
const SHF_ALLOC: u32 = 2;

fn c_string(table: &[u8], at: u32) -> String {
    let start = (at as usize).min(table.len());
    let rest = &table[start..];
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end]).into_owned()
}

/// Loads an ELF32 big-endian `EM_PPC` executable into memory images. Sections are
/// placed by name (`int*` and the legacy `.text/.data/.rodata/.bss/...` names: internal
/// memory at `sh_addr`; `ext*`: extmem; `ext_dram*`: DRAM) or, for other names, by
/// address. `SHT_NOBITS` sections become zeros. Never panics on malformed input.
pub fn read_elf(bytes: &[u8]) -> Result<PpuImage, ElfError> {
    let b = Bytes(bytes);
    let ident = b.slice(0, 16, "ELF identification")?;
    if ident[..4] != [0x7F, b'E', b'L', b'F'] {
        return Err(ElfError::BadMagic);
    }
    if ident[4] != 1 {
        return Err(ElfError::Unsupported(format!(
            "class {} (expected ELFCLASS32 = 1)",
            ident[4]
        )));
    }
    if ident[5] != 2 {
        return Err(ElfError::Unsupported(format!(
            "data encoding {} (expected big-endian ELFDATA2MSB = 2)",
            ident[5]
        )));
    }
    b.slice(0, 52, "ELF header")?;
    let e_type = b.u16(16, "e_type")?;
    match e_type {
        2 => {}
        1 => {
            return Err(ElfError::Unsupported(
                "relocatable object (ET_REL); link it into an executable first".into(),
            ))
        }
        t => {
            return Err(ElfError::Unsupported(format!(
                "e_type {t} (expected ET_EXEC = 2)"
            )))
        }
    }
    let machine = b.u16(18, "e_machine")?;
    if machine != EM_PPC {
        return Err(ElfError::Unsupported(format!(
            "e_machine {machine} (expected EM_PPC = 20)"
        )));
    }
    let entry = b.u32(24, "e_entry")?;
    let shoff = u64::from(b.u32(32, "e_shoff")?);
    let shentsize = u64::from(b.u16(46, "e_shentsize")?);
    let shnum = u64::from(b.u16(48, "e_shnum")?);
    let shstrndx = u64::from(b.u16(50, "e_shstrndx")?);
    if shnum == 0 {
        return Err(ElfError::Malformed("no section headers".into()));
    }
    if shentsize < 40 {
        return Err(ElfError::Malformed(format!("e_shentsize {shentsize} < 40")));
    }
    b.slice(shoff, shentsize * shnum, "section header table")?;
    let mut raw = Vec::with_capacity(shnum as usize);
    for i in 0..shnum {
        let at = shoff + i * shentsize;
        let f = |k: u64| b.u32(at + 4 * k, "section header");
        raw.push((f(0)?, f(1)?, f(2)?, f(3)?, f(4)?, f(5)?, f(6)?));
    }
    let shstr: &[u8] = match raw.get(shstrndx as usize) {
        Some(&(_, ty, _, _, off, size, _)) if shstrndx != 0 && ty != SHT_NOBITS => {
            b.slice(off.into(), size.into(), "section name table")?
        }
        _ => &[],
    };
    let shdrs: Vec<Shdr> = raw
        .iter()
        .map(|&(name, ty, flags, addr, offset, size, link)| Shdr {
            name: c_string(shstr, name),
            ty,
            flags,
            addr,
            offset,
            size,
            link,
        })
        .collect();

    let mut placed = Vec::new();
    for s in shdrs
        .iter()
        .filter(|s| s.flags & SHF_ALLOC != 0 && s.size > 0)
    {
        let data = if s.ty == SHT_NOBITS {
            None
        } else {
            Some(b.slice(
                s.offset.into(),
                s.size.into(),
                &format!("section `{}`", s.name),
            )?)
        };
        placed.push(Placed {
            name: &s.name,
            addr: s.addr,
            size: s.size,
            data,
        });
    }

    let mut symbols: BTreeMap<String, Symbol> = BTreeMap::new();
    if let Some(st) = shdrs.iter().find(|s| s.ty == SHT_SYMTAB) {
        let table = b.slice(st.offset.into(), st.size.into(), "symbol table")?;
        let strtab = match shdrs.get(st.link as usize) {
            Some(s) if s.ty != SHT_NOBITS => {
                b.slice(s.offset.into(), s.size.into(), "symbol string table")?
            }
            _ => &[],
        };
        for e in table.chunks_exact(16).skip(1) {
            let word = |k: usize| u32::from_be_bytes([e[k], e[k + 1], e[k + 2], e[k + 3]]);
            let info = e[12];
            let stt = info & 0xF;
            if stt == 3 || stt == 4 {
                continue; // STT_SECTION, STT_FILE
            }
            let name = c_string(strtab, word(0));
            if name.is_empty() {
                continue;
            }
            let sym = Symbol {
                value: word(4),
                size: word(8),
                kind: SymbolKind::from_stt(stt),
                global: info >> 4 != 0,
            };
            match symbols.get(&name) {
                Some(old) if old.global || !sym.global => {}
                _ => {
                    symbols.insert(name, sym);
                }
            }
        }
    }
    build_image(&placed, symbols, entry)
}
