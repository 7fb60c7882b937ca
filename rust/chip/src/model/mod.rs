//! The analog and digital chip model behind the executor (issue 4).
//!
//! It is configured and observed only through register writes and reads (shared/DESIGN.md
//! rule 1): the executor forwards every accepted write to [`Chip::on_write`], asks
//! [`Chip::read`] for registers whose value the chip produces (spike counters, CADC
//! samples), hands injected spikes to [`Chip::inject`] and moves time with
//! [`Chip::advance`], which returns recorded spikes and MADC samples.
//!
//! Layout: [`mismatch`] draws the fixed pattern of one chip from its seed; [`analog`]
//! turns CapMem codes and digital bits into physical AdEx parameters (SI units);
//! [`neuron`] integrates the 512 compartments ([`fast`], [`fine`] and [`quiet`]: the
//! block fast path, its candidates' fine steps and its quiet stretches); [`routing`] moves events from background
//! sources, the FPGA and neurons through the crossbar, PADI buses, synapse drivers and
//! synapses; [`adc`] holds the CADC, MADC and correlation sensors.
//!
//! Geometry used throughout: neuron `n` in 0..512 is (row = n / 256, column = n % 256);
//! row 0 is the top hemisphere (synram 0). Quadrant = 2 * row + column / 128; its CapMem
//! block is the quadrant, its CapMem column is `column % 128`.

pub mod adc;
pub mod analog;
pub mod fast;
pub mod fine;
pub mod mismatch;
pub mod neuron;
pub mod quiet;
pub mod rng;
pub mod routing;

pub const NEURONS: usize = 512;
pub const COLUMNS: usize = 256;
pub const QUADRANTS: usize = 4;
/// Model step: one FPGA cycle, 8 ns of hardware time (8 us biological).
pub const DT: f64 = 8e-9;
/// FPGA clock, Hz.
pub const FPGA_HZ: f64 = 125e6;

/// Quadrant of a neuron.
pub fn quadrant(n: usize) -> usize {
    2 * (n / COLUMNS) + (n % COLUMNS) / 128
}

/// Something the chip sends to the FPGA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A spike leaving an L2 output: time in FPGA cycles since the model started.
    Spike { time: u64, label: u16 },
    /// An MADC sample: 10-bit value in bits 0-9, channel in bits 10-13.
    Madc { time: u64, value: u16 },
}

use crate::regfile::RegisterFile;
use adc::{Adcs, Ramp};
use analog::{CapMem, NeuronParams, QuadrantLevels};
use fast::{BlockCache, BlockScratch, BlockStats, BLOCK};
use mismatch::Mismatch;
use neuron::{NeuronState, StepCache, StepConfig, StepIo, Topology};
use regmap::{id, Location};
use routing::Routing;

/// Re-derive parameters at least this often while CapMem cells settle (8 us).
pub const DERIVE_EVERY_CYCLES: u64 = 1000;

/// Above this many candidates in a block the fast path pauses for
/// [`BUSY_PAUSE_CYCLES`] (measured: with more, the candidates' fine steps, vectorised
/// over a compact copy ([`fine`]), plus the block bookkeeping cost about as much as the
/// reference step of all 512).
pub const BUSY_CANDIDATES: usize = NEURONS / 2;
pub const BUSY_PAUSE_CYCLES: u64 = 256;

