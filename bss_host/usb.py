"""USB bulk transport (pyusb) and a pyusb backend that presents the emulator as a USB device.

:class:`UsbTransport` is the host side for boards on USB: the link-layer bytes go out on
interface 0's bulk OUT endpoint and come back on its bulk IN endpoint. It works with any
pyusb backend; by default pyusb picks libusb.

:class:`EmulatorUsbBackend` is a pyusb backend without libusb: it enumerates one device
(one configuration, one vendor-class interface, bulk OUT 0x01 and bulk IN 0x81, 512-byte
packets) whose bulk endpoints feed an :class:`~bss_host.emulator.EmulatorDevice`. With it,
``UsbTransport`` and everything above run through pyusb's real device, configuration,
interface and endpoint handling in tests.
"""

from __future__ import annotations

import array
import errno
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import usb.backend
import usb.core
import usb.util

from bss_host.transport import LinkClosedError

if TYPE_CHECKING:
    from bss_host.emulator import EmulatorDevice

log = logging.getLogger(__name__)

WRITE_CHUNK = 1 << 16
"""Largest single bulk OUT transfer, in bytes."""

READ_SIZE = 1 << 20
"""Bulk IN buffer size, in bytes (a multiple of every bulk max packet size)."""

DEFAULT_TIMEOUT_MS = 5000
"""How long a bulk OUT transfer may wait for the device to take data."""

EMULATOR_VID = 0x1D50
EMULATOR_PID = 0x6A5B


def usb_id(vid: int, pid: int) -> str:
    """``vvvv:pppp`` in hex, as lsusb prints it."""
    return f"{vid:04x}:{pid:04x}"


def _timeout_ms(seconds: float) -> int:
    # libusb (and pyusb) read 0 ms as "wait forever": the shortest real wait is 1 ms.
    return max(1, math.ceil(seconds * 1000))


class UsbTransport:
    """A :class:`~bss_host.transport.Transport` over the bulk endpoints of interface 0.

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


# --- the emulator as a pyusb backend -------------------------------------------------------

_LIBUSB_ERROR_TIMEOUT = -7
_LIBUSB_ERROR_PIPE = -9
_LIBUSB_ERROR_NOT_FOUND = -5
_LIBUSB_ERROR_INVALID_PARAM = -2
_SPEED_HIGH = 3
_POLL_S = 0.05
"""Longest wait of a bulk IN transfer before it runs the device's timers again."""
_MIN_TIMER_WAIT_S = 0.001

BULK_OUT = 0x01
BULK_IN = 0x81
MAX_PACKET = 512


# Descriptor fields carry the USB specification's names, which pyusb reads as attributes.


@dataclass(frozen=True)
class DeviceDescriptor:
    idVendor: int
    idProduct: int
    bLength: int = 18
    bDescriptorType: int = usb.util.DESC_TYPE_DEVICE
    bcdUSB: int = 0x0200
    bDeviceClass: int = 0
    bDeviceSubClass: int = 0
    bDeviceProtocol: int = 0
    bMaxPacketSize0: int = 64
    bcdDevice: int = 0x0100
    iManufacturer: int = 0
    iProduct: int = 0
    iSerialNumber: int = 0
    bNumConfigurations: int = 1
    bus: int = 1
    address: int = 1
    port_number: int = 1
    port_numbers: tuple[int, ...] = (1,)
    speed: int = _SPEED_HIGH


@dataclass(frozen=True)
class ConfigurationDescriptor:
    bLength: int = 9
    bDescriptorType: int = usb.util.DESC_TYPE_CONFIG
    wTotalLength: int = 9 + 9 + 2 * 7
    bNumInterfaces: int = 1
    bConfigurationValue: int = 1
    iConfiguration: int = 0
    bmAttributes: int = 0x80  # bus powered
    bMaxPower: int = 50  # 100 mA
    extra_descriptors: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class InterfaceDescriptor:
    bLength: int = 9
    bDescriptorType: int = usb.util.DESC_TYPE_INTERFACE
    bInterfaceNumber: int = 0
    bAlternateSetting: int = 0
    bNumEndpoints: int = 2
    bInterfaceClass: int = 0xFF  # vendor specific
    bInterfaceSubClass: int = 0
    bInterfaceProtocol: int = 0
    iInterface: int = 0
    extra_descriptors: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class EndpointDescriptor:
    bEndpointAddress: int
    bLength: int = 7
    bDescriptorType: int = usb.util.DESC_TYPE_ENDPOINT
    bmAttributes: int = usb.util.ENDPOINT_TYPE_BULK
    wMaxPacketSize: int = MAX_PACKET
    bInterval: int = 0
    bRefresh: int = 0
    bSynchAddress: int = 0
    extra_descriptors: list[int] = field(default_factory=list)


