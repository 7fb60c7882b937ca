"""The emulator server over TCP and a pty, with fake devices standing in for the chip model."""

from __future__ import annotations

import os
import queue
import re
import selectors
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bss_host.emulator import (
    EmulatorDevice,
    EmulatorStartError,
    open_listener,
    parse_listen,
    serve_pty,
    serve_tcp,
)
from bss_host.errors import LinkClosedError
from bss_host.transports import SerialTransport
from tests.support.fake_devices import EchoDevice, TickDevice, read_exactly

REPO = Path(__file__).resolve().parents[2]


def _is_device(d: EmulatorDevice) -> EmulatorDevice:
    return d


def test_fakes_satisfy_the_protocol():
    _is_device(EchoDevice())
    _is_device(TickDevice(0.1))


def wait_for(cond: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


@contextmanager
def running(target: Callable[..., None], *args: object) -> Iterator[str]:
    """Run a serve_* function in a thread; yield what it reports as ready; stop it after."""
    stop = threading.Event()
    ready: queue.Queue[str] = queue.Queue()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target(*args, ready=ready.put, stop=stop)
        except BaseException as e:  # re-raised in the test thread
            errors.append(e)
            ready.put("")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    where = ready.get(timeout=5)
    try:
        if errors:
            raise errors[0]
        yield where
    finally:
        stop.set()
        thread.join(5)
        assert not thread.is_alive(), "the server did not stop"
    if errors:
        raise errors[0]


# --- TCP -----------------------------------------------------------------------------------


def test_tcp_serves_two_clients_one_after_another():
    dev = EchoDevice()
    with running(serve_tcp, dev, "127.0.0.1", 0) as where:
        assert re.fullmatch(r"127\.0\.0\.1:\d+", where) and not where.endswith(":0")
        first = SerialTransport(f"socket://{where}")
        first.write(b"hello")
        assert read_exactly(first, 5) == b"HELLO"

        second = SerialTransport(f"socket://{where}")  # waits in the accept backlog
        second.write(b"second client")
        assert second.read(0.3) == b""
        first.write(b"still first")
        assert read_exactly(first, 11) == b"STILL FIRST"

        first.close()
        assert read_exactly(second, 13) == b"SECOND CLIENT"
        assert dev.disconnects == 1
        second.close()
        assert wait_for(lambda: dev.disconnects == 2)


def test_tcp_large_transfer_while_the_client_does_not_read():
    # The client writes 8 MiB before reading anything: the server must keep reading while
    # its replies pile up, or both sides block on full socket buffers.
    dev = EchoDevice()
    payload = bytes(range(256)) * (8 * 4096)
    with running(serve_tcp, dev, "127.0.0.1", 0) as where:
        client = SerialTransport(f"socket://{where}")
        t0 = time.monotonic()
        client.write(payload)
        assert read_exactly(client, len(payload), timeout=30) == payload.upper()
        assert time.monotonic() - t0 < 20
        client.close()


def test_tcp_large_transfer_both_directions_at_once():
    dev = EchoDevice()
    payload = os.urandom(16 << 20)
    with running(serve_tcp, dev, "127.0.0.1", 0) as where:
        client = SerialTransport(f"socket://{where}")

        def write_all() -> None:
            for i in range(0, len(payload), 1 << 20):
                client.write(payload[i : i + (1 << 20)])

        writer = threading.Thread(target=write_all)
        writer.start()
        got = read_exactly(client, len(payload), timeout=30)
        writer.join(5)
        assert got == payload.upper()
        assert dev.received == len(payload)
        client.close()


def test_tcp_disconnect_calls_device_disconnect():
    dev = EchoDevice()
    with running(serve_tcp, dev, "127.0.0.1", 0) as where:
        host, port = parse_listen(where)
        client = SerialTransport(f"socket://{where}")
        client.write(b"x")
        assert read_exactly(client, 1) == b"X"
        client.close()
        assert wait_for(lambda: dev.disconnects == 1)

        # A reset instead of an orderly close: the same.
        raw = socket.create_connection((host, port))
        raw.sendall(b"y")
        assert raw.recv(1) == b"Y"
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw.close()
        assert wait_for(lambda: dev.disconnects == 2)

        # And the server goes on serving.
        again = SerialTransport(f"socket://{where}")
        again.write(b"z")
        assert read_exactly(again, 1) == b"Z"
        again.close()
        assert wait_for(lambda: dev.disconnects == 3)


def test_tcp_stop_with_a_client_connected_disconnects_it():
    dev = EchoDevice()
    with running(serve_tcp, dev, "127.0.0.1", 0) as where:
        client = SerialTransport(f"socket://{where}")
        client.write(b"a")
        assert read_exactly(client, 1) == b"A"
    assert dev.disconnects == 1
    with pytest.raises(LinkClosedError):
        read_exactly(client, 1, timeout=2)
    client.close()


def test_tcp_runs_device_timers_without_input():
    dev = TickDevice(delay=0.05)
    with running(serve_tcp, dev, "127.0.0.1", 0) as where:
        client = SerialTransport(f"socket://{where}")
        client.write(b"ping")
        t0 = time.monotonic()
        assert read_exactly(client, 8, timeout=2) == b"PINGtick"
        assert 0.04 < time.monotonic() - t0 < 1.0
        client.close()


def test_tcp_port_in_use_is_a_start_error():
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(EmulatorStartError, match=f"127.0.0.1:{port}"):
            open_listener("127.0.0.1", port)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:7411", ("127.0.0.1", 7411)),
        ("localhost:0", ("localhost", 0)),
        ("[::1]:80", ("::1", 80)),
    ],
)
def test_parse_listen(text, expected):
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["7411", ":7411", "host:", "host:port", "host:70000", "h:-1"])
def test_parse_listen_rejects(text):
    with pytest.raises(EmulatorStartError, match="HOST:PORT"):
        parse_listen(text)


