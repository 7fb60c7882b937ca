//! The fixed pattern of one chip, drawn from its seed: what calibration exists to correct.
//!
//! Magnitudes are design choices (calibration.md §5 gives the structure, not numbers),
//! picked so that the uncalibrated spreads look like the silicon's as far as the reference
//! lets one judge: E_L about 20 mV (7 CADC LSB) standard deviation, tau_mem and tau_syn
//! spreads of 20-30 % (some neurons need the divide/multiply range bits), thresholds about
//! 15 mV. Every quantity has its own random stream, so adding one never changes the others.

use super::rng::Rng;
use super::{NEURONS, QUADRANTS};

/// One value per neuron.
pub type PerNeuron = Vec<f64>;

#[derive(Debug, Clone)]
pub struct Mismatch {
    /// Per quadrant: gain of the CapMem voltage DAC (about 1 +- 2 %).
    pub capmem_v_gain: [f64; QUADRANTS],
    /// Per quadrant: gain of the CapMem current DAC.
    pub capmem_i_gain: [f64; QUADRANTS],
    /// Per quadrant: extra source-follower drop, V.
    pub sf_drop: [f64; QUADRANTS],
    /// Per quadrant: synapse DAC gain.
    pub syn_dac_gain: [f64; QUADRANTS],
    /// Per quadrant: CADC ramp start offset (V) and slope gain.
    pub cadc_v0: [f64; QUADRANTS],
    pub cadc_slope_gain: [f64; QUADRANTS],
    /// Per neuron: OTA input offsets at zero bias and their growth with bias, V.
    pub leak_offset: PerNeuron,
    pub leak_offset_bias: PerNeuron,
    pub reset_offset: PerNeuron,
    pub threshold_offset: PerNeuron,
    pub exc_offset: PerNeuron,
    pub inh_offset: PerNeuron,
    /// Per neuron: adaptation OTA offset relative to the membrane, V.
    pub adapt_offset: PerNeuron,
    /// Per neuron: V_T offset of the exponential term, V.
    pub exp_offset: PerNeuron,
    /// Per neuron: lognormal gains of conductances and time constants.
    pub g_leak: PerNeuron,
    pub g_reset: PerNeuron,
    pub tau_exc: PerNeuron,
    pub tau_inh: PerNeuron,
    pub gm_exc: PerNeuron,
    pub gm_inh: PerNeuron,
    pub a: PerNeuron,
    pub b: PerNeuron,
    pub tau_w: PerNeuron,
    pub exp_strength: PerNeuron,
    pub delta_t: PerNeuron,
    pub i_offset: PerNeuron,
    pub g_icc: PerNeuron,
    /// Per neuron: intrinsic membrane capacitance (F) and gain of the switched capacitor.
    pub c_intrinsic: PerNeuron,
    pub c_gain: PerNeuron,
}

/// Nominal intrinsic membrane capacitance, F.
pub const C_INTRINSIC_NOMINAL: f64 = 0.2e-12;

fn normal(seed: u64, tag: u64, sigma: f64) -> PerNeuron {
    let mut r = Rng::new(seed, tag);
    (0..NEURONS).map(|_| sigma * r.normal()).collect()
}

fn lognormal(seed: u64, tag: u64, sigma: f64) -> PerNeuron {
    let mut r = Rng::new(seed, tag);
    (0..NEURONS).map(|_| r.lognormal(sigma)).collect()
}

fn quads(seed: u64, tag: u64, mean: f64, sigma: f64) -> [f64; QUADRANTS] {
    let mut r = Rng::new(seed, tag);
    [0; QUADRANTS].map(|_| mean + sigma * r.normal())
}

