//! Interrupts, the decrementer and the fixed-interval timer (ppu.md §1).
//!
//! Timers are computed in closed form from an anchor cycle: while a run is under way,
//! `dec` holds the decrementer's value at `timer_anchor`, and [`Cpu::sync_timers`]
//! brings `dec` and `TSR` forward to `cycles` in O(1) however many cycles passed.
//! Between runs (at every public API boundary) the anchor is `None` and `dec`/`tsr`
//! are current, so a host may read and write them as plain fields.

use super::{Cpu, Trap};

/// MSR bits (Book E numbering as 32-bit masks).
pub const MSR_CE: u32 = 0x0002_0000;
pub const MSR_EE: u32 = 0x0000_8000;
pub const MSR_PR: u32 = 0x0000_4000;
pub const MSR_ME: u32 = 0x0000_1000;
pub const MSR_DE: u32 = 0x0000_0200;

/// ESR bits written on entry to the program, alignment and storage interrupts.
pub const ESR_PIL: u32 = 0x0800_0000;
pub const ESR_PTR: u32 = 0x0200_0000;
pub const ESR_ST: u32 = 0x0080_0000;

/// TCR bits as libnux uses them.
pub const TCR_DIE: u32 = 0x0400_0000;
pub const TCR_FIE: u32 = 0x0080_0000;
pub const TCR_ARE: u32 = 0x0040_0000;
/// FIT period select (LSB-0 bits 24–25): value p taps time-base bit 8 + 4p.
pub const TCR_FP_SHIFT: u32 = 24;
pub const TCR_FP_MASK: u32 = 0x0300_0000;
/// TSR bits (write 1 to clear).
pub const TSR_DIS: u32 = 0x0800_0000;
pub const TSR_FIS: u32 = 0x0400_0000;
/// ICCR bit enabling the doorbell interrupt (LSB-0 bit 0).
pub const ICCR_DOORBELL_EN: u32 = 0x1;

/// Cycles an interrupt entry costs (the redirect of fetch, like a taken branch). The
/// silicon figure is not documented.
pub const INTERRUPT_ENTRY_CYCLES: u64 = 1;

/// The fixed interrupt vectors; the discriminant times 4 is the vector address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interrupt {
    Reset = 0,
    MachineCheck = 1,
    CriticalInput = 2,
    DataStorage = 3,
    InstructionStorage = 4,
    External = 5,
    Alignment = 6,
    Program = 7,
    Syscall = 8,
    Doorbell = 9,
    CriticalDoorbell = 10,
    Fit = 11,
    Decrementer = 12,
}

impl Interrupt {
    /// Every interrupt, in vector order.
    pub const ALL: [Interrupt; 13] = [
        Self::Reset,
        Self::MachineCheck,
        Self::CriticalInput,
        Self::DataStorage,
        Self::InstructionStorage,
        Self::External,
        Self::Alignment,
        Self::Program,
        Self::Syscall,
        Self::Doorbell,
        Self::CriticalDoorbell,
        Self::Fit,
        Self::Decrementer,
    ];

    /// The vector address (no IVPR: fixed at 4 · offset).
    pub const fn vector(self) -> u32 {
        4 * self as u32
    }
}

/// What the core does with a synchronous exception (illegal word, trap, misaligned
/// access, bus fault).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TrapPolicy {
    /// `step`/`run` return `Err(Trap)` and leave the state untouched, so a host can
    /// report the error.
    #[default]
    Report,
    /// Take the interrupt as the silicon does, and record the trap in `Cpu::last_trap`.
    Vector,
}

/// A trap policy name that is neither "report" nor "vector".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PPU trap policy {0:?}; allowed: \"report\", \"vector\"")]
pub struct UnknownTrapPolicy(pub String);

impl std::str::FromStr for TrapPolicy {
    type Err = UnknownTrapPolicy;

    /// The policy named "report" or "vector" (as hosts choose it).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "report" => Ok(TrapPolicy::Report),
            "vector" => Ok(TrapPolicy::Vector),
            _ => Err(UnknownTrapPolicy(name.to_string())),
        }
    }
}

/// The time-base bit the FIT taps for a TCR value.
fn fit_bit(tcr: u32) -> u32 {
    8 + 4 * ((tcr & TCR_FP_MASK) >> TCR_FP_SHIFT)
}

