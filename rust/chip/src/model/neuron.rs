//! The 512 AdEx compartments, integrated with a fixed step of one FPGA cycle (8 ns of
//! hardware time), vectorised over neurons (structure of arrays).
//!
//! Per compartment n, in SI units (parameters from [`super::analog::NeuronParams`]):
//!
//! ```text
//! C dV/dt   = -g_L (V - E_L) + min(I_exp0 exp((V - V_T) / D_T), I_EXP_MAX) - w + I_off + I_syn + I_icc
//! tau_w dw/dt = a (V - V_aleak) - (w - w_ref)          (w jumps by b at each spike)
//! tau_e di_e/dt = -i_e ;  tau_i di_i/dt = -i_i           (jump by weight x scale per event)
//! I_syn     = i_e - i_i                                  (CUBA)
//!           = i_e (E_e - V)/(E_e - E_L) - i_i (E_i - V)/(E_i - E_L)   (COBA, per input)
//! ```
//!
//! A spike is V crossing V_th with the comparator and fire enabled; the backend then
//! holds the membrane at V_reset through the reset conductance for the refractory time.

/// Dynamic state of every compartment.
#[derive(Debug, Clone)]
pub struct NeuronState {
    /// Membrane potential, V.
    pub v: Vec<f64>,
    /// Excitatory synaptic current, A.
    pub i_exc: Vec<f64>,
    /// Inhibitory synaptic current (positive; it is subtracted), A.
    pub i_inh: Vec<f64>,
    /// Adaptation current, A.
    pub w: Vec<f64>,
    /// FPGA cycles of refractoriness left (the membrane is held at V_reset meanwhile).
    pub refractory: Vec<u32>,
}

impl NeuronState {
    pub fn new(n: usize, v0: f64) -> Self {
        NeuronState {
            v: vec![v0; n],
            i_exc: vec![0.0; n],
            i_inh: vec![0.0; n],
            w: vec![0.0; n],
            refractory: vec![0; n],
        }
    }
}

use super::analog::NeuronParams;
use super::{COLUMNS, DT, NEURONS};

/// Membrane noise per step, V (a stationary spread of about 1 mV at tau_mem = 10 us).
pub const NOISE_STEP_V: f64 = 4e-5;
/// The exponential term's circuit saturates: its current never exceeds 1 uA, so the
/// reset (about 3 uA with the x8 range) can always pull a firing membrane down.
pub const I_EXP_MAX: f64 = 1e-6;
/// Supply rails: the membrane cannot leave 0..1.8 V.
pub const V_MIN: f64 = 0.0;
pub const V_MAX: f64 = 1.8;

/// How compartments are wired by the multicompartment switches: shorted circuits share
/// one membrane node; inter-compartment conductances join nodes.
#[derive(Debug, Clone, Default)]
pub struct Topology {
    /// True when every circuit is its own compartment (the fast path).
    pub trivial: bool,
    /// Node of each circuit's membrane.
    pub node_of: Vec<usize>,
    /// Members (circuits) of each node that has any.
    pub members: Vec<Vec<usize>>,
    /// Conductance edges between nodes: (node a, node b, circuit whose g_icc it is).
    pub edges: Vec<(usize, usize, usize)>,
    /// Nodes without a membrane (bare somatic lines): their voltage follows their edges.
    pub massless: Vec<usize>,
}

fn find(parent: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while parent[r] != r {
        r = parent[r];
    }
    let mut y = x;
    while parent[y] != r {
        let next = parent[y];
        parent[y] = r;
        y = next;
    }
    r
}

