//! The interpreter's `exec` as it was before dispatch was flattened for speed, kept
//! (tests only) as the reference of a differential test: random programs must leave
//! bit-identical state and cycle counts on both paths.

use std::cell::Cell;

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread's cores execute through the reference `exec`.
pub(super) fn active() -> bool {
    ACTIVE.with(Cell::get)
}

/// Runs `f` with this thread's cores on the reference path.
pub(crate) fn with_reference<R>(f: impl FnOnce() -> R) -> R {
    ACTIVE.with(|a| a.set(true));
    let r = f();
    ACTIVE.with(|a| a.set(false));
    r
}

use super::{add3, fxm_mask, rot_mask, Cpu, Memory, Trap};
use crate::insn::*;
use crate::vector::VectorTrap;

const ALU: u64 = 1;
const MUL: u64 = 4;
const DIV: u64 = 31;
const MEM: u64 = 2;
const IO: u64 = 5;

#[derive(Clone, Copy)]
enum Op {
    Add,
    Addc,
    Adde,
    Subf,
    Subfc,
    Subfe,
    Neg,
    Addze,
    Subfze,
    Addme,
    Subfme,
}

impl Cpu {
    /// Executes `insn` (fetched from `pc`); `next` holds the fall-through PC and is
    /// changed by branches. Returns the cycles taken. On `Err` nothing has changed.
    pub(super) fn ref_exec(
        &mut self,
        insn: &Insn,
        pc: u32,
        word: u32,
        next: &mut u32,
        mem: &mut impl Memory,
    ) -> Result<u64, Trap> {
        use Insn::*;
        let illegal = Trap::Illegal { pc, word };
        let g = |c: &Cpu, r: u8| c.gpr[usize::from(r & 31)];
        let insn = *insn;
        Ok(match insn {
            // ---- D-form arithmetic -----------------------------------------------
            Twi(f) => {
                self.ref_trap_if(f.to, g(self, f.ra), f.si as i32 as u32, pc)?;
                self.ref_wait_vector_idle() + ALU
            }
            Mulli(f) => {
                self.ref_set(f.rt, g(self, f.ra).wrapping_mul(f.si as i32 as u32));
                MUL
            }
            Subfic(f) => {
                let (r, ca, _) = add3(!g(self, f.ra), f.si as i32 as u32, 1);
                self.ref_set(f.rt, r);
                self.set_ca(ca);
                ALU
            }
            Addic(f) | AddicDot(f) => {
                let (r, ca, _) = add3(g(self, f.ra), f.si as i32 as u32, 0);
                self.ref_set(f.rt, r);
                self.set_ca(ca);
                if matches!(insn, AddicDot(_)) {
                    self.set_cr0(r);
                }
                ALU
            }
            Addi(f) => {
                self.ref_set(f.rt, self.ra0(f.ra).wrapping_add(f.si as i32 as u32));
                ALU
            }
            Addis(f) => {
                let imm = (f.si as i32 as u32) << 16;
                self.ref_set(f.rt, self.ra0(f.ra).wrapping_add(imm));
                ALU
            }
            Cmpli(f) => {
                self.ref_compare(f.bf, g(self, f.ra).cmp(&u32::from(f.ui)));
                ALU
            }
            Cmpi(f) => {
                self.ref_compare(f.bf, (g(self, f.ra) as i32).cmp(&i32::from(f.si)));
                ALU
            }
            Ori(f) | Oris(f) | Xori(f) | Xoris(f) | AndiDot(f) | AndisDot(f) => {
                let s = g(self, f.rs);
                let lo = u32::from(f.ui);
                let hi = lo << 16;
                let r = match insn {
                    Ori(_) => s | lo,
                    Oris(_) => s | hi,
                    Xori(_) => s ^ lo,
                    Xoris(_) => s ^ hi,
                    AndiDot(_) => s & lo,
                    _ => s & hi,
                };
                self.ref_set(f.ra, r);
                if matches!(insn, AndiDot(_) | AndisDot(_)) {
                    self.set_cr0(r);
                }
                ALU
            }
            // ---- D-form loads and stores -----------------------------------------
            Lwz(f) | Lbz(f) | Lhz(f) | Lha(f) => {
                let ea = self.ra0(f.ra).wrapping_add(f.d as i32 as u32);
                let v = self.ref_load(mem, ea, insn, pc)?;
                self.ref_set(f.rt, v);
                MEM + mem.extra_latency(ea)
            }
            Lwzu(f) | Lbzu(f) | Lhzu(f) | Lhau(f) => {
                if f.ra == 0 || f.ra == f.rt {
                    return Err(illegal);
                }
                let ea = g(self, f.ra).wrapping_add(f.d as i32 as u32);
                let v = self.ref_load(mem, ea, insn, pc)?;
                self.ref_set(f.rt, v);
                self.ref_set(f.ra, ea);
                MEM + mem.extra_latency(ea)
            }
            Stw(f) | Stb(f) | Sth(f) => {
                let ea = self.ra0(f.ra).wrapping_add(f.d as i32 as u32);
                self.ref_store(mem, ea, g(self, f.rt), insn, pc)?;
                MEM + mem.extra_latency(ea)
            }
            Stwu(f) | Stbu(f) | Sthu(f) => {
                if f.ra == 0 {
                    return Err(illegal);
                }
                let ea = g(self, f.ra).wrapping_add(f.d as i32 as u32);
                self.ref_store(mem, ea, g(self, f.rt), insn, pc)?;
                self.ref_set(f.ra, ea);
                MEM + mem.extra_latency(ea)
            }
            Lmw(f) => {
                if f.ra >= f.rt {
                    return Err(illegal);
                }
                let ea = self.ra0(f.ra).wrapping_add(f.d as i32 as u32);
                if ea & 3 != 0 {
                    return Err(Trap::Alignment { pc, addr: ea });
                }
                let mut vals = [0u32; 32];
                let mut extra = 0;
                for r in f.rt..32 {
                    let a = ea.wrapping_add(4 * u32::from(r - f.rt));
                    vals[usize::from(r)] =
                        mem.load(a, 4).map_err(|fault| Trap::Memory { pc, fault })?;
                    extra += mem.extra_latency(a);
                }
                for r in f.rt..32 {
                    self.gpr[usize::from(r)] = vals[usize::from(r)];
                }
                32 - u64::from(f.rt) + extra
            }
            Stmw(f) => {
                let ea = self.ra0(f.ra).wrapping_add(f.d as i32 as u32);
                if ea & 3 != 0 {
                    return Err(Trap::Alignment { pc, addr: ea });
                }
                let mut extra = 0;
                for r in f.rt..32 {
                    let a = ea.wrapping_add(4 * u32::from(r - f.rt));
                    mem.store(a, 4, g(self, r))
                        .map_err(|fault| Trap::Memory { pc, fault })?;
                    extra += mem.extra_latency(a);
                }
                32 - u64::from(f.rt) + extra
            }
            // ---- X-form loads and stores -----------------------------------------
            Lwzx(f) | Lbzx(f) | Lhzx(f) | Lhax(f) => {
                let ea = self.ra0(f.ra).wrapping_add(g(self, f.rb));
                let v = self.ref_load(mem, ea, insn, pc)?;
                self.ref_set(f.rt, v);
                MEM + mem.extra_latency(ea)
            }
            Lwzux(f) | Lbzux(f) | Lhzux(f) | Lhaux(f) => {
                if f.ra == 0 || f.ra == f.rt {
                    return Err(illegal);
                }
                let ea = g(self, f.ra).wrapping_add(g(self, f.rb));
                let v = self.ref_load(mem, ea, insn, pc)?;
                self.ref_set(f.rt, v);
                self.ref_set(f.ra, ea);
                MEM + mem.extra_latency(ea)
            }
            Stwx(f) | Stbx(f) | Sthx(f) => {
                let ea = self.ra0(f.ra).wrapping_add(g(self, f.rb));
                self.ref_store(mem, ea, g(self, f.rt), insn, pc)?;
                MEM + mem.extra_latency(ea)
            }
            Stwux(f) | Stbux(f) | Sthux(f) => {
                if f.ra == 0 {
                    return Err(illegal);
                }
                let ea = g(self, f.ra).wrapping_add(g(self, f.rb));
                self.ref_store(mem, ea, g(self, f.rt), insn, pc)?;
                self.ref_set(f.ra, ea);
                MEM + mem.extra_latency(ea)
            }
            Eciwx(f) => {
                let ea = self.ra0(f.ra).wrapping_add(g(self, f.rb));
                let v = self.ref_load(mem, ea, insn, pc)?;
                self.ref_set(f.rt, v);
                IO + mem.extra_latency(ea)
            }
            Ecowx(f) => {
                let ea = self.ra0(f.ra).wrapping_add(g(self, f.rb));
                self.ref_store(mem, ea, g(self, f.rt), insn, pc)?;
                IO + mem.extra_latency(ea)
            }
            Fxv(f) => self.ref_issue_vector(&f, pc, mem)?,
            // ---- branches -----------------------------------------------------------
            B(f) => {
                let base = if f.aa { 0 } else { pc };
                if f.lk {
                    self.lr = pc.wrapping_add(4);
                }
                *next = base.wrapping_add(f.li as u32) & !3;
                ALU
            }
            Bc(f) => {
                if self.ref_branch_taken(f.bo, f.bi) {
                    let base = if f.aa { 0 } else { pc };
                    *next = base.wrapping_add(f.bd as u32) & !3;
                }
                if f.lk {
                    self.lr = pc.wrapping_add(4);
                }
                ALU
            }
            Bclr(f) => {
                let target = self.lr & !3;
                if self.ref_branch_taken(f.bo, f.bi) {
                    *next = target;
                }
                if f.lk {
                    self.lr = pc.wrapping_add(4);
                }
                ALU
            }
            Bcctr(f) => {
                if f.bo & 0x04 == 0 {
                    return Err(illegal);
                }
                if self.ref_branch_taken(f.bo, f.bi) {
                    *next = self.ctr & !3;
                }
                if f.lk {
                    self.lr = pc.wrapping_add(4);
                }
                ALU
            }
            // MSR changes may unmask a pending interrupt: force a check after them.
            Rfi => {
                *next = self.srr0 & !3;
                self.msr = self.srr1;
                self.next_event = 0;
                ALU
            }
            Rfci => {
                *next = self.csrr0 & !3;
                self.msr = self.csrr1;
                self.next_event = 0;
                ALU
            }
            Rfmci => {
                *next = self.mcsrr0 & !3;
                self.msr = self.mcsrr1;
                self.next_event = 0;
                ALU
            }
            // ---- condition register ----------------------------------------------
            Mcrf(f) => {
                let v = self.cr_field(f.bfa);
                self.set_cr_field(f.bf, v);
                ALU
            }
            Crnor(f) | Crandc(f) | Crxor(f) | Crnand(f) | Crand(f) | Creqv(f) | Crorc(f)
            | Cror(f) => {
                let a = self.cr_bit(f.ba);
                let b = self.cr_bit(f.bb);
                let v = match insn {
                    Crnor(_) => !(a | b),
                    Crandc(_) => a & !b,
                    Crxor(_) => a ^ b,
                    Crnand(_) => !(a & b),
                    Crand(_) => a & b,
                    Creqv(_) => a == b,
                    Crorc(_) => a | !b,
                    _ => a | b,
                };
                self.set_cr_bit(f.bt, v);
                ALU
            }
            Mfcr(f) => {
                self.ref_set(f.rt, self.cr);
                ALU
            }
            Mfocrf(f) => {
                self.ref_set(f.reg, self.cr & fxm_mask(f.fxm));
                ALU
            }
            Mtcrf(f) | Mtocrf(f) => {
                let m = fxm_mask(f.fxm);
                self.cr = (self.cr & !m) | (g(self, f.reg) & m);
                ALU
            }
            // ---- rotates and shifts ----------------------------------------------
            Rlwinm(f) | Rlwimi(f) => {
                let rot = g(self, f.rs).rotate_left(u32::from(f.sh & 31));
                let m = rot_mask(f.mb, f.me);
                let r = if matches!(insn, Rlwimi(_)) {
                    (rot & m) | (g(self, f.ra) & !m)
                } else {
                    rot & m
                };
                self.ref_set_rc(f.ra, r, f.rc);
                ALU
            }
            Rlwnm(f) => {
                let rot = g(self, f.rs).rotate_left(g(self, f.rb) & 31);
                self.ref_set_rc(f.ra, rot & rot_mask(f.mb, f.me), f.rc);
                ALU
            }
            Srawi(f) => {
                let s = g(self, f.rs);
                let (r, ca) = sraw(s, u32::from(f.sh & 31));
                self.set_ca(ca);
                self.ref_set_rc(f.ra, r, f.rc);
                ALU
            }
            // ---- compares, traps ----------------------------------------------------
            Cmp(f) => {
                let o = (g(self, f.ra) as i32).cmp(&(g(self, f.rb) as i32));
                self.ref_compare(f.bf, o);
                ALU
            }
            Cmpl(f) => {
                self.ref_compare(f.bf, g(self, f.ra).cmp(&g(self, f.rb)));
                ALU
            }
            Tw(f) => {
                self.ref_trap_if(f.to, g(self, f.ra), g(self, f.rb), pc)?;
                self.ref_wait_vector_idle() + ALU
            }
            // ---- X-form logical ----------------------------------------------------
            Slw(f) | And(f) | Andc(f) | Nor(f) | Eqv(f) | Xor(f) | Orc(f) | Or(f) | Nand(f)
            | Srw(f) | Sraw(f) => {
                let s = g(self, f.rs);
                let b = g(self, f.rb);
                let n = b & 0x3F;
                let r = match insn {
                    Slw(_) => s.checked_shl(n).unwrap_or(0),
                    Srw(_) => s.checked_shr(n).unwrap_or(0),
                    Sraw(_) => {
                        let (r, ca) = sraw(s, n);
                        self.set_ca(ca);
                        r
                    }
                    And(_) => s & b,
                    Andc(_) => s & !b,
                    Nor(_) => !(s | b),
                    Eqv(_) => !(s ^ b),
                    Xor(_) => s ^ b,
                    Orc(_) => s | !b,
                    Or(_) => s | b,
                    _ => !(s & b),
                };
                self.ref_set_rc(f.ra, r, f.rc);
                ALU
            }
            Cntlzw(f) | Extsh(f) | Extsb(f) => {
                let s = g(self, f.rs);
                let r = match insn {
                    Cntlzw(_) => s.leading_zeros(),
                    Extsh(_) => s as u16 as i16 as i32 as u32,
                    _ => s as u8 as i8 as i32 as u32,
                };
                self.ref_set_rc(f.ra, r, f.rc);
                ALU
            }
            Popcb(f) => {
                let s = g(self, f.rs);
                let r = (0..4).fold(0u32, |acc, i| {
                    acc | (((s >> (8 * i)) & 0xFF).count_ones() << (8 * i))
                });
                self.ref_set(f.ra, r);
                ALU
            }
            Prtyw(f) => {
                let s = g(self, f.rs);
                self.ref_set(f.ra, (s ^ (s >> 8) ^ (s >> 16) ^ (s >> 24)) & 1);
                ALU
            }
            // ---- system ----------------------------------------------------------------
            Wait(f) => {
                if f.value == 0 {
                    self.sleeping = true;
                }
                ALU
            }
            Sync(_) => self.ref_wait_vector_idle() + ALU,
            Mfmsr(f) => {
                self.ref_set(f.reg, self.msr);
                ALU
            }
            Mtmsr(f) => {
                let stall = self.ref_wait_vector_idle();
                self.msr = g(self, f.reg);
                self.next_event = 0;
                stall + ALU
            }
            Mfspr(f) => {
                let v = self.read_spr(f.spr).ok_or(illegal)?;
                self.ref_set(f.reg, v);
                ALU
            }
            Mtspr(f) => {
                let v = g(self, f.reg);
                if !self.write_spr(f.spr, v) {
                    return Err(illegal);
                }
                ALU
            }
            // ---- XO-form arithmetic ------------------------------------------------
            Add(f) | Addc(f) | Adde(f) | Subf(f) | Subfc(f) | Subfe(f) => {
                let op = match insn {
                    Add(_) => Op::Add,
                    Addc(_) => Op::Addc,
                    Adde(_) => Op::Adde,
                    Subf(_) => Op::Subf,
                    Subfc(_) => Op::Subfc,
                    _ => Op::Subfe,
                };
                let (a, b) = (g(self, f.ra), g(self, f.rb));
                self.ref_arith(op, f.rt, a, b, f.oe, f.rc);
                ALU
            }
            Neg(f) | Addze(f) | Subfze(f) | Addme(f) | Subfme(f) => {
                let op = match insn {
                    Neg(_) => Op::Neg,
                    Addze(_) => Op::Addze,
                    Subfze(_) => Op::Subfze,
                    Addme(_) => Op::Addme,
                    _ => Op::Subfme,
                };
                self.ref_arith(op, f.rt, g(self, f.ra), 0, f.oe, f.rc);
                ALU
            }
            Mullw(f) => {
                let p = i64::from(g(self, f.ra) as i32) * i64::from(g(self, f.rb) as i32);
                if f.oe {
                    self.set_ov(i32::try_from(p).is_err());
                }
                self.ref_set_rc(f.rt, p as u32, f.rc);
                MUL
            }
            Mulhw(f) | Mulhwu(f) => {
                let (a, b) = (g(self, f.ra), g(self, f.rb));
                let r = if matches!(insn, Mulhw(_)) {
                    ((i64::from(a as i32) * i64::from(b as i32)) >> 32) as u32
                } else {
                    ((u64::from(a) * u64::from(b)) >> 32) as u32
                };
                self.ref_set_rc(f.rt, r, f.rc);
                MUL
            }
            Divw(f) => {
                let (a, b) = (g(self, f.ra) as i32, g(self, f.rb) as i32);
                let q = a.checked_div(b);
                if f.oe {
                    self.set_ov(q.is_none());
                }
                self.ref_set_rc(f.rt, q.unwrap_or(0) as u32, f.rc);
                DIV
            }
            Divwu(f) => {
                let q = g(self, f.ra).checked_div(g(self, f.rb));
                if f.oe {
                    self.set_ov(q.is_none());
                }
                self.ref_set_rc(f.rt, q.unwrap_or(0), f.rc);
                DIV
            }
        })
    }

