//! The device end of a connection: a link in front of the executor. The emulator server,
//! the in-process connection and the USB test backend all drive this one object.

use crate::executor::Executor;
use std::collections::VecDeque;
use wire::link::{Link, LinkConfig, LinkError, LinkStats};

/// Model time one exchange may simulate while the analog core runs: 200 us of hardware
/// time, about 0.1 s of wall time at full load. Between slices the emulator answers
/// the host (acknowledgements as keep-alives), so a long experiment never looks like a
/// dead peer.
pub const SLICE_CYCLES: u64 = 25_000;

#[derive(Debug)]
pub struct Emulator {
    cfg: LinkConfig,
    link: Link,
    pub executor: Executor,
    responses: Vec<Vec<u8>>,
    out: Vec<u8>,
    /// Received payloads not yet run to their end, and where to resume the first.
    pending: VecDeque<(Vec<u8>, usize)>,
}

impl Emulator {
    pub fn new(cfg: LinkConfig) -> Result<Self, LinkError> {
        Self::with_seed(cfg, 0)
    }

    /// An emulator whose chip's fixed pattern, noise and sources come from `seed`.
    pub fn with_seed(cfg: LinkConfig, seed: u64) -> Result<Self, LinkError> {
        Ok(Emulator {
            cfg,
            link: Link::device(cfg)?,
            executor: Executor::with_seed(seed),
            responses: Vec::new(),
            out: Vec::new(),
            pending: VecDeque::new(),
        })
    }

    pub fn stats(&self) -> LinkStats {
        self.link.stats()
    }

    /// Feed bytes from the host (possibly none) at time `now` (microseconds); returns the
    /// bytes to send back. Runs at most [`SLICE_CYCLES`] of model time while the analog
    /// core is on; [`Emulator::next_deadline`] is then due at once for the next slice.
    pub fn exchange(&mut self, data: &[u8], now: u64) -> Vec<u8> {
        self.link.receive(data, now);
        if self.link.take_new_session() {
            self.pending.clear();
            self.executor.new_program();
            self.executor.set_max_payload(self.link.max_payload());
        }
        while let Some(p) = self.link.recv() {
            self.pending.push_back((p, 0));
        }
        let start = self.executor.now();
        while let Some((payload, pos)) = self.pending.front_mut() {
            let resume = self.executor.execute_payload_from(
                payload,
                *pos,
                &mut self.responses,
                start,
                SLICE_CYCLES,
            );
            match resume {
                Some(resume) => {
                    *pos = resume;
                    break;
                }
                None => {
                    self.pending.pop_front();
                }
            }
        }
        for r in self.responses.drain(..) {
            // Cut to max_payload by the executor, so the link takes every one.
            let _ = self.link.send(r);
        }
        if !self.pending.is_empty() {
            self.link.keepalive();
        }
        self.link.transmit(now, &mut self.out);
        std::mem::take(&mut self.out)
    }

    /// Work left from an earlier exchange (a long experiment in slices).
    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// When `exchange` should run again without input: now if work is pending, else the
    /// link's retransmission timer.
    pub fn next_deadline(&self) -> Option<u64> {
        if self.busy() {
            Some(0)
        } else {
            self.link.next_deadline()
        }
    }

    /// The host went away: forget the link session, keep the chip state.
    pub fn disconnect(&mut self) {
        self.link = Link::device(self.cfg).expect("configuration was accepted before");
        self.pending.clear();
        self.executor.new_program();
    }
}
