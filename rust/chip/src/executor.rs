//! The FPGA executor in front of the chip: runs instruction streams against the register
//! file and the model time, and produces responses (docs/wire.md §2–3).
//!
//! Time is one number, FPGA cycles at 125 MHz since the executor was created
//! (shared/DESIGN.md rule 8). An instruction takes effect at the current time and then
//! occupies the executor for [`ISSUE_CYCLES`]; WAIT_UNTIL instead ends exactly at its
//! target (or one issue slot later if the target has passed). So spikes injected after
//! `WAIT_UNTIL t` enter at timer value `t`, and a read reports the time it was issued.
//! The chip model ([`crate::model::Chip`]) sees every accepted write, answers the reads
//! of registers it produces, takes injected spikes, and runs as time advances.

use crate::model::{Chip, Event};
use crate::ppus::Ppus;
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

fn base(reg: usize) -> u32 {
    REGISTERS[reg].base
}

/// Executes programs; keeps the chip's register state across programs and connections.
#[derive(Debug)]
pub struct Executor {
    pub regs: RegisterFile,
    now: u64,
    /// Model time of the last timer write or reset, and the value written then: the timer
    /// reads `timer_base + (now - timer_epoch)`.
    timer_epoch: u64,
    timer_base: u64,
    recording: bool,
    /// Number of the next instruction within the current program.
    instruction: u32,
    /// Every spike the host injected: (time, label). For introspection.
    pub injected: Vec<(u64, u16)>,
    max_payload: usize,
    pub chip: Chip,
    /// The two plasticity processors, run in lock-step with the chip.
    pub ppus: Ppus,
    events: Vec<Event>,
}

impl Executor {
    pub fn new() -> Self {
        Self::with_seed(0)
    }

    /// An executor in front of a chip whose fixed pattern and noise come from `seed`.
    pub fn with_seed(seed: u64) -> Self {
        Executor {
            regs: RegisterFile::new(),
            now: 0,
            timer_epoch: 0,
            timer_base: 0,
            recording: false,
            instruction: 0,
            injected: Vec::new(),
            max_payload: 64 * 1024,
            chip: Chip::new(seed),
            ppus: Ppus::new(seed),
            events: Vec::new(),
        }
    }

    /// Introspection of the chip model at the current time (not a silicon path).
    pub fn introspect(
        &mut self,
    ) -> (
        &crate::model::analog::NeuronParams,
        &crate::model::neuron::NeuronState,
    ) {
        self.chip.introspect(&self.regs, self.now)
    }

    /// Introspection: the word at `address` whether or not silicon can read it (the
    /// PPU block answers for its own registers); `None` if nothing is mapped there.
    pub fn introspect_word(&self, address: u32) -> Option<u32> {
        let loc = regmap::locate(address)?;
        Some(match Ppus::classify(&loc) {
            Some(a) => self.ppus.host_read(&a),
            None => self.regs.value(address, &loc),
        })
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
        self.timer_at(self.now) as u32
    }

