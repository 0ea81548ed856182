//! Arbitrary bytes as a compressed sync body (crates/sync/src/body.rs), the way the relay and
//! the client read one: decompression never panics, never returns more than its limit, and
//! what it returns goes through the wire decoders without a panic.

#![no_main]

use gridbook_sync::body::{decompress, BodyError};
use gridbook_sync::wire::{Request, Response};
use libfuzzer_sys::fuzz_target;

const LIMIT: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    match decompress(data, LIMIT) {
        Ok(plain) => {
            assert!(plain.len() <= LIMIT, "{} bytes past the limit", plain.len());
            let _ = Request::decode(&plain);
            let _ = Response::decode(&plain);
        }
        Err(BodyError::TooLarge(limit)) => assert_eq!(limit, LIMIT),
        Err(BodyError::Corrupt(_)) => {}
    }
});
