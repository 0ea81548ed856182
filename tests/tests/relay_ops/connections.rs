//! `relay serve --max-connections`: how many devices' connections the relay holds at once
//! (each device that syncs keeps one open); past it a new connection is told 503 with
//! Retry-After, and a freed place is taken again.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};

use gridbook_tests::procs::Data;

/// The status line the relay answers a new connection's request with.
fn status_of(addr: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // A request the relay answers without a device: the status line is all we read.
    let _ = write!(
        s,
        "GET /v1/hello HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_relay_holds_as_many_connections_as_it_is_told_and_refuses_the_next() {
    let d = Data::new();
    // Too few to serve a township: refused before anything starts.
    let out = d.run("relay serve --max-connections 8");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("max-connections"),
        "{out:?}"
    );

    let mut child = d
        .command("relay serve --listen 127.0.0.1:0 --max-connections 16")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address line");
    let addr = line
        .trim()
        .strip_prefix("中继已启动 http://")
        .unwrap_or_else(|| panic!("no address: {line:?}"))
        .to_owned();

    // Sixteen devices' connections, open and idle.
    let held: Vec<TcpStream> = (0..16)
        .map(|_| TcpStream::connect(&addr).expect("connect"))
        .collect();
    // Wait until the relay has taken every one of them, then the seventeenth is refused.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut refused = status_of(&addr);
    while !refused.contains("503") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        refused = status_of(&addr);
    }
    assert!(refused.contains("503"), "the 17th connection: {refused:?}");

    // One device goes: its place is free for the next.
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut served = status_of(&addr);
    while served.contains("503") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        served = status_of(&addr);
    }
    assert!(
        served.starts_with("HTTP/1.1 ") && !served.contains("503"),
        "after the connections closed: {served:?}"
    );
    let _ = child.kill();
    let _ = child.wait();
}
