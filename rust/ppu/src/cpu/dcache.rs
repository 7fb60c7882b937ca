//! A cache of decoded instructions for the local SRAM, so the hot loop decodes each
//! instruction word once. Every fetch still reads memory and compares the word with
//! the cached one, so self-modifying code and host writes are seen at once.

use super::SRAM_BYTES;
use crate::insn::{decode, DecodeError, Insn};

const SLOTS: usize = SRAM_BYTES / 4;

/// Invisible to equality: two cores with different caches are in the same state.
#[derive(Clone, Default)]
pub(crate) struct DecodeCache {
    /// Indexed by word address; (word, its decoding). Empty until the first run.
    slots: Vec<Option<(u32, Insn)>>,
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
            self.slots = vec![None; SLOTS];
        }
    }

    /// `decode(word)` for the word fetched from `pc`, from the cache when it holds
    /// that very word.
    #[inline]
    pub(crate) fn decode(&mut self, pc: u32, word: u32) -> Result<Insn, DecodeError> {
        let slot = self.slots.get_mut((pc >> 2) as usize);
        if let Some(Some((w, insn))) = slot.as_deref() {
            if *w == word {
                return Ok(*insn);
            }
        }
        let insn = decode(word)?;
        if let Some(s) = slot {
            *s = Some((word, insn));
        }
        Ok(insn)
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
                prop_assert_eq!(c.decode(pc, w), decode(w));
                prop_assert_eq!(c.decode(pc, w), decode(w));
            }
        }
    }
}
