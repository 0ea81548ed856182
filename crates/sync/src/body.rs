//! Compression of sync bodies over HTTP (`Content-Encoding: zstd`, both ways).
//!
//! A device asks for compressed responses with `Accept-Encoding: zstd` and compresses the
//! requests it sends when they are long; the relay does the same for its responses. Short
//! bodies (a reconnect, one edit) stay as they are. A whole document, which the store sends
//! with its columns uncompressed, shrinks most: zstd finds what repeats across columns and
//! records. Decompression is bounded: a small body that expands past the limit is refused
//! before the limit is exceeded in memory.

use std::io::Read;
use std::sync::Mutex;

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

/// At most this many zstd contexts of each kind are kept for reuse between bodies.
const POOLED: usize = 16;

/// zstd contexts kept between bodies. Making one per body costs its tables (some hundreds of
/// KiB, allocated and touched afresh each time, which can cost more than compressing a few
/// changes); a few are kept instead, for whatever thread asks.
struct Pool<T>(Mutex<Vec<T>>);

impl<T> Pool<T> {
    const fn new() -> Self {
        Pool(Mutex::new(Vec::new()))
    }

    /// Runs `f` with a context from the pool, or a new one from `make`; keeps it afterwards
    /// unless the pool is full.
    fn with<R>(
        &self,
        make: impl FnOnce() -> std::io::Result<T>,
        f: impl FnOnce(&mut T) -> R,
    ) -> std::io::Result<R> {
        let taken = self.0.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut ctx = match taken {
            Some(c) => c,
            None => make()?,
        };
        let out = f(&mut ctx);
        let mut pool = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < POOLED {
            pool.push(ctx);
        }
        Ok(out)
    }
}

static COMPRESSORS: Pool<zstd::bulk::Compressor<'static>> = Pool::new();
static DECOMPRESSORS: Pool<zstd::bulk::Decompressor<'static>> = Pool::new();

/// `body` compressed, or `None` when it is short or compression would not make it shorter.
/// One frame that declares its content size.
pub fn compress(body: &[u8]) -> Option<Vec<u8>> {
    if body.len() < COMPRESS_FROM {
        return None;
    }
    // A large body (a whole document) is compressed with a context of its own: the context's
    // tables grow with the body, and one kept after it would hold them.
    let z = if body.len() >= LARGE {
        zstd::bulk::compress(body, LEVEL_LARGE)
    } else {
        COMPRESSORS
            .with(
                || zstd::bulk::Compressor::new(LEVEL),
                |c| {
                    c.set_compression_level(LEVEL)?;
                    c.compress(body)
                },
            )
            .and_then(|r| r)
    };
    z.ok().filter(|z| z.len() < body.len())
}

/// Decompresses `body`, refusing anything that would exceed `limit` bytes.
///
/// A body of one frame that declares its content size (as [`compress`] makes them) is decoded
/// in one call into exactly that much room, a declared size over `limit` refused before
/// anything is decoded (zstd checks the content against the declaration); other bodies are
/// decoded as a stream, stopped past the limit.
pub fn decompress(body: &[u8], limit: usize) -> Result<Vec<u8>, BodyError> {
    let one_frame = zstd::zstd_safe::find_frame_compressed_size(body) == Ok(body.len());
    if let (true, Some(n)) = (one_frame, content_size(body)) {
        if n > limit as u64 {
            return Err(BodyError::TooLarge(limit));
        }
        let out = DECOMPRESSORS
            .with(zstd::bulk::Decompressor::new, |d| {
                d.decompress(body, n as usize)
            })
            .and_then(|r| r)
            .map_err(|e| BodyError::Corrupt(e.to_string()))?;
        if out.len() as u64 != n {
            return Err(BodyError::Corrupt(format!(
                "{} bytes where the frame declares {n}",
                out.len()
            )));
        }
        return Ok(out);
    }
    let decoder =
        zstd::stream::read::Decoder::new(body).map_err(|e| BodyError::Corrupt(e.to_string()))?;
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).min(limit + 1));
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
    fn reused_contexts_make_the_bytes_a_fresh_one_makes() {
        let bodies: Vec<Vec<u8>> = [3_000usize, 200_000, 5_000, LARGE + 10, 2_000]
            .iter()
            .map(|&n| (0..n).map(|i| (i % 251) as u8 ^ (i / 7) as u8).collect())
            .collect();
        for _ in 0..3 {
            for b in &bodies {
                let level = if b.len() >= LARGE { LEVEL_LARGE } else { LEVEL };
                let z = compress(b).unwrap();
                assert_eq!(z, zstd::bulk::compress(b, level).unwrap());
                assert_eq!(content_size(&z), Some(b.len() as u64));
                assert_eq!(decompress(&z, b.len()).unwrap(), *b);
                assert_eq!(
                    decompress(&z, b.len() - 1),
                    Err(BodyError::TooLarge(b.len() - 1))
                );
            }
        }
    }

    #[test]
    fn frames_without_a_size_and_several_frames_decode_as_a_stream() {
        let body = vec![42u8; 30_000];
        let mut enc = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
        enc.include_contentsize(false).unwrap();
        std::io::Write::write_all(&mut enc, &body).unwrap();
        let unsized_frame = enc.finish().unwrap();
        assert_eq!(content_size(&unsized_frame), None);
        assert_eq!(decompress(&unsized_frame, body.len()).unwrap(), body);
        assert_eq!(
            decompress(&unsized_frame, 1000),
            Err(BodyError::TooLarge(1000))
        );
        let mut two = compress(&body).unwrap();
        two.extend(compress(&body).unwrap());
        assert_eq!(
            decompress(&two, 2 * body.len()).unwrap().len(),
            2 * body.len()
        );
        assert_eq!(
            decompress(&two, body.len()),
            Err(BodyError::TooLarge(body.len()))
        );
    }

    #[test]
    fn header_values_are_read_like_http_does() {
        assert!(names_zstd("zstd"));
        assert!(names_zstd("gzip, ZSTD;q=0.9"));
        assert!(!names_zstd("gzip, br"));
        assert!(!names_zstd(""));
    }
}
