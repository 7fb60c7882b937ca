"""Stand-in emulator devices for the transport and server tests."""

from __future__ import annotations


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
