"""The pure-Python wire implementation (`bss_host.wirespec`) against docs/wire.md."""

import json
import math
import struct

import pytest
from construct import ConstructError
from hypothesis import given
from hypothesis import strategies as st

from bss_host.wirespec import (
    FRAME,
    HANDSHAKE,
    INSTRUCTION,
    MESSAGE,
    OPS,
    REJECT,
    RESPONSE,
    CobsError,
    DecodedFrame,
    DroppedChunk,
    DropReason,
    Frame,
    FrameError,
    Handshake,
    Kind,
    Malformed,
    Message,
    MessageError,
    Reject,
    cobs_decode,
    cobs_encode,
    crc32c,
    decode_frame,
    decode_handshake,
    decode_instructions,
    decode_messages,
    decode_reject,
    decode_responses,
    encode_frame,
    encode_handshake,
    encode_instructions,
    encode_messages,
    encode_reject,
    encode_responses,
    frame_bytes,
    split_stream,
)
from bss_host.wirespec.dissect import dissect, dissect_json
from tests.support.wire_strategies import INSTRUCTIONS, RESPONSES, U16, U64, u32

# --------------------------------------------------------------------------- strategies


FRAMES = st.builds(
    Frame,
    kind=st.sampled_from(list(Kind)).map(int),
    flags=st.just(0),
    seq=u32,
    ack=u32,
    sack=u32,
    payload=st.binary(max_size=600),
)


def norm(t):
    return tuple(list(x) if isinstance(x, list | tuple) else x for x in t)


def crc32c_bitwise(data: bytes) -> int:
    """A second CRC-32C, bit by bit, without a table."""
    c = 0xFFFF_FFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ (0x82F6_3B78 * (c & 1))
    return c ^ 0xFFFF_FFFF


def raw_frame(kind, flags, seq, ack, sack, payload, length=None, crc=None):
    """A frame built with `struct` only, so that it can break any rule."""
    head = struct.pack("<BBIIII", kind, flags, seq, ack, sack,
                       len(payload) if length is None else length) + payload
    return head + struct.pack("<I", crc32c_bitwise(head) if crc is None else crc)


# --------------------------------------------------------------------------- CRC


def test_crc32c_check_value():
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(b"") == 0
    assert crc32c_bitwise(b"123456789") == 0xE3069283


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crc32c_matches_bitwise_and_continues(a, b):
    assert crc32c(a + b) == crc32c_bitwise(a + b) == crc32c(b, crc32c(a))


# --------------------------------------------------------------------------- COBS


def test_cobs_known_encodings():
    # The examples of the COBS paper / Wikipedia, all shortest forms.
    assert cobs_encode(b"") == b"\x01"
    assert cobs_encode(b"\x00") == b"\x01\x01"
    assert cobs_encode(b"\x00\x00") == b"\x01\x01\x01"
    assert cobs_encode(b"\x11\x22\x00\x33") == b"\x03\x11\x22\x02\x33"
    assert cobs_encode(b"\x11\x00\x00\x00") == b"\x02\x11\x01\x01\x01"
    run = bytes(range(1, 255))  # 254 non-zero bytes
    assert cobs_encode(run) == b"\xff" + run + b"\x01"  # the empty final run follows
    assert cobs_encode(b"\x00" + run) == b"\x01\xff" + run + b"\x01"
    assert cobs_encode(run + b"\xff") == b"\xff" + run + b"\x02\xff"
    assert cobs_encode(run + b"\x00") == b"\xff" + run + b"\x01\x01"


@given(st.binary(max_size=2000))
def test_cobs_round_trip_no_zero_and_overhead(data):
    enc = cobs_encode(data)
    assert 0 not in enc
    assert cobs_decode(enc) == data
    assert len(data) + 1 <= len(enc) or 0 in data
    assert len(enc) <= len(data) + max(1, math.ceil(len(data) / 254))


@given(st.binary(min_size=1, max_size=600).filter(lambda b: 0 not in b))
def test_cobs_zero_free_data_costs_exactly_its_bound(data):
    assert len(cobs_encode(data)) == len(data) + math.ceil(len(data) / 254)


