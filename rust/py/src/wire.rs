//! Wire and emulator bindings: programs, the host session, the emulator device, the
//! fault injector, and codec entry points for the independent Python implementation.

use chip::Emulator;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::create_exception;
use pyo3::exceptions::{PyConnectionError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use std::sync::Arc;
use wire::faults::{FaultConfig, FaultInjector as RsFaults};
use wire::frame::{encode_frame_into, FrameKind, FrameReader};
use wire::instr::{decode_instructions, decode_responses, ErrorCode};
use wire::link::{LinkConfig, LinkState};
use wire::program::{Program as RsProgram, ProgramBuilder as RsBuilder, ProgramError as PE};
use wire::session::{HostSession as RsHost, SessionError};
use wire::{Instruction, Response};

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

// ---------------------------------------------------------------- programs

/// Builds a program; every method checks its operands and the playback-memory limit and
/// leaves the builder unchanged when it raises.
#[pyclass(module = "bss_host._core")]
pub struct ProgramBuilder(RsBuilder);

#[pymethods]
impl ProgramBuilder {
    #[new]
    #[pyo3(signature = (limit=None))]
    fn new(limit: Option<usize>) -> Self {
        ProgramBuilder(RsBuilder::new(
            limit.unwrap_or(regmap::CHIP.playback_memory_bytes as usize),
        ))
    }
    #[getter]
    fn size(&self) -> usize {
        self.0.size()
    }
    #[getter]
    fn limit(&self) -> usize {
        self.0.limit()
    }
    #[getter]
    fn reads(&self) -> usize {
        self.0.reads()
    }
    #[getter]
    fn instructions(&self) -> u32 {
        self.0.instructions()
    }
    fn write_words(
        &mut self,
        addresses: PyReadonlyArray1<'_, u32>,
        words: PyReadonlyArray1<'_, u32>,
    ) -> PyResult<()> {
        let a = addresses
            .as_slice()
            .map_err(|_| ProgramError::new_err("addresses must be contiguous"))?;
        let w = words
            .as_slice()
            .map_err(|_| ProgramError::new_err("words must be contiguous"))?;
        self.0.write_many(a, w).map_err(program_err)
    }
    fn write(&mut self, address: u32, word: u32) -> PyResult<()> {
        self.0.write(address, word).map_err(program_err)
    }
    /// Returns the ticket of the first address.
    fn read_words(&mut self, addresses: PyReadonlyArray1<'_, u32>) -> PyResult<usize> {
        let a = addresses
            .as_slice()
            .map_err(|_| ProgramError::new_err("addresses must be contiguous"))?;
        self.0.read_many(a).map_err(program_err)
    }
    fn timer_reset(&mut self) -> PyResult<()> {
        self.0.timer_reset().map_err(program_err)
    }
    fn wait_until(&mut self, cycles: u32) -> PyResult<()> {
        self.0.wait_until(cycles).map_err(program_err)
    }
    fn wait(&mut self, cycles: u32) -> PyResult<()> {
        self.0.wait(cycles).map_err(program_err)
    }
    fn barrier(&mut self, flags: u8) -> PyResult<()> {
        self.0.barrier(flags).map_err(program_err)
    }
    fn wait_register(
        &mut self,
        address: u32,
        mask: u32,
        target: u32,
        not_equal: bool,
    ) -> PyResult<()> {
        self.0
            .wait_register(address, mask, target, not_equal)
            .map_err(program_err)
    }
    fn spikes(&mut self, labels: Vec<u16>) -> PyResult<()> {
        self.0.spikes(&labels).map_err(program_err)
    }
    fn spike_train(
        &mut self,
        times: PyReadonlyArray1<'_, u32>,
        labels: PyReadonlyArray1<'_, u16>,
    ) -> PyResult<()> {
        let t = times
            .as_slice()
            .map_err(|_| ProgramError::new_err("times must be contiguous"))?;
        let l = labels
            .as_slice()
            .map_err(|_| ProgramError::new_err("labels must be contiguous"))?;
        self.0.spike_train(t, l).map_err(program_err)
    }
    fn event_recording(&mut self, enable: bool) -> PyResult<()> {
        self.0.event_recording(enable).map_err(program_err)
    }
    /// Append HALT and return the program; the builder starts over.
    fn finish(&mut self) -> Program {
        Program(Arc::new(self.0.finish()))
    }
}

#[pyclass(module = "bss_host._core", frozen)]
pub struct Program(Arc<RsProgram>);

#[pymethods]
impl Program {
    #[getter]
    fn size(&self) -> usize {
        self.0.bytes().len()
    }
    #[getter]
    fn instructions(&self) -> u32 {
        self.0.instructions()
    }
    #[getter]
    fn reads(&self) -> usize {
        self.0.reads()
    }
    #[getter]
    fn writes(&self) -> usize {
        self.0.writes().len()
    }
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.bytes())
    }
    /// (addresses, words) of every write, in program order.
    fn written<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<u32>>) {
        let (a, w): (Vec<u32>, Vec<u32>) = self.0.writes().iter().copied().unzip();
        (PyArray1::from_vec(py, a), PyArray1::from_vec(py, w))
    }
    /// Instruction numbers of the reads (ticket order).
    fn read_instructions<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u32>> {
        PyArray1::from_slice(py, self.0.read_instructions())
    }
}

