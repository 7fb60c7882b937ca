//! The FPGA executor in front of the chip: runs instruction streams against the register
//! file and the model time, and produces responses (docs/wire.md §2–3).
//!
//! Time is one number, FPGA cycles at 125 MHz since the executor was created
//! (shared/DESIGN.md rule 8). An instruction takes effect at the current time and then
//! occupies the executor for [`ISSUE_CYCLES`]; WAIT_UNTIL instead ends exactly at its
//! target (or one issue slot later if the target has passed). So spikes injected after
//! `WAIT_UNTIL t` enter at timer value `t`, and a read reports the time it was issued.
//! The analog model plugs in behind [`Executor::advance`] (issue 4).

use crate::regfile::RegisterFile;
use regmap::{id, REGISTERS};
use wire::instr::{Instruction, Response};
use wire::ErrorCode;

/// Cycles one instruction occupies the executor (a bus access on the model is immediate).
pub const ISSUE_CYCLES: u64 = 1;
/// Cycles between two evaluations of a WAIT_REGISTER condition.
pub const POLL_CYCLES: u64 = 125;
/// WAIT_REGISTER timeout when `instruction_timeout_config` is 0: 10 ms of hardware time.
pub const DEFAULT_TIMEOUT_CYCLES: u64 = 1_250_000;
/// Latency of the L2 loopback through the crossbar, cycles.
pub const LOOPBACK_CYCLES: u64 = 4;

fn base(reg: usize) -> u32 {
    REGISTERS[reg].base
}

/// Executes programs; keeps the chip's register state across programs and connections.
#[derive(Debug)]
pub struct Executor {
    pub regs: RegisterFile,
    now: u64,
    timer_epoch: u64,
    recording: bool,
    /// Number of the next instruction within the current program.
    instruction: u32,
    /// Every spike the host injected: (time, label). For introspection.
    pub injected: Vec<(u64, u16)>,
    max_payload: usize,
}

impl Executor {
    pub fn new() -> Self {
        Executor {
            regs: RegisterFile::new(),
            now: 0,
            timer_epoch: 0,
            recording: false,
            instruction: 0,
            injected: Vec::new(),
            max_payload: 64 * 1024,
        }
    }

    /// Model time in FPGA cycles.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Start numbering instructions afresh (a new host session).
    pub fn new_program(&mut self) {
        self.instruction = 0;
    }

    /// Response payloads are cut at this size.
    pub fn set_max_payload(&mut self, max: usize) {
        self.max_payload = max.max(16);
    }

    fn timer(&self) -> u32 {
        (self.now - self.timer_epoch) as u32
    }

    fn emit(&self, out: &mut Vec<Vec<u8>>, r: Response) {
        match out.last_mut() {
            Some(p) if p.len() + 11 <= self.max_payload => r.encode_into(p),
            _ => {
                let mut p = Vec::with_capacity(self.max_payload.min(1 << 16));
                r.encode_into(&mut p);
                out.push(p);
            }
        }
    }

    fn error(&self, out: &mut Vec<Vec<u8>>, code: ErrorCode, address: u32) {
        let instruction = self.instruction;
        self.emit(
            out,
            Response::Error {
                code,
                instruction,
                address,
            },
        );
    }

    /// Advance model time by `cycles`.
    pub fn advance(&mut self, cycles: u64) {
        self.now += cycles;
    }

    /// A register read as the executor answers it: live values for the timer and systime.
    fn read(&mut self, address: u32) -> Result<u32, ErrorCode> {
        let (loc, stored) = self.regs.read(address)?;
        let r = loc.number;
        Ok(if r == id::TIMER {
            self.timer()
        } else if r == id::SYSTIME {
            (self.now >> (32 * loc.word as u32)) as u32
        } else {
            stored
        })
    }

    fn write(&mut self, address: u32, word: u32, out: &mut Vec<Vec<u8>>) {
        match self.regs.write(address, word) {
            Ok(loc) => {
                let r = loc.number;
                if r == id::TIMER {
                    self.timer_epoch = self.now - word as u64;
                } else if r == id::EVENT_RECORDING_CONFIG {
                    self.recording = word & 1 != 0;
                }
            }
            Err(code) => self.error(out, code, address),
        }
    }

