//! The two plasticity processors (PPUs) on the chip: their cores, memories, host control
//! and the bus through which a running program reads and reconfigures the chip.
//!
//! # Host control (ppu.md §3)
//! - `ppu_memory_word[ppu][i]` is word `i` of that core's 16 KiB SRAM (big-endian), read
//!   and written by the host at any time.
//! - `ppu_control.inhibit_reset`: 0 holds the core in reset; a 0 -> 1 edge resets the
//!   architected state and starts it at PC 0 at that moment of hardware time.
//! - `ppu_status.sleep` is 1 while a released core sleeps in `wait` (a program ended).
//! - `ppu_fault` (model only) records why a core stopped on a fault.
//!
//! # Time
//! The cores run at 250 MHz, two PPU cycles per FPGA cycle, in lock-step with the chip:
//! [`Ppus::run`] advances every released core to the end of a time span, always running
//! the core that is furthest behind (in turns of [`INTERLEAVE_FPGA_CYCLES`] while both
//! run), and before any access that touches the chip it advances the analog and digital
//! model to the time of the instruction making it. A PPU that writes a
//! synapse weight at PPU cycle `c` thus changes the network from FPGA cycle `epoch + c / 2`.
//!
//! # The core's view of the chip (ppu.md §1 memory map, §2 I/O space)
//! Instruction fetches: the SRAM, FPGA extmem at `0x8000_0000` and DRAM at `0x9000_0000`.
//!
//! Scalar data accesses:
//! - `0x0000_0000..0x0000_4000`: the core's own SRAM.
//! - `0x8000_0000 | (word << 2)`: the on-chip Omnibus, word accesses only. The PPU
//!   memories of both cores are reachable there; every other address is a chip register
//!   and behaves exactly as a host access through the executor (the map's access rules
//!   apply; an unmapped or refused access is a bus error).
//! - `0x4000_0000 + offset` (128 KiB) and `0x5000_0000 + offset` (256 MiB): the FPGA
//!   memories `external_ppu_memory` / `external_ppu_dram`, any access size.
//!
//! Vector I/O (`fxvinx`/`fxvoutx`), EA in 128-byte vector units; index `i` = 2 row + half,
//! byte `j` of half `h` is column `2 j + h` of the core's own hemisphere (top = 0):
//! weights (`0x00000 + i`), labels (`0x40000 + i`), causal / acausal correlation through
//! the CADC (`0x80000` / `0xC0000`, `+0x10000` resets the channel just read), a write to
//! the causal base resets the correlation of the enabled synapses whose byte is nonzero,
//! neuron reset (`0x00C9_0000 + 512 + h`, the enabled columns), the random generator
//! (`0xE0000`), FPGA extmem (`0x8000_0000 + (byte offset >> 4)`) and DRAM
//! (`0x8100_0000 + …`). The test (`0x10_0000`) and buffer-enable (`0x20_0000`) modifier
//! bits are accepted and ignored. Anything else is a bus error.
//!
//! Costs (PPU cycles the vector unit is busy, ppu.md §2): synapse and neuron I/O 20, a
//! CADC read 205, extmem writes 38 and reads 344. Scalar accesses beyond the SRAM take
//! [`OMNIBUS_EXTRA_CYCLES`] / [`FPGA_MEMORY_EXTRA_CYCLES`] more; the reference gives no
//! figure for them, these are assumptions.

use crate::model::{Chip, Event, COLUMNS};
use crate::regfile::RegisterFile;
use ppu::cpu::{Fault, Memory, Sram, Trap};

mod bus;
use bus::Bus;
pub use bus::VectorTarget;
use ppu::Cpu;
use regmap::{id, REGISTERS};

/// While both cores run they take turns of at least this many FPGA cycles (0.25 us):
/// an access of one core to the chip can land up to this late relative to the other's.
pub const INTERLEAVE_FPGA_CYCLES: u64 = 32;
/// PPU cycles per FPGA cycle (250 MHz against 125 MHz).
pub const PPU_CYCLES_PER_FPGA_CYCLE: u64 = 2;
/// Extra cycles of a scalar access to the on-chip Omnibus (assumed).
pub const OMNIBUS_EXTRA_CYCLES: u64 = 8;
/// Extra cycles of a scalar access to the FPGA memories (assumed).
pub const FPGA_MEMORY_EXTRA_CYCLES: u64 = 36;
/// Vector-unit cycles of synapse / neuron I/O.
pub const SYNAPSE_IO_CYCLES: u64 = 20;
/// Vector-unit cycles of one CADC read.
pub const CADC_READ_CYCLES: u64 = 205;
/// Vector-unit cycles of an extmem write / read.
pub const EXTMEM_OUT_CYCLES: u64 = 38;
pub const EXTMEM_IN_CYCLES: u64 = 344;

