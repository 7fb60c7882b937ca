"""A wrapper that damages whole frames in both directions, seeded: for testing the link."""

from __future__ import annotations

import time
from typing import Any

from bss_host import _core
from bss_host.transports.base import Transport


class FaultyTransport:
    """Wraps a transport; drops, corrupts, duplicates, reorders and delays frames with the
    given probabilities (per frame), reproducibly for a seed."""

    def __init__(self, inner: Transport, seed: int, delay_s: float = 0.002,
                 **rates: float) -> None:
        """``rates``: per-frame probabilities ``drop``, ``corrupt``, ``duplicate``,
        ``reorder`` and ``delay`` (the injector checks names and ranges); a delayed frame
        is held ``delay_s`` seconds."""
        self.inner = inner
        self.tx = _core.FaultInjector(seed, delay_us=int(delay_s * 1e6), **rates)
        self.rx = _core.FaultInjector(seed ^ 0x5EED_F00D, delay_us=int(delay_s * 1e6), **rates)

    @property
    def model(self) -> Any:  # noqa: ANN401 - an EmulatorSession or None
        return self.inner.model

    @staticmethod
    def _now() -> int:
        return int(time.monotonic() * 1e6)

    def write(self, data: bytes) -> None:
        out = self.tx.push(data, self._now())
        if out:
            self.inner.write(out)

    def read(self, timeout: float) -> bytes:
        held = [d for d in (self.tx.next_deadline(), self.rx.next_deadline()) if d is not None]
        if held:
            timeout = min(timeout, max(0.0, (min(held) - self._now()) * 1e-6))
        data = self.inner.read(timeout)
        now = self._now()
        late = self.tx.release(now)
        if late:
            self.inner.write(late)
        return self.rx.push(data, now) + self.rx.release(now)

    def close(self) -> None:
        self.inner.close()

    def stats(self) -> dict[str, dict[str, int]]:
        return {"to_device": self.tx.stats(), "to_host": self.rx.stats()}