// ---------------------------------------------------------------- run results

#[pyclass(module = "bss_host._core", frozen)]
pub struct RunResult(wire::RunOutcome);

fn code_name(c: ErrorCode) -> &'static str {
    match c {
        ErrorCode::ReadDenied => "read_denied",
        ErrorCode::Unmapped => "unmapped",
        ErrorCode::WriteDenied => "write_denied",
        ErrorCode::Malformed => "malformed",
    }
}

#[pymethods]
impl RunResult {
    #[getter]
    fn reads<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u32>> {
        PyArray1::from_slice(py, &self.0.reads)
    }
    /// [(ticket, code name, address)] of reads answered with an error.
    #[getter]
    fn read_errors(&self) -> Vec<(u32, &'static str, u32)> {
        self.0
            .read_errors
            .iter()
            .map(|&(t, c, a)| (t, code_name(c), a))
            .collect()
    }
    /// [(code name, instruction, address)] of other errors.
    #[getter]
    fn errors(&self) -> Vec<(&'static str, u32, u32)> {
        self.0
            .errors
            .iter()
            .map(|&(c, i, a)| (code_name(c), i, a))
            .collect()
    }
    #[getter]
    fn timeouts(&self) -> Vec<(u32, u32)> {
        self.0.timeouts.clone()
    }
    #[getter]
    fn halt_time(&self) -> Option<u64> {
        self.0.halt_time
    }
    #[getter]
    fn protocol_errors(&self) -> Vec<String> {
        self.0.protocol_errors.clone()
    }
    /// (times in FPGA cycles, labels).
    fn spikes<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<u16>>) {
        let (t, l): (Vec<u64>, Vec<u16>) = self.0.spikes.iter().copied().unzip();
        (PyArray1::from_vec(py, t), PyArray1::from_vec(py, l))
    }
    /// (times in FPGA cycles, values).
    fn madc<'py>(&self, py: Python<'py>) -> (Bound<'py, PyArray1<u64>>, Bound<'py, PyArray1<u16>>) {
        let (t, v): (Vec<u64>, Vec<u16>) = self.0.madc.iter().copied().unzip();
        (PyArray1::from_vec(py, t), PyArray1::from_vec(py, v))
    }
}

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
            .map_err(|e| PyValueError::new_err(e.to_string()))
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
        // The register-level model has no random source yet; the seed is kept for the
        // analog model, so that the constructor does not change when it lands.
        let _ = seed;
        let cfg = link_config(window, max_payload, rto_us)?;
        Emulator::new(cfg)
            .map(EmulatorSession)
            .map_err(|e| PyValueError::new_err(e.to_string()))
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
        regmap::locate(address).map(|loc| self.0.executor.regs.value(address, &loc))
    }
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        link_stats(py, self.0.stats())
    }
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
            .map_err(PyValueError::new_err)
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

