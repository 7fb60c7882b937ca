"""bss-host: host software for an accelerated analog neuromorphic chip modeled on
BrainScaleS-2. Entry points: the register map :data:`REGMAP`, :class:`Program` and
:func:`connect`."""

from bss_host._core import (
    AccessError,
    IndexOutOfRangeError,
    RegmapError,
    ShapeError,
    UnknownNameError,
    ValueOutOfRangeError,
)
from bss_host.connection import (
    Connection,
    ExecutionError,
    InstructionTimeoutError,
    PeerTimeoutError,
    ReadDeniedError,
    RunResult,
    UnmappedAddressError,
    WriteDeniedError,
    connect,
)
from bss_host.program import Program
from bss_host.regmap import REGMAP, Field, Register, RegisterMap, WordStream

__version__ = "0.1.0"

__all__ = [
    "REGMAP",
    "AccessError",
    "Connection",
    "ExecutionError",
    "InstructionTimeoutError",
    "PeerTimeoutError",
    "Program",
    "ReadDeniedError",
    "RunResult",
    "UnmappedAddressError",
    "WriteDeniedError",
    "connect",
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
