//! Wire and emulator bindings: programs, the host session, the emulator device, the
//! fault injector, and codec entry points for the independent Python implementation.

mod codecs;
mod links;
mod programs;

use pyo3::create_exception;
use pyo3::exceptions::{PyConnectionError, PyValueError};
use pyo3::prelude::*;
use wire::link::LinkConfig;
use wire::program::ProgramError as PE;
use wire::session::SessionError;

create_exception!(
    _core,
    WireError,
    PyValueError,
    "Malformed wire data (frame, instruction or response)."
);
create_exception!(
    _core,
    ProgramError,
    PyValueError,
    "A program instruction with bad operands."
);
create_exception!(
    _core,
    ProgramTooLargeError,
    ProgramError,
    "A program that would not fit the FPGA playback memory."
);
create_exception!(
    _core,
    LinkError,
    PyConnectionError,
    "The link to the chip failed."
);
create_exception!(
    _core,
    LinkRejectedError,
    LinkError,
    "The device refused the connection (protocol version or parameters)."
);

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
    wire::Link::device(cfg).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(cfg)
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("WireError", py.get_type::<WireError>())?;
    m.add("ProgramError", py.get_type::<ProgramError>())?;
    m.add(
        "ProgramTooLargeError",
        py.get_type::<ProgramTooLargeError>(),
    )?;
    m.add("LinkError", py.get_type::<LinkError>())?;
    m.add("LinkRejectedError", py.get_type::<LinkRejectedError>())?;
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
