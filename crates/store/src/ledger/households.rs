//! The household ledger (一户一档): villages, households, persons, verification.

use chrono::NaiveDate;
use gridbook_domain::validate::{parse_id_document, parse_name, parse_phone, parse_plate};
use gridbook_domain::{FieldError, IdKind, Relation, Residency, RiskTag, Vulnerable};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj, set_fields};
use crate::engine::text::parse_uuid;
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{get_setting, set_setting, Inner, Store};

/// A person to add, as typed (validated by the store).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NewPerson {
    /// Full name.
    pub name: String,
    /// ID document number; its kind is detected unless `id_kind` is given.
    pub id_number: String,
    /// Kind of document, if known.
    pub id_kind: Option<IdKind>,
    /// Phone.
    pub phone: Option<String>,
    /// Relation to the head (defaults to head for the first person, other otherwise).
    pub relation: Option<Relation>,
    /// Residency (defaults to 户籍).
    pub residency: Option<Residency>,
    /// Risk tags.
    pub tags: Vec<RiskTag>,
    /// 七类人.
    pub vulnerable: Vec<Vulnerable>,
    /// Plate.
    pub plate: Option<String>,
}

/// A household to add, with its head.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NewHousehold {
    /// Village.
    pub village_id: String,
    /// Group, if known.
    pub group_id: Option<String>,
    /// Address.
    pub address: String,
    /// Household phone (defaults to the head's).
    pub phone: Option<String>,
    /// The head of household.
    pub head: NewPerson,
}

/// A village as listed.
#[derive(Debug, Clone, Serialize)]
pub struct VillageRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Households not deleted.
    pub households: i64,
    /// Persons not deleted.
    pub persons: i64,
    /// The groups (组) of the village, in their natural order (一组, 二组, … 十一组).
    pub groups: Vec<GroupRow>,
}

/// A group (组) of a village.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A household as listed.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdRow {
    /// Id.
    pub id: String,
    /// Village.
    pub village_id: String,
    /// Group.
    pub group_id: Option<String>,
    /// Group name.
    pub group_name: Option<String>,
    /// Address.
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
pub struct PersonRow {
    /// Id.
    pub id: String,
    /// Household.
    pub household_id: String,
    /// Name.
    pub name: String,
    /// Gender code.
    pub gender: String,
    /// Document kind code.
    pub id_kind: String,
    /// Document number.
    pub id_number: String,
    /// Birth date.
    pub birth_date: Option<String>,
    /// Phone.
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
    /// Plate.
    pub plate: Option<String>,
    /// Address if different from the household's.
    pub address: Option<String>,
    /// Vaccination doses recorded.
    pub doses: i64,
    /// Latest test date and result.
    pub last_test: Option<String>,
}

/// A household with its residents.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdDetail {
    /// The household.
    #[serde(flatten)]
    pub household: HouseholdRow,
    /// Residents (not deleted).
    pub residents: Vec<PersonRow>,
    /// Fields of this household or its residents holding concurrent values.
    pub conflicts: Vec<crate::ConflictRow>,
}

/// A household nobody verified recently.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    /// Household.
    pub household_id: String,
    /// Village.
    pub village_id: String,
    /// Group name.
    pub group_name: Option<String>,
    /// Address.
    pub address: String,
    /// Head's name.
    pub head_name: Option<String>,
    /// Last verification, if ever.
    pub last_verified: Option<String>,
}

fn err(field: &'static str, reason: &'static str, zh: String, en: String) -> StoreError {
    StoreError::Invalid(FieldError::new(field, reason, zh, en))
}

/// The person fields of a validated new person. Defaults (mainland ID, 户籍) and what a
/// mainland ID number encodes (birth date, gender) are not stored: fewer operations per
/// record, and nothing that could disagree with the number.
pub(crate) fn person_fields(
    p: &NewPerson,
    household: &str,
    relation: Relation,
    today: NaiveDate,
) -> Result<Vec<(String, Val)>> {
    let name = parse_name(&p.name)?;
    let doc = parse_id_document(&p.id_number, p.id_kind, today)?;
    let phone = p
        .phone
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(parse_phone)
        .transpose()?;
    let plate = p
        .plate
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(parse_plate)
        .transpose()?;
    let mut f: Vec<(String, Val)> = vec![
        ("household_id".into(), household.into()),
        ("name".into(), name.into()),
        ("id_number".into(), doc.number.into()),
        ("phone".into(), phone.map(|p| p.number).into()),
        ("relation".into(), relation.code().into()),
        ("plate".into(), plate.into()),
    ];
    if doc.kind != IdKind::Mainland {
        f.push(("id_kind".into(), doc.kind.code().into()));
    }
    if let Some(r) = p.residency.filter(|r| *r != Residency::Registered) {
        f.push(("residency".into(), r.code().into()));
    }
    for t in &p.tags {
        f.push((format!("tag.{}", t.code()), Val::Bool(true)));
    }
    for v in &p.vulnerable {
        f.push((format!("vuln.{}", v.code()), Val::Bool(true)));
    }
    Ok(f)
}

