//! A person record's projection: its `persons` row and its search terms.
//!
//! A person projected again by the document that owns it keeps its row and row id: only the
//! columns whose value changed are written, and only the search terms that changed are
//! swapped. An edit of one field then dirties the pages of that field's indexes and terms,
//! not every index of the table and every term of the person: a phone edit writes about 9
//! pages instead of 22, and on an encrypted store every page written is encrypted at commit
//! and every page read first is decrypted and checked. The row written in place is the row a
//! fresh insert writes (the same values from [`values`]), so rebuilt and incremental
//! projections agree.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};

use crate::engine::record::RecordView;
use crate::engine::rows::{self, flag, text};
use crate::error::Result;
use crate::ledger::search;

/// The columns of a person's row, after `id`, in the order of [`values`].
const COLUMNS: [&str; 21] = [
    "household_id",
    "village_id",
    "name",
    "gender",
    "id_kind",
    "id_number",
    "birth_date",
    "phone",
    "relation",
    "residency",
    "tags",
    "vulnerable",
    "works_away",
    "plate",
    "address",
    "deleted",
    "doses",
    "last_test",
    "merged_into",
    "removed",
    // Written by the merge resolution (`ledger::merge::refresh`), which runs after the
    // projection of a person in a merge; a row written here starts without it.
    "survivor",
];
const NAME: usize = 2;
const ID_NUMBER: usize = 5;
const PHONE: usize = 7;
const PLATE: usize = 13;
const DELETED: usize = 15;

/// The values of a person's row, in the order of [`COLUMNS`].
fn values(village: &str, id: &str, rec: &RecordView) -> Vec<Value> {
    let idn = rec.str("id_number").unwrap_or_default();
    let del = rec.str("deleted_at").is_some();
    let id_kind = rec.str("id_kind").unwrap_or_else(|| "mainland".into());
    // A mainland number encodes birth date and gender; derive them so they never disagree.
    let derived = (id_kind == "mainland")
        .then(|| gridbook_domain::validate::birth_and_gender(&idn))
        .flatten();
    let gender = derived
        .map(|(_, g)| g.code().to_owned())
        .or_else(|| rec.str("gender"))
        .unwrap_or_else(|| "unknown".into());
    let birth = derived
        .map(|(d, _)| d.to_string())
        .or_else(|| rec.str("birth_date"));
    let last_test = events(rec, "test.")
        .max()
        .map(|(at, result)| format!("{at} {}", result.unwrap_or_default()));
    // A merge names another person by its id; anything else a device wrote is no merge.
    let merged_into = rec
        .str(crate::ledger::merge_check::MERGED_INTO)
        .filter(|t| crate::ledger::merge_check::is_merge_link(id, t));
    vec![
        Value::Text(rec.str("household_id").unwrap_or_default()),
        Value::Text(village.to_owned()),
        Value::Text(rec.str("name").unwrap_or_default()),
        Value::Text(gender),
        Value::Text(id_kind),
        Value::Text(idn),
        text(birth),
        text(rec.str("phone")),
        Value::Text(rec.str("relation").unwrap_or_else(|| "other".into())),
        Value::Text(rec.str("residency").unwrap_or_else(|| "registered".into())),
        Value::Text(rec.flags("tag.").join(",")),
        Value::Text(rec.flags("vuln.").join(",")),
        flag(rec.get("works_away").is_true()),
        text(rec.str("plate")),
        text(rec.str("address")),
        flag(del),
        Value::Integer(events(rec, "vax.").count() as i64),
        text(last_test),
        text(merged_into),
        flag(del),
        Value::Null,
    ]
}

