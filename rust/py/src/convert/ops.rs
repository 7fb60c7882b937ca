//! Wire messages as the operation tuples of the Python implementation
//! (`("write", address, word)`, `("spike", time, label)`, ...) and back.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use wire::instr::ErrorCode;
use wire::{Instruction, Response};

use crate::errors::bad_op;

fn op_name<'py>(op: &Bound<'py, PyTuple>) -> PyResult<String> {
    op.get_item(0)?.extract::<String>()
}

pub fn instruction_from(op: &Bound<'_, PyTuple>) -> PyResult<Instruction> {
    let name = op_name(op)?;
    let arg = |i: usize| op.get_item(i);
    let bad = |what: &str| bad_op(&name, what);
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

pub fn response_from(op: &Bound<'_, PyTuple>) -> PyResult<Response> {
    let name = op_name(op)?;
    let arg = |i: usize| op.get_item(i);
    let bad = |what: &str| bad_op(&name, what);
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

pub fn instruction_tuple<'py>(py: Python<'py>, i: &Instruction) -> PyResult<Bound<'py, PyTuple>> {
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

pub fn response_tuple<'py>(py: Python<'py>, r: &Response) -> PyResult<Bound<'py, PyTuple>> {
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
