//! The host end of a connection: a link plus the program being run over it.

use crate::link::{Link, LinkConfig, LinkError, LinkState, LinkStats};
use crate::program::{Collector, Program, RunOutcome};
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SessionError {
    #[error("a program is already running on this connection")]
    Busy,
    #[error("no program is running")]
    Idle,
    #[error(transparent)]
    Link(#[from] LinkError),
}

#[derive(Debug)]
struct Running {
    program: Arc<Program>,
    queued: bool,
    collector: Collector,
}

#[derive(Debug)]
pub struct HostSession {
    link: Link,
    running: Option<Running>,
}

impl HostSession {
    pub fn new(cfg: LinkConfig, nonce: u16) -> Result<Self, LinkError> {
        Ok(HostSession {
            link: Link::host(cfg, nonce)?,
            running: None,
        })
    }

    pub fn link_state(&self) -> &LinkState {
        self.link.state()
    }
    pub fn stats(&self) -> LinkStats {
        self.link.stats()
    }

    pub fn start(&mut self, program: Arc<Program>) -> Result<(), SessionError> {
        if self.running.is_some() {
            return Err(SessionError::Busy);
        }
        let collector = Collector::new(&program);
        self.running = Some(Running {
            program,
            queued: false,
            collector,
        });
        Ok(())
    }

    /// The running program got its HALT echo.
    pub fn done(&self) -> bool {
        self.running.as_ref().is_some_and(|r| r.collector.done())
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Responses received so far, without finishing the run.
    pub fn partial(&self) -> Option<&RunOutcome> {
        self.running.as_ref().map(|r| &r.collector.outcome)
    }

    /// Finish the run (done or abandoned) and hand out what came back.
    pub fn finish(&mut self) -> Result<RunOutcome, SessionError> {
        self.running
            .take()
            .map(|r| r.collector.outcome)
            .ok_or(SessionError::Idle)
    }

    pub fn receive(&mut self, bytes: &[u8], now: u64) {
        self.link.receive(bytes, now);
        while let Some(p) = self.link.recv() {
            // Late responses of an abandoned run are acknowledged by the link and dropped.
            if let Some(r) = self.running.as_mut() {
                r.collector.payload(&p);
            }
        }
    }

    pub fn transmit(&mut self, now: u64, out: &mut Vec<u8>) -> Result<(), SessionError> {
        if let LinkState::Rejected(msg) = self.link.state() {
            return Err(LinkError::Rejected(msg.clone()).into());
        }
        if self.link.is_established() {
            if let Some(r) = self.running.as_mut().filter(|r| !r.queued) {
                for p in r.program.payloads(self.link.max_payload()) {
                    self.link.send(p)?;
                }
                r.queued = true;
            }
        }
        self.link.transmit(now, out);
        Ok(())
    }

    pub fn next_deadline(&self) -> Option<u64> {
        self.link.next_deadline()
    }
}
