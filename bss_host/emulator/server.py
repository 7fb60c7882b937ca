"""The emulator server (`bss emulate`): the device side of the link behind a real byte stream.

An :class:`EmulatorDevice` (the link layer's device side plus the chip model, implemented in
Rust) turns received bytes into bytes to send back; this module only moves those bytes
between the device and a TCP socket or a pseudo-terminal, and runs the device's timers.

- TCP: clients are served one after another; a second client waits in the accept backlog
  until the first disconnects. Each disconnect calls :meth:`EmulatorDevice.disconnect`.
- pty: the server opens a pseudo-terminal and keeps its slave side open, so clients can open
  the path, talk, close it, and the next client can do the same. A pty cannot tell when a
  client goes away; the link's HELLO starts a new session instead.

Sockets and the pty master are non-blocking and multiplexed with :mod:`selectors`; output
goes through a buffer, so the server keeps reading while the peer is slow to take data.
The loops wake at least every :data:`POLL_INTERVAL` seconds to check their stop event.
"""

from __future__ import annotations

import errno
import logging
import os
import selectors
import signal
import socket
import threading
import time
import tty
from collections.abc import Callable
from types import FrameType
from typing import Protocol

from bss_host.errors import EmulatorStartError

log = logging.getLogger(__name__)

READ_CHUNK = 1 << 20
"""Largest read from a socket or the pty master, in bytes."""

POLL_INTERVAL = 0.1
"""Longest time the serving loops sleep before checking their stop event, in seconds."""

MIN_TIMER_WAIT = 0.001
"""Shortest sleep when a device timer is pending, so a timer that stays due cannot spin."""

LISTEN_BACKLOG = 8
DEFAULT_LISTEN = "127.0.0.1:7411"


class EmulatorDevice(Protocol):
    """The device side of the link plus the chip model (``bss_host._core.EmulatorSession``)."""

    def exchange(self, data: bytes, now: float) -> bytes:
        """Feed bytes received from the host (``b""`` only runs timers); return bytes to send.

        ``now`` is :func:`time.monotonic` seconds.
        """
        ...

    def next_timeout(self, now: float) -> float | None:
        """Seconds until :meth:`exchange` is due even without input; ``None``: no timer."""
        ...

    def disconnect(self) -> None:
        """The client went away: forget the link state (the chip model's state persists)."""
        ...


def make_device(seed: int, ppu_traps: str = "report", *, noise: float = 1.0,
                mismatch: float = 1.0, exact: bool = False) -> EmulatorDevice:
    """The chip emulator from the extension, seeded for its random mismatch and noise;
    ``ppu_traps`` is what a PPU fault does (``report``: stop and record it for the host,
    ``vector``: take the interrupt vector as silicon does); ``noise``, ``mismatch`` and
    ``exact`` are the model switches of docs/model.md."""
    try:
        from bss_host._core import EmulatorSession
    except ImportError as e:
        raise EmulatorStartError(
            "this build of bss_host._core has no EmulatorSession; rebuild the extension"
        ) from e
    session = EmulatorSession(seed=seed, noise=noise, mismatch=mismatch, exact=exact)
    session.set_ppu_trap_policy(ppu_traps)
    device: EmulatorDevice = session
    return device


def format_address(host: str, port: int) -> str:
    """``HOST:PORT``, with IPv6 hosts in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[V6HOST]:PORT`` for IPv6) to ``(host, port)``; port 0 = any free port."""
    host, sep, port_text = text.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port_text.isdecimal() or int(port_text) > 65535:
        raise EmulatorStartError(f"bad listen address {text!r}: expected HOST:PORT, port 0-65535")
    return host, int(port_text)


# --- serving one byte stream ---------------------------------------------------------------


def _pump(
    device: EmulatorDevice,
    fileobj: socket.socket | int,
    read_into: Callable[[memoryview], int],
    write: Callable[[bytearray], int],
    stop: threading.Event,
    name: str,
) -> bool:
    """Move bytes between one non-blocking stream and ``device`` until the stream closes.

    Returns True when the stream closed (end of file or an error) and False when ``stop``
    was set. The device sees every received chunk and is called with ``b""`` whenever its
    timer is due; what it returns is queued in ``out`` and written as the stream takes it,
    while reading goes on.
    """
    buf = bytearray(READ_CHUNK)
    view = memoryview(buf)
    out = bytearray()
    received = sent = 0

    def flush() -> bool:
        """Write what the stream takes now; False when the stream failed."""
        nonlocal sent
        try:
            n = write(out)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError as e:
            log.debug("%s: write failed: %s", name, e)
            return False
        del out[:n]
        sent += n
        return True

    with selectors.DefaultSelector() as sel:
        watching = selectors.EVENT_READ
        sel.register(fileobj, watching)
        try:
            while not stop.is_set():
                now = time.monotonic()
                due = device.next_timeout(now)
                if due is not None and due <= 0:
                    out += device.exchange(b"", now)
                    due = device.next_timeout(now)
                wait = (
                    POLL_INTERVAL if due is None else min(POLL_INTERVAL, max(due, MIN_TIMER_WAIT))
                )
                want = selectors.EVENT_READ | (selectors.EVENT_WRITE if out else 0)
                if want != watching:
                    sel.modify(fileobj, want)
                    watching = want
                for _key, mask in sel.select(wait):
                    if mask & selectors.EVENT_READ:
                        try:
                            n = read_into(view)
                        except (BlockingIOError, InterruptedError):
                            n = -1
                        except OSError as e:
                            log.debug("%s: read failed: %s", name, e)
                            return True
                        if n == 0:
                            log.debug("%s: end of stream", name)
                            return True
                        if n > 0:
                            received += n
                            reply = device.exchange(bytes(view[:n]), time.monotonic())
                            log.debug("%s: %d bytes in, %d bytes out", name, n, len(reply))
                            out += reply
                    # Most replies fit into the stream at once: write without another select.
                    if out and not flush():
                        return True
            return False
        finally:
            log.debug("%s: %d bytes received, %d sent, %d unsent", name, received, sent, len(out))


