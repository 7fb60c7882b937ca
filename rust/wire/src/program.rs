//! Programs: instruction streams built on the host, and what comes back from running one.

use crate::instr::{DecodeError, ErrorCode, Instruction, Response, BARRIER_FLAGS_MASK};
use crate::pages::PagedWords;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProgramError {
    #[error(
        "program too large: {size} bytes of instructions plus {adding} more exceed the FPGA \
         playback memory of {limit} bytes; split the work into several programs"
    )]
    TooLarge {
        size: usize,
        adding: usize,
        limit: usize,
    },
    #[error("{what}: {got}; allowed {allowed}")]
    BadOperand {
        what: &'static str,
        got: String,
        allowed: String,
    },
    #[error("{what}: {a} and {b} elements; they must have the same length")]
    LengthMismatch {
        what: &'static str,
        a: usize,
        b: usize,
    },
}

/// A finished program: encoded instructions ending in HALT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    bytes: Vec<u8>,
    instructions: u32,
    /// Instruction numbers of the READs, ascending: ticket `t` is `reads[t]`.
    reads: Vec<u32>,
    writes: Vec<(u32, u32)>,
}

impl Program {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn instructions(&self) -> u32 {
        self.instructions
    }
    pub fn reads(&self) -> usize {
        self.reads.len()
    }
    pub fn read_instructions(&self) -> &[u32] {
        &self.reads
    }
    /// Every (address, word) the program writes, in order.
    pub fn writes(&self) -> &[(u32, u32)] {
        &self.writes
    }

    /// Split into payloads of at most `max` bytes, at instruction boundaries.
    pub fn payloads(&self, max: usize) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let (mut start, mut pos) = (0, 0);
        while pos < self.bytes.len() {
            // Built by ProgramBuilder, so every instruction is well formed; were one not,
            // the rest would travel as one payload and the device would report it.
            let len = Instruction::encoded_len(&self.bytes, pos).unwrap_or(self.bytes.len() - pos);
            if pos + len - start > max && pos > start {
                out.push(self.bytes[start..pos].to_vec());
                start = pos;
            }
            pos += len;
        }
        if pos > start {
            out.push(self.bytes[start..pos].to_vec());
        }
        out
    }
}

/// Builds a program, checking every operand and the playback-memory limit as it goes;
/// a call that fails leaves the builder as it was.
#[derive(Debug, Clone)]
pub struct ProgramBuilder {
    bytes: Vec<u8>,
    instructions: u32,
    reads: Vec<u32>,
    writes: Vec<(u32, u32)>,
    limit: usize,
}

impl ProgramBuilder {
    /// `limit`: playback memory in bytes (the final HALT counts).
    pub fn new(limit: usize) -> Self {
        ProgramBuilder {
            bytes: Vec::new(),
            instructions: 0,
            reads: Vec::new(),
            writes: Vec::new(),
            limit,
        }
    }

    pub fn size(&self) -> usize {
        self.bytes.len()
    }
    pub fn limit(&self) -> usize {
        self.limit
    }
    pub fn reads(&self) -> usize {
        self.reads.len()
    }
    pub fn instructions(&self) -> u32 {
        self.instructions
    }

    fn room(&self, adding: usize) -> Result<(), ProgramError> {
        if self.bytes.len() + adding + 1 > self.limit {
            return Err(ProgramError::TooLarge {
                size: self.bytes.len(),
                adding,
                limit: self.limit,
            });
        }
        Ok(())
    }

    fn push(&mut self, i: Instruction) {
        i.encode_into(&mut self.bytes);
        self.instructions += 1;
    }

    pub fn write(&mut self, address: u32, word: u32) -> Result<(), ProgramError> {
        self.write_many(&[address], &[word])
    }

    pub fn write_many(&mut self, addresses: &[u32], words: &[u32]) -> Result<(), ProgramError> {
        if addresses.len() != words.len() {
            return Err(ProgramError::LengthMismatch {
                what: "addresses and words",
                a: addresses.len(),
                b: words.len(),
            });
        }
        self.room(9 * addresses.len())?;
        self.bytes.reserve(9 * addresses.len());
        for (&address, &word) in addresses.iter().zip(words) {
            self.push(Instruction::Write { address, word });
        }
        self.writes
            .extend(addresses.iter().copied().zip(words.iter().copied()));
        Ok(())
    }

    /// Returns the ticket (index among the program's reads) of the first address.
    pub fn read_many(&mut self, addresses: &[u32]) -> Result<usize, ProgramError> {
        self.room(5 * addresses.len())?;
        let first = self.reads.len();
        for &address in addresses {
            self.reads.push(self.instructions);
            self.push(Instruction::Read { address });
        }
        Ok(first)
    }

