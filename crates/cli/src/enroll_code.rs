//! `relay device add --code`: a device that enrolls with a one-time code (and its QR text)
//! instead of a token typed by hand.

use gridbook_relay::enroll_codes::{parse_valid, DEFAULT_VALID};
use gridbook_relay::Registry;
use serde_json::json;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// The device to add.
pub struct NewDevice<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its role.
    pub role: &'a str,
    /// Its village (none for a township device).
    pub village: Option<&'a str>,
    /// `--valid-for`, e.g. `24h`.
    pub valid_for: Option<&'a str>,
    /// `--relay-url` for the QR text.
    pub relay_url: Option<&'a str>,
    /// `--ca`: the township CA whose fingerprint goes in the QR text.
    pub ca: Option<&'a std::path::PathBuf>,
}

/// Adds the device to `devices` (of `township`, for a registry of many) and prints its
/// one-time code.
pub fn add(
    devices: &dyn Registry,
    township: &str,
    d: NewDevice<'_>,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let valid = d
        .valid_for
        .map(parse_valid)
        .transpose()?
        .unwrap_or(DEFAULT_VALID);
    let ca = d.ca.map(crate::relay_tls::fingerprint_of).transpose()?;
    let (dev, code) = devices.add_with_code(township, d.name, d.role, d.village, valid)?;
    let qr_text = gridbook_sync::enrollment::qr_text(d.relay_url, &code.code, ca.as_deref());
    emit(
        json,
        &json!({
            "device_id": dev.device_id,
            "code": code.code,
            "expires_at": code.expires_at,
            "qr_text": qr_text,
        }),
        || {
            format!(
                "{}  {}\n{}：{}\n{}：{}\n{}",
                dev.device_id,
                dev.name,
                t(lang, "登记码（只能用一次）", "enrollment code (works once)"),
                code.code,
                t(lang, "有效期至", "valid until"),
                code.expires_at,
                t(
                    lang,
                    "在新设备上运行 gridbook enroll --relay 中继地址 --code 登记码",
                    "on the new device run gridbook enroll --relay RELAY_URL --code CODE"
                ),
            )
        },
    );
    Ok(())
}
