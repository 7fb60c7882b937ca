//! The synapse arrays and their correlation sensors: storage of the logical weights,
//! labels and calibration bits, decoding of the synapse quad registers (undoing the
//! quirks) and of the column correlation switches, the label matching of a driven row, and
//! the causal / acausal correlation traces.

use super::{flag, Routing};
use super::{COLUMNS, CORRELATION_AMPLITUDE, CORRELATION_MAX, CORRELATION_TAU_CYCLES, NEVER};
use super::{QUADS_PER_ROW, ROWS, SYNRAMS};
use regmap::quirks::{entry_shift, synapse_column, weight_permutation, weight_permutation_inverse};
use regmap::typed::{
    ColumnCorrelationQuad as CcqReg, SynapseLabelQuad as LabelQuadReg, SynapseQuad as QuadReg,
    SynapseWeightQuad as WeightQuadReg,
};

// Entry e of a quad word sits at `entry_shift(e)` above the position of entry 0's byte;
// the per-part offsets inside that byte come from the map (as in regmap::bulk).
pub(super) const W_SHIFT: u32 = QuadReg::WEIGHT_0_LSB - entry_shift(0);
pub(super) const T_SHIFT: u32 = QuadReg::TIME_CALIB_0_LSB - entry_shift(0);
pub(super) const L_SHIFT: u32 = QuadReg::LABEL_0_LSB - entry_shift(0);
pub(super) const A_SHIFT: u32 = QuadReg::AMP_CALIB_0_LSB - entry_shift(0);
const _: () = {
    assert!(QuadReg::WEIGHT_0_LSB >= 24 && QuadReg::LABEL_0_LSB >= 24);
    assert!(QuadReg::TIME_CALIB_0_LSB >= 24 && QuadReg::AMP_CALIB_0_LSB >= 24);
    assert!(QuadReg::WEIGHT_3_LSB == W_SHIFT + entry_shift(3));
    assert!(QuadReg::TIME_CALIB_3_LSB == T_SHIFT + entry_shift(3));
    assert!(QuadReg::LABEL_3_LSB == L_SHIFT + entry_shift(3));
    assert!(QuadReg::AMP_CALIB_3_LSB == A_SHIFT + entry_shift(3));
    assert!(QuadReg::WEIGHT_0_WORD == 0 && QuadReg::TIME_CALIB_0_WORD == 0);
    assert!(QuadReg::LABEL_0_WORD == 1 && QuadReg::AMP_CALIB_0_WORD == 1);
    // The weight and label windows alias the full quad's words bit for bit.
    assert!(WeightQuadReg::WEIGHT_0_LSB == QuadReg::WEIGHT_0_LSB);
    assert!(WeightQuadReg::WEIGHT_3_LSB == QuadReg::WEIGHT_3_LSB);
    assert!(LabelQuadReg::LABEL_0_LSB == QuadReg::LABEL_0_LSB);
    assert!(LabelQuadReg::LABEL_3_LSB == QuadReg::LABEL_3_LSB);
    assert!(CcqReg::ENABLE_INTERNAL_CAUSAL_0_LSB == 24 + CcqReg::ENABLE_INTERNAL_CAUSAL_3_LSB);
    assert!(CcqReg::ENABLE_INTERNAL_CAUSAL_3_LSB == entry_shift(3));
    assert!(CcqReg::ENABLE_INTERNAL_ACAUSAL_3_LSB == entry_shift(3) + 1);
    assert!(
        CcqReg::ENABLE_CADC_NEURON_READOUT_CAUSAL_3_LSB + entry_shift(0)
            == CcqReg::ENABLE_CADC_NEURON_READOUT_CAUSAL_0_LSB
    );
    assert!(
        CcqReg::ENABLE_CADC_NEURON_READOUT_ACAUSAL_3_LSB + entry_shift(0)
            == CcqReg::ENABLE_CADC_NEURON_READOUT_ACAUSAL_0_LSB
    );
};