def test_cobs_decode_accepts_a_trailing_empty_run():
    run = bytes(range(1, 255))
    assert cobs_decode(b"\xff" + run + b"\x01") == run


@pytest.mark.parametrize(
    ("chunk", "offset"),
    [
        (b"", 0),
        (b"\x03\x11\x00\x22", 2),  # a zero inside a run
        (b"\x00\x01", 0),  # a zero where a code byte belongs
        (b"\x05\x11\x22", 0),  # the code byte runs past the end
        (b"\x02\x11\x04\x22", 2),
    ],
)
def test_cobs_decode_rejects_malformed(chunk, offset):
    with pytest.raises(CobsError) as e:
        cobs_decode(chunk)
    assert e.value.offset == offset
    assert isinstance(e.value, ValueError)


@given(st.binary(max_size=300))
def test_cobs_decode_never_raises_anything_else(data):
    try:
        cobs_decode(data)
    except CobsError:
        pass


# --------------------------------------------------------------------------- frames


def test_golden_ack_frame():
    """ACK, ack=5, computed by hand from the table of docs/wire.md §1.2."""
    raw = bytes([
        0x02,                    # kind ACK
        0x00,                    # flags
        0x00, 0x00, 0x00, 0x00,  # seq
        0x05, 0x00, 0x00, 0x00,  # ack = 5, little-endian
        0x00, 0x00, 0x00, 0x00,  # sack
        0x00, 0x00, 0x00, 0x00,  # length = 0
    ])
    crc = crc32c_bitwise(raw)
    assert crc == 0x23414D82
    raw += bytes([0x82, 0x4D, 0x41, 0x23])  # CRC, little-endian
    assert frame_bytes(Frame(2, 0, 0, 5, 0, b"")) == raw
    # COBS by hand: [02] zero -> 02 02; four zeros -> 01 x4; [05] zero -> 02 05;
    # ten zeros -> 01 x10; the CRC as the last run -> 05 82 4d 41 23; then the delimiter.
    wire = bytes([0x02, 0x02, 0x01, 0x01, 0x01, 0x01, 0x02, 0x05, *[0x01] * 10,
                  0x05, 0x82, 0x4D, 0x41, 0x23, 0x00])
    assert encode_frame(Frame(Kind.ACK, 0, 0, 5, 0)) == wire
    [r] = split_stream(wire)
    assert r == DecodedFrame(0, len(wire) - 1, Frame(2, 0, 0, 5, 0, b""), 0x23414D82)


def test_golden_data_frame_with_one_write():
    payload = bytes([0x01, 0x00, 0x00, 0xA0, 0x02, 0x01, 0x00, 0x00, 0x00])
    assert encode_messages([("write", 0x02A0_0000, 1)]) == payload
    raw = bytes([0x01, 0x00, 0x07, 0, 0, 0, 0x03, 0, 0, 0, 0x01, 0, 0, 0, 0x09, 0, 0, 0])
    raw += payload
    raw += struct.pack("<I", crc32c_bitwise(raw))
    assert frame_bytes(Frame(1, 0, 7, 3, 1, payload)) == raw
    assert FRAME.parse(raw).body.value.payload == payload


@given(FRAMES)
def test_frame_round_trip(frame):
    wire = encode_frame(frame)
    assert wire.endswith(b"\x00") and 0 not in wire[:-1]
    assert len(frame_bytes(frame)) == 22 + len(frame.payload)
    assert split_stream(wire) == [
        DecodedFrame(0, len(wire) - 1, frame, crc32c(frame_bytes(frame)[:-4]))
    ]
    assert decode_frame(cobs_decode(wire[:-1])) == frame


def test_frame_of_a_full_last_run_ends_with_the_empty_run():
    # flags = 0 and length's top bytes are 0, so payload + CRC form the last run: 250 + 4.
    for seq in range(100):
        f = Frame(1, 0, seq + 1, 1, 1, bytes([0x5A]) * 250)
        raw = frame_bytes(f)
        if 0 not in raw[-4:]:
            break
    wire = encode_frame(f)
    assert wire[-257:] == b"\xff" + raw[-254:] + b"\x01\x00"
    assert split_stream(wire)[0].frame == f


