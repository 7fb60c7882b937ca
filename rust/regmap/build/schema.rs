//! The TOML schema of `registers/` (see registers/README.md), its expansion (`repeat`)
//! and every check that can be made on one file or on names across files.

use serde::Deserialize;
use std::collections::{BTreeSet, HashSet};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub block: Block,
    #[serde(default)]
    pub register: Vec<Register>,
    pub chip: Option<Chip>,
    #[serde(default)]
    pub inventory: Vec<Inventory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    pub name: String,
    pub doc: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chip {
    pub name: String,
    pub fpga_clock_hz: u64,
    pub ppu_clock_hz: u64,
    pub playback_memory_bytes: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    pub name: String,
    pub register: String,
    pub per_instance: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dim {
    pub name: String,
    pub count: u32,
    pub stride: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    pub name: String,
    pub doc: String,
    pub layout: String,
    pub base: u64,
    pub access: String,
    pub readable: Option<bool>,
    pub kind: Option<String>,
    pub words: Option<u8>,
    pub word_stride: Option<u32>,
    pub word_bits: Option<u8>,
    #[serde(default)]
    pub dims: Vec<Dim>,
    #[serde(default)]
    pub valid: Vec<Vec<u32>>,
    #[serde(default)]
    pub quirks: Vec<String>,
    #[serde(default)]
    pub field: Vec<Field>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    pub word: Option<u8>,
    pub bits: [u8; 2],
    pub reset: Option<i64>,
    pub doc: String,
    pub unit: Option<String>,
    pub access: Option<String>,
    pub readable: Option<bool>,
    pub signed: Option<bool>,
    pub max: Option<i64>,
    pub sentinel: Option<SentinelField>,
    #[serde(rename = "enum")]
    pub enum_names: Option<Vec<String>>,
    pub transform: Option<String>,
    pub repeat: Option<u32>,
    pub repeat_stride: Option<i32>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SentinelField {
    pub value: i64,
    pub name: String,
}

pub const ACCESS: [&str; 3] = ["rw", "ro", "wo"];
pub const LAYOUTS: [&str; 2] = ["reference", "assumed"];
pub const KINDS: [&str; 4] = ["config", "memory", "trigger", "status"];
pub const TRANSFORMS: [&str; 1] = ["weight_permutation"];
pub const QUIRKS: [&str; 4] = [
    "weight_permutation",
    "synapse_column_interleave",
    "capmem_disable_refresh",
    "first_read_broken",
];

/// A field after `repeat` expansion and defaulting.
pub struct FieldOut {
    pub name: String,
    pub doc: String,
    pub unit: String,
    pub word: u8,
    pub lsb: u8,
    pub width: u8,
    pub reset: i64,
    pub access: String,
    pub readable: bool,
    pub signed: bool,
    pub min: i64,
    pub max: i64,
    pub sentinel: Option<(i64, String)>,
    pub enum_names: Vec<String>,
    pub transform: String,
}

pub struct RegisterOut {
    pub name: String,
    pub block: String,
    pub doc: String,
    pub layout: String,
    pub kind: String,
    pub access: String,
    pub readable: bool,
    pub base: u32,
    pub words: u8,
    pub word_stride: u32,
    pub word_bits: u8,
    pub dims: Vec<(String, u32, u32)>,
    pub valid: Vec<Vec<u32>>,
    pub count: u32,
    pub fields: Vec<FieldOut>,
    pub quirks: Vec<String>,
}

fn one_of(what: &str, value: &str, allowed: &[&str], ctx: &str) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!("{ctx}: {what} '{value}' is not one of {allowed:?}"))
    }
}

fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn expand_field(
    f: &Field,
    reg_access: &str,
    reg_readable: bool,
    ctx: &str,
) -> Result<Vec<FieldOut>, String> {
    let ctx = format!("{ctx} field {}", f.name);
    if !is_snake(&f.name) {
        return Err(format!("{ctx}: names must be snake_case"));
    }
    let [msb, lsb] = f.bits;
    if msb < lsb || msb > 31 {
        return Err(format!(
            "{ctx}: bits [{msb}, {lsb}] must be [msb, lsb] with 31 >= msb >= lsb"
        ));
    }
    let width = msb - lsb + 1;
    let signed = f.signed.unwrap_or(false);
    let (tmin, tmax) = if signed {
        (-(1i64 << (width - 1)), (1i64 << (width - 1)) - 1)
    } else {
        (0, (1i64 << width) - 1)
    };
    let max = f.max.unwrap_or(tmax);
    if max > tmax || max < tmin {
        return Err(format!("{ctx}: max {max} does not fit {width} bits"));
    }
    let sentinel = f.sentinel.as_ref().map(|s| (s.value, s.name.clone()));
    if let Some((v, _)) = &sentinel {
        if *v <= max || *v > tmax {
            return Err(format!(
                "{ctx}: sentinel {v} must lie above max {max} and fit {width} bits"
            ));
        }
    }
    let enum_names = f.enum_names.clone().unwrap_or_default();
    if enum_names.len() as i64 > tmax + 1 || enum_names.iter().any(|n| !is_snake(n)) {
        return Err(format!(
            "{ctx}: enum needs at most {} snake_case names",
            tmax + 1
        ));
    }
    let access = f.access.clone().unwrap_or_else(|| reg_access.to_string());
    one_of("access", &access, &ACCESS, &ctx)?;
    let readable = f.readable.unwrap_or(reg_readable) && access != "wo";
    let transform = f.transform.clone().unwrap_or_default();
    if !transform.is_empty() {
        one_of("transform", &transform, &TRANSFORMS, &ctx)?;
        if width != 6 || signed {
            return Err(format!(
                "{ctx}: weight_permutation needs an unsigned 6-bit field"
            ));
        }
    }
    let reset = f.reset.unwrap_or(0);
    let legal =
        |v: i64| (tmin..=max).contains(&v) || sentinel.as_ref().is_some_and(|(s, _)| *s == v);
    if !legal(reset) {
        return Err(format!("{ctx}: reset {reset} is not a legal value"));
    }
    let repeat = f.repeat.unwrap_or(1);
    let stride = f.repeat_stride.unwrap_or(0);
    if repeat > 1 && stride == 0 {
        return Err(format!("{ctx}: repeat needs a nonzero repeat_stride"));
    }
    (0..repeat)
        .map(|i| {
            let shift = lsb as i64 + stride as i64 * i as i64;
            if shift < 0 || shift + width as i64 > 32 {
                return Err(format!("{ctx}: repeat {i} falls outside the word"));
            }
            Ok(FieldOut {
                name: if repeat > 1 {
                    format!("{}_{i}", f.name)
                } else {
                    f.name.clone()
                },
                doc: f.doc.clone(),
                unit: f.unit.clone().unwrap_or_default(),
                word: f.word.unwrap_or(0),
                lsb: shift as u8,
                width,
                reset,
                access: access.clone(),
                readable,
                signed,
                min: tmin,
                max,
                sentinel: sentinel.clone(),
                enum_names: enum_names.clone(),
                transform: transform.clone(),
            })
        })
        .collect()
}