impl Topology {
    /// From the NeuronConfig switches. Node ids: membranes 0..512, somatic lines 512..1024.
    pub fn new(p: &NeuronParams) -> Self {
        let n = NEURONS;
        let mut parent: Vec<usize> = (0..2 * n).collect();
        let union = |a: usize, b: usize, parent: &mut Vec<usize>| {
            let (ra, rb) = (find(parent, a), find(parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        };
        let mut edges_raw = Vec::new();
        let mut any = false;
        for (i, c) in p.config.iter().enumerate() {
            let col = i % COLUMNS;
            if c.connect_membrane_right && col + 1 < COLUMNS {
                union(i, i + 1, &mut parent);
                any = true;
            }
            if c.connect_bottom {
                union(i, (i + COLUMNS) % n, &mut parent);
                any = true;
            }
            if c.connect_soma {
                union(i, n + i, &mut parent);
                any = true;
            }
            if c.connect_soma_right && col + 1 < COLUMNS {
                union(n + i, n + i + 1, &mut parent);
                any = true;
            }
            if c.enable_multicomp_conductance && !c.connect_soma {
                edges_raw.push((i, n + i, i));
                any = true;
            }
        }
        if !any {
            return Topology {
                trivial: true,
                node_of: (0..n).collect(),
                ..Default::default()
            };
        }
        let roots: Vec<usize> = (0..2 * n).map(|x| find(&mut parent, x)).collect();
        let mut id = vec![usize::MAX; 2 * n];
        let mut next = 0;
        let mut node = |r: usize, id: &mut Vec<usize>| {
            if id[r] == usize::MAX {
                id[r] = next;
                next += 1;
            }
            id[r]
        };
        let node_of: Vec<usize> = (0..n).map(|i| node(roots[i], &mut id)).collect();
        let edges: Vec<(usize, usize, usize)> = edges_raw
            .iter()
            .map(|&(a, b, g)| (node(roots[a], &mut id), node(roots[b], &mut id), g))
            .filter(|(a, b, _)| a != b)
            .collect();
        let mut members = vec![Vec::new(); next];
        for (i, &nd) in node_of.iter().enumerate() {
            members[nd].push(i);
        }
        let massless = (0..next).filter(|&k| members[k].is_empty()).collect();
        Topology {
            trivial: false,
            node_of,
            members,
            edges,
            massless,
        }
    }
}

/// Per-neuron factors that depend only on the parameters, recomputed with them.
#[derive(Debug, Clone, Default)]
pub struct StepCache {
    pub exc_decay: Vec<f64>,
    pub inh_decay: Vec<f64>,
    pub dt_over_c: Vec<f64>,
    pub dt_over_tau_w: Vec<f64>,
    /// 1 / (E_rev - E_L) of each synaptic input, for the COBA scaling.
    pub inv_exc_span: Vec<f64>,
    pub inv_inh_span: Vec<f64>,
    /// 1.0 where the input is enabled, else 0.0: the step multiplies instead of
    /// branching, so the compiler can vectorise it.
    pub exc_mask: Vec<f64>,
    pub inh_mask: Vec<f64>,
    pub inv_delta_t: Vec<f64>,
    pub pause_mask: Vec<f64>,
    pub exp_mask: Vec<f64>,
    pub adapt_mask: Vec<f64>,
    pub any_exp: bool,
    pub any_adapt: bool,
    pub any_bypass: bool,
}

impl StepCache {
    pub fn new(p: &NeuronParams) -> Self {
        let decay = |t: &f64| if *t > 0.0 { (-DT / t).exp() } else { 0.0 };
        let span = |e: &f64, l: &f64| 1.0 / (e - l).abs().max(0.05);
        StepCache {
            exc_decay: p.tau_exc.iter().map(decay).collect(),
            inh_decay: p.tau_inh.iter().map(decay).collect(),
            dt_over_c: p.c_mem.iter().map(|c| DT / c.max(1e-15)).collect(),
            dt_over_tau_w: p.tau_w.iter().map(|t| (DT / t.max(DT)).min(1.0)).collect(),
            inv_exc_span: p
                .e_rev_exc
                .iter()
                .zip(&p.e_leak)
                .map(|(e, l)| span(e, l))
                .collect(),
            inv_inh_span: p
                .e_rev_inh
                .iter()
                .zip(&p.e_leak)
                .map(|(e, l)| span(e, l))
                .collect(),
            exc_mask: p.exc_on.iter().map(|&b| b as u8 as f64).collect(),
            inh_mask: p.inh_on.iter().map(|&b| b as u8 as f64).collect(),
            inv_delta_t: p.delta_t.iter().map(|d| 1.0 / d.max(1e-4)).collect(),
            pause_mask: p.pause.iter().map(|&b| b as u8 as f64).collect(),
            exp_mask: p.exp_on.iter().map(|&b| b as u8 as f64).collect(),
            adapt_mask: p.adapt_on.iter().map(|&b| b as u8 as f64).collect(),
            any_exp: p.exp_on.iter().any(|&b| b),
            any_adapt: p.adapt_on.iter().any(|&b| b),
            any_bypass: p.bypass_exc.iter().chain(&p.bypass_inh).any(|&b| b),
        }
    }
}

/// e^x to about 1e-7 relative accuracy, branch-free so that it vectorises: 2^(x log2 e)
/// split into an integer power (built in the exponent bits) and a degree-7 polynomial on
/// [-0.5, 0.5]. Arguments are clamped to the normal range of f64.
#[inline(always)]
pub fn fast_exp(x: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52: adding it rounds to integer
    let t = (x * std::f64::consts::LOG2_E).clamp(-1022.0, 1023.0);
    let r = t + MAGIC;
    let k = r - MAGIC;
    let f = (t - k) * std::f64::consts::LN_2;
    // e^f for |f| <= ln2/2, Taylor to degree 7 (error below 1e-8).
    let poly = 1.0
        + f * (1.0
            + f * (0.5
                + f * (1.0 / 6.0
                    + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f * (1.0 / 720.0 + f / 5040.0))))));
    let ki = r.to_bits().wrapping_sub(MAGIC.to_bits()) as i64;
    poly * f64::from_bits(((ki + 1023) as u64) << 52)
}

