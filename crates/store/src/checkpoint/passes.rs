//! Temporary passes (临时通行证) of a household: issued, listed, checked at a checkpoint.

use chrono::NaiveDateTime;
use gridbook_domain::checkpoint::{
    check_pass, parse_pass_number, pass_payload, pass_qr_svg, validate_pass_window, Direction,
    Pass, PassRefusal, PassUse,
};
use gridbook_domain::FieldError;
use rusqlite::OptionalExtension;
use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::create_record;
use crate::engine::text::{fmt_at, parse_at, parse_uuid};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// The QR code (SVG) of a pass number, typed or scanned.
pub fn pass_qr(number: &str) -> Result<String> {
    Ok(pass_qr_svg(&parse_pass_number(number)?))
}
/// A temporary pass as listed, with its uses.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PassRow {
    /// The pass's record id (UUID).
    pub id: String,
    /// Pass number (8 characters).
    pub number: String,
    /// Household it was issued to.
    pub household_id: String,
    /// Start of the window, local time.
    pub valid_from: String,
    /// End of the window (exclusive), local time.
    pub valid_to: String,
    /// Who issued the pass (a name).
    pub issued_by: String,
    /// What its QR code holds.
    pub payload: String,
    /// Crossings recorded on it, in time order.
    pub uses: Vec<PassUseRow>,
    /// Members of the household under control today (an open isolation case): the pass does
    /// not cover them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "ts",
        ts(
            as = "Option<Vec<crate::isolation::control::ExcludedMember>>",
            optional
        )
    )]
    pub excluded: Vec<crate::isolation::control::ExcludedMember>,
}
/// One crossing on a pass. The person's document number stays with the entry.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PassUse"))]
pub struct PassUseRow {
    /// When the pass was used (local time).
    pub at: String,
    /// `in` or `out`.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::Direction"))]
    pub direction: String,
    /// The checkpoint where it was used.
    pub checkpoint_id: String,
    /// The entry that recorded it.
    pub entry_id: String,
}

/// A pass window as typed (`YYYY-MM-DDTHH:MM`, local time), read and checked as
/// [`Store::issue_pass`] reads it: each time readable, the end after the start and at most
/// [`gridbook_domain::checkpoint::MAX_PASS_WINDOW_HOURS`] later.
pub fn pass_window(from: &str, to: &str) -> Result<(NaiveDateTime, NaiveDateTime)> {
    let bad = |field: &'static str, s: &str| {
        StoreError::Invalid(FieldError::new(
            field,
            "format",
            format!("时间“{s}”应为 YYYY-MM-DDTHH:MM"),
            format!("time '{s}' must be YYYY-MM-DDTHH:MM"),
        ))
    };
    let from_t = parse_at(from).ok_or_else(|| bad("valid_from", from))?;
    let to_t = parse_at(to).ok_or_else(|| bad("valid_to", to))?;
    validate_pass_window(from_t, to_t)?;
    Ok((from_t, to_t))
}