// ---------------------------------------------------------------- codec entry points

#[pyfunction]
fn link_encode_frame<'py>(
    py: Python<'py>,
    kind: u8,
    seq: u32,
    ack: u32,
    sack: u32,
    payload: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let kind = FrameKind::from_u8(kind)
        .ok_or_else(|| WireError::new_err(format!("frame kind {kind}; allowed 1..=5")))?;
    let mut out = Vec::new();
    encode_frame_into(kind, seq, ack, sack, payload, &mut Vec::new(), &mut out);
    Ok(PyBytes::new(py, &out))
}

type FrameTuple<'py> = (u8, u32, u32, u32, Bound<'py, PyBytes>);

/// Every valid frame in a byte stream, and how many chunks were dropped.
#[pyfunction]
#[pyo3(signature = (data, max_payload=65536))]
fn link_decode_frames<'py>(
    py: Python<'py>,
    data: &[u8],
    max_payload: usize,
) -> (Vec<FrameTuple<'py>>, u64) {
    let mut reader = FrameReader::new(max_payload);
    let mut frames = Vec::new();
    reader.push(data, &mut frames);
    let out = frames
        .into_iter()
        .map(|f| {
            (
                f.kind as u8,
                f.seq,
                f.ack,
                f.sack,
                PyBytes::new(py, &f.payload),
            )
        })
        .collect();
    (out, reader.dropped)
}

fn op_name<'py>(op: &Bound<'py, PyTuple>) -> PyResult<String> {
    op.get_item(0)?.extract::<String>()
}

fn instruction_from(op: &Bound<'_, PyTuple>) -> PyResult<Instruction> {
    let name = op_name(op)?;
    let arg = |i: usize| op.get_item(i);
    let bad = |what: &str| WireError::new_err(format!("{name}: {what}"));
    Ok(match name.as_str() {
        "write" => Instruction::Write {
            address: arg(1)?.extract()?,
            word: arg(2)?.extract()?,
        },
        "read" => Instruction::Read {
            address: arg(1)?.extract()?,
        },
        "timer_reset" => Instruction::TimerReset,
        "wait_until" => Instruction::WaitUntil {
            cycles: arg(1)?.extract()?,
        },
        "barrier" => {
            let flags: u8 = arg(1)?.extract()?;
            if flags & !wire::instr::BARRIER_FLAGS_MASK != 0 {
                return Err(bad("flags must use bits 0..=4 only"));
            }
            Instruction::Barrier { flags }
        }
        "wait_register" => {
            let mode: u8 = arg(4)?.extract()?;
            if mode > 1 {
                return Err(bad("mode must be 0 or 1"));
            }
            Instruction::WaitRegister {
                address: arg(1)?.extract()?,
                mask: arg(2)?.extract()?,
                target: arg(3)?.extract()?,
                not_equal: mode == 1,
            }
        }
        "spikes" => {
            let labels: Vec<u16> = arg(1)?.extract()?;
            if !(1..=3).contains(&labels.len()) {
                return Err(bad("1 to 3 labels"));
            }
            let mut l = [0u16; 3];
            l[..labels.len()].copy_from_slice(&labels);
            Instruction::Spikes {
                count: labels.len() as u8,
                labels: l,
            }
        }
        "event_recording" => Instruction::EventRecording {
            enable: arg(1)?.extract()?,
        },
        "halt" => Instruction::Halt,
        _ => return Err(bad("unknown instruction")),
    })
}

