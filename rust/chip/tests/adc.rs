//! The CADC and MADC models (`chip::model::adc`) through their register interface.

use chip::model::adc::{Adcs, Ramp, V_CORR_RESET, V_PER_TRACE_UNIT};
use chip::model::Event;
use proptest::prelude::*;
use regmap::quirks::{entry_shift, quad_entry_of_column, synapse_column};
use regmap::typed::{CadcConfig, MadcConfig, MadcControl};
use regmap::{id, Location};
use std::cell::RefCell;

const RAMP: Ramp = Ramp {
    v0: 0.2,
    lsb: 0.004,
};
const RAMPS: [Ramp; 4] = [RAMP; 4];

fn loc(name: &str, index: u32, word: u8) -> Location {
    let reg = regmap::register(name).unwrap();
    regmap::locate(reg.address(index, word).unwrap()).unwrap()
}

fn enable_cadc(a: &mut Adcs, synram: u32) {
    let w = CadcConfig {
        enable: true,
        reset_wait: 10,
        dead_time: 5,
    }
    .pack()
    .unwrap()[0];
    assert!(a.on_write(&loc("cadc_config", synram, 0), w, 0));
}

fn set_offset(a: &mut Adcs, synram: u32, channel: u32, column: u32, offset: i8) {
    let index = (synram * 2 + channel) * 256 + column;
    assert!(a.on_write(
        &loc("cadc_channel_offset", index, 0),
        offset as u8 as u32,
        0
    ));
}

fn quad_loc(synram: u32, channel: u32, row: u32, quad: u32) -> Location {
    loc(
        "cadc_sample_quad",
        ((synram * 2 + channel) * 256 + row) * 64 + quad,
        0,
    )
}

fn no_corr(_: usize, _: usize, _: usize) -> (f32, f32) {
    (0.0, 0.0)
}
fn all_neurons(_: usize, _: usize, _: usize) -> bool {
    true
}

/// Read a quad with every channel fed by a constant membrane voltage.
fn read_const(a: &mut Adcs, ramps: &[Ramp; 4], l: &Location, v: f64) -> u32 {
    a.cadc_read(l, ramps, &|_| v, &no_corr, &all_neurons)
}

fn byte(word: u32, entry: u32) -> u32 {
    (word >> entry_shift(entry)) & 0xff
}

fn mean_std(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, var.sqrt())
}

/// Samples of the 4 channels of a quad over `n` reads at voltage `v`.
fn quad_samples(a: &mut Adcs, l: &Location, v: f64, n: usize) -> [Vec<f64>; 4] {
    let mut out: [Vec<f64>; 4] = Default::default();
    for _ in 0..n {
        let w = read_const(a, &RAMPS, l, v);
        for (e, o) in out.iter_mut().enumerate() {
            o.push(f64::from(byte(w, e as u32)));
        }
    }
    out
}

/// Mean code of every channel (index (synram, channel, column)) at voltage `v`.
fn channel_means(a: &mut Adcs, v: f64, reads: usize) -> Vec<f64> {
    let mut means = vec![0.0; 1024];
    for s in 0..2 {
        for c in 0..2 {
            for q in 0..64 {
                let l = quad_loc(s, c, 7, q);
                for (e, xs) in quad_samples(a, &l, v, reads).iter().enumerate() {
                    let col = synapse_column(q, e as u32);
                    means[((s * 2 + c) * 256 + col) as usize] = mean_std(xs).0;
                }
            }
        }
    }
    means
}

