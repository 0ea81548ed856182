//! A household record's projection: its `households` row and its checks (verification rows
//! in `events`).
//!
//! As for persons (see [`crate::ledger::person_rows`]), a household projected again by the
//! document that owns it keeps its row: only the columns that changed are written, and only
//! the checks that are new, changed or gone. A check adds one event field to the household,
//! so written afresh every check rewrote the row and every earlier check of the household.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rusqlite::types::Value;
use rusqlite::{params, Connection};

use crate::engine::record::RecordView;
use crate::engine::rows::{self, flag, text};
use crate::error::Result;

/// The columns of a household's row, after `id`, in the order of [`values`].
const COLUMNS: [&str; 8] = [
    "village_id",
    "group_id",
    "address",
    "head_person_id",
    "phone",
    "created_at",
    "deleted",
    "address_key",
];

/// Fields `check.<event id>` = `at|device` hold a household's checks.
const CHECK: &str = "check.";

fn values(village: &str, rec: &RecordView) -> Vec<Value> {
    let address = rec.str("address").unwrap_or_default();
    let key = gridbook_domain::natural::natural_key(&address);
    vec![
        Value::Text(village.to_owned()),
        text(rec.str("group_id")),
        Value::Text(address),
        text(rec.str("head_person_id")),
        text(rec.str("phone")),
        text(rec.str("created_at")),
        flag(rec.str("deleted_at").is_some()),
        Value::Text(key),
    ]
}

/// A check as its row holds it: (village, at, device).
type Check = (String, String, Option<String>);

/// The checks a household record holds, by event id. An empty value is a deleted check.
fn checks(village: &str, rec: &RecordView) -> BTreeMap<String, Check> {
    rec.fields
        .range(CHECK.to_owned()..)
        .take_while(|(k, _)| k.starts_with(CHECK))
        .filter_map(|(k, v)| Some((k[CHECK.len()..].to_owned(), v.opt_str()?)))
        .map(|(id, v)| {
            let mut parts = v.splitn(2, '|');
            let at = parts.next().unwrap_or_default().to_owned();
            let device = parts.next().filter(|d| !d.is_empty()).map(str::to_owned);
            (id, (village.to_owned(), at, device))
        })
        .collect()
}

/// The checks the household's rows hold now, by event id; `None` for a row in another form
/// than [`write_checks`] writes (none is written so: it is written again).
fn stored_checks(conn: &Connection, id: &str) -> Result<BTreeMap<String, Option<Check>>> {
    let mut st = conn.prepare_cached(
        "SELECT id, village_id, at, device, deleted = 0 AND person_id IS NULL AND value IS NULL
         FROM events WHERE household_id = ?1 AND kind = 'verification'",
    )?;
    let rows = st.query_map([id], |r| {
        let check = (r.get(1)?, r.get(2)?, r.get(3)?);
        Ok((r.get(0)?, r.get::<_, bool>(4)?.then_some(check)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes the checks in `want` that `have` lacks or holds otherwise, and removes the
/// household's check rows that `want` lacks.
fn write_checks(
    conn: &Connection,
    household: &str,
    want: &BTreeMap<String, Check>,
    have: &BTreeMap<String, Option<Check>>,
) -> Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT OR REPLACE INTO events (id, kind, village_id, household_id, person_id, at, value,
         device, deleted) VALUES (?1, 'verification', ?2, ?3, NULL, ?4, NULL, ?5, 0)",
    )?;
    for (event, check @ (village, at, device)) in want {
        if have.get(event).and_then(Option::as_ref) != Some(check) {
            ins.execute(params![event, village, household, at, device])?;
        }
    }
    let mut del = conn.prepare_cached(
        "DELETE FROM events WHERE id = ?1 AND household_id = ?2 AND kind = 'verification'",
    )?;
    for event in have.keys().filter(|e| !want.contains_key(*e)) {
        del.execute(params![event, household])?;
    }
    Ok(())
}

/// Writes the row and checks of a household that has none.
pub(crate) fn insert(conn: &Connection, village: &str, id: &str, rec: &RecordView) -> Result<()> {
    static INSERT: LazyLock<String> = LazyLock::new(|| rows::insert_sql("households", &COLUMNS));
    rows::insert(conn, &INSERT, id, values(village, rec))?;
    write_checks(conn, id, &checks(village, rec), &BTreeMap::new())
}

/// Brings the rows of a household that has one to what `rec` says, writing only what
/// changed. Returns `false` (and writes nothing) when the household has no row.
pub(crate) fn update(conn: &Connection, village: &str, id: &str, rec: &RecordView) -> Result<bool> {
    let Some((rowid, old)) = rows::read(conn, "households", "id", id, &COLUMNS)? else {
        return Ok(false);
    };
    rows::update(
        conn,
        "households",
        rowid,
        &COLUMNS,
        &old,
        &values(village, rec),
    )?;
    write_checks(conn, id, &checks(village, rec), &stored_checks(conn, id)?)?;
    Ok(true)
}

/// Removes a household's row and its checks.
pub(crate) fn clear(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM households WHERE id = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM events WHERE household_id = ?1 AND kind = 'verification'")?
        .execute([id])?;
    Ok(())
}
