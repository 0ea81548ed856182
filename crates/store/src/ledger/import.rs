//! Bulk writes of a roster import (一户一档 sheets): many households per SQLite transaction.
//!
//! The planning (reading the file, matching rows to the ledger) lives in gridbook-import; this
//! file only reads what that plan needs from the projections and writes a batch of its
//! decisions. Person records are built by the ledger's own `person_fields` (so an imported
//! person is laid out exactly like one typed in) and written like the demo loader writes: one
//! Automerge change per household inside one `Docs::mutate` per village, all villages of a
//! batch in one IMMEDIATE transaction. A batch commits whole or not at all, and it re-checks
//! every ID number inside its transaction, so an import killed half-way and run again never
//! makes a second person with the same number.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{hydrate, ObjId, ReadDoc, ROOT};
use gridbook_domain::Relation;
use rusqlite::Connection;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::docs::Audit;
use crate::engine::record::{record_obj, set_fields, TYPE};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::ledger::households::{person_fields, NewPerson};
use crate::{Inner, Store};

/// A person of the ledger as an import compares it with a row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPerson {
    /// Person id.
    pub id: String,
    /// Household id.
    pub household_id: String,
    /// Village id.
    pub village_id: String,
    /// The person's name as in the file (normalised).
    pub name: String,
    /// Normalized document number.
    pub id_number: String,
    /// Phone, if any.
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
    /// Plate, if any.
    pub plate: Option<String>,
}

/// A person to create in an import batch.
#[derive(Debug, Clone)]
pub struct ImportPerson {
    /// The person as read from the file (validated again when written).
    pub person: NewPerson,
    /// Relation to the head.
    pub relation: Relation,
    /// Works away from home (外出务工).
    pub works_away: bool,
    /// The person's own address, when it differs from the household's.
    pub address: Option<String>,
}

/// A household of an import batch: a new one, or persons added to one of the ledger.
#[derive(Debug, Clone)]
pub struct ImportHousehold {
    /// The village the household is imported into.
    pub village_id: String,
    /// The ledger household these persons join; `None` creates a household.
    pub existing: Option<String>,
    /// Group of a new household.
    pub group_id: Option<String>,
    /// Address of a new household.
    pub address: String,
    /// Phone of a new household.
    pub phone: Option<String>,
    /// Persons to create; of a new household, the head is the first with relation 户主 (else
    /// the first).
    pub persons: Vec<ImportPerson>,
}

/// Empty fields of a ledger person that an import fills.
#[derive(Debug, Clone)]
pub struct ImportFill {
    /// Village of the person.
    pub village_id: String,
    /// Person id.
    pub person_id: String,
    /// Fields to set (only fields that were empty in the ledger).
    pub fields: Vec<(String, Val)>,
}

/// What one import batch wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportWritten {
    /// Households created.
    pub households_added: usize,
    /// Persons created.
    pub persons_added: usize,
    /// Persons whose empty fields were filled.
    pub persons_updated: usize,
    /// Persons not created because their number was already in the ledger when the batch
    /// ran (another process wrote them since the plan was made).
    pub persons_skipped: usize,
}

/// Whether a person with this exact document number exists (through the search index's
/// exact-number term, so it is one index lookup), or a person merged into another has it (a
/// merged person has no search terms: by the number's partial index): importing the same
/// roster again must not bring a merged duplicate back.
fn id_number_taken(conn: &Connection, number: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM search_terms t JOIN persons p ON p.rowid = t.person
             WHERE t.term = ?1 AND p.id_number = ?2 AND p.deleted = 0",
        )?
        .exists([crate::ledger::search::id_term(number), number.to_owned()])?
        || crate::ledger::merge::number_merged(conn, number)?)
}

fn split_codes(s: String) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Built and validated records of one household, ready to write.
struct Built {
    household: Option<(String, Vec<(String, Val)>)>,
    persons: Vec<(String, Vec<(String, Val)>)>,
}