    /// Hands an FXV instruction to the vector unit: its effect now, its time through
    /// the queue model. Returns the scalar cycles (issue plus a full-queue stall).
    fn ref_issue_vector(&mut self, f: &Fxv, pc: u32, mem: &mut impl Memory) -> Result<u64, Trap> {
        let occupancy = self
            .vector
            .execute(f, &self.gpr, mem)
            .map_err(|e| match e {
                VectorTrap::Alignment { addr } => Trap::Alignment { pc, addr },
                VectorTrap::Memory(fault) => Trap::Memory { pc, fault },
            })?;
        let stall = self.vq.issue(self.cycles, occupancy);
        self.stats.vector_instructions += 1;
        self.stats.vector_queue_stall_cycles += stall;
        Ok(stall + ALU)
    }

    /// Context synchronisation: the stall until the vector unit is empty (counted in
    /// the statistics; the caller adds it to the instruction's cycles).
    fn ref_wait_vector_idle(&mut self) -> u64 {
        let stall = self.vq.idle_at().saturating_sub(self.cycles);
        self.stats.sync_stall_cycles += stall;
        stall
    }

    fn ref_set(&mut self, r: u8, v: u32) {
        self.gpr[usize::from(r & 31)] = v;
    }

    fn ref_set_rc(&mut self, r: u8, v: u32, rc: bool) {
        self.ref_set(r, v);
        if rc {
            self.set_cr0(v);
        }
    }

