//! Programs, their run results and the host's shadow copy.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::sync::Arc;
use wire::instr::ErrorCode;
use wire::program::{Program as RsProgram, ProgramBuilder as RsBuilder};

use super::*;

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
pub struct Program(pub(super) Arc<RsProgram>);

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
pub struct RunResult(pub(super) wire::RunOutcome);

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
