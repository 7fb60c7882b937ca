//! Descriptors of the register map. The generated tables (`crate::REGISTERS`) are built
//! from these types; everything generic (codecs, bulk encoders, bindings) reads them.

use crate::error::RegmapError;

/// Who may access a register or field, seen from the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
    WriteOnly,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::ReadWrite => "rw",
            Access::ReadOnly => "ro",
            Access::WriteOnly => "wo",
        }
    }
    pub fn writable(self) -> bool {
        self != Access::ReadOnly
    }
}

/// Whether an address layout is taken from the reference or chosen by us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Reference,
    Assumed,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Reference => "reference",
            Layout::Assumed => "assumed",
        }
    }
}

/// What a register is for; `info` counts configuration words separately from memories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Config,
    Memory,
    Trigger,
    Status,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Config => "config",
            Kind::Memory => "memory",
            Kind::Trigger => "trigger",
            Kind::Status => "status",
        }
    }
}

/// A bit permutation applied between a field's logical value and its stored bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    None,
    WeightPermutation,
}

impl Transform {
    pub fn as_str(self) -> &'static str {
        match self {
            Transform::None => "",
            Transform::WeightPermutation => "weight_permutation",
        }
    }

    /// The transform of a map name ("" is none).
    pub fn from_name(name: &str) -> Option<Transform> {
        [Transform::None, Transform::WeightPermutation]
            .into_iter()
            .find(|t| t.as_str() == name)
    }

    /// Stored bits of a logical value's bits.
    #[inline]
    pub fn apply(self, bits: u32) -> u32 {
        match self {
            Transform::None => bits,
            Transform::WeightPermutation => crate::quirks::weight_permutation(bits),
        }
    }
}

#[derive(Debug)]
pub struct FieldDesc {
    pub name: &'static str,
    pub doc: &'static str,
    pub unit: &'static str,
    pub word: u8,
    pub lsb: u8,
    pub width: u8,
    pub reset: i64,
    pub access: Access,
    pub readable: bool,
    pub signed: bool,
    /// Smallest and largest legal logical value (inclusive), sentinel aside.
    pub min: i64,
    pub max: i64,
    /// One legal code outside `min..=max` with a meaning of its own.
    pub sentinel: Option<(i64, &'static str)>,
    pub enum_names: &'static [&'static str],
    pub transform: Transform,
}

impl FieldDesc {
    /// Mask of the field's bits, right-aligned.
    #[inline]
    pub fn mask(&self) -> u32 {
        if self.width >= 32 {
            u32::MAX
        } else {
            (1u32 << self.width) - 1
        }
    }

    #[inline]
    pub fn is_legal(&self, value: i64) -> bool {
        (self.min..=self.max).contains(&value) || self.sentinel.is_some_and(|(s, _)| s == value)
    }

    /// Human description of the legal values, for error messages (the Python half shows
    /// this same text).
    pub fn allowed(&self) -> String {
        let mut s = format!("{}..={}", self.min, self.max);
        if let Some((v, name)) = self.sentinel {
            s.push_str(&format!(" or {v} ({name})"));
        }
        if !self.enum_names.is_empty() {
            s.push_str(" or one of ");
            s.push_str(&self.enum_names.join(", "));
        }
        s
    }

    /// Stored bits (right-aligned) of a legal logical value.
    #[inline]
    pub fn to_raw(&self, value: i64) -> u32 {
        self.transform.apply((value as u32) & self.mask())
    }

    /// Logical value of stored bits (right-aligned), sign-extended where signed.
    #[inline]
    pub fn from_raw(&self, raw: u32) -> i64 {
        let bits = match self.transform {
            Transform::None => raw & self.mask(),
            Transform::WeightPermutation => crate::quirks::weight_permutation_inverse(raw),
        };
        if self.signed && self.width < 64 && (bits >> (self.width - 1)) & 1 == 1 {
            bits as i64 - (1i64 << self.width)
        } else {
            bits as i64
        }
    }
}

#[derive(Debug)]
pub struct DimDesc {
    pub name: &'static str,
    pub count: u32,
    pub stride: u32,
}

#[derive(Debug)]
pub struct RegisterDesc {
    pub name: &'static str,
    pub block: &'static str,
    pub doc: &'static str,
    pub layout: Layout,
    pub kind: Kind,
    pub access: Access,
    pub readable: bool,
    /// Word address of instance 0, word 0.
    pub base: u32,
    pub words: u8,
    pub word_stride: u32,
    pub word_bits: u8,
    pub dims: &'static [DimDesc],
    /// Sparse registers: the existing dim tuples, flattened (`dims.len()` per instance).
    pub valid: &'static [u32],
    pub count: u32,
    pub fields: &'static [FieldDesc],
    pub quirks: &'static [&'static str],
}

impl RegisterDesc {
    pub fn is_fpga(&self) -> bool {
        self.base & 0x8000_0000 != 0
    }

    pub fn is_sparse(&self) -> bool {
        !self.valid.is_empty()
    }

