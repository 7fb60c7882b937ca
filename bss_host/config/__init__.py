"""The chip's configuration from the user's side, as data.

- :class:`Chip` (:mod:`.chip`): the whole configuration as one object, with neurons as
  logical views (:mod:`.neurons`) and every register reachable by name, every assignment
  validated (:mod:`.views`), on top of a :class:`ConfigImage` (:mod:`.image`);
- :mod:`.presets`: working starting configurations.

This layer is pure data: it sits below programs and connections, which take a ``Chip``
(``conn.apply(chip)``, ``conn.read_chip()``).
"""

from bss_host.config import enums, presets
from bss_host.config.chip import BLOCKS, Chip, ChipReadback
from bss_host.config.diff import ChangeSet, RegisterChange, changes_against, diff
from bss_host.config.image import REGISTERS, WRITE_ORDER, ConfigImage
from bss_host.config.neurons import GROUPS
from bss_host.config.store import load, save
from bss_host.config.validate import ConfigProblem

__all__ = [
    "BLOCKS",
    "GROUPS",
    "REGISTERS",
    "WRITE_ORDER",
    "ChangeSet",
    "Chip",
    "ChipReadback",
    "ConfigImage",
    "ConfigProblem",
    "RegisterChange",
    "changes_against",
    "diff",
    "enums",
    "load",
    "presets",
    "save",
]
