//! The fine steps of the fast path's candidates (issue 12): the compartments that may
//! fire, change reset mode or meet a rail within a block ([`super::fast`]) take the
//! reference's steps, cycle by cycle, here vectorised over a compact copy of just those
//! compartments.
//!
//! At a block's start [`Fine::gather`] copies the candidates' parameters and state into
//! contiguous arrays (a few hundred compartments' worth fits the first-level cache,
//! where the reference step over all 512 streams its fifty arrays from the second);
//! [`Fine::step`] is then the per-compartment body of `neuron::step` on the trivial
//! topology in the same order of operations, so every value is the reference's bit for
//! bit; [`Fine::scatter`] writes the state back at the block's end.

use super::analog::NeuronParams;
use super::neuron::{fast_exp, noise_kick, NeuronState, StepCache, I_EXP_MAX, V_MAX, V_MIN};

/// The candidates' parameters (read-only during the block), compacted.
#[derive(Debug, Clone, Default)]
struct Params {
    exc_decay: Vec<f64>,
    inh_decay: Vec<f64>,
    scale_exc: Vec<f64>,
    scale_inh: Vec<f64>,
    offset_exc: Vec<f64>,
    offset_inh: Vec<f64>,
    coba_exc: Vec<f64>,
    coba_inh: Vec<f64>,
    e_rev_exc: Vec<f64>,
    e_rev_inh: Vec<f64>,
    inv_exc: Vec<f64>,
    inv_inh: Vec<f64>,
    pause: Vec<f64>,
    exc_mask: Vec<f64>,
    inh_mask: Vec<f64>,
    g_leak: Vec<f64>,
    e_leak: Vec<f64>,
    i_offset: Vec<f64>,
    v_t: Vec<f64>,
    inv_dt: Vec<f64>,
    exp_mask: Vec<f64>,
    i_exp0: Vec<f64>,
    adapt_mask: Vec<f64>,
    a: Vec<f64>,
    v_al: Vec<f64>,
    w_ref: Vec<f64>,
    dt_tw: Vec<f64>,
    g_reset: Vec<f64>,
    v_reset: Vec<f64>,
    dt_over_c: Vec<f64>,
    fire: Vec<f64>,
    thresh: Vec<f64>,
    release: Vec<i32>,
}

/// The compact copy of one block's candidates.
#[derive(Debug, Clone, Default)]
pub struct Fine {
    /// The compartments, ascending.
    pub idx: Vec<usize>,
    p: Params,
    v: Vec<f64>,
    w: Vec<f64>,
    ie: Vec<f64>,
    ii: Vec<f64>,
    refr: Vec<i32>,
    /// This cycle's arrived weights (LSB), taken from the chip's input buffers.
    xe: Vec<f64>,
    xi: Vec<f64>,
    kick: Vec<f64>,
    fired: Vec<u64>,
}

fn fill<T: Copy>(dst: &mut Vec<T>, src: &[T], idx: &[usize]) {
    dst.clear();
    dst.extend(idx.iter().map(|&j| src[j]));
}

fn fill_f64(dst: &mut Vec<f64>, src: &[bool], idx: &[usize]) {
    dst.clear();
    dst.extend(idx.iter().map(|&j| src[j] as u8 as f64));
}

/// Which optional terms are on (some compartment has its exponential / adaptation on).
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    pub exp: bool,
    pub adapt: bool,
}

impl Fine {
    /// Copy in the parameters and state of the compartments `idx` (ascending).
    /// `same_params`: the parameters did not change since the last gather, whose
    /// parameter copies are then kept if the compartments are the same (the candidates
    /// of consecutive blocks mostly are).
    pub fn gather(
        &mut self,
        idx: &[usize],
        s: &NeuronState,
        (p, k, release): (&NeuronParams, &StepCache, &[u32]),
        same_params: bool,
    ) {
        if !(same_params && self.idx == idx) {
            self.idx.clear();
            self.idx.extend_from_slice(idx);
            self.gather_params(p, k, release);
        }
        let idx = &self.idx[..];
        fill(&mut self.v, &s.v, idx);
        fill(&mut self.w, &s.w, idx);
        fill(&mut self.ie, &s.i_exc, idx);
        fill(&mut self.ii, &s.i_inh, idx);
        self.refr.clear();
        self.refr
            .extend(idx.iter().map(|&j| s.refractory[j] as i32));
        let m = idx.len();
        for x in [&mut self.xe, &mut self.xi, &mut self.kick] {
            x.clear();
            x.resize(m, 0.0);
        }
        self.fired.clear();
        self.fired.resize(m, 0);
    }

