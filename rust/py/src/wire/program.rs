//! Programs (builder and built) and the host's shadow copy.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::sync::Arc;
use wire::program::{Program as RsProgram, ProgramBuilder as RsBuilder};

use crate::convert::{slice, unzip_arrays, U32Array};
use crate::errors::{length_mismatch, OrPy};

/// Builds a program; every method checks its operands and the playback-memory limit and
/// leaves the builder unchanged when it raises.
#[pyclass(module = "bss_host._core")]
pub struct ProgramBuilder(RsBuilder);

#[pymethods]
impl ProgramBuilder {
    #[new]
    #[pyo3(signature = (limit=None))]
    fn new(limit: Option<usize>) -> Self {
        let limit = limit.unwrap_or(regmap::CHIP.playback_memory_bytes as usize);
        ProgramBuilder(RsBuilder::new(limit))
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
    fn instructions(&self) -> u32 {
        self.0.instructions()
    }
    fn write_words(
        &mut self,
        addresses: PyReadonlyArray1<'_, u32>,
        words: PyReadonlyArray1<'_, u32>,
    ) -> PyResult<()> {
        let (a, w) = (slice(&addresses, "addresses")?, slice(&words, "words")?);
        self.0.write_many(a, w).or_py()
    }
    /// Returns the ticket of the first address.
    fn read_words(&mut self, addresses: PyReadonlyArray1<'_, u32>) -> PyResult<usize> {
        self.0.read_many(slice(&addresses, "addresses")?).or_py()
    }
    fn timer_reset(&mut self) -> PyResult<()> {
        self.0.timer_reset().or_py()
    }
    fn wait_until(&mut self, cycles: u32) -> PyResult<()> {
        self.0.wait_until(cycles).or_py()
    }
    fn wait(&mut self, cycles: u32) -> PyResult<()> {
        self.0.wait(cycles).or_py()
    }
    fn barrier(&mut self, flags: u8) -> PyResult<()> {
        self.0.barrier(flags).or_py()
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
            .or_py()
    }
    fn spike_train(
        &mut self,
        times: PyReadonlyArray1<'_, u32>,
        labels: PyReadonlyArray1<'_, u16>,
    ) -> PyResult<()> {
        let (t, l) = (slice(&times, "times")?, slice(&labels, "labels")?);
        self.0.spike_train(t, l).or_py()
    }
    fn event_recording(&mut self, enable: bool) -> PyResult<()> {
        self.0.event_recording(enable).or_py()
    }
    /// Append HALT and return the program; the builder starts over.
    fn finish(&mut self) -> Program {
        Program(Arc::new(self.0.finish()))
    }
}

#[pyclass(module = "bss_host._core", frozen)]
pub struct Program(pub Arc<RsProgram>);

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
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.bytes())
    }
    /// Instruction numbers of the reads (ticket order).
    fn read_instructions<'py>(&self, py: Python<'py>) -> U32Array<'py> {
        PyArray1::from_slice(py, self.0.read_instructions())
    }
}

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
        let (s, p) = (&mut self.0, &program.0);
        py.detach(|| s.apply(p, &refused));
    }
    fn update(
        &mut self,
        addresses: PyReadonlyArray1<'_, u32>,
        words: PyReadonlyArray1<'_, u32>,
    ) -> PyResult<()> {
        let (a, w) = (addresses.as_array(), words.as_array());
        if a.len() != w.len() {
            return Err(length_mismatch(("addresses", a.len()), ("words", w.len())));
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
    ) -> (U32Array<'py>, Bound<'py, PyArray1<bool>>) {
        let addresses = addresses.as_array();
        let got = addresses.iter().map(|&a| self.0.get(a));
        unzip_arrays(py, got.map(|w| (w.unwrap_or(0), w.is_some())))
    }
    /// (addresses, words), sorted by address.
    fn entries<'py>(&self, py: Python<'py>) -> (U32Array<'py>, U32Array<'py>) {
        unzip_arrays(py, self.0.entries())
    }
}