/// Temporal membrane noise: a kick every [`NOISE_EVERY`] cycles (at `t % NOISE_EVERY ==
/// 0`), uniform with unit variance times `NOISE_STEP_V * sqrt(NOISE_EVERY)` (the same
/// diffusion as a kick every cycle; over a membrane time constant hundreds of kicks add
/// up, so their shape does not matter). Counter-based: the kick of neuron `n` at cycle
/// `t` is a hash of (seed, t, n), so it does not depend on which path, thread or order
/// computes it, and it costs a few integer operations that vectorise.
pub const NOISE_EVERY: u64 = 8;

/// The per-cycle part of the noise key (one 64-bit hash per noisy cycle).
#[inline]
pub fn noise_key(seed: u64, t: u64) -> u32 {
    let mut z = seed ^ t.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x004E_015E;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u32
}

/// Neuron `n`'s kick for a cycle's key: uniform on [-sqrt(3), sqrt(3)) (unit variance),
/// from a 32-bit integer hash (only 32-bit multiplies, which AVX2 has).
#[inline(always)]
pub fn noise_kick(key: u32, n: usize) -> f64 {
    let mut x = key ^ (n as u32).wrapping_mul(0x9E37_79B9);
    x ^= x >> 16;
    x = x.wrapping_mul(0x7FEB_352D);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846C_A68B);
    x ^= x >> 16;
    (x as f64 * (1.0 / 4_294_967_296.0) - 0.5) * 3.464_101_615_137_754_6
}

/// Amplitude of one kick, V.
pub fn noise_amplitude() -> f64 {
    NOISE_STEP_V * (NOISE_EVERY as f64).sqrt()
}

