//! Why a relay's certificate is refused, told apart, through a real relay over TLS on
//! 127.0.0.1 with certificates made here (rcgen) by a township CA the device pins.
//!
//! What must hold: a certificate that has expired reads `cert_expired` (check the device's
//! date, or have it renewed), one issued for another host name `cert_wrong_host` (the address
//! does not match the certificate), one from another CA `untrusted_relay` (not the township's
//! relay); the same whether the device is enrolling with the CA's fingerprint or syncing with
//! the CA it pinned. These are the errors the app's enroll and sync commands receive (the app
//! passes the kind and its Chinese and English words on); on the command line they exit 3 with
//! that kind and the TLS library's exact reason. Nothing is kept from a refused enrollment.

use std::path::{Path, PathBuf};

use gridbook_store::Store;
use gridbook_sync::client_pin::{enroll_with_code, fingerprint_pem};
use gridbook_sync::{CertProblem, SyncError};
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::str_of;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use serde_json::Value;

/// A test CA: its certificate (PEM) and what issues relay certificates.
struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2090, 1, 1);
        let pem = params.self_signed(&key).expect("CA certificate").pem();
        Ca {
            pem,
            issuer: Issuer::new(params, key),
        }
    }

    /// A relay certificate for `hosts`, valid in the years `from`..`to`, written with this CA
    /// into `dir` as `cert.pem` (the chain) and `key.pem`; returns their paths.
    fn relay_cert(&self, dir: &Path, hosts: &[&str], from: i32, to: i32) -> (PathBuf, PathBuf) {
        let names: Vec<String> = hosts.iter().map(|h| (*h).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("relay params");
        params.distinguished_name.push(DnType::CommonName, hosts[0]);
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        params.not_before = rcgen::date_time_ymd(from, 1, 1);
        params.not_after = rcgen::date_time_ymd(to, 1, 1);
        let key = KeyPair::generate().expect("relay key");
        let cert = params.signed_by(&key, &self.issuer).expect("relay cert");
        std::fs::create_dir_all(dir).expect("cert dir");
        let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert_path, format!("{}{}", cert.pem(), self.pem)).expect("cert");
        std::fs::write(&key_path, key.serialize_pem()).expect("key");
        (cert_path, key_path)
    }
}

/// The certificates the relay serves in turn, each in its own directory.
struct Certs {
    good: (PathBuf, PathBuf),
    expired: (PathBuf, PathBuf),
    wrong_host: (PathBuf, PathBuf),
    foreign: (PathBuf, PathBuf),
}

/// The relay of `data` serving `cert` on `listen`.
fn serve(data: &Data, listen: &str, log: &Path, cert: &(PathBuf, PathBuf)) -> Server {
    Server::start_tls(data.path(), listen, log, &cert.0, &cert.1)
}

/// A one-time enrollment code for a township device.
fn code(relay: &Data) -> String {
    let added = relay.json("relay device add --township --role township --name 镇防控办 --code");
    str_of(&added, "code").to_owned()
}

/// Asserts `e` is the relay's certificate refused for `problem`.
fn assert_problem(e: &SyncError, problem: CertProblem, when: &str) {
    match e {
        SyncError::UntrustedRelay { problem: p, .. } => assert_eq!(*p, problem, "{when}: {e}"),
        other => panic!("{when}: not a certificate refusal: {other}"),
    }
    assert_eq!(e.kind(), problem.kind(), "{when}");
    let (zh, en) = e.messages();
    assert_eq!((zh.as_str(), en.as_str()), problem.messages(), "{when}");
}

/// Enrolls a fresh store with the pinned fingerprint `fp`: must be refused for `problem`,
/// with nothing kept.
fn enroll_refused(url: &str, code: &str, fp: &str, problem: CertProblem, when: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let e = enroll_with_code(&store, url, code, Some(fp)).expect_err(when);
    assert_problem(&e, problem, when);
    assert_eq!(
        store.setting("relay_token").expect("setting"),
        None,
        "{when}"
    );
    assert_eq!(store.setting("relay_ca").expect("setting"), None, "{when}");
}