    fn gather_params(&mut self, p: &NeuronParams, k: &StepCache, release: &[u32]) {
        let (idx, q) = (&self.idx[..], &mut self.p);
        fill(&mut q.exc_decay, &k.exc_decay, idx);
        fill(&mut q.inh_decay, &k.inh_decay, idx);
        fill(&mut q.scale_exc, &p.scale_exc, idx);
        fill(&mut q.scale_inh, &p.scale_inh, idx);
        fill(&mut q.offset_exc, &p.offset_exc, idx);
        fill(&mut q.offset_inh, &p.offset_inh, idx);
        fill(&mut q.coba_exc, &p.coba_exc, idx);
        fill(&mut q.coba_inh, &p.coba_inh, idx);
        fill(&mut q.e_rev_exc, &p.e_rev_exc, idx);
        fill(&mut q.e_rev_inh, &p.e_rev_inh, idx);
        fill(&mut q.inv_exc, &k.inv_exc_span, idx);
        fill(&mut q.inv_inh, &k.inv_inh_span, idx);
        fill(&mut q.pause, &k.pause_mask, idx);
        fill(&mut q.exc_mask, &k.exc_mask, idx);
        fill(&mut q.inh_mask, &k.inh_mask, idx);
        fill(&mut q.g_leak, &p.g_leak, idx);
        fill(&mut q.e_leak, &p.e_leak, idx);
        fill(&mut q.i_offset, &p.i_offset, idx);
        if k.any_exp {
            fill(&mut q.v_t, &p.v_t, idx);
            fill(&mut q.inv_dt, &k.inv_delta_t, idx);
            fill(&mut q.exp_mask, &k.exp_mask, idx);
            fill(&mut q.i_exp0, &p.i_exp0, idx);
        }
        if k.any_adapt {
            fill(&mut q.adapt_mask, &k.adapt_mask, idx);
            fill(&mut q.a, &p.a, idx);
            fill(&mut q.v_al, &p.v_adapt_leak, idx);
            fill(&mut q.w_ref, &p.w_ref, idx);
            fill(&mut q.dt_tw, &k.dt_over_tau_w, idx);
        }
        fill(&mut q.g_reset, &p.g_reset, idx);
        fill(&mut q.v_reset, &p.v_reset, idx);
        fill(&mut q.dt_over_c, &k.dt_over_c, idx);
        fill_f64(&mut q.fire, &p.fire, idx);
        fill(&mut q.thresh, &p.v_thresh, idx);
        q.release.clear();
        q.release.extend(idx.iter().map(|&j| release[j] as i32));
    }

    /// Write the state back.
    pub fn scatter(&self, s: &mut NeuronState) {
        for (c, &j) in self.idx.iter().enumerate() {
            s.v[j] = self.v[c];
            s.w[j] = self.w[c];
            s.i_exc[j] = self.ie[c];
            s.i_inh[j] = self.ii[c];
            s.refractory[j] = self.refr[c] as u32;
        }
    }

    /// Write back the state of compartment number `c` only (for the MADC mid-block).
    pub fn scatter_one(&self, c: usize, s: &mut NeuronState) {
        let j = self.idx[c];
        s.v[j] = self.v[c];
        s.w[j] = self.w[c];
        s.i_exc[j] = self.ie[c];
        s.i_inh[j] = self.ii[c];
        s.refractory[j] = self.refr[c] as u32;
    }

