//! CapMem and the mapping from CapMem codes and digital bits to physical AdEx parameters.
//!
//! Physical ranges chosen for the model (documented in docs/model.md):
//! - voltage cells: code / 1023 x 1.2 V, times a per-quadrant DAC gain;
//! - current cells: code / 1023 x 1 uA, times a per-quadrant DAC gain;
//! - a write settles exponentially with tau = 200 us, to within 1 LSB of a full-scale step
//!   after about 1.4 ms (calix waits 20 ms; silicon is slower than this, which only makes
//!   the model's measurements valid earlier);
//! - code 1023 disables refresh: the cell keeps its charge and droops with tau = 50 ms;
//! - crosstalk: a neuron cell is shifted by up to 3 LSB in proportion to how many of the
//!   128 neuron cells of the same block row hold exactly the same code (calibration.md §2.2);
//! - a disabled block (capmem_block_config.enable_capmem = 0) drives all its cells to 0.

use super::mismatch::Mismatch;
use super::{quadrant, COLUMNS, NEURONS, QUADRANTS};
use crate::regfile::RegisterFile;
use regmap::{typed, REGISTERS};

pub const BLOCK_COLUMNS: usize = 130;
pub const ROWS: usize = 24;
pub const CELLS: usize = QUADRANTS * BLOCK_COLUMNS * ROWS;
pub const V_FULL_SCALE: f64 = 1.2;
pub const I_FULL_SCALE: f64 = 1e-6;
/// Settling time constant of a written cell, FPGA cycles (200 us).
pub const SETTLE_CYCLES: f64 = 200e-6 * super::FPGA_HZ;
/// Droop of a cell whose refresh is disabled, FPGA cycles (50 ms).
pub const DROOP_CYCLES: f64 = 50e-3 * super::FPGA_HZ;
/// Largest crosstalk shift, CapMem LSB, when all 128 cells of a row share one code.
pub const CROSSTALK_LSB: f64 = 3.0;

/// Index of a cell, as in the `capmem_cell` register (block, column, row), row-major.
pub fn cell(block: usize, column: usize, row: usize) -> usize {
    (block * BLOCK_COLUMNS + column) * ROWS + row
}

/// CapMem cell of row `row` of neuron `n`.
pub fn neuron_cell(n: usize, row: usize) -> usize {
    cell(quadrant(n), (n % COLUMNS) % 128, row)
}

#[derive(Debug, Clone)]
pub struct CapMem {
    start: Vec<f64>,
    target: Vec<f64>,
    written_at: Vec<u64>,
    frozen: Vec<bool>,
    code: Vec<u16>,
    enabled: [bool; QUADRANTS],
    settled_after: u64,
    /// Cells whose refresh is disabled (they droop for ever).
    frozen_cells: usize,
}

impl Default for CapMem {
    fn default() -> Self {
        CapMem {
            start: vec![0.0; CELLS],
            target: vec![0.0; CELLS],
            written_at: vec![0; CELLS],
            frozen: vec![false; CELLS],
            code: vec![0; CELLS],
            enabled: [false; QUADRANTS],
            settled_after: 0,
            frozen_cells: 0,
        }
    }
}

impl CapMem {
    pub fn write(&mut self, index: usize, code: u32, now: u64) {
        let v = self.level(index, now);
        self.start[index] = v;
        self.written_at[index] = now;
        self.code[index] = (code & 0x3FF) as u16;
        let freeze = code & 0x3FF == 1023;
        if freeze != self.frozen[index] {
            if freeze {
                self.frozen_cells += 1;
            } else {
                self.frozen_cells -= 1;
            }
        }
        self.frozen[index] = freeze;
        self.target[index] = if freeze { v } else { (code & 0x3FF) as f64 };
        self.settled_after = self.settled_after.max(now + (10.0 * SETTLE_CYCLES) as u64);
    }

