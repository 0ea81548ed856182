//! The relay the relay's tests start in their own process, so that its peak memory and its
//! logs are the test's: a demo township in a temporary directory, a grid worker of its first
//! village and a revoked device, served on 127.0.0.1 with short deadlines and a small
//! connection cap; and plain HTTP/1.1 on TCP to speak to it as a hostile client would.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gridbook_relay::conn::Limits;
use gridbook_relay::{serve_relay, Devices, Options, Relay, Tls};
use gridbook_store::Store;

/// How long the relay waits for a request's headers.
pub const HEADER_READ: Duration = Duration::from_millis(800);
/// How long it keeps a connection that sends nothing.
pub const IDLE: Duration = Duration::from_millis(1500);
/// How many connections it holds at once.
pub const MAX_CONNECTIONS: usize = 6;

/// A relay serving in this process.
pub struct Relayed {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The token of a grid worker of `village`.
    pub token: String,
    /// The token of a revoked device.
    pub revoked: String,
    /// The first village of the demo township.
    pub village: String,
    /// How many households it has.
    pub households: usize,
    _dir: tempfile::TempDir,
}

/// Starts a relay (over TLS with `tls`) on a demo township of two villages.
pub fn start(tls: Option<Tls>) -> Relayed {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    store.demo(2, 3, 5, today).unwrap();
    let village = store.villages().unwrap()[0].id.clone();
    let households = store.households(Some(&village)).unwrap().len();
    assert!(households > 0);
    let devices = Devices::open(dir.path()).unwrap();
    let (_, token) = devices
        .add("甲村网格员", "grid-worker", Some(&village))
        .unwrap();
    let (gone, revoked) = devices
        .add("旧手机", "grid-worker", Some(&village))
        .unwrap();
    devices.revoke(&gone.device_id).unwrap();
    let relay = Relay::new(Arc::new(store), Arc::new(devices)).unwrap();
    let options = Options {
        listen: "127.0.0.1:0".into(),
        tls,
        limits: Limits {
            max_connections: MAX_CONNECTIONS,
            header_read: HEADER_READ,
            idle: IDLE,
        },
        ..Options::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        serve_relay(relay, &options, |addr, _| tx.send(addr).unwrap()).unwrap();
    });
    let addr = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    Relayed {
        addr,
        token,
        revoked,
        village,
        households,
        _dir: dir,
    }
}

/// Reads until the server closes the connection (or `limit` passes); returns what came and
/// how long it took.
pub fn read_until_closed(s: &mut TcpStream, limit: Duration) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    s.set_read_timeout(Some(limit)).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
        if started.elapsed() > limit {
            break;
        }
    }
    (out, started.elapsed())
}

/// One request on its own connection; the whole answer as text.
pub fn exchange(addr: SocketAddr, head: &str, body: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let (out, _) = read_until_closed(&mut s, Duration::from_secs(60));
    String::from_utf8_lossy(&out).into_owned()
}

/// The status of an answer.
pub fn status(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}