/// The whole chip model.
#[derive(Debug)]
pub struct Chip {
    pub seed: u64,
    pub mismatch: Mismatch,
    pub capmem: CapMem,
    pub params: NeuronParams,
    pub quads: [QuadrantLevels; QUADRANTS],
    pub state: NeuronState,
    pub routing: Routing,
    pub adc: Adcs,
    topology: Topology,
    cache: StepCache,
    adapt_pulse: Vec<bool>,
    refractory_cycles: Vec<u32>,
    reset_release: Vec<u32>,
    dirty: bool,
    derived_at: u64,
    exc_in: Vec<f32>,
    inh_in: Vec<f32>,
    fired: Vec<usize>,
    current: Vec<f64>,
    /// Total neuron updates done (for benchmarks).
    pub updates: u64,
    /// Integrate with the fine-step reference only (every compartment every cycle),
    /// never with the block fast path (`sim:?exact=1`).
    pub exact: bool,
    /// Scale of the temporal noise (membranes, CADC, MADC); 1.0 is the model as
    /// documented, 0.0 switches it off. Set with [`Chip::set_noise_scale`].
    noise_scale: f64,

    block_cache: BlockCache,
    block_cache_fresh: bool,
    scratch: BlockScratch,
    fine: fine::Fine,
    /// The responses of a quiet stretch ([`quiet`]), built when first needed after a
    /// derivation.
    quiet_cache: Option<quiet::QuietCache>,
    /// The last block had no candidate and no arriving event.
    quiet_block: bool,
    /// No quiet stretch is tried before this cycle (after one that failed).
    quiet_after: u64,
    /// Counters of the fast path.
    pub block_stats: BlockStats,
    /// The fast path pauses until this cycle after a block in which most compartments
    /// needed fine steps anyway (dense firing: the reference step is cheaper then).
    fine_until: u64,
}

impl Chip {
    /// Scale the temporal noise: membrane kicks and both ADCs' conversion noise (1.0: as
    /// modelled; 0.0: none, for comparison with a deterministic reference).
    pub fn set_noise_scale(&mut self, s: f64) {
        self.noise_scale = s;
        self.adc.noise_scale = s;
        self.params.noise_amp = neuron::noise_amplitude() * s;
    }

    /// Scale the fixed-pattern mismatch of neurons, CapMem, synapse DACs and ADCs
    /// (1.0: as made from the seed; 0.0: an ideal chip). Takes effect at the next
    /// derivation of the parameters, which it forces; the configuration is kept.
    pub fn set_mismatch_scale(&mut self, s: f64) {
        if s == 1.0 {
            return;
        }
        self.mismatch = Mismatch::new(self.seed).scaled(s);
        self.adc.set_fixed_pattern_scale(self.seed, s);
        self.dirty = true;
    }

    pub fn new(seed: u64) -> Self {
        Chip {
            seed,
            mismatch: Mismatch::new(seed),
            capmem: CapMem::default(),
            params: NeuronParams::default(),
            quads: [QuadrantLevels::default(); QUADRANTS],
            state: NeuronState::new(NEURONS, 0.0),
            routing: Routing::new(),
            adc: Adcs::new(seed),
            topology: Topology::default(),
            cache: StepCache::default(),
            adapt_pulse: vec![false; NEURONS],
            refractory_cycles: vec![1; NEURONS],
            reset_release: vec![0; NEURONS],
            dirty: true,
            derived_at: 0,
            exc_in: vec![0.0; NEURONS],
            inh_in: vec![0.0; NEURONS],
            fired: Vec::with_capacity(NEURONS),
            current: vec![0.0; NEURONS],
            updates: 0,
            exact: false,
            noise_scale: 1.0,
            block_cache: BlockCache::default(),
            block_cache_fresh: false,
            scratch: BlockScratch::default(),
            fine: fine::Fine::default(),
            quiet_cache: None,
            quiet_block: false,
            quiet_after: 0,
            block_stats: BlockStats::default(),
            fine_until: 0,
        }
    }

    /// The analog core runs once any CapMem block is enabled; before that every bias is
    /// zero and nothing moves, so time passes without integrating (the fast path that
    /// keeps register-only programs cheap).
    pub fn analog_on(&self) -> bool {
        self.capmem.any_enabled()
    }

