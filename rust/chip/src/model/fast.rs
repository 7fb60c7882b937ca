//! The fast path of the compartments (issue 12): time advances in blocks of [`BLOCK`]
//! cycles, and a compartment that cannot fire, change its reset mode or reach a rail
//! within the block is advanced over the whole block at once.
//!
//! Over a block such a compartment is the reference's explicit-Euler recurrence with
//! three quantities frozen at the block start: the exponential current (only far below
//! V_T, where it is small and flat), the COBA factors of the synaptic inputs and the
//! reset mode. What is left is a linear recurrence in (V, w, i_e, i_i) whose response
//! to each of its inputs over a block ([`Response`]) is computed once per parameter
//! derivation by running the recurrence itself on unit inputs: the block update is the
//! reference's own discrete solution, not an approximation of the ODE. Synaptic events
//! that arrive inside the block enter through the response to a jump at their cycle,
//! and the noise kick (at the block start, `t % NOISE_EVERY == 0`) through the
//! response to a kick after the first cycle.
//!
//! Every other compartment (a candidate: near threshold, in the exponential's upswing,
//! changing reset mode, at a rail, or read by the MADC) takes the reference's fine steps
//! ([`fine_one`], the per-neuron body of `neuron::step`, bit for bit) interleaved with
//! the event routing cycle by cycle, so spikes, their recorded times and the synaptic
//! events they cause are those of the reference. A compartment classified as unable to
//! fire that still ends a block above threshold (an input far larger than the margin
//! within one block) fires at the block's last cycle; [`BlockStats::late`] counts them.

use super::analog::NeuronParams;
use super::neuron::{fast_exp, noise_kick, NeuronState, StepCache, I_EXP_MAX, V_MAX, V_MIN};
use super::NEURONS;

/// Cycles per block; equal to the noise period, so each block holds one kick.
pub const BLOCK: usize = super::neuron::NOISE_EVERY as usize;
/// A compartment is a candidate when it ends or starts a block closer than this to its
/// threshold (V).
pub const MARGIN_V: f64 = 2e-3;
/// ... or when its exponential term's argument (V - V_T) / D_T exceeds this.
pub const EXP_WINDOW: f64 = -3.0;
/// ... or when it starts or ends a block this close to a rail (V).
pub const RAIL_V: f64 = 5e-3;

/// A reset mode's block responses of every compartment: how (V, w) after a block depend
/// on each input, with the synaptic path factors (P_e, P_i) taken as 1.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub vv: Vec<f64>,
    pub vw: Vec<f64>,
    pub wv: Vec<f64>,
    pub ww: Vec<f64>,
    /// To a constant membrane current F (A).
    pub vf: Vec<f64>,
    pub wf: Vec<f64>,
    /// To i_e and i_i at the block start.
    pub ve: Vec<f64>,
    pub we: Vec<f64>,
    pub vi: Vec<f64>,
    pub wi: Vec<f64>,
    /// The adaptation's constant drive (a, V_aleak, w_ref), already scaled.
    pub v1: Vec<f64>,
    pub w1: Vec<f64>,
    /// To the noise kick after the first cycle.
    pub vn: Vec<f64>,
    pub wn: Vec<f64>,
    /// To a unit jump of i_e / i_i in cycle j of the block: [neuron][j] = (V, w).
    pub e_at: Vec<[(f64, f64); BLOCK]>,
    pub i_at: Vec<[(f64, f64); BLOCK]>,
}

/// Everything the block step needs besides the parameters: the responses of both reset
/// modes and the synaptic decay powers.
#[derive(Debug, Clone, Default)]
pub struct BlockCache {
    /// [free, held].
    pub modes: [Response; 2],
    /// decay^(BLOCK - 1 - j) for a jump in cycle j, and decay^BLOCK at index BLOCK.
    pub e_pow: Vec<[f64; BLOCK + 1]>,
    pub i_pow: Vec<[f64; BLOCK + 1]>,
    /// decay^BLOCK, contiguous.
    pub e_blk: Vec<f64>,
    pub i_blk: Vec<f64>,
}

/// The linear recurrence of one compartment in one mode.
struct Linear {
    alpha: f64,
    g: f64,
    adapt: f64,
    beta: f64,
    a: f64,
    cw: f64,
    de: f64,
    di: f64,
}

/// What drives one run of the recurrence.
#[derive(Default, Clone, Copy)]
struct Drive {
    v: f64,
    w: f64,
    ie: f64,
    ii: f64,
    f: f64,
    cw: f64,
    kick: f64,
    /// (cycle, i_e jump, i_i jump)
    jump: Option<(usize, f64, f64)>,
}

