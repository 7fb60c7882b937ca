"""Instructions and responses of docs/wire.md §2-3 as ``construct`` definitions."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from construct import (
    Adapter,
    Array,
    Construct,
    ConstructError,
    Error,
    Int8ul,
    Int16ul,
    Int32ul,
    Int64ul,
    Rebuild,
    StreamError,
    Struct,
    Switch,
    ValidationError,
    len_,
    this,
)

from bss_host.errors import MessageError
from bss_host.wirespec.frames import _construct_message

# --------------------------------------------------------------------------- messages


class _OperandError(ValidationError):
    """An operand outside its legal range (raised by :class:`_Checked`)."""


class _Checked(Adapter):
    """An integer field with a rule beyond its width, checked both ways."""

    def __init__(self, subcon: Construct, ok: Callable[[int], bool], what: str) -> None:
        super().__init__(subcon)
        self.ok = ok
        self.what = what

    def _check(self, obj: Any) -> int:
        if isinstance(obj, bool) or not isinstance(obj, int) or not self.ok(obj):
            raise _OperandError(f"{self.what}, got {obj!r}")
        return obj

    def _decode(self, obj: Any, context: Any, path: Any) -> int:
        return self._check(obj)

    def _encode(self, obj: Any, context: Any, path: Any) -> int:
        return self._check(obj)


class _Bool01(Adapter):
    """A u8 that must be 0 or 1, seen as a bool."""

    def _decode(self, obj: Any, context: Any, path: Any) -> bool:
        if obj not in (0, 1):
            raise _OperandError(f"enable must be 0 or 1, got {obj}")
        return bool(obj)

    def _encode(self, obj: Any, context: Any, path: Any) -> int:
        if not (isinstance(obj, bool) or (isinstance(obj, int) and obj in (0, 1))):
            raise _OperandError(f"enable must be 0 or 1, got {obj!r}")
        return int(obj)


BARRIER_BITS = ("bus", "jtag", "systime", "multi_fpga", "systime_correction")
ERROR_CODES = {
    1: "read denied",
    2: "unmapped address",
    3: "write denied",
    4: "malformed instruction",
}


@dataclass(frozen=True)
class Op:
    """One opcode: its name, the construct of its operands and their names in order."""

    opcode: int
    name: str
    body: Construct
    fields: tuple[str, ...]

    @property
    def is_instruction(self) -> bool:
        return self.opcode < 0x80


_OP_LIST = (
    # instructions, host to chip
    Op(0x01, "WRITE", Struct("address" / Int32ul, "word" / Int32ul), ("address", "word")),
    Op(0x02, "READ", Struct("address" / Int32ul), ("address",)),
    Op(0x03, "TIMER_RESET", Struct(), ()),
    Op(0x04, "WAIT_UNTIL", Struct("cycles" / Int32ul), ("cycles",)),
    Op(
        0x05,
        "BARRIER",
        Struct("flags" / _Checked(Int8ul, lambda v: v & 0xE0 == 0, "bits 5-7 must be 0")),
        ("flags",),
    ),
    Op(
        0x06,
        "WAIT_REGISTER",
        Struct(
            "address" / Int32ul,
            "mask" / Int32ul,
            "target" / Int32ul,
            "mode" / _Checked(Int8ul, lambda v: v in (0, 1), "mode must be 0 or 1"),
        ),
        ("address", "mask", "target", "mode"),
    ),
    Op(
        0x07,
        "SPIKES",
        Struct(
            "count"
            / Rebuild(
                _Checked(Int8ul, lambda v: 1 <= v <= 3, "count must be 1..3"), len_(this.labels)
            ),
            "labels" / Array(this.count, Int16ul),
        ),
        ("labels",),
    ),
    Op(0x08, "EVENT_RECORDING", Struct("enable" / _Bool01(Int8ul)), ("enable",)),
    Op(0x09, "HALT", Struct(), ()),
    # responses, chip to host
    Op(0x81, "READ_DATA", Struct("word" / Int32ul), ("word",)),
    Op(0x82, "SPIKE", Struct("time" / Int64ul, "label" / Int16ul), ("time", "label")),
    Op(
        0x83,
        "MADC_SAMPLE",
        Struct(
            "time" / Int64ul,
            "value" / _Checked(Int16ul, lambda v: v & 0xC000 == 0, "bits 14-15 must be 0"),
        ),
        ("time", "value"),
    ),
    Op(0x84, "TIMEOUT", Struct("instruction" / Int32ul, "waited" / Int32ul),
       ("instruction", "waited")),
    Op(
        0x85,
        "ERROR",
        Struct(
            "code" / _Checked(Int8ul, lambda v: 1 <= v <= 4, "error code must be 1..4"),
            "instruction" / Int32ul,
            "address" / Int32ul,
        ),
        ("code", "instruction", "address"),
    ),
    Op(0x86, "HALT_ECHO", Struct("time" / Int64ul), ("time",)),
)

OPS: dict[int, Op] = {op.opcode: op for op in _OP_LIST}
"""Every opcode of ``docs/wire.md`` §2 and §3."""

_BY_NAME: dict[str, Op] = {op.name.lower(): op for op in _OP_LIST}

# Fixed sizes (opcode included); SPIKES is 2 + 2 * count.
_SIZES = {0x01: 9, 0x02: 5, 0x03: 1, 0x04: 5, 0x05: 2, 0x06: 14, 0x08: 2, 0x09: 1,
          0x81: 5, 0x82: 11, 0x83: 11, 0x84: 9, 0x85: 10, 0x86: 9}


def _message_construct(ops: Iterable[Op]) -> Construct:
    return Struct(
        "opcode" / Int8ul,
        "body" / Switch(this.opcode, {op.opcode: op.body for op in ops}, default=Error),
    )


MESSAGE = _message_construct(_OP_LIST)
"""Any instruction or response: opcode byte and operands."""
INSTRUCTION = _message_construct(op for op in _OP_LIST if op.is_instruction)
RESPONSE = _message_construct(op for op in _OP_LIST if not op.is_instruction)

Operand = int | bool | tuple[int, ...]


@dataclass(frozen=True)
class Message:
    """A decoded instruction or response; ``offset`` is its byte offset in the payload."""

    opcode: int
    operands: dict[str, Operand] = field(default_factory=dict)
    offset: int = 0
    size: int = 0

    @property
    def op(self) -> Op:
        return OPS[self.opcode]

    @property
    def name(self) -> str:
        return self.op.name

    @property
    def is_instruction(self) -> bool:
        return self.op.is_instruction

    def to_tuple(self) -> tuple[Any, ...]:
        """``(name, *operands)`` as the Rust bindings use them: lower-case name, SPIKES
        labels as a list, EVENT_RECORDING's enable as a bool."""
        values: list[Any] = []
        for f in self.op.fields:
            v = self.operands[f]
            values.append(list(v) if isinstance(v, tuple) else v)
        return (self.name.lower(), *values)

    @classmethod
    def from_tuple(cls, t: Sequence[Any]) -> Message:
        """The inverse of :meth:`to_tuple`; raises :class:`MessageError` for an unknown
        name or a wrong number of operands (ranges are checked when encoding)."""
        if not t or not isinstance(t[0], str) or t[0].lower() not in _BY_NAME:
            raise MessageError(f"unknown message {t[0] if t else t!r}", 0)
        op = _BY_NAME[t[0].lower()]
        if len(t) - 1 != len(op.fields):
            raise MessageError(
                f"{op.name} takes {len(op.fields)} operand(s), got {len(t) - 1}", 0
            )
        operands: dict[str, Operand] = {}
        for f, v in zip(op.fields, t[1:], strict=True):
            operands[f] = tuple(v) if isinstance(v, list | tuple) else v
        return cls(op.opcode, operands)

    def text(self) -> str:
        """One readable line, e.g. ``WRITE  0x02a00000 <- 0x00000001``."""
        return _render(self)


