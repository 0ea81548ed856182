//! Isolation follow-ups, the reads: policies, cases and a case's detail (the due list is in
//! `due.rs`).
//!
//! Status that depends on several records is derived here from the projection rows, never
//! stored: an escalating visit or positive test opens an escalation until a later `cleared`
//! referral; a release that saw fewer visits and tests than now exist needs review.

use std::collections::HashMap;

use chrono::NaiveDate;
use gridbook_domain::isolation::{
    builtin_policies, date_of_day, end_date, CaseStatus, Certificate, CheckFact, Policy,
};
use gridbook_domain::TestResult;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::grid::in_group::{household_join, GROUP};
use crate::isolation::cases::{builtin_policy_id, existing_id, parse_spec};
use crate::isolation::detail::{CaseDetail, CasePhase, CaseReferral, CaseRow, CaseTest, CaseVisit};
use crate::{Store, StoreError};

/// A policy as listed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyRow {
    /// Record id (UUID; built-ins have the same id on every device).
    pub id: String,
    /// Code of the built-in policy it is or replaces.
    pub code: Option<String>,
    /// The policy's name, e.g. 密切接触者.
    pub name: String,
    /// Whether it is a built-in policy as shipped (not edited by the township).
    pub builtin: bool,
    /// `集中隔离14天+居家隔离7天`.
    pub summary: String,
    /// The whole policy.
    pub spec: Policy,
}

/// What a case's visits and tests say, as the release needs it.
pub(crate) struct Facts {
    pub(crate) visits: i64,
    pub(crate) tests: Vec<(NaiveDate, TestResult)>,
    pub(crate) open_escalation: bool,
}

/// The escalation rule, as SQL on the case whose id is the SQL expression `case`: the last
/// alarm (an escalating visit, or a positive test from the start of its day) and the last
/// `cleared` referral. Both the case screen (one case, `?1`) and the overview (every open
/// case, `c.id`, in one query) read it from here; [`escalation_open`] decides.
fn escalation_columns(case: &str) -> String {
    format!(
        "(SELECT max(a) FROM (
            SELECT at AS a FROM visits WHERE case_id = {case} AND escalated = 1
            UNION ALL
            SELECT date || 'T00:00' FROM tests WHERE case_id = {case} AND result = 'positive')),
         (SELECT max(at) FROM referrals WHERE case_id = {case} AND outcome = 'cleared')"
    )
}

/// An escalation is open when an alarm came after the last clearing (or none cleared it).
fn escalation_open(last_alarm: Option<String>, last_clear: Option<String>) -> bool {
    match (last_alarm, last_clear) {
        (Some(a), Some(c)) => a > c,
        (Some(_), None) => true,
        _ => false,
    }
}

pub(crate) fn case_facts(conn: &Connection, case_id: &str) -> Result<Facts> {
    let visits: i64 = conn
        .prepare_cached("SELECT count(*) FROM visits WHERE case_id = ?1")?
        .query_row([case_id], |r| r.get(0))?;
    let mut tests = Vec::new();
    let mut st = conn.prepare_cached("SELECT date, result FROM tests WHERE case_id = ?1")?;
    let mut rows = st.query([case_id])?;
    while let Some(r) = rows.next()? {
        let (d, res): (String, String) = (r.get(0)?, r.get(1)?);
        if let (Ok(d), Ok(res)) = (d.parse(), TestResult::parse(&res)) {
            tests.push((d, res));
        }
    }
    let (last_alarm, last_clear) = conn
        .prepare_cached(&format!("SELECT {}", escalation_columns("?1")))?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(Facts {
        visits,
        tests,
        open_escalation: escalation_open(last_alarm, last_clear),
    })
}

/// Open cases (active, escalated or referred, not deleted) of the cases `c`: the overview's
/// count and the lists its figures open select them by this one condition.
pub(crate) const OPEN_CASE: &str =
    "c.deleted = 0 AND c.status IN ('active', 'escalated', 'referred')";

/// Whether a case whose shown status is `shown` counts under 升级: the rule of
/// [`CaseStatus::in_escalation`], for the cases screen's tab (through
/// [`CaseRow::in_escalation`]) and the overview's figure alike.
pub(crate) fn in_escalation(shown: &str) -> bool {
    CaseStatus::parse(shown).is_ok_and(CaseStatus::in_escalation)
}

/// One open case (active, escalated or referred) as the overview counts it.
pub(crate) struct OpenCase {
    pub(crate) village_id: String,
    /// The group of the case's household, if it has one.
    pub(crate) group_id: Option<String>,
    /// Counted under 升级 ([`in_escalation`] of [`shown_status`]).
    pub(crate) escalated: bool,
    /// Its kind of isolation on the overview's day ([`crate::township::unit_lists::CaseKinds`]).
    pub(crate) kind: &'static str,
}

