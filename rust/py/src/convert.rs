//! Conversions between Rust values and Python objects, in one place so that the method
//! bodies elsewhere are forwards: numpy arrays in and out, and the dicts (declared as
//! `TypedDict`s in `bss_host/_core_types.py`) built from the crates' plain structs.

pub mod ops;

use numpy::{Element, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::errors::not_contiguous;

pub type U32Array<'py> = Bound<'py, PyArray1<u32>>;

/// numpy's name of an element type, for error messages.
pub trait DtypeName: Element {
    const NAME: &'static str;
}

macro_rules! dtype_names {
    ($($t:ty => $n:literal),*) => {
        $(impl DtypeName for $t {
            const NAME: &'static str = $n;
        })*
    };
}
dtype_names!(u8 => "uint8", u16 => "uint16", u32 => "uint32", i64 => "int64");

// ---------------------------------------------------------------- arrays

/// The elements of a contiguous 1-d array; `what` names the argument in the error.
pub fn slice<'a, T: DtypeName>(a: &'a PyReadonlyArray1<'a, T>, what: &str) -> PyResult<&'a [T]> {
    a.as_slice().map_err(|_| not_contiguous(what, T::NAME))
}

/// Two arrays from pairs (an address/word stream, spike times and labels, ...).
pub fn unzip_arrays<'py, A: Element + Copy, B: Element + Copy>(
    py: Python<'py>,
    pairs: impl IntoIterator<Item = (A, B)>,
) -> (Bound<'py, PyArray1<A>>, Bound<'py, PyArray1<B>>) {
    let (a, b): (Vec<A>, Vec<B>) = pairs.into_iter().unzip();
    (PyArray1::from_vec(py, a), PyArray1::from_vec(py, b))
}

/// An (addresses, words) stream as two uint32 arrays.
pub fn word_stream(py: Python<'_>, s: regmap::bulk::WordStream) -> (U32Array<'_>, U32Array<'_>) {
    (
        PyArray1::from_vec(py, s.addresses),
        PyArray1::from_vec(py, s.words),
    )
}

/// Instruction words given as a list of ints or a 1-d uint32 array.
pub fn words(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, u32>>() {
        return Ok(a.as_array().to_vec());
    }
    obj.extract::<Vec<u32>>()
}

fn dict_of<'py, V: IntoPyObject<'py> + Clone>(
    py: Python<'py>,
    items: &[(&str, V)],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in items {
        d.set_item(*k, v.clone())?;
    }
    Ok(d)
}

// ---------------------------------------------------------------- register map

fn field_info<'py>(py: Python<'py>, f: &regmap::FieldDesc) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", f.name)?;
    d.set_item("doc", f.doc)?;
    d.set_item("unit", f.unit)?;
    d.set_item("word", f.word)?;
    d.set_item("lsb", f.lsb)?;
    d.set_item("width", f.width)?;
    d.set_item("reset", f.reset)?;
    d.set_item("access", f.access.as_str())?;
    d.set_item("readable", f.readable)?;
    d.set_item("signed", f.signed)?;
    d.set_item("min", f.min)?;
    d.set_item("max", f.max)?;
    d.set_item("sentinel", f.sentinel)?;
    d.set_item("enum", f.enum_names.to_vec())?;
    d.set_item("transform", f.transform.as_str())?;
    Ok(d)
}

/// One register as a `RegisterInfo`.
pub fn register_info<'py>(
    py: Python<'py>,
    r: &regmap::RegisterDesc,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", r.name)?;
    d.set_item("block", r.block)?;
    d.set_item("doc", r.doc)?;
    d.set_item("layout", r.layout.as_str())?;
    d.set_item("kind", r.kind.as_str())?;
    d.set_item("access", r.access.as_str())?;
    d.set_item("readable", r.readable)?;
    d.set_item("base", r.base)?;
    d.set_item("words", r.words)?;
    d.set_item("word_stride", r.word_stride)?;
    d.set_item("word_bits", r.word_bits)?;
    d.set_item("count", r.count)?;
    let dims: Vec<(&str, u32, u32)> = r.dims.iter().map(|d| (d.name, d.count, d.stride)).collect();
    d.set_item("dims", dims)?;
    let n = r.dims.len().max(1);
    let valid: Vec<Vec<u32>> = r.valid.chunks(n).map(<[u32]>::to_vec).collect();
    d.set_item("valid", valid)?;
    d.set_item("quirks", r.quirks.to_vec())?;
    let fields = PyList::empty(py);
    for f in r.fields {
        fields.append(field_info(py, f)?)?;
    }
    d.set_item("fields", fields)?;
    Ok(d)
}

/// The chip's constants as a `ChipInfo`.
pub fn chip_info<'py>(py: Python<'py>, c: &regmap::ChipDesc) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", c.name)?;
    d.set_item("fpga_clock_hz", c.fpga_clock_hz)?;
    d.set_item("ppu_clock_hz", c.ppu_clock_hz)?;
    d.set_item("playback_memory_bytes", c.playback_memory_bytes)?;
    Ok(d)
}

// ---------------------------------------------------------------- link statistics

