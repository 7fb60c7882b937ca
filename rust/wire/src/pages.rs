//! Sparse 32-bit word storage over the 32-bit address space, in pages of 1024 words
//! allocated on first write. Bulk writes to consecutive addresses cost an array store
//! each; a hash map per word would cost several times more.

use crate::hash::AddressMap;

const PAGE_BITS: u32 = 10;
const PAGE_WORDS: usize = 1 << PAGE_BITS;

#[derive(Debug, Clone)]
struct Page {
    words: [u32; PAGE_WORDS],
    written: [u64; PAGE_WORDS / 64],
}

#[derive(Debug, Clone, Default)]
pub struct PagedWords {
    /// Page number to position in `pages`.
    index: AddressMap<usize>,
    pages: Vec<Box<Page>>,
    /// The page of the last store: bulk writes stay on one page for 1024 words.
    last_page: Option<(u32, usize)>,
    stored: usize,
}

impl PagedWords {
    pub fn new() -> Self {
        Self::default()
    }

    fn page_mut(&mut self, number: u32) -> &mut Page {
        let at = match self.last_page {
            Some((n, at)) if n == number => at,
            _ => {
                let pages = &mut self.pages;
                let at = *self.index.entry(number).or_insert_with(|| {
                    pages.push(Box::new(Page {
                        words: [0; PAGE_WORDS],
                        written: [0; PAGE_WORDS / 64],
                    }));
                    pages.len() - 1
                });
                self.last_page = Some((number, at));
                at
            }
        };
        &mut self.pages[at]
    }

    pub fn set(&mut self, address: u32, word: u32) {
        let page = self.page_mut(address >> PAGE_BITS);
        let i = address as usize & (PAGE_WORDS - 1);
        page.words[i] = word;
        let bit = 1u64 << (i % 64);
        if page.written[i / 64] & bit == 0 {
            page.written[i / 64] |= bit;
            self.stored += 1;
        }
    }

    pub fn get(&self, address: u32) -> Option<u32> {
        let page = &self.pages[*self.index.get(&(address >> PAGE_BITS))?];
        let i = address as usize & (PAGE_WORDS - 1);
        (page.written[i / 64] & (1 << (i % 64)) != 0).then_some(page.words[i])
    }

    /// Number of addresses ever written.
    pub fn len(&self) -> usize {
        self.stored
    }

    pub fn is_empty(&self) -> bool {
        self.stored == 0
    }

    /// Every (address, word), sorted by address.
    pub fn entries(&self) -> Vec<(u32, u32)> {
        let mut numbers: Vec<(u32, usize)> = self.index.iter().map(|(&n, &at)| (n, at)).collect();
        numbers.sort_unstable();
        let mut out = Vec::with_capacity(self.stored);
        for (n, at) in numbers {
            let page = &self.pages[at];
            for i in 0..PAGE_WORDS {
                if page.written[i / 64] & (1 << (i % 64)) != 0 {
                    out.push(((n << PAGE_BITS) | i as u32, page.words[i]));
                }
            }
        }
        out
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #[test]
        fn behaves_like_a_map(ops in proptest::collection::vec((any::<u32>(), any::<u32>(), any::<bool>()), 0..300)) {
            let mut p = PagedWords::new();
            let mut m = BTreeMap::new();
            for (a, w, near) in ops {
                // Half the addresses land near earlier ones, to share pages.
                let a = if near { a % 4096 } else { a };
                p.set(a, w);
                m.insert(a, w);
                prop_assert_eq!(p.get(a), Some(w));
            }
            prop_assert_eq!(p.len(), m.len());
            prop_assert_eq!(p.entries(), m.into_iter().collect::<Vec<_>>());
        }
    }
}
