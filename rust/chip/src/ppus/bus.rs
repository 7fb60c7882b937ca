//! The bus of one running core: its SRAM, the other core's SRAM, the chip registers over
//! the Omnibus, the FPGA memories, and the vector I/O space (see the parent module).

use super::*;

/// What a core sees on its buses while it executes one instruction.
pub(super) struct Bus<'a> {
    /// The core's hemisphere (top PPU = synram 0).
    pub(super) synram: usize,
    pub(super) sram: &'a mut Sram,
    pub(super) other_sram: &'a mut Sram,
    pub(super) regs: &'a mut RegisterFile,
    pub(super) chip: &'a mut Chip,
    pub(super) chip_time: &'a mut u64,
    pub(super) events: &'a mut Vec<Event>,
    /// FPGA time of the current instruction.
    pub(super) time: u64,
    pub(super) epoch: u64,
    pub(super) rng: &'a mut crate::model::rng::Rng,
}

enum Target {
    Sram(u32),
    OtherSram(u32),
    Register(u32),
    Fpga(u32, u32),
}

impl Bus<'_> {
    /// Brings the chip model up to the current instruction's time.
    fn catch_up(&mut self) {
        if *self.chip_time < self.time {
            self.chip
                .advance(self.regs, *self.chip_time, self.time, self.events);
            *self.chip_time = self.time;
        }
    }

    fn decode(&self, addr: u32, size: u8) -> Result<Target, Fault> {
        let fault = Fault::Bus { addr };
        match addr >> 28 {
            0 if addr < ppu::cpu::SRAM_BYTES as u32 => Ok(Target::Sram(addr)),
            4 if addr - 0x4000_0000 < EXTMEM_BYTES => Ok(Target::Fpga(
                base(id::EXTERNAL_PPU_MEMORY) + (addr - 0x4000_0000) / 4,
                addr & 3,
            )),
            5 if addr - 0x5000_0000 < DRAM_BYTES => Ok(Target::Fpga(
                base(id::EXTERNAL_PPU_DRAM) + (addr - 0x5000_0000) / 4,
                addr & 3,
            )),
            8..=15 => {
                if size != 4 {
                    return Err(fault);
                }
                let word = (addr & 0x7FFF_FFFF) >> 2;
                let mem = base(id::PPU_MEMORY_WORD);
                let stride = ppu_stride();
                for ppu in 0..2u32 {
                    let start = mem + ppu * stride;
                    if (start..start + SRAM_WORDS).contains(&word) {
                        let byte = (word - start) * 4;
                        return Ok(if ppu as usize == self.synram {
                            Target::Sram(byte)
                        } else {
                            Target::OtherSram(byte)
                        });
                    }
                }
                let ppu_regs = [id::PPU_CONTROL, id::PPU_STATUS, id::PPU_FAULT];
                match regmap::locate(word) {
                    Some(loc) if !ppu_regs.contains(&loc.number) => Ok(Target::Register(word)),
                    _ => Err(fault),
                }
            }
            _ => Err(fault),
        }
    }

    fn register_read(&mut self, word: u32) -> Option<u32> {
        self.catch_up();
        let (loc, stored) = self.regs.read(word).ok()?;
        Some(self.chip.read(self.regs, &loc, self.time).unwrap_or(stored))
    }

    fn register_write(&mut self, word: u32, value: u32) -> Option<()> {
        self.catch_up();
        let loc = self.regs.write(word, value).ok()?;
        self.chip.on_write(&loc, value, self.time);
        Some(())
    }

    fn fpga_word(&self, word: u32) -> u32 {
        self.regs.stored(word).unwrap_or(0)
    }

    /// The 128 bytes of FPGA memory from register address `first` on.
    fn fpga_vector(&self, first: u32, out: &mut [u8; 128]) {
        for (i, c) in out.chunks_exact_mut(4).enumerate() {
            c.copy_from_slice(&self.fpga_word(first + i as u32).to_be_bytes());
        }
    }
}

/// Reads `size` bytes at byte `lane` of a big-endian word.
fn extract(word: u32, lane: u32, size: u8) -> u32 {
    let bits = 8 * u32::from(size);
    let shift = 32 - bits - 8 * lane;
    if bits == 32 {
        word
    } else {
        (word >> shift) & ((1 << bits) - 1)
    }
}

