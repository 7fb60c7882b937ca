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

use super::rng::Rng;
use super::Event;
use regmap::id;
use regmap::quirks::{entry_shift, synapse_column, weight_permutation, weight_permutation_inverse};
use regmap::typed::{
    BackgroundSpikeSource as BgReg, ColumnCorrelationQuad as CcqReg,
    CommonNeuronBackendConfig as CnbReg, CommonPadiBusConfig as PadiReg,
    CrossbarInputDropCounter as DropReg, CrossbarNode as NodeReg, CrossbarOutputConfig as OutReg,
    CrossbarOutputEventCounter as EvReg, NeuronBackendConfig as NbReg, PadiEvent as PadiEventReg,
    SpikeCounterRead as ScReg, SynapseDriverConfig as DrvReg, SynapseLabelQuad as LabelQuadReg,
    SynapseQuad as QuadReg, SynapseWeightQuad as WeightQuadReg,
};

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

// Entry e of a quad word sits at `entry_shift(e)` above the position of entry 0's byte;
// the per-part offsets inside that byte come from the map (as in regmap::bulk).
const W_SHIFT: u32 = QuadReg::WEIGHT_0_LSB - entry_shift(0);
const T_SHIFT: u32 = QuadReg::TIME_CALIB_0_LSB - entry_shift(0);
const L_SHIFT: u32 = QuadReg::LABEL_0_LSB - entry_shift(0);
const A_SHIFT: u32 = QuadReg::AMP_CALIB_0_LSB - entry_shift(0);
const _: () = {
    assert!(QuadReg::WEIGHT_0_LSB >= 24 && QuadReg::LABEL_0_LSB >= 24);
    assert!(QuadReg::TIME_CALIB_0_LSB >= 24 && QuadReg::AMP_CALIB_0_LSB >= 24);
    assert!(QuadReg::WEIGHT_3_LSB == W_SHIFT + entry_shift(3));
    assert!(QuadReg::TIME_CALIB_3_LSB == T_SHIFT + entry_shift(3));
    assert!(QuadReg::LABEL_3_LSB == L_SHIFT + entry_shift(3));
    assert!(QuadReg::AMP_CALIB_3_LSB == A_SHIFT + entry_shift(3));
    assert!(QuadReg::WEIGHT_0_WORD == 0 && QuadReg::TIME_CALIB_0_WORD == 0);
    assert!(QuadReg::LABEL_0_WORD == 1 && QuadReg::AMP_CALIB_0_WORD == 1);
    // The weight and label windows alias the full quad's words bit for bit.
    assert!(WeightQuadReg::WEIGHT_0_LSB == QuadReg::WEIGHT_0_LSB);
    assert!(WeightQuadReg::WEIGHT_3_LSB == QuadReg::WEIGHT_3_LSB);
    assert!(LabelQuadReg::LABEL_0_LSB == QuadReg::LABEL_0_LSB);
    assert!(LabelQuadReg::LABEL_3_LSB == QuadReg::LABEL_3_LSB);
    // Repeated one-bit fields with a constant stride.
    assert!(OutReg::ENABLE_EVENT_COUNTER_11_LSB == OutReg::ENABLE_EVENT_COUNTER_0_LSB + 11);
    assert!(PadiReg::ENABLE_SPL1_3_LSB == PadiReg::ENABLE_SPL1_0_LSB + 3);
    assert!(PadiEventReg::FIRE_BUS_3_LSB == PadiEventReg::FIRE_BUS_0_LSB + 3);
    assert!(CcqReg::ENABLE_INTERNAL_CAUSAL_0_LSB == 24 + CcqReg::ENABLE_INTERNAL_CAUSAL_3_LSB);
    assert!(CcqReg::ENABLE_INTERNAL_CAUSAL_3_LSB == entry_shift(3));
    assert!(CcqReg::ENABLE_INTERNAL_ACAUSAL_3_LSB == entry_shift(3) + 1);
};

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
    std::array::from_fn(|w| crate::regfile::reset_word(reg, w as u8))
}

#[derive(Debug, Clone, Copy)]
struct Node {
    output: u8,
    mask: u16,
    target: u16,
    count_drops: bool,
}

