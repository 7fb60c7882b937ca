//! Consistent Overhead Byte Stuffing: removes every zero byte from a frame so that 0x00
//! can delimit frames on a byte stream (docs/wire.md §1.1).

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CobsError {
    #[error("COBS: zero byte inside an encoded frame at offset {0}")]
    ZeroByte(usize),
    #[error("COBS: code byte at offset {0} points past the end of the frame")]
    Truncated(usize),
}

/// Largest encoded size of `n` bytes (without the delimiter).
pub fn max_encoded_len(n: usize) -> usize {
    n + n / 254 + 1
}

/// Append the COBS encoding of `src` to `out` (no delimiter). Copies whole runs between
/// zeros rather than byte by byte.
pub fn encode_into(src: &[u8], out: &mut Vec<u8>) {
    out.reserve(max_encoded_len(src.len()));
    let mut rest = src;
    loop {
        let limit = rest.len().min(254);
        match rest[..limit].iter().position(|&b| b == 0) {
            Some(z) => {
                out.push(z as u8 + 1);
                out.extend_from_slice(&rest[..z]);
                rest = &rest[z + 1..];
            }
            None if limit == 254 => {
                out.push(0xFF);
                out.extend_from_slice(&rest[..254]);
                rest = &rest[254..];
                if rest.is_empty() {
                    out.push(0x01); // the empty final block: one encoding per frame
                    return;
                }
            }
            None => {
                out.push(limit as u8 + 1);
                out.extend_from_slice(rest);
                return;
            }
        }
    }
}

/// Decode one COBS frame (without its delimiter), appending to `out`.
pub fn decode_into(src: &[u8], out: &mut Vec<u8>) -> Result<(), CobsError> {
    out.reserve(src.len());
    let mut i = 0;
    while i < src.len() {
        let code = src[i] as usize;
        if code == 0 {
            return Err(CobsError::ZeroByte(i));
        }
        let start = i + 1;
        let end = start + code - 1;
        if end > src.len() {
            return Err(CobsError::Truncated(i));
        }
        let run = &src[start..end];
        if let Some(z) = run.iter().position(|&b| b == 0) {
            return Err(CobsError::ZeroByte(start + z));
        }
        out.extend_from_slice(run);
        i = end;
        if code != 0xFF && i < src.len() {
            out.push(0);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_vectors() {
        let cases: &[(&[u8], &[u8])] = &[
            (&[], &[0x01]),
            (&[0], &[0x01, 0x01]),
            (&[0x11, 0x22, 0x00, 0x33], &[0x03, 0x11, 0x22, 0x02, 0x33]),
            (&[0x11, 0x00, 0x00], &[0x02, 0x11, 0x01, 0x01]),
        ];
        for (raw, enc) in cases {
            let mut out = Vec::new();
            encode_into(raw, &mut out);
            assert_eq!(&out[..], *enc);
        }
        // 254 non-zero bytes: a full block, then the empty final block.
        let raw = vec![7u8; 254];
        let mut out = Vec::new();
        encode_into(&raw, &mut out);
        assert_eq!(out.len(), 256);
        assert_eq!((out[0], out[255]), (0xFF, 0x01));
        let mut back = Vec::new();
        decode_into(&out[..255], &mut back).unwrap();
        assert_eq!(back, raw, "decoders accept the omitted final block");
    }

    proptest! {
        #[test]
        fn round_trip(data in proptest::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..1200)) {
            let mut enc = Vec::new();
            encode_into(&data, &mut enc);
            prop_assert!(!enc.contains(&0));
            prop_assert!(enc.len() <= max_encoded_len(data.len()));
            let mut dec = Vec::new();
            decode_into(&enc, &mut dec).unwrap();
            prop_assert_eq!(dec, data);
        }

        #[test]
        fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let mut out = Vec::new();
            let _ = decode_into(&data, &mut out);
        }
    }
}
