"""The chip model through the program interface: neurons, synapses, routing, ADCs.

Observations go through the same registers and events a board gives (CADC samples, MADC
samples, spike counters, recorded spikes); the introspection API only supplies the truth
the observations are judged against.
"""

from __future__ import annotations

import numpy as np
import pytest

from bss_host import REGMAP, Program, connect, presets
from bss_host.connection import Connection
from bss_host.regmap import quads_by_column

SYN_SHAPE = (2, 256, 256)


def setup(conn: Connection, cells: np.ndarray | None = None, **config: int) -> None:
    p = Program()
    presets.chip_setup(p)
    presets.neuron_setup(p, cells, config=config or None)
    p.wait(us=presets.SETTLE_US)
    conn.run(p)


def device(conn: Connection):  # noqa: ANN201 - the in-process EmulatorSession
    assert conn.model is not None
    return conn.model


def cadc_membranes(conn: Connection, repeats: int = 1) -> np.ndarray:
    """CADC reads of all 512 membranes (causal channel), shape (repeats, 512)."""
    p = Program()
    p.write_array("column_correlation_quad", {
        f"enable_cadc_neuron_readout_{ch}_{e}": 1 for ch in ("causal", "acausal") for e in range(4)
    })
    reg = REGMAP["cadc_sample_quad"]
    # (synram, channel 0, row 0, quad 0..63): all 256 columns of each synram.
    idx = np.array([reg.index_of(s, 0, 0, q) for s in range(2) for q in range(64)])
    tickets = [p.read_array("cadc_sample_quad", idx) for _ in range(repeats)]
    conn.run(p)
    # Each ticket holds both synrams' rows: (2, 256) by column -> 512 neurons.
    return np.array([quads_by_column(t.array(), "sample").ravel() for t in tickets],
                    dtype=np.float64)


def spike_counts(conn: Connection, duration_us: float) -> np.ndarray:
    return spike_counts_after(conn, Program(), duration_us)


def test_leak_settles_to_e_l_and_the_cadc_sees_it() -> None:
    off = {"enable_fire": 0, "enable_synaptic_input_exc": 0, "enable_synaptic_input_inh": 0}
    reads, e_l = [], []
    for v_leak in (600, 800):
        conn = connect("sim:?seed=1")  # the same chip twice
        setup(conn, presets.neuron_cells(v_leak=v_leak), **off)
        truth = device(conn).introspect_neurons()
        state = device(conn).introspect_state()
        assert np.abs(state["v"] - truth["e_leak"]).max() < 5e-3  # settled to E_L
        e_l.append(truth["e_leak"])
        reads.append(cadc_membranes(conn, repeats=8))
    # The uncalibrated spread is realistic: E_L differs by tens of mV between neurons.
    assert 0.01 < e_l[0].std() < 0.05
    noise = reads[0].std(axis=0)
    assert 0.5 < np.median(noise) < 2.0  # about 1.2 LSB read noise plus membrane noise
    # Channel offsets (uncalibrated, ~12 LSB) cancel in the difference of two levels,
    # which follows the difference of the true E_L at about 2.8 mV per CADC LSB.
    step = reads[1].mean(axis=0) - reads[0].mean(axis=0)
    expected = (e_l[1] - e_l[0]) / 2.8e-3
    assert np.abs(step - expected).mean() < 0.1 * expected.mean()
    # Absolute reads carry each channel's fixed offset: a spread of several LSB around
    # the truth, the reason the CADC is calibrated first.
    residual = reads[0].mean(axis=0) - (e_l[0] - e_l[0].mean()) / 2.8e-3
    assert 4 < residual.std() < 25


def test_rate_rises_with_current_and_adaptation_lowers_it() -> None:
    rates = []
    for offset in (300, 450, 700):
        conn = connect("sim:?seed=2")
        setup(conn, presets.neuron_cells(i_mem_offset=offset), enable_membrane_offset=1,
              enable_synaptic_input_exc=0, enable_synaptic_input_inh=0)
        rates.append(spike_counts(conn, 200.0).astype(float))
    r = np.array(rates)
    firing = r[0] > 0
    assert firing.mean() > 0.5
    assert (np.diff(r[:, firing], axis=0) >= 0).mean() > 0.95
    assert r[2].mean() > 1.5 * r[0].mean()
    conn = connect("sim:?seed=2")
    setup(conn, presets.neuron_cells(i_mem_offset=450, i_bias_adapt_a=50, i_bias_adapt_b=300,
                                     i_bias_adapt_tau=30),
          enable_membrane_offset=1, enable_adaptation=1,
          enable_synaptic_input_exc=0, enable_synaptic_input_inh=0)
    adapted = spike_counts(conn, 200.0).astype(float)
    assert adapted.mean() < 0.8 * r[1].mean()


