//! Connection hygiene and the memory budget, through a real relay on
//! 127.0.0.1 (in this process, so that its peak memory is this process's), spoken to with raw
//! HTTP/1.1 on TCP as a hostile client would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use common::{exchange, read_until_closed, start, status, HEADER_READ, MAX_CONNECTIONS};

fn hello(addr: SocketAddr, token: &str) -> String {
    exchange(
        addr,
        &format!(
            "GET /v1/hello HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
        b"",
    )
}

#[test]
fn slow_and_idle_connections_are_closed_and_the_cap_holds() {
    let r = start(None);
    // Headers that never finish: closed at the header deadline.
    let mut slow = TcpStream::connect(r.addr).unwrap();
    slow.write_all(b"POST /v1/sync HTTP/1.1\r\nHost: r\r\n")
        .unwrap();
    let (_, took) = read_until_closed(&mut slow, Duration::from_secs(10));
    assert!(took >= HEADER_READ && took < HEADER_READ * 4, "{took:?}");

    // A keep-alive connection left idle after its request: closed after the idle time.
    let mut idle = TcpStream::connect(r.addr).unwrap();
    idle.write_all(
        format!(
            "GET /v1/hello HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {}\r\n\r\n",
            r.token
        )
        .as_bytes(),
    )
    .unwrap();
    let (out, took) = read_until_closed(&mut idle, Duration::from_secs(10));
    assert_eq!(status(&String::from_utf8_lossy(&out)), 200);
    assert!(took < Duration::from_secs(8), "{took:?}");

    // The cap: as many silent connections as allowed, then one more is told 503 at once.
    let held: Vec<TcpStream> = (0..MAX_CONNECTIONS)
        .map(|_| TcpStream::connect(r.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let mut extra = TcpStream::connect(r.addr).unwrap();
    let (out, took) = read_until_closed(&mut extra, Duration::from_secs(5));
    let text = String::from_utf8_lossy(&out);
    assert_eq!(status(&text), 503, "{text}");
    assert!(text.contains("Retry-After: 1"), "{text}");
    assert!(took < HEADER_READ, "answered before any deadline: {took:?}");
    // The silent ones go at their header deadline, and the relay serves again.
    std::thread::sleep(HEADER_READ * 2);
    drop(held);
    assert_eq!(status(&hello(r.addr, &r.token)), 200);
}

#[test]
fn revoked_and_unknown_tokens_read_the_same_and_http2_is_not_spoken() {
    let r = start(None);
    let revoked = hello(r.addr, &r.revoked);
    let unknown = hello(r.addr, "gbt_0000000000000000000000000000000000000000");
    assert_eq!(status(&revoked), 401);
    let body = |a: &str| a.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    assert_eq!(status(&unknown), 401);
    assert_eq!(body(&revoked), body(&unknown));
    // HTTP/2 with prior knowledge: no HTTP/2 frame comes back, only an HTTP/1.1 refusal or
    // a closed connection.
    let mut s = TcpStream::connect(r.addr).unwrap();
    s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .unwrap();
    let (out, _) = read_until_closed(&mut s, Duration::from_secs(5));
    assert!(out.is_empty() || out.starts_with(b"HTTP/1.1 4"), "{out:?}");
}

/// Peak resident memory of this process, in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn bodies_that_decompress_to_the_limit_stay_within_the_budget() {
    let r = start(None);
    let bomb = gridbook_sync::body::compress(&vec![0u8; gridbook_relay::MAX_BODY]).unwrap();
    assert!(bomb.len() < 16 << 10, "{}", bomb.len());
    let before = peak_kib();
    let head = format!(
        "POST /v1/sync HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/octet-stream\r\nContent-Encoding: zstd\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        r.token,
        bomb.len()
    );
    let bomb = Arc::new(bomb);
    let answers: Vec<u16> = (0..8)
        .map(|_| {
            let (head, bomb, addr) = (head.clone(), bomb.clone(), r.addr);
            std::thread::spawn(move || status(&exchange(addr, &head, &bomb)))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    // Each is refused: as malformed once decompressed (400), or before, as over the budget
    // (503). None makes the relay fail.
    assert!(
        answers.iter().all(|s| *s == 400 || *s == 503),
        "{answers:?}"
    );
    assert!(
        answers.contains(&503),
        "the budget held some back: {answers:?}"
    );
    let grew_mib = peak_kib().saturating_sub(before) / 1024;
    let bound_mib = (gridbook_relay::budget::BUDGET >> 20) as u64 + 64;
    assert!(
        grew_mib < bound_mib,
        "peak grew {grew_mib} MiB, bound {bound_mib} MiB"
    );
    println!("8 bombs at once: answers {answers:?}, peak grew {grew_mib} MiB");
    // The relay still serves.
    assert_eq!(status(&hello(r.addr, &r.token)), 200);
}
