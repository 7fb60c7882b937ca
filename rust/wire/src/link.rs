//! The link layer as a pure state machine (docs/wire.md §1.3–1.4): handshake, sliding
//! window, cumulative and selective acknowledgements, retransmission on a timer.
//!
//! It owns no clock and no socket: the caller passes received bytes and the current time
//! (microseconds, any monotonic origin) in, and gets the bytes to send out.

use crate::frame::{encode_frame_into, Frame, FrameKind, FrameReader};
use std::collections::{BTreeMap, VecDeque};
use thiserror::Error;

pub const MAGIC: &[u8; 4] = b"BSS2";
pub const VERSION_MAJOR: u16 = 1;
pub const VERSION_MINOR: u16 = 0;
/// Smallest payload limit a peer may announce.
pub const MIN_PAYLOAD: u32 = 64;
/// Selective acknowledgements cover this many frames past the cumulative ack.
const SACK_BITS: u32 = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkConfig {
    /// Unacknowledged DATA frames allowed in flight (and accepted out of order).
    pub window: u16,
    /// Largest DATA payload accepted, bytes.
    pub max_payload: u32,
    /// Retransmission interval, microseconds.
    pub rto_us: u64,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            window: 64,
            max_payload: 64 * 1024,
            rto_us: 20_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    #[error("payload of {got} bytes exceeds the link's limit of {limit}")]
    PayloadTooLarge { got: usize, limit: usize },
    #[error("the device rejected the connection: {0}")]
    Rejected(String),
    #[error("invalid link configuration: {0}")]
    BadConfig(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    Connecting,
    Established,
    Rejected(String),
}

/// The HELLO/WELCOME payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hello {
    pub major: u16,
    pub minor: u16,
    pub max_payload: u32,
    pub window: u16,
    pub nonce: u16,
}

impl Hello {
    pub fn encode(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(16);
        p.extend_from_slice(MAGIC);
        p.extend_from_slice(&self.major.to_le_bytes());
        p.extend_from_slice(&self.minor.to_le_bytes());
        p.extend_from_slice(&self.max_payload.to_le_bytes());
        p.extend_from_slice(&self.window.to_le_bytes());
        p.extend_from_slice(&self.nonce.to_le_bytes());
        p
    }

