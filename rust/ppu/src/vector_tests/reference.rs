//! An independent reference for the FXV instructions, written lane by lane (and for
//! pack/unpack/shift bit by bit) in i64 arithmetic with explicit saturation, from the
//! rules in ppu.md §2 and the nux verification model. It shares no code with
//! `vector.rs`; the mask rules are written from the packed 12-bit VCR format.

use std::collections::HashMap;

use crate::cpu::{Fault, Memory};
use crate::insn::{Fxv, FxvOp};

/// Plain copy of the architected state.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RefState {
    pub vr: Vec<Vec<u8>>,
    pub acc: Vec<u32>,
    /// Per lane `EQ << 8 | GT << 4 | LT`, flag bit 0 the most significant of each.
    pub vcr: Vec<u16>,
}

/// Flag bit `j` (0..4) of condition `c` in lane `k`.
pub fn flag(vcr: &[u16], c: u8, k: usize, j: usize) -> bool {
    let shift = match c {
        1 => 4, // GT
        2 => 0, // LT
        3 => 8, // EQ
        _ => return true,
    };
    let four = (vcr[k] >> shift) & 0xF;
    (four >> (3 - j)) & 1 == 1
}

fn sat(x: i64, bits: u32) -> i64 {
    let max = (1i64 << (bits - 1)) - 1;
    let min = -(1i64 << (bits - 1));
    if x > max {
        max
    } else if x < min {
        min
    } else {
        x
    }
}

fn wrap(x: i64, bits: u32) -> u64 {
    (x as u64) & ((1u64 << bits) - 1)
}

fn sext(x: u64, bits: u32) -> i64 {
    let x = x & ((1u64 << bits) - 1);
    if x >> (bits - 1) == 1 {
        x as i64 - (1i64 << bits)
    } else {
        x as i64
    }
}

