//! The scalar interpreter of the Nux core (ppu.md §1), its interrupts and timers, and
//! the timing of its vector unit (§2).
//!
//! **Drivers.** [`Cpu::step`] executes one instruction, [`Cpu::run`] up to a number of
//! instructions (stopping when the core sleeps), [`Cpu::run_until`] up to a cycle
//! count (sleeping through `wait`, so a host can run the core in lock-step with a
//! clock), and [`Cpu::advance_sleep`] lets a sleeping core's time pass.
//!
//! **Synchronous exceptions** (illegal word, `tw`/`twi`, misaligned access, bus
//! fault) follow [`Cpu::trap_policy`]:
//! - [`TrapPolicy::Report`] (default): the driver returns `Err(Trap)` and the
//!   instruction changed nothing (the one exception is `stmw`, whose stores before a
//!   faulting word stay done); `pc` still points at it and neither `cycles` nor
//!   `instructions` advanced.
//! - [`TrapPolicy::Vector`]: the interrupt is taken as on silicon and the trap is kept
//!   in [`Cpu::last_trap`]: an illegal word goes to program (0x1C) with `ESR.PIL`, a
//!   true trap to program with `ESR.PTR`, a misaligned data access to alignment (0x18)
//!   and a data bus fault to data storage (0x0C), both with `DEAR` = the address and
//!   `ESR.ST` for stores; a fetch fault (or a misaligned `pc`) to instruction storage
//!   (0x10). Instructions never reach the vector as one: only one of alignment and
//!   trap can arise from one instruction, so their priority never has to be decided.
//!
//! **Interrupt entry** (all kinds, [`Interrupt`]): SRR0 ← the faulting instruction
//! (synchronous) or the next one (asynchronous), SRR1 ← MSR, MSR keeps only CE, ME
//! and DE (Book E base class; the critical and machine-check classes use CSRR/MCSRR),
//! `pc` ← the fixed vector `4 · offset`, and it costs [`INTERRUPT_ENTRY_CYCLES`].
//! `rfi`/`rfci`/`rfmci` restore.
//!
//! **Asynchronous interrupts** are always taken through their vectors, at instruction
//! boundaries, when MSR.EE is set, in the priority external input
//! ([`Cpu::external_input`], a level the host drives; the ICCR/GIN routing is not
//! modelled), then FIT (`TSR.FIS` and `TCR.FIE`), then decrementer (`TSR.DIS` and
//! `TCR.DIE`), then doorbell ([`Cpu::doorbell`] and ICCR bit 0; consumed on entry).
//! The status bits
//! are levels: a handler must clear them (`mtspr TSR` with 1s) before re-enabling EE.
//!
//! **Timers** count core cycles. `DEC` decrements by one per cycle; at its 1 → 0
//! transition `TSR.DIS` is set and, if `TCR.ARE` and `DECAR` ≠ 0, it is reloaded from
//! `DECAR` in that cycle (period `DECAR`); otherwise it stays at 0. An `mtspr DEC`
//! takes effect at the start of the instruction (a following `mfspr` reads one less).
//! The FIT sets `TSR.FIS` when time-base bit 8 + 4·FP (FP = `TCR` LSB-0 bits 24–25,
//! the taps 2^8/12/16/20) turns from 0 to 1, i.e. every 2^(9 + 4·FP) cycles. Both are
//! computed in closed form: a 31-cycle divide or a long sleep costs O(1). The hot loop
//! compares `cycles` with a precomputed next event; between driver calls `dec` and
//! `tsr` are current, so a host may use them (and every other field) as plain data.
//!
//! **Sleep.** `wait` with WC = 0 puts the core to sleep; `wait` with WC ≠ 0 is a no-op.
//! `step`/`run` on a sleeping core return [`StepOutcome::Sleep`] without advancing
//! time; `run_until`/`advance_sleep` advance time (counted in
//! [`Stats::sleep_cycles`]) until an enabled interrupt wakes the core (it is taken,
//! SRR0 = the instruction after `wait`). A host may also wake the core by clearing
//! [`Cpu::sleeping`].
//!
//! **Vector unit.** An FXV instruction executes functionally when it issues (scalar
//! and vector coherence is software-managed, so a correct program cannot tell), and
//! its timing is modelled: it costs the scalar core one cycle and enters a queue of
//! [`VECTOR_QUEUE_DEPTH`] pending instructions, which the unit executes in order, each
//! for the cycles `VectorUnit::execute` returned; issuing into a full queue stalls the
//! scalar core until the oldest completes ([`Stats::vector_queue_stall_cycles`]).
//! `sync`, `mtmsr`, `tw` and `twi` are context-synchronising: they first wait until
//! the unit is empty ([`Stats::sync_stall_cycles`]; a trapping `tw` does not wait).
//! So `mfspr 284; fxvlax; sync; mfspr 284` reads a difference of 2 + the `fxvlax`
//! occupancy, which is ppu.md's "49 ± 5, minus 1" with an occupancy of 48.
//!
//! Choices where the ISA leaves results undefined or the core is not yet modelled:
//! - `divw`/`divwu` by zero and `0x8000_0000 / -1` give 0 (OV is set if OE = 1).
//! - `mfocrf` with an FXM of more than one bit returns all selected fields (like
//!   `mfcr` masked); `mtocrf` with several bits behaves as `mtcrf`.
//! - Invalid forms are [`Trap::Illegal`]: load-with-update with `ra = 0` or `ra = rt`,
//!   store-with-update with `ra = 0`, `lmw` with `ra` in `rt..=31`, `bcctr` with BO
//!   bit 2 = 0 (CTR decrement).
//! - `eciwx`/`ecowx` (external control) are word loads/stores at EA = (RA|0) + RB over
//!   the same bus as data accesses, as QEMU models them (Nux has no EAR register to
//!   gate them), costing the io unit's 5 cycles plus the memory's extra latency.
//! - `mfspr`/`mtspr` of an SPR number not in the Nux `Spr_index` list is
//!   [`Trap::Illegal`]. `GIN` is read-only (writes are ignored); writing `TSR` clears
//!   the bits written as 1 (Book E write-1-to-clear). The time base (`TBL` 284 /
//!   `TBU` 285) is `cycles` plus an offset that `mtspr` of TBL/TBU adjusts; a read
//!   sees the cycles of all instructions completed before it.
//! - Cycle costs follow the latency table: ALU/logical/rotate/compare/branch/SPR moves
//!   1, `mul*` 4, `div*` 31, load/store (with or without update) 2 plus
//!   [`Memory::extra_latency`] of the address, `lmw`/`stmw` 32 − rt plus the extra
//!   latency of each word.
//! - Statistics are in [`Cpu::stats`]; [`Cpu::trace`] records executed instructions
//!   up to a limit.

