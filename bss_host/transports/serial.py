"""Serial lines and TCP through pyserial: ``socket://host:port`` (an emulator server),
``/dev/tty...`` and ``serial:/dev/...`` (a board, or ``bss emulate --pty``)."""

from __future__ import annotations

import logging
import select
import socket

import serial

from bss_host.errors import LinkClosedError

log = logging.getLogger(__name__)

READ_CHUNK = 1 << 20


class SerialTransport:
    """pyserial ports and URLs: ``socket://host:port``, ``/dev/ttyUSB0``, pseudo-terminals.

    The port is used non-blocking (``timeout=0``) and waited on with ``select`` on its
    file descriptor, so a read returns as soon as the first byte is there.
    """

    def __init__(self, url: str, baudrate: int = 3_000_000) -> None:
        try:
            self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=0)
        except (serial.SerialException, ValueError, OSError) as e:
            raise LinkClosedError(f"cannot open {url!r}: {e}") from e
        self.url = url
        self._fd = self._port.fileno()
        sock = getattr(self._port, "_socket", None)
        if isinstance(sock, socket.socket):
            # pyserial leaves Nagle on: small frames (a single read) would wait for an ACK.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except (serial.SerialException, OSError) as e:
            raise LinkClosedError(f"{self.url}: write failed: {e}") from e

    def read(self, timeout: float) -> bytes:
        try:
            ready, _, _ = select.select([self._fd], [], [], max(timeout, 0.0))
            if not ready:
                return b""
            data = self._port.read(READ_CHUNK)
        except (serial.SerialException, OSError) as e:
            raise LinkClosedError(f"{self.url}: the peer closed the connection ({e})") from e
        if not data:
            # select said readable but nothing came: end of file on a tty or socket.
            raise LinkClosedError(f"{self.url}: the peer closed the connection")
        return bytes(data)

    def close(self) -> None:
        self._port.close()

    @property
    def model(self) -> None:
        """A board or a server is never the in-process model."""
        return None


def open_serial(url: str) -> SerialTransport:
    """``socket://HOST:PORT``, ``serial:PATH`` or a bare device path as a transport."""
    return SerialTransport(url.removeprefix("serial:"))