const SRAM_WORDS: u32 = (ppu::cpu::SRAM_BYTES / 4) as u32;
const EXTMEM_BYTES: u32 = 128 * 1024;
const DRAM_BYTES: u32 = 256 * 1024 * 1024;

fn base(reg: usize) -> u32 {
    REGISTERS[reg].base
}
fn ppu_stride() -> u32 {
    REGISTERS[id::PPU_CONTROL].dims[0].stride
}

/// One PPU: core, memory and its host-visible control state.
#[derive(Debug, Clone)]
pub struct PpuCore {
    pub cpu: Cpu,
    pub sram: Sram,
    /// The last `ppu_control` word written.
    pub control: u32,
    /// FPGA time of the core's cycle 0 (when it left reset).
    pub epoch: u64,
    /// The fault that stopped the core, if any.
    pub fault: Option<Trap>,
    /// Instructions to trace from the next release (0: no trace).
    pub trace_limit: usize,
}

impl Default for PpuCore {
    fn default() -> Self {
        Self {
            cpu: Cpu::new(),
            sram: Sram::new(),
            control: 0,
            epoch: 0,
            fault: None,
            trace_limit: 0,
        }
    }
}

impl PpuCore {
    /// Released from reset (inhibit_reset = 1).
    pub fn released(&self) -> bool {
        self.control & 1 == 1
    }

    /// Released, not stopped by a fault and not asleep.
    pub fn running(&self) -> bool {
        self.released() && self.fault.is_none() && !self.cpu.sleeping
    }

    /// FPGA time the core has reached.
    pub fn time(&self) -> u64 {
        self.epoch + self.cpu.cycles / PPU_CYCLES_PER_FPGA_CYCLE
    }

    fn status_word(&self) -> u32 {
        u32::from(self.released() && self.fault.is_none() && self.cpu.sleeping)
    }

    /// Word `word` of `ppu_fault`: kind (as the map's enum numbers it), pc, detail.
    fn fault_word(&self, word: u32) -> u32 {
        let Some(t) = self.fault else { return 0 };
        let (kind, pc, detail) = match t {
            Trap::Illegal { pc, word } => (1, pc, word),
            Trap::Alignment { pc, addr } => (2, pc, addr),
            Trap::Program { pc } => (3, pc, 0),
            Trap::Memory {
                pc,
                fault: Fault::Bus { addr },
            } => (4, pc, addr),
        };
        [kind, pc, detail][(word as usize).min(2)]
    }
}

/// Both PPUs.
#[derive(Debug, Clone)]
pub struct Ppus {
    pub cores: [PpuCore; 2],
    /// What a core does on an illegal word, a misaligned access, a bus error or a
    /// taken trap, from its next release: `Report` stops it and records the fault in
    /// `ppu_fault` for the host (the default: a host wants an error with the PC);
    /// `Vector` takes the fixed interrupt vector as silicon does, so programs with
    /// their own handlers (and the conformance suite's trap tests) run as on a chip.
    pub trap_policy: ppu::cpu::TrapPolicy,
    /// The I/O random generator (`0xE0000`), seeded from the chip seed.
    rng: crate::model::rng::Rng,
}

/// A host access the PPU block answers itself.
pub enum HostAccess {
    Memory { ppu: usize, word: u32 },
    Control { ppu: usize },
    Status { ppu: usize },
    Fault { ppu: usize, word: u32 },
}

impl Ppus {
    pub fn new(seed: u64) -> Self {
        Self {
            cores: Default::default(),
            trap_policy: ppu::cpu::TrapPolicy::Report,
            rng: crate::model::rng::Rng::new(seed, 0x0050_5055),
        }
    }

    /// Whether `loc` is one of the PPU registers, and which.
    pub fn classify(loc: &regmap::Location) -> Option<HostAccess> {
        let i = loc.index;
        Some(match loc.number {
            id::PPU_MEMORY_WORD => HostAccess::Memory {
                ppu: (i / SRAM_WORDS) as usize,
                word: i % SRAM_WORDS,
            },
            id::PPU_CONTROL => HostAccess::Control { ppu: i as usize },
            id::PPU_STATUS => HostAccess::Status { ppu: i as usize },
            id::PPU_FAULT => HostAccess::Fault {
                ppu: i as usize,
                word: loc.word as u32,
            },
            _ => return None,
        })
    }