pub fn expand_register(r: &Register, block: &str) -> Result<RegisterOut, String> {
    let ctx = format!("register {} (block {block})", r.name);
    if !is_snake(&r.name) {
        return Err(format!("{ctx}: names must be snake_case"));
    }
    one_of("layout", &r.layout, &LAYOUTS, &ctx)?;
    one_of("access", &r.access, &ACCESS, &ctx)?;
    let kind = r.kind.clone().unwrap_or_else(|| "config".into());
    one_of("kind", &kind, &KINDS, &ctx)?;
    for q in &r.quirks {
        one_of("quirk", q, &QUIRKS, &ctx)?;
    }
    let base = u32::try_from(r.base).map_err(|_| format!("{ctx}: base does not fit 32 bits"))?;
    let words = r.words.unwrap_or(1);
    let word_bits = r.word_bits.unwrap_or(32);
    if words == 0 || word_bits == 0 || word_bits > 32 {
        return Err(format!("{ctx}: words must be >= 1 and word_bits in 1..=32"));
    }
    let readable = r.readable.unwrap_or(r.access != "wo") && r.access != "wo";
    let mut fields = Vec::new();
    for f in &r.field {
        fields.extend(expand_field(f, &r.access, readable, &ctx)?);
    }
    if fields.is_empty() {
        return Err(format!("{ctx}: a register needs at least one field"));
    }
    let mut names = HashSet::new();
    let mut used = vec![0u64; words as usize];
    for f in &fields {
        if !names.insert(f.name.clone()) {
            return Err(format!("{ctx}: field {} appears twice", f.name));
        }
        if f.word >= words {
            return Err(format!(
                "{ctx}: field {} is in word {} of {words}",
                f.name, f.word
            ));
        }
        if f.lsb as u32 + f.width as u32 > word_bits as u32 {
            return Err(format!(
                "{ctx}: field {} exceeds word_bits {word_bits}",
                f.name
            ));
        }
        let bits = ((1u64 << f.width) - 1) << f.lsb;
        if used[f.word as usize] & bits != 0 {
            return Err(format!(
                "{ctx}: field {} overlaps another field of word {}",
                f.name, f.word
            ));
        }
        used[f.word as usize] |= bits;
    }
    let dims: Vec<_> = r
        .dims
        .iter()
        .map(|d| (d.name.clone(), d.count, d.stride))
        .collect();
    if dims.iter().any(|d| d.1 == 0) {
        return Err(format!("{ctx}: every dim needs count >= 1"));
    }
    let count = if r.valid.is_empty() {
        dims.iter().map(|d| d.1 as u64).product::<u64>()
    } else {
        let mut seen = BTreeSet::new();
        for t in &r.valid {
            if t.len() != dims.len() || t.iter().zip(&dims).any(|(&c, d)| c >= d.1) {
                return Err(format!("{ctx}: valid tuple {t:?} does not fit the dims"));
            }
            if !seen.insert(t.clone()) {
                return Err(format!("{ctx}: valid tuple {t:?} appears twice"));
            }
        }
        r.valid.len() as u64
    };
    let count = u32::try_from(count).map_err(|_| format!("{ctx}: too many instances"))?;
    let span = dims
        .iter()
        .map(|d| (d.1 as u64 - 1) * d.2 as u64)
        .sum::<u64>()
        + (words as u64 - 1) * r.word_stride.unwrap_or(1) as u64;
    if base as u64 + span > u32::MAX as u64 {
        return Err(format!("{ctx}: addresses run past 2^32"));
    }
    Ok(RegisterOut {
        name: r.name.clone(),
        block: block.to_string(),
        doc: r.doc.clone(),
        layout: r.layout.clone(),
        kind,
        access: r.access.clone(),
        readable,
        base,
        words,
        word_stride: r.word_stride.unwrap_or(1),
        word_bits,
        dims,
        valid: r.valid.clone(),
        count,
        fields,
        quirks: r.quirks.clone(),
    })
}