# --- pty -----------------------------------------------------------------------------------


def test_pty_serves_clients_one_after_another():
    dev = EchoDevice()
    with running(serve_pty, dev) as path:
        assert path.startswith("/dev/") and os.path.exists(path)
        for i in range(2):
            client = SerialTransport(path)
            message = f"client {i}\r\n".encode()
            client.write(message)
            assert read_exactly(client, len(message)) == message.upper()
            client.close()
        assert dev.received == len(b"client 0\r\n") * 2


def test_pty_passes_every_byte_value_unchanged():
    dev = EchoDevice()
    payload = bytes(range(256)) * 256  # 64 KiB: no echo, no CR/LF mapping, no flow control
    with running(serve_pty, dev) as path:
        client = SerialTransport(path)
        client.write(payload)
        assert read_exactly(client, len(payload)) == payload.upper()
        client.close()


# --- the CLI handler in a process, with a fake device ----------------------------------------

CLI_SCRIPT = textwrap.dedent(
    """
    import sys
    import bss_host.cli.emulate as emulate
    from bss_host.cli import main

    class Echo:
        def exchange(self, data, now):
            return data.upper()
        def next_timeout(self, now):
            return None
        def disconnect(self):
            pass

    emulate.make_device = lambda seed, ppu_traps="report", **switches: Echo()
    sys.exit(main(sys.argv[1:]))
    """
)


def start_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI_SCRIPT, "emulate", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line(proc: subprocess.Popen[str], timeout: float = 10.0) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            proc.kill()
            raise AssertionError("no ready line")
    return proc.stdout.readline()


def stop_cli(proc: subprocess.Popen[str], sig: signal.Signals) -> tuple[str, str]:
    proc.send_signal(sig)
    t0 = time.monotonic()
    try:
        out, err = proc.communicate(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"still running 2 s after {sig.name}") from None
    assert time.monotonic() - t0 < 2
    assert proc.returncode == 0, err
    return out, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_cli_tcp_ready_line_and_clean_shutdown(sig):
    proc = start_cli("--listen", "127.0.0.1:0")
    line = first_line(proc)
    m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)\n", line)
    assert m, line
    client = SerialTransport(f"socket://127.0.0.1:{m[1]}")
    client.write(b"over tcp")
    assert read_exactly(client, 8) == b"OVER TCP"
    out, err = stop_cli(proc, sig)  # with the client still connected
    client.close()
    assert out == ""  # exactly one line on stdout
    assert "connected" in err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_cli_pty_ready_line_and_clean_shutdown(sig):
    proc = start_cli("--pty")
    line = first_line(proc)
    m = re.fullmatch(r"pty (/dev/\S+)\n", line)
    assert m, line
    for _ in range(2):
        client = SerialTransport(m[1])
        client.write(b"over pty")
        assert read_exactly(client, 8) == b"OVER PTY"
        client.close()
    out, _ = stop_cli(proc, sig)
    assert out == ""


def test_cli_idle_server_stops_on_sigterm():
    proc = start_cli("--listen", "127.0.0.1:0", "--seed", "3", "-v")
    assert first_line(proc).startswith("listening on ")
    stop_cli(proc, signal.SIGTERM)


def test_cli_port_in_use_exits_2_with_one_line():
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        proc = start_cli("--listen", f"127.0.0.1:{port}")
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and str(port) in err


def test_cli_bad_listen_address_exits_2_with_one_line():
    proc = start_cli("--listen", "no-port-here")
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 2
    assert out == ""
    assert err.count("\n") == 1 and "HOST:PORT" in err