    /// Parse and check a HELLO payload; the error is (REJECT reason code, message).
    pub fn decode(p: &[u8]) -> Result<Hello, (u8, String)> {
        if p.len() != 16 || &p[..4] != MAGIC {
            return Err((1, "bad magic or HELLO length: not a bss link peer".into()));
        }
        let u16_at = |o: usize| u16::from_le_bytes([p[o], p[o + 1]]);
        let h = Hello {
            major: u16_at(4),
            minor: u16_at(6),
            max_payload: u32::from_le_bytes([p[8], p[9], p[10], p[11]]),
            window: u16_at(12),
            nonce: u16_at(14),
        };
        if h.major != VERSION_MAJOR {
            return Err((
                2,
                format!(
                    "protocol {}.{} is not supported; this device speaks {VERSION_MAJOR}.x",
                    h.major, h.minor
                ),
            ));
        }
        if h.max_payload < MIN_PAYLOAD || h.window == 0 {
            return Err((
                3,
                format!(
                    "max payload {} (at least {MIN_PAYLOAD}) and window {} (at least 1)",
                    h.max_payload, h.window
                ),
            ));
        }
        Ok(h)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    pub frames_sent: u64,
    pub frames_received: u64,
    pub data_frames_sent: u64,
    pub retransmits: u64,
    pub duplicates: u64,
    pub dropped_chunks: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

#[derive(Debug)]
struct InFlight {
    seq: u32,
    payload: Vec<u8>,
    sent_at: u64,
    sacked: bool,
    /// A later frame was selectively acknowledged: resend this one once, now.
    fast: bool,
}

fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Host,
    Device,
}

/// One end of a link.
#[derive(Debug)]
pub struct Link {
    role: Role,
    cfg: LinkConfig,
    state: LinkState,
    nonce: u16,
    hello_sent_at: Option<u64>,
    peer_window: u16,
    peer_max_payload: u32,
    reader: FrameReader,
    frames: Vec<Frame>,
    scratch: Vec<u8>,
    control: Vec<(FrameKind, Vec<u8>)>,
    new_session: bool,
    // sending
    tx_next: u32,
    unacked: VecDeque<InFlight>,
    queue: VecDeque<Vec<u8>>,
    // receiving
    rx_next: u32,
    early: BTreeMap<u32, Vec<u8>>,
    delivered: VecDeque<Vec<u8>>,
    ack_due: bool,
    stats: LinkStats,
}

impl Link {
    fn new(role: Role, cfg: LinkConfig, nonce: u16) -> Result<Link, LinkError> {
        if cfg.window == 0 || cfg.max_payload < MIN_PAYLOAD || cfg.rto_us == 0 {
            return Err(LinkError::BadConfig(format!(
                "window {} (at least 1), max_payload {} (at least {MIN_PAYLOAD}), rto {} us \
                 (at least 1)",
                cfg.window, cfg.max_payload, cfg.rto_us
            )));
        }
        Ok(Link {
            role,
            cfg,
            state: LinkState::Connecting,
            nonce,
            hello_sent_at: None,
            peer_window: cfg.window,
            peer_max_payload: cfg.max_payload,
            reader: FrameReader::new(cfg.max_payload as usize),
            frames: Vec::new(),
            scratch: Vec::new(),
            control: Vec::new(),
            new_session: false,
            tx_next: 0,
            unacked: VecDeque::new(),
            queue: VecDeque::new(),
            rx_next: 0,
            early: BTreeMap::new(),
            delivered: VecDeque::new(),
            ack_due: false,
            stats: LinkStats::default(),
        })
    }

    /// The host end: it opens the session with HELLO carrying `nonce`.
    pub fn host(cfg: LinkConfig, nonce: u16) -> Result<Link, LinkError> {
        Link::new(Role::Host, cfg, nonce)
    }

    /// The device end: it answers HELLO and serves whichever host said it last.
    pub fn device(cfg: LinkConfig) -> Result<Link, LinkError> {
        Link::new(Role::Device, cfg, 0)
    }

    pub fn state(&self) -> &LinkState {
        &self.state
    }
    pub fn is_established(&self) -> bool {
        self.state == LinkState::Established
    }
    pub fn config(&self) -> LinkConfig {
        self.cfg
    }
    pub fn stats(&self) -> LinkStats {
        LinkStats {
            dropped_chunks: self.reader.dropped,
            ..self.stats
        }
    }
    /// Largest payload [`Link::send`] takes: the smaller of both ends' limits.
    pub fn max_payload(&self) -> usize {
        self.cfg.max_payload.min(self.peer_max_payload) as usize
    }
    fn window(&self) -> usize {
        self.cfg.window.min(self.peer_window) as usize
    }
    /// Everything queued has been sent and acknowledged.
    pub fn all_acked(&self) -> bool {
        self.queue.is_empty() && self.unacked.is_empty()
    }
    /// Device end: a HELLO started a new session since the last call (the layer above
    /// must drop any half-received program).
    pub fn take_new_session(&mut self) -> bool {
        std::mem::take(&mut self.new_session)
    }

    /// Queue a payload for reliable delivery.
    pub fn send(&mut self, payload: Vec<u8>) -> Result<(), LinkError> {
        if payload.len() > self.max_payload() {
            return Err(LinkError::PayloadTooLarge {
                got: payload.len(),
                limit: self.max_payload(),
            });
        }
        self.queue.push_back(payload);
        Ok(())
    }