use thiserror::Error;

mod dcache;
mod exec;
mod irq;
mod run;
mod stats;
mod vq;

pub use irq::{
    Interrupt, TrapPolicy, UnknownTrapPolicy, ESR_PIL, ESR_PTR, ESR_ST, ICCR_DOORBELL_EN,
    INTERRUPT_ENTRY_CYCLES, MSR_CE, MSR_DE, MSR_EE, MSR_ME, MSR_PR, TCR_ARE, TCR_DIE, TCR_FIE,
    TCR_FP_MASK, TCR_FP_SHIFT, TSR_DIS, TSR_FIS,
};
pub use stats::{Stats, Trace, TraceEntry};
pub use vq::VECTOR_QUEUE_DEPTH;

/// Size of the local SRAM in bytes (16 KiB).
pub const SRAM_BYTES: usize = 16 * 1024;

/// A failed memory access, as reported by a [`Memory`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Fault {
    #[error("bus error at {addr:#010x}")]
    Bus { addr: u32 },
}

/// Why [`Cpu::step`] did not complete an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Trap {
    /// Not an implemented instruction, an invalid form, or an unknown SPR.
    #[error("illegal instruction {word:#010x} at {pc:#010x}")]
    Illegal { pc: u32, word: u32 },
    /// A misaligned halfword or word data access.
    #[error("alignment interrupt at {pc:#010x}: address {addr:#010x}")]
    Alignment { pc: u32, addr: u32 },
    /// `tw`/`twi` with a true trap condition.
    #[error("program interrupt (trap) at {pc:#010x}")]
    Program { pc: u32 },
    /// The memory refused an access (instruction fetch or data).
    #[error("memory fault at {pc:#010x}: {fault}")]
    Memory { pc: u32, fault: Fault },
}