    /// A write the executor accepted.
    pub fn on_write(&mut self, loc: &Location, word: u32, now: u64) {
        match loc.number {
            id::CAPMEM_CELL => {
                self.capmem.write(loc.index as usize, word, now);
                self.dirty = true;
            }
            id::CAPMEM_BLOCK_CONFIG => {
                if loc.word == 0 {
                    self.capmem
                        .set_enabled(loc.index as usize, word & 1 != 0, now);
                }
                self.dirty = true;
            }
            id::NEURON_CONFIG => self.dirty = true,
            id::NEURON_RESET_QUAD => {
                // Hemisphere h, quad q: circuits 4q..4q+3 of that row jump to V_reset.
                let (h, q) = (loc.index as usize / 64, loc.index as usize % 64);
                for c in 4 * q..4 * q + 4 {
                    self.reset_neuron(h * COLUMNS + c);
                }
            }
            _ => {
                if self.routing.on_write(loc, word) {
                    if loc.number == id::NEURON_BACKEND_CONFIG
                        || loc.number == id::COMMON_NEURON_BACKEND_CONFIG
                    {
                        self.dirty = true;
                    }
                } else {
                    self.adc.on_write(loc, word, now);
                }
            }
        }
    }

    /// Neuron `n`'s membrane jumps to its reset potential (a neuron-reset write).
    pub fn reset_neuron(&mut self, n: usize) {
        if let Some(&v) = self.params.v_reset.get(n) {
            self.state.v[n] = v;
        }
    }

    /// One CADC row read as a PPU vector sees it: channel 0 causal / 1 acausal of row
    /// `row` of `synram`, byte j = column 2 j + `half`; each channel reads its correlation
    /// sensor or, where the column switch says so, the neuron's membrane.
    #[allow(clippy::too_many_arguments)]
    pub fn ppu_cadc_row(
        &mut self,
        regs: &RegisterFile,
        now: u64,
        synram: usize,
        row: usize,
        half: usize,
        channel: usize,
        out: &mut [u8; 128],
    ) {
        self.refresh(regs, now);
        let ramps = self.ramps();
        for (j, o) in out.iter_mut().enumerate() {
            let column = 2 * j + (half & 1);
            let v = if self.routing.cadc_reads_neuron(synram, column, channel) {
                self.state
                    .v
                    .get(synram * COLUMNS + column)
                    .copied()
                    .unwrap_or(0.0)
            } else {
                let (causal, acausal) = self.routing.correlation(synram, row, column);
                let trace = if channel == 0 { causal } else { acausal };
                adc::V_CORR_RESET - f64::from(trace) * adc::V_PER_TRACE_UNIT
            };
            let ramp = &ramps[(2 * synram + column / 128) % QUADRANTS];
            *o = self.adc.cadc_convert(synram, channel, column, v, ramp);
        }
    }

    fn ramps(&self) -> [Ramp; QUADRANTS] {
        self.quads.map(|q| Ramp {
            v0: q.cadc_v0,
            lsb: q.cadc_lsb,
        })
    }

    /// A register value the chip produces, if this is one.
    pub fn read(&mut self, regs: &RegisterFile, loc: &Location, now: u64) -> Option<u32> {
        if loc.number == id::CADC_SAMPLE_QUAD {
            self.refresh(regs, now);
            let ramps = self.ramps();
            let v = &self.state.v;
            let routing = &self.routing;
            let membrane = |n: usize| v[n];
            let correlation = |s: usize, r: usize, c: usize| routing.correlation(s, r, c);
            let neuron_readout =
                |s: usize, c: usize, ch: usize| routing.cadc_reads_neuron(s, c, ch);
            return Some(
                self.adc
                    .cadc_read(loc, &ramps, &membrane, &correlation, &neuron_readout),
            );
        }
        self.routing.read(loc)
    }

    /// Introspection, not a silicon path: the true parameters at `now`, re-derived if the
    /// configuration changed. For tests and for judging calibration only.
    pub fn introspect(&mut self, regs: &RegisterFile, now: u64) -> (&NeuronParams, &NeuronState) {
        self.refresh(regs, now);
        (&self.params, &self.state)
    }

