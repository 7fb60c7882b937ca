"""Enumerated register fields as Python enums, generated from the register map's enum
names (nothing here is written by hand).

>>> from bss_host.config.enums import enum_of
>>> ReadoutSource = enum_of("neuron_config", "readout_source")
>>> ReadoutSource.adaptation, int(ReadoutSource.adaptation)
(<NeuronConfigReadoutSource.adaptation: 3>, 3)
"""

from __future__ import annotations

import enum

from bss_host.config.image import REGISTERS, SYNAPSE_REGISTER
from bss_host.regmap import REGMAP


def _class_name(register: str, field: str) -> str:
    return "".join(part.capitalize() for part in f"{register}_{field}".split("_"))


ENUMS: dict[tuple[str, str], type[enum.IntEnum]] = {
    (r, f.name): enum.IntEnum(_class_name(r, f.name),  # type: ignore[misc]
                              {name: i for i, name in enumerate(f.enum)}, module=__name__)
    for r in (*REGISTERS, SYNAPSE_REGISTER) for f in REGMAP[r].fields if f.enum
}
"""(register, field) -> the field's enum, for every enumerated configuration field."""

globals().update({cls.__name__: cls for cls in ENUMS.values()})


def enum_of(register: str, field: str) -> type[enum.IntEnum] | None:
    """The enum of a field, or None if the field is a plain number."""
    return ENUMS.get((register, field))


__all__ = ["ENUMS", "enum_of", *(cls.__name__ for cls in ENUMS.values())]