/// What a step reads and leaves alone: the parameters, the factors derived from them, the
/// wiring, and the digital backend's per-circuit settings (all change only when the
/// parameters are re-derived).
#[derive(Debug, Clone, Copy)]
pub struct StepConfig<'a> {
    pub params: &'a NeuronParams,
    pub cache: &'a StepCache,
    pub topology: &'a Topology,
    /// Per circuit: a spike kicks the adaptation current by b.
    pub adapt_pulse: &'a [bool],
    /// Per circuit: the refractory time of a firing circuit, FPGA cycles.
    pub refractory_cycles: &'a [u32],
    /// Per circuit: how many cycles before the end of the refractory time the backend
    /// lets go of the reset (reset_holdoff).
    pub reset_release: &'a [u32],
}

/// The per-cycle buffers a step consumes and fills.
#[derive(Debug)]
pub struct StepIo<'a> {
    /// Weights (LSB) that arrived this cycle; the step clears them.
    pub exc_in: &'a mut [f32],
    pub inh_in: &'a mut [f32],
    /// Receives the circuits that crossed threshold.
    pub fired: &'a mut Vec<usize>,
    /// Scratch for the membrane current of each circuit, kept to avoid an allocation
    /// per step.
    pub current: &'a mut [f64],
}

/// One step of every compartment at cycle `t`.
pub fn step(t: u64, s: &mut NeuronState, noise: u64, cfg: &StepConfig, io: StepIo) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the only precondition of calling a function compiled with
            // `#[target_feature(enable = "avx2")]` is that the CPU supports AVX2, which
            // was checked on the line above. The body is the same Rust code as the
            // portable path; Rust never fuses multiply-adds on its own, so both paths
            // compute bit-identical results (determinism across machines holds).
            return unsafe { step_avx2(t, s, noise, cfg, io) };
        }
    }
    step_body(t, s, noise, cfg, io)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn step_avx2(t: u64, s: &mut NeuronState, noise: u64, cfg: &StepConfig, io: StepIo) {
    step_body(t, s, noise, cfg, io)
}

