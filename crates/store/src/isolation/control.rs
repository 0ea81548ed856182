//! Isolation at the checkpoint: the control state (居家隔离第N天 / 集中隔离 / 居家健康监测 /
//! 待转诊) of ledger persons, derived from their open cases in one query, for the match card,
//! the entry's suggestion and the pass check.
//!
//! Nothing is stored: the state follows from the case rows (policy snapshot, start, status)
//! and whether an escalation is open (the same rule as the case detail: an escalating visit
//! or positive test later than the last `cleared` referral).

use std::collections::HashMap;

use chrono::NaiveDate;
use gridbook_domain::checkpoint::Decision;
use gridbook_domain::isolation::{control_state, CaseStatus, ControlState};
use rusqlite::params;
use serde::Serialize;

use crate::error::Result;
use crate::isolation::cases::parse_spec;
use crate::isolation::detail::CaseEntry;
use crate::ledger::search::id_term;
use crate::Inner;

/// A person's control state as the checkpoint shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "IsolationState"))]
pub struct IsolationRow {
    /// The open case.
    pub case_id: String,
    /// `home-isolation`, `centralized`, `home-monitoring` or `referral`.
    pub kind: String,
    /// `居家隔离`, `集中隔离`, `居家健康监测` or `待转诊`.
    pub kind_zh: String,
    /// Kind of the case's phase on that day.
    pub phase: String,
    /// 1-based day of the case.
    pub day: u32,
    /// Last day of the current phase, `YYYY-MM-DD`.
    pub until: String,
    /// The period is over, the case not released yet.
    pub awaiting_release: bool,
    /// `居家隔离第3天，至12月18日`.
    pub label: String,
    /// The same in English.
    pub label_en: String,
    /// The village that keeps the case, when it is not the checkpoint's own: the state
    /// comes from the township control list (管控名单), which says no more than this.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub village: Option<String>,
}

impl IsolationRow {
    /// The row of the control state `s` of the case `case_id`.
    pub fn new(case_id: String, s: &ControlState) -> Self {
        Self {
            case_id,
            kind: s.kind.code().to_owned(),
            kind_zh: s.kind.zh().to_owned(),
            phase: s.phase.code().to_owned(),
            day: s.day,
            until: s.until.to_string(),
            awaiting_release: s.awaiting_release,
            label: s.zh(),
            label_en: s.en(),
            village: None,
        }
    }

    /// The row of a person another village lists under control: its labels name the village
    /// (`乙村管控：居家隔离第3天，至12月18日`).
    pub(crate) fn listed(l: &crate::isolation::control_list::Listed) -> Self {
        let mut row = Self::new(l.case_id.clone(), &l.state);
        let name = if l.village_name.is_empty() {
            l.village_id.as_str()
        } else {
            l.village_name.as_str()
        };
        row.label = format!("{name}管控：{}", row.label);
        row.label_en = format!("listed by {name}: {}", row.label_en);
        row.village = Some(name.to_owned());
        row
    }
}

/// A person's control state as a checkpoint finds it from an ID number: from an open case
/// this device holds, from its own village's control list, or from another village's.
#[derive(Debug, Clone)]
pub(crate) struct Controlled {
    /// The case.
    pub case_id: String,
    /// The state on the day asked.
    pub state: ControlState,
    /// The other village's list entry it came from, if any.
    pub listed: Option<crate::isolation::control_list::Listed>,
}

impl Controlled {
    /// The row the match card and the entry show.
    pub(crate) fn row(&self) -> IsolationRow {
        match &self.listed {
            Some(l) => IsolationRow::listed(l),
            None => IsolationRow::new(self.case_id.clone(), &self.state),
        }
    }
}

/// The open cases of a set of persons with what their state needs, in one statement: the
/// persons come as a JSON array, so the statement is prepared once whatever their number.
const OPEN_CASES: &str = "
    SELECT c.id, c.person_id, c.policy, c.start, c.status,
      (SELECT max(a) FROM (
         SELECT v.at AS a FROM visits v WHERE v.case_id = c.id AND v.escalated = 1
         UNION ALL
         SELECT t.date || 'T00:00' FROM tests t WHERE t.case_id = c.id AND t.result = 'positive')),
      (SELECT max(r.at) FROM referrals r WHERE r.case_id = c.id AND r.outcome = 'cleared')
    FROM cases c
    WHERE c.person_id IN (SELECT value FROM json_each(?1)) AND c.deleted = 0
      AND c.status IN ('active', 'escalated', 'referred')
    ORDER BY c.start DESC, c.id";

/// A member of a household that a pass does not cover, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExcludedMember {
    /// The person.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// Their control state.
    pub isolation: IsolationRow,
}

impl Inner {
    /// The members of `household` under control on `on`, in ledger order.
    pub(crate) fn excluded_members(
        &self,
        household: &str,
        on: NaiveDate,
    ) -> Result<Vec<ExcludedMember>> {
        let members: Vec<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT id, name FROM persons WHERE household_id = ?1 AND deleted = 0
                 ORDER BY id",
            )?
            .query_map([household], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let ids: Vec<&str> = members.iter().map(|m| m.0.as_str()).collect();
        let mut states = self.isolation_rows(&ids, on)?;
        Ok(members
            .into_iter()
            .filter_map(|(person_id, name)| {
                let isolation = states.remove(&person_id)?;
                Some(ExcludedMember {
                    person_id,
                    name,
                    isolation,
                })
            })
            .collect())
    }