class _EmulatedDevice:
    """The device identification that :meth:`EmulatorUsbBackend.enumerate_devices` yields."""


class _Handle:
    """An open handle on the emulated device."""

    def __init__(self, dev: _EmulatedDevice) -> None:
        self.dev = dev
        self.open = True
        self.claimed: set[int] = set()


def _usb_error(message: str, code: int, err: int) -> usb.core.USBError:
    return usb.core.USBError(message, code, err)


class EmulatorUsbBackend(usb.backend.IBackend):
    """A pyusb backend presenting one USB device whose bulk endpoints talk to ``device``.

    Bulk OUT (0x01) feeds :meth:`EmulatorDevice.exchange`; what it returns is buffered and
    handed out by bulk IN (0x81), which also runs the device's timers while it waits. A bulk
    IN transfer that finds nothing within its timeout raises ``USBTimeoutError`` like the
    libusb backend does. Closing the device handle calls :meth:`EmulatorDevice.disconnect`.
    """

    def __init__(
        self, device: EmulatorDevice, vid: int = EMULATOR_VID, pid: int = EMULATOR_PID
    ) -> None:
        self.device = device
        self._dev = _EmulatedDevice()
        self._device_desc = DeviceDescriptor(idVendor=vid, idProduct=pid)
        self._config_desc = ConfigurationDescriptor()
        self._intf_desc = InterfaceDescriptor()
        self._ep_descs = (
            EndpointDescriptor(bEndpointAddress=BULK_OUT),
            EndpointDescriptor(bEndpointAddress=BULK_IN),
        )
        self._configuration = self._config_desc.bConfigurationValue
        self._pending = bytearray()
        self._cond = threading.Condition()

    # descriptors

    def enumerate_devices(self) -> list[_EmulatedDevice]:
        return [self._dev]

    def get_parent(self, dev: _EmulatedDevice) -> None:
        return None

    def get_device_descriptor(self, dev: _EmulatedDevice) -> DeviceDescriptor:
        self._check_dev(dev)
        return self._device_desc

    def get_configuration_descriptor(
        self, dev: _EmulatedDevice, config: int
    ) -> ConfigurationDescriptor:
        self._check_dev(dev)
        if config != 0:
            raise IndexError(f"Invalid configuration index {config}")
        return self._config_desc

    def get_interface_descriptor(
        self, dev: _EmulatedDevice, intf: int, alt: int, config: int
    ) -> InterfaceDescriptor:
        self.get_configuration_descriptor(dev, config)
        # pyusb enumerates alternate settings until IndexError, as with libusb.
        if intf != 0:
            raise IndexError(f"Invalid interface index {intf}")
        if alt != 0:
            raise IndexError(f"Invalid alternate setting index {alt}")
        return self._intf_desc

    def get_endpoint_descriptor(
        self, dev: _EmulatedDevice, ep: int, intf: int, alt: int, config: int
    ) -> EndpointDescriptor:
        self.get_interface_descriptor(dev, intf, alt, config)
        if not 0 <= ep < len(self._ep_descs):
            raise IndexError(f"Invalid endpoint index {ep}")
        return self._ep_descs[ep]

    # handles, configuration, interfaces

    def open_device(self, dev: _EmulatedDevice) -> _Handle:
        self._check_dev(dev)
        return _Handle(dev)

    def close_device(self, dev_handle: _Handle) -> None:
        dev_handle.open = False
        dev_handle.claimed.clear()
        with self._cond:
            self._pending.clear()
            self.device.disconnect()

    def set_configuration(self, dev_handle: _Handle, config_value: int) -> None:
        self._check_handle(dev_handle)
        if config_value not in (0, self._config_desc.bConfigurationValue):
            raise _usb_error("Entity not found", _LIBUSB_ERROR_NOT_FOUND, errno.ENOENT)
        self._configuration = config_value
        dev_handle.claimed.clear()

    def get_configuration(self, dev_handle: _Handle) -> int:
        self._check_handle(dev_handle)
        return self._configuration

    def set_interface_altsetting(self, dev_handle: _Handle, intf: int, altsetting: int) -> None:
        self._check_handle(dev_handle)
        if intf != 0 or altsetting != 0:
            raise _usb_error("Entity not found", _LIBUSB_ERROR_NOT_FOUND, errno.ENOENT)

    def claim_interface(self, dev_handle: _Handle, intf: int) -> None:
        self._check_handle(dev_handle)
        if intf != 0 or self._configuration == 0:
            raise _usb_error("Entity not found", _LIBUSB_ERROR_NOT_FOUND, errno.ENOENT)
        dev_handle.claimed.add(intf)

    def release_interface(self, dev_handle: _Handle, intf: int) -> None:
        self._check_handle(dev_handle)
        dev_handle.claimed.discard(intf)

    def is_kernel_driver_active(self, dev_handle: _Handle, intf: int) -> bool:
        return False

    def detach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        self._check_handle(dev_handle)

    def attach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        self._check_handle(dev_handle)

    def clear_halt(self, dev_handle: _Handle, ep: int) -> None:
        self._check_handle(dev_handle)

    def reset_device(self, dev_handle: _Handle) -> None:
        self._check_handle(dev_handle)
        with self._cond:
            self._pending.clear()
            self.device.disconnect()

    def ctrl_transfer(
        self,
        dev_handle: _Handle,
        bmRequestType: int,
        bRequest: int,
        wValue: int,
        wIndex: int,
        data: array.array[int],
        timeout: int,
    ) -> int:
        # No strings, no vendor requests: the device stalls every control request.
        self._check_handle(dev_handle)
        raise _usb_error("Pipe error", _LIBUSB_ERROR_PIPE, errno.EPIPE)

    # bulk transfers

    def bulk_write(
        self, dev_handle: _Handle, ep: int, intf: int, data: array.array[int], timeout: int
    ) -> int:
        self._check_transfer(dev_handle, ep, intf, BULK_OUT)
        payload = data.tobytes()
        with self._cond:
            reply = self.device.exchange(payload, time.monotonic())
            if reply:
                self._pending += reply
                self._cond.notify_all()
        return len(payload)

    def bulk_read(
        self, dev_handle: _Handle, ep: int, intf: int, buff: array.array[int], timeout: int
    ) -> int:
        self._check_transfer(dev_handle, ep, intf, BULK_IN)
        # As with libusb, a timeout of 0 waits for ever.
        deadline = None if timeout == 0 else time.monotonic() + timeout / 1000
        target = memoryview(buff).cast("B")
        with self._cond:
            while True:
                now = time.monotonic()
                if not self._pending:
                    self._pending += self.device.exchange(b"", now)
                if self._pending:
                    n = min(len(target), len(self._pending))
                    target[:n] = self._pending[:n]
                    del self._pending[:n]
                    return n
                if deadline is not None and now >= deadline:
                    raise usb.core.USBTimeoutError(
                        "Operation timed out", _LIBUSB_ERROR_TIMEOUT, errno.ETIMEDOUT
                    )
                wait = _POLL_S if deadline is None else min(_POLL_S, deadline - now)
                due = self.device.next_timeout(now)
                if due is not None:
                    wait = min(wait, max(due, _MIN_TIMER_WAIT_S))
                self._cond.wait(wait)  # bulk_write notifies when it queues a reply

    # checks

    def _check_dev(self, dev: object) -> None:
        if dev is not self._dev:
            raise _usb_error("No such device", -4, errno.ENODEV)

    def _check_handle(self, dev_handle: _Handle) -> None:
        if not dev_handle.open or dev_handle.dev is not self._dev:
            raise _usb_error("No such device", -4, errno.ENODEV)

    def _check_transfer(self, dev_handle: _Handle, ep: int, intf: int, expected: int) -> None:
        self._check_handle(dev_handle)
        if ep != expected or intf not in dev_handle.claimed:
            raise _usb_error("Invalid parameter", _LIBUSB_ERROR_INVALID_PARAM, errno.EINVAL)
