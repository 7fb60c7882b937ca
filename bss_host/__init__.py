"""bss-host: host software for an accelerated analog neuromorphic chip modeled on
BrainScaleS-2.

Entry points: the register map :data:`REGMAP`, :class:`Program` and :func:`connect`.
The layers, lowest first (docs/architecture.md): :mod:`.errors`, :mod:`.units`,
:mod:`.result`; :mod:`.regmap`; :mod:`.program`, :mod:`.connection`, :mod:`.transports`;
:mod:`.emulator`, :mod:`.wirespec`; :mod:`.ppu`; :mod:`.config`; :mod:`.introspection`;
:mod:`.cli`.
"""

from importlib.metadata import PackageNotFoundError, version

from bss_host import coords, errors, introspection, units
from bss_host.config import Chip, presets
from bss_host.connection import Connection, connect
from bss_host.errors import *  # noqa: F403 - the whole error tree, listed in errors.__all__
from bss_host.program import Program
from bss_host.regmap import REGMAP, Field, Register, RegisterMap, WordStream
from bss_host.result import MADC_DTYPE, SPIKE_DTYPE, Problem, RunResult

try:
    __version__ = version("bss-host")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    # connection, program, result, config
    "Chip",
    "Connection",
    "MADC_DTYPE",
    "Problem",
    "Program",
    "RunResult",
    "SPIKE_DTYPE",
    "connect",
    # regmap
    "REGMAP",
    "Field",
    "Register",
    "RegisterMap",
    "WordStream",
    # modules
    "coords",
    "introspection",
    "presets",
    "units",
    "errors",
    # errors: the whole tree (BssError and below)
    *errors.__all__,
]
