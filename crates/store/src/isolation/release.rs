//! How a case ends: released (with the certificate's data, and a reason when follow-up days
//! were missed) or closed without a release (transferred or cancelled).

use chrono::NaiveDate;
use gridbook_domain::isolation::{
    issue_reviewed_certificate, CaseStatus, Certificate, ReleaseFacts,
};
use rusqlite::OptionalExtension;

use super::cases::{final_status, invalid, refused};
use crate::engine::record::{record_obj, set_fields};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::Store;

/// Longest release reason, in characters.
const MAX_REASON_CHARS: usize = 200;

impl Store {
    /// Releases a case on `on` (today if absent) and returns the certificate data; refused
    /// with the Chinese reason(s) if the case is not releasable.
    pub fn release_case(&self, case_id: &str, on: Option<NaiveDate>) -> Result<Certificate> {
        self.release_case_with(case_id, on, None)
    }

    /// [`Store::release_case`] with the reason for releasing despite missed follow-up days
    /// (required then; kept on the case and on the certificate).
    pub fn release_case_with(
        &self,
        case_id: &str,
        on: Option<NaiveDate>,
        reason: Option<&str>,
    ) -> Result<Certificate> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
            return Err(invalid(
                "reason",
                "length",
                format!("解除原因最多{MAX_REASON_CHARS}个字"),
                format!("the release reason must be at most {MAX_REASON_CHARS} characters"),
            ));
        }
        let mut g = self.lock();
        let (case_id, case) = g.case_ref(case_id)?;
        let on = on.unwrap_or_else(|| g.now_local().date());
        let facts = crate::isolation::read::case_facts(&g.conn, &case_id)?;
        let current = if final_status(&case.status) {
            CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Released)
        } else if facts.open_escalation {
            CaseStatus::Escalated
        } else {
            CaseStatus::Active
        };
        if !current.is_open() {
            return Err(refused(
                "closed",
                format!("管控已结束（{}）", current.zh()),
                format!("the case is already {}", current.en()),
            ));
        }
        let (name, idn): (String, String) = g
            .conn
            .prepare_cached("SELECT name, id_number FROM persons WHERE id = ?1")?
            .query_row([&case.person_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or_default();
        let checks = crate::isolation::read::check_facts(&g.conn, &case_id, &case.policy)?;
        let review = ReleaseFacts {
            tests: &facts.tests,
            checks: &checks,
            open_escalation: facts.open_escalation,
            reason,
        };
        let cert = issue_reviewed_certificate(&case.policy, case.start, on, &review, &name, &idn)
            .map_err(|r| {
            let codes: Vec<&str> = r.unmet.iter().map(|u| u.code()).collect();
            refused(&codes.join(","), r.zh(), r.en())
        })?;
        if !current.can_become(CaseStatus::Released) {
            return Err(refused(
                "status",
                format!("{}状态不能解除", current.zh()),
                format!("a case {} cannot be released", current.en()),
            ));
        }
        let cert_json = serde_json::to_string(&cert)
            .map_err(|e| StoreError::Corrupt(format!("certificate: {e}")))?;
        let now = g.now_local().format("%Y-%m-%dT%H:%M:%S").to_string();
        // What this device knew when it released: more after a merge means someone recorded
        // a follow-up the release did not see, and the case needs review.
        let seen = facts.visits + facts.tests.len() as i64;
        g.write_case_event(&case.village, &case_id, "release", true, |w| {
            let obj = record_obj(&*w.tx, &case_id)?
                .ok_or_else(|| StoreError::not_found("case", &case_id))?;
            let f = [
                ("status".to_owned(), Val::from(CaseStatus::Released.code())),
                ("released_on".to_owned(), on.to_string().into()),
                ("released_at".to_owned(), now.as_str().into()),
                ("visits_seen".to_owned(), Val::Int(seen)),
                ("certificate".to_owned(), cert_json.as_str().into()),
                ("release_reason".to_owned(), cert.reason.clone().into()),
            ];
            set_fields(w.tx, &obj, &f)?;
            w.touch(&case_id);
            Ok(())
        })?;
        Ok(cert)
    }
}

impl Store {
    /// Ends a case without a release: `transferred` (handed to another place or team, the note
    /// says where) or `cancelled` (opened by mistake, the note says why). The note is required.
    pub fn close_case(&self, case_id: &str, status: &str, note: &str) -> Result<()> {
        let next = match CaseStatus::parse(status.trim()) {
            Ok(s @ (CaseStatus::Transferred | CaseStatus::Cancelled)) => s,
            _ => {
                return Err(invalid(
                    "status",
                    "unknown",
                    format!("“{status}”无效，应为 transferred（转出）或 cancelled（撤销）"),
                    format!("'{status}' must be transferred or cancelled"),
                ))
            }
        };
        let note = note.trim();
        if note.is_empty() {
            return Err(invalid(
                "note",
                "required",
                "请填写转出去向或撤销原因".to_owned(),
                "say where the case goes, or why it is cancelled".to_owned(),
            ));
        }
        let mut g = self.lock();
        let (case_id, case) = g.case_ref(case_id)?;
        let current = CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Active);
        if !current.can_become(next) {
            return Err(refused(
                "closed",
                format!("{}的管控不能{}", current.zh(), next.zh()),
                format!("a case {} cannot become {}", current.en(), next.en()),
            ));
        }
        let now = g.now_local().format("%Y-%m-%dT%H:%M:%S").to_string();
        g.write_case_event(&case.village, &case_id, "close", true, |w| {
            let obj = record_obj(&*w.tx, &case_id)?
                .ok_or_else(|| StoreError::not_found("case", &case_id))?;
            let f = [
                ("status".to_owned(), Val::from(next.code())),
                ("closed_at".to_owned(), now.as_str().into()),
                ("close_note".to_owned(), note.into()),
            ];
            set_fields(w.tx, &obj, &f)?;
            w.touch(&case_id);
            Ok(())
        })
    }
}