impl Linear {
    fn run(&self, d: Drive) -> (f64, f64) {
        let (mut v, mut w, mut ie, mut ii) = (d.v, d.w, d.ie, d.ii);
        for j in 0..BLOCK {
            ie *= self.de;
            ii *= self.di;
            if let Some((at, e, i)) = d.jump {
                if at == j {
                    ie += e;
                    ii += i;
                }
            }
            let current = d.f - self.g * v + ie - ii - self.adapt * w;
            let w_next = w + self.beta * (self.a * v - w) + d.cw * self.cw;
            v += current * self.alpha;
            w = w_next;
            if j == 0 {
                v += d.kick;
            }
        }
        (v, w)
    }
}

impl BlockCache {
    pub fn new(p: &NeuronParams, k: &StepCache) -> Self {
        let n = p.c_mem.len();
        let mut modes: [Response; 2] = Default::default();
        let mut e_pow = vec![[0.0; BLOCK + 1]; n];
        let mut i_pow = vec![[0.0; BLOCK + 1]; n];
        for j in 0..n {
            for b in 0..=BLOCK {
                let m = if b == BLOCK { BLOCK } else { BLOCK - 1 - b };
                e_pow[j][b] = k.exc_decay[j].powi(m as i32);
                i_pow[j][b] = k.inh_decay[j].powi(m as i32);
            }
        }
        for (held, r) in modes.iter_mut().enumerate() {
            let mut e_at = vec![[(0.0, 0.0); BLOCK]; n];
            let mut i_at = vec![[(0.0, 0.0); BLOCK]; n];
            let mut cols: [Vec<f64>; 14] = Default::default();
            for j in 0..n {
                let adapt = if k.any_adapt { k.adapt_mask[j] } else { 0.0 };
                let beta = adapt * k.dt_over_tau_w[j];
                let lin = Linear {
                    alpha: k.dt_over_c[j],
                    g: p.g_leak[j] + held as f64 * p.g_reset[j],
                    adapt,
                    beta,
                    a: p.a[j],
                    cw: beta * (p.w_ref[j] - p.a[j] * p.v_adapt_leak[j]),
                    de: k.exc_decay[j],
                    di: k.inh_decay[j],
                };
                let z = Drive::default();
                let runs = [
                    lin.run(Drive { v: 1.0, ..z }),
                    lin.run(Drive { w: 1.0, ..z }),
                    lin.run(Drive { f: 1.0, ..z }),
                    lin.run(Drive { ie: 1.0, ..z }),
                    lin.run(Drive { ii: 1.0, ..z }),
                    lin.run(Drive { cw: 1.0, ..z }),
                    lin.run(Drive { kick: 1.0, ..z }),
                ];
                for (c, (rv, rw)) in runs.iter().enumerate() {
                    cols[2 * c].push(*rv);
                    cols[2 * c + 1].push(*rw);
                }
                for at in 0..BLOCK {
                    e_at[j][at] = lin.run(Drive {
                        jump: Some((at, 1.0, 0.0)),
                        ..z
                    });
                    i_at[j][at] = lin.run(Drive {
                        jump: Some((at, 0.0, 1.0)),
                        ..z
                    });
                }
            }
            let [vv, wv, vw, ww, vf, wf, ve, we, vi, wi, v1, w1, vn, wn] = cols;
            // The inhibitory input enters the current with a minus sign in the runs; the
            // block step subtracts it again, so store the response to +i_i.
            let neg = |x: Vec<f64>| x.into_iter().map(|y| -y).collect::<Vec<f64>>();
            for a in i_at.iter_mut() {
                for (v, w) in a.iter_mut() {
                    *v = -*v;
                    *w = -*w;
                }
            }
            *r = Response {
                vv,
                vw,
                wv,
                ww,
                vf,
                wf,
                ve,
                we,
                vi: neg(vi),
                wi: neg(wi),
                v1,
                w1,
                vn,
                wn,
                e_at,
                i_at,
            };
        }
        BlockCache {
            modes,
            e_blk: e_pow.iter().map(|x| x[BLOCK]).collect(),
            i_blk: i_pow.iter().map(|x| x[BLOCK]).collect(),
            e_pow,
            i_pow,
        }
    }
}

