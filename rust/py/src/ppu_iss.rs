//! Bindings that run bare PPU instruction sequences on the instruction-set simulator
//! (for differential tests against other implementations).
//!
//! A snippet is a list of instruction words loaded big-endian at address 0 of a fresh
//! 16 KiB SRAM. It runs until the PC leaves the snippet (falls off its end or branches
//! out of it), the core sleeps (`wait`), an instruction traps, or `max_steps`
//! instructions have executed.

use numpy::PyReadonlyArray1;
use ppu::cpu::{spr, SRAM_BYTES};
use ppu::{Cpu, Fault, Sram, StepOutcome, Trap};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use thiserror::Error;

use crate::errors::ShapeError;

/// Bad input to [`run_snippet`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SnippetError {
    #[error("expected {expected} general-purpose registers, got {got}")]
    RegisterCount { expected: usize, got: usize },
    #[error("{words} instruction words ({bytes} bytes) do not fit the {SRAM_BYTES}-byte SRAM")]
    CodeTooLarge { words: usize, bytes: usize },
    #[error(
        "{len} bytes of initial memory at {base:#x} reach past the end of the \
         {SRAM_BYTES}-byte SRAM"
    )]
    MemoryOutOfRange { base: usize, len: usize },
}

impl SnippetError {
    fn into_py(self) -> PyErr {
        let msg = self.to_string();
        match self {
            SnippetError::RegisterCount { .. } => ShapeError::new_err(msg),
            SnippetError::CodeTooLarge { .. } | SnippetError::MemoryOutOfRange { .. } => {
                PyValueError::new_err(msg)
            }
        }
    }
}

/// Initial register values of a snippet run.
pub struct Registers {
    pub gpr: [u32; 32],
    pub cr: u32,
    pub xer: u32,
    pub lr: u32,
    pub ctr: u32,
}

/// Why a snippet run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The PC left the code (fell off the end or branched outside it).
    Left,
    /// A `wait` put the core to sleep.
    Wait,
    /// `max_steps` instructions executed with the PC still inside the code.
    MaxSteps,
    /// An instruction trapped (the state is the one before it).
    Trap(Trap),
}

impl Stop {
    fn name(&self) -> &'static str {
        match self {
            Stop::Left => "left",
            Stop::Wait => "wait",
            Stop::MaxSteps => "max_steps",
            Stop::Trap(_) => "trap",
        }
    }
}

/// The state after a snippet run.
pub struct Outcome {
    pub cpu: Cpu,
    pub sram: Sram,
    pub steps: u64,
    pub stop: Stop,
}

/// Loads `words` at 0 and `memory` at `memory_base` (default: right after the code)
/// into a fresh SRAM, sets the registers and runs (see the module docs).
pub fn run_snippet(
    words: &[u32],
    regs: &Registers,
    memory: &[u8],
    memory_base: Option<usize>,
    max_steps: u64,
) -> Result<Outcome, SnippetError> {
    let code_bytes = words.len().saturating_mul(4);
    if code_bytes > SRAM_BYTES {
        return Err(SnippetError::CodeTooLarge {
            words: words.len(),
            bytes: code_bytes,
        });
    }
    let base = memory_base.unwrap_or(code_bytes);
    let end = base
        .checked_add(memory.len())
        .filter(|&e| e <= SRAM_BYTES)
        .ok_or(SnippetError::MemoryOutOfRange {
            base,
            len: memory.len(),
        })?;
    let mut sram = Sram::new();
    sram.bytes_mut()[base..end].copy_from_slice(memory);
    // The code goes in last: initial memory placed over it does not clobber it.
    for (chunk, w) in sram.bytes_mut().chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&w.to_be_bytes());
    }

    let mut cpu = Cpu::new();
    cpu.gpr = regs.gpr;
    cpu.cr = regs.cr;
    // XER as mtspr writes it: only SO, OV and CA exist.
    cpu.write_spr(spr::XER, regs.xer);
    cpu.lr = regs.lr;
    cpu.ctr = regs.ctr;

    // `code_bytes` ≤ 16 KiB, so the conversion cannot fail.
    let code_end = u32::try_from(code_bytes).unwrap_or(u32::MAX);
    let mut steps = 0u64;
    let stop = loop {
        if cpu.pc >= code_end {
            break Stop::Left;
        }
        if steps >= max_steps {
            break Stop::MaxSteps;
        }
        match cpu.step(&mut sram) {
            Ok(StepOutcome::Continue) => steps += 1,
            Ok(StepOutcome::Sleep) => {
                steps += 1;
                break Stop::Wait;
            }
            Err(t) => break Stop::Trap(t),
        }
    };
    Ok(Outcome {
        cpu,
        sram,
        steps,
        stop,
    })
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
        SnippetError::RegisterCount {
            expected: 32,
            got: gpr.len(),
        }
        .into_py()
    })?;
    let regs = Registers {
        gpr,
        cr,
        xer,
        lr,
        ctr,
    };
    let out = run_snippet(&words, &regs, memory.unwrap_or(&[]), memory_base, max_steps)
        .map_err(SnippetError::into_py)?;

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
