//! `bss_host._core`: thin bindings, one module per crate bound (`regmap`, `wire`, `chip`,
//! `ppu`), the error mapping (`errors`) and the conversions (`convert`). No logic lives
//! here; the stub `bss_host/_core.pyi` is checked by `mypy.stubtest`.

mod chip;
mod convert;
mod errors;
mod ppu;
mod regmap;
mod wire;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    regmap::add_to(m)?;
    wire::add_to(m)?;
    chip::add_to(m)?;
    ppu::add_to(m)?;
    Ok(())
}
