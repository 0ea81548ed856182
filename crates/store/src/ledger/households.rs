//! The household ledger (一户一档), the writes: households, persons, their events and
//! verification.

use chrono::NaiveDate;
use gridbook_domain::validate::{parse_id_document, parse_name, parse_phone, parse_plate};
use gridbook_domain::{FieldError, IdKind, Relation, Residency, RiskTag, Vulnerable};
use rusqlite::OptionalExtension;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj, set_fields};
use crate::engine::text::parse_uuid;
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// A person to add, as typed (validated by the store).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PersonInput", optional_fields = nullable))]
#[serde(rename_all = "camelCase", default)]
pub struct NewPerson {
    /// Full name.
    pub name: String,
    /// ID document number; its kind is detected unless `id_kind` is given.
    pub id_number: String,
    /// Kind of document, if known.
    pub id_kind: Option<IdKind>,
    /// Mobile phone, if any.
    pub phone: Option<String>,
    /// Relation to the head (defaults to head for the first person, other otherwise).
    pub relation: Option<Relation>,
    /// Residency (defaults to 户籍).
    pub residency: Option<Residency>,
    /// Risk tags.
    pub tags: Vec<RiskTag>,
    /// 七类人.
    pub vulnerable: Vec<Vulnerable>,
    /// Vehicle plate, if any.
    pub plate: Option<String>,
}

/// A household to add, with its head.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "HouseholdInput", optional_fields = nullable))]
#[serde(rename_all = "camelCase", default)]
pub struct NewHousehold {
    /// The village the household lives in.
    pub village_id: String,
    /// Group, if known.
    pub group_id: Option<String>,
    /// Address within the village, e.g. 3组12号.
    pub address: String,
    /// Household phone (defaults to the head's).
    pub phone: Option<String>,
    /// The head of household.
    pub head: NewPerson,
}

pub(crate) fn err(field: &'static str, reason: &'static str, zh: String, en: String) -> StoreError {
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
            // A person merged into another keeps its number: adding it again would bring the
            // duplicate back.
            None if crate::ledger::merge::number_merged(&self.conn, number)? => Err(err(
                "id_number",
                "duplicate",
                "证件号码已登记（该人员已合并到他人）".into(),
                "this ID number is registered (the person was merged into another)".into(),
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
        let number = fields.iter().find(|(k, _)| k == "id_number");
        if let Some((_, v)) = number {
            g.check_unique_id(v.as_str().unwrap_or_default(), Some(&pid))?;
        }
        // A corrected number: the control records of the person's open cases follow it.
        if number.is_some_and(|(_, v)| v.as_str() != Some(current.id_number.as_str())) {
            return g.correcting_number(&village, &pid, |g| {
                self.write_fields(g, &village, &pid, &fields, "edit")
            });
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

    /// Records that this device checked a household now (今日已核查). Returns the event id:
    /// the one already made today, if any.
    pub fn verify_household(&self, household_id: &str) -> Result<String> {
        let hid = parse_uuid("household", household_id)?;
        let mut g = self.lock();
        let now = g.now_local();
        // One check a day is what the ledger keeps: a second tap the same day (or a second
        // worker) returns the check already made instead of adding another.
        let today: Option<String> = g
            .conn
            .query_row(
                "SELECT id FROM events WHERE household_id = ?1 AND kind = 'verification'
                   AND deleted = 0 AND at >= ?2 ORDER BY at DESC LIMIT 1",
                rusqlite::params![hid, now.format("%Y-%m-%d").to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = today {
            return Ok(id);
        }
        let at = now.format("%Y-%m-%dT%H:%M:%S").to_string();
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
}
