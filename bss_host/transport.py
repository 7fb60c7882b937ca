"""Byte transports under the link layer: each moves opaque bytes, nothing more.

The link layer (framing, CRC, retransmission) lives in Rust and is the same for every
transport; a transport only has to write bytes and hand back whatever bytes arrived.
"""

from __future__ import annotations

import logging
import select
import socket
from typing import Protocol

import serial

from bss_host import _core

log = logging.getLogger(__name__)

READ_CHUNK = 1 << 20


class LinkClosedError(_core.LinkError):
    """The peer closed the byte stream (emulator exited, cable pulled, device gone)."""


class Transport(Protocol):
    """What the link layer needs from a byte stream."""

    def write(self, data: bytes) -> None:
        """Send all of ``data``; may block until the peer has taken it."""
        ...

    def read(self, timeout: float) -> bytes:
        """Bytes that arrived, waiting at most ``timeout`` seconds for the first one.

        Returns ``b""`` when nothing arrived in time; raises :class:`LinkClosedError`
        when the peer has gone away.
        """
        ...

    def close(self) -> None:
        """Release the underlying port, socket or device."""
        ...


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