fn mulfs(a: i64, b: i64, bits: u32) -> i64 {
    let min = -(1i64 << (bits - 1));
    if a == min && b == min {
        (1i64 << (2 * bits - 1)) - 1
    } else {
        2 * a * b
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dest {
    Reg,
    Acc,
}

/// The arithmetic instructions as (destination, lane width, formula index).
fn arith(op: FxvOp) -> Option<(Dest, u32, &'static str)> {
    use Dest::*;
    use FxvOp::*;
    let (d, w, f) = match op {
        Fxvmahm => (Reg, 16, "ma"),
        Fxvmabm => (Reg, 8, "ma"),
        Fxvmtach => (Acc, 16, "mtac"),
        Fxvmtacb => (Acc, 8, "mtac"),
        Fxvmahfs => (Reg, 16, "mafs"),
        Fxvmabfs => (Reg, 8, "mafs"),
        Fxvmtachf => (Acc, 16, "mtacf"),
        Fxvmtacbf => (Acc, 8, "mtacf"),
        Fxvmatachm => (Acc, 16, "ma"),
        Fxvmatacbm => (Acc, 8, "ma"),
        Fxvmatachfs => (Acc, 16, "mafs_acc"),
        Fxvmatacbfs => (Acc, 8, "mafs_acc"),
        Fxvmulhm => (Reg, 16, "mul"),
        Fxvmulbm => (Reg, 8, "mul"),
        Fxvmulhfs => (Reg, 16, "mulfs"),
        Fxvmulbfs => (Reg, 8, "mulfs"),
        Fxvmultachm => (Acc, 16, "mul"),
        Fxvmultacbm => (Acc, 8, "mul"),
        Fxvmultachfs => (Acc, 16, "mulfs_acc"),
        Fxvmultacbfs => (Acc, 8, "mulfs_acc"),
        Fxvsubhm => (Reg, 16, "sub"),
        Fxvsubbm => (Reg, 8, "sub"),
        Fxvsubhfs => (Reg, 16, "subfs"),
        Fxvsubbfs => (Reg, 8, "subfs"),
        Fxvaddactachm => (Acc, 16, "addac"),
        Fxvaddactacbm => (Acc, 8, "addac"),
        Fxvaddactachf => (Acc, 16, "addacf_acc"),
        Fxvaddactacbf => (Acc, 8, "addacf_acc"),
        Fxvaddachm => (Reg, 16, "addac"),
        Fxvaddacbm => (Reg, 8, "addac"),
        Fxvaddachfs => (Reg, 16, "addacf"),
        Fxvaddacbfs => (Reg, 8, "addacf"),
        Fxvaddtach => (Acc, 16, "add"),
        Fxvaddtacb => (Acc, 8, "add"),
        Fxvaddhm => (Reg, 16, "add"),
        Fxvaddbm => (Reg, 8, "add"),
        Fxvaddhfs => (Reg, 16, "addfs"),
        Fxvaddbfs => (Reg, 8, "addfs"),
        _ => return None,
    };
    Some((d, w, f))
}

/// One lane: `a`, `b` the signed w-bit operands, `acc` the signed 2w-bit
/// accumulator. Returns the unmasked value for the destination (w bits for a
/// register, 2w bits for the accumulator).
fn lane(f: &str, dest: Dest, w: u32, a: i64, b: i64, acc: i64) -> u64 {
    let dw = 2 * w;
    let x: i64 = match f {
        "ma" => a * b + acc,
        "mtac" => a,
        "mtacf" => a << w,
        "mafs" => sat(mulfs(a, b, w) + acc, dw) >> w,
        "mafs_acc" => sat(mulfs(a, b, w) + acc, dw),
        "mul" => a * b,
        "mulfs" => mulfs(a, b, w) >> w,
        "mulfs_acc" => mulfs(a, b, w),
        "sub" => a - b,
        "subfs" => sat(a - b, w),
        "add" => a + b,
        "addfs" => sat(a + b, w),
        "addac" => acc + a,
        "addacf" => sat((a << w) + acc, dw) >> w,
        "addacf_acc" => sat((a << w) + acc, dw),
        other => panic!("no formula {other}"),
    };
    match dest {
        Dest::Reg => wrap(x, w),
        Dest::Acc => wrap(x, dw),
    }
}

fn half(v: &[u8], k: usize) -> u64 {
    (u64::from(v[2 * k]) << 8) | u64::from(v[2 * k + 1])
}

fn put_half(v: &mut [u8], k: usize, x: u64) {
    v[2 * k] = (x >> 8) as u8;
    v[2 * k + 1] = x as u8;
}

/// Bit `i` (LSB 0) of `x`.
fn bit(x: u64, i: i64) -> u64 {
    (x >> i) & 1
}

/// Executes `insn` on a copy of `s`.
pub fn exec(s: &RefState, insn: &Fxv, gpr: &[u32; 32]) -> RefState {
    let mut n = s.clone();
    let (t, a, b, c) = (
        usize::from(insn.vrt),
        usize::from(insn.vra),
        usize::from(insn.vrb),
        insn.c,
    );
    let va = &s.vr[a];
    let vb = &s.vr[b];
    if let Some((dest, w, f)) = arith(insn.op) {
        for k in 0..64 {
            // Unmasked result of the lane: 16 bits (register) or 32 bits (ACC).
            let result: u64 = if w == 16 {
                lane(
                    f,
                    dest,
                    16,
                    sext(half(va, k), 16),
                    sext(half(vb, k), 16),
                    sext(u64::from(s.acc[k]), 32),
                )
            } else {
                let mut r = 0u64;
                for (p, idx) in [2 * k, 2 * k + 1].into_iter().enumerate() {
                    let acc_half = if p == 0 {
                        s.acc[k] >> 16
                    } else {
                        s.acc[k] & 0xFFFF
                    };
                    let y = lane(
                        f,
                        dest,
                        8,
                        sext(u64::from(va[idx]), 8),
                        sext(u64::from(vb[idx]), 8),
                        sext(u64::from(acc_half), 16),
                    );
                    let part_bits = if dest == Dest::Reg { 8 } else { 16 };
                    r |= y << (part_bits * (1 - p));
                }
                r
            };
            match dest {
                Dest::Reg => {
                    let old = half(&s.vr[t], k);
                    let mut v = 0u64;
                    for j in 0..4 {
                        let sh = 12 - 4 * j;
                        let src = if flag(&s.vcr, c, k, j) { result } else { old };
                        v |= ((src >> sh) & 0xF) << sh;
                    }
                    put_half(&mut n.vr[t], k, v);
                }
                Dest::Acc => {
                    let old = u64::from(s.acc[k]);
                    let mut v = 0u64;
                    for j in 0..4 {
                        let sh = 24 - 8 * j;
                        let src = if flag(&s.vcr, c, k, j) { result } else { old };
                        v |= ((src >> sh) & 0xFF) << sh;
                    }
                    n.acc[k] = v as u32;
                }
            }
        }
        return n;
    }
    let ra0 = if a == 0 { 0 } else { gpr[a] };
    let cc = i64::from(c);
    match insn.op {
        FxvOp::Fxvcmph => {
            for k in 0..64 {
                let x = sext(half(va, k), 16);
                let f4 = |p: bool| if p { 0xFu16 } else { 0 };
                n.vcr[k] = f4(x == 0) << 8 | f4(x > 0) << 4 | f4(x < 0);
            }
        }
        FxvOp::Fxvcmpb => {
            for k in 0..64 {
                let x0 = sext(u64::from(va[2 * k]), 8);
                let x1 = sext(u64::from(va[2 * k + 1]), 8);
                let f4 =
                    |p0: bool, p1: bool| (if p0 { 0xCu16 } else { 0 }) | if p1 { 3 } else { 0 };
                n.vcr[k] = f4(x0 == 0, x1 == 0) << 8 | f4(x0 > 0, x1 > 0) << 4 | f4(x0 < 0, x1 < 0);
            }
        }
        FxvOp::Fxvsplath => {
            for k in 0..64 {
                put_half(&mut n.vr[t], k, u64::from(ra0 & 0xFFFF));
            }
        }
        FxvOp::Fxvsplatb => n.vr[t] = vec![ra0 as u8; 128],
        FxvOp::Fxvshh | FxvOp::Fxvshb => {
            let sh = i64::from(insn.shift());
            let w: i64 = if insn.op == FxvOp::Fxvshh { 16 } else { 8 };
            let nlanes = 128 / (w as usize / 8);
            for l in 0..nlanes {
                let x = if w == 16 {
                    half(va, l)
                } else {
                    u64::from(va[l])
                };
                let mut y = 0u64;
                for j in 0..w {
                    if j - sh >= 0 && j - sh < w {
                        y |= bit(x, j - sh) << j;
                    }
                }
                if w == 16 {
                    put_half(&mut n.vr[t], l, y);
                } else {
                    n.vr[t][l] = y as u8;
                }
            }
        }
        FxvOp::Fxvsel => {
            for k in 0..64 {
                for p in 0..2 {
                    let i = 2 * k + p;
                    // Byte p follows flag bit 2p.
                    n.vr[t][i] = if flag(&s.vcr, c, k, 2 * p) {
                        vb[i]
                    } else {
                        va[i]
                    };
                }
            }
        }
        FxvOp::Fxvpckbu | FxvOp::Fxvpckbl => {
            let sz = 8 - cc;
            let mut out = vec![0u8; 128];
            for slice in 0..8 {
                for (src, base) in [(va, 0), (vb, 8)] {
                    for i in 0..8 {
                        let h = half(&src[16 * slice..16 * slice + 16], i);
                        let mut y = 0u64;
                        for j in 0..sz {
                            // Field bit sz-1-j comes from halfword bit 15-j (upper)
                            // or 15-(8-sz)-... : the field starts at bit 15 (upper)
                            // or at bit 7+c (lower).
                            let top = if insn.op == FxvOp::Fxvpckbu {
                                15
                            } else {
                                7 + cc
                            };
                            y |= bit(h, top - j) << (sz - 1 - j);
                        }
                        out[16 * slice + base + i] = y as u8;
                    }
                }
            }
            n.vr[t] = out;
        }
        FxvOp::Fxvupckbl | FxvOp::Fxvupckbr => {
            let sz = 8 - cc;
            let from = if insn.op == FxvOp::Fxvupckbl { 0 } else { 8 };
            let mut out = vec![0u8; 128];
            for slice in 0..8 {
                for i in 0..8 {
                    let x = u64::from(va[16 * slice + from + i]);
                    let y = u64::from(vb[16 * slice + from + i]);
                    // MSB-first bit stream: sz bits of x, sz bits of y, zeros.
                    let mut h = 0u64;
                    for j in 0..sz {
                        h |= bit(x, sz - 1 - j) << (15 - j);
                        h |= bit(y, sz - 1 - j) << (15 - sz - j);
                    }
                    put_half(&mut out[16 * slice..16 * slice + 16], i, h);
                }
            }
            n.vr[t] = out;
        }
        other => panic!("reference::exec: {other:?} is a memory form"),
    }
    n
}

/// A recorded call to the mock memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    Load(u32),
    Store(u32, Vec<u8>),
    In(u32),
    Out(u32, Vec<u8>, u128),
}

/// Mock memory: `sram` bytes at address 0 for the vector loads/stores (bus fault
/// beyond), an I/O space whose unwritten vectors read as a pattern of their EA, a
/// faulting I/O address, and a log of every call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockMem {
    pub sram: Vec<u8>,
    pub io: HashMap<u32, Vec<u8>>,
    pub io_fault: u32,
    pub calls: Vec<Call>,
}

