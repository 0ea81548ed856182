//! Enrollment with a one-time code, and the township device's management of devices through
//! the relay (list with last sync, add with a code, revoke).
//!
//! The code travels typed or in a QR code whose text is
//! `gridbook:enroll?relay=<percent-encoded URL>&code=<CODE>[&ca=<SHA-256 of the township CA>]`
//! ([`qr_text`]; the CA is pinned by [`crate::client_pin`]).

use gridbook_store::Store;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::client::{enroll, Client};
use crate::error::{Result, SyncError};
use crate::identity::Hello;

/// Exchanges the one-time `code` at the relay `url` for this device's token, then enrolls the
/// store with it as [`enroll`] does.
pub fn enroll_with_code(
    store: &Store,
    url: &str,
    code: &str,
    ca_pem: Option<&str>,
) -> Result<Hello> {
    let url = &crate::client::relay_address(url)?;
    let answer = Client::with_ca(url, "", ca_pem)?
        .call_json("/v1/enroll", Some(&json!({ "code": code.trim() })))?;
    let token = answer["token"]
        .as_str()
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .ok_or_else(|| SyncError::Malformed("enroll answer without a token".into()))?;
    enroll(store, url, token, ca_pem)
}

/// A device as the relay lists it for a township device.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListedDevice {
    /// Device id.
    pub device_id: String,
    /// Name given when added.
    pub name: String,
    /// Role: grid-worker, volunteer, doctor, township.
    pub role: String,
    /// `township`, or `village:<id>`.
    pub scope: String,
    /// Whether it was revoked.
    pub revoked: bool,
    /// Last sync (seconds since the Unix epoch), if it ever synced.
    pub last_sync: Option<i64>,
}

/// A device just added, with its one-time code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewDevice {
    /// Device id.
    pub device_id: String,
    /// The one-time code, `ABCD-EFGH`.
    pub code: String,
    /// When the code stops working (RFC 3339, UTC).
    pub expires_at: String,
    /// What the QR code holds: the relay address and the code.
    #[serde(default)]
    pub qr_text: String,
}

fn decode<T: for<'de> Deserialize<'de>>(v: serde_json::Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| SyncError::Malformed(e.to_string()))
}

/// Every device of the relay (township devices only).
pub fn list_devices(store: &Store) -> Result<Vec<ListedDevice>> {
    decode(Client::from_store(store)?.call_json("/v1/devices", None)?)
}

/// Adds a device at the relay (township devices only): `village` for every role but
/// township. Returns the code and the QR text with this device's relay address.
pub fn add_device(
    store: &Store,
    name: &str,
    role: &str,
    village: Option<&str>,
) -> Result<NewDevice> {
    let body = json!({ "name": name, "role": role, "village": village });
    let mut added: NewDevice =
        decode(Client::from_store(store)?.call_json("/v1/devices", Some(&body))?)?;
    // A township device that pinned its township's CA passes the pin on.
    let ca = store
        .setting("relay_ca")?
        .map(|pem| crate::client_pin::fingerprint_pem(&pem))
        .transpose()?;
    added.qr_text = qr_text(
        store.setting("relay_url")?.as_deref(),
        &added.code,
        ca.as_deref(),
    );
    Ok(added)
}

/// Revokes a device at the relay (township devices only; not this device itself).
pub fn revoke_device(store: &Store, device_id: &str) -> Result<()> {
    Client::from_store(store)?.call_json(
        "/v1/devices/revoke",
        Some(&json!({ "device_id": device_id })),
    )?;
    Ok(())
}

/// The text of the enrollment QR code: `gridbook:enroll?relay=URL&code=CODE`, without the
/// relay part when the address is not known, and with `&ca=FINGERPRINT` (64 hex digits, the
/// township CA's certificate that a device enrolling over https pins) when there is one.
pub fn qr_text(relay_url: Option<&str>, code: &str, ca_fingerprint: Option<&str>) -> String {
    let mut text = match relay_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => format!(
            "gridbook:enroll?relay={}&code={code}",
            percent_encode(url.trim_end_matches('/'))
        ),
        None => format!("gridbook:enroll?code={code}"),
    };
    if let Some(fp) = ca_fingerprint {
        text.push_str("&ca=");
        text.push_str(fp);
    }
    text
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::qr_text;

    #[test]
    fn qr_text_carries_the_relay_and_the_code() {
        assert_eq!(
            qr_text(Some("https://relay.example.cn:7878/"), "ABCD-EFGH", None),
            "gridbook:enroll?relay=https://relay.example.cn:7878&code=ABCD-EFGH"
        );
        assert_eq!(
            qr_text(Some("http://h/x?a=1&b"), "ABCD-EFGH", None),
            "gridbook:enroll?relay=http://h/x%3Fa%3D1%26b&code=ABCD-EFGH"
        );
        assert_eq!(
            qr_text(None, "ABCD-EFGH", None),
            "gridbook:enroll?code=ABCD-EFGH"
        );
        let fp = "0a".repeat(32);
        assert_eq!(
            qr_text(Some("https://10.0.0.2:7878"), "ABCD-EFGH", Some(&fp)),
            format!("gridbook:enroll?relay=https://10.0.0.2:7878&code=ABCD-EFGH&ca={fp}")
        );
    }
}