fn insert(word: u32, lane: u32, size: u8, value: u32) -> u32 {
    let bits = 8 * u32::from(size);
    if bits == 32 {
        return value;
    }
    let shift = 32 - bits - 8 * lane;
    let mask = ((1u32 << bits) - 1) << shift;
    (word & !mask) | ((value << shift) & mask)
}

impl Memory for Bus<'_> {
    fn load(&mut self, addr: u32, size: u8) -> Result<u32, Fault> {
        let fault = Fault::Bus { addr };
        match self.decode(addr, size)? {
            Target::Sram(a) => self.sram.load(a, size),
            Target::OtherSram(a) => self.other_sram.load(a, size),
            Target::Register(w) => self.register_read(w).ok_or(fault),
            Target::Fpga(w, lane) => Ok(extract(self.fpga_word(w), lane, size)),
        }
    }

    fn store(&mut self, addr: u32, size: u8, value: u32) -> Result<(), Fault> {
        let fault = Fault::Bus { addr };
        match self.decode(addr, size)? {
            Target::Sram(a) => self.sram.store(a, size, value),
            Target::OtherSram(a) => self.other_sram.store(a, size, value),
            Target::Register(w) => self.register_write(w, value).ok_or(fault),
            Target::Fpga(w, lane) => {
                let old = self.fpga_word(w);
                self.regs.set(w, insert(old, lane, size, value));
                Ok(())
            }
        }
    }

    fn fetch(&mut self, addr: u32) -> Result<u32, Fault> {
        let fault = Fault::Bus { addr };
        let (b, size, off) = match addr >> 28 {
            0 => return self.sram.load(addr, 4),
            8 => (
                base(id::EXTERNAL_PPU_MEMORY),
                EXTMEM_BYTES,
                addr - 0x8000_0000,
            ),
            9 => (base(id::EXTERNAL_PPU_DRAM), DRAM_BYTES, addr - 0x9000_0000),
            _ => return Err(fault),
        };
        if off >= size {
            return Err(fault);
        }
        Ok(self.fpga_word(b + off / 4))
    }

    #[inline]
    fn clock(&mut self, cycles: u64) {
        self.time = self.epoch + cycles / PPU_CYCLES_PER_FPGA_CYCLE;
    }

    fn extra_latency(&self, addr: u32) -> u64 {
        match addr >> 28 {
            0 => 0,
            4 | 5 => FPGA_MEMORY_EXTRA_CYCLES,
            _ => OMNIBUS_EXTRA_CYCLES,
        }
    }

    fn vector_in(&mut self, ea: u32, out: &mut [u8; 128]) -> Result<u64, Fault> {
        let fault = Fault::Bus { addr: ea };
        match VectorTarget::decode(ea).ok_or(fault)? {
            VectorTarget::Synapses { labels, row, half } => {
                self.catch_up();
                self.chip
                    .routing
                    .row_half(self.synram, row, half, labels, out);
                Ok(SYNAPSE_IO_CYCLES)
            }
            VectorTarget::Correlation {
                channel,
                reset,
                row,
                half,
            } => {
                self.catch_up();
                self.chip
                    .ppu_cadc_row(self.regs, self.time, self.synram, row, half, channel, out);
                if reset {
                    self.chip.routing.reset_correlation_channel_half(
                        self.synram,
                        row,
                        half,
                        channel,
                    );
                }
                Ok(CADC_READ_CYCLES)
            }
            VectorTarget::Random => {
                for c in out.chunks_exact_mut(8) {
                    c.copy_from_slice(&self.rng.next_u64().to_be_bytes());
                }
                Ok(SYNAPSE_IO_CYCLES)
            }
            VectorTarget::Fpga { dram, offset } => {
                let first = fpga_vector_word(dram, offset).ok_or(fault)?;
                self.fpga_vector(first, out);
                Ok(EXTMEM_IN_CYCLES)
            }
            VectorTarget::NeuronReset { .. } => Err(fault),
        }
    }

    fn vector_out(&mut self, ea: u32, data: &[u8; 128], enable: u128) -> Result<u64, Fault> {
        let fault = Fault::Bus { addr: ea };
        match VectorTarget::decode(ea).ok_or(fault)? {
            VectorTarget::Synapses { labels, row, half } => {
                self.catch_up();
                self.chip
                    .routing
                    .set_row_half(self.synram, row, half, labels, data, enable);
                Ok(SYNAPSE_IO_CYCLES)
            }
            VectorTarget::Correlation { row, half, .. } => {
                self.catch_up();
                let mut nonzero = 0u128;
                for (j, &d) in data.iter().enumerate() {
                    nonzero |= u128::from(d != 0) << j;
                }
                self.chip
                    .routing
                    .reset_correlation_half(self.synram, row, half, enable & nonzero);
                Ok(SYNAPSE_IO_CYCLES)
            }
            VectorTarget::NeuronReset { half } => {
                self.catch_up();
                for j in 0..128 {
                    if enable >> j & 1 == 1 {
                        self.chip.reset_neuron(self.synram * COLUMNS + 2 * j + half);
                    }
                }
                Ok(SYNAPSE_IO_CYCLES)
            }
            VectorTarget::Fpga { dram, offset } => {
                let first = fpga_vector_word(dram, offset).ok_or(fault)?;
                for (i, c) in data.chunks_exact(4).enumerate() {
                    let w = first + i as u32;
                    let mut word = self.fpga_word(w).to_be_bytes();
                    for (k, byte) in word.iter_mut().enumerate() {
                        if enable >> (4 * i + k) & 1 == 1 {
                            *byte = c[k];
                        }
                    }
                    self.regs.set(w, u32::from_be_bytes(word));
                }
                Ok(EXTMEM_OUT_CYCLES)
            }
            VectorTarget::Random => Err(fault),
        }
    }
}

