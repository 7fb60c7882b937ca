"""The plasticity processors (PPUs): program images, assembling and loading, running
with a timeout, exit codes, the mailbox, variables by symbol name, run statistics and
instruction traces.

>>> from bss_host import connect
>>> from bss_host.ppu import Ppu, PpuImage
>>> img = PpuImage.assemble('''
...     li r3, 7
...     stw r3, 0x2ffc(0)
...     wait
... ''')
>>> with connect("sim:") as conn:
...     Ppu(conn, "top").load(img)
...     Ppu(conn, "top").run().exit_code
7

See ``docs/ppu.md`` for the memory map, the toolchain and the kernels.
"""

from bss_host.errors import (
    PpuAlignmentError,
    PpuAsmError,
    PpuBusError,
    PpuElfError,
    PpuError,
    PpuFaultError,
    PpuIllegalInstructionError,
    PpuRunawayError,
    PpuTrapError,
    UnknownSymbolError,
)
from bss_host.ppu.image import (
    EXIT_CODE_ADDRESS,
    MAILBOX_BASE,
    MAILBOX_END,
    PpuImage,
    Symbol,
)
from bss_host.ppu.runner import (
    PPUS,
    Ppu,
    PpuRunResult,
    PpuStats,
    TraceEntry,
    add_load,
    add_release,
)

__all__ = [
    # image
    "EXIT_CODE_ADDRESS",
    "MAILBOX_BASE",
    "MAILBOX_END",
    "PPUS",
    "Ppu",
    "PpuAlignmentError",
    "PpuAsmError",
    "PpuBusError",
    "PpuElfError",
    "PpuError",
    "PpuFaultError",
    "PpuIllegalInstructionError",
    "PpuImage",
    "PpuRunResult",
    "PpuRunawayError",
    "PpuStats",
    "PpuTrapError",
    "Symbol",
    "TraceEntry",
    "UnknownSymbolError",
    "add_load",
    "add_release",
]
