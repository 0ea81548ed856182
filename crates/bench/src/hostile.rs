//! Hostile connections for part 5 of bench-sync (`--hostile N`): N devices with valid tokens
//! that, for the whole load, send the largest compressed body the relay accepts (a 2 KB zstd
//! frame that expands to the 64 MiB limit) again and again, each on its own connection, as
//! fast as the relay answers. Spoken as raw HTTP/1.1 on TCP, as an attacker would.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// What the hostile connections got back.
#[derive(Debug, Default, Clone)]
pub struct HostileLog {
    /// Bodies sent.
    pub sent: usize,
    /// Answers by HTTP status.
    pub statuses: std::collections::BTreeMap<u16, usize>,
}

/// The largest body the relay takes, compressed: 64 MiB of zeros.
pub fn bomb() -> Vec<u8> {
    zstd::bulk::compress(&vec![0u8; 64 << 20], 3).unwrap_or_default()
}

fn once(host: &str, token: &str, bomb: &[u8]) -> Option<u16> {
    let mut s = TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    let head = format!(
        "POST /v1/sync HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Encoding: zstd\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        bomb.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(bomb).ok()?;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
}

/// Sends bombs to the relay at `url` (`http://host:port`) with `token` until `deadline`.
pub fn run(url: &str, token: &str, deadline: Instant) -> HostileLog {
    run_with(url, token, deadline, &bomb())
}

/// [`run`] with a bomb made beforehand (so that making it does not count in the memory of a
/// process that also runs the relay).
pub fn run_with(url: &str, token: &str, deadline: Instant, bomb: &[u8]) -> HostileLog {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut log = HostileLog::default();
    while Instant::now() < deadline {
        log.sent += 1;
        let status = once(host, token, bomb).unwrap_or(0);
        *log.statuses.entry(status).or_default() += 1;
        if status == 0 {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    log
}
