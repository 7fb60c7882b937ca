//! Rust errors as Python exceptions. Every exception derives from `RegmapError`, itself
//! a `ValueError`; out-of-range values carry the offending register, index, field, value
//! and the allowed range as attributes.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use regmap::RegmapError as E;

create_exception!(
    _core,
    RegmapError,
    PyValueError,
    "A register-map operation was given bad input."
);
create_exception!(
    _core,
    UnknownNameError,
    RegmapError,
    "No register or field of that name."
);
create_exception!(
    _core,
    IndexOutOfRangeError,
    RegmapError,
    "A register index or word number outside the register."
);
create_exception!(
    _core,
    ValueOutOfRangeError,
    RegmapError,
    "A field value outside its legal range."
);
create_exception!(
    _core,
    ShapeError,
    RegmapError,
    "An array of the wrong length or shape."
);
create_exception!(
    _core,
    AccessError,
    RegmapError,
    "A write to a read-only register, or similar."
);

pub fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("RegmapError", py.get_type::<RegmapError>())?;
    m.add("UnknownNameError", py.get_type::<UnknownNameError>())?;
    m.add(
        "IndexOutOfRangeError",
        py.get_type::<IndexOutOfRangeError>(),
    )?;
    m.add(
        "ValueOutOfRangeError",
        py.get_type::<ValueOutOfRangeError>(),
    )?;
    m.add("ShapeError", py.get_type::<ShapeError>())?;
    m.add("AccessError", py.get_type::<AccessError>())?;
    Ok(())
}

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
