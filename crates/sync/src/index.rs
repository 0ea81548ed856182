//! The index a session starts with, kept small as checkpoint days pile up.
//!
//! Checkpoint entries live in one document per checkpoint and day, so a device of a village
//! with two checkpoints holds some 60 entries documents after a month, a township device
//! thousands after a season. Listing each of them on every sync would make a reconnect with
//! nothing changed cost kilobytes that grow with time. So the device lists its documents one by
//! one except finished checkpoint days, which it lists as one entry per village and month
//! (`entries:<village>:*:<YYYY-MM>`) with a digest over the ids and heads of the days in it.
//! The relay computes the same digest over its own documents of that village and month that
//! the index does not list one by one; if the two differ it names the group in its answer, and
//! the device lists that group's documents one by one in a second session.
//!
//! Which days are "finished" is the device's choice (its three newest days, and any day it
//! changed since it last synced, are listed one by one); the relay needs no clock, it reads the
//! membership from the index itself. Pure functions, no I/O.

use std::collections::{BTreeMap, BTreeSet};

use gridbook_store::{DocId, DocKind};

use crate::wire::{digest, HeadsDigest};

/// How many of its newest checkpoint days a device lists one by one.
pub const OPEN_DAYS: usize = 3;

/// The day of an entries document `entries:<village>:<checkpoint>:<YYYY-MM-DD>`, with its
/// village.
fn entries_day(doc: &str) -> Option<(&str, &str)> {
    let id = DocId::parse(doc).filter(|id| id.kind == DocKind::Entries && !id.is_group())?;
    Some((id.owner, id.bucket?))
}

/// The group an entries document would be listed in: `entries:<village>:*:<YYYY-MM>`.
pub fn group_of(doc: &str) -> Option<String> {
    entries_day(doc).map(|(village, day)| format!("entries:{village}:*:{}", &day[..7]))
}

/// Whether an index entry names a group rather than a document.
pub fn is_group(id: &str) -> bool {
    DocId::parse(id).is_some_and(|id| id.is_group())
}

/// The digest of a group: over the `id heads` lines of its documents, sorted by id.
pub fn group_digest<'a>(members: impl IntoIterator<Item = (&'a str, &'a str)>) -> HeadsDigest {
    let mut lines: Vec<(&str, &str)> = members.into_iter().collect();
    lines.sort_unstable();
    let mut text = String::new();
    for (id, heads) in lines {
        text.push_str(id);
        text.push(' ');
        text.push_str(heads);
        text.push('\n');
    }
    digest(&text)
}

/// The digest of a whole scope: over the `id heads` lines of every document (`heads` as the
/// store lists them). A device with nothing to send opens its session with this alone; a relay
/// that remembers which heads it left the device at (see [`crate::ScopeMemory`])
/// recognises it and so knows every document's heads on the device from 8 bytes.
pub fn scope_digest(heads: &[(String, String)]) -> HeadsDigest {
    group_digest(heads.iter().map(|(id, h)| (id.as_str(), h.as_str())))
}

/// The device's index over `heads` (every document with its heads text). Documents in
/// `single` (changed here since the last sync) and entries documents of groups in `expand`
/// are listed one by one, as are the device's [`OPEN_DAYS`] newest checkpoint days; the other
/// entries documents go into their group.
pub fn device_index(
    heads: &[(String, String)],
    single: &BTreeSet<String>,
    expand: &BTreeSet<String>,
) -> Vec<(String, HeadsDigest)> {
    let days: BTreeSet<&str> = heads
        .iter()
        .filter_map(|(id, _)| entries_day(id).map(|(_, d)| d))
        .collect();
    let open_from = days.iter().rev().nth(OPEN_DAYS - 1).copied().unwrap_or("");
    let mut out = Vec::new();
    let mut groups: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for (id, h) in heads {
        let group = match entries_day(id) {
            Some((_, day)) if day < open_from && !single.contains(id) => group_of(id),
            _ => None,
        };
        match group.filter(|g| !expand.contains(g)) {
            Some(g) => groups.entry(g).or_default().push((id, h)),
            None => out.push((id.clone(), digest(h))),
        }
    }
    out.extend(groups.into_iter().map(|(g, m)| (g, group_digest(m))));
    out
}

/// What the relay makes of an index: the documents listed one by one, and for each group the
/// digest the device sent.
pub struct RelayView {
    /// Documents listed one by one.
    pub singles: BTreeMap<String, HeadsDigest>,
    /// Groups with the device's digest.
    pub groups: BTreeMap<String, HeadsDigest>,
}

