//! Importing the demo township of gridbook-domain's generator, one village at a time.

use std::collections::BTreeSet;

use automerge::transaction::CommitOptions;
use automerge::Automerge;
use chrono::NaiveDate;
use gridbook_domain::demo::{self, DemoHousehold};
use gridbook_domain::{IdKind, Residency};
use serde::Serialize;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::docs::Audit;
use crate::engine::record::{create_record, record_obj, RecordView};
use crate::engine::value::Val;
use crate::error::Result;
use crate::{set_setting, Inner, Store};

/// Villages written per SQLite commit. Each village adds some 50k search-index rows at
/// random places of a large index, so one commit dirties a large share of its pages; ten
/// villages a commit write each such page once instead of ten times.
const VILLAGES_PER_COMMIT: usize = 10;

/// What a demo import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoReport {
    /// Township id.
    pub township_id: String,
    /// Villages in the plan.
    pub villages: usize,
    /// Households created now (0 when the same seed ran before).
    pub households_created: usize,
    /// Persons created now.
    pub persons_created: usize,
    /// Households that already existed.
    pub households_existing: usize,
}

fn person_fields(p: &gridbook_domain::Person, h: &DemoHousehold) -> Vec<(String, Val)> {
    let mut f: Vec<(String, Val)> = vec![
        ("household_id".into(), p.household_id.to_string().into()),
        ("name".into(), p.name.clone().into()),
        ("id_number".into(), p.id_number.clone().into()),
        ("phone".into(), p.phone.clone().into()),
        ("relation".into(), p.relation.code().into()),
        ("plate".into(), p.plate.clone().into()),
        ("address".into(), p.address.clone().into()),
    ];
    // Same layout as a person added through the ledger: defaults and what the mainland
    // number encodes are not stored.
    if p.id_kind != IdKind::Mainland {
        f.push(("id_kind".into(), p.id_kind.code().into()));
        f.push(("gender".into(), p.gender.code().into()));
        f.push((
            "birth_date".into(),
            p.birth_date.map(|d| d.to_string()).into(),
        ));
    }
    if p.residency != Residency::Registered {
        f.push(("residency".into(), p.residency.code().into()));
    }
    if p.works_away {
        f.push(("works_away".into(), Val::Bool(true)));
    }
    for t in &p.risk_tags {
        f.push((format!("tag.{}", t.code()), Val::Bool(true)));
    }
    for v in &p.vulnerable {
        f.push((format!("vuln.{}", v.code()), Val::Bool(true)));
    }
    for v in h.vaccinations.iter().filter(|v| v.person_id == p.id) {
        let value = format!("{}|{}", v.date, v.vaccine.as_deref().unwrap_or_default());
        f.push((format!("vax.{}", v.id), value.into()));
    }
    for t in h.tests.iter().filter(|t| t.person_id == p.id) {
        f.push((
            format!("test.{}", t.id),
            format!("{}|{}", t.date, t.result.code()).into(),
        ));
    }
    f
}

fn pairs(f: &[(String, Val)]) -> Vec<(&str, Val)> {
    f.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()
}

impl Store {
    /// Creates the demo township for `seed`: `villages` villages and `households` households
    /// in all. Idempotent per seed: records that exist are left alone.
    pub fn demo(
        &self,
        seed: u64,
        villages: usize,
        households: usize,
        today: NaiveDate,
    ) -> Result<DemoReport> {
        let plan = demo::plan(seed, villages, households);
        let mut report = DemoReport {
            villages: plan.villages.len(),
            ..Default::default()
        };
        let township = {
            let mut g = self.lock();
            let t = plan.township.id.to_string();
            let t = g.ensure_township(Some(&t), &plan.township.name)?;
            set_setting(&g.conn, "township_name", &plan.township.name)?;
            t
        };
        report.township_id = township.clone();
        self.demo_grid(&township, &plan)?;
        let villages: Vec<usize> = (0..plan.villages.len()).collect();
        for batch in villages.chunks(VILLAGES_PER_COMMIT) {
            let mut g = self.lock();
            g.conn.execute_batch("BEGIN IMMEDIATE")?;
            let written = batch.iter().try_for_each(|&i| {
                let hh = demo::village_households(seed, &plan, i, today);
                demo_village(
                    &mut g,
                    &plan.villages[i].village.id.to_string(),
                    &hh,
                    &mut report,
                )
            });
            match written.and_then(|()| Ok(g.conn.execute_batch("COMMIT")?)) {
                Ok(()) => {}
                Err(e) => {
                    let _ = g.conn.execute_batch("ROLLBACK");
                    for &i in batch {
                        let id = plan.villages[i].village.id.to_string();
                        g.docs.evict(&doc_id(DocKind::Ledger, &id));
                    }
                    return Err(e);
                }
            }
        }
        Ok(report)
    }

