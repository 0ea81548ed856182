//! Projection rows of tasks (`task` records of `tasks:<home>`) and their answers (`answer`
//! records of `answers:<home>`), where home is a village or, for the township's own list, the
//! township. Called only from [`crate::engine::project`], so local writes, received changes and
//! `reindex` agree.
//!
//! A row is a function of its record and the document holding it: a task that names another
//! village than its document's gets no row, and an answer counts only for a task of the same
//! home (the read query joins on it), so nobody answers another village's task by writing it
//! into their own answers.

use gridbook_domain::task::Outcome;
use rusqlite::{params, Connection};

use crate::engine::record::RecordView;
use crate::error::Result;

/// Removes the rows of a task or answer record.
pub(crate) fn clear_rows(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM tasks WHERE id = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM task_answers WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Inserts the row of a `task` or `answer` record held by document `doc_id` of `home`.
pub(crate) fn insert(
    conn: &Connection,
    doc_id: &str,
    home: &str,
    id: &str,
    rec: &RecordView,
) -> Result<()> {
    match rec.kind().unwrap_or_default() {
        "task" => insert_task(conn, doc_id, home, id, rec),
        _ => insert_answer(conn, doc_id, home, id, rec),
    }
}

fn insert_task(
    conn: &Connection,
    doc_id: &str,
    home: &str,
    id: &str,
    rec: &RecordView,
) -> Result<()> {
    let village = rec.str("village_id");
    // A list may give an ID number without a name: the name is then empty, the row still a task.
    let name = rec.str("name").unwrap_or_default();
    let (Some(source), Some(due)) = (rec.str("source"), rec.str("due")) else {
        return Ok(());
    };
    if village.as_deref().is_some_and(|v| v != home) {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO tasks (id, doc_id, home, village_id, person_id, match_by, source, category,
         list_date, name, id_number, id_valid, phone, place, note, row_no, due, created_at,
         device, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
         ?15, ?16, ?17, ?18, ?19, ?20)",
    )?
    .execute(params![
        id,
        doc_id,
        home,
        village,
        village.as_ref().and(rec.str("person_id")),
        rec.str("match_by"),
        source,
        rec.str("category"),
        rec.str("list_date"),
        name,
        rec.str("id_number").unwrap_or_default(),
        rec.get("id_valid").is_true(),
        rec.str("phone"),
        rec.str("place"),
        rec.str("note"),
        rec.get("row").as_i64(),
        due,
        rec.str("created_at").unwrap_or_default(),
        rec.str("device"),
        rec.str("deleted_at").is_some(),
    ])?;
    Ok(())
}

fn insert_answer(
    conn: &Connection,
    doc_id: &str,
    home: &str,
    id: &str,
    rec: &RecordView,
) -> Result<()> {
    let (Some(task), Some(outcome), Some(at)) =
        (rec.str("task_id"), rec.str("outcome"), rec.str("at"))
    else {
        return Ok(());
    };
    let Ok(outcome) = Outcome::parse(&outcome) else {
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO task_answers (id, doc_id, home, task_id, outcome, note, tag, at, device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        doc_id,
        home,
        task,
        outcome.code(),
        rec.str("note"),
        rec.str("tag"),
        at,
        rec.str("device"),
    ])?;
    Ok(())
}

/// Canonical queries of the task tables, appended to the others in `project`.
pub(crate) const CANONICAL: [(&str, &str); 2] = [
    ("tasks", "SELECT * FROM tasks ORDER BY id"),
    ("task_answers", "SELECT * FROM task_answers ORDER BY id"),
];
