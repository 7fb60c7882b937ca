//! The digital event path (model::routing) through its public API, configured with register
//! words built by regmap, as the executor would deliver them.

use chip::model::routing::{Routing, CORRELATION_MAX, CORRELATION_TAU_CYCLES, L2_LATENCY_CYCLES};
use chip::model::Event;
use proptest::prelude::*;
use regmap::quirks::{synapse_column, weight_permutation};
use regmap::RegisterDesc;

const NEURONS: usize = 512;

fn reg(name: &str) -> &'static RegisterDesc {
    regmap::register(name).unwrap()
}

/// Write every word of one instance, from named field values (others at reset).
fn write(r: &mut Routing, name: &str, index: u32, named: &[(&str, i64)]) {
    let reg = reg(name);
    let words = regmap::codec::encode_named(reg, Some(index), named).unwrap();
    for (w, &word) in words.iter().enumerate() {
        write_word(r, name, index, w as u8, word);
    }
}

fn write_word(r: &mut Routing, name: &str, index: u32, word_number: u8, word: u32) {
    let a = reg(name).address(index, word_number).unwrap();
    let loc = regmap::locate(a).unwrap();
    assert_eq!(loc.register.name, name);
    assert!(r.on_write(&loc, word), "{name} is routing's");
}

fn read(r: &Routing, name: &str, index: u32, word_number: u8) -> u32 {
    let a = reg(name).address(index, word_number).unwrap();
    r.read(&regmap::locate(a).unwrap()).unwrap()
}

/// Instance index of crossbar node (input, output).
fn node(input: u32, output: u32) -> u32 {
    reg("crossbar_node")
        .valid
        .chunks_exact(2)
        .position(|t| t == [input, output])
        .unwrap() as u32
}

fn nodes_of_input(input: u32) -> Vec<u32> {
    reg("crossbar_node")
        .valid
        .chunks_exact(2)
        .filter(|t| t[0] == input)
        .map(|t| t[1])
        .collect()
}

/// Instance of neuron_backend_config for neuron n: block = column / 128, then the 2 x 128
/// neurons of the block row-major.
fn backend_index(n: usize) -> u32 {
    let (row, column) = (n / 256, n % 256);
    ((column / 128) * 256 + row * 128 + column % 128) as u32
}

/// Index of synapse_quad (and its windows and correlation_reset) of a synapse.
fn quad_index(synram: usize, row: usize, column: usize) -> (u32, u32) {
    let (q, e) = regmap::quirks::quad_entry_of_column(column as u32);
    (((synram * 256 + row) * 64) as u32 + q, e)
}

/// Set one synapse, keeping the other three of its quad.
fn set_synapse(r: &mut Routing, synram: usize, row: usize, column: usize, w: u8, l: u8) {
    let (q, e) = quad_index(synram, row, column);
    let mut named: Vec<(String, i64)> = Vec::new();
    for k in 0..4 {
        let c = synapse_column(q % 64, k) as usize;
        let (w0, l0) = if k == e {
            (w, l)
        } else {
            r.synapse(synram, row, c)
        };
        named.push((format!("weight_{k}"), w0 as i64));
        named.push((format!("label_{k}"), l0 as i64));
    }
    let named: Vec<(&str, i64)> = named.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    write(r, "synapse_quad", q, &named);
}

struct Sim {
    r: Routing,
    t: u64,
    exc: Vec<f32>,
    inh: Vec<f32>,
    out: Vec<Event>,
}

