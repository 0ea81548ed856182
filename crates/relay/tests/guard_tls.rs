//! Connection hygiene of the TLS listener, through a real relay on 127.0.0.1 serving the test
//! certificate of `tests/tls/`: the same cap, deadlines and idle timeout as the plain listener
//! (one serving loop for both), a deadline for the TLS handshake, and honest syncs still work.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{start, HEADER_READ, IDLE, MAX_CONNECTIONS};
use gridbook_relay::Tls;
use gridbook_store::Store;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tls")
        .join(name)
}

fn client_config() -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(fixture("ca.pem")).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

type Tls1 = StreamOwned<ClientConnection, TcpStream>;

/// A TLS connection to the relay, its handshake finished.
fn connect(addr: SocketAddr) -> Tls1 {
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let conn = ClientConnection::new(client_config(), name).unwrap();
    let mut s = StreamOwned::new(conn, TcpStream::connect(addr).unwrap());
    s.sock
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    while s.conn.is_handshaking() {
        s.conn.complete_io(&mut s.sock).unwrap();
    }
    s
}

/// Reads until the relay closes the connection or `limit` passes: what came, how long it
/// took, and whether it was closed.
fn read_until_closed(s: &mut impl Read, limit: Duration) -> (Vec<u8>, Duration, bool) {
    let started = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = loop {
        if started.elapsed() > limit {
            break false;
        }
        match s.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            // A reset, or a TLS stream cut without close_notify: closed all the same.
            Err(_) => break true,
        }
    };
    (out, started.elapsed(), closed)
}

fn set_timeout(s: &TcpStream) {
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
}

fn status(answer: &[u8]) -> u16 {
    String::from_utf8_lossy(answer)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn hello_head(token: &str, close: bool) -> String {
    let connection = if close { "Connection: close\r\n" } else { "" };
    format!(
        "GET /v1/hello HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {token}\r\n{connection}\r\n"
    )
}

#[test]
fn handshakes_headers_and_bodies_that_stall_are_cut_at_their_deadlines() {
    let r = start(Some(Tls {
        cert: fixture("cert.pem"),
        key: fixture("key.pem"),
    }));
    let within = |took: Duration, deadline: Duration| took >= deadline && took < deadline * 3;

    // A connection that never starts its handshake, and one that stops in its ClientHello.
    let mut silent = TcpStream::connect(r.addr).unwrap();
    set_timeout(&silent);
    let mut halfway = TcpStream::connect(r.addr).unwrap();
    set_timeout(&halfway);
    halfway
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .unwrap();
    for s in [&mut silent, &mut halfway] {
        let (_, took, closed) = read_until_closed(s, Duration::from_secs(10));
        assert!(closed, "still open after {took:?}");
        assert!(took < HEADER_READ * 3, "{took:?}");
    }

    // Handshake done, headers never finished: closed at the header deadline.
    let mut slow = connect(r.addr);
    set_timeout(&slow.sock);
    slow.write_all(b"POST /v1/sync HTTP/1.1\r\nHost: r\r\n")
        .unwrap();
    let (_, took, closed) = read_until_closed(&mut slow, Duration::from_secs(10));
    assert!(closed && within(took, HEADER_READ), "{took:?} {closed}");

    // Headers whole, then a body that stops moving: no header deadline applies any more,
    // the idle timeout does.
    let mut stalled = connect(r.addr);
    set_timeout(&stalled.sock);
    stalled
        .write_all(
            format!(
                "POST /v1/sync HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {}\r\n\
                 Content-Type: application/octet-stream\r\nContent-Length: 4000\r\n\r\n",
                r.token
            )
            .as_bytes(),
        )
        .unwrap();
    stalled.write_all(&[0u8; 100]).unwrap();
    let (_, took, closed) = read_until_closed(&mut stalled, Duration::from_secs(10));
    assert!(closed && within(took, IDLE), "{took:?} {closed}");

    // A keep-alive connection left idle after its answer: closed.
    let mut idle = connect(r.addr);
    set_timeout(&idle.sock);
    idle.write_all(hello_head(&r.token, false).as_bytes())
        .unwrap();
    let (out, took, closed) = read_until_closed(&mut idle, Duration::from_secs(10));
    assert_eq!(status(&out), 200, "{}", String::from_utf8_lossy(&out));
    assert!(closed && took < IDLE * 3, "{took:?} {closed}");
}

#[test]
fn past_the_cap_a_tls_connection_is_told_503_and_then_served_again() {
    let r = start(Some(Tls {
        cert: fixture("cert.pem"),
        key: fixture("key.pem"),
    }));
    let held: Vec<TcpStream> = (0..MAX_CONNECTIONS)
        .map(|_| TcpStream::connect(r.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let mut extra = connect(r.addr);
    set_timeout(&extra.sock);
    let (out, _, closed) = read_until_closed(&mut extra, Duration::from_secs(5));
    let text = String::from_utf8_lossy(&out);
    assert!(closed);
    assert_eq!(status(&out), 503, "{text}");
    assert!(text.contains("Retry-After: 1"), "{text}");
    let took = started.elapsed();
    assert!(took < HEADER_READ, "answered before any deadline: {took:?}");
    // The silent ones go at their handshake deadline; the relay serves again.
    std::thread::sleep(HEADER_READ * 2);
    drop(held);
    let mut s = connect(r.addr);
    set_timeout(&s.sock);
    s.write_all(hello_head(&r.token, true).as_bytes()).unwrap();
    let (out, _, _) = read_until_closed(&mut s, Duration::from_secs(5));
    assert_eq!(status(&out), 200);
}

#[test]
fn a_device_enrolls_and_syncs_over_tls() {
    let r = start(Some(Tls {
        cert: fixture("cert.pem"),
        key: fixture("key.pem"),
    }));
    let device_dir = tempfile::tempdir().unwrap();
    let device = Store::open(device_dir.path()).unwrap();
    let ca = std::fs::read_to_string(fixture("ca.pem")).unwrap();
    let url = format!("https://127.0.0.1:{}", r.addr.port());
    let hello = gridbook_sync::client::enroll(&device, &url, &r.token, Some(&ca)).unwrap();
    assert_eq!(hello.village_id.as_deref(), Some(r.village.as_str()));
    let stats = gridbook_sync::client::sync(&device).unwrap();
    assert!(stats.docs_received > 0, "{stats:?}");
    assert_eq!(
        device.households(Some(&r.village)).unwrap().len(),
        r.households
    );
    // Without the township's CA the device does not trust the relay.
    let other = tempfile::tempdir().unwrap();
    let stranger = Store::open(other.path()).unwrap();
    assert!(gridbook_sync::client::enroll(&stranger, &url, &r.token, None).is_err());
}
