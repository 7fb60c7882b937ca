//! Binding of the `ppu` crate: the assembler, the ELF loader, the disassembler, and bare
//! instruction sequences on the instruction-set simulator (for differential tests).

use std::collections::BTreeMap;

use ppu::snippet::{run_snippet, Registers, SnippetError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::convert;
use crate::errors::{elf_of, OrPy, ToPyErr};

/// Assembles GNU-as syntax to an ELF32 big-endian executable.
#[pyfunction]
fn ppu_assemble<'py>(
    py: Python<'py>,
    source: &str,
    file_name: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let obj = ppu::asm::assemble(source, file_name).or_py()?;
    let elf = ppu::elf::write_elf(&obj).map_err(|e| elf_of(file_name, e))?;
    Ok(PyBytes::new(py, &elf))
}

/// Splits an ELF into memory images: {internal, extmem, dram, symbols, entry}.
#[pyfunction]
fn ppu_read_elf<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyDict>> {
    convert::elf_image(py, ppu::elf::read_elf(data).or_py()?)
}

/// objdump-like listing of big-endian code bytes at `base`, with `labels` (address ->
/// name) as label lines and branch-target names.
#[pyfunction]
#[pyo3(signature = (data, base, labels=None))]
fn ppu_disassemble(data: &[u8], base: u32, labels: Option<BTreeMap<u32, String>>) -> Vec<String> {
    ppu::disasm_image::disassemble_image(data, base, &convert::labels(labels))
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs instruction words on the PPU simulator from a given register state; returns
/// the final state (a `SnippetResult`).
#[pyfunction]
#[pyo3(signature = (
    words, gpr, cr, xer, lr, ctr, memory=None, memory_base=None, max_steps=10_000
))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of the Python function
fn ppu_run_snippet<'py>(
    py: Python<'py>,
    words: &Bound<'py, PyAny>,
    gpr: Vec<u32>,
    cr: u32,
    xer: u32,
    lr: u32,
    ctr: u32,
    memory: Option<&[u8]>,
    memory_base: Option<usize>,
    max_steps: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let words = convert::words(words)?;
    let gpr: [u32; 32] = gpr.as_slice().try_into().map_err(|_| {
        let e = SnippetError::RegisterCount {
            expected: 32,
            got: gpr.len(),
        };
        e.to_py_err()
    })?;
    let regs = Registers {
        gpr,
        cr,
        xer,
        lr,
        ctr,
    };
    let memory = memory.unwrap_or(&[]);
    let out = run_snippet(&words, &regs, memory, memory_base, max_steps).or_py()?;
    convert::snippet_result(py, out)
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ppu_assemble, m)?)?;
    m.add_function(wrap_pyfunction!(ppu_read_elf, m)?)?;
    m.add_function(wrap_pyfunction!(ppu_disassemble, m)?)?;
    m.add_function(wrap_pyfunction!(ppu_run_snippet, m)?)?;
    Ok(())
}