pub const LOAD_CYCLES: u64 = 48;
pub const STORE_CYCLES: u64 = 46;
pub const IN_CYCLES: u64 = 20;
pub const OUT_CYCLES: u64 = 21;

impl MockMem {
    pub fn new(sram_bytes: usize) -> Self {
        Self {
            sram: (0..sram_bytes).map(|i| (i * 7 + 3) as u8).collect(),
            io: HashMap::new(),
            io_fault: 0xDEAD_0000,
            calls: Vec::new(),
        }
    }

    /// The I/O vector at `ea` as it reads now.
    pub fn io_read(&self, ea: u32) -> Vec<u8> {
        match self.io.get(&ea) {
            Some(v) => v.clone(),
            None => (0..128u32)
                .map(|i| (ea.wrapping_mul(31).wrapping_add(i * 13)) as u8)
                .collect(),
        }
    }

    fn in_range(&self, addr: u32) -> bool {
        (addr as usize)
            .checked_add(128)
            .is_some_and(|e| e <= self.sram.len())
    }
}

impl Memory for MockMem {
    fn load(&mut self, addr: u32, _size: u8) -> Result<u32, Fault> {
        Err(Fault::Bus { addr })
    }
    fn store(&mut self, addr: u32, _size: u8, _value: u32) -> Result<(), Fault> {
        Err(Fault::Bus { addr })
    }
    fn load_vector(&mut self, addr: u32, out: &mut [u8; 128]) -> Result<u64, Fault> {
        self.calls.push(Call::Load(addr));
        if !self.in_range(addr) {
            // Scribble over the buffer to check the unit does not keep a partial load.
            out.fill(0xEE);
            return Err(Fault::Bus { addr });
        }
        out.copy_from_slice(&self.sram[addr as usize..addr as usize + 128]);
        Ok(LOAD_CYCLES)
    }
    fn store_vector(&mut self, addr: u32, data: &[u8; 128]) -> Result<u64, Fault> {
        self.calls.push(Call::Store(addr, data.to_vec()));
        if !self.in_range(addr) {
            return Err(Fault::Bus { addr });
        }
        self.sram[addr as usize..addr as usize + 128].copy_from_slice(data);
        Ok(STORE_CYCLES)
    }
    fn vector_in(&mut self, ea: u32, out: &mut [u8; 128]) -> Result<u64, Fault> {
        self.calls.push(Call::In(ea));
        if ea == self.io_fault {
            out.fill(0xEE);
            return Err(Fault::Bus { addr: ea });
        }
        out.copy_from_slice(&self.io_read(ea));
        Ok(IN_CYCLES)
    }
    fn vector_out(&mut self, ea: u32, data: &[u8; 128], enable: u128) -> Result<u64, Fault> {
        self.calls.push(Call::Out(ea, data.to_vec(), enable));
        if ea == self.io_fault {
            return Err(Fault::Bus { addr: ea });
        }
        let mut v = self.io_read(ea);
        for (i, x) in v.iter_mut().enumerate() {
            if (enable >> i) & 1 == 1 {
                *x = data[i];
            }
        }
        self.io.insert(ea, v);
        Ok(OUT_CYCLES)
    }
}