#[test]
fn cadc_codes_follow_the_ramp_within_noise() {
    let mut a = Adcs::new(11);
    enable_cadc(&mut a, 0);
    enable_cadc(&mut a, 1);
    for (s, c, q) in [(0, 0, 0), (0, 1, 40), (1, 0, 17), (1, 1, 63)] {
        let l = quad_loc(s, c, 3, q);
        let v_ref = 0.6;
        let reference = quad_samples(&mut a, &l, v_ref, 4000);
        for (e, xs) in reference.iter().enumerate() {
            let (_, std) = mean_std(xs);
            assert!(
                (std - 1.2).abs() < 0.3,
                "std {std} (synram {s} quad {q} entry {e})"
            );
        }
        // The offset of each channel is unknown (fixed pattern); the slope is not.
        for v in [0.45, 0.5, 0.7, 0.8] {
            let got = quad_samples(&mut a, &l, v, 4000);
            for e in 0..4 {
                let d = mean_std(&got[e]).0 - mean_std(&reference[e]).0;
                let want = (v - v_ref) / RAMP.lsb;
                assert!(
                    (d - want).abs() < 0.2,
                    "v {v}: moved {d} LSB, want {want} (synram {s} quad {q} entry {e})"
                );
            }
        }
    }
    // Across all 1024 channels the offsets average out: mean code = (v - v0)/lsb - 0.5 (floor).
    let means = channel_means(&mut a, 0.7, 50);
    let (m, _) = mean_std(&means);
    let want = (0.7 - RAMP.v0) / RAMP.lsb - 0.5;
    assert!(
        (m - want).abs() < 1.5,
        "mean over channels {m}, want {want}"
    );
}

#[test]
fn cadc_uses_the_ramp_of_the_columns_quadrant() {
    let mut a = Adcs::new(5);
    let mut b = Adcs::new(5);
    enable_cadc(&mut a, 0);
    enable_cadc(&mut a, 1);
    enable_cadc(&mut b, 0);
    enable_cadc(&mut b, 1);
    // Shift the ramp of each quadrant in turn by 10 LSB: only its columns move, by exactly
    // 10 codes (same seed, same noise draws).
    for quadrant in 0..4 {
        let mut shifted = RAMPS;
        shifted[quadrant].v0 -= 10.0 * RAMP.lsb;
        for s in 0..2u32 {
            for q in 0..64 {
                let l = quad_loc(s, 0, 0, q);
                let wa = read_const(&mut a, &RAMPS, &l, 0.6);
                let wb = read_const(&mut b, &shifted, &l, 0.6);
                for e in 0..4 {
                    let col = synapse_column(q, e) as usize;
                    let d = byte(wb, e) as i32 - byte(wa, e) as i32;
                    let want = if 2 * s as usize + col / 128 == quadrant {
                        10
                    } else {
                        0
                    };
                    assert_eq!(d, want, "quadrant {quadrant} synram {s} column {col}");
                }
            }
        }
    }
}

#[test]
fn cadc_clips_at_0_and_255() {
    let mut a = Adcs::new(3);
    enable_cadc(&mut a, 0);
    enable_cadc(&mut a, 1);
    for s in 0..2 {
        for c in 0..2 {
            for q in 0..64 {
                let l = quad_loc(s, c, 0, q);
                assert_eq!(
                    read_const(&mut a, &RAMPS, &l, RAMP.v0 - 100.0 * RAMP.lsb),
                    0
                );
                assert_eq!(read_const(&mut a, &RAMPS, &l, -5.0), 0);
                assert_eq!(
                    read_const(&mut a, &RAMPS, &l, RAMP.v0 + 400.0 * RAMP.lsb),
                    0xFFFF_FFFF
                );
                assert_eq!(read_const(&mut a, &RAMPS, &l, 7.0), 0xFFFF_FFFF);
            }
        }
    }
}

