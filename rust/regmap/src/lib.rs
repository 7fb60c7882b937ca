//! The chip's register map, generated from `registers/*.toml` at build time.
//!
//! - [`REGISTERS`]: one [`RegisterDesc`] per register, with fields, dims and quirks;
//! - [`typed`]: one struct per register with `pack`/`unpack` (constant shifts and masks);
//! - [`codec`]: encode/decode of one instance through its descriptor;
//! - [`bulk`]: whole arrays to (address, word) streams and back.
//!
//! Words are plain `u32` values; byte order is a concern of the wire, not of this crate.

pub mod bulk;
pub mod codec;
pub mod desc;
pub mod error;
pub mod locate;
pub mod quirks;

pub use desc::{
    Access, BlockDesc, ChipDesc, DimDesc, FieldDesc, InventoryItem, Kind, Layout, RegisterDesc,
    Transform,
};
pub use error::RegmapError;
pub use locate::{locate, Location};

#[allow(clippy::all)]
mod generated {
    use crate::desc::*;
    include!(concat!(env!("OUT_DIR"), "/regmap_generated.rs"));
}

pub use generated::{id, typed, BLOCKS, CHIP, INVENTORY, REGISTERS};

/// Look a register up by name; the error lists near names.
pub fn register(name: &str) -> Result<&'static RegisterDesc, RegmapError> {
    REGISTERS.iter().find(|r| r.name == name).ok_or_else(|| {
        let near: Vec<&str> = REGISTERS
            .iter()
            .map(|r| r.name)
            .filter(|n| n.contains(name) || name.contains(n) || shares_prefix(n, name))
            .take(5)
            .collect();
        RegmapError::UnknownRegister {
            name: name.to_string(),
            hint: if near.is_empty() {
                "; `bss regs list` shows every register".into()
            } else {
                format!("; did you mean: {}?", near.join(", "))
            },
        }
    })
}

fn shares_prefix(a: &str, b: &str) -> bool {
    let pa = a.split('_').next().unwrap_or(a);
    let pb = b.split('_').next().unwrap_or(b);
    pa.len() >= 3 && pa == pb
}

/// Position of a register in [`REGISTERS`].
pub fn register_number(reg: &RegisterDesc) -> usize {
    REGISTERS
        .iter()
        .position(|r| std::ptr::eq(r, reg))
        .expect("descriptor from REGISTERS")
}