/// Every open case with whether it counts under 升级 and its kind of isolation on `date`: the
/// case screen's rules for all of them in one query.
pub(crate) fn open_cases(conn: &Connection, date: NaiveDate) -> Result<Vec<OpenCase>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT c.village_id, c.status, {}, {GROUP}, c.id, c.policy, c.start
         FROM cases c {}
         WHERE {OPEN_CASE}",
        escalation_columns("c.id"),
        household_join("c.household_id"),
    ))?;
    let mut kinds = crate::township::unit_lists::CaseKinds::default();
    let mut out = Vec::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let stored: String = r.get(1)?;
        let open = escalation_open(r.get(2)?, r.get(3)?);
        let (id, spec, start): (String, String, String) = (r.get(5)?, r.get(6)?, r.get(7)?);
        out.push(OpenCase {
            village_id: r.get(0)?,
            group_id: r.get(4)?,
            escalated: in_escalation(&shown_status(&stored, open)),
            kind: kinds.of(&id, &spec, &start, date)?,
        });
    }
    Ok(out)
}

/// The checks of a case as release reads them: the local date of each, and whether it was
/// normal (temperature taken, below the policy's fever threshold, no symptom).
pub(crate) fn check_facts(
    conn: &Connection,
    case_id: &str,
    policy: &Policy,
) -> Result<Vec<CheckFact>> {
    let mut out = Vec::new();
    let mut st = conn.prepare_cached(
        "SELECT substr(at, 1, 10), temp_tenths, symptoms FROM visits WHERE case_id = ?1",
    )?;
    let mut rows = st.query([case_id])?;
    while let Some(r) = rows.next()? {
        let (date, temp, symptoms): (String, Option<i64>, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?);
        let Ok(date) = date.parse::<NaiveDate>() else {
            continue;
        };
        let any_symptom = symptoms.split(',').any(|s| !s.trim().is_empty());
        out.push(CheckFact::of(policy, date, temp, any_symptom));
    }
    Ok(out)
}

/// The status shown for a case: a final stored status, else escalated while an escalation
/// is open, else the stored one.
pub(crate) fn shown_status(stored: &str, open_escalation: bool) -> String {
    match CaseStatus::parse(stored) {
        Ok(s) if !s.is_open() => stored.to_owned(),
        _ if open_escalation => CaseStatus::Escalated.code().to_owned(),
        _ => stored.to_owned(),
    }
}