    pub fn timer_reset(&mut self) -> Result<(), ProgramError> {
        self.room(1)?;
        self.push(Instruction::TimerReset);
        Ok(())
    }

    pub fn wait_until(&mut self, cycles: u32) -> Result<(), ProgramError> {
        self.room(5)?;
        self.push(Instruction::WaitUntil { cycles });
        Ok(())
    }

    /// Wait for a duration: TIMER_RESET then WAIT_UNTIL, both or neither.
    pub fn wait(&mut self, cycles: u32) -> Result<(), ProgramError> {
        self.room(6)?;
        self.push(Instruction::TimerReset);
        self.push(Instruction::WaitUntil { cycles });
        Ok(())
    }

    pub fn barrier(&mut self, flags: u8) -> Result<(), ProgramError> {
        if flags & !BARRIER_FLAGS_MASK != 0 || flags == 0 {
            return Err(ProgramError::BadOperand {
                what: "barrier flags",
                got: format!("{flags:#04x}"),
                allowed: "a non-empty combination of bits 0..=4 (bus, jtag, systime, \
                          multi_fpga, systime_correction)"
                    .into(),
            });
        }
        self.room(2)?;
        self.push(Instruction::Barrier { flags });
        Ok(())
    }

    pub fn wait_register(
        &mut self,
        address: u32,
        mask: u32,
        target: u32,
        not_equal: bool,
    ) -> Result<(), ProgramError> {
        self.room(14)?;
        self.push(Instruction::WaitRegister {
            address,
            mask,
            target,
            not_equal,
        });
        Ok(())
    }

    pub fn spikes(&mut self, labels: &[u16]) -> Result<(), ProgramError> {
        if !(1..=3).contains(&labels.len()) {
            return Err(ProgramError::BadOperand {
                what: "labels per SPIKES instruction",
                got: labels.len().to_string(),
                allowed: "1..=3".into(),
            });
        }
        self.room(2 + 2 * labels.len())?;
        let mut l = [0u16; 3];
        l[..labels.len()].copy_from_slice(labels);
        self.push(Instruction::Spikes {
            count: labels.len() as u8,
            labels: l,
        });
        Ok(())
    }

    /// Inject spikes at times (FPGA cycles after the last timer reset): a WAIT_UNTIL per
    /// distinct time and SPIKES packs of up to 3 labels. Times are sorted (stably) first.
    pub fn spike_train(&mut self, times: &[u32], labels: &[u16]) -> Result<(), ProgramError> {
        if times.len() != labels.len() {
            return Err(ProgramError::LengthMismatch {
                what: "spike times and labels",
                a: times.len(),
                b: labels.len(),
            });
        }
        let mut order: Vec<usize> = (0..times.len()).collect();
        order.sort_by_key(|&i| times[i]);
        let mut plan: Vec<(u32, Vec<u16>)> = Vec::new();
        for i in order {
            match plan.last_mut() {
                Some((t, ls)) if *t == times[i] && ls.len() < 3 => ls.push(labels[i]),
                _ => plan.push((times[i], vec![labels[i]])),
            }
        }
        let mut size = 0;
        let mut last = None;
        for (t, ls) in &plan {
            if last != Some(*t) {
                size += 5;
            }
            last = Some(*t);
            size += 2 + 2 * ls.len();
        }
        self.room(size)?;
        let mut last = None;
        for (t, ls) in plan {
            if last != Some(t) {
                self.push(Instruction::WaitUntil { cycles: t });
            }
            last = Some(t);
            let mut l = [0u16; 3];
            l[..ls.len()].copy_from_slice(&ls);
            self.push(Instruction::Spikes {
                count: ls.len() as u8,
                labels: l,
            });
        }
        Ok(())
    }

    pub fn event_recording(&mut self, enable: bool) -> Result<(), ProgramError> {
        self.room(2)?;
        self.push(Instruction::EventRecording { enable });
        Ok(())
    }

    /// Append HALT and hand the program out; the builder starts over empty.
    pub fn finish(&mut self) -> Program {
        self.push(Instruction::Halt);
        let b = std::mem::replace(self, ProgramBuilder::new(self.limit));
        Program {
            bytes: b.bytes,
            instructions: b.instructions,
            reads: b.reads,
            writes: b.writes,
        }
    }
}

