//! The link's two ends (host session, emulator) and the fault injector.

use chip::Emulator;
use numpy::PyArray1;
use crate::errors::InputError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use wire::faults::{FaultConfig, FaultInjector as RsFaults};
use wire::link::LinkState;
use wire::session::HostSession as RsHost;

use super::programs::{Program, RunResult};
use super::*;

// ---------------------------------------------------------------- host session

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
            .map_err(|e| InputError::new_err(e.to_string()))
    }
    /// "connecting", "established" or "rejected: reason".
    #[getter]
    fn state(&self) -> String {
        match self.0.link_state() {
            LinkState::Connecting => "connecting".into(),
            LinkState::Established => "established".into(),
            LinkState::Rejected(m) => format!("rejected: {m}"),
        }
    }
    #[getter]
    fn done(&self) -> bool {
        self.0.done()
    }
    #[getter]
    fn running(&self) -> bool {
        self.0.is_running()
    }
    fn start(&mut self, program: &Program) -> PyResult<()> {
        self.0.start(program.0.clone()).map_err(session_err)
    }
    fn receive(&mut self, py: Python<'_>, data: &[u8], now_us: u64) {
        let s = &mut self.0;
        py.detach(|| s.receive(data, now_us));
    }
    fn transmit<'py>(&mut self, py: Python<'py>, now_us: u64) -> PyResult<Bound<'py, PyBytes>> {
        let mut out = Vec::new();
        let s = &mut self.0;
        py.detach(|| s.transmit(now_us, &mut out))
            .map_err(session_err)?;
        Ok(PyBytes::new(py, &out))
    }
    fn next_deadline(&self) -> Option<u64> {
        self.0.next_deadline()
    }
    /// Reads answered so far in the running program.
    fn progress(&self) -> (usize, bool) {
        self.0
            .partial()
            .map_or((0, false), |o| (o.reads.len(), o.halt_time.is_some()))
    }
    fn finish(&mut self) -> PyResult<RunResult> {
        self.0.finish().map(RunResult).map_err(session_err)
    }
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        link_stats(py, self.0.stats())
    }
}

fn link_stats<'py>(py: Python<'py>, s: wire::link::LinkStats) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("frames_sent", s.frames_sent)?;
    d.set_item("frames_received", s.frames_received)?;
    d.set_item("data_frames_sent", s.data_frames_sent)?;
    d.set_item("retransmits", s.retransmits)?;
    d.set_item("duplicates", s.duplicates)?;
    d.set_item("dropped_chunks", s.dropped_chunks)?;
    d.set_item("bytes_sent", s.bytes_sent)?;
    d.set_item("bytes_received", s.bytes_received)?;
    Ok(d)
}

// ---------------------------------------------------------------- emulator

/// The device end: link plus the chip model. Times are `time.monotonic()` seconds.
#[pyclass(module = "bss_host._core")]
pub struct EmulatorSession(Emulator);

fn us(now: f64) -> u64 {
    (now.max(0.0) * 1e6) as u64
}

