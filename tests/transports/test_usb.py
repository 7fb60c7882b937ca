"""UsbTransport through pyusb, against the emulator presented as a USB device (no libusb)."""

from __future__ import annotations

import errno
import threading
import time

import pytest
import usb.core
import usb.util

from bss_host.emulator import EmulatorDevice
from bss_host.emulator.usb import EmulatorUsbBackend
from bss_host.errors import LinkClosedError
from bss_host.transports import Transport
from bss_host.transports.usb import READ_SIZE, UsbTransport
from tests.support.fake_devices import EchoDevice, TickDevice, read_exactly

VID, PID = 0x1D50, 0x6A5B


def _is_device(d: EmulatorDevice) -> EmulatorDevice:
    return d


def _is_transport(t: Transport) -> Transport:
    return t


@pytest.fixture
def echo() -> EchoDevice:
    return EchoDevice()


@pytest.fixture
def transport(echo: EchoDevice):
    t = UsbTransport(VID, PID, backend=EmulatorUsbBackend(echo), timeout_ms=1000)
    yield t
    t.close()


def test_pyusb_finds_the_emulated_device_by_vid_pid():
    backend = EmulatorUsbBackend(_is_device(EchoDevice()), vid=0x1234, pid=0xABCD)
    devices = list(usb.core.find(find_all=True, backend=backend))
    assert len(devices) == 1
    dev = usb.core.find(idVendor=0x1234, idProduct=0xABCD, backend=backend)
    assert dev is not None and (dev.idVendor, dev.idProduct) == (0x1234, 0xABCD)
    assert usb.core.find(idVendor=VID, idProduct=PID, backend=backend) is None

    # The descriptors pyusb walks: one configuration, one interface, bulk OUT 0x01 / IN 0x81.
    (cfg,) = dev.configurations()
    (intf,) = cfg.interfaces()
    eps = {e.bEndpointAddress: e for e in intf.endpoints()}
    assert sorted(eps) == [0x01, 0x81]
    for e in eps.values():
        assert usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
        assert e.wMaxPacketSize == 512
    assert "DEVICE ID 1234:abcd" in str(dev)  # pyusb's full descriptor dump works too


def test_round_trip(transport, echo):
    _is_transport(transport)
    transport.write(b"hello over usb")
    assert read_exactly(transport, 14, max_chunk=READ_SIZE) == b"HELLO OVER USB"
    transport.write(b"")
    transport.write(b"again")
    assert read_exactly(transport, 5, max_chunk=READ_SIZE) == b"AGAIN"
    assert echo.received == 19


def test_large_transfer(transport, echo):
    payload = bytes(range(256)) * (4 * 4096)  # 4 MiB: split into bulk transfers both ways
    transport.write(payload)
    assert read_exactly(transport, len(payload), max_chunk=READ_SIZE) == payload.upper()
    assert echo.received == len(payload)


def test_not_found_names_the_ids():
    backend = EmulatorUsbBackend(EchoDevice())
    with pytest.raises(LinkClosedError, match="1234:5678"):
        UsbTransport(0x1234, 0x5678, backend=backend)


def test_default_backend_error_names_the_ids():
    # With pyusb's own backend choice: no libusb here, or no such device where there is.
    with pytest.raises(LinkClosedError, match="ffff:fffe"):
        UsbTransport(0xFFFF, 0xFFFE)


@pytest.mark.parametrize("timeout", [0.0, 0.02, 0.2])
def test_read_timeout_returns_nothing_in_time(transport, timeout):
    t0 = time.monotonic()
    assert transport.read(timeout) == b""
    elapsed = time.monotonic() - t0
    assert timeout <= elapsed + 0.002 and elapsed < timeout + 0.25


def test_backend_raises_pyusb_timeout_like_libusb():
    dev = usb.core.find(idVendor=VID, idProduct=PID, backend=EmulatorUsbBackend(EchoDevice()))
    dev.set_configuration()
    with pytest.raises(usb.core.USBTimeoutError) as info:
        dev.read(0x81, 64, timeout=10)
    assert info.value.errno == errno.ETIMEDOUT
    assert dev.write(0x01, b"abc") == 3
    assert bytes(dev.read(0x81, 64, timeout=10)) == b"ABC"
    usb.util.dispose_resources(dev)


def test_read_runs_device_timers():
    dev = TickDevice(delay=0.05)
    t = UsbTransport(VID, PID, backend=EmulatorUsbBackend(dev))
    t.write(b"ping")
    assert t.read(1.0) == b"PING"
    t0 = time.monotonic()
    assert t.read(1.0) == b"tick"
    assert 0.03 < time.monotonic() - t0 < 0.5
    t.close()


def test_waiting_read_returns_when_another_thread_writes(transport):
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.append(transport.read(5.0)))
    reader.start()
    time.sleep(0.05)
    t0 = time.monotonic()
    transport.write(b"wake")
    reader.join(5)
    assert result == [b"WAKE"]
    assert time.monotonic() - t0 < 0.5


def test_close_disconnects_the_device(echo):
    backend = EmulatorUsbBackend(echo)
    t = UsbTransport(VID, PID, backend=backend)
    t.write(b"unread")
    t.close()
    assert echo.disconnects == 1
    # A new client starts clean: what the last one left unread is gone.
    t2 = UsbTransport(VID, PID, backend=backend)
    assert t2.read(0.02) == b""
    t2.close()
    assert echo.disconnects == 2


def test_other_usb_errors_close_the_link():
    class GoneBackend(EmulatorUsbBackend):
        def bulk_read(self, dev_handle, ep, intf, buff, timeout):
            raise usb.core.USBError("No such device", -4, errno.ENODEV)

        def bulk_write(self, dev_handle, ep, intf, data, timeout):
            raise usb.core.USBError("No such device", -4, errno.ENODEV)

    t = UsbTransport(VID, PID, backend=GoneBackend(EchoDevice()))
    with pytest.raises(LinkClosedError, match="read failed"):
        t.read(0.1)
    with pytest.raises(LinkClosedError, match="write failed"):
        t.write(b"x")
    t.close()