/// The first time-base value after `tb` at which bit `k` turns from 0 to 1
/// (values ≡ 2^k mod 2^(k+1)); `None` past the end of the 64-bit time base.
fn next_fit_edge(tb: u64, k: u32) -> Option<u64> {
    let period = 1u64 << (k + 1);
    let edge = (tb & !(period - 1)).checked_add(1 << k)?;
    if edge > tb {
        Some(edge)
    } else {
        edge.checked_add(period)
    }
}

impl Cpu {
    /// The decrementer at cycle `now` (≥ the anchor), from its value at the anchor.
    pub(super) fn dec_at(&self, now: u64) -> u32 {
        let Some(anchor) = self.timer_anchor else {
            return self.dec;
        };
        let elapsed = now.saturating_sub(anchor);
        let d = u64::from(self.dec);
        if d == 0 || elapsed < d {
            // Stopped at 0, or still counting down.
            return (d - elapsed.min(d)) as u32;
        }
        // It reached 0 at anchor + d; with auto-reload it restarts from DECAR there.
        if self.tcr & TCR_ARE == 0 || self.decar == 0 {
            return 0;
        }
        let period = u64::from(self.decar);
        (period - (elapsed - d) % period) as u32
    }

    /// Brings `dec` and `TSR` from the anchor to `cycles` and moves the anchor there.
    pub(super) fn sync_timers(&mut self) {
        let Some(anchor) = self.timer_anchor else {
            return;
        };
        let now = self.cycles;
        if now <= anchor {
            return;
        }
        let elapsed = now - anchor;
        if self.dec != 0 && elapsed >= u64::from(self.dec) {
            self.tsr |= TSR_DIS;
        }
        self.dec = self.dec_at(now);
        let tb0 = anchor.wrapping_add(self.tb_offset);
        if next_fit_edge(tb0, fit_bit(self.tcr)).is_some_and(|e| e - tb0 <= elapsed) {
            self.tsr |= TSR_FIS;
        }
        self.timer_anchor = Some(now);
    }

    /// The first cycle after the anchor at which a timer changes `TSR`; events whose
    /// status bit is already set are skipped (the bit is sticky).
    fn next_timer_event(&self) -> u64 {
        let anchor = self.timer_anchor.unwrap_or(self.cycles);
        let mut next = u64::MAX;
        if self.tsr & TSR_DIS == 0 && self.dec != 0 {
            next = anchor.saturating_add(u64::from(self.dec));
        }
        if self.tsr & TSR_FIS == 0 {
            let tb = anchor.wrapping_add(self.tb_offset);
            if let Some(edge) = next_fit_edge(tb, fit_bit(self.tcr)) {
                next = next.min(anchor.saturating_add(edge - tb));
            }
        }
        next
    }

    /// The highest-priority asynchronous interrupt whose condition holds, whether or
    /// not MSR.EE lets it be taken (priority: external > FIT > DEC > doorbell).
    pub fn pending_interrupt(&self) -> Option<Interrupt> {
        if self.external_input {
            Some(Interrupt::External)
        } else if self.tsr & TSR_FIS != 0 && self.tcr & TCR_FIE != 0 {
            Some(Interrupt::Fit)
        } else if self.tsr & TSR_DIS != 0 && self.tcr & TCR_DIE != 0 {
            Some(Interrupt::Decrementer)
        } else if self.doorbell && self.iccr & ICCR_DOORBELL_EN != 0 {
            Some(Interrupt::Doorbell)
        } else {
            None
        }
    }

    /// Brings the timers to `cycles`, takes an enabled pending interrupt (waking a
    /// sleeping core), and schedules the next timer event.
    pub(super) fn service_events(&mut self) {
        self.sync_timers();
        if self.msr & MSR_EE != 0 {
            if let Some(irq) = self.pending_interrupt() {
                if irq == Interrupt::Doorbell {
                    // A doorbell is a message, consumed by its interrupt.
                    self.doorbell = false;
                }
                self.sleeping = false;
                self.take_interrupt(irq, self.pc);
            }
        }
        self.next_event = self.next_timer_event();
    }

