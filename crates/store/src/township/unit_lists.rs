//! The lists the overview's figures open, narrowed to a village and within it to a group (组,
//! by the rule of [`crate::grid::in_group`]): persons by risk tag or 七类人, open cases by kind
//! of isolation, and the day's follow-ups in one state. Each selects its records by the same
//! rule the overview counts them with, so a figure is the length of the list behind it.

use std::collections::HashMap;

use chrono::NaiveDate;
use gridbook_domain::isolation::{phase_on, Policy, SlotStatus};
use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_domain::{RiskTag, Vulnerable};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::engine::text::parse_uuid;
use crate::error::Result;
use crate::grid::in_group::{group_param, household_join, in_group, GROUP};
use crate::isolation::cases::parse_spec;
use crate::isolation::read::OPEN_CASE;
use crate::{CaseRow, DueRow, Masked, Store, StoreError};

/// The kind of an open case whose day falls outside its policy's phases (not started yet, or
/// past its last phase and not released).
pub const NO_KIND: &str = "none";

/// The kind of isolation of cases on a day: the phase their policy puts that day in
/// (`centralized`, `home-isolation`, `home-monitoring`, `daily-monitoring`), else [`NO_KIND`].
/// The overview counts and the cases list filters by this one reading, each policy parsed once.
#[derive(Default)]
pub(crate) struct CaseKinds {
    specs: HashMap<String, Policy>,
}

impl CaseKinds {
    /// The kind on `date` of case `id`, whose stored policy is `spec` and day 1 `start`.
    pub(crate) fn of(
        &mut self,
        id: &str,
        spec: &str,
        start: &str,
        date: NaiveDate,
    ) -> Result<&'static str> {
        if !self.specs.contains_key(spec) {
            self.specs.insert(spec.to_owned(), parse_spec(spec)?);
        }
        let start: NaiveDate = start
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("case {id}: start")))?;
        Ok(phase_on(&self.specs[spec], start, date).map_or(NO_KIND, |k| k.code()))
    }
}

/// Every kind an open case can have on a day, in display order.
pub fn case_kind_codes() -> Vec<&'static str> {
    gridbook_domain::isolation::PhaseKind::ALL
        .iter()
        .map(|k| k.code())
        .chain(std::iter::once(NO_KIND))
        .collect()
}

/// What the persons list is narrowed to. With neither `tag` nor `vulnerable`, the persons
/// carrying any risk tag.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonQuery {
    /// Village id.
    #[serde(default)]
    pub village: Option<String>,
    /// Group id (a group of the village).
    #[serde(default)]
    pub group: Option<String>,
    /// A risk tag (code or label).
    #[serde(default)]
    pub tag: Option<String>,
    /// A 七类人 category (code or label).
    #[serde(default)]
    pub vulnerable: Option<String>,
}

/// A person on the persons-at-risk list: ID number and phone always masked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RiskPersonRow {
    /// The person.
    pub person_id: String,
    /// Their household.
    pub household_id: String,
    /// Their village.
    pub village_id: String,
    /// The group of their household.
    pub group_id: Option<String>,
    /// Full name.
    pub name: String,
    /// ID number, masked.
    pub id_number: String,
    /// Phone, masked.
    pub phone: Option<String>,
    /// The household's address.
    pub address: String,
    /// Risk tag codes.
    pub tags: Vec<String>,
    /// 七类人 codes.
    pub vulnerable: Vec<String>,
}

impl Masked for RiskPersonRow {
    fn mask(&mut self) {
        self.id_number = mask_id_number(&self.id_number);
        if let Some(p) = self.phone.as_mut() {
            *p = mask_phone(p);
        }
    }
}

/// Whether the comma list `list` holds `code` as one of its items: the overview's count and
/// the list's SQL (`instr` over the list framed in commas) read a list the same way.
pub(crate) fn holds(list: &str, code: &str) -> bool {
    list.split(',').any(|x| x == code)
}

/// What the cases list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery<'a> {
    /// Only cases whose shown status is this.
    pub status: Option<&'a str>,
    /// Only cases counted under 升级 (escalated or referred).
    pub in_escalation: bool,
    /// Village id.
    pub village: Option<&'a str>,
    /// Group id.
    pub group: Option<&'a str>,
    /// Only open cases of this kind of isolation on the given day.
    pub kind: Option<(&'a str, NaiveDate)>,
}

