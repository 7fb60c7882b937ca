//! Address to (register, instance, word): the reverse of [`RegisterDesc::address`], for
//! the executor's register file and for naming the register in error messages.

use crate::desc::RegisterDesc;
use crate::REGISTERS;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy)]
pub struct Location {
    pub register: &'static RegisterDesc,
    /// Position of the register in [`REGISTERS`] (compare with `regmap::id::*`).
    pub number: usize,
    pub index: u32,
    pub word: u8,
}

struct Span {
    first: u32,
    last: u32,
    register: &'static RegisterDesc,
    number: usize,
    /// (stride, count, dim position or None for the word axis), largest stride first.
    axes: Vec<(u32, u32, Option<usize>)>,
}

struct Table {
    spans: Vec<Span>,
    /// `reach[i]`: the largest `last` among spans `0..=i` (they are sorted by `first`).
    reach: Vec<u32>,
}

fn span(number: usize, reg: &'static RegisterDesc) -> Span {
    let mut axes: Vec<(u32, u32, Option<usize>)> = reg
        .dims
        .iter()
        .enumerate()
        .map(|(i, d)| (d.stride, d.count, Some(i)))
        .collect();
    axes.push((reg.word_stride.max(1), reg.words as u32, None));
    axes.sort_by_key(|a| std::cmp::Reverse(a.0));
    let words_extent = (reg.words as u32 - 1) * reg.word_stride;
    let last = if reg.is_sparse() {
        reg.instance_addresses()
            .into_iter()
            .max()
            .unwrap_or(reg.base)
            + words_extent
    } else {
        reg.base
            + reg
                .dims
                .iter()
                .map(|d| (d.count - 1) * d.stride)
                .sum::<u32>()
            + words_extent
    };
    Span {
        first: reg.base,
        last,
        register: reg,
        number,
        axes,
    }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut spans: Vec<Span> = REGISTERS
            .iter()
            .enumerate()
            .map(|(n, r)| span(n, r))
            .collect();
        spans.sort_by_key(|s| s.first);
        let mut reach = Vec::with_capacity(spans.len());
        let mut m = 0;
        for s in &spans {
            m = m.max(s.last);
            reach.push(m);
        }
        Table { spans, reach }
    })
}

fn solve(s: &Span, address: u32) -> Option<Location> {
    let reg = s.register;
    if reg.dims.len() > 8 {
        return None; // no register has that many; keeps `coords` on the stack
    }
    let mut off = address - s.first;
    let mut coords = [0u32; 8];
    let mut word = 0u32;
    for &(stride, count, dim) in &s.axes {
        let c = (off / stride).min(count - 1);
        off -= c * stride;
        match dim {
            Some(i) => coords[i] = c,
            None => word = c,
        }
    }
    if off != 0 {
        return None;
    }
    let coords = &coords[..reg.dims.len()];
    let index = if reg.is_sparse() {
        let n = reg.dims.len();
        reg.valid.chunks_exact(n).position(|t| t == coords)? as u32
    } else {
        coords
            .iter()
            .zip(reg.dims)
            .fold(0, |acc, (&c, d)| acc * d.count + c)
    };
    Some(Location {
        register: reg,
        number: s.number,
        index,
        word: word as u8,
    })
}

/// The register word at `address`, if the map has one there.
pub fn locate(address: u32) -> Option<Location> {
    let t = table();
    let end = t.spans.partition_point(|s| s.first <= address);
    for i in (0..end).rev() {
        if t.reach[i] < address {
            break;
        }
        let s = &t.spans[i];
        if address <= s.last {
            if let Some(loc) = solve(s, address) {
                return Some(loc);
            }
        }
    }
    None
}
