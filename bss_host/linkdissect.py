"""A second, independent implementation of the bss wire format (``docs/wire.md``), in Python.

The Rust crate ``wire`` is the implementation the host runs; this module exists to check it
(a property test makes the two agree) and to look at captured byte streams
(``bss link dissect``). It is written from the specification alone:

- :func:`crc32c`, :func:`cobs_encode` and :func:`cobs_decode` are plain Python;
- the frame, handshake, REJECT, instruction and response layouts are ``construct``
  definitions (:data:`FRAME`, :data:`HANDSHAKE`, :data:`REJECT`, :data:`MESSAGE`, ...);
- :func:`split_stream` cuts a captured stream at its 0x00 delimiters and says, for every
  chunk, which frame it holds or why a receiver drops it; it never raises;
- :func:`decode_messages` turns a DATA payload into instructions and responses and reports
  a malformed tail with its byte offset instead of raising;
- :func:`dissect` renders all of it as text, :func:`dissect_json` as JSON-ready data.
"""

from __future__ import annotations

import argparse
import enum
import io
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from construct import (
    Adapter,
    Array,
    Bytes,
    Checksum,
    Const,
    Construct,
    ConstructError,
    Error,
    GreedyString,
    Int8ul,
    Int16ul,
    Int32ul,
    Int64ul,
    RawCopy,
    Rebuild,
    StreamError,
    Struct,
    Switch,
    Terminated,
    ValidationError,
    len_,
    this,
)

__all__ = [
    "FRAME",
    "FRAME_HEADER",
    "HANDSHAKE",
    "HEADER_SIZE",
    "INSTRUCTION",
    "MAGIC",
    "MESSAGE",
    "MIN_FRAME_SIZE",
    "OPS",
    "REJECT",
    "RESPONSE",
    "CobsError",
    "DecodedFrame",
    "DropReason",
    "DroppedChunk",
    "Frame",
    "FrameError",
    "FrameResult",
    "Handshake",
    "Kind",
    "LinkDissectError",
    "Malformed",
    "Message",
    "MessageError",
    "Op",
    "Reject",
    "add_cli",
    "cobs_decode",
    "cobs_encode",
    "crc32c",
    "decode_frame",
    "decode_handshake",
    "decode_instructions",
    "decode_messages",
    "decode_reject",
    "decode_responses",
    "dissect",
    "dissect_json",
    "encode_frame",
    "encode_handshake",
    "encode_messages",
    "encode_reject",
    "frame_bytes",
    "split_stream",
]

U8 = 0xFF
U16 = 0xFFFF
U32 = 0xFFFF_FFFF


# --------------------------------------------------------------------------- errors


class LinkDissectError(ValueError):
    """Base of every error this module raises (a ``ValueError``)."""


class CobsError(LinkDissectError):
    """A chunk that is not valid COBS; ``offset`` is where in the chunk decoding failed."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class FrameError(LinkDissectError):
    """A decoded chunk that is not a valid frame; ``reason`` says which rule it broke."""

    def __init__(self, reason: DropReason, message: str) -> None:
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.detail = message


class MessageError(LinkDissectError):
    """An instruction or response that cannot be encoded or decoded.

    ``offset`` is the byte offset of the offending message in its payload (decoding), or
    its index in the list (encoding).
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


# --------------------------------------------------------------------------- CRC-32C


def _crc32c_table() -> tuple[int, ...]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F6_3B78 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_CRC_TABLE = _crc32c_table()


