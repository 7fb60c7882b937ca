"""``bss link dissect``: a captured byte stream, frame by frame, with the instructions and
responses inside (:func:`dissect` as text, :func:`dissect_json` as JSON-ready data). It
reads the stream with :mod:`bss_host.wirespec`, the independent Python implementation of the
wire format, so it shows what the specification says is on the line.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bss_host.errors import WireError
from bss_host.wirespec.frames import (
    MAGIC,
    REJECT_REASONS,
    DroppedChunk,
    Kind,
    decode_handshake,
    decode_reject,
    split_stream,
)
from bss_host.wirespec.messages import (
    Malformed,
    Message,
    decode_messages,
)

__all__ = ["dissect", "dissect_json"]


# --------------------------------------------------------------------------- rendering


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
    except WireError:
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