impl Store {
    /// The ledger persons (not deleted) whose document number is one of `numbers`, by number.
    pub fn import_snapshot(
        &self,
        numbers: &HashSet<String>,
    ) -> Result<HashMap<String, LedgerPerson>> {
        let g = self.lock();
        let mut st = g.conn.prepare(
            "SELECT id, household_id, village_id, name, id_number, phone, relation, residency,
               tags, vulnerable, works_away, plate FROM persons WHERE deleted = 0",
        )?;
        let mut rows = st.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let number: String = r.get(4)?;
            if !numbers.contains(&number) {
                continue;
            }
            let p = LedgerPerson {
                id: r.get(0)?,
                household_id: r.get(1)?,
                village_id: r.get(2)?,
                name: r.get(3)?,
                id_number: number.clone(),
                phone: r.get::<_, Option<String>>(5)?.filter(|s| !s.is_empty()),
                relation: r.get(6)?,
                residency: r.get(7)?,
                tags: split_codes(r.get(8)?),
                vulnerable: split_codes(r.get(9)?),
                works_away: r.get(10)?,
                plate: r.get::<_, Option<String>>(11)?.filter(|s| !s.is_empty()),
            };
            out.insert(number, p);
        }
        Ok(out)
    }

    /// Writes one batch of an import in one transaction: new households with their persons,
    /// persons joining ledger households, and filled fields. Every record is validated before
    /// anything is written; a person whose number is already in the ledger is skipped.
    pub fn import_write(
        &self,
        households: &[ImportHousehold],
        fills: &[ImportFill],
    ) -> Result<ImportWritten> {
        let mut g = self.lock();
        let now = g.now_local();
        let today = now.date();
        let created = now.format("%Y-%m-%dT%H:%M:%S").to_string();
        let mut villages: BTreeMap<&str, (Vec<&ImportHousehold>, Vec<&ImportFill>)> =
            BTreeMap::new();
        for h in households {
            villages.entry(&h.village_id).or_default().0.push(h);
        }
        for f in fills {
            villages.entry(&f.village_id).or_default().1.push(f);
        }
        for v in villages.keys() {
            if !g.village_exists(v)? {
                return Err(StoreError::not_found("village", *v));
            }
        }
        g.conn.execute_batch("BEGIN IMMEDIATE")?;
        let mut written = ImportWritten::default();
        let result = villages.iter().try_for_each(|(village, (hh, ff))| {
            write_village(&mut g, village, hh, ff, today, &created, &mut written)
        });
        match result.and_then(|()| Ok(g.conn.execute_batch("COMMIT")?)) {
            Ok(()) => Ok(written),
            Err(e) => {
                let _ = g.conn.execute_batch("ROLLBACK");
                for v in villages.keys() {
                    g.docs.evict(&doc_id(DocKind::Ledger, v));
                }
                Err(e)
            }
        }
    }
}

/// Builds the records of one household, leaving out persons whose number is taken (in the
/// ledger, or earlier in this batch).
///
/// Imported records get time-ordered ids (UUID v7): an import writes hundreds of thousands of
/// them, and ids that sort by creation make the id, owner and household indexes grow at their
/// end instead of at random pages (half the bytes an import writes, bench-import). The time in
/// the id is the import's, which the record's `created_at` says anyway.
fn build(
    conn: &Connection,
    h: &ImportHousehold,
    today: chrono::NaiveDate,
    created: &str,
    seen: &mut HashSet<String>,
    written: &mut ImportWritten,
) -> Result<Built> {
    let hid = h
        .existing
        .clone()
        .unwrap_or_else(|| Uuid::now_v7().to_string());
    let mut persons = Vec::new();
    let mut head = None;
    for p in &h.persons {
        let pid = Uuid::now_v7().to_string();
        let mut f = person_fields(&p.person, &hid, p.relation, today)?;
        let number = f
            .iter()
            .find(|(k, _)| k == "id_number")
            .and_then(|(_, v)| v.opt_str())
            .unwrap_or_default();
        if !seen.insert(number.clone()) || id_number_taken(conn, &number)? {
            written.persons_skipped += 1;
            continue;
        }
        if p.works_away {
            f.push(("works_away".into(), Val::Bool(true)));
        }
        if let Some(a) = p
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            f.push(("address".into(), a.into()));
        }
        if p.relation == Relation::Head && head.is_none() {
            head = Some(pid.clone());
        }
        persons.push((pid, f));
    }
    let household = match (&h.existing, persons.is_empty()) {
        (None, false) => {
            let head = head.or_else(|| persons.first().map(|(pid, _)| pid.clone()));
            let address = h.address.trim();
            if address.is_empty() || address.chars().count() > 100 {
                return Err(StoreError::Invalid(gridbook_domain::FieldError::new(
                    "address",
                    "length",
                    "地址应为1–100个字",
                    "address must be 1–100 characters",
                )));
            }
            let phone = h.phone.clone().or_else(|| {
                persons
                    .first()
                    .and_then(|(_, f)| f.iter().find(|(k, _)| k == "phone"))
                    .and_then(|(_, v)| v.opt_str())
            });
            Some((
                hid,
                vec![
                    ("address".into(), address.into()),
                    ("group_id".into(), h.group_id.clone().into()),
                    ("head_person_id".into(), head.into()),
                    ("phone".into(), phone.into()),
                    ("created_at".into(), created.into()),
                ],
            ))
        }
        _ => None,
    };
    Ok(Built { household, persons })
}

