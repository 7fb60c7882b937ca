//! Register-map bindings: metadata, single-register and bulk encode/decode.

use crate::errors::{IntoPy, ShapeError};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use regmap::bulk::{self, Column, Instances, SynapseArrays};
use regmap::{codec, register, RegisterDesc, BLOCKS, CHIP, INVENTORY, REGISTERS};

type U32Array<'py> = Bound<'py, PyArray1<u32>>;

fn reg<'py>(py: Python<'py>, name: &str) -> PyResult<&'static RegisterDesc> {
    register(name).py_err(py)
}

fn register_dict<'py>(py: Python<'py>, r: &RegisterDesc) -> PyResult<Bound<'py, PyDict>> {
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
    let valid: Vec<Vec<u32>> = r.valid.chunks(n).map(|c| c.to_vec()).collect();
    d.set_item("valid", valid)?;
    d.set_item("quirks", r.quirks.to_vec())?;
    let fields = PyList::empty(py);
    for f in r.fields {
        let fd = PyDict::new(py);
        fd.set_item("name", f.name)?;
        fd.set_item("doc", f.doc)?;
        fd.set_item("unit", f.unit)?;
        fd.set_item("word", f.word)?;
        fd.set_item("lsb", f.lsb)?;
        fd.set_item("width", f.width)?;
        fd.set_item("reset", f.reset)?;
        fd.set_item("access", f.access.as_str())?;
        fd.set_item("readable", f.readable)?;
        fd.set_item("signed", f.signed)?;
        fd.set_item("min", f.min)?;
        fd.set_item("max", f.max)?;
        fd.set_item("sentinel", f.sentinel)?;
        fd.set_item("enum", f.enum_names.to_vec())?;
        fd.set_item("transform", f.transform.as_str())?;
        fields.append(fd)?;
    }
    d.set_item("fields", fields)?;
    Ok(d)
}

/// The whole map as plain Python data: chip, blocks, inventory, registers.
#[pyfunction]
fn map_metadata(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    let chip = PyDict::new(py);
    chip.set_item("name", CHIP.name)?;
    chip.set_item("fpga_clock_hz", CHIP.fpga_clock_hz)?;
    chip.set_item("ppu_clock_hz", CHIP.ppu_clock_hz)?;
    chip.set_item("playback_memory_bytes", CHIP.playback_memory_bytes)?;
    d.set_item("chip", chip)?;
    let blocks: Vec<(&str, &str)> = BLOCKS.iter().map(|b| (b.name, b.doc)).collect();
    d.set_item("blocks", blocks)?;
    let inv: Vec<(&str, &str, u32)> = INVENTORY
        .iter()
        .map(|i| (i.name, i.register, i.per_instance))
        .collect();
    d.set_item("inventory", inv)?;
    let regs = PyList::empty(py);
    for r in REGISTERS {
        regs.append(register_dict(py, r)?)?;
    }
    d.set_item("registers", regs)?;
    Ok(d)
}

fn stream<'py>(py: Python<'py>, s: bulk::WordStream) -> Bound<'py, PyTuple> {
    let a = PyArray1::from_vec(py, s.addresses);
    let w = PyArray1::from_vec(py, s.words);
    PyTuple::new(py, [a.into_any(), w.into_any()]).expect("a tuple of two arrays")
}

/// Encode one instance: named field values, the rest at reset. Returns (addresses, words).
#[pyfunction]
fn encode<'py>(
    py: Python<'py>,
    name: &str,
    index: u32,
    values: Vec<(String, i64)>,
) -> PyResult<(Vec<u32>, Vec<u32>)> {
    let r = reg(py, name)?;
    r.check_index(index).py_err(py)?;
    let named: Vec<(&str, i64)> = values.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let words = codec::encode_named(r, Some(index), &named).py_err(py)?;
    let addrs = (0..r.words)
        .map(|w| r.address(index, w))
        .collect::<Result<_, _>>()
        .py_err(py)?;
    Ok((addrs, words))
}

/// Decode one instance's words into (field name, value) pairs in map order.
#[pyfunction]
fn decode(py: Python<'_>, name: &str, words: Vec<u32>) -> PyResult<Vec<(&'static str, i64)>> {
    let r = reg(py, name)?;
    let values = codec::decode(r, None, &words).py_err(py)?;
    Ok(r.fields.iter().map(|f| f.name).zip(values).collect())
}

fn instances<'a>(idx: &'a Option<PyReadonlyArray1<'a, u32>>) -> PyResult<Instances<'a>> {
    Ok(match idx {
        None => Instances::All,
        Some(a) => Instances::Some(
            a.as_slice()
                .map_err(|_| ShapeError::new_err("indices must be a contiguous uint32 array"))?,
        ),
    })
}

/// Addresses of every word of the chosen instances (all when `indices` is None).
#[pyfunction]
#[pyo3(signature = (name, indices=None))]
fn addresses<'py>(
    py: Python<'py>,
    name: &str,
    indices: Option<PyReadonlyArray1<'py, u32>>,
) -> PyResult<U32Array<'py>> {
    let r = reg(py, name)?;
    let inst = instances(&indices)?;
    Ok(PyArray1::from_vec(
        py,
        bulk::stream_addresses(r, inst).py_err(py)?,
    ))
}

