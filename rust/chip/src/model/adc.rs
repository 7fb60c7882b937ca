//! The two column-parallel ADCs (CADC) and the membrane ADC (MADC).
//!
//! # CADC
//!
//! Each synram has one CADC with a causal (0) and an acausal (1) channel per column. A read
//! of `cadc_sample_quad` converts the four columns of one quad (entry `e` is synapse column
//! [`regmap::quirks::synapse_column`]`(quad, e)`, entry 0 in the most significant byte).
//! The input of a channel is the column's neuron membrane when the column switch feeds the
//! neuron to that channel, otherwise the channel's correlation trace of the addressed row.
//!
//! Correlation traces arrive in trace units (0 = freshly reset, 255 = fully charged) and are
//! turned into the voltage on the sensor's storage capacitor as
//! `v = V_CORR_RESET - trace * V_PER_TRACE_UNIT` (0.6 V at reset, 2.5 mV per unit): a fresh
//! sensor sits at the reset voltage and accumulated correlation pulls it down, as on
//! silicon, where the CADC result of a trace therefore *falls* with correlation.
//!
//! Conversion of one channel (quadrant `2 * synram + column / 128`):
//!
//! ```text
//! x    = (v - ramp.v0) / ramp.lsb + analog_offset[channel] + noise      (noise ~ N(0, 1.2))
//! code = clamp(floor(x), 0, 255)
//! out  = clamp(code + digital_offset[channel], 0, 255)
//! ```
//!
//! `analog_offset` is the fixed pattern of the chip (N(0, 12 LSB) per channel, drawn from
//! the seed); `digital_offset` is the `cadc_channel_offset` register. A read of a CADC whose
//! `cadc_config.enable` is clear returns 0. `reset_wait` and `dead_time` are stored by the
//! register file only; they do not change the model's result. The `first_read_broken`
//! erratum is not modelled: every read returns a valid conversion.
//!
//! # MADC
//!
//! One 10-bit converter clocked at 500 MHz (4 ticks per 125 MHz FPGA cycle). Time is kept
//! in these ticks so that the default period of 12 + 5 = 17 ticks (4.25 FPGA cycles,
//! 29.4 MSa/s) is exact.
//!
//! - Sample period, in 500 MHz ticks: `(12 + sample_duration_adjust) * divider`, where
//!   `divider = clock_scale_value + 1` when `enable_madc_clock_scaling` is set and 1
//!   otherwise (so clock_scale_value 0 with scaling enabled equals the unscaled clock).
//!   The period is read from the current configuration at every sample.
//! - `madc_control` is a strobe register: `stop_recording`, then `wake_up`, then
//!   `start_recording` act on the write; `enable_continuous_sampling` and
//!   `enable_power_down_after_sampling` are levels that hold until the next write.
//! - `wake_up` powers the converter up; it is ready `powerup_wait_value` ticks later (plus
//!   `calibration_wait_value` ticks when `enable_calibration` is set). `start_recording` on
//!   a sleeping converter wakes it implicitly (same wait). A start while a recording runs
//!   is ignored; a write with both stop and start restarts.
//! - A recording written at FPGA cycle `T` takes its first sample at tick
//!   `max(4 * (T + 1), ready)`, then one per period; sample `k` carries the time stamp
//!   `floor(tick_k / 4)` (FPGA cycles). It ends after `number_of_samples` samples (read
//!   from the current configuration; 0 takes none) unless continuous sampling is on, or at
//!   `stop_recording`. With `enable_power_down_after_sampling`, the converter then sleeps.
//! - Each sample converts `signal()` (volts; `None` = nothing drives the input: 0 V):
//!   `code = clamp(round(v / 1.2 V * 1023 * gain + offset + noise), 0, 1023)`, with the
//!   chip's fixed gain (lognormal, 1 %) and offset (N(0, 4 LSB)) and noise N(0, 3 LSB).
//!   With `enable_dummy_data` the code is instead the sample's index in the recording,
//!   modulo 1024 (a counting ramp starting at 0).
//! - Samples go out as [`Event::Madc`] with `value = code | (channel << 10)`, channel 0.
//! - [`Adcs::step`] is meant to be called every cycle while [`Adcs::madc_active`]; after a
//!   gap it catches up (time stamps stay those of the samples, the signal is the current
//!   one), but emits at most [`MADC_MAX_CATCH_UP`] samples per call and drops the rest.
//!
//! Not interpreted here (the integrator's `signal` decides what reaches the input):
//! `enable_sample_clock`, the sampling edge, SAR timing, the preamplifier, the current
//! meter and the input multiplexer (words 4-7), and the amplifier power bits of
//! `madc_control`. The silicon's invalid first ~8 us of a trace is not modelled.
//!
//! All randomness comes from [`Rng`] streams with fixed tags ([`TAG_CADC_OFFSET`] ...), so
//! the same seed and the same calls give bit-identical results.

