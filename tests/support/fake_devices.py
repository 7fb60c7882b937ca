"""Stand-in emulator devices and helpers for the transport and server tests."""

from __future__ import annotations

import time

from bss_host.transports import Transport


class EchoDevice:
    """Answers every chunk with the same bytes uppercased; counts bytes and disconnects."""

    def __init__(self) -> None:
        self.received = 0
        self.disconnects = 0

    def exchange(self, data: bytes, now: float) -> bytes:
        self.received += len(data)
        return data.upper()

    def next_timeout(self, now: float) -> float | None:
        return None

    def disconnect(self) -> None:
        self.disconnects += 1


class TickDevice(EchoDevice):
    """After each input, sends b"tick" once, `delay` seconds later (a retransmission timer)."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.due: float | None = None

    def exchange(self, data: bytes, now: float) -> bytes:
        if data:
            self.due = now + self.delay
            return super().exchange(data, now)
        if self.due is not None and now >= self.due:
            self.due = None
            return b"tick"
        return b""

    def next_timeout(self, now: float) -> float | None:
        return None if self.due is None else self.due - now


def read_exactly(
    t: Transport, n: int, timeout: float = 10.0, max_chunk: int | None = None
) -> bytes:
    """Read until ``n`` bytes arrived; every read at most ``max_chunk`` bytes if given."""
    got = bytearray()
    deadline = time.monotonic() + timeout
    while len(got) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"got {len(got)} of {n} bytes before the deadline")
        chunk = t.read(min(left, 0.5))
        assert max_chunk is None or len(chunk) <= max_chunk
        got += chunk
    return bytes(got)
