//! Compression of sync bodies over HTTP (`Content-Encoding: zstd`, both ways).
//!
//! A device asks for compressed responses with `Accept-Encoding: zstd` and compresses the
//! requests it sends when they are long; the relay does the same for its responses. Short
//! bodies (a reconnect, one edit) stay as they are. A whole document, which the store sends
//! with its columns uncompressed, shrinks most: zstd finds what repeats across columns and
//! records. Decompression is bounded: a small body that expands past the limit is refused
//! before the limit is exceeded in memory.

use std::io::Read;

use crate::error::SyncError;

/// The HTTP content coding used.
pub const ENCODING: &str = "zstd";
/// Bodies shorter than this are sent uncompressed.
pub const COMPRESS_FROM: usize = 1024;
/// zstd level of ordinary bodies (a few changes): fast, for a relay serving many devices.
pub const LEVEL: i32 = 3;
/// Bodies from this size on are whole documents (a first sync): worth a stronger level, which
/// takes a village's ledger (about 2.6 MB uncompressed) to 9 % smaller than level 3 does, in
/// about 70 ms.
pub const LARGE: usize = 256 << 10;
/// zstd level of large bodies.
pub const LEVEL_LARGE: i32 = 9;

/// Why a compressed body was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BodyError {
    /// It decompresses to more than the limit.
    #[error("body larger than {0} bytes once decompressed")]
    TooLarge(usize),
    /// It is not a zstd frame, or a damaged one.
    #[error("body is not valid zstd: {0}")]
    Corrupt(String),
}

impl From<BodyError> for SyncError {
    fn from(e: BodyError) -> Self {
        SyncError::Malformed(e.to_string())
    }
}

/// `body` compressed, or `None` when it is short or compression would not make it shorter.
pub fn compress(body: &[u8]) -> Option<Vec<u8>> {
    if body.len() < COMPRESS_FROM {
        return None;
    }
    let level = if body.len() >= LARGE {
        LEVEL_LARGE
    } else {
        LEVEL
    };
    zstd::bulk::compress(body, level)
        .ok()
        .filter(|z| z.len() < body.len())
}

/// Decompresses `body`, refusing anything that would exceed `limit` bytes.
pub fn decompress(body: &[u8], limit: usize) -> Result<Vec<u8>, BodyError> {
    let decoder =
        zstd::stream::read::Decoder::new(body).map_err(|e| BodyError::Corrupt(e.to_string()))?;
    // A frame that declares its size gets exactly that much room (the decoder checks the
    // declaration): no doubling of a growing buffer past what it holds.
    let guess = content_size(body).map_or(body.len().saturating_mul(4), |n| n as usize + 1);
    let mut out = Vec::with_capacity(guess.min(limit + 1));
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BodyError::Corrupt(e.to_string()))?;
    if out.len() > limit {
        return Err(BodyError::TooLarge(limit));
    }
    Ok(out)
}

/// The size a zstd body's first frame declares for its content, if it declares one (the
/// compressor here always does). The decoder refuses a frame whose content differs from it.
pub fn content_size(body: &[u8]) -> Option<u64> {
    match zstd::zstd_safe::get_frame_content_size(body) {
        Ok(Some(n)) => Some(n),
        _ => None,
    }
}

/// Whether a header value (`Accept-Encoding` or `Content-Encoding`) names zstd.
pub fn names_zstd(header: &str) -> bool {
    header.split(',').any(|c| {
        c.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .eq_ignore_ascii_case(ENCODING)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_round_trip_and_short_ones_are_left_alone() {
        let body: Vec<u8> = (0..50_000u32)
            .flat_map(|i| (i % 97).to_le_bytes())
            .collect();
        let z = compress(&body).expect("a long repetitive body compresses");
        assert!(z.len() < body.len() / 4, "{} of {}", z.len(), body.len());
        assert_eq!(decompress(&z, body.len()).unwrap(), body);
        assert_eq!(compress(b"GBS\x01\x02\x00\x00\x00"), None);
    }

    #[test]
    fn incompressible_bodies_are_sent_as_they_are() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert_eq!(compress(&noise), None);
    }

    #[test]
    fn a_bomb_is_refused_at_the_limit() {
        // 64 MiB of zeros compresses to a few KiB.
        let zeros = vec![0u8; 64 << 20];
        let bomb = zstd::bulk::compress(&zeros, 3).unwrap();
        assert!(bomb.len() < 64 << 10);
        assert_eq!(
            decompress(&bomb, 1 << 20),
            Err(BodyError::TooLarge(1 << 20))
        );
        assert_eq!(decompress(&bomb, zeros.len()).unwrap().len(), zeros.len());
    }

    #[test]
    fn garbage_and_truncated_frames_are_errors() {
        assert!(matches!(
            decompress(b"not zstd at all", 1 << 20),
            Err(BodyError::Corrupt(_))
        ));
        let body = vec![7u8; 10_000];
        let z = compress(&body).unwrap();
        assert!(matches!(
            decompress(&z[..z.len() / 2], 1 << 20),
            Err(BodyError::Corrupt(_))
        ));
        assert!(matches!(
            decompress(b"", 1 << 20),
            Err(BodyError::Corrupt(_))
        ));
    }

    #[test]
    fn header_values_are_read_like_http_does() {
        assert!(names_zstd("zstd"));
        assert!(names_zstd("gzip, ZSTD;q=0.9"));
        assert!(!names_zstd("gzip, br"));
        assert!(!names_zstd(""));
    }
}
