//! The background spike sources: decoding of their registers, seeding, (re)scheduling of
//! their spike opportunities and the events they send into the crossbar.

use super::{field, flag, reset_words, Pending, Routing};
use super::{BACKGROUND_INPUT, LABEL14, NEVER};
use crate::model::rng::Rng;
use regmap::id;
use regmap::typed::BackgroundSpikeSource as BgReg;

#[derive(Debug, Clone)]
pub(super) struct Source {
    words: [u32; 3],
    enabled: bool,
    random: bool,
    interval: u64,
    rate: u32,
    mask: u16,
    label: u16,
    rng: Rng,
    /// Enabled by a write; its period starts at the next step.
    armed: bool,
    /// Its period changed while it ran; the next step reschedules it.
    retime: bool,
    /// Last spike opportunity (or the start time); next opportunity.
    last: u64,
    next: u64,
}

impl Source {
    pub(super) fn new(index: usize) -> Self {
        let mut s = Source {
            words: reset_words::<3>(id::BACKGROUND_SPIKE_SOURCE),
            enabled: false,
            random: false,
            interval: 1,
            rate: 0,
            mask: 0,
            label: 0,
            rng: Rng::new(0, index as u64),
            armed: false,
            retime: false,
            last: 0,
            next: NEVER,
        };
        s.decode();
        s
    }

    fn decode(&mut self) {
        let [w0, _, w2] = self.words;
        self.interval = field(w0, BgReg::PERIOD_LSB, BgReg::PERIOD_MASK).max(1) as u64;
        self.rate = field(w0, BgReg::RATE_LSB, BgReg::RATE_MASK);
        self.mask = field(w2, BgReg::MASK_LSB, BgReg::MASK_MASK) as u16;
        self.label = field(w2, BgReg::NEURON_LABEL_LSB, BgReg::NEURON_LABEL_MASK) as u16;
        self.enabled = flag(w2, BgReg::ENABLE_LSB);
        self.random = flag(w2, BgReg::ENABLE_RANDOM_LSB);
    }

    fn seed(&self) -> u64 {
        field(
            self.words[BgReg::SEED_WORD],
            BgReg::SEED_LSB,
            BgReg::SEED_MASK,
        ) as u64
    }
}

impl Routing {
    pub(super) fn write_source(&mut self, i: usize, w: usize, word: u32) {
        let Some(s) = self.sources.get_mut(i) else {
            return;
        };
        let Some(slot) = s.words.get_mut(w) else {
            return;
        };
        *slot = word;
        let (was_enabled, old_interval) = (s.enabled, s.interval);
        s.decode();
        if !s.enabled {
            s.armed = false;
            s.retime = false;
            s.next = NEVER;
        } else if !was_enabled {
            // The seed is loaded when the source is enabled; the period starts at the next
            // step (the write's time).
            s.rng = Rng::new(s.seed(), i as u64);
            s.armed = true;
            s.next = 0;
        } else if s.interval != old_interval && !s.armed {
            // A new period while running: from the last opportunity on (at the earliest
            // the next step).
            s.retime = true;
            s.next = 0;
        }
        self.next_background = self.sources.iter().map(|s| s.next).min().unwrap_or(NEVER);
    }

    pub(super) fn fire_sources(&mut self, time: u64) {
        for i in 0..self.sources.len() {
            let s = &mut self.sources[i];
            if s.armed {
                s.armed = false;
                s.last = time;
                s.next = time.saturating_add(s.interval);
            } else if s.retime {
                s.retime = false;
                s.next = s.last.saturating_add(s.interval).max(time);
            }
            // Stepping every cycle fires at most once here; after skipped cycles the missed
            // opportunities fire now, each stamped with its own time.
            while self.sources[i].next <= time && self.sources[i].next != NEVER {
                let s = &mut self.sources[i];
                let t = s.next;
                s.last = t;
                s.next = t.saturating_add(s.interval);
                let r = s.rng.next_u64();
                if s.random && (r & 0xFF) as u32 >= s.rate {
                    continue;
                }
                let random_bits = (r >> 8) as u16;
                let label = ((s.label & !s.mask) | (random_bits & s.mask)) & LABEL14;
                let input = (BACKGROUND_INPUT + i) as u8;
                self.push(t, Pending::Crossbar { input, label });
            }
        }
        self.next_background = self.sources.iter().map(|s| s.next).min().unwrap_or(NEVER);
    }
}