/// Byte-addressed memory as the core sees it. `size` is 1, 2 or 4; the memory
/// defines the byte order of multi-byte accesses (big-endian for the PPU). Alignment
/// is checked by the core before it calls the memory.
///
/// The vector methods serve the FXV unit. They return the cycles the access occupies
/// the vector unit, because only the memory knows what lies behind an address (local
/// SRAM, a synapse array, the CADC, FPGA memory); the figures are the silicon costs of
/// ppu.md §2. The defaults suit a plain memory: `fxvlax`/`fxvstax` as 32 word accesses
/// at the SRAM cost, and no I/O space (`fxvinx`/`fxvoutx` fault).
pub trait Memory {
    fn load(&mut self, addr: u32, size: u8) -> Result<u32, Fault>;
    fn store(&mut self, addr: u32, size: u8, value: u32) -> Result<(), Fault>;

    /// An instruction fetch. Differs from a data load where the address maps differ
    /// (on the PPU, 0x8000_0000 is FPGA memory for fetches but the Omnibus for data).
    fn fetch(&mut self, addr: u32) -> Result<u32, Fault> {
        self.load(addr, 4)
    }

    /// Told the core's cycle count before each instruction, so a memory that forwards
    /// accesses to a simulated system can time them.
    #[inline]
    fn clock(&mut self, cycles: u64) {
        let _ = cycles;
    }

    /// Cycles a scalar access to `addr` takes beyond the local-memory cost (the bus
    /// window to chip registers and the FPGA memories are slower).
    fn extra_latency(&self, addr: u32) -> u64 {
        let _ = addr;
        0
    }