    pub fn set_enabled(&mut self, block: usize, enabled: bool, now: u64) {
        if self.enabled[block] != enabled {
            self.enabled[block] = enabled;
            self.settled_after = self.settled_after.max(now + (10.0 * SETTLE_CYCLES) as u64);
        }
    }

    /// The cell's level in LSB (fractional while settling), before crosstalk.
    pub fn level(&self, index: usize, now: u64) -> f64 {
        let dt = now.saturating_sub(self.written_at[index]) as f64;
        if self.frozen[index] {
            self.start[index] * (-dt / DROOP_CYCLES).exp()
        } else {
            let k = (-dt / SETTLE_CYCLES).exp();
            self.target[index] + (self.start[index] - self.target[index]) * k
        }
    }

    /// The level a neuron sees, with crosstalk and the block enable.
    pub fn effective(&self, index: usize, now: u64, crosstalk: f64) -> f64 {
        let block = index / (BLOCK_COLUMNS * ROWS);
        if !self.enabled[block] {
            return 0.0;
        }
        (self.level(index, now) + crosstalk).max(0.0)
    }

    pub fn any_enabled(&self) -> bool {
        self.enabled.iter().any(|&e| e)
    }

    /// Whether any cell is still moving at `now` (parameters must be re-derived).
    pub fn settling(&self, now: u64) -> bool {
        now < self.settled_after || self.frozen_cells > 0
    }

    /// Crosstalk shift of every per-neuron cell, LSB: proportional to the number of other
    /// neuron cells in the same block row holding the same code.
    pub fn crosstalk(&self) -> Vec<f64> {
        let mut shift = vec![0.0; CELLS];
        let mut codes: Vec<u16> = Vec::with_capacity(128);
        for block in 0..QUADRANTS {
            for row in 0..ROWS {
                codes.clear();
                codes.extend((0..128).map(|c| self.code[cell(block, c, row)]));
                let mut sorted = codes.clone();
                sorted.sort_unstable();
                for c in 0..128 {
                    let code = codes[c];
                    let lo = sorted.partition_point(|&x| x < code);
                    let hi = sorted.partition_point(|&x| x <= code);
                    let same = (hi - lo - 1) as f64;
                    shift[cell(block, c, row)] = CROSSTALK_LSB * same / 127.0;
                }
            }
        }
        shift
    }
}

/// Shared per-block cells (column 128/129) the neurons and ADCs use.
pub mod shared {
    pub const CADC_V_RAMP_OFFSET: (usize, usize) = (128, 4);
    pub const SYN_I_BIAS_DAC: (usize, usize) = (128, 8);
    pub const CADC_I_RAMP_SLOPE: (usize, usize) = (128, 15);
    pub const LEAK_SOURCE_FOLLOWER: (usize, usize) = (128, 19);
    pub const SPIKE_COMPARATOR: (usize, usize) = (128, 20);
}

/// Per-neuron CapMem rows (chip.md §3.3).
pub mod row {
    pub const V_LEAK: usize = 0;
    pub const V_RESET: usize = 1;
    pub const V_THRESHOLD: usize = 2;
    pub const E_EXC_REV: usize = 3;
    pub const E_INH_REV: usize = 4;
    pub const V_ADAPT_LEAK: usize = 5;
    pub const V_EXP: usize = 6;
    pub const V_ADAPT_REF: usize = 7;
    pub const I_LEAK: usize = 8;
    pub const I_RESET: usize = 9;
    pub const I_EXC_TAU: usize = 10;
    pub const I_EXC_COBA: usize = 11;
    pub const I_EXC_SHIFT: usize = 12;
    pub const I_EXC_GM: usize = 13;
    pub const I_INH_TAU: usize = 14;
    pub const I_INH_COBA: usize = 15;
    pub const I_INH_SHIFT: usize = 16;
    pub const I_INH_GM: usize = 17;
    pub const I_ADAPT_TAU: usize = 18;
    pub const I_ADAPT_A: usize = 19;
    pub const I_ADAPT_B: usize = 20;
    pub const I_EXP: usize = 21;
    pub const I_MEM_OFFSET: usize = 22;
    pub const I_NMDA: usize = 23;
}

