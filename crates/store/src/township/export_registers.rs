//! Read queries for exports, continued: the follow-up register (a row per check),
//! checkpoint real-name registers (a row per entry, by
//! day and checkpoint) and coverage (a row per household with its latest verification and
//! whether `coverage` counts it as covered).

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::params;

use crate::checkpoint::entries::{entry_row, ENTRY_COLUMNS};
use crate::error::{Result, StoreError};
use crate::isolation::cases::parse_spec;
use crate::township::export_rows::{datetime, split, village_filter, ExportFilter};
use crate::{EntryRow, Store};

/// One entry of a checkpoint's real-name register, with its day and place.
#[derive(Debug, Clone)]
pub struct EntryLine {
    /// Day of the register.
    pub day: Option<NaiveDate>,
    /// Village name.
    pub village: String,
    /// Checkpoint name.
    pub checkpoint: String,
    /// The entry as the checkpoint screen lists it.
    pub entry: EntryRow,
}

/// One household and its latest verification.
#[derive(Debug, Clone, Default)]
pub struct CoverageLine {
    /// Village name.
    pub village: String,
    /// Group name.
    pub group: Option<String>,
    /// Address within the village.
    pub address: String,
    /// Head's name.
    pub head_name: Option<String>,
    /// Household phone.
    pub phone: Option<String>,
    /// Latest verification (local time text).
    pub last_verified: Option<String>,
    /// Which device made it.
    pub verified_by: Option<String>,
    /// Verified within the window (as `Store::coverage` counts it).
    pub covered: bool,
}

/// One check (visit) of the follow-up register.
#[derive(Debug, Clone, Default)]
pub struct CheckLine {
    /// Village name.
    pub village: String,
    /// Person's name.
    pub name: String,
    /// ID number (full).
    pub id_number: String,
    /// Policy name.
    pub policy: String,
    /// When the check was made (`None` for a missed one).
    pub at: Option<NaiveDateTime>,
    /// Temperature in tenths of a degree.
    pub temp_tenths: Option<i64>,
    /// Symptom codes.
    pub symptoms: Vec<String>,
    /// Method code.
    pub method: String,
    /// Who checked.
    pub by: Option<String>,
    /// Whether it escalated.
    pub escalated: bool,
}

