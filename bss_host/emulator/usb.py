"""The emulator as a USB device: a pyusb backend without libusb.

:class:`EmulatorUsbBackend` enumerates one device (one configuration, one vendor-class
interface, bulk OUT 0x01 and bulk IN 0x81, 512-byte packets) whose bulk endpoints feed an
:class:`~bss_host.emulator.EmulatorDevice`. With it, :class:`bss_host.transports.usb.UsbTransport`
and everything above run through pyusb's real device, configuration, interface and
endpoint handling in tests.
"""

from __future__ import annotations

import array
import errno
import logging
import threading
import time
from dataclasses import dataclass, field

import usb.backend
import usb.core

from bss_host.emulator.server import EmulatorDevice

log = logging.getLogger(__name__)

EMULATOR_VID = 0x1D50
EMULATOR_PID = 0x6A5B


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