    /// A host read of a PPU register.
    pub fn host_read(&self, a: &HostAccess) -> u32 {
        match *a {
            HostAccess::Memory { ppu, word } => {
                let b = self.cores[ppu].sram.bytes();
                let i = 4 * word as usize;
                b.get(i..i + 4)
                    .map_or(0, |w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
            }
            HostAccess::Control { ppu } => self.cores[ppu].control,
            HostAccess::Status { ppu } => self.cores[ppu].status_word(),
            HostAccess::Fault { ppu, word } => self.cores[ppu].fault_word(word),
        }
    }

    /// A host write of a PPU register at FPGA time `now`.
    pub fn host_write(&mut self, a: &HostAccess, value: u32, now: u64) {
        match *a {
            HostAccess::Memory { ppu, word } => {
                // In range by construction (the map has 4096 words per core).
                let _ = self.cores[ppu].sram.store(word * 4, 4, value);
            }
            HostAccess::Control { ppu } => {
                let core = &mut self.cores[ppu];
                let was = core.released();
                core.control = value;
                if !was && core.released() {
                    core.cpu = Cpu::new();
                    core.cpu.trap_policy = self.trap_policy;
                    core.cpu.trace =
                        (core.trace_limit > 0).then(|| ppu::cpu::Trace::new(core.trace_limit));
                    core.epoch = now;
                    core.fault = None;
                }
            }
            HostAccess::Status { .. } | HostAccess::Fault { .. } => {}
        }
    }

    /// Some core is out of reset and not stopped by a fault (running or asleep).
    pub fn any_released(&self) -> bool {
        self.cores.iter().any(|c| c.released() && c.fault.is_none())
    }

    pub fn any_running(&self) -> bool {
        self.cores.iter().any(PpuCore::running)
    }

    /// Runs the released cores up to FPGA time `to`, advancing the chip model (from
    /// `*chip_time`) to the time of every access that touches it. On return the chip has
    /// not necessarily reached `to`; the caller advances it the rest of the way.
    pub fn run(
        &mut self,
        to: u64,
        regs: &mut RegisterFile,
        chip: &mut Chip,
        chip_time: &mut u64,
        events: &mut Vec<Event>,
    ) {
        let target = |c: &PpuCore| (to - c.epoch.min(to)) * PPU_CYCLES_PER_FPGA_CYCLE;
        loop {
            // The running core that is furthest behind goes next.
            let next = (0..2)
                .filter(|&k| {
                    self.cores[k].running() && self.cores[k].cpu.cycles < target(&self.cores[k])
                })
                .min_by_key(|&k| self.cores[k].time());
            let Some(k) = next else { break };
            // Let it run alone until it passes the other core's time (or the target).
            let other = 1 - k;
            let limit = if self.cores[other].running() {
                let t = self.cores[other]
                    .time()
                    .max(self.cores[k].time() + INTERLEAVE_FPGA_CYCLES);
                ((t - self.cores[k].epoch.min(t)) * PPU_CYCLES_PER_FPGA_CYCLE)
                    .min(target(&self.cores[k]))
            } else {
                target(&self.cores[k])
            };
            let (a, b) = self.cores.split_at_mut(1);
            let (core, other_core) = if k == 0 {
                (&mut a[0], &mut b[0])
            } else {
                (&mut b[0], &mut a[0])
            };
            let mut bus = Bus {
                synram: k,
                sram: &mut core.sram,
                other_sram: &mut other_core.sram,
                regs,
                chip,
                chip_time,
                events,
                time: 0,
                epoch: core.epoch,
                rng: &mut self.rng,
            };
            if let Err(t) = core.cpu.run_until(&mut bus, limit) {
                core.fault = Some(t);
            }
        }
        // Sleeping cores sleep until `to` (their timers run; an interrupt may wake them,
        // and then they run on from the next span).
        for c in &mut self.cores {
            if c.released() && c.fault.is_none() && c.cpu.sleeping {
                let t = target(c);
                if c.cpu.cycles < t {
                    c.cpu.advance_sleep(t - c.cpu.cycles);
                }
            }
        }
    }
}
