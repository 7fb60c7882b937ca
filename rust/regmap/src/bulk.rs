//! Bulk encoders: whole arrays in, (address, word) streams out, and back. Field positions
//! come from the descriptors; the loops are column-wise so they stay branch-light.

use crate::codec::out_of_range;
use crate::desc::{FieldDesc, RegisterDesc};
use crate::error::RegmapError;
use crate::quirks::{entry_shift, quad_entry_of_column};
use crate::register;

/// A stream of word writes (or the words read back), instance-major: all words of
/// instance 0, then instance 1, ...
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordStream {
    pub addresses: Vec<u32>,
    pub words: Vec<u32>,
}

impl WordStream {
    pub fn len(&self) -> usize {
        self.words.len()
    }
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The values of one field over many instances: an array, or one value for all.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    Array(&'a [i64]),
    Scalar(i64),
}

/// Which instances a bulk operation covers.
#[derive(Debug, Clone, Copy)]
pub enum Instances<'a> {
    All,
    Some(&'a [u32]),
}

/// Addresses of every word of the chosen instances, instance-major.
pub fn stream_addresses(
    reg: &'static RegisterDesc,
    instances: Instances<'_>,
) -> Result<Vec<u32>, RegmapError> {
    let nw = reg.words as u32;
    let starts = match instances {
        Instances::All => reg.instance_addresses(),
        Instances::Some(idx) => idx
            .iter()
            .map(|&i| reg.instance_address(i))
            .collect::<Result<_, _>>()?,
    };
    if nw == 1 {
        return Ok(starts);
    }
    let mut out = vec![0u32; starts.len() * nw as usize];
    for (chunk, a) in out.chunks_exact_mut(nw as usize).zip(starts) {
        for (w, x) in chunk.iter_mut().enumerate() {
            *x = a + w as u32 * reg.word_stride;
        }
    }
    Ok(out)
}

fn check_column(
    reg: &'static RegisterDesc,
    f: &'static FieldDesc,
    col: Column<'_>,
    n: usize,
    indices: Instances<'_>,
) -> Result<(), RegmapError> {
    match col {
        Column::Scalar(v) if !f.is_legal(v) => Err(out_of_range(reg, f, None, v)),
        Column::Scalar(_) => Ok(()),
        Column::Array(a) if a.len() != n => Err(RegmapError::WrongLength {
            register: reg.name,
            what: format!("field {}", f.name),
            expected: n,
            got: a.len(),
        }),
        Column::Array(a) => {
            // Fast path first: the common legal case is one vectorisable min/max pass.
            let (lo, hi) = a
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            if a.is_empty() || (lo >= f.min && hi <= f.max) {
                return Ok(());
            }
            match a.iter().position(|&v| !f.is_legal(v)) {
                None => Ok(()),
                Some(k) => {
                    let index = match indices {
                        Instances::All => k as u32,
                        Instances::Some(idx) => idx[k],
                    };
                    Err(out_of_range(reg, f, Some(index), a[k]))
                }
            }
        }
    }
}

/// Encode many instances of one register. `columns` are in field order. Everything is
/// validated before a single word is produced.
pub fn encode_array(
    reg: &'static RegisterDesc,
    instances: Instances<'_>,
    columns: &[Column<'_>],
) -> Result<WordStream, RegmapError> {
    crate::codec::check_writable(reg)?;
    if columns.len() != reg.fields.len() {
        return Err(RegmapError::WrongLength {
            register: reg.name,
            what: "the list of field columns".into(),
            expected: reg.fields.len(),
            got: columns.len(),
        });
    }
    let n = match instances {
        Instances::All => reg.count as usize,
        Instances::Some(idx) => {
            if let Some(&bad) = idx.iter().find(|&&i| i >= reg.count) {
                reg.check_index(bad)?;
            }
            idx.len()
        }
    };
    for (f, &col) in reg.fields.iter().zip(columns) {
        check_column(reg, f, col, n, instances)?;
        if f.access == crate::desc::Access::ReadOnly {
            let differs = match col {
                Column::Scalar(v) => v != f.reset,
                Column::Array(a) => a.iter().any(|&v| v != f.reset),
            };
            if differs {
                return Err(crate::codec::read_only_field(reg));
            }
        }
    }
    let nw = reg.words as usize;
    let mut words = vec![0u32; n * nw];
    for (f, &col) in reg.fields.iter().zip(columns) {
        let (w, lsb) = (f.word as usize, f.lsb as u32);
        match col {
            Column::Scalar(v) => {
                let bits = f.to_raw(v) << lsb;
                if bits != 0 {
                    words
                        .iter_mut()
                        .skip(w)
                        .step_by(nw)
                        .for_each(|x| *x |= bits);
                }
            }
            Column::Array(a) => {
                let mask = f.mask();
                match f.transform {
                    crate::desc::Transform::None => {
                        for (x, &v) in words.iter_mut().skip(w).step_by(nw).zip(a) {
                            *x |= ((v as u32) & mask) << lsb;
                        }
                    }
                    _ => {
                        for (x, &v) in words.iter_mut().skip(w).step_by(nw).zip(a) {
                            *x |= f.to_raw(v) << lsb;
                        }
                    }
                }
            }
        }
    }
    Ok(WordStream {
        addresses: stream_addresses(reg, instances)?,
        words,
    })
}

/// Decode the words of `n` instances (instance-major) into one column per field.
pub fn decode_array(
    reg: &'static RegisterDesc,
    words: &[u32],
) -> Result<Vec<Vec<i64>>, RegmapError> {
    let nw = reg.words as usize;
    if words.len() % nw != 0 {
        return Err(RegmapError::WrongLength {
            register: reg.name,
            what: "the word array (a whole number of instances)".into(),
            expected: words.len() / nw * nw,
            got: words.len(),
        });
    }
    let n = words.len() / nw;
    let mut out = Vec::with_capacity(reg.fields.len());
    for f in reg.fields {
        let (w, lsb, mask) = (f.word as usize, f.lsb as u32, f.mask());
        let col: Vec<i64> = if f.signed || f.transform != crate::desc::Transform::None {
            words
                .iter()
                .skip(w)
                .step_by(nw)
                .map(|&x| f.from_raw(x >> lsb))
                .collect()
        } else {
            words
                .iter()
                .skip(w)
                .step_by(nw)
                .map(|&x| ((x >> lsb) & mask) as i64)
                .collect()
        };
        debug_assert_eq!(col.len(), n);
        if let Some(k) = col.iter().position(|&v| !f.is_legal(v)) {
            return Err(out_of_range(reg, f, Some(k as u32), col[k]));
        }
        out.push(col);
    }
    Ok(out)
}

/// Number of synapse rows and columns of one synram, and of synrams.
pub const SYNRAMS: usize = 2;
pub const SYNAPSE_ROWS: usize = 256;
pub const SYNAPSE_COLUMNS: usize = 256;
pub const SYNAPSES: usize = SYNRAMS * SYNAPSE_ROWS * SYNAPSE_COLUMNS;

/// The four per-synapse arrays, each `[synram][row][column]` flattened (2·256·256).
#[derive(Debug, Clone, Copy)]
pub struct SynapseArrays<'a> {
    pub weights: &'a [u8],
    pub labels: &'a [u8],
    pub time_calib: &'a [u8],
    pub amp_calib: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedSynapseArrays {
    pub weights: Vec<u8>,
    pub labels: Vec<u8>,
    pub time_calib: Vec<u8>,
    pub amp_calib: Vec<u8>,
}

use crate::typed::SynapseQuad as Quad;

/// Positions of entry 0's parts relative to the top byte of its word. They are constants
/// generated from the map, so the byte passes below compile to vector shifts.
const W_SHIFT: u32 = Quad::WEIGHT_0_LSB - entry_shift(0);
const T_SHIFT: u32 = Quad::TIME_CALIB_0_LSB - entry_shift(0);
const L_SHIFT: u32 = Quad::LABEL_0_LSB - entry_shift(0);
const A_SHIFT: u32 = Quad::AMP_CALIB_0_LSB - entry_shift(0);
const _: () = {
    // Entry 0 sits in the top byte; each word holds two parts of one byte per entry.
    assert!(Quad::WEIGHT_0_LSB >= 24 && Quad::LABEL_0_LSB >= 24);
    assert!(Quad::TIME_CALIB_0_LSB >= 24 && Quad::AMP_CALIB_0_LSB >= 24);
    assert!(Quad::WEIGHT_0_WORD == Quad::TIME_CALIB_0_WORD);
    assert!(Quad::LABEL_0_WORD == Quad::AMP_CALIB_0_WORD);
    assert!(Quad::WEIGHT_0_WORD != Quad::LABEL_0_WORD);
};

fn quad_parts(reg: &'static RegisterDesc) -> [&'static FieldDesc; 4] {
    ["weight_0", "time_calib_0", "label_0", "amp_calib_0"]
        .map(|n| reg.field(n).expect("synapse_quad entry field").1)
}

/// Stored byte of every synapse's weight word, elementwise so it vectorises; the weight
/// permutation is computed, not looked up.
fn weight_bytes(w: &[u8], t: &[u8], out: &mut [u8]) {
    for ((o, &x), &y) in out.iter_mut().zip(w).zip(t) {
        *o = ((crate::quirks::weight_permutation(x as u32) as u8) << W_SHIFT) | (y << T_SHIFT);
    }
}

fn label_bytes(l: &[u8], a: &[u8], out: &mut [u8]) {
    for ((o, &x), &y) in out.iter_mut().zip(l).zip(a) {
        *o = (x << L_SHIFT) | (y << A_SHIFT);
    }
}

/// Gather the quad words of one synapse row from its 256 stored bytes: columns 8j..8j+8
/// hold the even entries of quad j and the odd entries of quad j + 32 (the interleave),
/// entry 0 in the most significant byte.
#[inline]
fn row_words(bytes: &[u8], even: &mut [u32; 32], odd: &mut [u32; 32]) {
    for (j, c) in bytes.chunks_exact(8).enumerate() {
        even[j] = u32::from_be_bytes([c[0], c[2], c[4], c[6]]);
        odd[j] = u32::from_be_bytes([c[1], c[3], c[5], c[7]]);
    }
}

/// Encode both synapse arrays into the full synapse-quad stream (65,536 words).
pub fn encode_synapses(a: SynapseArrays<'_>) -> Result<WordStream, RegmapError> {
    let reg = register("synapse_quad")?;
    let arrays = [a.weights, a.time_calib, a.labels, a.amp_calib];
    for (arr, f) in arrays.iter().zip(quad_parts(reg)) {
        let stem = f.name.trim_end_matches("_0");
        if arr.len() != SYNAPSES {
            return Err(RegmapError::WrongLength {
                register: reg.name,
                what: format!("{stem} array (2 x 256 x 256)"),
                expected: SYNAPSES,
                got: arr.len(),
            });
        }
        // A plain max reduction vectorises; the position is only searched on failure.
        if arr.iter().copied().max().unwrap_or(0) as i64 > f.max {
            let k = arr
                .iter()
                .position(|&v| v as i64 > f.max)
                .expect("a value above max");
            let (s, r, c) = (k / 65536, (k / 256) % 256, k % 256);
            let (q, e) = quad_entry_of_column(c as u32);
            return Err(RegmapError::ValueOutOfRange {
                register: reg.name,
                index: Some(((s * SYNAPSE_ROWS + r) * 64) as u32 + q),
                field: reg.field(&format!("{stem}_{e}"))?.1.name,
                value: arr[k] as i64,
                allowed: f.allowed(),
                location: Some(format!("synram {s}, row {r}, column {c}")),
            });
        }
    }
    // Row by row through stack buffers: no intermediate heap arrays, so no page faults
    // beyond the output's own.
    let (w_word, l_word) = (Quad::WEIGHT_0_WORD, Quad::LABEL_0_WORD);
    let mut words = vec![0u32; 2 * reg.count as usize];
    let (mut b_w, mut b_l) = ([0u8; SYNAPSE_COLUMNS], [0u8; SYNAPSE_COLUMNS]);
    let (mut even, mut odd) = ([0u32; 32], [0u32; 32]);
    let (mut even_l, mut odd_l) = ([0u32; 32], [0u32; 32]);
    for (row, out) in words.chunks_exact_mut(2 * 64).enumerate() {
        let r = row * SYNAPSE_COLUMNS..(row + 1) * SYNAPSE_COLUMNS;
        weight_bytes(&a.weights[r.clone()], &a.time_calib[r.clone()], &mut b_w);
        label_bytes(&a.labels[r.clone()], &a.amp_calib[r], &mut b_l);
        row_words(&b_w, &mut even, &mut odd);
        row_words(&b_l, &mut even_l, &mut odd_l);
        for j in 0..32 {
            out[2 * j + w_word] = even[j];
            out[2 * j + l_word] = even_l[j];
            out[2 * (j + 32) + w_word] = odd[j];
            out[2 * (j + 32) + l_word] = odd_l[j];
        }
    }
    Ok(WordStream {
        addresses: stream_addresses(reg, Instances::All)?,
        words,
    })
}

/// Decode the full synapse-quad stream's words back into the four arrays.
pub fn decode_synapses(words: &[u32]) -> Result<OwnedSynapseArrays, RegmapError> {
    let reg = register("synapse_quad")?;
    if words.len() != 2 * reg.count as usize {
        return Err(RegmapError::WrongLength {
            register: reg.name,
            what: "the synapse-quad word array".into(),
            expected: 2 * reg.count as usize,
            got: words.len(),
        });
    }
    let (w_word, l_word) = (Quad::WEIGHT_0_WORD, Quad::LABEL_0_WORD);
    // Row by row: scatter each quad word's bytes back to their columns in stack buffers,
    // then split the bytes into the four output arrays.
    let mut out = OwnedSynapseArrays {
        weights: vec![0u8; SYNAPSES],
        labels: vec![0u8; SYNAPSES],
        time_calib: vec![0u8; SYNAPSES],
        amp_calib: vec![0u8; SYNAPSES],
    };
    let (mut b_w, mut b_l) = ([0u8; SYNAPSE_COLUMNS], [0u8; SYNAPSE_COLUMNS]);
    for (row, quads) in words.chunks_exact(2 * 64).enumerate() {
        for j in 0..32 {
            for (bytes, word) in [(&mut b_w, w_word), (&mut b_l, l_word)] {
                let e = quads[2 * j + word].to_be_bytes();
                let o = quads[2 * (j + 32) + word].to_be_bytes();
                bytes[8 * j..8 * j + 8]
                    .copy_from_slice(&[e[0], o[0], e[1], o[1], e[2], o[2], e[3], o[3]]);
            }
        }
        let r = row * SYNAPSE_COLUMNS..(row + 1) * SYNAPSE_COLUMNS;
        let parts = [
            (
                &mut out.weights[r.clone()],
                &b_w,
                W_SHIFT,
                Quad::WEIGHT_0_MASK,
            ),
            (
                &mut out.time_calib[r.clone()],
                &b_w,
                T_SHIFT,
                Quad::TIME_CALIB_0_MASK,
            ),
            (
                &mut out.labels[r.clone()],
                &b_l,
                L_SHIFT,
                Quad::LABEL_0_MASK,
            ),
            (&mut out.amp_calib[r], &b_l, A_SHIFT, Quad::AMP_CALIB_0_MASK),
        ];
        for (dst, src, shift, mask) in parts {
            for (d, &b) in dst.iter_mut().zip(src.iter()) {
                *d = ((b as u32 >> shift) & mask) as u8;
            }
        }
    }
    out.weights
        .iter_mut()
        .for_each(|w| *w = crate::quirks::weight_permutation_inverse(*w as u32) as u8);
    Ok(out)
}

/// Index of the CapMem cell that holds parameter `row` (0..24) of neuron `neuron` (0..512):
/// one block per quadrant of 128 neurons, neuron columns 0..128 of the block.
pub fn capmem_cell_index(neuron: u32, row: u32) -> u32 {
    let reg = register("capmem_cell").expect("capmem_cell is in the map");
    let (columns, rows) = (reg.dims[1].count, reg.dims[2].count);
    ((neuron / 128) * columns + neuron % 128) * rows + row
}

/// Indices of all per-neuron CapMem cells, neuron-major (512 x 24).
pub fn neuron_capmem_indices() -> Vec<u32> {
    let reg = register("capmem_cell").expect("capmem_cell is in the map");
    let rows = reg.dims[2].count;
    (0..512)
        .flat_map(|n| (0..rows).map(move |r| capmem_cell_index(n, r)))
        .collect()
}
