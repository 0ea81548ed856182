//! The household ledger (一户一档), the reads: households, persons, counts, coverage.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::engine::text::parse_uuid;
use crate::error::{Result, StoreError};
use crate::grid::in_group::{group_param, in_group, GROUP};
use crate::Store;

/// A household as listed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdRow {
    /// The household's record id (UUID).
    pub id: String,
    /// The village the household lives in.
    pub village_id: String,
    /// Its group (组), if assigned.
    pub group_id: Option<String>,
    /// Group name.
    pub group_name: Option<String>,
    /// Address within the village, e.g. 3组12号.
    pub address: String,
    /// Head's person id.
    pub head_person_id: Option<String>,
    /// Head's name.
    pub head_name: Option<String>,
    /// Household phone.
    pub phone: Option<String>,
    /// Number of residents.
    pub residents: i64,
    /// Last verification (local time), if any.
    pub last_verified: Option<String>,
}

/// A person as shown.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Person"))]
pub struct PersonRow {
    /// The person's record id (UUID).
    pub id: String,
    /// The household the person belongs to.
    pub household_id: String,
    /// The person's name as on the ID document.
    pub name: String,
    /// Gender code.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::Gender"))]
    pub gender: String,
    /// Document kind code.
    pub id_kind: String,
    /// Document number.
    pub id_number: String,
    /// Birth date.
    pub birth_date: Option<String>,
    /// Mobile phone, if known.
    pub phone: Option<String>,
    /// Relation code.
    pub relation: String,
    /// Residency code.
    pub residency: String,
    /// Risk tag codes.
    pub tags: Vec<String>,
    /// 七类人 codes.
    pub vulnerable: Vec<String>,
    /// Works away from home.
    pub works_away: bool,
    /// Vehicle plate, if any.
    pub plate: Option<String>,
    /// Address if different from the household's.
    pub address: Option<String>,
    /// Vaccination doses recorded.
    pub doses: i64,
    /// Latest test date and result.
    pub last_test: Option<String>,
    /// The person this one is merged into (its survivor), if merged (see `ledger::merge`).
    pub merged_into: Option<String>,
    /// Persons merged into this one: their doses and tests count here.
    pub merged: Vec<String>,
}

/// A household with its residents. Its row's count of residents is written as
/// `resident_count`, since `residents` is the list of them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(
    feature = "ts",
    ts(
        type = "Omit<HouseholdRow, \"residents\"> & { resident_count: number, residents: Array<Person>, conflicts: Array<Conflict> }"
    )
)]
pub struct HouseholdDetail {
    /// The household.
    #[serde(flatten, serialize_with = "counted_row")]
    pub household: HouseholdRow,
    /// Residents (not deleted).
    pub residents: Vec<PersonRow>,
    /// Fields of this household or its residents holding concurrent values.
    pub conflicts: Vec<crate::ConflictRow>,
}

/// Writes a household row with its count of residents named `resident_count`.
fn counted_row<S: serde::Serializer>(row: &HouseholdRow, s: S) -> Result<S::Ok, S::Error> {
    /// The row's fields, listed once: the view that borrows them (the count renamed, in its
    /// place between `phone` and `last_verified`) and the pattern that takes the row apart,
    /// every field named, so a field added to the row does not compile until it is here too.
    macro_rules! counted {
        ($($field:ident: $ty:ty),+; $($after:ident: $after_ty:ty),+) => {{
            #[derive(Serialize)]
            struct Counted<'a> {
                $($field: &'a $ty,)+
                resident_count: i64,
                $($after: &'a $after_ty,)+
            }
            let HouseholdRow { $($field,)+ residents, $($after,)+ } = row;
            Counted { $($field,)+ resident_count: *residents, $($after,)+ }
        }};
    }
    counted!(
        id: String,
        village_id: String,
        group_id: Option<String>,
        group_name: Option<String>,
        address: String,
        head_person_id: Option<String>,
        head_name: Option<String>,
        phone: Option<String>;
        last_verified: Option<String>
    )
    .serialize(s)
}

/// One page of the household list, with the number of households in all.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdPage {
    /// Households in all (of the village and group, if asked for).
    pub total: i64,
    /// The page's households.
    pub rows: Vec<HouseholdRow>,
}

/// A household nobody verified recently.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoverageRow {
    /// The household not verified recently.
    pub household_id: String,
    /// Its village.
    pub village_id: String,
    /// Group name.
    pub group_name: Option<String>,
    /// Address within the village.
    pub address: String,
    /// Head's name.
    pub head_name: Option<String>,
    /// Last verification, if ever.
    pub last_verified: Option<String>,
}

/// What covers household `h`: a verification `e` of it (not deleted) at or after the cutoff
/// `?1` (see [`coverage_cutoff`]).
macro_rules! verified_since {
    () => {
        "e.kind = 'verification' AND e.deleted = 0 AND e.at >= ?1"
    };
}

impl Store {
    /// Households, optionally of one village, ordered by group and address.
    pub fn households(&self, village: Option<&str>) -> Result<Vec<HouseholdRow>> {
        self.households_in(village, None)
    }

