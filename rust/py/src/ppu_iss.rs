//! Binding of [`ppu::snippet`]: runs bare PPU instruction sequences on the
//! instruction-set simulator (for differential tests against other implementations).

use numpy::PyReadonlyArray1;
use ppu::snippet::{run_snippet, Registers, SnippetError, Stop};
use ppu::{Fault, Trap};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::errors::{InputError, ShapeError};

fn snippet_error(e: SnippetError) -> PyErr {
    let msg = e.to_string();
    match e {
        SnippetError::RegisterCount { .. } => ShapeError::new_err(msg),
        SnippetError::CodeTooLarge { .. } | SnippetError::MemoryOutOfRange { .. } => {
            InputError::new_err(msg)
        }
    }
}

fn trap_dict<'py>(py: Python<'py>, t: &Trap) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("message", t.to_string())?;
    match *t {
        Trap::Illegal { pc, word } => {
            d.set_item("kind", "illegal")?;
            d.set_item("pc", pc)?;
            d.set_item("word", word)?;
        }
        Trap::Alignment { pc, addr } => {
            d.set_item("kind", "alignment")?;
            d.set_item("pc", pc)?;
            d.set_item("addr", addr)?;
        }
        Trap::Program { pc } => {
            d.set_item("kind", "program")?;
            d.set_item("pc", pc)?;
        }
        Trap::Memory {
            pc,
            fault: Fault::Bus { addr },
        } => {
            d.set_item("kind", "memory")?;
            d.set_item("pc", pc)?;
            d.set_item("addr", addr)?;
        }
    }
    Ok(d)
}

/// Instruction words as a list of ints or a 1-D uint32 array.
fn words_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, u32>>() {
        return Ok(a.as_array().to_vec());
    }
    obj.extract::<Vec<u32>>()
}

/// Runs instruction words on the PPU simulator from a given register state; returns
/// the final state as a dict (see `_core.pyi`).
#[pyfunction]
#[pyo3(signature = (
    words, gpr, cr, xer, lr, ctr, memory=None, memory_base=None, max_steps=10_000
))]
#[allow(clippy::too_many_arguments)]
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
    let words = words_arg(words)?;
    let gpr: [u32; 32] = gpr.as_slice().try_into().map_err(|_| {
        snippet_error(SnippetError::RegisterCount {
            expected: 32,
            got: gpr.len(),
        })
    })?;
    let regs = Registers {
        gpr,
        cr,
        xer,
        lr,
        ctr,
    };
    let out = run_snippet(&words, &regs, memory.unwrap_or(&[]), memory_base, max_steps)
        .map_err(snippet_error)?;

    let d = PyDict::new(py);
    d.set_item("gpr", out.cpu.gpr.to_vec())?;
    d.set_item("cr", out.cpu.cr)?;
    d.set_item("xer", out.cpu.xer)?;
    d.set_item("lr", out.cpu.lr)?;
    d.set_item("ctr", out.cpu.ctr)?;
    d.set_item("pc", out.cpu.pc)?;
    d.set_item("steps", out.steps)?;
    d.set_item("stop", out.stop.name())?;
    d.set_item("memory", PyBytes::new(py, out.sram.bytes()))?;
    match &out.stop {
        Stop::Trap(t) => d.set_item("trap", trap_dict(py, t)?)?,
        _ => d.set_item("trap", py.None())?,
    }
    Ok(d)
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ppu_run_snippet, m)?)?;
    Ok(())
}
