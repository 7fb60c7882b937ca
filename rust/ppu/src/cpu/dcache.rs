//! A cache of decoded instructions for the local SRAM, so the hot loop decodes each
//! instruction word once. Every fetch still reads memory and compares the word with
//! the cached one, so self-modifying code and host writes are seen at once.

use super::SRAM_BYTES;
use crate::insn::{decode, DecodeError, Insn};

const SLOTS: usize = SRAM_BYTES / 4;

/// The word unused slots claim to hold: `ori 0,0,0` (any legal word would do).
const FILLER: u32 = 0x6000_0000;

/// Invisible to equality: two cores with different caches are in the same state.
#[derive(Clone, Default)]
pub(crate) struct DecodeCache {
    /// Indexed by word address; (word, its decoding). Empty until the first run, then
    /// every slot holds a valid pair (initially [`FILLER`] and its decoding), so a
    /// lookup is a bounds check and one comparison.
    slots: Vec<(u32, Insn)>,
    /// The last instruction decoded from outside the SRAM (not reused: lookups there
    /// always miss and decode again).
    outside: Option<(u32, Insn)>,
}

impl PartialEq for DecodeCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for DecodeCache {}

impl std::fmt::Debug for DecodeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DecodeCache")
    }
}

impl DecodeCache {
    /// Allocates the slots (outside the hot loop).
    pub(crate) fn ensure(&mut self) {
        if self.slots.is_empty() {
            if let Ok(nop) = decode(FILLER) {
                self.slots = vec![(FILLER, nop); SLOTS];
            }
        }
    }

    /// `decode(word)` for the word fetched from `pc`, from the cache when it holds
    /// that very word. Borrowed from the slot, so the hot loop reads the operands
    /// straight from the cache instead of copying the instruction around.
    #[inline(always)]
    pub(crate) fn decode(&mut self, pc: u32, word: u32) -> Result<&Insn, DecodeError> {
        let i = (pc >> 2) as usize;
        if !matches!(self.slots.get(i), Some((w, _)) if *w == word) {
            self.fill(i, word)?;
        }
        // Slot `i` (or, outside the SRAM, the overflow slot) now holds `word` decoded.
        match self.slots.get(i) {
            Some((_, insn)) => Ok(insn),
            None => match &self.outside {
                Some((_, insn)) => Ok(insn),
                None => Err(DecodeError::Illegal { word }),
            },
        }
    }

    /// Decodes `word` into slot `i` (or, outside the SRAM, into the overflow slot).
    #[cold]
    #[inline(never)]
    fn fill(&mut self, i: usize, word: u32) -> Result<(), DecodeError> {
        let insn = decode(word)?;
        match self.slots.get_mut(i) {
            Some(s) => *s = (word, insn),
            None => self.outside = Some((word, insn)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn same_as_decode(words in proptest::collection::vec((0u32..64, any::<u32>()), 1..50)) {
            let mut c = DecodeCache::default();
            c.ensure();
            for (slot, w) in words {
                let pc = slot * 4;
                prop_assert_eq!(c.decode(pc, w).copied(), decode(w));
                prop_assert_eq!(c.decode(pc, w).copied(), decode(w));
            }
        }
    }
}
