//! The neuron backends: their config words (indexed by neuron), the spike counters, the
//! event outputs neuron spikes leave through, the adaptation pulse and refractory times.

use super::{field, flag, Routing};
use super::{Pending, COLUMNS, NEURONS, NEURON_TO_CROSSBAR_CYCLES};
use regmap::typed::{
    CommonNeuronBackendConfig as CnbReg, NeuronBackendConfig as NbReg, SpikeCounterRead as ScReg,
};

/// Neuron `n` (row = n / 256, column = n % 256) of a `neuron_backend_config` instance:
/// block b = column / 128 holds, per block, row-major the 2 x 128 neurons of its half.
fn backend_neuron(index: usize) -> usize {
    let (block, k) = (index / 256, index % 256);
    let (row, column) = (k / 128, 128 * block + k % 128);
    row * COLUMNS + column
}

/// Backend block (west/east) and event output (0..8) of neuron `n`.
fn event_output(n: usize) -> (usize, usize) {
    let column = n % COLUMNS;
    let block = column / 128;
    (block, 4 * block + (column % 128) / 32)
}

impl Routing {
    /// A `neuron_backend_config` write; instance `i` is stored under its neuron.
    pub(super) fn write_backend(&mut self, i: usize, w: usize, word: u32) {
        if i < NEURONS && w < 4 {
            self.backend_words[backend_neuron(i)][w] = word;
        }
    }

    pub(super) fn read_spike_counter(&self, i: usize) -> Option<u32> {
        self.spike_counts.get(i).map(|&c| {
            let count = (c.min(255) as u32 & ScReg::COUNT_MASK) << ScReg::COUNT_LSB;
            count | ((c > 255) as u32) << ScReg::OVERFLOW_LSB
        })
    }

    /// Neurons that fired at `time` (indices 0..512; others are ignored): count them in the
    /// spike counters, update the causal correlation traces of their columns, and send
    /// the spikes of neurons with enable_spike_out as label (event output << 8) |
    /// address_out into crossbar input = event output, entering at `time + 1`.
    pub fn neuron_spikes(&mut self, time: u64, fired: &[usize]) {
        for &n in fired {
            if n >= NEURONS {
                continue;
            }
            self.spike_counts[n] = (self.spike_counts[n] + 1).min(256);
            let words = self.backend_words[n];
            if flag(
                words[NbReg::ENABLE_SPIKE_OUT_WORD],
                NbReg::ENABLE_SPIKE_OUT_LSB,
            ) {
                let (_, output) = event_output(n);
                let address = field(
                    words[NbReg::ADDRESS_OUT_WORD],
                    NbReg::ADDRESS_OUT_LSB,
                    NbReg::ADDRESS_OUT_MASK,
                );
                let label = (((output as u32) << 8) | address) as u16;
                self.push(
                    time.saturating_add(NEURON_TO_CROSSBAR_CYCLES),
                    Pending::Crossbar {
                        input: output as u8,
                        label,
                    },
                );
            }
            self.post_spike(n, time);
        }
    }

    /// Whether neuron n's backend emits the spike-triggered adaptation pulse
    /// (enable_adaptation_pulse). False outside 0..512.
    pub fn adaptation_pulse(&self, n: usize) -> bool {
        self.backend_words.get(n).is_some_and(|w| {
            flag(
                w[NbReg::ENABLE_ADAPTATION_PULSE_WORD],
                NbReg::ENABLE_ADAPTATION_PULSE_LSB,
            )
        })
    }

    /// The refractory time of neuron n in FPGA cycles, from its backend config:
    /// refractory_time ticks of the fast or slow clock (select_input_clock) of its block,
    /// f = 250 MHz / 2^(scale + 1), i.e. 2^scale FPGA cycles per tick. Minimum 1 cycle.
    pub fn refractory_cycles(&self, n: usize) -> u32 {
        let Some(words) = self.backend_words.get(n) else {
            return 1;
        };
        let (block, _) = event_output(n);
        let ticks = field(
            words[NbReg::REFRACTORY_TIME_WORD],
            NbReg::REFRACTORY_TIME_LSB,
            NbReg::REFRACTORY_TIME_MASK,
        );
        let fast = flag(
            words[NbReg::SELECT_INPUT_CLOCK_WORD],
            NbReg::SELECT_INPUT_CLOCK_LSB,
        );
        let common = self.common_backend[block];
        let scale = if fast {
            field(
                common[CnbReg::CLOCK_SCALE_FAST_WORD],
                CnbReg::CLOCK_SCALE_FAST_LSB,
                CnbReg::CLOCK_SCALE_FAST_MASK,
            )
        } else {
            field(
                common[CnbReg::CLOCK_SCALE_SLOW_WORD],
                CnbReg::CLOCK_SCALE_SLOW_LSB,
                CnbReg::CLOCK_SCALE_SLOW_MASK,
            )
        };
        // 8 bit x 2^15 at most: no overflow.
        (ticks << scale).max(1)
    }

    /// FPGA cycles before the end of the refractory period at which the backend releases
    /// the membrane reset: (0x1F - 2 x reset_holdoff) cycles of the 250 MHz chip clock,
    /// rounded down to whole FPGA cycles. 0 outside 0..512.
    pub fn reset_release_cycles(&self, n: usize) -> u32 {
        let Some(words) = self.backend_words.get(n) else {
            return 0;
        };
        let holdoff = field(
            words[NbReg::RESET_HOLDOFF_WORD],
            NbReg::RESET_HOLDOFF_LSB,
            NbReg::RESET_HOLDOFF_MASK,
        );
        0x1F_u32.saturating_sub(2 * holdoff) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_index_covers_every_neuron_once() {
        let mut seen = [false; NEURONS];
        for i in 0..NEURONS {
            let n = backend_neuron(i);
            assert!(!seen[n]);
            seen[n] = true;
            assert_eq!(event_output(n).0, i / 256);
        }
    }
}
