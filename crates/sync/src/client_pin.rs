//! A township's own certificate authority, pinned at enrollment.
//!
//! The enrollment QR code carries the SHA-256 fingerprint of the township CA's certificate
//! (`ca=<64 hex digits>`, made by `gridbook relay tls init`). Enrolling over https with it,
//! the device opens one TLS connection to the relay without sending anything, takes from the
//! chain the relay presents the certificate with that fingerprint, and checks that the relay's
//! own certificate chains to it (signature, validity, the relay's host name). Only then is the
//! CA kept (as the store's `relay_ca`, PEM) and every later connection trusts it alone. A relay
//! whose certificate comes from another CA, or a QR code with another fingerprint, is refused
//! with [`SyncError::UntrustedRelay`], which tells why ([`CertProblem`]): a certificate expired
//! or not yet valid, one for another host name, or one the township's CA did not issue.

use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore};
use sha2::{Digest, Sha256};

use gridbook_store::Store;

use crate::error::{CertProblem, Result, SyncError};
use crate::identity::Hello;

/// A fingerprint as given (hex, any case, with or without `:` or spaces) in its one form: 64
/// lowercase hex digits; `None` when it is not a SHA-256 fingerprint.
pub fn normalize_fingerprint(text: &str) -> Option<String> {
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// The SHA-256 fingerprint (64 lowercase hex digits) of a certificate's DER bytes.
pub fn fingerprint_der(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The fingerprint of the first certificate of a PEM text (a CA's `ca.pem`).
pub fn fingerprint_pem(pem: &str) -> Result<String> {
    let der = CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| SyncError::Malformed(format!("CA certificate: {e}")))?;
    Ok(fingerprint_der(&der))
}

/// Connects to the https relay `url` and returns the PEM of the CA certificate whose SHA-256
/// is `fingerprint`, once the relay's certificate is checked to chain to it.
pub fn pinned_ca(url: &str, fingerprint: &str) -> Result<String> {
    let want = normalize_fingerprint(fingerprint).ok_or_else(|| {
        SyncError::Store(gridbook_store::StoreError::Invalid(
            gridbook_domain::FieldError::new(
                "ca",
                "fingerprint",
                "证书指纹应为 64 位十六进制数字（登记二维码中的 ca=…）",
                "The CA fingerprint must be 64 hex digits (ca=… of the enrollment QR code)",
            ),
        ))
    })?;
    let (host, port) = https_host(url)?;
    let name = ServerName::try_from(host.clone())
        .map_err(|_| SyncError::Malformed(format!("relay host {host:?}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = presented_chain(&host, port, name.clone(), provider.clone())?;
    let unknown = |detail: String| SyncError::UntrustedRelay {
        problem: CertProblem::UnknownCa,
        detail,
    };
    let Some(ca) = chain.iter().find(|c| fingerprint_der(c) == want).cloned() else {
        return Err(unknown(
            "no certificate with the pinned fingerprint in the relay's chain".into(),
        ));
    };
    let mut roots = RootCertStore::empty();
    roots
        .add(ca.clone())
        .map_err(|e| unknown(format!("pinned CA: {e}")))?;
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| unknown(format!("pinned CA: {e}")))?;
    let (leaf, rest) = chain
        .split_first()
        .ok_or_else(|| unknown("the relay presented no certificate".into()))?;
    verifier
        .verify_server_cert(leaf, rest, &name, &[], UnixTime::now())
        .map_err(|e| refused(&e))?;
    Ok(pem(&ca))
}

/// The CA certificate (PEM) to trust when enrolling with `url`: the township's CA found by
/// its `fingerprint` when one is given, else `ca_pem` (a CA given as a file), else none (the
/// system's roots, as for a relay with a public CA's certificate).
pub fn enrollment_ca(
    url: &str,
    ca_pem: Option<&str>,
    fingerprint: Option<&str>,
) -> Result<Option<String>> {
    match fingerprint.map(str::trim).filter(|f| !f.is_empty()) {
        Some(fp) => pinned_ca(url, fp).map(Some),
        None => Ok(ca_pem.map(str::to_owned)),
    }
}

/// Enrolls with the device `token` as [`crate::client::enroll`] does, pinning the township's
/// CA by its `fingerprint` when one is given.
pub fn enroll_with_token(
    store: &Store,
    url: &str,
    token: &str,
    fingerprint: Option<&str>,
) -> Result<Hello> {
    let ca = enrollment_ca(url, None, fingerprint)?;
    crate::client::enroll(store, url, token, ca.as_deref())
}

/// Enrolls with a one-time `code` as [`crate::enrollment::enroll_with_code`] does, pinning
/// the township's CA by its `fingerprint` when one is given (the `ca=` of the QR code).
pub fn enroll_with_code(
    store: &Store,
    url: &str,
    code: &str,
    fingerprint: Option<&str>,
) -> Result<Hello> {
    let ca = enrollment_ca(url, None, fingerprint)?;
    crate::enrollment::enroll_with_code(store, url, code, ca.as_deref())
}

/// The relay's certificate refused for `e`, told by why: its dates, its host names, or its
/// issuer (anything else about it: not the township's).
fn refused(e: &rustls::Error) -> SyncError {
    use rustls::CertificateError as C;
    let problem = match e {
        rustls::Error::InvalidCertificate(
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. },
        ) => CertProblem::Expired,
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => CertProblem::WrongHost,
        _ => CertProblem::UnknownCa,
    };
    SyncError::UntrustedRelay {
        problem,
        detail: e.to_string(),
    }
}

/// The relay's certificate refused, when that is what a client error is (not the network).
pub(crate) fn untrusted(e: &ureq::Error) -> Option<SyncError> {
    let rustls_error = match e {
        ureq::Error::Rustls(r) => Some(r),
        ureq::Error::Io(io) => io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()),
        _ => None,
    };
    match rustls_error {
        Some(
            r @ (rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented),
        ) => Some(refused(r)),
        _ => None,
    }
}

/// Host and port of an `https://` address (the fingerprint means nothing over plain HTTP).
fn https_host(url: &str) -> Result<(String, u16)> {
    let url = crate::client::relay_address(url)?;
    let Some(rest) = url.strip_prefix("https://") else {
        return Err(SyncError::Store(gridbook_store::StoreError::Invalid(
            gridbook_domain::FieldError::new(
                "relay_url",
                "scheme",
                "登记二维码指定了本乡镇的证书，中继地址必须以 https:// 开头",
                "The enrollment QR code pins the township's certificate: the relay address must start with https://",
            ),
        )));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let bad = || SyncError::Malformed(format!("relay address {url:?}"));
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, tail) = v6.split_once(']').ok_or_else(bad)?;
        (host, tail.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = port.map_or(Ok(443), |p| p.parse::<u16>().map_err(|_| bad()))?;
    Ok((host.to_owned(), port))
}

/// The certificates the relay at `host:port` presents in a TLS handshake (its own first).
/// Nothing is sent over the connection: it is closed once the handshake is done.
fn presented_chain(
    host: &str,
    port: u16,
    name: ServerName<'static>,
    provider: Arc<CryptoProvider>,
) -> Result<Vec<CertificateDer<'static>>> {
    let net = |e: std::io::Error| SyncError::Network(format!("{host}:{port}: {e}"));
    let capture = Arc::new(Capture {
        chain: Mutex::new(Vec::new()),
        provider: provider.clone(),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Malformed(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(capture.clone())
        .with_no_client_auth();
    let mut conn = ClientConnection::new(Arc::new(config), name)
        .map_err(|e| SyncError::Malformed(e.to_string()))?;
    let addrs = (host, port).to_socket_addrs().map_err(net)?;
    let mut last = std::io::Error::from(std::io::ErrorKind::AddrNotAvailable);
    let mut sock = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {
            Ok(s) => {
                sock = Some(s);
                break;
            }
            Err(e) => last = e,
        }
    }
    let mut sock = sock.ok_or_else(|| net(last))?;
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(net)?;
    sock.set_write_timeout(Some(Duration::from_secs(10)))
        .map_err(net)?;
    while conn.is_handshaking() {
        conn.complete_io(&mut sock).map_err(net)?;
    }
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
    let _ = sock.flush();
    let chain = std::mem::take(&mut *capture.chain.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(chain)
}

/// Keeps the chain the relay presents and accepts it, for [`presented_chain`] only: the chain
/// is checked against the pinned CA afterwards, and nothing is sent over that connection. The
/// handshake's signatures are still checked, so the relay holds the key of the certificate.
#[derive(Debug)]
struct Capture {
    chain: Mutex<Vec<CertificateDer<'static>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let mut chain = self.chain.lock().unwrap_or_else(|p| p.into_inner());
        *chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A certificate's DER bytes as PEM.
fn pem(der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::with_capacity(der.len() * 4 / 3 + 4);
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_read_in_any_usual_spelling() {
        let fp = "AB:".repeat(31) + "AB";
        assert_eq!(normalize_fingerprint(&fp), Some("ab".repeat(32)));
        assert_eq!(normalize_fingerprint(&"0".repeat(63)), None);
        assert_eq!(normalize_fingerprint(&"g".repeat(64)), None);
    }

    #[test]
    fn pem_round_trips_through_the_parser() {
        for len in [1usize, 2, 3, 64, 100, 401] {
            let der: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
            let back = CertificateDer::from_pem_slice(pem(&der).as_bytes()).expect("pem");
            assert_eq!(back.as_ref(), der.as_slice(), "{len}");
        }
    }

    #[test]
    fn hosts_and_ports_of_https_addresses() {
        assert_eq!(
            https_host("https://127.0.0.1:7878").ok(),
            Some(("127.0.0.1".into(), 7878))
        );
        assert_eq!(
            https_host("https://relay.example.cn/").ok(),
            Some(("relay.example.cn".into(), 443))
        );
        assert_eq!(
            https_host("https://[::1]:8443/x").ok(),
            Some(("::1".into(), 8443))
        );
        assert!(https_host("http://127.0.0.1:7878").is_err());
    }
}