    /// Send an acknowledgement with the next transmit even if nothing new arrived: a
    /// keep-alive that tells the peer this end is alive while it works.
    pub fn keepalive(&mut self) {
        if self.is_established() {
            self.ack_due = true;
        }
    }

    /// The next payload delivered in order, if any.
    pub fn recv(&mut self) -> Option<Vec<u8>> {
        self.delivered.pop_front()
    }

    fn reset_session(&mut self) {
        self.tx_next = 0;
        self.unacked.clear();
        self.queue.clear();
        self.rx_next = 0;
        self.early.clear();
        self.delivered.clear();
        self.ack_due = false;
    }

    /// Feed received bytes.
    pub fn receive(&mut self, bytes: &[u8], _now: u64) {
        self.stats.bytes_received += bytes.len() as u64;
        let mut frames = std::mem::take(&mut self.frames);
        self.reader.push(bytes, &mut frames);
        for f in frames.drain(..) {
            self.stats.frames_received += 1;
            self.on_frame(f);
        }
        self.frames = frames;
    }

    fn hello(&self) -> Hello {
        Hello {
            major: VERSION_MAJOR,
            minor: VERSION_MINOR,
            max_payload: self.cfg.max_payload,
            window: self.cfg.window,
            nonce: self.nonce,
        }
    }

    fn on_frame(&mut self, f: Frame) {
        match (self.role, f.kind) {
            (Role::Device, FrameKind::Hello) => match Hello::decode(&f.payload) {
                Ok(h) => {
                    if !(self.is_established() && h.nonce == self.nonce) {
                        self.reset_session();
                        self.nonce = h.nonce;
                        self.peer_window = h.window;
                        self.peer_max_payload = h.max_payload;
                        self.state = LinkState::Established;
                        self.new_session = true;
                    }
                    let welcome = self.hello().encode();
                    self.control.push((FrameKind::Welcome, welcome));
                }
                Err((code, msg)) => {
                    let mut p = vec![code];
                    p.extend_from_slice(msg.as_bytes());
                    self.control.push((FrameKind::Reject, p));
                }
            },
            (Role::Host, FrameKind::Welcome) => {
                if self.state != LinkState::Connecting {
                    return;
                }
                if let Ok(h) = Hello::decode(&f.payload) {
                    if h.nonce == self.nonce {
                        self.peer_window = h.window;
                        self.peer_max_payload = h.max_payload;
                        self.state = LinkState::Established;
                    }
                }
            }
            (Role::Host, FrameKind::Reject) if self.state == LinkState::Connecting => {
                let msg = String::from_utf8_lossy(f.payload.get(1..).unwrap_or(&[]));
                self.state = LinkState::Rejected(msg.into_owned());
            }
            (_, FrameKind::Data | FrameKind::Ack) if self.is_established() => {
                self.on_ack(f.ack, f.sack);
                if f.kind == FrameKind::Data {
                    self.on_data(f.seq, f.payload);
                }
            }
            _ => {}
        }
    }

    fn on_ack(&mut self, ack: u32, sack: u32) {
        if seq_lt(self.tx_next, ack) {
            return; // acknowledges frames never sent: not from this session
        }
        while self.unacked.front().is_some_and(|p| seq_lt(p.seq, ack)) {
            self.unacked.pop_front();
        }
        if sack == 0 {
            return;
        }
        let mut highest = None;
        for p in self.unacked.iter_mut() {
            let off = p.seq.wrapping_sub(ack);
            if (1..=SACK_BITS).contains(&off) && sack & (1 << (off - 1)) != 0 {
                p.sacked = true;
                highest = Some(p.seq);
            }
        }
        if let Some(h) = highest {
            for p in self.unacked.iter_mut() {
                if seq_lt(p.seq, h) && !p.sacked {
                    p.fast = true;
                }
            }
        }
    }