impl Routing {
    /// One word of a synapse quad: `part` 0 is weights (+ time_calib when `full`), 1 is
    /// labels (+ amp_calib). The weight and label windows write only their 6-bit parts.
    pub(super) fn write_quad(
        &mut self,
        index: usize,
        part: usize,
        word: u32,
        weights: bool,
        labels: bool,
    ) {
        if index >= SYNRAMS * ROWS * QUADS_PER_ROW || part > 1 {
            return;
        }
        let full = weights && labels;
        let row_base = (index / QUADS_PER_ROW) * COLUMNS;
        let quad = (index % QUADS_PER_ROW) as u32;
        for e in 0..4 {
            let s = row_base + synapse_column(quad, e) as usize;
            let byte = word >> entry_shift(e);
            if part == 0 && weights {
                let stored = (byte >> W_SHIFT) & QuadReg::WEIGHT_0_MASK;
                self.weights[s] = weight_permutation_inverse(stored) as u8;
                if full {
                    self.time_calib[s] = ((byte >> T_SHIFT) & QuadReg::TIME_CALIB_0_MASK) as u8;
                }
            } else if part == 1 && labels {
                self.labels[s] = ((byte >> L_SHIFT) & QuadReg::LABEL_0_MASK) as u8;
                if full {
                    self.amp_calib[s] = ((byte >> A_SHIFT) & QuadReg::AMP_CALIB_0_MASK) as u8;
                }
            }
        }
    }

    /// The current word of a synapse quad (`part` 0 weights, 1 labels), with or without the
    /// calibration bits.
    pub(super) fn read_quad(&self, index: usize, part: usize, full: bool) -> Option<u32> {
        if index >= SYNRAMS * ROWS * QUADS_PER_ROW || part > 1 {
            return None;
        }
        let row_base = (index / QUADS_PER_ROW) * COLUMNS;
        let quad = (index % QUADS_PER_ROW) as u32;
        let mut word = 0u32;
        for e in 0..4 {
            let s = row_base + synapse_column(quad, e) as usize;
            let byte = if part == 0 {
                let w = weight_permutation(self.weights[s] as u32) << W_SHIFT;
                w | if full {
                    (self.time_calib[s] as u32) << T_SHIFT
                } else {
                    0
                }
            } else {
                let l = (self.labels[s] as u32) << L_SHIFT;
                l | if full {
                    (self.amp_calib[s] as u32) << A_SHIFT
                } else {
                    0
                }
            };
            word |= byte << entry_shift(e);
        }
        Some(word)
    }

    /// A `correlation_reset` write: clears both traces of the four synapses of quad `i`.
    pub(super) fn reset_correlation(&mut self, i: usize) {
        if i < SYNRAMS * ROWS * QUADS_PER_ROW {
            let (row_base, quad) = ((i / QUADS_PER_ROW) * COLUMNS, i % QUADS_PER_ROW);
            for e in 0..4 {
                let s = row_base + synapse_column(quad as u32, e) as usize;
                self.causal[s] = 0.0;
                self.acausal[s] = 0.0;
            }
        }
    }

    pub(super) fn decode_column_correlation(&mut self, index: usize) {
        let word = self.column_correlation_words[index];
        let (synram, quad) = (index / QUADS_PER_ROW, (index % QUADS_PER_ROW) as u32);
        for e in 0..4 {
            let sh = entry_shift(e);
            let causal = flag(word, CcqReg::ENABLE_INTERNAL_CAUSAL_3_LSB + sh) as u8;
            let acausal = flag(word, CcqReg::ENABLE_INTERNAL_ACAUSAL_3_LSB + sh) as u8;
            let cadc_causal =
                flag(word, CcqReg::ENABLE_CADC_NEURON_READOUT_CAUSAL_3_LSB + sh) as u8;
            let cadc_acausal =
                flag(word, CcqReg::ENABLE_CADC_NEURON_READOUT_ACAUSAL_3_LSB + sh) as u8;
            let n = synram * COLUMNS + synapse_column(quad, e) as usize;
            self.correlation_enable[n] =
                causal | (acausal << 1) | (cadc_causal << 2) | (cadc_acausal << 3);
            self.update_acausal_ready(n);
        }
    }

