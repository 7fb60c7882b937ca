//! The fast path of the compartments (issue 12): time advances in blocks of [`BLOCK`]
//! cycles, and a compartment that cannot fire, change its reset mode or reach a rail
//! within the block is advanced over the whole block at once.
//!
//! Over a block such a compartment is the reference's explicit-Euler recurrence with
//! three quantities frozen at the block start: the exponential current (only below V_T),
//! the COBA factors of the synaptic inputs and the reset mode. What is left is a linear
//! recurrence in (V, w, i_e, i_i) whose response to each of its inputs over a block
//! ([`Response`]) is computed once per parameter derivation by running the recurrence
//! itself on unit inputs: the block update is the reference's own discrete solution,
//! not an approximation of the ODE. Synaptic events that arrive inside the block enter
//! through the response to a jump at their cycle, and the noise kick (at the block
//! start, `t % NOISE_EVERY == 0`) through the response to a kick after the first cycle.
//! The exponential current's change within the block enters to first order: its slope
//! dI/dV times the frozen solution's change of V, spread linearly over the block
//! (`Response::vr`). With it the block step stays within the reference's own noise up
//! to V_T ([`EXP_WINDOW`]); frozen alone, it had to stop 3 D_T below.
//!
//! Every other compartment (a candidate: near threshold, in the exponential's upswing,
//! changing reset mode, at a rail, or read by the MADC) takes the reference's fine steps
//! ([`super::fine`], the per-neuron body of `neuron::step`, bit for bit) interleaved with
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
/// ... or when its exponential term's argument (V - V_T) / D_T exceeds this (measured:
/// at 0 the spike counts of the accuracy tests and of the AdEx benchmark network match
/// the reference as closely as at -3, where a third of the compartments fine-stepped).
pub const EXP_WINDOW: f64 = 0.0;
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
    /// To a membrane current rising linearly from 0 to 1 A over the block (j / BLOCK
    /// in cycle j): the exponential term's change with V.
    pub vr: Vec<f64>,
    pub wr: Vec<f64>,
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
    /// Per mode [free, held], (V, w) after a block as affine forms of the block start
    /// ([`Affine`]): the responses with the constant drive, the COBA factors (linear in
    /// V) and the offsets folded in, so that the block setup reads few arrays.
    pub affine: [[Affine; 2]; 2],
    /// Per mode, the synaptic path factors P = a + b V at the block start.
    pub gates: [Gates; 2],
    /// The candidate bound V_th - margin, and `fire` as 0/1.
    pub near_v: Vec<f64>,
    /// 1 / D_T (a copy of the step cache's).
    pub inv_delta_t: Vec<f64>,
    pub fire: Vec<f64>,
}

/// One mode's block-end V (or w) of every compartment as a function of its block-start
/// state: c0 + c1 V + cw w + (e0 + e1 V) i_e - (i0 + i1 V) i_i + n kick + x I_exp.
#[derive(Debug, Clone, Default)]
pub struct Affine {
    pub c0: Vec<f64>,
    pub c1: Vec<f64>,
    pub cw: Vec<f64>,
    pub e0: Vec<f64>,
    pub e1: Vec<f64>,
    pub i0: Vec<f64>,
    pub i1: Vec<f64>,
    pub n: Vec<f64>,
    pub x: Vec<f64>,
    /// The response to the exponential term's rise over the block (its slope dI/dV
    /// times the block's change of V, taken as linear in time).
    pub r: Vec<f64>,
}

impl Affine {
    /// The coefficients the free mode reads, each cut to `n`: c0, c1, cw, e0, e1, i0,
    /// i1, x, r. Cut here, the lengths are known where the caller's loop is inlined.
    #[inline(always)]
    pub fn free_mode(&self, n: usize) -> [&[f64]; 9] {
        [
            &self.c0[..n],
            &self.c1[..n],
            &self.cw[..n],
            &self.e0[..n],
            &self.e1[..n],
            &self.i0[..n],
            &self.i1[..n],
            &self.x[..n],
            &self.r[..n],
        ]
    }
}

/// One mode's synaptic path factors: P_e = ea + eb V, P_i = ia + ib V (the enable,
/// the pause gate and the COBA scaling together).
#[derive(Debug, Clone, Default)]
pub struct Gates {
    pub ea: Vec<f64>,
    pub eb: Vec<f64>,
    pub ia: Vec<f64>,
    pub ib: Vec<f64>,
}

