"""Byte transports under the link layer, one module each, and the one table from URL
scheme to transport (:data:`SCHEMES`).

=========================  ============================================================
``sim:`` (default)         the chip model in this process (``sim:?seed=N``;
                           ``&ppu_traps=vector`` lets PPU programs handle their own
                           faults through the interrupt vectors, as on silicon)
``socket://host:port``     an emulator server (``bss emulate``) over TCP, through pyserial
``/dev/ttyUSB0``,          a serial line through pyserial (``bss emulate --pty`` makes one)
``serial:/dev/...``
``usb:VID:PID``            USB bulk endpoints through pyusb (hex ids)
=========================  ============================================================

:class:`FaultyTransport` and :class:`CaptureTransport` wrap any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bss_host.errors import InputError
from bss_host.transports.base import Transport
from bss_host.transports.capture import CaptureTransport
from bss_host.transports.faults import FaultyTransport
from bss_host.transports.serial import SerialTransport, open_serial
from bss_host.transports.sim import SimTransport, open_sim


@dataclass(frozen=True)
class TransportOptions:
    """What some transports need beyond the URL."""

    window: int = 64
    max_payload: int = 65536
    usb_backend: object | None = None


def _usb(url: str, o: TransportOptions) -> Transport:
    # Imported on use: pyusb is only needed by those who talk USB.
    from bss_host.transports.usb import open_usb

    return open_usb(url, backend=o.usb_backend)


SCHEMES: dict[str, Callable[[str, TransportOptions], Transport]] = {
    "sim:": lambda url, o: open_sim(url, window=o.window, max_payload=o.max_payload),
    "socket://": lambda url, _o: open_serial(url),
    "serial:": lambda url, _o: open_serial(url),
    "/dev/": lambda url, _o: open_serial(url),
    "COM": lambda url, _o: open_serial(url),
    "usb:": _usb,
}
"""URL prefix -> function opening a transport for such a URL."""


def open_transport(url: str, options: TransportOptions | None = None) -> Transport:
    """The transport for ``url``, by the first matching prefix in :data:`SCHEMES`."""
    for prefix, opener in SCHEMES.items():
        if url.startswith(prefix):
            return opener(url, options or TransportOptions())
    raise InputError(
        f"unknown connection URL {url!r}; allowed: sim:, socket://HOST:PORT, "
        "serial:/dev/..., /dev/..., COMn, usb:VID:PID"
    )


__all__ = [
    "SCHEMES",
    "CaptureTransport",
    "FaultyTransport",
    "SerialTransport",
    "SimTransport",
    "Transport",
    "TransportOptions",
    "open_transport",
]
