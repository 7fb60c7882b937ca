//! `bss_host._core`: thin bindings. Conversions and error mapping only; the logic lives
//! in the crates.

mod errors;
mod ppu;
mod ppu_iss;
mod regs;
mod wire;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    regs::add_to(m)?;
    wire::add_to(m)?;
    ppu_iss::add_to(m)?;
    ppu::add_to(m)?;
    Ok(())
}
