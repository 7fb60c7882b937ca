"""What the link layer needs from a byte stream.

The link layer (framing, CRC, retransmission) lives in Rust and is the same for every
transport; a transport only writes bytes and hands back whatever bytes arrived.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bss_host._core import EmulatorSession


class Transport(Protocol):
    """A byte stream to a device: a board, an emulator server, or the in-process model."""

    def write(self, data: bytes) -> None:
        """Send all of ``data``; may block until the peer has taken it."""
        ...

    def read(self, timeout: float) -> bytes:
        """Bytes that arrived, waiting at most ``timeout`` seconds for the first one.

        Returns ``b""`` when nothing arrived in time; raises
        :class:`~bss_host.errors.LinkClosedError` when the peer has gone away.
        """
        ...

    def close(self) -> None:
        """Release the underlying port, socket or device."""
        ...

    @property
    def model(self) -> EmulatorSession | None:
        """The chip model at the far end if it runs in this process, else None. Wrappers
        pass their inner transport's model through."""
        ...
