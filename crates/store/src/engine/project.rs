//! Projections: the SQLite rows of a record, computed from the document alone.
//!
//! `project_record` is the only code that writes projection rows. Local writes, remote
//! changes and `reindex` all call it, so incremental and rebuilt projections agree by
//! construction (and a property test checks it).

use automerge::Automerge;
use rusqlite::{params, Connection};

use crate::engine::owner;
use crate::engine::record::{read_record, RecordView};
use crate::engine::value::Val;
use crate::error::Result;

/// Removes the projection rows of a record of type `kind` (the type its rows were written
/// with): only the tables that type writes; an unknown type clears them all. Called only for
/// a record id this document owns, so every row with that id is this record's.
fn clear_kind(conn: &Connection, id: &str, kind: Option<&str>) -> Result<()> {
    let sql: &[&str] = match kind {
        Some("village") => &["DELETE FROM villages WHERE id = ?1"],
        Some("group") => &["DELETE FROM groups WHERE id = ?1"],
        Some("household") => {
            crate::ledger::household_rows::clear(conn, id)?;
            &[]
        }
        Some("person") => {
            crate::ledger::person_rows::clear(conn, id)?;
            &[]
        }
        Some("policy") => &["DELETE FROM policies WHERE id = ?1"],
        Some("case") => &["DELETE FROM cases WHERE id = ?1"],
        Some("visit") => &["DELETE FROM visits WHERE id = ?1"],
        Some("test") => &["DELETE FROM tests WHERE id = ?1"],
        Some("referral") => &["DELETE FROM referrals WHERE id = ?1"],
        Some("checkpoint" | "entry" | "pass" | "shift") => {
            crate::checkpoint::project::clear_rows(conn, id)?;
            &[]
        }
        Some("report") => {
            crate::reports::project::clear_rows(conn, id)?;
            &[]
        }
        Some("task" | "answer") => {
            crate::tasks::project::clear_rows(conn, id)?;
            &[]
        }
        Some("control") => {
            crate::isolation::control_list::clear_rows(conn, id)?;
            &[]
        }
        Some(crate::ledger::distinct::KIND) => {
            crate::ledger::distinct::clear_rows(conn, id)?;
            &[]
        }
        // An entry of a device's log has no rows: the log is read from its documents.
        Some("export" | "reveal") => &[],
        _ => return clear_rows(conn, id),
    };
    for q in sql
        .iter()
        .chain(["DELETE FROM conflicts WHERE record_id = ?1"].iter())
    {
        conn.prepare_cached(q)?.execute([id])?;
    }
    Ok(())
}

/// Removes every projection row of a record, whatever its type.
fn clear_rows(conn: &Connection, id: &str) -> Result<()> {
    crate::ledger::person_rows::clear(conn, id)?;
    crate::ledger::household_rows::clear(conn, id)?;
    for sql in [
        "DELETE FROM villages WHERE id = ?1",
        "DELETE FROM groups WHERE id = ?1",
        "DELETE FROM conflicts WHERE record_id = ?1",
        "DELETE FROM policies WHERE id = ?1",
        "DELETE FROM cases WHERE id = ?1",
        "DELETE FROM visits WHERE id = ?1",
        "DELETE FROM tests WHERE id = ?1",
        "DELETE FROM referrals WHERE id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([id])?;
    }
    crate::reports::project::clear_rows(conn, id)?;
    crate::tasks::project::clear_rows(conn, id)?;
    crate::isolation::control_list::clear_rows(conn, id)?;
    crate::ledger::distinct::clear_rows(conn, id)?;
    crate::checkpoint::project::clear_rows(conn, id)
}

/// Recomputes the projection rows of one record of a document.
///
/// Rows are cleared only when this document owns the record id (see [`crate::engine::owner`]), and
/// by the type they were written with: a record never touches the rows of another document
/// or table, whatever its id or (conflicting, changed) type. A record that cannot be
/// projected (its id owned by another document, its type in conflict, its rows refused by a
/// table) is quarantined instead of failing the write, message or session.
///
/// `new` says the document is new to this store (an import, a first sync); it is kept for
/// callers, and costs nothing more now: every record is one indexed probe of its owner.
pub fn project_record(
    conn: &Connection,
    doc_id: &str,
    village: Option<&str>,
    doc: &Automerge,
    id: &str,
    new: bool,
) -> Result<()> {
    project_view(conn, doc_id, village, id, read_record(doc, id)?, new)
}

