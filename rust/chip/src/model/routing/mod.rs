//! The digital event path of the chip, stepped once per FPGA cycle (8 ns): background
//! sources, the SPL1 crossbar, the PADI buses, the synapse drivers, the label-matching
//! synapses, the neuron backends' event outputs and spike counters, and the correlation
//! traces of every synapse.
//!
//! Everything is configured by the register writes [`Routing::on_write`] decodes, so the
//! behaviour depends on the registers only (shared/DESIGN.md rules 1 and 6).
//!
//! ## Event flow and timing
//!
//! ```text
//! FPGA (inject, label bits 15-14 = channel) ---> crossbar input 8 + channel
//! neuron n fires at t (enable_spike_out) ------> crossbar input 4 b + (column % 128) / 32
//!                                                at t + 1, label (output << 8) | address_out
//! background source i -------------------------> crossbar input 12 + i
//! crossbar node (i, o): (label & mask) == target
//!   o in 8..12  -> FPGA: Event::Spike { time: entry + L2_LATENCY_CYCLES, label: (o - 8) << 14 | label }
//!   o in 0..8   -> PADI bus o % 4 of block o / 4 (if its enable_spl1 is set)
//! padi_event write -----------------------------> PADI buses of its block, next step
//! PADI bus -> drivers d (d % 4 == bus, enable_receiver, row address d / 4 matches bits
//!   10-6 under row_address_compare_mask) -> rows 2d (top) and 2d + 1 (bottom) of synram
//!   = block -> synapses whose label equals bits 5-0 add their weight to exc / inh of
//!   neuron synram * 256 + column.
//! ```
//!
//! - An event that enters the crossbar at cycle `t` is routed in the step of cycle `t`
//!   (events from the FPGA and background sources) and reaches the synapses in that same
//!   step; on the L2 outputs it is stamped `t + L2_LATENCY_CYCLES` (= the executor's
//!   `LOOPBACK_CYCLES`).
//! - A neuron spike at `t` ([`Routing::neuron_spikes`]) enters the crossbar at `t + 1`, so
//!   its synaptic input arrives in the step of `t + 1` (1 cycle neuron-to-synapse) and it is
//!   recorded at `t + 1 + L2_LATENCY_CYCLES`.
//! - A `padi_event` write is applied in the next step.
//! - A background source that is enabled starts in the next step, at cycle `t0`: its
//!   opportunities are `t0 + k * period` (k >= 1; period 0 acts as 1). The caller may
//!   stop stepping while [`Routing::idle`]; the first step after a write is taken as the
//!   write's time.
//!
//! ## Simplifications (the model, not the silicon)
//!
//! - The crossbar, the buses and the drivers have unlimited throughput: no event is lost to
//!   congestion, so drops happen only when an event matches no node of its input.
//! - `enable_slow` of the L2 outputs, the PADI timing fields, STP and the Hagen-mode fields
//!   of the drivers, `enable_address_out`, `enable_event_registers`, `enable_clocks` and
//!   `force_reset` of the backend blocks are stored and ignored.
//! - A row whose mode is `disabled` is not driven at all: no synaptic input, no correlation
//!   pre-event, not counted in [`Routing::delivered`].
//! - Counters: the crossbar drop (16 bit) and event (24 bit) counters wrap; the spike
//!   counters saturate at 255 with the overflow flag.
//! - Correlation: each synapse keeps the time of its last pre-synaptic event; a post spike
//!   of its column adds `A exp(-(t_post - t_pre) / tau)` to the causal trace, a pre event
//!   adds `A exp(-(t_pre - t_post_last) / tau)` to the acausal one (nearest-neighbour pairs,
//!   no decay of the stored traces), each saturating at [`CORRELATION_MAX`] trace units.

mod backend;
mod background;
mod crossbar;
mod synapses;

use self::background::Source;
use self::crossbar::{Driver, Node};
use self::synapses::{A_SHIFT, L_SHIFT, T_SHIFT, W_SHIFT};
use regmap::id;
use regmap::quirks::{entry_shift, weight_permutation_inverse};
use regmap::typed::{ColumnCorrelationQuad as CcqReg, SynapseQuad as QuadReg};

/// Cycles from a crossbar input to the FPGA (an L2 output); equal to the executor's
/// `LOOPBACK_CYCLES`.
pub const L2_LATENCY_CYCLES: u64 = 4;
/// Cycles from a neuron's spike to its event entering the crossbar.
pub const NEURON_TO_CROSSBAR_CYCLES: u64 = 1;

