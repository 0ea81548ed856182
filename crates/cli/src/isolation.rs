//! The "Isolation follow-ups" commands: policies, cases, the due list, checks, tests and
//! release. Parsing and output only; the rules live in gridbook-domain and the store.

use chrono::NaiveDate;
use gridbook_domain::isolation::{CheckMethod, Policy, Symptom, TeamRole};
use gridbook_domain::{FieldError, TestResult};
use gridbook_store::{forms, CaseQuery, NewCase, NewCheck, Store, StoreError};
use serde_json::json;

use crate::args::{CaseCmd, CheckCmd, Cmd, Lang, PolicyCmd, TestCmd};
use crate::output::{emit, t, Failure};

fn field(e: FieldError) -> Failure {
    Failure::from(StoreError::from(e))
}

fn date(name: &'static str, raw: &str) -> Result<NaiveDate, Failure> {
    Ok(forms::parse_date(name, raw)?)
}

fn policy_file(path: &std::path::Path) -> Result<Policy, Failure> {
    let text = std::fs::read_to_string(path)?;
    let p: Policy = serde_json::from_str(&text).map_err(|e| {
        Failure::invalid(
            format!("方案文件不是有效的方案 JSON：{e}"),
            format!("the file is not a policy in JSON: {e}"),
        )
    })?;
    p.validate().map_err(field)?;
    Ok(p)
}

fn team(raw: &[String]) -> Result<Vec<(TeamRole, String, Option<String>)>, Failure> {
    raw.iter()
        .map(|m| {
            let (role, rest) = m.split_once('=').ok_or_else(|| {
                Failure::invalid(
                    format!("包保成员“{m}”应写成 角色=姓名[:电话]"),
                    format!("team member '{m}' must be ROLE=NAME[:PHONE]"),
                )
            })?;
            let (name, phone) = match rest.split_once([':', '：']) {
                Some((n, p)) => (n, Some(p.to_owned())),
                None => (rest, None),
            };
            let member = forms::TeamForm {
                role: role.to_owned(),
                name: name.to_owned(),
                phone,
            };
            Ok(member.parse()?)
        })
        .collect()
}