/// Scratch of one block: the block-end state of every compartment as if it took the
/// block step, its synaptic path factors, and which compartments are candidates.
#[derive(Debug, Clone)]
pub struct BlockScratch {
    pub v: Vec<f64>,
    pub w: Vec<f64>,
    pub ie: Vec<f64>,
    pub ii: Vec<f64>,
    pub pe: Vec<f64>,
    pub pi: Vec<f64>,
    pub kick: Vec<f64>,
    pub held: Vec<bool>,
    pub candidate: Vec<bool>,
    pub candidates: Vec<usize>,
    /// Each compartment's reset release (cycles), copied in when the parameters change.
    pub release: Vec<u32>,
}

impl Default for BlockScratch {
    fn default() -> Self {
        let z = vec![0.0; NEURONS];
        BlockScratch {
            v: z.clone(),
            w: z.clone(),
            ie: z.clone(),
            ii: z.clone(),
            pe: z.clone(),
            pi: z.clone(),
            kick: z,
            held: vec![false; NEURONS],
            candidate: vec![false; NEURONS],
            candidates: Vec::with_capacity(NEURONS),
            release: vec![0; NEURONS],
        }
    }
}

/// Counters of the fast path (introspection and benchmarks).
#[derive(Debug, Clone, Copy, Default)]
pub struct BlockStats {
    pub blocks: u64,
    /// Compartment-blocks taken as a whole.
    pub coarse: u64,
    /// Compartment-blocks taken in fine steps.
    pub fine: u64,
    /// Spikes of compartments classified as unable to fire, given at the block's end.
    pub late: u64,
}

/// What the block classification needs from the chip besides the parameters.
pub struct Backend {
    /// The compartment the MADC reads, if any (always a candidate).
    pub readout: Option<usize>,
}

/// The block start: every compartment's block-end state as if it took the whole block
/// (into `sc`), and the candidates. `key` and `amp` give the noise kicks.
pub fn plan(
    s: &NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    bc: &BlockCache,
    be: &Backend,
    (key, amp): (u32, f64),
    sc: &mut BlockScratch,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked above), the only precondition of a
            // `#[target_feature(enable = "avx2")]` function; the body is the portable
            // code, without fused multiply-adds, so both paths give the same bits.
            unsafe { plan_avx2(s, p, k, bc, (key, amp), sc) };
            return finish_plan(be, sc);
        }
    }
    if k.any_exp {
        plan_body::<true>(s, p, k, bc, (key, amp), sc);
    } else {
        plan_body::<false>(s, p, k, bc, (key, amp), sc);
    }
    finish_plan(be, sc)
}