/// Crossbar geometry: inputs 0..8 neuron event outputs, 8..12 L2 from the FPGA, 12..20
/// background sources; outputs 0..8 PADI buses, 8..12 L2 to the FPGA.
pub const CROSSBAR_INPUTS: usize = 20;
pub const CROSSBAR_OUTPUTS: usize = 12;
pub const L2_INPUT: usize = 8;
pub const BACKGROUND_INPUT: usize = 12;
pub const L2_OUTPUT: usize = 8;
pub const BACKGROUND_SOURCES: usize = 8;
/// PADI buses per block, blocks (= synrams).
pub const PADI_BUSES: usize = 4;
pub const SYNRAMS: usize = 2;
pub const ROWS: usize = 256;
pub const COLUMNS: usize = 256;
pub const DRIVERS_PER_BLOCK: usize = 128;
const NEURONS: usize = SYNRAMS * COLUMNS;
const SYNAPSES: usize = SYNRAMS * ROWS * COLUMNS;
const QUADS_PER_ROW: usize = COLUMNS / 4;

/// Correlation sensors: time constant (5 us = 625 FPGA cycles), amplitude per pair and
/// saturation, in trace units.
pub const CORRELATION_TAU_CYCLES: f32 = 625.0;
pub const CORRELATION_AMPLITUDE: f32 = 1.0;
pub const CORRELATION_MAX: f32 = 255.0;

const NEVER: u64 = u64::MAX;
const LABEL14: u16 = 0x3FFF;

#[inline]
fn field(word: u32, lsb: u32, mask: u32) -> u32 {
    (word >> lsb) & mask
}

#[inline]
fn flag(word: u32, lsb: u32) -> bool {
    (word >> lsb) & 1 != 0
}

/// Reset words of a register instance, from the map.
fn reset_words<const N: usize>(number: usize) -> [u32; N] {
    let reg = &regmap::REGISTERS[number];
    std::array::from_fn(|w| regmap::codec::reset_word(reg, w as u8))
}

#[derive(Debug, Clone, Copy)]
enum Pending {
    /// An event entering crossbar `input` with a 14-bit label.
    Crossbar { input: u8, label: u16 },
    /// A `padi_event` write: the buses (bit mask) of a block, 11-bit PADI label.
    Padi { block: u8, buses: u8, label: u16 },
}

/// The digital event path; see the module documentation.
#[derive(Clone)]
pub struct Routing {
    // Crossbar.
    nodes: Vec<Node>,
    /// Nodes of input i: `nodes[input_nodes[i].0..input_nodes[i].1]`.
    input_nodes: [(u8, u8); CROSSBAR_INPUTS],
    output_config: u32,
    drop_counters: [u16; CROSSBAR_INPUTS],
    event_counters: [u32; CROSSBAR_OUTPUTS],

    // PADI and drivers.
    padi_config: [u32; SYNRAMS],
    /// enable_spl1 per bus, bit `bus`, per block.
    spl1: [u8; SYNRAMS],
    driver_words: Vec<[u32; 3]>,
    drivers: Vec<Driver>,

    // Synapses, [synram][row][column] flattened, logical values.
    weights: Vec<u8>,
    labels: Vec<u8>,
    time_calib: Vec<u8>,
    amp_calib: Vec<u8>,

    // Correlation.
    causal: Vec<f32>,
    acausal: Vec<f32>,
    t_pre: Vec<u64>,
    t_post: Vec<u64>,
    /// Per neuron column: bit 0 causal, bit 1 acausal accumulation enabled; bits 2 and 3:
    /// the causal / acausal CADC channel reads the neuron instead of the sensor.
    correlation_enable: Vec<u8>,
    /// Per neuron column: some synapse of the column has seen a pre event.
    pre_seen: Vec<bool>,
    /// Per synram, bit per column: acausal accumulation enabled and the neuron has fired.
    acausal_ready: [[u64; COLUMNS / 64]; SYNRAMS],
    column_correlation_words: Vec<u32>,
    correlation_config: [[u32; 4]; SYNRAMS],

    // Neuron backends, indexed by neuron (not by register instance).
    backend_words: Vec<[u32; 4]>,
    common_backend: [[u32; 2]; SYNRAMS],
    spike_counts: Vec<u16>,

    // Background sources.
    sources: Vec<Source>,
    next_background: u64,

    pending: Vec<(u64, Pending)>,
    scratch: Vec<(u64, Pending)>,
    next_pending: u64,
    delivered: u64,
}

impl std::fmt::Debug for Routing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Routing")
            .field("pending", &self.pending.len())
            .field("next_background", &self.next_background)
            .field("drop_counters", &self.drop_counters)
            .field("event_counters", &self.event_counters)
            .field("delivered", &self.delivered)
            .finish_non_exhaustive()
    }
}