impl Store {
    /// Streams the follow-up register: every check of every case (not deleted) in the date
    /// range, by village, person and time.
    pub fn check_lines<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        mut f: impl FnMut(&CheckLine) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let village = village_filter(filter.village.as_deref())?;
        let g = self.lock();
        let mut st = g
            .conn
            .prepare(
                "SELECT COALESCE(v.name, ''), COALESCE(p.name, ''), COALESCE(p.id_number, ''),
               c.policy, vi.at, vi.temp_tenths, vi.symptoms, vi.method, vi.by_name, vi.escalated
             FROM visits vi
             JOIN cases c ON c.id = vi.case_id AND c.deleted = 0
             LEFT JOIN persons p ON p.id = c.person_id
             LEFT JOIN villages v ON v.id = c.village_id
             WHERE (?1 IS NULL OR c.village_id = ?1) AND (?2 IS NULL OR vi.at >= ?2)
               AND (?3 IS NULL OR vi.at < ?3)
             ORDER BY v.name, p.name, c.id, vi.at, vi.id",
            )
            .map_err(StoreError::from)?;
        let from = filter.from.map(|d| d.to_string());
        let to = filter.to.map(|d| d.succ_opt().unwrap_or(d).to_string());
        let mut rows = st
            .query(params![village, from, to])
            .map_err(StoreError::from)?;
        let mut names: std::collections::HashMap<String, String> = Default::default();
        let mut n = 0;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let line = (|| -> Result<CheckLine> {
                let spec: String = r.get(3)?;
                let policy = match names.get(&spec) {
                    Some(n) => n.clone(),
                    None => {
                        let name = parse_spec(&spec)?.name;
                        names.insert(spec, name.clone());
                        name
                    }
                };
                Ok(CheckLine {
                    village: r.get(0)?,
                    name: r.get(1)?,
                    id_number: r.get(2)?,
                    policy,
                    at: datetime(&r.get::<_, String>(4)?),
                    temp_tenths: r.get(5)?,
                    symptoms: split(&r.get::<_, String>(6)?),
                    method: r.get(7)?,
                    by: r.get(8)?,
                    escalated: r.get(9)?,
                })
            })()?;
            n += 1;
            f(&line)?;
        }
        Ok(n)
    }

    /// Streams the checkpoint registers of the date range: by day, village, checkpoint, then
    /// in the order every device lists a day (time, device, id).
    pub fn entry_lines<E: From<StoreError>>(
        &self,
        filter: &ExportFilter,
        mut f: impl FnMut(&EntryLine) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let village = village_filter(filter.village.as_deref())?;
        let g = self.lock();
        let sql = format!(
            "SELECT {ENTRY_COLUMNS}, day, checkpoint_name, village_name FROM (
               SELECT e.*, COALESCE(k.name, '') AS checkpoint_name,
                 COALESCE(v.name, '') AS village_name
               FROM entries e
               LEFT JOIN checkpoints k ON k.id = e.checkpoint_id
               LEFT JOIN villages v ON v.id = e.village_id
               WHERE (?1 IS NULL OR e.village_id = ?1) AND (?2 IS NULL OR e.day >= ?2)
                 AND (?3 IS NULL OR e.day <= ?3))
             ORDER BY day, village_name, checkpoint_name, checkpoint_id, at, device, id"
        );
        let mut st = g.conn.prepare(&sql).map_err(StoreError::from)?;
        let from = filter.from.map(|d| d.to_string());
        let to = filter.to.map(|d| d.to_string());
        let mut rows = st
            .query(params![village, from, to])
            .map_err(StoreError::from)?;
        let mut n = 0;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let line = (|| -> rusqlite::Result<EntryLine> {
                Ok(EntryLine {
                    entry: entry_row(r)?,
                    day: r.get::<_, String>(24)?.parse().ok(),
                    checkpoint: r.get(25)?,
                    village: r.get(26)?,
                })
            })()
            .map_err(StoreError::from)?;
            n += 1;
            f(&line)?;
        }
        Ok(n)
    }

    /// Streams every household (not deleted) with its latest verification and whether it
    /// was verified in the last `days` days: covered means absent from [`Store::coverage`].
    pub fn coverage_lines<E: From<StoreError>>(
        &self,
        days: u32,
        village: Option<&str>,
        mut f: impl FnMut(&CoverageLine) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let village = village_filter(village)?;
        let uncovered: HashSet<String> = self
            .coverage(days, village.as_deref(), None)?
            .into_iter()
            .map(|r| r.household_id)
            .collect();
        let g = self.lock();
        let mut st = g
            .conn
            .prepare(
                "SELECT h.id, COALESCE(v.name, ''), gr.name, h.address, hp.name, h.phone,
                   (SELECT e.at || '|' || COALESCE(e.device, '') FROM events e
                    WHERE e.household_id = h.id AND e.kind = 'verification' AND e.deleted = 0
                    ORDER BY e.at DESC LIMIT 1)
                 FROM households h
                 LEFT JOIN villages v ON v.id = h.village_id
                 LEFT JOIN groups gr ON gr.id = h.group_id
                 LEFT JOIN persons hp ON hp.id = h.head_person_id
                 WHERE h.deleted = 0 AND (?1 IS NULL OR h.village_id = ?1)
                 ORDER BY v.name, gr.name, h.address_key, h.address, h.id",
            )
            .map_err(StoreError::from)?;
        let mut rows = st.query([village]).map_err(StoreError::from)?;
        let mut n = 0;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let line = (|| -> rusqlite::Result<CoverageLine> {
                let id: String = r.get(0)?;
                let last: Option<String> = r.get(6)?;
                let (at, by) = match last.as_deref().and_then(|l| l.split_once('|')) {
                    Some((at, by)) => (Some(at.to_owned()), Some(by.to_owned())),
                    None => (None, None),
                };
                Ok(CoverageLine {
                    village: r.get(1)?,
                    group: r.get(2)?,
                    address: r.get(3)?,
                    head_name: r.get(4)?,
                    phone: r.get(5)?,
                    last_verified: at,
                    verified_by: by.filter(|b| !b.is_empty()),
                    covered: !uncovered.contains(&id),
                })
            })()
            .map_err(StoreError::from)?;
            n += 1;
            f(&line)?;
        }
        Ok(n)
    }
}
