"""Every exception bss_host raises, in one tree under :class:`BssError`.

Each class also derives from the builtin that fits it, so ``except ValueError`` keeps
working for bad input and ``except ConnectionError`` for a lost link. The Rust extension
raises these same classes (one mapping, ``rust/py/src/errors.rs``), so a traceback names
``bss_host.errors.X`` whichever half of the stack found the problem.

::

    BssError
    ├── RegmapError (ValueError): UnknownNameError, IndexOutOfRangeError,
    │                             ValueOutOfRangeError, ShapeError, AccessError
    ├── CoordinateError (ValueError, IndexError)  a coordinate outside its range
    ├── InputError (ValueError)          bad arguments that are not register values
    ├── ProgramError (ValueError): ProgramTooLargeError
    ├── TicketNotReadyError (RuntimeError)
    ├── LinkError (ConnectionError): LinkRejectedError, LinkClosedError,
    │                                PeerTimeoutError (+TimeoutError)
    ├── ExecutionError (RuntimeError): ReadDeniedError, WriteDeniedError,
    │       UnmappedAddressError, MalformedProgramError, InstructionTimeoutError
    ├── ConfigurationError (ValueError)  applying a configuration that has errors
    ├── ConfigFileError (ValueError)     a saved configuration that cannot be loaded
    ├── NotAModelError (TypeError)
    ├── EmulatorStartError (OSError)
    ├── WireError (ValueError)           malformed frames or messages, either implementation
    │   └── CobsError, FrameError, MessageError
    ├── PpuError (RuntimeError)
    │   ├── UnknownSymbolError (+KeyError)
    │   ├── PpuFaultError: PpuIllegalInstructionError, PpuAlignmentError,
    │   │                  PpuBusError, PpuTrapError
    │   └── PpuRunawayError (+TimeoutError)
    ├── PpuBuildError (ValueError): PpuAsmError, PpuElfError
    ├── ToolchainError (RuntimeError): ToolchainNotFoundError, CompileError
    └── HeaderGenerationError (ValueError)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bss_host.result import Problem, RunResult


class BssError(Exception):
    """The root of every error bss_host raises on purpose. Anything else is a bug."""


# --------------------------------------------------------------------- register map


class RegmapError(BssError, ValueError):
    """A register-map operation was given bad input."""


class UnknownNameError(RegmapError):
    """No register, field, block or enum value of that name."""


class IndexOutOfRangeError(RegmapError):
    """A register index, coordinate or word number outside the register."""


class ValueOutOfRangeError(RegmapError):
    """A field value outside its legal range. The attributes say which and what is allowed."""

    register: str
    index: int | None
    field: str
    value: int
    allowed: str
    location: str | None


class ShapeError(RegmapError):
    """An array of the wrong length, shape or dtype."""


class AccessError(RegmapError):
    """A write to a read-only register, or similar."""


class CoordinateError(BssError, ValueError, IndexError):
    """A coordinate or index outside its range (or a sparse coordinate that does not
    exist). Both a ValueError and an IndexError, so either ``except`` catches it."""


class InputError(BssError, ValueError):
    """An argument outside what is allowed (a time, a timeout, a URL, an option)."""


# --------------------------------------------------------------------- programs, links


class ProgramError(BssError, ValueError):
    """A program instruction with bad operands."""


class ProgramTooLargeError(ProgramError):
    """A program that would not fit the FPGA playback memory."""


class TicketNotReadyError(BssError, RuntimeError):
    """A ticket was asked for its value before its program ran."""


class LinkError(BssError, ConnectionError):
    """The link to the chip failed."""


class LinkRejectedError(LinkError):
    """The device refused the connection (protocol version or parameters)."""


class LinkClosedError(LinkError):
    """The peer closed the byte stream (emulator exited, cable pulled, device gone)."""


class PeerTimeoutError(LinkError, TimeoutError):
    """The peer sent nothing for longer than the connection's timeout."""


class ExecutionError(BssError, RuntimeError):
    """The chip answered some instructions with errors. ``problems`` lists them all as
    :class:`~bss_host.result.Problem` records; ``result`` holds everything else that came
    back."""

    def __init__(self, message: str, problems: Sequence[Problem], result: RunResult) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.result = result


class ReadDeniedError(ExecutionError):
    """A read of a register that silicon cannot read back (use the shadow copy)."""


class WriteDeniedError(ExecutionError):
    """A write to a read-only register."""


class UnmappedAddressError(ExecutionError):
    """An access to an address where the register map has nothing."""


class MalformedProgramError(ExecutionError):
    """The device could not decode an instruction."""


class InstructionTimeoutError(ExecutionError, TimeoutError):
    """A wait on a register condition ran into the FPGA's instruction timeout."""


class ConfigurationError(BssError, ValueError):
    """A chip configuration with errors was about to be applied; ``problems`` lists them
    (each with severity, the coordinates involved and a sentence). Nothing was written."""

    def __init__(self, message: str, problems: Sequence[object]) -> None:
        super().__init__(message)
        self.problems = list(problems)


class ConfigFileError(BssError, ValueError):
    """A saved chip configuration that cannot be loaded: corrupted, truncated, not one,
    or written by a newer bss-host."""


class NotAModelError(BssError, TypeError):
    """Introspection was asked of a connection that is not an in-process model."""


class EmulatorStartError(BssError, OSError):
    """The emulator server could not start: bad address, port in use, no pty."""


# --------------------------------------------------------------------- wire format


class WireError(BssError, ValueError):
    """Malformed wire data: a frame, an instruction or a response."""


