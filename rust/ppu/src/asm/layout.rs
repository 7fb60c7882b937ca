//! Where sections go: the memory map of libnux's `elf32nux.x` (ppu.md §3).

/// Internal SRAM size (4096 words).
pub const INTERNAL_SIZE: u32 = 0x4000;
/// Default `mailbox_base`; the internal image must end below it.
pub const MAILBOX_BASE: u32 = 0x3000;
pub const MAILBOX_END: u32 = 0x4000;
/// Default `stack_ptr_init` (= `mailbox_base` - 16).
pub const STACK_PTR_INIT: u32 = 0x2FF0;
/// Where start code leaves the exit code (`stack_ptr_init + 12`, word 3071) and the
/// SRR0 of an unhandled interrupt (`stack_ptr_init + 8`).
pub const RETURN_CODE: u32 = STACK_PTR_INIT + 12;
pub const CRASH_SRR0: u32 = STACK_PTR_INIT + 8;
/// Instruction addresses of FPGA extmem code and DRAM code.
pub const EXT_TEXT_BASE: u32 = 0x8000_0000;
pub const DRAM_TEXT_BASE: u32 = 0x9000_0000;
/// Data addresses of FPGA extmem and DRAM.
pub const EXT_DATA_BASE: u32 = 0x4000_0000;
pub const DRAM_DATA_BASE: u32 = 0x5000_0000;
/// FPGA extmem size (128 KiB) and DRAM size (256 MiB).
pub const EXTMEM_SIZE: u32 = 128 << 10;
pub const DRAM_SIZE: u32 = 256 << 20;

/// The memory a section is loaded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// The PPU's 16 KiB SRAM at address 0.
    Internal,
    /// FPGA extmem: code at 0x8000_0000, data at 0x4000_0000.
    Extmem,
    /// FPGA DRAM: code at 0x9000_0000, data at 0x5000_0000.
    Dram,
}

const LEGACY_INTERNAL: [&str; 12] = [
    ".text", ".data", ".rodata", ".bss", ".init", ".fini", ".sdata", ".sbss", ".sdata2", ".sbss2",
    ".ctors", ".dtors",
];

/// The region a section name selects (lola's `PPUElfFile` rules): `ext_dram*` and
/// `.ext_dram*` go to DRAM, other `ext*`/`.ext*` to extmem, `int*` and the legacy
/// names (`.text`, `.data`, `.rodata`, `.bss`, `.init`, `.fini`, `.sdata`, `.sbss`, ...
/// and their `.name.suffix` variants) to the internal memory. `None`: other names.
pub fn region_by_name(name: &str) -> Option<Region> {
    let bare = name.strip_prefix('.').unwrap_or(name);
    if bare.starts_with("ext_dram") {
        Some(Region::Dram)
    } else if bare.starts_with("ext") {
        Some(Region::Extmem)
    } else if name.starts_with("int")
        || LEGACY_INTERNAL
            .iter()
            .any(|l| name == *l || (name.starts_with(l) && name[l.len()..].starts_with('.')))
    {
        Some(Region::Internal)
    } else {
        None
    }
}

/// The region an address lies in, and the offset within it (instruction or data
/// window).
pub fn region_by_address(addr: u32) -> Option<(Region, u32)> {
    match addr {
        0..INTERNAL_SIZE => Some((Region::Internal, addr)),
        0x4000_0000..0x5000_0000 => Some((Region::Extmem, addr - EXT_DATA_BASE)),
        0x5000_0000..0x6000_0000 => Some((Region::Dram, addr - DRAM_DATA_BASE)),
        0x8000_0000..0x9000_0000 => Some((Region::Extmem, addr - EXT_TEXT_BASE)),
        0x9000_0000..0xA000_0000 => Some((Region::Dram, addr - DRAM_TEXT_BASE)),
        _ => None,
    }
}