#[pymethods]
impl EmulatorSession {
    #[new]
    #[pyo3(signature = (seed=0, window=64, max_payload=65536, rto_us=20000))]
    fn new(seed: u64, window: u16, max_payload: u32, rto_us: u64) -> PyResult<Self> {
        let cfg = link_config(window, max_payload, rto_us)?;
        Emulator::with_seed(cfg, seed)
            .map(EmulatorSession)
            .map_err(|e| InputError::new_err(e.to_string()))
    }
    fn exchange<'py>(&mut self, py: Python<'py>, data: &[u8], now: f64) -> Bound<'py, PyBytes> {
        let e = &mut self.0;
        let out = py.detach(|| e.exchange(data, us(now)));
        PyBytes::new(py, &out)
    }
    /// Seconds until `exchange` should run again without input (None: no timer).
    fn next_timeout(&self, now: f64) -> Option<f64> {
        self.0
            .next_deadline()
            .map(|d| (d.saturating_sub(us(now))) as f64 * 1e-6)
    }
    fn disconnect(&mut self) {
        self.0.disconnect()
    }
    /// Model time, FPGA cycles.
    #[getter]
    fn now_cycles(&self) -> u64 {
        self.0.executor.now()
    }
    /// Introspection (not a silicon path): the word stored at an address, readable or not.
    fn introspect_word(&self, address: u32) -> Option<u32> {
        self.0.executor.introspect_word(address)
    }
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        link_stats(py, self.0.stats())
    }
    /// Introspection (not a silicon path): every compartment's true parameters in SI
    /// units, one array per name (512 entries each).
    fn introspect_neurons<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let seconds = |c: &[u32]| c.iter().map(|&c| c as f64 * 8e-9).collect::<Vec<f64>>();
        let refractory = seconds(self.0.executor.chip.refractory());
        let release = seconds(self.0.executor.chip.reset_release());
        let (p, _) = self.0.executor.introspect();
        let d = PyDict::new(py);
        let f = |v: &Vec<f64>| PyArray1::from_slice(py, v);
        let b = |v: &Vec<bool>| PyArray1::from_vec(py, v.clone());
        for (name, v) in [
            ("c_mem", &p.c_mem),
            ("g_leak", &p.g_leak),
            ("e_leak", &p.e_leak),
            ("g_reset", &p.g_reset),
            ("v_reset", &p.v_reset),
            ("v_thresh", &p.v_thresh),
            ("tau_exc", &p.tau_exc),
            ("tau_inh", &p.tau_inh),
            ("scale_exc", &p.scale_exc),
            ("scale_inh", &p.scale_inh),
            ("offset_exc", &p.offset_exc),
            ("offset_inh", &p.offset_inh),
            ("e_rev_exc", &p.e_rev_exc),
            ("e_rev_inh", &p.e_rev_inh),
            ("coba_exc", &p.coba_exc),
            ("coba_inh", &p.coba_inh),
            ("a", &p.a),
            ("b", &p.b),
            ("tau_w", &p.tau_w),
            ("v_adapt_leak", &p.v_adapt_leak),
            ("w_ref", &p.w_ref),
            ("i_exp0", &p.i_exp0),
            ("v_t", &p.v_t),
            ("delta_t", &p.delta_t),
            ("i_offset", &p.i_offset),
            ("g_icc", &p.g_icc),
        ] {
            d.set_item(name, f(v))?;
        }
        for (name, v) in [
            ("fire", &p.fire),
            ("exc_on", &p.exc_on),
            ("inh_on", &p.inh_on),
            ("adapt_on", &p.adapt_on),
            ("exp_on", &p.exp_on),
        ] {
            d.set_item(name, b(v))?;
        }
        d.set_item("t_ref", PyArray1::from_vec(py, refractory))?;
        d.set_item("t_release", PyArray1::from_vec(py, release))?;
        Ok(d)
    }
    /// Introspection (not a silicon path): the dynamic state of every compartment.
    fn introspect_state<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let (_, s) = self.0.executor.introspect();
        let d = PyDict::new(py);
        d.set_item("v", PyArray1::from_slice(py, &s.v))?;
        d.set_item("i_exc", PyArray1::from_slice(py, &s.i_exc))?;
        d.set_item("i_inh", PyArray1::from_slice(py, &s.i_inh))?;
        d.set_item("w", PyArray1::from_slice(py, &s.w))?;
        d.set_item("refractory", PyArray1::from_slice(py, &s.refractory))?;
        Ok(d)
    }

    /// Introspection of PPU `ppu` (0 top, 1 bottom): program counter, registers and the
    /// run counters since it left reset.
    fn introspect_ppu<'py>(&self, py: Python<'py>, ppu: usize) -> PyResult<Bound<'py, PyDict>> {
        let core = ppu_core(&self.0.executor.ppus, ppu)?;
        let c = &core.cpu;
        let d = PyDict::new(py);
        d.set_item("pc", c.pc)?;
        d.set_item("gpr", c.gpr.to_vec())?;
        d.set_item("cycles", c.cycles)?;
        d.set_item("instructions", c.instructions)?;
        d.set_item("vector_instructions", c.stats.vector_instructions)?;
        d.set_item("stall_cycles", c.stats.stall_cycles())?;
        d.set_item("sleep_cycles", c.stats.sleep_cycles)?;
        d.set_item("sleeping", c.sleeping)?;
        d.set_item("released", core.released())?;
        d.set_item("fault", core.fault.map(|t| t.to_string()))?;
        Ok(d)
    }

    /// From the next release, PPU faults are `"report"`ed to the host (the core stops) or
    /// `"vector"`ed to the program's interrupt handlers as on silicon.
    fn set_ppu_trap_policy(&mut self, policy: &str) -> PyResult<()> {
        use ppu::cpu::TrapPolicy;
        self.0.executor.ppus.trap_policy = match policy {
            "report" => TrapPolicy::Report,
            "vector" => TrapPolicy::Vector,
            _ => {
                return Err(InputError::new_err(format!(
                    "PPU trap policy {policy:?}; allowed: \"report\", \"vector\""
                )))
            }
        };
        Ok(())
    }

    /// Record the next `limit` instructions of PPU `ppu` (0 switches tracing off).
    fn ppu_trace(&mut self, ppu: usize, limit: usize) -> PyResult<()> {
        ppu_core(&self.0.executor.ppus, ppu)?;
        let core = &mut self.0.executor.ppus.cores[ppu];
        core.trace_limit = limit;
        Ok(())
    }

    /// The recorded trace of PPU `ppu`: (pc, word, cycle, disassembly) per instruction.
    fn ppu_trace_entries(&self, ppu: usize) -> PyResult<Vec<(u32, u32, u64, String)>> {
        let core = ppu_core(&self.0.executor.ppus, ppu)?;
        Ok(core
            .cpu
            .trace
            .as_ref()
            .map(|t| {
                t.entries
                    .iter()
                    .map(|e| {
                        let text = ppu::decode(e.word)
                            .map(|i| ppu::disassemble(&i, e.pc))
                            .unwrap_or_else(|_| format!(".long {:#010x}", e.word));
                        (e.pc, e.word, e.cycles_before, text)
                    })
                    .collect()
            })
            .unwrap_or_default())
    }
}

fn ppu_core(ppus: &chip::ppus::Ppus, ppu: usize) -> PyResult<&chip::ppus::PpuCore> {
    ppus.cores
        .get(ppu)
        .ok_or_else(|| InputError::new_err(format!("PPU {ppu}; allowed 0 (top), 1 (bottom)")))
}

// ---------------------------------------------------------------- faults

#[pyclass(module = "bss_host._core")]
pub struct FaultInjector(RsFaults);

#[pymethods]
impl FaultInjector {
    #[new]
    #[pyo3(signature = (seed, drop=0.0, corrupt=0.0, duplicate=0.0, reorder=0.0, delay=0.0, delay_us=2000))]
    #[allow(clippy::too_many_arguments)]
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
            .map_err(InputError::new_err)
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
        let s = self.0.stats();
        let d = PyDict::new(py);
        d.set_item("frames", s.frames)?;
        d.set_item("dropped", s.dropped)?;
        d.set_item("corrupted", s.corrupted)?;
        d.set_item("duplicated", s.duplicated)?;
        d.set_item("reordered", s.reordered)?;
        d.set_item("delayed", s.delayed)?;
        Ok(d)
    }
}