impl Sim {
    fn new() -> Self {
        Sim {
            r: Routing::new(),
            t: 0,
            exc: vec![0.0; NEURONS],
            inh: vec![0.0; NEURONS],
            out: Vec::new(),
        }
    }
    fn run(&mut self, cycles: u64) {
        for _ in 0..cycles {
            self.r
                .step(self.t, &mut self.exc, &mut self.inh, &mut self.out);
            self.t += 1;
        }
    }
    fn clear_inputs(&mut self) {
        self.exc.fill(0.0);
        self.inh.fill(0.0);
    }
    fn spikes(&self) -> Vec<(u64, u16)> {
        self.out
            .iter()
            .filter_map(|e| match *e {
                Event::Spike { time, label } => Some((time, label)),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn latency_matches_the_former_executor_loopback() {
    assert_eq!(L2_LATENCY_CYCLES, 4);
}

#[test]
fn reset_state_forwards_everything_and_is_idle() {
    let mut s = Sim::new();
    assert!(s.r.idle());
    s.run(10);
    assert!(s.out.is_empty() && s.r.delivered() == 0);
    // Nodes reset to mask 0 / target 0: an L2 event loops back on its own channel. The PADI
    // buses do not listen (enable_spl1 = 0), so no synapse sees it.
    s.r.inject(s.t, (3 << 14) | 0x2ABC);
    assert!(!s.r.idle());
    s.run(10);
    assert_eq!(s.spikes(), vec![(14, (3 << 14) | 0x2ABC)]);
    assert_eq!(s.r.delivered(), 0);
    assert!(s.r.idle());
}

#[test]
fn l2_loopback_timing() {
    let mut s = Sim::new();
    s.run(100);
    let label = (2 << 14) | 0x123;
    s.r.inject(100, label);
    s.r.inject(103, 0x0042); // channel 0, still in the future
    s.run(20);
    assert_eq!(
        s.spikes(),
        vec![
            (100 + L2_LATENCY_CYCLES, label),
            (103 + L2_LATENCY_CYCLES, 0x0042)
        ]
    );
}

#[test]
fn crossbar_mask_target_and_drop_counters() {
    let mut s = Sim::new();
    // L2 input 8 (channel 0): the loopback node passes labels with bits 7-4 = 3; every
    // PADI node of the input passes only label 0x3FFF.
    write(
        &mut s.r,
        "crossbar_node",
        node(8, 8),
        &[("mask", 0x00F0), ("target", 0x0030)],
    );
    for o in nodes_of_input(8).into_iter().filter(|&o| o < 8) {
        write(
            &mut s.r,
            "crossbar_node",
            node(8, o),
            &[("mask", 0x3FFF), ("target", 0x3FFF)],
        );
    }
    write(
        &mut s.r,
        "crossbar_output_config",
        0,
        &[("enable_event_counter_8", 1), ("enable_event_counter_9", 1)],
    );
    for (k, label) in [0x0035u16, 0x0045, 0x1F3F, 0x0030].into_iter().enumerate() {
        s.r.inject(k as u64, label);
    }
    s.run(10);
    assert_eq!(
        s.spikes(),
        vec![(4, 0x0035), (6, 0x1F3F), (7, 0x0030)],
        "only labels with bits 7-4 = 3 pass"
    );
    let drops = |r: &Routing, i: u32| read(r, "crossbar_input_drop_counter", i, 0);
    let events = |r: &Routing, o: u32| read(r, "crossbar_output_event_counter", o, 0);
    assert_eq!(drops(&s.r, 8), 1);
    assert_eq!(events(&s.r, 8), 3);
    assert_eq!(events(&s.r, 9), 0);
    assert_eq!(events(&s.r, 0), 0, "counter of output 0 not enabled");

    // Turn the drop counter off on all but one node: still counted (some node says so).
    for o in nodes_of_input(8).into_iter().filter(|&o| o != 3) {
        let (m, t) = if o == 8 {
            (0x00F0, 0x0030)
        } else {
            (0x3FFF, 0x3FFF)
        };
        write(
            &mut s.r,
            "crossbar_node",
            node(8, o),
            &[("mask", m), ("target", t), ("enable_drop_counter", 0)],
        );
    }
    s.r.inject(s.t, 0x0001);
    s.run(2);
    assert_eq!(drops(&s.r, 8), 2);
    // ... and off on every node: dropped silently.
    write(
        &mut s.r,
        "crossbar_node",
        node(8, 3),
        &[
            ("mask", 0x3FFF),
            ("target", 0x3FFF),
            ("enable_drop_counter", 0),
        ],
    );
    s.r.inject(s.t, 0x0002);
    s.run(2);
    assert_eq!(drops(&s.r, 8), 2);
    // Other inputs count their own drops.
    assert_eq!(drops(&s.r, 9), 0);
    write(
        &mut s.r,
        "crossbar_node",
        node(9, 9),
        &[("mask", 1), ("target", 1)],
    );
    for o in nodes_of_input(9).into_iter().filter(|&o| o < 8) {
        write(
            &mut s.r,
            "crossbar_node",
            node(9, o),
            &[("mask", 1), ("target", 1)],
        );
    }
    s.r.inject(s.t, (1 << 14) | 0x10);
    s.r.inject(s.t, (1 << 14) | 0x11);
    s.run(6);
    assert_eq!(drops(&s.r, 9), 1);
    assert_eq!(events(&s.r, 9), 1);
    assert_eq!(s.spikes().last().unwrap().1, (1 << 14) | 0x11);
}

#[test]
fn event_counter_is_24_bit_and_drop_counter_16_bit() {
    let mut s = Sim::new();
    write(
        &mut s.r,
        "crossbar_output_config",
        0,
        &[("enable_event_counter_8", 1)],
    );
    // 70,000 events through output 8 in few steps; drops wrap at 16 bit.
    for k in 0..70_000u64 {
        s.r.inject(k / 1000, 0x0011);
    }
    s.run(80);
    assert_eq!(read(&s.r, "crossbar_output_event_counter", 8, 0), 70_000);
    for o in nodes_of_input(8) {
        write(
            &mut s.r,
            "crossbar_node",
            node(8, o),
            &[("mask", 0x3FFF), ("target", 0x3FFF)],
        );
    }
    for k in 0..70_000u64 {
        s.r.inject(s.t + k / 1000, 0x0011);
    }
    s.run(80);
    assert_eq!(
        read(&s.r, "crossbar_input_drop_counter", 8, 0),
        70_000 % 65_536
    );
}

/// A small reference of the PADI -> driver -> row -> synapse path for the test setup.
struct DriverSetup {
    receiver: bool,
    mask: u8,
    top: u8,
    bottom: u8,
}

fn expected_inputs(
    r: &Routing,
    block: usize,
    bus: usize,
    drivers: &[(usize, DriverSetup)],
    label: u16,
) -> (Vec<f32>, Vec<f32>) {
    let (mut exc, mut inh) = (vec![0.0f32; NEURONS], vec![0.0f32; NEURONS]);
    let (row_select, address) = (((label >> 6) & 0x1F) as usize, (label & 0x3F) as u8);
    for (d, cfg) in drivers {
        if d % 4 != bus || !cfg.receiver || (row_select ^ (d / 4)) & cfg.mask as usize != 0 {
            continue;
        }
        for (row, mode) in [(2 * d, cfg.top), (2 * d + 1, cfg.bottom)] {
            for c in 0..256 {
                let (w, l) = r.synapse(block, row, c);
                if l == address {
                    if mode & 1 != 0 {
                        exc[block * 256 + c] += w as f32;
                    }
                    if mode & 2 != 0 {
                        inh[block * 256 + c] += w as f32;
                    }
                }
            }
        }
    }
    (exc, inh)
}

fn configure_driver(r: &mut Routing, block: usize, d: usize, cfg: &DriverSetup) {
    write(
        r,
        "synapse_driver_config",
        (block * 128 + d) as u32,
        &[
            ("enable_receiver", cfg.receiver as i64),
            ("row_address_compare_mask", cfg.mask as i64),
            ("row_mode_top", cfg.top as i64),
            ("row_mode_bottom", cfg.bottom as i64),
        ],
    );
}

#[test]
fn padi_row_select_reaches_only_addressed_rows_and_labels() {
    let mut s = Sim::new();
    let (block, bus) = (1usize, 1usize);
    write(
        &mut s.r,
        "common_padi_bus_config",
        block as u32,
        &[("enable_spl1_1", 1)],
    );
    let d = |k: usize| 4 * k + bus;
    let drivers = vec![
        // Exact compare, row address 5: addressed.
        (
            d(5),
            DriverSetup {
                receiver: true,
                mask: 0x1F,
                top: 1,
                bottom: 2,
            },
        ),
        // Row address 6, exact: not addressed.
        (
            d(6),
            DriverSetup {
                receiver: true,
                mask: 0x1F,
                top: 1,
                bottom: 1,
            },
        ),
        // Row address 4, bit 0 ignored: 5 matches.
        (
            d(4),
            DriverSetup {
                receiver: true,
                mask: 0x1E,
                top: 3,
                bottom: 0,
            },
        ),
        // Mask 0: every row select matches.
        (
            d(9),
            DriverSetup {
                receiver: true,
                mask: 0,
                top: 2,
                bottom: 1,
            },
        ),
        // Receiver off.
        (
            d(10),
            DriverSetup {
                receiver: false,
                mask: 0,
                top: 1,
                bottom: 1,
            },
        ),
        // Another bus of the block: never sees bus 1.
        (
            4 * 5 + 2,
            DriverSetup {
                receiver: true,
                mask: 0,
                top: 1,
                bottom: 1,
            },
        ),
    ];
    for (dr, cfg) in &drivers {
        configure_driver(&mut s.r, block, *dr, cfg);
    }
    // Synapses with the matching label 7 and others (label 8) in every driven row, at
    // columns spread over both quad halves (even and odd columns).
    let mut k = 0u8;
    for (dr, _) in &drivers {
        for row in [2 * dr, 2 * dr + 1] {
            for (j, c) in [0usize, 1, 13, 100, 255, 254].into_iter().enumerate() {
                k = k % 63 + 1;
                let label = if j % 3 == 2 { 8 } else { 7 };
                set_synapse(&mut s.r, block, row, c, k, label);
            }
        }
    }
    // The same synapses in synram 0 must stay silent.
    set_synapse(&mut s.r, 0, 2 * d(5), 13, 50, 7);
    // Event via L2 channel 2 (input 10) -> node (10, 4 + 1) = PADI block 1, bus 1.
    let label = (5 << 6) | 7;
    let (exc, inh) = expected_inputs(&s.r, block, bus, &drivers, label);
    assert_eq!(exc.iter().filter(|&&x| x > 0.0).count(), 4);
    assert_eq!(inh.iter().filter(|&&x| x > 0.0).count(), 4);
    s.r.inject(s.t, (2 << 14) | label);
    s.run(1);
    assert_eq!(s.exc, exc);
    assert_eq!(s.inh, inh);
    // Rows driven: d(5) top+bottom, d(4) top, d(9) top+bottom.
    assert_eq!(s.r.delivered(), 5);

    // Another row select: 6 reaches d(6) and d(9) only.
    s.clear_inputs();
    let label = (6 << 6) | 7;
    let (exc, inh) = expected_inputs(&s.r, block, bus, &drivers, label);
    s.r.inject(s.t, (2 << 14) | label);
    s.run(1);
    assert_eq!(s.exc, exc);
    assert_eq!(s.inh, inh);
    assert_eq!(s.r.delivered(), 9);

    // Without enable_spl1 the bus ignores the crossbar.
    write(&mut s.r, "common_padi_bus_config", block as u32, &[]);
    s.clear_inputs();
    s.r.inject(s.t, (2 << 14) | label);
    s.run(1);
    assert!(s.exc.iter().chain(&s.inh).all(|&x| x == 0.0));
    assert_eq!(s.r.delivered(), 9);
}

#[test]
fn row_modes_select_excitatory_inhibitory_both_or_nothing() {
    for mode in 0..4u8 {
        let mut s = Sim::new();
        configure_driver(
            &mut s.r,
            0,
            3,
            &DriverSetup {
                receiver: true,
                mask: 0,
                top: mode,
                bottom: 0,
            },
        );
        set_synapse(&mut s.r, 0, 6, 42, 33, 12);
        set_synapse(&mut s.r, 0, 7, 43, 20, 12); // bottom row, disabled
                                                 // padi_event needs no enable_spl1; it applies in the next step.
        write(
            &mut s.r,
            "padi_event",
            0,
            &[
                ("fire_bus_3", 1),
                ("event_address", 12),
                ("row_select_address", 0),
            ],
        );
        s.run(1);
        let e = if mode & 1 != 0 { 33.0 } else { 0.0 };
        let i = if mode & 2 != 0 { 33.0 } else { 0.0 };
        assert_eq!((s.exc[42], s.inh[42]), (e, i), "mode {mode}");
        assert_eq!(s.exc.iter().sum::<f32>(), e);
        assert_eq!(s.inh.iter().sum::<f32>(), i);
        assert_eq!(s.r.delivered(), (mode != 0) as u64);
    }
}

#[test]
fn padi_event_fires_on_the_selected_buses_only() {
    let mut s = Sim::new();
    for bus in 0..4 {
        configure_driver(
            &mut s.r,
            1,
            bus,
            &DriverSetup {
                receiver: true,
                mask: 0,
                top: 1,
                bottom: 0,
            },
        );
        set_synapse(&mut s.r, 1, 2 * bus, bus, 10 + bus as u8, 5);
    }
    write(
        &mut s.r,
        "padi_event",
        1,
        &[("fire_bus_0", 1), ("fire_bus_2", 1), ("event_address", 5)],
    );
    assert!(!s.r.idle());
    s.run(3);
    assert_eq!(&s.exc[256..260], &[10.0, 0.0, 12.0, 0.0]);
    assert!(s.exc[..256].iter().all(|&x| x == 0.0));
    assert!(s.r.idle());
}

#[test]
fn neuron_spikes_are_counted_recorded_and_routed() {
    let mut s = Sim::new();
    // Neuron 256 + 70: block 0, event output 70 / 32 = 2; neuron 200: block 1, output 4 + 2.
    let (a, b) = (256 + 70, 200);
    write(
        &mut s.r,
        "neuron_backend_config",
        backend_index(a),
        &[("address_out", 0x47), ("enable_spike_out", 1)],
    );
    write(
        &mut s.r,
        "neuron_backend_config",
        backend_index(b),
        &[("address_out", 0x81), ("enable_spike_out", 1)],
    );
    // Neuron 5 fires but does not send.
    s.run(50);
    s.r.neuron_spikes(50, &[a, b, 5, 9999]);
    s.run(10);
    // Output o goes to L2 output 8 + o % 4 (node (o, 8 + o % 4)).
    let la = (2 << 14) | (2 << 8) | 0x47;
    let lb = (2 << 14) | (6 << 8) | 0x81;
    assert_eq!(s.spikes(), vec![(55, la), (55, lb)]);
    for n in [a, b, 5] {
        assert_eq!(read(&s.r, "spike_counter_read", n as u32, 0), 1);
    }

    // And to the synapses: output 2 -> PADI bus 2 of both blocks. Label 0x247: row select
    // bits 10-6 = 0b01001 = 9, address 7. Driver 4 * 9 + 2 = 38 of block 0.
    let mut s2 = Sim::new();
    write(
        &mut s2.r,
        "neuron_backend_config",
        backend_index(a),
        &[("address_out", 0x47), ("enable_spike_out", 1)],
    );
    write(
        &mut s2.r,
        "common_padi_bus_config",
        0,
        &[("enable_spl1_2", 1)],
    );
    configure_driver(
        &mut s2.r,
        0,
        38,
        &DriverSetup {
            receiver: true,
            mask: 0x1F,
            top: 1,
            bottom: 0,
        },
    );
    set_synapse(&mut s2.r, 0, 76, 3, 21, 7);
    s2.run(10);
    s2.r.neuron_spikes(10, &[a]);
    s2.run(1);
    assert_eq!(s2.exc[3], 0.0, "not in the same cycle");
    s2.run(1);
    assert_eq!(s2.exc[3], 21.0, "one cycle after the spike");
    assert_eq!(s2.exc.iter().sum::<f32>(), 21.0);
}

#[test]
fn spike_counter_saturates_with_overflow_and_resets() {
    let mut r = Routing::new();
    for t in 0..300 {
        r.neuron_spikes(t, &[5, 511]);
        if t < 3 {
            r.neuron_spikes(t, &[300]);
        }
        if t == 254 {
            assert_eq!(read(&r, "spike_counter_read", 5, 0), 255);
        }
    }
    assert_eq!(read(&r, "spike_counter_read", 5, 0), 255 | 1 << 8);
    assert_eq!(read(&r, "spike_counter_read", 511, 0), 255 | 1 << 8);
    assert_eq!(read(&r, "spike_counter_read", 300, 0), 3);
    assert_eq!(read(&r, "spike_counter_read", 0, 0), 0);
    write(&mut r, "spike_counter_reset", 5, &[("trigger", 1)]);
    assert_eq!(read(&r, "spike_counter_read", 5, 0), 0);
    assert_eq!(read(&r, "spike_counter_read", 511, 0), 255 | 1 << 8);
    r.neuron_spikes(400, &[5]);
    assert_eq!(read(&r, "spike_counter_read", 5, 0), 1);
}

#[test]
fn refractory_cycles_from_clock_scale() {
    let mut r = Routing::new();
    assert_eq!(
        r.refractory_cycles(0),
        1,
        "refractory_time 0 is still one cycle"
    );
    write(
        &mut r,
        "common_neuron_backend_config",
        0,
        &[("clock_scale_fast", 3), ("clock_scale_slow", 5)],
    );
    write(
        &mut r,
        "common_neuron_backend_config",
        1,
        &[("clock_scale_fast", 0), ("clock_scale_slow", 15)],
    );
    // f = 250 MHz / 2^(scale + 1): one tick is 2^scale FPGA cycles (8 ns).
    let cases = [
        (10usize, 20i64, 1i64, 20u32 * 8),
        (10, 20, 0, 20 * 32),
        (256 + 127, 255, 1, 255 * 8), // row 1, block 0
        (128, 7, 1, 7),               // block 1, fast scale 0: 7 cycles
        (511, 255, 0, 255 << 15),     // block 1, slow scale 15
        (300, 0, 0, 1),
    ];
    for (n, ticks, fast, want) in cases {
        write(
            &mut r,
            "neuron_backend_config",
            backend_index(n),
            &[("refractory_time", ticks), ("select_input_clock", fast)],
        );
        assert_eq!(r.refractory_cycles(n), want, "neuron {n}");
    }
    assert_eq!(r.refractory_cycles(12), 1, "other neurons untouched");
    assert_eq!(r.refractory_cycles(100_000), 1);
    assert!(!r.adaptation_pulse(10));
    write(
        &mut r,
        "neuron_backend_config",
        backend_index(10),
        &[("enable_adaptation_pulse", 1)],
    );
    assert!(r.adaptation_pulse(10) && !r.adaptation_pulse(11));
}

fn enable_background(r: &mut Routing, i: u32, named: &[(&str, i64)]) {
    let mut v = named.to_vec();
    v.push(("enable", 1));
    write(r, "background_spike_source", i, &v);
}

#[test]
fn periodic_background_source_has_an_exact_rate() {
    let mut s = Sim::new();
    // Source 1 -> crossbar input 13 -> L2 output 9 (channel 1) and PADI output 1.
    enable_background(&mut s.r, 1, &[("period", 100), ("neuron_label", 0x1234)]);
    s.run(100_001);
    let spikes = s.spikes();
    assert_eq!(spikes.len(), 1000);
    for (k, &(t, l)) in spikes.iter().enumerate() {
        assert_eq!(t, 100 * (k as u64 + 1) + L2_LATENCY_CYCLES);
        assert_eq!(l, (1 << 14) | 0x1234);
    }
    // Disabled: silent and idle.
    write(&mut s.r, "background_spike_source", 1, &[("period", 100)]);
    assert!(s.r.idle());
    s.out.clear();
    s.run(1000);
    assert!(s.out.is_empty());
}

#[test]
fn background_mask_randomises_only_the_masked_bits() {
    let mut s = Sim::new();
    enable_background(
        &mut s.r,
        0,
        &[
            ("period", 3),
            ("neuron_label", 0x2A5A),
            ("mask", 0x0F),
            ("seed", 99),
        ],
    );
    s.run(3000);
    let labels: Vec<u16> = s.spikes().iter().map(|&(_, l)| l).collect();
    assert_eq!(labels.len(), 999);
    assert!(labels.iter().all(|&l| l & !0x0F == 0x2A50));
    let distinct: std::collections::BTreeSet<u16> = labels.iter().copied().collect();
    assert_eq!(distinct.len(), 16);
}

fn random_run(seed: i64, source: u32, cycles: u64) -> Vec<(u64, u16)> {
    let mut s = Sim::new();
    enable_background(
        &mut s.r,
        source,
        &[
            ("period", 10),
            ("rate", 64),
            ("seed", seed),
            ("enable_random", 1),
            ("neuron_label", 0x155),
            ("mask", 0x3),
        ],
    );
    s.run(cycles);
    s.spikes()
}

#[test]
fn random_background_source_rate_and_reproducibility() {
    let cycles = 200_000;
    let a = random_run(12345, 2, cycles);
    // 20,000 opportunities at p = 64 / 256.
    let (n, p) = (20_000f64, 0.25);
    let sigma = (n * p * (1.0 - p)).sqrt();
    assert!(
        (a.len() as f64 - n * p).abs() < 5.0 * sigma,
        "{} events, expected {} +- {}",
        a.len(),
        n * p,
        5.0 * sigma
    );
    // Opportunities are on the period grid.
    assert!(a.iter().all(|&(t, _)| (t - L2_LATENCY_CYCLES) % 10 == 0));
    assert_eq!(
        a,
        random_run(12345, 2, cycles),
        "same registers, same events"
    );
    assert_ne!(
        a,
        random_run(12346, 2, cycles),
        "another seed, other events"
    );

    // Re-enabling reloads the seed: the same train again, shifted to the new start.
    let mut s = Sim::new();
    let cfg = [
        ("period", 10),
        ("rate", 64),
        ("seed", 12345),
        ("enable_random", 1),
        ("neuron_label", 0x155),
        ("mask", 0x3),
    ];
    enable_background(&mut s.r, 2, &cfg);
    s.run(5000);
    write(&mut s.r, "background_spike_source", 2, &cfg);
    s.run(7);
    s.out.clear();
    let start = s.t;
    enable_background(&mut s.r, 2, &cfg);
    s.run(cycles);
    let again: Vec<(u64, u16)> = s.spikes().iter().map(|&(t, l)| (t - start, l)).collect();
    assert_eq!(again, a);
}

#[test]
fn random_rate_extremes() {
    for (rate, lo, hi) in [(0i64, 0usize, 0usize), (255, 9_900, 9_999)] {
        let mut s = Sim::new();
        enable_background(
            &mut s.r,
            4,
            &[
                ("period", 2),
                ("rate", rate),
                ("seed", 7),
                ("enable_random", 1),
            ],
        );
        s.run(20_000);
        let n = s.spikes().len();
        assert!((lo..=hi).contains(&n), "rate {rate}: {n} of 9,999");
    }
}

#[test]
fn background_source_reaches_synapses() {
    let mut s = Sim::new();
    // Source 6 -> input 18 -> PADI output 6 = block 1, bus 2.
    write(
        &mut s.r,
        "common_padi_bus_config",
        1,
        &[("enable_spl1_2", 1)],
    );
    configure_driver(
        &mut s.r,
        1,
        2,
        &DriverSetup {
            receiver: true,
            mask: 0,
            top: 2,
            bottom: 0,
        },
    );
    set_synapse(&mut s.r, 1, 4, 77, 9, 0x15);
    enable_background(&mut s.r, 6, &[("period", 50), ("neuron_label", 0x15)]);
    s.run(501);
    assert_eq!(s.inh[256 + 77], 90.0);
    assert_eq!(s.r.delivered(), 10);
}

fn enable_correlation(r: &mut Routing, synram: usize, column: usize) {
    let (q, e) = regmap::quirks::quad_entry_of_column(column as u32);
    write(
        r,
        "column_correlation_quad",
        synram as u32 * 64 + q,
        &[
            (&format!("enable_internal_causal_{e}"), 1),
            (&format!("enable_internal_acausal_{e}"), 1),
        ],
    );
}

#[test]
fn correlation_causal_and_acausal_follow_the_spike_order() {
    let mut s = Sim::new();
    configure_driver(
        &mut s.r,
        0,
        0,
        &DriverSetup {
            receiver: true,
            mask: 0,
            top: 1,
            bottom: 0,
        },
    );
    let (col_a, col_b, col_off) = (10usize, 11usize, 12usize);
    for c in [col_a, col_b, col_off] {
        set_synapse(&mut s.r, 0, 0, c, 1, 3);
    }
    enable_correlation(&mut s.r, 0, col_a);
    enable_correlation(&mut s.r, 0, col_b);
    let pre = |s: &mut Sim| {
        write(
            &mut s.r,
            "padi_event",
            0,
            &[("fire_bus_0", 1), ("event_address", 3)],
        );
        s.run(1);
    };
    // Column b's neuron fires first (post before pre): acausal.
    s.run(900);
    s.r.neuron_spikes(900, &[col_b, col_off]);
    s.run(100); // t = 1000
    pre(&mut s); // pre at 1000 on all three synapses
    s.run(99); // t = 1100
    s.r.neuron_spikes(1100, &[col_a, col_off]); // pre before post: causal
    let inc = |dt: f32| (-dt / CORRELATION_TAU_CYCLES).exp();
    let (ca, aa) = s.r.correlation(0, 0, col_a);
    let (cb, ab) = s.r.correlation(0, 0, col_b);
    assert!((ca - inc(100.0)).abs() < 1e-5 && aa == 0.0, "{ca} {aa}");
    assert!((ab - inc(100.0)).abs() < 1e-5 && cb == 0.0, "{cb} {ab}");
    assert_eq!(s.r.correlation(0, 0, col_off), (0.0, 0.0), "not enabled");
    // A closer pair gives more.
    s.run(400);
    pre(&mut s); // t = 1500 (after col_a's post at 1100 -> acausal for a too)
    s.run(9);
    s.r.neuron_spikes(s.t, &[col_a]);
    let (ca2, aa2) = s.r.correlation(0, 0, col_a);
    assert!((ca2 - ca - inc(10.0)).abs() < 1e-5);
    assert!((aa2 - inc(400.0)).abs() < 1e-5);
    // Saturation at 255 units.
    for _ in 0..300 {
        pre(&mut s);
        s.r.neuron_spikes(s.t, &[col_a]);
    }
    assert_eq!(s.r.correlation(0, 0, col_a).0, CORRELATION_MAX);
    assert_eq!(s.r.correlation(0, 0, col_a).1, CORRELATION_MAX);
    // correlation_reset clears the four synapses of a quad, both traces.
    let (q, _) = quad_index(0, 0, col_a);
    write(&mut s.r, "correlation_reset", q, &[]);
    assert_eq!(s.r.correlation(0, 0, col_a), (0.0, 0.0));
    assert_ne!(
        s.r.correlation(0, 0, col_b),
        (0.0, 0.0),
        "other quad (odd column)"
    );
}

#[test]
fn synapse_quad_and_its_windows_alias() {
    let mut r = Routing::new();
    let (synram, row, q) = (1usize, 200usize, 37u32);
    let index = ((synram * 256 + row) * 64) as u32 + q;
    write(
        &mut r,
        "synapse_quad",
        index,
        &[
            ("weight_0", 1),
            ("weight_1", 0b10_0010),
            ("weight_2", 63),
            ("weight_3", 7),
            ("label_0", 60),
            ("label_1", 1),
            ("label_2", 2),
            ("label_3", 33),
            ("time_calib_2", 3),
            ("amp_calib_1", 2),
        ],
    );
    let col = |e: u32| synapse_column(q, e) as usize;
    assert_eq!(col(0), 2 * (4 * 5) + 1, "quad 37 holds odd columns");
    assert_eq!(r.synapse(synram, row, col(0)), (1, 60));
    assert_eq!(r.synapse(synram, row, col(1)), (0b10_0010, 1));
    assert_eq!(r.synapse(synram, row, col(2)), (63, 2));
    assert_eq!(r.synapse(synram, row, col(3)), (7, 33));
    // Entry 0 sits in the top byte, weights bit-permuted.
    let w0 = read(&r, "synapse_quad", index, 0);
    assert_eq!(w0 >> 24, weight_permutation(1));
    assert_eq!(w0 >> 24, 0b01_0000);
    // The weight window: weights change, labels and calibration bits stay.
    let weights_only = regmap::codec::encode_named(
        reg("synapse_weight_quad"),
        Some(index),
        &[
            ("weight_0", 5),
            ("weight_1", 6),
            ("weight_2", 7),
            ("weight_3", 8),
        ],
    )
    .unwrap()[0];
    write_word(&mut r, "synapse_weight_quad", index, 0, weights_only);
    assert_eq!(r.synapse(synram, row, col(0)), (5, 60));
    assert_eq!(r.synapse(synram, row, col(3)), (8, 33));
    assert_eq!(read(&r, "synapse_weight_quad", index, 0), weights_only);
    let full = read(&r, "synapse_quad", index, 0);
    assert_eq!(full & !0xC0C0_C0C0, weights_only, "weights as written");
    assert_eq!((full >> 14) & 3, 3, "time_calib_2 kept");
    // The label window.
    write_word(&mut r, "synapse_label_quad", index, 0, 0x3F00_0000);
    assert_eq!(r.synapse(synram, row, col(0)), (5, 63));
    assert_eq!(r.synapse(synram, row, col(1)), (6, 0));
    let labels = read(&r, "synapse_quad", index, 1);
    assert_eq!(labels, 0x3F00_0000 | (2 << 22), "amp_calib_1 kept");
    assert_eq!(read(&r, "synapse_label_quad", index, 0), 0x3F00_0000);
    // Raw stored bits: weight bit 0 stored means logical bit 4.
    write_word(&mut r, "synapse_weight_quad", index, 0, 0x0100_0000);
    assert_eq!(r.synapse(synram, row, col(0)).0, 16);
    // Neighbouring quads untouched.
    assert_eq!(
        r.synapse(synram, row, synapse_column(q - 1, 0) as usize),
        (0, 0)
    );
    assert_eq!(r.synapse(synram, row + 1, col(1)), (0, 0));
}

#[test]
fn foreign_registers_are_not_routings() {
    let mut r = Routing::new();
    for name in [
        "capmem_cell",
        "neuron_config",
        "cadc_config",
        "timer",
        "madc_config",
    ] {
        let a = reg(name).address(0, 0).unwrap();
        let loc = regmap::locate(a).unwrap();
        assert!(!r.on_write(&loc, 0xFFFF_FFFF), "{name}");
        assert_eq!(r.read(&loc), None);
    }
}

const OWNED: [&str; 15] = [
    "crossbar_node",
    "crossbar_output_config",
    "background_spike_source",
    "common_padi_bus_config",
    "padi_event",
    "synapse_driver_config",
    "synapse_quad",
    "synapse_weight_quad",
    "synapse_label_quad",
    "neuron_backend_config",
    "common_neuron_backend_config",
    "spike_counter_reset",
    "correlation_reset",
    "common_correlation_config",
    "column_correlation_quad",
];

const READ: [&str; 6] = [
    "spike_counter_read",
    "crossbar_input_drop_counter",
    "crossbar_output_event_counter",
    "synapse_quad",
    "synapse_weight_quad",
    "synapse_label_quad",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary words to arbitrary instances of every owned register, then traffic: no
    /// panic, and every produced register reads back.
    #[test]
    fn arbitrary_register_words_never_panic(
        writes in proptest::collection::vec(
            (0usize..OWNED.len(), any::<u32>(), any::<u8>(), any::<u32>()), 1..60),
        injects in proptest::collection::vec((0u64..40, any::<u16>()), 0..20),
        fired in proptest::collection::vec(0usize..600, 0..20),
    ) {
        let mut s = Sim::new();
        for (k, (ri, inst, w, word)) in writes.into_iter().enumerate() {
            let reg = reg(OWNED[ri]);
            let index = inst % reg.count;
            let wn = w % reg.words;
            let a = reg.address(index, wn).unwrap();
            let loc = regmap::locate(a).unwrap();
            prop_assert!(s.r.on_write(&loc, word));
            if k % 7 == 0 {
                s.run(3);
            }
        }
        for (i, &(t, l)) in injects.iter().enumerate() {
            s.r.inject(s.t + t, l);
            if i % 3 == 0 {
                s.r.neuron_spikes(s.t + t, &fired);
            }
        }
        s.run(50);
        for name in READ {
            let reg = reg(name);
            for index in [0, reg.count / 2, reg.count - 1] {
                for w in 0..reg.words {
                    let a = reg.address(index, w).unwrap();
                    prop_assert!(s.r.read(&regmap::locate(a).unwrap()).is_some());
                }
            }
        }
        for n in 0..NEURONS {
            prop_assert!(s.r.refractory_cycles(n) >= 1);
        }
        prop_assert!(s.exc.iter().chain(&s.inh).all(|x| x.is_finite() && *x >= 0.0));
    }

    /// Whatever the synapse words, the logical values decode to 6 bits and a full-quad
    /// write reads back bit for bit.
    #[test]
    fn synapse_quad_words_round_trip(index in 0u32..32768, w0 in any::<u32>(), w1 in any::<u32>()) {
        let mut r = Routing::new();
        write_word(&mut r, "synapse_quad", index, 0, w0);
        write_word(&mut r, "synapse_quad", index, 1, w1);
        // Every byte is (2-bit calibration, 6-bit value): all 32 bits are kept.
        prop_assert_eq!(read(&r, "synapse_quad", index, 0), w0);
        prop_assert_eq!(read(&r, "synapse_quad", index, 1), w1);
        let (synram, row, q) = ((index / 16384) as usize, ((index / 64) % 256) as usize, index % 64);
        for e in 0..4 {
            let (w, l) = r.synapse(synram, row, synapse_column(q, e) as usize);
            prop_assert!(w < 64 && l < 64);
        }
    }
}
