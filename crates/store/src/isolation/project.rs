//! Projection rows of the isolation records: `policy` (grid document) and `case`, `visit`,
//! `test`, `referral` (isolation documents). Called only from `project::project_record`.
//!
//! Each row is a function of its own record: what depends on several records (an escalation
//! from a visit, a release that missed a late visit) is derived when the rows are read, so it
//! holds whatever order merges arrive in.

use chrono::NaiveDate;
use gridbook_domain::isolation::{end_date, Policy};
use rusqlite::{params, Connection};

use crate::engine::record::RecordView;
use crate::error::Result;

/// Inserts the row of one isolation record of type `kind`.
pub(crate) fn insert(
    conn: &Connection,
    kind: &str,
    village: &str,
    id: &str,
    rec: &RecordView,
) -> Result<()> {
    let s = |f: &str| rec.str(f);
    match kind {
        "policy" => {
            conn.prepare_cached(
                "INSERT INTO policies (id, name, spec, deleted) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                id,
                s("name").unwrap_or_default(),
                s("spec").unwrap_or_default(),
                s("deleted_at").is_some()
            ])?;
        }
        "case" => {
            let spec = s("policy").unwrap_or_default();
            let start = s("start").unwrap_or_default();
            // The end date is the snapshot's, so an edited policy never moves a running case.
            let end = serde_json::from_str::<Policy>(&spec)
                .ok()
                .zip(start.parse::<NaiveDate>().ok())
                .map(|(p, d)| end_date(&p, d).to_string())
                .unwrap_or_default();
            conn.prepare_cached(
                "INSERT INTO cases (id, village_id, person_id, household_id, policy_id, policy,
                 reason, start, end_date, place, site, status, released_on, visits_seen, team,
                 certificate, created_at, deleted, close_note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
                 ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            )?
            .execute(params![
                id,
                village,
                s("person_id").unwrap_or_default(),
                s("household_id"),
                s("policy_id").unwrap_or_default(),
                spec,
                s("reason"),
                start,
                end,
                s("place").unwrap_or_else(|| "home".into()),
                s("site"),
                s("status").unwrap_or_else(|| "active".into()),
                s("released_on"),
                rec.get("visits_seen").as_i64(),
                team_json(rec),
                s("certificate"),
                s("created_at"),
                s("deleted_at").is_some(),
                s("close_note")
            ])?;
        }
        "visit" => {
            conn.prepare_cached(
                "INSERT INTO visits (id, case_id, village_id, at, temp_tenths, symptoms, method,
                 by_name, device, escalated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                s("case_id").unwrap_or_default(),
                village,
                s("at").unwrap_or_default(),
                rec.get("temp_tenths").as_i64(),
                s("symptoms").unwrap_or_default(),
                s("method").unwrap_or_else(|| "phone".into()),
                s("by"),
                s("device"),
                rec.get("escalated").is_true()
            ])?;
        }
        "test" => {
            conn.prepare_cached(
                "INSERT INTO tests (id, case_id, village_id, date, result, device)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                s("case_id").unwrap_or_default(),
                village,
                s("date").unwrap_or_default(),
                s("result").unwrap_or_else(|| "pending".into()),
                s("device")
            ])?;
        }
        "referral" => {
            conn.prepare_cached(
                "INSERT INTO referrals (id, case_id, village_id, at, reason, outcome)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                s("case_id").unwrap_or_default(),
                village,
                s("at").unwrap_or_default(),
                s("reason").unwrap_or_default(),
                s("outcome").unwrap_or_else(|| "pending".into())
            ])?;
        }
        _ => {}
    }
    Ok(())
}

/// The 包保 team as JSON `{"<role>": {"name", "phone"}}`, from the flat fields
/// `team.<role>.name` / `team.<role>.phone` (flat, so two devices naming different members
/// both win).
fn team_json(rec: &RecordView) -> String {
    let mut team = serde_json::Map::new();
    for (key, val) in rec.fields.range("team.".to_owned()..) {
        let Some(rest) = key.strip_prefix("team.") else {
            break;
        };
        let (Some((role, part)), Some(v)) = (rest.split_once('.'), val.opt_str()) else {
            continue;
        };
        let entry = team
            .entry(role.to_owned())
            .or_insert_with(|| serde_json::json!({}));
        entry[part] = serde_json::Value::String(v);
    }
    serde_json::Value::Object(team).to_string()
}
