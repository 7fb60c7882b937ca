//! Timing of the queue between the scalar core and the vector unit (ppu.md §2,
//! "Vector execution model").
//!
//! Only time is modelled here: the functional effect of an FXV instruction is applied
//! when it issues (scalar/vector coherence is software-managed, so a correct program
//! cannot tell). The vector unit executes in order; each instruction occupies it for
//! the cycles its execution returned. At most [`VECTOR_QUEUE_DEPTH`] instructions may
//! be pending (issued and not completed); issuing another stalls the scalar core until
//! the oldest completes.

/// Pending FXV instructions the queue holds before the scalar core stalls.
pub const VECTOR_QUEUE_DEPTH: usize = 4;

/// Completion times (absolute core cycles) of the last [`VECTOR_QUEUE_DEPTH`] FXV
/// instructions, as a ring. Completion times are non-decreasing in issue order, so
/// the slot about to be overwritten always holds the oldest of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct VectorQueue {
    done: [u64; VECTOR_QUEUE_DEPTH],
    /// The ring slot of the oldest entry (the next to be replaced).
    oldest: usize,
    /// Completion time of the newest entry: the unit is idle from then on.
    idle_at: u64,
}

impl VectorQueue {
    /// The cycle from which the vector unit is empty.
    pub(crate) fn idle_at(&self) -> u64 {
        self.idle_at
    }

    /// Instructions still pending at cycle `now`.
    pub(crate) fn pending(&self, now: u64) -> usize {
        self.done.iter().filter(|&&d| d > now).count()
    }

    /// The scalar stall an issue at cycle `now` would suffer (queue full).
    pub(crate) fn issue_stall(&self, now: u64) -> u64 {
        self.done[self.oldest].saturating_sub(now)
    }

    /// Issues an instruction occupying the unit for `occupancy` cycles at scalar cycle
    /// `now`; returns the scalar stall. The instruction enters the unit in its issue
    /// cycle, so an idle unit completes it at `now + occupancy`.
    pub(crate) fn issue(&mut self, now: u64, occupancy: u64) -> u64 {
        let stall = self.issue_stall(now);
        let start = (now + stall).max(self.idle_at);
        let done = start.saturating_add(occupancy);
        self.done[self.oldest] = done;
        self.oldest = (self.oldest + 1) % VECTOR_QUEUE_DEPTH;
        self.idle_at = done;
        stall
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fifth_issue_waits_for_the_first_completion() {
        let mut q = VectorQueue::default();
        // Back-to-back issues, one scalar cycle apart, 10 cycles each: completions at
        // 10, 20, 30, 40 (in-order unit); the fifth, issued at cycle 4, waits until 10.
        for i in 0..4 {
            assert_eq!(q.issue(i, 10), 0);
        }
        assert_eq!(q.pending(4), 4);
        assert_eq!(q.issue(4, 10), 6);
        assert_eq!(q.idle_at(), 50);
        assert_eq!(q.pending(10), 4);
        assert_eq!(q.pending(50), 0);
    }

    proptest! {
        /// Against a direct simulation: an in-order unit, a FIFO of pending completions.
        #[test]
        fn matches_reference(ops in proptest::collection::vec((0u64..20, 0u64..60), 1..40)) {
            let mut q = VectorQueue::default();
            let mut pending: std::collections::VecDeque<u64> = Default::default();
            let mut now = 0u64;
            let mut busy_until = 0u64;
            for (gap, occ) in ops {
                now += gap;
                while pending.front().is_some_and(|&d| d <= now) {
                    pending.pop_front();
                }
                let mut t = now;
                if pending.len() == VECTOR_QUEUE_DEPTH {
                    t = pending.pop_front().unwrap_or(t);
                }
                let start = t.max(busy_until);
                busy_until = start + occ;
                pending.push_back(busy_until);
                prop_assert_eq!(q.issue(now, occ), t - now);
                prop_assert_eq!(q.idle_at(), busy_until);
                prop_assert!(q.pending(t) <= VECTOR_QUEUE_DEPTH);
                now = t + 1;
            }
        }
    }
}