    fn ref_compare(&mut self, bf: u8, o: std::cmp::Ordering) {
        let c = match o {
            std::cmp::Ordering::Less => 8,
            std::cmp::Ordering::Greater => 4,
            std::cmp::Ordering::Equal => 2,
        };
        self.set_cr_field(bf, c | self.so());
    }

    fn ref_trap_if(&self, to: u8, a: u32, b: u32, pc: u32) -> Result<(), Trap> {
        let (sa, sb) = (a as i32, b as i32);
        let hit = (to & 0x10 != 0 && sa < sb)
            || (to & 0x08 != 0 && sa > sb)
            || (to & 0x04 != 0 && a == b)
            || (to & 0x02 != 0 && a < b)
            || (to & 0x01 != 0 && a > b);
        if hit {
            Err(Trap::Program { pc })
        } else {
            Ok(())
        }
    }

    /// BO/BI evaluation including the CTR decrement (Power ISA `bc`).
    fn ref_branch_taken(&mut self, bo: u8, bi: u8) -> bool {
        if bo & 0x04 == 0 {
            self.ctr = self.ctr.wrapping_sub(1);
        }
        let ctr_ok = bo & 0x04 != 0 || ((self.ctr != 0) != (bo & 0x02 != 0));
        let cond_ok = bo & 0x10 != 0 || (self.cr_bit(bi) == (bo & 0x08 != 0));
        ctr_ok && cond_ok
    }

