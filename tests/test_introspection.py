"""The model is reached explicitly, through Connection.model, whatever wraps the transport."""

from __future__ import annotations

from pathlib import Path

import pytest

from bss_host import connect, introspection
from bss_host.errors import NotAModelError
from bss_host.ppu import Ppu, PpuImage
from tests.support.emulator import emulator_process

EXIT_7 = "li r3, 7\nstw r3, 0x2ffc(0)\nwait\n"


@pytest.fixture(params=["plain", "capture", "faults", "both"])
def wrapped(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, object]:
    kind = request.param
    kw: dict[str, object] = {}
    if kind in ("capture", "both"):
        kw["capture"] = str(tmp_path / "cap")
    if kind in ("faults", "both"):
        kw["faults"] = {"drop": 0.02, "duplicate": 0.02}
        kw["fault_seed"] = 5
    return kw


def test_introspection_works_under_capture_and_faults(wrapped: dict[str, object]) -> None:
    with connect("sim:?seed=2", **wrapped) as conn:  # type: ignore[arg-type]
        assert conn.model is not None
        params = introspection.neuron_parameters(conn)
        assert len(params["e_leak"]) == 512
        state = introspection.neuron_state(conn)
        assert len(state) > 0


def test_ppu_run_reports_stats_under_capture_and_faults(wrapped: dict[str, object]) -> None:
    with connect("sim:", **wrapped) as conn:  # type: ignore[arg-type]
        ppu = Ppu(conn, "top")
        ppu.load(PpuImage.assemble(EXIT_7))
        r = ppu.run(timeout_us=1000)
    assert r.exit_code == 7
    assert r.stats is not None and r.stats.instructions >= 3


def test_the_same_model_is_behind_every_wrapper(tmp_path: Path) -> None:
    with connect("sim:?seed=4") as plain, connect(
            "sim:?seed=4", capture=str(tmp_path / "c"), faults={"drop": 0.01}) as wrapped:
        a = introspection.neuron_parameters(plain)["e_leak"]
        b = introspection.neuron_parameters(wrapped)["e_leak"]
    assert (a == b).all()


def test_a_remote_emulator_is_not_a_model() -> None:
    with emulator_process() as (_, port), connect(f"socket://127.0.0.1:{port}") as conn:
        assert conn.model is None
        with pytest.raises(NotAModelError, match="in-process model"):
            introspection.neuron_parameters(conn)
        ppu = Ppu(conn, "top")
        ppu.load(PpuImage.assemble(EXIT_7))
        r = ppu.run(timeout_us=1000)
        assert r.exit_code == 7 and r.stats is None  # a board has no counters
