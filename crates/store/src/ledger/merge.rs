//! Duplicate persons merged (疑似重复 → 合并): the merge map and its writes.
//!
//! A merge is one field of the merged person's own record, `merged_into` = the survivor's id,
//! written through the ordinary record edit path with the audit message `merge` (so `history`
//! shows it and the relay checks it like any edit); undoing it clears the field (`unmerge`).
//!
//! The projection resolves the merge map from the persons' rows alone, so every replica that
//! holds the same documents computes the same survivors:
//! - a link counts only if both persons exist here and neither is deleted (a merge into a
//!   person that is gone, or not on this device, leaves the merged person as it was);
//! - links are followed to the end of a chain (A→B→C: A and B count for C);
//! - a cycle (A→B and B→A made concurrently on two devices) survives as its smallest id, and
//!   every other person of the cycle, and every chain into it, resolves to that id.
//!
//! A person resolved to another gets `survivor` set and `deleted` = 1 in its row: it leaves
//! search, counts, lists and exports, while readers of a person's events ask for the survivor
//! together with the persons merged into it ([`group_of`]).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, OptionalExtension};

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::text::parse_uuid;
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::ledger::search;
use crate::{get_setting, Inner, Store};

/// Most persons one refresh of the merge map walks. Honest merges form components of a few
/// persons; a device that writes a longer chain only makes the persons beyond it unresolved
/// here (they stay visible), never a slow or unbounded write.
const MAX_COMPONENT: usize = 512;

/// The ids a person's row links (itself and whom it is merged into), or None without a row.
pub(crate) fn links_of(conn: &Connection, id: &str) -> Result<Option<Vec<String>>> {
    let row: Option<Option<String>> = conn
        .prepare_cached("SELECT merged_into FROM persons WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(row.map(|m| std::iter::once(id.to_owned()).chain(m).collect()))
}

/// Whether any person's row is merged into `id` (whatever its state).
pub(crate) fn merged_into_it(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM persons WHERE merged_into = ?1")?
        .exists([id])?)
}

/// One person of a merge component, as its row holds it.
struct Node {
    rowid: i64,
    merged_into: Option<String>,
    removed: bool,
    survivor: Option<String>,
    deleted: bool,
}

/// The survivor of every person of a component, from each person's own link and deletion
/// (None: the person survives itself). Pure: the same links give the same answer everywhere.
pub(crate) fn resolve(
    links: &BTreeMap<String, (Option<String>, bool)>,
) -> BTreeMap<String, Option<String>> {
    let edge = |n: &str| -> Option<&str> {
        let (to, removed) = links.get(n)?;
        let to = to.as_deref()?;
        let (_, to_removed) = links.get(to)?;
        (!removed && !to_removed && to != n).then_some(to)
    };
    let mut out = BTreeMap::new();
    for start in links.keys() {
        let mut path: Vec<&str> = vec![start];
        let root = loop {
            let cur = path[path.len() - 1];
            match edge(cur) {
                None => break cur.to_owned(),
                Some(next) => {
                    if let Some(i) = path.iter().position(|p| *p == next) {
                        break path[i..].iter().min().copied().unwrap_or(next).to_owned();
                    }
                    path.push(next);
                }
            }
        };
        out.insert(start.clone(), (root != *start).then_some(root));
    }
    out
}

/// Resolves the merge map again for the component(s) of `seeds` and updates the rows (and
/// the search terms of persons that leave or come back) whose survivor changed.
pub(crate) fn refresh(conn: &Connection, seeds: Vec<String>) -> Result<()> {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut queue = seeds;
    let mut row = conn.prepare_cached(
        "SELECT rowid, merged_into, removed, survivor, deleted FROM persons WHERE id = ?1",
    )?;
    let mut into = conn.prepare_cached("SELECT id FROM persons WHERE merged_into = ?1")?;
    let mut seen = BTreeSet::new();
    while let Some(id) = queue.pop() {
        if nodes.len() >= MAX_COMPONENT || !seen.insert(id.clone()) {
            continue;
        }
        // Persons merged into this one, even when it has no row (any more): they are resolved
        // again without it.
        for from in into.query_map([&id], |r| r.get::<_, String>(0))? {
            queue.push(from?);
        }
        let Some(n) = row
            .query_row([&id], |r| {
                Ok(Node {
                    rowid: r.get(0)?,
                    merged_into: r.get(1)?,
                    removed: r.get(2)?,
                    survivor: r.get(3)?,
                    deleted: r.get(4)?,
                })
            })
            .optional()?
        else {
            continue;
        };
        queue.extend(n.merged_into.clone());
        nodes.insert(id, n);
    }
    let links = nodes
        .iter()
        .map(|(id, n)| (id.clone(), (n.merged_into.clone(), n.removed)))
        .collect();
    for (id, survivor) in resolve(&links) {
        let n = &nodes[&id];
        let deleted = n.removed || survivor.is_some();
        if survivor == n.survivor && deleted == n.deleted {
            continue;
        }
        conn.prepare_cached("UPDATE persons SET survivor = ?1, deleted = ?2 WHERE rowid = ?3")?
            .execute(params![survivor, deleted, n.rowid])?;
        if deleted != n.deleted {
            set_terms(conn, n.rowid, !deleted)?;
        }
    }
    Ok(())
}