    /// Spikes from the FPGA enter the crossbar at L2 input 8 + (label bits 15–14); the L2
    /// loopback node to output 8 + channel sends them straight back when its mask/target
    /// match. Routing to the PADI buses is the chip model's (issue 4).
    fn inject(&mut self, label: u16, out: &mut Vec<Vec<u8>>) {
        self.injected.push((self.now, label));
        let channel = (label >> 14) as u32;
        let node = base(id::CROSSBAR_NODE) + (8 + channel) * 16 + 8 + channel;
        let word = self.regs.stored(node).unwrap_or_else(|| {
            let loc = regmap::locate(node).expect("L2 loopback nodes are in the map");
            self.regs.value(node, &loc)
        });
        let (mask, target) = (word & 0x3FFF, (word >> 14) & 0x3FFF);
        if (label as u32 & 0x3FFF) & mask == target && self.recording {
            let time = self.now - self.timer_epoch + LOOPBACK_CYCLES;
            self.emit(out, Response::Spike { time, label });
        }
    }

    fn wait_register(
        &mut self,
        address: u32,
        mask: u32,
        target: u32,
        not_equal: bool,
        out: &mut Vec<Vec<u8>>,
    ) {
        let configured = self
            .regs
            .stored(base(id::INSTRUCTION_TIMEOUT_CONFIG))
            .unwrap_or(0) as u64;
        let timeout = if configured == 0 {
            DEFAULT_TIMEOUT_CYCLES
        } else {
            configured
        };
        let mut waited = 0u64;
        loop {
            let value = match self.read(address) {
                Ok(v) => v,
                Err(code) => return self.error(out, code, address),
            };
            if ((value & mask) == target) != not_equal {
                return;
            }
            if waited >= timeout {
                let instruction = self.instruction;
                let waited = waited.min(u32::MAX as u64) as u32;
                return self.emit(
                    out,
                    Response::Timeout {
                        instruction,
                        waited,
                    },
                );
            }
            let step = POLL_CYCLES.min(timeout - waited);
            self.advance(step);
            waited += step;
        }
    }

    /// Run one instruction; responses go to `out`. Returns true on HALT.
    pub fn execute(&mut self, ins: Instruction, out: &mut Vec<Vec<u8>>) -> bool {
        let mut halted = false;
        let mut cost = ISSUE_CYCLES;
        match ins {
            Instruction::Write { address, word } => self.write(address, word, out),
            Instruction::Read { address } => match self.read(address) {
                Ok(word) => self.emit(out, Response::ReadData { word }),
                Err(code) => self.error(out, code, address),
            },
            Instruction::TimerReset => self.timer_epoch = self.now,
            Instruction::WaitUntil { cycles } => {
                let t = self.timer_epoch + cycles as u64;
                cost = t.saturating_sub(self.now).max(ISSUE_CYCLES);
            }
            // Bus traffic on the model completes at once; nothing is outstanding.
            Instruction::Barrier { .. } => {}
            Instruction::WaitRegister {
                address,
                mask,
                target,
                not_equal,
            } => self.wait_register(address, mask, target, not_equal, out),
            Instruction::Spikes { count, labels } => {
                for &l in &labels[..count as usize] {
                    self.inject(l, out);
                }
            }
            Instruction::EventRecording { enable } => {
                self.recording = enable;
                self.regs
                    .set(base(id::EVENT_RECORDING_CONFIG), enable as u32);
            }
            Instruction::Halt => {
                let time = self.now;
                self.emit(out, Response::HaltEcho { time });
                halted = true;
            }
        }
        self.advance(cost);
        self.instruction = if halted { 0 } else { self.instruction + 1 };
        halted
    }

    /// Run a payload of instructions. A malformed instruction is answered with an ERROR
    /// (its byte offset in the address field) and the rest of the payload is skipped.
    pub fn execute_payload(&mut self, payload: &[u8], out: &mut Vec<Vec<u8>>) {
        let mut pos = 0;
        while pos < payload.len() {
            match Instruction::decode_at(payload, pos) {
                Ok((ins, next)) => {
                    self.execute(ins, out);
                    pos = next;
                }
                Err(e) => {
                    self.error(out, ErrorCode::Malformed, e.offset() as u32);
                    return;
                }
            }
        }
    }
}

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}