/// What came back from one program run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOutcome {
    /// One word per ticket (0 where the read failed; see `read_errors`).
    pub reads: Vec<u32>,
    /// Tickets whose READ was answered by an ERROR, with its code.
    pub read_errors: Vec<(u32, ErrorCode, u32)>,
    pub spikes: Vec<(u64, u16)>,
    pub madc: Vec<(u64, u16)>,
    /// Errors not tied to a read: (code, instruction, address).
    pub errors: Vec<(ErrorCode, u32, u32)>,
    /// (instruction, cycles waited).
    pub timeouts: Vec<(u32, u32)>,
    pub halt_time: Option<u64>,
    /// Responses that broke the protocol (more reads than asked, undecodable payloads).
    pub protocol_errors: Vec<ProtocolError>,
}

/// A response that broke the protocol: the device answered something no program asks for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("undecodable response: {0}")]
    Undecodable(String),
    #[error("more READ_DATA responses than reads")]
    ExtraReadData,
    #[error("halt echoed after {answered} of {reads} read responses")]
    EarlyHalt { answered: usize, reads: usize },
}

impl ProtocolError {
    /// A stable name of the kind ("undecodable", "extra_read_data", "early_halt").
    pub fn kind(&self) -> &'static str {
        match self {
            ProtocolError::Undecodable(_) => "undecodable",
            ProtocolError::ExtraReadData => "extra_read_data",
            ProtocolError::EarlyHalt { .. } => "early_halt",
        }
    }
}

/// Collects responses for one program.
#[derive(Debug)]
pub struct Collector {
    read_instructions: Vec<u32>,
    pub outcome: RunOutcome,
}

impl Collector {
    pub fn new(program: &Program) -> Self {
        Collector {
            read_instructions: program.reads.clone(),
            outcome: RunOutcome {
                reads: Vec::with_capacity(program.reads.len()),
                ..Default::default()
            },
        }
    }

    pub fn done(&self) -> bool {
        self.outcome.halt_time.is_some()
    }

    pub fn payload(&mut self, payload: &[u8]) {
        let mut pos = 0;
        while pos < payload.len() {
            match Response::decode_at(payload, pos) {
                Ok((r, next)) => {
                    self.response(r);
                    pos = next;
                }
                Err(e) => {
                    self.protocol(e);
                    return;
                }
            }
        }
    }

    fn protocol(&mut self, e: DecodeError) {
        self.outcome
            .protocol_errors
            .push(ProtocolError::Undecodable(e.to_string()));
    }

    fn response(&mut self, r: Response) {
        let o = &mut self.outcome;
        match r {
            Response::ReadData { word } => {
                if o.reads.len() < self.read_instructions.len() {
                    o.reads.push(word);
                } else {
                    o.protocol_errors.push(ProtocolError::ExtraReadData);
                }
            }
            Response::Error {
                code,
                instruction,
                address,
            } => {
                let t = o.reads.len();
                if self.read_instructions.get(t) == Some(&instruction) {
                    o.reads.push(0);
                    o.read_errors.push((t as u32, code, address));
                } else {
                    o.errors.push((code, instruction, address));
                }
            }
            Response::Spike { time, label } => o.spikes.push((time, label)),
            Response::MadcSample { time, value } => o.madc.push((time, value)),
            Response::Timeout {
                instruction,
                waited,
            } => o.timeouts.push((instruction, waited)),
            Response::HaltEcho { time } => {
                if o.reads.len() != self.read_instructions.len() {
                    o.protocol_errors.push(ProtocolError::EarlyHalt {
                        answered: o.reads.len(),
                        reads: self.read_instructions.len(),
                    });
                }
                o.halt_time = Some(time);
            }
        }
    }
}

/// The host's record of what it has written: authoritative for registers silicon cannot
/// read back (shared/DESIGN.md rule 3).
#[derive(Debug, Clone, Default)]
pub struct Shadow {
    words: PagedWords,
}

impl Shadow {
    /// Record a program's writes, except those to `refused` addresses (the device
    /// answered them with an error, so nothing was stored).
    pub fn apply(&mut self, program: &Program, refused: &[u32]) {
        let mut refused = refused.to_vec();
        refused.sort_unstable();
        for &(a, w) in &program.writes {
            if refused.is_empty() || refused.binary_search(&a).is_err() {
                self.words.set(a, w);
            }
        }
    }
    pub fn set(&mut self, address: u32, word: u32) {
        self.words.set(address, word);
    }
    pub fn get(&self, address: u32) -> Option<u32> {
        self.words.get(address)
    }
    pub fn len(&self) -> usize {
        self.words.len()
    }
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
    /// Every (address, word), sorted by address.
    pub fn entries(&self) -> Vec<(u32, u32)> {
        self.words.entries()
    }
    pub fn clear(&mut self) {
        self.words.clear();
    }
}
