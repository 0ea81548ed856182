//! A projection row written in place: read with its row id, then only the columns whose
//! value changed written back.
//!
//! SQLite rewrites an index entry for every column an UPDATE assigns, changed or not, and a
//! row deleted and inserted again gets a new row id and new entries in every index. Writing
//! only what changed keeps an edit to the pages of what changed: fewer pages written (each
//! encrypted at commit on an encrypted store) and fewer read.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use crate::error::Result;

/// The row id and the values of `columns` of the row of `table` whose `key` column is `id`.
pub(crate) fn read(
    conn: &Connection,
    table: &str,
    key: &str,
    id: &str,
    columns: &[&str],
) -> Result<Option<(i64, Vec<Value>)>> {
    let sql = format!(
        "SELECT rowid, {} FROM {table} WHERE {key} = ?1",
        columns.join(", ")
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| {
            let values = (1..=columns.len())
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((r.get(0)?, values))
        })
        .optional()?)
}

/// The statement inserting a row of `id` and `columns` into `table`, as [`insert`] takes it
/// (built once per table: a bulk import inserts hundreds of thousands of rows).
pub(crate) fn insert_sql(table: &str, columns: &[&str]) -> String {
    let marks: Vec<String> = (1..=columns.len() + 1).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {table} (id, {}) VALUES ({})",
        columns.join(", "),
        marks.join(", ")
    )
}

/// Inserts the row `id`, `values` by `sql` (from [`insert_sql`]); returns its row id.
pub(crate) fn insert(conn: &Connection, sql: &str, id: &str, values: Vec<Value>) -> Result<i64> {
    conn.prepare_cached(sql)?.execute(params_from_iter(
        std::iter::once(Value::Text(id.to_owned())).chain(values),
    ))?;
    Ok(conn.last_insert_rowid())
}

/// Writes the columns of the row at `rowid` whose value in `new` differs from `old` (both in
/// the order of `columns`). Returns whether anything was written.
pub(crate) fn update(
    conn: &Connection,
    table: &str,
    rowid: i64,
    columns: &[&str],
    old: &[Value],
    new: &[Value],
) -> Result<bool> {
    let changed: Vec<usize> = (0..columns.len()).filter(|&i| old[i] != new[i]).collect();
    if changed.is_empty() {
        return Ok(false);
    }
    let sets: Vec<String> = changed
        .iter()
        .enumerate()
        .map(|(n, &i)| format!("{} = ?{}", columns[i], n + 1))
        .collect();
    let sql = format!(
        "UPDATE {table} SET {} WHERE rowid = ?{}",
        sets.join(", "),
        changed.len() + 1
    );
    let mut args: Vec<Value> = changed.iter().map(|&i| new[i].clone()).collect();
    args.push(Value::Integer(rowid));
    conn.prepare_cached(&sql)?.execute(params_from_iter(args))?;
    Ok(true)
}

/// A text column's value.
pub(crate) fn text(s: Option<String>) -> Value {
    s.map_or(Value::Null, Value::Text)
}

/// A boolean column's value.
pub(crate) fn flag(b: bool) -> Value {
    Value::Integer(i64::from(b))
}
