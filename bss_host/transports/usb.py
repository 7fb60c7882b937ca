"""USB bulk transport (pyusb): the host side for boards on USB.

The link-layer bytes go out on interface 0's bulk OUT endpoint and come back on its bulk
IN endpoint. It works with any pyusb backend; by default pyusb picks libusb.
:class:`bss_host.emulator.EmulatorUsbBackend` presents the emulator as such a device.
"""

from __future__ import annotations

import array
import logging
import math

import usb.core
import usb.util

from bss_host.errors import InputError, LinkClosedError

log = logging.getLogger(__name__)

WRITE_CHUNK = 1 << 16
"""Largest single bulk OUT transfer, in bytes."""

READ_SIZE = 1 << 20
"""Bulk IN buffer size, in bytes (a multiple of every bulk max packet size)."""

DEFAULT_TIMEOUT_MS = 5000
"""How long a bulk OUT transfer may wait for the device to take data."""

def usb_id(vid: int, pid: int) -> str:
    """``vvvv:pppp`` in hex, as lsusb prints it."""
    return f"{vid:04x}:{pid:04x}"


def _timeout_ms(seconds: float) -> int:
    # libusb (and pyusb) read 0 ms as "wait forever": the shortest real wait is 1 ms.
    return max(1, math.ceil(seconds * 1000))


class UsbTransport:
    """A :class:`~bss_host.transports.Transport` over the bulk endpoints of interface 0.

    ``backend`` is a pyusb backend (None: pyusb's default, libusb). ``timeout_ms`` bounds
    each bulk OUT transfer; a device that takes nothing for that long counts as gone.
    """

    def __init__(
        self,
        vid: int,
        pid: int,
        backend: object | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> None:
        self.name = f"usb:{usb_id(vid, pid)}"
        self.timeout_ms = timeout_ms
        try:
            dev = usb.core.find(idVendor=vid, idProduct=pid, backend=backend)
        except usb.core.NoBackendError as e:
            raise LinkClosedError(
                f"cannot open USB device {usb_id(vid, pid)}: no USB backend (libusb) available"
            ) from e
        except usb.core.USBError as e:
            raise LinkClosedError(f"cannot list USB devices for {usb_id(vid, pid)}: {e}") from e
        if dev is None:
            raise LinkClosedError(f"no USB device {usb_id(vid, pid)} found")
        self._dev: usb.core.Device = dev
        try:
            dev.set_configuration()
            intf = usb.util.find_descriptor(
                dev.get_active_configuration(), bInterfaceNumber=0, bAlternateSetting=0
            )
            if intf is None:
                raise LinkClosedError(f"USB device {usb_id(vid, pid)} has no interface 0")
            self._ep_out = self._bulk_endpoint(intf, usb.util.ENDPOINT_OUT)
            self._ep_in = self._bulk_endpoint(intf, usb.util.ENDPOINT_IN)
            usb.util.claim_interface(dev, intf)
        except usb.core.USBError as e:
            usb.util.dispose_resources(dev)
            raise LinkClosedError(f"cannot set up USB device {usb_id(vid, pid)}: {e}") from e
        except LinkClosedError:
            usb.util.dispose_resources(dev)
            raise
        self._buf = array.array("B", bytes(READ_SIZE))
        self._view = memoryview(self._buf)
        log.info(
            "%s: bulk OUT 0x%02x, bulk IN 0x%02x",
            self.name,
            self._ep_out.bEndpointAddress,
            self._ep_in.bEndpointAddress,
        )

    def _bulk_endpoint(self, intf: usb.core.Interface, direction: int) -> usb.core.Endpoint:
        ep = usb.util.find_descriptor(
            intf,
            custom_match=lambda e: (
                usb.util.endpoint_direction(e.bEndpointAddress) == direction
                and usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
            ),
        )
        if ep is None:
            which = "IN" if direction == usb.util.ENDPOINT_IN else "OUT"
            raise LinkClosedError(f"{self.name}: interface 0 has no bulk {which} endpoint")
        endpoint: usb.core.Endpoint = ep
        return endpoint

    def write(self, data: bytes) -> None:
        view = memoryview(data).cast("B")
        offset = 0
        while offset < len(view):
            chunk = array.array("B")
            chunk.frombytes(view[offset : offset + WRITE_CHUNK])
            try:
                n = self._dev.write(self._ep_out, chunk, self.timeout_ms)
            except usb.core.USBTimeoutError as e:
                raise LinkClosedError(
                    f"{self.name}: the device took no data for {self.timeout_ms} ms"
                ) from e
            except usb.core.USBError as e:
                raise LinkClosedError(f"{self.name}: write failed: {e}") from e
            if n <= 0:
                raise LinkClosedError(f"{self.name}: the device took no data")
            offset += n

    def read(self, timeout: float) -> bytes:
        try:
            n = self._dev.read(self._ep_in, self._buf, _timeout_ms(timeout))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as e:
            raise LinkClosedError(f"{self.name}: read failed: {e}") from e
        return bytes(self._view[:n])

    def close(self) -> None:
        usb.util.dispose_resources(self._dev)

    @property
    def model(self) -> None:
        """A board is never the in-process model."""
        return None


def open_usb(url: str, backend: object | None = None) -> UsbTransport:
    """``usb:VID:PID`` (hex ids) as a transport."""
    try:
        _, vid, pid = url.split(":")
        return UsbTransport(int(vid, 16), int(pid, 16), backend=backend)
    except ValueError:
        raise InputError(f"{url}: expected usb:VID:PID with hex ids, e.g. usb:1d50:6a5b") from None
