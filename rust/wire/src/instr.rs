//! The FPGA instruction set (host to chip) and its responses (chip to host), as in
//! docs/wire.md §2–3. Little-endian operands; one opcode byte per message.

use thiserror::Error;

/// BARRIER flag bits: bus, JTAG, systime, multi-FPGA, systime correction.
pub const BARRIER_FLAGS_MASK: u8 = 0x1F;
/// MADC_SAMPLE value bits: 10-bit sample and 4-bit channel.
pub const MADC_VALUE_MASK: u16 = 0x3FFF;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instruction {
    Write {
        address: u32,
        word: u32,
    },
    Read {
        address: u32,
    },
    TimerReset,
    WaitUntil {
        cycles: u32,
    },
    Barrier {
        flags: u8,
    },
    WaitRegister {
        address: u32,
        mask: u32,
        target: u32,
        not_equal: bool,
    },
    /// 1 to 3 labels; `count` says how many of `labels` are used.
    Spikes {
        count: u8,
        labels: [u16; 3],
    },
    EventRecording {
        enable: bool,
    },
    Halt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ErrorCode {
    ReadDenied = 1,
    Unmapped = 2,
    WriteDenied = 3,
    Malformed = 4,
}

impl ErrorCode {
    pub fn from_u8(b: u8) -> Option<ErrorCode> {
        Some(match b {
            1 => ErrorCode::ReadDenied,
            2 => ErrorCode::Unmapped,
            3 => ErrorCode::WriteDenied,
            4 => ErrorCode::Malformed,
            _ => return None,
        })
    }
    /// The code's name as the host reports it ("read_denied", "unmapped", ...).
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::ReadDenied => "read_denied",
            ErrorCode::Unmapped => "unmapped",
            ErrorCode::WriteDenied => "write_denied",
            ErrorCode::Malformed => "malformed",
        }
    }
    pub fn describe(self) -> &'static str {
        match self {
            ErrorCode::ReadDenied => "read denied (silicon cannot read this register)",
            ErrorCode::Unmapped => "unmapped address",
            ErrorCode::WriteDenied => "write denied (read-only register)",
            ErrorCode::Malformed => "malformed instruction",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    ReadData {
        word: u32,
    },
    Spike {
        time: u64,
        label: u16,
    },
    MadcSample {
        time: u64,
        value: u16,
    },
    Timeout {
        instruction: u32,
        waited: u32,
    },
    Error {
        code: ErrorCode,
        instruction: u32,
        address: u32,
    },
    HaltEcho {
        time: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("unknown opcode {opcode:#04x} at byte {offset}")]
    UnknownOpcode { opcode: u8, offset: usize },
    #[error("{name} at byte {offset} is truncated: needs {needed} bytes, {available} left")]
    Truncated {
        name: &'static str,
        offset: usize,
        needed: usize,
        available: usize,
    },
    #[error("{name} at byte {offset}: {what}")]
    BadOperand {
        name: &'static str,
        offset: usize,
        what: String,
    },
}

