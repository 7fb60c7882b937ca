//! Binding of the `chip` crate: the emulator (the device end of a link in front of the
//! chip model) and introspection of the model.

use chip::Emulator;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::convert;
use crate::errors::{bad_link_config, InputError, OrPy};
use crate::wire::link_config;

/// The device end: link plus the chip model. Times are `time.monotonic()` seconds.
#[pyclass(module = "bss_host._core")]
pub struct EmulatorSession(Emulator);

/// Seconds of `time.monotonic()` as the link's microseconds.
fn us(now: f64) -> u64 {
    (now.max(0.0) * 1e6) as u64
}

#[pymethods]
impl EmulatorSession {
    #[new]
    #[pyo3(signature = (seed=0, window=64, max_payload=65536, rto_us=20000, exact=false,
                        noise=1.0, mismatch=1.0))]
    #[allow(clippy::too_many_arguments)] // the Python constructor's keyword arguments
    fn new(
        seed: u64,
        window: u16,
        max_payload: u32,
        rto_us: u64,
        exact: bool,
        noise: f64,
        mismatch: f64,
    ) -> PyResult<Self> {
        for (name, s) in [("noise", noise), ("mismatch", mismatch)] {
            if !(s.is_finite() && s >= 0.0) {
                return Err(InputError::new_err(format!(
                    "{name}={s}; allowed: a finite scale >= 0 (1.0: the model as documented)"
                )));
            }
        }
        let cfg = link_config(window, max_payload, rto_us)?;
        let mut e = Emulator::with_seed(cfg, seed).map_err(bad_link_config)?;
        let chip = &mut e.executor.chip;
        chip.exact = exact;
        chip.set_noise_scale(noise);
        chip.set_mismatch_scale(mismatch);
        Ok(EmulatorSession(e))
    }
    fn exchange<'py>(&mut self, py: Python<'py>, data: &[u8], now: f64) -> Bound<'py, PyBytes> {
        let e = &mut self.0;
        let out = py.detach(|| e.exchange(data, us(now)));
        PyBytes::new(py, &out)
    }
    /// Seconds until `exchange` should run again without input (None: no timer).
    fn next_timeout(&self, now: f64) -> Option<f64> {
        let deadline = self.0.next_deadline()?;
        Some(deadline.saturating_sub(us(now)) as f64 * 1e-6)
    }
    fn disconnect(&mut self) {
        self.0.disconnect()
    }
    /// The model's hardware time, FPGA cycles since it started (for progress reports).
    #[getter]
    fn now_cycles(&self) -> u64 {
        self.0.executor.now()
    }
    /// Introspection (not a silicon path): every compartment's true parameters in SI
    /// units, one array per name (512 entries each).
    fn introspect_neurons<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        convert::neuron_truth(py, self.0.executor.introspect_neurons())
    }
    /// Introspection (not a silicon path): the dynamic state of every compartment.
    fn introspect_state<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        convert::neuron_state(py, self.0.executor.introspect_state())
    }
    /// Introspection of PPU `ppu` (0 top, 1 bottom): program counter, registers and the
    /// run counters since it left reset.
    fn introspect_ppu<'py>(&self, py: Python<'py>, ppu: usize) -> PyResult<Bound<'py, PyDict>> {
        convert::ppu_snapshot(py, self.0.executor.ppus.snapshot(ppu).or_py()?)
    }
    /// From the next release, PPU faults are `"report"`ed to the host (the core stops) or
    /// `"vector"`ed to the program's interrupt handlers as on silicon.
    fn set_ppu_trap_policy(&mut self, policy: &str) -> PyResult<()> {
        self.0.executor.ppus.trap_policy = policy.parse().or_py()?;
        Ok(())
    }
    /// Record the next `limit` instructions of PPU `ppu` (0 switches tracing off).
    fn ppu_trace(&mut self, ppu: usize, limit: usize) -> PyResult<()> {
        self.0.executor.ppus.set_trace(ppu, limit).or_py()
    }
    /// The recorded trace of PPU `ppu`: (pc, word, cycle, disassembly) per instruction.
    fn ppu_trace_entries(&self, ppu: usize) -> PyResult<Vec<(u32, u32, u64, String)>> {
        let lines = self.0.executor.ppus.trace_lines(ppu).or_py()?;
        Ok(lines
            .into_iter()
            .map(|l| (l.pc, l.word, l.cycle, l.text))
            .collect())
    }
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EmulatorSession>()
}
