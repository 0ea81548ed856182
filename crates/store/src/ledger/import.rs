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

use std::collections::{BTreeMap, HashMap, HashSet};

use gridbook_domain::Relation;
use rusqlite::Connection;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::ledger::households::{person_fields, NewPerson};
use crate::ledger::import_village::write_village;
use crate::Store;

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
pub(crate) struct Built {
    pub(crate) household: Option<(String, Vec<(String, Val)>)>,
    pub(crate) persons: Vec<(String, Vec<(String, Val)>)>,
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
        // Several villages' shares are written in one transaction, each in a savepoint of it
        // (`Docs::mutate` inside a transaction). One village's share, as most batches are, is
        // written in `Docs::mutate`'s own IMMEDIATE transaction: the batch is still one
        // transaction, and no savepoint copies every page it changes into a journal first.
        let shared = villages.len() > 1;
        if shared {
            g.conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        let mut written = ImportWritten::default();
        let result = villages.iter().try_for_each(|(village, (hh, ff))| {
            let mut seen = HashSet::new();
            let built = hh
                .iter()
                .map(|h| {
                    Ok((
                        *h,
                        build(&g.conn, h, today, &created, &mut seen, &mut written)?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            write_village(&mut g, village, &built, ff, &mut written)
        });
        let committed = match shared {
            true => result.and_then(|()| Ok(g.conn.execute_batch("COMMIT")?)),
            false => result,
        };
        match committed {
            Ok(()) => Ok(written),
            Err(e) => {
                if shared {
                    let _ = g.conn.execute_batch("ROLLBACK");
                }
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
