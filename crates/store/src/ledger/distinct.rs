//! "Not the same person" (不是同一人): a pair listed as 疑似重复 that a township officer or the
//! village's grid worker dismissed, so that it is listed on no device any more.
//!
//! A dismissal is a record of type `distinct` (fields `person_a` < `person_b`, an optional
//! `reason`, `at`) in the ledger of the village of `person_a`, written through the ordinary
//! edit path: the store's rights decide who may write it (that village's grid workers, the
//! township), it syncs like every record and `history` shows it. A pair across villages is
//! dismissed by the township only, as it is merged (the grid worker's device holds one
//! village). The relay checks the persons a dismissal names as it checks a merge's target
//! (see `merge_check`).
//!
//! Undoing sets `restored` on every dismissal of the pair this store holds (two devices may
//! have dismissed it at the same time: two records; two undoing it at once write the same
//! value, no conflict). A pair counts as dismissed while one of
//! its dismissals, written in the ledger of its first person's village, is not deleted.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj, set_fields, RecordView};
use crate::engine::text::{fmt_at, parse_uuid};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// The record type of a dismissal.
pub const KIND: &str = "distinct";

/// The field that undoes a dismissal: a flag, so that two devices undoing it at the same time
/// write the same value (no conflict to settle).
const RESTORED: &str = "restored";

/// Longest reason kept, in characters.
pub const MAX_REASON: usize = 200;

/// Canonical query of the table this module keeps, rebuilt by `reindex`.
pub(crate) const CANONICAL: [(&str, &str); 1] = [(
    "distinct_persons",
    "SELECT id, doc_id, person_a, person_b, reason, at, device, deleted
     FROM distinct_persons ORDER BY id",
)];

/// A pair dismissed as not one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "DismissedPair"))]
pub struct Dismissed {
    /// The two persons, smaller id first.
    pub persons: [String; 2],
    /// Their names (empty for a person this store does not hold).
    pub names: [String; 2],
    /// Why, as typed (may be empty).
    pub reason: Option<String>,
    /// When (local time).
    pub at: Option<String>,
    /// The device that dismissed it.
    pub device: Option<String>,
}

pub(crate) fn clear_rows(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM distinct_persons WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Projects a dismissal; one whose persons are not two ids in order is no dismissal.
pub(crate) fn insert(conn: &Connection, doc_id: &str, id: &str, rec: &RecordView) -> Result<()> {
    let (Some(a), Some(b)) = (rec.str("person_a"), rec.str("person_b")) else {
        return Ok(());
    };
    if a >= b {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO distinct_persons (id, doc_id, person_a, person_b, reason, at, device,
         deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        doc_id,
        a,
        b,
        rec.str("reason"),
        rec.str("at"),
        rec.str("device"),
        rec.get(RESTORED).is_true() || rec.str("deleted_at").is_some()
    ])?;
    Ok(())
}

/// The SQL condition (on `d`, a `distinct_persons` row) of a dismissal that counts: not
/// deleted, in the ledger of its first person's village.
const ACTIVE: &str = "d.deleted = 0 AND d.doc_id = 'ledger:' || (SELECT p.village_id FROM persons p
     WHERE p.id = d.person_a)";

