"""Wall time per millisecond of hardware time of the full chip model in four scenarios
(issue 12), optionally beside NEST simulating the same networks.

Scenarios (all 512 neurons, built through ``presets.setup_chip`` and ``conn.apply``,
then settled):

- idle: CapMem settled, no input, no neuron near threshold;
- tonic: leaky integrate-and-fire neurons driven by the membrane offset current;
- adex: exponential term, sub-threshold and spike-triggered adaptation, offset drive,
  and every neuron's spikes routed back to one full synapse row of its hemisphere
  (the recurrent layout of ``tools/bench/model.py``, no background);
- dense: as ``tools/bench/model.py`` (AdEx, recurrent rows) plus 8 Poisson background
  sources whose events reach every neuron through the synapse array.

Each run times ``conn.run(Program().wait(us=1000))``; the figure is the median over the
repeats, in wall seconds per millisecond of hardware time (= per second of biological
time). The chip is 1000x faster than biology, so silicon needs 0.001 s per ms; the
ratio to silicon is the figure / 0.001.

NEST (optional: ``pip install nest-simulator``) runs the same 512 cells as
``aeif_cond_exp``-like current-based AdEx (``aeif_psc_exp``) with the chip's true
parameters from the introspection API, the same recurrent weights and background rates,
at its default resolution (0.1 ms biological), timed for 1 s of biological time.

    python tools/bench/model_speed.py [--repeats 3] [--seed 1] [--url sim:?seed=1]
        [--no-nest] [--json PATH] [--scenarios idle,tonic,adex,dense]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import model as net  # noqa: E402  (tools/bench/model.py: the recurrent layout)

from bss_host import Program, connect, introspection, presets  # noqa: E402
from bss_host.connection import Connection  # noqa: E402
from bss_host.units import NEURONS  # noqa: E402

SETTLE_US = presets.SETTLE_US + 600
RUN_US = 1000.0
SCENARIOS = ("idle", "tonic", "adex", "dense")
TONIC_CELLS = {"i_mem_offset": 400}
ADEX_CELLS = {"i_mem_offset": 400, **net.NEURON_CELLS}


def build(conn: Connection, scenario: str, seed: int) -> None:
    """Apply the scenario's configuration and let CapMem settle."""
    if scenario == "idle":
        chip = presets.setup_chip()
        conn.apply(chip)
        conn.run(Program().wait(us=SETTLE_US))
        return
    if scenario == "tonic":
        chip = presets.setup_chip(presets.neuron_cells(**TONIC_CELLS),
                                  config={"enable_membrane_offset": 1})
        conn.apply(chip)
        conn.run(Program().wait(us=SETTLE_US))
        return
    weights, labels, lay = net.network(seed)
    p = net.setup_program(weights, labels, lay)
    if scenario == "adex":
        # The recurrent network of model.py, driven by the offset current instead of the
        # background sources (which stay off).
        cells = presets.neuron_cells(**ADEX_CELLS)
        address = np.zeros(NEURONS, np.int64)
        address[net.backend_index(np.arange(NEURONS))] = lay.address
        presets.neuron_setup(p, cells, config={**net.NEURON_CONFIG,
                                               "enable_membrane_offset": 1},
                             backend={"address_out": address})
        for i in range(8):
            p.write("background_spike_source", i, enable=0)
        p.wait(us=SETTLE_US)
    conn.run(p)


def time_runs(conn: Connection, repeats: int) -> tuple[list[float], list[int]]:
    walls, spikes, _ = net.run_chip(conn, repeats, RUN_US)
    return walls, spikes


