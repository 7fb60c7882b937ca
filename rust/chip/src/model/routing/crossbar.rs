//! The SPL1 crossbar, the PADI buses and the synapse drivers: the node table and its
//! matching, the crossbar drop and event counters, `padi_event` writes, and the path of an
//! event from a crossbar input to the synapse rows it drives.

use super::{field, flag, reset_words, Pending, Routing};
use super::{
    CROSSBAR_INPUTS, DRIVERS_PER_BLOCK, L2_LATENCY_CYCLES, L2_OUTPUT, PADI_BUSES, SYNRAMS,
};
use crate::model::Event;
use regmap::id;
use regmap::typed::{
    CommonPadiBusConfig as PadiReg, CrossbarInputDropCounter as DropReg, CrossbarNode as NodeReg,
    CrossbarOutputConfig as OutReg, CrossbarOutputEventCounter as EvReg, PadiEvent as PadiEventReg,
    SynapseDriverConfig as DrvReg,
};

const _: () = {
    // Repeated one-bit fields with a constant stride.
    assert!(OutReg::ENABLE_EVENT_COUNTER_11_LSB == OutReg::ENABLE_EVENT_COUNTER_0_LSB + 11);
    assert!(PadiReg::ENABLE_SPL1_3_LSB == PadiReg::ENABLE_SPL1_0_LSB + 3);
    assert!(PadiEventReg::FIRE_BUS_3_LSB == PadiEventReg::FIRE_BUS_0_LSB + 3);
};

#[derive(Debug, Clone, Copy)]
pub(super) struct Node {
    output: u8,
    mask: u16,
    target: u16,
    count_drops: bool,
}