use crate::model::rng::Rng;
use crate::model::Event;
use regmap::typed::{CadcConfig, MadcConfig, MadcControl};
use regmap::{id, Location};

/// Per-quadrant CADC ramp, computed by the analog model from CapMem cells cadc_v_ramp_offset (col 128,
/// row 4) and cadc_i_ramp_slope (128, 15): the voltage at code 0 and volts per code.
#[derive(Debug, Clone, Copy)]
pub struct Ramp {
    pub v0: f64,
    pub lsb: f64,
}

/// Rng stream tags (fixed: changing one changes every chip).
pub const TAG_CADC_OFFSET: u64 = 0x0ADC_0001;
pub const TAG_CADC_NOISE: u64 = 0x0ADC_0002;
pub const TAG_MADC_PATTERN: u64 = 0x0ADC_0003;
pub const TAG_MADC_NOISE: u64 = 0x0ADC_0004;

/// Correlation sensor voltage of a freshly reset trace, V.
pub const V_CORR_RESET: f64 = 0.6;
/// Voltage drop per correlation trace unit, V.
pub const V_PER_TRACE_UNIT: f64 = 2.5e-3;

/// Fixed-pattern spread of the CADC channels' analog offsets, LSB.
pub const CADC_OFFSET_SIGMA: f64 = 12.0;
/// Temporal noise of a CADC conversion, LSB.
pub const CADC_NOISE_SIGMA: f64 = 1.2;
/// MADC full-scale voltage, V (code 1023).
pub const MADC_FULL_SCALE: f64 = 1.2;
/// Fixed-pattern spread of the MADC gain (log sigma) and offset (LSB).
pub const MADC_GAIN_SIGMA: f64 = 0.01;
pub const MADC_OFFSET_SIGMA: f64 = 4.0;
/// Temporal noise of an MADC conversion, LSB.
pub const MADC_NOISE_SIGMA: f64 = 3.0;
/// MADC clock ticks (500 MHz) per FPGA cycle (125 MHz).
pub const MADC_TICKS_PER_CYCLE: u64 = 4;
/// Minimum MADC clock cycles per sample.
pub const MADC_MIN_CYCLES: u64 = 12;
/// Most samples one call of [`Adcs::step`] emits; a longer backlog (only after the caller
/// skipped cycles while recording) is dropped.
pub const MADC_MAX_CATCH_UP: usize = 1 << 16;

const CADCS: usize = 2;
const CHANNELS: usize = 2;
const COLUMNS: usize = 256;
const CADC_CHANNELS: usize = CADCS * CHANNELS * COLUMNS;
const MADC_WORDS: usize = MadcConfig::WORDS;

/// Field of a register word, with the generated shift and mask.
#[inline]
fn field(word: u32, lsb: u32, mask: u32) -> u32 {
    (word >> lsb) & mask
}

#[inline]
fn flag(word: u32, lsb: u32) -> bool {
    (word >> lsb) & 1 == 1
}

/// Index of a CADC channel in the flat per-channel tables: the `cadc_channel_offset`
/// instance index, (cadc, channel, column) row-major.
#[inline]
fn channel_index(synram: usize, channel: usize, column: usize) -> usize {
    (synram * CHANNELS + channel) * COLUMNS + column
}

#[derive(Debug, Clone, Copy)]
struct Recording {
    /// Tick of the next sample.
    next_tick: u64,
    /// Samples taken so far.
    taken: u64,
}

/// The CADCs and the MADC of one chip.
#[derive(Debug, Clone)]
pub struct Adcs {
    /// `cadc_config` words, per CADC.
    cadc_config: [u32; CADCS],
    /// `cadc_channel_offset` values, per channel (see [`channel_index`]).
    digital_offset: Vec<i8>,
    /// Fixed pattern: analog offset of each channel, LSB.
    analog_offset: Vec<f64>,
    cadc_noise: Rng,

    madc_config: [u32; MADC_WORDS],
    /// Levels of the last `madc_control` write.
    continuous: bool,
    power_down_after: bool,
    /// Tick from which the converter is ready; `None` while asleep.
    ready_tick: Option<u64>,
    recording: Option<Recording>,
    madc_gain: f64,
    madc_offset: f64,
    madc_noise: Rng,
    /// Scale of the temporal noise of both converters (1.0: as modelled).
    pub noise_scale: f64,
}

