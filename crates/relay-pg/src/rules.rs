//! The township's rules on what a device may send, enforced as the SQLite relay enforces them:
//! the rules themselves are the store's (`gridbook_store::integrity`); this file only keeps,
//! per township in PostgreSQL, what they look up (which document created each record id, which
//! device each actor is bound to) and notes when each change was received.
//!
//! Everything runs inside the transaction that holds the document's write lock. Two documents
//! written at once by two relay processes cannot both create one record id: the second insert
//! of the id waits on the first one's key and then sees its owner. A device's actors are bound
//! under a per-device lock, so its concurrent requests cannot exceed the bound on actors.

use std::collections::{BTreeSet, HashMap};

use automerge::{Automerge, ChangeHash};
use gridbook_store::integrity::{
    check_target_owner, created_records, duplicate_id, must_bind, new_changes, new_merges,
};

use crate::error::Result;
use crate::sql::{Db, Tx};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// What a device sent about one document, as applied and not yet committed.
pub(crate) struct Sent<'a> {
    /// The document id.
    pub doc: &'a str,
    /// The sending device.
    pub device: &'a str,
    /// The document with the message applied.
    pub d: &'a Automerge,
    /// The document's heads before.
    pub before: &'a [ChangeHash],
    /// The records the new changes touched.
    pub touched: &'a BTreeSet<String>,
    /// Whether the device may write a document (a merge may name a person of another one).
    pub may_write: &'a dyn Fn(&str) -> bool,
}

/// Checks the new changes a device sent about a document of township `t`: their records (ids
/// unique across the township, types fixed, none removed or replaced, merges naming persons
/// the device may name) and their authors (audited, by actors of this device). Records what
/// the checks will look up next time. An error refuses the whole message: the caller rolls
/// the transaction back.
pub(crate) fn check(tx: &mut Tx<'_>, t: &str, s: &Sent<'_>) -> Result<()> {
    check_records(tx, t, s.doc, s.d, s.before, s.touched)?;
    check_merges(tx, t, s)?;
    check_authors(tx, t, s.device, s.d, s.before)
}

/// Refuses merges that name no person the device may name (see the store's `merge_check`);
/// this relay keeps no record types, so a target in another document is checked by its
/// document alone.
fn check_merges(tx: &mut Tx<'_>, t: &str, s: &Sent<'_>) -> Result<()> {
    for r in new_merges(s.d, s.before, s.touched)? {
        let owner: Option<String> = tx
            .query_opt(
                "SELECT doc_id FROM record_owner WHERE township = $1 AND record_id = $2",
                &[&t, &r.target],
            )?
            .map(|row| row.get(0));
        check_target_owner(&r, owner.as_deref().map(|d| (d, None)), s.may_write)?;
    }
    Ok(())
}

/// Records the ids the changes created as `doc`'s, refusing any another document has.
fn check_records(
    tx: &mut Tx<'_>,
    t: &str,
    doc: &str,
    d: &Automerge,
    before: &[ChangeHash],
    touched: &BTreeSet<String>,
) -> Result<()> {
    let created = created_records(doc, d, before, touched)?;
    if created.is_empty() {
        return Ok(());
    }
    claim_ids(tx, t, doc, &created)?;
    let clash = tx.query_opt(
        "SELECT record_id, doc_id FROM record_owner
              WHERE township = $1 AND record_id = ANY($2) AND doc_id <> $3
              ORDER BY record_id LIMIT 1",
        &[&t, &created, &doc],
    )?;
    if let Some(row) = clash {
        return Err(duplicate_id(row.get(0), row.get(1)).into());
    }
    Ok(())
}

/// Records ids `ids` as document `doc`'s where no document has them yet.
fn claim_ids(tx: &mut Tx<'_>, t: &str, doc: &str, ids: &[String]) -> Result<()> {
    tx.execute(
        "INSERT INTO record_owner (township, record_id, doc_id)
         SELECT $1, id, $3 FROM unnest($2::text[]) AS n(id)
         ON CONFLICT (township, record_id) DO NOTHING",
        &[&t, &ids, &doc],
    )?;
    Ok(())
}

/// Checks the audit message and the author of every new change; binds new actors to `device`
/// and notes the receipts.
fn check_authors(
    tx: &mut Tx<'_>,
    t: &str,
    device: &str,
    d: &Automerge,
    before: &[ChangeHash],
) -> Result<()> {
    let changes = new_changes(d, before)?;
    if changes.is_empty() {
        return Ok(());
    }
    let actors: Vec<&str> = changes
        .iter()
        .filter_map(|c| c.actor.as_deref())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut bound = bound_devices(tx, t, &actors)?;
    let now = now_ms();
    let mut locked = false;
    for c in &changes {
        let Some(actor) = &c.actor else { continue };
        if !bound.contains_key(actor) && !locked {
            // Binding: under the device's lock, and with what other requests bound meanwhile.
            let key = format!("actors {t} {device}");
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                &[&key],
            )?;
            locked = true;
            bound = bound_devices(tx, t, &actors)?;
        }
        let mine = bound.get(actor).cloned();
        // Counted only for an actor not bound yet (under the lock taken above).
        let n: i64 = match mine {
            Some(_) => 0,
            None => tx
                .query_one(
                    "SELECT count(*) FROM actor_devices WHERE township = $1 AND device_id = $2",
                    &[&t, &device],
                )?
                .get(0),
        };
        if must_bind(&c.hash, device, mine.as_deref(), || Ok(n))? {
            let inserted = tx.execute(
                "INSERT INTO actor_devices (township, actor, device_id, bound_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT (township, actor) DO NOTHING",
                &[&t, actor, &device, &now],
            )?;
            if inserted == 0 {
                // Bound meanwhile by another device's request (its insert committed first).
                let other = bound_devices(tx, t, &[actor.as_str()])?;
                must_bind(
                    &c.hash,
                    device,
                    other.get(actor).map(String::as_str),
                    || Ok(0),
                )?;
            }
            bound.insert(actor.clone(), device.to_owned());
        }
    }
    let hashes: Vec<&str> = changes.iter().map(|c| c.hash.as_str()).collect();
    tx.execute(
        "INSERT INTO change_receipts (township, hash, device_id, at)
         SELECT $1, h, $3, $4 FROM unnest($2::text[]) AS n(h)
         ON CONFLICT DO NOTHING",
        &[&t, &hashes, &device, &now],
    )?;
    Ok(())
}

/// The devices actors `actors` of township `t` are bound to.
fn bound_devices(tx: &mut Tx<'_>, t: &str, actors: &[&str]) -> Result<HashMap<String, String>> {
    Ok(tx
        .query(
            "SELECT actor, device_id FROM actor_devices WHERE township = $1 AND actor = ANY($2)",
            &[&t, &actors],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}