/// Reference of the memory forms: the new state, the memory afterwards and the
/// result, from the rules (EA = (RA|0)+RB; lax/stax need EA % 4 == 0).
pub fn exec_memory(
    s: &RefState,
    mem: &MockMem,
    insn: &Fxv,
    gpr: &[u32; 32],
) -> (RefState, MockMem, Result<u64, crate::vector::VectorTrap>) {
    use crate::vector::VectorTrap;
    let mut n = s.clone();
    let mut m = mem.clone();
    let (t, a, b, c) = (
        usize::from(insn.vrt),
        usize::from(insn.vra),
        usize::from(insn.vrb),
        insn.c,
    );
    let ea = (if a == 0 { 0 } else { gpr[a] }).wrapping_add(gpr[b]);
    let bus = Err(VectorTrap::Memory(Fault::Bus { addr: ea }));
    // Byte i enabled: C = 0, or flag bit 0|1 (even byte) / 2|3 (odd byte) of lane i/2.
    let enabled = |i: usize| {
        let k = i / 2;
        let j = 2 * (i % 2);
        c == 0 || flag(&s.vcr, c, k, j) || flag(&s.vcr, c, k, j + 1)
    };
    let r = match insn.op {
        FxvOp::Fxvlax | FxvOp::Fxvstax if ea % 4 != 0 => Err(VectorTrap::Alignment { addr: ea }),
        FxvOp::Fxvlax => {
            m.calls.push(Call::Load(ea));
            if m.in_range(ea) {
                n.vr[t] = m.sram[ea as usize..ea as usize + 128].to_vec();
                Ok(LOAD_CYCLES)
            } else {
                bus
            }
        }
        FxvOp::Fxvstax => {
            m.calls.push(Call::Store(ea, s.vr[t].clone()));
            if m.in_range(ea) {
                m.sram[ea as usize..ea as usize + 128].copy_from_slice(&s.vr[t]);
                Ok(STORE_CYCLES)
            } else {
                bus
            }
        }
        FxvOp::Fxvinx => {
            m.calls.push(Call::In(ea));
            if ea == m.io_fault {
                bus
            } else {
                let v = m.io_read(ea);
                n.vr[t] = (0..128)
                    .map(|i| if enabled(i) { v[i] } else { 0 })
                    .collect();
                Ok(IN_CYCLES)
            }
        }
        FxvOp::Fxvoutx => {
            let mut en = 0u128;
            for i in 0..128 {
                if enabled(i) {
                    en |= 1 << i;
                }
            }
            m.calls.push(Call::Out(ea, s.vr[t].clone(), en));
            if ea == m.io_fault {
                bus
            } else {
                let mut v = m.io_read(ea);
                for (i, x) in v.iter_mut().enumerate() {
                    if enabled(i) {
                        *x = s.vr[t][i];
                    }
                }
                m.io.insert(ea, v);
                Ok(OUT_CYCLES)
            }
        }
        other => panic!("reference::exec_memory: {other:?}"),
    };
    (n, m, r)
}
