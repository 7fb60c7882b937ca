"""The minimal change between two configurations, and between a configuration and what a
connection's shadow says the chip holds. Computed with the bulk encoders on whole
registers; registers whose values did not change are not even encoded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from bss_host.config.chip import Chip
from bss_host.config.image import SYNAPSE_REGISTER, WRITE_ORDER, ConfigImage
from bss_host.regmap import REGMAP


class ShadowLike(Protocol):
    """What :func:`changes_against` needs of a shadow copy (``bss_host._core.Shadow``)."""

    def get(self, addresses: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.uint32],
                                                               npt.NDArray[np.bool_]]: ...


@dataclass(frozen=True)
class RegisterChange:
    """The words of one register that differ: which instances, and (address, word) pairs."""

    register: str
    instances: npt.NDArray[np.intp]
    addresses: npt.NDArray[np.uint32]
    words: npt.NDArray[np.uint32]


@dataclass
class ChangeSet:
    """Changes per register, in the write order that is safe on silicon
    (:data:`~bss_host.config.image.WRITE_ORDER`)."""

    changes: list[RegisterChange] = field(default_factory=list)

    def __iter__(self) -> Iterator[RegisterChange]:
        return iter(self.changes)

    def __len__(self) -> int:
        """Number of words to write."""
        return sum(len(c.words) for c in self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def registers(self) -> list[str]:
        return [c.register for c in self.changes]

    def addresses(self) -> npt.NDArray[np.uint32]:
        return np.concatenate([c.addresses for c in self.changes]) if self.changes else \
            np.empty(0, np.uint32)

    def words(self) -> npt.NDArray[np.uint32]:
        return np.concatenate([c.words for c in self.changes]) if self.changes else \
            np.empty(0, np.uint32)

    def __repr__(self) -> str:
        parts = ", ".join(f"{c.register}: {len(c.instances)}" for c in self.changes)
        return f"<ChangeSet: {len(self)} words ({parts or 'nothing'})>"


def _same(a: ConfigImage, b: ConfigImage, register: str) -> bool:
    if register == SYNAPSE_REGISTER:
        return all(np.array_equal(a.synapses[k], b.synapses[k]) for k in a.synapses)
    return all(np.array_equal(v, b.columns[register][f]) for f, v in a.columns[register].items())


def _change(register: str, addresses: npt.NDArray[np.uint32], words: npt.NDArray[np.uint32],
            changed: npt.NDArray[np.bool_]) -> RegisterChange:
    # Streams are instance-major, ``words`` words per instance.
    per = REGMAP[register].words
    positions = np.flatnonzero(changed)
    instances = np.flatnonzero(changed.reshape(-1, per).any(axis=1))
    return RegisterChange(register, instances, addresses[positions], words[positions])


def diff(a: Chip, b: Chip) -> ChangeSet:
    """What to write to turn a chip holding ``a`` into one holding ``b``: per register,
    the instances whose words differ and those words.

    >>> from bss_host.config import Chip
    >>> a = Chip.default(); b = a.copy()
    >>> b.synapses.weight[1, 2, 3] = 17
    >>> diff(a, b)
    <ChangeSet: 1 words (synapse_quad: 1)>
    >>> bool(diff(a, a))
    False
    """
    out = ChangeSet()
    for register in WRITE_ORDER:
        if _same(a.image, b.image, register):
            continue
        old, new = a.image.words(register), b.image.words(register)
        changed = old.words != new.words
        if changed.any():
            out.changes.append(_change(register, new.addresses, new.words, changed))
    return out


def changes_against(chip: Chip, shadow: ShadowLike) -> ChangeSet:
    """What to write so the chip holds ``chip``, given the shadow of what was written:
    every word the shadow does not hold, or holds with another value."""
    out = ChangeSet()
    for register, stream in chip.image.streams():
        held, present = shadow.get(stream.addresses)
        changed = ~present | (held != stream.words)
        if changed.any():
            out.changes.append(_change(register, stream.addresses, stream.words, changed))
    return out