impl Adcs {
    /// `seed`: chip seed for the fixed pattern (per-channel analog offsets, MADC gain/offset) and noise.
    pub fn new(seed: u64) -> Self {
        let (analog_offset, madc_gain, madc_offset) = Self::fixed_pattern(seed, 1.0);
        Adcs {
            cadc_config: [0; CADCS],
            digital_offset: vec![0; CADC_CHANNELS],
            analog_offset,
            cadc_noise: Rng::new(seed, TAG_CADC_NOISE),
            madc_config: Self::madc_reset(),
            continuous: false,
            power_down_after: false,
            ready_tick: None,
            recording: None,
            madc_gain,
            madc_offset,
            madc_noise: Rng::new(seed, TAG_MADC_NOISE),
            noise_scale: 1.0,
        }
    }

    /// The converters' fixed pattern from the chip seed: CADC channel offsets, MADC gain
    /// and offset, each deviation scaled by `s` (as
    /// [`crate::model::mismatch::Mismatch::scaled`] does the neurons').
    fn fixed_pattern(seed: u64, s: f64) -> (Vec<f64>, f64, f64) {
        let mut r = Rng::new(seed, TAG_CADC_OFFSET);
        let analog_offset = (0..CADC_CHANNELS)
            .map(|_| s * CADC_OFFSET_SIGMA * r.normal())
            .collect();
        let mut m = Rng::new(seed, TAG_MADC_PATTERN);
        let madc_gain = m.lognormal(MADC_GAIN_SIGMA).powf(s);
        let madc_offset = s * MADC_OFFSET_SIGMA * m.normal();
        (analog_offset, madc_gain, madc_offset)
    }

    /// Regenerate the fixed pattern for `seed` with its deviations scaled by `s`; the
    /// converters' configuration is kept.
    pub fn set_fixed_pattern_scale(&mut self, seed: u64, s: f64) {
        (self.analog_offset, self.madc_gain, self.madc_offset) = Self::fixed_pattern(seed, s);
    }

    /// Reset words of `madc_config` (from the map's field resets).
    fn madc_reset() -> [u32; MADC_WORDS] {
        let mut w = [0u32; MADC_WORDS];
        for f in MadcConfig::desc().fields {
            if let Some(word) = w.get_mut(usize::from(f.word)) {
                *word |= f.to_raw(f.reset) << f.lsb;
            }
        }
        w
    }

    /// Registers owned: cadc_config (enable, reset_wait, dead_time), cadc_channel_offset (signed 8 bit,
    /// index (cadc, channel, column)), madc_config (number_of_samples, clock_scale_value,
    /// enable_madc_clock_scaling, enable_dummy_data, ...), madc_control (write-only: wake_up,
    /// start_recording, stop_recording, enable_continuous_sampling, ...). Returns false for other registers.
    pub fn on_write(&mut self, loc: &Location, word: u32, time: u64) -> bool {
        match loc.number {
            id::CADC_CONFIG => {
                if let Some(w) = self.cadc_config.get_mut(loc.index as usize) {
                    *w = word;
                }
                true
            }
            id::CADC_CHANNEL_OFFSET => {
                if let Some(o) = self.digital_offset.get_mut(loc.index as usize) {
                    *o = (word & 0xff) as u8 as i8;
                }
                true
            }
            id::MADC_CONFIG => {
                if let Some(w) = self.madc_config.get_mut(usize::from(loc.word)) {
                    *w = word;
                }
                true
            }
            id::MADC_CONTROL => {
                self.madc_control(word, time);
                true
            }
            _ => false,
        }
    }

    fn madc_control(&mut self, word: u32, time: u64) {
        let now = time.saturating_add(1).saturating_mul(MADC_TICKS_PER_CYCLE);
        self.continuous = flag(word, MadcControl::ENABLE_CONTINUOUS_SAMPLING_LSB);
        self.power_down_after = flag(word, MadcControl::ENABLE_POWER_DOWN_AFTER_SAMPLING_LSB);
        if flag(word, MadcControl::STOP_RECORDING_LSB) && self.recording.is_some() {
            self.finish_recording();
        }
        let start = flag(word, MadcControl::START_RECORDING_LSB);
        if (flag(word, MadcControl::WAKE_UP_LSB) || start) && self.ready_tick.is_none() {
            self.ready_tick = Some(now.saturating_add(self.powerup_ticks()));
        }
        if start && self.recording.is_none() {
            let ready = self.ready_tick.unwrap_or(now);
            self.recording = Some(Recording {
                next_tick: now.max(ready),
                taken: 0,
            });
        }
        self.check_done();
    }

