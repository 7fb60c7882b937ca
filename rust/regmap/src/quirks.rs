//! Hardware quirks named in the register map (`registers/README.md`, "Quirk names").

/// Synapse weights are stored with bit 5 kept and bits 0..=4 reversed: the SRAM cells are
/// wired to the DAC in that order. The permutation is its own inverse.
#[inline]
pub const fn weight_permutation(w: u32) -> u32 {
    let w = w & 0x3f;
    (w & 0x20)
        | ((w & 0x01) << 4)
        | ((w & 0x02) << 2)
        | (w & 0x04)
        | ((w & 0x08) >> 2)
        | ((w & 0x10) >> 4)
}

#[inline]
pub const fn weight_permutation_inverse(stored: u32) -> u32 {
    weight_permutation(stored)
}

/// Synapse column of quad column `quad` (0..64), entry `entry` (0..4): even and odd
/// columns live in different halves of the quad columns.
#[inline]
pub const fn synapse_column(quad: u32, entry: u32) -> u32 {
    2 * (4 * (quad % 32) + entry) + quad / 32
}

/// Synapse column of every (quad, entry), 64 x 4 row-major: the column order of every
/// quad-organised register (synapses, CADC samples, correlation switches).
pub fn quad_columns() -> Vec<u32> {
    (0..64u32)
        .flat_map(|q| (0..4u32).map(move |e| synapse_column(q, e)))
        .collect()
}

/// Inverse of [`synapse_column`]: (quad, entry) of a synapse column (0..256).
#[inline]
pub const fn quad_entry_of_column(column: u32) -> (u32, u32) {
    let half = column % 2;
    let k = column / 2;
    (k / 4 + 32 * half, k % 4)
}

/// Byte position (shift) of entry `e` of a quad word: entry 0 is the most significant byte.
#[inline]
pub const fn entry_shift(entry: u32) -> u32 {
    8 * (3 - entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn permutation_examples() {
        assert_eq!(weight_permutation(0b00_0001), 0b01_0000);
        assert_eq!(weight_permutation(0b10_0010), 0b10_1000);
        assert_eq!(weight_permutation(0b00_0100), 0b00_0100);
        assert_eq!(weight_permutation(63), 63);
    }

    #[test]
    fn interleave_is_a_bijection() {
        let mut seen = [false; 256];
        for q in 0..64 {
            for e in 0..4 {
                let c = synapse_column(q, e) as usize;
                assert!(!seen[c], "column {c} hit twice");
                seen[c] = true;
                assert_eq!(quad_entry_of_column(c as u32), (q, e));
            }
        }
        assert!(seen.iter().all(|&s| s));
        // Quad 0 holds the even columns 0, 2, 4, 6; quad 32 the odd ones 1, 3, 5, 7.
        assert_eq!(synapse_column(0, 3), 6);
        let cols = quad_columns();
        assert_eq!((cols.len(), cols[3], cols[128]), (256, 6, 1));
        assert_eq!(synapse_column(32, 0), 1);
    }

    proptest! {
        #[test]
        fn permutation_is_an_involution(w in 0u32..64) {
            prop_assert_eq!(weight_permutation_inverse(weight_permutation(w)), w);
            prop_assert_eq!(weight_permutation(w) & 0x20, w & 0x20);
            prop_assert_eq!(weight_permutation(w).count_ones(), w.count_ones());
        }
    }
}