impl Node {
    fn decode(output: u8, word: u32) -> Self {
        Node {
            output,
            mask: field(word, NodeReg::MASK_LSB, NodeReg::MASK_MASK) as u16,
            target: field(word, NodeReg::TARGET_LSB, NodeReg::TARGET_MASK) as u16,
            count_drops: flag(word, NodeReg::ENABLE_DROP_COUNTER_LSB),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Driver {
    receiver: bool,
    compare_mask: u8,
    /// Row modes: bit 0 excitatory, bit 1 inhibitory.
    mode_top: u8,
    mode_bottom: u8,
}

impl Driver {
    fn decode(w: u32) -> Self {
        Driver {
            receiver: flag(w, DrvReg::ENABLE_RECEIVER_LSB),
            compare_mask: field(
                w,
                DrvReg::ROW_ADDRESS_COMPARE_MASK_LSB,
                DrvReg::ROW_ADDRESS_COMPARE_MASK_MASK,
            ) as u8,
            mode_top: field(w, DrvReg::ROW_MODE_TOP_LSB, DrvReg::ROW_MODE_TOP_MASK) as u8,
            mode_bottom: field(w, DrvReg::ROW_MODE_BOTTOM_LSB, DrvReg::ROW_MODE_BOTTOM_MASK) as u8,
        }
    }
}

#[derive(Debug, Clone)]
struct Source {
    words: [u32; 3],
    enabled: bool,
    random: bool,
    interval: u64,
    rate: u32,
    mask: u16,
    label: u16,
    rng: Rng,
    /// Enabled by a write; its period starts at the next step.
    armed: bool,
    /// Its period changed while it ran; the next step reschedules it.
    retime: bool,
    /// Last spike opportunity (or the start time); next opportunity.
    last: u64,
    next: u64,
}

impl Source {
    fn new(index: usize) -> Self {
        let mut s = Source {
            words: reset_words::<3>(id::BACKGROUND_SPIKE_SOURCE),
            enabled: false,
            random: false,
            interval: 1,
            rate: 0,
            mask: 0,
            label: 0,
            rng: Rng::new(0, index as u64),
            armed: false,
            retime: false,
            last: 0,
            next: NEVER,
        };
        s.decode();
        s
    }

    fn decode(&mut self) {
        let [w0, _, w2] = self.words;
        self.interval = field(w0, BgReg::PERIOD_LSB, BgReg::PERIOD_MASK).max(1) as u64;
        self.rate = field(w0, BgReg::RATE_LSB, BgReg::RATE_MASK);
        self.mask = field(w2, BgReg::MASK_LSB, BgReg::MASK_MASK) as u16;
        self.label = field(w2, BgReg::NEURON_LABEL_LSB, BgReg::NEURON_LABEL_MASK) as u16;
        self.enabled = flag(w2, BgReg::ENABLE_LSB);
        self.random = flag(w2, BgReg::ENABLE_RANDOM_LSB);
    }

    fn seed(&self) -> u64 {
        field(
            self.words[BgReg::SEED_WORD],
            BgReg::SEED_LSB,
            BgReg::SEED_MASK,
        ) as u64
    }
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
    /// Per neuron column: bit 0 causal, bit 1 acausal accumulation enabled.
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
    pub fn new() -> Self {
        let node_reg = NodeReg::desc();
        let node_reset = reset_words::<1>(id::CROSSBAR_NODE)[0];
        let dims = node_reg.dims.len();
        let mut nodes = Vec::with_capacity(NodeReg::COUNT as usize);
        let mut input_nodes = [(0u8, 0u8); CROSSBAR_INPUTS];
        for (k, t) in node_reg.valid.chunks_exact(dims).enumerate() {
            let (input, output) = (t[0] as usize, t[1] as u8);
            nodes.push(Node::decode(output, node_reset));
            if let Some(r) = input_nodes.get_mut(input) {
                if r.1 == 0 {
                    *r = (k as u8, k as u8 + 1);
                } else {
                    r.1 = k as u8 + 1;
                }
            }
        }
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
            id::CROSSBAR_NODE => {
                if let Some(node) = self.nodes.get_mut(i) {
                    *node = Node::decode(node.output, word);
                }
            }
            id::CROSSBAR_OUTPUT_CONFIG => self.output_config = word,
            id::BACKGROUND_SPIKE_SOURCE => self.write_source(i, w, word),
            id::COMMON_PADI_BUS_CONFIG => {
                if i < SYNRAMS {
                    self.padi_config[i] = word;
                    self.decode_padi(i);
                }
            }
            id::PADI_EVENT => {
                if i < SYNRAMS {
                    let buses = field(word, PadiEventReg::FIRE_BUS_0_LSB, 0xF) as u8;
                    let address = field(
                        word,
                        PadiEventReg::EVENT_ADDRESS_LSB,
                        PadiEventReg::EVENT_ADDRESS_MASK,
                    );
                    let row = field(
                        word,
                        PadiEventReg::ROW_SELECT_ADDRESS_LSB,
                        PadiEventReg::ROW_SELECT_ADDRESS_MASK,
                    );
                    if buses != 0 {
                        let label = ((row << 6) | address) as u16;
                        let block = i as u8;
                        // Time 0: applied in whichever step comes next.
                        self.push(
                            0,
                            Pending::Padi {
                                block,
                                buses,
                                label,
                            },
                        );
                    }
                }
            }
            id::SYNAPSE_DRIVER_CONFIG => {
                if let Some(words) = self.driver_words.get_mut(i) {
                    if let Some(slot) = words.get_mut(w) {
                        *slot = word;
                    }
                    self.drivers[i] = Driver::decode(words[DrvReg::ENABLE_RECEIVER_WORD]);
                }
            }
            id::SYNAPSE_QUAD => self.write_quad(i, w, word, true, true),
            id::SYNAPSE_WEIGHT_QUAD => self.write_quad(i, 0, word, true, false),
            id::SYNAPSE_LABEL_QUAD => self.write_quad(i, 1, word, false, true),
            id::NEURON_BACKEND_CONFIG => {
                if i < NEURONS && w < 4 {
                    self.backend_words[backend_neuron(i)][w] = word;
                }
            }
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
            id::CORRELATION_RESET => {
                if i < SYNRAMS * ROWS * QUADS_PER_ROW {
                    let (row_base, quad) = ((i / QUADS_PER_ROW) * COLUMNS, i % QUADS_PER_ROW);
                    for e in 0..4 {
                        let s = row_base + synapse_column(quad as u32, e) as usize;
                        self.causal[s] = 0.0;
                        self.acausal[s] = 0.0;
                    }
                }
            }
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

    fn decode_padi(&mut self, block: usize) {
        self.spl1[block] = field(self.padi_config[block], PadiReg::ENABLE_SPL1_0_LSB, 0xF) as u8;
    }

    fn decode_column_correlation(&mut self, index: usize) {
        let word = self.column_correlation_words[index];
        let (synram, quad) = (index / QUADS_PER_ROW, (index % QUADS_PER_ROW) as u32);
        for e in 0..4 {
            let sh = entry_shift(e);
            let causal = flag(word, CcqReg::ENABLE_INTERNAL_CAUSAL_3_LSB + sh) as u8;
            let acausal = flag(word, CcqReg::ENABLE_INTERNAL_ACAUSAL_3_LSB + sh) as u8;
            let n = synram * COLUMNS + synapse_column(quad, e) as usize;
            self.correlation_enable[n] = causal | (acausal << 1);
            self.update_acausal_ready(n);
        }
    }

    fn update_acausal_ready(&mut self, n: usize) {
        let (synram, column) = (n / COLUMNS, n % COLUMNS);
        let ready = self.correlation_enable[n] & 2 != 0 && self.t_post[n] != NEVER;
        let bit = 1u64 << (column % 64);
        let word = &mut self.acausal_ready[synram][column / 64];
        *word = if ready { *word | bit } else { *word & !bit };
    }

    /// One word of a synapse quad: `part` 0 is weights (+ time_calib when `full`), 1 is
    /// labels (+ amp_calib). The weight and label windows write only their 6-bit parts.
    fn write_quad(&mut self, index: usize, part: usize, word: u32, weights: bool, labels: bool) {
        if index >= SYNRAMS * ROWS * QUADS_PER_ROW || part > 1 {
            return;
        }
        let full = weights && labels;
        let row_base = (index / QUADS_PER_ROW) * COLUMNS;
        let quad = (index % QUADS_PER_ROW) as u32;
        for e in 0..4 {
            let s = row_base + synapse_column(quad, e) as usize;
            let byte = word >> entry_shift(e);
            if part == 0 && weights {
                let stored = (byte >> W_SHIFT) & QuadReg::WEIGHT_0_MASK;
                self.weights[s] = weight_permutation_inverse(stored) as u8;
                if full {
                    self.time_calib[s] = ((byte >> T_SHIFT) & QuadReg::TIME_CALIB_0_MASK) as u8;
                }
            } else if part == 1 && labels {
                self.labels[s] = ((byte >> L_SHIFT) & QuadReg::LABEL_0_MASK) as u8;
                if full {
                    self.amp_calib[s] = ((byte >> A_SHIFT) & QuadReg::AMP_CALIB_0_MASK) as u8;
                }
            }
        }
    }

    /// The current word of a synapse quad (`part` 0 weights, 1 labels), with or without the
    /// calibration bits.
    fn read_quad(&self, index: usize, part: usize, full: bool) -> Option<u32> {
        if index >= SYNRAMS * ROWS * QUADS_PER_ROW || part > 1 {
            return None;
        }
        let row_base = (index / QUADS_PER_ROW) * COLUMNS;
        let quad = (index % QUADS_PER_ROW) as u32;
        let mut word = 0u32;
        for e in 0..4 {
            let s = row_base + synapse_column(quad, e) as usize;
            let byte = if part == 0 {
                let w = weight_permutation(self.weights[s] as u32) << W_SHIFT;
                w | if full {
                    (self.time_calib[s] as u32) << T_SHIFT
                } else {
                    0
                }
            } else {
                let l = (self.labels[s] as u32) << L_SHIFT;
                l | if full {
                    (self.amp_calib[s] as u32) << A_SHIFT
                } else {
                    0
                }
            };
            word |= byte << entry_shift(e);
        }
        Some(word)
    }

    fn write_source(&mut self, i: usize, w: usize, word: u32) {
        let Some(s) = self.sources.get_mut(i) else {
            return;
        };
        let Some(slot) = s.words.get_mut(w) else {
            return;
        };
        *slot = word;
        let (was_enabled, old_interval) = (s.enabled, s.interval);
        s.decode();
        if !s.enabled {
            s.armed = false;
            s.retime = false;
            s.next = NEVER;
        } else if !was_enabled {
            // The seed is loaded when the source is enabled; the period starts at the next
            // step (the write's time).
            s.rng = Rng::new(s.seed(), i as u64);
            s.armed = true;
            s.next = 0;
        } else if s.interval != old_interval && !s.armed {
            // A new period while running: from the last opportunity on (at the earliest
            // the next step).
            s.retime = true;
            s.next = 0;
        }
        self.next_background = self.sources.iter().map(|s| s.next).min().unwrap_or(NEVER);
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
            id::SPIKE_COUNTER_READ => self.spike_counts.get(i).map(|&c| {
                let count = (c.min(255) as u32 & ScReg::COUNT_MASK) << ScReg::COUNT_LSB;
                count | ((c > 255) as u32) << ScReg::OVERFLOW_LSB
            }),
            id::CROSSBAR_INPUT_DROP_COUNTER => self
                .drop_counters
                .get(i)
                .map(|&c| (c as u32 & DropReg::VALUE_MASK) << DropReg::VALUE_LSB),
            id::CROSSBAR_OUTPUT_EVENT_COUNTER => self
                .event_counters
                .get(i)
                .map(|&c| (c & EvReg::VALUE_MASK) << EvReg::VALUE_LSB),
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

    /// Causal traces of neuron n's column: pairs of each synapse's last pre event with this
    /// post spike.
    fn post_spike(&mut self, n: usize, time: u64) {
        self.t_post[n] = time;
        self.update_acausal_ready(n);
        if self.correlation_enable[n] & 1 == 0 || !self.pre_seen[n] {
            return;
        }
        let (synram, column) = (n / COLUMNS, n % COLUMNS);
        let base = synram * ROWS * COLUMNS + column;
        for row in 0..ROWS {
            let s = base + row * COLUMNS;
            let t_pre = self.t_pre[s];
            if t_pre <= time {
                let c = &mut self.causal[s];
                *c = (*c + correlation_increment(time - t_pre)).min(CORRELATION_MAX);
            }
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

    fn fire_sources(&mut self, time: u64) {
        for i in 0..self.sources.len() {
            let s = &mut self.sources[i];
            if s.armed {
                s.armed = false;
                s.last = time;
                s.next = time.saturating_add(s.interval);
            } else if s.retime {
                s.retime = false;
                s.next = s.last.saturating_add(s.interval).max(time);
            }
            // Stepping every cycle fires at most once here; after skipped cycles the missed
            // opportunities fire now, each stamped with its own time.
            while self.sources[i].next <= time && self.sources[i].next != NEVER {
                let s = &mut self.sources[i];
                let t = s.next;
                s.last = t;
                s.next = t.saturating_add(s.interval);
                let r = s.rng.next_u64();
                if s.random && (r & 0xFF) as u32 >= s.rate {
                    continue;
                }
                let random_bits = (r >> 8) as u16;
                let label = ((s.label & !s.mask) | (random_bits & s.mask)) & LABEL14;
                let input = (BACKGROUND_INPUT + i) as u8;
                self.push(t, Pending::Crossbar { input, label });
            }
        }
        self.next_background = self.sources.iter().map(|s| s.next).min().unwrap_or(NEVER);
    }

    /// One event through the crossbar: entered at `entry`, routed in the step of `time`.
    #[allow(clippy::too_many_arguments)]
    fn crossbar(
        &mut self,
        entry: u64,
        time: u64,
        input: usize,
        label: u16,
        exc: &mut [f32],
        inh: &mut [f32],
        out: &mut Vec<Event>,
    ) {
        let Some(&(lo, hi)) = self.input_nodes.get(input) else {
            return;
        };
        let mut matched = false;
        let mut count_drop = false;
        for k in lo as usize..hi as usize {
            let node = self.nodes[k];
            if label & node.mask != node.target {
                count_drop |= node.count_drops;
                continue;
            }
            matched = true;
            let o = node.output as usize;
            if flag(
                self.output_config,
                OutReg::ENABLE_EVENT_COUNTER_0_LSB + o as u32,
            ) {
                self.event_counters[o] = (self.event_counters[o] + 1) & EvReg::VALUE_MASK;
            }
            if o >= L2_OUTPUT {
                out.push(Event::Spike {
                    time: entry.saturating_add(L2_LATENCY_CYCLES),
                    label: (((o - L2_OUTPUT) as u16) << 14) | label,
                });
            } else {
                let (block, bus) = (o / PADI_BUSES, o % PADI_BUSES);
                if (self.spl1[block] >> bus) & 1 != 0 {
                    self.padi(block, bus, label, time, exc, inh);
                }
            }
        }
        if !matched && count_drop {
            self.drop_counters[input] = self.drop_counters[input].wrapping_add(1);
        }
    }

    /// An event on PADI bus `bus` of `block`: to the addressed drivers and their rows.
    fn padi(
        &mut self,
        block: usize,
        bus: usize,
        label: u16,
        time: u64,
        exc: &mut [f32],
        inh: &mut [f32],
    ) {
        let row_select = ((label >> 6) & 0x1F) as u8;
        let address = (label & 0x3F) as u8;
        for k in 0..DRIVERS_PER_BLOCK / PADI_BUSES {
            let d = PADI_BUSES * k + bus;
            let drv = self.drivers[block * DRIVERS_PER_BLOCK + d];
            if !drv.receiver || (row_select ^ k as u8) & drv.compare_mask != 0 {
                continue;
            }
            if drv.mode_top != 0 {
                self.drive_row(block, 2 * d, address, drv.mode_top, time, exc, inh);
            }
            if drv.mode_bottom != 0 {
                self.drive_row(block, 2 * d + 1, address, drv.mode_bottom, time, exc, inh);
            }
        }
    }

    /// A pre-synaptic event with a 6-bit `address` on one synapse row: O(256).
    #[allow(clippy::too_many_arguments)]
    fn drive_row(
        &mut self,
        synram: usize,
        row: usize,
        address: u8,
        mode: u8,
        time: u64,
        exc: &mut [f32],
        inh: &mut [f32],
    ) {
        self.delivered += 1;
        let base = (synram * ROWS + row) * COLUMNS;
        let nb = synram * COLUMNS;
        let labels = &self.labels[base..base + COLUMNS];
        let weights = &self.weights[base..base + COLUMNS];
        // Branch-free passes over the row, so they vectorise: 0xFF where the label matches.
        let mut hit = [0u8; COLUMNS];
        let mut any = 0u8;
        for (h, &l) in hit.iter_mut().zip(labels) {
            *h = 0u8.wrapping_sub((l == address) as u8);
            any |= *h;
        }
        if any == 0 {
            return;
        }
        let add = |dst: &mut [f32]| {
            for ((x, &w), &h) in dst.iter_mut().zip(weights).zip(&hit) {
                *x += (w & h) as f32;
            }
        };
        if mode & 1 != 0 {
            if let Some(e) = exc.get_mut(nb..nb + COLUMNS) {
                add(e);
            }
        }
        if mode & 2 != 0 {
            if let Some(i) = inh.get_mut(nb..nb + COLUMNS) {
                add(i);
            }
        }
        // Correlation: remember the pre event; acausal pairs with the column's last post.
        let t_pre = &mut self.t_pre[base..base + COLUMNS];
        for (t, &h) in t_pre.iter_mut().zip(&hit) {
            *t = if h != 0 { time } else { *t };
        }
        for (seen, &h) in self.pre_seen[nb..nb + COLUMNS].iter_mut().zip(&hit) {
            *seen |= h != 0;
        }
        // Only columns with acausal accumulation on and a post spike so far.
        for (k, &bits) in self.acausal_ready[synram].iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let c = 64 * k + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let tp = self.t_post[nb + c];
                if hit[c] != 0 && tp <= time {
                    let a = &mut self.acausal[base + c];
                    *a = (*a + correlation_increment(time - tp)).min(CORRELATION_MAX);
                }
            }
        }
    }

    // ------------------------------------------------------------------ introspection

    /// Correlation traces of synapse (synram, row, column) in trace units: (causal,
    /// acausal). (0, 0) outside the array.
    pub fn correlation(&self, synram: usize, row: usize, column: usize) -> (f32, f32) {
        match synapse_index(synram, row, column) {
            Some(s) => (self.causal[s], self.acausal[s]),
            None => (0.0, 0.0),
        }
    }

    /// Introspection: weight and label of a synapse (logical values after undoing the
    /// quirks). (0, 0) outside the array.
    pub fn synapse(&self, synram: usize, row: usize, column: usize) -> (u8, u8) {
        match synapse_index(synram, row, column) {
            Some(s) => (self.weights[s], self.labels[s]),
            None => (0, 0),
        }
    }

    /// Total (event, row) deliveries to driven synapse rows so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Introspection: the stored `common_correlation_config` words of a synram.
    pub fn correlation_config(&self, synram: usize) -> Option<[u32; 4]> {
        self.correlation_config.get(synram).copied()
    }
}

fn synapse_index(synram: usize, row: usize, column: usize) -> Option<usize> {
    (synram < SYNRAMS && row < ROWS && column < COLUMNS)
        .then(|| (synram * ROWS + row) * COLUMNS + column)
}

#[inline]
fn correlation_increment(dt: u64) -> f32 {
    CORRELATION_AMPLITUDE * (-(dt as f32) / CORRELATION_TAU_CYCLES).exp()
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

    #[test]
    fn node_table_matches_the_map() {
        let r = Routing::new();
        assert_eq!(r.nodes.len(), 76);
        assert_eq!(r.input_nodes[0], (0, 3));
        assert_eq!(r.input_nodes[8].1 - r.input_nodes[8].0, 9);
        assert_eq!(r.input_nodes[19].1, 76);
        for (i, &(lo, hi)) in r.input_nodes.iter().enumerate() {
            assert!(lo < hi, "input {i} has no node");
        }
    }
}