/// [`project_record`] of a record whose view (`read_record` of the document as it now is) the
/// caller already holds: a bulk write that has just created the record from these very
/// fields, in a transaction of its own, so reading them back from the document would give the
/// same view at the cost of a lookup among all the document's records.
pub fn project_view(
    conn: &Connection,
    doc_id: &str,
    village: Option<&str>,
    id: &str,
    rec: Option<RecordView>,
    new: bool,
) -> Result<()> {
    // A person's rows also depend on the persons merged into it or it into (see
    // `ledger::merge`): the merge map is resolved again around the record, before and after.
    let before = crate::ledger::merge::links_of(conn, id)?;
    project_one(conn, doc_id, village, rec, id, new)?;
    let after = crate::ledger::merge::links_of(conn, id)?;
    if before.is_none() && after.is_none() {
        return Ok(());
    }
    // A person in no merge (nothing linked from it before or after, nobody linked to it) has
    // nothing to resolve: the common case costs one probe of a nearly empty index.
    let linked = |l: &Option<Vec<String>>| l.as_ref().is_some_and(|v| v.len() > 1);
    if linked(&before) || linked(&after) || crate::ledger::merge::merged_into_it(conn, id)? {
        let seeds = before.into_iter().chain(after).flatten().collect();
        crate::ledger::merge::refresh(conn, seeds)?;
    }
    Ok(())
}

fn project_one(
    conn: &Connection,
    doc_id: &str,
    village: Option<&str>,
    rec: Option<RecordView>,
    id: &str,
    new: bool,
) -> Result<()> {
    let _ = new;
    let projectable = rec
        .as_ref()
        .is_some_and(|r| !r.conflicts.contains_key(crate::engine::record::TYPE));
    match owner::owner_of(conn, id)? {
        Some(o) if o.doc_id == doc_id => {
            let same_kind = |r: &&RecordView| r.kind() == Some(o.kind.as_str());
            if let Some(rec) = rec.as_ref().filter(same_kind).filter(|_| projectable) {
                if in_place(conn, doc_id, village, id, rec)? {
                    return Ok(());
                }
            }
            clear_kind(conn, id, Some(&o.kind))?;
            owner::drop_owner(conn, id)?;
        }
        Some(o) => {
            if !projectable || !owner::outranks(doc_id, &o.doc_id) {
                return match rec {
                    Some(_) => owner::hold(conn, doc_id, id, hold_reason(projectable)),
                    None => owner::release(conn, doc_id, id),
                };
            }
            // This document's copy wins (see `owner::outranks`): the other one is held back.
            clear_kind(conn, id, Some(&o.kind))?;
            owner::hold(conn, &o.doc_id, id, owner::DUPLICATE_ID)?;
        }
        None => {}
    }
    owner::release(conn, doc_id, id)?;
    let Some(rec) = rec else {
        return Ok(());
    };
    if !projectable {
        return owner::hold(conn, doc_id, id, owner::TYPE_CONFLICT);
    }
    write_new(conn, doc_id, village, id, &rec)
}

/// [`project_view`] of a record this very write has just made, under an id it generated and
/// that `integrity::check_new_ids` has cleared (no document owns the id or holds a record
/// under it): no row has the id, none is held back under it, and no person is merged into a
/// person who did not exist. Its rows are written without the probes that find what an id
/// already in use left behind, which were a fifth of the statements of a bulk import.
pub fn project_new(
    conn: &Connection,
    doc_id: &str,
    village: Option<&str>,
    id: &str,
    rec: &RecordView,
) -> Result<()> {
    if rec.conflicts.contains_key(crate::engine::record::TYPE)
        || *rec.get(crate::ledger::merge_check::MERGED_INTO) != Val::Null
    {
        // Born in conflict, or merged from the start: the general path sorts it out.
        return project_view(conn, doc_id, village, id, Some(rec.clone()), true);
    }
    write_new(conn, doc_id, village, id, rec)
}

