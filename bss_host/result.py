"""What comes back from a run: :class:`RunResult`, the record dtypes of spikes and MADC
samples, and :class:`Problem`, one instruction the chip refused or that timed out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bss_host.units import cycles_to_us

SPIKE_DTYPE = np.dtype([("time", np.uint64), ("label", np.uint16)])
"""Recorded spikes: time in FPGA cycles since the last timer reset, 16-bit label."""

MADC_DTYPE = np.dtype([("time", np.uint64), ("value", np.uint16), ("channel", np.uint8)])
"""MADC samples: time in FPGA cycles, 10-bit sample, source channel."""

ProblemKind = Literal["read_denied", "write_denied", "unmapped", "malformed", "timeout"]


@dataclass(frozen=True)
class Problem:
    """One instruction the chip answered with an error, or a wait that timed out.

    ``instruction`` counts the program's instructions from 0, as the wire format's ERROR
    responses do. ``address`` is the register address (for ``malformed``: the byte offset
    in the payload; for ``timeout``: None). ``ticket`` is the read ticket of a refused read.
    ``waited`` is the cycles a timed-out wait waited.
    """

    kind: ProblemKind
    instruction: int
    message: str
    address: int | None = None
    ticket: int | None = None
    waited: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class RunResult:
    """What came back from one run."""

    reads: npt.NDArray[np.uint32]
    """Every word read, in ticket order."""
    spikes: npt.NDArray[Any]
    """Structured array of :data:`SPIKE_DTYPE` (time: FPGA cycles after the last timer
    reset, label)."""
    madc: npt.NDArray[Any]
    """Structured array of :data:`MADC_DTYPE` (time, value, channel)."""
    timeouts: list[tuple[int, int]]
    """(instruction, cycles waited) of every wait that ran into the instruction timeout."""
    halt_time: int
    """Model time at the HALT, FPGA cycles."""
    wall_time: float
    """Seconds of wall time the run took."""
    link: dict[str, int] = field(default_factory=dict)
    """Link-layer counters (frames, retransmissions, ...)."""
    problems: list[Problem] = field(default_factory=list)
    """Every instruction that failed; :meth:`Connection.run` raises if there are any."""

    @property
    def spike_times_us(self) -> npt.NDArray[np.float64]:
        """Spike times in microseconds of hardware time."""
        return cycles_to_us(self.spikes["time"])


def spike_records(times: npt.ArrayLike, labels: npt.ArrayLike) -> npt.NDArray[Any]:
    """Spikes as a structured array of :data:`SPIKE_DTYPE`."""
    t = np.asarray(times)
    out = np.empty(len(t), SPIKE_DTYPE)
    out["time"], out["label"] = t, labels
    return out


def madc_records(times: npt.ArrayLike, packed: npt.ArrayLike) -> npt.NDArray[Any]:
    """MADC samples as a structured array of :data:`MADC_DTYPE`, from the wire's packed
    form (10-bit value, channel above it)."""
    t, v = np.asarray(times), np.asarray(packed)
    out = np.empty(len(t), MADC_DTYPE)
    out["time"], out["value"], out["channel"] = t, v & 0x3FF, v >> 10
    return out


__all__ = [
    "MADC_DTYPE",
    "SPIKE_DTYPE",
    "Problem",
    "ProblemKind",
    "RunResult",
    "madc_records",
    "spike_records",
]
