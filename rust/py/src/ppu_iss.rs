//! Bindings that run bare PPU instruction sequences on the instruction-set simulator
//! (for differential tests against other implementations).

use pyo3::prelude::*;

pub fn add_to(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