// The step functions index a dozen parallel parameter arrays by neuron; an iterator
// chain over all of them would hide the arithmetic, hence the index loops. Each loop is
// branch-free where it can be, so that it vectorises.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn step_body(t: u64, s: &mut NeuronState, noise: u64, cfg: &StepConfig, io: StepIo) {
    let StepConfig {
        params: p,
        cache: k,
        topology: topo,
        adapt_pulse,
        refractory_cycles,
        reset_release,
    } = *cfg;
    let StepIo {
        exc_in,
        inh_in,
        fired,
        current,
    } = io;
    fired.clear();
    let n = NEURONS;
    // Every array re-sliced to length n up front: the bounds are then known to the
    // compiler, which drops the per-element checks and vectorises the loops.
    let (v, ie, ii, w, refr) = (
        &s.v[..n],
        &mut s.i_exc[..n],
        &mut s.i_inh[..n],
        &mut s.w[..n],
        &mut s.refractory[..n],
    );
    let (exc_in, inh_in, current) = (&mut exc_in[..n], &mut inh_in[..n], &mut current[..n]);
    let (exc_decay, inh_decay, scale_exc, scale_inh) = (
        &k.exc_decay[..n],
        &k.inh_decay[..n],
        &p.scale_exc[..n],
        &p.scale_inh[..n],
    );
    let (offset_exc, offset_inh, coba_exc, coba_inh) = (
        &p.offset_exc[..n],
        &p.offset_inh[..n],
        &p.coba_exc[..n],
        &p.coba_inh[..n],
    );
    let (e_rev_exc, e_rev_inh, inv_exc, inv_inh) = (
        &p.e_rev_exc[..n],
        &p.e_rev_inh[..n],
        &k.inv_exc_span[..n],
        &k.inv_inh_span[..n],
    );
    let (pause, exc_mask, inh_mask) = (&k.pause_mask[..n], &k.exc_mask[..n], &k.inh_mask[..n]);
    // While the backend holds the reset: the refractory counter above the release point.
    let release = &reset_release[..n];
    let (g_leak, e_leak, i_offset) = (&p.g_leak[..n], &p.e_leak[..n], &p.i_offset[..n]);
    let bypass = (p.bypass_exc.iter().any(|&b| b) || p.bypass_inh.iter().any(|&b| b)).then(|| {
        (0..n)
            .filter(|&j| {
                (p.bypass_exc[j] && exc_in[j] > 0.0) || (p.bypass_inh[j] && inh_in[j] > 0.0)
            })
            .collect::<Vec<usize>>()
    });
    for j in 0..n {
        // Synaptic inputs: jump by the arrived weights, decay with tau_syn.
        ie[j] = ie[j] * exc_decay[j] + exc_in[j] as f64 * scale_exc[j];
        ii[j] = ii[j] * inh_decay[j] + inh_in[j] as f64 * scale_inh[j];
        exc_in[j] = 0.0;
        inh_in[j] = 0.0;
        let de = ie[j] + offset_exc[j];
        let ce = coba_exc[j];
        let exc = de * (1.0 - ce + ce * (e_rev_exc[j] - v[j]) * inv_exc[j]);
        let di = ii[j] + offset_inh[j];
        let ci = coba_inh[j];
        let inh = di * (1.0 - ci + ci * (v[j] - e_rev_inh[j]) * inv_inh[j]);
        // enable_pause gates the synaptic inputs while the backend holds the reset.
        let open = 1.0 - pause[j] * (refr[j] > release[j]) as u8 as f64;
        current[j] = g_leak[j] * (e_leak[j] - v[j])
            + i_offset[j]
            + open * (exc_mask[j] * exc - inh_mask[j] * inh);
    }
    if k.any_exp {
        let (exp_mask, i_exp0) = (&k.exp_mask[..n], &p.i_exp0[..n]);
        let (v_t, inv_dt) = (&p.v_t[..n], &k.inv_delta_t[..n]);
        for j in 0..n {
            let open = 1.0 - pause[j] * (refr[j] > release[j]) as u8 as f64;
            let x = ((v[j] - v_t[j]) * inv_dt[j]).min(20.0);
            current[j] += exp_mask[j] * open * (i_exp0[j] * fast_exp(x)).min(I_EXP_MAX);
        }
    }
    if k.any_adapt {
        let (adapt_mask, a, v_al, w_ref, dt_tw) = (
            &k.adapt_mask[..n],
            &p.a[..n],
            &p.v_adapt_leak[..n],
            &p.w_ref[..n],
            &k.dt_over_tau_w[..n],
        );
        for j in 0..n {
            current[j] -= adapt_mask[j] * w[j];
            w[j] += adapt_mask[j] * (a[j] * (v[j] - v_al[j]) - (w[j] - w_ref[j])) * dt_tw[j];
        }
    }
    let (g_reset, v_reset) = (&p.g_reset[..n], &p.v_reset[..n]);
    for j in 0..n {
        // The backend holds the membrane at V_reset through the reset conductance, and
        // lets go `release` cycles before the refractory period ends (reset_holdoff).
        let holding = (refr[j] > release[j]) as u8 as f64;
        current[j] += holding * g_reset[j] * (v_reset[j] - v[j]);
        refr[j] = refr[j].saturating_sub(1);
    }
    let noisy = t % NOISE_EVERY == 0;
    let amp = p.noise_amp;
    let key = noise_key(noise, t);
    if topo.trivial {
        // Sliced up front like the arrays above: reached through `cfg`, `k` carries no
        // no-alias guarantee, and indexing `k.dt_over_c` in the loop would reload it
        // after every store to `v` (about 20% more instructions in this function).
        let (v, dt_over_c) = (&mut s.v[..n], &k.dt_over_c[..n]);
        for j in 0..n {
            v[j] = (v[j] + current[j] * dt_over_c[j]).clamp(V_MIN, V_MAX);
        }
        if noisy {
            for (j, v) in v.iter_mut().enumerate() {
                *v = (*v + amp * noise_kick(key, j)).clamp(V_MIN, V_MAX);
            }
        }
    } else {
        coupled_update(s, p, k, topo, current, key, if noisy { amp } else { 0.0 });
    }
    // Most steps have no spike: a vectorisable scan first, the scalar loop only if needed.
    let (fire, thresh, vv, rr) = (
        &p.fire[..n],
        &p.v_thresh[..n],
        &s.v[..n],
        &s.refractory[..n],
    );
    let mut any = bypass.as_ref().is_some_and(|b| !b.is_empty());
    for j in 0..n {
        any |= fire[j] & (rr[j] == 0) & (vv[j] >= thresh[j]);
    }
    if !any {
        return;
    }
    let fire_now = |j: usize, s: &mut NeuronState, fired: &mut Vec<usize>| {
        if s.refractory[j] == 0 && !fired.contains(&j) {
            fired.push(j);
            s.refractory[j] = refractory_cycles[j].max(1);
            if p.adapt_on[j] && adapt_pulse[j] {
                s.w[j] += p.b[j];
            }
        }
    };
    for j in 0..n {
        if p.fire[j] && s.refractory[j] == 0 && s.v[j] >= p.v_thresh[j] {
            fire_now(j, s, fired);
        }
    }
    for &j in bypass.iter().flatten() {
        fire_now(j, s, fired);
    }
    // A strong fire drives the shared fire line: every circuit of the node fires too.
    if !topo.trivial {
        let strong: Vec<usize> = fired
            .iter()
            .copied()
            .filter(|&j| p.strong_fire[j])
            .collect();
        for j in strong {
            for &m in &topo.members[topo.node_of[j]] {
                fire_now(m, s, fired);
            }
        }
    }
}

