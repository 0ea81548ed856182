//! Isolation follow-ups, the writes: policies (records of the township's grid document) and
//! cases with their visits, tests and referrals (records of the village's isolation document).
//!
//! Every visit, test and referral is its own UUID record, so two workers recording the same
//! slot offline both keep theirs; a case keeps a snapshot of the policy it started with. How a
//! case ends (released or closed) is in `release`.

use chrono::{NaiveDate, NaiveDateTime};
use gridbook_domain::isolation::{
    builtin_policies, needs_escalation, test_escalation, CaseStatus, CheckMethod, EscalationReason,
    Policy, Symptom, TeamRole,
};
use gridbook_domain::{FieldError, TestResult};
use rusqlite::OptionalExtension;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj, set_fields};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// Longest 旅居地 kept.
const MAX_ORIGIN_CHARS: usize = 50;

/// Namespace of the ids of built-in policies: every device derives the same id offline.
const POLICY_NS: Uuid = Uuid::from_u128(0x6a1d_3c55_0e7b_4f0e_9d2c_51c4_0b8e_a001);

/// The record id of a built-in policy (UUID v5 of its code).
pub fn builtin_policy_id(code: &str) -> String {
    Uuid::new_v5(&POLICY_NS, code.as_bytes()).to_string()
}

/// Where a case is isolated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At home (居家).
    Home,
    /// At a centralized site (集中隔离点).
    Centralized,
}

impl Place {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Place::Home => "home",
            Place::Centralized => "centralized",
        }
    }
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The person, from the ledger.
    pub person_id: String,
    /// Policy id (a UUID, or a built-in policy's code).
    pub policy: String,
    /// Day 1.
    pub start: NaiveDate,
    /// Home or centralized.
    pub place: Place,
    /// Name of the centralized site.
    pub site: Option<String>,
    /// Where the person stayed or came from (旅居地), as the 公示单 prints it.
    pub origin: Option<String>,
    /// The reason (a risk tag code); defaults to the person's first risk tag.
    pub reason: Option<String>,
    /// The 包保 team: role, name, phone.
    pub team: Vec<(TeamRole, String, Option<String>)>,
}

/// A check to record.
#[derive(Debug, Clone)]
pub struct NewCheck {
    /// Temperature in tenths of a degree (validated by the caller's parser).
    pub temp_tenths: Option<u16>,
    /// Symptoms reported.
    pub symptoms: Vec<Symptom>,
    /// Phone, video or visit.
    pub method: CheckMethod,
    /// When (local time); now if absent.
    pub at: Option<NaiveDateTime>,
    /// Who made it; this device's name if absent.
    pub by: Option<String>,
}

pub(crate) fn invalid(
    field: &'static str,
    reason: &'static str,
    zh: String,
    en: String,
) -> StoreError {
    StoreError::Invalid(FieldError::new(field, reason, zh, en))
}

pub(super) fn refused(code: &str, zh: String, en: String) -> StoreError {
    StoreError::Refused {
        code: code.to_owned(),
        zh,
        en,
    }
}

/// An id that must name an existing record: a malformed one is reported as not found.
pub(crate) fn existing_id(what: &'static str, s: &str) -> Result<String> {
    Uuid::parse_str(s.trim())
        .map(|u| u.to_string())
        .map_err(|_| StoreError::not_found(what, s))
}

/// A case as the writes need it.
pub(crate) struct CaseRef {
    pub(crate) village: String,
    pub(crate) policy: Policy,
    pub(crate) start: NaiveDate,
    pub(crate) status: String,
    pub(crate) person_id: String,
}