def route_l2_to_block0(p: Program, driver: int, label6: int, column: int, weight: int,
                       row_mode: int = 1) -> None:
    """L2 channel 0 -> PADI bus driver % 4 of block 0 only -> driver -> rows 2d, 2d+1."""
    node = REGMAP["crossbar_node"]
    for out in range(9):
        blocked = out != driver % 4
        p.write("crossbar_node", node.index_of(8, out), mask=0x3FFF if blocked else 0,
                target=0x3FFF if blocked else 0)
    p.write_array("synapse_driver_config", indices=[driver], enable_receiver=1,
                  row_address_compare_mask=0x1F, row_mode_top=row_mode, row_mode_bottom=row_mode)
    w = np.zeros(SYN_SHAPE, np.int64)
    lab = np.full(SYN_SHAPE, 63, np.int64)
    w[0, 2 * driver, column] = weight
    lab[0, 2 * driver, column] = label6
    p.write_synapses(weights=w, labels=lab)


def test_events_reach_exactly_the_addressed_row_and_label() -> None:
    conn = connect("sim:?seed=3")
    setup(conn, enable_fire=0)
    driver, column = 9, 77
    p = Program()
    route_l2_to_block0(p, driver, label6=5, column=column, weight=40)
    p.wait(us=1)
    conn.run(p)
    dev = device(conn)
    base = dev.introspect_state()["i_exc"].copy()
    # The matching label, then wrong row select and wrong synapse label.
    for label, hits in (((driver // 4) << 6 | 5, True), (((driver // 4) ^ 1) << 6 | 5, False),
                        ((driver // 4) << 6 | 6, False)):
        p = Program().timer_reset().inject([label], us=[0.1])
        p.wait_until(us=0.2)
        conn.run(p)
        i_exc = dev.introspect_state()["i_exc"]
        moved = np.flatnonzero(np.abs(i_exc - base) > 1e-12)
        assert moved.tolist() == ([column] if hits else []), label
        p = Program().wait(us=200)  # let the input decay
        conn.run(p)
        base = dev.introspect_state()["i_exc"].copy()


def test_psp_follows_tau_syn_and_tau_mem_on_the_madc() -> None:
    conn = connect("sim:?seed=4")
    neuron = 40
    setup(conn, enable_fire=0)
    p = Program()
    route_l2_to_block0(p, driver=0, label6=1, column=neuron, weight=63)
    p.write_array("neuron_config", indices=[neuron], membrane_capacitor_size=63,
                  enable_synaptic_input_exc=1, enable_synaptic_input_inh=1,
                  enable_readout=1, enable_readout_amplifier=1, readout_source=0)
    p.write("madc_config", number_of_samples=2000)
    p.wait(us=5)
    p.record_events()
    p.write("madc_control", wake_up=1, start_recording=1)
    p.timer_reset().inject([1], us=[10.0]).wait_until(us=75)
    res = conn.run(p)
    truth = device(conn).introspect_neurons()
    assert len(res.madc) >= 1900
    t = res.madc["time"] / 125e6  # seconds since the timer reset
    v = res.madc["value"].astype(float)
    base = v[t < 9.5e-6].mean()
    after = t >= 10e-6
    # The PSP predicted from the true parameters: difference of exponentials.
    tm = truth["c_mem"][neuron] / truth["g_leak"][neuron]
    ts = truth["tau_exc"][neuron]
    dt = t[after] - 10e-6
    model = (np.exp(-dt / tm) - np.exp(-dt / ts)) / (1 / ts - 1 / tm)
    y = v[after] - base
    assert y.max() > 20  # a visible PSP in MADC LSB
    assert np.corrcoef(y, model)[0, 1] > 0.95
    peak = dt[np.argmax(np.convolve(y, np.ones(9) / 9, "same"))]
    expected = np.log(tm / ts) / (1 / ts - 1 / tm)
    assert abs(peak - expected) < 0.25 * expected


def test_poisson_background_rate_within_bounds_and_seeded() -> None:
    def run(seed_register: int) -> np.ndarray:
        conn = connect("sim:?seed=5")
        p = Program()
        node = REGMAP["crossbar_node"]
        p.write("crossbar_node", node.index_of(12, 8), mask=0, target=0)  # source 0 -> L2 0
        p.write("background_spike_source", 0, period=100, rate=64, seed=seed_register,
                neuron_label=7, enable=1, enable_random=1)
        p.record_events().timer_reset().wait(us=800)
        return conn.run(p).spikes

    spikes = run(1234)
    periods = 800 * 125 / 100
    expected, sigma = periods * 64 / 256, np.sqrt(periods * 64 / 256 * (1 - 64 / 256))
    assert abs(len(spikes) - expected) < 5 * sigma
    assert np.array_equal(spikes, run(1234))
    assert not np.array_equal(spikes, run(999))


def test_same_seed_same_spikes() -> None:
    def run(seed: int) -> np.ndarray:
        conn = connect(f"sim:?seed={seed}")
        setup(conn, presets.neuron_cells(i_mem_offset=300), enable_membrane_offset=1)
        return spike_counts(conn, 50.0)

    a, b, c = run(7), run(7), run(8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_four_compartment_chain_attenuates_psps() -> None:
    conn = connect("sim:?seed=6")
    n_comp = 4
    cfg = {k: np.zeros(512, np.int64) for k in (
        "connect_membrane_right", "connect_soma", "connect_soma_right",
        "enable_multicomp_conductance", "membrane_capacitor_size")}
    # Compartment k = circuits 2k (capacitor, leak) and 2k+1 (C=0) shorted; circuit 2k+1
    # joins the somatic line, which continues into circuit 2k+2's line; circuit 2k+2
    # couples its membrane to that line through its inter-compartment conductance.
    for k in range(n_comp):
        a, b = 2 * k, 2 * k + 1
        cfg["membrane_capacitor_size"][a] = 63
        cfg["connect_membrane_right"][a] = 1
        if k + 1 < n_comp:
            cfg["connect_soma"][b] = 1
            cfg["connect_soma_right"][b] = 1
            cfg["enable_multicomp_conductance"][b + 1] = 1
    cells = presets.neuron_cells(i_bias_nmda=300)
    cells[1::2, presets.CELL_ROWS.index("i_bias_leak")] = 0
    setup(conn, cells, enable_fire=0, enable_synaptic_input_inh=0, **{
        k: v for k, v in cfg.items()})
    p = Program()
    route_l2_to_block0(p, driver=0, label6=1, column=0, weight=63)
    p.wait(us=50)
    conn.run(p)
    dev = device(conn)
    before = dev.introspect_state()["v"][0:2 * n_comp:2].copy()
    peaks = np.zeros(n_comp)
    p = Program().timer_reset().inject([1], us=[1.0])
    for k in range(40):
        p.wait_until(us=1.0 + 0.5 * k)
        conn.run(p)
        v = dev.introspect_state()["v"][0:2 * n_comp:2]
        peaks = np.maximum(peaks, v - before)
        p = Program()
    assert peaks[0] > 0.005
    assert np.all(np.diff(peaks) < 0), peaks


@pytest.mark.parametrize("bad", [{"seed": "x"}])
def test_sim_url_rejects_bad_seed(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        connect(f"sim:?seed={bad['seed']}")


def test_introspection_is_named_and_model_only() -> None:
    from bss_host import introspection
    from bss_host.connection import Connection
    from bss_host.transports import SimTransport

    conn = connect("sim:?seed=9")
    setup(conn, enable_fire=0)
    p = introspection.neuron_parameters(conn)
    assert set(introspection.PARAMETERS) <= set(p) and all(len(p[k]) == 512 for k in p)
    tau = introspection.tau_mem(conn)
    assert 5e-6 < np.median(tau) < 20e-6 and 0.1 < tau.std() / tau.mean() < 0.5

    class Board(SimTransport):
        """Bytes go to the model, but it presents itself as a board would: no model."""

        model = None  # type: ignore[assignment]

    fake = Connection(Board(conn.model), "socket://board")
    assert fake.model is None
    with pytest.raises(introspection.NotAModelError, match="in-process model"):
        introspection.neuron_parameters(fake)


def test_bypass_fires_on_an_input_event_whatever_the_membrane() -> None:
    conn = connect("sim:?seed=10")
    neuron = 12
    cells = presets.neuron_cells(v_threshold=1022)  # unreachable threshold
    setup(conn, cells, enable_synaptic_input_inh=0)
    p = Program()
    route_l2_to_block0(p, driver=2, label6=3, column=neuron, weight=10)
    p.write_array("neuron_config", indices=[neuron], membrane_capacitor_size=63,
                  enable_threshold_comparator=1, enable_fire=1, enable_synaptic_input_exc=1,
                  enable_reset_multiplication=1, enable_bypass_excitatory=1)
    p.wait(us=5)
    p.write_array("spike_counter_reset", trigger=1)
    p.timer_reset().inject([3] * 5, us=[10.0, 20.0, 30.0, 40.0, 50.0]).wait_until(us=60)
    counts = p.read_array("spike_counter_read")
    conn.run(p)
    c = counts.array()["count"]
    assert c[neuron] == 5 and c.sum() == 5


def test_reset_holdoff_releases_the_reset_early() -> None:
    def rate(holdoff: int) -> int:
        conn = connect("sim:?seed=11")
        setup(conn, presets.neuron_cells(i_mem_offset=900), enable_membrane_offset=1,
              enable_synaptic_input_exc=0, enable_synaptic_input_inh=0)
        p = Program().write_array("neuron_backend_config", refractory_time=4,
                                  enable_spike_out=1, select_input_clock=1,
                                  reset_holdoff=holdoff)
        p.wait(us=5)
        return int(spike_counts_after(conn, p, 100.0).sum())

    # holdoff 0 lets go 15 cycles before the end, holdoff 15 holds to the end.
    assert rate(0) > rate(15) * 1.05


def spike_counts_after(conn: Connection, p: Program, duration_us: float) -> np.ndarray:
    p.write_array("spike_counter_reset", trigger=1)
    p.wait(us=duration_us)
    t = p.read_array("spike_counter_read")
    conn.run(p)
    return t.array()["count"]


def test_strong_fire_makes_shorted_circuits_fire_together() -> None:
    conn = connect("sim:?seed=12")
    cfg = {k: np.zeros(512, np.int64) for k in (
        "connect_membrane_right", "enable_fire", "enable_strong_fire")}
    cfg["connect_membrane_right"][100] = 1  # circuits 100 and 101 share one membrane
    cfg["enable_fire"][100] = 1  # only circuit 100 has its fire enabled...
    setup(conn, presets.neuron_cells(i_mem_offset=600), enable_membrane_offset=1,
          enable_synaptic_input_exc=0, enable_synaptic_input_inh=0, **cfg)
    weak = spike_counts(conn, 50.0)
    assert weak[100] > 0 and weak[101] == 0
    now = {k: int(v[100]) for k, v in cfg.items()} | {"enable_strong_fire": 1}
    p = Program().write_array("neuron_config", indices=[100], **now, membrane_capacitor_size=63,
                              enable_threshold_comparator=1, enable_membrane_offset=1,
                              enable_reset_multiplication=1)
    strong = spike_counts_after(conn, p, 50.0)
    assert strong[101] == strong[100] > 0  # ...but its strong fire drives 101 too


def test_unbuffered_access_reaches_the_madc() -> None:
    conn = connect("sim:?seed=13")
    setup(conn, enable_fire=0)
    p = Program().write_array("neuron_config", indices=[5], enable_readout=1,
                              enable_unbuffered_access=1, membrane_capacitor_size=63)
    p.write("madc_config", number_of_samples=100).record_events()
    p.write("madc_control", wake_up=1, start_recording=1).wait(us=10)
    res = conn.run(p)
    v = device(conn).introspect_state()["v"][5]
    assert len(res.madc) == 100
    assert abs(np.median(res.madc["value"]) - v / 1.2 * 1023) < 20


def test_correlation_sensor_counts_pairings_and_resets_through_the_cadc() -> None:
    conn = connect("sim:?seed=14")
    neuron, driver, row, quad, entry = 40, 2, 4, 5, 0  # column 40 is quad 5, entry 0
    setup(conn, presets.neuron_cells(v_threshold=1022), enable_synaptic_input_inh=0)
    p = Program()
    route_l2_to_block0(p, driver=driver, label6=3, column=neuron, weight=10)
    p.write_array("neuron_config", indices=[neuron], membrane_capacitor_size=63,
                  enable_threshold_comparator=1, enable_fire=1, enable_synaptic_input_exc=1,
                  enable_reset_multiplication=1, enable_bypass_excitatory=1)
    ccq = REGMAP["column_correlation_quad"]
    p.write("column_correlation_quad", ccq.index_of(0, quad),
            **{f"enable_internal_causal_{entry}": 1, f"enable_internal_acausal_{entry}": 1})
    p.write("correlation_reset", REGMAP["correlation_reset"].index_of(0, row, quad), trigger=1)
    p.wait(us=5)
    conn.run(p)
    sample = REGMAP["cadc_sample_quad"].index_of(0, 0, row, quad)

    def causal_read() -> float:
        p = Program()
        t = p.read_array("cadc_sample_quad", [sample] * 16)
        conn.run(p)
        return float(t.array()[f"sample_{entry}"].mean())

    before = causal_read()
    # Each event is a pre spike at the synapse and, through the bypass, a post spike of
    # its column in the same cycle: a causal pairing at zero delay adds one trace unit.
    p = Program().timer_reset().inject([3] * 20, us=np.arange(20) * 20.0 + 5).wait_until(us=420)
    conn.run(p)
    charged = causal_read()
    p = Program().write("correlation_reset", REGMAP["correlation_reset"].index_of(0, row, quad),
                        trigger=1).wait(us=1)
    conn.run(p)
    after_reset = causal_read()
    # 20 units x 2.5 mV at ~2.8 mV per CADC LSB: about 18 LSB lower while charged.
    assert 12 < before - charged < 24
    assert abs(after_reset - before) < 1.5
