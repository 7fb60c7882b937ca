"""bss-host: host software for an accelerated analog neuromorphic chip modeled on
BrainScaleS-2. The register map is the entry point for now: :data:`REGMAP`."""

from bss_host._core import (
    AccessError,
    IndexOutOfRangeError,
    RegmapError,
    ShapeError,
    UnknownNameError,
    ValueOutOfRangeError,
)
from bss_host.regmap import REGMAP, Field, Register, RegisterMap, WordStream

__version__ = "0.1.0"

__all__ = [
    "REGMAP",
    "AccessError",
    "Field",
    "IndexOutOfRangeError",
    "Register",
    "RegisterMap",
    "RegmapError",
    "ShapeError",
    "UnknownNameError",
    "ValueOutOfRangeError",
    "WordStream",
]