    /// One reference step of every candidate. `inputs`: the chip's buffers of arrived
    /// weights (the candidates' entries are consumed and cleared), or None when nothing
    /// arrived this cycle. `noise`: (key, amplitude) in a cycle with a kick. Returns
    /// whether any candidate crossed threshold; [`Fine::fired`] then lists them.
    pub fn step(
        &mut self,
        inputs: Option<(&mut [f32], &mut [f32])>,
        noise: Option<(u32, f64)>,
        terms: Terms,
    ) -> bool {
        let m = self.idx.len();
        if let Some((exc_in, inh_in)) = inputs {
            for (c, &j) in self.idx.iter().enumerate() {
                self.xe[c] = exc_in[j] as f64;
                self.xi[c] = inh_in[j] as f64;
                exc_in[j] = 0.0;
                inh_in[j] = 0.0;
            }
        } else {
            self.xe.fill(0.0);
            self.xi.fill(0.0);
        }
        let kicked = noise.is_some();
        if let Some((key, amp)) = noise {
            for (c, &j) in self.idx.iter().enumerate() {
                self.kick[c] = amp * noise_kick(key, j);
            }
        }
        let st = State {
            v: &mut self.v[..m],
            w: &mut self.w[..m],
            ie: &mut self.ie[..m],
            ii: &mut self.ii[..m],
            refr: &mut self.refr[..m],
            fired: &mut self.fired[..m],
        };
        let io = (&self.xe[..m], &self.xi[..m], &self.kick[..m]);
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked above), the only precondition
                // of a `#[target_feature(enable = "avx2")]` function; the body is the
                // portable code, without fused multiply-adds, so both give the same bits.
                return unsafe { step_avx2(st, &self.p, io, kicked, terms) };
            }
        }
        step_dispatch(st, &self.p, io, kicked, terms)
    }

    /// After a step that returned true: the compartments that crossed threshold go to
    /// `out` (ascending) and take their reset, `(refractory cycles, adaptation kick)`
    /// from `reset`.
    pub fn fire(&mut self, out: &mut Vec<usize>, reset: impl Fn(usize) -> (u32, Option<f64>)) {
        for (c, &j) in self.idx.iter().enumerate() {
            if self.fired[c] != 0 {
                out.push(j);
                let (refractory, b) = reset(j);
                self.refr[c] = refractory as i32;
                if let Some(b) = b {
                    self.w[c] += b;
                }
            }
        }
    }
}

/// The state a step writes; separate `&mut` slices, so that the compiler knows they
/// alias nothing it reads.
struct State<'a> {
    v: &'a mut [f64],
    w: &'a mut [f64],
    ie: &'a mut [f64],
    ii: &'a mut [f64],
    refr: &'a mut [i32],
    fired: &'a mut [u64],
}

type Io<'a> = (&'a [f64], &'a [f64], &'a [f64]);

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn step_avx2(st: State, p: &Params, io: Io, kicked: bool, terms: Terms) -> bool {
    step_dispatch(st, p, io, kicked, terms)
}

#[inline(always)]
fn step_dispatch(st: State, p: &Params, io: Io, kicked: bool, terms: Terms) -> bool {
    let State {
        v,
        w,
        ie,
        ii,
        refr,
        fired,
    } = st;
    match (terms.exp, terms.adapt) {
        (false, false) => kernel::<false, false>(v, w, ie, ii, refr, fired, p, io, kicked),
        (false, true) => kernel::<false, true>(v, w, ie, ii, refr, fired, p, io, kicked),
        (true, false) => kernel::<true, false>(v, w, ie, ii, refr, fired, p, io, kicked),
        (true, true) => kernel::<true, true>(v, w, ie, ii, refr, fired, p, io, kicked),
    }
}

