//! Introspection of the model (not a silicon path): what tests and calibration read to
//! judge the chip, gathered into plain structs so that a host binding only converts.

use crate::executor::Executor;
use crate::model::neuron::NeuronState;
use crate::ppus::{PpuCore, Ppus};

/// FPGA cycles as seconds of hardware time, at the map's FPGA clock.
pub fn fpga_cycles_to_seconds(cycles: u64) -> f64 {
    cycles as f64 / regmap::CHIP.fpga_clock_hz as f64
}

/// Every compartment's true parameters, one column (512 entries) per name: SI units for
/// the real-valued ones, switches as booleans.
#[derive(Debug, Clone, Default)]
pub struct NeuronTruth {
    pub reals: Vec<(&'static str, Vec<f64>)>,
    pub switches: Vec<(&'static str, Vec<bool>)>,
}

/// A PPU's core as a host sees it through introspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PpuSnapshot {
    pub pc: u32,
    pub gpr: [u32; 32],
    pub cycles: u64,
    pub instructions: u64,
    pub vector_instructions: u64,
    pub stall_cycles: u64,
    pub sleep_cycles: u64,
    pub sleeping: bool,
    pub released: bool,
    /// What stopped the core, as text.
    pub fault: Option<String>,
}

/// One traced instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    pub pc: u32,
    pub word: u32,
    /// PPU cycle at which the instruction started.
    pub cycle: u64,
    pub text: String,
}

/// A PPU number other than 0 (top) or 1 (bottom).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("PPU {0}; allowed 0 (top), 1 (bottom)")]
pub struct NoSuchPpu(pub usize);

impl Executor {
    /// Every compartment's true parameters at the current time, with the refractory and
    /// reset-release times in seconds.
    pub fn introspect_neurons(&mut self) -> NeuronTruth {
        let seconds = |c: &[u32]| {
            c.iter()
                .map(|&c| fpga_cycles_to_seconds(c.into()))
                .collect()
        };
        let t_ref = seconds(self.chip.refractory());
        let t_release = seconds(self.chip.reset_release());
        let (p, _) = self.introspect();
        let mut reals: Vec<(&'static str, Vec<f64>)> = [
            ("c_mem", &p.c_mem),
            ("g_leak", &p.g_leak),
            ("e_leak", &p.e_leak),
            ("g_reset", &p.g_reset),
            ("v_reset", &p.v_reset),
            ("v_thresh", &p.v_thresh),
            ("tau_exc", &p.tau_exc),
            ("tau_inh", &p.tau_inh),
            ("scale_exc", &p.scale_exc),
            ("scale_inh", &p.scale_inh),
            ("offset_exc", &p.offset_exc),
            ("offset_inh", &p.offset_inh),
            ("e_rev_exc", &p.e_rev_exc),
            ("e_rev_inh", &p.e_rev_inh),
            ("coba_exc", &p.coba_exc),
            ("coba_inh", &p.coba_inh),
            ("a", &p.a),
            ("b", &p.b),
            ("tau_w", &p.tau_w),
            ("v_adapt_leak", &p.v_adapt_leak),
            ("w_ref", &p.w_ref),
            ("i_exp0", &p.i_exp0),
            ("v_t", &p.v_t),
            ("delta_t", &p.delta_t),
            ("i_offset", &p.i_offset),
            ("g_icc", &p.g_icc),
        ]
        .into_iter()
        .map(|(n, v)| (n, v.clone()))
        .collect();
        reals.push(("t_ref", t_ref));
        reals.push(("t_release", t_release));
        let switches = [
            ("fire", &p.fire),
            ("exc_on", &p.exc_on),
            ("inh_on", &p.inh_on),
            ("adapt_on", &p.adapt_on),
            ("exp_on", &p.exp_on),
        ]
        .into_iter()
        .map(|(n, v)| (n, v.clone()))
        .collect();
        NeuronTruth { reals, switches }
    }

    /// The dynamic state of every compartment at the current time.
    pub fn introspect_state(&mut self) -> &NeuronState {
        self.introspect().1
    }
}

impl Ppus {
    /// PPU `ppu` (0 top, 1 bottom).
    pub fn core(&self, ppu: usize) -> Result<&PpuCore, NoSuchPpu> {
        self.cores.get(ppu).ok_or(NoSuchPpu(ppu))
    }

    /// Program counter, registers and run counters of PPU `ppu` since it left reset.
    pub fn snapshot(&self, ppu: usize) -> Result<PpuSnapshot, NoSuchPpu> {
        let core = self.core(ppu)?;
        let c = &core.cpu;
        Ok(PpuSnapshot {
            pc: c.pc,
            gpr: c.gpr,
            cycles: c.cycles,
            instructions: c.instructions,
            vector_instructions: c.stats.vector_instructions,
            stall_cycles: c.stats.stall_cycles(),
            sleep_cycles: c.stats.sleep_cycles,
            sleeping: c.sleeping,
            released: core.released(),
            fault: core.fault.map(|t| t.to_string()),
        })
    }

    /// Record the next `limit` instructions of PPU `ppu` from its next release (0: off).
    pub fn set_trace(&mut self, ppu: usize, limit: usize) -> Result<(), NoSuchPpu> {
        self.cores.get_mut(ppu).ok_or(NoSuchPpu(ppu))?.trace_limit = limit;
        Ok(())
    }

    /// The recorded trace of PPU `ppu`, disassembled.
    pub fn trace_lines(&self, ppu: usize) -> Result<Vec<TraceLine>, NoSuchPpu> {
        let trace = self.core(ppu)?.cpu.trace.as_ref();
        Ok(trace
            .map(|t| {
                t.entries
                    .iter()
                    .map(|e| TraceLine {
                        pc: e.pc,
                        word: e.word,
                        cycle: e.cycles_before,
                        text: e.disassembly(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_become_seconds_at_the_map_clock() {
        assert_eq!(regmap::CHIP.fpga_clock_hz, 125_000_000);
        assert_eq!(fpga_cycles_to_seconds(125), 1e-6);
        assert_eq!(fpga_cycles_to_seconds(0), 0.0);
    }

    #[test]
    fn introspection_names_every_column_once() {
        let mut ex = Executor::new();
        let truth = ex.introspect_neurons();
        let mut names: Vec<&str> = truth.reals.iter().map(|(n, _)| *n).collect();
        names.extend(truth.switches.iter().map(|(n, _)| *n));
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert!(truth.reals.iter().all(|(_, v)| v.len() == 512));
        assert!(truth.switches.iter().all(|(_, v)| v.len() == 512));
    }

    #[test]
    fn ppus_are_numbered_0_and_1() {
        let mut ex = Executor::new();
        assert!(ex.ppus.snapshot(1).is_ok());
        assert_eq!(ex.ppus.set_trace(2, 10), Err(NoSuchPpu(2)));
        assert_eq!(
            ex.ppus.trace_lines(2).unwrap_err().to_string(),
            "PPU 2; allowed 0 (top), 1 (bottom)"
        );
        assert_eq!(ex.ppus.trace_lines(0), Ok(Vec::new()));
    }
}