#[test]
fn cadc_digital_offset_shifts_and_saturates() {
    let mut a = Adcs::new(9);
    let mut b = Adcs::new(9);
    for x in [&mut a, &mut b] {
        enable_cadc(x, 0);
        enable_cadc(x, 1);
    }
    // synram 1, acausal channel, quad 5: columns synapse_column(5, e).
    let cols: Vec<u32> = (0..4).map(|e| synapse_column(5, e)).collect();
    let offsets = [20i8, -20, 127, -128];
    for (col, off) in cols.iter().zip(offsets) {
        set_offset(&mut b, 1, 1, *col, off);
    }
    let l = quad_loc(1, 1, 9, 5);
    for v in [0.3, 0.6, 0.9, 1.1] {
        for _ in 0..200 {
            let wa = read_const(&mut a, &RAMPS, &l, v);
            let wb = read_const(&mut b, &RAMPS, &l, v);
            for (e, off) in offsets.iter().enumerate() {
                let want = (byte(wa, e as u32) as i32 + i32::from(*off)).clamp(0, 255);
                assert_eq!(byte(wb, e as u32) as i32, want, "v {v} entry {e}");
            }
        }
    }
    // Saturation is reached: +127 at a high code gives 255, -128 at a low one 0.
    // (a reads too, to keep the two noise streams in step)
    read_const(&mut a, &RAMPS, &l, 0.9);
    assert_eq!(byte(read_const(&mut b, &RAMPS, &l, 0.9), 2), 255);
    read_const(&mut a, &RAMPS, &l, 0.3);
    assert_eq!(byte(read_const(&mut b, &RAMPS, &l, 0.3), 3), 0);
    // Other channels are untouched: the causal channel of the same columns.
    let lc = quad_loc(1, 0, 9, 5);
    for _ in 0..50 {
        assert_eq!(
            read_const(&mut a, &RAMPS, &lc, 0.6),
            read_const(&mut b, &RAMPS, &lc, 0.6)
        );
    }
    // Writing 0 back restores the plain conversion.
    for col in &cols {
        set_offset(&mut b, 1, 1, *col, 0);
    }
    assert_eq!(
        read_const(&mut a, &RAMPS, &l, 0.6),
        read_const(&mut b, &RAMPS, &l, 0.6)
    );
}

#[test]
fn cadc_channel_offsets_are_a_fixed_pattern_of_the_seed() {
    let means = |seed| {
        let mut a = Adcs::new(seed);
        enable_cadc(&mut a, 0);
        enable_cadc(&mut a, 1);
        channel_means(&mut a, 0.7, 40)
    };
    let m1 = means(1);
    let (_, spread) = mean_std(&m1);
    assert!((spread - 12.0).abs() < 1.5, "channel spread {spread} LSB");
    // Causal and acausal channels of one column differ too.
    let d: Vec<f64> = (0..256).map(|c| m1[c] - m1[256 + c]).collect();
    assert!(
        mean_std(&d).1 > 12.0,
        "causal and acausal offsets look equal"
    );
    // Same seed: the same chip, bit for bit (noise included).
    assert_eq!(m1, means(1));
    // Another seed: another pattern.
    let m2 = means(2);
    let diff: Vec<f64> = m1.iter().zip(&m2).map(|(x, y)| x - y).collect();
    assert!(
        mean_std(&diff).1 > 12.0,
        "seeds 1 and 2 give the same pattern"
    );
}

#[test]
fn cadc_reads_zero_while_disabled() {
    let mut a = Adcs::new(4);
    let l0 = quad_loc(0, 0, 0, 0);
    let l1 = quad_loc(1, 1, 255, 63);
    assert_eq!(read_const(&mut a, &RAMPS, &l0, 0.7), 0);
    assert_eq!(read_const(&mut a, &RAMPS, &l1, 0.7), 0);
    enable_cadc(&mut a, 0);
    assert_ne!(read_const(&mut a, &RAMPS, &l0, 0.7), 0);
    assert_eq!(read_const(&mut a, &RAMPS, &l1, 0.7), 0);
    // Only the enable bit counts; clearing it disables again.
    assert!(a.on_write(&loc("cadc_config", 0, 0), !CadcConfig::ENABLE_MASK, 0));
    assert_eq!(read_const(&mut a, &RAMPS, &l0, 0.7), 0);
    // Reads of other registers answer 0.
    enable_cadc(&mut a, 0);
    let other = loc("cadc_config", 0, 0);
    assert_eq!(read_const(&mut a, &RAMPS, &other, 0.7), 0);
}

