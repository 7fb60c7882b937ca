"""Save and load: a round trip, and every kind of bad file refused with a typed error."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from bss_host.config import Chip, load, save
from bss_host.errors import ConfigFileError
from tests.config.test_diff import chips


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chips())
def test_round_trip(tmp_path: Path, chip: Chip) -> None:
    path = save(chip, tmp_path / "c.bsschip")
    assert load(path) == chip


def test_truncated_corrupted_foreign_and_newer_files_are_refused(tmp_path: Path) -> None:
    chip = Chip.default()
    chip.synapses.weight[:] = 7
    good = save(chip, tmp_path / "good.bsschip").read_bytes()

    truncated = tmp_path / "truncated.bsschip"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(ConfigFileError, match="corrupted, truncated"):
        load(truncated)

    foreign = tmp_path / "foreign.bsschip"
    foreign.write_text("hello")
    with pytest.raises(ConfigFileError):
        load(foreign)

    def rewrite(name: str, header_change: dict[str, object] | None = None,
                arrays: dict[str, np.ndarray] | None = None) -> Path:
        out = tmp_path / name
        with zipfile.ZipFile(tmp_path / "good.bsschip") as z:
            header = json.loads(z.read("header.json"))
            raw = z.read("arrays.npz")
        header.update(header_change or {})
        if arrays is not None:
            import io

            buf = io.BytesIO()
            np.savez(buf, **arrays)
            raw = buf.getvalue()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("header.json", json.dumps(header))
            z.writestr("arrays.npz", raw)
        return out

    with pytest.raises(ConfigFileError, match="schema version 2.*update bss-host"):
        load(rewrite("newer.bsschip", {"schema_version": 2}))
    with pytest.raises(ConfigFileError, match="format"):
        load(rewrite("other.bsschip", {"format": "something else"}))
    with np.load(__import__("io").BytesIO(zipfile.ZipFile(tmp_path / "good.bsschip")
                                          .read("arrays.npz"))) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["synapses__weight"] = arrays["synapses__weight"].copy()
    arrays["synapses__weight"][0, 0, 0] = 8
    with pytest.raises(ConfigFileError, match="checksum"):
        load(rewrite("tampered.bsschip", arrays=arrays))
