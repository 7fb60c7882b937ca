//! The drivers: one step, a run of many, sleeping, running against a clock.
//!
//! Every public driver brackets its work with `enter` (anchor the timers at `cycles`,
//! take an interrupt that is already pending and enabled, schedule the next timer
//! event) and `leave` (bring `dec`/`tsr` to `cycles`, drop the anchor). In between,
//! the hot loop only compares `cycles` with the precomputed `next_event`.

use super::dcache::DecodeCache;
use super::stats::TraceEntry;
use super::{Cpu, Memory, RunOutcome, StepOutcome, Trap};
use crate::insn::Insn;

impl Cpu {
    /// Starts a driver call; the decode cache is lent out of `self` until `leave`, so
    /// the hot loop can borrow decoded instructions while executing on `self`.
    fn enter(&mut self) -> DecodeCache {
        let mut cache = std::mem::take(&mut self.dcache);
        cache.ensure();
        self.timer_anchor = Some(self.cycles);
        self.service_events();
        cache
    }

    fn leave(&mut self, cache: DecodeCache) {
        self.dcache = cache;
        self.sync_timers();
        self.timer_anchor = None;
        self.next_event = 0;
    }

    /// Executes one instruction (after taking an asynchronous interrupt that is
    /// already pending and enabled). See the module docs for trap semantics.
    pub fn step(&mut self, mem: &mut impl Memory) -> Result<StepOutcome, Trap> {
        let mut cache = self.enter();
        let r = self.step_inner::<true>(&mut cache, mem);
        self.leave(cache);
        r
    }

    /// Steps until the core sleeps or `max_instructions` instructions executed.
    pub fn run(
        &mut self,
        mem: &mut impl Memory,
        max_instructions: u64,
    ) -> Result<RunOutcome, Trap> {
        let mut cache = self.enter();
        let start = self.instructions;
        let result = if self.trace.is_some() {
            self.run_loop::<true>(&mut cache, mem, max_instructions, start)
        } else {
            self.run_loop::<false>(&mut cache, mem, max_instructions, start)
        };
        self.leave(cache);
        result
    }

    /// The loop of [`Cpu::run`], specialised on whether a trace is recorded (nothing
    /// inside a run can attach or detach one).
    fn run_loop<const TRACE: bool>(
        &mut self,
        cache: &mut DecodeCache,
        mem: &mut impl Memory,
        max_instructions: u64,
        start: u64,
    ) -> Result<RunOutcome, Trap> {
        let mut result = Ok(RunOutcome::Limit);
        for _ in 0..max_instructions {
            match self.step_inner::<TRACE>(cache, mem) {
                Ok(StepOutcome::Continue) => {}
                Ok(StepOutcome::Sleep) => {
                    result = Ok(RunOutcome::Sleep {
                        executed: self.instructions.wrapping_sub(start),
                    });
                    break;
                }
                Err(t) => {
                    result = Err(t);
                    break;
                }
            }
        }
        result
    }

    /// Runs until `cycles >= cycle_limit`, sleeping through `wait` (time advances
    /// while asleep, and an enabled interrupt wakes the core), so a host can keep the
    /// core in lock-step with a clock. The last instruction may end past the limit.
    /// Returns whether the core is asleep at the end.
    pub fn run_until(
        &mut self,
        mem: &mut impl Memory,
        cycle_limit: u64,
    ) -> Result<StepOutcome, Trap> {
        let mut cache = self.enter();
        let result = if self.trace.is_some() {
            self.run_until_loop::<true>(&mut cache, mem, cycle_limit)
        } else {
            self.run_until_loop::<false>(&mut cache, mem, cycle_limit)
        };
        self.leave(cache);
        result.map(|()| {
            if self.sleeping {
                StepOutcome::Sleep
            } else {
                StepOutcome::Continue
            }
        })
    }

    /// The loop of [`Cpu::run_until`] (see [`Cpu::run_loop`]).
    fn run_until_loop<const TRACE: bool>(
        &mut self,
        cache: &mut DecodeCache,
        mem: &mut impl Memory,
        cycle_limit: u64,
    ) -> Result<(), Trap> {
        while self.cycles < cycle_limit {
            if self.sleeping {
                self.sleep_for(cycle_limit - self.cycles);
            } else {
                self.step_inner::<TRACE>(cache, mem)?;
            }
        }
        Ok(())
    }

