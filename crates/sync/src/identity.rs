//! The device's role and scope as the relay says them: at enrollment (the hello) and in the
//! headers of every sync answer, so that a device whose role or village the township changed
//! knows it at its next sync and stops offering what the relay would refuse.

use gridbook_store::Store;
use http::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// What the relay says about itself and this device.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Enrollment"))]
pub struct Hello {
    /// The relay's id (its sync peer name on devices).
    pub relay_id: String,
    /// The township the relay serves.
    pub township_id: String,
    /// This device's id at the relay.
    pub device_id: String,
    /// This device's name at the relay.
    pub name: String,
    /// Role: grid-worker, volunteer, doctor, township.
    pub role: String,
    /// Village of the device, or `None` for the whole township.
    pub village_id: Option<String>,
}

/// Header of a sync answer with the device's role.
pub const ROLE_HEADER: &str = "x-gridbook-role";
/// Header of a sync answer with the device's village (absent: the whole township).
pub const VILLAGE_HEADER: &str = "x-gridbook-village";

/// Roles a relay gives.
const ROLES: [&str; 4] = ["grid-worker", "volunteer", "doctor", "township"];

/// Puts the role and village of the device into the headers of its sync answer.
pub fn put(headers: &mut HeaderMap, role: &str, village: Option<&str>) {
    if let Ok(v) = HeaderValue::from_str(role) {
        headers.insert(ROLE_HEADER, v);
    }
    if let Some(v) = village.and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(VILLAGE_HEADER, v);
    }
}

/// The role and village a sync answer names, if it names a known role (and a plausible
/// village id): what a relay says is checked like anything received.
pub fn read(headers: &HeaderMap) -> Option<(String, Option<String>)> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let role = text(ROLE_HEADER).filter(|r| ROLES.contains(r))?;
    let village = match text(VILLAGE_HEADER) {
        None => None,
        Some(v)
            if !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) =>
        {
            Some(v.to_owned())
        }
        Some(_) => return None,
    };
    // A village device has a village; a township device has none.
    ((role == "township") == village.is_none()).then(|| (role.to_owned(), village))
}

/// Keeps the role and village the relay said (as enrollment does); returns whether they
/// changed.
pub fn adopt(store: &Store, role: &str, village: Option<&str>) -> Result<bool> {
    let village = village.unwrap_or("");
    let same = store.setting("role")?.as_deref() == Some(role)
        && store.setting("village_id")?.as_deref().unwrap_or("") == village;
    if !same {
        store.set_setting("role", role)?;
        store.set_setting("village_id", village)?;
    }
    Ok(!same)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_a_checked_role_and_village() {
        let mut h = HeaderMap::new();
        put(&mut h, "volunteer", Some("a1-b2"));
        assert_eq!(read(&h), Some(("volunteer".into(), Some("a1-b2".into()))));
        let mut t = HeaderMap::new();
        put(&mut t, "township", None);
        assert_eq!(read(&t), Some(("township".into(), None)));
        let mut odd = HeaderMap::new();
        put(&mut odd, "admin", None);
        assert_eq!(read(&odd), None, "unknown role");
        let mut no_village = HeaderMap::new();
        put(&mut no_village, "grid-worker", None);
        assert_eq!(
            read(&no_village),
            None,
            "a village role without its village"
        );
        let mut bad = HeaderMap::new();
        put(&mut bad, "grid-worker", Some("a b/../c"));
        assert_eq!(read(&bad), None);
        assert_eq!(read(&HeaderMap::new()), None);
    }
}
