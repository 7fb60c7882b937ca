//! What comes back from a run, with the chip's refusals as records.

use numpy::PyArray1;
use pyo3::prelude::*;

use crate::convert::{unzip_arrays, U32Array};

type Times<'py> = Bound<'py, PyArray1<u64>>;
type Values<'py> = Bound<'py, PyArray1<u16>>;

/// An instruction the chip answered with an error (other than a refused read).
#[pyclass(module = "bss_host._core", frozen, get_all, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct RunError {
    /// "read_denied", "unmapped", "write_denied" or "malformed".
    kind: &'static str,
    /// Its number in the program, from 0.
    instruction: u32,
    /// The register address (for "malformed": the byte offset in the payload).
    address: u32,
}

#[pymethods]
impl RunError {
    fn __repr__(&self) -> String {
        format!(
            "RunError(kind={:?}, instruction={}, address={:#010x})",
            self.kind, self.instruction, self.address
        )
    }
}

/// A read the chip refused; its word in `RunResult.reads` is 0.
#[pyclass(module = "bss_host._core", frozen, get_all, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The read's ticket (its position among the program's reads).
    ticket: u32,
    /// "read_denied" or "unmapped".
    kind: &'static str,
    address: u32,
}

#[pymethods]
impl ReadError {
    fn __repr__(&self) -> String {
        format!(
            "ReadError(ticket={}, kind={:?}, address={:#010x})",
            self.ticket, self.kind, self.address
        )
    }
}

/// A wait that ran into the FPGA's instruction timeout.
#[pyclass(module = "bss_host._core", frozen, get_all, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct Timeout {
    instruction: u32,
    /// FPGA cycles it waited.
    waited: u32,
}

#[pymethods]
impl Timeout {
    fn __repr__(&self) -> String {
        format!(
            "Timeout(instruction={}, waited={})",
            self.instruction, self.waited
        )
    }
}

/// A response that broke the protocol.
#[pyclass(module = "bss_host._core", frozen, get_all, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct ProtocolViolation {
    /// "undecodable", "extra_read_data" or "early_halt".
    kind: &'static str,
    message: String,
}

#[pymethods]
impl ProtocolViolation {
    fn __repr__(&self) -> String {
        format!(
            "ProtocolViolation(kind={:?}, message={:?})",
            self.kind, self.message
        )
    }
}

#[pyclass(module = "bss_host._core", frozen)]
pub struct RunResult(pub wire::RunOutcome);

#[pymethods]
impl RunResult {
    #[getter]
    fn reads<'py>(&self, py: Python<'py>) -> U32Array<'py> {
        PyArray1::from_slice(py, &self.0.reads)
    }
    #[getter]
    fn read_errors(&self) -> Vec<ReadError> {
        let e = &self.0.read_errors;
        e.iter()
            .map(|&(ticket, code, address)| ReadError {
                ticket,
                kind: code.name(),
                address,
            })
            .collect()
    }
    #[getter]
    fn errors(&self) -> Vec<RunError> {
        let e = &self.0.errors;
        e.iter()
            .map(|&(code, instruction, address)| RunError {
                kind: code.name(),
                instruction,
                address,
            })
            .collect()
    }
    #[getter]
    fn timeouts(&self) -> Vec<Timeout> {
        let t = &self.0.timeouts;
        t.iter()
            .map(|&(instruction, waited)| Timeout {
                instruction,
                waited,
            })
            .collect()
    }
    #[getter]
    fn halt_time(&self) -> Option<u64> {
        self.0.halt_time
    }
    #[getter]
    fn protocol_errors(&self) -> Vec<ProtocolViolation> {
        let p = &self.0.protocol_errors;
        p.iter()
            .map(|e| ProtocolViolation {
                kind: e.kind(),
                message: e.to_string(),
            })
            .collect()
    }
    /// (times in FPGA cycles, labels).
    fn spikes<'py>(&self, py: Python<'py>) -> (Times<'py>, Values<'py>) {
        unzip_arrays(py, self.0.spikes.iter().copied())
    }
    /// (times in FPGA cycles, values).
    fn madc<'py>(&self, py: Python<'py>) -> (Times<'py>, Values<'py>) {
        unzip_arrays(py, self.0.madc.iter().copied())
    }
}