def run_nest(conn: Connection, scenario: str, seed: int) -> tuple[float, int] | None:
    """Wall seconds NEST needs for 1 s of biological time of the same network and the
    spikes it produced, or None without NEST."""
    try:
        import nest  # type: ignore[import-not-found]
    except ImportError:
        return None
    p = introspection.neuron_parameters(conn)
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"local_num_threads": 1, "rng_seed": seed + 1})
    # Biological units: hardware time x 1000; currents and capacitances scaled so that
    # the membrane equation is the chip's (C and g scale together, time constants x 1000).
    t = 1e3 * 1e3  # s (hardware) -> ms (biological)
    cells = nest.Create("aeif_psc_exp", NEURONS)
    c_pf = np.asarray(p["c_mem"]) * 1e12 * 1e3
    g_ns = np.asarray(p["g_leak"]) * 1e9
    adex = scenario in ("adex", "dense")
    cur = 1e12  # A -> pA
    status = {
        "C_m": c_pf, "g_L": g_ns, "E_L": np.asarray(p["e_leak"]) * 1e3,
        "V_th": np.asarray(p["v_t"]) * 1e3 if adex else np.asarray(p["v_thresh"]) * 1e3,
        # Without the exponential term (tonic): Delta_T = 0 makes aeif a LIF neuron that
        # spikes at V_th; NEST then wants V_peak = V_th.
        "V_peak": np.asarray(p["v_thresh"]) * 1e3,
        "V_reset": np.asarray(p["v_reset"]) * 1e3,
        "Delta_T": np.asarray(p["delta_t"]) * 1e3 if adex else np.zeros(NEURONS),
        "t_ref": np.full(NEURONS, 2.0 * 1e3 * 1e-3 * 1e3 / 1e3),
        "tau_syn_ex": np.maximum(np.asarray(p["tau_exc"]) * t, 0.2),
        "tau_syn_in": np.maximum(np.asarray(p["tau_inh"]) * t, 0.2),
        "I_e": np.asarray(p["i_offset"]) * cur,
        "a": np.asarray(p["a"]) * 1e9 if adex else np.zeros(NEURONS),
        "b": np.asarray(p["b"]) * cur if adex else np.zeros(NEURONS),
        "tau_w": np.maximum(np.asarray(p["tau_w"]) * t, 1.0),
    }
    if adex:
        status["V_th"] = np.minimum(status["V_th"], status["V_peak"] - 0.1)
    nest.SetStatus(cells, [{k: float(v[i]) for k, v in status.items()} for i in range(NEURONS)])
    if scenario in ("adex", "dense"):
        weights, _, lay = net.network(seed)
        scale_e = np.asarray(p["scale_exc"]) * cur
        scale_i = np.asarray(p["scale_inh"]) * cur
        pre, post, w = [], [], []
        for h in range(2):
            for j in range(256):
                n = 256 * h + j
                row = weights[h, lay.row[n]]
                targets = 256 * h + np.arange(256)
                sc = -scale_i[targets] if lay.inhibitory[n] else scale_e[targets]
                pre.append(np.full(256, n))
                post.append(targets)
                w.append(row * sc)
        nest.Connect(np.concatenate(pre) + cells[0].global_id,
                     np.concatenate(post) + cells[0].global_id,
                     "one_to_one", {"weight": np.concatenate(w),
                                    "delay": np.full(sum(len(x) for x in w), 0.1)})
        if scenario == "dense":
            rate = 1 / (net.BG_PERIOD * net.DT) * net.BG_RATE / 256 / 1000  # biological Hz
            bg = nest.Create("poisson_generator", 8, {"rate": rate})
            for i in range(8):
                tg = cells[(i // 4) * 256:(i // 4) * 256 + 256]
                nest.Connect(bg[i], tg, "all_to_all",
                             {"weight": float(np.mean(weights)) * float(np.mean(scale_e)),
                              "delay": 0.1})
    rec = nest.Create("spike_recorder")
    nest.Connect(cells, rec)
    t0 = time.perf_counter()
    nest.Simulate(1000.0)
    wall = time.perf_counter() - t0
    # Spikes in one biological second: comparable with the chip's spikes per ms of
    # hardware time (the same stretch of model time).
    return wall, int(rec.get("n_events"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per scenario")
    ap.add_argument("--seed", type=int, default=1, help="chip seed (default 1)")
    ap.add_argument("--url", default=None, help="sim: URL (default sim:?seed=SEED)")
    ap.add_argument("--no-nest", action="store_true", help="skip NEST even if installed")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated subset")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    url = args.url or f"sim:?seed={args.seed}"
    results: dict[str, Any] = {"url": url, "repeats": args.repeats, "scenarios": {}}
    for scenario in args.scenarios.split(","):
        conn = connect(url)
        build(conn, scenario, args.seed)
        walls, spikes = time_runs(conn, args.repeats)
        nest = None if args.no_nest else run_nest(conn, scenario, args.seed)
        med = statistics.median(walls)
        results["scenarios"][scenario] = {
            "wall_s_per_ms": med, "runs": walls, "spikes_per_ms": spikes,
            "ratio_to_silicon": med / 1e-3,
            "nest_s_per_bio_s": None if nest is None else nest[0],
            "nest_spikes_per_bio_s": None if nest is None else nest[1]}
        conn.close()
    print("| scenario | wall s per ms hw (median) | x silicon | spikes per ms | "
          "NEST s per bio s | NEST spikes per bio s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results["scenarios"].items():
        nest_s, nest_n = r["nest_s_per_bio_s"], r["nest_spikes_per_bio_s"]
        print(f"| {name} | {r['wall_s_per_ms']:.4f} | {r['ratio_to_silicon']:.0f} | "
              f"{statistics.median(r['spikes_per_ms']):.0f} | "
              f"{'-' if nest_s is None else f'{nest_s:.3f}'} | "
              f"{'-' if nest_n is None else nest_n} |")
    text = json.dumps(results, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
