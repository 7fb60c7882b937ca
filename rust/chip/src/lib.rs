//! The chip model behind an FPGA executor: instruction streams in, responses and recorded
//! events out (shared/DESIGN.md): the register file that honours the map, the timer and
//! waits on model time, the analog and digital chip model ([`model`]), the device end
//! of the link, and [`introspect`]ion of the model for tests and calibration.

pub mod emulator;
pub mod executor;
pub mod introspect;
pub mod model;
pub mod ppus;
pub mod regfile;

pub use emulator::Emulator;
pub use executor::Executor;
pub use regfile::RegisterFile;