@dataclass(frozen=True)
class Malformed:
    """The malformed tail of a payload: from ``offset`` on, nothing can be decoded."""

    offset: int
    reason: str
    data: bytes

    def text(self) -> str:
        return f"MALFORMED at offset {self.offset}: {self.reason} ({len(self.data)} bytes)"


def _encode_one(m: Message | Sequence[Any], construct: Construct, index: int) -> bytes:
    msg = m if isinstance(m, Message) else Message.from_tuple(m)
    if msg.opcode not in OPS:
        raise MessageError(f"message {index}: unknown opcode 0x{msg.opcode:02x}", index)
    body = {k: list(v) if isinstance(v, tuple) else v for k, v in msg.operands.items()}
    try:
        return construct.build({"opcode": msg.opcode, "body": body})
    except (ConstructError, KeyError, TypeError) as e:
        raise MessageError(
            f"message {index} ({msg.name}): {_construct_message(e)}", index
        ) from None


def encode_messages(messages: Iterable[Message | Sequence[Any]]) -> bytes:
    """Concatenate instructions and/or responses (``Message`` or ``(name, *operands)``).
    Raises :class:`MessageError` naming the first bad one; nothing is returned halfway."""
    return b"".join(_encode_one(m, MESSAGE, i) for i, m in enumerate(messages))