impl Store {
    /// Issues a temporary pass (临时通行证) to a household for a window.
    pub fn issue_pass(&self, household: &str, from: &str, to: &str) -> Result<PassRow> {
        let household = parse_uuid("household", household)?;
        let (from_t, to_t) = pass_window(from, to)?;
        let mut g = self.lock();
        let village: String = g
            .conn
            .prepare_cached("SELECT village_id FROM households WHERE id = ?1 AND deleted = 0")?
            .query_row([&household], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::not_found("household", &household))?;
        let issuer = g.device.clone();
        let seed = Uuid::new_v4();
        let hid = Uuid::parse_str(&household).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let pass = Pass::issue(seed, hid, from_t, to_t, &issuer)
            .or_else(|_| Pass::issue(seed, hid, from_t, to_t, "镇村工作人员"))?;
        let id = seed.to_string();
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Checkpoint, &village),
            Some(&village),
            audit,
            now_ms,
            |w| {
                let f = [
                    ("number", Val::from(pass.number.as_str())),
                    ("household_id", household.as_str().into()),
                    ("valid_from", fmt_at(pass.valid_from).into()),
                    ("valid_to", fmt_at(pass.valid_to).into()),
                    ("issued_by", pass.issued_by.as_str().into()),
                ];
                create_record(w.tx, &id, "pass", &f)?;
                w.touch(&id);
                Ok(())
            },
        )?;
        let excluded = g.excluded_members(&household, from_t.date())?;
        Ok(PassRow {
            id,
            payload: pass_payload(&pass.number),
            number: pass.number,
            household_id: household,
            valid_from: fmt_at(pass.valid_from),
            valid_to: fmt_at(pass.valid_to),
            issued_by: pass.issued_by,
            uses: Vec::new(),
            excluded,
        })
    }

    /// Checks whether a person may cross on a pass now. `Ok(Err(refusal))` is a refusal.
    pub fn check_pass(
        &self,
        number: &str,
        direction: Direction,
        id_number: &str,
    ) -> Result<std::result::Result<(), PassRefusal>> {
        let g = self.lock();
        g.check_pass(number, direction, id_number, g.now_local())
    }

    /// The passes issued to a household, the latest window first, with their uses.
    pub fn passes(&self, household: &str) -> Result<Vec<PassRow>> {
        let household = parse_uuid("household", household)?;
        let g = self.lock();
        let exists: bool = g
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM households WHERE id = ?1)")?
            .query_row([&household], |r| r.get(0))?;
        if !exists {
            return Err(StoreError::not_found("household", &household));
        }
        let mut passes: Vec<PassRow> = g
            .conn
            .prepare_cached(
                "SELECT id, number, valid_from, valid_to, issued_by FROM passes
                 WHERE household_id = ?1 ORDER BY valid_from DESC, id",
            )?
            .query_map([&household], |r| {
                let number: String = r.get(1)?;
                Ok(PassRow {
                    id: r.get(0)?,
                    payload: pass_payload(&number),
                    number,
                    household_id: household.clone(),
                    valid_from: r.get(2)?,
                    valid_to: r.get(3)?,
                    issued_by: r.get(4)?,
                    uses: Vec::new(),
                    excluded: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = g.conn.prepare_cached(
            "SELECT at, direction, checkpoint_id, entry_id FROM pass_uses
             WHERE pass_number = ?1 ORDER BY at, id",
        )?;
        for pass in &mut passes {
            pass.uses = st
                .query_map([&pass.number], |r| {
                    Ok(PassUseRow {
                        at: r.get(0)?,
                        direction: r.get(1)?,
                        checkpoint_id: r.get(2)?,
                        entry_id: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        // Who a pass does not cover is today's state: shown on the passes still running.
        let now = g.now_local();
        let excluded = g.excluded_members(&household, now.date())?;
        let now = fmt_at(now);
        for pass in passes.iter_mut().filter(|p| p.valid_to > now) {
            pass.excluded = excluded.clone();
        }
        Ok(passes)
    }
}

impl Inner {
    /// The pass with this number, and its uses so far.
    pub(crate) fn check_pass(
        &self,
        number: &str,
        direction: Direction,
        id_number: &str,
        now: NaiveDateTime,
    ) -> Result<std::result::Result<(), PassRefusal>> {
        let number = parse_pass_number(number)?;
        let row: Option<(String, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT household_id, valid_from, valid_to, issued_by FROM passes
                 WHERE number = ?1 ORDER BY id LIMIT 1",
            )?
            .query_row([&number], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let (household, from, to, issued_by) =
            row.ok_or_else(|| StoreError::not_found("pass", &number))?;
        let corrupt = || StoreError::Corrupt(format!("pass {number}"));
        let pass = Pass {
            number: number.clone(),
            household_id: Uuid::parse_str(&household).map_err(|_| corrupt())?,
            valid_from: parse_at(&from).ok_or_else(corrupt)?,
            valid_to: parse_at(&to).ok_or_else(corrupt)?,
            issued_by,
        };
        let mut st = self.conn.prepare_cached(
            "SELECT at, direction, id_number, entry_id FROM pass_uses WHERE pass_number = ?1",
        )?;
        let uses: Vec<PassUse> = st
            .query_map([&number], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter_map(|(at, dir, idn, entry)| {
                Some(PassUse {
                    pass_number: number.clone(),
                    at: parse_at(&at)?,
                    direction: if dir == "in" {
                        Direction::In
                    } else {
                        Direction::Out
                    },
                    id_number: idn,
                    entry_id: Uuid::parse_str(&entry).ok()?,
                })
            })
            .collect();
        let verdict = check_pass(&pass, now, direction, id_number, &uses);
        if verdict.is_ok() && direction == Direction::Out && !id_number.trim().is_empty() {
            if let Some(c) = self.control_of_id_number(id_number.trim(), now.date())? {
                let state = c.state;
                return Ok(Err(PassRefusal::UnderControl {
                    state_zh: state.zh(),
                    state_en: state.en(),
                }));
            }
        }
        Ok(verdict)
    }
}
