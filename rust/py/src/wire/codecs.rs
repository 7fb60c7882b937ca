//! Codec entry points for the independent Python implementation and the dissector.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use wire::frame::{encode_frame_into, FrameKind, FrameReader};
use wire::instr::{decode_instructions, decode_responses, ErrorCode};
use wire::{Instruction, Response};

use super::*;

// ---------------------------------------------------------------- codec entry points

#[pyfunction]
pub(super) fn link_encode_frame<'py>(
    py: Python<'py>,
    kind: u8,
    seq: u32,
    ack: u32,
    sack: u32,
    payload: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let kind = FrameKind::from_u8(kind)
        .ok_or_else(|| WireError::new_err(format!("frame kind {kind}; allowed 1..=5")))?;
    let mut out = Vec::new();
    encode_frame_into(kind, seq, ack, sack, payload, &mut Vec::new(), &mut out);
    Ok(PyBytes::new(py, &out))
}

type FrameTuple<'py> = (u8, u32, u32, u32, Bound<'py, PyBytes>);

/// Every valid frame in a byte stream, and how many chunks were dropped.
#[pyfunction]
#[pyo3(signature = (data, max_payload=65536))]
pub(super) fn link_decode_frames<'py>(
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
            (
                f.kind as u8,
                f.seq,
                f.ack,
                f.sack,
                PyBytes::new(py, &f.payload),
            )
        })
        .collect();
    (out, reader.dropped)
}

fn op_name<'py>(op: &Bound<'py, PyTuple>) -> PyResult<String> {
    op.get_item(0)?.extract::<String>()
}

fn instruction_from(op: &Bound<'_, PyTuple>) -> PyResult<Instruction> {
    let name = op_name(op)?;
    let arg = |i: usize| op.get_item(i);
    let bad = |what: &str| WireError::new_err(format!("{name}: {what}"));
    Ok(match name.as_str() {
        "write" => Instruction::Write {
            address: arg(1)?.extract()?,
            word: arg(2)?.extract()?,
        },
        "read" => Instruction::Read {
            address: arg(1)?.extract()?,
        },
        "timer_reset" => Instruction::TimerReset,
        "wait_until" => Instruction::WaitUntil {
            cycles: arg(1)?.extract()?,
        },
        "barrier" => {
            let flags: u8 = arg(1)?.extract()?;
            if flags & !wire::instr::BARRIER_FLAGS_MASK != 0 {
                return Err(bad("flags must use bits 0..=4 only"));
            }
            Instruction::Barrier { flags }
        }
        "wait_register" => {
            let mode: u8 = arg(4)?.extract()?;
            if mode > 1 {
                return Err(bad("mode must be 0 or 1"));
            }
            Instruction::WaitRegister {
                address: arg(1)?.extract()?,
                mask: arg(2)?.extract()?,
                target: arg(3)?.extract()?,
                not_equal: mode == 1,
            }
        }
        "spikes" => {
            let labels: Vec<u16> = arg(1)?.extract()?;
            if !(1..=3).contains(&labels.len()) {
                return Err(bad("1 to 3 labels"));
            }
            let mut l = [0u16; 3];
            l[..labels.len()].copy_from_slice(&labels);
            Instruction::Spikes {
                count: labels.len() as u8,
                labels: l,
            }
        }
        "event_recording" => Instruction::EventRecording {
            enable: arg(1)?.extract()?,
        },
        "halt" => Instruction::Halt,
        _ => return Err(bad("unknown instruction")),
    })
}

fn response_from(op: &Bound<'_, PyTuple>) -> PyResult<Response> {
    let name = op_name(op)?;
    let arg = |i: usize| op.get_item(i);
    let bad = |what: &str| WireError::new_err(format!("{name}: {what}"));
    Ok(match name.as_str() {
        "read_data" => Response::ReadData {
            word: arg(1)?.extract()?,
        },
        "spike" => Response::Spike {
            time: arg(1)?.extract()?,
            label: arg(2)?.extract()?,
        },
        "madc_sample" => {
            let value: u16 = arg(2)?.extract()?;
            if value & !wire::instr::MADC_VALUE_MASK != 0 {
                return Err(bad("value bits 14-15 must be 0"));
            }
            Response::MadcSample {
                time: arg(1)?.extract()?,
                value,
            }
        }
        "timeout" => Response::Timeout {
            instruction: arg(1)?.extract()?,
            waited: arg(2)?.extract()?,
        },
        "error" => {
            let c: u8 = arg(1)?.extract()?;
            let code = ErrorCode::from_u8(c).ok_or_else(|| bad("error code 1..=4"))?;
            Response::Error {
                code,
                instruction: arg(2)?.extract()?,
                address: arg(3)?.extract()?,
            }
        }
        "halt_echo" => Response::HaltEcho {
            time: arg(1)?.extract()?,
        },
        _ => return Err(bad("unknown response")),
    })
}

fn instruction_tuple<'py>(py: Python<'py>, i: &Instruction) -> PyResult<Bound<'py, PyTuple>> {
    let n = i.name();
    Ok(match *i {
        Instruction::Write { address, word } => (n, address, word).into_pyobject(py)?,
        Instruction::Read { address } => (n, address).into_pyobject(py)?,
        Instruction::WaitUntil { cycles } => (n, cycles).into_pyobject(py)?,
        Instruction::Barrier { flags } => (n, flags).into_pyobject(py)?,
        Instruction::WaitRegister {
            address,
            mask,
            target,
            not_equal,
        } => (n, address, mask, target, not_equal as u8).into_pyobject(py)?,
        Instruction::Spikes { count, labels } => {
            (n, labels[..count as usize].to_vec()).into_pyobject(py)?
        }
        Instruction::EventRecording { enable } => (n, enable).into_pyobject(py)?,
        Instruction::TimerReset | Instruction::Halt => (n,).into_pyobject(py)?,
    })
}

fn response_tuple<'py>(py: Python<'py>, r: &Response) -> PyResult<Bound<'py, PyTuple>> {
    let n = r.name();
    Ok(match *r {
        Response::ReadData { word } => (n, word).into_pyobject(py)?,
        Response::Spike { time, label } => (n, time, label).into_pyobject(py)?,
        Response::MadcSample { time, value } => (n, time, value).into_pyobject(py)?,
        Response::Timeout {
            instruction,
            waited,
        } => (n, instruction, waited).into_pyobject(py)?,
        Response::Error {
            code,
            instruction,
            address,
        } => (n, code as u8, instruction, address).into_pyobject(py)?,
        Response::HaltEcho { time } => (n, time).into_pyobject(py)?,
    })
}

#[pyfunction]
pub(super) fn wire_encode_instructions<'py>(
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
pub(super) fn wire_decode_instructions<'py>(
    py: Python<'py>,
    payload: &[u8],
) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let ins = decode_instructions(payload).map_err(|e| WireError::new_err(e.to_string()))?;
    ins.iter().map(|i| instruction_tuple(py, i)).collect()
}

#[pyfunction]
pub(super) fn wire_encode_responses<'py>(
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
pub(super) fn wire_decode_responses<'py>(
    py: Python<'py>,
    payload: &[u8],
) -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let rs = decode_responses(payload).map_err(|e| WireError::new_err(e.to_string()))?;
    rs.iter().map(|r| response_tuple(py, r)).collect()
}

/// The register at an address: (name, index, word), or None if unmapped.
#[pyfunction]
pub(super) fn locate_address(address: u32) -> Option<(&'static str, u32, u8)> {
    regmap::locate(address).map(|l| (l.register.name, l.index, l.word))
}
