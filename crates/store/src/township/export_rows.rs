//! Read queries for exports: the 一户一档 ledger, isolation cases, their follow-up register
//! and checkpoint registers, row by row from the projections, handed to a callback so that a
//! 400k-person ledger is never held in memory. Statuses come from the same functions the
//! case screens use (`shown_status`, `case_facts`); nothing here decides a rule again.
//!
//! Also who may see full ID numbers (the log of exports and printouts: `export_log`).

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension};

use crate::error::{Result, StoreError};
use crate::isolation::cases::parse_spec;
use crate::isolation::read::{case_facts, shown_status};
use crate::{get_setting, Store};

/// One person of the ledger with the household's columns.
#[derive(Debug, Clone, Default)]
pub struct LedgerLine {
    /// Village name.
    pub village: String,
    /// Group name, if the household has one.
    pub group: Option<String>,
    /// 户号: the household's place in this export (1, 2, …, per village): households carry
    /// no number of their own.
    pub household_no: u64,
    /// Head of household's name.
    pub head_name: Option<String>,
    /// Relation code.
    pub relation: String,
    /// The person's name.
    pub name: String,
    /// Gender code.
    pub gender: String,
    /// ID document kind code.
    pub id_kind: String,
    /// ID document number, in full (the exporter masks it).
    pub id_number: String,
    /// The person's phone, else the household's.
    pub phone: Option<String>,
    /// The person's address if it differs, else the household's.
    pub address: String,
    /// Residency code.
    pub residency: String,
    /// Risk tag codes.
    pub tags: Vec<String>,
    /// 七类人 codes.
    pub vulnerable: Vec<String>,
    /// Vaccination doses.
    pub doses: i64,
    /// Latest test date.
    pub last_test_date: Option<NaiveDate>,
    /// Latest test result code.
    pub last_test_result: Option<String>,
    /// Works away from home.
    pub works_away: bool,
    /// The household's latest verification.
    pub last_verified: Option<NaiveDateTime>,
    /// Who (which device) made it.
    pub verified_by: Option<String>,
}

/// Filters of an export: village and an inclusive date range.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Only this village.
    pub village: Option<String>,
    /// From this date.
    pub from: Option<NaiveDate>,
    /// Up to this date, included.
    pub to: Option<NaiveDate>,
}

pub(crate) fn village_filter(v: Option<&str>) -> Result<Option<String>> {
    v.map(|v| crate::isolation::cases::existing_id("village", v))
        .transpose()
}

pub(crate) fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn datetime(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .ok()
}

impl Store {
    /// Whether this device may write full ID numbers into an export when asked to.
    ///
    /// The rule: a device whose `role` setting is known (enrollment stores it) may iff that
    /// role is `township`; without one (enrolled by an older version), a device enrolled for
    /// one village (a non-empty `village_id`) may not, and any other (a township laptop, or a
    /// store never enrolled, which is the township's own) may.
    pub fn may_export_full_ids(&self) -> Result<bool> {
        let g = self.lock();
        if let Some(role) = get_setting(&g.conn, "role")? {
            return Ok(role == "township");
        }
        Ok(get_setting(&g.conn, "village_id")?.is_none_or(|v| v.is_empty()))
    }