    /// Lets a sleeping core sleep for up to `max_cycles`: time and the timers advance,
    /// and an enabled asynchronous interrupt ends the sleep early (it is taken, so the
    /// core resumes at its vector). Returns the cycles that passed (including the
    /// interrupt entry); 0 if the core was awake.
    pub fn advance_sleep(&mut self, max_cycles: u64) -> u64 {
        if !self.sleeping {
            return 0;
        }
        let cache = self.enter();
        let start = self.cycles;
        if self.sleeping {
            self.sleep_for(max_cycles);
        }
        self.leave(cache);
        self.cycles - start
    }

    /// Sleeps from one timer event to the next, O(1) per event.
    fn sleep_for(&mut self, max_cycles: u64) {
        let target = self.cycles.saturating_add(max_cycles);
        while self.sleeping && self.cycles < target {
            let to = self.next_event.clamp(self.cycles, target);
            self.stats.sleep_cycles += to - self.cycles;
            self.cycles = to;
            if self.cycles >= self.next_event {
                self.service_events();
            }
        }
    }

    /// One instruction inside `enter`/`leave`: the hot path.
    #[inline(always)]
    fn step_inner<const TRACE: bool>(
        &mut self,
        cache: &mut DecodeCache,
        mem: &mut impl Memory,
    ) -> Result<StepOutcome, Trap> {
        if self.sleeping {
            return Ok(StepOutcome::Sleep);
        }
        let pc = self.pc;
        let word = if pc & 3 != 0 {
            Err(Trap::Alignment { pc, addr: pc })
        } else {
            mem.clock(self.cycles);
            mem.fetch(pc).map_err(|fault| Trap::Memory { pc, fault })
        };
        let word = match word {
            Ok(w) => w,
            Err(t) => return self.trap(t, true, false),
        };
        let insn = match cache.decode(pc, word) {
            Ok(i) => i,
            Err(_) => return self.trap(Trap::Illegal { pc, word }, false, false),
        };
        let cycles_before = self.cycles;
        let mut next = pc.wrapping_add(4);
        let cost = match self.exec(insn, pc, word, &mut next, mem) {
            Ok(c) => c,
            Err(t) => return self.trap(t, false, is_store(insn)),
        };
        self.pc = next;
        self.cycles = self.cycles.wrapping_add(cost);
        self.instructions = self.instructions.wrapping_add(1);
        if let Some(trace) = self.trace.as_mut().filter(|_| TRACE) {
            trace.record(TraceEntry {
                pc,
                word,
                cycles_before,
            });
        }
        if self.cycles >= self.next_event {
            self.service_events();
        }
        Ok(if self.sleeping {
            StepOutcome::Sleep
        } else {
            StepOutcome::Continue
        })
    }

    /// A synchronous exception: reported, or taken through its vector.
    #[cold]
    fn trap(&mut self, trap: Trap, fetch: bool, store: bool) -> Result<StepOutcome, Trap> {
        match self.trap_policy {
            super::TrapPolicy::Report => Err(trap),
            super::TrapPolicy::Vector => {
                self.vector_trap(trap, fetch, store);
                if self.cycles >= self.next_event {
                    self.service_events();
                }
                Ok(StepOutcome::Continue)
            }
        }
    }
}

/// Whether a faulting access of `insn` was a store (ESR.ST).
fn is_store(insn: &Insn) -> bool {
    use crate::insn::FxvOp;
    use Insn::*;
    match insn {
        Stw(_) | Stwu(_) | Stb(_) | Stbu(_) | Sth(_) | Sthu(_) | Stmw(_) | Stwx(_) | Stwux(_)
        | Stbx(_) | Stbux(_) | Sthx(_) | Sthux(_) | Ecowx(_) => true,
        Fxv(f) => matches!(f.op, FxvOp::Fxvstax | FxvOp::Fxvoutx),
        _ => false,
    }
}