/// Runs one isolation command.
pub fn run(store: &Store, cmd: &Cmd, json: bool, lang: Lang) -> Result<(), Failure> {
    match cmd {
        Cmd::Policy(PolicyCmd::List) => {
            let rows = store.policies()?;
            emit(json, &rows, || {
                rows.iter()
                    .map(|p| format!("{}  {}  {}", p.id, p.name, p.summary))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Cmd::Policy(PolicyCmd::Add { file }) => {
            let id = store.add_policy(&policy_file(file)?)?;
            emit(json, &json!({ "id": id }), || id.clone());
        }
        Cmd::Policy(PolicyCmd::Set { id, file }) => {
            let id = store.set_policy(id, &policy_file(file)?)?;
            emit(json, &json!({ "id": id }), || id.clone());
        }
        Cmd::Case(c) => case(store, c, json, lang)?,
        Cmd::Due { date: d, group } => {
            let on = match d {
                Some(d) => date("date", d)?,
                None => store.now_local().date(),
            };
            let rows = store.due_in(on, group.as_deref())?;
            emit(json, &rows, || crate::unit_lists::due_lines(&rows));
        }
        Cmd::Check(CheckCmd::Record {
            case_id,
            temp,
            symptoms,
            method,
            at,
            by,
        }) => {
            let symptoms = crate::records::records_list(symptoms.as_deref(), Symptom::parse)?;
            let check = NewCheck {
                temp_tenths: Some(forms::parse_temp_tenths(temp)?),
                symptoms,
                method: CheckMethod::parse(method).map_err(field)?,
                at: at
                    .as_deref()
                    .map(|a| forms::parse_time("at", a))
                    .transpose()?,
                by: by.clone(),
            };
            let (visit_id, esc) = store.record_check(case_id, &check)?;
            let out = json!({
                "visit_id": visit_id,
                "escalated": esc.is_some(),
                "reason": esc.as_ref().map(|e| e.zh.clone()),
            });
            emit(json, &out, || match &esc {
                Some(e) => format!(
                    "{} {visit_id}: {}",
                    t(
                        lang,
                        "已记录，需转诊发热门诊",
                        "recorded, refer to the fever clinic"
                    ),
                    if lang == Lang::En { &e.en } else { &e.zh }
                ),
                None => format!("{} {visit_id}", t(lang, "已记录", "recorded")),
            });
        }
        Cmd::Test(TestCmd::Record {
            case_id,
            date: d,
            result,
        }) => {
            let on = date("date", d)?;
            let result = TestResult::parse(result).map_err(field)?;
            let (test_id, esc) = store.record_case_test(case_id, on, result)?;
            let out = json!({ "test_id": test_id, "escalated": esc.is_some() });
            emit(json, &out, || {
                format!("{} {test_id}", t(lang, "已记录", "recorded"))
            });
        }
        _ => {}
    }
    Ok(())
}

fn case(store: &Store, c: &CaseCmd, json: bool, lang: Lang) -> Result<(), Failure> {
    match c {
        // Run before a store is opened (records::run); here for completeness only.
        CaseCmd::ReleaseCheck { input } => crate::release_check::run_release_check(input, json)?,
        CaseCmd::DueCheck { input } => crate::due_check::run_due_check(input, json)?,
        CaseCmd::StateCheck { input } => crate::state_check::run_state_check(input, json)?,
        CaseCmd::Start {
            person,
            policy,
            start,
            place,
            site,
            origin,
            reason,
            team: members,
        } => {
            let place = forms::parse_place(place)?;
            let new = NewCase {
                person_id: person.clone(),
                policy: policy.clone(),
                start: date("start", start)?,
                place,
                site: site.clone().filter(|s| !s.trim().is_empty()),
                origin: origin.clone().filter(|s| !s.trim().is_empty()),
                reason: reason.clone(),
                team: team(members)?,
            };
            let id = store.start_case(&new)?;
            emit(json, &json!({ "case_id": id }), || id.clone());
        }
        CaseCmd::List {
            status,
            group,
            village,
            kind,
            date: on,
            escalation,
        } => {
            let on = match on {
                Some(d) => date("date", d)?,
                None => store.now_local().date(),
            };
            let rows = store.cases_listed(&CaseQuery {
                status: status.as_deref(),
                in_escalation: *escalation,
                village: village.as_deref(),
                group: group.as_deref(),
                kind: kind.as_deref().map(|k| (k, on)),
            })?;
            emit(json, &rows, || {
                rows.iter()
                    .map(|c| format!("{}  {}  {}  {}–{}", c.id, c.name, c.status, c.start, c.end))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        CaseCmd::Show { id } => {
            // The certificate's ID number masked, as `case release` answers.
            let c = gridbook_store::masked(store.case_detail(id)?);
            emit(json, &c, || {
                serde_json::to_string_pretty(&c).unwrap_or_default()
            });
        }
        CaseCmd::Release { id, on, reason } => {
            let on = on.as_deref().map(|d| date("on", d)).transpose()?;
            // The ID number masked, in JSON too, as the app's screen shows it: the full number
            // is for the printed certificate only (`print certificate`, logged as a printout).
            let cert =
                gridbook_store::masked(store.release_case_with(id, on, reason.as_deref())?);
            let shown = &cert.id_number;
            emit(json, &cert, || match lang {
                Lang::En => format!(
                    "Release certificate: {} ({}), {}, {} to {}, released {}; {}",
                    cert.person_name,
                    shown,
                    cert.period_en,
                    cert.start,
                    cert.end,
                    cert.released_on,
                    cert.tests_en
                ),
                Lang::Zh => format!(
                    "期满证明：{}（{}），{}，{}至{}，{}解除；{}",
                    cert.person_name,
                    shown,
                    cert.period_zh,
                    cert.start,
                    cert.end,
                    cert.released_on,
                    cert.tests_zh
                ),
            });
        }
        CaseCmd::Close { id, status, note } => {
            store.close_case(id, status, note)?;
            emit(
                json,
                &json!({ "case_id": id, "status": status.trim() }),
                || t(lang, "已结束管控", "case closed"),
            );
        }
        CaseCmd::Referral { id, outcome, note } => {
            let rid = store.close_referral(id, outcome, note)?;
            emit(json, &json!({ "referral_id": rid }), || rid.clone());
        }
    }
    Ok(())
}