    /// Streams the ledger: villages by name, groups in their natural order (households of no
    /// known group last), households by address, residents head first. Returns the rows.
    pub fn ledger_lines<E: From<StoreError>>(
        &self,
        village: Option<&str>,
        mut f: impl FnMut(&LedgerLine) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let village = village_filter(village)?;
        let villages = self.villages()?;
        if let Some(v) = &village {
            if !villages.iter().any(|r| &r.id == v) {
                return Err(StoreError::not_found("village", v).into());
            }
        }
        let g = self.lock();
        let mut rows = 0u64;
        let mut households = g
            .conn
            .prepare(
                "SELECT h.id, h.address, h.phone, hp.name FROM households h
                 LEFT JOIN persons hp ON hp.id = h.head_person_id
                 WHERE h.village_id = ?1 AND h.deleted = 0 AND (
                   (?2 IS NOT NULL AND h.group_id = ?2) OR (?2 IS NULL AND (h.group_id IS NULL
                   OR NOT EXISTS (SELECT 1 FROM groups gr WHERE gr.id = h.group_id
                                  AND gr.deleted = 0 AND gr.village_id = h.village_id))))
                 ORDER BY h.address_key, h.address, h.id",
            )
            .map_err(StoreError::from)?;
        let mut persons = g
            .conn
            .prepare(
                "SELECT name, gender, id_kind, id_number, phone, relation, residency, tags,
                   vulnerable, works_away, address, doses, last_test
                 FROM persons WHERE household_id = ?1 AND deleted = 0
                 ORDER BY relation != 'head', birth_date, id",
            )
            .map_err(StoreError::from)?;
        let mut checked = g
            .conn
            .prepare(
                "SELECT at, device FROM events WHERE household_id = ?1
                   AND kind = 'verification' AND deleted = 0 ORDER BY at DESC LIMIT 1",
            )
            .map_err(StoreError::from)?;
        for v in villages
            .iter()
            .filter(|v| village.as_ref().is_none_or(|id| *id == v.id))
        {
            let mut line = LedgerLine {
                village: v.name.clone(),
                ..LedgerLine::default()
            };
            let groups = v
                .groups
                .iter()
                .map(|gr| (Some(gr.id.as_str()), Some(gr.name.clone())))
                .chain([(None, None)]);
            for (group_id, group_name) in groups {
                line.group = group_name;
                let mut hs = households
                    .query(params![v.id, group_id])
                    .map_err(StoreError::from)?;
                while let Some(h) = hs.next().map_err(StoreError::from)? {
                    let hid: String = h.get(0).map_err(StoreError::from)?;
                    let address: String = h.get(1).map_err(StoreError::from)?;
                    let hh_phone: Option<String> = h.get(2).map_err(StoreError::from)?;
                    line.head_name = h.get(3).map_err(StoreError::from)?;
                    line.household_no += 1;
                    let last: Option<(String, Option<String>)> = checked
                        .query_row([&hid], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()
                        .map_err(StoreError::from)?;
                    line.last_verified = last.as_ref().and_then(|(at, _)| datetime(at));
                    line.verified_by = last.and_then(|(_, d)| d);
                    let mut ps = persons.query([&hid]).map_err(StoreError::from)?;
                    while let Some(p) = ps.next().map_err(StoreError::from)? {
                        let get = |i: usize| p.get::<_, Option<String>>(i);
                        let mut fill = || -> rusqlite::Result<()> {
                            line.name = p.get(0)?;
                            line.gender = p.get(1)?;
                            line.id_kind = p.get(2)?;
                            line.id_number = p.get(3)?;
                            line.phone = get(4)?.or_else(|| hh_phone.clone());
                            line.relation = p.get(5)?;
                            line.residency = p.get(6)?;
                            line.tags = split(&p.get::<_, String>(7)?);
                            line.vulnerable = split(&p.get::<_, String>(8)?);
                            line.works_away = p.get(9)?;
                            line.address = get(10)?
                                .filter(|a| !a.trim().is_empty())
                                .unwrap_or_else(|| address.clone());
                            line.doses = p.get(11)?;
                            let test = get(12)?;
                            let mut parts = test.as_deref().unwrap_or_default().splitn(2, ' ');
                            line.last_test_date = parts.next().and_then(|d| d.parse().ok());
                            line.last_test_result =
                                parts.next().filter(|r| !r.is_empty()).map(str::to_owned);
                            Ok(())
                        };
                        fill().map_err(StoreError::from)?;
                        rows += 1;
                        f(&line)?;
                    }
                }
            }
        }
        Ok(rows)
    }
}

/// One isolation case, as exported.
#[derive(Debug, Clone, Default)]
pub struct CaseLine {
    /// Case id.
    pub id: String,
    /// Village name.
    pub village: String,
    /// Group name.
    pub group: Option<String>,
    /// Person's name.
    pub name: String,
    /// ID number (full; the exporter masks it).
    pub id_number: String,
    /// The person's mobile phone, if known.
    pub phone: Option<String>,
    /// Household address.
    pub address: Option<String>,
    /// Policy name.
    pub policy: String,
    /// Reason (a risk tag code, usually).
    pub reason: Option<String>,
    /// Day 1.
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// home or centralized.
    pub place: String,
    /// The centralized site.
    pub site: Option<String>,
    /// Status as shown on the case screen.
    pub status: String,
    /// Release date.
    pub released_on: Option<NaiveDate>,
    /// Checks recorded.
    pub visits: i64,
    /// Tests recorded.
    pub tests: i64,
    /// The 包保 team as stored (`{"role": {"name", "phone"}}`).
    pub team: serde_json::Value,
    /// Why it was transferred or cancelled.
    pub close_note: Option<String>,
}

impl Store {
    /// Streams the cases (not deleted) whose period meets the date range, by village, start
    /// and name, with the status the case screen shows.
    pub fn case_lines<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        mut f: impl FnMut(&CaseLine) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let village = village_filter(filter.village.as_deref())?;
        let g = self.lock();
        let conn = &g.conn;
        let mut st = conn
            .prepare(
                "SELECT c.id, COALESCE(v.name, ''), gr.name, COALESCE(p.name, ''),
               COALESCE(p.id_number, ''), p.phone, h.address, c.policy, c.reason, c.start,
               c.end_date, c.place, c.site, c.status, c.released_on, c.team, c.close_note,
               (SELECT count(*) FROM visits WHERE case_id = c.id),
               (SELECT count(*) FROM tests WHERE case_id = c.id)
             FROM cases c
             LEFT JOIN persons p ON p.id = c.person_id
             LEFT JOIN households h ON h.id = c.household_id
             LEFT JOIN groups gr ON gr.id = h.group_id
             LEFT JOIN villages v ON v.id = c.village_id
             WHERE c.deleted = 0 AND (?1 IS NULL OR c.village_id = ?1)
               AND (?2 IS NULL OR c.end_date >= ?2) AND (?3 IS NULL OR c.start <= ?3)
             ORDER BY v.name, c.start, p.name, c.id",
            )
            .map_err(StoreError::from)?;
        let from = filter.from.map(|d| d.to_string());
        let to = filter.to.map(|d| d.to_string());
        let mut rows = st
            .query(params![village, from, to])
            .map_err(StoreError::from)?;
        let mut names: std::collections::HashMap<String, String> = Default::default();
        let mut n = 0;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let line = (|| -> Result<CaseLine> {
                let id: String = r.get(0)?;
                let spec: String = r.get(7)?;
                let policy = match names.get(&spec) {
                    Some(n) => n.clone(),
                    None => {
                        let name = parse_spec(&spec)?.name;
                        names.insert(spec, name.clone());
                        name
                    }
                };
                let stored: String = r.get(13)?;
                let facts = case_facts(conn, &id)?;
                let date = |s: Option<String>| s.and_then(|s| s.parse().ok());
                Ok(CaseLine {
                    village: r.get(1)?,
                    group: r.get(2)?,
                    name: r.get(3)?,
                    id_number: r.get(4)?,
                    phone: r.get(5)?,
                    address: r.get(6)?,
                    policy,
                    reason: r.get(8)?,
                    start: date(r.get(9)?),
                    end: date(r.get(10)?),
                    place: r.get(11)?,
                    site: r.get(12)?,
                    status: shown_status(&stored, facts.open_escalation),
                    released_on: date(r.get(14)?),
                    team: serde_json::from_str(&r.get::<_, String>(15)?).unwrap_or_default(),
                    close_note: r.get(16)?,
                    visits: r.get(17)?,
                    tests: r.get(18)?,
                    id,
                })
            })()?;
            n += 1;
            f(&line)?;
        }
        Ok(n)
    }
}