    /// Introspection: refractory time of every circuit, FPGA cycles.
    pub fn refractory(&self) -> &[u32] {
        &self.refractory_cycles
    }

    /// Introspection: how many FPGA cycles before the end of the refractory time each
    /// circuit's reset is released (`reset_holdoff`).
    pub fn reset_release(&self) -> &[u32] {
        &self.reset_release
    }

    pub fn inject(&mut self, time: u64, label: u16) {
        self.routing.inject(time, label);
    }

    /// Re-derive the parameters if the configuration changed or CapMem is settling, at
    /// most every [`DERIVE_EVERY_CYCLES`] during a run of one-cycle instructions (a
    /// program writing thousands of cells costs one derivation, not thousands);
    /// `now_if_dirty` forces it for a changed configuration. `advance` forces it before
    /// any wait, so writes take effect when the program starts waiting.
    fn refresh_when(&mut self, regs: &RegisterFile, now: u64, now_if_dirty: bool) {
        let first = self.params.c_mem.is_empty();
        let due = now >= self.derived_at + DERIVE_EVERY_CYCLES;
        let moving = self.dirty || self.capmem.settling(now);
        if !(first || (moving && due) || (now_if_dirty && self.dirty)) {
            return;
        }
        self.derive(regs, now);
    }

    fn derive(&mut self, regs: &RegisterFile, now: u64) {
        let (p, q) = analog::derive(&self.capmem, regs, &self.mismatch, now);
        if self.params.c_mem.is_empty() {
            self.state = NeuronState::new(NEURONS, 0.0);
            for (v, e) in self.state.v.iter_mut().zip(&p.e_leak) {
                *v = e.max(0.0);
            }
        }
        self.cache = StepCache::new(&p);
        self.block_cache_fresh = false;
        self.quiet_cache = None;
        self.topology = Topology::new(&p);
        for n in 0..NEURONS {
            self.refractory_cycles[n] = self.routing.refractory_cycles(n);
            self.adapt_pulse[n] = self.routing.adaptation_pulse(n);
            self.reset_release[n] = self.routing.reset_release_cycles(n);
        }
        self.params = p;
        self.params.noise_amp = neuron::noise_amplitude() * self.noise_scale;
        self.quads = q;
        self.dirty = false;
        self.derived_at = now;
    }

    fn refresh(&mut self, regs: &RegisterFile, now: u64) {
        self.refresh_when(regs, now, true);
    }

    /// Run from `from` to `to` (FPGA cycles); recorded spikes and MADC samples go to `out`.
    /// Whole blocks of [`BLOCK`] cycles take the fast path ([`fast`]) unless `exact` is
    /// set or the compartments are coupled or fire on input (bypass).
    pub fn advance(&mut self, regs: &RegisterFile, from: u64, to: u64, out: &mut Vec<Event>) {
        let waiting = to > from + 1;
        let block = BLOCK as u64;
        let mut t = from;
        while t < to {
            if !self.analog_on() && self.routing.idle() && !self.adc.madc_active() {
                return; // nothing on the chip can change until the next write
            }
            self.refresh_when(regs, t, waiting && t == from);
            let fast = !self.exact
                && self.analog_on()
                && t % block == 0
                && t >= self.fine_until
                && t + block <= to
                && self.topology.trivial
                && !self.cache.any_bypass;
            if fast && self.quiet_ready(t, to) {
                if self.advance_quiet(t) {
                    t += quiet::QUIET as u64;
                    continue;
                }
                self.quiet_after = t + 8 * quiet::QUIET as u64;
            }
            if fast {
                self.advance_block(t, out);
                t += block;
            } else {
                self.cycle(t, out);
                t += 1;
            }
        }
    }