/// Adds (or removes) the search terms of the person at `rowid`.
fn set_terms(conn: &Connection, rowid: i64, on: bool) -> Result<()> {
    let (name, idn, phone, plate): (String, String, Option<String>, Option<String>) = conn
        .prepare_cached("SELECT name, id_number, phone, plate FROM persons WHERE rowid = ?1")?
        .query_row([rowid], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let terms = search::terms(&name, &idn, phone.as_deref(), plate.as_deref());
    crate::ledger::person_rows::set_terms(conn, rowid, &terms.into_iter().collect(), on)
}

/// Whether a person merged into another has this document number.
pub(crate) fn number_merged(conn: &Connection, number: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM persons WHERE survivor IS NOT NULL AND removed = 0 AND id_number = ?1",
        )?
        .exists([number])?)
}

/// A person and the persons merged into it (whose events count for it), the person first.
pub(crate) fn group_of(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let mut out = vec![id.to_owned()];
    let mut st = conn.prepare_cached("SELECT id FROM persons WHERE survivor = ?1 ORDER BY id")?;
    for m in st.query_map([id], |r| r.get::<_, String>(0))? {
        out.push(m?);
    }
    Ok(out)
}

/// Fields that an empty survivor may take from the person merged into it, when asked.
pub const FILLABLE: [&str; 3] = ["phone", "plate", "address"];

fn refused(code: &str, zh: String, en: String) -> StoreError {
    StoreError::Refused {
        code: code.to_owned(),
        zh,
        en,
    }
}

fn invalid(reason: &'static str, zh: String, en: String) -> StoreError {
    StoreError::Invalid(gridbook_domain::FieldError::new("fill", reason, zh, en))
}

/// (village, merged_into, removed, survivor) of a person, whatever its merge state.
type MergeState = (String, Option<String>, bool, Option<String>);