impl Node {
    fn decode(output: u8, word: u32) -> Self {
        Node {
            output,
            mask: field(word, NodeReg::MASK_LSB, NodeReg::MASK_MASK) as u16,
            target: field(word, NodeReg::TARGET_LSB, NodeReg::TARGET_MASK) as u16,
            count_drops: flag(word, NodeReg::ENABLE_DROP_COUNTER_LSB),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Driver {
    receiver: bool,
    compare_mask: u8,
    /// Row modes: bit 0 excitatory, bit 1 inhibitory.
    mode_top: u8,
    mode_bottom: u8,
}

impl Driver {
    pub(super) fn decode(w: u32) -> Self {
        Driver {
            receiver: flag(w, DrvReg::ENABLE_RECEIVER_LSB),
            compare_mask: field(
                w,
                DrvReg::ROW_ADDRESS_COMPARE_MASK_LSB,
                DrvReg::ROW_ADDRESS_COMPARE_MASK_MASK,
            ) as u8,
            mode_top: field(w, DrvReg::ROW_MODE_TOP_LSB, DrvReg::ROW_MODE_TOP_MASK) as u8,
            mode_bottom: field(w, DrvReg::ROW_MODE_BOTTOM_LSB, DrvReg::ROW_MODE_BOTTOM_MASK) as u8,
        }
    }
}

/// The crossbar nodes at reset, in register order, and the node range of each input:
/// `nodes[input_nodes[i].0..input_nodes[i].1]`.
pub(super) fn node_table() -> (Vec<Node>, [(u8, u8); CROSSBAR_INPUTS]) {
    let node_reg = NodeReg::desc();
    let node_reset = reset_words::<1>(id::CROSSBAR_NODE)[0];
    let dims = node_reg.dims.len();
    let mut nodes = Vec::with_capacity(NodeReg::COUNT as usize);
    let mut input_nodes = [(0u8, 0u8); CROSSBAR_INPUTS];
    for (k, t) in node_reg.valid.chunks_exact(dims).enumerate() {
        let (input, output) = (t[0] as usize, t[1] as u8);
        nodes.push(Node::decode(output, node_reset));
        if let Some(r) = input_nodes.get_mut(input) {
            if r.1 == 0 {
                *r = (k as u8, k as u8 + 1);
            } else {
                r.1 = k as u8 + 1;
            }
        }
    }
    (nodes, input_nodes)
}

impl Routing {
    pub(super) fn write_node(&mut self, i: usize, word: u32) {
        if let Some(node) = self.nodes.get_mut(i) {
            *node = Node::decode(node.output, word);
        }
    }

    pub(super) fn decode_padi(&mut self, block: usize) {
        self.spl1[block] = field(self.padi_config[block], PadiReg::ENABLE_SPL1_0_LSB, 0xF) as u8;
    }

    /// A `padi_event` write to block `i`: queued for the next step.
    pub(super) fn write_padi_event(&mut self, i: usize, word: u32) {
        if i < SYNRAMS {
            let buses = field(word, PadiEventReg::FIRE_BUS_0_LSB, 0xF) as u8;
            let address = field(
                word,
                PadiEventReg::EVENT_ADDRESS_LSB,
                PadiEventReg::EVENT_ADDRESS_MASK,
            );
            let row = field(
                word,
                PadiEventReg::ROW_SELECT_ADDRESS_LSB,
                PadiEventReg::ROW_SELECT_ADDRESS_MASK,
            );
            if buses != 0 {
                let label = ((row << 6) | address) as u16;
                let block = i as u8;
                // Time 0: applied in whichever step comes next.
                self.push(
                    0,
                    Pending::Padi {
                        block,
                        buses,
                        label,
                    },
                );
            }
        }
    }

    pub(super) fn write_driver(&mut self, i: usize, w: usize, word: u32) {
        if let Some(words) = self.driver_words.get_mut(i) {
            if let Some(slot) = words.get_mut(w) {
                *slot = word;
            }
            self.drivers[i] = Driver::decode(words[DrvReg::ENABLE_RECEIVER_WORD]);
        }
    }

    pub(super) fn read_drop_counter(&self, i: usize) -> Option<u32> {
        self.drop_counters
            .get(i)
            .map(|&c| (c as u32 & DropReg::VALUE_MASK) << DropReg::VALUE_LSB)
    }

    pub(super) fn read_event_counter(&self, i: usize) -> Option<u32> {
        self.event_counters
            .get(i)
            .map(|&c| (c & EvReg::VALUE_MASK) << EvReg::VALUE_LSB)
    }

    /// One event through the crossbar: entered at `entry`, routed in the step of `time`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn crossbar(
        &mut self,
        entry: u64,
        time: u64,
        input: usize,
        label: u16,
        exc: &mut [f32],
        inh: &mut [f32],
        out: &mut Vec<Event>,
    ) {
        let Some(&(lo, hi)) = self.input_nodes.get(input) else {
            return;
        };
        let mut matched = false;
        let mut count_drop = false;
        for k in lo as usize..hi as usize {
            let node = self.nodes[k];
            if label & node.mask != node.target {
                count_drop |= node.count_drops;
                continue;
            }
            matched = true;
            let o = node.output as usize;
            if flag(
                self.output_config,
                OutReg::ENABLE_EVENT_COUNTER_0_LSB + o as u32,
            ) {
                self.event_counters[o] = (self.event_counters[o] + 1) & EvReg::VALUE_MASK;
            }
            if o >= L2_OUTPUT {
                out.push(Event::Spike {
                    time: entry.saturating_add(L2_LATENCY_CYCLES),
                    label: (((o - L2_OUTPUT) as u16) << 14) | label,
                });
            } else {
                let (block, bus) = (o / PADI_BUSES, o % PADI_BUSES);
                if (self.spl1[block] >> bus) & 1 != 0 {
                    self.padi(block, bus, label, time, exc, inh);
                }
            }
        }
        if !matched && count_drop {
            self.drop_counters[input] = self.drop_counters[input].wrapping_add(1);
        }
    }

    /// An event on PADI bus `bus` of `block`: to the addressed drivers and their rows.
    pub(super) fn padi(
        &mut self,
        block: usize,
        bus: usize,
        label: u16,
        time: u64,
        exc: &mut [f32],
        inh: &mut [f32],
    ) {
        let row_select = ((label >> 6) & 0x1F) as u8;
        let address = (label & 0x3F) as u8;
        for k in 0..DRIVERS_PER_BLOCK / PADI_BUSES {
            let d = PADI_BUSES * k + bus;
            let drv = self.drivers[block * DRIVERS_PER_BLOCK + d];
            if !drv.receiver || (row_select ^ k as u8) & drv.compare_mask != 0 {
                continue;
            }
            if drv.mode_top != 0 {
                self.drive_row(block, 2 * d, address, drv.mode_top, time, exc, inh);
            }
            if drv.mode_bottom != 0 {
                self.drive_row(block, 2 * d + 1, address, drv.mode_bottom, time, exc, inh);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_table_matches_the_map() {
        let r = Routing::new();
        assert_eq!(r.nodes.len(), 76);
        assert_eq!(r.input_nodes[0], (0, 3));
        assert_eq!(r.input_nodes[8].1 - r.input_nodes[8].0, 9);
        assert_eq!(r.input_nodes[19].1, 76);
        for (i, &(lo, hi)) in r.input_nodes.iter().enumerate() {
            assert!(lo < hi, "input {i} has no node");
        }
    }
}
