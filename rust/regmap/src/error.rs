use thiserror::Error;

/// Everything that can go wrong when encoding or decoding registers. Every variant names
/// what was wrong and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegmapError {
    #[error("unknown register '{name}'{hint}")]
    UnknownRegister { name: String, hint: String },
    #[error("register {register} has no field '{field}'; its fields are: {allowed}")]
    UnknownField {
        register: &'static str,
        field: String,
        allowed: String,
    },
    #[error("{register}[{index}] does not exist: the index must be in 0..{count}")]
    IndexOutOfRange {
        register: &'static str,
        index: i64,
        count: u32,
    },
    #[error("{register} has {words} word(s); word {word} does not exist")]
    WordOutOfRange {
        register: &'static str,
        word: i64,
        words: u8,
    },
    #[error("{register} has {expected} dims ({dims}); got {got} coordinates")]
    CoordinateCount {
        register: &'static str,
        dims: String,
        expected: usize,
        got: usize,
    },
    #[error("{register}: {dim} {value} is out of range 0..{count}")]
    CoordinateOutOfRange {
        register: &'static str,
        dim: &'static str,
        value: i64,
        count: u32,
    },
    #[error("{register}{coordinates:?} does not exist on the chip")]
    NoSuchInstance {
        register: &'static str,
        coordinates: Vec<i64>,
    },
    #[error("{register}{} field {field}{}: value {value} is out of range; allowed: {allowed}",
        index.map(|i| format!("[{i}]")).unwrap_or_default(),
        location.as_ref().map(|l| format!(" ({l})")).unwrap_or_default())]
    ValueOutOfRange {
        register: &'static str,
        index: Option<u32>,
        field: &'static str,
        value: i64,
        allowed: String,
        location: Option<String>,
    },
    #[error("{register}: {what} has length {got}, expected {expected}")]
    WrongLength {
        register: &'static str,
        what: String,
        expected: usize,
        got: usize,
    },
    #[error("{register} is {access}: it cannot be {action}")]
    AccessDenied {
        register: &'static str,
        access: &'static str,
        action: &'static str,
    },
}