#[test]
fn cadc_quad_byte_order_and_column_interleave() {
    let mut a = Adcs::new(6);
    enable_cadc(&mut a, 0);
    enable_cadc(&mut a, 1);
    for s in 0..2u32 {
        for c in 0..2u32 {
            for q in 0..64 {
                for e in 0..4 {
                    // Only the neuron of column synapse_column(q, e) feeds the CADC (at a
                    // high voltage); the other columns read a fully charged trace (low).
                    let target = synapse_column(q, e) as usize;
                    let readout = |sy: usize, col: usize, ch: usize| {
                        sy == s as usize && col == target && ch == c as usize
                    };
                    let membrane = |n: usize| {
                        assert_eq!(n, s as usize * 256 + target, "membrane of the wrong neuron");
                        2.0
                    };
                    let corr = |_: usize, _: usize, _: usize| (255.0f32, 255.0f32);
                    let w = a.cadc_read(&quad_loc(s, c, 1, q), &RAMPS, &membrane, &corr, &readout);
                    assert_eq!(
                        w,
                        0xFF << entry_shift(e),
                        "synram {s} ch {c} quad {q} entry {e}"
                    );
                }
            }
        }
    }
    // Entry 0 is the most significant byte.
    assert_eq!(entry_shift(0), 24);
    assert_eq!(quad_entry_of_column(6), (0, 3));
}

#[test]
fn cadc_reads_the_correlation_traces_when_the_neuron_is_off() {
    let seen = RefCell::new(Vec::new());
    let corr = |s: usize, r: usize, col: usize| {
        seen.borrow_mut().push((s, r, col));
        // causal grows with the row, acausal with the column
        ((r % 200) as f32, (col % 160) as f32)
    };
    let none = |_: usize, _: usize, _: usize| false;
    let trace_v = |t: f32| V_CORR_RESET - f64::from(t) * V_PER_TRACE_UNIT;
    let mut a = Adcs::new(8);
    let mut b = Adcs::new(8);
    for x in [&mut a, &mut b] {
        enable_cadc(x, 0);
        enable_cadc(x, 1);
    }
    for (s, c, r, q) in [
        (0, 0, 0, 0),
        (0, 0, 150, 33),
        (1, 1, 77, 12),
        (0, 1, 255, 63),
    ] {
        seen.borrow_mut().clear();
        let l = quad_loc(s, c, r, q);
        let got = a.cadc_read(&l, &RAMPS, &|_| f64::NAN, &corr, &none);
        let cols: Vec<usize> = (0..4).map(|e| synapse_column(q, e) as usize).collect();
        let want_seen: Vec<_> = cols
            .iter()
            .map(|&col| (s as usize, r as usize, col))
            .collect();
        assert_eq!(*seen.borrow(), want_seen);
        // The same conversion of the trace voltage through the membrane path (same seed,
        // same noise) gives the same word.
        let volts: Vec<f64> = cols
            .iter()
            .map(|&col| {
                let (ca, ac) = corr(s as usize, r as usize, col);
                trace_v(if c == 0 { ca } else { ac })
            })
            .collect();
        let membrane = |n: usize| {
            let col = n % 256;
            volts[cols.iter().position(|&x| x == col).unwrap()]
        };
        let want = b.cadc_read(&l, &RAMPS, &membrane, &no_corr, &all_neurons);
        assert_eq!(got, want, "synram {s} channel {c} row {r} quad {q}");
    }
    // A reset trace (0) reads high, a charged one low: the voltage falls with correlation.
    let l = quad_loc(0, 0, 0, 0);
    let high = a.cadc_read(&l, &RAMPS, &|_| 0.0, &|_, _, _| (0.0, 0.0), &none);
    let low = a.cadc_read(&l, &RAMPS, &|_| 0.0, &|_, _, _| (150.0, 0.0), &none);
    for e in 0..4 {
        assert!(byte(high, e) > byte(low, e) + 50, "{high:08x} {low:08x}");
    }
    // The channel argument of neuron_readout picks the path per channel.
    let causal_only = |_: usize, _: usize, ch: usize| ch == 0;
    let zero = |_: usize, _: usize, _: usize| (0.0f32, 0.0f32);
    let w0 = a.cadc_read(
        &quad_loc(0, 0, 0, 0),
        &RAMPS,
        &|_| -1.0,
        &zero,
        &causal_only,
    );
    let w1 = a.cadc_read(
        &quad_loc(0, 1, 0, 0),
        &RAMPS,
        &|_| -1.0,
        &zero,
        &causal_only,
    );
    assert_eq!(w0, 0, "causal channel reads the membrane (-1 V)");
    assert_ne!(w1, 0, "acausal channel reads the reset trace (0.6 V)");
}

