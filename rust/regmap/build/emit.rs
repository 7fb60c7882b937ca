//! Rust source emitted from the expanded map: descriptor tables and typed registers
//! whose pack/unpack use constant shifts and masks.

use crate::schema::{FieldOut, RegisterOut};
use std::fmt::Write;

pub fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn access(a: &str) -> &'static str {
    match a {
        "rw" => "Access::ReadWrite",
        "ro" => "Access::ReadOnly",
        _ => "Access::WriteOnly",
    }
}

fn rust_type(f: &FieldOut) -> &'static str {
    match (f.signed, f.width) {
        (false, 1) => "bool",
        (false, 2..=8) => "u8",
        (false, 9..=16) => "u16",
        (false, _) => "u32",
        (true, 1..=8) => "i8",
        (true, 9..=16) => "i16",
        (true, _) => "i32",
    }
}

fn legal_expr(f: &FieldOut, v: &str) -> String {
    let mut e = format!("({}..={}).contains(&{v})", f.min, f.max);
    if let Some((s, _)) = &f.sentinel {
        e = format!("({e} || {v} == {s})");
    }
    e
}

fn field_desc(f: &FieldOut) -> String {
    let sentinel = match &f.sentinel {
        Some((v, n)) => format!("Some(({v}, {n:?}))"),
        None => "None".into(),
    };
    let transform = if f.transform.is_empty() {
        "None"
    } else {
        "WeightPermutation"
    };
    format!(
        "FieldDesc {{ name: {:?}, doc: {:?}, unit: {:?}, word: {}, lsb: {}, width: {}, reset: {}, \
         access: {}, readable: {}, signed: {}, min: {}, max: {}, sentinel: {sentinel}, \
         enum_names: &{:?}, transform: Transform::{transform} }}",
        f.name,
        f.doc,
        f.unit,
        f.word,
        f.lsb,
        f.width,
        f.reset,
        access(&f.access),
        f.readable,
        f.signed,
        f.min,
        f.max,
        f.enum_names
    )
}

pub fn register_desc(r: &RegisterOut) -> String {
    let mut s = String::new();
    let dims: Vec<String> = r
        .dims
        .iter()
        .map(|(n, c, st)| format!("DimDesc {{ name: {n:?}, count: {c}, stride: {st:#x} }}"))
        .collect();
    let valid: Vec<String> = r.valid.iter().flatten().map(|v| v.to_string()).collect();
    let layout = if r.layout == "reference" {
        "Reference"
    } else {
        "Assumed"
    };
    let kind = camel(&r.kind);
    writeln!(
        s,
        "RegisterDesc {{ name: {:?}, block: {:?}, doc: {:?},",
        r.name, r.block, r.doc
    )
    .unwrap();
    writeln!(
        s,
        "  layout: Layout::{layout}, kind: Kind::{kind}, access: {}, readable: {}, base: {:#010x}, words: {}, word_stride: {}, word_bits: {},",
        access(&r.access), r.readable, r.base, r.words, r.word_stride, r.word_bits
    )
    .unwrap();
    writeln!(
        s,
        "  dims: &[{}], valid: &[{}], count: {},",
        dims.join(", "),
        valid.join(", "),
        r.count
    )
    .unwrap();
    writeln!(s, "  quirks: &{:?},", r.quirks).unwrap();
    writeln!(s, "  fields: &[").unwrap();
    for f in &r.fields {
        writeln!(s, "    {},", field_desc(f)).unwrap();
    }
    s.push_str("  ] }");
    s
}

/// Right-aligned mask of a field's bits.
fn field_mask(f: &FieldOut) -> u32 {
    if f.width == 32 {
        u32::MAX
    } else {
        (1u32 << f.width) - 1
    }
}

/// The raw-bits expression of a checked i64 value `v`.
fn raw_expr(f: &FieldOut) -> String {
    let mask = field_mask(f);
    if f.transform.is_empty() {
        format!("((v as u32) & {mask:#x})")
    } else {
        "crate::quirks::weight_permutation(v as u32)".into()
    }
}

/// The i64 expression of raw bits `raw` (right-aligned, masked).
fn value_expr(f: &FieldOut) -> String {
    if !f.transform.is_empty() {
        "crate::quirks::weight_permutation_inverse(raw) as i64".into()
    } else if f.signed {
        format!(
            "((raw << {sh}) as i32 >> {sh}) as i64",
            sh = 32 - f.width as u32
        )
    } else {
        "raw as i64".into()
    }
}

fn from_i64(f: &FieldOut) -> String {
    match rust_type(f) {
        "bool" => "v != 0".into(),
        t => format!("v as {t}"),
    }
}

