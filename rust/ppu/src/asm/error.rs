//! Assembler errors: each one carries the original file, line and column (after C
//! preprocessor line markers) and says what was wrong and what is allowed.

use std::fmt;

use thiserror::Error;

/// What went wrong, without the location.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AsmErrorKind {
    #[error("unknown instruction `{name}`{hint}")]
    UnknownMnemonic { name: String, hint: String },
    #[error("unknown directive `{name}`; supported: .text .data .bss .section .previous .pushsection .popsection .globl .global .local .weak .type .size .align .p2align .balign .byte .short .half .hword .word .long .int .fill .space .skip .zero .ascii .asciz .string .set .equ .equiv .org .comm .lcomm (and .file .ident .machine .gnu_attribute .cfi_* are ignored)")]
    UnknownDirective { name: String },
    #[error("`{mnemonic}` takes {expected}, got {got} operand(s)")]
    OperandCount {
        mnemonic: String,
        expected: String,
        got: usize,
    },
    #[error("{what} = {value} is out of range; allowed: {min}..={max}")]
    OutOfRange {
        what: String,
        value: i64,
        min: i64,
        max: i64,
    },
    #[error("undefined symbol `{name}`")]
    UndefinedSymbol { name: String },
    #[error("branch target {target:#x} is not a multiple of 4")]
    MisalignedBranch { target: i64 },
    #[error("branch target {target:#x} is out of reach of `{mnemonic}` at {address:#x}: the displacement must lie in {min}..={max}")]
    BranchOutOfRange {
        mnemonic: String,
        target: i64,
        address: u32,
        min: i64,
        max: i64,
    },
    #[error("expected {expected}, got `{got}`")]
    WrongOperand { expected: String, got: String },
    #[error("syntax error: {0}")]
    Syntax(String),
    #[error("symbol `{name}` is already defined (at line {line})")]
    Redefined { name: String, line: u32 },
    #[error(
        "expression must be absolute (a number, or a difference of labels in one section) here"
    )]
    NotAbsolute,
    #[error("division by zero in expression")]
    DivisionByZero,
    #[error("definition of symbol `{name}` is circular or nested too deeply")]
    Circular { name: String },
    #[error(
        ".org {target:#x} moves backwards in section `{section}` (already at offset {current:#x})"
    )]
    OrgBackwards {
        section: String,
        target: i64,
        current: u32,
    },
    #[error("instruction at offset {offset:#x} of section `{section}` is not word aligned; insert `.align 2`")]
    MisalignedInstruction { section: String, offset: u32 },
    #[error("section `{section}` holds no data (@nobits); only zeros or .space/.skip/.align are allowed there")]
    DataInNobits { section: String },
    #[error("{0}")]
    Other(String),
}

/// One assembler error with its source location (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct AsmError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub kind: AsmErrorKind,
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.kind
        )
    }
}

/// All errors of one assembly, in source order (at least one).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct AsmErrors(pub Vec<AsmError>);

impl fmt::Display for AsmErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl AsmErrors {
    pub fn errors(&self) -> &[AsmError] {
        &self.0
    }
}

pub(crate) type Res<T> = Result<T, AsmErrorKind>;

pub(crate) fn syntax<T>(msg: impl Into<String>) -> Res<T> {
    Err(AsmErrorKind::Syntax(msg.into()))
}