def test_encode_frame_rejects_out_of_range_fields():
    for bad in (Frame(256, 0, 0, 0, 0), Frame(1, 0, 1 << 32, 0, 0), Frame(1, 0, 0, -1, 0)):
        with pytest.raises(FrameError):
            encode_frame(bad)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x01" * 21, DropReason.TOO_SHORT),
        (raw_frame(1, 0, 0, 0, 0, b"abc", length=4), DropReason.LENGTH_MISMATCH),
        (raw_frame(1, 0, 0, 0, 0, b"abc", length=2), DropReason.LENGTH_MISMATCH),
        (raw_frame(1, 0, 0, 0, 0, b"abc", crc=0x1234), DropReason.BAD_CRC),
        (raw_frame(0, 0, 0, 0, 0, b""), DropReason.UNKNOWN_KIND),
        (raw_frame(6, 0, 0, 0, 0, b""), DropReason.UNKNOWN_KIND),
        (raw_frame(1, 1, 0, 0, 0, b""), DropReason.RESERVED_FLAGS),
        (raw_frame(2, 0x80, 0, 0, 0, b""), DropReason.RESERVED_FLAGS),
    ],
)
def test_invalid_frames_are_dropped_with_their_reason(raw, reason):
    [r] = split_stream(cobs_encode(raw) + b"\x00")
    assert isinstance(r, DroppedChunk) and r.reason is reason and r.offset == 0
    with pytest.raises(FrameError) as e:
        decode_frame(raw)
    assert e.value.reason is reason


def test_max_payload_limit():
    wire = encode_frame(Frame(1, 0, 0, 0, 0, bytes(100)))
    assert isinstance(split_stream(wire, max_payload=100)[0], DecodedFrame)
    [r] = split_stream(wire, max_payload=99)
    assert r.reason is DropReason.TOO_LONG


def test_split_stream_skips_empty_chunks_and_reports_offsets():
    a = encode_frame(Frame(2, 0, 0, 1, 0))
    b = encode_frame(Frame(1, 0, 0, 1, 0, b"\x09"))
    stream = b"\x00\x00" + a + b"\x00\x00\x00" + b"\x07\x07\x00" + b
    rs = split_stream(stream)
    assert [type(r) for r in rs] == [DecodedFrame, DroppedChunk, DecodedFrame]
    assert rs[0].offset == 2 and rs[1].offset == 2 + len(a) + 3
    assert rs[1].reason is DropReason.BAD_COBS and rs[1].size == 2
    assert rs[2].offset == len(stream) - len(b)
    assert split_stream(b"") == [] and split_stream(b"\x00" * 5) == []


def test_split_stream_reports_an_unterminated_tail():
    a = encode_frame(Frame(2, 0, 0, 1, 0))
    rs = split_stream(a + a[:-1])
    assert isinstance(rs[0], DecodedFrame)
    assert rs[1] == DroppedChunk(len(a), len(a) - 1, DropReason.UNTERMINATED, rs[1].detail)


@st.composite
def garbage_and_frames(draw):
    pieces = draw(st.lists(
        st.one_of(st.tuples(st.just("garbage"), st.binary(min_size=1, max_size=80)),
                  st.tuples(st.just("frame"), FRAMES)),
        max_size=8,
    ))
    stream = bytearray()
    expected = []
    for what, x in pieces:
        if what == "frame":
            if not stream or stream[-1] == 0:
                expected.append((len(stream), x))
            stream += encode_frame(x)
        else:
            stream += x
    return bytes(stream), expected


@given(garbage_and_frames())
def test_garbage_resilience(case):
    stream, expected = case
    rs = split_stream(stream)  # never raises
    got = {(r.offset, r.frame) for r in rs if isinstance(r, DecodedFrame)}
    assert set(expected) <= got
    assert len(rs) == sum(1 for c in stream.split(b"\x00") if c)
    offsets = [r.offset for r in rs]
    assert offsets == sorted(offsets)


