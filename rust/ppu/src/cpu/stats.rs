//! Run statistics and the optional instruction trace.

use super::Interrupt;

/// Counters a host reads after (or during) a run. `Cpu::cycles` and
/// `Cpu::instructions` are the totals; these break them down.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// FXV instructions issued to the vector unit (included in `Cpu::instructions`).
    pub vector_instructions: u64,
    /// Scalar cycles lost issuing an FXV instruction into a full queue.
    pub vector_queue_stall_cycles: u64,
    /// Scalar cycles `sync`, `mtmsr`, `tw` and `twi` waited for the vector unit.
    pub sync_stall_cycles: u64,
    /// Cycles spent asleep after `wait`.
    pub sleep_cycles: u64,
    /// Interrupts taken, indexed by `Interrupt as usize` (see [`Stats::interrupts_taken`]).
    pub interrupts: [u64; Interrupt::ALL.len()],
}

impl Stats {
    /// How many interrupts of `kind` were taken.
    pub fn interrupts_taken(&self, kind: Interrupt) -> u64 {
        self.interrupts[kind as usize]
    }

    /// All stall cycles (queue full plus synchronisation).
    pub fn stall_cycles(&self) -> u64 {
        self.vector_queue_stall_cycles + self.sync_stall_cycles
    }
}

/// One executed instruction in a [`Trace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceEntry {
    pub pc: u32,
    pub word: u32,
    /// `Cpu::cycles` when the instruction started.
    pub cycles_before: u64,
}

impl TraceEntry {
    /// The instruction as assembly text (`.long 0x...` for a word that does not decode).
    pub fn disassembly(&self) -> String {
        crate::insn::decode(self.word)
            .map(|i| crate::disasm::disassemble(&i, self.pc))
            .unwrap_or_else(|_| format!(".long {:#010x}", self.word))
    }
}

/// A bounded record of completed instructions: once `limit` entries are held, further
/// instructions are only counted in `dropped`. Faulting instructions are not entered
/// (see `Cpu::last_trap`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub entries: Vec<TraceEntry>,
    pub limit: usize,
    pub dropped: u64,
}

impl Trace {
    /// An empty trace that keeps at most `limit` entries.
    pub fn new(limit: usize) -> Self {
        Self {
            // Reserve up front (bounded) so that recording rarely allocates mid-run.
            entries: Vec::with_capacity(limit.min(1 << 16)),
            limit,
            dropped: 0,
        }
    }

    pub(crate) fn record(&mut self, entry: TraceEntry) {
        if self.entries.len() < self.limit {
            self.entries.push(entry);
        } else {
            self.dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TraceEntry;

    #[test]
    fn trace_entries_disassemble() {
        let entry = |word| TraceEntry {
            pc: 0x100,
            word,
            cycles_before: 0,
        };
        assert_eq!(entry(0x6000_0000).disassembly(), "nop");
        assert_eq!(entry(0).disassembly(), ".long 0x00000000");
    }
}