// ---------------------------------------------------------------------------------------
// MADC

fn config(a: &mut Adcs, c: &MadcConfig, time: u64) {
    for (w, word) in c.pack().unwrap().iter().enumerate() {
        assert!(a.on_write(&loc("madc_config", 0, w as u8), *word, time));
    }
}

fn control(a: &mut Adcs, c: MadcControl, time: u64) {
    assert!(a.on_write(&loc("madc_control", 0, 0), c.pack().unwrap()[0], time));
}

fn start() -> MadcControl {
    MadcControl {
        wake_up: true,
        start_recording: true,
        enable_pre_amplifier: true,
        ..Default::default()
    }
}

fn samples_config(n: u16) -> MadcConfig {
    MadcConfig {
        number_of_samples: n,
        enable_sample_clock: true,
        ..Default::default()
    }
}

/// Step cycles `from..to` with a constant signal; returns (time, value) of the samples.
fn run(a: &mut Adcs, from: u64, to: u64, v: Option<f64>) -> Vec<(u64, u16)> {
    let mut out = Vec::new();
    for t in from..to {
        a.step(t, &|| v, &mut out);
    }
    out.iter()
        .map(|e| match *e {
            Event::Madc { time, value } => (time, value),
            other => panic!("unexpected event {other:?}"),
        })
        .collect()
}

#[test]
fn madc_takes_number_of_samples_at_the_default_rate() {
    let mut a = Adcs::new(1);
    assert!(!a.madc_active());
    let c = samples_config(1000);
    assert_eq!(c.sample_duration_adjust, 5, "reset value of the map");
    config(&mut a, &c, 0);
    control(&mut a, start(), 10);
    assert!(a.madc_active());
    let s = run(&mut a, 10, 10_000, Some(0.5));
    assert_eq!(s.len(), 1000);
    assert!(!a.madc_active());
    // Sample k at MADC tick 4 * 11 + 17 k (500 MHz), time-stamped in FPGA cycles.
    for (k, (t, _)) in s.iter().enumerate() {
        assert_eq!(*t, (44 + 17 * k as u64) / 4, "sample {k}");
    }
    let span = (s[999].0 - s[0].0) as f64 / 999.0;
    assert!((span - 4.25).abs() < 0.01, "mean spacing {span} cycles");
    // Every sample is emitted in the cycle it is stamped with (step called each cycle).
    let mut a = Adcs::new(1);
    config(&mut a, &c, 0);
    control(&mut a, start(), 10);
    for t in 10..5000 {
        let mut out = Vec::new();
        a.step(t, &|| Some(0.5), &mut out);
        for e in out {
            assert!(matches!(e, Event::Madc { time, value } if time == t && value < 1024));
        }
    }
}

#[test]
fn madc_rate_follows_sample_duration_and_clock_scaling() {
    let spacing = |c: MadcConfig| {
        let mut a = Adcs::new(1);
        config(&mut a, &c, 0);
        control(&mut a, start(), 0);
        let mut out = Vec::new();
        let mut t = 0;
        while a.madc_active() && t < 10_000_000 {
            a.step(t, &|| Some(0.5), &mut out);
            t += 1;
        }
        let s: Vec<u64> = out
            .iter()
            .map(|e| match *e {
                Event::Madc { time, .. } => time,
                other => panic!("unexpected event {other:?}"),
            })
            .collect();
        assert_eq!(s.len(), 101);
        (s[100] - s[0]) as f64 / 100.0
    };
    let base = MadcConfig {
        number_of_samples: 101,
        ..Default::default()
    };
    assert_eq!(spacing(base), 4.25);
    let fast = MadcConfig {
        sample_duration_adjust: 0,
        ..base
    };
    assert_eq!(spacing(fast), 3.0);
    let slow = MadcConfig {
        sample_duration_adjust: 7,
        ..base
    };
    assert_eq!(spacing(slow), 4.75);
    // Scaling divides the 500 MHz clock by clock_scale_value + 1.
    let scaled = |value: u16, enable: bool| MadcConfig {
        clock_scale_value: value,
        enable_madc_clock_scaling: enable,
        ..base
    };
    assert_eq!(spacing(scaled(3, true)), 17.0);
    assert_eq!(spacing(scaled(0, true)), 4.25);
    assert_eq!(spacing(scaled(3, false)), 4.25);
    assert_eq!(spacing(scaled(4095, true)), 4.25 * 4096.0);
}

