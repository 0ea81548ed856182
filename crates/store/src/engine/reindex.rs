//! Rebuilding projections from documents alone.

use automerge::ReadDoc;
use serde::Serialize;

use crate::engine::doc_id::village_of;
use crate::engine::project::{digest, project_record};
use crate::error::Result;
use crate::{Inner, Store};

/// What a reindex found.
#[derive(Debug, Clone, Serialize)]
pub struct ReindexReport {
    /// Whether the rebuilt projections equal the ones that were there.
    pub equal: bool,
    /// Documents read.
    pub documents: usize,
    /// Records projected.
    pub records: usize,
    /// Tables whose rows differed.
    pub differing_tables: Vec<String>,
    /// Whether the rebuilt projections were kept (false for a check).
    pub applied: bool,
}

const PROJECTION_TABLES: [&str; 22] = [
    "policies",
    "cases",
    "visits",
    "tests",
    "referrals",
    "villages",
    "groups",
    "households",
    "persons",
    "search_terms",
    "events",
    "conflicts",
    "checkpoints",
    "entries",
    "passes",
    "pass_uses",
    "shifts",
    "reports",
    "tasks",
    "task_answers",
    "control_list",
    "distinct_persons",
];

impl Store {
    /// Rebuilds every projection from the documents and compares with what was there. With
    /// `check_only` the rebuilt rows are thrown away and the store is left untouched.
    pub fn reindex(&self, check_only: bool) -> Result<ReindexReport> {
        let mut g = self.lock();
        let Inner { conn, docs, .. } = &mut *g;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let before = digest(&tx)?;
        for t in PROJECTION_TABLES {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
        for t in crate::engine::owner::TABLES {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
        let ids: Vec<String> = tx
            .prepare("SELECT id FROM documents ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut records = 0;
        for id in &ids {
            let village = village_of(id).map(str::to_owned);
            let doc = docs.get(&tx, id)?;
            let keys: Vec<String> = doc.keys(automerge::ROOT).collect();
            for k in &keys {
                project_record(&tx, id, village.as_deref(), doc, k, false)?;
            }
            records += keys.len();
        }
        let after = digest(&tx)?;
        let differing_tables: Vec<String> = before
            .iter()
            .zip(&after)
            .filter(|(b, a)| b != a)
            .map(|(b, _)| b.0.clone())
            .collect();
        let equal = differing_tables.is_empty();
        if check_only {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(ReindexReport {
            equal,
            documents: ids.len(),
            records,
            differing_tables,
            applied: !check_only,
        })
    }
}