    fn ref_arith(&mut self, op: Op, rt: u8, a: u32, b: u32, oe: bool, rc: bool) {
        let ca_in = self.ca();
        let (x, y, c, sets_ca) = match op {
            Op::Add => (a, b, 0, false),
            Op::Addc => (a, b, 0, true),
            Op::Adde => (a, b, ca_in, true),
            Op::Subf => (!a, b, 1, false),
            Op::Subfc => (!a, b, 1, true),
            Op::Subfe => (!a, b, ca_in, true),
            Op::Neg => (!a, 0, 1, false),
            Op::Addze => (a, 0, ca_in, true),
            Op::Subfze => (!a, 0, ca_in, true),
            Op::Addme => (a, u32::MAX, ca_in, true),
            Op::Subfme => (!a, u32::MAX, ca_in, true),
        };
        let (r, ca, ov) = add3(x, y, c);
        if sets_ca {
            self.set_ca(ca);
        }
        if oe {
            self.set_ov(ov);
        }
        self.ref_set_rc(rt, r, rc);
    }

    fn ref_load(&self, mem: &mut impl Memory, ea: u32, insn: Insn, pc: u32) -> Result<u32, Trap> {
        use Insn::*;
        let (size, signed) = match insn {
            Lbz(_) | Lbzu(_) | Lbzx(_) | Lbzux(_) => (1, false),
            Lhz(_) | Lhzu(_) | Lhzx(_) | Lhzux(_) => (2, false),
            Lha(_) | Lhau(_) | Lhax(_) | Lhaux(_) => (2, true),
            _ => (4, false),
        };
        check_align(ea, size, pc)?;
        let v = mem
            .load(ea, size)
            .map_err(|fault| Trap::Memory { pc, fault })?;
        Ok(if signed {
            v as u16 as i16 as i32 as u32
        } else {
            v
        })
    }