fn response_from(op: &Bound<'_, PyTuple>) -> PyResult<Response> {
    let name = op_name(op)?;
    let arg = |i: usize| op.get_item(i);
    let bad = |what: &str| WireError::new_err(format!("{name}: {what}"));
    Ok(match name.as_str() {
        "read_data" => Response::ReadData {
            word: arg(1)?.extract()?,
        },
        "spike" => Response::Spike {
            time: arg(1)?.extract()?,
            label: arg(2)?.extract()?,
        },
        "madc_sample" => {
            let value: u16 = arg(2)?.extract()?;
            if value & !wire::instr::MADC_VALUE_MASK != 0 {
                return Err(bad("value bits 14-15 must be 0"));
            }
            Response::MadcSample {
                time: arg(1)?.extract()?,
                value,
            }
        }
        "timeout" => Response::Timeout {
            instruction: arg(1)?.extract()?,
            waited: arg(2)?.extract()?,
        },
        "error" => {
            let c: u8 = arg(1)?.extract()?;
            let code = ErrorCode::from_u8(c).ok_or_else(|| bad("error code 1..=4"))?;
            Response::Error {
                code,
                instruction: arg(2)?.extract()?,
                address: arg(3)?.extract()?,
            }
        }
        "halt_echo" => Response::HaltEcho {
            time: arg(1)?.extract()?,
        },
        _ => return Err(bad("unknown response")),
    })
}

fn instruction_tuple<'py>(py: Python<'py>, i: &Instruction) -> PyResult<Bound<'py, PyTuple>> {
    let n = i.name();
    Ok(match *i {
        Instruction::Write { address, word } => (n, address, word).into_pyobject(py)?,
        Instruction::Read { address } => (n, address).into_pyobject(py)?,
        Instruction::WaitUntil { cycles } => (n, cycles).into_pyobject(py)?,
        Instruction::Barrier { flags } => (n, flags).into_pyobject(py)?,
        Instruction::WaitRegister {
            address,
            mask,
            target,
            not_equal,
        } => (n, address, mask, target, not_equal as u8).into_pyobject(py)?,
        Instruction::Spikes { count, labels } => {
            (n, labels[..count as usize].to_vec()).into_pyobject(py)?
        }
        Instruction::EventRecording { enable } => (n, enable).into_pyobject(py)?,
        Instruction::TimerReset | Instruction::Halt => (n,).into_pyobject(py)?,
    })
}

fn response_tuple<'py>(py: Python<'py>, r: &Response) -> PyResult<Bound<'py, PyTuple>> {
    let n = r.name();
    Ok(match *r {
        Response::ReadData { word } => (n, word).into_pyobject(py)?,
        Response::Spike { time, label } => (n, time, label).into_pyobject(py)?,
        Response::MadcSample { time, value } => (n, time, value).into_pyobject(py)?,
        Response::Timeout {
            instruction,
            waited,
        } => (n, instruction, waited).into_pyobject(py)?,
        Response::Error {
            code,
            instruction,
            address,
        } => (n, code as u8, instruction, address).into_pyobject(py)?,
        Response::HaltEcho { time } => (n, time).into_pyobject(py)?,
    })
}

#[pyfunction]
fn wire_encode_instructions<'py>(
    py: Python<'py>,
    ops: &Bound<'py, PyList>,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut out = Vec::new();
    for op in ops.iter() {
        instruction_from(op.cast::<PyTuple>()?)?.encode_into(&mut out);
    }
    Ok(PyBytes::new(py, &out))
}

#[pyfunction]
fn wire_decode_instructions<'py>(
    py: Python<'py>,
    payload: &[u8],
) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let ins = decode_instructions(payload).map_err(|e| WireError::new_err(e.to_string()))?;
    ins.iter().map(|i| instruction_tuple(py, i)).collect()
}

#[pyfunction]
fn wire_encode_responses<'py>(
    py: Python<'py>,
    ops: &Bound<'py, PyList>,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut out = Vec::new();
    for op in ops.iter() {
        response_from(op.cast::<PyTuple>()?)?.encode_into(&mut out);
    }
    Ok(PyBytes::new(py, &out))
}