/// Creates a record with its type and fields, as `engine::record::create_record` does (the
/// same map, the same values, null fields left out), through Automerge's batch insertion: two
/// splices of the document's operations per record instead of one per field, which made the
/// bulk of an import's time in a village document of thousands of records.
fn create_batched(
    tx: &mut impl Transactable,
    id: &str,
    kind: &str,
    fields: &[(String, Val)],
) -> Result<()> {
    let mut map = HashMap::with_capacity(fields.len() + 1);
    for (k, v) in fields.iter().filter(|(_, v)| *v != Val::Null) {
        map.insert(k.clone(), hydrate::Value::Scalar(v.to_scalar()));
    }
    map.insert(TYPE.to_owned(), hydrate::Value::Scalar(kind.into()));
    tx.batch_create_object(ROOT, id, &hydrate::Value::Map(map.into()), false)?;
    Ok(())
}

/// Whether a record's field is absent, null, empty text or `false`: what an import may fill.
fn is_empty_field(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> bool {
    match doc.get(obj, key) {
        Ok(None) => true,
        Ok(Some((automerge::Value::Scalar(s), _))) => {
            matches!(Val::from_scalar(&s), Val::Null | Val::Bool(false))
                || Val::from_scalar(&s).as_str() == Some("")
        }
        _ => false,
    }
}

fn audit_message(device: &str, ids: &[String]) -> String {
    let mut audit = Audit {
        device: device.to_owned(),
        records: Vec::new(),
        what: "import".into(),
        commit: String::new(),
    };
    audit.set_records(ids);
    serde_json::to_string(&audit).unwrap_or_default()
}

/// Writes one village's share of a batch inside the caller's transaction.
fn write_village(
    g: &mut Inner,
    village: &str,
    hh: &[&ImportHousehold],
    ff: &[&ImportFill],
    today: chrono::NaiveDate,
    created: &str,
    written: &mut ImportWritten,
) -> Result<()> {
    let mut seen = HashSet::new();
    let mut built = Vec::with_capacity(hh.len());
    for h in hh {
        built.push((h, build(&g.conn, h, today, created, &mut seen, written)?));
    }
    let (now_ms, device) = (g.now_ms(), g.device.clone());
    let Inner { conn, docs, .. } = g;
    let ledger = doc_id(DocKind::Ledger, village);
    docs.mutate_with(conn, &ledger, Some(village), now_ms, |doc, conn| {
        crate::engine::rights::check_write(conn, &ledger)?;
        let before = doc.get_heads();
        let mut touched = BTreeSet::new();
        for (h, b) in &built {
            if b.persons.is_empty() {
                continue;
            }
            let mut ids = Vec::new();
            let mut tx = doc.transaction();
            if let Some((hid, hf)) = &b.household {
                create_batched(&mut tx, hid, "household", hf)?;
                ids.push(hid.clone());
                written.households_added += 1;
            } else if let Some(hid) = &h.existing {
                // Joining a ledger household: its record is re-projected (resident count).
                ids.push(hid.clone());
            }
            for (pid, pf) in &b.persons {
                create_batched(&mut tx, pid, "person", pf)?;
                ids.push(pid.clone());
            }
            written.persons_added += b.persons.len();
            tx.commit_with(
                CommitOptions::default()
                    .with_message(audit_message(&device, &ids))
                    .with_time(now_ms),
            );
            touched.extend(ids);
        }
        if !ff.is_empty() {
            let mut ids = Vec::new();
            let mut tx = doc.transaction();
            for f in ff {
                let Some(obj) = record_obj(&tx, &f.person_id)? else {
                    continue;
                };
                // Only fields still empty: a value set since the plan is never overwritten.
                let empty: Vec<(String, Val)> = f
                    .fields
                    .iter()
                    .filter(|(k, _)| is_empty_field(&tx, &obj, k))
                    .cloned()
                    .collect();
                if !set_fields(&mut tx, &obj, &empty)?.is_empty() {
                    ids.push(f.person_id.clone());
                    written.persons_updated += 1;
                }
            }
            tx.commit_with(
                CommitOptions::default()
                    .with_message(audit_message(&device, &ids))
                    .with_time(now_ms),
            );
            touched.extend(ids);
        }
        // What a relay will check of these changes, checked before they are kept: ids
        // unique across the township, types fixed at creation.
        crate::engine::integrity::check_records(conn, &ledger, doc, &before, &touched)?;
        Ok(Some(touched))
    })?;
    Ok(())
}
