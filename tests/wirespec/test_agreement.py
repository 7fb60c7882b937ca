"""The Rust wire implementation (`bss_host._core`) and the Python one (`bss_host.wirespec`) agree.

Both are written from docs/wire.md alone; these properties check that they produce the same
bytes and read the same bytes the same way, frames and messages alike.
"""

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bss_host import _core
from bss_host import wirespec as py
from tests.support.wire_strategies import INSTRUCTIONS, RESPONSES, u32

_API = (
    "link_encode_frame",
    "link_decode_frames",
    "wire_encode_instructions",
    "wire_decode_instructions",
    "wire_encode_responses",
    "wire_decode_responses",
)


def rust(name):
    fn = getattr(_core, name, None)
    if fn is None:
        pytest.fail(f"bss_host._core.{name} is missing: the Rust link/wire bindings have not "
                    "landed (or the extension was not rebuilt)")
    return fn


# --------------------------------------------------------------------------- strategies


KINDS = st.sampled_from([int(k) for k in py.Kind])
# Payloads stay well under any sensible payload limit but cross the 254-byte COBS runs.
PAYLOADS = st.one_of(
    st.binary(max_size=600),
    st.binary(min_size=1, max_size=600).map(lambda b: bytes(x or 1 for x in b)),  # no zeros
)
FRAME_FIELDS = st.tuples(KINDS, u32, u32, u32, PAYLOADS)


def norm(t):
    """Compare tuples whatever sequence type the labels come in (and bool vs 0/1)."""
    return tuple(list(x) if isinstance(x, list | tuple) else x for x in t)


def py_frame(kind, seq, ack, sack, payload):
    return py.Frame(kind, 0, seq, ack, sack, payload)


def py_decode(stream):
    """The Python side in the Rust side's shape: (frames, dropped non-empty chunks).
    Streams here always end with a delimiter, so there is no unterminated tail."""
    frames, dropped = [], 0
    for r in py.split_stream(stream):
        if isinstance(r, py.DecodedFrame):
            f = r.frame
            frames.append((f.kind, f.seq, f.ack, f.sack, f.payload))
        elif r.reason is not py.DropReason.UNTERMINATED:
            dropped += 1
    return frames, dropped


def rs_decode(stream):
    frames, dropped = rust("link_decode_frames")(stream)
    return [(k, s, a, sk, bytes(p)) for k, s, a, sk, p in frames], dropped


# --------------------------------------------------------------------------- frames


def test_bindings_exist():
    for name in _API:
        rust(name)


@given(FRAME_FIELDS)
def test_frames_encode_identically(fields):
    rs = rust("link_encode_frame")(*fields)
    assert bytes(rs) == py.encode_frame(py_frame(*fields))


@given(st.lists(FRAME_FIELDS, max_size=6))
def test_frames_decode_both_ways(frames):
    rs_stream = b"".join(bytes(rust("link_encode_frame")(*f)) for f in frames)
    py_stream = b"".join(py.encode_frame(py_frame(*f)) for f in frames)
    expected = [tuple(f) for f in frames]
    assert py_decode(rs_stream) == (expected, 0)
    assert rs_decode(py_stream) == (expected, 0)


def test_full_cobs_run_at_the_end_of_a_frame():
    # flags and the top bytes of `length` are 0, so payload + CRC form the last COBS run;
    # 250 + 4 bytes make it exactly 254: a code 0xFF, then the empty final run (0x01).
    for seq in range(1, 200):
        fields = (1, seq, 1, 1, bytes([0x5A]) * 250)
        if 0 not in py.frame_bytes(py_frame(*fields))[-4:]:
            break
    wire = py.encode_frame(py_frame(*fields))
    assert wire[-257] == 0xFF and wire[-2:] == b"\x01\x00"
    assert bytes(rust("link_encode_frame")(*fields)) == wire
    assert rs_decode(wire) == ([fields], 0)