/// The command line: exit 3 with the problem's kind, its words and the exact reason.
fn assert_cli(out: &std::process::Output, problem: CertProblem, reason: &str, when: &str) {
    assert_eq!(out.status.code(), Some(3), "{when}: {out:?}");
    let err: Value = serde_json::from_slice(&out.stderr).expect("json error");
    let err = &err["error"];
    assert_eq!(err["kind"], problem.kind(), "{when}: {err}");
    let zh = err["message"].as_str().unwrap_or_default();
    assert!(zh.starts_with(problem.messages().0), "{when}: {zh}");
    let en = err["message_en"].as_str().unwrap_or_default();
    assert!(en.contains(reason), "{when}: {en}");
}

#[test]
fn expired_wrong_host_and_foreign_certificates_are_told_apart() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let township = Ca::new("test township CA");
    let other = Ca::new("another CA");
    let fp = fingerprint_pem(&township.pem).expect("fingerprint");
    let here = ["127.0.0.1", "localhost"];
    let certs = Certs {
        good: township.relay_cert(&tmp.path().join("good"), &here, 2020, 2090),
        expired: township.relay_cert(&tmp.path().join("expired"), &here, 2020, 2021),
        wrong_host: township.relay_cert(
            &tmp.path().join("wrong"),
            &["relay.example.cn"],
            2020,
            2090,
        ),
        foreign: other.relay_cert(&tmp.path().join("foreign"), &here, 2020, 2090),
    };
    let relay = Data::new();
    relay.json("demo --villages 1 --households 2 --seed 3");
    let log = tmp.path().join("relay.log");

    // Enrolling with the township's fingerprint.
    let mut server = serve(&relay, "127.0.0.1:0", &log, &certs.expired);
    let (url, listen) = (server.url.clone(), server.addr().to_owned());
    let code1 = code(&relay);
    enroll_refused(&url, &code1, &fp, CertProblem::Expired, "enroll, expired");
    let device = Data::new();
    let out = device.run(&format!(
        "--json enroll --relay {url} --code {code1} --ca-fingerprint {fp}"
    ));
    assert_cli(
        &out,
        CertProblem::Expired,
        "certificate expired",
        "CLI enroll, expired",
    );
    server.kill();

    let mut server = serve(&relay, &listen, &log, &certs.wrong_host);
    enroll_refused(
        &url,
        &code1,
        &fp,
        CertProblem::WrongHost,
        "enroll, wrong host",
    );
    server.kill();

    let mut server = serve(&relay, &listen, &log, &certs.foreign);
    enroll_refused(
        &url,
        &code1,
        &fp,
        CertProblem::UnknownCa,
        "enroll, other CA",
    );
    server.kill();

    // The code still works with the right certificate: enrolled, synced, the CA pinned.
    let mut server = serve(&relay, &listen, &log, &certs.good);
    let store = || Store::open(device.path()).expect("store");
    let hello = enroll_with_code(&store(), &url, &code1, Some(&fp)).expect("enroll");
    assert_eq!(hello.role, "township");
    let pinned = store()
        .setting("relay_ca")
        .expect("setting")
        .expect("CA kept");
    assert_eq!(fingerprint_pem(&pinned).expect("pem"), fp);
    gridbook_sync::client::sync(&store()).expect("sync");
    server.kill();

    // Syncing with the pinned CA, as the app's sync does.
    for (cert, problem, reason, when) in [
        (
            &certs.expired,
            CertProblem::Expired,
            "certificate expired",
            "sync, expired",
        ),
        (
            &certs.wrong_host,
            CertProblem::WrongHost,
            "not valid for name",
            "sync, wrong host",
        ),
        (
            &certs.foreign,
            CertProblem::UnknownCa,
            "UnknownIssuer",
            "sync, other CA",
        ),
    ] {
        let mut server = serve(&relay, &listen, &log, cert);
        let e = gridbook_sync::client::sync(&store()).expect_err(when);
        assert_problem(&e, problem, when);
        let out = device.run("--json sync");
        assert_cli(&out, problem, reason, when);
        server.kill();
    }

    // The right certificate again: the device syncs on.
    let _server = serve(&relay, &listen, &log, &certs.good);
    gridbook_sync::client::sync(&store()).expect("sync after the refusals");
}
