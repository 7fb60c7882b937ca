"""The shadow copy on disk, one file per URL, and reading register instances from the
chip where silicon can read them, else from the shadow.

Silicon cannot read many registers back (chip.md §4.5), so the host's shadow copy is the
record for those. It is kept per URL under the state directory (``$BSS_STATE_DIR``,
default ``~/.local/state/bss``), so commands in separate shells share it. ``sim:`` starts
a fresh model per process and keeps no shadow between commands.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bss_host.connection import Connection
from bss_host.program import Program
from bss_host.regmap import Register

STATE_ENV = "BSS_STATE_DIR"


def state_dir() -> Path:
    """Where shadow copies are kept: ``$BSS_STATE_DIR``, else ``~/.local/state/bss``."""
    return Path(os.environ.get(STATE_ENV) or Path.home() / ".local" / "state" / "bss")


def shadow_path(url: str) -> Path | None:
    """Where the shadow of a URL is kept; None for ``sim:`` (a fresh model each time)."""
    if url.startswith("sim:"):
        return None
    return state_dir() / f"shadow-{re.sub(r'[^A-Za-z0-9._-]+', '_', url)}.npz"


def load_shadow(conn: Connection) -> None:
    """Fill ``conn.shadow`` from the file kept for its URL, if there is one."""
    path = shadow_path(conn.url)
    if path is not None and path.exists():
        with np.load(path) as data:
            conn.shadow.update(data["addresses"], data["words"])


def save_shadow(conn: Connection) -> None:
    """Write ``conn.shadow`` to the file kept for its URL (atomically)."""
    path = shadow_path(conn.url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    addresses, words = conn.shadow.entries()
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, addresses=addresses, words=words)
    tmp.replace(path)


def _reset_words(reg: Register) -> list[int]:
    return [w for _, w in reg.encode(0)] if reg.access != "ro" else [0] * reg.words


def instance_words(
    conn: Connection, reg: Register, indices: npt.NDArray[np.uint32]
) -> tuple[npt.NDArray[np.uint32], str]:
    """Words of instances as the host knows them: read from the chip where silicon can,
    else from the shadow (reset values where nothing was written). Returns (words, source)
    with words shaped (instances, words)."""
    if reg.readable:
        p = Program()
        t = p.read_array(reg.name, indices)
        conn.run(p)
        return t.words().reshape(len(indices), reg.words), "chip"
    addrs = reg.addresses(indices)
    words, present = conn.shadow.get(addrs)
    reset = np.tile(np.asarray(_reset_words(reg), np.uint32), len(indices))
    words = np.where(present, words, reset)
    source = "shadow" if present.any() else "reset (never written)"
    return words.reshape(len(indices), reg.words), source