impl Store {
    /// Every policy: built-ins (as edited by the township, if they were) and added ones.
    pub fn policies(&self) -> Result<Vec<PolicyRow>> {
        let g = self.lock();
        let mut stored: HashMap<String, (String, String)> = HashMap::new();
        let mut st = g
            .conn
            .prepare("SELECT id, name, spec FROM policies WHERE deleted = 0 ORDER BY name, id")?;
        let mut order = Vec::new();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            order.push(id.clone());
            stored.insert(id, (r.get(1)?, r.get(2)?));
        }
        let mut out = Vec::new();
        for shipped in builtin_policy_rows() {
            out.push(match stored.remove(&shipped.id) {
                Some((_, spec)) => row(shipped.id, shipped.code, false, parse_spec(&spec)?),
                None => shipped,
            });
        }
        for id in order {
            if let Some((_, spec)) = stored.remove(&id) {
                out.push(row(id, None, false, parse_spec(&spec)?));
            }
        }
        Ok(out)
    }

    /// Cases, newest start first, optionally only those whose shown status is `status`.
    pub fn cases(&self, status: Option<&str>) -> Result<Vec<CaseRow>> {
        self.cases_in(status, None)
    }

    /// Cases as [`Store::cases`] lists them, of one group (组) if `group` is given: those whose
    /// household is in the group.
    pub fn cases_in(&self, status: Option<&str>, group: Option<&str>) -> Result<Vec<CaseRow>> {
        self.cases_listed(&crate::township::unit_lists::CaseQuery {
            status,
            group,
            ..Default::default()
        })
    }

    /// One case with its phases, visits, tests and referrals, and its 旅居地 (`origin`).
    pub fn case_detail(&self, id: &str) -> Result<CaseDetail> {
        let id = existing_id("case", id)?;
        let g = self.lock();
        let conn = &g.conn;
        let mut st = conn.prepare_cached(
            "SELECT c.person_id, COALESCE(p.name, ''), c.village_id, c.household_id,
               c.policy_id, c.policy, c.reason, c.start, c.end_date, c.place, c.site, c.status,
               c.released_on, c.visits_seen, c.team, c.certificate, c.created_at, c.close_note
             FROM cases c LEFT JOIN persons p ON p.id = c.person_id
             WHERE c.id = ?1 AND c.deleted = 0",
        )?;
        let mut rows = st.query([&id])?;
        let r = rows
            .next()?
            .ok_or_else(|| StoreError::not_found("case", &id))?;
        let policy = parse_spec(&r.get::<_, String>(5)?)?;
        let start: NaiveDate = r
            .get::<_, String>(7)?
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("case {id}: start")))?;
        let stored: String = r.get(11)?;
        let seen: Option<i64> = r.get(13)?;
        let facts = case_facts(conn, &id)?;
        let total = facts.visits + facts.tests.len() as i64;
        let needs_review = stored == CaseStatus::Released.code() && seen.is_some_and(|s| total > s);
        let phases = case_phases(&policy, start);
        let team = serde_json::from_str(&r.get::<_, String>(14)?).unwrap_or_default();
        let certificate: Option<Certificate> = r
            .get::<_, Option<String>>(15)?
            .and_then(|c| serde_json::from_str(&c).ok());
        let case = CaseRow {
            id: id.clone(),
            status: shown_status(&stored, facts.open_escalation),
            in_escalation: in_escalation(&shown_status(&stored, facts.open_escalation)),
            escalated: facts.open_escalation,
            needs_review,
            person_id: r.get(0)?,
            name: r.get(1)?,
            village_id: r.get(2)?,
            household_id: r.get(3)?,
            policy_id: r.get(4)?,
            policy_name: policy.name.clone(),
            fever_threshold: f64::from(policy.fever_tenths) / 10.0,
            reason: r.get(6)?,
            start,
            end: end_date(&policy, start),
            place: r.get(9)?,
            site: r.get(10)?,
            released_on: r.get(12)?,
            visits_seen: seen,
            team,
            created_at: r.get(16)?,
            close_note: r.get(17)?,
            release_reason: certificate.as_ref().and_then(|c| c.reason.clone()),
            origin: None,
        };
        drop(rows);
        let visits = query_rows(
            conn,
            "SELECT id, at, temp_tenths, symptoms, method, by_name, device, escalated
             FROM visits WHERE case_id = ?1 ORDER BY at, id",
            &id,
            |r| {
                let t: Option<i64> = r.get(2)?;
                let symptoms: String = r.get(3)?;
                Ok(CaseVisit {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    temperature: t.map(|t| t as f64 / 10.0),
                    symptoms: symptoms
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    method: r.get(4)?,
                    by: r.get(5)?,
                    device: r.get(6)?,
                    escalated: r.get(7)?,
                })
            },
        )?;
        let tests = query_rows(
            conn,
            "SELECT id, date, result, device FROM tests WHERE case_id = ?1 ORDER BY date, id",
            &id,
            |r| {
                Ok(CaseTest {
                    id: r.get(0)?,
                    date: r.get(1)?,
                    result: r.get(2)?,
                    device: r.get(3)?,
                })
            },
        )?;
        let checkpoint_entries = crate::isolation::control::case_entries(
            conn,
            &case.person_id,
            &case.village_id,
            start,
        )?;
        let referrals = query_rows(
            conn,
            "SELECT id, at, reason, outcome FROM referrals WHERE case_id = ?1 ORDER BY at, id",
            &id,
            |r| {
                Ok(CaseReferral {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    reason: r.get(2)?,
                    outcome: r.get(3)?,
                })
            },
        )?;
        drop(st);
        drop(g);
        // 旅居地: on the case's record only (the 公示单 prints it too).
        let origin = self.case_origin(&id)?;
        Ok(CaseDetail {
            case: CaseRow { origin, ..case },
            phases,
            visits,
            tests,
            referrals,
            certificate,
            checkpoint_entries,
        })
    }
}

/// A listed policy carries its release's final check as it applies (a policy stored before the
/// field existed gets the default of [`Policy::requires_final_check`]), so an editor shows it.
/// The built-in policies as shipped, as [`Store::policies`] lists them while the township has
/// not edited them.
pub fn builtin_policy_rows() -> Vec<PolicyRow> {
    builtin_policies()
        .into_iter()
        .map(|p| row(builtin_policy_id(&p.id), Some(p.id.clone()), true, p))
        .collect()
}

/// The phases of a case that follows `policy` from `start`, each with its first and last day,
/// as the case's detail shows them.
pub fn case_phases(policy: &Policy, start: NaiveDate) -> Vec<CasePhase> {
    let mut phases = Vec::new();
    let mut first = 1u32;
    for p in &policy.phases {
        phases.push(CasePhase {
            kind: p.kind.code(),
            kind_zh: p.kind.zh(),
            days: p.days,
            start: date_of_day(start, first),
            end: date_of_day(start, first.saturating_add(p.days.saturating_sub(1))),
            checks: p.checks,
        });
        first = first.saturating_add(p.days);
    }
    phases
}

fn row(id: String, code: Option<String>, builtin: bool, mut spec: Policy) -> PolicyRow {
    spec.release.final_check = Some(spec.requires_final_check());
    PolicyRow {
        id,
        code,
        name: spec.name.clone(),
        builtin,
        summary: spec.summary_zh(),
        spec,
    }
}

fn query_rows<T>(
    conn: &Connection,
    sql: &str,
    id: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut st = conn.prepare_cached(sql)?;
    let v = st
        .query_map([id], f)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}
