"""The shapes of the dicts the extension ``bss_host._core`` returns, as ``TypedDict``\\ s.

The stub ``_core.pyi`` names these as return types; they live in a real module so that
Python code can import them for annotations.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


# ---- register map -------------------------------------------------------------------


class ChipInfo(TypedDict):
    name: str
    fpga_clock_hz: int
    ppu_clock_hz: int
    playback_memory_bytes: int


class FieldInfo(TypedDict):
    name: str
    doc: str
    unit: str
    word: int
    lsb: int
    width: int
    reset: int
    access: str
    readable: bool
    signed: bool
    min: int
    max: int
    sentinel: tuple[int, str] | None
    enum: list[str]
    transform: str


class RegisterInfo(TypedDict):
    name: str
    block: str
    doc: str
    layout: str
    kind: str
    access: str
    readable: bool
    base: int
    words: int
    word_stride: int
    word_bits: int
    count: int
    dims: list[tuple[str, int, int]]
    """(name, count, stride) per dimension."""
    valid: list[list[int]]
    """Sparse registers: the existing dim tuples; dense ones: empty."""
    quirks: list[str]
    fields: list[FieldInfo]


class MapMetadata(TypedDict):
    chip: ChipInfo
    blocks: list[tuple[str, str]]
    """(name, doc) per block."""
    inventory: list[tuple[str, str, int]]
    """(entity, register, entities per instance)."""
    registers: list[RegisterInfo]


# ---- links --------------------------------------------------------------------------


class LinkStats(TypedDict):
    frames_sent: int
    frames_received: int
    data_frames_sent: int
    retransmits: int
    duplicates: int
    dropped_chunks: int
    bytes_sent: int
    bytes_received: int


class FaultStats(TypedDict):
    frames: int
    dropped: int
    corrupted: int
    duplicated: int
    reordered: int
    delayed: int


# ---- introspection of the model -----------------------------------------------------


class NeuronTruth(TypedDict):
    """True parameters of every compartment (512 entries each), SI units."""

    c_mem: F64
    g_leak: F64
    e_leak: F64
    g_reset: F64
    v_reset: F64
    v_thresh: F64
    tau_exc: F64
    tau_inh: F64
    scale_exc: F64
    scale_inh: F64
    offset_exc: F64
    offset_inh: F64
    e_rev_exc: F64
    e_rev_inh: F64
    coba_exc: F64
    coba_inh: F64
    a: F64
    b: F64
    tau_w: F64
    v_adapt_leak: F64
    w_ref: F64
    i_exp0: F64
    v_t: F64
    delta_t: F64
    i_offset: F64
    g_icc: F64
    t_ref: F64
    t_release: F64
    fire: Bools
    exc_on: Bools
    inh_on: Bools
    adapt_on: Bools
    exp_on: Bools


class NeuronStateInfo(TypedDict):
    """Dynamic state of every compartment."""

    v: F64
    i_exc: F64
    i_inh: F64
    w: F64
    refractory: npt.NDArray[np.uint32]
    """FPGA cycles of refractoriness left."""


class PpuSnapshot(TypedDict):
    pc: int
    gpr: list[int]
    cycles: int
    instructions: int
    vector_instructions: int
    stall_cycles: int
    sleep_cycles: int
    sleeping: bool
    released: bool
    fault: str | None


# ---- PPU programs -------------------------------------------------------------------


class ElfImage(TypedDict):
    internal: bytes
    extmem: list[tuple[int, bytes]]
    """(byte offset into extmem, bytes) pieces."""
    dram: list[tuple[int, bytes]]
    symbols: list[tuple[str, int, int, str]]
    """(name, value, size, kind) per symbol."""
    entry: int


class SnippetTrap(TypedDict):
    kind: str
    """"illegal", "alignment", "program" or "memory"."""
    message: str
    pc: int
    word: NotRequired[int]
    """The illegal word ("illegal" only)."""
    addr: NotRequired[int]
    """The faulting address ("alignment" and "memory" only)."""


class SnippetResult(TypedDict):
    gpr: list[int]
    cr: int
    xer: int
    lr: int
    ctr: int
    pc: int
    steps: int
    stop: str
    memory: bytes
    trap: SnippetTrap | None
