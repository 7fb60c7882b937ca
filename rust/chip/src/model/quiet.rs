//! Quiet stretches of the fast path (issue 12): when no event can arrive for [`QUIET`]
//! cycles, no MADC samples, CapMem has settled, no compartment is held in reset and
//! every one is far from firing, all 512 take [`QUIET_BLOCKS`] blocks at once.
//!
//! The step is [`super::fast`]'s block step stretched over the longer run (the same
//! recurrence run on unit inputs, with one noise kick per block of
//! [`super::fast::BLOCK`] cycles, each through its own response). It is all or
//! nothing: if any compartment fails a condition of the block step at either end of the
//! stretch, or its synaptic currents could move it by more than [`SYN_V`] within it,
//! nothing is written and the caller takes ordinary blocks.

use super::analog::NeuronParams;
use super::fast::{Affine, Drive, Gates, Linear, BLOCK, EXP_WINDOW, MARGIN_V, RAIL_V};
use super::neuron::{
    fast_exp, noise_key, noise_kick, NeuronState, StepCache, I_EXP_MAX, V_MAX, V_MIN,
};
use super::NEURONS;

/// Blocks per quiet stretch.
pub const QUIET_BLOCKS: usize = 8;
/// Cycles per quiet stretch.
pub const QUIET: usize = BLOCK * QUIET_BLOCKS;
/// The largest change of V the synaptic currents at the stretch's start may cause in
/// it (V): so that no PSP can peak above the threshold margin in between.
pub const SYN_V: f64 = 5e-4;

/// The stretch's responses (free mode only) and decays.
#[derive(Debug, Clone, Default)]
pub struct QuietCache {
    v: Affine,
    w: Affine,
    /// Responses of V and w to the kick of each block of the stretch.
    kv: [Vec<f64>; QUIET_BLOCKS],
    kw: [Vec<f64>; QUIET_BLOCKS],
    e_decay: Vec<f64>,
    i_decay: Vec<f64>,
    near_v: Vec<f64>,
    fire: Vec<f64>,
}

impl QuietCache {
    pub fn new(p: &NeuronParams, k: &StepCache) -> Self {
        let n = p.c_mem.len();
        let mut cols: [Vec<f64>; 16] = Default::default();
        let mut qc = QuietCache::default();
        for j in 0..n {
            let lin = Linear::new(p, k, j, false);
            let z = Drive::default();
            let run = |d: Drive, b: usize| lin.run_for(d, QUIET, b);
            let runs = [
                run(Drive { v: 1.0, ..z }, 0),
                run(Drive { w: 1.0, ..z }, 0),
                run(Drive { f: 1.0, ..z }, 0),
                run(Drive { ie: 1.0, ..z }, 0),
                run(Drive { ii: 1.0, ..z }, 0),
                run(Drive { cw: 1.0, ..z }, 0),
                run(Drive { kick: 1.0, ..z }, 0),
                run(Drive { ramp: 1.0, ..z }, 0),
            ];
            for (c, (rv, rw)) in runs.iter().enumerate() {
                cols[2 * c].push(*rv);
                cols[2 * c + 1].push(*rw);
            }
            for b in 0..QUIET_BLOCKS {
                let (kv, kw) = run(Drive { kick: 1.0, ..z }, b);
                qc.kv[b].push(kv);
                qc.kw[b].push(kw);
            }
            qc.e_decay.push(k.exc_decay[j].powi(QUIET as i32));
            qc.i_decay.push(k.inh_decay[j].powi(QUIET as i32));
        }
        let [vv, wv, vw, ww, vf, wf, ve, we, vi, wi, v1, w1, vn, wn, vr, wr] = &cols;
        let neg = |x: &[f64]| x.iter().map(|y| -y).collect::<Vec<f64>>();
        let (vi, wi) = (neg(vi), neg(wi));
        let g = Gates::new(p, k, false);
        qc.v = Affine::new(p, k, &g, false, [vv, vw, vf, ve, &vi, v1, vn, vr]);
        qc.w = Affine::new(p, k, &g, false, [wv, ww, wf, we, &wi, w1, wn, wr]);
        qc.near_v = p.v_thresh.iter().map(|t| t - MARGIN_V).collect();
        qc.fire = p.fire.iter().map(|&f| f as u8 as f64).collect();
        qc
    }
}

/// Try the stretch `t0 .. t0 + QUIET`; true if it was taken (the state is then at its
/// end), false if some compartment needs ordinary blocks (the state is untouched).
pub fn stretch(
    s: &mut NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    qc: &QuietCache,
    (seed, t0, amp): (u64, u64, f64),
) -> bool {
    let keys: [u32; QUIET_BLOCKS] =
        std::array::from_fn(|b| noise_key(seed, t0 + (b * BLOCK) as u64));
    let mut out = ([0.0; NEURONS], [0.0; NEURONS]);
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked above), the only precondition of a
            // `#[target_feature(enable = "avx2")]` function; the body is the portable
            // code, without fused multiply-adds, so both paths give the same bits.
            let ok = unsafe { plan_avx2(s, p, k, qc, (&keys, amp), &mut out) };
            return ok && commit(s, k, qc, &out);
        }
    }
    let ok = plan_dispatch(s, p, k, qc, (&keys, amp), &mut out);
    ok && commit(s, k, qc, &out)
}

