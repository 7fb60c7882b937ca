"""A second, independent implementation of the bss wire format (``docs/wire.md``), in Python.

The Rust crate ``wire`` is the implementation the host runs; this package exists to check
it (a property test makes the two agree) and to read captured byte streams
(``bss link dissect``). It is written from the specification alone:

- :mod:`.frames`: :func:`crc32c`, :func:`cobs_encode` and :func:`cobs_decode` in plain
  Python; the frame, handshake and REJECT layouts as ``construct`` definitions;
  :func:`split_stream` cuts a captured stream at its 0x00 delimiters and says, for every
  chunk, which frame it holds or why a receiver drops it, never raising;
- :mod:`.messages`: every instruction and response as ``construct`` definitions;
  :func:`decode_messages` reports a malformed tail with its byte offset instead of raising;
- :mod:`.dissect`: ``bss link dissect``, a captured stream frame by frame.

Errors are :class:`~bss_host.errors.WireError` and its subclasses.
"""

from bss_host.errors import CobsError, FrameError, MessageError, WireError
from bss_host.wirespec.frames import (
    FRAME,
    FRAME_HEADER,
    HANDSHAKE,
    HEADER_SIZE,
    MAGIC,
    MIN_FRAME_SIZE,
    REJECT,
    DecodedFrame,
    DroppedChunk,
    DropReason,
    Frame,
    FrameResult,
    Handshake,
    Kind,
    Reject,
    cobs_decode,
    cobs_encode,
    crc32c,
    decode_frame,
    decode_handshake,
    decode_reject,
    encode_frame,
    encode_handshake,
    encode_reject,
    frame_bytes,
    split_stream,
)
from bss_host.wirespec.messages import (
    INSTRUCTION,
    MESSAGE,
    OPS,
    RESPONSE,
    Malformed,
    Message,
    Op,
    decode_instructions,
    decode_messages,
    decode_responses,
    encode_instructions,
    encode_messages,
    encode_responses,
)

__all__ = [
    "CobsError",
    "DecodedFrame",
    "DropReason",
    "DroppedChunk",
    "FRAME",
    "FRAME_HEADER",
    "Frame",
    "FrameError",
    "FrameResult",
    "HANDSHAKE",
    "HEADER_SIZE",
    "Handshake",
    "INSTRUCTION",
    "Kind",
    "MAGIC",
    "MESSAGE",
    "MIN_FRAME_SIZE",
    "Malformed",
    "Message",
    "MessageError",
    "OPS",
    "Op",
    "REJECT",
    "RESPONSE",
    "Reject",
    "cobs_decode",
    "cobs_encode",
    "crc32c",
    "decode_frame",
    "decode_handshake",
    "decode_instructions",
    "decode_messages",
    "decode_reject",
    "decode_responses",
    "encode_frame",
    "encode_handshake",
    "encode_instructions",
    "encode_messages",
    "encode_reject",
    "encode_responses",
    "frame_bytes",
    "split_stream",
    "WireError",
]
