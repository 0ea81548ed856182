//! Hostile bytes get a 4xx, never harm what is stored and never bring the relay down.

use super::*;

/// One raw HTTP/1.1 POST /v1/sync: the status, or `None` if the relay closed the connection
/// without answering. The body is written from its own thread while the answer is read, so a
/// relay that answers early never deadlocks the test.
fn raw_post(addr: &str, token: Option<&str>, len: u64, body: Box<dyn Read + Send>) -> Option<u16> {
    raw_post_with(addr, token, "", len, body)
}

/// [`raw_post`] with extra header lines (each ending in CRLF).
fn raw_post_with(
    addr: &str,
    token: Option<&str>,
    extra: &str,
    len: u64,
    body: Box<dyn Read + Send>,
) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).expect("connect to the relay");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST /v1/sync HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/octet-stream\r\n\
         {extra}Content-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    let mut writer = stream.try_clone().expect("clone stream");
    let sender = std::thread::spawn(move || {
        let mut body = body;
        if writer.write_all(head.as_bytes()).is_ok() {
            let _ = std::io::copy(&mut body, &mut writer);
        }
    });
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
    let text = String::from_utf8_lossy(&answer);
    text.strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
}

fn post_bytes(addr: &str, token: Option<&str>, body: Vec<u8>) -> Option<u16> {
    raw_post(
        addr,
        token,
        body.len() as u64,
        Box::new(std::io::Cursor::new(body)),
    )
}

