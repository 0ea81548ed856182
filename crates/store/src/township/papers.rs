//! What the printouts of a case need (居家隔离公示单, 期满证明), read in one go: the case with
//! the status its screen shows, the person, the household, the 包保 team, the township and
//! the certificate data stored at release.

use chrono::NaiveDate;
use gridbook_domain::isolation::{end_date, Certificate};
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::read_record;
use crate::error::{Result, StoreError};
use crate::isolation::cases::{existing_id, parse_spec};
use crate::isolation::read::{case_facts, shown_status};
use crate::{Inner, Store};

/// One member of a 包保 team.
#[derive(Debug, Clone, Serialize)]
pub struct TeamMember {
    /// Role code (cadre, grid-worker, doctor, police, volunteer).
    pub role: String,
    /// The team member's name.
    pub name: String,
    /// Their phone, printed on the notice so residents can call.
    pub phone: Option<String>,
}

/// A case as its printouts need it.
#[derive(Debug, Clone, Serialize)]
pub struct CasePaper {
    /// Case id.
    pub case_id: String,
    /// Status as the case screen shows it.
    pub status: String,
    /// Person's name.
    pub name: String,
    /// Person's ID number, in full (a printout masks it).
    pub id_number: String,
    /// Village name.
    pub village: String,
    /// Group name.
    pub group: Option<String>,
    /// Household address.
    pub address: Option<String>,
    /// home or centralized.
    pub place: String,
    /// The centralized site.
    pub site: Option<String>,
    /// Where the person stayed or came from (旅居地), if recorded.
    pub origin: Option<String>,
    /// Reason (a risk tag code, usually).
    pub reason: Option<String>,
    /// Policy name.
    pub policy_name: String,
    /// `居家隔离14天`.
    pub period_zh: String,
    /// Whether the policy isolates (else it only monitors health).
    pub isolates: bool,
    /// Day 1.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Release date.
    pub released_on: Option<NaiveDate>,
    /// The 包保 team, in role order.
    pub team: Vec<TeamMember>,
    /// Township name.
    pub township: String,
    /// The township's reporting phone (监督举报电话), if set.
    pub hotline: Option<String>,
    /// Persons of the household under a case (not cancelled) whose period meets this one's.
    pub people: i64,
    /// Checks (visits) recorded.
    pub visits: i64,
    /// The certificate data stored at release.
    pub certificate: Option<Certificate>,
}

const ROLE_ORDER: [&str; 5] = ["cadre", "grid-worker", "doctor", "police", "volunteer"];

impl Store {
    /// The case `id` as its printouts need it.
    pub fn case_paper(&self, id: &str) -> Result<CasePaper> {
        let id = existing_id("case", id)?;
        let info = self.township_info()?;
        let township = info
            .as_ref()
            .map(|i| i.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "本镇".to_owned());
        let hotline = info.and_then(|i| i.hotline);
        let origin = self.case_origin(&id)?;
        let g = self.lock();
        let conn = &g.conn;
        let row = conn
            .prepare(
                "SELECT COALESCE(p.name, ''), COALESCE(p.id_number, ''), COALESCE(v.name, ''),
                   gr.name, h.address, c.place, c.site, c.reason, c.policy, c.start, c.status,
                   c.released_on, c.team, c.certificate, c.household_id
                 FROM cases c
                 LEFT JOIN persons p ON p.id = c.person_id
                 LEFT JOIN households h ON h.id = c.household_id
                 LEFT JOIN groups gr ON gr.id = h.group_id
                 LEFT JOIN villages v ON v.id = c.village_id
                 WHERE c.id = ?1 AND c.deleted = 0",
            )?
            .query_row([&id], |r| {
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                    (r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?),
                    (r.get::<_, Option<String>>(4)?, r.get::<_, String>(5)?),
                    (
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                    ),
                    (r.get::<_, String>(8)?, r.get::<_, String>(9)?),
                    (r.get::<_, String>(10)?, r.get::<_, Option<String>>(11)?),
                    (r.get::<_, String>(12)?, r.get::<_, Option<String>>(13)?),
                    r.get::<_, Option<String>>(14)?,
                ))
            })
            .optional()?
            .ok_or_else(|| StoreError::not_found("case", &id))?;
        let ((name, id_number), (village, group), (address, place), (site, reason)) =
            (row.0, row.1, row.2, row.3);
        let ((spec, start), (stored, released_on), (team, certificate), household) =
            (row.4, row.5, row.6, row.7);
        let policy = parse_spec(&spec)?;
        let start: NaiveDate = start
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("case {id}: start")))?;
        let end = end_date(&policy, start);
        let facts = case_facts(conn, &id)?;
        let team: serde_json::Value = serde_json::from_str(&team).unwrap_or_default();
        let mut members: Vec<TeamMember> = team
            .as_object()
            .map(|o| {
                o.iter()
                    .filter_map(|(role, m)| {
                        let name = m["name"].as_str().filter(|s| !s.trim().is_empty())?;
                        Some(TeamMember {
                            role: role.clone(),
                            name: name.to_owned(),
                            phone: m["phone"].as_str().map(str::to_owned),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        members.sort_by_key(|m| {
            ROLE_ORDER
                .iter()
                .position(|r| *r == m.role)
                .unwrap_or(ROLE_ORDER.len())
        });
        let people: i64 = match &household {
            Some(h) => conn
                .prepare(
                    "SELECT count(DISTINCT person_id) FROM cases WHERE household_id = ?1
                     AND deleted = 0 AND status != 'cancelled' AND start <= ?2
                     AND end_date >= ?3",
                )?
                .query_row(
                    rusqlite::params![h, end.to_string(), start.to_string()],
                    |r| r.get(0),
                )?,
            None => 1,
        };
        let certificate = certificate
            .map(|c| serde_json::from_str::<Certificate>(&c))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("case {id}: certificate: {e}")))?;
        Ok(CasePaper {
            status: shown_status(&stored, facts.open_escalation),
            case_id: id,
            name,
            id_number,
            village,
            group,
            address,
            place,
            site,
            origin,
            reason,
            policy_name: policy.name.clone(),
            period_zh: policy.summary_zh(),
            isolates: policy.isolates(),
            start,
            end,
            released_on: released_on.and_then(|d| d.parse().ok()),
            team: members,
            township,
            hotline,
            people: people.max(1),
            visits: facts.visits,
            certificate,
        })
    }
}

impl Store {
    /// The 旅居地 recorded when the case started (on the case's record; no list shows it, the
    /// case screen and the 公示单 do).
    pub(crate) fn case_origin(&self, id: &str) -> Result<Option<String>> {
        let mut g = self.lock();
        let village: Option<String> = g
            .conn
            .query_row("SELECT village_id FROM cases WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(village) = village else {
            return Ok(None);
        };
        let Inner { conn, docs, .. } = &mut *g;
        let doc = docs.get(conn, &doc_id(DocKind::Isolation, &village))?;
        Ok(read_record(doc, id)?.and_then(|r| r.str("origin")))
    }
}