impl Inner {
    /// The policy with this id (UUID or built-in code): the stored one, else the built-in.
    pub(crate) fn find_policy(&self, id: &str) -> Result<(String, Policy)> {
        let id = id.trim();
        let builtin = builtin_policies()
            .into_iter()
            .find(|p| p.id == id || builtin_policy_id(&p.id) == id);
        let uuid = match &builtin {
            Some(p) => builtin_policy_id(&p.id),
            None => existing_id("policy", id)?,
        };
        let stored: Option<String> = self
            .conn
            .prepare_cached("SELECT spec FROM policies WHERE id = ?1 AND deleted = 0")?
            .query_row([&uuid], |r| r.get(0))
            .optional()?;
        match (stored, builtin) {
            (Some(spec), _) => Ok((uuid, parse_spec(&spec)?)),
            (None, Some(p)) => Ok((uuid, p)),
            (None, None) => Err(StoreError::not_found("policy", id)),
        }
    }

    pub(crate) fn case_ref(&self, id: &str) -> Result<(String, CaseRef)> {
        let id = existing_id("case", id)?;
        let row: Option<(String, String, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT village_id, policy, start, status, person_id FROM cases
                 WHERE id = ?1 AND deleted = 0",
            )?
            .query_row([&id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let (village, spec, start, status, person_id) =
            row.ok_or_else(|| StoreError::not_found("case", &id))?;
        let start = start
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("case {id}: start date")))?;
        Ok((
            id,
            CaseRef {
                village,
                policy: parse_spec(&spec)?,
                start,
                status,
                person_id,
            },
        ))
    }

    pub(crate) fn write_isolation<R>(
        &mut self,
        village: &str,
        what: &str,
        f: impl FnOnce(&mut crate::engine::docs::Write<'_, '_>) -> Result<R>,
    ) -> Result<R> {
        let (now_ms, audit) = (self.now_ms(), self.audit(what));
        let Inner { conn, docs, .. } = self;
        docs.write(
            conn,
            &doc_id(DocKind::Isolation, village),
            Some(village),
            audit,
            now_ms,
            f,
        )
    }
}

pub(crate) fn parse_spec(spec: &str) -> Result<Policy> {
    serde_json::from_str(spec).map_err(|e| StoreError::Corrupt(format!("policy: {e}")))
}

pub(super) fn final_status(status: &str) -> bool {
    CaseStatus::parse(status).is_ok_and(|s| !s.is_open())
}

impl Store {
    /// Adds a policy edited by township staff; returns its id.
    pub fn add_policy(&self, policy: &Policy) -> Result<String> {
        policy.validate()?;
        let id = Uuid::new_v4().to_string();
        self.put_policy(&id, policy)?;
        Ok(id)
    }

    /// Replaces a policy (a stored one, or a built-in by id or code). Running cases keep the
    /// snapshot they started with.
    pub fn set_policy(&self, id: &str, policy: &Policy) -> Result<String> {
        policy.validate()?;
        let (uuid, _) = self.lock().find_policy(id)?;
        self.put_policy(&uuid, policy)?;
        Ok(uuid)
    }