def crc32c(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF.

    ``crc`` continues a previous result, so ``crc32c(b + c) == crc32c(c, crc32c(b))``.
    """
    c = crc ^ U32
    table = _CRC_TABLE
    for b in bytes(data):
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ U32


# --------------------------------------------------------------------------- COBS


def cobs_encode(data: bytes | bytearray | memoryview) -> bytes:
    """COBS-encode ``data`` (without the 0x00 delimiter; :func:`encode_frame` adds it).

    Every run of up to 254 non-zero bytes is preceded by a code byte holding its length + 1;
    a zero in the input ends a run with code < 0xFF. A code 0xFF stands for 254 bytes and
    no zero. The output contains no 0x00. A run of 254 bytes that ends the input is followed
    by the empty final run (code 0x01), as docs/wire.md requires, so every frame has one
    encoding; decoders accept it without.
    """
    src = bytes(data)
    out = bytearray()
    start = 0
    n = len(src)
    while True:
        zero = src.find(0, start, start + 254)
        if zero >= 0:  # a run ended by a zero
            out.append(zero - start + 1)
            out += src[start:zero]
            start = zero + 1
            continue
        end = min(start + 254, n)
        run = end - start
        if run == 254:  # a full run, no implied zero
            out.append(0xFF)
            out += src[start:end]
            start = end
            if start == n:
                out.append(0x01)  # the empty final run
                break
            continue
        out.append(run + 1)  # the last run: the implied zero after it is dropped
        out += src[start:end]
        break
    return bytes(out)


def cobs_decode(data: bytes | bytearray | memoryview) -> bytes:
    """Decode one COBS chunk (without its 0x00 delimiter).

    Raises :class:`CobsError` for an empty chunk, a zero byte inside the chunk, or a code
    byte whose run goes past the end of the chunk.
    """
    src = bytes(data)
    n = len(src)
    if n == 0:
        raise CobsError("empty chunk", 0)
    out = bytearray()
    i = 0
    while i < n:
        code = src[i]
        if code == 0:
            raise CobsError(f"zero byte at offset {i}", i)
        end = i + code
        if end > n:
            raise CobsError(
                f"code byte 0x{code:02x} at offset {i} runs past the end ({n} bytes)", i
            )
        zero = src.find(0, i + 1, end)
        if zero >= 0:
            raise CobsError(f"zero byte at offset {zero}", zero)
        out += src[i + 1 : end]
        i = end
        if code != 0xFF and i < n:
            out.append(0)
    return bytes(out)


# --------------------------------------------------------------------------- frames


class Kind(enum.IntEnum):
    """Frame kinds (``kind`` byte)."""

    DATA = 1
    ACK = 2
    HELLO = 3
    WELCOME = 4
    REJECT = 5


HEADER_SIZE = 18  # kind, flags, seq, ack, sack, length
MIN_FRAME_SIZE = HEADER_SIZE + 4  # and the CRC

FRAME_HEADER = Struct(
    "kind" / Int8ul,
    "flags" / Int8ul,
    "seq" / Int32ul,
    "ack" / Int32ul,
    "sack" / Int32ul,
    "length" / Int32ul,
)
"""The 18 bytes in front of the payload, on their own (parses any 18 bytes)."""

FRAME_BODY = Struct(
    "kind" / Int8ul,
    "flags" / Int8ul,
    "seq" / Int32ul,
    "ack" / Int32ul,
    "sack" / Int32ul,
    "length" / Rebuild(Int32ul, len_(this.payload)),
    "payload" / Bytes(this.length),
)

FRAME = Struct(
    "body" / RawCopy(FRAME_BODY),
    "crc" / Checksum(Int32ul, crc32c, this.body.data),
    Terminated,
)
"""A whole frame after COBS decoding: header, payload and the CRC-32C of both."""


@dataclass(frozen=True)
class Frame:
    """One link-layer frame. ``encode_frame`` accepts any u8 ``kind``/``flags`` on purpose,
    so that tests can build frames a receiver must drop."""

    kind: int
    flags: int
    seq: int
    ack: int
    sack: int
    payload: bytes = b""

    @property
    def kind_name(self) -> str:
        return _kind_name(self.kind)


def _kind_name(kind: int) -> str:
    try:
        return Kind(kind).name
    except ValueError:
        return f"KIND_0x{kind:02x}"


def frame_bytes(frame: Frame) -> bytes:
    """The frame before COBS: header, payload, CRC. Raises :class:`FrameError` for a field
    out of range."""
    try:
        return FRAME.build(
            {
                "body": {
                    "value": {
                        "kind": frame.kind,
                        "flags": frame.flags,
                        "seq": frame.seq,
                        "ack": frame.ack,
                        "sack": frame.sack,
                        "payload": bytes(frame.payload),
                    }
                }
            }
        )
    except ConstructError as e:
        raise FrameError(DropReason.UNENCODABLE, _construct_message(e)) from None


def encode_frame(frame: Frame) -> bytes:
    """The frame as it goes on the wire: COBS-encoded and followed by one 0x00."""
    return cobs_encode(frame_bytes(frame)) + b"\x00"


class DropReason(enum.Enum):
    """Why a receiver drops a chunk of the stream."""

    BAD_COBS = "bad COBS"
    TOO_SHORT = "too short"
    TOO_LONG = "too long"
    LENGTH_MISMATCH = "length mismatch"
    BAD_CRC = "bad CRC"
    UNKNOWN_KIND = "unknown kind"
    RESERVED_FLAGS = "reserved flags"
    UNTERMINATED = "unterminated"  # a capture's tail with no 0x00 after it
    UNENCODABLE = "unencodable"  # only raised by the encoder, never in split_stream


@dataclass(frozen=True)
class DecodedFrame:
    """A valid frame found at byte ``offset`` of the stream; ``size`` is the encoded chunk's
    length (without the delimiter)."""

    offset: int
    size: int
    frame: Frame
    crc: int


@dataclass(frozen=True)
class DroppedChunk:
    """A non-empty chunk at byte ``offset`` that a receiver drops, and why."""

    offset: int
    size: int
    reason: DropReason
    detail: str


FrameResult = DecodedFrame | DroppedChunk


def decode_frame(raw: bytes | bytearray | memoryview, max_payload: int | None = None) -> Frame:
    """Check and decode one frame after COBS decoding, in the order of ``docs/wire.md``
    §1.1: size, ``length``, CRC, ``kind``, ``flags``. Raises :class:`FrameError`."""
    raw = bytes(raw)
    if len(raw) < MIN_FRAME_SIZE:
        raise FrameError(
            DropReason.TOO_SHORT, f"{len(raw)} bytes, a frame has at least {MIN_FRAME_SIZE}"
        )
    if max_payload is not None and len(raw) > MIN_FRAME_SIZE + max_payload:
        raise FrameError(
            DropReason.TOO_LONG,
            f"{len(raw)} bytes, more than {MIN_FRAME_SIZE} + max payload {max_payload}",
        )
    header = FRAME_HEADER.parse(raw)
    if MIN_FRAME_SIZE + header.length != len(raw):
        raise FrameError(
            DropReason.LENGTH_MISMATCH,
            f"length field {header.length}, but {len(raw) - MIN_FRAME_SIZE} payload bytes",
        )
    got = Int32ul.parse(raw[-4:])
    want = crc32c(raw[:-4])
    if got != want:
        raise FrameError(DropReason.BAD_CRC, f"CRC 0x{got:08x}, computed 0x{want:08x}")
    if header.kind not in Kind._value2member_map_:
        raise FrameError(DropReason.UNKNOWN_KIND, f"kind {header.kind}")
    if header.flags != 0:
        raise FrameError(DropReason.RESERVED_FLAGS, f"flags 0x{header.flags:02x}")
    parsed = FRAME.parse(raw)  # cannot fail any more; it is the construct view of the checks
    body = parsed.body.value
    return Frame(body.kind, body.flags, body.seq, body.ack, body.sack, bytes(body.payload))


def split_stream(
    data: bytes | bytearray | memoryview, max_payload: int | None = None
) -> list[FrameResult]:
    """Split a captured byte stream at its 0x00 delimiters and decode every non-empty chunk.

    Each chunk gives a :class:`DecodedFrame` or a :class:`DroppedChunk` with its reason;
    empty chunks are skipped. Bytes after the last delimiter are not a frame yet (a receiver
    keeps them until the delimiter comes) and are reported as ``UNTERMINATED``.
    ``max_payload`` is the negotiated payload limit; ``None`` checks no limit. Never raises.
    """
    buf = bytes(data)
    results: list[FrameResult] = []
    start = 0
    n = len(buf)
    while start < n:
        end = buf.find(0, start)
        if end < 0:
            results.append(
                DroppedChunk(
                    start,
                    n - start,
                    DropReason.UNTERMINATED,
                    "no 0x00 delimiter before the end of the capture",
                )
            )
            break
        if end > start:
            results.append(_decode_chunk(buf[start:end], start, max_payload))
        start = end + 1
    return results


def _decode_chunk(chunk: bytes, offset: int, max_payload: int | None) -> FrameResult:
    try:
        raw = cobs_decode(chunk)
    except CobsError as e:
        return DroppedChunk(offset, len(chunk), DropReason.BAD_COBS, str(e))
    try:
        frame = decode_frame(raw, max_payload)
    except FrameError as e:
        return DroppedChunk(offset, len(chunk), e.reason, e.detail)
    return DecodedFrame(offset, len(chunk), frame, Int32ul.parse(raw[-4:]))


# --------------------------------------------------------------------------- handshake


MAGIC = b"BSS2"

_HANDSHAKE_FIELDS = (
    "major" / Int16ul,
    "minor" / Int16ul,
    "max_payload" / Int32ul,
    "window" / Int16ul,
    "nonce" / Int16ul,
)

HANDSHAKE = Struct("magic" / Const(MAGIC), *_HANDSHAKE_FIELDS, Terminated)
"""The 16-byte HELLO and WELCOME payload."""

_HANDSHAKE_LENIENT = Struct("magic" / Bytes(4), *_HANDSHAKE_FIELDS)

REJECT_REASONS = {1: "bad magic", 2: "unsupported major version", 3: "bad parameters"}

REJECT = Struct("reason" / Int8ul, "message" / GreedyString("utf8"))
"""The REJECT payload: a reason code and a UTF-8 message."""


@dataclass(frozen=True)
class Handshake:
    """A HELLO or WELCOME payload."""

    major: int = 1
    minor: int = 0
    max_payload: int = 0
    window: int = 0
    nonce: int = 0
    magic: bytes = MAGIC


@dataclass(frozen=True)
class Reject:
    """A REJECT payload."""

    reason: int
    message: str

    @property
    def reason_name(self) -> str:
        return REJECT_REASONS.get(self.reason, "unknown reason")


def encode_handshake(h: Handshake) -> bytes:
    try:
        return _HANDSHAKE_LENIENT.build(
            {"magic": h.magic, "major": h.major, "minor": h.minor,
             "max_payload": h.max_payload, "window": h.window, "nonce": h.nonce}
        )
    except ConstructError as e:
        raise LinkDissectError(f"handshake: {_construct_message(e)}") from None


def decode_handshake(payload: bytes, strict: bool = True) -> Handshake:
    """Parse a HELLO/WELCOME payload. ``strict=False`` accepts a wrong magic and extra bytes
    (for showing what a bad HELLO held)."""
    try:
        c = (HANDSHAKE if strict else _HANDSHAKE_LENIENT).parse(bytes(payload))
    except ConstructError as e:
        raise LinkDissectError(f"handshake: {_construct_message(e)}") from None
    return Handshake(c.major, c.minor, c.max_payload, c.window, c.nonce, bytes(c.magic))


def encode_reject(r: Reject) -> bytes:
    try:
        return REJECT.build({"reason": r.reason, "message": r.message})
    except ConstructError as e:
        raise LinkDissectError(f"reject: {_construct_message(e)}") from None


def decode_reject(payload: bytes) -> Reject:
    try:
        c = REJECT.parse(bytes(payload))
    except (ConstructError, UnicodeDecodeError) as e:
        raise LinkDissectError(f"reject: {_construct_message(e)}") from None
    return Reject(c.reason, c.message)


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


def _construct_message(e: BaseException) -> str:
    """The last line of a construct error (without its ``Error in path`` prefix)."""
    text = str(e).strip().splitlines()
    return text[-1] if text else type(e).__name__


# --------------------------------------------------------------------------- rendering


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


def _handshake_line(payload: bytes) -> str:
    if len(payload) < 16:
        return f"bad handshake payload: {len(payload)} bytes, needs 16"
    h = decode_handshake(payload[:16], strict=False)
    text = (
        f"version {h.major}.{h.minor} max_payload={h.max_payload} window={h.window} "
        f"nonce=0x{h.nonce:04x}"
    )
    if h.magic != MAGIC:
        text = f"bad magic {h.magic!r}, {text}"
    if len(payload) > 16:
        text += f" (+{len(payload) - 16} extra bytes)"
    return text


def _reject_line(payload: bytes) -> str:
    if not payload:
        return "empty REJECT payload"
    try:
        r = decode_reject(payload)
    except LinkDissectError:
        return f"reason {payload[0]} ({REJECT_REASONS.get(payload[0], 'unknown reason')}), " \
               f"message not UTF-8: {payload[1:].hex()}"
    return f"reason {r.reason} ({r.reason_name}): {r.message!r}"


class _Numbering:
    """Numbers instructions as the device does (from 0 after each HALT) and spots
    retransmitted DATA frames: the same seq with the same payload, seen before in this
    session (a capture may hold both directions, whose seqs overlap)."""

    def __init__(self) -> None:
        self.next_instruction = 0
        self.seen: dict[int, bytes] = {}

    def new_session(self) -> None:
        self.next_instruction = 0
        self.seen.clear()

    def is_retransmission(self, seq: int, payload: bytes) -> bool:
        if self.seen.get(seq) == payload:
            return True
        self.seen[seq] = payload
        return False

    def number(self, m: Message) -> int:
        n = self.next_instruction
        self.next_instruction = 0 if m.name == "HALT" else n + 1
        return n


def _walk(data: bytes, max_payload: int | None) -> list[dict[str, Any]]:
    """Everything ``dissect`` and ``dissect_json`` show, as plain data."""
    numbering = _Numbering()
    entries: list[dict[str, Any]] = []
    for r in split_stream(data, max_payload):
        if isinstance(r, DroppedChunk):
            entries.append({"offset": r.offset, "size": r.size, "dropped": r.reason.name.lower(),
                            "reason": r.reason.value, "detail": r.detail})
            continue
        f = r.frame
        e: dict[str, Any] = {
            "offset": r.offset, "size": r.size, "kind": f.kind_name, "kind_code": f.kind,
            "flags": f.flags, "seq": f.seq, "ack": f.ack, "sack": f.sack,
            "length": len(f.payload), "crc": f"0x{r.crc:08x}", "crc_ok": True,
            "payload": f.payload.hex(),
        }
        if f.kind in (Kind.HELLO, Kind.WELCOME):
            if f.kind == Kind.HELLO:
                numbering.new_session()
            e["handshake_text"] = _handshake_line(f.payload)
            if len(f.payload) >= 16:
                h = decode_handshake(f.payload[:16], strict=False)
                e["handshake"] = {"magic": h.magic.decode("latin-1"), "major": h.major,
                                  "minor": h.minor, "max_payload": h.max_payload,
                                  "window": h.window, "nonce": h.nonce}
        elif f.kind == Kind.REJECT:
            e["reject_text"] = _reject_line(f.payload)
        elif f.kind == Kind.DATA:
            e["retransmission"] = numbering.is_retransmission(f.seq, f.payload)
            msgs: list[dict[str, Any]] = []
            for m in decode_messages(f.payload):
                if isinstance(m, Malformed):
                    e["malformed"] = {"offset": m.offset, "reason": m.reason,
                                      "data": m.data.hex(), "text": m.text()}
                    continue
                md: dict[str, Any] = {
                    "offset": m.offset, "opcode": m.opcode, "name": m.name,
                    "direction": "instruction" if m.is_instruction else "response",
                    "operands": {k: list(v) if isinstance(v, tuple) else v
                                 for k, v in m.operands.items()},
                    "text": m.text(),
                }
                if m.is_instruction and not e["retransmission"]:
                    md["number"] = numbering.number(m)
                msgs.append(md)
            e["messages"] = msgs
        if f.kind != Kind.DATA and f.seq != 0:
            e["note"] = f"seq should be 0 in a {f.kind_name} frame"
        entries.append(e)
    return entries


def dissect_json(data: bytes | bytearray | memoryview,
                 max_payload: int | None = None) -> list[dict[str, Any]]:
    """The frames and dropped chunks of a captured stream as JSON-ready dicts (in stream
    order). Frames have ``kind``, dropped chunks ``dropped``; DATA frames carry their
    decoded ``messages`` and, if any, the ``malformed`` tail."""
    entries = _walk(bytes(data), max_payload)
    for e in entries:
        e.pop("handshake_text", None)
        e.pop("reject_text", None)
        for m in e.get("messages", ()):
            m.pop("text", None)
        if "malformed" in e:
            e["malformed"].pop("text", None)
    return entries


def dissect(data: bytes | bytearray | memoryview, max_payload: int | None = None) -> str:
    """A readable account of a captured byte stream: one line per frame or dropped chunk,
    the messages of DATA frames indented beneath, and a summary at the end."""
    lines: list[str] = []
    kinds: Counter[str] = Counter()
    drops: Counter[str] = Counter()
    instructions: Counter[str] = Counter()
    responses: Counter[str] = Counter()
    unterminated = malformed = retransmissions = 0
    for e in _walk(bytes(data), max_payload):
        if "dropped" in e:
            if e["dropped"] == "unterminated":
                unterminated += 1
                lines.append(f"@{e['offset']:<8} INCOMPLETE {e['detail']} ({e['size']} bytes)")
            else:
                drops[e["reason"]] += 1
                lines.append(f"@{e['offset']:<8} DROPPED {e['reason']}: {e['detail']} "
                             f"({e['size']} bytes)")
            continue
        kinds[e["kind"]] += 1
        line = (f"@{e['offset']:<8} {e['kind']:<7} seq={e['seq']:<10} ack={e['ack']:<10} "
                f"sack=0x{e['sack']:08x} len={e['length']:<6} crc=ok")
        if e.get("retransmission"):
            line += "  (retransmission)"
            retransmissions += 1
        if "note" in e:
            line += f"  ({e['note']})"
        lines.append(line)
        if "handshake_text" in e:
            lines.append(f"    {e['handshake_text']}")
        if "reject_text" in e:
            lines.append(f"    {e['reject_text']}")
        for m in e.get("messages", ()):
            number = f"#{m['number']}" if "number" in m else ""
            lines.append(f"    {number:<6}{m['text']}")
            if e.get("retransmission"):
                continue
            (instructions if m["direction"] == "instruction" else responses)[m["name"]] += 1
        if "malformed" in e:
            malformed += 1
            lines.append(f"    {'':<6}{e['malformed']['text']}")

    def counts(c: Counter[str]) -> str:
        return ", ".join(f"{k} {v}" for k, v in c.items())

    n_frames = sum(kinds.values())
    n_drops = sum(drops.values())
    lines.append("")
    summary = f"summary: {n_frames} frame(s)"
    if kinds:
        summary += f" ({counts(kinds)})"
    summary += f", {n_drops} dropped chunk(s)"
    if drops:
        summary += f" ({counts(drops)})"
    if unterminated:
        summary += ", 1 unterminated tail"
    lines.append(summary)
    lines.append(f"instructions: {sum(instructions.values())}"
                 + (f" ({counts(instructions)})" if instructions else ""))
    lines.append(f"responses: {sum(responses.values())}"
                 + (f" ({counts(responses)})" if responses else ""))
    if malformed or retransmissions:
        lines.append(f"malformed payloads: {malformed}, retransmitted DATA frames: "
                     f"{retransmissions} (their messages not counted again)")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- CLI


def _cmd_link_dissect(args: argparse.Namespace) -> int:
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            data = Path(args.file).read_bytes()
    except OSError as e:
        print(f"error: cannot read {args.file}: {e.strerror or e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(dissect_json(data, args.max_payload), indent=2))
    else:
        sys.stdout.write(dissect(data, args.max_payload))
    return 0


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add ``link dissect FILE [--json] [--max-payload N]`` to the ``bss`` CLI; the handler
    sits in ``func`` and returns the exit code (2 if FILE cannot be read)."""
    link_parser = subparsers.add_parser("link", help="the link layer: look at captured streams")
    link = link_parser.add_subparsers(dest="link", required=True)
    dis = link.add_parser(
        "dissect", help="decode a captured byte stream: frames, instructions, responses"
    )
    dis.add_argument("file", metavar="FILE", help="captured bytes, or - for stdin")
    dis.add_argument("--json", action="store_true", help="a JSON list of frames")
    dis.add_argument(
        "--max-payload", type=int, default=None, metavar="N",
        help="drop frames with payloads above N bytes (the negotiated limit)",
    )
    dis.set_defaults(func=_cmd_link_dissect)
