//! Execution of one decoded instruction (the semantics half of the interpreter).

use super::{add3, fxm_mask, rot_mask, Cpu, Memory, Trap};
use crate::insn::*;
use crate::vector::VectorTrap;

const ALU: u64 = 1;
const MUL: u64 = 4;
const DIV: u64 = 31;
const MEM: u64 = 2;
/// `eciwx`/`ecowx`: the io unit's latency (ppu.md §1 latency table).
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
    #[inline(always)]
    pub(super) fn exec(
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
        Ok(match *insn {
            // ---- D-form arithmetic -----------------------------------------------
            Twi(f) => {
                self.trap_if(f.to, g(self, f.ra), f.si as i32 as u32, pc)?;
                self.wait_vector_idle() + ALU
            }
            Mulli(f) => {
                self.set(f.rt, g(self, f.ra).wrapping_mul(f.si as i32 as u32));
                MUL
            }
            Subfic(f) => {
                let (r, ca, _) = add3(!g(self, f.ra), f.si as i32 as u32, 1);
                self.set(f.rt, r);
                self.set_ca(ca);
                ALU
            }
            Addic(f) => self.addic(f, false),
            AddicDot(f) => self.addic(f, true),
            Addi(f) => {
                self.set(f.rt, self.ra0(f.ra).wrapping_add(f.si as i32 as u32));
                ALU
            }
            Addis(f) => {
                let imm = (f.si as i32 as u32) << 16;
                self.set(f.rt, self.ra0(f.ra).wrapping_add(imm));
                ALU
            }
            Cmpli(f) => {
                self.compare(f.bf, g(self, f.ra).cmp(&u32::from(f.ui)));
                ALU
            }
            Cmpi(f) => {
                self.compare(f.bf, (g(self, f.ra) as i32).cmp(&i32::from(f.si)));
                ALU
            }
            Ori(f) => self.logical_imm(f, false, |s, i| s | i),
            Oris(f) => self.logical_imm(f, false, |s, i| s | (i << 16)),
            Xori(f) => self.logical_imm(f, false, |s, i| s ^ i),
            Xoris(f) => self.logical_imm(f, false, |s, i| s ^ (i << 16)),
            AndiDot(f) => self.logical_imm(f, true, |s, i| s & i),
            AndisDot(f) => self.logical_imm(f, true, |s, i| s & (i << 16)),
            // ---- D-form loads and stores -----------------------------------------
            Lwz(f) => self.load_d(mem, f, 4, false, pc)?,
            Lbz(f) => self.load_d(mem, f, 1, false, pc)?,
            Lhz(f) => self.load_d(mem, f, 2, false, pc)?,
            Lha(f) => self.load_d(mem, f, 2, true, pc)?,
            Lwzu(f) => self.load_du(mem, f, 4, false, pc, illegal)?,
            Lbzu(f) => self.load_du(mem, f, 1, false, pc, illegal)?,
            Lhzu(f) => self.load_du(mem, f, 2, false, pc, illegal)?,
            Lhau(f) => self.load_du(mem, f, 2, true, pc, illegal)?,
            Stw(f) => self.store_d(mem, f, 4, pc)?,
            Stb(f) => self.store_d(mem, f, 1, pc)?,
            Sth(f) => self.store_d(mem, f, 2, pc)?,
            Stwu(f) => self.store_du(mem, f, 4, pc, illegal)?,
            Stbu(f) => self.store_du(mem, f, 1, pc, illegal)?,
            Sthu(f) => self.store_du(mem, f, 2, pc, illegal)?,
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
            Lwzx(f) => self.load_x(mem, f, 4, false, pc)?,
            Lbzx(f) => self.load_x(mem, f, 1, false, pc)?,
            Lhzx(f) => self.load_x(mem, f, 2, false, pc)?,
            Lhax(f) => self.load_x(mem, f, 2, true, pc)?,
            Lwzux(f) => self.load_xu(mem, f, 4, false, pc, illegal)?,
            Lbzux(f) => self.load_xu(mem, f, 1, false, pc, illegal)?,
            Lhzux(f) => self.load_xu(mem, f, 2, false, pc, illegal)?,
            Lhaux(f) => self.load_xu(mem, f, 2, true, pc, illegal)?,
            Stwx(f) => self.store_x(mem, f, 4, pc)?,
            Stbx(f) => self.store_x(mem, f, 1, pc)?,
            Sthx(f) => self.store_x(mem, f, 2, pc)?,
            Stwux(f) => self.store_xu(mem, f, 4, pc, illegal)?,
            Stbux(f) => self.store_xu(mem, f, 1, pc, illegal)?,
            Sthux(f) => self.store_xu(mem, f, 2, pc, illegal)?,
            // External control: a word access at EA over the data bus (see the module
            // docs), with the io unit's latency instead of the load/store unit's.
            Eciwx(f) => self.load_x(mem, f, 4, false, pc)? + (IO - MEM),
            Ecowx(f) => self.store_x(mem, f, 4, pc)? + (IO - MEM),
            Fxv(f) => self.issue_vector(&f, pc, mem)?,
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
                if self.branch_taken(f.bo, f.bi) {
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
                if self.branch_taken(f.bo, f.bi) {
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
                if self.branch_taken(f.bo, f.bi) {
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
            Crnor(f) => self.cr_op(f, |a, b| !(a | b)),
            Crandc(f) => self.cr_op(f, |a, b| a & !b),
            Crxor(f) => self.cr_op(f, |a, b| a ^ b),
            Crnand(f) => self.cr_op(f, |a, b| !(a & b)),
            Crand(f) => self.cr_op(f, |a, b| a & b),
            Creqv(f) => self.cr_op(f, |a, b| a == b),
            Crorc(f) => self.cr_op(f, |a, b| a | !b),
            Cror(f) => self.cr_op(f, |a, b| a | b),
            Mfcr(f) => {
                self.set(f.rt, self.cr);
                ALU
            }
            Mfocrf(f) => {
                self.set(f.reg, self.cr & fxm_mask(f.fxm));
                ALU
            }
            Mtcrf(f) | Mtocrf(f) => {
                let m = fxm_mask(f.fxm);
                self.cr = (self.cr & !m) | (g(self, f.reg) & m);
                ALU
            }
            // ---- rotates and shifts ----------------------------------------------
            Rlwinm(f) => {
                let rot = g(self, f.rs).rotate_left(u32::from(f.sh & 31));
                self.set_rc(f.ra, rot & rot_mask(f.mb, f.me), f.rc);
                ALU
            }
            Rlwimi(f) => {
                let rot = g(self, f.rs).rotate_left(u32::from(f.sh & 31));
                let m = rot_mask(f.mb, f.me);
                let r = (rot & m) | (g(self, f.ra) & !m);
                self.set_rc(f.ra, r, f.rc);
                ALU
            }
            Rlwnm(f) => {
                let rot = g(self, f.rs).rotate_left(g(self, f.rb) & 31);
                self.set_rc(f.ra, rot & rot_mask(f.mb, f.me), f.rc);
                ALU
            }
            Srawi(f) => {
                let s = g(self, f.rs);
                let (r, ca) = sraw(s, u32::from(f.sh & 31));
                self.set_ca(ca);
                self.set_rc(f.ra, r, f.rc);
                ALU
            }
            // ---- compares, traps ----------------------------------------------------
            Cmp(f) => {
                let o = (g(self, f.ra) as i32).cmp(&(g(self, f.rb) as i32));
                self.compare(f.bf, o);
                ALU
            }
            Cmpl(f) => {
                self.compare(f.bf, g(self, f.ra).cmp(&g(self, f.rb)));
                ALU
            }
            Tw(f) => {
                self.trap_if(f.to, g(self, f.ra), g(self, f.rb), pc)?;
                self.wait_vector_idle() + ALU
            }
            // ---- X-form logical ----------------------------------------------------
            Slw(f) => self.logical(f, |s, b| s.checked_shl(b & 0x3F).unwrap_or(0)),
            Srw(f) => self.logical(f, |s, b| s.checked_shr(b & 0x3F).unwrap_or(0)),
            Sraw(f) => {
                let (r, ca) = sraw(g(self, f.rs), g(self, f.rb) & 0x3F);
                self.set_ca(ca);
                self.set_rc(f.ra, r, f.rc);
                ALU
            }
            And(f) => self.logical(f, |s, b| s & b),
            Andc(f) => self.logical(f, |s, b| s & !b),
            Nor(f) => self.logical(f, |s, b| !(s | b)),
            Eqv(f) => self.logical(f, |s, b| !(s ^ b)),
            Xor(f) => self.logical(f, |s, b| s ^ b),
            Orc(f) => self.logical(f, |s, b| s | !b),
            Or(f) => self.logical(f, |s, b| s | b),
            Nand(f) => self.logical(f, |s, b| !(s & b)),
            Cntlzw(f) => self.unary(f, |s| s.leading_zeros()),
            Extsh(f) => self.unary(f, |s| s as u16 as i16 as i32 as u32),
            Extsb(f) => self.unary(f, |s| s as u8 as i8 as i32 as u32),
            Popcb(f) => {
                let s = g(self, f.rs);
                let r = (0..4).fold(0u32, |acc, i| {
                    acc | (((s >> (8 * i)) & 0xFF).count_ones() << (8 * i))
                });
                self.set(f.ra, r);
                ALU
            }
            Prtyw(f) => {
                let s = g(self, f.rs);
                self.set(f.ra, (s ^ (s >> 8) ^ (s >> 16) ^ (s >> 24)) & 1);
                ALU
            }
            // ---- system ----------------------------------------------------------------
            Wait(f) => {
                if f.value == 0 {
                    self.sleeping = true;
                }
                ALU
            }
            Sync(_) => self.wait_vector_idle() + ALU,
            Mfmsr(f) => {
                self.set(f.reg, self.msr);
                ALU
            }
            Mtmsr(f) => {
                let stall = self.wait_vector_idle();
                self.msr = g(self, f.reg);
                self.next_event = 0;
                stall + ALU
            }
            Mfspr(f) => {
                let v = self.read_spr(f.spr).ok_or(illegal)?;
                self.set(f.reg, v);
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
            // One arm per opcode so that `arith` is specialised on a constant `Op`.
            Add(f) => self.arith_rr(Op::Add, f),
            Addc(f) => self.arith_rr(Op::Addc, f),
            Adde(f) => self.arith_rr(Op::Adde, f),
            Subf(f) => self.arith_rr(Op::Subf, f),
            Subfc(f) => self.arith_rr(Op::Subfc, f),
            Subfe(f) => self.arith_rr(Op::Subfe, f),
            Neg(f) => self.arith_r(Op::Neg, f),
            Addze(f) => self.arith_r(Op::Addze, f),
            Subfze(f) => self.arith_r(Op::Subfze, f),
            Addme(f) => self.arith_r(Op::Addme, f),
            Subfme(f) => self.arith_r(Op::Subfme, f),
            Mullw(f) => {
                let p = i64::from(g(self, f.ra) as i32) * i64::from(g(self, f.rb) as i32);
                if f.oe {
                    self.set_ov(i32::try_from(p).is_err());
                }
                self.set_rc(f.rt, p as u32, f.rc);
                MUL
            }
            Mulhw(f) => {
                let (a, b) = (g(self, f.ra), g(self, f.rb));
                let r = ((i64::from(a as i32) * i64::from(b as i32)) >> 32) as u32;
                self.set_rc(f.rt, r, f.rc);
                MUL
            }
            Mulhwu(f) => {
                let (a, b) = (g(self, f.ra), g(self, f.rb));
                let r = ((u64::from(a) * u64::from(b)) >> 32) as u32;
                self.set_rc(f.rt, r, f.rc);
                MUL
            }
            Divw(f) => {
                let (a, b) = (g(self, f.ra) as i32, g(self, f.rb) as i32);
                let q = a.checked_div(b);
                if f.oe {
                    self.set_ov(q.is_none());
                }
                self.set_rc(f.rt, q.unwrap_or(0) as u32, f.rc);
                DIV
            }
            Divwu(f) => {
                let q = g(self, f.ra).checked_div(g(self, f.rb));
                if f.oe {
                    self.set_ov(q.is_none());
                }
                self.set_rc(f.rt, q.unwrap_or(0), f.rc);
                DIV
            }
        })
    }

    /// Hands an FXV instruction to the vector unit: its effect now, its time through
    /// the queue model. Returns the scalar cycles (issue plus a full-queue stall).
    fn issue_vector(&mut self, f: &Fxv, pc: u32, mem: &mut impl Memory) -> Result<u64, Trap> {
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
    fn wait_vector_idle(&mut self) -> u64 {
        let stall = self.vq.idle_at().saturating_sub(self.cycles);
        self.stats.sync_stall_cycles += stall;
        stall
    }

    #[inline(always)]
    fn set(&mut self, r: u8, v: u32) {
        self.gpr[usize::from(r & 31)] = v;
    }

    #[inline(always)]
    fn set_rc(&mut self, r: u8, v: u32, rc: bool) {
        self.set(r, v);
        if rc {
            self.set_cr0(v);
        }
    }

    #[inline(always)]
    fn compare(&mut self, bf: u8, o: std::cmp::Ordering) {
        let c = match o {
            std::cmp::Ordering::Less => 8,
            std::cmp::Ordering::Greater => 4,
            std::cmp::Ordering::Equal => 2,
        };
        self.set_cr_field(bf, c | self.so());
    }

    fn trap_if(&self, to: u8, a: u32, b: u32, pc: u32) -> Result<(), Trap> {
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
    #[inline(always)]
    fn branch_taken(&mut self, bo: u8, bi: u8) -> bool {
        if bo & 0x04 == 0 {
            self.ctr = self.ctr.wrapping_sub(1);
        }
        let ctr_ok = bo & 0x04 != 0 || ((self.ctr != 0) != (bo & 0x02 != 0));
        let cond_ok = bo & 0x10 != 0 || (self.cr_bit(bi) == (bo & 0x08 != 0));
        ctr_ok && cond_ok
    }

    #[inline(always)]
    fn arith(&mut self, op: Op, rt: u8, a: u32, b: u32, oe: bool, rc: bool) {
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
        self.set_rc(rt, r, rc);
    }

    /// `addic` / `addic.`.
    #[inline(always)]
    fn addic(&mut self, f: DImm, rc: bool) -> u64 {
        let (r, ca, _) = add3(self.gpr[usize::from(f.ra & 31)], f.si as i32 as u32, 0);
        self.set(f.rt, r);
        self.set_ca(ca);
        if rc {
            self.set_cr0(r);
        }
        ALU
    }

    /// The D-form logical immediates; `op` gets RS and the zero-extended UI.
    #[inline(always)]
    fn logical_imm(&mut self, f: DLogic, rc: bool, op: impl Fn(u32, u32) -> u32) -> u64 {
        let r = op(self.gpr[usize::from(f.rs & 31)], u32::from(f.ui));
        self.set(f.ra, r);
        if rc {
            self.set_cr0(r);
        }
        ALU
    }

    /// X-form logical `ra = op(rs, rb)` with Rc.
    #[inline(always)]
    fn logical(&mut self, f: XLogic, op: impl Fn(u32, u32) -> u32) -> u64 {
        let r = op(
            self.gpr[usize::from(f.rs & 31)],
            self.gpr[usize::from(f.rb & 31)],
        );
        self.set_rc(f.ra, r, f.rc);
        ALU
    }

    /// X-form unary `ra = op(rs)` with Rc.
    #[inline(always)]
    fn unary(&mut self, f: XUnary, op: impl Fn(u32) -> u32) -> u64 {
        let r = op(self.gpr[usize::from(f.rs & 31)]);
        self.set_rc(f.ra, r, f.rc);
        ALU
    }

    #[inline(always)]
    fn cr_op(&mut self, f: CrOp, op: impl Fn(bool, bool) -> bool) -> u64 {
        let v = op(self.cr_bit(f.ba), self.cr_bit(f.bb));
        self.set_cr_bit(f.bt, v);
        ALU
    }

    #[inline(always)]
    fn arith_rr(&mut self, op: Op, f: XoArith) -> u64 {
        let (a, b) = (
            self.gpr[usize::from(f.ra & 31)],
            self.gpr[usize::from(f.rb & 31)],
        );
        self.arith(op, f.rt, a, b, f.oe, f.rc);
        ALU
    }

    #[inline(always)]
    fn arith_r(&mut self, op: Op, f: XoUnary) -> u64 {
        let a = self.gpr[usize::from(f.ra & 31)];
        self.arith(op, f.rt, a, 0, f.oe, f.rc);
        ALU
    }

    /// `lXz`/`lha` with EA = (RA|0) + D.
    #[inline(always)]
    fn load_d(
        &mut self,
        mem: &mut impl Memory,
        f: DMem,
        size: u8,
        signed: bool,
        pc: u32,
    ) -> Result<u64, Trap> {
        let ea = self.ra0(f.ra).wrapping_add(f.d as i32 as u32);
        let v = load_sized(mem, ea, size, signed, pc)?;
        self.set(f.rt, v);
        Ok(MEM + mem.extra_latency(ea))
    }

    /// Load with update, EA = RA + D.
    #[inline(always)]
    fn load_du(
        &mut self,
        mem: &mut impl Memory,
        f: DMem,
        size: u8,
        signed: bool,
        pc: u32,
        illegal: Trap,
    ) -> Result<u64, Trap> {
        if f.ra == 0 || f.ra == f.rt {
            return Err(illegal);
        }
        let ea = self.gpr[usize::from(f.ra & 31)].wrapping_add(f.d as i32 as u32);
        let v = load_sized(mem, ea, size, signed, pc)?;
        self.set(f.rt, v);
        self.set(f.ra, ea);
        Ok(MEM + mem.extra_latency(ea))
    }

    #[inline(always)]
    fn store_d(&mut self, mem: &mut impl Memory, f: DMem, size: u8, pc: u32) -> Result<u64, Trap> {
        let ea = self.ra0(f.ra).wrapping_add(f.d as i32 as u32);
        store_sized(mem, ea, self.gpr[usize::from(f.rt & 31)], size, pc)?;
        Ok(MEM + mem.extra_latency(ea))
    }

    #[inline(always)]
    fn store_du(
        &mut self,
        mem: &mut impl Memory,
        f: DMem,
        size: u8,
        pc: u32,
        illegal: Trap,
    ) -> Result<u64, Trap> {
        if f.ra == 0 {
            return Err(illegal);
        }
        let ea = self.gpr[usize::from(f.ra & 31)].wrapping_add(f.d as i32 as u32);
        store_sized(mem, ea, self.gpr[usize::from(f.rt & 31)], size, pc)?;
        self.set(f.ra, ea);
        Ok(MEM + mem.extra_latency(ea))
    }

    /// Indexed load, EA = (RA|0) + RB.
    #[inline(always)]
    fn load_x(
        &mut self,
        mem: &mut impl Memory,
        f: XMem,
        size: u8,
        signed: bool,
        pc: u32,
    ) -> Result<u64, Trap> {
        let ea = self
            .ra0(f.ra)
            .wrapping_add(self.gpr[usize::from(f.rb & 31)]);
        let v = load_sized(mem, ea, size, signed, pc)?;
        self.set(f.rt, v);
        Ok(MEM + mem.extra_latency(ea))
    }

    #[inline(always)]
    fn load_xu(
        &mut self,
        mem: &mut impl Memory,
        f: XMem,
        size: u8,
        signed: bool,
        pc: u32,
        illegal: Trap,
    ) -> Result<u64, Trap> {
        if f.ra == 0 || f.ra == f.rt {
            return Err(illegal);
        }
        let ea = self.gpr[usize::from(f.ra & 31)].wrapping_add(self.gpr[usize::from(f.rb & 31)]);
        let v = load_sized(mem, ea, size, signed, pc)?;
        self.set(f.rt, v);
        self.set(f.ra, ea);
        Ok(MEM + mem.extra_latency(ea))
    }

    #[inline(always)]
    fn store_x(&mut self, mem: &mut impl Memory, f: XMem, size: u8, pc: u32) -> Result<u64, Trap> {
        let ea = self
            .ra0(f.ra)
            .wrapping_add(self.gpr[usize::from(f.rb & 31)]);
        store_sized(mem, ea, self.gpr[usize::from(f.rt & 31)], size, pc)?;
        Ok(MEM + mem.extra_latency(ea))
    }

    #[inline(always)]
    fn store_xu(
        &mut self,
        mem: &mut impl Memory,
        f: XMem,
        size: u8,
        pc: u32,
        illegal: Trap,
    ) -> Result<u64, Trap> {
        if f.ra == 0 {
            return Err(illegal);
        }
        let ea = self.gpr[usize::from(f.ra & 31)].wrapping_add(self.gpr[usize::from(f.rb & 31)]);
        store_sized(mem, ea, self.gpr[usize::from(f.rt & 31)], size, pc)?;
        self.set(f.ra, ea);
        Ok(MEM + mem.extra_latency(ea))
    }
}

/// An aligned data load of `size` bytes, sign-extending a halfword if `signed`.
#[inline(always)]
fn load_sized(
    mem: &mut impl Memory,
    ea: u32,
    size: u8,
    signed: bool,
    pc: u32,
) -> Result<u32, Trap> {
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

/// An aligned data store of the low `size` bytes of `v`.
#[inline(always)]
fn store_sized(mem: &mut impl Memory, ea: u32, v: u32, size: u8, pc: u32) -> Result<(), Trap> {
    check_align(ea, size, pc)?;
    let v = if size == 4 {
        v
    } else {
        v & ((1 << (8 * size)) - 1)
    };
    mem.store(ea, size, v)
        .map_err(|fault| Trap::Memory { pc, fault })
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