/// The register address of the first word of a 128-byte vector at byte `offset` of FPGA
/// extmem or DRAM; `None` if the vector does not lie inside that memory.
fn fpga_vector_word(dram: bool, offset: u32) -> Option<u32> {
    let (b, size) = if dram {
        (base(id::EXTERNAL_PPU_DRAM), DRAM_BYTES)
    } else {
        (base(id::EXTERNAL_PPU_MEMORY), EXTMEM_BYTES)
    };
    (offset.checked_add(128)? <= size).then_some(b + offset / 4)
}

/// A decoded `fxvinx`/`fxvoutx` address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorTarget {
    Synapses {
        labels: bool,
        row: usize,
        half: usize,
    },
    Correlation {
        channel: usize,
        reset: bool,
        row: usize,
        half: usize,
    },
    NeuronReset {
        half: usize,
    },
    Random,
    Fpga {
        dram: bool,
        offset: u32,
    },
}

impl VectorTarget {
    pub fn decode(ea: u32) -> Option<Self> {
        if ea >= 0x8000_0000 {
            let dram = ea >= 0x8100_0000;
            let units = ea - if dram { 0x8100_0000 } else { 0x8000_0000 };
            return Some(Self::Fpga {
                dram,
                offset: units.checked_mul(16)?,
            });
        }
        if ea >> 16 == 0x00C9 {
            let i = ea & 0xFFFF;
            return matches!(i, 512 | 513).then(|| Self::NeuronReset {
                half: (i - 512) as usize,
            });
        }
        // Strip the test and buffer-enable modifiers.
        let ea = ea & !0x0030_0000;
        let index = ea & 0xFFFF;
        if index >= 512 {
            return None;
        }
        let (row, half) = ((index / 2) as usize, (index % 2) as usize);
        Some(match ea >> 16 {
            0x0 => Self::Synapses {
                labels: false,
                row,
                half,
            },
            0x4 => Self::Synapses {
                labels: true,
                row,
                half,
            },
            0x8 | 0x9 | 0xC | 0xD => Self::Correlation {
                channel: usize::from(ea >> 16 >= 0xC),
                reset: (ea >> 16) & 1 == 1,
                row,
                half,
            },
            0xE => Self::Random,
            _ => return None,
        })
    }
}