/// A link's counters as `LinkStats`.
pub fn link_stats(py: Python<'_>, s: wire::link::LinkStats) -> PyResult<Bound<'_, PyDict>> {
    dict_of(
        py,
        &[
            ("frames_sent", s.frames_sent),
            ("frames_received", s.frames_received),
            ("data_frames_sent", s.data_frames_sent),
            ("retransmits", s.retransmits),
            ("duplicates", s.duplicates),
            ("dropped_chunks", s.dropped_chunks),
            ("bytes_sent", s.bytes_sent),
            ("bytes_received", s.bytes_received),
        ],
    )
}

/// A fault injector's counters as `FaultStats`.
pub fn fault_stats(py: Python<'_>, s: wire::faults::FaultStats) -> PyResult<Bound<'_, PyDict>> {
    dict_of(
        py,
        &[
            ("frames", s.frames),
            ("dropped", s.dropped),
            ("corrupted", s.corrupted),
            ("duplicated", s.duplicated),
            ("reordered", s.reordered),
            ("delayed", s.delayed),
        ],
    )
}

// ---------------------------------------------------------------- introspection

/// `NeuronTruth`: one float64 or bool array per name.
pub fn neuron_truth(
    py: Python<'_>,
    t: chip::introspect::NeuronTruth,
) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    for (name, v) in t.reals {
        d.set_item(name, PyArray1::from_vec(py, v))?;
    }
    for (name, v) in t.switches {
        d.set_item(name, PyArray1::from_vec(py, v))?;
    }
    Ok(d)
}

/// `NeuronStateInfo`: one array per state variable.
pub fn neuron_state<'py>(
    py: Python<'py>,
    s: &chip::model::neuron::NeuronState,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("v", PyArray1::from_slice(py, &s.v))?;
    d.set_item("i_exc", PyArray1::from_slice(py, &s.i_exc))?;
    d.set_item("i_inh", PyArray1::from_slice(py, &s.i_inh))?;
    d.set_item("w", PyArray1::from_slice(py, &s.w))?;
    d.set_item("refractory", PyArray1::from_slice(py, &s.refractory))?;
    Ok(d)
}

/// `PpuSnapshot`.
pub fn ppu_snapshot(
    py: Python<'_>,
    s: chip::introspect::PpuSnapshot,
) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("pc", s.pc)?;
    d.set_item("gpr", s.gpr.to_vec())?;
    d.set_item("cycles", s.cycles)?;
    d.set_item("instructions", s.instructions)?;
    d.set_item("vector_instructions", s.vector_instructions)?;
    d.set_item("stall_cycles", s.stall_cycles)?;
    d.set_item("sleep_cycles", s.sleep_cycles)?;
    d.set_item("sleeping", s.sleeping)?;
    d.set_item("released", s.released)?;
    d.set_item("fault", s.fault)?;
    Ok(d)
}

// ---------------------------------------------------------------- PPU programs

fn symbol_kind(k: ppu::elf::SymbolKind) -> &'static str {
    use ppu::elf::SymbolKind as K;
    match k {
        K::NoType => "notype",
        K::Object => "object",
        K::Func => "func",
        K::Other(_) => "other",
    }
}

/// `ElfImage`.
pub fn elf_image(py: Python<'_>, img: ppu::elf::PpuImage) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("internal", PyBytes::new(py, &img.internal))?;
    let segs = |s: &[(u32, Vec<u8>)]| -> Vec<(u32, Bound<'_, PyBytes>)> {
        s.iter().map(|(o, b)| (*o, PyBytes::new(py, b))).collect()
    };
    d.set_item("extmem", segs(&img.extmem))?;
    d.set_item("dram", segs(&img.dram))?;
    let syms: Vec<(String, u32, u32, &str)> = img
        .symbols
        .iter()
        .map(|(n, s)| (n.clone(), s.value, s.size, symbol_kind(s.kind)))
        .collect();
    d.set_item("symbols", syms)?;
    d.set_item("entry", img.entry)?;
    Ok(d)
}

/// Labels (address -> name) as the symbol table the disassembler takes.
pub fn labels(
    labels: Option<std::collections::BTreeMap<u32, String>>,
) -> std::collections::BTreeMap<String, ppu::elf::Symbol> {
    labels
        .unwrap_or_default()
        .into_iter()
        .map(|(a, n)| {
            let symbol = ppu::elf::Symbol {
                value: a,
                size: 0,
                kind: ppu::elf::SymbolKind::NoType,
                global: true,
            };
            (n, symbol)
        })
        .collect()
}

fn trap_info<'py>(py: Python<'py>, t: &ppu::Trap) -> PyResult<Bound<'py, PyDict>> {
    use ppu::{Fault, Trap};
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

/// `SnippetResult`.
pub fn snippet_result(py: Python<'_>, out: ppu::snippet::Outcome) -> PyResult<Bound<'_, PyDict>> {
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
        ppu::snippet::Stop::Trap(t) => d.set_item("trap", trap_info(py, t)?)?,
        _ => d.set_item("trap", py.None())?,
    }
    Ok(d)
}
