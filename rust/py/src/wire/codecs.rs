//! Codec entry points for the independent Python implementation and the dissector.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use wire::frame::{encode_frame_into, FrameKind, FrameReader};
use wire::instr::{decode_instructions, decode_responses};

use crate::convert::ops::{instruction_from, instruction_tuple, response_from, response_tuple};
use crate::errors::{bad_frame_kind, OrPy};

#[pyfunction]
fn link_encode_frame<'py>(
    py: Python<'py>,
    kind: u8,
    seq: u32,
    ack: u32,
    sack: u32,
    payload: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let kind = FrameKind::from_u8(kind).ok_or_else(|| bad_frame_kind(kind))?;
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
            let payload = PyBytes::new(py, &f.payload);
            (f.kind as u8, f.seq, f.ack, f.sack, payload)
        })
        .collect();
    (out, reader.dropped)
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
    let ins = decode_instructions(payload).or_py()?;
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
    let rs = decode_responses(payload).or_py()?;
    rs.iter().map(|r| response_tuple(py, r)).collect()
}

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(link_encode_frame, m)?)?;
    m.add_function(wrap_pyfunction!(link_decode_frames, m)?)?;
    m.add_function(wrap_pyfunction!(wire_encode_instructions, m)?)?;
    m.add_function(wrap_pyfunction!(wire_decode_instructions, m)?)?;
    m.add_function(wrap_pyfunction!(wire_encode_responses, m)?)?;
    m.add_function(wrap_pyfunction!(wire_decode_responses, m)?)?;
    Ok(())
}
