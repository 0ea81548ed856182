//! A township CA devices trust from the enrollment QR code, through a real relay over TLS on
//! 127.0.0.1: `relay tls init` makes the CA and the relay's certificate, `relay device add
//! --code --ca` puts the CA's fingerprint in the QR text, and a device enrolling with it pins
//! the CA and syncs. A wrong fingerprint, or a relay whose certificate another CA issued, is
//! refused (exit 3, `untrusted_relay`) before anything is sent: the one-time code still works.
//! A new relay certificate from the same CA (`relay tls init` again) keeps the devices syncing.

use std::path::Path;
use std::process::Command;

use gridbook_store::Store;
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::{gridbook_bin, str_of};
use serde_json::Value;

/// `relay serve` over TLS with the certificate of `ca_dir`; returns the relay and its
/// `https://127.0.0.1:PORT`.
fn serve(relay: &Data, ca_dir: &Path, listen: &str, log: &Path) -> (Server, String) {
    let server = Server::start_tls(
        relay.path(),
        listen,
        log,
        &ca_dir.join("cert.pem"),
        &ca_dir.join("key.pem"),
    );
    let url = server.url.clone();
    (server, url)
}

/// `relay tls init --dir DIR --host 127.0.0.1 --host localhost`.
fn tls_init(dir: &Path) -> Value {
    let out = Command::new(gridbook_bin())
        .args(["--json", "relay", "tls", "init", "--dir"])
        .arg(dir)
        .args(["--host", "127.0.0.1", "--host", "localhost"])
        .output()
        .expect("run relay tls init");
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A one-time code for a township device, with the QR text naming `ca`.
fn code(relay: &Data, url: &str, ca: &Path) -> (String, String) {
    let added = relay.json(&format!(
        "relay device add --township --role township --name 镇防控办 --code --relay-url {url} --ca {}",
        ca.display()
    ));
    (
        str_of(&added, "code").to_owned(),
        str_of(&added, "qr_text").to_owned(),
    )
}

/// Asserts a refusal for the relay's certificate: exit 3, kind `untrusted_relay`, the clear
/// English and Chinese messages.
fn assert_untrusted(out: &std::process::Output, why: &str) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(3), "{why}: {text}");
    assert!(text.contains("\"untrusted_relay\""), "{why}: {text}");
    assert!(
        text.contains("was not issued by the township's CA"),
        "{why}: {text}"
    );
    assert!(
        text.contains("中继的证书不是本乡镇的证书机构（CA）签发的"),
        "{why}: {text}"
    );
}

fn relay_token(d: &Data) -> Option<String> {
    Store::open(d.path())
        .expect("store")
        .setting("relay_token")
        .expect("setting")
}

#[test]
fn a_device_pins_the_township_ca_of_its_qr_code() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (ca1, ca2) = (tmp.path().join("ca1"), tmp.path().join("ca2"));
    let made = tls_init(&ca1);
    let fp = str_of(&made, "ca_fingerprint").to_owned();
    assert_eq!(fp.len(), 64, "{made}");
    assert_eq!(made["ca_reused"], false, "{made}");
    let other = tls_init(&ca2);
    let other_fp = str_of(&other, "ca_fingerprint").to_owned();
    assert_ne!(fp, other_fp);

    let relay = Data::new();
    relay.json("demo --villages 2 --households 3 --seed 5");
    let log = tmp.path().join("relay.log");
    let (mut server, url) = serve(&relay, &ca1, "127.0.0.1:0", &log);

    // The QR text carries the CA's fingerprint.
    let (code1, qr) = code(&relay, &url, &ca1.join("ca.pem"));
    assert_eq!(
        qr,
        format!("gridbook:enroll?relay={url}&code={code1}&ca={fp}")
    );

    // A wrong fingerprint is refused before anything is sent: the code still works after.
    let device = Data::new();
    let out = device.run(&format!(
        "--json enroll --relay {url} --code {code1} --ca-fingerprint {other_fp}"
    ));
    assert_untrusted(&out, "wrong fingerprint");
    assert_eq!(relay_token(&device), None, "nothing kept");
    // Without a pin, the system's roots do not know the township CA either.
    let out = device.run(&format!("--json enroll --relay {url} --code {code1}"));
    assert_untrusted(&out, "system roots");
    assert_eq!(relay_token(&device), None, "nothing kept");
    // A pin over plain HTTP means nothing: refused as invalid input.
    let plain = url.replace("https://", "http://");
    let out = device.run(&format!(
        "--json enroll --relay {plain} --code {code1} --ca-fingerprint {fp}"
    ));
    assert_eq!(out.status.code(), Some(2), "{out:?}");

    // The right fingerprint (typed with colons, in capitals): enrolled, the CA kept, synced.
    let typed: Vec<String> = fp
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect();
    let hello = device.json(&format!(
        "enroll --relay {url} --code {code1} --ca-fingerprint {}",
        typed.join(":")
    ));
    assert_eq!(str_of(&hello, "role"), "township", "{hello}");
    let kept = Store::open(device.path())
        .expect("store")
        .setting("relay_ca")
        .expect("setting")
        .expect("the pinned CA kept");
    assert_eq!(
        gridbook_sync::client_pin::fingerprint_pem(&kept).expect("pem"),
        fp
    );
    let stats = device.sync();
    assert!(stats["docs_received"].as_u64().unwrap_or(0) > 0, "{stats}");
    let households = device.json("household list");
    assert!(
        !households.as_array().expect("list").is_empty(),
        "{households}"
    );

    // The same address now serves a certificate of another CA: the device refuses it.
    let port = url.rsplit(':').next().expect("port").to_owned();
    server.kill();
    let listen = format!("127.0.0.1:{port}");
    let (mut impostor, _) = serve(&relay, &ca2, &listen, &log);
    let out = device.run("--json sync");
    assert_untrusted(&out, "a relay certificate from another CA");
    // And a device enrolling with the township's pin refuses it too.
    let (code2, _) = code(&relay, &url, &ca1.join("ca.pem"));
    let second = Data::new();
    let out = second.run(&format!(
        "--json enroll --relay {url} --code {code2} --ca-fingerprint {fp}"
    ));
    assert_untrusted(&out, "enrolling against another CA's certificate");
    assert_eq!(relay_token(&second), None, "nothing kept");
    impostor.kill();

    // A new relay certificate from the township CA: the device syncs on, the code works.
    let renewed = tls_init(&ca1);
    assert_eq!(renewed["ca_reused"], true, "{renewed}");
    assert_eq!(str_of(&renewed, "ca_fingerprint"), fp);
    let (_server, _) = serve(&relay, &ca1, &listen, &log);
    device.sync();
    let hello = second.json(&format!(
        "enroll --relay {url} --code {code2} --ca-fingerprint {fp}"
    ));
    assert_eq!(str_of(&hello, "role"), "township", "{hello}");
    second.sync();
}