/// The true parameters of every compartment, SI units. What the introspection API shows.
#[derive(Debug, Clone, Default)]
pub struct NeuronParams {
    /// Membrane noise kick amplitude, V (see `neuron::noise_amplitude`), times the
    /// chip's noise scale; set by the chip after each derivation.
    pub noise_amp: f64,
    pub c_mem: Vec<f64>,
    pub g_leak: Vec<f64>,
    pub e_leak: Vec<f64>,
    pub g_reset: Vec<f64>,
    pub v_reset: Vec<f64>,
    pub v_thresh: Vec<f64>,
    pub tau_exc: Vec<f64>,
    pub tau_inh: Vec<f64>,
    /// Synaptic current per weight LSB, A (includes the quadrant's synapse DAC bias).
    pub scale_exc: Vec<f64>,
    pub scale_inh: Vec<f64>,
    /// Constant OTA offset currents of the synaptic inputs, A.
    pub offset_exc: Vec<f64>,
    pub offset_inh: Vec<f64>,
    pub e_rev_exc: Vec<f64>,
    pub e_rev_inh: Vec<f64>,
    /// COBA modulation strength, 0..1 (0 = CUBA).
    pub coba_exc: Vec<f64>,
    pub coba_inh: Vec<f64>,
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub tau_w: Vec<f64>,
    pub v_adapt_leak: Vec<f64>,
    pub w_ref: Vec<f64>,
    pub i_exp0: Vec<f64>,
    pub v_t: Vec<f64>,
    pub delta_t: Vec<f64>,
    pub i_offset: Vec<f64>,
    pub g_icc: Vec<f64>,
    pub fire: Vec<bool>,
    pub exc_on: Vec<bool>,
    pub inh_on: Vec<bool>,
    pub adapt_on: Vec<bool>,
    pub exp_on: Vec<bool>,
    /// `enable_pause`: synaptic inputs and the exponential term are off while in reset.
    pub pause: Vec<bool>,
    /// Fire on every excitatory / inhibitory input event, whatever the membrane.
    pub bypass_exc: Vec<bool>,
    pub bypass_inh: Vec<bool>,
    /// Drive the shared fire line: every circuit of this membrane node fires with it.
    pub strong_fire: Vec<bool>,
    /// 0 membrane, 1 exc synaptic input, 2 inh synaptic input, 3 adaptation.
    pub readout_source: Vec<u8>,
    pub readout_on: Vec<bool>,
    /// Raw digital configuration, for the multicompartment topology.
    pub config: Vec<typed::NeuronConfig>,
}

/// Quantities per quadrant the ADCs and synapses need.
#[derive(Debug, Clone, Copy, Default)]
pub struct QuadrantLevels {
    pub cadc_v0: f64,
    pub cadc_lsb: f64,
    pub syn_dac: f64,
}

fn words<const N: usize>(regs: &RegisterFile, reg: usize, index: u32) -> [u32; N] {
    let r = &REGISTERS[reg];
    let mut w = [0u32; N];
    for (i, x) in w.iter_mut().enumerate() {
        // The map generates every instance's addresses, so these lookups cannot fail;
        // a failure would leave the reset word 0, never a panic.
        if let Ok(a) = r.address(index, i as u8) {
            *x = regs
                .stored(a)
                .unwrap_or_else(|| regmap::codec::reset_word(r, i as u8));
        }
    }
    w
}

