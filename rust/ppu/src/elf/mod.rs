//! ELF32 big-endian PowerPC executables: a writer for assembled [`Object`]s and a
//! loader that splits any such executable (ours or GNU binutils') into the memory
//! images the host writes (ppu.md §3 "Host-side loading").

mod read;
mod write;

#[cfg(test)]
mod tests;

pub use read::read_elf;
pub use write::write_elf;

use std::collections::BTreeMap;

use thiserror::Error;

use crate::asm::{
    region_by_address, region_by_name, Object, Region, DRAM_SIZE, EXTMEM_SIZE, INTERNAL_SIZE,
};

/// `EM_PPC`.
pub const EM_PPC: u16 = 20;

/// The type of a symbol (`STT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SymbolKind {
    #[default]
    NoType,
    Object,
    Func,
    /// Any other `STT_*` value.
    Other(u8),
}

impl SymbolKind {
    pub fn from_stt(t: u8) -> Self {
        match t {
            0 => Self::NoType,
            1 => Self::Object,
            2 => Self::Func,
            o => Self::Other(o),
        }
    }
    pub fn stt(self) -> u8 {
        match self {
            Self::NoType => 0,
            Self::Object => 1,
            Self::Func => 2,
            Self::Other(o) => o,
        }
    }
}

/// A symbol of a loaded program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol {
    pub value: u32,
    pub size: u32,
    pub kind: SymbolKind,
    /// `STB_GLOBAL` or `STB_WEAK`.
    pub global: bool,
}

/// A program split into the memories the host loads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PpuImage {
    /// The internal SRAM image from address 0, padded to whole words.
    pub internal: Vec<u8>,
    /// FPGA extmem pieces: (byte offset into extmem, bytes), sorted by offset.
    pub extmem: Vec<(u32, Vec<u8>)>,
    /// FPGA DRAM pieces: (byte offset into DRAM, bytes), sorted by offset.
    pub dram: Vec<(u32, Vec<u8>)>,
    pub symbols: BTreeMap<String, Symbol>,
    pub entry: u32,
}

impl PpuImage {
    /// The internal image as big-endian 32-bit words (what the host writes to PPU
    /// memory word by word).
    pub fn internal_words(&self) -> Vec<u32> {
        self.internal
            .chunks(4)
            .map(|c| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                u32::from_be_bytes(w)
            })
            .collect()
    }

    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.get(name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ElfError {
    #[error(
        "ELF file truncated: {what} needs bytes {offset:#x}..{end:#x} but the file has {len:#x}"
    )]
    Truncated {
        what: String,
        offset: u64,
        end: u64,
        len: usize,
    },
    #[error("not an ELF file (the first bytes are not 0x7F 'E' 'L' 'F')")]
    BadMagic,
    #[error("unsupported ELF file: {0}")]
    Unsupported(String),
    #[error("malformed ELF file: {0}")]
    Malformed(String),
    #[error("section `{section}` at {addr:#x} with size {size:#x} does not fit the 16 KiB internal memory (0x0..0x4000)")]
    InternalOverflow {
        section: String,
        addr: u32,
        size: u32,
    },
    #[error("the internal image ends at {end:#x}, past {limit:#x} where the mailbox starts (the stack pointer starts at {limit:#x} - 16 and the return code sits at {limit:#x} - 4); move code or data to `ext.*` sections")]
    ImageOverflow { end: u32, limit: u32 },
    #[error("section `{section}` at {addr:#x} with size {size:#x} does not fit {region} (size {limit:#x})")]
    ExternalOverflow {
        section: String,
        addr: u32,
        size: u32,
        region: &'static str,
        limit: u32,
    },
    #[error("section `{section}` at {addr:#x} lies in no loadable memory: internal 0x0..0x4000, extmem code 0x8000_0000/data 0x4000_0000, DRAM code 0x9000_0000/data 0x5000_0000")]
    Unplaceable { section: String, addr: u32 },
}