    fn on_data(&mut self, seq: u32, payload: Vec<u8>) {
        self.ack_due = true;
        let d = seq.wrapping_sub(self.rx_next);
        if d == 0 {
            self.delivered.push_back(payload);
            self.rx_next = self.rx_next.wrapping_add(1);
            while let Some(p) = self.early.remove(&self.rx_next) {
                self.delivered.push_back(p);
                self.rx_next = self.rx_next.wrapping_add(1);
            }
        } else if d < self.cfg.window as u32 && !self.early.contains_key(&seq) {
            self.early.insert(seq, payload);
        } else {
            self.stats.duplicates += 1;
        }
    }

    fn sack(&self) -> u32 {
        let mut bits = 0;
        for (&s, _) in self.early.iter() {
            let off = s.wrapping_sub(self.rx_next);
            if (1..=SACK_BITS).contains(&off) {
                bits |= 1 << (off - 1);
            }
        }
        bits
    }

    fn emit(&mut self, kind: FrameKind, seq: u32, payload: &[u8], out: &mut Vec<u8>) {
        let (ack, sack) = if self.is_established() {
            (self.rx_next, self.sack())
        } else {
            (0, 0)
        };
        let before = out.len();
        if self.stats.frames_sent == 0 {
            out.push(0); // terminate whatever the line held before our first frame
        }
        encode_frame_into(kind, seq, ack, sack, payload, &mut self.scratch, out);
        self.stats.frames_sent += 1;
        self.stats.bytes_sent += (out.len() - before) as u64;
        if matches!(kind, FrameKind::Data | FrameKind::Ack) {
            self.ack_due = false;
        }
    }

    /// Append everything due at `now` to `out`: handshake frames, retransmissions, new
    /// DATA frames within the window, and an ACK if one is owed.
    pub fn transmit(&mut self, now: u64, out: &mut Vec<u8>) {
        for (kind, payload) in std::mem::take(&mut self.control) {
            self.emit(kind, 0, &payload, out);
        }
        match self.state {
            LinkState::Rejected(_) => return,
            LinkState::Connecting => {
                if self.role == Role::Host
                    && self
                        .hello_sent_at
                        .is_none_or(|t| now >= t + self.cfg.rto_us)
                {
                    let hello = self.hello().encode();
                    self.emit(FrameKind::Hello, 0, &hello, out);
                    self.hello_sent_at = Some(now);
                }
                return;
            }
            LinkState::Established => {}
        }
        let rto = self.cfg.rto_us;
        let mut unacked = std::mem::take(&mut self.unacked);
        for p in unacked.iter_mut() {
            if !p.sacked && (p.fast || now >= p.sent_at + rto) {
                self.emit(FrameKind::Data, p.seq, &p.payload, out);
                p.sent_at = now;
                p.fast = false;
                self.stats.retransmits += 1;
                self.stats.data_frames_sent += 1;
            }
        }
        while unacked.len() < self.window() {
            let Some(payload) = self.queue.pop_front() else {
                break;
            };
            let seq = self.tx_next;
            self.tx_next = seq.wrapping_add(1);
            self.emit(FrameKind::Data, seq, &payload, out);
            self.stats.data_frames_sent += 1;
            unacked.push_back(InFlight {
                seq,
                payload,
                sent_at: now,
                sacked: false,
                fast: false,
            });
        }
        self.unacked = unacked;
        if self.ack_due {
            self.emit(FrameKind::Ack, 0, &[], out);
        }
    }

    /// When [`Link::transmit`] next has something to do without new input, if ever.
    pub fn next_deadline(&self) -> Option<u64> {
        match self.state {
            LinkState::Rejected(_) => None,
            LinkState::Connecting => self.hello_sent_at.map(|t| t + self.cfg.rto_us),
            LinkState::Established => self
                .unacked
                .iter()
                .filter(|p| !p.sacked)
                .map(|p| {
                    if p.fast {
                        0
                    } else {
                        p.sent_at + self.cfg.rto_us
                    }
                })
                .min(),
        }
    }
}