#[allow(clippy::needless_range_loop)]
fn coupled_update(
    s: &mut NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    topo: &Topology,
    current: &[f64],
    key: u32,
    amp: f64,
) {
    let nodes = topo.members.len();
    let mut v_node = vec![0.0; nodes];
    for (nd, m) in topo.members.iter().enumerate() {
        if let Some(&first) = m.first() {
            v_node[nd] = s.v[first];
        }
    }
    // Bare somatic lines settle instantly to the conductance-weighted mean of their edges.
    for &nd in &topo.massless {
        let (mut gv, mut g) = (0.0, 0.0);
        for &(a, b, c) in &topo.edges {
            let other = if a == nd {
                b
            } else if b == nd {
                a
            } else {
                continue;
            };
            gv += p.g_icc[c] * v_node[other];
            g += p.g_icc[c];
        }
        if g > 0.0 {
            v_node[nd] = gv / g;
        }
    }
    let mut i_node = vec![0.0; nodes];
    let mut c_node = vec![0.0; nodes];
    for n in 0..NEURONS {
        let nd = topo.node_of[n];
        i_node[nd] += current[n];
        c_node[nd] += DT / k.dt_over_c[n];
    }
    for &(a, b, c) in &topo.edges {
        let i = p.g_icc[c] * (v_node[b] - v_node[a]);
        i_node[a] += i;
        i_node[b] -= i;
    }
    for (nd, m) in topo.members.iter().enumerate() {
        if m.is_empty() {
            continue;
        }
        let kick = if amp > 0.0 {
            amp * noise_kick(key, m[0])
        } else {
            0.0
        };
        let v = v_node[nd] + i_node[nd] / c_node[nd].max(1e-15) * DT + kick;
        for &n in m {
            s.v[n] = v.clamp(V_MIN, V_MAX);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fast_exp;

    #[test]
    fn fast_exp_matches_libm() {
        let mut x = -700.0;
        while x < 20.0 {
            let (a, b) = (fast_exp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-7, "{x}: {a} vs {b}");
            x += 0.0137;
        }
    }
}