def _crafted(kind, flags, seq, ack, sack, payload, length=None, crc=None):
    """A frame built with `struct`, so that it can break one rule of §1.1/§1.2."""
    head = struct.pack("<BBIIII", kind, flags, seq, ack, sack,
                       len(payload) if length is None else length) + payload
    return py.cobs_encode(head + struct.pack("<I", py.crc32c(head) if crc is None else crc))


SMALL = st.binary(max_size=40)
INVALID_FRAMES = st.one_of(
    # unknown kind
    st.builds(_crafted, st.sampled_from([0, 6, 7, 0x81, 0xFF]), st.just(0), u32, u32, u32,
              SMALL),
    # reserved flags
    st.builds(_crafted, KINDS, st.integers(1, 255), u32, u32, u32, SMALL),
    # a length field off by a few bytes
    st.builds(lambda k, p, d: _crafted(k, 0, 0, 0, 0, p, length=abs(len(p) + d) or 1),
              KINDS, SMALL, st.integers(-3, 3).filter(bool)),
    # a wrong CRC
    st.builds(lambda k, p, c: _crafted(k, 0, 0, 0, 0, p, crc=c), KINDS, SMALL, u32),
    # too short
    st.binary(min_size=1, max_size=21).map(py.cobs_encode),
)


@st.composite
def streams(draw):
    """Valid frames (encoded by either side), invalid frames, garbage with and without
    zeros, runs of delimiters; always ending with a delimiter."""
    out = bytearray()
    for _ in range(draw(st.integers(0, 8))):
        what = draw(st.sampled_from(["py", "rust", "invalid", "garbage", "zeros"]))
        if what == "py":
            out += py.encode_frame(py_frame(*draw(FRAME_FIELDS)))
        elif what == "rust":
            out += bytes(rust("link_encode_frame")(*draw(FRAME_FIELDS)))
        elif what == "invalid":
            out += draw(INVALID_FRAMES) + b"\x00"
        elif what == "garbage":
            out += draw(st.binary(min_size=1, max_size=60))
        else:
            out += bytes(draw(st.integers(1, 3)))
    return bytes(out) + b"\x00"


@given(streams())
def test_streams_with_garbage_decode_the_same(stream):
    assert rs_decode(stream) == py_decode(stream)


@given(st.binary(max_size=300))
def test_pure_garbage_decodes_the_same(data):
    assert rs_decode(data + b"\x00") == py_decode(data + b"\x00")


@given(FRAME_FIELDS, st.data())
def test_one_corrupt_byte_is_dropped_by_both(fields, data):
    wire = py.encode_frame(py_frame(*fields))
    i = data.draw(st.integers(0, len(wire) - 2))
    v = data.draw(st.integers(0, 255).filter(lambda x: x != wire[i]))
    bad = wire[:i] + bytes([v]) + wire[i + 1:]
    assert rs_decode(bad) == py_decode(bad)
    assert py_decode(bad)[0] == []


def test_unterminated_tail_is_not_a_frame():
    """Bytes after the last 0x00 are a frame still arriving: neither side decodes nor
    counts them (the Python side reports them as UNTERMINATED, outside the dropped count)."""
    a = py.encode_frame(py_frame(2, 0, 1, 0, b""))
    assert rs_decode(a + a[:-1]) == py_decode(a + a[:-1]) == ([(2, 0, 1, 0, b"")], 0)


# --------------------------------------------------------------------------- messages


@given(st.lists(INSTRUCTIONS, max_size=12))
def test_instructions_agree(ops):
    rs_bytes = bytes(rust("wire_encode_instructions")(ops))
    py_bytes = py.encode_instructions(ops)
    assert rs_bytes == py_bytes
    assert [norm(t) for t in rust("wire_decode_instructions")(py_bytes)] == [norm(t) for t in ops]
    assert [norm(m.to_tuple()) for m in py.decode_instructions(rs_bytes)] == [norm(t) for t in ops]