impl Inner {
    pub(crate) fn merge_state(&self, id: &str) -> Result<MergeState> {
        self.conn
            .prepare_cached(
                "SELECT village_id, merged_into, removed, survivor FROM persons WHERE id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?
            .filter(|s: &MergeState| !s.2)
            .ok_or_else(|| StoreError::not_found("person", id))
    }

    /// Refuses a merge (or its undoing) this device may not make: a grid worker's device
    /// (role `grid-worker`, or an older enrollment with a village) only within its village.
    fn may_merge(&self, villages: &[&str]) -> Result<()> {
        self.may_touch_pair(villages, ("合并", "a merge"))
    }

    /// Refuses what a device may do to a pair of persons (of `villages`) only within its
    /// village when it serves one (`what`: the action, in Chinese and English).
    pub(crate) fn may_touch_pair(&self, villages: &[&str], what: (&str, &str)) -> Result<()> {
        let role = get_setting(&self.conn, "role")?.filter(|r| !r.is_empty());
        let own = get_setting(&self.conn, "village_id")?.filter(|v| !v.is_empty());
        let grid_worker = match role.as_deref() {
            Some(r) => r != "township",
            None => own.is_some(),
        };
        if grid_worker && villages.iter().any(|v| Some(*v) != own.as_deref()) {
            return Err(refused(
                "cross_village",
                format!("两人不在本村，跨村{}须由乡镇操作", what.0),
                format!(
                    "these persons are not both of this village: {} across villages is made by the township",
                    what.1
                ),
            ));
        }
        Ok(())
    }
}

impl Store {
    /// Merges person `merged` into person `into` (both shown in lists now): `merged` carries
    /// where it went and leaves every list, its events count for `into`. `fill` names fields
    /// (of [`FILLABLE`]) that `into` has empty and takes from `merged`. Works offline.
    pub fn merge_person(&self, merged: &str, into: &str, fill: &[String]) -> Result<()> {
        let merged = parse_uuid("person", merged)?;
        let into = parse_uuid("person", into)?;
        if merged == into {
            return Err(refused(
                "same_person",
                "不能把人员合并到其本人".into(),
                "a person cannot be merged into itself".into(),
            ));
        }
        let mut g = self.lock();
        let (mv, _, _, ms) = g.merge_state(&merged)?;
        let (iv, _, _, is) = g.merge_state(&into)?;
        if let Some(s) = ms.or(is) {
            return Err(refused(
                "already_merged",
                format!("其中一人已合并到 {s}，请先撤销合并"),
                format!("one of them is already merged into {s}: undo that first"),
            ));
        }
        g.may_merge(&[&mv, &iv])?;
        let from = self.person_row_locked(&g.conn, &merged)?;
        let to = self.person_row_locked(&g.conn, &into)?;
        let mut fills: Vec<(String, Val)> = Vec::new();
        for f in fill {
            let (theirs, ours) = match f.as_str() {
                "phone" => (&from.phone, &to.phone),
                "plate" => (&from.plate, &to.plate),
                "address" => (&from.address, &to.address),
                other => {
                    return Err(invalid(
                        "not_fillable",
                        format!(
                            "字段“{other}”不能从被合并人员补全，可补全：{}",
                            FILLABLE.join(", ")
                        ),
                        format!(
                            "'{other}' cannot be filled in, expected one of: {}",
                            FILLABLE.join(", ")
                        ),
                    ))
                }
            };
            if ours.is_none() {
                if let Some(v) = theirs {
                    fills.push((f.clone(), v.as_str().into()));
                }
            }
        }
        // The fills and the link are one local commit, across both persons' ledgers when
        // they are of two villages: both change or neither, and a relay that refuses either
        // half has the device discard both (see `Store::edited_together`).
        let docs = [doc_id(DocKind::Ledger, &iv), doc_id(DocKind::Ledger, &mv)];
        g.one_commit(&docs, |g| {
            if !fills.is_empty() {
                self.write_fields(g, &iv, &into, &fills, "merge")?;
            }
            self.write_fields(
                g,
                &mv,
                &merged,
                &[("merged_into".into(), into.as_str().into())],
                "merge",
            )?;
            Ok(())
        })
    }

    /// Persons merged into another (not deleted), newest id order: where 撤销合并 is offered.
    pub fn merged_persons(&self) -> Result<Vec<crate::PersonRow>> {
        let g = self.lock();
        let ids: Vec<String> = g
            .conn
            .prepare(
                "SELECT id FROM persons WHERE survivor IS NOT NULL AND removed = 0 ORDER BY id",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .map(|id| self.person_row_locked(&g.conn, id))
            .collect()
    }

    /// Undoes the merge of `person` (it comes back into lists with its events). A merge made
    /// the other way at the same time on another device (a cycle) is undone with it.
    pub fn unmerge_person(&self, person: &str) -> Result<()> {
        let pid = parse_uuid("person", person)?;
        let mut g = self.lock();
        let (village, link, _, _) = g.merge_state(&pid)?;
        let Some(mut next) = link else {
            return Err(refused(
                "not_merged",
                "该人员未被合并".into(),
                "this person is not merged".into(),
            ));
        };
        // The links to clear: this one, and every other of a cycle through it.
        let mut clear = vec![(pid.clone(), village)];
        let mut seen = BTreeSet::from([pid.clone()]);
        let mut cycle = Vec::new();
        while let Ok((v, l, _, _)) = g.merge_state(&next) {
            if next == pid {
                clear.append(&mut cycle);
                break;
            }
            if !seen.insert(next.clone()) {
                break;
            }
            let Some(l) = l else { break };
            cycle.push((next, v));
            next = l;
        }
        let villages: Vec<&str> = clear.iter().map(|(_, v)| v.as_str()).collect();
        g.may_merge(&villages)?;
        // A cycle may run through persons of several villages: one local commit across their
        // ledgers, as for the merge.
        let mut docs: Vec<String> = clear
            .iter()
            .map(|(_, v)| doc_id(DocKind::Ledger, v))
            .collect();
        docs.sort();
        docs.dedup();
        g.one_commit(&docs, |g| {
            for (id, v) in &clear {
                self.write_fields(g, v, id, &[("merged_into".into(), Val::Null)], "unmerge")?;
            }
            Ok(())
        })
    }
}