@given(st.binary(max_size=500))
def test_split_stream_never_raises(data):
    for r in split_stream(data, max_payload=64):
        assert isinstance(r, DecodedFrame | DroppedChunk)
    assert isinstance(dissect(data), str)
    json.dumps(dissect_json(data))


@given(st.lists(st.builds(Frame, kind=st.integers(1, 5), flags=st.just(0), seq=u32, ack=u32,
                          sack=u32, payload=st.one_of(
                              st.binary(max_size=40),
                              st.lists(st.one_of(INSTRUCTIONS, RESPONSES), max_size=5)
                              .map(encode_messages))),
                max_size=6))
def test_dissect_any_valid_frames(frames):
    stream = b"".join(encode_frame(f) for f in frames)
    text = dissect(stream)
    assert f"summary: {len(frames)} frame(s)" in text
    assert len(dissect_json(stream)) == len(frames)


def _code_positions(enc: bytes) -> set[int]:
    pos, i = set(), 0
    while i < len(enc):
        pos.add(i)
        i += enc[i]
    return pos


@given(FRAMES.filter(lambda f: len(f.payload) <= 64), st.data())
def test_one_corrupt_byte_is_caught(frame, data):
    enc = encode_frame(frame)[:-1]
    i = data.draw(st.integers(0, len(enc) - 1), label="position")
    new = data.draw(st.integers(0, 255).filter(lambda v: v != enc[i]), label="value")
    bad = enc[:i] + bytes([new]) + enc[i + 1:] + b"\x00"
    rs = split_stream(bad)
    assert rs and all(isinstance(r, DroppedChunk) for r in rs)
    if new != 0 and i not in _code_positions(enc):
        # A data byte: the COBS structure holds, the decoded frame has one byte changed.
        [r] = rs
        assert r.reason in (DropReason.BAD_CRC, DropReason.LENGTH_MISMATCH)
    else:
        assert all(r.reason is not DropReason.UNTERMINATED for r in rs)


# --------------------------------------------------------------------------- handshake


def test_handshake_layout():
    h = Handshake(1, 0, 4096, 16, 0xBEEF)
    payload = encode_handshake(h)
    assert payload == b"BSS2" + bytes([1, 0, 0, 0, 0x00, 0x10, 0, 0, 16, 0, 0xEF, 0xBE])
    assert decode_handshake(payload) == h
    assert HANDSHAKE.parse(payload).max_payload == 4096
    with pytest.raises(ValueError):
        decode_handshake(b"BSS3" + payload[4:])
    with pytest.raises(ValueError):
        decode_handshake(payload + b"\x00")
    assert decode_handshake(b"NOPE" + payload[4:], strict=False).magic == b"NOPE"


def test_reject_layout():
    r = Reject(2, "major 2 unsupported, I speak 1")
    payload = encode_reject(r)
    assert payload == b"\x02major 2 unsupported, I speak 1"
    assert decode_reject(payload) == r and r.reason_name == "unsupported major version"
    assert REJECT.parse(b"\x01").message == ""
    with pytest.raises(ValueError):
        decode_reject(b"\x01\xff\xfe")


# --------------------------------------------------------------------------- messages


@given(st.lists(st.one_of(INSTRUCTIONS, RESPONSES), max_size=12))
def test_message_round_trip(tuples):
    payload = encode_messages(tuples)
    msgs = decode_messages(payload)
    assert all(isinstance(m, Message) for m in msgs)
    assert [norm(m.to_tuple()) for m in msgs] == [norm(t) for t in tuples]
    assert sum(m.size for m in msgs) == len(payload)
    assert [m.offset for m in msgs] == [sum(m.size for m in msgs[:k]) for k in range(len(msgs))]


@given(st.lists(INSTRUCTIONS, max_size=10), st.lists(RESPONSES, max_size=10))
def test_strict_decoders(instructions, responses):
    ip, rp = encode_instructions(instructions), encode_responses(responses)
    assert [norm(m.to_tuple()) for m in decode_instructions(ip)] == [norm(t) for t in instructions]
    assert [norm(m.to_tuple()) for m in decode_responses(rp)] == [norm(t) for t in responses]
    if responses:
        with pytest.raises(MessageError):
            decode_instructions(ip + rp)
        with pytest.raises(MessageError):
            encode_instructions([*instructions, responses[0]])
    if instructions:
        with pytest.raises(MessageError):
            decode_responses(rp + ip)


