//! Binding of the `regmap` crate: the map's metadata and rules (field lookup, indices,
//! coordinates, legal values), one-register and bulk encode/decode, address lookup.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use regmap::bulk::{self, Column, Instances, SynapseArrays};
use regmap::{codec, RegisterDesc, BLOCKS, CHIP, INVENTORY, REGISTERS};

use crate::convert::{self, slice, word_stream, U32Array};
use crate::errors::{bad_column, unknown_transform, OrPy};

fn reg(name: &str) -> PyResult<&'static RegisterDesc> {
    regmap::register(name).or_py()
}

/// The whole map as plain Python data: chip, blocks, inventory, registers.
#[pyfunction]
fn map_metadata(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("chip", convert::chip_info(py, &CHIP)?)?;
    let blocks: Vec<(&str, &str)> = BLOCKS.iter().map(|b| (b.name, b.doc)).collect();
    d.set_item("blocks", blocks)?;
    let inv: Vec<(&str, &str, u32)> = INVENTORY
        .iter()
        .map(|i| (i.name, i.register, i.per_instance))
        .collect();
    d.set_item("inventory", inv)?;
    let regs = PyList::empty(py);
    for r in REGISTERS {
        regs.append(convert::register_info(py, r)?)?;
    }
    d.set_item("registers", regs)?;
    Ok(d)
}

/// Position of a register in the map (and in `map_metadata()["registers"]`).
#[pyfunction]
fn register_number(name: &str) -> PyResult<usize> {
    reg(name).map(regmap::register_number)
}

/// Position of a field in its register's field list.
#[pyfunction]
fn field_number(name: &str, field: &str) -> PyResult<usize> {
    Ok(reg(name)?.field(field).or_py()?.0)
}

/// Whether `value` is a legal value of a field (its range or its sentinel).
#[pyfunction]
fn field_is_legal(name: &str, field: &str, value: i64) -> PyResult<bool> {
    Ok(reg(name)?.field(field).or_py()?.1.is_legal(value))
}

/// The legal values of a field as error messages show them.
#[pyfunction]
fn field_allowed(name: &str, field: &str) -> PyResult<String> {
    Ok(reg(name)?.field(field).or_py()?.1.allowed())
}

/// Instance index of a dim tuple (row-major; sparse registers by their list).
#[pyfunction]
fn index_of(name: &str, coordinates: Vec<i64>) -> PyResult<u32> {
    reg(name)?.index_of(&coordinates).or_py()
}

/// The dim tuple of an instance.
#[pyfunction]
fn coordinates(name: &str, index: i64) -> PyResult<Vec<u32>> {
    let r = reg(name)?;
    r.coordinates(r.instance(index).or_py()?).or_py()
}

/// The address of one word of one instance.
#[pyfunction]
#[pyo3(signature = (name, index=0, word=0))]
fn address(name: &str, index: i64, word: i64) -> PyResult<u32> {
    let r = reg(name)?;
    r.address(r.instance(index).or_py()?, r.word(word).or_py()?)
        .or_py()
}

/// Encode one instance: named field values, the rest at reset. Returns (addresses, words).
#[pyfunction]
fn encode(name: &str, index: u32, values: Vec<(String, i64)>) -> PyResult<(Vec<u32>, Vec<u32>)> {
    let r = reg(name)?;
    r.check_index(index).or_py()?;
    let named: Vec<(&str, i64)> = values.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let words = codec::encode_named(r, Some(index), &named).or_py()?;
    let addrs = (0..r.words)
        .map(|w| r.address(index, w))
        .collect::<Result<_, _>>()
        .or_py()?;
    Ok((addrs, words))
}

/// Decode one instance's words into (field name, value) pairs in map order.
#[pyfunction]
fn decode(name: &str, words: Vec<u32>) -> PyResult<Vec<(&'static str, i64)>> {
    let r = reg(name)?;
    let values = codec::decode(r, None, &words).or_py()?;
    Ok(r.fields.iter().map(|f| f.name).zip(values).collect())
}