/// One allocated section to be placed in an image.
pub(crate) struct Placed<'a> {
    pub name: &'a str,
    pub addr: u32,
    pub size: u32,
    /// `None`: no file data (`SHT_NOBITS`), loaded as zeros.
    pub data: Option<&'a [u8]>,
}

/// Splits sections into the memory images (the rules of lola's `PPUElfFile`).
pub(crate) fn build_image(
    sections: &[Placed<'_>],
    symbols: BTreeMap<String, Symbol>,
    entry: u32,
) -> Result<PpuImage, ElfError> {
    let mut img = PpuImage {
        symbols,
        entry,
        ..PpuImage::default()
    };
    let mut internal: Vec<(u32, &Placed)> = Vec::new();
    for s in sections.iter().filter(|s| s.size > 0) {
        let by_addr = region_by_address(s.addr);
        let region = region_by_name(s.name).or(by_addr.map(|r| r.0));
        let unplaceable = || ElfError::Unplaceable {
            section: s.name.to_string(),
            addr: s.addr,
        };
        match region {
            Some(Region::Internal) => {
                if u64::from(s.addr) + u64::from(s.size) > u64::from(INTERNAL_SIZE) {
                    return Err(ElfError::InternalOverflow {
                        section: s.name.to_string(),
                        addr: s.addr,
                        size: s.size,
                    });
                }
                internal.push((s.addr, s));
            }
            Some(r) => {
                let (region_at, off) = by_addr.ok_or_else(unplaceable)?;
                if region_at != r {
                    return Err(unplaceable());
                }
                let (limit, name, list) = match r {
                    Region::Extmem => (EXTMEM_SIZE, "FPGA extmem", &mut img.extmem),
                    _ => (DRAM_SIZE, "FPGA DRAM", &mut img.dram),
                };
                if u64::from(off) + u64::from(s.size) > u64::from(limit) {
                    return Err(ElfError::ExternalOverflow {
                        section: s.name.to_string(),
                        addr: s.addr,
                        size: s.size,
                        region: name,
                        limit,
                    });
                }
                let bytes = match s.data {
                    Some(d) => d.to_vec(),
                    None => vec![0; s.size as usize],
                };
                list.push((off, bytes));
            }
            None => return Err(unplaceable()),
        }
    }
    let end = internal.iter().map(|(a, s)| a + s.size).max().unwrap_or(0);
    img.internal = vec![0; end.div_ceil(4) as usize * 4];
    for (addr, s) in internal {
        let a = addr as usize;
        let n = s.size as usize;
        match s.data {
            Some(d) => {
                let d = d.get(..n).ok_or_else(|| {
                    ElfError::Malformed(format!("section `{}` has less data than its size", s.name))
                })?;
                img.internal[a..a + n].copy_from_slice(d);
            }
            None => img.internal[a..a + n].fill(0),
        }
    }
    img.extmem.sort_by_key(|p| p.0);
    img.dram.sort_by_key(|p| p.0);
    Ok(img)
}

/// The images an object gives when loaded (what `read_elf(write_elf(obj))` returns).
pub fn image_of(obj: &Object) -> Result<PpuImage, ElfError> {
    let placed: Vec<Placed> = obj
        .sections
        .iter()
        .filter(|s| s.flags.alloc)
        .map(|s| Placed {
            name: &s.name,
            addr: s.addr,
            size: s.size,
            data: (!s.nobits).then_some(s.data.as_slice()),
        })
        .collect();
    for s in &placed {
        if let Some(d) = s.data {
            if d.len() != s.size as usize {
                return Err(ElfError::Malformed(format!(
                    "section `{}` has size {:#x} but {:#x} bytes of data",
                    s.name,
                    s.size,
                    d.len()
                )));
            }
        }
    }
    let symbols = obj
        .symbols
        .iter()
        .map(|(n, s)| {
            (
                n.clone(),
                Symbol {
                    value: s.value,
                    size: s.size,
                    kind: s.kind,
                    global: s.global,
                },
            )
        })
        .collect();
    build_image(&placed, symbols, 0)
}
