"""Checks of a whole configuration for the mistakes the chip's quirks invite.

Each :class:`ConfigProblem` has a severity (``error``: applying is refused; ``warning``:
legal but probably not meant), the coordinates involved, and a sentence a user
understands. Every check is vectorised over the configuration's arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from bss_host.config.graph import driven_rows
from bss_host.coords import (
    FIRST_L2_OUTPUT,
    AtomicNeuron,
    BackgroundSource,
    CapMemCell,
    PadiBus,
    Quadrant,
    SynapseRow,
    backend_of_enums,
)

if TYPE_CHECKING:
    from bss_host.config.chip import Chip
    from bss_host.config.graph import Source

Severity = Literal["error", "warning"]
DISABLE_REFRESH = 1023


@dataclass(frozen=True)
class ConfigProblem:
    severity: Severity
    coordinates: tuple[object, ...]
    message: str
    check: str
    """A stable name of the check that found it (for filtering and tests)."""

    def __str__(self) -> str:
        where = ", ".join(repr(c) for c in self.coordinates[:4])
        more = f" (+{len(self.coordinates) - 4} more)" if len(self.coordinates) > 4 else ""
        return f"{self.severity}: {self.message}" + (f" [{where}{more}]" if where else "")


def _neurons(enums: np.ndarray) -> tuple[AtomicNeuron, ...]:
    return tuple(AtomicNeuron.from_enum(int(e)) for e in enums)


def check_capmem(chip: Chip) -> list[ConfigProblem]:
    c = chip.image.columns
    out = []
    off = np.flatnonzero(c["capmem_block_config"]["enable_capmem"] == 0)
    fire = c["neuron_config"]["enable_fire"].reshape(4, -1).any(axis=1)
    dead = [q for q in off if fire[q]]
    if dead:
        out.append(ConfigProblem(
            "error", tuple(Quadrant(int(q)) for q in dead),
            "neurons are set to fire in a quadrant whose CapMem block is disabled: every "
            "analog parameter there reads 0 V / 0 A", "capmem_disabled"))
    frozen = np.flatnonzero(c["capmem_cell"]["value"] == DISABLE_REFRESH)
    if frozen.size:
        out.append(ConfigProblem(
            "warning", tuple(CapMemCell.from_enum(int(i)) for i in frozen),
            f"{frozen.size} CapMem cell(s) have refresh disabled (code 1023): their value "
            "droops away within tens of milliseconds", "capmem_refresh_disabled"))
    return out


def check_multicompartment(chip: Chip) -> list[ConfigProblem]:
    cfg = chip.image.columns["neuron_config"]
    columns = np.arange(512) % 256
    last = columns == 255
    out = []
    for field in ("connect_soma_right", "connect_membrane_right"):
        bad = np.flatnonzero((cfg[field] != 0) & last)
        if bad.size:
            out.append(ConfigProblem(
                "error", _neurons(bad),
                f"{field} is set on the last column, which has no right neighbour",
                "multicompartment_edge"))
    both = np.flatnonzero((cfg["connect_soma"] != 0) & (cfg["connect_soma_right"] != 0)
                          & (cfg["enable_multicomp_conductance"] != 0))
    if both.size:
        out.append(ConfigProblem(
            "warning", _neurons(both),
            "connect_soma shorts the compartment to the somatic line while the "
            "inter-compartment conductance is also enabled: the conductance has no effect",
            "multicompartment_contradiction"))
    return out


def _neuron_problem(where: np.ndarray, minimum: int, severity: Severity, message: str,
                    check: str) -> list[ConfigProblem]:
    """One problem naming the neurons where ``where`` holds, if there are ``minimum``."""
    hits = np.flatnonzero(where)
    if hits.size < minimum:
        return []
    return [ConfigProblem(severity, _neurons(hits), message.format(n=hits.size), check)]


def check_readout(chip: Chip) -> list[ConfigProblem]:
    cfg = chip.image.columns["neuron_config"]
    return _neuron_problem(
        (cfg["enable_readout"] != 0) | (cfg["enable_unbuffered_access"] != 0), 2, "error",
        "{n} neurons drive the one readout line (and MADC channel) at once; their "
        "membranes would be shorted together. Enable readout on one neuron",
        "readout_conflict")


def check_event_output(chip: Chip) -> list[ConfigProblem]:
    cfg = chip.image.columns["neuron_config"]
    spike_out = chip.image.columns["neuron_backend_config"]["enable_spike_out"]
    return _neuron_problem(
        (cfg["enable_fire"] != 0) & (spike_out[backend_of_enums(np.arange(512))] == 0), 1,
        "warning", "{n} neuron(s) fire but their backend does not send spikes out "
        "(neuron_backend_config.enable_spike_out = 0): nothing downstream sees them",
        "fire_without_output")


def check_synapses(chip: Chip) -> list[ConfigProblem]:
    """Synapses with weight in rows no driver drives."""
    weights = chip.image.synapses["weight"]
    driven = driven_rows(chip.image.columns) != 0
    has_weight = (weights != 0).any(axis=2)
    orphan = np.argwhere(has_weight & ~driven)
    if orphan.size:
        return [ConfigProblem(
            "warning", tuple(SynapseRow(int(h), int(r)) for h, r in orphan),
            f"{len(orphan)} synapse row(s) hold weights but no driver drives them (driver "
            "receiver off, or row mode disabled): those synapses never see an event",
            "weights_without_driver")]
    return []


def _source_coordinate(source: Source) -> object:
    if source.kind == "background":
        return BackgroundSource(source.index)
    return AtomicNeuron.from_enum(source.index)


def check_routes(chip: Chip) -> list[ConfigProblem]:
    """Sources whose events go nowhere, and different sources that put the same label on
    one PADI bus (the synapses cannot tell them apart)."""
    graph = chip.graph()
    out = []
    on_bus: dict[int, list[tuple[npt.NDArray[np.int64], int]]] = {}
    lost: list[object] = []
    for i, source in enumerate(graph.sources):
        reaches = False
        for output, labels in graph.passes(source.input, source.labels):
            if output >= FIRST_L2_OUTPUT:
                reaches = True
            elif graph.bus_enabled(output):
                reaches = True
                on_bus.setdefault(output, []).append((labels, i))
        if not reaches:
            lost.append(_source_coordinate(source))
    if lost:
        out.append(ConfigProblem(
            "warning", tuple(lost),
            f"{len(lost)} source(s) send events that no crossbar node passes to an enabled "
            "PADI bus or L2 output: they are dropped", "source_reaches_nothing"))
    for bus, entries in sorted(on_bus.items()):
        if len(entries) < 2:
            continue
        # Labels are unique within each source (background labels come from np.unique).
        labels = np.concatenate([lab for lab, _ in entries])
        owners = np.concatenate([np.full(lab.size, i) for lab, i in entries])
        values, counts = np.unique(labels, return_counts=True)
        shared = values[counts > 1]
        if shared.size:
            clash = sorted({int(o) for o in owners[np.isin(labels, shared)]})
            out.append(ConfigProblem(
                "warning",
                (PadiBus.from_enum(bus), *(_source_coordinate(graph.sources[i]) for i in clash)),
                f"{len(clash)} sources put the same label(s) on PADI bus {bus} (first "
                f"{int(shared[0]):#06x}): the synapses cannot tell their events apart",
                "label_collision"))
    return out


def check_neuron_settings(chip: Chip) -> list[ConfigProblem]:
    """Bits that contradict each other, and parameters outside the ranges the reference
    calls usable, for the neurons that are switched on."""
    cfg = chip.image.columns["neuron_config"]
    cells = chip.neurons
    fire = cfg["enable_fire"] != 0
    out = _neuron_problem(
        fire & (cfg["enable_threshold_comparator"] == 0)
        & (cfg["enable_bypass_excitatory"] == 0) & (cfg["enable_bypass_inhibitory"] == 0), 1,
        "warning", "{n} neuron(s) may fire but their threshold comparator is off and no "
        "bypass is on: they never spike", "fire_without_threshold")
    v_leak = np.asarray(cells.leak.v_leak)
    for name, values, low, high in (("leak.v_leak", v_leak, 400, 1000),
                                    ("reset.v_reset", np.asarray(cells.reset.v_reset), 400,
                                     1000)):
        out += _neuron_problem(
            fire & ((values < low) | (values > high)), 1, "warning",
            f"{{n}} firing neuron(s) have {name} outside {low}..{high} LSB, the range the "
            "reference calls usable before calibration", "outside_usable_range")
    adapt_off = np.abs(np.asarray(cells.adaptation.v_leak).astype(np.int64) - v_leak) > 50
    out += _neuron_problem(
        (cfg["enable_adaptation"] != 0) & adapt_off, 1, "warning",
        "{n} neuron(s) adapt with adaptation.v_leak more than 50 LSB from leak.v_leak: an "
        "offset current flows into the adaptation state (it must track E_L)",
        "adaptation_reference")
    return out


def check_synaptic_inputs(chip: Chip) -> list[ConfigProblem]:
    """Weights in driven rows into neurons whose synaptic input of that sign is off."""
    cfg = chip.image.columns["neuron_config"]
    modes = driven_rows(chip.image.columns)
    weights = chip.image.synapses["weight"] != 0
    out = []
    for bit, sign in ((1, "exc"), (2, "inh")):
        rows = (modes & bit) != 0                                        # (2, 256 rows)
        into = (weights & rows[:, :, None]).any(axis=1).ravel()          # (512 neurons)
        off = cfg[f"enable_synaptic_input_{sign}"] == 0
        out += _neuron_problem(
            into & off, 1, "warning",
            f"{{n}} neuron(s) get {sign}itatory weights through driven rows but their {sign} "
            "synaptic input is disabled: those synapses do nothing", f"{sign}_input_off")
    return out


CHECKS = (check_capmem, check_multicompartment, check_readout, check_event_output,
          check_synapses, check_routes, check_neuron_settings, check_synaptic_inputs)


def validate(chip: Chip) -> list[ConfigProblem]:
    """Every problem of the configuration, errors first."""
    problems = [p for check in CHECKS for p in check(chip)]
    return sorted(problems, key=lambda p: p.severity != "error")