    fn ref_store(
        &self,
        mem: &mut impl Memory,
        ea: u32,
        v: u32,
        insn: Insn,
        pc: u32,
    ) -> Result<(), Trap> {
        use Insn::*;
        let size = match insn {
            Stb(_) | Stbu(_) | Stbx(_) | Stbux(_) => 1,
            Sth(_) | Sthu(_) | Sthx(_) | Sthux(_) => 2,
            _ => 4,
        };
        check_align(ea, size, pc)?;
        let v = if size == 4 {
            v
        } else {
            v & ((1 << (8 * size)) - 1)
        };
        mem.store(ea, size, v)
            .map_err(|fault| Trap::Memory { pc, fault })
    }
}

fn check_align(ea: u32, size: u8, pc: u32) -> Result<(), Trap> {
    if ea & (u32::from(size) - 1) != 0 {
        Err(Trap::Alignment { pc, addr: ea })
    } else {
        Ok(())
    }
}

/// Arithmetic shift right by `n` (0..=63, ≥ 32 fills with the sign) and the CA bit:
/// set if the source is negative and any 1 bit was shifted out.
fn sraw(s: u32, n: u32) -> (u32, bool) {
    let neg = (s as i32) < 0;
    if n > 31 {
        return (if neg { u32::MAX } else { 0 }, neg);
    }
    let r = ((s as i32) >> n) as u32;
    let lost = s & ((1u64 << n) - 1) as u32;
    (r, neg && lost != 0)
}