impl Mismatch {
    pub fn new(seed: u64) -> Self {
        Mismatch {
            capmem_v_gain: quads(seed, 1, 1.0, 0.02),
            capmem_i_gain: quads(seed, 2, 1.0, 0.03),
            sf_drop: quads(seed, 3, 0.0, 0.01),
            syn_dac_gain: quads(seed, 4, 1.0, 0.08),
            cadc_v0: quads(seed, 5, 0.0, 0.01),
            cadc_slope_gain: quads(seed, 6, 1.0, 0.03),
            leak_offset: normal(seed, 10, 0.015),
            leak_offset_bias: normal(seed, 11, 0.012),
            reset_offset: normal(seed, 12, 0.015),
            threshold_offset: normal(seed, 13, 0.015),
            exc_offset: normal(seed, 14, 0.010),
            inh_offset: normal(seed, 15, 0.010),
            adapt_offset: normal(seed, 16, 0.010),
            exp_offset: normal(seed, 17, 0.010),
            g_leak: lognormal(seed, 20, 0.25),
            g_reset: lognormal(seed, 21, 0.2),
            tau_exc: lognormal(seed, 22, 0.2),
            tau_inh: lognormal(seed, 23, 0.2),
            gm_exc: lognormal(seed, 24, 0.15),
            gm_inh: lognormal(seed, 25, 0.15),
            a: lognormal(seed, 26, 0.2),
            b: lognormal(seed, 27, 0.2),
            tau_w: lognormal(seed, 28, 0.2),
            exp_strength: lognormal(seed, 29, 0.3),
            delta_t: lognormal(seed, 30, 0.15),
            i_offset: lognormal(seed, 31, 0.1),
            g_icc: lognormal(seed, 32, 0.25),
            c_intrinsic: lognormal(seed, 33, 0.15)
                .iter()
                .map(|g| C_INTRINSIC_NOMINAL * g)
                .collect(),
            c_gain: lognormal(seed, 34, 0.03),
        }
    }
}

impl Mismatch {
    /// The same fixed pattern with every deviation scaled by `s` (1.0: as made; 0.0: an
    /// ideal chip; 2.0: twice the spread). Offsets scale linearly, gains around 1 in
    /// their logarithm (lognormal spreads stay lognormal), quadrant gains around 1.
    pub fn scaled(mut self, s: f64) -> Self {
        if s == 1.0 {
            return self; // bit for bit as made (1 + (x - 1) need not round back to x)
        }
        let linear = |x: &mut f64| *x *= s;
        let around_one = |x: &mut f64| *x = 1.0 + s * (*x - 1.0);
        let log = |x: &mut f64| *x = x.powf(s);
        self.capmem_v_gain.iter_mut().for_each(around_one);
        self.capmem_i_gain.iter_mut().for_each(around_one);
        self.syn_dac_gain.iter_mut().for_each(around_one);
        self.cadc_slope_gain.iter_mut().for_each(around_one);
        self.sf_drop.iter_mut().for_each(linear);
        self.cadc_v0.iter_mut().for_each(linear);
        for offsets in [
            &mut self.leak_offset,
            &mut self.leak_offset_bias,
            &mut self.reset_offset,
            &mut self.threshold_offset,
            &mut self.exc_offset,
            &mut self.inh_offset,
            &mut self.adapt_offset,
            &mut self.exp_offset,
        ] {
            offsets.iter_mut().for_each(linear);
        }
        for gains in [
            &mut self.g_leak,
            &mut self.g_reset,
            &mut self.tau_exc,
            &mut self.tau_inh,
            &mut self.gm_exc,
            &mut self.gm_inh,
            &mut self.a,
            &mut self.b,
            &mut self.tau_w,
            &mut self.exp_strength,
            &mut self.delta_t,
            &mut self.i_offset,
            &mut self.g_icc,
            &mut self.c_gain,
        ] {
            gains.iter_mut().for_each(log);
        }
        // The intrinsic capacitance is a nominal value times a lognormal gain.
        self.c_intrinsic
            .iter_mut()
            .for_each(|c| *c = C_INTRINSIC_NOMINAL * (*c / C_INTRINSIC_NOMINAL).powf(s));
        self
    }
}

#[cfg(test)]
mod scale_tests {
    use super::*;

    #[test]
    fn scaling_by_one_changes_nothing_and_by_zero_makes_an_ideal_chip() {
        let m = Mismatch::new(7);
        let same = Mismatch::new(7).scaled(1.0);
        assert_eq!(m.g_leak, same.g_leak);
        assert_eq!(m.leak_offset, same.leak_offset);
        let ideal = Mismatch::new(7).scaled(0.0);
        assert!(ideal.g_leak.iter().all(|&g| g == 1.0));
        assert!(ideal.leak_offset.iter().all(|&o| o == 0.0));
        assert!(ideal.c_intrinsic.iter().all(|&c| c == C_INTRINSIC_NOMINAL));
        assert!(ideal.capmem_v_gain.iter().all(|&g| g == 1.0));
        let double = Mismatch::new(7).scaled(2.0);
        for (d, o) in double.leak_offset.iter().zip(&m.leak_offset) {
            assert!((d - 2.0 * o).abs() < 1e-15);
        }
        for (d, g) in double.g_leak.iter().zip(&m.g_leak) {
            assert!((d.ln() - 2.0 * g.ln()).abs() < 1e-12);
        }
    }
}