/// Writes the rows of a record whose id no row has, and makes this document its owner; a
/// record whose rows a table refuses is held back instead, with nothing of it written.
fn write_new(
    conn: &Connection,
    doc_id: &str,
    village: Option<&str>,
    id: &str,
    rec: &RecordView,
) -> Result<()> {
    let kind = rec.kind().unwrap_or_default();
    match insert_rows(conn, doc_id, village, id, rec) {
        Ok(()) => owner::set_owner(conn, id, doc_id, kind),
        Err(e) => {
            // Only this record's rows can be there (nobody else owns its id): undo them.
            clear_kind(conn, id, Some(kind))?;
            owner::hold(
                conn,
                doc_id,
                id,
                &format!("{}: {e}", owner::PROJECTION_FAILED),
            )
        }
    }
}

/// A person or household projected again as the same type by the document that owns its
/// rows: they are brought up to date in place (see [`crate::engine::rows`]); the owner stays as
/// it is. `false` when the type has no such path or its row is missing, and the caller writes
/// the rows afresh.
fn in_place(
    conn: &Connection,
    doc_id: &str,
    village: Option<&str>,
    id: &str,
    rec: &RecordView,
) -> Result<bool> {
    let village = village.unwrap_or_default();
    let kind = rec.kind().unwrap_or_default();
    let updated = match kind {
        "person" => crate::ledger::person_rows::update(conn, village, id, rec),
        "household" => crate::ledger::household_rows::update(conn, village, id, rec),
        _ => return Ok(false),
    };
    match updated {
        Ok(false) => Ok(false),
        Ok(true) => {
            conn.prepare_cached("DELETE FROM conflicts WHERE record_id = ?1")?
                .execute([id])?;
            insert_conflicts(conn, doc_id, id, rec)?;
            owner::release(conn, doc_id, id)?;
            Ok(true)
        }
        Err(e) => {
            // As when a fresh row is refused: the record's rows go, and it is held back.
            clear_kind(conn, id, Some(kind))?;
            owner::drop_owner(conn, id)?;
            owner::hold(
                conn,
                doc_id,
                id,
                &format!("{}: {e}", owner::PROJECTION_FAILED),
            )?;
            Ok(true)
        }
    }
}

fn hold_reason(projectable: bool) -> &'static str {
    if projectable {
        owner::DUPLICATE_ID
    } else {
        owner::TYPE_CONFLICT
    }
}

fn deleted(rec: &RecordView) -> bool {
    rec.str("deleted_at").is_some()
}

fn insert_rows(
    conn: &Connection,
    doc_id: &str,
    village: Option<&str>,
    id: &str,
    rec: &RecordView,
) -> Result<()> {
    let village = village.unwrap_or_default();
    match rec.kind().unwrap_or_default() {
        "village" => {
            conn.prepare_cached("INSERT INTO villages (id, name, deleted) VALUES (?1, ?2, ?3)")?
                .execute(params![
                    id,
                    rec.str("name").unwrap_or_default(),
                    deleted(rec)
                ])?;
        }
        "group" => {
            conn.prepare_cached(
                "INSERT INTO groups (id, village_id, name, deleted) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                id,
                rec.str("village_id"),
                rec.str("name"),
                deleted(rec)
            ])?;
        }
        "household" => crate::ledger::household_rows::insert(conn, village, id, rec)?,
        "person" => crate::ledger::person_rows::insert(conn, village, id, rec)?,
        kind @ ("policy" | "case" | "visit" | "test" | "referral") => {
            crate::isolation::project::insert(conn, kind, village, id, rec)?;
        }
        "report" => crate::reports::project::insert(conn, doc_id, village, id, rec)?,
        "task" | "answer" => crate::tasks::project::insert(conn, doc_id, village, id, rec)?,
        "control" => crate::isolation::control_list::insert(conn, village, id, rec)?,
        crate::ledger::distinct::KIND => crate::ledger::distinct::insert(conn, doc_id, id, rec)?,
        "export" | "reveal" => {}
        _ => {
            crate::checkpoint::project::insert_rows(conn, village, id, rec)?;
        }
    }
    insert_conflicts(conn, doc_id, id, rec)
}

