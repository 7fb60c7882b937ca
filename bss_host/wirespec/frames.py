"""Frames, COBS, CRC-32C and the handshake of docs/wire.md §1, written from the spec alone."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from construct import (
    Bytes,
    Checksum,
    Const,
    ConstructError,
    GreedyString,
    Int8ul,
    Int16ul,
    Int32ul,
    RawCopy,
    Rebuild,
    Struct,
    Terminated,
    len_,
    this,
)

from bss_host.errors import CobsError, FrameError, WireError

U8 = 0xFF
U16 = 0xFFFF
U32 = 0xFFFF_FFFF


# --------------------------------------------------------------------------- errors


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
        raise WireError(f"handshake: {_construct_message(e)}") from None


def decode_handshake(payload: bytes, strict: bool = True) -> Handshake:
    """Parse a HELLO/WELCOME payload. ``strict=False`` accepts a wrong magic and extra bytes
    (for showing what a bad HELLO held)."""
    try:
        c = (HANDSHAKE if strict else _HANDSHAKE_LENIENT).parse(bytes(payload))
    except ConstructError as e:
        raise WireError(f"handshake: {_construct_message(e)}") from None
    return Handshake(c.major, c.minor, c.max_payload, c.window, c.nonce, bytes(c.magic))


def encode_reject(r: Reject) -> bytes:
    try:
        return REJECT.build({"reason": r.reason, "message": r.message})
    except ConstructError as e:
        raise WireError(f"reject: {_construct_message(e)}") from None


def decode_reject(payload: bytes) -> Reject:
    try:
        c = REJECT.parse(bytes(payload))
    except (ConstructError, UnicodeDecodeError) as e:
        raise WireError(f"reject: {_construct_message(e)}") from None
    return Reject(c.reason, c.message)


def _construct_message(e: BaseException) -> str:
    """The last line of a construct error (without its ``Error in path`` prefix)."""
    text = str(e).strip().splitlines()
    return text[-1] if text else type(e).__name__
