//! What the app shell shows of the device, kept here so it is tested without a window: the
//! status at a glance, settings, and field checks for inline validation.
//!
//! The sync side of the status (the background loop's state, the edits the relay refused) is
//! passed in by the caller: the store knows nothing of the network.

use serde::Serialize;

use crate::{Result, Store};

/// The home screen's figures and the sync bar's state.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppStatus {
    /// This device's name.
    pub device_name: String,
    /// The township, once known.
    pub township_id: Option<String>,
    /// Its name, once its grid document is on this device.
    pub township_name: Option<String>,
    /// Whether a relay is configured.
    pub enrolled: bool,
    /// The role the relay gave this device at enrollment (grid-worker, volunteer, doctor,
    /// township), `None` before enrollment.
    pub role: Option<String>,
    /// The village the device serves, `None` for the whole township or before enrollment.
    pub village_id: Option<String>,
    /// The relay address.
    pub relay_url: Option<String>,
    /// Kinds of documents this device may write (`grid`, `ledger`, `care`, `gate`, `entries`,
    /// `reports`), as its role allows: the screens hide or disable the rest.
    pub writes: Vec<&'static str>,
    /// Documents whose changes from this device the relay refused, still to be seen to.
    pub refused: usize,
    /// Households (not deleted).
    pub households: i64,
    /// Persons (not deleted).
    pub persons: i64,
    /// Persons carrying a risk tag (密接, 次密接, 红码, …): the people under follow-up.
    pub under_follow_up: i64,
    /// Local changes not yet acknowledged by the relay.
    pub unsynced: i64,
    /// Local time of the last successful sync.
    pub last_sync: Option<String>,
    /// Whether the last attempt reached the relay.
    pub online: bool,
    /// Whether a sync is running.
    pub syncing: bool,
    /// Today at the deployment's local time (`YYYY-MM-DD`): the day of due lists and forms,
    /// whatever time zone the device's own clock is set to.
    pub today: String,
    /// Now at the deployment's local time (`YYYY-MM-DDTHH:MM:SS`): the UI keeps its offset from
    /// the device's clock for the times it suggests (a new pass starts now).
    pub now: String,
}

/// The status now, given the state of the background sync loop's last report (`idle`,
/// `syncing`, `offline`, `error` or `not_enrolled`) and how many documents hold edits the
/// relay refused.
pub fn status(store: &Store, sync_state: &str, refused: usize) -> Result<AppStatus> {
    let (households, persons, under_follow_up) = store.counts()?;
    let relay_url = store.setting("relay_url")?;
    Ok(AppStatus {
        device_name: store.device_name(),
        township_id: store.setting("township_id")?,
        township_name: store.township_name()?,
        enrolled: relay_url.is_some(),
        role: store.setting("role")?.filter(|r| !r.is_empty()),
        village_id: store.setting("village_id")?.filter(|v| !v.is_empty()),
        relay_url,
        writes: store.writable_kinds()?,
        refused,
        households,
        persons,
        under_follow_up,
        unsynced: store.unsynced()?,
        last_sync: store.setting("last_sync")?,
        online: matches!(sync_state, "idle" | "syncing"),
        syncing: sync_state == "syncing",
        today: store.now_local().date().to_string(),
        now: store.now_local().format("%Y-%m-%dT%H:%M:%S").to_string(),
    })
}

/// Settings shown on the settings screen.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Settings {
    /// This device's name.
    pub device_name: String,
    /// The relay address.
    pub relay_url: Option<String>,
    /// `zh-CN` (default) or `en`.
    pub language: String,
}

/// The current settings.
pub fn settings(store: &Store) -> Result<Settings> {
    Ok(Settings {
        device_name: store.device_name(),
        relay_url: store.setting("relay_url")?,
        language: store.setting("language")?.unwrap_or_else(|| "zh-CN".into()),
    })
}

/// Sets the language (`zh-CN` or `en`).
pub fn set_language(store: &Store, lang: &str) -> Result<()> {
    let lang = match lang {
        "en" => "en",
        _ => "zh-CN",
    };
    store.set_setting("language", lang)
}

/// What checking one form field says: `{ok, normalized}`, or `{ok: false, message, field}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CheckResult"))]
pub struct FieldCheck {
    /// Whether the value is valid.
    pub ok: bool,
    /// The value as the store keeps it (normalized).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub normalized: Option<String>,
    /// What is wrong, in Chinese.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub message: Option<String>,
    /// The field that is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub field: Option<String>,
}

/// Checks one form field.
pub fn check_field(store: &Store, field: &str, value: &str) -> FieldCheck {
    let today = store.now_local().date();
    match gridbook_domain::validate::check_field(field, value, today) {
        Ok(v) => FieldCheck {
            ok: true,
            normalized: Some(v),
            message: None,
            field: None,
        },
        Err(e) => FieldCheck {
            ok: false,
            normalized: None,
            message: Some(e.zh),
            field: Some(e.field.to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_counts_and_field_checks() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let v = store.add_village("桂花村").unwrap();
        let h = crate::NewHousehold {
            village_id: v.clone(),
            address: "一组1号".into(),
            head: crate::NewPerson {
                name: "张三丰".into(),
                id_number: "11010519491231002X".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        store.add_household(&h).unwrap();
        // What the background loop reports of a store with no relay.
        let last = "not_enrolled";
        let s = status(&store, last, 0).unwrap();
        // Unsynced: the township, the village and the household were three local changes.
        assert_eq!((s.households, s.persons, s.unsynced), (1, 1, 3));
        assert!(!s.enrolled && !s.online);
        assert_eq!((s.role, s.village_id), (None, None));
        // What enrollment stores: a village device, then the same device as the township's.
        store.set_setting("role", "grid-worker").unwrap();
        store.set_setting("village_id", &v).unwrap();
        let s = status(&store, last, 0).unwrap();
        assert_eq!(s.role.as_deref(), Some("grid-worker"));
        assert_eq!(s.village_id.as_deref(), Some(v.as_str()));
        store.set_setting("role", "township").unwrap();
        store.set_setting("village_id", "").unwrap();
        let s = status(&store, last, 0).unwrap();
        assert_eq!((s.role.as_deref(), s.village_id), (Some("township"), None));
        let bad =
            serde_json::to_value(check_field(&store, "id_number", "110105194912310021")).unwrap();
        assert_eq!(bad["ok"], false);
        assert_eq!(bad["field"], "id_number");
        assert!(bad["message"]
            .as_str()
            .unwrap()
            .contains("某一位可能输错了"));
        assert!(bad.get("normalized").is_none(), "{bad}");
        let good = serde_json::to_value(check_field(&store, "phone", "138 0013 8000")).unwrap();
        assert_eq!(
            good,
            serde_json::json!({ "ok": true, "normalized": "13800138000" })
        );
        set_language(&store, "en").unwrap();
        assert_eq!(settings(&store).unwrap().language, "en");
    }
}
