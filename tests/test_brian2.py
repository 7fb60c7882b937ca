"""Single compartments of the chip model against Brian2 integrating the same equations.

Per regime (tonic, adapting, bursting) one chip is configured through programs only, a
current step is switched on through ``neuron_config.enable_membrane_offset`` and the spikes
come back the way a board returns them: neuron backend -> crossbar -> L2 -> recorded
events. The true parameters and the state at the step come from the introspection API;
Brian2 integrates the equations of rust/chip/src/model/neuron.rs with them:

    C dV/dt     = -g_L (V - E_L) + min(I_exp0 exp(min((V - V_T) / D_T, 20)), 1 uA) - w
                  + I_off + [refractory] g_reset (V_reset - V)
    tau_w dw/dt = a (V - V_aleak) - (w - w_ref)            w += b at each spike
    V clamped to 0..1.8 V; spike when V >= V_th outside the refractory time; with
    enable_pause the exponential term is off while the reset is held,

explicit Euler, dt = 8 ns of hardware time (8 us biological). The reference leaves out the
model's membrane noise (about 1 mV stationary); a second Brian2 run with that noise shows
how far the noise alone moves the spikes, and the chip must deviate from the noiseless
reference no differently.

Brian2 is an optional dependency (the ``brian2`` extra); this module is deselected from
the default run by its marker. Run it with::

    pip install -e '.[test,brian2]' && python -m pytest -m brian2
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

from bss_host import REGMAP, Program, connect, introspection, presets
from tests.support import brian2_reference

pytestmark = [
    pytest.mark.brian2,
    # Brian2 2.9 calls pyparsing's camelCase names, deprecated since pyparsing 3.
    pytest.mark.filterwarnings("ignore:.*deprecated.*use:DeprecationWarning"),
]

DT = 8e-9
"""Model step: one FPGA cycle of hardware time."""
RECORD_OFFSET_CYCLES = 4
"""A spike in the step of cycle c is recorded at c + 5 (1 cycle into the crossbar, 4 to the
L2 output; rust/chip/src/model/routing.rs); the timer is reset 1 cycle after the
introspection (the record_events instruction runs first). So a recorded time r (cycles
after the timer reset) is the step r - 4 counted from the introspected state."""
CANDIDATES = np.arange(presets.NEURONS)
"""Every compartment gets the regime's configuration; the mismatch spreads them."""
SHOWN = 5
"""Neurons compared per regime: the first candidates whose reference train shows the
regime's signature."""


@dataclass(frozen=True)
class Regime:
    seed: int
    rows: dict[str, int]
    """CapMem rows (presets.neuron_cells) for every neuron."""
    config: dict[str, int]
    """NeuronConfig fields besides the preset's."""
    duration_us: float
    signature: Callable[[np.ndarray], bool] = field(repr=False)


def isis(t: np.ndarray) -> np.ndarray:
    return np.diff(np.sort(t))


def is_tonic(t: np.ndarray) -> bool:
    d = isis(t)
    return len(t) >= 20 and d[2:].max() < 1.2 * d[2:].min()


def is_adapting(t: np.ndarray) -> bool:
    d = isis(t)
    return len(t) >= 8 and d[-1] > 1.5 * d[0] and (np.diff(d[:6]) > 0).all()


def bursts(t: np.ndarray) -> list[np.ndarray]:
    """Split a train at intervals longer than the geometric mean of the shortest and the
    longest interval."""
    d = isis(t)
    if len(d) < 2:
        return [np.sort(t)]
    gap = np.sqrt(d.min() * d.max())
    return np.split(np.sort(t), np.flatnonzero(d > gap) + 1)


def is_bursting(t: np.ndarray) -> bool:
    """Groups of two or more spikes separated by pauses ten times the shortest interval;
    the first group (the onset transient) and the last (cut by the window) may differ."""
    d = isis(t)
    if len(d) < 4 or d.max() < 10 * d.min():
        return False
    inner = bursts(t)[1:-1]
    return len(inner) >= 2 and min(len(g) for g in inner) >= 2


REGIMES = {
    "tonic": Regime(seed=21, rows={"i_mem_offset": 800}, config={}, duration_us=200.0,
                    signature=is_tonic),
    "adapting": Regime(
        seed=41,
        rows={"i_mem_offset": 800, "i_bias_adapt_a": 120, "i_bias_adapt_b": 150,
              "i_bias_adapt_tau": 10},
        config={"enable_adaptation": 1}, duration_us=300.0, signature=is_adapting),
    # Naud et al. (2008) regular bursting, scaled: V_reset above V_T, a large b, a slow
    # tau_w and I_exp0 of the order of g_L D_T. enable_pause switches the exponential term
    # off while the reset is held: without it the exponential current (saturated at 1 uA)
    # keeps the membrane above threshold through the reset in nearly every compartment of
    # this design, which then fire at the refractory limit.
    "bursting": Regime(
        seed=31,
        rows={"v_exp": 750, "i_bias_exp": 180, "v_threshold": 500, "v_reset": 800,
              "i_mem_offset": 190, "i_bias_adapt_a": 94, "i_bias_adapt_b": 120,
              "i_bias_adapt_tau": 20},
        config={"enable_adaptation": 1, "enable_exponential": 1, "enable_pause": 1},
        duration_us=400.0, signature=is_bursting),
}