    /// Whether a quiet stretch may start at `t` (see [`quiet`]): the last block was
    /// quiet, nothing arrives before the stretch ends, the MADC is off and CapMem
    /// has settled.
    fn quiet_ready(&self, t: u64, to: u64) -> bool {
        let len = quiet::QUIET as u64;
        self.quiet_block
            && t % len == 0
            && t + len <= to
            && t >= self.quiet_after
            && self.routing.next_activity() >= t + len
            && !self.adc.madc_active()
            && !self.capmem.settling(t)
    }

    /// Cycles `t0 .. t0 + QUIET` at once, if every compartment allows it.
    fn advance_quiet(&mut self, t0: u64) -> bool {
        let qc = self
            .quiet_cache
            .get_or_insert_with(|| quiet::QuietCache::new(&self.params, &self.cache));
        let noise = (self.seed, t0, self.params.noise_amp);
        let (p, k) = (&self.params, &self.cache);
        if !quiet::stretch(&mut self.state, p, k, qc, noise) {
            return false;
        }
        let blocks = quiet::QUIET_BLOCKS as u64;
        self.block_stats.blocks += blocks;
        self.block_stats.coarse += NEURONS as u64 * blocks;
        self.updates += (NEURONS * quiet::QUIET) as u64;
        true
    }

    /// One cycle of the reference: routing, every compartment, the MADC.
    fn cycle(&mut self, t: u64, out: &mut Vec<Event>) {
        self.routing
            .step(t, &mut self.exc_in, &mut self.inh_in, out);
        if self.analog_on() {
            let cfg = StepConfig {
                params: &self.params,
                cache: &self.cache,
                topology: &self.topology,
                adapt_pulse: &self.adapt_pulse,
                refractory_cycles: &self.refractory_cycles,
                reset_release: &self.reset_release,
            };
            let io = StepIo {
                exc_in: &mut self.exc_in,
                inh_in: &mut self.inh_in,
                fired: &mut self.fired,
                current: &mut self.current,
            };
            neuron::step(t, &mut self.state, self.seed, &cfg, io);
            self.updates += NEURONS as u64;
            if !self.fired.is_empty() {
                self.routing.neuron_spikes(t, &self.fired);
            }
        }
        if self.adc.madc_active() {
            let signal = self.readout_signal();
            self.adc.step(t, &|| signal, out);
        }
    }