type Out = ([f64; NEURONS], [f64; NEURONS]);

#[allow(clippy::needless_range_loop)]
fn commit(s: &mut NeuronState, k: &StepCache, qc: &QuietCache, (v, w): &Out) -> bool {
    for j in 0..NEURONS {
        s.v[j] = v[j].clamp(V_MIN, V_MAX);
        s.i_exc[j] *= qc.e_decay[j];
        s.i_inh[j] *= qc.i_decay[j];
        s.refractory[j] = s.refractory[j].saturating_sub(QUIET as u32);
    }
    if k.any_adapt {
        s.w.copy_from_slice(w);
    }
    true
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn plan_avx2(
    s: &NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    qc: &QuietCache,
    noise: (&[u32; QUIET_BLOCKS], f64),
    out: &mut Out,
) -> bool {
    plan_dispatch(s, p, k, qc, noise, out)
}

#[inline(always)]
fn plan_dispatch(
    s: &NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    qc: &QuietCache,
    noise: (&[u32; QUIET_BLOCKS], f64),
    out: &mut Out,
) -> bool {
    match (k.any_exp, k.any_adapt) {
        (false, false) => plan_body::<false, false>(s, p, k, qc, noise, out),
        (false, true) => plan_body::<false, true>(s, p, k, qc, noise, out),
        (true, false) => plan_body::<true, false>(s, p, k, qc, noise, out),
        (true, true) => plan_body::<true, true>(s, p, k, qc, noise, out),
    }
}

// As `fast::plan_body` for the free mode, over the stretch; branch-free, with the
// verdict folded into one flag.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn plan_body<const EXP: bool, const ADAPT: bool>(
    s: &NeuronState,
    p: &NeuronParams,
    k: &StepCache,
    qc: &QuietCache,
    (keys, amp): (&[u32; QUIET_BLOCKS], f64),
    (ov, ow): &mut Out,
) -> bool {
    let n = NEURONS;
    let (v, w, ie, ii, refr) = (
        &s.v[..n],
        &s.w[..n],
        &s.i_exc[..n],
        &s.i_inh[..n],
        &s.refractory[..n],
    );
    let [c0, c1, cw, e0, e1, i0, i1, x, r] = qc.v.free_mode(n);
    let [d0, d1, dw, f0, f1, j0, j1, y, q] = qc.w.free_mode(n);
    let (v_t, inv_dt, iexp0) = (&p.v_t[..n], &k.inv_delta_t[..n], &p.i_exp0[..n]);
    let (near_v, fire) = (&qc.near_v[..n], &qc.fire[..n]);
    let mut fail = false;
    for j in 0..n {
        let v0 = v[j];
        let (arg, i_exp, slope) = if EXP {
            let arg = ((v0 - v_t[j]) * inv_dt[j]).min(20.0);
            let raw = iexp0[j] * fast_exp(arg);
            let slope = if raw < I_EXP_MAX {
                raw * inv_dt[j]
            } else {
                0.0
            };
            (arg, raw.min(I_EXP_MAX), slope)
        } else {
            (0.0, 0.0, 0.0)
        };
        let syn_v = (e0[j] + e1[j] * v0) * ie[j] - (i0[j] + i1[j] * v0) * ii[j];
        let mut vb = c0[j] + c1[j] * v0 + syn_v;
        let mut wb =
            d0[j] + d1[j] * v0 + (f0[j] + f1[j] * v0) * ie[j] - (j0[j] + j1[j] * v0) * ii[j];
        for (bk, key) in keys.iter().enumerate() {
            let kick = amp * noise_kick(*key, j);
            vb += qc.kv[bk][j] * kick;
            wb += qc.kw[bk][j] * kick;
        }
        if ADAPT {
            vb += cw[j] * w[j];
            wb += dw[j] * w[j];
        }
        if EXP {
            vb += x[j] * i_exp;
            wb += y[j] * i_exp;
            let rise = slope * (vb - v0);
            vb += r[j] * rise;
            wb += q[j] * rise;
        }
        ov[j] = vb;
        ow[j] = wb;
        let held = refr[j] > 0;
        let near = (fire[j] > 0.0) & (v0.max(vb) >= near_v[j]);
        let steep = EXP & (x[j] != 0.0) & (arg > EXP_WINDOW);
        let rail = (v0.min(vb) < V_MIN + RAIL_V) | (v0.max(vb) > V_MAX - RAIL_V);
        let loud = syn_v.abs() > SYN_V;
        fail |= held | near | steep | rail | loud;
    }
    !fail
}