impl Gates {
    pub(super) fn new(p: &NeuronParams, k: &StepCache, held: bool) -> Self {
        let n = p.c_mem.len();
        let mut g = Gates::default();
        for j in 0..n {
            let open = 1.0 - k.pause_mask[j] * held as u8 as f64;
            let (ce, ci) = (p.coba_exc[j], p.coba_inh[j]);
            let (se, si) = (open * k.exc_mask[j], open * k.inh_mask[j]);
            g.ea.push(se * (1.0 - ce + ce * p.e_rev_exc[j] * k.inv_exc_span[j]));
            g.eb.push(-se * ce * k.inv_exc_span[j]);
            g.ia.push(si * (1.0 - ci - ci * p.e_rev_inh[j] * k.inv_inh_span[j]));
            g.ib.push(si * ci * k.inv_inh_span[j]);
        }
        g
    }
}

impl Affine {
    /// From one mode's responses of V (`w` false) or w: the membrane current is
    /// F = fc + fv V + I_exp with the gates' path factors times the offsets in it.
    pub(super) fn new(
        p: &NeuronParams,
        k: &StepCache,
        g: &Gates,
        held: bool,
        [rv, rw, rf, re, ri, r1, rn, rr]: [&[f64]; 8],
    ) -> Self {
        let n = p.c_mem.len();
        let hf = held as u8 as f64;
        let mut a = Affine::default();
        for j in 0..n {
            let open = 1.0 - k.pause_mask[j] * hf;
            let fc = p.g_leak[j] * p.e_leak[j]
                + p.i_offset[j]
                + hf * p.g_reset[j] * p.v_reset[j]
                + g.ea[j] * p.offset_exc[j]
                - g.ia[j] * p.offset_inh[j];
            let fv = g.eb[j] * p.offset_exc[j] - g.ib[j] * p.offset_inh[j];
            a.c0.push(rf[j] * fc + r1[j]);
            a.c1.push(rv[j] + rf[j] * fv);
            a.cw.push(rw[j]);
            a.e0.push(g.ea[j] * re[j]);
            a.e1.push(g.eb[j] * re[j]);
            a.i0.push(g.ia[j] * ri[j]);
            a.i1.push(g.ib[j] * ri[j]);
            a.n.push(rn[j]);
            a.x.push(rf[j] * k.exp_mask[j] * open);
            a.r.push(rr[j] * k.exp_mask[j] * open);
        }
        a
    }
}

/// The linear recurrence of one compartment in one mode.
pub(super) struct Linear {
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
pub(super) struct Drive {
    pub v: f64,
    pub w: f64,
    pub ie: f64,
    pub ii: f64,
    pub f: f64,
    pub cw: f64,
    pub kick: f64,
    pub ramp: f64,
    /// (cycle, i_e jump, i_i jump)
    pub jump: Option<(usize, f64, f64)>,
}

impl Linear {
    pub(super) fn new(p: &NeuronParams, k: &StepCache, j: usize, held: bool) -> Self {
        let adapt = if k.any_adapt { k.adapt_mask[j] } else { 0.0 };
        let beta = adapt * k.dt_over_tau_w[j];
        Linear {
            alpha: k.dt_over_c[j],
            g: p.g_leak[j] + held as u8 as f64 * p.g_reset[j],
            adapt,
            beta,
            a: p.a[j],
            cw: beta * (p.w_ref[j] - p.a[j] * p.v_adapt_leak[j]),
            de: k.exc_decay[j],
            di: k.inh_decay[j],
        }
    }

    fn run(&self, d: Drive) -> (f64, f64) {
        self.run_for(d, BLOCK, 0)
    }