pub(crate) fn as_pairs(f: &[(String, Val)]) -> Vec<(&str, Val)> {
    f.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()
}

impl Inner {
    pub(crate) fn township(&self) -> Result<Option<String>> {
        get_setting(&self.conn, "township_id")
    }

    /// The township id, created on first use.
    pub(crate) fn ensure_township(&mut self, id: Option<&str>, name: &str) -> Result<String> {
        if let Some(t) = self.township()? {
            return Ok(t);
        }
        let id = id.map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
        set_setting(&self.conn, "township_id", &id)?;
        let (now_ms, audit) = (self.now_ms(), self.audit("create"));
        let doc = doc_id(DocKind::Grid, &id);
        let Inner { conn, docs, .. } = self;
        docs.write(conn, &doc, None, audit, now_ms, |w| {
            if record_obj(&*w.tx, &id)?.is_none() {
                create_record(w.tx, &id, "township", &[("name", name.into())])?;
                w.touch(&id);
            }
            Ok(())
        })?;
        Ok(id)
    }

    pub(crate) fn village_exists(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM villages WHERE id = ?1 AND deleted = 0")?
            .exists([id])?)
    }

    fn person_village(&self, id: &str) -> Result<(String, String)> {
        self.conn
            .prepare_cached(
                "SELECT village_id, household_id FROM persons WHERE id = ?1 AND deleted = 0",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| StoreError::not_found("person", id))
    }

    fn household_village(&self, id: &str) -> Result<String> {
        self.conn
            .prepare_cached("SELECT village_id FROM households WHERE id = ?1 AND deleted = 0")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::not_found("household", id))
    }

    fn check_unique_id(&self, number: &str, except: Option<&str>) -> Result<()> {
        let found: Option<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT p.id, COALESCE(h.address, '') FROM persons p
                 LEFT JOIN households h ON h.id = p.household_id
                 WHERE p.id_number = ?1 AND p.deleted = 0",
            )?
            .query_map([number], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .filter_map(std::result::Result::ok)
            .find(|(id, _)| Some(id.as_str()) != except);
        match found {
            Some((_, addr)) => Err(err(
                "id_number",
                "duplicate",
                format!("证件号码已登记在“{addr}”"),
                format!("this ID number is already registered at '{addr}'"),
            )),
            None => Ok(()),
        }
    }
}

fn id_number_of(fields: &[(String, Val)]) -> String {
    fields
        .iter()
        .find(|(k, _)| k == "id_number")
        .and_then(|(_, v)| v.opt_str())
        .unwrap_or_default()
}