impl RelayView {
    /// Splits an index.
    pub fn new(index: Vec<(String, HeadsDigest)>) -> RelayView {
        let (groups, singles) = index.into_iter().partition(|(id, _)| is_group(id));
        RelayView { singles, groups }
    }

    /// The group that covers document `doc` of the relay in this index, if one does.
    pub fn covering(&self, doc: &str) -> Option<String> {
        if self.singles.contains_key(doc) {
            return None;
        }
        group_of(doc).filter(|g| self.groups.contains_key(g))
    }

    /// Groups whose digest differs from the relay's `ours` (document → heads text; only
    /// documents the device may read).
    pub fn differing_groups(&self, ours: &BTreeMap<String, String>) -> Vec<String> {
        let mut members: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
        for (id, h) in ours {
            if let Some(g) = self.covering(id) {
                members.entry(g).or_default().push((id, h));
            }
        }
        self.groups
            .iter()
            .filter(|(g, theirs)| {
                let m = members.remove(*g).unwrap_or_default();
                group_digest(m) != **theirs
            })
            .map(|(g, _)| g.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(day: &str) -> String {
        format!("entries:V:C:{day}")
    }

    fn heads(days: &[&str]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = days.iter().map(|d| (doc(d), format!("h{d}"))).collect();
        v.push(("ledger:V".into(), "hl".into()));
        v.sort();
        v
    }

    #[test]
    fn finished_days_go_into_month_groups() {
        let h = heads(&[
            "2026-10-30",
            "2026-11-01",
            "2026-11-02",
            "2026-11-28",
            "2026-11-29",
            "2026-11-30",
        ]);
        let index = device_index(&h, &BTreeSet::new(), &BTreeSet::new());
        let ids: Vec<&str> = index.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "entries:V:C:2026-11-28",
                "entries:V:C:2026-11-29",
                "entries:V:C:2026-11-30",
                "ledger:V",
                "entries:V:*:2026-10",
                "entries:V:*:2026-11",
            ]
        );
        // A day changed here, or a group to expand, is listed one by one.
        let single = BTreeSet::from([doc("2026-11-01")]);
        let expand = BTreeSet::from(["entries:V:*:2026-10".to_owned()]);
        let index = device_index(&h, &single, &expand);
        let ids: BTreeSet<&str> = index.iter().map(|(id, _)| id.as_str()).collect();
        assert!(ids.contains("entries:V:C:2026-11-01") && ids.contains("entries:V:C:2026-10-30"));
        assert!(ids.contains("entries:V:*:2026-11") && !ids.contains("entries:V:*:2026-10"));
    }

    #[test]
    fn the_relay_finds_the_groups_that_differ() {
        let h = heads(&[
            "2026-10-30",
            "2026-11-01",
            "2026-11-28",
            "2026-11-29",
            "2026-11-30",
        ]);
        let view = RelayView::new(device_index(&h, &BTreeSet::new(), &BTreeSet::new()));
        let mut ours: BTreeMap<String, String> = h.into_iter().collect();
        assert!(view.differing_groups(&ours).is_empty());
        assert_eq!(
            view.covering(&doc("2026-11-01")).as_deref(),
            Some("entries:V:*:2026-11")
        );
        assert_eq!(view.covering(&doc("2026-11-29")), None, "listed one by one");
        // A day the device lacks, or one whose heads moved, makes its group differ.
        ours.insert(doc("2026-10-02"), "x".into());
        ours.insert(doc("2026-11-01"), "moved".into());
        assert_eq!(
            view.differing_groups(&ours),
            ["entries:V:*:2026-10", "entries:V:*:2026-11"]
        );
        // A group the relay has nothing of differs too (the device has days the relay lacks).
        let empty = BTreeMap::new();
        assert_eq!(view.differing_groups(&empty).len(), 2);
    }

    #[test]
    fn only_well_formed_entries_ids_group() {
        assert_eq!(
            group_of("entries:V:C:2026-11-01").as_deref(),
            Some("entries:V:*:2026-11")
        );
        for id in [
            "ledger:V",
            "entries:V:*:2026-11",
            "entries:V:C",
            "entries:V:C:2026-11-01:x",
            "entries:V:C:20261101",
        ] {
            assert_eq!(group_of(id), None, "{id}");
        }
        assert!(is_group("entries:V:*:2026-11") && !is_group("entries:V:C:2026-11-01"));
    }
}
