//! The one mapping from Rust errors to Python exceptions. Every class lives in
//! `bss_host.errors` (one tree under `BssError`, each also a fitting builtin); the binding
//! imports them from there, so tracebacks name `bss_host.errors.X` and Python code can
//! catch them without knowing which half of the stack raised them. No other module of
//! the binding creates an exception.

use pyo3::import_exception;
use pyo3::prelude::*;
use regmap::RegmapError as E;

import_exception!(bss_host.errors, RegmapError);
import_exception!(bss_host.errors, UnknownNameError);
import_exception!(bss_host.errors, IndexOutOfRangeError);
import_exception!(bss_host.errors, ValueOutOfRangeError);
import_exception!(bss_host.errors, ShapeError);
import_exception!(bss_host.errors, AccessError);
import_exception!(bss_host.errors, InputError);
import_exception!(bss_host.errors, WireError);
import_exception!(bss_host.errors, ProgramError);
import_exception!(bss_host.errors, ProgramTooLargeError);
import_exception!(bss_host.errors, LinkError);
import_exception!(bss_host.errors, LinkRejectedError);
import_exception!(bss_host.errors, PpuAsmError);
import_exception!(bss_host.errors, PpuElfError);

/// A Rust error that has one Python exception class.
pub trait ToPyErr {
    fn to_py_err(self) -> PyErr;
}

/// `Result<T, E>` into `PyResult<T>` for every error with a class.
pub trait OrPy<T> {
    fn or_py(self) -> PyResult<T>;
}

impl<T, X: ToPyErr> OrPy<T> for Result<T, X> {
    fn or_py(self) -> PyResult<T> {
        self.map_err(ToPyErr::to_py_err)
    }
}

/// Set attributes on a fresh exception instance. That cannot fail in practice; if it
/// did, the message still says everything.
fn with_attrs(err: PyErr, attrs: impl FnOnce(&Bound<'_, PyAny>) -> PyResult<()>) -> PyErr {
    Python::attach(|py| {
        let _ = attrs(err.value(py).as_any());
    });
    err
}

impl ToPyErr for E {
    fn to_py_err(self) -> PyErr {
        let msg = self.to_string();
        match self {
            E::UnknownRegister { .. } | E::UnknownField { .. } => UnknownNameError::new_err(msg),
            E::IndexOutOfRange { .. }
            | E::WordOutOfRange { .. }
            | E::CoordinateCount { .. }
            | E::CoordinateOutOfRange { .. }
            | E::NoSuchInstance { .. } => IndexOutOfRangeError::new_err(msg),
            E::WrongLength { .. } => ShapeError::new_err(msg),
            E::AccessDenied { .. } => AccessError::new_err(msg),
            E::ValueOutOfRange {
                register,
                index,
                field,
                value,
                allowed,
                location,
            } => with_attrs(ValueOutOfRangeError::new_err(msg), |v| {
                v.setattr("register", register)?;
                v.setattr("index", index)?;
                v.setattr("field", field)?;
                v.setattr("value", value)?;
                v.setattr("allowed", allowed)?;
                v.setattr("location", location)
            }),
        }
    }
}

impl ToPyErr for wire::ProgramError {
    fn to_py_err(self) -> PyErr {
        match self {
            wire::ProgramError::TooLarge { .. } => ProgramTooLargeError::new_err(self.to_string()),
            _ => ProgramError::new_err(self.to_string()),
        }
    }
}

impl ToPyErr for wire::SessionError {
    fn to_py_err(self) -> PyErr {
        match self {
            wire::SessionError::Link(wire::LinkError::Rejected(_)) => {
                LinkRejectedError::new_err(self.to_string())
            }
            _ => LinkError::new_err(self.to_string()),
        }
    }
}

/// A link configuration the caller chose (window, payload size, timeouts) was refused.
pub fn bad_link_config(e: wire::LinkError) -> PyErr {
    InputError::new_err(e.to_string())
}

/// A fault-injector configuration the caller chose was refused.
pub fn bad_fault_config(e: String) -> PyErr {
    InputError::new_err(e)
}

impl ToPyErr for wire::instr::DecodeError {
    fn to_py_err(self) -> PyErr {
        WireError::new_err(self.to_string())
    }
}

/// An operation tuple (wire codec entry points) that does not describe a message.
pub fn bad_op(op: &str, what: &str) -> PyErr {
    WireError::new_err(format!("{op}: {what}"))
}

/// A frame kind outside the wire format's.
pub fn bad_frame_kind(kind: u8) -> PyErr {
    WireError::new_err(format!("frame kind {kind}; allowed 1..=5"))
}

/// An array argument that is not contiguous (or has the wrong element type).
pub fn not_contiguous(what: &str, dtype: &str) -> PyErr {
    ShapeError::new_err(format!("{what} must be a contiguous {dtype} array"))
}

/// A column of `encode_array` that is neither an int nor a 1-d int64 array.
pub fn bad_column(field: &str) -> PyErr {
    ShapeError::new_err(format!("field {field} must be an int or a 1-d int64 array"))
}

/// Two arrays that must pair up element by element.
pub fn length_mismatch(a: (&str, usize), b: (&str, usize)) -> PyErr {
    ProgramError::new_err(format!(
        "{} {} and {} {}; they must have the same length",
        a.1, a.0, b.1, b.0
    ))
}

/// A transform name the map does not know.
pub fn unknown_transform(name: &str) -> PyErr {
    UnknownNameError::new_err(format!("unknown transform '{name}'"))
}

impl ToPyErr for chip::introspect::NoSuchPpu {
    fn to_py_err(self) -> PyErr {
        InputError::new_err(self.to_string())
    }
}

impl ToPyErr for ppu::cpu::UnknownTrapPolicy {
    fn to_py_err(self) -> PyErr {
        InputError::new_err(self.to_string())
    }
}

impl ToPyErr for ppu::snippet::SnippetError {
    fn to_py_err(self) -> PyErr {
        use ppu::snippet::SnippetError as S;
        let msg = self.to_string();
        match self {
            S::RegisterCount { .. } => ShapeError::new_err(msg),
            S::CodeTooLarge { .. } | S::MemoryOutOfRange { .. } => InputError::new_err(msg),
        }
    }
}

impl ToPyErr for ppu::asm::AsmErrors {
    fn to_py_err(self) -> PyErr {
        let list: Vec<(String, usize, usize, String)> = self
            .errors()
            .iter()
            .map(|e| {
                (
                    e.file.to_string(),
                    e.line as usize,
                    e.column as usize,
                    e.kind.to_string(),
                )
            })
            .collect();
        with_attrs(PpuAsmError::new_err(self.to_string()), |v| {
            v.setattr("errors", list)
        })
    }
}

impl ToPyErr for ppu::elf::ElfError {
    fn to_py_err(self) -> PyErr {
        PpuElfError::new_err(self.to_string())
    }
}

/// An ELF error while writing the image of `file_name`.
pub fn elf_of(file_name: &str, e: ppu::elf::ElfError) -> PyErr {
    PpuElfError::new_err(format!("{file_name}: {e}"))
}