#[test]
fn madc_values_of_a_constant_signal() {
    let mut a = Adcs::new(21);
    let mut trace = |v: Option<f64>| -> Vec<f64> {
        config(&mut a, &samples_config(4000), 0);
        control(&mut a, start(), 0);
        let s = run(&mut a, 0, 20_000, v);
        assert_eq!(s.len(), 4000);
        s.iter().map(|&(_, x)| f64::from(x)).collect()
    };
    let lo = trace(Some(0.3));
    let hi = trace(Some(0.9));
    let (m_lo, s_lo) = mean_std(&lo);
    let (m_hi, s_hi) = mean_std(&hi);
    for s in [s_lo, s_hi] {
        assert!((s - 3.0).abs() < 0.4, "noise {s} LSB");
    }
    let gain = (m_hi - m_lo) / 0.6 / (1023.0 / 1.2);
    assert!((gain - 1.0).abs() < 0.04, "gain {gain}");
    let offset = m_lo - 0.3 / 1.2 * 1023.0;
    assert!(offset.abs() < 15.0, "offset {offset} LSB");
    // Nothing driving the input: about 0 V; full scale and beyond: clipped.
    assert!(trace(None).iter().all(|&x| x < 30.0));
    assert!(trace(Some(-1.0)).iter().all(|&x| x == 0.0));
    assert!(trace(Some(3.0)).iter().all(|&x| x == 1023.0));
}

#[test]
fn madc_stop_recording_stops_and_continuous_sampling_runs_on() {
    let mut a = Adcs::new(2);
    config(&mut a, &samples_config(1000), 0);
    control(&mut a, start(), 0);
    let first = run(&mut a, 0, 100, Some(0.5));
    assert_eq!(first.len(), 24); // ticks 4 + 17 k < 400
    let stop = MadcControl {
        stop_recording: true,
        ..Default::default()
    };
    control(&mut a, stop, 100);
    assert!(!a.madc_active());
    assert!(run(&mut a, 100, 10_000, Some(0.5)).is_empty());
    // A new start begins a new recording.
    control(&mut a, start(), 10_000);
    assert_eq!(run(&mut a, 10_000, 20_000, Some(0.5)).len(), 1000);

    // Continuous: beyond number_of_samples until stop.
    let mut a = Adcs::new(2);
    config(&mut a, &samples_config(5), 0);
    let cont = MadcControl {
        enable_continuous_sampling: true,
        ..start()
    };
    control(&mut a, cont, 0);
    let s = run(&mut a, 0, 1000, Some(0.5));
    assert_eq!(s.len(), 236); // ticks 4 + 17 k < 4000
    assert!(a.madc_active());
    control(&mut a, stop, 1000);
    assert!(!a.madc_active());
    assert!(run(&mut a, 1000, 2000, Some(0.5)).is_empty());

    // Zero samples: the recording ends at once.
    let mut a = Adcs::new(2);
    config(&mut a, &samples_config(0), 0);
    control(&mut a, start(), 0);
    assert!(!a.madc_active());
    assert!(run(&mut a, 0, 100, Some(0.5)).is_empty());
}

#[test]
fn madc_power_up_wait_delays_the_first_sample() {
    let mut a = Adcs::new(2);
    let c = MadcConfig {
        powerup_wait_value: 400,
        ..samples_config(3)
    };
    config(&mut a, &c, 0);
    control(&mut a, start(), 0); // wakes up at tick 4, ready at 404
    let s = run(&mut a, 0, 1000, Some(0.5));
    assert_eq!(
        s.iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![101, 105, 109]
    );
    // Once awake, a later start does not wait again.
    control(&mut a, start(), 1000);
    let s = run(&mut a, 1000, 2000, Some(0.5));
    assert_eq!(s[0].0, 1001);
    // Powered down after sampling: the next start waits again.
    let down = MadcControl {
        enable_power_down_after_sampling: true,
        ..start()
    };
    control(&mut a, down, 2000);
    let s = run(&mut a, 2000, 3000, Some(0.5));
    assert_eq!(s[0].0, 2001);
    control(&mut a, start(), 3000);
    let s = run(&mut a, 3000, 4000, Some(0.5));
    assert_eq!(s[0].0, 3101);
}