impl Default for Routing {
    fn default() -> Self {
        Self::new()
    }
}

impl Routing {
    pub fn new() -> Self {
        let (nodes, input_nodes) = crossbar::node_table();
        let driver_reset = reset_words::<3>(id::SYNAPSE_DRIVER_CONFIG);
        let quad = reset_words::<2>(id::SYNAPSE_QUAD);
        let (w0, w1) = (quad[0] >> entry_shift(0), quad[1] >> entry_shift(0));
        let ccq = reset_words::<1>(id::COLUMN_CORRELATION_QUAD)[0];
        let mut r = Routing {
            nodes,
            input_nodes,
            output_config: reset_words::<1>(id::CROSSBAR_OUTPUT_CONFIG)[0],
            drop_counters: [0; CROSSBAR_INPUTS],
            event_counters: [0; CROSSBAR_OUTPUTS],
            padi_config: [reset_words::<1>(id::COMMON_PADI_BUS_CONFIG)[0]; SYNRAMS],
            spl1: [0; SYNRAMS],
            driver_words: vec![driver_reset; SYNRAMS * DRIVERS_PER_BLOCK],
            drivers: vec![Driver::decode(driver_reset[0]); SYNRAMS * DRIVERS_PER_BLOCK],
            weights: vec![
                weight_permutation_inverse((w0 >> W_SHIFT) & QuadReg::WEIGHT_0_MASK) as u8;
                SYNAPSES
            ],
            labels: vec![((w1 >> L_SHIFT) & QuadReg::LABEL_0_MASK) as u8; SYNAPSES],
            time_calib: vec![((w0 >> T_SHIFT) & QuadReg::TIME_CALIB_0_MASK) as u8; SYNAPSES],
            amp_calib: vec![((w1 >> A_SHIFT) & QuadReg::AMP_CALIB_0_MASK) as u8; SYNAPSES],
            causal: vec![0.0; SYNAPSES],
            acausal: vec![0.0; SYNAPSES],
            t_pre: vec![NEVER; SYNAPSES],
            t_post: vec![NEVER; NEURONS],
            correlation_enable: vec![0; NEURONS],
            pre_seen: vec![false; NEURONS],
            acausal_ready: [[0; COLUMNS / 64]; SYNRAMS],
            column_correlation_words: vec![ccq; CcqReg::COUNT as usize],
            correlation_config: [reset_words::<4>(id::COMMON_CORRELATION_CONFIG); SYNRAMS],
            backend_words: vec![reset_words::<4>(id::NEURON_BACKEND_CONFIG); NEURONS],
            common_backend: [reset_words::<2>(id::COMMON_NEURON_BACKEND_CONFIG); SYNRAMS],
            spike_counts: vec![0; NEURONS],
            sources: (0..BACKGROUND_SOURCES).map(Source::new).collect(),
            next_background: NEVER,
            pending: Vec::new(),
            scratch: Vec::new(),
            next_pending: NEVER,
            delivered: 0,
        };
        for b in 0..SYNRAMS {
            r.decode_padi(b);
        }
        for q in 0..r.column_correlation_words.len() {
            r.decode_column_correlation(q);
        }
        r
    }

    /// Nothing to do until a register write, an injection or a neuron spike: no event is
    /// pending and no background source runs. A caller may skip steps meanwhile.
    pub fn idle(&self) -> bool {
        self.next_pending == NEVER && self.next_background == NEVER
    }

    /// The first cycle at which [`Routing::step`] has work to do (`u64::MAX`: none until a
    /// write, an injection or a neuron spike). Steps before it return at once.
    pub fn next_activity(&self) -> u64 {
        self.next_background.min(self.next_pending)
    }

    // ---------------------------------------------------------------- register writes