    /// `fxvlax`: 128 bytes from `addr` (element 0 at the lowest address).
    fn load_vector(&mut self, addr: u32, out: &mut [u8; 128]) -> Result<u64, Fault> {
        for (i, chunk) in out.chunks_exact_mut(4).enumerate() {
            let w = self.load(addr.wrapping_add(4 * i as u32), 4)?;
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        Ok(VECTOR_LOAD_CYCLES)
    }

    /// `fxvstax`: 128 bytes to `addr`.
    fn store_vector(&mut self, addr: u32, data: &[u8; 128]) -> Result<u64, Fault> {
        // Check the whole range first so that a fault leaves memory unchanged.
        self.load(addr, 4)?;
        self.load(addr.wrapping_add(124), 4)?;
        for (i, chunk) in data.chunks_exact(4).enumerate() {
            let w = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            self.store(addr.wrapping_add(4 * i as u32), 4, w)?;
        }
        Ok(VECTOR_STORE_CYCLES)
    }

    /// `fxvinx`: one 128-byte vector from the I/O space at effective address `ea`
    /// (ppu.md §2, "fxvinx/fxvoutx I/O address space").
    fn vector_in(&mut self, ea: u32, out: &mut [u8; 128]) -> Result<u64, Fault> {
        let _ = out;
        Err(Fault::Bus { addr: ea })
    }

    /// `fxvoutx`: writes the bytes of `data` whose bit is set in `enable` (bit i =
    /// byte i) to the I/O space at `ea`; the other bytes stay untouched.
    fn vector_out(&mut self, ea: u32, data: &[u8; 128], enable: u128) -> Result<u64, Fault> {
        let _ = (data, enable);
        Err(Fault::Bus { addr: ea })
    }
}

/// Vector-unit cycles of an `fxvlax` from local SRAM (ppu.md §2: 49 ± 5 with a `sync`).
pub const VECTOR_LOAD_CYCLES: u64 = 48;
/// Vector-unit cycles of an `fxvstax` to local SRAM (47 ± 5 with a `sync`).
pub const VECTOR_STORE_CYCLES: u64 = 46;

/// The 16 KiB local SRAM at address 0, big-endian. Accesses reaching past its end
/// (or with a size other than 1, 2, 4) are [`Fault::Bus`].
#[derive(Clone, PartialEq, Eq)]
pub struct Sram {
    bytes: Vec<u8>,
}

impl Default for Sram {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Sram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sram")
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Sram {
    /// A zero-filled SRAM.
    pub fn new() -> Self {
        Self {
            bytes: vec![0; SRAM_BYTES],
        }
    }

    /// The raw bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The raw bytes, mutable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }

    /// Writes big-endian words starting at byte address `addr`.
    pub fn write_words(&mut self, addr: u32, words: &[u32]) -> Result<(), Fault> {
        for (i, w) in words.iter().enumerate() {
            let a = addr.wrapping_add((i as u32).wrapping_mul(4));
            self.store(a, 4, *w)?;
        }
        Ok(())
    }

    fn range(&self, addr: u32, size: u8) -> Result<std::ops::Range<usize>, Fault> {
        let fault = Fault::Bus { addr };
        if !matches!(size, 1 | 2 | 4) {
            return Err(fault);
        }
        let start = usize::try_from(addr).map_err(|_| fault)?;
        let end = start.checked_add(usize::from(size)).ok_or(fault)?;
        if end > self.bytes.len() {
            return Err(fault);
        }
        Ok(start..end)
    }
}

impl Memory for Sram {
    fn load(&mut self, addr: u32, size: u8) -> Result<u32, Fault> {
        // Fast path for instruction fetch and word loads.
        if size == 4 {
            if let Some(b) = self
                .bytes
                .get(addr as usize..(addr as usize).wrapping_add(4))
            {
                return Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            }
        }
        let r = self.range(addr, size)?;
        Ok(self.bytes[r]
            .iter()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
    }

    fn store(&mut self, addr: u32, size: u8, value: u32) -> Result<(), Fault> {
        let r = self.range(addr, size)?;
        let n = r.len();
        for (i, b) in self.bytes[r].iter_mut().enumerate() {
            *b = (value >> (8 * (n - 1 - i))) as u8;
        }
        Ok(())
    }
}

/// What one [`Cpu::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// An instruction completed; the core keeps running.
    Continue,
    /// The core is asleep (a `wait` with WC = 0 just executed, or it already was).
    Sleep,
}

/// Why [`Cpu::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// The core went to sleep after `executed` instructions of this run.
    Sleep { executed: u64 },
    /// `max_instructions` instructions were executed without sleeping.
    Limit,
}

/// XER bits.
pub const XER_SO: u32 = 0x8000_0000;
pub const XER_OV: u32 = 0x4000_0000;
pub const XER_CA: u32 = 0x2000_0000;

/// SPR numbers of the Nux core (ppu.md §1).
pub mod spr {
    pub const XER: u16 = 1;
    pub const LR: u16 = 8;
    pub const CTR: u16 = 9;
    pub const AMR: u16 = 13;
    pub const DEC: u16 = 22;
    pub const SRR0: u16 = 26;
    pub const SRR1: u16 = 27;
    pub const DECAR: u16 = 54;
    pub const CSRR0: u16 = 58;
    pub const CSRR1: u16 = 59;
    pub const DEAR: u16 = 61;
    pub const ESR: u16 = 62;
    pub const GIN: u16 = 65;
    pub const GOUT: u16 = 66;
    pub const GOE: u16 = 67;
    pub const ICCR: u16 = 68;
    pub const CTRL: u16 = 136;
    pub const VRSAVE: u16 = 256;
    /// SPRG3..=SPRG7 are 259..=263.
    pub const SPRG3: u16 = 259;
    pub const SPRG7: u16 = 263;
    pub const TBL: u16 = 284;
    pub const TBU: u16 = 285;
    pub const TSR: u16 = 336;
    pub const TCR: u16 = 340;
    pub const MCSRR0: u16 = 570;
    pub const MCSRR1: u16 = 571;
}

/// Architected state of one Nux scalar core. Reset state: everything 0, PC 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cpu {
    pub gpr: [u32; 32],
    pub cr: u32,
    pub xer: u32,
    pub lr: u32,
    pub ctr: u32,
    pub msr: u32,
    pub pc: u32,
    /// Core cycles elapsed (the time base counts these).
    pub cycles: u64,
    /// Instructions completed.
    pub instructions: u64,
    /// Halted by `wait`; clear to resume.
    pub sleeping: bool,
    pub srr0: u32,
    pub srr1: u32,
    pub csrr0: u32,
    pub csrr1: u32,
    pub mcsrr0: u32,
    pub mcsrr1: u32,
    pub dec: u32,
    pub decar: u32,
    /// Time base = `cycles + tb_offset` (wrapping).
    pub tb_offset: u64,
    /// SPRG3..=SPRG7.
    pub sprg: [u32; 5],
    pub esr: u32,
    pub dear: u32,
    pub gin: u32,
    pub gout: u32,
    pub goe: u32,
    pub iccr: u32,
    pub tcr: u32,
    pub tsr: u32,
    pub amr: u32,
    pub ctrl: u32,
    pub vrsave: u32,
    /// What a synchronous exception does (default: report it to the caller).
    pub trap_policy: TrapPolicy,
    /// The last synchronous exception taken through a vector (policy `Vector`).
    pub last_trap: Option<Trap>,
    /// The external-input interrupt line (level; the host sets and clears it).
    pub external_input: bool,
    /// A doorbell message is pending (taken if ICCR enables it; consumed on entry).
    pub doorbell: bool,
    /// The FXV vector unit's architected state.
    pub vector: crate::vector::VectorUnit,
    /// Run statistics.
    pub stats: Stats,
    /// Records executed instructions when `Some` (see [`Trace::new`]).
    pub trace: Option<Trace>,
    /// While a run is under way: the cycle at which `dec` and `tsr` were last brought
    /// up to date; `None` between runs (then they are current).
    pub(crate) timer_anchor: Option<u64>,
    /// The first cycle at which the timers or pending interrupts need attention.
    pub(crate) next_event: u64,
    pub(crate) vq: vq::VectorQueue,
    pub(crate) dcache: dcache::DecodeCache,
}

