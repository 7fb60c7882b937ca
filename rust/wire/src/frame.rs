//! Link-layer frames (docs/wire.md §1.2): header, payload, CRC-32C, COBS, 0x00 delimiter.

use crate::cobs;
use crate::crc::Crc32c;
use thiserror::Error;

pub const HEADER_LEN: usize = 18;
pub const CRC_LEN: usize = 4;
/// Smallest valid frame: header and CRC around an empty payload.
pub const MIN_FRAME_LEN: usize = HEADER_LEN + CRC_LEN;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FrameKind {
    Data = 1,
    Ack = 2,
    Hello = 3,
    Welcome = 4,
    Reject = 5,
}

impl FrameKind {
    pub fn from_u8(b: u8) -> Option<FrameKind> {
        Some(match b {
            1 => FrameKind::Data,
            2 => FrameKind::Ack,
            3 => FrameKind::Hello,
            4 => FrameKind::Welcome,
            5 => FrameKind::Reject,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            FrameKind::Data => "DATA",
            FrameKind::Ack => "ACK",
            FrameKind::Hello => "HELLO",
            FrameKind::Welcome => "WELCOME",
            FrameKind::Reject => "REJECT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub kind: FrameKind,
    pub seq: u32,
    pub ack: u32,
    pub sack: u32,
    pub payload: Vec<u8>,
}

/// Why a chunk between delimiters was not a frame. Dropped chunks are counted, never raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FrameError {
    #[error(transparent)]
    Cobs(#[from] cobs::CobsError),
    #[error("frame of {0} bytes is shorter than the {MIN_FRAME_LEN}-byte minimum")]
    TooShort(usize),
    #[error("frame payload of {got} bytes exceeds the limit of {limit}")]
    TooLong { got: usize, limit: usize },
    #[error("length field says {field} payload bytes, the frame holds {actual}")]
    LengthMismatch { field: u32, actual: usize },
    #[error("CRC mismatch: frame says {stored:#010x}, contents give {computed:#010x}")]
    BadCrc { stored: u32, computed: u32 },
    #[error("unknown frame kind {0}; allowed 1..=5")]
    UnknownKind(u8),
    #[error("reserved flags {0:#04x} set; allowed 0")]
    ReservedFlags(u8),
}

fn header(kind: FrameKind, seq: u32, ack: u32, sack: u32, len: usize) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[0] = kind as u8;
    h[2..6].copy_from_slice(&seq.to_le_bytes());
    h[6..10].copy_from_slice(&ack.to_le_bytes());
    h[10..14].copy_from_slice(&sack.to_le_bytes());
    h[14..18].copy_from_slice(&(len as u32).to_le_bytes());
    h
}

/// Append one encoded frame (COBS and the 0x00 delimiter) to `out`. `scratch` is reused
/// between calls to avoid an allocation per frame.
pub fn encode_frame_into(
    kind: FrameKind,
    seq: u32,
    ack: u32,
    sack: u32,
    payload: &[u8],
    scratch: &mut Vec<u8>,
    out: &mut Vec<u8>,
) {
    scratch.clear();
    scratch.extend_from_slice(&header(kind, seq, ack, sack, payload.len()));
    scratch.extend_from_slice(payload);
    let mut crc = Crc32c::new();
    crc.update(scratch);
    scratch.extend_from_slice(&crc.finish().to_le_bytes());
    cobs::encode_into(scratch, out);
    out.push(0);
}

/// Encode one frame into a fresh buffer.
pub fn encode_frame(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::new();
    encode_frame_into(
        frame.kind,
        frame.seq,
        frame.ack,
        frame.sack,
        &frame.payload,
        &mut Vec::new(),
        &mut out,
    );
    out
}

/// Decode one chunk (COBS-encoded, without its delimiter).
pub fn decode_frame(chunk: &[u8], max_payload: usize) -> Result<Frame, FrameError> {
    let mut raw = Vec::with_capacity(chunk.len());
    cobs::decode_into(chunk, &mut raw)?;
    parse_frame(&raw, max_payload)
}

fn parse_frame(raw: &[u8], max_payload: usize) -> Result<Frame, FrameError> {
    if raw.len() < MIN_FRAME_LEN {
        return Err(FrameError::TooShort(raw.len()));
    }
    let body = raw.len() - CRC_LEN;
    let u32_at = |o: usize| u32::from_le_bytes([raw[o], raw[o + 1], raw[o + 2], raw[o + 3]]);
    let stored = u32_at(body);
    let mut crc = Crc32c::new();
    crc.update(&raw[..body]);
    let computed = crc.finish();
    if stored != computed {
        return Err(FrameError::BadCrc { stored, computed });
    }
    let actual = body - HEADER_LEN;
    if actual > max_payload {
        return Err(FrameError::TooLong {
            got: actual,
            limit: max_payload,
        });
    }
    let field = u32_at(14);
    if field as usize != actual {
        return Err(FrameError::LengthMismatch { field, actual });
    }
    let kind = FrameKind::from_u8(raw[0]).ok_or(FrameError::UnknownKind(raw[0]))?;
    if raw[1] != 0 {
        return Err(FrameError::ReservedFlags(raw[1]));
    }
    Ok(Frame {
        kind,
        seq: u32_at(2),
        ack: u32_at(6),
        sack: u32_at(10),
        payload: raw[HEADER_LEN..body].to_vec(),
    })
}

/// Splits a byte stream into frames, resynchronising at the next 0x00 after garbage.
#[derive(Debug)]
pub struct FrameReader {
    pending: Vec<u8>,
    max_payload: usize,
    /// Skip bytes up to the next delimiter: the current chunk is already too long.
    discarding: bool,
    pub dropped: u64,
    pub last_error: Option<FrameError>,
}

impl FrameReader {
    pub fn new(max_payload: usize) -> Self {
        FrameReader {
            pending: Vec::new(),
            max_payload,
            discarding: false,
            dropped: 0,
            last_error: None,
        }
    }

    pub fn set_max_payload(&mut self, max_payload: usize) {
        self.max_payload = max_payload;
    }

    fn max_chunk(&self) -> usize {
        cobs::max_encoded_len(self.max_payload + MIN_FRAME_LEN) + 1
    }

    fn chunk(&mut self, chunk: &[u8], frames: &mut Vec<Frame>) {
        if chunk.is_empty() {
            return;
        }
        match decode_frame(chunk, self.max_payload) {
            Ok(f) => frames.push(f),
            Err(e) => {
                self.dropped += 1;
                self.last_error = Some(e);
            }
        }
    }

    /// Feed bytes; complete frames are appended to `frames`.
    pub fn push(&mut self, mut data: &[u8], frames: &mut Vec<Frame>) {
        while let Some(z) = data.iter().position(|&b| b == 0) {
            let (head, rest) = (&data[..z], &data[z + 1..]);
            if self.discarding {
                self.discarding = false;
            } else if self.pending.is_empty() {
                self.chunk(head, frames);
            } else {
                let mut chunk = std::mem::take(&mut self.pending);
                chunk.extend_from_slice(head);
                self.chunk(&chunk, frames);
                chunk.clear();
                self.pending = chunk;
            }
            data = rest;
        }
        if self.discarding || data.is_empty() {
            return;
        }
        self.pending.extend_from_slice(data);
        if self.pending.len() > self.max_chunk() {
            // Longer than any legal frame: garbage or a lost delimiter. Drop it all.
            self.pending.clear();
            self.discarding = true;
            self.dropped += 1;
            self.last_error = Some(FrameError::TooLong {
                got: self.max_chunk(),
                limit: self.max_payload,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_ack_frame() {
        // ACK, ack=5: header 02 00 | 00000000 | 05000000 | 00000000 | 00000000, then CRC.
        let f = Frame {
            kind: FrameKind::Ack,
            seq: 0,
            ack: 5,
            sack: 0,
            payload: vec![],
        };
        let enc = encode_frame(&f);
        let mut raw = vec![2, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let crc = crate::crc::crc32c(&raw);
        raw.extend_from_slice(&crc.to_le_bytes());
        let mut expect = Vec::new();
        cobs::encode_into(&raw, &mut expect);
        expect.push(0);
        assert_eq!(enc, expect);
        assert_eq!(decode_frame(&enc[..enc.len() - 1], 16).unwrap(), f);
    }
}