#[cfg(test)]
mod tests {
    use super::with_reference;
    use crate::cpu::{Cpu, Memory, Sram, Trace, TrapPolicy};
    use proptest::prelude::*;

    /// Every legal (primary opcode, bits 1..=10) pair; for primaries other than 4,
    /// 19 and 31 the low bits are operands and only 0 is listed.
    fn templates() -> Vec<u32> {
        let mut t = Vec::new();
        for p in 0u32..64 {
            let exts = if matches!(p, 4 | 19 | 31) {
                0..1024
            } else {
                0..1
            };
            for ext in exts {
                let w = (p << 26) | (ext << 1);
                if crate::insn::decode(w).is_ok() {
                    t.push(w);
                }
            }
        }
        t
    }

    /// Legal words with random operands (bits 6..=20 and 31 in IBM numbering), plus
    /// an occasional random word (mostly illegal).
    fn program() -> impl Strategy<Value = Vec<u32>> {
        let legal = (proptest::sample::select(templates()), any::<u32>()).prop_map(|(t, r)| {
            if t >> 26 == 19 || t >> 26 == 31 || t >> 26 == 4 {
                t | (r & 0x03FF_F801)
            } else {
                t | (r & 0x03FF_FFFF)
            }
        });
        proptest::collection::vec(prop_oneof![20 => legal, 1 => any::<u32>()], 16..160)
    }

