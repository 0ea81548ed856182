//! `relay tls init`: a township's own certificate authority and the relay's certificate.
//!
//! The CA (`ca.pem`, its key `ca-key.pem`) is made once; devices pin it by the SHA-256
//! fingerprint of `ca.pem`, which the enrollment QR code carries (`relay device add --code
//! --ca DIR/ca.pem`). The relay's certificate (`cert.pem`: the certificate then the CA, the
//! chain a device checks; its key `key.pem`) names every address devices use. Run again with
//! the same directory, the command keeps the CA and issues a new relay certificate (new
//! addresses, or before it expires): enrolled devices keep trusting it.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Months, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use serde_json::json;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// How long the township CA is valid: devices pin it, so it outlives many relay certificates.
const CA_YEARS: u32 = 20;
/// How long a relay certificate is valid; `relay tls init` again issues the next one.
const CERT_YEARS: u32 = 5;
/// The CA's name (the same every time: a new relay certificate must name its issuer exactly).
const CA_NAME: &str = "gridbook township CA";

impl From<rcgen::Error> for Failure {
    fn from(e: rcgen::Error) -> Self {
        Failure {
            code: 1,
            kind: "tls",
            field: None,
            zh: format!("证书生成失败：{e}"),
            en: format!("certificate: {e}"),
        }
    }
}

/// Runs `relay tls init --dir DIR --host H...`.
pub fn init(dir: &Path, hosts: &[String], json: bool, lang: Lang) -> Result<(), Failure> {
    let hosts: Vec<String> = hosts
        .iter()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .collect();
    if hosts.is_empty() {
        return Err(Failure::invalid(
            "请用 --host 给出设备连接中继所用的域名或 IP 地址",
            "give the name or IP address devices use for the relay with --host",
        ));
    }
    std::fs::create_dir_all(dir)?;
    let (ca_path, ca_key_path) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
    let reused = ca_path.exists() && ca_key_path.exists();
    let ca_key = if reused {
        KeyPair::from_pem(&std::fs::read_to_string(&ca_key_path)?)?
    } else {
        KeyPair::generate()?
    };
    let ca_params = ca_params()?;
    let ca_pem = if reused {
        std::fs::read_to_string(&ca_path)?
    } else {
        let pem = ca_params.self_signed(&ca_key)?.pem();
        write_private(&ca_key_path, &ca_key.serialize_pem())?;
        std::fs::write(&ca_path, &pem)?;
        pem
    };
    let issuer = Issuer::new(ca_params, &ca_key);

    let mut params = CertificateParams::new(hosts.clone()).map_err(|e| {
        Failure::invalid(
            format!("--host 不是域名或 IP 地址：{e}"),
            format!("--host is not a name or an IP address: {e}"),
        )
    })?;
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, hosts[0].clone());
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let not_after = set_validity(&mut params, CERT_YEARS);
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &issuer)?;
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    write_private(&key_path, &key.serialize_pem())?;
    std::fs::write(&cert_path, format!("{}{ca_pem}", cert.pem()))?;

    let fingerprint = gridbook_sync::client_pin::fingerprint_pem(&ca_pem)?;
    let serve = format!(
        "gridbook --data DIR relay serve --listen 0.0.0.0:7878 --tls-cert {} --tls-key {}",
        cert_path.display(),
        key_path.display()
    );
    emit(
        json,
        &json!({
            "ca": ca_path,
            "ca_key": ca_key_path,
            "cert": cert_path,
            "key": key_path,
            "hosts": hosts,
            "ca_fingerprint": fingerprint,
            "ca_reused": reused,
            "not_after": not_after.to_string(),
        }),
        || {
            format!(
                "{}\n{}：{fingerprint}\n{}：{}\n{}\n{serve}\n{}",
                if reused {
                    t(
                        lang,
                        "沿用本乡镇的证书机构（CA），已登记的设备继续信任新证书",
                        "kept the township CA: enrolled devices trust the new certificate",
                    )
                } else {
                    t(
                        lang,
                        "已生成本乡镇的证书机构（CA）",
                        "made the township CA",
                    )
                },
                t(lang, "CA 证书指纹（SHA-256）", "CA fingerprint (SHA-256)"),
                t(lang, "中继证书地址", "relay certificate for"),
                hosts.join(", "),
                t(lang, "启动中继：", "serve with:"),
                t(
                    lang,
                    "登记码加 --ca ca.pem，二维码即带上指纹；请妥善保管 ca-key.pem（不要放在中继上）",
                    "add --ca ca.pem to relay device add --code to put the fingerprint in the QR code; keep ca-key.pem safe (off the relay)",
                ),
            )
        },
    );
    Ok(())
}

/// The SHA-256 fingerprint of the CA certificate in the PEM file `path` (`--ca` of
/// `relay device add --code`).
pub fn fingerprint_of(path: &PathBuf) -> Result<String, Failure> {
    let pem = std::fs::read_to_string(path)?;
    Ok(gridbook_sync::client_pin::fingerprint_pem(&pem)?)
}

/// The CA's parameters: the same name, usages and key-id method every time, so a relay
/// certificate issued later chains to the `ca.pem` made first.
fn ca_params() -> Result<CertificateParams, Failure> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, CA_NAME);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    set_validity(&mut params, CA_YEARS);
    Ok(params)
}

/// Valid from yesterday (a device whose clock is a little behind still accepts it) for
/// `years`; returns the last day.
fn set_validity(params: &mut CertificateParams, years: u32) -> chrono::NaiveDate {
    let today = Utc::now().date_naive();
    let from = today.pred_opt().unwrap_or(today);
    let to = today
        .checked_add_months(Months::new(12 * years))
        .unwrap_or(today);
    let ymd = |d: chrono::NaiveDate| rcgen::date_time_ymd(d.year(), d.month() as u8, d.day() as u8);
    params.not_before = ymd(from);
    params.not_after = ymd(to);
    to
}

/// Writes a private key readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())
}
