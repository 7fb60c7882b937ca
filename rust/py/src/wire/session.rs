//! The host end of a link and its state.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use wire::session::HostSession as RsHost;

use super::link_config;
use super::program::Program;
use super::run::RunResult;
use crate::convert;
use crate::errors::{bad_link_config, OrPy};

/// Where the link's handshake stands.
#[pyclass(module = "bss_host._core", frozen, get_all, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct LinkState {
    /// "connecting", "established" or "rejected".
    phase: &'static str,
    /// Why the device rejected the link (None unless rejected).
    reason: Option<String>,
}

#[pymethods]
impl LinkState {
    fn __repr__(&self) -> String {
        format!(
            "LinkState(phase={:?}, reason={:?})",
            self.phase,
            self.reason.as_deref().unwrap_or("None")
        )
    }
}

impl From<&wire::LinkState> for LinkState {
    fn from(s: &wire::LinkState) -> Self {
        let (phase, reason) = match s {
            wire::LinkState::Connecting => ("connecting", None),
            wire::LinkState::Established => ("established", None),
            wire::LinkState::Rejected(m) => ("rejected", Some(m.clone())),
        };
        LinkState { phase, reason }
    }
}

/// The host end of a link, running one program at a time. Pure: bytes and times
/// (microseconds) in, bytes out; the Python connection moves the bytes.
#[pyclass(module = "bss_host._core")]
pub struct HostSession(RsHost);

#[pymethods]
impl HostSession {
    #[new]
    #[pyo3(signature = (nonce, window=64, max_payload=65536, rto_us=20000))]
    fn new(nonce: u16, window: u16, max_payload: u32, rto_us: u64) -> PyResult<Self> {
        let cfg = link_config(window, max_payload, rto_us)?;
        RsHost::new(cfg, nonce)
            .map(HostSession)
            .map_err(bad_link_config)
    }
    #[getter]
    fn state(&self) -> LinkState {
        self.0.link_state().into()
    }
    #[getter]
    fn done(&self) -> bool {
        self.0.done()
    }
    fn start(&mut self, program: &Program) -> PyResult<()> {
        self.0.start(program.0.clone()).or_py()
    }
    fn receive(&mut self, py: Python<'_>, data: &[u8], now_us: u64) {
        let s = &mut self.0;
        py.detach(|| s.receive(data, now_us));
    }
    fn transmit<'py>(&mut self, py: Python<'py>, now_us: u64) -> PyResult<Bound<'py, PyBytes>> {
        let mut out = Vec::new();
        let s = &mut self.0;
        py.detach(|| s.transmit(now_us, &mut out)).or_py()?;
        Ok(PyBytes::new(py, &out))
    }
    fn next_deadline(&self) -> Option<u64> {
        self.0.next_deadline()
    }
    fn finish(&mut self) -> PyResult<RunResult> {
        self.0.finish().map(RunResult).or_py()
    }
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        convert::link_stats(py, self.0.stats())
    }
}
