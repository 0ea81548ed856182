//! Enrolled devices on PostgreSQL: the same records as a township relay's `relay.sqlite`,
//! each with its township.

use std::sync::Arc;

use gridbook_relay::devices::{enrollment, token_hash};
use gridbook_relay::{Device, Enrolled, Registry, RelayError};

use crate::error::{PgError, Result};
use crate::PgStore;

/// The device registry of every township in the database.
pub struct PgDevices {
    pg: Arc<PgStore>,
}

fn device(r: &tokio_postgres::Row) -> Device {
    Device {
        device_id: r.get(0),
        name: r.get(1),
        role: r.get(2),
        scope: r.get(3),
        revoked: r.get(4),
    }
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
        if township.trim().is_empty() {
            return Err(RelayError::Invalid("a device needs its township".into()).into());
        }
        let (d, token) = enrollment(name, role, village)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.pg.block(async {
            let c = self.pg.client().await?;
            c.execute(
                "INSERT INTO devices (device_id, township, name, role, scope, token_hash,
                   created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &d.device_id,
                    &township.trim(),
                    &d.name,
                    &d.role,
                    &d.scope,
                    &token_hash(&token),
                    &now,
                ],
            )
            .await?;
            Ok::<_, PgError>(())
        })?;
        Ok((d, token))
    }

    /// The devices of township `township`.
    pub fn list_in(&self, township: &str) -> Result<Vec<Device>> {
        self.pg.block(async {
            let c = self.pg.client().await?;
            let rows = c
                .query(
                    "SELECT device_id, name, role, scope, revoked FROM devices
                     WHERE township = $1 ORDER BY created_at, device_id",
                    &[&township],
                )
                .await?;
            Ok(rows.iter().map(device).collect())
        })
    }

    /// Revokes a device of township `township`; its token is refused from now on.
    pub fn revoke(&self, township: &str, device_id: &str) -> Result<()> {
        let n = self.pg.block(async {
            let c = self.pg.client().await?;
            let n = c
                .execute(
                    "UPDATE devices SET revoked = true WHERE township = $1 AND device_id = $2",
                    &[&township, &device_id.trim()],
                )
                .await?;
            Ok::<_, PgError>(n)
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
        let row = self.pg.block(async {
            let c = self.pg.client().await?;
            let row = c
                .query_opt(
                    "SELECT device_id, name, role, scope, revoked, township FROM devices
                     WHERE token_hash = $1",
                    &[&hash],
                )
                .await?;
            Ok::<_, PgError>(row)
        })?;
        Ok(row.map(|r| Enrolled {
            device: device(&r),
            township: Some(r.get(5)),
        }))
    }

    fn list(&self) -> gridbook_relay::Result<Vec<Device>> {
        let rows = self.pg.block(async {
            let c = self.pg.client().await?;
            let rows = c
                .query(
                    "SELECT device_id, name, role, scope, revoked FROM devices
                     ORDER BY created_at, device_id",
                    &[],
                )
                .await?;
            Ok::<_, PgError>(rows)
        })?;
        Ok(rows.iter().map(device).collect())
    }
}