    /// Interrupt entry: save PC and MSR in the save/restore pair of the interrupt's
    /// class, clear MSR as Book E does, and jump to the vector.
    pub(super) fn take_interrupt(&mut self, irq: Interrupt, return_pc: u32) {
        match irq {
            Interrupt::MachineCheck => {
                self.mcsrr0 = return_pc;
                self.mcsrr1 = self.msr;
                self.msr = 0;
            }
            Interrupt::CriticalInput | Interrupt::CriticalDoorbell => {
                self.csrr0 = return_pc;
                self.csrr1 = self.msr;
                self.msr &= MSR_ME;
            }
            Interrupt::Reset => self.msr = 0,
            _ => {
                self.srr0 = return_pc;
                self.srr1 = self.msr;
                self.msr &= MSR_CE | MSR_ME | MSR_DE;
            }
        }
        self.pc = irq.vector();
        self.cycles = self.cycles.wrapping_add(INTERRUPT_ENTRY_CYCLES);
        self.stats.interrupts[irq as usize] += 1;
    }

    /// Takes the interrupt a synchronous exception raises (policy `Vector`); `store`
    /// says whether the faulting access was a store (ESR.ST).
    pub(super) fn vector_trap(&mut self, trap: Trap, fetch: bool, store: bool) {
        let st = if store { ESR_ST } else { 0 };
        let (irq, pc) = match trap {
            Trap::Illegal { pc, .. } => {
                self.esr = ESR_PIL;
                (Interrupt::Program, pc)
            }
            Trap::Program { pc } => {
                self.esr = ESR_PTR;
                (Interrupt::Program, pc)
            }
            Trap::Alignment { pc, .. } | Trap::Memory { pc, .. } if fetch => {
                self.esr = 0;
                (Interrupt::InstructionStorage, pc)
            }
            Trap::Alignment { pc, addr } => {
                self.esr = st;
                self.dear = addr;
                (Interrupt::Alignment, pc)
            }
            Trap::Memory { pc, fault } => {
                let super::Fault::Bus { addr } = fault;
                self.esr = st;
                self.dear = addr;
                (Interrupt::DataStorage, pc)
            }
        };
        self.last_trap = Some(trap);
        self.take_interrupt(irq, pc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trap_policies_by_name() {
        assert_eq!("report".parse(), Ok(TrapPolicy::Report));
        assert_eq!("vector".parse(), Ok(TrapPolicy::Vector));
        let e = "halt".parse::<TrapPolicy>().unwrap_err().to_string();
        assert_eq!(e, r#"PPU trap policy "halt"; allowed: "report", "vector""#);
    }

    #[test]
    fn vectors_are_the_table() {
        let want = [
            0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x2C, 0x30,
        ];
        for (irq, v) in Interrupt::ALL.iter().zip(want) {
            assert_eq!(irq.vector(), v, "{irq:?}");
        }
    }

    #[test]
    fn fit_taps() {
        // FP = 3 taps bit 20: rising edges at 2^20, 3·2^20, ...
        let k = fit_bit(3 << TCR_FP_SHIFT);
        assert_eq!(k, 20);
        assert_eq!(next_fit_edge(0, k), Some(1 << 20));
        assert_eq!(next_fit_edge(1 << 20, k), Some(3 << 20));
        assert_eq!(next_fit_edge((3 << 20) - 1, k), Some(3 << 20));
        assert_eq!(next_fit_edge(u64::MAX - 5, 8), None);
    }

    proptest! {
        /// The closed-form edge search against a bit-by-bit scan.
        #[test]
        fn fit_edge_matches_scan(tb in 0u64..(1 << 24), fp in 0u32..2) {
            let k = fit_bit(fp << TCR_FP_SHIFT);
            let bit = |v: u64| (v >> k) & 1;
            let edge = next_fit_edge(tb, k).unwrap();
            prop_assert!(edge > tb);
            prop_assert!(bit(edge) == 1 && bit(edge - 1) == 0);
            // No earlier edge: within (tb, edge) bit k never rises. Checked on the
            // window bounded by one period.
            prop_assert!(edge - tb <= 1 << (k + 1));
            let rising = (tb + 1..edge).find(|&v| bit(v) == 1 && bit(v - 1) == 0);
            prop_assert_eq!(rising, None);
        }
    }
}