fn instances<'a>(idx: &'a Option<PyReadonlyArray1<'a, u32>>) -> PyResult<Instances<'a>> {
    Ok(match idx {
        None => Instances::All,
        Some(a) => Instances::Some(slice(a, "indices")?),
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
    let r = reg(name)?;
    let a = bulk::stream_addresses(r, instances(&indices)?).or_py()?;
    Ok(PyArray1::from_vec(py, a))
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
) -> PyResult<(U32Array<'py>, U32Array<'py>)> {
    let r = reg(name)?;
    let mut arrays: Vec<Option<PyReadonlyArray1<'py, i64>>> =
        (0..r.fields.len()).map(|_| None).collect();
    let mut scalars: Vec<i64> = codec::reset_values(r);
    for (k, v) in columns.iter() {
        let key: String = k.extract()?;
        let (i, _) = r.field(&key).or_py()?;
        if let Ok(x) = v.extract::<i64>() {
            scalars[i] = x;
        } else {
            arrays[i] = Some(v.extract().map_err(|_| bad_column(&key))?);
        }
    }
    let cols: Vec<Column<'_>> = arrays
        .iter()
        .zip(&scalars)
        .map(|(a, &s)| match a {
            Some(a) => slice(a, "field arrays").map(Column::Array),
            None => Ok(Column::Scalar(s)),
        })
        .collect::<PyResult<_>>()?;
    let s = bulk::encode_array(r, instances(&indices)?, &cols).or_py()?;
    Ok(word_stream(py, s))
}

/// Decode the words of whole instances (instance-major) into {field: int64 array}.
#[pyfunction]
fn decode_array<'py>(
    py: Python<'py>,
    name: &str,
    words: PyReadonlyArray1<'py, u32>,
) -> PyResult<Bound<'py, PyDict>> {
    let r = reg(name)?;
    let cols = bulk::decode_array(r, slice(&words, "words")?).or_py()?;
    let d = PyDict::new(py);
    for (f, c) in r.fields.iter().zip(cols) {
        d.set_item(f.name, PyArray1::from_vec(py, c))?;
    }
    Ok(d)
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
) -> PyResult<(U32Array<'py>, U32Array<'py>)> {
    let a = SynapseArrays {
        weights: slice(&weights, "weights")?,
        labels: slice(&labels, "labels")?,
        time_calib: slice(&time_calib, "time_calib")?,
        amp_calib: slice(&amp_calib, "amp_calib")?,
    };
    Ok(word_stream(py, bulk::encode_synapses(a).or_py()?))
}

type U8Array<'py> = Bound<'py, PyArray1<u8>>;

/// Decode the synapse-quad words into (weights, labels, time_calib, amp_calib), flat uint8.
#[pyfunction]
fn decode_synapses<'py>(
    py: Python<'py>,
    words: PyReadonlyArray1<'py, u32>,
) -> PyResult<(U8Array<'py>, U8Array<'py>, U8Array<'py>, U8Array<'py>)> {
    let o = bulk::decode_synapses(slice(&words, "words")?).or_py()?;
    let a = |v| PyArray1::from_vec(py, v);
    Ok((a(o.weights), a(o.labels), a(o.time_calib), a(o.amp_calib)))
}

/// Stored bits of a field value's bits under the map's transform `name` ("" = none).
#[pyfunction]
fn apply_transform(name: &str, bits: u32) -> PyResult<u32> {
    regmap::Transform::from_name(name)
        .map(|t| t.apply(bits))
        .ok_or_else(|| unknown_transform(name))
}

/// Synapse column of (quad, entry) in every quad-organised register (synapses, CADC
/// samples, correlation switches): 64 x 4, row-major.
#[pyfunction]
fn quad_columns(py: Python<'_>) -> U32Array<'_> {
    PyArray1::from_vec(py, regmap::quirks::quad_columns())
}

/// Instance indices of capmem_cell holding the 24 parameters of each of the 512 neurons.
#[pyfunction]
fn neuron_capmem_indices(py: Python<'_>) -> U32Array<'_> {
    PyArray1::from_vec(py, bulk::neuron_capmem_indices())
}

/// The register at an address: (name, index, word), or None if unmapped.
#[pyfunction]
fn locate_address(address: u32) -> Option<(&'static str, u32, u8)> {
    regmap::locate(address).map(|l| (l.register.name, l.index, l.word))
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(map_metadata, m)?)?;
    m.add_function(wrap_pyfunction!(register_number, m)?)?;
    m.add_function(wrap_pyfunction!(field_number, m)?)?;
    m.add_function(wrap_pyfunction!(field_is_legal, m)?)?;
    m.add_function(wrap_pyfunction!(field_allowed, m)?)?;
    m.add_function(wrap_pyfunction!(index_of, m)?)?;
    m.add_function(wrap_pyfunction!(coordinates, m)?)?;
    m.add_function(wrap_pyfunction!(address, m)?)?;
    m.add_function(wrap_pyfunction!(encode, m)?)?;
    m.add_function(wrap_pyfunction!(decode, m)?)?;
    m.add_function(wrap_pyfunction!(addresses, m)?)?;
    m.add_function(wrap_pyfunction!(encode_array, m)?)?;
    m.add_function(wrap_pyfunction!(decode_array, m)?)?;
    m.add_function(wrap_pyfunction!(encode_synapses, m)?)?;
    m.add_function(wrap_pyfunction!(decode_synapses, m)?)?;
    m.add_function(wrap_pyfunction!(apply_transform, m)?)?;
    m.add_function(wrap_pyfunction!(quad_columns, m)?)?;
    m.add_function(wrap_pyfunction!(neuron_capmem_indices, m)?)?;
    m.add_function(wrap_pyfunction!(locate_address, m)?)?;
    Ok(())
}