    fn put_policy(&self, id: &str, policy: &Policy) -> Result<()> {
        let spec = serde_json::to_string(policy)
            .map_err(|e| StoreError::Corrupt(format!("policy: {e}")))?;
        let mut g = self.lock();
        let township = g.ensure_township(None, "本镇")?;
        let (now_ms, audit) = (g.now_ms(), g.audit("policy"));
        let Inner { conn, docs, .. } = &mut *g;
        let doc = doc_id(DocKind::Grid, &township);
        docs.write(conn, &doc, None, audit, now_ms, |w| {
            let fields = [
                ("name".to_owned(), Val::from(policy.name.as_str())),
                ("spec".to_owned(), Val::from(spec.as_str())),
            ];
            match record_obj(&*w.tx, id)? {
                Some(obj) => {
                    set_fields(w.tx, &obj, &fields)?;
                }
                None => {
                    let pairs: Vec<(&str, Val)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.clone()))
                        .collect();
                    create_record(w.tx, id, "policy", &pairs)?;
                }
            }
            w.touch(id);
            Ok(())
        })
    }

    /// Opens a case for a person of the ledger; returns the case id.
    pub fn start_case(&self, c: &NewCase) -> Result<String> {
        let person = existing_id("person", &c.person_id)?;
        let mut g = self.lock();
        let (policy_id, policy) = g.find_policy(&c.policy)?;
        let found: Option<(String, String, String)> = g
            .conn
            .prepare_cached(
                "SELECT village_id, household_id, tags FROM persons WHERE id = ?1 AND deleted = 0",
            )?
            .query_row([&person], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let (village, household, tags) =
            found.ok_or_else(|| StoreError::not_found("person", &person))?;
        let open: bool = g
            .conn
            .prepare_cached(
                "SELECT 1 FROM cases WHERE (person_id = ?1
                   OR person_id IN (SELECT id FROM persons WHERE survivor = ?1))
                 AND deleted = 0 AND status IN ('active', 'escalated', 'referred')",
            )?
            .exists([&person])?;
        if open {
            return Err(refused(
                "open_case",
                "此人已有进行中的管控".into(),
                "this person already has an open case".into(),
            ));
        }
        let origin = c.origin.as_deref().map(str::trim).filter(|o| !o.is_empty());
        if origin.is_some_and(|o| o.chars().count() > MAX_ORIGIN_CHARS) {
            return Err(invalid(
                "origin",
                "length",
                format!("旅居地最多{MAX_ORIGIN_CHARS}个字"),
                format!("the place stayed must be at most {MAX_ORIGIN_CHARS} characters"),
            ));
        }
        let origin = origin.map(str::to_owned);
        let reason = c
            .reason
            .clone()
            .or_else(|| tags.split(',').find(|t| !t.is_empty()).map(str::to_owned));
        let spec = serde_json::to_string(&policy)
            .map_err(|e| StoreError::Corrupt(format!("policy: {e}")))?;
        let now = g.now_local().format("%Y-%m-%dT%H:%M:%S").to_string();
        let id = Uuid::new_v4().to_string();
        let mut fields: Vec<(String, Val)> = vec![
            ("person_id".into(), person.as_str().into()),
            ("household_id".into(), household.into()),
            ("policy_id".into(), policy_id.into()),
            ("policy".into(), spec.into()),
            ("reason".into(), reason.into()),
            ("start".into(), c.start.to_string().into()),
            ("place".into(), c.place.code().into()),
            ("site".into(), c.site.clone().into()),
            ("origin".into(), origin.into()),
            ("status".into(), CaseStatus::Active.code().into()),
            ("created_at".into(), now.into()),
        ];
        for (role, name, phone) in &c.team {
            let r = role.code();
            fields.push((format!("team.{r}.name"), name.as_str().into()));
            fields.push((format!("team.{r}.phone"), phone.clone().into()));
        }
        g.write_case_event(&village, &id, "create", true, |w| {
            let pairs: Vec<(&str, Val)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            create_record(w.tx, &id, "case", &pairs)?;
            w.touch(&id);
            Ok(())
        })?;
        Ok(id)
    }

    /// Records a check; returns the visit id and the escalation it caused, if any. An
    /// escalation records a referral to the fever clinic in the same change.
    pub fn record_check(
        &self,
        case_id: &str,
        check: &NewCheck,
    ) -> Result<(String, Option<EscalationReason>)> {
        let mut g = self.lock();
        let (case_id, case) = g.case_ref(case_id)?;
        let at = check.at.unwrap_or_else(|| g.now_local());
        if at.date() < case.start {
            return Err(invalid(
                "at",
                "before_start",
                format!("随访时间早于管控开始日期{}", case.start),
                format!("the check is before the case starts on {}", case.start),
            ));
        }
        if final_status(&case.status) {
            return Err(refused(
                "closed",
                "管控已结束，不能再记录随访".into(),
                "the case is closed".into(),
            ));
        }
        let escalation =
            needs_escalation(check.temp_tenths, &check.symptoms, case.policy.fever_tenths);
        let by = check.by.clone().unwrap_or_else(|| g.device.clone());
        let device = g.device.clone();
        let at_s = at.format("%Y-%m-%dT%H:%M").to_string();
        let symptoms: Vec<&str> = check.symptoms.iter().map(|s| s.code()).collect();
        let visit_id = Uuid::new_v4().to_string();
        let esc = escalation.clone();
        g.write_case_event(&case.village, &case_id, "check", esc.is_some(), |w| {
            let f = [
                ("case_id", Val::from(case_id.as_str())),
                ("at", at_s.as_str().into()),
                (
                    "temp_tenths",
                    check
                        .temp_tenths
                        .map_or(Val::Null, |t| Val::Int(i64::from(t))),
                ),
                ("symptoms", symptoms.join(",").into()),
                ("method", check.method.code().into()),
                ("by", by.as_str().into()),
                ("device", device.as_str().into()),
                ("escalated", esc.is_some().into()),
            ];
            create_record(w.tx, &visit_id, "visit", &f)?;
            w.touch(&visit_id);
            if let Some(e) = &esc {
                add_referral(w, &case_id, &at_s, &e.zh)?;
            }
            Ok(())
        })?;
        Ok((visit_id, escalation))
    }

    /// Records a test sample of a case; returns the test id and the escalation a positive
    /// result caused.
    pub fn record_case_test(
        &self,
        case_id: &str,
        date: NaiveDate,
        result: TestResult,
    ) -> Result<(String, Option<EscalationReason>)> {
        let mut g = self.lock();
        let (case_id, case) = g.case_ref(case_id)?;
        if date < case.start {
            return Err(invalid(
                "date",
                "before_start",
                format!("采样日期早于管控开始日期{}", case.start),
                format!("the sample is before the case starts on {}", case.start),
            ));
        }
        let escalation = test_escalation(result, date);
        let device = g.device.clone();
        let at = g.now_local().format("%Y-%m-%dT%H:%M").to_string();
        let test_id = Uuid::new_v4().to_string();
        let esc = escalation.clone();
        g.write_case_event(&case.village, &case_id, "test", esc.is_some(), |w| {
            let f = [
                ("case_id", Val::from(case_id.as_str())),
                ("date", date.to_string().into()),
                ("result", result.code().into()),
                ("device", device.as_str().into()),
            ];
            create_record(w.tx, &test_id, "test", &f)?;
            w.touch(&test_id);
            if let Some(e) = &esc {
                add_referral(w, &case_id, &at, &e.zh)?;
            }
            Ok(())
        })?;
        Ok((test_id, escalation))
    }

    /// Closes the open escalation of a case with the fever clinic's outcome (e.g. `cleared`,
    /// `admitted`): a `cleared` outcome lets the case go on to release.
    pub fn close_referral(&self, case_id: &str, outcome: &str, note: &str) -> Result<String> {
        let outcome = outcome.trim();
        if !matches!(outcome, "cleared" | "admitted") {
            return Err(invalid(
                "outcome",
                "unknown",
                format!("转诊结果“{outcome}”无效，应为 cleared（排除）或 admitted（收治）"),
                format!("outcome '{outcome}' must be cleared or admitted"),
            ));
        }
        let mut g = self.lock();
        let (case_id, case) = g.case_ref(case_id)?;
        let at = g.now_local().format("%Y-%m-%dT%H:%M").to_string();
        let id = Uuid::new_v4().to_string();
        let clears = outcome == "cleared";
        g.write_case_event(&case.village, &case_id, "referral", clears, |w| {
            let f = [
                ("case_id", Val::from(case_id.as_str())),
                ("at", at.as_str().into()),
                ("reason", note.into()),
                ("outcome", outcome.into()),
            ];
            create_record(w.tx, &id, "referral", &f)?;
            w.touch(&id);
            Ok(())
        })?;
        Ok(id)
    }
}

fn add_referral(
    w: &mut crate::engine::docs::Write<'_, '_>,
    case_id: &str,
    at: &str,
    reason: &str,
) -> Result<()> {
    let id = Uuid::new_v4().to_string();
    let f = [
        ("case_id", Val::from(case_id)),
        ("at", at.into()),
        ("reason", reason.into()),
        ("outcome", "pending".into()),
    ];
    create_record(w.tx, &id, "referral", &f)?;
    w.touch(&id);
    Ok(())
}