class CobsError(WireError):
    """A chunk that is not valid COBS; ``offset`` is where in the chunk decoding failed."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class FrameError(WireError):
    """A decoded chunk that is not a valid frame; ``reason`` (a
    :class:`bss_host.wirespec.DropReason`) says which rule it broke."""

    def __init__(self, reason: Any, message: str) -> None:  # noqa: ANN401 - DropReason
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.detail = message


class MessageError(WireError):
    """An instruction or response that cannot be encoded or decoded.

    ``offset`` is the byte offset of the offending message in its payload (decoding), or
    its index in the list (encoding).
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


# --------------------------------------------------------------------- PPU


class PpuError(BssError, RuntimeError):
    """A PPU program failed to load or run."""


class UnknownSymbolError(PpuError, KeyError):
    """A symbol the program does not define."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class PpuFaultError(PpuError):
    """The core stopped on a fault. ``pc`` is the faulting instruction's address;
    ``detail`` is what the fault register adds (an instruction word or an address)."""

    kind = "fault"
    template = "{kind} at pc {pc:#06x}"

    def __init__(self, ppu: str, pc: int, detail: int, mailbox: bytes) -> None:
        self.ppu, self.pc, self.detail, self.mailbox = ppu, pc, detail, mailbox
        text = self.template.format(kind=self.kind, pc=pc, detail=detail)
        super().__init__(f"PPU {ppu}: {text}")


class PpuIllegalInstructionError(PpuFaultError):
    """An instruction word the core does not implement (the program interrupt)."""

    kind = "illegal instruction"
    template = "{kind} {detail:#010x} at pc {pc:#06x} (not a Nux scalar or FXV instruction)"

    @property
    def word(self) -> int:
        return self.detail


class _DataAccessFault(PpuFaultError):
    """A fault of a data access; ``detail`` is the address it tried."""

    @property
    def address(self) -> int:
        return self.detail


class PpuAlignmentError(_DataAccessFault):
    """A misaligned data access (the alignment interrupt)."""

    kind = "alignment"
    template = ("misaligned access to {detail:#010x} at pc {pc:#06x} "
                "(halfwords need 2-byte, words 4-byte alignment)")


class PpuBusError(_DataAccessFault):
    """An access the bus refused (nothing mapped, a read-only register, a byte access to
    the Omnibus)."""

    kind = "bus error"
    template = "{kind} at {detail:#010x} (pc {pc:#06x}); see docs/ppu.md for the memory map"


class PpuTrapError(PpuFaultError):
    """A ``tw``/``twi`` whose condition held."""

    kind = "trap"


class PpuRunawayError(PpuError, TimeoutError):
    """The program did not reach ``wait`` within the timeout."""

    def __init__(self, ppu: str, timeout_us: float, pc: int | None, mailbox: bytes) -> None:
        self.ppu, self.timeout_us, self.pc, self.mailbox = ppu, timeout_us, pc, mailbox
        where = f" (pc {pc:#06x})" if pc is not None else ""
        super().__init__(f"PPU {ppu}: still running after {timeout_us:g} us of hardware "
                         f"time{where}; raise timeout_us or check for an endless loop")


class PpuBuildError(BssError, ValueError):
    """A PPU program could not be built or loaded."""


class PpuAsmError(PpuBuildError):
    """Assembly failed; ``errors`` lists (file, line, column, message) of every problem."""

    errors: list[tuple[str, int, int, str]]


class PpuElfError(PpuBuildError):
    """Not a loadable PPU ELF (or it does not fit the PPU's memories)."""


class ToolchainError(BssError, RuntimeError):
    """The PowerPC cross toolchain is missing or failed."""


class ToolchainNotFoundError(ToolchainError):
    """A tool of the cross toolchain is not installed; names the Debian package."""

    def __init__(self, tool: str, package: str) -> None:
        self.tool = tool
        self.package = package
        super().__init__(
            f"{tool} was not found on PATH; install the Debian package '{package}' "
            f"(apt-get install {package}, or `bss ppu toolchain --install`)"
        )


class CompileError(ToolchainError):
    """The compiler, assembler, linker or preprocessor failed; carries its stderr."""

    def __init__(self, command: Sequence[str], returncode: int, stderr: str) -> None:
        self.command = list(command)
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(
            f"{Path(command[0]).name} failed with exit status {returncode}:\n{stderr.strip()}"
        )


class HeaderGenerationError(BssError, ValueError):
    """The register map cannot be expressed as unique C identifiers."""


__all__ = [
    "AccessError",
    "BssError",
    "CobsError",
    "CompileError",
    "ConfigFileError",
    "ConfigurationError",
    "CoordinateError",
    "EmulatorStartError",
    "ExecutionError",
    "FrameError",
    "HeaderGenerationError",
    "IndexOutOfRangeError",
    "InputError",
    "InstructionTimeoutError",
    "LinkClosedError",
    "LinkError",
    "LinkRejectedError",
    "MalformedProgramError",
    "MessageError",
    "NotAModelError",
    "PeerTimeoutError",
    "PpuAlignmentError",
    "PpuAsmError",
    "PpuBuildError",
    "PpuBusError",
    "PpuElfError",
    "PpuError",
    "PpuFaultError",
    "PpuIllegalInstructionError",
    "PpuRunawayError",
    "PpuTrapError",
    "ProgramError",
    "ProgramTooLargeError",
    "ReadDeniedError",
    "RegmapError",
    "ShapeError",
    "TicketNotReadyError",
    "ToolchainError",
    "ToolchainNotFoundError",
    "UnknownNameError",
    "UnknownSymbolError",
    "UnmappedAddressError",
    "ValueOutOfRangeError",
    "WireError",
    "WriteDeniedError",
]