    /// The control state on `on` of each of `persons` that has an open case running that
    /// day, by person id. A person with two open cases (opened offline on two devices) gets
    /// the later one's state. A device that does not hold the cases (a volunteer's) finds
    /// them in the control list of the persons' village.
    pub(crate) fn control_states(
        &self,
        persons: &[&str],
        on: NaiveDate,
    ) -> Result<HashMap<String, (String, ControlState)>> {
        let mut out: HashMap<String, (String, ControlState)> = HashMap::new();
        if persons.is_empty() {
            return Ok(out);
        }
        let ids = serde_json::to_string(persons)
            .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
        let mut st = self.conn.prepare_cached(OPEN_CASES)?;
        let mut rows = st.query(params![ids])?;
        while let Some(r) = rows.next()? {
            let (case_id, person, spec, start, status): (String, String, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            if out.contains_key(&person) {
                continue;
            }
            let (alarm, clear): (Option<String>, Option<String>) = (r.get(5)?, r.get(6)?);
            let open_alarm = match (alarm, clear) {
                (Some(a), Some(c)) => a > c,
                (Some(_), None) => true,
                _ => false,
            };
            let stored_referral = matches!(
                CaseStatus::parse(&status),
                Ok(CaseStatus::Escalated | CaseStatus::Referred)
            );
            let Ok(start) = start.parse::<NaiveDate>() else {
                continue;
            };
            let policy = parse_spec(&spec)?;
            if let Some(state) = control_state(&policy, start, on, open_alarm || stored_referral) {
                out.insert(person, (case_id, state));
            }
        }
        drop(rows);
        let rest: Vec<&str> = persons
            .iter()
            .copied()
            .filter(|p| !out.contains_key(*p))
            .collect();
        out.extend(self.listed_by_person(&rest, on)?);
        Ok(out)
    }

    /// The control state on `on` of whoever holds this ID document in the ledger this device
    /// has (any village it reads), with their case id; else of whoever the township control
    /// list holds under it (a person isolated in another village).
    pub(crate) fn control_of_id_number(
        &self,
        id_number: &str,
        on: NaiveDate,
    ) -> Result<Option<Controlled>> {
        let persons: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT p.id FROM search_terms t CROSS JOIN persons p ON p.rowid = t.person
                 WHERE t.term = ?1 AND p.deleted = 0 ORDER BY p.id LIMIT 8",
            )?
            .query_map([id_term(id_number)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let refs: Vec<&str> = persons.iter().map(String::as_str).collect();
        let states = self.control_states(&refs, on)?;
        if let Some((case_id, state)) = refs.iter().find_map(|p| states.get(*p).cloned()) {
            return Ok(Some(Controlled {
                case_id,
                state,
                listed: None,
            }));
        }
        Ok(self
            .listed_by_id_number(id_number, on)?
            .map(|l| Controlled {
                case_id: l.case_id.clone(),
                state: l.state.clone(),
                listed: Some(l),
            }))
    }

    /// The control state rows of `persons` on `on`, by person id.
    pub(crate) fn isolation_rows(
        &self,
        persons: &[&str],
        on: NaiveDate,
    ) -> Result<HashMap<String, IsolationRow>> {
        Ok(self
            .control_states(persons, on)?
            .into_iter()
            .map(|(p, (case, s))| (p, IsolationRow::new(case, &s)))
            .collect())
    }
}

/// The checkpoint entries of a case's person from the case's first day, in the order every
/// device agrees on, each with the line the case's day-by-day timeline shows
/// (`14:05 村口卡点登记外出，覆盖：就医`).
///
/// An entry names a ledger person only at a checkpoint of the person's village, so the scan
/// walks those checkpoints' days from the case's start (the entries' day index), not every
/// entry of the township.
pub(crate) fn case_entries(
    conn: &rusqlite::Connection,
    person_id: &str,
    village: &str,
    start: NaiveDate,
) -> Result<Vec<CaseEntry>> {
    let mut st = conn.prepare_cached(
        "SELECT e.id, e.at, e.checkpoint_id, k.name, e.direction, e.suggested,
           e.decision, e.overridden, e.note, e.purpose
         FROM checkpoints k JOIN entries e ON e.checkpoint_id = k.id AND e.day >= ?2
         WHERE k.village_id = ?3 AND (e.person_id = ?1
           OR e.person_id IN (SELECT id FROM persons WHERE survivor = ?1))
         ORDER BY e.at, e.device, e.id",
    )?;
    let rows = st.query_map(params![person_id, start.to_string(), village], |r| {
        let at: String = r.get(1)?;
        let checkpoint: String = r.get(3)?;
        let direction: String = r.get(4)?;
        let (suggested, decision): (String, String) = (r.get(5)?, r.get(6)?);
        let overridden: bool = r.get(7)?;
        let note: Option<String> = r.get(8)?;
        let day = at
            .get(..10)
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .map(|d| d.signed_duration_since(start).num_days() + 1);
        let hm = at.get(11..16).unwrap_or_default();
        let went = if direction == "in" {
            "进入"
        } else {
            "外出"
        };
        let decision_zh = Decision::parse(&decision).map_or(decision.clone(), |d| d.zh().into());
        let line = match (&note, overridden) {
            (Some(n), true) => format!("{hm} {checkpoint}登记{went}，覆盖：{n}"),
            _ => format!("{hm} {checkpoint}登记{went}，{decision_zh}"),
        };
        Ok(CaseEntry {
            id: r.get(0)?,
            at,
            day,
            checkpoint_id: r.get(2)?,
            checkpoint,
            direction,
            suggested,
            decision,
            overridden,
            note,
            purpose: r.get(9)?,
            line,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