impl Cpu {
    /// A core in its reset state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Instructions completed by the scalar pipeline alone (not FXV).
    pub fn scalar_instructions(&self) -> u64 {
        self.instructions
            .wrapping_sub(self.stats.vector_instructions)
    }

    /// FXV instructions issued but not completed by the vector unit.
    pub fn vector_pending(&self) -> usize {
        self.vq.pending(self.cycles)
    }

    /// The cycle from which the vector unit is idle.
    pub fn vector_idle_at(&self) -> u64 {
        self.vq.idle_at()
    }

    /// The 64-bit time base.
    pub fn time_base(&self) -> u64 {
        self.cycles.wrapping_add(self.tb_offset)
    }

    fn set_time_base(&mut self, tb: u64) {
        self.tb_offset = tb.wrapping_sub(self.cycles);
    }

    /// Reads an SPR; `None` for a number the core does not have.
    pub fn read_spr(&self, n: u16) -> Option<u32> {
        use spr::*;
        Some(match n {
            XER => self.xer,
            LR => self.lr,
            CTR => self.ctr,
            AMR => self.amr,
            DEC => self.dec_at(self.cycles),
            SRR0 => self.srr0,
            SRR1 => self.srr1,
            DECAR => self.decar,
            CSRR0 => self.csrr0,
            CSRR1 => self.csrr1,
            DEAR => self.dear,
            ESR => self.esr,
            GIN => self.gin,
            GOUT => self.gout,
            GOE => self.goe,
            ICCR => self.iccr,
            CTRL => self.ctrl,
            VRSAVE => self.vrsave,
            SPRG3..=SPRG7 => self.sprg[usize::from(n - SPRG3)],
            TBL => self.time_base() as u32,
            TBU => (self.time_base() >> 32) as u32,
            TSR => self.tsr,
            TCR => self.tcr,
            MCSRR0 => self.mcsrr0,
            MCSRR1 => self.mcsrr1,
            _ => return None,
        })
    }

