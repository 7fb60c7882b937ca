"""Connections end to end: programs through `bss emulate` over TCP and a pty, through the
emulator presented as a USB device, and the bring-up CLI against a running emulator.

One emulator process per transport serves the whole module; like a board, its chip model
keeps its state across clients, so each test writes values of its own.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from bss_host import REGMAP, _core
from bss_host.connection import URL_ENV, Connection, connect
from bss_host.emulator.usb import EMULATOR_PID, EMULATOR_VID, EmulatorUsbBackend
from bss_host.errors import LinkClosedError, ReadDeniedError, WriteDeniedError
from bss_host.program import Program
from bss_host.result import SPIKE_DTYPE
from bss_host.units import FPGA_CYCLES_PER_US

REPO = Path(__file__).resolve().parents[1]

LOOPBACK_CYCLES = 4
"""Latency of the L2 loopback through the crossbar (rust/chip/src/executor.rs)."""

DRAM_BASE = 0x8400_0000


# --- emulator processes --------------------------------------------------------------------


@dataclass
class Emulator:
    proc: subprocess.Popen[str]
    where: str
    """``HOST:PORT`` or the pty path, from the ready line."""
    log: Path


def _start_emulator(log: Path, *args: str) -> Emulator:
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bss_host.cli", "emulate", *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=err,  # a file: the server's log never blocks it on a full pipe
            text=True,
        )
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        ready = sel.select(15)
    line = proc.stdout.readline() if ready else ""
    m = re.fullmatch(r"(?:listening on|pty) (\S+)\n", line)
    if not m:
        proc.kill()
        proc.wait(5)
        raise AssertionError(f"no ready line from bss emulate {args}: {line!r}; "
                             f"log: {log.read_text()}")
    return Emulator(proc, m[1], log)


def _stop_emulator(emu: Emulator) -> None:
    emu.proc.send_signal(signal.SIGTERM)
    try:
        emu.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        emu.proc.kill()
        emu.proc.wait(5)
        raise AssertionError("bss emulate still running 5 s after SIGTERM") from None
    assert emu.proc.stdout is not None
    rest = emu.proc.stdout.read()
    emu.proc.stdout.close()
    assert emu.proc.returncode == 0, emu.log.read_text()
    assert rest == "", f"more than the ready line on stdout: {rest!r}"


@pytest.fixture(scope="module")
def tcp_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    emu = _start_emulator(tmp_path_factory.mktemp("tcp") / "emulate.log",
                          "--listen", "127.0.0.1:0")
    assert re.fullmatch(r"127\.0\.0\.1:\d+", emu.where) and not emu.where.endswith(":0")
    yield emu
    _stop_emulator(emu)


@pytest.fixture(scope="module")
def tcp_url(tcp_emulator: Emulator) -> str:
    return f"socket://{tcp_emulator.where}"


@pytest.fixture(scope="module")
def pty_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    emu = _start_emulator(tmp_path_factory.mktemp("pty") / "emulate.log", "--pty")
    assert emu.where.startswith("/dev/") and os.path.exists(emu.where)
    yield emu
    _stop_emulator(emu)


def _read_one(conn: Connection, name: str, index: int = 0) -> dict[str, int]:
    p = Program()
    t = p.read(name, index)
    conn.run(p)
    return t.value


# --- 1. programs over TCP ------------------------------------------------------------------


def test_tcp_writes_by_name_read_back_equal(tcp_url):
    rng = np.random.default_rng(1)
    ppu = rng.integers(0, 2**32, 300, dtype=np.uint32)
    ppu_idx = np.sort(rng.choice(REGMAP["ppu_memory_word"].count, 300, replace=False))
    ext = rng.integers(0, 2**32, 2000, dtype=np.uint32)
    raw = rng.integers(0, 2**32, 64, dtype=np.uint32)
    raw_addr = REGMAP["external_ppu_memory"].base + 4096 + np.arange(64, dtype=np.uint32)

    with connect(tcp_url) as conn:
        assert conn.url == tcp_url
        p = Program()
        p.write("event_recording_config", enable_event_recording=1)
        p.write("instruction_timeout_config", value=0x1234_5678)
        p.write_array("ppu_memory_word", {"value": ppu}, indices=ppu_idx)
        p.write_array("external_ppu_memory", value=ext, indices=np.arange(2000))
        p.write_words(raw_addr, raw)
        t_rec = p.read("event_recording_config")
        t_timeout = p.read("instruction_timeout_config")
        t_ppu = p.read_array("ppu_memory_word", ppu_idx)
        t_ext = p.read_array("external_ppu_memory", np.arange(2000))
        t_raw = p.read_words(raw_addr)
        p.write("timer", value=1000)
        t_timer = p.read("timer")  # the timer runs on: it reads 1000 plus the issue cycles
        result = conn.run(p)

        assert p.result is result
        assert t_rec.value == {"enable_event_recording": 1}
        assert t_timeout.value == {"value": 0x1234_5678}
        np.testing.assert_array_equal(t_ppu.array()["value"], ppu)
        np.testing.assert_array_equal(t_ext.array()["value"], ext)
        np.testing.assert_array_equal(t_raw.words(), raw)
        assert 1000 <= t_timer.value["value"] <= 1004
        assert len(result.reads) == 1 + 1 + 300 + 2000 + 64 + 1
        assert result.link["retransmits"] == 0

        # The shadow holds every word written.
        words, present = conn.shadow.get(raw_addr)
        assert present.all()
        np.testing.assert_array_equal(words, raw)
        words, present = conn.shadow.get(REGMAP["ppu_memory_word"].addresses(ppu_idx))
        assert present.all()
        np.testing.assert_array_equal(words, ppu)
        words, present = conn.shadow.get(
            np.array([REGMAP["instruction_timeout_config"].base], np.uint32))
        assert present.all() and words.tolist() == [0x1234_5678]
        _, present = conn.shadow.get(np.array([raw_addr[-1] + 1], np.uint32))
        assert not present.any()


def test_tcp_100k_writes_and_1k_reads(tcp_url):
    n = 100_000
    addresses = DRAM_BASE + np.arange(n, dtype=np.uint32)
    words = (np.arange(n, dtype=np.uint64) * 2654435761 + 12345).astype(np.uint32)
    picks = np.linspace(0, n - 1, 1000).astype(np.int64)
    with connect(tcp_url) as conn:
        p = Program()
        p.write_words(addresses, words)
        ticket = p.read_words(addresses[picks])
        result = conn.run(p)
        assert ticket.words().dtype == np.uint32
        np.testing.assert_array_equal(ticket.words(), words[picks])
        assert len(result.reads) == 1000
        assert result.link["data_frames_sent"] > 1  # split over many DATA frames
        _, present = conn.shadow.get(addresses)
        assert present.all()


def test_tcp_state_persists_across_sequential_connections(tcp_url):
    addr = np.array([DRAM_BASE + 0x0100_0000], np.uint32)
    with connect(tcp_url) as first:
        first.run(Program().write("instruction_timeout_config", value=0xA5A5)
                  .write_words(addr, [0xC0FFEE]))
        assert _read_one(first, "instruction_timeout_config") == {"value": 0xA5A5}
    # The first client is gone; the server takes the next one and the model persists.
    with connect(tcp_url) as second:
        assert _read_one(second, "instruction_timeout_config") == {"value": 0xA5A5}
        p = Program()
        t = p.read_words(addr)
        second.run(p)
        assert t.words().tolist() == [0xC0FFEE]
        # The shadow belongs to a connection, not to the device.
        _, present = second.shadow.get(addr)
        assert not present.any()


def test_tcp_reading_an_unreadable_register_is_denied(tcp_url):
    node = REGMAP["crossbar_node"]
    index = node.index_of(8, 8)
    assert not node.readable
    with connect(tcp_url) as conn:
        p = Program()
        p.write("crossbar_node", index, mask=0x3FFF, target=7)
        before = p.read("instruction_timeout_config")
        p.read("crossbar_node", index)
        after = p.read("instruction_timeout_config")
        with pytest.raises(ReadDeniedError, match=r"crossbar_node\[32\]") as info:
            conn.run(p)
        assert "(input=8, output=8)" in str(info.value)
        assert len(info.value.problems) == 1
        # The rest of the program ran and the other reads came back.
        assert info.value.result.reads.shape == (3,)
        assert before.value == after.value
        # The write went into the shadow, which is the record for this register.
        words, present = conn.shadow.get(node.addresses(np.array([index], np.uint32)))
        assert present.all()
        assert node.decode(words.tolist())["target"] == 7
        # The connection is still usable.
        assert "value" in _read_one(conn, "instruction_timeout_config")


def test_tcp_writing_a_read_only_register_is_denied(tcp_url):
    systime = REGMAP["systime"]
    assert systime.access == "ro" and systime.base == 0
    with connect(tcp_url) as conn:
        p = Program()
        p.write_words([0], [5])
        p.write("instruction_timeout_config", value=0x77)
        with pytest.raises(WriteDeniedError, match="systime") as info:
            conn.run(p)
        assert "0x00000000" in str(info.value)
        # A refused write does not enter the shadow; the accepted one does.
        _, present = conn.shadow.get(np.array([0], np.uint32))
        assert not present.any()
        words, present = conn.shadow.get(
            np.array([REGMAP["instruction_timeout_config"].base], np.uint32))
        assert present.all() and words.tolist() == [0x77]
        assert _read_one(conn, "instruction_timeout_config") == {"value": 0x77}


# --- 2. the bring-up CLI against the TCP emulator --------------------------------------------


def bss(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BSS_STATE_DIR": str(state)}
    env.pop(URL_ENV, None)
    return subprocess.run([sys.executable, "-m", "bss_host.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


def test_cli_poke_then_peek_readable_register(tcp_url, tmp_path):
    p = bss(tmp_path, "poke", "instruction_timeout_config", "value=0x4242", "--url", tcp_url)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "instruction_timeout_config <- value=16962\n"
    p = bss(tmp_path, "peek", "instruction_timeout_config", "--url", tcp_url, "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["register"] == "instruction_timeout_config"
    assert d["source"] == "chip"
    assert d["fields"] == {"value": 0x4242} and d["words"] == [0x4242]
    # The chip itself holds it: a program on a fresh connection reads the same.
    with connect(tcp_url) as conn:
        assert _read_one(conn, "instruction_timeout_config") == {"value": 0x4242}


def test_cli_poke_then_peek_unreadable_register_uses_the_shadow(tcp_url, tmp_path):
    node = REGMAP["crossbar_node"]
    p = bss(tmp_path, "poke", "crossbar_node[8,8]", "mask=0x3fff", "target=5", "--url", tcp_url)
    assert p.returncode == 0, p.stderr
    assert list(tmp_path.glob("shadow-*.npz")), "poke saves the shadow for the URL"
    p = bss(tmp_path, "peek", "crossbar_node[8,8]", "--url", tcp_url, "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["register"] == "crossbar_node" and d["index"] == node.index_of(8, 8)
    assert d["source"] == "shadow"
    assert d["fields"] == {"mask": 0x3FFF, "target": 5, "enable_drop_counter": 1}
    # A second poke keeps the fields it does not name (from the saved shadow).
    p = bss(tmp_path, "poke", "crossbar_node[8,8]", "target=6", "--url", tcp_url)
    assert p.returncode == 0, p.stderr
    d = json.loads(bss(tmp_path, "peek", "crossbar_node[8,8]", "--url", tcp_url,
                       "--json").stdout)
    assert d["source"] == "shadow" and d["fields"]["mask"] == 0x3FFF
    assert d["fields"]["target"] == 6

    # Without a saved shadow the host only knows the reset value.
    fresh = tmp_path / "fresh"
    d = json.loads(bss(fresh, "peek", "crossbar_node[8,8]", "--url", tcp_url, "--json").stdout)
    assert d["source"] == "reset (never written)"


def test_cli_dump_marks_unreadable_registers(tcp_url, tmp_path):
    p = bss(tmp_path, "dump", "crossbar", "--url", tcp_url)
    assert p.returncode == 0, p.stderr
    headers = {m[1]: m[2] for m in re.finditer(r"^(\w+)  \((.*)\)$", p.stdout, re.M)}
    assert set(headers) == {r.name for r in REGMAP.in_block("crossbar")}
    for reg in REGMAP.in_block("crossbar"):
        if reg.readable:
            assert headers[reg.name].startswith("read from the chip"), reg.name
        else:
            assert "not read back" in headers[reg.name], reg.name
    assert "not read back" in headers["crossbar_node"]

    bss(tmp_path, "poke", "crossbar_node[8,8]", "target=3", "--url", tcp_url)
    p = bss(tmp_path, "dump", "crossbar", "--all", "--json", "--url", tcp_url)
    assert p.returncode == 0, p.stderr
    dumped = {r["register"]: r for r in json.loads(p.stdout)}
    node = dumped["crossbar_node"]
    assert node["source"] == "shadow" and node["instances"] == REGMAP["crossbar_node"].count
    assert node["fields"]["target"][REGMAP["crossbar_node"].index_of(8, 8)] == 3
    assert all(dumped[r.name]["source"] == "chip"
               for r in REGMAP.in_block("crossbar") if r.readable)


def test_cli_bad_field_name_exits_2_with_one_line(tcp_url, tmp_path):
    p = bss(tmp_path, "poke", "crossbar_node[8,8]", "bogus=1", "--url", tcp_url)
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("error: ")
    assert "bogus" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize("command", [["peek", "instruction_timeout_config"],
                                     ["poke", "instruction_timeout_config", "value=1"]])
def test_cli_nothing_listening_exits_2_with_one_line(tmp_path, command):
    p = bss(tmp_path, *command, "--url", "socket://127.0.0.1:1")
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("error: ")
    assert "127.0.0.1:1" in p.stderr and "Traceback" not in p.stderr


# --- 3. the pty ----------------------------------------------------------------------------


def test_pty_round_trip_and_sequential_connections(pty_emulator):
    path = pty_emulator.where
    rng = np.random.default_rng(3)
    data = rng.integers(0, 2**32, 5000, dtype=np.uint32)
    addresses = DRAM_BASE + 0x20_0000 + np.arange(5000, dtype=np.uint32)
    with connect(path) as conn:
        assert conn.url == path
        p = Program()
        p.write("instruction_timeout_config", value=0xBEEF)
        p.write_array("external_ppu_memory", value=data[:1000], indices=np.arange(1000))
        p.write_words(addresses, data)
        t_cfg = p.read("instruction_timeout_config")
        t_ext = p.read_array("external_ppu_memory", np.arange(1000))
        t_raw = p.read_words(addresses)
        conn.run(p)
        assert t_cfg.value == {"value": 0xBEEF}
        np.testing.assert_array_equal(t_ext.array()["value"], data[:1000])
        np.testing.assert_array_equal(t_raw.words(), data)
    for value in (0x1111, 0x2222):  # each connection's HELLO starts a new session
        with connect(path) as conn:
            p = Program()
            t_raw = p.read_words(addresses[:10])
            p.write("instruction_timeout_config", value=value)
            t_cfg = p.read("instruction_timeout_config")
            conn.run(p)
            assert t_cfg.value == {"value": value}
            np.testing.assert_array_equal(t_raw.words(), data[:10])


# --- 4. USB through pyusb ------------------------------------------------------------------


def test_usb_write_read_program():
    backend = EmulatorUsbBackend(_core.EmulatorSession())
    url = f"usb:{EMULATOR_VID:04x}:{EMULATOR_PID:04x}"
    assert url == "usb:1d50:6a5b"
    values = np.arange(3000, dtype=np.uint32) * 7
    with connect(url, usb_backend=backend) as conn:
        assert conn.url == url
        p = Program()
        p.write("instruction_timeout_config", value=4321)
        p.write_array("external_ppu_memory", value=values, indices=np.arange(3000))
        t_cfg = p.read("instruction_timeout_config")
        t_ext = p.read_array("external_ppu_memory", np.arange(3000))
        conn.run(p)
        assert t_cfg.value == {"value": 4321}
        np.testing.assert_array_equal(t_ext.array()["value"], values)
    # The same device, opened again: the model kept its state.
    with connect(url, usb_backend=backend) as conn:
        assert _read_one(conn, "instruction_timeout_config") == {"value": 4321}


def test_usb_wrong_ids_is_a_clear_connection_error():
    backend = EmulatorUsbBackend(_core.EmulatorSession())
    with pytest.raises(ConnectionError, match="1d50:0001") as info:
        connect("usb:1d50:0001", usb_backend=backend)
    assert isinstance(info.value, LinkClosedError)
    assert "no USB device" in str(info.value)
    other = EmulatorUsbBackend(_core.EmulatorSession(), vid=0x1234, pid=0x5678)
    with pytest.raises(LinkClosedError, match="1d50:6a5b"):
        connect("usb:1d50:6a5b", usb_backend=other)
    with pytest.raises(ValueError, match="hex ids"):
        connect("usb:1d50", usb_backend=backend)


# --- 5. BSS_URL ----------------------------------------------------------------------------


def test_bss_url_selects_the_default_connection(tcp_url, monkeypatch):
    monkeypatch.setenv(URL_ENV, tcp_url)
    with connect() as conn:
        assert conn.url == tcp_url
        conn.run(Program().write("instruction_timeout_config", value=0x5151))
    with connect(tcp_url) as conn:  # it really was the TCP emulator
        assert _read_one(conn, "instruction_timeout_config") == {"value": 0x5151}
    monkeypatch.delenv(URL_ENV)
    with connect() as conn:
        assert conn.url == "sim:"


# --- 6. recorded events --------------------------------------------------------------------

NODE = REGMAP["crossbar_node"].index_of(8, 8)
LABELS = np.array([0x0003, 0x0105, 0x2A2A, 0x3FFF], np.uint16)  # bits 15-14 = 0: node (8, 8)
TIMES_US = np.array([2.0, 5.0, 7.5, 12.0])


def _spike_program(record: bool, mask: int, target: int) -> Program:
    p = Program()
    p.write("crossbar_node", NODE, mask=mask, target=target)
    p.record_events(record)
    p.timer_reset()
    p.inject(LABELS, us=TIMES_US)
    p.wait(us=20)
    return p


def _expected_cycles(times_us: np.ndarray) -> np.ndarray:
    injected = np.rint(times_us * FPGA_CYCLES_PER_US).astype(np.uint64)
    return injected + LOOPBACK_CYCLES  # spikes enter at their scheduled time


def test_recorded_spikes_come_back_through_the_loopback():
    with connect("sim:") as conn:
        result = conn.run(_spike_program(True, mask=0, target=0))
    spikes = result.spikes
    assert isinstance(spikes, np.ndarray) and spikes.dtype == SPIKE_DTYPE
    assert spikes.dtype.names == ("time", "label")
    np.testing.assert_array_equal(spikes["label"], LABELS)
    np.testing.assert_array_equal(spikes["time"], _expected_cycles(TIMES_US))
    assert np.all(spikes["time"] - np.rint(TIMES_US * 125).astype(np.uint64)
                  >= LOOPBACK_CYCLES)
    np.testing.assert_allclose(result.spike_times_us, spikes["time"] / 125)
    assert len(result.madc) == 0


def test_spikes_at_the_same_time_share_one_instruction():
    with connect("sim:") as conn:
        p = Program()
        p.write("crossbar_node", NODE, mask=0, target=0)
        p.record_events()
        p.timer_reset()
        p.inject([7, 8, 9], cycles=[500, 500, 500])
        p.wait(cycles=1000)
        result = conn.run(p)
    assert sorted(result.spikes["label"].tolist()) == [7, 8, 9]
    assert set(result.spikes["time"].tolist()) == {500 + LOOPBACK_CYCLES}


def test_no_spikes_without_recording():
    with connect("sim:") as conn:
        result = conn.run(_spike_program(False, mask=0, target=0))
    assert len(result.spikes) == 0 and result.spikes.dtype == SPIKE_DTYPE


def test_node_mask_and_target_filter_labels():
    with connect("sim:") as conn:
        none = conn.run(_spike_program(True, mask=0x3FFF, target=0x1234))
        assert len(none.spikes) == 0
        # A matching target lets exactly that label through.
        one = conn.run(_spike_program(True, mask=0x3FFF, target=0x0105))
        assert one.spikes["label"].tolist() == [0x0105]
        assert one.spikes["time"].tolist() == _expected_cycles(TIMES_US[1:2]).tolist()
        # The mask selects the low byte: 0x0105 and 0x2A2A differ there, 0x0003 too.
        low = conn.run(_spike_program(True, mask=0x00FF, target=0x002A))
        assert low.spikes["label"].tolist() == [0x2A2A]


def test_tcp_ppu_program_runs_through_the_emulator_server(tcp_url, tmp_path):
    # The same host path as on a board: no introspection, so no stats and no trace.
    from bss_host.ppu import Ppu, PpuError, PpuImage

    img = PpuImage.assemble("li r3, 11\nstw r3, 0x3000(0)\nli r3, 3\nstw r3, 0x2ffc(0)\nwait\n")
    with connect(tcp_url) as conn:
        ppu = Ppu(conn, "bottom")
        ppu.load(img)
        r = ppu.run(timeout_us=100)
        assert (r.exit_code, int(r.mailbox_words()[0])) == (3, 11)
        assert r.stats is None and r.trace is None
        with pytest.raises(PpuError, match="in-process model"):
            ppu.run(trace=10)
    src = tmp_path / "p.s"
    src.write_text("li r3, 0\nstw r3, 0x2ffc(0)\nwait\n")
    out = bss(tmp_path, "ppu", "run", str(src), "--url", tcp_url)
    assert out.returncode == 0, out.stderr
    assert "exit code 0" in out.stdout and "cycles" not in out.stdout