    /// Cycles `t0 .. t0 + BLOCK` on the fast path (see [`fast`]).
    fn advance_block(&mut self, t0: u64, out: &mut Vec<Event>) {
        let same_params = self.block_cache_fresh;
        if !self.block_cache_fresh {
            self.block_cache = BlockCache::new(&self.params, &self.cache);
            self.scratch.release.copy_from_slice(&self.reset_release);
            self.block_cache_fresh = true;
        }
        let madc = self.adc.madc_active();
        let readout = if madc {
            self.params.readout_on.iter().position(|&on| on)
        } else {
            None
        };
        let key = neuron::noise_key(self.seed, t0);
        let amp = self.params.noise_amp;
        let backend = fast::Backend { readout };
        fast::plan(
            &self.state,
            &self.params,
            &self.cache,
            &self.block_cache,
            &backend,
            (key, amp),
            &mut self.scratch,
        );
        let (p, k, sc) = (&self.params, &self.cache, &mut self.scratch);
        let params = (p, k, &self.reset_release[..]);
        self.fine
            .gather(&sc.candidates, &self.state, params, same_params);
        let terms = fine::Terms {
            exp: k.any_exp,
            adapt: k.any_adapt,
        };
        // The MADC's compartment is a candidate; its state is written back every cycle.
        let readout_at = readout.and_then(|r| sc.candidates.iter().position(|&n| n == r));
        let mut any_delivered = false;
        for j in 0..BLOCK {
            let t = t0 + j as u64;
            let before = self.routing.delivered();
            self.routing
                .step(t, &mut self.exc_in, &mut self.inh_in, out);
            let delivered = self.routing.delivered() != before;
            any_delivered |= delivered;
            if delivered {
                for n in 0..NEURONS {
                    let (e, i) = (self.exc_in[n], self.inh_in[n]);
                    if (e != 0.0 || i != 0.0) && sc.candidate[n] == 0 {
                        let xe = e as f64 * p.scale_exc[n];
                        let xi = i as f64 * p.scale_inh[n];
                        let v0 = self.state.v[n];
                        fast::absorb(n, j, v0, (xe, xi), &self.block_cache, sc);
                        self.exc_in[n] = 0.0;
                        self.inh_in[n] = 0.0;
                    }
                }
            }
            self.fired.clear();
            let inputs = delivered.then_some((&mut self.exc_in[..], &mut self.inh_in[..]));
            let noise = (j == 0).then_some((key, amp));
            if self.fine.step(inputs, noise, terms) {
                let (refractory, pulse) = (&self.refractory_cycles, &self.adapt_pulse);
                self.fine.fire(&mut self.fired, |n| {
                    let b = (p.adapt_on[n] && pulse[n]).then_some(p.b[n]);
                    (refractory[n].max(1), b)
                });
            }
            if !self.fired.is_empty() {
                self.routing.neuron_spikes(t, &self.fired);
            }
            if madc {
                if let Some(c) = readout_at {
                    self.fine.scatter_one(c, &mut self.state);
                }
                let signal = readout_signal(p, &self.state);
                self.adc.step(t, &|| signal, out);
            }
        }
        self.fine.scatter(&mut self.state);
        fast::finish(&mut self.state, &self.block_cache, k.any_adapt, sc);
        // A compartment that could not fire by the margins but ends above threshold
        // (an input much larger than the margin): it fires now, at the block's end.
        self.fired.clear();
        let (v, thresh) = (&self.state.v[..NEURONS], &p.v_thresh[..NEURONS]);
        let any_late = (0..NEURONS).fold(false, |a, n| a | (v[n] >= thresh[n]));
        for n in (0..NEURONS).filter(|_| any_late) {
            let s = &mut self.state;
            if sc.candidate[n] == 0 && p.fire[n] && s.refractory[n] == 0 && s.v[n] >= p.v_thresh[n]
            {
                self.fired.push(n);
                s.refractory[n] = self.refractory_cycles[n].max(1);
                if p.adapt_on[n] && self.adapt_pulse[n] {
                    s.w[n] += p.b[n];
                }
            }
        }
        if !self.fired.is_empty() {
            self.block_stats.late += self.fired.len() as u64;
            self.routing
                .neuron_spikes(t0 + BLOCK as u64 - 1, &self.fired);
        }
        let fine = sc.candidates.len() as u64;
        self.quiet_block = fine == 0 && !any_delivered && !madc;
        if sc.candidates.len() > BUSY_CANDIDATES {
            self.fine_until = t0 + BUSY_PAUSE_CYCLES;
        }
        self.block_stats.blocks += 1;
        self.block_stats.fine += fine;
        self.block_stats.coarse += NEURONS as u64 - fine;
        self.updates += (NEURONS * BLOCK) as u64;
    }

    fn readout_signal(&self) -> Option<f64> {
        readout_signal(&self.params, &self.state)
    }
}

/// The voltage the MADC sees: the first neuron whose readout is enabled, through its
/// readout source (membrane, synaptic inputs as voltages over 1 MOhm, adaptation).
fn readout_signal(p: &NeuronParams, s: &NeuronState) -> Option<f64> {
    let n = p.readout_on.iter().position(|&on| on)?;
    Some(match p.readout_source[n] {
        0 => s.v[n],
        1 => 0.6 + s.i_exc[n] * 1e6,
        2 => 0.6 - s.i_inh[n] * 1e6,
        _ => 0.6 + s.w[n] * 1e6,
    })
}