    /// `cycles` cycles, the kick after the first cycle of block `kick_block`.
    pub(super) fn run_for(&self, d: Drive, cycles: usize, kick_block: usize) -> (f64, f64) {
        let (mut v, mut w, mut ie, mut ii) = (d.v, d.w, d.ie, d.ii);
        for j in 0..cycles {
            ie *= self.de;
            ii *= self.di;
            if let Some((at, e, i)) = d.jump {
                if at == j {
                    ie += e;
                    ii += i;
                }
            }
            let drive = d.f + d.ramp * (j as f64 / cycles as f64);
            let current = drive - self.g * v + ie - ii - self.adapt * w;
            let w_next = w + self.beta * (self.a * v - w) + d.cw * self.cw;
            v += current * self.alpha;
            w = w_next;
            if j == kick_block * BLOCK {
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
            let mut cols: [Vec<f64>; 16] = Default::default();
            for j in 0..n {
                let lin = Linear::new(p, k, j, held == 1);
                let z = Drive::default();
                let runs = [
                    lin.run(Drive { v: 1.0, ..z }),
                    lin.run(Drive { w: 1.0, ..z }),
                    lin.run(Drive { f: 1.0, ..z }),
                    lin.run(Drive { ie: 1.0, ..z }),
                    lin.run(Drive { ii: 1.0, ..z }),
                    lin.run(Drive { cw: 1.0, ..z }),
                    lin.run(Drive { kick: 1.0, ..z }),
                    lin.run(Drive { ramp: 1.0, ..z }),
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
            let [vv, wv, vw, ww, vf, wf, ve, we, vi, wi, v1, w1, vn, wn, vr, wr] = cols;
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
                vr,
                wr,
                e_at,
                i_at,
            };
        }
        let gates = [Gates::new(p, k, false), Gates::new(p, k, true)];
        BlockCache {
            affine: [0, 1].map(|m| {
                let (r, g) = (&modes[m], &gates[m]);
                [
                    Affine::new(
                        p,
                        k,
                        g,
                        m == 1,
                        [&r.vv, &r.vw, &r.vf, &r.ve, &r.vi, &r.v1, &r.vn, &r.vr],
                    ),
                    Affine::new(
                        p,
                        k,
                        g,
                        m == 1,
                        [&r.wv, &r.ww, &r.wf, &r.we, &r.wi, &r.w1, &r.wn, &r.wr],
                    ),
                ]
            }),
            gates,
            modes,
            near_v: p.v_thresh.iter().map(|t| t - MARGIN_V).collect(),
            inv_delta_t: k.inv_delta_t.clone(),
            fire: p.fire.iter().map(|&f| f as u8 as f64).collect(),
            e_blk: e_pow.iter().map(|x| x[BLOCK]).collect(),
            i_blk: i_pow.iter().map(|x| x[BLOCK]).collect(),
            e_pow,
            i_pow,
        }
    }
}

/// Scratch of one block: the block-end state of every compartment as if it took the
/// block step, its reset mode, and which compartments are candidates. The
/// flags are words (0 or 1), not `bool`s, so that the block setup stores them from
/// vector masks.
#[derive(Debug, Clone)]
pub struct BlockScratch {
    pub v: Vec<f64>,
    pub w: Vec<f64>,
    /// Synaptic input that arrived inside the block, as its share of the block-end i_e
    /// and i_i (zero again after the block).
    pub ie: Vec<f64>,
    pub ii: Vec<f64>,
    pub held: Vec<u64>,
    pub candidate: Vec<u64>,
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
            ii: z,
            held: vec![0; NEURONS],
            candidate: vec![0; NEURONS],
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
    noise: (u32, f64),
    sc: &mut BlockScratch,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            let flags = (k.any_exp, k.any_adapt);
            // SAFETY: the CPU supports AVX2 (checked above), the only precondition of a
            // `#[target_feature(enable = "avx2")]` function; the body is the portable
            // code, without fused multiply-adds, so both paths give the same bits.
            unsafe { plan_avx2(s, p, bc, flags, noise, sc) };
            return finish_plan(be, sc);
        }
    }
    plan_dispatch(s, p, bc, (k.any_exp, k.any_adapt), noise, sc);
    finish_plan(be, sc)
}

fn finish_plan(be: &Backend, sc: &mut BlockScratch) {
    if let Some(r) = be.readout {
        sc.candidate[r] = 1;
    }
    sc.candidates.clear();
    // Most groups of 8 hold no candidate: one test each.
    for (g, group) in sc.candidate.chunks_exact(8).enumerate() {
        if group.iter().fold(0, |a, &c| a | c) != 0 {
            let found = group.iter().enumerate().filter(|(_, &c)| c != 0);
            sc.candidates.extend(found.map(|(i, _)| 8 * g + i));
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn plan_avx2(
    s: &NeuronState,
    p: &NeuronParams,
    bc: &BlockCache,
    flags: (bool, bool),
    noise: (u32, f64),
    sc: &mut BlockScratch,
) {
    plan_dispatch(s, p, bc, flags, noise, sc)
}

/// One body per combination of (some exponential on, some adaptation on; `flags`) and
/// some compartment held in reset, so that each reads only the arrays it needs.
#[inline(always)]
fn plan_dispatch(
    s: &NeuronState,
    p: &NeuronParams,
    bc: &BlockCache,
    flags: (bool, bool),
    noise: (u32, f64),
    sc: &mut BlockScratch,
) {
    // Whether any compartment is held in reset (here, where the comparison vectorises).
    let refr = &s.refractory[..NEURONS];
    let release = &sc.release[..NEURONS];
    let any_held = (0..NEURONS).fold(false, |a, j| a | (refr[j] as i32 > release[j] as i32));
    let flags = (flags.0, flags.1, any_held);
    match flags {
        (false, false, false) => plan_body::<false, false, false>(s, p, bc, noise, sc),
        (false, false, true) => plan_body::<false, false, true>(s, p, bc, noise, sc),
        (false, true, false) => plan_body::<false, true, false>(s, p, bc, noise, sc),
        (false, true, true) => plan_body::<false, true, true>(s, p, bc, noise, sc),
        (true, false, false) => plan_body::<true, false, false>(s, p, bc, noise, sc),
        (true, false, true) => plan_body::<true, false, true>(s, p, bc, noise, sc),
        (true, true, false) => plan_body::<true, true, false>(s, p, bc, noise, sc),
        (true, true, true) => plan_body::<true, true, true>(s, p, bc, noise, sc),
    }
}

/// One mode's [`Affine`] arrays, re-sliced to NEURONS.
struct Lanes<'a> {
    c0: &'a [f64],
    c1: &'a [f64],
    cw: &'a [f64],
    e0: &'a [f64],
    e1: &'a [f64],
    i0: &'a [f64],
    i1: &'a [f64],
    n: &'a [f64],
    x: &'a [f64],
    r: &'a [f64],
}

impl<'a> Lanes<'a> {
    #[inline(always)]
    fn of(a: &'a Affine) -> Self {
        let n = NEURONS;
        Lanes {
            c0: &a.c0[..n],
            c1: &a.c1[..n],
            cw: &a.cw[..n],
            e0: &a.e0[..n],
            e1: &a.e1[..n],
            i0: &a.i0[..n],
            i1: &a.i1[..n],
            n: &a.n[..n],
            x: &a.x[..n],
            r: &a.r[..n],
        }
    }
}

/// The block-end value of compartment `j` from its block-start state in the mode of
/// `l`'s arrays.
#[inline(always)]
fn affine<const EXP: bool, const ADAPT: bool>(
    (f, h, held): (&Lanes, &Lanes, bool),
    j: usize,
    (v0, w0, ie0, ii0): (f64, f64, f64, f64),
    kick: f64,
    i_exp: f64,
) -> f64 {
    let g = |a: &[f64], b: &[f64]| if held { b[j] } else { a[j] };
    let mut out = g(f.c0, h.c0) + g(f.c1, h.c1) * v0 + (g(f.e0, h.e0) + g(f.e1, h.e1) * v0) * ie0
        - (g(f.i0, h.i0) + g(f.i1, h.i1) * v0) * ii0
        + g(f.n, h.n) * kick;
    if ADAPT {
        out += g(f.cw, h.cw) * w0;
    }
    if EXP {
        out += g(f.x, h.x) * i_exp;
    }
    out
}

/// What the block setup reads of one compartment besides its mode's arrays.
struct Inputs<'a> {
    v: &'a [f64],
    w: &'a [f64],
    ie: &'a [f64],
    ii: &'a [f64],
    refr: &'a [u32],
    release: &'a [u32],
    v_t: &'a [f64],
    inv_dt: &'a [f64],
    i0: &'a [f64],
    near_v: &'a [f64],
    fire: &'a [f64],
}

/// Compartment `j`'s block end (V, w) in the mode of `lv`, `lw` (`held`), and whether
/// it is a candidate.
#[inline(always)]
fn setup_one<const EXP: bool, const ADAPT: bool>(
    x: &Inputs,
    [(fv, fw), (hv, hw)]: [(&Lanes, &Lanes); 2],
    held: bool,
    j: usize,
    (key, amp): (u32, f64),
) -> (f64, f64, bool) {
    let block = BLOCK as i32;
    let v0 = x.v[j];
    let (r, rel) = (x.refr[j] as i32, x.release[j] as i32);
    let (arg, i_exp, slope) = if EXP {
        let arg = ((v0 - x.v_t[j]) * x.inv_dt[j]).min(20.0);
        let raw = x.i0[j] * fast_exp(arg);
        // dI_exp/dV, zero where the circuit saturates.
        let slope = if raw < I_EXP_MAX {
            raw * x.inv_dt[j]
        } else {
            0.0
        };
        (arg, raw.min(I_EXP_MAX), slope)
    } else {
        (0.0, 0.0, 0.0)
    };
    let kick = amp * noise_kick(key, j);
    let start = (v0, x.w[j], x.ie[j], x.ii[j]);
    let (lv, lw) = ((fv, hv, held), (fw, hw, held));
    let g = |a: &[f64], b: &[f64]| if held { b[j] } else { a[j] };
    let mut vb = affine::<EXP, ADAPT>(lv, j, start, kick, i_exp);
    let mut wb = if ADAPT {
        affine::<EXP, ADAPT>(lw, j, start, kick, i_exp)
    } else {
        0.0
    };
    if EXP {
        // The exponential term followed V through the block: a first-order correction
        // with the frozen term's own block change of V.
        let rise = slope * (vb - v0);
        vb += g(fv.r, hv.r) * rise;
        wb += g(fw.r, hw.r) * rise;
    }
    // Can it fire, change mode or meet a rail inside the block?
    let stays_held = held & (r > rel + block);
    let may_fire = (x.fire[j] > 0.0) & (r <= block);
    let near = v0.max(vb) >= x.near_v[j];
    let steep = EXP & (g(fv.x, hv.x) != 0.0) & (arg > EXP_WINDOW);
    let rail = (v0.min(vb) < V_MIN + RAIL_V) | (v0.max(vb) > V_MAX - RAIL_V);
    let whole = (stays_held | (!held & !(may_fire & near))) & !steep & !rail;
    (vb, wb, !whole)
}

// Index loops over parallel arrays, each re-sliced to NEURONS so that the bounds checks
// go. The loop is branch-free and vectorises: the mode is a select between the two
// modes' arrays (only with `HELD`, when some compartment is held in reset; otherwise
// only the free mode's are read), flags are stored as words and integers compared as
// i32 (counters and releases stay far below 2^31); the results go to local arrays,
// which the compiler knows alias none of the inputs (no run-time overlap checks).
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn plan_body<const EXP: bool, const ADAPT: bool, const HELD: bool>(
    s: &NeuronState,
    p: &NeuronParams,
    bc: &BlockCache,
    noise: (u32, f64),
    sc: &mut BlockScratch,
) {
    let n = NEURONS;
    let [[fv, fw], [hv, hw]] = &bc.affine;
    let (fv, fw, hv, hw) = (Lanes::of(fv), Lanes::of(fw), Lanes::of(hv), Lanes::of(hw));
    fn on<const EXP: bool>(x: &[f64]) -> &[f64] {
        &x[..if EXP { NEURONS } else { 0 }]
    }
    let x = Inputs {
        v: &s.v[..n],
        w: &s.w[..n],
        ie: &s.i_exc[..n],
        ii: &s.i_inh[..n],
        refr: &s.refractory[..n],
        release: &sc.release[..n],
        v_t: on::<EXP>(&p.v_t),
        inv_dt: on::<EXP>(&bc.inv_delta_t),
        i0: on::<EXP>(&p.i_exp0),
        near_v: &bc.near_v[..n],
        fire: &bc.fire[..n],
    };
    let mut sv = [0.0; NEURONS];
    let mut sw = [0.0; NEURONS];
    let mut sheld = [0u64; NEURONS];
    let mut scand = [0u64; NEURONS];
    let modes = [(&fv, &fw), (&hv, &hw)];
    for j in 0..n {
        let held = HELD && (x.refr[j] as i32 > x.release[j] as i32);
        let (vb, wb, cand) = setup_one::<EXP, ADAPT>(&x, modes, held, j, noise);
        sv[j] = vb;
        sw[j] = wb;
        scand[j] = cand as u64;
        sheld[j] = held as u64;
    }
    sc.v.copy_from_slice(&sv);
    if ADAPT {
        sc.w.copy_from_slice(&sw);
    }
    sc.held.copy_from_slice(&sheld);
    sc.candidate.copy_from_slice(&scand);
}

/// Synaptic events that reached compartment `j` (not a candidate) in cycle `at` of the
/// block: `xe`, `xi` already scaled to amperes. `v0` is its block-start membrane.
pub fn absorb(
    j: usize,
    at: usize,
    v0: f64,
    (xe, xi): (f64, f64),
    bc: &BlockCache,
    sc: &mut BlockScratch,
) {
    let m = sc.held[j] as usize;
    let (r, g) = (&bc.modes[m], &bc.gates[m]);
    let (ve, we) = r.e_at[j][at];
    let (vi, wi) = r.i_at[j][at];
    let pe = g.ea[j] + g.eb[j] * v0;
    let pi = g.ia[j] + g.ib[j] * v0;
    sc.v[j] += pe * xe * ve - pi * xi * vi;
    sc.w[j] += pe * xe * we - pi * xi * wi;
    sc.ie[j] += xe * bc.e_pow[j][at];
    sc.ii[j] += xi * bc.i_pow[j][at];
}

/// The block end of every compartment that took the block whole; the scratch's inputs
/// of the block are cleared.
pub fn finish(s: &mut NeuronState, bc: &BlockCache, adapt: bool, sc: &mut BlockScratch) {
    let n = NEURONS;
    let state = (
        &mut s.v[..n],
        &mut s.i_exc[..n],
        &mut s.i_inh[..n],
        &mut s.refractory[..n],
    );
    let (sv, cand) = (&sc.v[..n], &sc.candidate[..n]);
    let inputs = (&mut sc.ie[..n], &mut sc.ii[..n]);
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked on the line above), the only
            // precondition of a `#[target_feature(enable = "avx2")]` function.
            unsafe { finish_avx2(state, inputs, sv, cand, bc) };
        } else {
            finish_body(state, inputs, sv, cand, bc);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    finish_body(state, inputs, sv, cand, bc);
    if adapt {
        let (w, sw) = (&mut s.w[..n], &sc.w[..n]);
        for (j, w) in w.iter_mut().enumerate() {
            *w = if cand[j] == 0 { sw[j] } else { *w };
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(clippy::type_complexity)]
unsafe fn finish_avx2(
    state: (&mut [f64], &mut [f64], &mut [f64], &mut [u32]),
    inputs: (&mut [f64], &mut [f64]),
    sv: &[f64],
    cand: &[u64],
    bc: &BlockCache,
) {
    finish_body(state, inputs, sv, cand, bc)
}

// Selects, not branches, over slices passed as arguments (`&mut` arguments alias
// nothing, so the loop vectorises without run-time overlap checks).
#[allow(clippy::needless_range_loop, clippy::type_complexity)]
#[inline(always)]
fn finish_body(
    (v, ie, ii, refr): (&mut [f64], &mut [f64], &mut [f64], &mut [u32]),
    (sie, sii): (&mut [f64], &mut [f64]),
    sv: &[f64],
    cand: &[u64],
    bc: &BlockCache,
) {
    let n = NEURONS;
    let block = BLOCK as u32;
    let (v, ie, ii, refr, sie, sii) = (
        &mut v[..n],
        &mut ie[..n],
        &mut ii[..n],
        &mut refr[..n],
        &mut sie[..n],
        &mut sii[..n],
    );
    let (sv, cand, e_blk, i_blk) = (&sv[..n], &cand[..n], &bc.e_blk[..n], &bc.i_blk[..n]);
    // Bit masks: with an `if` the compiler turns the selects back into branches.
    let pick = |mask: u64, a: f64, b: f64| f64::from_bits(a.to_bits() & mask | b.to_bits() & !mask);
    for j in 0..n {
        let whole = cand[j].wrapping_sub(1); // all ones where it took the block whole
        v[j] = pick(whole, sv[j].clamp(V_MIN, V_MAX), v[j]);
        ie[j] = pick(whole, ie[j] * e_blk[j] + sie[j], ie[j]);
        ii[j] = pick(whole, ii[j] * i_blk[j] + sii[j], ii[j]);
        refr[j] -= refr[j].min(block & whole as u32);
        sie[j] = 0.0;
        sii[j] = 0.0;
    }
}