/// Encode many instances. `columns` maps field names to contiguous int64 arrays or ints;
/// fields left out keep their reset value. Returns (addresses, words).
#[pyfunction]
#[pyo3(signature = (name, columns, indices=None))]
fn encode_array<'py>(
    py: Python<'py>,
    name: &str,
    columns: &Bound<'py, PyDict>,
    indices: Option<PyReadonlyArray1<'py, u32>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let r = reg(py, name)?;
    let mut arrays: Vec<Option<PyReadonlyArray1<'py, i64>>> =
        (0..r.fields.len()).map(|_| None).collect();
    let mut scalars: Vec<i64> = r.fields.iter().map(|f| f.reset).collect();
    for (k, v) in columns.iter() {
        let key: String = k.extract()?;
        let (i, _) = r.field(&key).py_err(py)?;
        if let Ok(x) = v.extract::<i64>() {
            scalars[i] = x;
        } else {
            arrays[i] = Some(v.extract::<PyReadonlyArray1<'py, i64>>().map_err(|_| {
                ShapeError::new_err(format!("field {key} must be an int or a 1-d int64 array"))
            })?);
        }
    }
    let cols: Vec<Column<'_>> = arrays
        .iter()
        .zip(&scalars)
        .map(|(a, &s)| match a {
            Some(a) => a
                .as_slice()
                .map(Column::Array)
                .map_err(|_| ShapeError::new_err("field arrays must be contiguous")),
            None => Ok(Column::Scalar(s)),
        })
        .collect::<PyResult<_>>()?;
    let inst = instances(&indices)?;
    let s = bulk::encode_array(r, inst, &cols).py_err(py)?;
    Ok(stream(py, s))
}

/// Decode the words of whole instances (instance-major) into {field: int64 array}.
#[pyfunction]
fn decode_array<'py>(
    py: Python<'py>,
    name: &str,
    words: PyReadonlyArray1<'py, u32>,
) -> PyResult<Bound<'py, PyDict>> {
    let r = reg(py, name)?;
    let w = words
        .as_slice()
        .map_err(|_| ShapeError::new_err("words must be a contiguous uint32 array"))?;
    let cols = bulk::decode_array(r, w).py_err(py)?;
    let d = PyDict::new(py);
    for (f, c) in r.fields.iter().zip(cols) {
        d.set_item(f.name, PyArray1::from_vec(py, c))?;
    }
    Ok(d)
}

fn u8_slice<'a>(a: &'a PyReadonlyArray1<'a, u8>, what: &str) -> PyResult<&'a [u8]> {
    a.as_slice()
        .map_err(|_| ShapeError::new_err(format!("{what} must be a contiguous uint8 array")))
}

/// Encode both synapse arrays (each flattened [synram][row][column], uint8) into the
/// synapse-quad stream. Returns (addresses, words).
#[pyfunction]
fn encode_synapses<'py>(
    py: Python<'py>,
    weights: PyReadonlyArray1<'py, u8>,
    labels: PyReadonlyArray1<'py, u8>,
    time_calib: PyReadonlyArray1<'py, u8>,
    amp_calib: PyReadonlyArray1<'py, u8>,
) -> PyResult<Bound<'py, PyTuple>> {
    let a = SynapseArrays {
        weights: u8_slice(&weights, "weights")?,
        labels: u8_slice(&labels, "labels")?,
        time_calib: u8_slice(&time_calib, "time_calib")?,
        amp_calib: u8_slice(&amp_calib, "amp_calib")?,
    };
    let s = bulk::encode_synapses(a).py_err(py)?;
    Ok(stream(py, s))
}

/// Decode the synapse-quad words into (weights, labels, time_calib, amp_calib), flat uint8.
#[pyfunction]
fn decode_synapses<'py>(
    py: Python<'py>,
    words: PyReadonlyArray1<'py, u32>,
) -> PyResult<Bound<'py, PyTuple>> {
    let w = words
        .as_slice()
        .map_err(|_| ShapeError::new_err("words must be a contiguous uint32 array"))?;
    let o = bulk::decode_synapses(w).py_err(py)?;
    let arrays = [o.weights, o.labels, o.time_calib, o.amp_calib]
        .map(|v| PyArray1::from_vec(py, v).into_any());
    PyTuple::new(py, arrays)
}

/// Stored bits of a field value's bits under the map's transform `name` ("" = none).
#[pyfunction]
fn apply_transform(name: &str, bits: u32) -> PyResult<u32> {
    regmap::Transform::from_name(name)
        .map(|t| t.apply(bits))
        .ok_or_else(|| {
            crate::errors::UnknownNameError::new_err(format!("unknown transform '{name}'"))
        })
}

/// Synapse column of (quad, entry) in every quad-organised register (synapses, CADC
/// samples, correlation switches): 64 x 4, row-major.
#[pyfunction]
fn quad_columns(py: Python<'_>) -> U32Array<'_> {
    let cols = (0..64u32)
        .flat_map(|q| (0..4u32).map(move |e| regmap::quirks::synapse_column(q, e)))
        .collect();
    PyArray1::from_vec(py, cols)
}

/// Instance indices of capmem_cell holding the 24 parameters of each of the 512 neurons.
#[pyfunction]
fn neuron_capmem_indices(py: Python<'_>) -> U32Array<'_> {
    PyArray1::from_vec(py, bulk::neuron_capmem_indices())
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(map_metadata, m)?)?;
    m.add_function(wrap_pyfunction!(encode, m)?)?;
    m.add_function(wrap_pyfunction!(decode, m)?)?;
    m.add_function(wrap_pyfunction!(addresses, m)?)?;
    m.add_function(wrap_pyfunction!(encode_array, m)?)?;
    m.add_function(wrap_pyfunction!(decode_array, m)?)?;
    m.add_function(wrap_pyfunction!(encode_synapses, m)?)?;
    m.add_function(wrap_pyfunction!(decode_synapses, m)?)?;
    m.add_function(wrap_pyfunction!(neuron_capmem_indices, m)?)?;
    m.add_function(wrap_pyfunction!(apply_transform, m)?)?;
    m.add_function(wrap_pyfunction!(quad_columns, m)?)?;
    Ok(())
}
