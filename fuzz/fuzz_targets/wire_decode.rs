//! Arbitrary bytes into the sync wire decoders (crates/sync/src/wire.rs): they must never
//! panic, and whatever decodes must encode to bytes that decode to the same value.

#![no_main]

use gridbook_sync::wire::{Request, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = Request::decode(data) {
        let again = Request::decode(&req.encode()).expect("a re-encoded request decodes");
        assert_eq!(again, req, "request changed through encode/decode");
    }
    if let Ok(resp) = Response::decode(data) {
        let again = Response::decode(&resp.encode()).expect("a re-encoded response decodes");
        assert_eq!(again, resp, "response changed through encode/decode");
    }
    // The same bytes behind each valid header, so the fuzzer need not find the magic first.
    for kind in [1u8, 2] {
        let mut framed = b"GBS".to_vec();
        framed.push(gridbook_sync::wire::VERSION);
        framed.push(kind);
        framed.extend_from_slice(data);
        if let Ok(req) = Request::decode(&framed) {
            let again = Request::decode(&req.encode()).expect("a re-encoded request decodes");
            assert_eq!(again, req, "request changed through encode/decode");
        }
        if let Ok(resp) = Response::decode(&framed) {
            let again = Response::decode(&resp.encode()).expect("a re-encoded response decodes");
            assert_eq!(again, resp, "response changed through encode/decode");
        }
    }
});
