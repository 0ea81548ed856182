//! Writing the control list (see `control_list` for what a record holds and who reads it).
//!
//! A control record follows its case in the same local commit as every case event that may
//! change it ([`Inner::write_case_event`]), follows its person's ID number when the ledger
//! corrects it ([`Inner::correcting_number`]), and is backfilled for open cases that have none
//! ([`Store::backfill_control_list`]): cases started before the list existed, or on a device
//! of an older version. Every writer derives the record id from the case id, so two devices
//! that write a case's record concurrently merge into one record.

use rusqlite::OptionalExtension;

use gridbook_domain::isolation::CaseStatus;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::docs::Write;
use crate::engine::record::{create_record, record_obj, set_fields};
use crate::engine::rights::check_write;
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::isolation::cases::parse_spec;
use crate::isolation::control_list::{control_record_id, id_hash, phases_text};
use crate::{Inner, Store};

/// A case as its control record needs it, read from the projections.
struct CaseFacts {
    person_id: String,
    spec: String,
    start: String,
    status: String,
    deleted: bool,
    alarm: Option<String>,
    cleared: Option<String>,
    id_number: Option<String>,
}

const CASE_FACTS: &str = "
    SELECT c.person_id, c.policy, c.start, c.status, c.deleted,
      (SELECT max(a) FROM (
         SELECT v.at AS a FROM visits v WHERE v.case_id = c.id AND v.escalated = 1
         UNION ALL
         SELECT t.date || 'T00:00' FROM tests t WHERE t.case_id = c.id AND t.result = 'positive')),
      (SELECT max(r.at) FROM referrals r WHERE r.case_id = c.id AND r.outcome = 'cleared'),
      (SELECT p.id_number FROM persons p WHERE p.id = c.person_id)
    FROM cases c WHERE c.id = ?1";

/// Open cases (not deleted), by village: `?1` a person's (whatever its ID number), or NULL:
/// everyone's whose person has an ID number (the cases a control record can serve).
const OPEN_CASES: &str = "
    SELECT c.village_id, c.id FROM cases c JOIN persons p ON p.id = c.person_id
    WHERE c.deleted = 0 AND c.status IN ('active', 'escalated', 'referred')
      AND (c.person_id = ?1 OR (?1 IS NULL AND trim(coalesce(p.id_number, '')) <> ''))
    ORDER BY c.village_id, c.start, c.id";

/// What one control record is to become.
struct ControlUpdate {
    id: String,
    fields: Vec<(String, Val)>,
    /// Whether `fields` hold an `id_hash` (a record is created only with one).
    hashed: bool,
}

impl Inner {
    /// Runs `f` as one local commit: the documents it writes all change or none does
    /// (`docs`: those it may write, dropped from the cache if it fails). Inside a caller's
    /// transaction, a savepoint of it.
    pub(crate) fn one_commit<R>(
        &mut self,
        docs: &[String],
        f: impl FnOnce(&mut Self) -> Result<R>,
    ) -> Result<R> {
        let outer = self.conn.is_autocommit();
        // Every change written inside carries the same mark, so that discarding a refused
        // edit finds all of it (a nested commit is part of the outer one).
        let marked = self.docs.commit.is_none();
        if marked {
            self.docs.commit = Some(uuid::Uuid::now_v7().simple().to_string());
        }
        let out = self.one_commit_marked(outer, docs, f);
        if marked {
            self.docs.commit = None;
        }
        out
    }