    fn finish_recording(&mut self) {
        self.recording = None;
        if self.power_down_after {
            self.ready_tick = None;
        }
    }

    fn madc_field(&self, word: usize, lsb: u32, mask: u32) -> u32 {
        self.madc_config
            .get(word)
            .map_or(0, |&w| field(w, lsb, mask))
    }

    /// Power-up (and self-calibration) wait, in MADC ticks.
    fn powerup_ticks(&self) -> u64 {
        let powerup = self.madc_field(
            MadcConfig::POWERUP_WAIT_VALUE_WORD,
            MadcConfig::POWERUP_WAIT_VALUE_LSB,
            MadcConfig::POWERUP_WAIT_VALUE_MASK,
        );
        let calibrate = self.madc_field(
            MadcConfig::ENABLE_CALIBRATION_WORD,
            MadcConfig::ENABLE_CALIBRATION_LSB,
            MadcConfig::ENABLE_CALIBRATION_MASK,
        ) == 1;
        let calibration = if calibrate {
            self.madc_field(
                MadcConfig::CALIBRATION_WAIT_VALUE_WORD,
                MadcConfig::CALIBRATION_WAIT_VALUE_LSB,
                MadcConfig::CALIBRATION_WAIT_VALUE_MASK,
            )
        } else {
            0
        };
        u64::from(powerup) + u64::from(calibration)
    }

    /// Sample period in MADC ticks (500 MHz).
    fn period_ticks(&self) -> u64 {
        let adjust = self.madc_field(
            MadcConfig::SAMPLE_DURATION_ADJUST_WORD,
            MadcConfig::SAMPLE_DURATION_ADJUST_LSB,
            MadcConfig::SAMPLE_DURATION_ADJUST_MASK,
        );
        let scaling = self.madc_field(
            MadcConfig::ENABLE_MADC_CLOCK_SCALING_WORD,
            MadcConfig::ENABLE_MADC_CLOCK_SCALING_LSB,
            MadcConfig::ENABLE_MADC_CLOCK_SCALING_MASK,
        ) == 1;
        let divider = if scaling {
            u64::from(self.madc_field(
                MadcConfig::CLOCK_SCALE_VALUE_WORD,
                MadcConfig::CLOCK_SCALE_VALUE_LSB,
                MadcConfig::CLOCK_SCALE_VALUE_MASK,
            )) + 1
        } else {
            1
        };
        (MADC_MIN_CYCLES + u64::from(adjust)) * divider
    }

    fn number_of_samples(&self) -> u64 {
        u64::from(self.madc_field(
            MadcConfig::NUMBER_OF_SAMPLES_WORD,
            MadcConfig::NUMBER_OF_SAMPLES_LSB,
            MadcConfig::NUMBER_OF_SAMPLES_MASK,
        ))
    }

    fn dummy_data(&self) -> bool {
        self.madc_field(
            MadcConfig::ENABLE_DUMMY_DATA_WORD,
            MadcConfig::ENABLE_DUMMY_DATA_LSB,
            MadcConfig::ENABLE_DUMMY_DATA_MASK,
        ) == 1
    }

    fn cadc_enabled(&self, synram: usize) -> bool {
        self.cadc_config
            .get(synram)
            .is_some_and(|&w| field(w, CadcConfig::ENABLE_LSB, CadcConfig::ENABLE_MASK) == 1)
    }

    /// Answer a read of cadc_sample_quad (synram s, channel c (0 causal, 1 acausal), row r, quad q):
    /// 4 samples of 8 bit, entry 0 in the most significant byte. See the module docs for the
    /// input selection and the conversion. Any other register reads 0.
    pub fn cadc_read(
        &mut self,
        loc: &Location,
        ramp: &[Ramp; 4],
        membrane: &dyn Fn(usize) -> f64,
        correlation: &dyn Fn(usize, usize, usize) -> (f32, f32),
        neuron_readout: &dyn Fn(usize, usize, usize) -> bool,
    ) -> u32 {
        if loc.number != id::CADC_SAMPLE_QUAD {
            return 0;
        }
        // index = ((synram * 2 + channel) * 256 + row) * 64 + quad
        let index = loc.index as usize;
        let quad = index % 64;
        let row = (index / 64) % 256;
        let channel = (index / (64 * 256)) % CHANNELS;
        let synram = index / (64 * 256 * CHANNELS);
        if synram >= CADCS || !self.cadc_enabled(synram) {
            return 0;
        }
        let mut out = 0u32;
        for entry in 0..4u32 {
            let column = regmap::quirks::synapse_column(quad as u32, entry) as usize;
            let v = if neuron_readout(synram, column, channel) {
                membrane(synram * COLUMNS + column)
            } else {
                let (causal, acausal) = correlation(synram, row, column);
                let trace = if channel == 0 { causal } else { acausal };
                V_CORR_RESET - f64::from(trace) * V_PER_TRACE_UNIT
            };
            let sample =
                self.cadc_convert(synram, channel, column, v, &ramp[2 * synram + column / 128]);
            out |= u32::from(sample) << regmap::quirks::entry_shift(entry);
        }
        out
    }

