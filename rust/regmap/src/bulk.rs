//! Bulk encoders: whole arrays in, (address, word) streams out, and back. Field positions
//! come from the descriptors; the loops are column-wise so they stay branch-light.

use crate::codec::out_of_range;
use crate::desc::{FieldDesc, RegisterDesc};
use crate::error::RegmapError;
use crate::quirks::{entry_shift, quad_entry_of_column, synapse_column};
use crate::{register, REGISTERS};

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
    let mut out = Vec::with_capacity(starts.len() * nw as usize);
    for a in starts {
        out.extend((0..nw).map(|w| a + w * reg.word_stride));
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
    if !reg.access.writable() {
        return Err(RegmapError::AccessDenied {
            register: reg.name,
            access: reg.access.as_str(),
            action: "written",
        });
    }
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
                return Err(RegmapError::AccessDenied {
                    register: reg.name,
                    access: "ro",
                    action: "given a value for its read-only fields",
                });
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

/// Bit positions of one synapse entry of a quad, read from the map.
struct QuadLayout {
    reg: &'static RegisterDesc,
    /// (word, field) of weight, time_calib, label, amp_calib for entry 0.
    parts: [(usize, &'static FieldDesc); 4],
}

fn quad_layout() -> QuadLayout {
    let reg = register("synapse_quad").expect("synapse_quad is in the map");
    let get = |name: &str| {
        let (_, f) = reg.field(name).expect("synapse_quad entry field");
        (f.word as usize, f)
    };
    let parts = [
        get("weight_0"),
        get("time_calib_0"),
        get("label_0"),
        get("amp_calib_0"),
    ];
    for (_, f) in parts {
        // Entries repeat at a byte stride (entry 0 in the top byte); the loops rely on it.
        assert!(f.lsb >= 24, "synapse quad entry 0 must sit in the top byte");
    }
    QuadLayout { reg, parts }
}

/// Encode both synapse arrays into the full synapse-quad stream (65,536 words).
pub fn encode_synapses(a: SynapseArrays<'_>) -> Result<WordStream, RegmapError> {
    let layout = quad_layout();
    let reg = layout.reg;
    let arrays = [a.weights, a.time_calib, a.labels, a.amp_calib];
    for (arr, (_, f)) in arrays.iter().zip(layout.parts) {
        if arr.len() != SYNAPSES {
            return Err(RegmapError::WrongLength {
                register: reg.name,
                what: format!("{} array (2 x 256 x 256)", f.name.trim_end_matches("_0")),
                expected: SYNAPSES,
                got: arr.len(),
            });
        }
        let max = f.max as u8;
        if let Some(k) = arr.iter().position(|&v| v > max) {
            let (s, r, c) = (k / 65536, (k / 256) % 256, k % 256);
            let (q, e) = quad_entry_of_column(c as u32);
            let quad_index = ((s * SYNAPSE_ROWS + r) * 64) as u32 + q;
            return Err(RegmapError::ValueOutOfRange {
                register: reg.name,
                index: Some(quad_index),
                field: reg
                    .field(&format!("{}_{e}", f.name.trim_end_matches("_0")))
                    .unwrap()
                    .1
                    .name,
                value: arr[k] as i64,
                allowed: f.allowed(),
                location: Some(format!("synram {s}, row {r}, column {c}")),
            });
        }
    }
    let perm: [u32; 64] = std::array::from_fn(|w| crate::quirks::weight_permutation(w as u32));
    let shift = |f: &FieldDesc| f.lsb as u32 - entry_shift(0);
    let (ws, ts, ls, as_) = (
        shift(layout.parts[0].1),
        shift(layout.parts[1].1),
        shift(layout.parts[2].1),
        shift(layout.parts[3].1),
    );
    let (w_word, l_word) = (layout.parts[0].0, layout.parts[2].0);
    debug_assert!(layout.parts[1].0 == w_word && layout.parts[3].0 == l_word);
    let n = reg.count as usize;
    let mut words = vec![0u32; 2 * n];
    for (quad_index, out) in words.chunks_exact_mut(2).enumerate() {
        let row_start = (quad_index / 64) * SYNAPSE_COLUMNS;
        let q = (quad_index % 64) as u32;
        let (mut w0, mut w1) = (0u32, 0u32);
        for e in 0..4 {
            let k = row_start + synapse_column(q, e) as usize;
            let byte_shift = entry_shift(e);
            w0 |= ((perm[a.weights[k] as usize] << ws) | ((a.time_calib[k] as u32) << ts))
                << byte_shift;
            w1 |= (((a.labels[k] as u32) << ls) | ((a.amp_calib[k] as u32) << as_)) << byte_shift;
        }
        out[w_word] = w0;
        out[l_word] = w1;
    }
    Ok(WordStream {
        addresses: stream_addresses(reg, Instances::All)?,
        words,
    })
}

/// Decode the full synapse-quad stream's words back into the four arrays.
pub fn decode_synapses(words: &[u32]) -> Result<OwnedSynapseArrays, RegmapError> {
    let layout = quad_layout();
    let reg = layout.reg;
    if words.len() != 2 * reg.count as usize {
        return Err(RegmapError::WrongLength {
            register: reg.name,
            what: "the synapse-quad word array".into(),
            expected: 2 * reg.count as usize,
            got: words.len(),
        });
    }
    let perm: [u8; 64] = std::array::from_fn(|w| crate::quirks::weight_permutation(w as u32) as u8);
    let part = |i: usize| {
        let f = layout.parts[i].1;
        (layout.parts[i].0, f.lsb as u32 - entry_shift(0), f.mask())
    };
    let parts = [part(0), part(1), part(2), part(3)];
    let mut out = [
        vec![0u8; SYNAPSES],
        vec![0u8; SYNAPSES],
        vec![0u8; SYNAPSES],
        vec![0u8; SYNAPSES],
    ];
    for (quad_index, pair) in words.chunks_exact(2).enumerate() {
        let row_start = (quad_index / 64) * SYNAPSE_COLUMNS;
        let q = (quad_index % 64) as u32;
        for e in 0..4 {
            let k = row_start + synapse_column(q, e) as usize;
            let byte_shift = entry_shift(e);
            for (arr, &(w, s, m)) in out.iter_mut().zip(&parts) {
                arr[k] = ((pair[w] >> (byte_shift + s)) & m) as u8;
            }
        }
    }
    let [mut weights, time_calib, labels, amp_calib] = out;
    weights.iter_mut().for_each(|w| *w = perm[*w as usize]);
    Ok(OwnedSynapseArrays {
        weights,
        labels,
        time_calib,
        amp_calib,
    })
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

/// All registers, for iteration in tests and bindings.
pub fn registers() -> &'static [RegisterDesc] {
    REGISTERS
}