/// Neuron `n`'s NeuronConfig, decoded (reset values where never written).
pub fn neuron_config(regs: &RegisterFile, n: usize) -> typed::NeuronConfig {
    let q = quadrant(n);
    let index = (q * 128 + (n % COLUMNS) % 128) as u32;
    let w = words::<6>(regs, regmap::id::NEURON_CONFIG, index);
    // Every 8-bit pattern of every field is legal for this register, so unpack succeeds.
    typed::NeuronConfig::unpack(&w).unwrap_or_default()
}

/// Derive all parameters at time `now`.
pub fn derive(
    capmem: &CapMem,
    regs: &RegisterFile,
    mm: &Mismatch,
    now: u64,
) -> (NeuronParams, [QuadrantLevels; QUADRANTS]) {
    let xt = capmem.crosstalk();
    let lsb = |i: usize| capmem.effective(i, now, xt[i]);
    let volts = |q: usize, l: f64| l / 1023.0 * V_FULL_SCALE * mm.capmem_v_gain[q];
    let amps = |q: usize, l: f64| l / 1023.0 * I_FULL_SCALE * mm.capmem_i_gain[q];
    let mut quads = [QuadrantLevels::default(); QUADRANTS];
    let mut sf_drop = [0.0; QUADRANTS];
    for (q, ql) in quads.iter_mut().enumerate() {
        let s = |(c, r): (usize, usize)| lsb(cell(q, c, r));
        ql.syn_dac = amps(q, s(shared::SYN_I_BIAS_DAC)) / I_FULL_SCALE * mm.syn_dac_gain[q];
        // Calibrated defaults map CapMem 70..550 onto CADC 20..220 (calibration.md §2.5):
        // the ramp start follows cadc_v_ramp_offset, the slope cadc_i_ramp_slope.
        ql.cadc_v0 = volts(q, s(shared::CADC_V_RAMP_OFFSET)) * 0.25 - 0.02 + mm.cadc_v0[q];
        let slope = amps(q, s(shared::CADC_I_RAMP_SLOPE)).max(1e-9);
        ql.cadc_lsb = 2.8e-3 * (0.5e-6 / slope) * mm.cadc_slope_gain[q];
        let isf = amps(q, s(shared::LEAK_SOURCE_FOLLOWER));
        sf_drop[q] = 0.35 + 0.05 * (isf / 0.1e-6).sqrt() + mm.sf_drop[q];
    }
    let mut p = NeuronParams::default();
    for n in 0..NEURONS {
        let q = quadrant(n);
        let c = |row: usize| lsb(neuron_cell(n, row));
        let v = |row: usize| volts(q, c(row));
        let i = |row: usize| amps(q, c(row));
        let cfg = neuron_config(regs, n);
        let range8 = |div: bool, mul: bool| match (div, mul) {
            (true, false) => 1.0 / 8.0,
            (false, true) => 8.0,
            _ => 1.0,
        };
        let range4 = |div: bool, mul: bool| match (div, mul) {
            (true, false) => 0.25,
            (false, true) => 4.0,
            _ => 1.0,
        };
        // Membrane capacitance: intrinsic plus the switched 6-bit capacitor (63 = 2.2 pF).
        p.c_mem.push(
            mm.c_intrinsic[n] + cfg.membrane_capacitor_size as f64 / 63.0 * 2.2e-12 * mm.c_gain[n],
        );
        // OTA conductances: bias current over 0.89 V effective overdrive; degeneration
        // halves the transconductance.
        let degen = |on: bool| if on { 0.5 } else { 1.0 };
        let i_leak = i(row::I_LEAK);
        p.g_leak.push(
            i_leak / 0.89
                * mm.g_leak[n]
                * range8(cfg.enable_leak_division, cfg.enable_leak_multiplication)
                * degen(cfg.enable_leak_degeneration),
        );
        // Potentials through the source follower; OTA offsets grow with the OTA's bias.
        let bias_frac = |x: f64| (x / I_FULL_SCALE).clamp(0.0, 1.0).sqrt();
        p.e_leak.push(
            v(row::V_LEAK) - sf_drop[q]
                + mm.leak_offset[n]
                + mm.leak_offset_bias[n] * bias_frac(i_leak),
        );
        let i_reset = i(row::I_RESET);
        p.g_reset.push(
            i_reset / 0.89
                * mm.g_reset[n]
                * range8(cfg.enable_reset_division, cfg.enable_reset_multiplication)
                * degen(cfg.enable_reset_degeneration),
        );
        p.v_reset
            .push(v(row::V_RESET) - sf_drop[q] + mm.reset_offset[n] * (0.5 + bias_frac(i_reset)));
        p.v_thresh
            .push(v(row::V_THRESHOLD) + mm.threshold_offset[n]);
        // Synaptic inputs. tau = 0.3 us at full bias, inversely with the bias current; the
        // high-resistance range multiplies it by 8, the small capacitance divides it by 3.
        let tau = |code_i: f64, gain: f64, high_r: bool, small_c: bool| {
            let t = 0.3e-6 * (I_FULL_SCALE / code_i.max(I_FULL_SCALE / 1023.0)) * gain;
            t * if high_r { 8.0 } else { 1.0 } / if small_c { 3.0 } else { 1.0 }
        };
        p.tau_exc.push(tau(
            i(row::I_EXC_TAU),
            mm.tau_exc[n],
            cfg.enable_synaptic_input_exc_high_resistance,
            cfg.enable_synaptic_input_exc_small_capacitance,
        ));
        p.tau_inh.push(tau(
            i(row::I_INH_TAU),
            mm.tau_inh[n],
            cfg.enable_synaptic_input_inh_high_resistance,
            cfg.enable_synaptic_input_inh_small_capacitance,
        ));
        // Current per weight LSB: 30 nA at weight 63 with the DAC at full bias and gm at 500 LSB.
        let per_lsb = 30e-9 / 63.0 * quads[q].syn_dac;
        let gm_exc = i(row::I_EXC_GM) / amps(q, 500.0).max(1e-12);
        let gm_inh = i(row::I_INH_GM) / amps(q, 500.0).max(1e-12);
        p.scale_exc.push(per_lsb * gm_exc * mm.gm_exc[n]);
        p.scale_inh.push(per_lsb * gm_inh * mm.gm_inh[n]);
        // OTA offsets of the synaptic inputs; i_shift moves the reference (310 LSB neutral).
        let ota = |gm_i: f64, off: f64, shift_i: f64| {
            gm_i / 2.0 * (off + (shift_i - amps(q, 310.0)) / I_FULL_SCALE * 0.1)
        };
        p.offset_exc
            .push(ota(i(row::I_EXC_GM), mm.exc_offset[n], i(row::I_EXC_SHIFT)));
        p.offset_inh
            .push(ota(i(row::I_INH_GM), mm.inh_offset[n], i(row::I_INH_SHIFT)));
        p.e_rev_exc.push(v(row::E_EXC_REV) - sf_drop[q]);
        p.e_rev_inh.push(v(row::E_INH_REV) - sf_drop[q]);
        let coba = |on: bool, bias: f64| {
            if on {
                (bias / I_FULL_SCALE).clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        p.coba_exc.push(coba(
            cfg.enable_synaptic_input_exc_coba_mode,
            i(row::I_EXC_COBA),
        ));
        p.coba_inh.push(coba(
            cfg.enable_synaptic_input_inh_coba_mode,
            i(row::I_INH_COBA),
        ));
        // Adaptation: a = bias / 2 V, b = bias x 0.1 per spike, tau_w = 1 us at full bias.
        let sign = |inv: bool| if inv { -1.0 } else { 1.0 };
        p.a.push(i(row::I_ADAPT_A) / 2.0 * mm.a[n] * sign(cfg.invert_adaptation_a));
        p.b.push(i(row::I_ADAPT_B) * 0.1 * mm.b[n] * sign(cfg.invert_adaptation_b));
        p.tau_w.push(
            1e-6 * (I_FULL_SCALE / i(row::I_ADAPT_TAU).max(I_FULL_SCALE / 1023.0)) * mm.tau_w[n],
        );
        p.v_adapt_leak
            .push(v(row::V_ADAPT_LEAK) - sf_drop[q] + mm.adapt_offset[n]);
        p.w_ref.push(0.05e-6 * (v(row::V_ADAPT_REF) - 0.6));
        // Exponential term: I_exp0 exp((V - V_T) / D_T).
        p.i_exp0.push(i(row::I_EXP) * 0.02 * mm.exp_strength[n]);
        p.v_t.push(v(row::V_EXP) - sf_drop[q] + mm.exp_offset[n]);
        p.delta_t.push(0.015 * mm.delta_t[n]);
        let off = if cfg.enable_membrane_offset {
            i(row::I_MEM_OFFSET) * 0.2 * mm.i_offset[n]
        } else {
            0.0
        };
        p.i_offset.push(off * sign(cfg.invert_membrane_offset));
        p.g_icc.push(
            i(row::I_NMDA) / 0.89
                * mm.g_icc[n]
                * range4(
                    cfg.enable_multicomp_conductance_division,
                    cfg.enable_multicomp_conductance_multiplication,
                ),
        );
        p.fire
            .push(cfg.enable_threshold_comparator && cfg.enable_fire);
        p.exc_on.push(cfg.enable_synaptic_input_exc);
        p.inh_on.push(cfg.enable_synaptic_input_inh);
        p.adapt_on.push(cfg.enable_adaptation);
        p.exp_on.push(cfg.enable_exponential);
        p.pause.push(cfg.enable_pause);
        p.readout_source.push(cfg.readout_source);
        // The MADC sees the membrane through the buffered readout, or unbuffered.
        p.readout_on.push(
            cfg.enable_readout && (cfg.enable_readout_amplifier || cfg.enable_unbuffered_access),
        );
        p.bypass_exc.push(cfg.enable_bypass_excitatory);
        p.bypass_inh.push(cfg.enable_bypass_inhibitory);
        p.strong_fire.push(cfg.enable_strong_fire);
        p.config.push(cfg);
    }
    (p, quads)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every per-neuron parameter vector has one entry per neuron: the step indexes them
    /// all by neuron, so a missing push would panic at run time.
    #[test]
    fn every_parameter_has_512_entries() {
        let (p, _) = derive(
            &CapMem::default(),
            &RegisterFile::new(),
            &Mismatch::new(1),
            0,
        );
        let lens = [
            p.c_mem.len(),
            p.g_leak.len(),
            p.e_leak.len(),
            p.g_reset.len(),
            p.v_reset.len(),
            p.v_thresh.len(),
            p.tau_exc.len(),
            p.tau_inh.len(),
            p.scale_exc.len(),
            p.scale_inh.len(),
            p.offset_exc.len(),
            p.offset_inh.len(),
            p.e_rev_exc.len(),
            p.e_rev_inh.len(),
            p.coba_exc.len(),
            p.coba_inh.len(),
            p.a.len(),
            p.b.len(),
            p.tau_w.len(),
            p.v_adapt_leak.len(),
            p.w_ref.len(),
            p.i_exp0.len(),
            p.v_t.len(),
            p.delta_t.len(),
            p.i_offset.len(),
            p.g_icc.len(),
            p.fire.len(),
            p.exc_on.len(),
            p.inh_on.len(),
            p.adapt_on.len(),
            p.exp_on.len(),
            p.pause.len(),
            p.bypass_exc.len(),
            p.bypass_inh.len(),
            p.strong_fire.len(),
            p.readout_source.len(),
            p.readout_on.len(),
            p.config.len(),
        ];
        assert!(lens.iter().all(|&l| l == NEURONS), "{lens:?}");
    }
}
