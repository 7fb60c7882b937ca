//! A seeded fault injector for frame streams: drops, corrupts, duplicates, reorders and
//! delays whole frames of a byte stream, so that tests exercise the link layer the way a
//! bad cable or a lossy bridge would. Pure: time comes in as an argument.

/// SplitMix64: small, fast, and good enough to decide which frames to damage.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

/// Probabilities per frame, and how long a delayed or reordered frame is held.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultConfig {
    pub drop: f64,
    pub corrupt: f64,
    pub duplicate: f64,
    pub reorder: f64,
    pub delay: f64,
    pub delay_us: u64,
}

impl FaultConfig {
    pub fn check(&self) -> Result<(), String> {
        let p = [
            ("drop", self.drop),
            ("corrupt", self.corrupt),
            ("duplicate", self.duplicate),
            ("reorder", self.reorder),
            ("delay", self.delay),
        ];
        for (name, v) in p {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{name} probability {v}; allowed 0..=1"));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultStats {
    pub frames: u64,
    pub dropped: u64,
    pub corrupted: u64,
    pub duplicated: u64,
    pub reordered: u64,
    pub delayed: u64,
}

/// One direction of a faulty line.
#[derive(Debug)]
pub struct FaultInjector {
    cfg: FaultConfig,
    rng: SplitMix64,
    partial: Vec<u8>,
    held: Vec<(u64, Vec<u8>)>,
    stats: FaultStats,
}

impl FaultInjector {
    pub fn new(cfg: FaultConfig, seed: u64) -> Result<Self, String> {
        cfg.check()?;
        Ok(FaultInjector {
            cfg,
            rng: SplitMix64::new(seed),
            partial: Vec::new(),
            held: Vec::new(),
            stats: FaultStats::default(),
        })
    }

    pub fn stats(&self) -> FaultStats {
        self.stats
    }

    /// Pass bytes through; whole frames (up to their delimiter) are subject to faults,
    /// and the bytes that come out now are appended to `out`.
    pub fn push(&mut self, bytes: &[u8], now: u64, out: &mut Vec<u8>) {
        let mut rest = bytes;
        while let Some(z) = rest.iter().position(|&b| b == 0) {
            let mut frame = std::mem::take(&mut self.partial);
            frame.extend_from_slice(&rest[..=z]);
            rest = &rest[z + 1..];
            self.frame(frame, now, out);
        }
        self.partial.extend_from_slice(rest);
        self.release(now, out);
    }

    fn frame(&mut self, mut frame: Vec<u8>, now: u64, out: &mut Vec<u8>) {
        if frame.len() == 1 {
            out.extend_from_slice(&frame); // a bare delimiter
            return;
        }
        self.stats.frames += 1;
        let c = self.cfg;
        if self.rng.unit() < c.drop {
            self.stats.dropped += 1;
            return;
        }
        if self.rng.unit() < c.corrupt {
            let i = self.rng.below(frame.len() as u64 - 1) as usize;
            frame[i] ^= 1 << self.rng.below(8);
            self.stats.corrupted += 1;
        }
        let copies = if self.rng.unit() < c.duplicate {
            self.stats.duplicated += 1;
            2
        } else {
            1
        };
        let hold = if self.rng.unit() < c.reorder {
            self.stats.reordered += 1;
            // Held until after the next frame or a short while, whichever comes first.
            Some(now + c.delay_us.max(1) / 4 + 1)
        } else if self.rng.unit() < c.delay {
            self.stats.delayed += 1;
            Some(now + c.delay_us)
        } else {
            None
        };
        for _ in 0..copies {
            match hold {
                Some(t) => self.held.push((t, frame.clone())),
                None => {
                    out.extend_from_slice(&frame);
                    // A reordered frame goes out right after the one that overtook it.
                    self.release_reordered(out);
                }
            }
        }
    }

    fn release_reordered(&mut self, out: &mut Vec<u8>) {
        if let Some(i) = self.held.iter().position(|(t, _)| *t != u64::MAX) {
            if self.cfg.reorder > 0.0 {
                let (_, f) = self.held.remove(i);
                out.extend_from_slice(&f);
            }
        }
    }

    /// Emit held frames whose time has come.
    pub fn release(&mut self, now: u64, out: &mut Vec<u8>) {
        let mut i = 0;
        while i < self.held.len() {
            if self.held[i].0 <= now {
                let (_, f) = self.held.remove(i);
                out.extend_from_slice(&f);
            } else {
                i += 1;
            }
        }
    }

    pub fn next_deadline(&self) -> Option<u64> {
        self.held.iter().map(|(t, _)| *t).min()
    }
}