#[test]
fn madc_dummy_data_is_a_counting_ramp() {
    let mut a = Adcs::new(2);
    let c = MadcConfig {
        enable_dummy_data: true,
        ..samples_config(3000)
    };
    config(&mut a, &c, 0);
    control(&mut a, start(), 0);
    let s = run(&mut a, 0, 20_000, Some(0.5));
    assert_eq!(s.len(), 3000);
    for (k, (_, v)) in s.iter().enumerate() {
        assert_eq!(*v as usize, k % 1024);
    }
}

#[test]
fn madc_same_seed_same_samples() {
    let record = |seed| {
        let mut a = Adcs::new(seed);
        config(&mut a, &samples_config(500), 0);
        control(&mut a, start(), 0);
        let mut out = Vec::new();
        for t in 0..3000u64 {
            let v = 0.5 + 0.3 * (t as f64 / 100.0).sin();
            a.step(t, &|| Some(v), &mut out);
        }
        out
    };
    assert_eq!(record(7), record(7));
    assert_ne!(record(7), record(8));
}

// ---------------------------------------------------------------------------------------
// Robustness

fn owned(number: usize, index: u32, word: u8) -> Location {
    Location {
        register: &regmap::REGISTERS[number],
        number,
        index,
        word,
    }
}

#[test]
fn other_registers_are_not_owned() {
    let mut a = Adcs::new(0);
    for (n, reg) in regmap::REGISTERS.iter().enumerate() {
        let mine = [
            id::CADC_CONFIG,
            id::CADC_CHANNEL_OFFSET,
            id::MADC_CONFIG,
            id::MADC_CONTROL,
        ]
        .contains(&n);
        assert_eq!(a.on_write(&owned(n, 0, 0), 0, 0), mine, "{}", reg.name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn any_word_on_owned_registers_never_panics(
        writes in prop::collection::vec(
            (0usize..5, any::<u32>(), any::<u8>(), any::<u32>(), 0u64..1000), 1..20),
        read in (0u32..(2 * 2 * 256 * 64 + 100), any::<u32>()),
        ramp in (any::<f64>(), any::<f64>()),
        v in any::<f64>(),
        t_end in prop_oneof![Just(2000u64), Just(u64::MAX - 1), Just(u64::MAX)],
    ) {
        let regs = [
            id::CADC_CONFIG,
            id::CADC_CHANNEL_OFFSET,
            id::MADC_CONFIG,
            id::MADC_CONTROL,
            id::CADC_SAMPLE_QUAD,
        ];
        let mut a = Adcs::new(read.1 as u64);
        let mut out = Vec::new();
        for (r, index, word, value, time) in writes {
            // Both real locations and arbitrary (out of range) ones.
            let l = if index % 2 == 0 {
                owned(regs[r], index >> 1, word)
            } else {
                let reg = &regmap::REGISTERS[regs[r]];
                let i = (index >> 1) % reg.count;
                let w = word % reg.words;
                regmap::locate(reg.address(i, w).unwrap()).unwrap()
            };
            a.on_write(&l, value, time);
            a.step(time, &|| Some(v), &mut out);
        }
        let ramps = [Ramp { v0: ramp.0, lsb: ramp.1 }; 4];
        let _ = a.cadc_read(&owned(id::CADC_SAMPLE_QUAD, read.0, 0), &ramps, &|_| v,
            &|_, _, _| (v as f32, -v as f32), &|_, c, _| c % 3 == 0);
        for t in [1000, 1001, t_end] {
            a.step(t, &|| Some(v), &mut out);
        }
        for e in &out {
            match *e {
                Event::Madc { value, .. } => prop_assert!(value < 1024),
                other => prop_assert!(false, "unexpected event {:?}", other),
            }
        }
        prop_assert!(out.len() <= 20 * 65_536 + 3 * 65_536);
    }
}