@pytest.mark.parametrize("opcode", sorted(OPS))
def test_every_opcode_through_construct(opcode):
    op = OPS[opcode]
    samples = {"labels": [1, 0xFFFF], "enable": True, "mode": 1, "flags": 0x1F,
               "value": 0x3FFF, "code": 4}
    body = {f: samples.get(f, 0xFFFF_FFFF if f not in ("time", "label") else
                           (U64 if f == "time" else U16)) for f in op.fields}
    data = MESSAGE.build({"opcode": opcode, "body": body})
    assert data[0] == opcode
    sizes = {0x01: 9, 0x02: 5, 0x03: 1, 0x04: 5, 0x05: 2, 0x06: 14, 0x07: 6, 0x08: 2,
             0x09: 1, 0x81: 5, 0x82: 11, 0x83: 11, 0x84: 9, 0x85: 10, 0x86: 9}
    assert len(data) == sizes[opcode]
    parsed = MESSAGE.parse(data)
    assert {f: parsed.body[f] for f in op.fields} == body
    own = INSTRUCTION if op.is_instruction else RESPONSE
    other = RESPONSE if op.is_instruction else INSTRUCTION
    assert own.build({"opcode": opcode, "body": body}) == data
    with pytest.raises(ConstructError):  # not one of its opcodes
        other.parse(data)
    with pytest.raises(ConstructError):
        other.build({"opcode": opcode, "body": body})


@pytest.mark.parametrize("count", [1, 2, 3])
def test_spikes_sizes(count):
    data = encode_messages([("spikes", list(range(10, 10 + count)))])
    assert data == bytes([7, count]) + b"".join(struct.pack("<H", 10 + i) for i in range(count))


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"\x07\x00", "count"),
        (b"\x07\x04" + bytes(8), "count"),
        (b"\x08\x02", "enable"),
        (b"\x08\xff", "enable"),
        (b"\x05\x20", "bits 5-7"),
        (b"\x05\x80", "bits 5-7"),
        (b"\x06" + bytes(12) + b"\x02", "mode"),
        (b"\x83" + bytes(8) + b"\x00\x40", "bits 14-15"),
        (b"\x83" + bytes(8) + b"\x00\x80", "bits 14-15"),
        (b"\x00", "unknown opcode"),
        (b"\x0a", "unknown opcode"),
        (b"\x80", "unknown opcode"),
        (b"\x87", "unknown opcode"),
        (b"\x01\x00\x00", "truncated WRITE"),
        (b"\x07\x03\x01\x00", "truncated SPIKES"),
        (b"\x86" + bytes(7), "truncated HALT_ECHO"),
    ],
)
def test_malformed_operands_are_reported(payload, words):
    prefix = encode_messages([("timer_reset",), ("read", 5)])
    msgs = decode_messages(prefix + payload)
    assert [m.name for m in msgs[:-1]] == ["TIMER_RESET", "READ"]
    bad = msgs[-1]
    assert isinstance(bad, Malformed) and bad.offset == len(prefix)
    assert words in bad.reason and bad.data == payload
    with pytest.raises(MessageError) as e:
        decode_instructions(prefix + payload)
    assert e.value.offset == len(prefix)
    with pytest.raises(ConstructError):
        MESSAGE.parse(payload)


@pytest.mark.parametrize(
    "t",
    [
        ("spikes", []),
        ("spikes", [1, 2, 3, 4]),
        ("spikes", [0x10000]),
        ("event_recording", 2),
        ("barrier", 0x20),
        ("barrier", 0xE0),
        ("wait_register", 0, 0, 0, 2),
        ("madc_sample", 0, 0x4000),
        ("madc_sample", 0, 0xC3FF),
        ("write", 1 << 32, 0),
        ("read", -1),
        ("spike", 1 << 64, 0),
        ("halt", 1),
        ("nop",),
    ],
)
def test_invalid_operands_are_refused_when_encoding(t):
    with pytest.raises(MessageError):
        encode_messages([("halt",), t])


