//! Encode and decode one register instance through its descriptor. The generated typed
//! structs (`crate::typed`) do the same with constant shifts and masks; tests check that
//! the two agree.

use crate::desc::{Access, FieldDesc, RegisterDesc};
use crate::error::RegmapError;

/// The error for an illegal field value.
pub fn out_of_range(
    reg: &'static RegisterDesc,
    field: &'static FieldDesc,
    index: Option<u32>,
    value: i64,
) -> RegmapError {
    RegmapError::ValueOutOfRange {
        register: reg.name,
        index,
        field: field.name,
        value,
        allowed: field.allowed(),
        location: None,
    }
}

/// Reset value of every field, in field order.
pub fn reset_values(reg: &RegisterDesc) -> Vec<i64> {
    reg.fields.iter().map(|f| f.reset).collect()
}

/// The reset word of one word of a register, from its fields' reset values.
pub fn reset_word(reg: &RegisterDesc, word: u8) -> u32 {
    reg.fields
        .iter()
        .filter(|f| f.word == word)
        .fold(0, |w, f| w | f.to_raw(f.reset) << f.lsb)
}

pub(crate) fn check_writable(reg: &'static RegisterDesc) -> Result<(), RegmapError> {
    if reg.access.writable() {
        Ok(())
    } else {
        Err(RegmapError::AccessDenied {
            register: reg.name,
            access: reg.access.as_str(),
            action: "written",
        })
    }
}

/// The error for a value given to a read-only field of a writable register.
pub(crate) fn read_only_field(reg: &'static RegisterDesc) -> RegmapError {
    RegmapError::AccessDenied {
        register: reg.name,
        access: "ro",
        action: "given a value for its read-only fields",
    }
}

/// Check every value before anything is packed (nothing is half-encoded).
pub fn validate(
    reg: &'static RegisterDesc,
    index: Option<u32>,
    values: &[i64],
) -> Result<(), RegmapError> {
    if values.len() != reg.fields.len() {
        return Err(RegmapError::WrongLength {
            register: reg.name,
            what: "the list of field values".into(),
            expected: reg.fields.len(),
            got: values.len(),
        });
    }
    for (f, &v) in reg.fields.iter().zip(values) {
        if !f.is_legal(v) {
            return Err(out_of_range(reg, f, index, v));
        }
        if f.access == Access::ReadOnly && v != f.reset {
            return Err(read_only_field(reg));
        }
    }
    Ok(())
}

/// Pack legal values (validated) into the instance's words.
#[inline]
pub(crate) fn pack_into(reg: &RegisterDesc, values: &[i64], words: &mut [u32]) {
    words.fill(0);
    for (f, &v) in reg.fields.iter().zip(values) {
        words[f.word as usize] |= f.to_raw(v) << f.lsb;
    }
}

/// Encode one instance from all its field values (in field order).
pub fn encode(
    reg: &'static RegisterDesc,
    index: Option<u32>,
    values: &[i64],
) -> Result<Vec<u32>, RegmapError> {
    check_writable(reg)?;
    validate(reg, index, values)?;
    let mut words = vec![0; reg.words as usize];
    pack_into(reg, values, &mut words);
    Ok(words)
}

/// Encode one instance from named field values; unnamed fields keep their reset values.
pub fn encode_named(
    reg: &'static RegisterDesc,
    index: Option<u32>,
    named: &[(&str, i64)],
) -> Result<Vec<u32>, RegmapError> {
    let mut values = reset_values(reg);
    for (name, v) in named {
        let (i, _) = reg.field(name)?;
        values[i] = *v;
    }
    encode(reg, index, &values)
}

/// Decode one instance's words into field values (in field order). Bits outside every
/// field are ignored; a decoded value that is not legal is an error.
pub fn decode(
    reg: &'static RegisterDesc,
    index: Option<u32>,
    words: &[u32],
) -> Result<Vec<i64>, RegmapError> {
    if words.len() != reg.words as usize {
        return Err(RegmapError::WrongLength {
            register: reg.name,
            what: "the word list".into(),
            expected: reg.words as usize,
            got: words.len(),
        });
    }
    reg.fields
        .iter()
        .map(|f| {
            let v = f.from_raw(words[f.word as usize] >> f.lsb);
            if f.is_legal(v) {
                Ok(v)
            } else {
                Err(out_of_range(reg, f, index, v))
            }
        })
        .collect()
}