/// The pairs dismissed now, as (smaller id, larger id).
pub(crate) fn dismissed_pairs(conn: &Connection) -> Result<Vec<(String, String)>> {
    let sql = format!("SELECT DISTINCT person_a, person_b FROM distinct_persons d WHERE {ACTIVE}");
    let rows = conn
        .prepare(&sql)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn refused(code: &str, zh: &str, en: &str) -> StoreError {
    StoreError::Refused {
        code: code.to_owned(),
        zh: zh.to_owned(),
        en: en.to_owned(),
    }
}

/// The two ids of a pair typed in any order, smaller first.
fn pair(a: &str, b: &str) -> Result<(String, String)> {
    let (a, b) = (parse_uuid("person", a)?, parse_uuid("person", b)?);
    if a == b {
        return Err(refused(
            "same_person",
            "请选择两个不同的人员",
            "these are one person: pick two",
        ));
    }
    Ok(if a < b { (a, b) } else { (b, a) })
}

impl Inner {
    /// The dismissals of pair (a, b) that count now, by record id.
    fn active_dismissals(&self, a: &str, b: &str) -> Result<Vec<String>> {
        let sql = format!(
            "SELECT id FROM distinct_persons d WHERE person_a = ?1 AND person_b = ?2 AND {ACTIVE}
             ORDER BY id"
        );
        let ids = self
            .conn
            .prepare(&sql)?
            .query_map([a, b], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Writes into the ledger of `village` (audit `what`): `f` makes the change.
    fn write_ledger(
        &mut self,
        village: &str,
        what: &str,
        f: impl FnOnce(&mut crate::engine::docs::Write<'_, '_>) -> Result<()>,
    ) -> Result<()> {
        let (now_ms, audit) = (self.now_ms(), self.audit(what));
        let Inner { conn, docs, .. } = self;
        docs.write(
            conn,
            &doc_id(DocKind::Ledger, village),
            Some(village),
            audit,
            now_ms,
            f,
        )
    }
}

impl Store {
    /// Dismisses persons `a` and `b` (both in lists now) as not one person: the pair leaves
    /// `duplicates` on every device that syncs. Already dismissed: nothing changes. A grid
    /// worker's device only within its village.
    pub fn dismiss_duplicate(&self, a: &str, b: &str, reason: Option<&str>) -> Result<()> {
        let (a, b) = pair(a, b)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(StoreError::Invalid(gridbook_domain::FieldError::new(
                "reason",
                "too_long",
                format!("原因最多 {MAX_REASON} 个字"),
                format!("the reason has at most {MAX_REASON} characters"),
            )));
        }
        let mut g = self.lock();
        let va = g.merge_state(&a)?.0;
        let vb = g.merge_state(&b)?.0;
        g.may_touch_pair(&[&va, &vb], ("排除疑似重复", "dismissal"))?;
        if !g.active_dismissals(&a, &b)?.is_empty() {
            return Ok(());
        }
        let id = uuid::Uuid::new_v4().to_string();
        let at = fmt_at(g.now_local());
        let device = g.audit("dismiss").device;
        let fields: Vec<(&str, Val)> = vec![
            ("person_a", a.as_str().into()),
            ("person_b", b.as_str().into()),
            ("reason", reason.map(str::to_owned).into()),
            ("at", at.into()),
            ("device", device.into()),
        ];
        g.write_ledger(&va, "dismiss", |w| {
            create_record(w.tx, &id, KIND, &fields)?;
            w.touch(&id);
            Ok(())
        })
    }

    /// Undoes the dismissal of pair (`a`, `b`): it is listed again (if it still looks like one
    /// person). Not dismissed: refused with the reason.
    pub fn restore_duplicate(&self, a: &str, b: &str) -> Result<()> {
        let (a, b) = pair(a, b)?;
        let mut g = self.lock();
        let ids = g.active_dismissals(&a, &b)?;
        if ids.is_empty() {
            return Err(refused(
                "not_dismissed",
                "这两人没有被标记为“不是同一人”",
                "this pair was not dismissed",
            ));
        }
        let va = village_of(&g.conn, &a)?.unwrap_or_default();
        let vb = village_of(&g.conn, &b)?.unwrap_or_default();
        g.may_touch_pair(&[&va, &vb], ("排除疑似重复", "dismissal"))?;
        g.write_ledger(&va, "restore", |w| {
            for id in &ids {
                let obj =
                    record_obj(&*w.tx, id)?.ok_or_else(|| StoreError::not_found("record", id))?;
                set_fields(w.tx, &obj, &[(RESTORED.into(), true.into())])?;
                w.touch(id);
            }
            Ok(())
        })
    }

    /// The pairs dismissed now, with the newest reason, by ids.
    pub fn dismissed_duplicates(&self) -> Result<Vec<Dismissed>> {
        let g = self.lock();
        let sql = format!(
            "SELECT person_a, person_b, reason, at, device,
               COALESCE((SELECT name FROM persons WHERE id = d.person_a), ''),
               COALESCE((SELECT name FROM persons WHERE id = d.person_b), '')
             FROM distinct_persons d WHERE {ACTIVE}
             ORDER BY person_a, person_b, at DESC"
        );
        let mut out: Vec<Dismissed> = Vec::new();
        for row in g.conn.prepare(&sql)?.query_map([], |r| {
            Ok(Dismissed {
                persons: [r.get(0)?, r.get(1)?],
                names: [r.get(5)?, r.get(6)?],
                reason: r.get(2)?,
                at: r.get(3)?,
                device: r.get(4)?,
            })
        })? {
            let row = row?;
            if out.last().is_none_or(|l| l.persons != row.persons) {
                out.push(row);
            }
        }
        Ok(out)
    }
}

/// The village of a person's row, whatever its state.
fn village_of(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT village_id FROM persons WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}
