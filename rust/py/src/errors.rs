//! The one mapping from Rust errors to Python exceptions. Every class lives in
//! `bss_host.errors` (one tree under `BssError`, each also a fitting builtin); the binding
//! imports them from there, so tracebacks name `bss_host.errors.X` and Python code can
//! catch them without knowing which half of the stack raised them.

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

/// Convert a regmap error into the matching Python exception.
pub fn to_py(py: Python<'_>, e: E) -> PyErr {
    let msg = e.to_string();
    match e {
        E::UnknownRegister { .. } | E::UnknownField { .. } => UnknownNameError::new_err(msg),
        E::IndexOutOfRange { .. } | E::WordOutOfRange { .. } => IndexOutOfRangeError::new_err(msg),
        E::WrongLength { .. } => ShapeError::new_err(msg),
        E::AccessDenied { .. } => AccessError::new_err(msg),
        E::ValueOutOfRange {
            register,
            index,
            field,
            value,
            allowed,
            location,
        } => {
            let err = ValueOutOfRangeError::new_err(msg);
            let v = err.value(py);
            // Setting attributes on a fresh exception instance cannot fail in practice;
            // if it did, the message still says everything.
            let _ = v.setattr("register", register);
            let _ = v.setattr("index", index);
            let _ = v.setattr("field", field);
            let _ = v.setattr("value", value);
            let _ = v.setattr("allowed", allowed);
            let _ = v.setattr("location", location);
            err
        }
    }
}

/// `Result<T, RegmapError>` into `PyResult<T>`.
pub trait IntoPy<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, E> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}
