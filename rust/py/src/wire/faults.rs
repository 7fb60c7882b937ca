//! The seeded fault injector that tests put between the two ends of a link.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use wire::faults::{FaultConfig, FaultInjector as RsFaults};

use crate::convert;
use crate::errors::bad_fault_config;

#[pyclass(module = "bss_host._core")]
pub struct FaultInjector(RsFaults);

#[pymethods]
impl FaultInjector {
    #[new]
    #[pyo3(signature = (seed, drop=0.0, corrupt=0.0, duplicate=0.0, reorder=0.0, delay=0.0, delay_us=2000))]
    #[allow(clippy::too_many_arguments)] // the keyword arguments of the Python constructor
    fn new(
        seed: u64,
        drop: f64,
        corrupt: f64,
        duplicate: f64,
        reorder: f64,
        delay: f64,
        delay_us: u64,
    ) -> PyResult<Self> {
        let cfg = FaultConfig {
            drop,
            corrupt,
            duplicate,
            reorder,
            delay,
            delay_us,
        };
        RsFaults::new(cfg, seed)
            .map(FaultInjector)
            .map_err(bad_fault_config)
    }
    fn push<'py>(&mut self, py: Python<'py>, data: &[u8], now_us: u64) -> Bound<'py, PyBytes> {
        let mut out = Vec::new();
        self.0.push(data, now_us, &mut out);
        PyBytes::new(py, &out)
    }
    fn release<'py>(&mut self, py: Python<'py>, now_us: u64) -> Bound<'py, PyBytes> {
        let mut out = Vec::new();
        self.0.release(now_us, &mut out);
        PyBytes::new(py, &out)
    }
    fn next_deadline(&self) -> Option<u64> {
        self.0.next_deadline()
    }
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        convert::fault_stats(py, self.0.stats())
    }
}
