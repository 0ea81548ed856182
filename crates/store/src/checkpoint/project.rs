//! Projection rows of the checkpoint records: checkpoints, shifts and passes (checkpoints
//! documents) and entries with the pass uses they carry (entries documents).
//!
//! Called only from [`crate::engine::project`], so local writes, received changes and `reindex`
//! agree.

use rusqlite::{params, Connection};

use crate::engine::record::RecordView;
use crate::error::Result;

/// Removes every checkpoint projection row of a record.
pub(crate) fn clear_rows(conn: &Connection, id: &str) -> Result<()> {
    for sql in [
        "DELETE FROM checkpoints WHERE id = ?1",
        "DELETE FROM entries WHERE id = ?1",
        "DELETE FROM pass_uses WHERE id = ?1",
        "DELETE FROM passes WHERE id = ?1",
        "DELETE FROM shifts WHERE id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([id])?;
    }
    Ok(())
}

fn text(rec: &RecordView, field: &str) -> String {
    rec.str(field).unwrap_or_default()
}

fn int(rec: &RecordView, field: &str) -> i64 {
    match rec.get(field) {
        crate::Val::Int(i) => *i,
        _ => 0,
    }
}

/// Inserts the rows of a checkpoint record; returns false for types that are not ours.
pub(crate) fn insert_rows(
    conn: &Connection,
    village: &str,
    id: &str,
    rec: &RecordView,
) -> Result<bool> {
    match rec.kind().unwrap_or_default() {
        "checkpoint" => {
            conn.prepare_cached(
                "INSERT INTO checkpoints (id, village_id, name, place, deleted, shift_plan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                village,
                text(rec, "name"),
                rec.str("place"),
                rec.str("deleted_at").is_some(),
                rec.str("shift_plan")
            ])?;
        }
        "shift" => {
            conn.prepare_cached(
                "INSERT INTO shifts (id, checkpoint_id, village_id, date, idx, staff,
                 signed_in_at, signed_out_at, handover_note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                text(rec, "checkpoint_id"),
                village,
                text(rec, "date"),
                int(rec, "index"),
                text(rec, "staff"),
                rec.str("signed_in_at"),
                rec.str("signed_out_at"),
                rec.str("handover_note")
            ])?;
        }
        "pass" => {
            conn.prepare_cached(
                "INSERT INTO passes (id, number, village_id, household_id, valid_from, valid_to,
                 issued_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                text(rec, "number"),
                village,
                text(rec, "household_id"),
                text(rec, "valid_from"),
                text(rec, "valid_to"),
                text(rec, "issued_by")
            ])?;
        }
        "entry" => insert_entry(conn, village, id, rec)?,
        _ => return Ok(false),
    }
    Ok(true)
}

fn insert_entry(conn: &Connection, village: &str, id: &str, rec: &RecordView) -> Result<()> {
    let at = text(rec, "at");
    let day: String = at.chars().take(10).collect();
    let checkpoint = text(rec, "checkpoint_id");
    conn.prepare_cached(
        "INSERT INTO entries (id, checkpoint_id, village_id, day, at, device, direction, name,
         id_kind, id_number, hukou_place, residence, phone, plate, temperature_tenths,
         health_code, travel, declared_areas, purpose, suggested, decision, reasons, volunteer,
         note, overridden, recorded_by, person_id, pass_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
         ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
    )?
    .execute(params![
        id,
        checkpoint,
        village,
        day,
        at,
        text(rec, "device"),
        text(rec, "direction"),
        text(rec, "name"),
        text(rec, "id_kind"),
        text(rec, "id_number"),
        rec.str("hukou_place"),
        rec.str("residence"),
        rec.str("phone"),
        rec.str("plate"),
        int(rec, "temperature_tenths"),
        text(rec, "health_code"),
        text(rec, "travel"),
        rec.str("declared_areas").unwrap_or_else(|| "[]".into()),
        rec.str("purpose"),
        text(rec, "suggested"),
        text(rec, "decision"),
        rec.str("reasons").unwrap_or_else(|| "[]".into()),
        text(rec, "volunteer"),
        rec.str("note"),
        rec.get("override").is_true(),
        text(rec, "recorded_by"),
        rec.str("person_id"),
        rec.str("pass_number")
    ])?;
    // A crossing on a pass is the pass's use: derived from the entry, so that the use and the
    // entry are one record written in one change and can never exist without each other.
    if let Some(number) = rec.str("pass_number") {
        conn.prepare_cached(
            "INSERT INTO pass_uses (id, pass_number, village_id, checkpoint_id, at, direction,
             id_number, entry_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?1)",
        )?
        .execute(params![
            id,
            number,
            village,
            checkpoint,
            at,
            text(rec, "direction"),
            text(rec, "id_number")
        ])?;
    }
    Ok(())
}

/// Canonical queries of the checkpoint tables, appended to the ledger's in `project`.
pub(crate) const CANONICAL: [(&str, &str); 5] = [
    (
        "checkpoints",
        "SELECT id, village_id, name, place, deleted, shift_plan FROM checkpoints ORDER BY id",
    ),
    ("entries", "SELECT * FROM entries ORDER BY id"),
    ("passes", "SELECT * FROM passes ORDER BY id"),
    ("pass_uses", "SELECT * FROM pass_uses ORDER BY id"),
    ("shifts", "SELECT * FROM shifts ORDER BY id"),
];
