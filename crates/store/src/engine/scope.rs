//! Keeping only what a device may read, when its role or village changes.
//!
//! A device holds the documents its scope may read (see [`crate::engine::rights`]). Enrolled
//! again for another village, or moved there by the township, it would otherwise keep the
//! ledger of the village it left: its persons in search, in the 疑似重复 list beside the new
//! village's, on the screens of a worker who no longer has a right to them. So every document
//! the new scope may not read goes, with its chunks and sync states, and the projections are
//! rebuilt from the documents that stay. (A checkpoint keeps every village's control list: its
//! scope reads them.)
//!
//! Only once they are synced: a change that its relay has not acknowledged could never reach it
//! under the new scope (the relay refuses a device's changes outside it). Then nothing goes,
//! and the enrollment is refused saying so; the worker syncs first (or discards the changes).

use rusqlite::{params_from_iter, TransactionBehavior};

use crate::engine::rights::{device_right, role_and_village, Right, DEVICE_ID};
use crate::error::{Result, StoreError};
use crate::{get_setting, Store};

impl Store {
    /// Removes the documents that device `device` of role `role` serving `village` may not
    /// read (see the module notes); returns how many went. Refused with
    /// `unsynced_elsewhere`, and nothing removed, while any of them holds a change not yet
    /// acknowledged by the relay.
    pub fn keep_readable(&self, device: &str, role: &str, village: Option<&str>) -> Result<usize> {
        let gone = {
            let mut g = self.lock();
            let tx = g
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let township = get_setting(&tx, "township_id")?;
            let all: Vec<String> = tx
                .prepare("SELECT id FROM documents ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let gone: Vec<String> = all
                .into_iter()
                .filter(|d| {
                    device_right(device, role, village, township.as_deref(), d) == Right::None
                })
                .collect();
            if gone.is_empty() {
                return Ok(0);
            }
            let marks = vec!["?"; gone.len()].join(", ");
            let unsynced: i64 = tx.query_row(
                &format!(
                    "SELECT COALESCE(sum(local_made - local_acked), 0) FROM documents
                     WHERE id IN ({marks})"
                ),
                params_from_iter(&gone),
                |r| r.get(0),
            )?;
            if unsynced > 0 {
                return Err(StoreError::Refused {
                    code: "unsynced_elsewhere".into(),
                    zh: format!(
                        "本设备还有 {unsynced} 条修改未同步，换到新的范围后将无法同步：请先同步"
                    ),
                    en: format!(
                        "this device holds {unsynced} unsynced changes that could not be synced \
                         in its new scope: sync them first"
                    ),
                });
            }
            for d in &gone {
                crate::engine::chunks::delete(&tx, d)?;
            }
            for sql in [
                "DELETE FROM sync_states WHERE doc_id IN",
                "DELETE FROM documents WHERE id IN",
            ] {
                tx.execute(&format!("{sql} ({marks})"), params_from_iter(&gone))?;
            }
            tx.commit()?;
            for d in &gone {
                g.docs.evict(d);
            }
            g.sync_states.retain_docs(|d| !gone.iter().any(|x| x == d));
            g.wanted.retain_docs(|d| !gone.iter().any(|x| x == d));
            gone
        };
        // Every row of the documents that went, and whatever they held back, from what stays.
        self.reindex(false)?;
        Ok(gone.len())
    }

    /// [`Store::keep_readable`] for this device's own role, village and id (nothing for a
    /// store never enrolled).
    pub fn keep_readable_now(&self) -> Result<usize> {
        let (role, village, device) = {
            let g = self.lock();
            let Some((role, village)) = role_and_village(&g.conn)? else {
                return Ok(0);
            };
            (
                role,
                village,
                get_setting(&g.conn, DEVICE_ID)?.unwrap_or_default(),
            )
        };
        self.keep_readable(&device, &role, village.as_deref())
    }
}
