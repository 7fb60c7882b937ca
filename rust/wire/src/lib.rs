//! The wire between host and chip (docs/wire.md):
//!
//! - [`instr`]: the FPGA instruction set and its responses, encoded and decoded;
//! - [`frame`], [`cobs`], [`crc`]: link-layer frames on a byte stream;
//! - [`link`]: handshake, sliding window and retransmission as a pure state machine;
//! - [`program`]: programs built on the host, run outcomes, the shadow copy;
//! - [`session`]: the host end of a connection, running one program at a time;
//! - [`faults`]: a seeded fault injector for tests.
//!
//! Nothing here opens a socket or reads a clock.

pub mod cobs;
pub mod crc;
pub mod faults;
pub mod frame;
pub mod hash;
pub mod instr;
pub mod link;
pub mod pages;
pub mod program;
pub mod session;

pub use frame::{Frame, FrameKind};
pub use instr::{ErrorCode, Instruction, Response};
pub use link::{Link, LinkConfig, LinkError, LinkState};
pub use program::{Program, ProgramBuilder, ProgramError, ProtocolError, RunOutcome, Shadow};
pub use session::{HostSession, SessionError};