@given(st.lists(RESPONSES, max_size=12))
def test_responses_agree(ops):
    rs_bytes = bytes(rust("wire_encode_responses")(ops))
    py_bytes = py.encode_responses(ops)
    assert rs_bytes == py_bytes
    assert [norm(t) for t in rust("wire_decode_responses")(py_bytes)] == [norm(t) for t in ops]
    assert [norm(m.to_tuple()) for m in py.decode_responses(rs_bytes)] == [norm(t) for t in ops]


@pytest.mark.parametrize(
    "payload",
    [
        b"\x07\x00",  # SPIKES count 0
        b"\x07\x04" + bytes(8),  # SPIKES count 4
        b"\x08\x02",  # EVENT_RECORDING enable 2
        b"\x05\x20",  # BARRIER bit 5
        b"\x05\xe0",  # BARRIER bits 5-7
        b"\x06" + bytes(12) + b"\x02",  # WAIT_REGISTER mode 2
        b"\x0a",  # unknown opcode
        b"\x81\x00\x00\x00\x00",  # a response in an instruction payload
        b"\x01\x00\x00\x00",  # truncated WRITE
        b"\x07\x02\x01\x00",  # truncated SPIKES
        b"\x09\x03\x0b",  # a bad tail after good instructions
    ],
)
def test_both_refuse_malformed_instructions(payload):
    with pytest.raises(ValueError):
        py.decode_instructions(payload)
    with pytest.raises(ValueError):
        rust("wire_decode_instructions")(payload)


@pytest.mark.parametrize(
    "payload",
    [
        b"\x83" + bytes(8) + b"\x00\x40",  # MADC value bit 14
        b"\x83" + bytes(8) + b"\xff\xff",  # MADC value bits 14-15
        b"\x87",  # unknown opcode
        b"\x01" + bytes(8),  # an instruction in a response payload
        b"\x86" + bytes(7),  # truncated HALT_ECHO
    ],
)
def test_both_refuse_malformed_responses(payload):
    with pytest.raises(ValueError):
        py.decode_responses(payload)
    with pytest.raises(ValueError):
        rust("wire_decode_responses")(payload)


def _either(fn, arg):
    try:
        return ("ok", [norm(t) for t in fn(arg)])
    except ValueError:
        return ("error", None)


@given(st.one_of(
    st.binary(max_size=40),
    st.lists(INSTRUCTIONS, max_size=4).map(py.encode_instructions).flatmap(
        lambda good: st.binary(max_size=6).map(lambda tail: good + tail)),
))
def test_random_instruction_bytes_are_read_the_same(payload):
    assert _either(rust("wire_decode_instructions"), payload) == _either(
        lambda p: [m.to_tuple() for m in py.decode_instructions(p)], payload)


@given(st.one_of(
    st.binary(max_size=40),
    st.lists(RESPONSES, max_size=4).map(py.encode_responses).flatmap(
        lambda good: st.binary(max_size=6).map(lambda tail: good + tail)),
))
def test_random_response_bytes_are_read_the_same(payload):
    assert _either(rust("wire_decode_responses"), payload) == _either(
        lambda p: [m.to_tuple() for m in py.decode_responses(p)], payload)


@pytest.mark.parametrize(
    "ops",
    [
        [("spikes", [])],
        [("spikes", [1, 2, 3, 4])],
        [("barrier", 0x20)],
        [("event_recording", 2)],
        [("write", 1 << 32, 0)],
    ],
)
def test_both_refuse_to_encode_bad_instructions(ops):
    with pytest.raises(ValueError):
        py.encode_instructions(ops)
    with pytest.raises((ValueError, OverflowError, TypeError)):
        rust("wire_encode_instructions")(ops)


@pytest.mark.parametrize("ops", [[("madc_sample", 0, 0x4000)], [("spike", 1 << 64, 0)]])
def test_both_refuse_to_encode_bad_responses(ops):
    with pytest.raises(ValueError):
        py.encode_responses(ops)
    with pytest.raises((ValueError, OverflowError, TypeError)):
        rust("wire_encode_responses")(ops)
