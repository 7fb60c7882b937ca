"""A wrapper that records the bytes of both directions for ``bss link dissect``."""

from __future__ import annotations

from typing import Any

from bss_host.transports.base import Transport


class CaptureTransport:
    """Wraps a transport and appends every byte sent to ``PREFIX.to_chip.bin`` and every
    byte received to ``PREFIX.from_chip.bin``."""

    def __init__(self, inner: Transport, prefix: str) -> None:
        self.inner = inner
        self.paths = (f"{prefix}.to_chip.bin", f"{prefix}.from_chip.bin")
        self._tx = open(self.paths[0], "ab")  # noqa: SIM115 - closed in close()
        self._rx = open(self.paths[1], "ab")  # noqa: SIM115

    @property
    def model(self) -> Any:  # noqa: ANN401 - an EmulatorSession or None
        return self.inner.model

    def write(self, data: bytes) -> None:
        self._tx.write(data)
        self.inner.write(data)

    def read(self, timeout: float) -> bytes:
        data = self.inner.read(timeout)
        self._rx.write(data)
        return data

    def close(self) -> None:
        self._tx.close()
        self._rx.close()
        self.inner.close()
