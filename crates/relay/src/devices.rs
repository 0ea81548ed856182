//! Enrolled devices: role, scope, and a hash of their token (the token itself is shown once).

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{RelayError, Result};

/// Roles a device can have.
pub const ROLES: [&str; 4] = ["grid-worker", "volunteer", "doctor", "township"];

/// An enrolled device.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Device {
    /// Device id.
    pub device_id: String,
    /// Name given at enrollment.
    pub name: String,
    /// grid-worker, volunteer, doctor or township.
    pub role: String,
    /// `township`, or `village:<id>`.
    pub scope: String,
    /// Whether the device was revoked.
    pub revoked: bool,
}

impl Device {
    /// The village of a village-scoped device.
    pub fn village(&self) -> Option<&str> {
        self.scope.strip_prefix("village:")
    }
}

/// The device registry, in `relay.sqlite` next to the store.
pub struct Devices {
    conn: Mutex<Connection>,
}

/// The hash kept of a device token (SHA-256 hex of the trimmed token).
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new device token (shown once; registries keep its [`token_hash`]).
pub fn random_token() -> String {
    // Two v4 UUIDs: 244 random bits from the operating system's generator.
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl Devices {
    /// Opens (creating) the registry in `dir`.
    pub fn open(dir: &Path) -> Result<Devices> {
        let conn = Connection::open(dir.join("relay.sqlite"))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS devices (
                device_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                scope TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                revoked INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL
            );",
        )?;
        crate::enroll_codes::create_tables(&conn)?;
        Ok(Devices {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a device; returns it and its token (shown once, only its hash is kept).
    pub fn add(&self, name: &str, role: &str, village: Option<&str>) -> Result<(Device, String)> {
        let (device, token) = enrollment(name, role, village)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.conn().execute(
            "INSERT INTO devices (device_id, name, role, scope, token_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                device.device_id,
                device.name,
                device.role,
                device.scope,
                token_hash(&token),
                now
            ],
        )?;
        Ok((device, token))
    }
}

/// A new device named `name` with role `role` (and village, for a village role), checked,
/// with its token: what [`Devices::add`] and other registries store.
pub fn enrollment(name: &str, role: &str, village: Option<&str>) -> Result<(Device, String)> {
    if !ROLES.contains(&role) {
        return Err(RelayError::Invalid(format!(
            "unknown role '{role}', expected one of {}",
            ROLES.join(", ")
        )));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(RelayError::Invalid(
            "device name must be 1–60 characters".into(),
        ));
    }
    let scope = match (role, village) {
        ("township", None) => "township".to_owned(),
        ("township", Some(_)) => {
            return Err(RelayError::Invalid(
                "a township device has no village".into(),
            ))
        }
        (_, Some(v)) => format!("village:{v}"),
        (_, None) => {
            return Err(RelayError::Invalid(format!(
                "a {role} device needs --village"
            )))
        }
    };
    let device = Device {
        device_id: uuid::Uuid::new_v4().to_string(),
        name: name.to_owned(),
        role: role.to_owned(),
        scope,
        revoked: false,
    };
    Ok((device, random_token()))
}

impl Devices {
    /// Every device.
    pub fn list(&self) -> Result<Vec<Device>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT device_id, name, role, scope, revoked FROM devices ORDER BY created_at, device_id")?;
        let rows = st.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Revokes a device; its token is refused from now on.
    pub fn revoke(&self, device_id: &str) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE devices SET revoked = 1 WHERE device_id = ?1",
            [device_id.trim()],
        )?;
        if n == 0 {
            return Err(RelayError::UnknownDevice(device_id.to_owned()));
        }
        Ok(())
    }

    /// The device a token belongs to.
    pub fn by_token(&self, token: &str) -> Result<Option<Device>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT device_id, name, role, scope, revoked FROM devices WHERE token_hash = ?1",
            )?
            .query_row([token_hash(token)], row)
            .optional()?)
    }
}

pub(crate) fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        device_id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        scope: r.get(3)?,
        revoked: r.get(4)?,
    })
}
