//! Binding of the `wire` crate: programs and their run results, the host session and its
//! link state, the shadow copy, the fault injector, and the codec entry points for the
//! independent Python implementation.

mod codecs;
mod faults;
mod program;
mod run;
mod session;

use pyo3::prelude::*;
use wire::link::LinkConfig;

use crate::errors::bad_link_config;

/// A link configuration, checked now so that a bad one fails at construction.
pub fn link_config(window: u16, max_payload: u32, rto_us: u64) -> PyResult<LinkConfig> {
    let cfg = LinkConfig {
        window,
        max_payload,
        rto_us,
    };
    wire::Link::device(cfg).map_err(bad_link_config)?;
    Ok(cfg)
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<program::ProgramBuilder>()?;
    m.add_class::<program::Program>()?;
    m.add_class::<program::Shadow>()?;
    m.add_class::<run::RunResult>()?;
    m.add_class::<run::RunError>()?;
    m.add_class::<run::ReadError>()?;
    m.add_class::<run::Timeout>()?;
    m.add_class::<run::ProtocolViolation>()?;
    m.add_class::<session::HostSession>()?;
    m.add_class::<session::LinkState>()?;
    m.add_class::<faults::FaultInjector>()?;
    codecs::add_to(m)
}