fn split(s: String) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Store {
    /// Persons (not deleted) of a village or group carrying a risk tag or a 七类人 category, by
    /// name; the overview's `persons_at_risk`, `by_tag` and `by_vulnerable` count these.
    pub fn persons_listed(&self, q: &PersonQuery) -> Result<Vec<RiskPersonRow>> {
        let village = q
            .village
            .as_deref()
            .map(|v| parse_uuid("village", v))
            .transpose()?;
        let group = group_param(q.group.as_deref())?;
        let tag = q.tag.as_deref().map(RiskTag::parse).transpose()?;
        let vulnerable = q.vulnerable.as_deref().map(Vulnerable::parse).transpose()?;
        let any = tag.is_none() && vulnerable.is_none();
        let g = self.lock();
        let mut st = g.conn.prepare_cached(&format!(
            "SELECT p.id, p.household_id, p.village_id, {GROUP}, p.name, p.id_number, p.phone,
               COALESCE(h.address, ''), p.tags, p.vulnerable
             FROM persons p {}
             WHERE p.deleted = 0 AND (?1 IS NULL OR p.village_id = ?1) AND {}
               AND (?3 IS NULL OR instr(',' || p.tags || ',', ',' || ?3 || ',') > 0)
               AND (?4 IS NULL OR instr(',' || p.vulnerable || ',', ',' || ?4 || ',') > 0)
               AND (?5 = 0 OR p.tags != '')
             ORDER BY p.village_id, {GROUP}, p.name, p.id",
            household_join("p.household_id"),
            in_group("?2"),
        ))?;
        let rows = st.query_map(
            params![
                village,
                group,
                tag.map(RiskTag::code),
                vulnerable.map(Vulnerable::code),
                any
            ],
            |r| {
                Ok(RiskPersonRow {
                    person_id: r.get(0)?,
                    household_id: r.get(1)?,
                    village_id: r.get(2)?,
                    group_id: r.get(3)?,
                    name: r.get(4)?,
                    id_number: r.get(5)?,
                    phone: r.get(6)?,
                    address: r.get(7)?,
                    tags: split(r.get(8)?),
                    vulnerable: split(r.get(9)?),
                })
            },
        )?;
        let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        out.mask();
        Ok(out)
    }

    /// Cases as [`Store::cases`] lists them (newest start first), narrowed as `q` says.
    pub fn cases_listed(&self, q: &CaseQuery<'_>) -> Result<Vec<CaseRow>> {
        let village = q.village.map(|v| parse_uuid("village", v)).transpose()?;
        let group = group_param(q.group)?;
        let kind = match q.kind {
            Some((k, date)) => Some((parse_kind(k)?, date)),
            None => None,
        };
        let ids: Vec<String> = {
            let g = self.lock();
            let open = if kind.is_some() {
                OPEN_CASE
            } else {
                "c.deleted = 0"
            };
            let mut st = g.conn.prepare(&format!(
                "SELECT c.id, c.policy, c.start FROM cases c {} WHERE {open}
                   AND (?1 IS NULL OR c.village_id = ?1) AND {}
                 ORDER BY c.start DESC, c.id",
                household_join("c.household_id"),
                in_group("?2")
            ))?;
            let mut kinds = CaseKinds::default();
            let mut ids = Vec::new();
            let mut rows = st.query(params![village, group])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                if let Some((want, date)) = kind {
                    let (spec, start): (String, String) = (r.get(1)?, r.get(2)?);
                    if kinds.of(&id, &spec, &start, date)? != want {
                        continue;
                    }
                }
                ids.push(id);
            }
            ids
        };
        let mut out = Vec::new();
        for id in ids {
            let c = self.case_detail(&id)?.case;
            if q.status.is_some_and(|s| c.status != s) || (q.in_escalation && !c.in_escalation) {
                continue;
            }
            out.push(c);
        }
        Ok(out)
    }

    /// The follow-ups of `date` as [`Store::due`] lists them, of a village and within it of a
    /// group, in one state (`due`, `done`, `overdue`, `missed`) if asked.
    pub fn follow_ups(
        &self,
        date: NaiveDate,
        village: Option<&str>,
        group: Option<&str>,
        state: Option<&str>,
    ) -> Result<Vec<DueRow>> {
        let village = village.map(|v| parse_uuid("village", v)).transpose()?;
        let state = state.map(SlotStatus::parse).transpose()?;
        let mut rows = self.due_in(date, group)?;
        rows.retain(|d| {
            village.as_ref().is_none_or(|v| d.village_id == *v)
                && state.is_none_or(|s| d.status == s.code())
        });
        Ok(rows)
    }
}

/// A kind of isolation as asked for: a phase kind (code or label) or [`NO_KIND`].
fn parse_kind(kind: &str) -> Result<&'static str> {
    if kind.trim() == NO_KIND {
        return Ok(NO_KIND);
    }
    Ok(gridbook_domain::isolation::PhaseKind::parse(kind)?.code())
}
