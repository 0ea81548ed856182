//! The `chunks` table: each document stored as a snapshot and the changes after it, in rows
//! numbered by `seq`. A process that has a document loaded up to chunk `n` reads only the
//! chunks after `n` (see `doc_cache.rs`), so a sequence number is never handed out twice, not
//! even after the chunks holding the highest ones were deleted (a compaction, a discard, a
//! document dropped from a device's scope). AUTOINCREMENT would ensure that by rewriting its
//! `sqlite_sequence` row on every insert, one page more for every edit; instead deleting
//! keeps the highest number it deleted as `chunks_floor`, and a new chunk takes the next
//! number above both the table's highest and that floor.

use rusqlite::{params, Connection};

use crate::error::Result;

/// The number no new chunk may take or go below (0 when nothing was ever deleted).
fn floor(conn: &Connection) -> Result<i64> {
    Ok(crate::get_setting(conn, "chunks_floor")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Stores chunk `bytes` of document `doc_id`; returns its sequence number.
pub(crate) fn insert(conn: &Connection, doc_id: &str, bytes: &[u8]) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO chunks (seq, doc_id, bytes)
         VALUES (max(COALESCE((SELECT max(seq) FROM chunks), 0), ?3) + 1, ?1, ?2)",
    )?
    .execute(params![doc_id, bytes, floor(conn)?])?;
    Ok(conn.last_insert_rowid())
}

/// Deletes every chunk of document `doc_id`, first raising the floor to the highest of them.
pub(crate) fn delete(conn: &Connection, doc_id: &str) -> Result<()> {
    let top: Option<i64> = conn
        .prepare_cached("SELECT max(seq) FROM chunks WHERE doc_id = ?1")?
        .query_row([doc_id], |r| r.get(0))?;
    let floor = floor(conn)?;
    if let Some(top) = top.filter(|&t| t > floor) {
        crate::set_setting(conn, "chunks_floor", &top.to_string())?;
    }
    conn.prepare_cached("DELETE FROM chunks WHERE doc_id = ?1")?
        .execute([doc_id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn seqs(conn: &Connection, doc_id: &str) -> Vec<i64> {
        conn.prepare("SELECT seq FROM chunks WHERE doc_id = ?1 ORDER BY seq")
            .unwrap()
            .query_map([doc_id], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_sequence_number_is_never_handed_out_twice() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::engine::schema::migrate(&mut conn).unwrap();
        for d in ["a", "a", "b"] {
            insert(&conn, d, b"x").unwrap();
        }
        assert_eq!((seqs(&conn, "a"), seqs(&conn, "b")), (vec![1, 2], vec![3]));
        // The highest chunk deleted (a document dropped), then another document's next chunk.
        delete(&conn, "b").unwrap();
        assert_eq!(insert(&conn, "a", b"x").unwrap(), 4);
        // Every chunk deleted: the next still follows the highest ever.
        delete(&conn, "a").unwrap();
        assert_eq!(
            conn.query_row("SELECT count(*) FROM chunks", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            0
        );
        assert_eq!(insert(&conn, "b", b"x").unwrap(), 5);
        // Deleting lower chunks leaves the floor where it was.
        insert(&conn, "c", b"x").unwrap();
        delete(&conn, "b").unwrap();
        assert_eq!(insert(&conn, "c", b"x").unwrap(), 7);
    }

    #[test]
    fn an_upgraded_store_continues_after_the_highest_number_autoincrement_gave() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::engine::schema::migrate_to(&mut conn, 21).unwrap();
        for d in ["a", "b", "b"] {
            conn.execute("INSERT INTO chunks (doc_id, bytes) VALUES (?1, x'00')", [d])
                .unwrap();
        }
        conn.execute("DELETE FROM chunks WHERE doc_id = 'b'", [])
            .unwrap();
        crate::engine::schema::migrate(&mut conn).unwrap();
        assert_eq!(seqs(&conn, "a"), [1]);
        assert_eq!(insert(&conn, "a", b"x").unwrap(), 4);
    }
}