/// 7. Hostile input: malformed, oversized, odd ids, replays, garbage in place of Automerge
///    messages. Each gets a 4xx or a refusal, the relay stays up, its data intact.
#[test]
fn hostile_input_gets_4xx_and_harms_nothing() {
    let mut w = World::new(2, 20);
    let village = w.villages[0].clone();
    let a = w.device("grid-worker", Some(&village), "甲村网格员");
    let addr = w.server.addr().to_owned();
    let token = a.token.clone();
    let before = w.relay.heads();

    let valid = Request {
        index: Some(vec![(ledger(&village), digest("x"))]),
        scope: None,
        messages: vec![],
    }
    .encode();
    let mut rng = SplitMix64::new(7);
    let random: Vec<u8> = (0..4096).map(|_| rng.next_u64() as u8).collect();
    let mut wrong_magic = valid.clone();
    wrong_magic[..3].copy_from_slice(b"XYZ");
    let mut wrong_version = valid.clone();
    wrong_version[3] = 99;
    let mut huge_count = b"GBS\x02\x01\x01".to_vec();
    huge_count.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    // One message whose declared length is 2^62 bytes.
    let mut huge_len = b"GBS\x02\x01\x00\x01".to_vec();
    let id = ledger(&village);
    huge_len.push(id.len() as u8);
    huge_len.extend(id.as_bytes());
    huge_len.extend([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    let control_id = Request {
        index: None,
        scope: None,
        messages: vec![(format!("ledger:{village}\u{0}\n"), vec![0x42, 0x00])],
    }
    .encode();
    let control_index = Request {
        index: Some(vec![(format!("ledger:\u{7}{village}"), digest("x"))]),
        scope: None,
        messages: vec![],
    }
    .encode();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("random bytes", random),
        ("wrong magic", wrong_magic),
        ("wrong version", wrong_version),
        ("truncated", valid[..valid.len() - 3].to_vec()),
        ("trailing bytes", [valid.clone(), vec![0]].concat()),
        ("huge count", huge_count),
        ("huge length", huge_len),
        ("control characters in an id", control_id),
        ("control characters in an index id", control_index),
    ];
    let mut problems = Vec::new();
    for (what, body) in cases {
        match post_bytes(&addr, Some(&token), body) {
            Some(s) if (400..500).contains(&s) => {}
            other => problems.push(format!("{what}: status {other:?}, expected 4xx")),
        }
    }
    // Garbage in the body, no token.
    match post_bytes(&addr, None, b"GBS garbage".to_vec()) {
        Some(401) => {}
        other => problems.push(format!("no token: status {other:?}, expected 401")),
    }
    // A body larger than 64 MiB, streamed from a generator of zeros.
    let big = 65u64 << 20;
    match raw_post(
        &addr,
        Some(&token),
        big,
        Box::new(std::io::repeat(0).take(big)),
    ) {
        Some(413) => {}
        other => problems.push(format!("65 MiB body: status {other:?}, expected 413")),
    }
    // Compressed bodies: a valid request is served; one that expands past 64 MiB (a few KiB
    // on the wire), or is no zstd at all, is refused.
    let zstd = |bytes: &[u8]| zstd::bulk::compress(bytes, 3).expect("zstd");
    let compressed: Vec<(&str, Vec<u8>, u16)> = vec![
        ("compressed valid request", zstd(&valid), 200),
        (
            "compressed 65 MiB of zeros",
            zstd(&vec![0u8; 65 << 20]),
            413,
        ),
        (
            "compressed 65 MiB after a valid request",
            {
                let mut long = valid.clone();
                long.resize(65 << 20, 0);
                zstd(&long)
            },
            413,
        ),
        ("not zstd", b"GBS\x02\x01\x00\x00".to_vec(), 400),
        ("truncated zstd", zstd(&valid)[..6].to_vec(), 400),
    ];
    for (what, body, want) in compressed {
        assert!(
            body.len() < 1 << 20,
            "{what}: {} bytes on the wire",
            body.len()
        );
        let len = body.len() as u64;
        let got = raw_post_with(
            &addr,
            Some(&token),
            "Content-Encoding: zstd\r\n",
            len,
            Box::new(std::io::Cursor::new(body)),
        );
        if got != Some(want) {
            problems.push(format!("{what}: status {got:?}, expected {want}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    w.server.assert_alive();

    // Valid wire requests with garbage in place of Automerge sync messages.
    let client = Client::new(&w.server.url, &token);
    let mut rng = SplitMix64::new(11);
    let mut garbage: Vec<Vec<u8>> = vec![
        vec![],
        vec![0x42],
        vec![0x42, 0x00, 0x01],
        vec![0x42, 0xff, 0xff, 0xff, 0xff, 0x0f],
        vec![0x43, 0x01, 0x02],
    ];
    for n in [16, 300, 5000] {
        let mut g: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
        g[0] = 0x42;
        garbage.push(g);
    }
    for g in &garbage {
        let req = Request {
            index: None,
            scope: None,
            messages: vec![(ledger(&village), g.clone())],
        };
        match client.post(&req) {
            Ok((resp, _, _)) => assert!(
                resp.refused.iter().any(|(d, _)| *d == ledger(&village)),
                "garbage message {:02x?}: not refused: {resp:?}",
                &g[..g.len().min(8)]
            ),
            Err(SyncError::Refused { status, .. }) if (400..500).contains(&status) => {}
            Err(e) => panic!("garbage message {:02x?}: {e}", &g[..g.len().min(8)]),
        }
    }
    w.server.assert_alive();
    assert_eq!(
        w.relay.heads(),
        before,
        "hostile requests changed the relay"
    );

    // A replayed request: the second copy is harmless.
    let (_, person) = w.household_of(&village, 0);
    a.ok(&format!("person set {person} phone=13544445555"));
    let replayed = {
        let store = Store::open(a.path()).expect("open A");
        let peer = format!(
            "relay:{}",
            store
                .setting("relay_id")
                .expect("setting")
                .unwrap_or_default()
        );
        let mut session = gridbook_sync::DeviceSession::new(&store, &peer);
        // The first request carries the edit (made since the heads A last shared).
        let first = session.start().expect("start");
        assert!(
            !first.messages.is_empty(),
            "the first request carries the edit"
        );
        let (resp, _, _) = client.post(&first).expect("index and edit");
        let _ = session.handle(resp).expect("handle");
        first
    };
    let after_first = w.relay.heads();
    assert_ne!(after_first, before, "the request carried the edit");
    assert_eq!(w.relay.person(&person)["phone"], "13544445555");
    for _ in 0..2 {
        let (resp, _, _) = client.post(&replayed).expect("replay");
        assert!(resp.refused.is_empty(), "replay refused: {resp:?}");
        assert_eq!(w.relay.heads(), after_first, "a replay changed the relay");
    }
    assert_eq!(
        post_bytes(&addr, Some(&token), replayed.encode()),
        Some(200),
        "raw replay"
    );
    assert_eq!(w.relay.heads(), after_first);

    // The relay still serves, and its data are intact.
    w.server.assert_alive();
    let stats = a.sync();
    assert!(refused(&stats).is_empty(), "{stats}");
    let fresh = w.device("grid-worker", Some(&village), "新手机");
    assert_eq!(fresh.person(&person)["phone"], "13544445555");
    assert_eq!(
        fresh.heads()[&ledger(&village)],
        w.relay.heads()[&ledger(&village)]
    );
    w.server.assert_alive();
    w.relay.reindex_check();
}

/// A device that keeps sending what the relay refuses (here: bodies that are no sync message)
/// gets its answers, but past a burst only about one a second; another device is served at
/// once meanwhile, and the refused device's valid requests are served again once it stops.
#[test]
fn a_device_refused_again_and_again_is_slowed_and_nobody_else() {
    let mut w = World::new(1, 5);
    let village = w.villages[0].clone();
    let a = w.device("grid-worker", Some(&village), "乱发的手机");
    let b = w.device("grid-worker", Some(&village), "正常的手机");
    let addr = w.server.addr().to_owned();
    let burst = gridbook_relay::penalty::BURST as usize;
    let started = std::time::Instant::now();
    for i in 0..burst {
        assert_eq!(
            post_bytes(&addr, Some(&a.token), b"not a sync message".to_vec()),
            Some(400),
            "refusal {i}"
        );
    }
    let free = started.elapsed();
    assert!(
        free < Duration::from_secs(20),
        "the burst itself is not slowed: {free:?}"
    );
    // Past the burst each refusal waits for the bucket to refill (one a second).
    let slowed = std::time::Instant::now();
    for i in 0..3 {
        assert_eq!(
            post_bytes(&addr, Some(&a.token), b"still not one".to_vec()),
            Some(400),
            "refusal {} past the burst",
            burst + i
        );
    }
    let took = slowed.elapsed();
    assert!(
        took >= Duration::from_millis(1800),
        "three refusals past the burst answered in {took:?}"
    );
    // Another device of the same village is not held.
    let other = std::time::Instant::now();
    let stats = b.sync();
    assert!(refused(&stats).is_empty(), "{stats}");
    assert!(
        other.elapsed() < Duration::from_secs(5),
        "the other device waited {:?}",
        other.elapsed()
    );
    // The refused device's own valid sync still goes through (after its wait).
    let stats = a.sync();
    assert!(refused(&stats).is_empty(), "{stats}");
    w.server.assert_alive();
}