# --- TCP -----------------------------------------------------------------------------------


def open_listener(host: str, port: int) -> socket.socket:
    """A non-blocking listening socket with SO_REUSEADDR; raises :class:`EmulatorStartError`."""
    where = format_address(host, port)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as e:
        raise EmulatorStartError(f"cannot listen on {where}: {e.strerror or e}") from e
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError as e:
        sock.close()
        raise EmulatorStartError(f"cannot listen on {where}: {e.strerror or e}") from e
    return sock


def _serve_client(
    device: EmulatorDevice, conn: socket.socket, peer: str, stop: threading.Event
) -> None:
    conn.setblocking(False)
    if conn.family in (socket.AF_INET, socket.AF_INET6):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    log.info("client %s connected", peer)
    try:
        closed = _pump(device, conn, conn.recv_into, conn.send, stop, peer)
    finally:
        device.disconnect()
    log.info("client %s %s", peer, "disconnected" if closed else "dropped: shutting down")


def serve_tcp(
    device: EmulatorDevice,
    host: str,
    port: int,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve ``device`` on TCP ``host:port`` (0: any free port) until ``stop`` is set.

    ``ready`` gets the bound ``HOST:PORT`` once the socket listens. Clients are served one
    after another; :meth:`EmulatorDevice.disconnect` is called after each one.
    """
    stop = stop if stop is not None else threading.Event()
    listener = open_listener(host, port)
    bound = listener.getsockname()
    address = format_address(str(bound[0]), int(bound[1]))
    with listener, selectors.DefaultSelector() as sel:
        sel.register(listener, selectors.EVENT_READ)
        log.info("listening on %s", address)
        if ready is not None:
            ready(address)
        while not stop.is_set():
            if not sel.select(POLL_INTERVAL):
                continue
            try:
                conn, addr = listener.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                continue
            with conn:
                peer = format_address(str(addr[0]), int(addr[1])) if addr else "(unix)"
                _serve_client(device, conn, peer, stop)
    log.info("closed %s", address)


# --- pty -----------------------------------------------------------------------------------


def serve_pty(
    device: EmulatorDevice,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve ``device`` on a new pseudo-terminal until ``stop`` is set.

    ``ready`` gets the path of the pty's slave side, which clients open as a serial port.
    The server holds the slave open itself, so the pty never hangs up between clients.
    """
    stop = stop if stop is not None else threading.Event()
    try:
        master, slave = os.openpty()
    except OSError as e:
        raise EmulatorStartError(f"cannot open a pty: {e.strerror or e}") from e
    try:
        tty.setraw(slave)  # no echo, no line discipline: bytes pass unchanged
        os.set_blocking(master, False)
        path = os.ttyname(slave)
        log.info("serving on pty %s", path)
        if ready is not None:
            ready(path)

        def read_into(view: memoryview) -> int:
            try:
                return os.readv(master, [view])
            except OSError as e:
                if e.errno == errno.EIO:  # every slave fd closed: hang-up
                    return 0
                raise

        def write(data: bytearray) -> int:
            return os.write(master, data)

        if _pump(device, master, read_into, write, stop, path):
            log.error("pty %s hung up", path)
    finally:
        os.close(master)
        os.close(slave)
    log.info("closed pty %s", path)


# --- process entry and CLI -----------------------------------------------------------------


def run_server(
    device: EmulatorDevice,
    *,
    listen: tuple[str, int] | None = None,
    pty: bool = False,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM, then close everything and return.

    Serves on a pty if ``pty`` is set, else on TCP ``listen`` (default 127.0.0.1:7411).
    Installs signal handlers, so it must run in the main thread; they are restored on return.
    """
    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if pty:
            serve_pty(device, ready=ready, stop=stop)
        else:
            host, port = listen if listen is not None else parse_listen(DEFAULT_LISTEN)
            serve_tcp(device, host, port, ready=ready, stop=stop)
    finally:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)
    if received:
        log.info("shut down on %s", signal.Signals(received[0]).name)