@given(st.binary(max_size=60))
def test_decode_messages_never_raises(data):
    msgs = decode_messages(data)
    assert all(isinstance(m, Message) for m in msgs[:-1])
    if msgs and isinstance(msgs[-1], Malformed):
        assert data[msgs[-1].offset:] == msgs[-1].data
    else:
        assert encode_messages(msgs) == data


# --------------------------------------------------------------------------- dissect


def small_stream():
    program = encode_messages([("write", 0x02A0_0000, 1), ("read", 0), ("spikes", [12, 13]),
                               ("halt",)])
    answers = encode_messages([("read_data", 42), ("error", 1, 3, 0x0016_0002),
                               ("halt_echo", 1000)])
    return (
        b"\x00"
        + encode_frame(Frame(Kind.HELLO, 0, 0, 0, 0, encode_handshake(Handshake(1, 0, 4096, 8,
                                                                                0x1234))))
        + encode_frame(Frame(Kind.WELCOME, 0, 0, 0, 0, encode_handshake(Handshake(1, 0, 2048,
                                                                                  4, 0x1234))))
        + encode_frame(Frame(Kind.DATA, 0, 0, 0, 0, program))
        + b"\x55\x66\x77\x00"
        + encode_frame(Frame(Kind.DATA, 0, 0, 1, 0, answers + b"\x07\x00"))
        + encode_frame(Frame(Kind.ACK, 0, 0, 1, 0b101, b""))
        + encode_frame(Frame(Kind.REJECT, 0, 0, 0, 0, encode_reject(Reject(1, "bad magic"))))
    )


def test_dissect_text():
    text = dissect(small_stream())
    lines = text.splitlines()
    assert any(line.startswith("@1 ") and "HELLO" in line and "crc=ok" in line
               for line in lines)
    assert "    version 1.0 max_payload=4096 window=8 nonce=0x1234" in lines
    assert "    version 1.0 max_payload=2048 window=4 nonce=0x1234" in lines
    assert "    #0    WRITE  0x02a00000 <- 0x00000001" in lines
    assert "    #1    READ   0x00000000" in lines
    assert "    #2    SPIKES labels=[12, 13]" in lines
    assert "    #3    HALT" in lines
    assert "          READ_DATA 0x0000002a" in lines
    assert "          ERROR read denied instr=3 addr=0x00160002" in lines
    assert "          HALT_ECHO time=1000" in lines
    assert any("MALFORMED at offset" in line and "count must be 1..3" in line for line in lines)
    assert any("DROPPED bad COBS" in line for line in lines)
    assert any("ACK" in line and "sack=0x00000005" in line and "len=0 " in line
               for line in lines)
    assert "    reason 1 (bad magic): 'bad magic'" in lines
    assert ("summary: 6 frame(s) (HELLO 1, WELCOME 1, DATA 2, ACK 1, REJECT 1), "
            "1 dropped chunk(s) (bad COBS 1)") in lines
    assert "instructions: 4 (WRITE 1, READ 1, SPIKES 1, HALT 1)" in lines
    assert "responses: 3 (READ_DATA 1, ERROR 1, HALT_ECHO 1)" in lines


def test_dissect_json():
    entries = dissect_json(small_stream())
    json.dumps(entries)
    kinds = [e.get("kind", e.get("dropped")) for e in entries]
    assert kinds == ["HELLO", "WELCOME", "DATA", "bad_cobs", "DATA", "ACK", "REJECT"]
    assert entries[0]["handshake"]["nonce"] == 0x1234
    write = entries[2]["messages"][0]
    assert write["name"] == "WRITE" and write["operands"] == {"address": 0x02A0_0000, "word": 1}
    assert entries[2]["messages"][2]["operands"] == {"labels": [12, 13]}
    assert entries[4]["malformed"]["offset"] == 5 + 10 + 9


def test_spikes_cut_before_its_count_is_malformed_not_a_crash():
    msgs = decode_messages(b"\x07")
    assert len(msgs) == 1 and "truncated SPIKES" in msgs[0].reason