fn finish_plan(be: &Backend, sc: &mut BlockScratch) {
    if let Some(r) = be.readout {
        sc.candidate[r] = true;
    }
    sc.candidates.clear();
    let cand = &sc.candidate;
    sc.candidates.extend((0..NEURONS).filter(|&j| cand[j]));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn plan_avx2(
    s: &NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    bc: &BlockCache,
    noise: (u32, f64),
    sc: &mut BlockScratch,
) {
    if k.any_exp {
        plan_body::<true>(s, p, k, bc, noise, sc)
    } else {
        plan_body::<false>(s, p, k, bc, noise, sc)
    }
}

// Index loops over a few dozen parallel arrays, each re-sliced to NEURONS so that the
// bounds checks go; the reset mode is a select, not a branch. `EXP`: some compartment
// has its exponential term on (without, the loop skips the exponential altogether).
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn plan_body<const EXP: bool>(
    s: &NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    bc: &BlockCache,
    (key, amp): (u32, f64),
    sc: &mut BlockScratch,
) {
    let n = NEURONS;
    let block = BLOCK as u32;
    let [fr, hd] = &bc.modes;
    let (v, w, ie, ii, refr) = (
        &s.v[..n],
        &s.w[..n],
        &s.i_exc[..n],
        &s.i_inh[..n],
        &s.refractory[..n],
    );
    let release = &sc.release[..n];
    let (f_vv, f_vw, f_wv, f_ww, f_vf, f_wf, f_ve, f_we, f_vi, f_wi, f_v1, f_w1, f_vn, f_wn) = (
        &fr.vv[..n],
        &fr.vw[..n],
        &fr.wv[..n],
        &fr.ww[..n],
        &fr.vf[..n],
        &fr.wf[..n],
        &fr.ve[..n],
        &fr.we[..n],
        &fr.vi[..n],
        &fr.wi[..n],
        &fr.v1[..n],
        &fr.w1[..n],
        &fr.vn[..n],
        &fr.wn[..n],
    );
    let (h_vv, h_vw, h_wv, h_ww, h_vf, h_wf, h_ve, h_we, h_vi, h_wi, h_v1, h_w1, h_vn, h_wn) = (
        &hd.vv[..n],
        &hd.vw[..n],
        &hd.wv[..n],
        &hd.ww[..n],
        &hd.vf[..n],
        &hd.wf[..n],
        &hd.ve[..n],
        &hd.we[..n],
        &hd.vi[..n],
        &hd.wi[..n],
        &hd.v1[..n],
        &hd.w1[..n],
        &hd.vn[..n],
        &hd.wn[..n],
    );
    let (e_blk, i_blk) = (&bc.e_blk[..n], &bc.i_blk[..n]);
    let (pause, exc_mask, inh_mask, exp_mask) = (
        &k.pause_mask[..n],
        &k.exc_mask[..n],
        &k.inh_mask[..n],
        &k.exp_mask[..n],
    );
    let (inv_e, inv_i, inv_dt) = (
        &k.inv_exc_span[..n],
        &k.inv_inh_span[..n],
        &k.inv_delta_t[..n],
    );
    let (ce_, ci_, ee, ei) = (
        &p.coba_exc[..n],
        &p.coba_inh[..n],
        &p.e_rev_exc[..n],
        &p.e_rev_inh[..n],
    );
    let (g_l, e_l, i_off, g_r, v_r) = (
        &p.g_leak[..n],
        &p.e_leak[..n],
        &p.i_offset[..n],
        &p.g_reset[..n],
        &p.v_reset[..n],
    );
    let (o_e, o_i, v_t, i0, thr, fire) = (
        &p.offset_exc[..n],
        &p.offset_inh[..n],
        &p.v_t[..n],
        &p.i_exp0[..n],
        &p.v_thresh[..n],
        &p.fire[..n],
    );
    let (sv, sw, sie, sii) = (
        &mut sc.v[..n],
        &mut sc.w[..n],
        &mut sc.ie[..n],
        &mut sc.ii[..n],
    );
    let (spe, spi, skick, sheld, scand) = (
        &mut sc.pe[..n],
        &mut sc.pi[..n],
        &mut sc.kick[..n],
        &mut sc.held[..n],
        &mut sc.candidate[..n],
    );
    for j in 0..n {
        let v0 = v[j];
        let held = refr[j] > release[j];
        let hf = held as u8 as f64;
        let open = 1.0 - pause[j] * hf;
        let (ce, ci) = (ce_[j], ci_[j]);
        let me = 1.0 - ce + ce * (ee[j] - v0) * inv_e[j];
        let mi = 1.0 - ci + ci * (v0 - ei[j]) * inv_i[j];
        let pe = open * exc_mask[j] * me;
        let pi = open * inh_mask[j] * mi;
        let (x, exp_gate, i_exp) = if EXP {
            let x = ((v0 - v_t[j]) * inv_dt[j]).min(20.0);
            let gate = exp_mask[j] * open;
            (x, gate, gate * (i0[j] * fast_exp(x)).min(I_EXP_MAX))
        } else {
            (0.0, 0.0, 0.0)
        };
        let f =
            g_l[j] * e_l[j] + i_off[j] + hf * g_r[j] * v_r[j] + pe * o_e[j] - pi * o_i[j] + i_exp;
        let kick = amp * noise_kick(key, j);
        let (w0, ie0, ii0) = (w[j], ie[j], ii[j]);
        let pick = |a: &[f64], b: &[f64]| if held { b[j] } else { a[j] };
        let vb = pick(f_vv, h_vv) * v0
            + pick(f_vw, h_vw) * w0
            + pick(f_vf, h_vf) * f
            + pe * pick(f_ve, h_ve) * ie0
            - pi * pick(f_vi, h_vi) * ii0
            + pick(f_v1, h_v1)
            + pick(f_vn, h_vn) * kick;
        let wb = pick(f_wv, h_wv) * v0
            + pick(f_ww, h_ww) * w0
            + pick(f_wf, h_wf) * f
            + pe * pick(f_we, h_we) * ie0
            - pi * pick(f_wi, h_wi) * ii0
            + pick(f_w1, h_w1)
            + pick(f_wn, h_wn) * kick;
        sv[j] = vb;
        sw[j] = wb;
        sie[j] = ie0 * e_blk[j];
        sii[j] = ii0 * i_blk[j];
        spe[j] = pe;
        spi[j] = pi;
        skick[j] = kick;
        sheld[j] = held;
        // Can it fire, change mode or meet a rail inside the block?
        let stays_held = refr[j] > release[j] + block;
        let may_fire = fire[j] & (refr[j] <= block);
        let near = v0.max(vb) >= thr[j] - MARGIN_V;
        let steep = (exp_gate > 0.0) & (x > EXP_WINDOW);
        let rail = (v0.min(vb) < V_MIN + RAIL_V) | (v0.max(vb) > V_MAX - RAIL_V);
        let whole = (stays_held | (!held & !(may_fire & near))) & !steep & !rail;
        scand[j] = !whole;
    }
}

/// Synaptic events that reached compartment `j` (not a candidate) in cycle `at` of the
/// block: `xe`, `xi` already scaled to amperes.
pub fn absorb(j: usize, at: usize, xe: f64, xi: f64, bc: &BlockCache, sc: &mut BlockScratch) {
    let r = &bc.modes[sc.held[j] as usize];
    let (ve, we) = r.e_at[j][at];
    let (vi, wi) = r.i_at[j][at];
    let (pe, pi) = (sc.pe[j], sc.pi[j]);
    sc.v[j] += pe * xe * ve - pi * xi * vi;
    sc.w[j] += pe * xe * we - pi * xi * wi;
    sc.ie[j] += xe * bc.e_pow[j][at];
    sc.ii[j] += xi * bc.i_pow[j][at];
}

/// The block end of every compartment that took the block whole.
#[allow(clippy::needless_range_loop)]
pub fn finish(s: &mut NeuronState, sc: &BlockScratch) {
    let block = BLOCK as u32;
    for j in 0..NEURONS {
        if !sc.candidate[j] {
            s.v[j] = sc.v[j].clamp(V_MIN, V_MAX);
            s.w[j] = sc.w[j];
            s.i_exc[j] = sc.ie[j];
            s.i_inh[j] = sc.ii[j];
            s.refractory[j] = s.refractory[j].saturating_sub(block);
        }
    }
}

/// One reference step of compartment `j` (the per-neuron body of `neuron::step` on the
/// trivial topology, in the same order of operations): returns whether it crossed
/// threshold. `kick` is the noise kick of this cycle (0 when the cycle has none).
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn fine_one(
    j: usize,
    s: &mut NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    release: u32,
    kick: Option<f64>,
    exc_in: &mut [f32],
    inh_in: &mut [f32],
) -> bool {
    let v = s.v[j];
    let ie = s.i_exc[j] * k.exc_decay[j] + exc_in[j] as f64 * p.scale_exc[j];
    let ii = s.i_inh[j] * k.inh_decay[j] + inh_in[j] as f64 * p.scale_inh[j];
    s.i_exc[j] = ie;
    s.i_inh[j] = ii;
    exc_in[j] = 0.0;
    inh_in[j] = 0.0;
    let de = ie + p.offset_exc[j];
    let ce = p.coba_exc[j];
    let exc = de * (1.0 - ce + ce * (p.e_rev_exc[j] - v) * k.inv_exc_span[j]);
    let di = ii + p.offset_inh[j];
    let ci = p.coba_inh[j];
    let inh = di * (1.0 - ci + ci * (v - p.e_rev_inh[j]) * k.inv_inh_span[j]);
    let refr = s.refractory[j];
    let open = 1.0 - k.pause_mask[j] * (refr > release) as u8 as f64;
    let mut current = p.g_leak[j] * (p.e_leak[j] - v)
        + p.i_offset[j]
        + open * (k.exc_mask[j] * exc - k.inh_mask[j] * inh);
    if k.any_exp {
        let x = ((v - p.v_t[j]) * k.inv_delta_t[j]).min(20.0);
        current += k.exp_mask[j] * open * (p.i_exp0[j] * fast_exp(x)).min(I_EXP_MAX);
    }
    if k.any_adapt {
        let w = s.w[j];
        current -= k.adapt_mask[j] * w;
        s.w[j] = w + k.adapt_mask[j]
            * (p.a[j] * (v - p.v_adapt_leak[j]) - (w - p.w_ref[j]))
            * k.dt_over_tau_w[j];
    }
    let holding = (refr > release) as u8 as f64;
    current += holding * p.g_reset[j] * (p.v_reset[j] - v);
    s.refractory[j] = refr.saturating_sub(1);
    let mut v = (v + current * k.dt_over_c[j]).clamp(V_MIN, V_MAX);
    if let Some(kick) = kick {
        v = (v + kick).clamp(V_MIN, V_MAX);
    }
    s.v[j] = v;
    p.fire[j] && s.refractory[j] == 0 && v >= p.v_thresh[j]
}