impl DecodeError {
    pub fn offset(&self) -> usize {
        match self {
            DecodeError::UnknownOpcode { offset, .. }
            | DecodeError::Truncated { offset, .. }
            | DecodeError::BadOperand { offset, .. } => *offset,
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn need(&self, name: &'static str, start: usize, len: usize) -> Result<(), DecodeError> {
        let available = self.buf.len() - start;
        if available < len {
            return Err(DecodeError::Truncated {
                name,
                offset: start,
                needed: len,
                available,
            });
        }
        Ok(())
    }
    fn u8(&mut self) -> u8 {
        let v = self.buf[self.pos];
        self.pos += 1;
        v
    }
    fn u16(&mut self) -> u16 {
        let v = u16::from_le_bytes([self.buf[self.pos], self.buf[self.pos + 1]]);
        self.pos += 2;
        v
    }
    fn u32(&mut self) -> u32 {
        let b = &self.buf[self.pos..self.pos + 4];
        self.pos += 4;
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
    fn u64(&mut self) -> u64 {
        let lo = self.u32() as u64;
        lo | (self.u32() as u64) << 32
    }
}

impl Instruction {
    pub fn name(&self) -> &'static str {
        match self {
            Instruction::Write { .. } => "write",
            Instruction::Read { .. } => "read",
            Instruction::TimerReset => "timer_reset",
            Instruction::WaitUntil { .. } => "wait_until",
            Instruction::Barrier { .. } => "barrier",
            Instruction::WaitRegister { .. } => "wait_register",
            Instruction::Spikes { .. } => "spikes",
            Instruction::EventRecording { .. } => "event_recording",
            Instruction::Halt => "halt",
        }
    }

    /// Encoded size in bytes.
    pub fn len(&self) -> usize {
        match self {
            Instruction::Write { .. } => 9,
            Instruction::Read { .. } | Instruction::WaitUntil { .. } => 5,
            Instruction::TimerReset | Instruction::Halt => 1,
            Instruction::Barrier { .. } | Instruction::EventRecording { .. } => 2,
            Instruction::WaitRegister { .. } => 14,
            Instruction::Spikes { count, .. } => 2 + 2 * *count as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Append the encoding. Operands are not checked here: [`crate::program`] checks
    /// them before it builds an instruction (a Spikes count above 3 encodes 3 labels).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match *self {
            Instruction::Write { address, word } => {
                out.push(0x01);
                out.extend_from_slice(&address.to_le_bytes());
                out.extend_from_slice(&word.to_le_bytes());
            }
            Instruction::Read { address } => {
                out.push(0x02);
                out.extend_from_slice(&address.to_le_bytes());
            }
            Instruction::TimerReset => out.push(0x03),
            Instruction::WaitUntil { cycles } => {
                out.push(0x04);
                out.extend_from_slice(&cycles.to_le_bytes());
            }
            Instruction::Barrier { flags } => out.extend_from_slice(&[0x05, flags]),
            Instruction::WaitRegister {
                address,
                mask,
                target,
                not_equal,
            } => {
                out.push(0x06);
                out.extend_from_slice(&address.to_le_bytes());
                out.extend_from_slice(&mask.to_le_bytes());
                out.extend_from_slice(&target.to_le_bytes());
                out.push(not_equal as u8);
            }
            Instruction::Spikes { count, labels } => {
                out.extend_from_slice(&[0x07, count]);
                for l in &labels[..count.min(3) as usize] {
                    out.extend_from_slice(&l.to_le_bytes());
                }
            }
            Instruction::EventRecording { enable } => out.extend_from_slice(&[0x08, enable as u8]),
            Instruction::Halt => out.push(0x09),
        }
    }

    /// Length of the instruction at `offset` from its opcode (and SPIKES count), without
    /// decoding it; None for an unknown opcode or a truncated SPIKES.
    pub fn encoded_len(buf: &[u8], offset: usize) -> Option<usize> {
        Some(match buf[offset] {
            0x01 => 9,
            0x02 | 0x04 => 5,
            0x03 | 0x09 => 1,
            0x05 | 0x08 => 2,
            0x06 => 14,
            0x07 => 2 + 2 * *buf.get(offset + 1)? as usize,
            _ => return None,
        })
    }

    /// Decode the instruction at `offset`; returns it and the offset after it.
    pub fn decode_at(buf: &[u8], offset: usize) -> Result<(Instruction, usize), DecodeError> {
        let mut r = Reader {
            buf,
            pos: offset + 1,
        };
        let op = buf[offset];
        let (name, len) = match op {
            0x01 => ("WRITE", 9),
            0x02 => ("READ", 5),
            0x03 => ("TIMER_RESET", 1),
            0x04 => ("WAIT_UNTIL", 5),
            0x05 => ("BARRIER", 2),
            0x06 => ("WAIT_REGISTER", 14),
            0x07 => ("SPIKES", 2),
            0x08 => ("EVENT_RECORDING", 2),
            0x09 => ("HALT", 1),
            _ => return Err(DecodeError::UnknownOpcode { opcode: op, offset }),
        };
        r.need(name, offset, len)?;
        let bad = |what: String| DecodeError::BadOperand { name, offset, what };
        let ins = match op {
            0x01 => Instruction::Write {
                address: r.u32(),
                word: r.u32(),
            },
            0x02 => Instruction::Read { address: r.u32() },
            0x03 => Instruction::TimerReset,
            0x04 => Instruction::WaitUntil { cycles: r.u32() },
            0x05 => {
                let flags = r.u8();
                if flags & !BARRIER_FLAGS_MASK != 0 {
                    return Err(bad(format!("flags {flags:#04x}; allowed bits 0..=4")));
                }
                Instruction::Barrier { flags }
            }
            0x06 => {
                let (address, mask, target) = (r.u32(), r.u32(), r.u32());
                let not_equal = match r.u8() {
                    0 => false,
                    1 => true,
                    m => return Err(bad(format!("mode {m}; allowed 0 (equal) or 1 (not equal)"))),
                };
                Instruction::WaitRegister {
                    address,
                    mask,
                    target,
                    not_equal,
                }
            }
            0x07 => {
                let count = r.u8();
                if !(1..=3).contains(&count) {
                    return Err(bad(format!("count {count}; allowed 1..=3")));
                }
                r.need(name, offset, 2 + 2 * count as usize)?;
                let mut labels = [0u16; 3];
                for l in labels.iter_mut().take(count as usize) {
                    *l = r.u16();
                }
                Instruction::Spikes { count, labels }
            }
            0x08 => match r.u8() {
                0 => Instruction::EventRecording { enable: false },
                1 => Instruction::EventRecording { enable: true },
                e => return Err(bad(format!("enable {e}; allowed 0 or 1"))),
            },
            _ => Instruction::Halt,
        };
        Ok((ins, r.pos))
    }
}

impl Response {
    pub fn name(&self) -> &'static str {
        match self {
            Response::ReadData { .. } => "read_data",
            Response::Spike { .. } => "spike",
            Response::MadcSample { .. } => "madc_sample",
            Response::Timeout { .. } => "timeout",
            Response::Error { .. } => "error",
            Response::HaltEcho { .. } => "halt_echo",
        }
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match *self {
            Response::ReadData { word } => {
                out.push(0x81);
                out.extend_from_slice(&word.to_le_bytes());
            }
            Response::Spike { time, label } => {
                out.push(0x82);
                out.extend_from_slice(&time.to_le_bytes());
                out.extend_from_slice(&label.to_le_bytes());
            }
            Response::MadcSample { time, value } => {
                out.push(0x83);
                out.extend_from_slice(&time.to_le_bytes());
                out.extend_from_slice(&value.to_le_bytes());
            }
            Response::Timeout {
                instruction,
                waited,
            } => {
                out.push(0x84);
                out.extend_from_slice(&instruction.to_le_bytes());
                out.extend_from_slice(&waited.to_le_bytes());
            }
            Response::Error {
                code,
                instruction,
                address,
            } => {
                out.extend_from_slice(&[0x85, code as u8]);
                out.extend_from_slice(&instruction.to_le_bytes());
                out.extend_from_slice(&address.to_le_bytes());
            }
            Response::HaltEcho { time } => {
                out.push(0x86);
                out.extend_from_slice(&time.to_le_bytes());
            }
        }
    }

    pub fn decode_at(buf: &[u8], offset: usize) -> Result<(Response, usize), DecodeError> {
        let mut r = Reader {
            buf,
            pos: offset + 1,
        };
        let op = buf[offset];
        let (name, len) = match op {
            0x81 => ("READ_DATA", 5),
            0x82 => ("SPIKE", 11),
            0x83 => ("MADC_SAMPLE", 11),
            0x84 => ("TIMEOUT", 9),
            0x85 => ("ERROR", 10),
            0x86 => ("HALT_ECHO", 9),
            _ => return Err(DecodeError::UnknownOpcode { opcode: op, offset }),
        };
        r.need(name, offset, len)?;
        let resp = match op {
            0x81 => Response::ReadData { word: r.u32() },
            0x82 => Response::Spike {
                time: r.u64(),
                label: r.u16(),
            },
            0x83 => {
                let time = r.u64();
                let value = r.u16();
                if value & !MADC_VALUE_MASK != 0 {
                    return Err(DecodeError::BadOperand {
                        name,
                        offset,
                        what: format!("value {value:#06x}; bits 14-15 must be 0"),
                    });
                }
                Response::MadcSample { time, value }
            }
            0x84 => Response::Timeout {
                instruction: r.u32(),
                waited: r.u32(),
            },
            0x85 => {
                let c = r.u8();
                let code = ErrorCode::from_u8(c).ok_or_else(|| DecodeError::BadOperand {
                    name,
                    offset,
                    what: format!("error code {c}; allowed 1..=4"),
                })?;
                Response::Error {
                    code,
                    instruction: r.u32(),
                    address: r.u32(),
                }
            }
            _ => Response::HaltEcho { time: r.u64() },
        };
        Ok((resp, r.pos))
    }
}

/// Decode a whole payload of instructions.
pub fn decode_instructions(buf: &[u8]) -> Result<Vec<Instruction>, DecodeError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let (i, next) = Instruction::decode_at(buf, pos)?;
        out.push(i);
        pos = next;
    }
    Ok(out)
}

/// Decode a whole payload of responses.
pub fn decode_responses(buf: &[u8]) -> Result<Vec<Response>, DecodeError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let (r, next) = Response::decode_at(buf, pos)?;
        out.push(r);
        pos = next;
    }
    Ok(out)
}