@dataclass
class ChipRun:
    params: dict[str, np.ndarray]
    state: dict[str, np.ndarray]
    spikes: dict[int, np.ndarray]
    """Seconds after the introspected state, per candidate."""


def neuron_of_label(label: np.ndarray) -> np.ndarray:
    """Neuron of a recorded label (event output << 8 | address_out), with the preset's
    address_out = backend instance % 256 = row * 128 + column % 128."""
    out, addr = (label >> 8) & 7, label & 0xFF
    return (addr // 128) * 256 + (out // 4) * 128 + addr % 128


def run_chip(regime: Regime) -> ChipRun:
    conn = connect(f"sim:?seed={regime.seed}")
    cfg = {"enable_synaptic_input_exc": 0, "enable_synaptic_input_inh": 0,
           "enable_membrane_offset": 0, **regime.config}
    p = Program()
    presets.chip_setup(p)
    presets.neuron_setup(p, presets.neuron_cells(**regime.rows), config=cfg)
    # Parameters move while CapMem settles (until 10 time constants after the last
    # write); wait past that so that they stay fixed during the comparison.
    p.wait(us=presets.SETTLE_US + 600)
    conn.run(p)

    # The current step: I_off is derived from i_mem_offset only while
    # enable_membrane_offset is set, so rewrite the NeuronConfig word that holds it.
    reg = REGMAP["neuron_config"]
    word = reg.field("enable_membrane_offset").word
    step = reg.encode_array({"membrane_capacitor_size": 63, "enable_membrane_offset": 1})
    shape = (presets.NEURONS, reg.words)
    p = Program().write_words(np.asarray(step.addresses).reshape(shape)[:, word],
                              np.asarray(step.words).reshape(shape)[:, word])
    conn.run(p)
    # Introspection re-derives the parameters after a configuration change, so these are
    # the ones the model integrates with from here on.
    params = introspection.neuron_parameters(conn)
    state = introspection.neuron_state(conn)

    p = Program().record_events().timer_reset()
    p.wait_until(us=regime.duration_us).record_events(False)
    res = conn.run(p)
    nid = neuron_of_label(res.spikes["label"].astype(np.int64))
    steps = res.spikes["time"].astype(np.int64) - RECORD_OFFSET_CYCLES
    spikes = {int(n): np.sort(steps[nid == n]) * DT for n in CANDIDATES}
    return ChipRun(params, state, spikes)


BRIAN_EQS = brian2_reference.equations(synaptic_inputs=False, noise=True, flags=True)

BRIAN_PARAMS = brian2_reference.PARAMETERS


NOISE_SIGMA = brian2_reference.NOISE_SIGMA
"""The model's membrane noise as a diffusion, V / sqrt(s): 40 uV per 8 ns step (the model
adds it every 4 steps with twice the amplitude, the same diffusion)."""


def run_brian(params: dict[str, np.ndarray], state: dict[str, np.ndarray],
              neurons: np.ndarray, duration: float, pause: bool,
              noise: tuple[float, ...] = (0.0,), seed: int = 1) -> list[dict[int, np.ndarray]]:
    """Spike times (s) of `neurons` integrated by Brian2 from the introspected state, one
    set of trains per membrane noise sigma in `noise` (all in one group).

    Refractoriness as in the model: a spike in step k holds the reset conductance on in
    steps k+1 .. k+R (R = t_ref / dt) and the next spike can come in step k+R; the
    half-step margins keep the comparisons of t away from rounding."""
    import brian2 as b2

    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.seed(seed)
    b2.defaultclock.dt = DT * b2.second
    idx = np.tile(neurons, len(noise))
    g = b2.NeuronGroup(
        len(idx), BRIAN_EQS, method="euler",
        threshold="v >= v_th and t > t_end - dt",
        reset="t_end = t + t_ref + 0.5*dt\nw += adapt_on*b",
    )
    # The rails, after the state update and before the threshold, as in the model.
    g.run_regularly("v = clip(v, 0*volt, 1.8*volt)", when="groups", order=1)
    for name, (key, unit) in BRIAN_PARAMS.items():
        setattr(g, name, params[key][idx] * getattr(b2, unit))
    g.exp_on = params["exp_on"][idx].astype(float)
    g.adapt_on = params["adapt_on"][idx].astype(float)
    g.pause = float(pause)  # enable_pause as configured (introspection does not show it)
    g.sigma = np.repeat(noise, len(neurons)) * b2.volt / b2.second**0.5
    g.v = state["v"][idx] * b2.volt
    g.w = state["w"][idx] * b2.amp
    g.t_end = (state["refractory"][idx] - 0.5) * DT * b2.second
    mon = b2.SpikeMonitor(g)
    b2.run(duration * b2.second)
    trains = mon.spike_trains()
    k = len(neurons)
    return [{int(n): np.asarray(trains[r * k + i] / b2.second) for i, n in enumerate(neurons)}
            for r in range(len(noise))]


TOL_REL = 0.02
TOL_ABS = 0.5e-6
"""Spike times agree within max(2 % of the time since the step, 0.5 us): the membrane
noise that the noiseless reference leaves out moves a spike by a random walk of some tens
of nanoseconds per interval (measured: at most 0.4 us over 200 us of tonic firing)."""
PERIOD_REL = 0.10
"""Bursting: median burst period within 10 %. Near the end of a burst the membrane
lingers close to the point where the exponential term and w balance, so the noise can
add or drop the last spike of a burst, and with it one b of adaptation: the chip and
a noisy Brian2 run deviate from the noiseless reference alike (95th percentile about
9 %)."""


def tolerance(t: np.ndarray) -> np.ndarray:
    return np.maximum(TOL_REL * t, TOL_ABS)


def spike_errors(chip: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """|difference| / tolerance of the k-th chip spike and the k-th reference spike."""
    m = min(len(chip), len(ref))
    return np.abs(chip[:m] - ref[:m]) / tolerance(ref[:m])


def burst_stats(t: np.ndarray) -> tuple[int, float, float]:
    """Number of bursts, median period (onset to onset) and median spikes per burst, the
    onset transient (first burst) and the last, cut burst left out of period and size."""
    groups = bursts(t)
    onsets = np.array([g[0] for g in groups])
    return (len(groups), float(np.median(np.diff(onsets[1:]))),
            float(np.median([len(g) for g in groups[1:-1]])))


@dataclass
class Run:
    name: str
    chip: dict[int, np.ndarray]
    ref: dict[int, np.ndarray]
    """Noiseless Brian2."""
    noisy: dict[int, np.ndarray]
    """Brian2 with the model's membrane noise."""
    members: list[int]
    """Compartments the noiseless reference puts in the regime."""


@pytest.fixture(scope="module", params=list(REGIMES))
def run(request: pytest.FixtureRequest) -> Run:
    regime = REGIMES[request.param]
    chip = run_chip(regime)
    ref, noisy = run_brian(chip.params, chip.state, CANDIDATES, regime.duration_us * 1e-6,
                           pause=bool(regime.config.get("enable_pause", 0)),
                           noise=(0.0, NOISE_SIGMA))
    # Compare complete intervals only: drop the last microsecond of the window.
    window = regime.duration_us * 1e-6 - 1e-6

    def cut(trains: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
        return {n: t[t < window] for n, t in trains.items()}

    ref = cut(ref)
    members = [n for n in CANDIDATES if regime.signature(ref[n])]
    return Run(request.param, cut(chip.spikes), ref, cut(noisy), members)


def test_spike_trains_agree_with_brian2(run: Run) -> None:
    """The first few compartments of the regime, spike by spike (burst by burst)."""
    shown = run.members[:SHOWN]
    assert len(shown) == SHOWN, f"only {len(shown)} {run.name} compartments in the reference"
    for n in shown:
        a, b = run.chip[n], run.ref[n]
        assert REGIMES[run.name].signature(a), (n, np.diff(a) * 1e6)
        if run.name == "bursting":
            assert spike_errors(a[:1], b[:1]).max() <= 1.0, (n, a[0], b[0])
            (na, pa, sa), (nb, pb, sb) = burst_stats(a), burst_stats(b)
            assert abs(na - nb) <= 1, (n, na, nb)
            assert abs(pa / pb - 1) <= PERIOD_REL, (n, pa, pb)
            assert abs(sa - sb) <= 1, (n, sa, sb)
        else:
            assert abs(len(a) - len(b)) <= 1, (n, len(a), len(b))
            assert spike_errors(a, b).max() <= 1.0, (n, spike_errors(a, b))


def deviations(run: Run, trains: dict[int, np.ndarray]) -> np.ndarray:
    """Per compartment of the regime, how far `trains` is from the noiseless reference:
    the largest spike-time difference (s), or for bursts the relative period error."""
    out = []
    for n in run.members:
        a, b = trains[n], run.ref[n]
        if run.name == "bursting":
            if len(bursts(a)) < 3:
                out.append(np.inf)
                continue
            out.append(abs(burst_stats(a)[1] / burst_stats(b)[1] - 1))
        else:
            m = min(len(a), len(b))
            out.append(np.abs(a[:m] - b[:m]).max())
    return np.array(out)


def test_deviations_are_the_membrane_noise(run: Run) -> None:
    """Over every compartment of the regime: the chip's deviations from the noiseless
    reference are distributed like those of Brian2 with the model's membrane noise (a
    two-sample Kolmogorov-Smirnov test), so nothing but the noise separates the two."""
    from scipy.stats import ks_2samp

    assert len(run.members) >= 50, (run.name, len(run.members))
    chip, noisy = deviations(run, run.chip), deviations(run, run.noisy)
    assert np.isfinite(chip).mean() > 0.95
    assert ks_2samp(chip, noisy).pvalue > 1e-3, (
        np.percentile(chip, [50, 90, 99]), np.percentile(noisy, [50, 90, 99]))
