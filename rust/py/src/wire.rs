//! Wire and emulator bindings: programs, the host session, the emulator device, the
//! fault injector, and codec entry points for the independent Python implementation.

mod codecs;
mod links;
mod programs;

use crate::errors::{
    InputError, LinkError, LinkRejectedError, ProgramError, ProgramTooLargeError, WireError,
};
use pyo3::prelude::*;
use wire::link::LinkConfig;
use wire::program::ProgramError as PE;
use wire::session::SessionError;

fn program_err(e: PE) -> PyErr {
    match e {
        PE::TooLarge { .. } => ProgramTooLargeError::new_err(e.to_string()),
        _ => ProgramError::new_err(e.to_string()),
    }
}

fn session_err(e: SessionError) -> PyErr {
    match e {
        SessionError::Link(wire::LinkError::Rejected(_)) => {
            LinkRejectedError::new_err(e.to_string())
        }
        _ => LinkError::new_err(e.to_string()),
    }
}

fn link_config(window: u16, max_payload: u32, rto_us: u64) -> PyResult<LinkConfig> {
    let cfg = LinkConfig {
        window,
        max_payload,
        rto_us,
    };
    // Validate now, so a bad configuration is a ValueError at construction.
    wire::Link::device(cfg).map_err(|e| InputError::new_err(e.to_string()))?;
    Ok(cfg)
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<programs::ProgramBuilder>()?;
    m.add_class::<programs::Program>()?;
    m.add_class::<programs::RunResult>()?;
    m.add_class::<links::HostSession>()?;
    m.add_class::<links::EmulatorSession>()?;
    m.add_class::<links::FaultInjector>()?;
    m.add_class::<programs::Shadow>()?;
    m.add_function(wrap_pyfunction!(codecs::link_encode_frame, m)?)?;
    m.add_function(wrap_pyfunction!(codecs::link_decode_frames, m)?)?;
    m.add_function(wrap_pyfunction!(codecs::wire_encode_instructions, m)?)?;
    m.add_function(wrap_pyfunction!(codecs::wire_decode_instructions, m)?)?;
    m.add_function(wrap_pyfunction!(codecs::wire_encode_responses, m)?)?;
    m.add_function(wrap_pyfunction!(codecs::wire_decode_responses, m)?)?;
    m.add_function(wrap_pyfunction!(codecs::locate_address, m)?)?;
    Ok(())
}
