//! Enrolled devices on PostgreSQL: the same records as a township relay's `relay.sqlite`,
//! each with its township, and their one-time enrollment codes (the rules are
//! [`gridbook_relay::enroll_codes`]'s; this file keeps their state).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use gridbook_relay::devices::{enrollment, random_token, token_hash};
use gridbook_relay::enroll_codes::{new_code, typed_code_hash, unix_now, IssuedCode, StoredCode};
use gridbook_relay::{Device, Enrolled, Registry, RelayError};

use crate::error::Result;
use crate::sql::Db;
use crate::PgStore;

/// The device registry of every township in the database.
pub struct PgDevices {
    pg: Arc<PgStore>,
}

fn device(r: &postgres::Row) -> Device {
    Device {
        device_id: r.get(0),
        name: r.get(1),
        role: r.get(2),
        scope: r.get(3),
        revoked: r.get(4),
    }
}

/// The township a device is added to, which it must name.
fn township_of(township: &str) -> Result<&str> {
    let t = township.trim();
    if t.is_empty() {
        return Err(RelayError::Invalid("a device needs its township".into()).into());
    }
    Ok(t)
}

/// Stores new device `d` of township `township` with the hash of `token`.
fn insert_device(c: &mut impl Db, township: &str, d: &Device, token: &str) -> Result<()> {
    c.execute(
        "INSERT INTO devices (device_id, township, name, role, scope, token_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &d.device_id,
            &township,
            &d.name,
            &d.role,
            &d.scope,
            &token_hash(token),
            &unix_now(),
        ],
    )?;
    Ok(())
}

impl PgDevices {
    /// The registry in the database of `pg`.
    pub fn new(pg: Arc<PgStore>) -> Self {
        PgDevices { pg }
    }

    /// Adds a device of township `township`; returns it and its token (shown once, only its
    /// hash is kept).
    pub fn add(
        &self,
        township: &str,
        name: &str,
        role: &str,
        village: Option<&str>,
    ) -> Result<(Device, String)> {
        let township = township_of(township)?;
        let (d, token) = enrollment(name, role, village)?;
        self.pg.with(|c| insert_device(c, township, &d, &token))?;
        Ok((d, token))
    }

    /// Adds a device of township `township` that enrolls with a one-time code valid for
    /// `valid`: the device and its code in one transaction (the device's first token is never
    /// shown: redeeming the code replaces it).
    pub fn add_with_code(
        &self,
        township: &str,
        name: &str,
        role: &str,
        village: Option<&str>,
        valid: Duration,
    ) -> Result<(Device, IssuedCode)> {
        let township = township_of(township)?;
        let (d, unseen) = enrollment(name, role, village)?;
        let code = new_code(&d.device_id, valid)?;
        self.pg.with(|c| {
            let mut tx = c.transaction()?;
            insert_device(&mut tx, township, &d, &unseen)?;
            tx.execute(
                "INSERT INTO enroll_codes (code_hash, device_id, expires_at) VALUES ($1, $2, $3)",
                &[&code.code_hash, &d.device_id, &code.expires_at],
            )?;
            tx.commit()?;
            Ok(())
        })?;
        Ok((d, code.issued))
    }

    /// Exchanges a code for its device and a fresh token, once; `None` for a code that is
    /// malformed, unknown, expired, used, or whose device was revoked (all alike). The code's
    /// row is locked while it is read and marked, so two relay processes redeeming one code
    /// at once give it to one of them.
    pub fn redeem_code(&self, code: &str) -> Result<Option<(Device, String)>> {
        let Some(hash) = typed_code_hash(code) else {
            return Ok(None);
        };
        let now = unix_now();
        self.pg.with(|c| {
            let mut tx = c.transaction()?;
            let row = tx.query_opt(
                "SELECT d.device_id, d.name, d.role, d.scope, d.revoked, c.expires_at,
                       c.used_at IS NOT NULL
                     FROM enroll_codes c JOIN devices d ON d.device_id = c.device_id
                     WHERE c.code_hash = $1
                     FOR UPDATE OF c",
                &[&hash],
            )?;
            let Some(row) = row else {
                return Ok(None);
            };
            let d = device(&row);
            let stored = StoredCode {
                expires_at: row.get(5),
                used: row.get(6),
                revoked: d.revoked,
            };
            if !stored.redeemable(now) {
                return Ok(None);
            }
            let token = random_token();
            tx.execute(
                "UPDATE enroll_codes SET used_at = $2 WHERE code_hash = $1",
                &[&hash, &now],
            )?;
            tx.execute(
                "UPDATE devices SET token_hash = $2 WHERE device_id = $1",
                &[&d.device_id, &token_hash(&token)],
            )?;
            tx.commit()?;
            Ok(Some((d, token)))
        })
    }