    /// One CADC conversion of voltage `v` on channel (synram, channel, column): ramp,
    /// the channel's analog and digital offsets and noise, clamped to 8 bit. 0 while the
    /// CADC of that synram is disabled.
    pub fn cadc_convert(
        &mut self,
        synram: usize,
        channel: usize,
        column: usize,
        v: f64,
        r: &Ramp,
    ) -> u8 {
        if synram >= CADCS || !self.cadc_enabled(synram) {
            return 0;
        }
        let ch = channel_index(synram, channel, column);
        let analog = self.analog_offset.get(ch).copied().unwrap_or(0.0);
        let noise = self.noise_scale * CADC_NOISE_SIGMA * self.cadc_noise.normal();
        let x = (v - r.v0) / r.lsb + analog + noise;
        // NaN (lsb 0, NaN input) converts to 0; infinities clamp.
        let code = x.floor().clamp(0.0, 255.0) as i32;
        let digital = i32::from(self.digital_offset.get(ch).copied().unwrap_or(0));
        (code + digital).clamp(0, 255) as u8
    }

    /// Advance to `time` (FPGA cycles, called once per cycle while recording, otherwise may
    /// be skipped): take the samples due up to the end of cycle `time` (see the module docs)
    /// and push them to `out`.
    pub fn step(&mut self, time: u64, signal: &dyn Fn() -> Option<f64>, out: &mut Vec<Event>) {
        let end = time.saturating_add(1).saturating_mul(MADC_TICKS_PER_CYCLE);
        let mut emitted = 0usize;
        while self.check_done() {
            if emitted == MADC_MAX_CATCH_UP {
                self.skip_to(end);
                return;
            }
            emitted += 1;
            let Some(rec) = &self.recording else { return };
            let (next_tick, taken) = (rec.next_tick, rec.taken);
            if next_tick >= end {
                return;
            }
            let code = if self.dummy_data() {
                (taken % 1024) as u16
            } else {
                self.convert(signal().unwrap_or(0.0))
            };
            out.push(Event::Madc {
                time: next_tick / MADC_TICKS_PER_CYCLE,
                value: code, // channel 0: bits 10-13 stay clear
            });
            let period = self.period_ticks();
            if let Some(rec) = &mut self.recording {
                rec.next_tick = next_tick.saturating_add(period);
                rec.taken = taken.saturating_add(1);
            }
        }
    }

    /// Drop the samples due before tick `end` (after a gap in the calls to [`Self::step`]
    /// longer than [`MADC_MAX_CATCH_UP`] samples, as a full FIFO would).
    fn skip_to(&mut self, end: u64) {
        let period = self.period_ticks();
        if let Some(rec) = &mut self.recording {
            if rec.next_tick < end {
                let missed = (end - rec.next_tick).div_ceil(period);
                rec.next_tick = rec.next_tick.saturating_add(missed.saturating_mul(period));
                rec.taken = rec.taken.saturating_add(missed);
            }
        }
        self.check_done();
    }

    /// End a recording that has taken all its samples; true while one is still running.
    fn check_done(&mut self) -> bool {
        let Some(rec) = &self.recording else {
            return false;
        };
        if !self.continuous && rec.taken >= self.number_of_samples() {
            self.finish_recording();
            return false;
        }
        true
    }

    fn convert(&mut self, v: f64) -> u16 {
        let noise = self.noise_scale * MADC_NOISE_SIGMA * self.madc_noise.normal();
        let x = v / MADC_FULL_SCALE * 1023.0 * self.madc_gain + self.madc_offset + noise;
        // NaN converts to 0; infinities clamp.
        x.round().clamp(0.0, 1023.0) as u16
    }

    /// True while the MADC is recording (the integrator calls step every cycle only then).
    pub fn madc_active(&self) -> bool {
        self.recording.is_some()
    }
}
