//! Running bare instruction sequences ("snippets") from a given register state, for
//! differential tests against other implementations of the instruction set.
//!
//! A snippet is a list of instruction words loaded big-endian at address 0 of a fresh
//! 16 KiB SRAM. It runs until the PC leaves the snippet (falls off its end or branches
//! out of it), the core sleeps (`wait`), an instruction traps, or `max_steps`
//! instructions have executed.

use thiserror::Error;

use crate::cpu::{spr, Cpu, Sram, StepOutcome, Trap, SRAM_BYTES};

/// Bad input to [`run_snippet`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SnippetError {
    #[error("expected {expected} general-purpose registers, got {got}")]
    RegisterCount { expected: usize, got: usize },
    #[error("{words} instruction words ({bytes} bytes) do not fit the {SRAM_BYTES}-byte SRAM")]
    CodeTooLarge { words: usize, bytes: usize },
    #[error(
        "{len} bytes of initial memory at {base:#x} reach past the end of the \
         {SRAM_BYTES}-byte SRAM"
    )]
    MemoryOutOfRange { base: usize, len: usize },
}

/// Initial register values of a snippet run.
pub struct Registers {
    pub gpr: [u32; 32],
    pub cr: u32,
    pub xer: u32,
    pub lr: u32,
    pub ctr: u32,
}

/// Why a snippet run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The PC left the code (fell off the end or branched outside it).
    Left,
    /// A `wait` put the core to sleep.
    Wait,
    /// `max_steps` instructions executed with the PC still inside the code.
    MaxSteps,
    /// An instruction trapped (the state is the one before it).
    Trap(Trap),
}

/// The state after a snippet run.
pub struct Outcome {
    pub cpu: Cpu,
    pub sram: Sram,
    pub steps: u64,
    pub stop: Stop,
}

/// Loads `words` at 0 and `memory` at `memory_base` (default: right after the code)
/// into a fresh SRAM, sets the registers and runs (see the module docs).
pub fn run_snippet(
    words: &[u32],
    regs: &Registers,
    memory: &[u8],
    memory_base: Option<usize>,
    max_steps: u64,
) -> Result<Outcome, SnippetError> {
    let code_bytes = words.len().saturating_mul(4);
    if code_bytes > SRAM_BYTES {
        return Err(SnippetError::CodeTooLarge {
            words: words.len(),
            bytes: code_bytes,
        });
    }
    let base = memory_base.unwrap_or(code_bytes);
    let end = base
        .checked_add(memory.len())
        .filter(|&e| e <= SRAM_BYTES)
        .ok_or(SnippetError::MemoryOutOfRange {
            base,
            len: memory.len(),
        })?;
    let mut sram = Sram::new();
    sram.bytes_mut()[base..end].copy_from_slice(memory);
    // The code goes in last: initial memory placed over it does not clobber it.
    for (chunk, w) in sram.bytes_mut().chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&w.to_be_bytes());
    }

    let mut cpu = Cpu::new();
    cpu.gpr = regs.gpr;
    cpu.cr = regs.cr;
    // XER as mtspr writes it: only SO, OV and CA exist.
    cpu.write_spr(spr::XER, regs.xer);
    cpu.lr = regs.lr;
    cpu.ctr = regs.ctr;

    // `code_bytes` ≤ 16 KiB, so the conversion cannot fail.
    let code_end = u32::try_from(code_bytes).unwrap_or(u32::MAX);
    let mut steps = 0u64;
    let stop = loop {
        if cpu.pc >= code_end {
            break Stop::Left;
        }
        if steps >= max_steps {
            break Stop::MaxSteps;
        }
        match cpu.step(&mut sram) {
            Ok(StepOutcome::Continue) => steps += 1,
            Ok(StepOutcome::Sleep) => {
                steps += 1;
                break Stop::Wait;
            }
            Err(t) => break Stop::Trap(t),
        }
    };
    Ok(Outcome {
        cpu,
        sram,
        steps,
        stop,
    })
}

impl Stop {
    /// A short name: `left`, `wait`, `max_steps` or `trap`.
    pub fn name(&self) -> &'static str {
        match self {
            Stop::Left => "left",
            Stop::Wait => "wait",
            Stop::MaxSteps => "max_steps",
            Stop::Trap(_) => "trap",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regs() -> Registers {
        Registers {
            gpr: [0; 32],
            cr: 0,
            xer: u32::MAX,
            lr: 0,
            ctr: 0,
        }
    }

    #[test]
    fn runs_until_the_pc_leaves_and_reports_why_it_stopped() {
        // addi r3,r0,5 ; addi r3,r3,1 ; b -4 (loops) -> max_steps
        let out = run_snippet(&[0x3860_0005, 0x3863_0001], &regs(), &[], None, 100).unwrap();
        assert_eq!((out.cpu.gpr[3], out.steps, out.stop), (6, 2, Stop::Left));
        assert_eq!(out.cpu.xer, 0xE000_0000, "only SO, OV and CA exist");
        let out = run_snippet(&[0x4800_0000], &regs(), &[], None, 7).unwrap();
        assert_eq!((out.steps, out.stop), (7, Stop::MaxSteps));
        let out = run_snippet(&[0], &regs(), &[], None, 7).unwrap();
        assert!(matches!(
            out.stop,
            Stop::Trap(Trap::Illegal { pc: 0, word: 0 })
        ));
        assert_eq!(
            run_snippet(&[], &regs(), &[0; 4], Some(SRAM_BYTES - 2), 1).err(),
            Some(SnippetError::MemoryOutOfRange {
                base: SRAM_BYTES - 2,
                len: 4
            })
        );
    }
}