    /// The devices of township `township`.
    pub fn list_in(&self, township: &str) -> Result<Vec<Device>> {
        self.pg.with(|c| {
            let rows = c.query(
                "SELECT device_id, name, role, scope, revoked FROM devices
                     WHERE township = $1 ORDER BY created_at, device_id",
                &[&township],
            )?;
            Ok(rows.iter().map(device).collect())
        })
    }

    /// Notes that `device_id` synced now (to the minute, as on a township's relay: the
    /// rounds of one session write once).
    pub fn seen(&self, device_id: &str) -> Result<()> {
        self.pg.with(|c| {
            c.execute(
                "INSERT INTO device_seen (device_id, last_sync) VALUES ($1, $2)
                 ON CONFLICT (device_id) DO UPDATE SET last_sync = excluded.last_sync
                 WHERE device_seen.last_sync < excluded.last_sync - 60",
                &[&device_id, &unix_now()],
            )?;
            Ok(())
        })
    }

    /// When each device of township `township` last synced (seconds since the Unix epoch).
    pub fn last_syncs(&self, township: &str) -> Result<HashMap<String, i64>> {
        self.pg.with(|c| {
            let rows = c.query(
                "SELECT s.device_id, s.last_sync FROM device_seen s
                     JOIN devices d ON d.device_id = s.device_id WHERE d.township = $1",
                &[&township],
            )?;
            Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }

    /// Revokes a device of township `township`; its token is refused from now on.
    pub fn revoke(&self, township: &str, device_id: &str) -> Result<()> {
        let n = self.pg.with(|c| {
            let n = c.execute(
                "UPDATE devices SET revoked = true WHERE township = $1 AND device_id = $2",
                &[&township, &device_id.trim()],
            )?;
            Ok(n)
        })?;
        if n == 0 {
            return Err(RelayError::UnknownDevice(device_id.to_owned()).into());
        }
        Ok(())
    }
}

impl Registry for PgDevices {
    fn by_token(&self, token: &str) -> gridbook_relay::Result<Option<Enrolled>> {
        let hash = token_hash(token);
        let row = self.pg.with(|c| {
            let row = c.query_opt(
                "SELECT device_id, name, role, scope, revoked, township FROM devices
                 WHERE token_hash = $1",
                &[&hash],
            )?;
            Ok(row)
        })?;
        Ok(row.map(|r| Enrolled {
            device: device(&r),
            township: Some(r.get(5)),
        }))
    }

    fn list(&self) -> gridbook_relay::Result<Vec<Enrolled>> {
        let rows = self.pg.with(|c| {
            let rows = c.query(
                "SELECT device_id, name, role, scope, revoked, township FROM devices
                     ORDER BY created_at, device_id",
                &[],
            )?;
            Ok(rows)
        })?;
        Ok(rows
            .iter()
            .map(|r| Enrolled {
                device: device(r),
                township: Some(r.get(5)),
            })
            .collect())
    }

    fn seen(&self, device_id: &str) -> gridbook_relay::Result<()> {
        Ok(PgDevices::seen(self, device_id)?)
    }

    fn last_syncs(&self, township: &str) -> gridbook_relay::Result<HashMap<String, i64>> {
        Ok(PgDevices::last_syncs(self, township)?)
    }

    fn list_in(&self, township: &str) -> gridbook_relay::Result<Vec<Device>> {
        Ok(PgDevices::list_in(self, township)?)
    }

    fn revoke(&self, township: &str, device_id: &str) -> gridbook_relay::Result<()> {
        Ok(PgDevices::revoke(self, township, device_id)?)
    }

    fn add_with_code(
        &self,
        township: &str,
        name: &str,
        role: &str,
        village: Option<&str>,
        valid: Duration,
    ) -> gridbook_relay::Result<(Device, IssuedCode)> {
        Ok(PgDevices::add_with_code(
            self, township, name, role, village, valid,
        )?)
    }

    fn redeem_code(&self, code: &str) -> gridbook_relay::Result<Option<(Device, String)>> {
        Ok(PgDevices::redeem_code(self, code)?)
    }
}
