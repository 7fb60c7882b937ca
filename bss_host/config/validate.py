"""Checks of a whole configuration for the mistakes the chip's quirks invite.

Each :class:`ConfigProblem` has a severity (``error``: applying is refused; ``warning``:
legal but probably not meant), the coordinates involved, and a sentence a user
understands. Every check is vectorised over the configuration's arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from bss_host.coords import (
    FIRST_BACKGROUND_INPUT,
    FIRST_L2_OUTPUT,
    AtomicNeuron,
    BackgroundSource,
    CapMemCell,
    CrossbarNode,
    Quadrant,
    SynapseRow,
    backend_of_enums,
    iter_all,
)

if TYPE_CHECKING:
    from bss_host.config.chip import Chip

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
    drv = chip.image.columns["synapse_driver_config"]
    weights = chip.image.synapses["weight"]
    receiving = drv["enable_receiver"].reshape(2, 128) != 0
    mode = np.stack([drv["row_mode_top"].reshape(2, 128), drv["row_mode_bottom"]
                     .reshape(2, 128)], axis=-1).reshape(2, 256)
    driven = np.repeat(receiving, 2, axis=1) & (mode != 0)
    has_weight = (weights != 0).any(axis=2)
    orphan = np.argwhere(has_weight & ~driven)
    if orphan.size:
        return [ConfigProblem(
            "warning", tuple(SynapseRow(int(h), int(r)) for h, r in orphan),
            f"{len(orphan)} synapse row(s) hold weights but no driver drives them (driver "
            "receiver off, or row mode disabled): those synapses never see an event",
            "weights_without_driver")]
    return []


def check_background(chip: Chip) -> list[ConfigProblem]:
    """Background sources that run but reach nothing through the crossbar."""
    bg = chip.image.columns["background_spike_source"]
    nodes = chip.image.columns["crossbar_node"]
    padi = chip.image.columns["common_padi_bus_config"]
    out = []
    for s in np.flatnonzero(bg["enable"] != 0):
        label = int(bg["neuron_label"][s])
        reaches = False
        for node in iter_all(CrossbarNode):
            if node.input != FIRST_BACKGROUND_INPUT + s:
                continue
            if label & int(nodes["mask"][node.enum]) != int(nodes["target"][node.enum]):
                continue
            if node.output >= FIRST_L2_OUTPUT:
                reaches = True
            elif padi[f"enable_spl1_{node.output % 4}"][node.output // 4]:
                reaches = True
        if not reaches:
            out.append(ConfigProblem(
                "warning", (BackgroundSource(int(s)),),
                f"background source {s} runs, but no crossbar node passes its label "
                f"{label:#06x} to an enabled PADI bus or L2 output: its events are dropped",
                "source_reaches_nothing"))
    return out


CHECKS = (check_capmem, check_multicompartment, check_readout, check_event_output,
          check_synapses, check_background)


def validate(chip: Chip) -> list[ConfigProblem]:
    """Every problem of the configuration, errors first."""
    problems = [p for check in CHECKS for p in check(chip)]
    return sorted(problems, key=lambda p: p.severity != "error")
