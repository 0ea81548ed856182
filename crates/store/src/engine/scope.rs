//! Leaving a village: what a device enrolled again for another village keeps.
//!
//! A village device holds its own village's documents (and the township's it may read). A
//! device enrolled again for another village would otherwise keep the ledger of the village
//! it left: its persons in search, in the 疑似重复 list beside the new village's, and on the
//! screens of a worker who no longer has a right to them. So the documents of every other
//! village go, with their chunks and sync states, and the projections are rebuilt from the
//! documents that stay.
//!
//! Only once they are synced: a change of such a document that its relay has not acknowledged
//! could never reach it under the new enrollment (the relay refuses a village device's
//! changes outside its village). Then nothing goes and the enrollment is refused, saying so;
//! the worker syncs first (or the township discards the changes).

use rusqlite::{params_from_iter, TransactionBehavior};

use crate::error::{Result, StoreError};
use crate::Store;

impl Store {
    /// Removes the documents of villages other than `village` (see the module notes); returns
    /// how many went. Refused with `unsynced_elsewhere`, and nothing removed, while any of
    /// them holds a change not yet acknowledged by the relay.
    pub fn leave_other_villages(&self, village: &str) -> Result<usize> {
        let gone = {
            let mut g = self.lock();
            let tx = g
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let gone: Vec<String> = tx
                .prepare(
                    "SELECT id FROM documents
                     WHERE village_id IS NOT NULL AND village_id != ?1 ORDER BY id",
                )?
                .query_map([village], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if gone.is_empty() {
                return Ok(0);
            }
            let marks = vec!["?"; gone.len()].join(", ");
            let unsynced: i64 = tx.query_row(
                &format!("SELECT count(*) FROM outbox WHERE doc_id IN ({marks})"),
                params_from_iter(&gone),
                |r| r.get(0),
            )?;
            if unsynced > 0 {
                return Err(StoreError::Refused {
                    code: "unsynced_elsewhere".into(),
                    zh: format!(
                        "本设备还有 {unsynced} 条其他村的修改未同步：请先同步，再改为本村设备"
                    ),
                    en: format!(
                        "this device holds {unsynced} unsynced changes of another village: sync \
                         them before enrolling it for this village"
                    ),
                });
            }
            for table in ["chunks", "sync_states"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE doc_id IN ({marks})"),
                    params_from_iter(&gone),
                )?;
            }
            tx.execute(
                &format!("DELETE FROM documents WHERE id IN ({marks})"),
                params_from_iter(&gone),
            )?;
            tx.commit()?;
            for d in &gone {
                g.docs.evict(d);
            }
            g.sync_states.retain(|(_, d), _| !gone.contains(d));
            g.wanted.retain(|(_, d), _| !gone.contains(d));
            gone
        };
        // Every row of the documents that went, and whatever they held back, from what stays.
        self.reindex(false)?;
        Ok(gone.len())
    }
}