/// The conflict rows of a record: one per field holding concurrent values.
fn insert_conflicts(conn: &Connection, doc_id: &str, id: &str, rec: &RecordView) -> Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT INTO conflicts (record_id, field, doc_id, vals) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (field, vals) in &rec.conflicts {
        let json = serde_json::to_string(vals).unwrap_or_default();
        ins.execute(params![id, field, doc_id, json])?;
    }
    Ok(())
}

/// The canonical queries over every projection table: ordered, with row ids replaced by
/// record ids, so that two databases with the same projections give the same lines.
const CANONICAL: [(&str, &str); 12] = [
    (
        "policies",
        "SELECT id, name, spec, deleted FROM policies ORDER BY id",
    ),
    (
        "cases",
        "SELECT id, village_id, person_id, household_id, policy_id, policy, reason, start,
         end_date, place, site, status, released_on, visits_seen, team, certificate,
         created_at, deleted FROM cases ORDER BY id",
    ),
    (
        "visits",
        "SELECT id, case_id, village_id, at, temp_tenths, symptoms, method, by_name, device,
         escalated FROM visits ORDER BY id",
    ),
    (
        "tests",
        "SELECT id, case_id, village_id, date, result, device FROM tests ORDER BY id",
    ),
    (
        "referrals",
        "SELECT id, case_id, village_id, at, reason, outcome FROM referrals ORDER BY id",
    ),
    (
        "villages",
        "SELECT id, name, deleted FROM villages ORDER BY id",
    ),
    (
        "groups",
        "SELECT id, village_id, name, deleted FROM groups ORDER BY id",
    ),
    (
        "households",
        "SELECT id, village_id, group_id, address, head_person_id, phone, created_at, deleted
         FROM households ORDER BY id",
    ),
    (
        "persons",
        "SELECT id, household_id, village_id, name, gender, id_kind, id_number, birth_date,
         phone, relation, residency, tags, vulnerable, works_away, plate, address, deleted,
         doses, last_test, merged_into, survivor, removed
         FROM persons ORDER BY id",
    ),
    (
        "search_terms",
        "SELECT t.term, p.id FROM search_terms t JOIN persons p ON p.rowid = t.person
         ORDER BY t.term, p.id",
    ),
    (
        "events",
        "SELECT id, kind, village_id, household_id, person_id, at, value, device, deleted
         FROM events ORDER BY id",
    ),
    (
        "conflicts",
        "SELECT record_id, field, doc_id, vals FROM conflicts ORDER BY record_id, field",
    ),
];

fn all_canonical() -> impl Iterator<Item = (&'static str, &'static str)> {
    CANONICAL
        .into_iter()
        .chain(crate::checkpoint::project::CANONICAL)
        .chain(crate::reports::project::CANONICAL)
        .chain(crate::tasks::project::CANONICAL)
        .chain(crate::isolation::control_list::CANONICAL)
        .chain(crate::ledger::distinct::CANONICAL)
        .chain(owner::CANONICAL)
}

/// Calls `f(table, line)` for every projection row in canonical order.
pub fn for_each_row(conn: &Connection, mut f: impl FnMut(&str, &str)) -> Result<()> {
    let mut line = String::new();
    for (table, q) in all_canonical() {
        let mut st = conn.prepare(q)?;
        let n = st.column_count();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            line.clear();
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i)?;
                line.push_str(&format!("{v:?}\u{1f}"));
            }
            f(table, &line);
        }
    }
    Ok(())
}

/// Every projection row as a line (for tests on small stores).
pub fn dump(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for_each_row(conn, |t, l| out.push(format!("{t}\u{1f}{l}")))?;
    Ok(out)
}

/// Per table: row count and a digest of its canonical rows.
pub fn digest(conn: &Connection) -> Result<Vec<(String, u64, u64)>> {
    use std::hash::{Hash, Hasher};
    let mut out: Vec<(String, u64, std::collections::hash_map::DefaultHasher)> = all_canonical()
        .map(|(t, _)| {
            (
                t.to_owned(),
                0,
                std::collections::hash_map::DefaultHasher::new(),
            )
        })
        .collect();
    for_each_row(conn, |t, l| {
        if let Some(e) = out.iter_mut().find(|e| e.0 == t) {
            e.1 += 1;
            l.hash(&mut e.2);
        }
    })?;
    Ok(out
        .into_iter()
        .map(|(t, n, h)| (t, n, h.finish()))
        .collect())
}
