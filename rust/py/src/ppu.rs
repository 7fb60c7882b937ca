//! PPU program tools: the assembler, the ELF loader and the disassembler.

use std::collections::BTreeMap;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use ppu::elf::{Symbol, SymbolKind};

use crate::errors::{PpuAsmError, PpuElfError};

fn kind_name(k: SymbolKind) -> &'static str {
    match k {
        SymbolKind::NoType => "notype",
        SymbolKind::Object => "object",
        SymbolKind::Func => "func",
        SymbolKind::Other(_) => "other",
    }
}

/// Assembles GNU-as syntax to an ELF32 big-endian executable.
#[pyfunction]
fn ppu_assemble<'py>(
    py: Python<'py>,
    source: &str,
    file_name: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let obj = ppu::asm::assemble(source, file_name).map_err(|errs| {
        let list: Vec<(String, usize, usize, String)> = errs
            .0
            .iter()
            .map(|e| {
                (
                    e.file.to_string(),
                    e.line as usize,
                    e.column as usize,
                    e.kind.to_string(),
                )
            })
            .collect();
        let text = errs.to_string();
        let err = PpuAsmError::new_err(text);
        let _ = err.value(py).setattr("errors", list);
        err
    })?;
    let elf =
        ppu::elf::write_elf(&obj).map_err(|e| PpuElfError::new_err(format!("{file_name}: {e}")))?;
    Ok(PyBytes::new(py, &elf))
}

/// Splits an ELF into memory images: {internal, extmem, dram, symbols, entry}.
#[pyfunction]
fn ppu_read_elf<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyDict>> {
    let img = ppu::elf::read_elf(data).map_err(|e| PpuElfError::new_err(e.to_string()))?;
    let d = PyDict::new(py);
    d.set_item("internal", PyBytes::new(py, &img.internal))?;
    let segs = |s: &[(u32, Vec<u8>)]| -> Vec<(u32, Bound<'py, PyBytes>)> {
        s.iter().map(|(o, b)| (*o, PyBytes::new(py, b))).collect()
    };
    d.set_item("extmem", segs(&img.extmem))?;
    d.set_item("dram", segs(&img.dram))?;
    let syms: Vec<(String, u32, u32, &str)> = img
        .symbols
        .iter()
        .map(|(n, s)| (n.clone(), s.value, s.size, kind_name(s.kind)))
        .collect();
    d.set_item("symbols", syms)?;
    d.set_item("entry", img.entry)?;
    Ok(d)
}

/// objdump-like listing of big-endian code bytes at `base`, with `labels` (address ->
/// name) as label lines and branch-target names.
#[pyfunction]
#[pyo3(signature = (data, base, labels=None))]
fn ppu_disassemble(data: &[u8], base: u32, labels: Option<BTreeMap<u32, String>>) -> Vec<String> {
    let symbols: BTreeMap<String, Symbol> = labels
        .unwrap_or_default()
        .into_iter()
        .map(|(a, n)| {
            (
                n,
                Symbol {
                    value: a,
                    size: 0,
                    kind: SymbolKind::NoType,
                    global: true,
                },
            )
        })
        .collect();
    ppu::disasm_image::disassemble_image(data, base, &symbols)
        .lines()
        .map(str::to_string)
        .collect()
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ppu_assemble, m)?)?;
    m.add_function(wrap_pyfunction!(ppu_read_elf, m)?)?;
    m.add_function(wrap_pyfunction!(ppu_disassemble, m)?)?;
    Ok(())
}
