//! The device end of a connection: a link in front of the executor. The emulator server,
//! the in-process connection and the USB test backend all drive this one object.

use crate::executor::Executor;
use wire::link::{Link, LinkConfig, LinkError, LinkStats};

#[derive(Debug)]
pub struct Emulator {
    cfg: LinkConfig,
    link: Link,
    pub executor: Executor,
    responses: Vec<Vec<u8>>,
    out: Vec<u8>,
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
        })
    }

    pub fn stats(&self) -> LinkStats {
        self.link.stats()
    }

    /// Feed bytes from the host (possibly none) at time `now` (microseconds); returns the
    /// bytes to send back.
    pub fn exchange(&mut self, data: &[u8], now: u64) -> Vec<u8> {
        self.link.receive(data, now);
        if self.link.take_new_session() {
            self.executor.new_program();
            self.executor.set_max_payload(self.link.max_payload());
        }
        while let Some(p) = self.link.recv() {
            self.executor.execute_payload(&p, &mut self.responses);
            for r in self.responses.drain(..) {
                // Cut to max_payload by the executor, so the link takes every one.
                let _ = self.link.send(r);
            }
        }
        self.link.transmit(now, &mut self.out);
        std::mem::take(&mut self.out)
    }

    pub fn next_deadline(&self) -> Option<u64> {
        self.link.next_deadline()
    }

    /// The host went away: forget the link session, keep the chip state.
    pub fn disconnect(&mut self) {
        self.link = Link::device(self.cfg).expect("configuration was accepted before");
        self.executor.new_program();
    }
}
