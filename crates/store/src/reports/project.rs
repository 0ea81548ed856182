//! Projection rows of daily reports (`report` records of `reports:<village>:<YYYY-MM>`
//! documents). Called only from [`crate::engine::project`], so local writes, received changes and
//! `reindex` agree.
//!
//! A row is a function of its record and the document holding it. A record that is not where
//! its key says it must be (its id is not the report id of its unit and day, or it sits in
//! another village's or month's document) gets no row: a device cannot count a group twice by
//! writing a second record for it, nor report for a village it does not hold.

use gridbook_domain::report::{report_id, Figures, Level};
use rusqlite::{params, Connection};

use crate::engine::record::RecordView;
use crate::error::Result;

/// Removes the row of a report record.
pub(crate) fn clear_rows(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM reports WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The figures a report record holds as fields `fig.<name>`.
pub(crate) fn figures_of(rec: &RecordView) -> Figures {
    Figures::from_fields(
        rec.fields
            .range("fig.".to_owned()..)
            .take_while(|(k, _)| k.starts_with("fig."))
            .filter_map(|(k, v)| Some((&k[4..], v.as_i64()?))),
    )
}

/// Inserts the row of a report record, if it is well placed.
pub(crate) fn insert(
    conn: &Connection,
    doc_id: &str,
    village: &str,
    id: &str,
    rec: &RecordView,
) -> Result<()> {
    let (Some(unit), Some(date), Some(level)) =
        (rec.str("unit_id"), rec.str("date"), rec.str("level"))
    else {
        // Only the genesis (the shared empty record) so far.
        return Ok(());
    };
    let (Ok(date), Ok(level)) = (date.parse::<chrono::NaiveDate>(), Level::parse(&level)) else {
        return Ok(());
    };
    let home = crate::engine::doc_id::reports_doc_id(village, date);
    let placed = report_id(&unit, date) == id
        && doc_id == home
        && (level != Level::Village || unit == village);
    if !placed {
        return Ok(());
    }
    // Two devices that reported the same unit offline both set `submitted_at`: the earliest
    // counts (the group was in by then).
    let mut times: Vec<String> = rec
        .conflicts
        .get("submitted_at")
        .map(|vals| vals.iter().filter_map(crate::Val::opt_str).collect())
        .unwrap_or_default();
    times.extend(rec.str("submitted_at"));
    let Some(submitted_at) = times.into_iter().min() else {
        return Ok(());
    };
    let figures = serde_json::to_string(&figures_of(rec)).unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO reports (id, doc_id, level, unit_id, village_id, date, zero, figures, note,
         submitted_at, updated_at, device) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
         ?12)",
    )?
    .execute(params![
        id,
        doc_id,
        level.code(),
        unit,
        village,
        date.to_string(),
        rec.get("zero").is_true(),
        figures,
        rec.str("note"),
        submitted_at,
        rec.str("updated_at"),
        rec.str("device"),
    ])?;
    Ok(())
}

/// Canonical query of the reports table, appended to the others in `project`.
pub(crate) const CANONICAL: [(&str, &str); 1] = [("reports", "SELECT * FROM reports ORDER BY id")];