// The per-compartment body of `neuron::step` on the trivial topology, in its order of
// operations, as an index loop over slices passed as arguments: `&mut` arguments alias
// nothing, so the loop vectorises without run-time overlap checks. Counters are i32
// (refractory times stay far below 2^31), for vector compares.
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
#[inline(always)]
fn kernel<'a, const EXP: bool, const ADAPT: bool>(
    v: &mut [f64],
    w: &mut [f64],
    ie: &mut [f64],
    ii: &mut [f64],
    refr: &mut [i32],
    fired: &mut [u64],
    p: &'a Params,
    (xe, xi, kick): Io,
    kicked: bool,
) -> bool {
    let m = v.len();
    let (w, ie, ii, refr, fired) = (
        &mut w[..m],
        &mut ie[..m],
        &mut ii[..m],
        &mut refr[..m],
        &mut fired[..m],
    );
    let (xe, xi, kick) = (&xe[..m], &xi[..m], &kick[..m]);
    let (exc_decay, inh_decay, scale_exc, scale_inh) = (
        &p.exc_decay[..m],
        &p.inh_decay[..m],
        &p.scale_exc[..m],
        &p.scale_inh[..m],
    );
    let (offset_exc, offset_inh, coba_exc, coba_inh) = (
        &p.offset_exc[..m],
        &p.offset_inh[..m],
        &p.coba_exc[..m],
        &p.coba_inh[..m],
    );
    let (e_rev_exc, e_rev_inh, inv_exc, inv_inh) = (
        &p.e_rev_exc[..m],
        &p.e_rev_inh[..m],
        &p.inv_exc[..m],
        &p.inv_inh[..m],
    );
    let (pause, exc_mask, inh_mask, release) = (
        &p.pause[..m],
        &p.exc_mask[..m],
        &p.inh_mask[..m],
        &p.release[..m],
    );
    let (g_leak, e_leak, i_offset) = (&p.g_leak[..m], &p.e_leak[..m], &p.i_offset[..m]);
    let (g_reset, v_reset, dt_over_c, fire, thresh) = (
        &p.g_reset[..m],
        &p.v_reset[..m],
        &p.dt_over_c[..m],
        &p.fire[..m],
        &p.thresh[..m],
    );
    let on = |x: &'a [f64], yes: bool| if yes { &x[..m] } else { &x[..0] };
    let (v_t, inv_dt, exp_mask, i_exp0) = (
        on(&p.v_t, EXP),
        on(&p.inv_dt, EXP),
        on(&p.exp_mask, EXP),
        on(&p.i_exp0, EXP),
    );
    let (adapt_mask, a, v_al, w_ref, dt_tw) = (
        on(&p.adapt_mask, ADAPT),
        on(&p.a, ADAPT),
        on(&p.v_al, ADAPT),
        on(&p.w_ref, ADAPT),
        on(&p.dt_tw, ADAPT),
    );
    let mut any = false;
    for c in 0..m {
        let v0 = v[c];
        let ie1 = ie[c] * exc_decay[c] + xe[c] * scale_exc[c];
        let ii1 = ii[c] * inh_decay[c] + xi[c] * scale_inh[c];
        ie[c] = ie1;
        ii[c] = ii1;
        let de = ie1 + offset_exc[c];
        let ce = coba_exc[c];
        let exc = de * (1.0 - ce + ce * (e_rev_exc[c] - v0) * inv_exc[c]);
        let di = ii1 + offset_inh[c];
        let ci = coba_inh[c];
        let inh = di * (1.0 - ci + ci * (v0 - e_rev_inh[c]) * inv_inh[c]);
        let r = refr[c];
        let hold = if r > release[c] { 1.0 } else { 0.0 };
        let open = 1.0 - pause[c] * hold;
        let mut current = g_leak[c] * (e_leak[c] - v0)
            + i_offset[c]
            + open * (exc_mask[c] * exc - inh_mask[c] * inh);
        if EXP {
            let x = ((v0 - v_t[c]) * inv_dt[c]).min(20.0);
            current += exp_mask[c] * open * (i_exp0[c] * fast_exp(x)).min(I_EXP_MAX);
        }
        if ADAPT {
            let w0 = w[c];
            current -= adapt_mask[c] * w0;
            w[c] = w0 + adapt_mask[c] * (a[c] * (v0 - v_al[c]) - (w0 - w_ref[c])) * dt_tw[c];
        }
        current += hold * g_reset[c] * (v_reset[c] - v0);
        let r1 = if r > 0 { r - 1 } else { 0 };
        refr[c] = r1;
        let mut v1 = (v0 + current * dt_over_c[c]).clamp(V_MIN, V_MAX);
        if kicked {
            v1 = (v1 + kick[c]).clamp(V_MIN, V_MAX);
        }
        v[c] = v1;
        let f = (fire[c] > 0.0) & (r1 == 0) & (v1 >= thresh[c]);
        fired[c] = f as u64;
        any |= f;
    }
    any
}