/// The events a record holds as fields `<prefix><event id>` = `at|detail`: (at, detail).
/// A person's vaccinations and tests are projected as what is read of them (how many doses,
/// the latest test), not as rows: nothing asks for them one by one.
fn events<'a>(
    rec: &'a RecordView,
    prefix: &'a str,
) -> impl Iterator<Item = (String, Option<String>)> + 'a {
    rec.fields
        .range(prefix.to_owned()..)
        .take_while(move |(k, _)| k.starts_with(prefix))
        .filter_map(|(_, v)| v.opt_str())
        .map(|v| {
            let mut parts = v.splitn(2, '|');
            let at = parts.next().unwrap_or_default().to_owned();
            let detail = parts.next().filter(|d| !d.is_empty()).map(str::to_owned);
            (at, detail)
        })
}

/// The search terms of a row's values; none for a deleted person.
fn terms_of(v: &[Value]) -> BTreeSet<String> {
    if v[DELETED] != Value::Integer(0) {
        return BTreeSet::new();
    }
    terms_all(v)
}

/// The search terms of a row's values, deleted or not.
fn terms_all(v: &[Value]) -> BTreeSet<String> {
    let s = |i: usize| match &v[i] {
        Value::Text(t) => Some(t.as_str()),
        _ => None,
    };
    search::terms(
        s(NAME).unwrap_or_default(),
        s(ID_NUMBER).unwrap_or_default(),
        s(PHONE),
        s(PLATE),
    )
    .into_iter()
    .collect()
}

/// Writes the row and search terms of a person that has none.
pub(crate) fn insert(conn: &Connection, village: &str, id: &str, rec: &RecordView) -> Result<()> {
    static INSERT: LazyLock<String> = LazyLock::new(|| rows::insert_sql("persons", &COLUMNS));
    let v = values(village, id, rec);
    let terms = terms_of(&v);
    let rowid = rows::insert(conn, &INSERT, id, v)?;
    set_terms(conn, rowid, &terms, true)
}

/// Brings the row of a person that has one to what `rec` says, writing only what changed.
/// Returns `false` (and writes nothing) when the person has no row.
pub(crate) fn update(conn: &Connection, village: &str, id: &str, rec: &RecordView) -> Result<bool> {
    let Some((rowid, old)) = rows::read(conn, "persons", "id", id, &COLUMNS)? else {
        return Ok(false);
    };
    let new = values(village, id, rec);
    if !rows::update(conn, "persons", rowid, &COLUMNS, &old, &new)? {
        return Ok(true);
    }
    // Terms are kept exactly for persons not deleted; those of the old values are removed
    // whatever the old row said, as a row cleared and written again would.
    let after = terms_of(&new);
    set_terms(
        conn,
        rowid,
        &terms_all(&old).difference(&after).cloned().collect(),
        false,
    )?;
    set_terms(
        conn,
        rowid,
        &after.difference(&terms_of(&old)).cloned().collect(),
        true,
    )?;
    Ok(true)
}

/// Removes a person's row and its search terms.
pub(crate) fn clear(conn: &Connection, id: &str) -> Result<()> {
    type OldPerson = (i64, String, String, Option<String>, Option<String>);
    let old: Option<OldPerson> = conn
        .prepare_cached("SELECT rowid, name, id_number, phone, plate FROM persons WHERE id = ?1")?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    if let Some((rowid, name, idn, phone, plate)) = old {
        let all = search::terms(&name, &idn, phone.as_deref(), plate.as_deref());
        set_terms(conn, rowid, &all.into_iter().collect(), false)?;
        conn.prepare_cached("DELETE FROM persons WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    Ok(())
}

/// Adds (`on`) or removes the search terms `terms` of the person at `rowid`.
pub(crate) fn set_terms(
    conn: &Connection,
    rowid: i64,
    terms: &BTreeSet<String>,
    on: bool,
) -> Result<()> {
    let sql = if on {
        "INSERT OR IGNORE INTO search_terms (term, person) VALUES (?1, ?2)"
    } else {
        "DELETE FROM search_terms WHERE term = ?1 AND person = ?2"
    };
    let mut st = conn.prepare_cached(sql)?;
    for t in terms {
        st.execute(params![t, rowid])?;
    }
    Ok(())
}