    fn update_acausal_ready(&mut self, n: usize) {
        let (synram, column) = (n / COLUMNS, n % COLUMNS);
        let ready = self.correlation_enable[n] & 2 != 0 && self.t_post[n] != NEVER;
        let bit = 1u64 << (column % 64);
        let word = &mut self.acausal_ready[synram][column / 64];
        *word = if ready { *word | bit } else { *word & !bit };
    }

    /// Causal traces of neuron n's column: pairs of each synapse's last pre event with this
    /// post spike.
    pub(super) fn post_spike(&mut self, n: usize, time: u64) {
        self.t_post[n] = time;
        self.update_acausal_ready(n);
        if self.correlation_enable[n] & 1 == 0 || !self.pre_seen[n] {
            return;
        }
        let (synram, column) = (n / COLUMNS, n % COLUMNS);
        let base = synram * ROWS * COLUMNS + column;
        for row in 0..ROWS {
            let s = base + row * COLUMNS;
            let t_pre = self.t_pre[s];
            if t_pre <= time {
                let c = &mut self.causal[s];
                *c = (*c + correlation_increment(time - t_pre)).min(CORRELATION_MAX);
            }
        }
    }

    /// A pre-synaptic event with a 6-bit `address` on one synapse row: O(256).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn drive_row(
        &mut self,
        synram: usize,
        row: usize,
        address: u8,
        mode: u8,
        time: u64,
        exc: &mut [f32],
        inh: &mut [f32],
    ) {
        self.delivered += 1;
        let base = (synram * ROWS + row) * COLUMNS;
        let nb = synram * COLUMNS;
        let labels = &self.labels[base..base + COLUMNS];
        let weights = &self.weights[base..base + COLUMNS];
        // Branch-free passes over the row, so they vectorise: 0xFF where the label matches.
        let mut hit = [0u8; COLUMNS];
        let mut any = 0u8;
        for (h, &l) in hit.iter_mut().zip(labels) {
            *h = 0u8.wrapping_sub((l == address) as u8);
            any |= *h;
        }
        if any == 0 {
            return;
        }
        let add = |dst: &mut [f32]| {
            for ((x, &w), &h) in dst.iter_mut().zip(weights).zip(&hit) {
                *x += (w & h) as f32;
            }
        };
        if mode & 1 != 0 {
            if let Some(e) = exc.get_mut(nb..nb + COLUMNS) {
                add(e);
            }
        }
        if mode & 2 != 0 {
            if let Some(i) = inh.get_mut(nb..nb + COLUMNS) {
                add(i);
            }
        }
        // Correlation: remember the pre event; acausal pairs with the column's last post.
        let t_pre = &mut self.t_pre[base..base + COLUMNS];
        for (t, &h) in t_pre.iter_mut().zip(&hit) {
            *t = if h != 0 { time } else { *t };
        }
        for (seen, &h) in self.pre_seen[nb..nb + COLUMNS].iter_mut().zip(&hit) {
            *seen |= h != 0;
        }
        // Only columns with acausal accumulation on and a post spike so far.
        for (k, &bits) in self.acausal_ready[synram].iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let c = 64 * k + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let tp = self.t_post[nb + c];
                if hit[c] != 0 && tp <= time {
                    let a = &mut self.acausal[base + c];
                    *a = (*a + correlation_increment(time - tp)).min(CORRELATION_MAX);
                }
            }
        }
    }

    // ------------------------------------------------------- PPU vector access (row halves)
    //
    // A row half is what one PPU vector holds: byte j of half `h` of a row is column
    // 2 j + h (ppu.md §2). Values are the logical 6-bit weights and labels.

    fn half_index(synram: usize, row: usize, half: usize, j: usize) -> Option<usize> {
        synapse_index(synram, row, 2 * j + (half & 1))
    }

    /// The weights (`labels` false) or labels of a row half.
    pub fn row_half(
        &self,
        synram: usize,
        row: usize,
        half: usize,
        labels: bool,
        out: &mut [u8; 128],
    ) {
        let src = if labels { &self.labels } else { &self.weights };
        for (j, o) in out.iter_mut().enumerate() {
            *o = Self::half_index(synram, row, half, j).map_or(0, |s| src[s]);
        }
    }

    /// Writes the bytes of a row half whose bit is set in `enable` (bit j = byte j),
    /// keeping their low 6 bits.
    pub fn set_row_half(
        &mut self,
        synram: usize,
        row: usize,
        half: usize,
        labels: bool,
        data: &[u8; 128],
        enable: u128,
    ) {
        let dst = if labels {
            &mut self.labels
        } else {
            &mut self.weights
        };
        for (j, &d) in data.iter().enumerate() {
            if enable >> j & 1 == 1 {
                if let Some(s) = Self::half_index(synram, row, half, j) {
                    dst[s] = d & 0x3F;
                }
            }
        }
    }

    /// Clears both correlation traces of the enabled synapses of a row half.
    pub fn reset_correlation_half(&mut self, synram: usize, row: usize, half: usize, enable: u128) {
        for j in 0..128 {
            if enable >> j & 1 == 1 {
                if let Some(s) = Self::half_index(synram, row, half, j) {
                    self.causal[s] = 0.0;
                    self.acausal[s] = 0.0;
                }
            }
        }
    }

    /// Clears one correlation channel (0 causal, 1 acausal) of a whole row half: the
    /// reset that follows a CADC read with the reset modifier.
    pub fn reset_correlation_channel_half(
        &mut self,
        synram: usize,
        row: usize,
        half: usize,
        channel: usize,
    ) {
        for j in 0..128 {
            if let Some(s) = Self::half_index(synram, row, half, j) {
                if channel == 0 {
                    self.causal[s] = 0.0;
                } else {
                    self.acausal[s] = 0.0;
                }
            }
        }
    }

    // ------------------------------------------------------------------ introspection

    /// Correlation traces of synapse (synram, row, column) in trace units: (causal,
    /// acausal). (0, 0) outside the array.
    pub fn correlation(&self, synram: usize, row: usize, column: usize) -> (f32, f32) {
        match synapse_index(synram, row, column) {
            Some(s) => (self.causal[s], self.acausal[s]),
            None => (0.0, 0.0),
        }
    }

    /// Introspection: weight and label of a synapse (logical values after undoing the
    /// quirks). (0, 0) outside the array.
    pub fn synapse(&self, synram: usize, row: usize, column: usize) -> (u8, u8) {
        match synapse_index(synram, row, column) {
            Some(s) => (self.weights[s], self.labels[s]),
            None => (0, 0),
        }
    }

    /// Whether CADC channel `channel` (0 causal, 1 acausal) of `column` in `synram` reads
    /// the neuron rather than the correlation sensor (column_correlation_quad).
    pub fn cadc_reads_neuron(&self, synram: usize, column: usize, channel: usize) -> bool {
        let bit = if channel == 0 { 4 } else { 8 };
        self.correlation_enable
            .get(synram * COLUMNS + column)
            .is_some_and(|e| e & bit != 0)
    }

    /// Introspection: the stored `common_correlation_config` words of a synram.
    pub fn correlation_config(&self, synram: usize) -> Option<[u32; 4]> {
        self.correlation_config.get(synram).copied()
    }
}

fn synapse_index(synram: usize, row: usize, column: usize) -> Option<usize> {
    (synram < SYNRAMS && row < ROWS && column < COLUMNS)
        .then(|| (synram * ROWS + row) * COLUMNS + column)
}

#[inline]
fn correlation_increment(dt: u64) -> f32 {
    CORRELATION_AMPLITUDE * (-(dt as f32) / CORRELATION_TAU_CYCLES).exp()
}
