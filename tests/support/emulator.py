"""``bss emulate`` in a child process on a free port, for tests that need a real server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def emulator_process(*options: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """Start ``bss emulate --listen 127.0.0.1:0 OPTIONS``; yields (process, port) once it
    listens, and kills it on exit (whatever the test did to it)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bss_host.cli", "emulate", "--listen", "127.0.0.1:0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on "), line
        yield proc, int(line.rsplit(":", 1)[1])
    finally:
        proc.kill()
        proc.wait()