    /// Households, optionally of one village and of one group (组), ordered by group and
    /// address.
    pub fn households_in(
        &self,
        village: Option<&str>,
        group: Option<&str>,
    ) -> Result<Vec<HouseholdRow>> {
        let village = village.map(|v| parse_uuid("village", v)).transpose()?;
        let group = group_param(group)?;
        let g = self.lock();
        let sql = format!(
            "{HOUSEHOLD_SELECT} WHERE h.deleted = 0 AND (?1 IS NULL OR h.village_id = ?1)
               AND {}
             ORDER BY h.village_id, g.name, h.address_key, h.address, h.id",
            in_group("?2")
        );
        let mut st = g.conn.prepare(&sql)?;
        let rows = st
            .query_map(params![village, group], household_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// One page of households, optionally of one village and of one group (for lists that
    /// must stay smooth with 100k of them), with the total count.
    pub fn households_page(
        &self,
        village: Option<&str>,
        group: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<(i64, Vec<HouseholdRow>)> {
        let village = village.map(|v| parse_uuid("village", v)).transpose()?;
        let group = group_param(group)?;
        let g = self.lock();
        let narrowed = format!(
            "h.deleted = 0 AND (?1 IS NULL OR h.village_id = ?1) AND {}",
            in_group("?2")
        );
        let total: i64 = g.conn.query_row(
            &format!("SELECT count(*) FROM households h WHERE {narrowed}"),
            params![village, group],
            |r| r.get(0),
        )?;
        let sql = format!(
            "{HOUSEHOLD_SELECT} WHERE h.rowid IN (SELECT h.rowid FROM households h
               WHERE {narrowed}
               ORDER BY h.village_id, h.group_id, h.address_key LIMIT ?3 OFFSET ?4)
             ORDER BY h.village_id, h.group_id, h.address_key"
        );
        let rows = g
            .conn
            .prepare(&sql)?
            .query_map(
                params![village, group, limit.min(1000) as i64, offset as i64],
                household_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok((total, rows))
    }

    /// Households and persons (not deleted), and persons carrying a risk tag.
    pub fn counts(&self) -> Result<(i64, i64, i64)> {
        let g = self.lock();
        let h = g.conn.query_row(
            "SELECT count(*) FROM households WHERE deleted = 0",
            [],
            |r| r.get(0),
        )?;
        // One pass over the persons_village index for both figures.
        let (p, t) = g.conn.query_row(
            "SELECT count(*), coalesce(sum(tags != ''), 0) FROM persons WHERE deleted = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((h, p, t))
    }

    /// One household with its residents and open conflicts.
    pub fn household(&self, id: &str) -> Result<HouseholdDetail> {
        let hid = parse_uuid("household", id)?;
        let g = self.lock();
        let sql = format!("{HOUSEHOLD_SELECT} WHERE h.id = ?1 AND h.deleted = 0");
        let household = g
            .conn
            .prepare(&sql)?
            .query_row([&hid], household_row)
            .optional()?
            .ok_or_else(|| StoreError::not_found("household", &hid))?;
        let ids: Vec<String> = g
            .conn
            .prepare(
                "SELECT id FROM persons WHERE household_id = ?1 AND deleted = 0
                 ORDER BY relation != 'head', birth_date, id",
            )?
            .query_map([&hid], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let residents = ids
            .iter()
            .map(|p| self.person_row_locked(&g.conn, p))
            .collect::<Result<Vec<_>>>()?;
        let mut conflicts = crate::engine::history::conflicts_of(&g.conn, &hid)?;
        for p in &ids {
            conflicts.extend(crate::engine::history::conflicts_of(&g.conn, p)?);
        }
        Ok(HouseholdDetail {
            household,
            residents,
            conflicts,
        })
    }

    /// One person.
    pub fn person(&self, id: &str) -> Result<PersonRow> {
        let pid = parse_uuid("person", id)?;
        let g = self.lock();
        self.person_row_locked(&g.conn, &pid)
    }

    /// One person, merged or not (not deleted). Its doses and latest test are those of the
    /// persons merged into it too.
    pub(crate) fn person_row_locked(&self, conn: &Connection, id: &str) -> Result<PersonRow> {
        let merged = crate::ledger::merge::group_of(conn, id)?.split_off(1);
        conn.prepare_cached(
            "SELECT id, household_id, name, gender, id_kind, id_number, birth_date, phone, relation,
               residency, tags, vulnerable, works_away, plate, address,
               (SELECT sum(m.doses) FROM persons m WHERE m.id = p.id OR m.survivor = p.id),
               (SELECT max(m.last_test) FROM persons m WHERE m.id = p.id OR m.survivor = p.id),
               survivor
             FROM persons p WHERE id = ?1 AND removed = 0",
        )?
        .query_row([id], |r| {
            let split = |s: String| -> Vec<String> {
                s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect()
            };
            Ok(PersonRow {
                id: r.get(0)?,
                household_id: r.get(1)?,
                name: r.get(2)?,
                gender: r.get(3)?,
                id_kind: r.get(4)?,
                id_number: r.get(5)?,
                birth_date: r.get(6)?,
                phone: r.get(7)?,
                relation: r.get(8)?,
                residency: r.get(9)?,
                tags: split(r.get(10)?),
                vulnerable: split(r.get(11)?),
                works_away: r.get(12)?,
                plate: r.get(13)?,
                address: r.get(14)?,
                doses: r.get(15)?,
                last_test: r.get(16)?,
                merged_into: r.get(17)?,
                merged: merged.clone(),
            })
        })
        .optional()?
        .ok_or_else(|| StoreError::not_found("person", id))
    }

    /// Finds persons by name or part of it, pinyin initials, ID number or tail, phone or
    /// tail, or plate.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<crate::Hit>> {
        crate::ledger::search::search(&self.lock().conn, query, limit)
    }

    /// Households nobody verified in the last `days` days (counting today), optionally of one
    /// village and of one group (组).
    pub fn coverage(
        &self,
        days: u32,
        village: Option<&str>,
        group: Option<&str>,
    ) -> Result<Vec<CoverageRow>> {
        let village = village.map(|v| parse_uuid("village", v)).transpose()?;
        let group = group_param(group)?;
        let g = self.lock();
        let cutoff = coverage_cutoff(g.now_local().date(), days);
        let mut st = g.conn.prepare_cached(&format!(
            "SELECT h.id, h.village_id, g.name, h.address, p.name,
               (SELECT max(e.at) FROM events e WHERE e.household_id = h.id
                  AND e.kind = 'verification' AND e.deleted = 0) AS last
             FROM households h
             LEFT JOIN groups g ON g.id = h.group_id
             LEFT JOIN persons p ON p.id = h.head_person_id
             WHERE {UNCOVERED} AND (?2 IS NULL OR h.village_id = ?2) AND {}
             ORDER BY h.village_id, g.name, h.address_key, h.address, h.id",
            in_group("?3")
        ))?;
        let rows = st
            .query_map(params![cutoff, village, group], |r| {
                Ok(CoverageRow {
                    household_id: r.get(0)?,
                    village_id: r.get(1)?,
                    group_name: r.get(2)?,
                    address: r.get(3)?,
                    head_name: r.get(4)?,
                    last_verified: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// How many households (not deleted) are covered over `days` days, per village and per
    /// group (unit id → count; units with none are absent): the complement of what
    /// [`Store::coverage`] lists, counted from the recent verifications (index
    /// `events_verified_at`) rather than by probing every household.
    pub(crate) fn covered_per_unit(&self, days: u32) -> Result<HashMap<String, i64>> {
        let g = self.lock();
        let cutoff = coverage_cutoff(g.now_local().date(), days);
        let mut st = g.conn.prepare_cached(&format!(
            "SELECT h.village_id, {GROUP}, count(DISTINCT h.id)
             FROM events e CROSS JOIN households h ON h.id = e.household_id
             WHERE h.deleted = 0 AND {} GROUP BY h.village_id, {GROUP}",
            verified_since!()
        ))?;
        let mut out: HashMap<String, i64> = HashMap::new();
        let mut rows = st.query([cutoff])?;
        while let Some(r) = rows.next()? {
            let (village, group, n): (String, Option<String>, i64) =
                (r.get(0)?, r.get(1)?, r.get(2)?);
            *out.entry(village).or_default() += n;
            if let Some(group) = group {
                *out.entry(group).or_default() += n;
            }
        }
        Ok(out)
    }
}

/// The coverage rule on household `h`: not deleted, and not covered.
const UNCOVERED: &str = concat!(
    "h.deleted = 0 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.household_id = h.id AND ",
    verified_since!(),
    ")"
);

/// The first moment that counts for coverage over `days` days ending `today` (counting
/// today).
fn coverage_cutoff(today: chrono::NaiveDate, days: u32) -> String {
    let cutoff = today - chrono::Duration::days(i64::from(days.saturating_sub(1)));
    format!("{cutoff}T00:00:00")
}

const HOUSEHOLD_SELECT: &str = "SELECT h.id, h.village_id, h.group_id, g.name, h.address,
    h.head_person_id, p.name, h.phone,
    (SELECT count(*) FROM persons r WHERE r.household_id = h.id AND r.deleted = 0),
    (SELECT max(e.at) FROM events e WHERE e.household_id = h.id AND e.kind = 'verification'
       AND e.deleted = 0)
  FROM households h
  LEFT JOIN groups g ON g.id = h.group_id
  LEFT JOIN persons p ON p.id = h.head_person_id";

fn household_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HouseholdRow> {
    Ok(HouseholdRow {
        id: r.get(0)?,
        village_id: r.get(1)?,
        group_id: r.get(2)?,
        group_name: r.get(3)?,
        address: r.get(4)?,
        head_person_id: r.get(5)?,
        head_name: r.get(6)?,
        phone: r.get(7)?,
        residents: r.get(8)?,
        last_verified: r.get(9)?,
    })
}
