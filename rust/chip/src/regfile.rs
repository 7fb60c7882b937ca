//! The register file: stores what the host writes and answers reads the way the map says
//! silicon does. Registers the map marks unreadable answer with an error, as on a board
//! (chip.md §4.5), and the host keeps its shadow copy for them.

use regmap::{locate, Access, Location};
use wire::pages::PagedWords;
use wire::ErrorCode;

#[derive(Debug, Default)]
pub struct RegisterFile {
    words: PagedWords,
    /// The last (first, last) address range whose location arithmetic holds for a run of
    /// consecutive words: bulk writes locate once per run.
    last: Option<(u32, Location)>,
}

impl RegisterFile {
    pub fn new() -> Self {
        Self::default()
    }

    fn locate(&mut self, address: u32) -> Option<Location> {
        // Consecutive words of a one-dimensional, one-word register (memories, CapMem rows,
        // synapse rows) follow from the previous location by adding to the index.
        if let Some((a, loc)) = self.last {
            let r = loc.register;
            if address == a.wrapping_add(1)
                && r.words == 1
                && r.dims.len() == 1
                && r.dims[0].stride == 1
                && loc.index + 1 < r.count
                && !r.is_sparse()
            {
                let next = Location {
                    index: loc.index + 1,
                    ..loc
                };
                self.last = Some((address, next));
                return Some(next);
            }
        }
        let loc = locate(address)?;
        self.last = Some((address, loc));
        Some(loc)
    }

    fn store(&mut self, address: u32, word: u32) {
        self.words.set(address, word);
    }

    /// Store a word. Read-only registers and unmapped addresses are refused.
    pub fn write(&mut self, address: u32, word: u32) -> Result<Location, ErrorCode> {
        let loc = self.writable(address)?;
        self.store(address, word);
        Ok(loc)
    }

    /// Where a write to `address` goes, if the map allows one; stores nothing (for
    /// registers whose state lives elsewhere, like the PPU memories).
    pub fn writable(&mut self, address: u32) -> Result<Location, ErrorCode> {
        let loc = self.locate(address).ok_or(ErrorCode::Unmapped)?;
        if loc.register.access == Access::ReadOnly {
            return Err(ErrorCode::WriteDenied);
        }
        Ok(loc)
    }

    /// Store a word the chip itself produced (status registers, counters).
    pub fn set(&mut self, address: u32, word: u32) {
        self.store(address, word);
    }

    /// The word a read returns: what was stored, else the reset value.
    pub fn read(&mut self, address: u32) -> Result<(Location, u32), ErrorCode> {
        let loc = self.locate(address).ok_or(ErrorCode::Unmapped)?;
        if !loc.register.readable {
            return Err(ErrorCode::ReadDenied);
        }
        Ok((loc, self.value(address, &loc)))
    }

    /// The stored or reset word, whether or not silicon could read it (introspection).
    pub fn value(&self, address: u32, loc: &Location) -> u32 {
        match self.stored(address) {
            Some(w) => w,
            None => regmap::codec::reset_word(loc.register, loc.word),
        }
    }

    /// The stored word, if any was written.
    pub fn stored(&self, address: u32) -> Option<u32> {
        self.words.get(address)
    }

    /// Number of words ever written.
    pub fn len(&self) -> usize {
        self.words.len()
    }
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}
