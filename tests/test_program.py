"""Programs on the in-process model: builder checks, tickets, timing, register-file rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bss_host import REGMAP, _core, errors
from bss_host.connection import connect
from bss_host.errors import (
    InstructionTimeoutError,
    ReadDeniedError,
    TicketNotReadyError,
    UnmappedAddressError,
    WriteDeniedError,
)
from bss_host.program import Program
from bss_host.units import FPGA_CYCLES_PER_US

DRAM = 0x8400_0000


@pytest.fixture(scope="module")
def conn():  # noqa: ANN201
    c = connect("sim:")
    yield c
    c.close()


def test_size_limit_is_checked_while_building_and_nothing_is_half_applied() -> None:
    p = Program(limit=906)
    p.write_words(DRAM + np.arange(100, dtype=np.uint32), np.zeros(100, np.uint32))
    size = p.size
    assert size == 900
    with pytest.raises(errors.ProgramTooLargeError, match="playback memory of 906 bytes"):
        p.write_words(DRAM + np.arange(20, dtype=np.uint32), np.zeros(20, np.uint32))
    assert p.size == size
    with pytest.raises(errors.ProgramTooLargeError):
        p.wait(us=1)
    assert p.size == size
    p.read("timer")  # 5 bytes still fit, with the final HALT: 906
    assert p.build().size == 906


def test_default_limit_is_the_fpga_playback_memory() -> None:
    assert Program().limit == REGMAP.chip["playback_memory_bytes"] == 32 * 1024 * 1024
    n = 32 * 1024 * 1024 // 9 + 1
    with pytest.raises(errors.ProgramTooLargeError, match="33554432"):
        Program().write_words(np.full(n, DRAM, np.uint32), np.zeros(n, np.uint32))


def test_bad_operands_are_refused() -> None:
    p = Program()
    with pytest.raises(ValueError, match="exactly one"):
        p.wait()
    with pytest.raises(ValueError, match="allowed 0..4294967295"):
        p.wait(us=40e6)
    with pytest.raises(ValueError, match="allowed"):
        p.barrier("nonsense")
    with pytest.raises(ValueError, match="16-bit"):
        p.inject([70000], us=[1.0])
    with pytest.raises(ValueError, match="need equal"):
        p.inject([1, 2], us=[1.0])
    with pytest.raises(errors.ValueOutOfRangeError):
        p.write("crossbar_node", 0, mask=1 << 14)
    with pytest.raises(errors.IndexOutOfRangeError):
        p.write("crossbar_node", 76)
    with pytest.raises(ValueError, match="32-bit"):
        p.write_words([-1], [0])
    assert p.size == 0


def test_tickets_before_the_run_and_edits_after_it(conn) -> None:  # noqa: ANN001
    p = Program()
    t = p.read("timer")
    with pytest.raises(TicketNotReadyError):
        t.words()
    conn.run(p)
    assert t.value["value"] >= 0
    with pytest.raises(RuntimeError, match="start a new Program"):
        p.write("timer", value=0)


def test_named_and_bulk_round_trips(conn) -> None:  # noqa: ANN001
    reg = REGMAP["external_ppu_memory"]
    rng = np.random.default_rng(1)
    idx = rng.choice(reg.count, 500, replace=False).astype(np.uint32)
    vals = rng.integers(0, 1 << 32, 500, dtype=np.uint64).astype(np.int64)
    field = reg.fields[0].name
    p = Program().write_array(reg.name, {field: vals}, indices=idx)
    p.write("instruction_timeout_config", value=1234)
    bulk = p.read_array(reg.name, idx)
    one = p.read("instruction_timeout_config")
    conn.run(p)
    assert np.array_equal(bulk.array()[field], vals)
    assert one.value == {"value": 1234}
    words, present = conn.shadow.get(reg.addresses(idx))
    assert present.all() and np.array_equal(words, vals.astype(np.uint32))


def test_waits_advance_hardware_time(conn) -> None:  # noqa: ANN001
    p = Program().timer_reset()
    p.wait_until(us=10)
    t1 = p.read("timer")
    p.wait(cycles=500)
    t2 = p.read("timer")
    s = p.read("systime")
    r = conn.run(p)
    assert t1.value["value"] == 10 * FPGA_CYCLES_PER_US  # a read reports its issue time
    assert t2.value["value"] == 500
    now = s.value["value_low"] | s.value["value_high"] << 32
    assert r.halt_time == now + 2  # systime's second word, then the HALT: a cycle each


def test_register_condition_wait_and_its_timeout(conn) -> None:  # noqa: ANN001
    p = Program().write("instruction_timeout_config", value=1000)
    p.write("event_recording_config", enable_event_recording=1)
    p.wait_for("event_recording_config", field="enable_event_recording", value=1)
    conn.run(p)
    p = Program().wait_for("event_recording_config", field="enable_event_recording", value=0)
    p.read("timer")
    with pytest.raises(InstructionTimeoutError, match="timed out after 1000 cycles") as e:
        conn.run(p)
    assert len(e.value.result.reads) == 1  # the rest of the program ran


def test_unreadable_register_read_names_the_register(conn) -> None:  # noqa: ANN001
    p = Program()
    ok = p.read("timer")
    p.read("capmem_block_config", 2)
    with pytest.raises(ReadDeniedError, match=r"capmem_block_config\[2\] \(block=2\) word 0") as e:
        conn.run(p)
    assert "silicon cannot read back" in str(e.value)
    assert len(e.value.problems) == 6  # one per word of the instance
    assert ok.words().size == 1


def test_read_only_and_unmapped_addresses(conn) -> None:  # noqa: ANN001
    p = Program().write_words([REGMAP["systime"].base], [5])
    with pytest.raises(WriteDeniedError, match="systime"):
        conn.run(p)
    p = Program()
    p.read_words([0x7FFF_0000])
    with pytest.raises(UnmappedAddressError, match="0x7fff0000"):
        conn.run(p)
    words, present = conn.shadow.get(np.array([REGMAP["systime"].base], np.uint32))
    assert not present[0]  # a refused write is not in the shadow


class RegisterFileModel(RuleBasedStateMachine):
    """Random writes and reads of readable registers against a dict: a read returns the
    field bits of the last word written (bits outside every field need not be stored, as
    in the synapse SRAM)."""

    def __init__(self) -> None:
        super().__init__()
        self.conn = connect("sim:")
        self.model: dict[int, int] = {}
        self.regs = [r for r in REGMAP.values() if r.readable and r.access == "rw"]

    @rule(data=st.data(), n=st.integers(1, 20))
    def write_then_read(self, data: st.DataObject, n: int) -> None:
        p = Program()
        addrs, masks = [], []
        for _ in range(n):
            reg = data.draw(st.sampled_from(self.regs))
            if reg.name == "timer":
                continue  # live value
            index = data.draw(st.integers(0, reg.count - 1))
            word = data.draw(st.integers(0, reg.words - 1))
            value = data.draw(st.integers(0, 2**32 - 1))
            a = reg.address(index, word)
            p.write_words([a], [value])
            self.model[a] = value
            addrs.append(a)
            masks.append(sum(((1 << f.width) - 1) << f.lsb for f in reg.fields if f.word == word))
        t = p.read_words(addrs) if addrs else None
        self.conn.run(p)
        if t is not None:
            got = [w & m for w, m in zip(t.words().tolist(), masks, strict=True)]
            assert got == [self.model[a] & m for a, m in zip(addrs, masks, strict=True)]

    @invariant()
    def shadow_matches(self) -> None:
        if self.model:
            a = np.fromiter(self.model, np.uint32)
            words, present = self.conn.shadow.get(a)
            assert present.all() and words.tolist() == list(self.model.values())

    def teardown(self) -> None:
        self.conn.close()


TestRegisterFileModel = RegisterFileModel.TestCase
TestRegisterFileModel.settings = settings(max_examples=15, stateful_step_count=6, deadline=None)


@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 0xFFFF)), max_size=30))
def test_spike_train_sorts_and_packs(spikes: list[tuple[int, int]]) -> None:
    p = Program()
    times = np.array([t for t, _ in spikes], np.int64)
    labels = np.array([lab for _, lab in spikes], np.int64)
    p.inject(labels, cycles=times)
    ops = _core.wire_decode_instructions(p.build().to_bytes())
    assert ops[-1] == ("halt",)
    now, seen = -1, []
    for op in ops[:-1]:
        if op[0] == "wait_until":
            assert op[1] > now
            now = op[1]
        else:
            assert op[0] == "spikes" and 1 <= len(op[1]) <= 3
            seen += [(now, lab) for lab in op[1]]
    assert sorted(seen) == sorted(spikes)
