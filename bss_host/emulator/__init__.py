"""The emulator: the chip model behind a real byte stream, as a board would be.

- :mod:`.server`: ``bss emulate``, the device end of the link behind TCP or a pty;
- :mod:`.usb`: the emulator as a USB device, a pyusb backend for tests without libusb.
"""

from bss_host.emulator.server import (
    DEFAULT_LISTEN,
    EmulatorDevice,
    format_address,
    make_device,
    open_listener,
    parse_listen,
    run_server,
    serve_pty,
    serve_tcp,
)
from bss_host.errors import EmulatorStartError

__all__ = [
    "DEFAULT_LISTEN",
    "EmulatorDevice",
    "EmulatorStartError",
    "format_address",
    "make_device",
    "open_listener",
    "parse_listen",
    "run_server",
    "serve_pty",
    "serve_tcp",
]


def __getattr__(name: str) -> object:
    # The USB backend needs pyusb; load it only when asked for.
    if name in ("EmulatorUsbBackend", "EMULATOR_VID", "EMULATOR_PID"):
        from bss_host.emulator import usb

        return getattr(usb, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