    /// A core and SRAM with `words` at address 0 and GPRs that point into the SRAM
    /// (so loads and stores mostly succeed).
    fn setup(words: &[u32], gprs: &[u32; 32], policy: TrapPolicy, trace: bool) -> (Cpu, Sram) {
        let mut sram = Sram::new();
        // Nonzero data behind the program, so that loads see sign bits.
        let mut x = u32::from_le_bytes([gprs[1] as u8, gprs[2] as u8, 0x5A, 0xC3]);
        for b in sram.bytes_mut() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        sram.write_words(0, words).expect("fits");
        let mut cpu = Cpu::new();
        cpu.gpr = *gprs;
        cpu.trap_policy = policy;
        cpu.msr = crate::cpu::MSR_EE;
        if trace {
            cpu.trace = Some(Trace::new(64));
        }
        (cpu, sram)
    }

    fn run_both(
        words: &[u32],
        gprs: &[u32; 32],
        policy: TrapPolicy,
        trace: bool,
        drive: impl Fn(&mut Cpu, &mut Sram) -> String,
    ) -> Result<(), TestCaseError> {
        let (mut new_cpu, mut new_mem) = setup(words, gprs, policy, trace);
        let new_out = drive(&mut new_cpu, &mut new_mem);
        let (mut ref_cpu, mut ref_mem) = setup(words, gprs, policy, trace);
        let ref_out = with_reference(|| drive(&mut ref_cpu, &mut ref_mem));
        prop_assert_eq!(new_out, ref_out);
        prop_assert_eq!(&new_cpu, &ref_cpu);
        prop_assert_eq!(new_cpu.vector.vcr(), ref_cpu.vector.vcr());
        prop_assert!(new_mem.bytes() == ref_mem.bytes());
        Ok(())
    }

    fn gprs() -> impl Strategy<Value = [u32; 32]> {
        proptest::array::uniform32(prop_oneof![0u32..0x4000, any::<u32>()])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Random code through the flattened `exec` and the reference: identical
        /// architected state, memory, cycles, statistics and outcome.
        #[test]
        fn flattened_exec_matches_reference(
            words in program(),
            gprs in gprs(),
            vector_traps in proptest::bool::weighted(0.8),
            trace in any::<bool>(),
        ) {
            let policy = if vector_traps { TrapPolicy::Vector } else { TrapPolicy::Report };
            run_both(&words, &gprs, policy, trace, |cpu, mem| {
                format!("{:?}", cpu.run(mem, 3000))
            })?;
            run_both(&words, &gprs, policy, trace, |cpu, mem| {
                let mut log = String::new();
                for _ in 0..200 {
                    let r = cpu.step(mem);
                    log.push_str(&format!("{r:?};"));
                    if r.is_err() {
                        break;
                    }
                }
                log
            })?;
            run_both(&words, &gprs, policy, trace, |cpu, mem| {
                let r = cpu.run_until(mem, 5000);
                let slept = cpu.advance_sleep(1000);
                format!("{r:?} {slept} {:?}", mem.load(0, 4))
            })?;
        }
    }
}