    pub fn field(&self, name: &str) -> Result<(usize, &'static FieldDesc), RegmapError> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == name)
            .ok_or_else(|| RegmapError::UnknownField {
                register: self.name,
                field: name.to_string(),
                allowed: self
                    .fields
                    .iter()
                    .map(|f| f.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    pub fn check_index(&self, index: u32) -> Result<(), RegmapError> {
        self.instance(index.into()).map(drop)
    }

    /// An instance index as a caller gave it (possibly negative), checked.
    pub fn instance(&self, index: i64) -> Result<u32, RegmapError> {
        u32::try_from(index)
            .ok()
            .filter(|&i| i < self.count)
            .ok_or(RegmapError::IndexOutOfRange {
                register: self.name,
                index,
                count: self.count,
            })
    }

    /// A word number as a caller gave it (possibly negative), checked.
    pub fn word(&self, word: i64) -> Result<u8, RegmapError> {
        u8::try_from(word)
            .ok()
            .filter(|&w| w < self.words)
            .ok_or(RegmapError::WordOutOfRange {
                register: self.name,
                word,
                words: self.words,
            })
    }

    /// The instance index of a dim tuple: row-major for dense registers, the position in
    /// the list of existing tuples for sparse ones. The inverse of [`Self::coordinates`].
    pub fn index_of(&self, coords: &[i64]) -> Result<u32, RegmapError> {
        if coords.len() != self.dims.len() {
            return Err(RegmapError::CoordinateCount {
                register: self.name,
                dims: self
                    .dims
                    .iter()
                    .map(|d| d.name)
                    .collect::<Vec<_>>()
                    .join(", "),
                expected: self.dims.len(),
                got: coords.len(),
            });
        }
        if self.is_sparse() {
            let missing = || RegmapError::NoSuchInstance {
                register: self.name,
                coordinates: coords.to_vec(),
            };
            return self
                .valid
                .chunks_exact(self.dims.len())
                .position(|t| t.iter().zip(coords).all(|(&a, &b)| i64::from(a) == b))
                .map(|p| p as u32)
                .ok_or_else(missing);
        }
        let mut index = 0u32;
        for (&c, d) in coords.iter().zip(self.dims) {
            let c = u32::try_from(c).ok().filter(|&c| c < d.count).ok_or(
                RegmapError::CoordinateOutOfRange {
                    register: self.name,
                    dim: d.name,
                    value: c,
                    count: d.count,
                },
            )?;
            index = index * d.count + c;
        }
        Ok(index)
    }

    /// The dim tuple of an instance (row-major for dense registers).
    pub fn coordinates(&self, index: u32) -> Result<Vec<u32>, RegmapError> {
        self.check_index(index)?;
        let n = self.dims.len();
        if self.is_sparse() {
            let i = index as usize * n;
            return Ok(self.valid[i..i + n].to_vec());
        }
        let mut rest = index;
        let mut coords = vec![0; n];
        for (c, d) in coords.iter_mut().zip(self.dims).rev() {
            *c = rest % d.count;
            rest /= d.count;
        }
        Ok(coords)
    }

    /// Address of word 0 of an instance.
    pub fn instance_address(&self, index: u32) -> Result<u32, RegmapError> {
        let coords = self.coordinates(index)?;
        Ok(coords
            .iter()
            .zip(self.dims)
            .fold(self.base, |a, (&c, d)| a + c * d.stride))
    }

    /// Address of one word of an instance.
    pub fn address(&self, index: u32, word: u8) -> Result<u32, RegmapError> {
        self.word(word.into())?;
        Ok(self.instance_address(index)? + word as u32 * self.word_stride)
    }

    /// Word-0 addresses of every instance, in index order, without per-instance division.
    pub fn instance_addresses(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.count as usize);
        if self.is_sparse() {
            for tuple in self.valid.chunks_exact(self.dims.len()) {
                let a = tuple
                    .iter()
                    .zip(self.dims)
                    .fold(self.base, |a, (&c, d)| a + c * d.stride);
                out.push(a);
            }
            return out;
        }
        fn walk(dims: &[DimDesc], start: u32, out: &mut Vec<u32>) {
            match dims.split_first() {
                None => out.push(start),
                Some((d, [])) => out.extend((0..d.count).map(|i| start + i * d.stride)),
                Some((d, rest)) => {
                    for i in 0..d.count {
                        walk(rest, start + i * d.stride, out);
                    }
                }
            }
        }
        walk(self.dims, self.base, &mut out);
        out
    }

    /// Total number of 32-bit words over all instances.
    pub fn total_words(&self) -> u64 {
        self.count as u64 * self.words as u64
    }
}

#[derive(Debug)]
pub struct BlockDesc {
    pub name: &'static str,
    pub doc: &'static str,
}

#[derive(Debug)]
pub struct InventoryItem {
    pub name: &'static str,
    pub register: &'static str,
    pub per_instance: u32,
}

#[derive(Debug)]
pub struct ChipDesc {
    pub name: &'static str,
    pub fpga_clock_hz: u64,
    pub ppu_clock_hz: u64,
    pub playback_memory_bytes: u64,
}
