"""Hypothesis strategies for wire messages, shared by the Rust/Python agreement tests and
the dissector tests."""

from hypothesis import strategies as st

U16, U32, U64 = 0xFFFF, 0xFFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF


def edgy(top):
    return st.one_of(st.sampled_from([0, 1, top - 1, top]), st.integers(0, top))


u16, u32, u64 = edgy(U16), edgy(U32), edgy(U64)

INSTRUCTIONS = st.one_of(
    st.tuples(st.just("write"), u32, u32),
    st.tuples(st.just("read"), u32),
    st.tuples(st.just("timer_reset")),
    st.tuples(st.just("wait_until"), u32),
    st.tuples(st.just("barrier"), st.integers(0, 0x1F)),
    st.tuples(st.just("wait_register"), u32, u32, u32, st.sampled_from([0, 1])),
    st.tuples(st.just("spikes"), st.lists(u16, min_size=1, max_size=3)),
    st.tuples(st.just("event_recording"), st.booleans()),
    st.tuples(st.just("halt")),
)
RESPONSES = st.one_of(
    st.tuples(st.just("read_data"), u32),
    st.tuples(st.just("spike"), u64, u16),
    st.tuples(st.just("madc_sample"), u64, st.integers(0, 0x3FFF)),
    st.tuples(st.just("timeout"), u32, u32),
    st.tuples(st.just("error"), st.integers(1, 4), u32, u32),
    st.tuples(st.just("halt_echo"), u64),
)