    fn demo_grid(&self, township: &str, plan: &demo::DemoPlan) -> Result<()> {
        let mut g = self.lock();
        let (now_ms, device) = (g.now_ms(), g.device.clone());
        let Inner { conn, docs, .. } = &mut *g;
        docs.mutate(
            conn,
            &doc_id(DocKind::Grid, township),
            None,
            now_ms,
            |doc| {
                let mut touched = BTreeSet::new();
                let mut tx = doc.transaction();
                for v in &plan.villages {
                    let vid = v.village.id.to_string();
                    if record_obj(&tx, &vid)?.is_none() {
                        create_record(
                            &mut tx,
                            &vid,
                            "village",
                            &[("name", v.village.name.as_str().into())],
                        )?;
                        touched.insert(vid.clone());
                    }
                    for gr in &v.groups {
                        let gid = gr.id.to_string();
                        if record_obj(&tx, &gid)?.is_none() {
                            let f = [
                                ("village_id", Val::from(vid.as_str())),
                                ("name", gr.name.as_str().into()),
                            ];
                            create_record(&mut tx, &gid, "group", &f)?;
                            touched.insert(gid);
                        }
                    }
                }
                let mut audit = Audit {
                    device: device.clone(),
                    records: Vec::new(),
                    what: "demo".into(),
                    commit: String::new(),
                };
                audit.set_records(&touched);
                let msg = serde_json::to_string(&audit).unwrap_or_default();
                tx.commit_with(CommitOptions::default().with_message(msg).with_time(now_ms));
                Ok(Some(touched))
            },
        )?;
        Ok(())
    }
}

/// Writes one village's demo households into its ledger document, inside the caller's
/// transaction. Each record's rows are written from the fields it was just made with, as an
/// import's are (`engine::project::project_new`), not read back from the document.
fn demo_village(
    g: &mut Inner,
    village: &str,
    hh: &[DemoHousehold],
    report: &mut DemoReport,
) -> Result<()> {
    let (now_ms, device) = (g.now_ms(), g.device.clone());
    let created = g.now_local().format("%Y-%m-%dT%H:%M:%S").to_string();
    let Inner { conn, docs, .. } = g;
    let ledger = doc_id(DocKind::Ledger, village);
    docs.mutate_views(conn, &ledger, Some(village), now_ms, |doc, conn| {
        let stamp = Stamp {
            device: &device,
            created: &created,
            now_ms,
        };
        let mut made = Vec::new();
        write_households(doc, hh, &stamp, report, Some(&mut made))?;
        // In id order, as the rows' indexes are: each insert lands next to the one before.
        made.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (id, view) in &made {
            crate::engine::integrity::check_new_ids(conn, &ledger, std::slice::from_ref(id))?;
            crate::engine::project::project_new(conn, &ledger, Some(village), id, view)?;
        }
        Ok(Vec::new())
    })?;
    Ok(())
}

/// Who and when, for records written by the demo import.
pub struct Stamp<'a> {
    /// Device name for the audit message.
    pub device: &'a str,
    /// Local creation time written into the records.
    pub created: &'a str,
    /// Change timestamp (ms since the epoch).
    pub now_ms: i64,
}

/// Writes demo households into a village ledger document, one change per household (small
/// pieces keep later syncs incremental), skipping households already there. Returns the ids
/// of the records written; with `made`, also pushes each new record's id and view there.
/// This is all the Automerge work of a demo import; the store adds only persistence and
/// projections around it.
pub fn write_households(
    doc: &mut Automerge,
    hh: &[DemoHousehold],
    stamp: &Stamp<'_>,
    report: &mut DemoReport,
    mut made: Option<&mut Vec<(String, RecordView)>>,
) -> Result<BTreeSet<String>> {
    let mut touched = BTreeSet::new();
    for h in hh {
        let hid = h.household.id.to_string();
        if record_obj(&*doc, &hid)?.is_some() {
            report.households_existing += 1;
            continue;
        }
        let mut tx = doc.transaction();
        let mut ids = vec![hid.clone()];
        let hf = [
            ("address", Val::from(h.household.address.as_str())),
            (
                "group_id",
                h.household.group_id.map(|g| g.to_string()).into(),
            ),
            (
                "head_person_id",
                h.household.head_person_id.map(|p| p.to_string()).into(),
            ),
            ("phone", h.household.phone.clone().into()),
            ("created_at", stamp.created.into()),
        ];
        create_record(&mut tx, &hid, "household", &hf)?;
        if let Some(made) = made.as_deref_mut() {
            made.push((
                hid.clone(),
                RecordView::of_new("household", hf.iter().map(|(k, v)| (*k, v))),
            ));
        }
        for p in &h.persons {
            let pid = p.id.to_string();
            let pf = person_fields(p, h);
            create_record(&mut tx, &pid, "person", &pairs(&pf))?;
            if let Some(made) = made.as_deref_mut() {
                made.push((
                    pid.clone(),
                    RecordView::of_new("person", pf.iter().map(|(k, v)| (k.as_str(), v))),
                ));
            }
            ids.push(pid);
        }
        let mut audit = Audit {
            device: stamp.device.to_owned(),
            records: Vec::new(),
            what: "demo".into(),
            commit: String::new(),
        };
        audit.set_records(&ids);
        let msg = serde_json::to_string(&audit).unwrap_or_default();
        tx.commit_with(
            CommitOptions::default()
                .with_message(msg)
                .with_time(stamp.now_ms),
        );
        report.households_created += 1;
        report.persons_created += h.persons.len();
        touched.extend(ids);
    }
    Ok(touched)
}
