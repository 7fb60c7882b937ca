"""Faults: a lossy line, a silent peer, an emulator that dies, and fuzzed decoders."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bss_host import _core, errors
from bss_host.connection import Connection, connect
from bss_host.errors import PeerTimeoutError
from bss_host.program import Program
from bss_host.transports import FaultyTransport, SerialTransport, SimTransport
from tests.support.emulator import emulator_process

DRAM = 0x8400_0000


def test_lossy_line_delivers_every_write_once_and_every_read_right() -> None:
    # 5 % of frames dropped and 1 % corrupted, both directions, small frames so that a
    # program crosses the line in about two thousand of them.
    conn = connect(
        "sim:?seed=3",
        max_payload=512,
        window=32,
        rto=0.005,
        faults={"drop": 0.05, "corrupt": 0.01},
        fault_seed=11,
    )
    n_writes, n_reads = 100_000, 10_000
    rng = np.random.default_rng(5)
    addrs = DRAM + rng.permutation(1 << 20)[:n_writes].astype(np.uint32)
    words = rng.integers(0, 1 << 32, n_writes, dtype=np.uint64).astype(np.uint32)
    pick = rng.choice(n_writes, n_reads, replace=False)
    p = Program()
    p.timer_reset()
    p.write_words(addrs, words)
    before = p.read_words(addrs[pick])
    p.write_words(addrs[pick], ~words[pick])  # overwrite: a replayed old write would show
    after = p.read_words(addrs[pick])
    ticker = p.read("timer")
    result = conn.run(p)
    assert np.array_equal(before.words(), words[pick])
    assert np.array_equal(after.words(), ~words[pick])
    # Every instruction costs one cycle of model time: the timer after the run counts the
    # instructions executed since the reset, so a duplicated or lost one would show.
    instructions = 1 + n_writes + n_reads + n_reads + n_reads
    assert ticker.value["value"] == instructions
    stats = conn.transport.stats()  # type: ignore[attr-defined]
    assert stats["to_device"]["dropped"] > 50 and stats["to_device"]["corrupted"] > 5
    assert stats["to_host"]["dropped"] > 0
    assert result.link["retransmits"] > 0
    conn.close()


def test_duplicates_reorders_and_delays_change_nothing() -> None:
    faults = {"duplicate": 0.05, "reorder": 0.05, "delay": 0.05, "drop": 0.02}
    conn = connect("sim:", max_payload=256, rto=0.005, faults=faults, fault_seed=2)
    addrs = DRAM + np.arange(20_000, dtype=np.uint32)
    p = Program().write_words(addrs, addrs ^ 0xA5A5_A5A5)
    t = p.read_words(addrs[::7])
    conn.run(p)
    assert np.array_equal(t.words(), (addrs ^ 0xA5A5_A5A5)[::7])


class _Silent:
    """A device that answers the handshake, then goes quiet after ``answers`` exchanges."""

    def __init__(self, answers: int) -> None:
        self.inner = _core.EmulatorSession()
        self.answers = answers

    def exchange(self, data: bytes, now: float) -> bytes:
        out = self.inner.exchange(data, now)
        self.answers -= 1
        return out if self.answers >= 0 else b""

    def next_timeout(self, now: float) -> float | None:
        return None

    @property
    def now_cycles(self) -> int:
        return self.inner.now_cycles

    def disconnect(self) -> None:
        pass


def test_silent_peer_times_out_during_a_run() -> None:
    conn = Connection(SimTransport(_Silent(answers=1)), "sim:silent", timeout=0.5)
    p = Program().write("timer", value=0)
    t0 = time.monotonic()
    with pytest.raises(PeerTimeoutError, match="no answer for 0.5 s"):
        conn.run(p)
    assert time.monotonic() - t0 < 1.5


def test_silent_tcp_peer_times_out_at_connect() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    t0 = time.monotonic()
    with pytest.raises(PeerTimeoutError, match="handshake"):
        Connection(SerialTransport(f"socket://127.0.0.1:{port}"), "socket:silent", timeout=0.4)
    assert time.monotonic() - t0 < 1.5
    server.close()
    for s in accepted:
        s.close()


def test_emulator_killed_mid_program_gives_a_clear_error() -> None:
    with emulator_process() as (proc, port):
        conn = connect(f"socket://127.0.0.1:{port}", timeout=5.0)
        n = 3_000_000
        p = Program().write_words(DRAM + np.arange(n, dtype=np.uint32), np.ones(n, np.uint32))
        threading.Timer(0.05, proc.kill).start()
        t0 = time.monotonic()
        with pytest.raises(errors.LinkError, match="socket://127.0.0.1"):
            conn.run(p)
        assert time.monotonic() - t0 < 6.0


def test_rejected_handshake_is_a_typed_error() -> None:
    class Rejecting:
        def exchange(self, data: bytes, now: float) -> bytes:
            return _core.link_encode_frame(5, 0, 0, 0, b"\x02protocol 9.0 is not supported")

        def next_timeout(self, now: float) -> float | None:
            return None

        def disconnect(self) -> None:
            pass

    with pytest.raises(errors.LinkRejectedError, match="9.0"):
        Connection(SimTransport(Rejecting()), "sim:rejecting", timeout=1.0)


def test_fault_injector_is_seeded() -> None:
    frames = b"".join(_core.link_encode_frame(1, i, 0, 0, bytes([i]) * 40) for i in range(200))
    outs = []
    for _ in range(2):
        f = _core.FaultInjector(7, drop=0.1, corrupt=0.1, duplicate=0.1)
        outs.append(f.push(frames, 0))
    assert outs[0] == outs[1] and outs[0] != frames
    with pytest.raises(ValueError, match="drop probability"):
        _core.FaultInjector(1, drop=1.5)


def test_faulty_transport_wraps_any_transport() -> None:
    t = FaultyTransport(SimTransport(_core.EmulatorSession()), seed=1, drop=0.2)
    conn = Connection(t, "sim:faulty", rto=0.002, timeout=5.0)
    p = Program().write("instruction_timeout_config", value=77)
    r = p.read("instruction_timeout_config")
    conn.run(p)
    assert r.value == {"value": 77}


# ---- fuzzing the decoders: typed errors only, never a crash --------------------------------


@pytest.mark.parametrize(
    ("decode", "encode"),
    [
        (_core.wire_decode_instructions, _core.wire_encode_instructions),
        (_core.wire_decode_responses, _core.wire_encode_responses),
    ],
    ids=["instructions", "responses"],
)
@given(data=st.binary(max_size=300))
def test_message_decoders_fuzz(decode: Any, encode: Any, data: bytes) -> None:  # noqa: ANN401
    try:
        ops = decode(data)
    except errors.WireError:
        return
    assert encode(ops) == data


@given(st.binary(max_size=2000))
def test_frame_decoder_fuzz(data: bytes) -> None:
    frames, dropped = _core.link_decode_frames(data)
    assert dropped >= 0
    for kind, *_ in frames:
        assert 1 <= kind <= 5


@given(st.lists(st.binary(max_size=200), max_size=8))
def test_emulator_survives_garbage(chunks: list[bytes]) -> None:
    dev = _core.EmulatorSession()
    for i, c in enumerate(chunks):
        out = dev.exchange(c, float(i))
        assert isinstance(out, bytes)


def test_capture_feeds_the_dissector(tmp_path) -> None:  # noqa: ANN001
    from bss_host.wirespec.dissect import dissect

    prefix = str(tmp_path / "cap")
    with connect("sim:", capture=prefix) as conn:
        p = Program().write("instruction_timeout_config", value=9)
        p.read("instruction_timeout_config")
        conn.run(p)
    to_chip = dissect(open(prefix + ".to_chip.bin", "rb").read())
    from_chip = dissect(open(prefix + ".from_chip.bin", "rb").read())
    assert "HELLO" in to_chip and "WRITE  0x88000003 <- 0x00000009" in to_chip
    assert "READ_DATA 0x00000009" in from_chip and "HALT_ECHO" in from_chip
    assert "0 dropped" in to_chip and "0 dropped" in from_chip


def test_long_experiment_over_tcp_outlasts_the_host_timeout() -> None:
    from bss_host import presets

    # The fine-step reference (--exact) keeps the run long whatever the fast paths gain.
    with emulator_process("--exact") as (_, port):
        # The analog core on, 8 ms of hardware time: seconds of simulation, far longer
        # than the host's 1 s timeout. The emulator works in slices and keeps the link
        # alive in between, so the run completes.
        conn = connect(f"socket://127.0.0.1:{port}", timeout=1.0)
        p = presets.chip_setup(Program())
        presets.neuron_setup(p)
        p.timer_reset().wait_until(us=8000)
        t = p.read("timer")
        t0 = time.monotonic()
        conn.run(p)
        assert time.monotonic() - t0 > 1.5  # it really outlasted the timeout
        assert t.value["value"] == 8000 * 125
        conn.close()