    /// The (unwrapped) timer value at model time `t` >= the last timer write.
    fn timer_at(&self, t: u64) -> u64 {
        self.timer_base + t.saturating_sub(self.timer_epoch)
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

    /// Advance model time by `cycles`, running the chip; what it records goes to `out`
    /// while event recording is on.
    pub fn advance(&mut self, cycles: u64, out: &mut Vec<Vec<u8>>) {
        let from = self.now;
        let to = from + cycles;
        let mut chip_time = from;
        if self.ppus.any_released() {
            self.ppus.run(
                to,
                &mut self.regs,
                &mut self.chip,
                &mut chip_time,
                &mut self.events,
            );
        }
        self.now = to;
        self.chip
            .advance(&self.regs, chip_time, to, &mut self.events);
        if self.events.is_empty() {
            return;
        }
        let events = std::mem::take(&mut self.events);
        if self.recording {
            for e in &events {
                let r = match *e {
                    Event::Spike { time, label } => Response::Spike {
                        time: self.timer_at(time),
                        label,
                    },
                    Event::Madc { time, value } => Response::MadcSample {
                        time: self.timer_at(time),
                        value,
                    },
                };
                self.emit(out, r);
            }
        }
        self.events = events;
        self.events.clear();
    }

    /// A register read as the executor answers it: live values for the timer and systime.
    fn read(&mut self, address: u32) -> Result<u32, ErrorCode> {
        let (loc, stored) = self.regs.read(address)?;
        if let Some(a) = Ppus::classify(&loc) {
            return Ok(self.ppus.host_read(&a));
        }
        let r = loc.number;
        if let Some(v) = self.chip.read(&self.regs, &loc, self.now) {
            return Ok(v);
        }
        Ok(if r == id::TIMER {
            self.timer()
        } else if r == id::SYSTIME {
            (self.now >> (32 * loc.word as u32)) as u32
        } else {
            stored
        })
    }

    fn write(&mut self, address: u32, word: u32, out: &mut Vec<Vec<u8>>) {
        let loc = match self.regs.writable(address) {
            Ok(loc) => loc,
            Err(code) => return self.error(out, code, address),
        };
        // The PPU block keeps its own state (memories, control): nothing to store here.
        if let Some(a) = Ppus::classify(&loc) {
            return self.ppus.host_write(&a, word, self.now);
        }
        self.regs.set(address, word);
        self.chip.on_write(&loc, word, self.now);
        if loc.number == id::TIMER {
            self.timer_epoch = self.now;
            self.timer_base = word as u64;
        } else if loc.number == id::EVENT_RECORDING_CONFIG {
            self.recording = word & 1 != 0;
        }
    }

    /// Spikes from the FPGA enter the crossbar at L2 input 8 + (label bits 15-14); the
    /// chip routes them (chip.md §3.1).
    fn inject(&mut self, label: u16) {
        self.injected.push((self.now, label));
        self.chip.inject(self.now, label);
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
            self.advance(step, out);
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
            Instruction::TimerReset => {
                self.timer_epoch = self.now;
                self.timer_base = 0;
            }
            Instruction::WaitUntil { cycles } => {
                cost = self
                    .wait_target(cycles)
                    .saturating_sub(self.now)
                    .max(ISSUE_CYCLES);
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
                    self.inject(l);
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
        self.advance(cost, out);
        self.instruction = if halted { 0 } else { self.instruction + 1 };
        halted
    }

    /// Run a payload of instructions. A malformed instruction is answered with an ERROR
    /// (its byte offset in the address field) and the rest of the payload is skipped.
    pub fn execute_payload(&mut self, payload: &[u8], out: &mut Vec<Vec<u8>>) {
        let now = self.now;
        let _ = self.execute_payload_from(payload, 0, out, now, u64::MAX);
    }

    /// The end of a slice of `length` cycles started at `start`: only while the analog
    /// core or a PPU runs (register-only time costs nothing to simulate), checked per
    /// instruction because the program itself may switch the core on.
    fn slice_end(&self, start: u64, length: u64) -> u64 {
        if self.chip.analog_on() || self.ppus.any_running() {
            start.saturating_add(length)
        } else {
            u64::MAX
        }
    }

    /// Run a payload from byte `pos` until it ends or, while the analog core runs, model
    /// time passes `slice` cycles after `start`; returns where to resume, or None when the
    /// payload is done. A WAIT_UNTIL that reaches past the slice waits to its end and is
    /// resumed later: its target is absolute, so the split changes nothing in the result.
    pub fn execute_payload_from(
        &mut self,
        payload: &[u8],
        mut pos: usize,
        out: &mut Vec<Vec<u8>>,
        start: u64,
        slice: u64,
    ) -> Option<usize> {
        while pos < payload.len() {
            let until = self.slice_end(start, slice);
            if self.now >= until {
                return Some(pos);
            }
            match Instruction::decode_at(payload, pos) {
                Ok((Instruction::WaitUntil { cycles }, _)) if self.wait_target(cycles) > until => {
                    let step = until - self.now;
                    self.advance(step, out);
                    return Some(pos);
                }
                Ok((ins, next)) => {
                    self.execute(ins, out);
                    pos = next;
                }
                Err(e) => {
                    self.error(out, ErrorCode::Malformed, e.offset() as u32);
                    return None;
                }
            }
        }
        None
    }

    /// The model time at which the timer shows `cycles` (now, if it already has).
    fn wait_target(&self, cycles: u32) -> u64 {
        self.timer_epoch + (cycles as u64).saturating_sub(self.timer_base)
    }
}

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}