    fn one_commit_marked<R>(
        &mut self,
        outer: bool,
        docs: &[String],
        f: impl FnOnce(&mut Self) -> Result<R>,
    ) -> Result<R> {
        self.conn.execute_batch(if outer {
            "BEGIN IMMEDIATE"
        } else {
            "SAVEPOINT one_commit"
        })?;
        let out = f(self).and_then(|out| {
            self.conn.execute_batch(if outer {
                "COMMIT"
            } else {
                "RELEASE one_commit"
            })?;
            Ok(out)
        });
        if out.is_err() {
            let undo = if outer {
                "ROLLBACK"
            } else {
                "ROLLBACK TO one_commit; RELEASE one_commit"
            };
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch(undo);
            }
            for d in docs {
                self.docs.evict(d);
            }
        }
        out
    }

    /// Writes a case event to the village's isolation document and, in the same local
    /// commit, brings the case's control record up to date (`control`: the event may change
    /// it). Either both documents change or neither.
    pub(crate) fn write_case_event<R>(
        &mut self,
        village: &str,
        case_id: &str,
        what: &str,
        control: bool,
        f: impl FnOnce(&mut Write<'_, '_>) -> Result<R>,
    ) -> Result<R> {
        if !control {
            return self.write_isolation(village, what, f);
        }
        let docs = [
            doc_id(DocKind::Isolation, village),
            doc_id(DocKind::Control, village),
        ];
        self.one_commit(&docs, |g| {
            let out = g.write_isolation(village, what, f)?;
            g.sync_control(village, case_id, false)?;
            Ok(out)
        })
    }

    /// Brings the control record of `case_id` up to date with the case as this store's
    /// projections show it (called after the case event is projected). Creates it with the
    /// ID number's hash if it is missing (a case started before the list existed gets one
    /// at its next event); `rehash`: the person's ID number was corrected, the hash follows.
    /// A person with no ID number gets no record (nothing could match it).
    pub(crate) fn sync_control(
        &mut self,
        village: &str,
        case_id: &str,
        rehash: bool,
    ) -> Result<()> {
        match self.control_update(village, case_id, rehash)? {
            Some(u) => self.write_control(village, &[u]).map(|_| ()),
            None => Ok(()),
        }
    }

    /// What the control record of `case_id` is to become; `None` if nothing is to be written
    /// (no township yet, no such case, or no record and no ID number to make one with).
    fn control_update(
        &mut self,
        village: &str,
        case_id: &str,
        rehash: bool,
    ) -> Result<Option<ControlUpdate>> {
        let Some(township) = self.township()? else {
            return Ok(None);
        };
        let facts = self
            .conn
            .prepare_cached(CASE_FACTS)?
            .query_row([case_id], |r| {
                Ok(CaseFacts {
                    person_id: r.get(0)?,
                    spec: r.get(1)?,
                    start: r.get(2)?,
                    status: r.get(3)?,
                    deleted: r.get(4)?,
                    alarm: r.get(5)?,
                    cleared: r.get(6)?,
                    id_number: r.get(7)?,
                })
            })
            .optional()?;
        let Some(c) = facts else {
            return Ok(None);
        };
        let ended = if c.deleted {
            Some(CaseStatus::Cancelled.code().to_owned())
        } else {
            CaseStatus::parse(&c.status)
                .ok()
                .filter(|s| !s.is_open())
                .map(|s| s.code().to_owned())
        };
        let phases = phases_text(&parse_spec(&c.spec)?);
        let id = control_record_id(case_id);
        let exists = {
            let doc = doc_id(DocKind::Control, village);
            let Inner { conn, docs, .. } = &mut *self;
            record_obj(&*docs.get(conn, &doc)?, &id)?.is_some()
        };
        let mut fields: Vec<(String, Val)> = vec![
            ("case_id".into(), case_id.into()),
            ("person_id".into(), c.person_id.as_str().into()),
            ("phases".into(), phases.as_str().into()),
            ("start".into(), c.start.as_str().into()),
            ("alarm_at".into(), c.alarm.clone().into()),
            ("cleared_at".into(), c.cleared.clone().into()),
            ("ended".into(), ended.into()),
        ];
        let number = c.id_number.as_deref().map(str::trim).unwrap_or_default();
        let hashed = (!exists || rehash) && !number.is_empty();
        if hashed {
            fields.push(("id_hash".into(), id_hash(&township, number)?.into()));
        } else if !exists {
            return Ok(None);
        }
        Ok(Some(ControlUpdate { id, fields, hashed }))
    }

    /// Writes control records of `village` in one change of its list; returns how many it
    /// created or changed.
    fn write_control(&mut self, village: &str, updates: &[ControlUpdate]) -> Result<usize> {
        let doc = doc_id(DocKind::Control, village);
        let (now_ms, audit) = (self.now_ms(), self.audit("control"));
        let Inner { conn, docs, .. } = self;
        docs.write(conn, &doc, Some(village), audit, now_ms, |w| {
            let mut written = 0;
            for u in updates {
                let changed = match record_obj(&*w.tx, &u.id)? {
                    Some(obj) => !set_fields(w.tx, &obj, &u.fields)?.is_empty(),
                    None if u.hashed => {
                        let pairs: Vec<(&str, Val)> = u
                            .fields
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.clone()))
                            .collect();
                        create_record(w.tx, &u.id, "control", &pairs)?;
                        true
                    }
                    None => false,
                };
                if changed {
                    w.touch(&u.id);
                    written += 1;
                }
            }
            Ok(written)
        })
    }

    /// Open cases (village, case id) of `person`, or of everyone with an ID number to hash.
    fn open_cases(&self, person: Option<&str>) -> Result<Vec<(String, String)>> {
        let mut st = self.conn.prepare_cached(OPEN_CASES)?;
        let rows = st.query_map([person], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Runs `f`, a write of `village`'s ledger that corrects the ID number of `person`, and
    /// in the same local commit gives the control records of the person's open cases the
    /// hash of the number the ledger then holds: the corrected number matches at every
    /// checkpoint, the old one no longer does. With no open case, `f` alone.
    pub(crate) fn correcting_number<R>(
        &mut self,
        village: &str,
        person: &str,
        f: impl FnOnce(&mut Self) -> Result<R>,
    ) -> Result<R> {
        let cases = self.open_cases(Some(person))?;
        if cases.is_empty() {
            return f(self);
        }
        let mut docs = vec![doc_id(DocKind::Ledger, village)];
        docs.extend(cases.iter().map(|(v, _)| doc_id(DocKind::Control, v)));
        self.one_commit(&docs, |g| {
            let out = f(g)?;
            for (village, case_id) in &cases {
                g.sync_control(village, case_id, true)?;
            }
            Ok(out)
        })
    }
}

impl Store {
    /// Gives every open case of a village whose isolation cases this device may write (its
    /// role and scope, by the store's rights rule) a control record if it has none: cases
    /// started before the list existed, or written by a device of an older version. All in
    /// one local commit (one change per village's list); returns how many records it wrote,
    /// 0 when none was missing. Called when a sync ends (see `gridbook_sync::client::sync`).
    pub fn backfill_control_list(&self) -> Result<usize> {
        let mut g = self.lock();
        if g.township()?.is_none() {
            return Ok(0);
        }
        let mut missing: Vec<(String, Vec<String>)> = Vec::new();
        let mut has = g
            .conn
            .prepare_cached("SELECT 1 FROM control_list WHERE id = ?1")?;
        for (village, case_id) in g.open_cases(None)? {
            if has.exists([control_record_id(&case_id)])? {
                continue;
            }
            match missing.last_mut() {
                Some((v, cases)) if *v == village => cases.push(case_id),
                _ => missing.push((village, vec![case_id])),
            }
        }
        drop(has);
        missing.retain(|(village, _)| {
            check_write(&g.conn, &doc_id(DocKind::Isolation, village)).is_ok()
        });
        if missing.is_empty() {
            return Ok(0);
        }
        let docs: Vec<String> = missing
            .iter()
            .map(|(v, _)| doc_id(DocKind::Control, v))
            .collect();
        g.one_commit(&docs, |g| {
            let mut written = 0;
            for (village, cases) in &missing {
                let mut updates = Vec::new();
                for case_id in cases {
                    match g.control_update(village, case_id, false) {
                        Ok(u) => updates.extend(u),
                        // A case this store cannot read (a policy snapshot a hostile device
                        // garbled) is left as it is: it must not stop every later sync.
                        Err(StoreError::Corrupt(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
                if !updates.is_empty() {
                    written += g.write_control(village, &updates)?;
                }
            }
            Ok(written)
        })
    }
}