def decode_messages(payload: bytes | bytearray | memoryview) -> list[Message | Malformed]:
    """Decode a DATA payload into instructions and responses, detected per message by
    opcode. A malformed message ends the list with a :class:`Malformed` holding its offset
    and the rest of the payload (as the device skips the rest of a payload). Never raises.
    """
    buf = bytes(payload)
    stream = io.BytesIO(buf)
    out: list[Message | Malformed] = []
    offset = 0
    while offset < len(buf):
        opcode = buf[offset]
        op = OPS.get(opcode)
        if op is None:
            out.append(Malformed(offset, f"unknown opcode 0x{opcode:02x}", buf[offset:]))
            break
        stream.seek(offset)
        try:
            parsed = MESSAGE.parse_stream(stream)
        except StreamError:
            left = len(buf) - offset
            if opcode in _SIZES:
                need = _SIZES[opcode]
            elif left >= 2:  # SPIKES: 2 + 2 * count, and the count is known to be valid
                need = 2 + 2 * buf[offset + 1]
            else:  # SPIKES without its count byte
                need = 2
            out.append(Malformed(
                offset, f"truncated {op.name}: {left} byte(s) left, needs {need}", buf[offset:]
            ))
            break
        except ConstructError as e:
            out.append(Malformed(offset, f"{op.name}: {_construct_message(e)}", buf[offset:]))
            break
        end = stream.tell()
        operands: dict[str, Operand] = {}
        for f in op.fields:
            v = parsed.body[f]
            operands[f] = tuple(v) if isinstance(v, list) else v
        out.append(Message(opcode, operands, offset, end - offset))
        offset = end
    return out


def _decode_strict(payload: bytes, instructions: bool) -> list[Message]:
    what = "instruction" if instructions else "response"
    out: list[Message] = []
    for m in decode_messages(payload):
        if isinstance(m, Malformed):
            raise MessageError(f"malformed {what} at offset {m.offset}: {m.reason}", m.offset)
        if m.is_instruction != instructions:
            raise MessageError(
                f"{m.name} at offset {m.offset} is not an {what}"
                if instructions else f"{m.name} at offset {m.offset} is not a {what}",
                m.offset,
            )
        out.append(m)
    return out


def decode_instructions(payload: bytes | bytearray | memoryview) -> list[Message]:
    """Instructions only; raises :class:`MessageError` at the first malformed one or at a
    response opcode."""
    return _decode_strict(bytes(payload), True)


def decode_responses(payload: bytes | bytearray | memoryview) -> list[Message]:
    """Responses only; raises :class:`MessageError` at the first malformed one or at an
    instruction opcode."""
    return _decode_strict(bytes(payload), False)


def encode_instructions(messages: Iterable[Message | Sequence[Any]]) -> bytes:
    """Like :func:`encode_messages`, but only instructions are accepted."""
    return b"".join(_encode_one(m, INSTRUCTION, i) for i, m in enumerate(messages))


def encode_responses(messages: Iterable[Message | Sequence[Any]]) -> bytes:
    """Like :func:`encode_messages`, but only responses are accepted."""
    return b"".join(_encode_one(m, RESPONSE, i) for i, m in enumerate(messages))


def _render(m: Message) -> str:
    o = m.operands
    name = m.name
    match name:
        case "WRITE":
            args = f"0x{o['address']:08x} <- 0x{o['word']:08x}"
        case "READ":
            args = f"0x{o['address']:08x}"
        case "WAIT_UNTIL":
            args = f"cycles={o['cycles']}"
        case "BARRIER":
            flags = int(o["flags"])
            bits = [b for i, b in enumerate(BARRIER_BITS) if flags >> i & 1]
            args = f"flags=0x{flags:02x} ({'|'.join(bits) or 'nothing'})"
        case "WAIT_REGISTER":
            cmp = "==" if o["mode"] == 0 else "!="
            args = f"(0x{o['address']:08x} & 0x{o['mask']:08x}) {cmp} 0x{o['target']:08x}"
        case "SPIKES":
            args = f"labels={list(o['labels'])}"
        case "EVENT_RECORDING":
            args = "on" if o["enable"] else "off"
        case "READ_DATA":
            args = f"0x{o['word']:08x}"
        case "SPIKE":
            args = f"time={o['time']} label={o['label']}"
        case "MADC_SAMPLE":
            v = int(o["value"])
            args = f"time={o['time']} channel={v >> 10 & 0xF} sample={v & 0x3FF}"
        case "TIMEOUT":
            args = f"instr={o['instruction']} waited={o['waited']} cycles"
        case "ERROR":
            code = int(o["code"])
            what = ERROR_CODES.get(code, f"code {code}")
            where = (f"offset={o['address']}" if code == 4 else f"addr=0x{o['address']:08x}")
            args = f"{what} instr={o['instruction']} {where}"
        case "HALT_ECHO":
            args = f"time={o['time']}"
        case _:  # TIMER_RESET, HALT
            args = ""
    if not args:
        return name
    return f"{name:<6} {args}" if m.is_instruction else f"{name} {args}"