    /// Writes an SPR; `false` for a number the core does not have.
    pub fn write_spr(&mut self, n: u16, v: u32) -> bool {
        use spr::*;
        if matches!(n, DEC | DECAR | TCR | TSR | TBL | TBU | ICCR) {
            // The old settings govern the time up to now; the new ones from now on,
            // and the next event has to be recomputed.
            self.sync_timers();
            self.next_event = 0;
        }
        match n {
            XER => self.xer = v & (XER_SO | XER_OV | XER_CA),
            LR => self.lr = v,
            CTR => self.ctr = v,
            AMR => self.amr = v,
            DEC => self.dec = v,
            SRR0 => self.srr0 = v,
            SRR1 => self.srr1 = v,
            DECAR => self.decar = v,
            CSRR0 => self.csrr0 = v,
            CSRR1 => self.csrr1 = v,
            DEAR => self.dear = v,
            ESR => self.esr = v,
            GIN => {}
            GOUT => self.gout = v,
            GOE => self.goe = v,
            ICCR => self.iccr = v,
            CTRL => self.ctrl = v,
            VRSAVE => self.vrsave = v,
            SPRG3..=SPRG7 => self.sprg[usize::from(n - SPRG3)] = v,
            TBL => {
                let tb = self.time_base();
                self.set_time_base((tb & !0xFFFF_FFFF) | u64::from(v));
            }
            TBU => {
                let tb = self.time_base();
                self.set_time_base((tb & 0xFFFF_FFFF) | (u64::from(v) << 32));
            }
            TSR => self.tsr &= !v,
            TCR => self.tcr = v,
            MCSRR0 => self.mcsrr0 = v,
            MCSRR1 => self.mcsrr1 = v,
            _ => return false,
        }
        true
    }

    // ---- helpers used by exec -------------------------------------------------------

    fn ra0(&self, ra: u8) -> u32 {
        if ra == 0 {
            0
        } else {
            self.gpr[usize::from(ra)]
        }
    }

    fn cr_bit(&self, bi: u8) -> bool {
        (self.cr >> (31 - u32::from(bi & 31))) & 1 == 1
    }

    fn set_cr_bit(&mut self, bt: u8, v: bool) {
        let m = 1u32 << (31 - u32::from(bt & 31));
        self.cr = if v { self.cr | m } else { self.cr & !m };
    }

    fn cr_field(&self, f: u8) -> u32 {
        (self.cr >> (28 - 4 * u32::from(f & 7))) & 0xF
    }

    fn set_cr_field(&mut self, f: u8, v: u32) {
        let sh = 28 - 4 * u32::from(f & 7);
        self.cr = (self.cr & !(0xF << sh)) | ((v & 0xF) << sh);
    }

    fn so(&self) -> u32 {
        u32::from(self.xer & XER_SO != 0)
    }

    /// CR0 from a signed result and XER.SO.
    fn set_cr0(&mut self, v: u32) {
        let c = match (v as i32).cmp(&0) {
            std::cmp::Ordering::Less => 8,
            std::cmp::Ordering::Greater => 4,
            std::cmp::Ordering::Equal => 2,
        };
        self.set_cr_field(0, c | self.so());
    }

    fn set_ca(&mut self, ca: bool) {
        self.xer = if ca {
            self.xer | XER_CA
        } else {
            self.xer & !XER_CA
        };
    }

    fn ca(&self) -> u32 {
        u32::from(self.xer & XER_CA != 0)
    }

    /// OV ← ov, SO |= ov.
    fn set_ov(&mut self, ov: bool) {
        self.xer = if ov {
            self.xer | XER_OV | XER_SO
        } else {
            self.xer & !XER_OV
        };
    }
}

/// `a + b + c` with carry out and signed overflow.
pub(crate) fn add3(a: u32, b: u32, c: u32) -> (u32, bool, bool) {
    let wide = u64::from(a) + u64::from(b) + u64::from(c);
    let r = wide as u32;
    let ov = ((a ^ r) & (b ^ r)) >> 31 == 1;
    (r, wide > 0xFFFF_FFFF, ov)
}

/// The rotate mask with ones from IBM bit `mb` to `me`, wrapping if `mb > me`.
pub fn rot_mask(mb: u8, me: u8) -> u32 {
    let mb = u32::from(mb & 31);
    let me = u32::from(me & 31);
    let from_mb = u32::MAX >> mb;
    let to_me = u32::MAX << (31 - me);
    if mb <= me {
        from_mb & to_me
    } else {
        from_mb | to_me
    }
}

/// The CR mask selected by an FXM field (bit 0x80 = CR0).
pub(crate) fn fxm_mask(fxm: u8) -> u32 {
    (0..8)
        .filter(|i| fxm & (0x80 >> i) != 0)
        .fold(0, |m, i| m | (0xF << (28 - 4 * i)))
}