pub fn typed_struct(r: &RegisterOut, index: usize) -> String {
    let name = camel(&r.name);
    let n = r.words as usize;
    let mut s = String::new();
    writeln!(s, "/// {}", r.doc).unwrap();
    writeln!(
        s,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub struct {name} {{"
    )
    .unwrap();
    for f in &r.fields {
        writeln!(
            s,
            "    /// {}\n    pub {}: {},",
            f.doc,
            f.name,
            rust_type(f)
        )
        .unwrap();
    }
    writeln!(s, "}}\n").unwrap();
    writeln!(
        s,
        "impl Default for {name} {{\n    fn default() -> Self {{\n        Self {{"
    )
    .unwrap();
    for f in &r.fields {
        let v = match rust_type(f) {
            "bool" => (f.reset != 0).to_string(),
            _ => f.reset.to_string(),
        };
        writeln!(s, "            {}: {v},", f.name).unwrap();
    }
    writeln!(s, "        }}\n    }}\n}}\n").unwrap();
    writeln!(s, "impl {name} {{").unwrap();
    writeln!(s, "    pub const NAME: &'static str = {:?};", r.name).unwrap();
    writeln!(s, "    pub const WORDS: usize = {n};").unwrap();
    writeln!(s, "    pub const COUNT: u32 = {};", r.count).unwrap();
    writeln!(
        s,
        "    pub fn desc() -> &'static RegisterDesc {{ &crate::REGISTERS[{index}] }}"
    )
    .unwrap();
    for f in &r.fields {
        let up = f.name.to_uppercase();
        let mask = field_mask(f);
        writeln!(
            s,
            "    pub const {up}_WORD: usize = {};\n    pub const {up}_LSB: u32 = {};\n    pub const {up}_MASK: u32 = {mask:#x};",
            f.word, f.lsb
        )
        .unwrap();
    }
    // pack
    writeln!(
        s,
        "    /// Pack into words with explicit shifts and masks; an illegal value is an error."
    )
    .unwrap();
    writeln!(
        s,
        "    pub fn pack(&self) -> Result<[u32; {n}], RegmapError> {{"
    )
    .unwrap();
    writeln!(
        s,
        "        #[allow(unused_mut)]\n        let mut w = [0u32; {n}];"
    )
    .unwrap();
    for (i, f) in r.fields.iter().enumerate() {
        writeln!(s, "        {{\n            let v = self.{} as i64;", f.name).unwrap();
        if rust_type(f) != "bool" {
            writeln!(
                s,
                "            if !{} {{ return Err(out_of_range(Self::desc(), &Self::desc().fields[{i}], None, v)); }}",
                legal_expr(f, "v")
            )
            .unwrap();
        }
        writeln!(
            s,
            "            w[{}] |= {} << {};\n        }}",
            f.word,
            raw_expr(f),
            f.lsb
        )
        .unwrap();
    }
    writeln!(s, "        Ok(w)\n    }}").unwrap();
    // unpack
    writeln!(
        s,
        "    /// Unpack from words; bits outside every field are ignored."
    )
    .unwrap();
    writeln!(
        s,
        "    pub fn unpack(w: &[u32; {n}]) -> Result<Self, RegmapError> {{"
    )
    .unwrap();
    for (i, f) in r.fields.iter().enumerate() {
        let mask = field_mask(f);
        writeln!(
            s,
            "        let {} = {{\n            let raw = (w[{}] >> {}) & {mask:#x};\n            let v = {};",
            f.name, f.word, f.lsb, value_expr(f)
        )
        .unwrap();
        writeln!(
            s,
            "            if !{} {{ return Err(out_of_range(Self::desc(), &Self::desc().fields[{i}], None, v)); }}\n            {}\n        }};",
            legal_expr(f, "v"),
            from_i64(f)
        )
        .unwrap();
    }
    let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
    writeln!(s, "        Ok(Self {{ {} }})\n    }}", names.join(", ")).unwrap();
    // values
    writeln!(s, "    /// Field values in map order.").unwrap();
    writeln!(
        s,
        "    pub fn to_values(&self) -> Vec<i64> {{\n        vec![{}]\n    }}",
        names
            .iter()
            .map(|n| format!("self.{n} as i64"))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    writeln!(
        s,
        "    /// From field values in map order; each is checked against its legal range."
    )
    .unwrap();
    writeln!(
        s,
        "    pub fn from_values(values: &[i64]) -> Result<Self, RegmapError> {{"
    )
    .unwrap();
    writeln!(
        s,
        "        if values.len() != {} {{ return Err(RegmapError::WrongLength {{ register: Self::NAME, what: \"the list of field values\".into(), expected: {}, got: values.len() }}); }}",
        r.fields.len(), r.fields.len()
    )
    .unwrap();
    for (i, f) in r.fields.iter().enumerate() {
        writeln!(
            s,
            "        let {} = {{ let v = values[{i}]; if !{} {{ return Err(out_of_range(Self::desc(), &Self::desc().fields[{i}], None, v)); }} {} }};",
            f.name, legal_expr(f, "v"), from_i64(f)
        )
        .unwrap();
    }
    writeln!(
        s,
        "        Ok(Self {{ {} }})\n    }}\n}}\n",
        names.join(", ")
    )
    .unwrap();
    s
}

pub fn dispatch(regs: &[RegisterOut]) -> String {
    let mut enc = String::new();
    let mut dec = String::new();
    for (i, r) in regs.iter().enumerate() {
        let name = camel(&r.name);
        writeln!(
            enc,
            "        {i} => {name}::from_values(values)?.pack().map(|w| w.to_vec()),"
        )
        .unwrap();
        writeln!(
            dec,
            "        {i} => {name}::unpack(words.try_into().map_err(|_| len_err({i}, {}, words.len()))?).map(|x| x.to_values()),",
            r.words
        )
        .unwrap();
    }
    format!(
        "fn len_err(reg: usize, expected: usize, got: usize) -> RegmapError {{\n    \
         RegmapError::WrongLength {{ register: crate::REGISTERS[reg].name, what: \"the word list\".into(), expected, got }}\n}}\n\n\
         /// Encode through the typed struct of register number `reg` (no access checks).\n\
         pub fn typed_encode(reg: usize, values: &[i64]) -> Result<Vec<u32>, RegmapError> {{\n    match reg {{\n{enc}        _ => panic!(\"register number {{reg}} does not exist\"),\n    }}\n}}\n\n\
         /// Decode through the typed struct of register number `reg`.\n\
         pub fn typed_decode(reg: usize, words: &[u32]) -> Result<Vec<i64>, RegmapError> {{\n    match reg {{\n{dec}        _ => panic!(\"register number {{reg}} does not exist\"),\n    }}\n}}\n"
    )
}