    /// Decode a register write the routing owns; returns false if the register is not one
    /// of its own. Every word value is accepted (bits outside the fields are ignored); an
    /// instance or word outside the register's range is ignored.
    pub fn on_write(&mut self, loc: &regmap::Location, word: u32) -> bool {
        let i = loc.index as usize;
        let w = loc.word as usize;
        match loc.number {
            id::CROSSBAR_NODE => self.write_node(i, word),
            id::CROSSBAR_OUTPUT_CONFIG => self.output_config = word,
            id::BACKGROUND_SPIKE_SOURCE => self.write_source(i, w, word),
            id::COMMON_PADI_BUS_CONFIG => {
                if i < SYNRAMS {
                    self.padi_config[i] = word;
                    self.decode_padi(i);
                }
            }
            id::PADI_EVENT => self.write_padi_event(i, word),
            id::SYNAPSE_DRIVER_CONFIG => self.write_driver(i, w, word),
            id::SYNAPSE_QUAD => self.write_quad(i, w, word, true, true),
            id::SYNAPSE_WEIGHT_QUAD => self.write_quad(i, 0, word, true, false),
            id::SYNAPSE_LABEL_QUAD => self.write_quad(i, 1, word, false, true),
            id::NEURON_BACKEND_CONFIG => self.write_backend(i, w, word),
            id::COMMON_NEURON_BACKEND_CONFIG => {
                if i < SYNRAMS && w < 2 {
                    self.common_backend[i][w] = word;
                }
            }
            id::SPIKE_COUNTER_RESET => {
                if let Some(c) = self.spike_counts.get_mut(i) {
                    *c = 0;
                }
            }
            id::CORRELATION_RESET => self.reset_correlation(i),
            id::COMMON_CORRELATION_CONFIG => {
                if i < SYNRAMS && w < 4 {
                    self.correlation_config[i][w] = word;
                }
            }
            id::COLUMN_CORRELATION_QUAD => {
                if let Some(slot) = self.column_correlation_words.get_mut(i) {
                    *slot = word;
                    self.decode_column_correlation(i);
                }
            }
            _ => return false,
        }
        true
    }

    // ------------------------------------------------------------------- register reads

    /// Register reads the chip produces: spike_counter_read (count 8 bit saturating,
    /// overflow bit 8), crossbar_input_drop_counter (16-bit), crossbar_output_event_counter
    /// (24-bit), and the synapse memory (synapse_quad, synapse_weight_quad,
    /// synapse_label_quad) from its live contents, so the windows alias. None = not
    /// routing's (or an instance outside the register).
    pub fn read(&self, loc: &regmap::Location) -> Option<u32> {
        let i = loc.index as usize;
        match loc.number {
            id::SPIKE_COUNTER_READ => self.read_spike_counter(i),
            id::CROSSBAR_INPUT_DROP_COUNTER => self.read_drop_counter(i),
            id::CROSSBAR_OUTPUT_EVENT_COUNTER => self.read_event_counter(i),
            id::SYNAPSE_QUAD => self.read_quad(i, loc.word as usize, true),
            id::SYNAPSE_WEIGHT_QUAD => self.read_quad(i, 0, false),
            id::SYNAPSE_LABEL_QUAD => self.read_quad(i, 1, false),
            _ => None,
        }
    }

    // ------------------------------------------------------------------------- events

    fn push(&mut self, time: u64, p: Pending) {
        self.pending.push((time, p));
        self.next_pending = self.next_pending.min(time);
    }

    /// A spike from the FPGA (label bits 15-14 select L2 input 8 + channel) entering the
    /// crossbar at `time`; it is routed in the step of `time` (or the next step if that
    /// has passed).
    pub fn inject(&mut self, time: u64, label: u16) {
        let input = (L2_INPUT + (label >> 14) as usize) as u8;
        self.push(
            time,
            Pending::Crossbar {
                input,
                label: label & LABEL14,
            },
        );
    }

    /// Advance one FPGA cycle at `time`: background sources fire, pending events pass the
    /// crossbar to the FPGA (`out`) and the PADI buses, and synapses add their weights to
    /// `exc` / `inh` (indexed by neuron, synram * 256 + column; weight LSB).
    pub fn step(
        &mut self,
        time: u64,
        exc: &mut [f32],
        inh: &mut [f32],
        out: &mut Vec<crate::model::Event>,
    ) {
        if time < self.next_background && time < self.next_pending {
            return;
        }
        if time >= self.next_background {
            self.fire_sources(time);
        }
        if time >= self.next_pending {
            let mut buf = std::mem::take(&mut self.scratch);
            std::mem::swap(&mut buf, &mut self.pending);
            self.next_pending = NEVER;
            for (t, p) in buf.drain(..) {
                if t > time {
                    self.push(t, p);
                    continue;
                }
                match p {
                    Pending::Crossbar { input, label } => {
                        self.crossbar(t, time, input as usize, label, exc, inh, out)
                    }
                    Pending::Padi {
                        block,
                        buses,
                        label,
                    } => {
                        for bus in 0..PADI_BUSES {
                            if (buses >> bus) & 1 != 0 {
                                self.padi(block as usize, bus, label, time, exc, inh);
                            }
                        }
                    }
                }
            }
            self.scratch = buf;
        }
    }

    /// Total (event, row) deliveries to driven synapse rows so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }
}