impl Store {
    /// Adds a village to the township (creating the township on first use).
    pub fn add_village(&self, name: &str) -> Result<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(err(
                "name",
                "length",
                "村（社区）名称应为1–40个字".into(),
                "village name must be 1–40 characters".into(),
            ));
        }
        let mut g = self.lock();
        let township = g.ensure_township(None, "本镇")?;
        let id = Uuid::new_v4().to_string();
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Grid, &township),
            None,
            audit,
            now_ms,
            |w| {
                create_record(w.tx, &id, "village", &[("name", name.into())])?;
                w.touch(&id);
                Ok(())
            },
        )?;
        Ok(id)
    }

    /// Adds a group (组/网格) to a village.
    pub fn add_group(&self, village_id: &str, name: &str) -> Result<String> {
        let village_id = parse_uuid("village", village_id)?;
        let mut g = self.lock();
        if !g.village_exists(&village_id)? {
            return Err(StoreError::not_found("village", village_id));
        }
        let township = g.ensure_township(None, "本镇")?;
        let id = Uuid::new_v4().to_string();
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Grid, &township),
            None,
            audit,
            now_ms,
            |w| {
                let f = [
                    ("village_id", Val::from(village_id.as_str())),
                    ("name", name.trim().into()),
                ];
                create_record(w.tx, &id, "group", &f)?;
                w.touch(&id);
                Ok(())
            },
        )?;
        Ok(id)
    }

    /// The township's name, once its grid document is on this device.
    pub fn township_name(&self) -> Result<Option<String>> {
        let mut g = self.lock();
        let Some(township) = g.township()? else {
            return Ok(None);
        };
        let Inner { conn, docs, .. } = &mut *g;
        let doc = docs.get(conn, &doc_id(DocKind::Grid, &township))?;
        Ok(crate::engine::record::read_record(doc, &township)?.and_then(|r| r.str("name")))
    }

    /// Villages of the township with their counts.
    pub fn villages(&self) -> Result<Vec<VillageRow>> {
        let g = self.lock();
        let mut st = g.conn.prepare(
            "SELECT v.id, v.name,
               (SELECT count(*) FROM households h WHERE h.village_id = v.id AND h.deleted = 0),
               (SELECT count(*) FROM persons p WHERE p.village_id = v.id AND p.deleted = 0)
             FROM villages v WHERE v.deleted = 0 ORDER BY v.name, v.id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(VillageRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    households: r.get(2)?,
                    persons: r.get(3)?,
                    groups: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut st = g
            .conn
            .prepare("SELECT village_id, id, name FROM groups WHERE deleted = 0")?;
        let mut groups = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    GroupRow {
                        id: r.get(1)?,
                        name: r.get(2)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        groups.sort_by(|a, b| {
            let key = |g: &GroupRow| {
                (
                    group_number(&g.name).unwrap_or(u32::MAX),
                    g.name.clone(),
                    g.id.clone(),
                )
            };
            key(&a.1).cmp(&key(&b.1))
        });
        let mut rows = rows;
        for (village, group) in groups {
            if let Some(v) = rows.iter_mut().find(|v| v.id == village) {
                v.groups.push(group);
            }
        }
        Ok(rows)
    }

    /// Adds a household with its head; returns (household id, person id).
    pub fn add_household(&self, h: &NewHousehold) -> Result<(String, String)> {
        let village = parse_uuid("village", &h.village_id)?;
        let address = h.address.trim().to_owned();
        if address.is_empty() || address.chars().count() > 100 {
            return Err(err(
                "address",
                "length",
                "地址应为1–100个字".into(),
                "address must be 1–100 characters".into(),
            ));
        }
        let hh_phone = h
            .phone
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(parse_phone)
            .transpose()?;
        let mut g = self.lock();
        if !g.village_exists(&village)? {
            return Err(StoreError::not_found("village", village));
        }
        let group = h
            .group_id
            .as_deref()
            .map(|s| parse_uuid("group", s))
            .transpose()?;
        let now = g.now_local();
        let hid = Uuid::new_v4().to_string();
        let pid = Uuid::new_v4().to_string();
        let relation = h.head.relation.unwrap_or(Relation::Head);
        let now_s = now.format("%Y-%m-%dT%H:%M:%S").to_string();
        let pf = person_fields(&h.head, &hid, relation, now.date())?;
        g.check_unique_id(&id_number_of(&pf), None)?;
        let phone = hh_phone.map(|p| p.number).or_else(|| {
            pf.iter()
                .find(|(k, _)| k == "phone")
                .and_then(|(_, v)| v.opt_str())
        });
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Ledger, &village),
            Some(&village),
            audit,
            now_ms,
            |w| {
                let hf = [
                    ("address", Val::from(address.as_str())),
                    ("group_id", group.clone().into()),
                    ("head_person_id", pid.as_str().into()),
                    ("phone", phone.clone().into()),
                    ("created_at", now_s.as_str().into()),
                ];
                create_record(w.tx, &hid, "household", &hf)?;
                create_record(w.tx, &pid, "person", &as_pairs(&pf))?;
                w.touch(&hid);
                w.touch(&pid);
                Ok(())
            },
        )?;
        Ok((hid, pid))
    }

    /// Adds a person to a household.
    pub fn add_person(&self, household_id: &str, p: &NewPerson) -> Result<String> {
        let hid = parse_uuid("household", household_id)?;
        let mut g = self.lock();
        let village = g.household_village(&hid)?;
        let now = g.now_local();
        let pf = person_fields(p, &hid, p.relation.unwrap_or(Relation::Other), now.date())?;
        g.check_unique_id(&id_number_of(&pf), None)?;
        let pid = Uuid::new_v4().to_string();
        let (now_ms, audit) = (g.now_ms(), g.audit("create"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Ledger, &village),
            Some(&village),
            audit,
            now_ms,
            |w| {
                create_record(w.tx, &pid, "person", &as_pairs(&pf))?;
                w.touch(&pid);
                Ok(())
            },
        )?;
        Ok(pid)
    }

    /// Edits fields of a person: `name`, `phone`, `id_number`, `relation`, `residency`,
    /// `tags` (`+密接`, `-密接`, or a full comma list), `vulnerable` (likewise), `works_away`,
    /// `plate`, `address`, `deleted`. Validates everything before writing anything.
    /// Returns the fields that changed.
    pub fn set_person(&self, person_id: &str, edits: &[(String, String)]) -> Result<Vec<String>> {
        let pid = parse_uuid("person", person_id)?;
        let mut g = self.lock();
        let (village, _) = g.person_village(&pid)?;
        let now = g.now_local();
        let current = self.person_row_locked(&g.conn, &pid)?;
        let fields = crate::ledger::edit::person_edits(&current, edits, now)?;
        if let Some((_, v)) = fields.iter().find(|(k, _)| k == "id_number") {
            g.check_unique_id(v.as_str().unwrap_or_default(), Some(&pid))?;
        }
        self.write_fields(&mut g, &village, &pid, &fields, "edit")
    }

    /// Edits fields of a household: `address`, `phone`, `group_id`, `head_person_id`, `deleted`.
    pub fn set_household(
        &self,
        household_id: &str,
        edits: &[(String, String)],
    ) -> Result<Vec<String>> {
        let hid = parse_uuid("household", household_id)?;
        let mut g = self.lock();
        let village = g.household_village(&hid)?;
        let now = g.now_local();
        let fields = crate::ledger::edit::household_edits(edits, now)?;
        self.write_fields(&mut g, &village, &hid, &fields, "edit")
    }

    pub(crate) fn write_fields(
        &self,
        g: &mut Inner,
        village: &str,
        rid: &str,
        fields: &[(String, Val)],
        what: &str,
    ) -> Result<Vec<String>> {
        let (now_ms, audit) = (g.now_ms(), g.audit(what));
        let Inner { conn, docs, .. } = g;
        docs.write(
            conn,
            &doc_id(DocKind::Ledger, village),
            Some(village),
            audit,
            now_ms,
            |w| {
                let obj =
                    record_obj(&*w.tx, rid)?.ok_or_else(|| StoreError::not_found("record", rid))?;
                let changed = set_fields(w.tx, &obj, fields)?;
                if !changed.is_empty() {
                    w.touch(rid);
                }
                Ok(changed)
            },
        )
    }

    /// Records that this device checked a household now (今日已核查). Returns the event id.
    pub fn verify_household(&self, household_id: &str) -> Result<String> {
        let hid = parse_uuid("household", household_id)?;
        let mut g = self.lock();
        let at = g.now_local().format("%Y-%m-%dT%H:%M:%S").to_string();
        let value = format!("{at}|{}", g.device);
        self.add_event(&mut g, &hid, "check.", value, "verify")
    }

    /// Records a vaccination dose of a person.
    pub fn record_vaccination(
        &self,
        person_id: &str,
        date: NaiveDate,
        vaccine: Option<&str>,
    ) -> Result<String> {
        let pid = parse_uuid("person", person_id)?;
        let mut g = self.lock();
        let value = format!("{date}|{}", vaccine.unwrap_or_default().trim());
        self.add_event(&mut g, &pid, "vax.", value, "vaccination")
    }

    /// Records a nucleic-acid test of a person.
    pub fn record_test(
        &self,
        person_id: &str,
        date: NaiveDate,
        result: gridbook_domain::TestResult,
    ) -> Result<String> {
        let pid = parse_uuid("person", person_id)?;
        let mut g = self.lock();
        self.add_event(
            &mut g,
            &pid,
            "test.",
            format!("{date}|{}", result.code()),
            "test",
        )
    }

    /// Adds an event (one field keyed by a fresh UUID) to a household or person record.
    fn add_event(
        &self,
        g: &mut Inner,
        owner: &str,
        prefix: &str,
        value: String,
        what: &str,
    ) -> Result<String> {
        let village = match prefix {
            "check." => g.household_village(owner)?,
            _ => g.person_village(owner)?.0,
        };
        let eid = Uuid::new_v4().to_string();
        let field = format!("{prefix}{eid}");
        self.write_fields(g, &village, owner, &[(field, value.into())], what)?;
        Ok(eid)
    }

    /// Households, optionally of one village, ordered by group and address.
    pub fn households(&self, village: Option<&str>) -> Result<Vec<HouseholdRow>> {
        let village = village.map(|v| parse_uuid("village", v)).transpose()?;
        let g = self.lock();
        let sql = format!(
            "{HOUSEHOLD_SELECT} WHERE h.deleted = 0 AND (?1 IS NULL OR h.village_id = ?1)
             ORDER BY h.village_id, g.name, h.address, h.id"
        );
        let mut st = g.conn.prepare(&sql)?;
        let rows = st
            .query_map([village], household_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// One page of households (for lists that must stay smooth with 100k of them), with the
    /// total count.
    pub fn households_page(
        &self,
        village: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<(i64, Vec<HouseholdRow>)> {
        let village = village.map(|v| parse_uuid("village", v)).transpose()?;
        let g = self.lock();
        let total: i64 = g.conn.query_row(
            "SELECT count(*) FROM households WHERE deleted = 0 AND (?1 IS NULL OR village_id = ?1)",
            [&village],
            |r| r.get(0),
        )?;
        let sql = format!(
            "{HOUSEHOLD_SELECT} WHERE h.rowid IN (SELECT rowid FROM households
               WHERE deleted = 0 AND (?1 IS NULL OR village_id = ?1)
               ORDER BY village_id, group_id, address LIMIT ?2 OFFSET ?3)
             ORDER BY h.village_id, h.group_id, h.address"
        );
        let rows = g
            .conn
            .prepare(&sql)?
            .query_map(
                params![village, limit.min(1000) as i64, offset as i64],
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

    fn person_row_locked(&self, conn: &Connection, id: &str) -> Result<PersonRow> {
        conn.prepare_cached(
            "SELECT id, household_id, name, gender, id_kind, id_number, birth_date, phone, relation,
               residency, tags, vulnerable, works_away, plate, address, doses, last_test
             FROM persons p WHERE id = ?1 AND deleted = 0",
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

    /// Households nobody verified in the last `days` days (counting today).
    pub fn coverage(&self, days: u32, village: Option<&str>) -> Result<Vec<CoverageRow>> {
        let village = village.map(|v| parse_uuid("village", v)).transpose()?;
        let g = self.lock();
        let today = g.now_local().date();
        let cutoff = today - chrono::Duration::days(i64::from(days.saturating_sub(1)));
        let cutoff = format!("{cutoff}T00:00:00");
        let mut st = g.conn.prepare(
            "SELECT h.id, h.village_id, g.name, h.address, p.name,
               (SELECT max(e.at) FROM events e WHERE e.household_id = h.id
                  AND e.kind = 'verification' AND e.deleted = 0) AS last
             FROM households h
             LEFT JOIN groups g ON g.id = h.group_id
             LEFT JOIN persons p ON p.id = h.head_person_id
             WHERE h.deleted = 0 AND (?2 IS NULL OR h.village_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM events e WHERE e.household_id = h.id
                  AND e.kind = 'verification' AND e.deleted = 0 AND e.at >= ?1)
             ORDER BY h.village_id, g.name, h.address, h.id",
        )?;
        let rows = st
            .query_map(params![cutoff, village], |r| {
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

/// The number a group's name starts with: "3组" → 3, "十一组" → 11, "二十组" → 20.
pub fn group_number(name: &str) -> Option<u32> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let (mut total, mut current, mut seen) = (0, 0, false);
    for c in name.chars() {
        match c {
            '十' => {
                total += if current == 0 { 10 } else { current * 10 };
                current = 0;
            }
            '两' => current = 2,
            c => match digit(c) {
                Some(d) => current = d,
                None => break,
            },
        }
        seen = true;
    }
    seen.then_some(total + current)
}

#[cfg(test)]
mod group_order_tests {
    use super::group_number;
    use crate::Store;

    #[test]
    fn villages_come_with_their_groups_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.add_village("红星村").unwrap();
        let b = store.add_village("沙坝村").unwrap();
        for name in ["十一组", "二组", "一组", "十组"] {
            store.add_group(&a, name).unwrap();
        }
        store.add_group(&b, "3组").unwrap();
        assert_eq!(store.township_name().unwrap().as_deref(), Some("本镇"));
        let villages = store.villages().unwrap();
        let names = |id: &str| -> Vec<String> {
            let v = villages.iter().find(|v| v.id == id).unwrap();
            v.groups.iter().map(|g| g.name.clone()).collect()
        };
        assert_eq!(names(&a), ["一组", "二组", "十组", "十一组"]);
        assert_eq!(names(&b), ["3组"]);
    }

    #[test]
    fn group_names_order_by_their_number() {
        assert_eq!(group_number("3组"), Some(3));
        assert_eq!(group_number("12组"), Some(12));
        assert_eq!(group_number("一组"), Some(1));
        assert_eq!(group_number("十组"), Some(10));
        assert_eq!(group_number("十一组"), Some(11));
        assert_eq!(group_number("二十组"), Some(20));
        assert_eq!(group_number("二十三组"), Some(23));
        assert_eq!(group_number("东组"), None);
    }
}