#[pyfunction]
fn wire_decode_responses<'py>(
    py: Python<'py>,
    payload: &[u8],
) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let rs = decode_responses(payload).map_err(|e| WireError::new_err(e.to_string()))?;
    rs.iter().map(|r| response_tuple(py, r)).collect()
}

/// The register at an address: (name, index, word), or None if unmapped.
#[pyfunction]
fn locate_address(address: u32) -> Option<(&'static str, u32, u8)> {
    regmap::locate(address).map(|l| (l.register.name, l.index, l.word))
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
    m.add_class::<ProgramBuilder>()?;
    m.add_class::<Program>()?;
    m.add_class::<RunResult>()?;
    m.add_class::<HostSession>()?;
    m.add_class::<EmulatorSession>()?;
    m.add_class::<FaultInjector>()?;
    m.add_class::<Shadow>()?;
    m.add_function(wrap_pyfunction!(link_encode_frame, m)?)?;
    m.add_function(wrap_pyfunction!(link_decode_frames, m)?)?;
    m.add_function(wrap_pyfunction!(wire_encode_instructions, m)?)?;
    m.add_function(wrap_pyfunction!(wire_decode_instructions, m)?)?;
    m.add_function(wrap_pyfunction!(wire_encode_responses, m)?)?;
    m.add_function(wrap_pyfunction!(wire_decode_responses, m)?)?;
    m.add_function(wrap_pyfunction!(locate_address, m)?)?;
    Ok(())
}

// ---------------------------------------------------------------- shadow

/// The host's copy of every word it wrote (authoritative where silicon cannot read).
#[pyclass(module = "bss_host._core")]
#[derive(Default)]
pub struct Shadow(wire::Shadow);

#[pymethods]
impl Shadow {
    #[new]
    fn new() -> Self {
        Self::default()
    }
    /// Record a program's writes, except to the `refused` addresses.
    #[pyo3(signature = (program, refused=Vec::new()))]
    fn apply(&mut self, py: Python<'_>, program: &Program, refused: Vec<u32>) {
        let s = &mut self.0;
        let p = &program.0;
        py.detach(|| s.apply(p, &refused));
    }
    fn update(
        &mut self,
        addresses: PyReadonlyArray1<'_, u32>,
        words: PyReadonlyArray1<'_, u32>,
    ) -> PyResult<()> {
        let (a, w) = (addresses.as_array(), words.as_array());
        if a.len() != w.len() {
            return Err(ProgramError::new_err(format!(
                "{} addresses and {} words; they must have the same length",
                a.len(),
                w.len()
            )));
        }
        for (&a, &w) in a.iter().zip(w.iter()) {
            self.0.set(a, w);
        }
        Ok(())
    }
    /// (words, present): the shadow words of `addresses`, 0 where nothing was written.
    fn get<'py>(
        &self,
        py: Python<'py>,
        addresses: PyReadonlyArray1<'py, u32>,
    ) -> (Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<bool>>) {
        let got: Vec<Option<u32>> = addresses
            .as_array()
            .iter()
            .map(|&a| self.0.get(a))
            .collect();
        let words: Vec<u32> = got.iter().map(|w| w.unwrap_or(0)).collect();
        let present: Vec<bool> = got.iter().map(Option::is_some).collect();
        (
            PyArray1::from_vec(py, words),
            PyArray1::from_vec(py, present),
        )
    }
    /// (addresses, words), sorted by address.
    fn entries<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<u32>>) {
        let (a, w): (Vec<u32>, Vec<u32>) = self.0.entries().into_iter().unzip();
        (PyArray1::from_vec(py, a), PyArray1::from_vec(py, w))
    }
    fn clear(&mut self) {
        self.0.clear()
    }
    fn __len__(&self) -> usize {
        self.0.len()
    }
}
