//! Lists a script reads as JSON (`gridbook search`, `tasks list`, `match`, `entry list`,
//! `history`, `conflicts`): with `full`, and for a role that may see a row's village (see
//! [`Store::may_reveal`]), the row's ID numbers and phones in full; masked otherwise. A list
//! that shows any value in full is one reveal in this device's log (see
//! [`super::export_log`]), however many rows it has: which command showed it, which fields,
//! how many records, and the record and the village when there is one only. A list read
//! masked (`full` false) records nothing.
//!
//! The app's screens take other paths: their lists come masked (see [`super::shown`]), and
//! a full value is shown behind a tap on it (see [`super::reveal`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::engine::doc_id::village_of;
use crate::error::Result;
use crate::township::reveal::REVEALABLE;
use crate::TaskFilter;
use crate::{ConflictRow, EntryRow, ExportRecord, HistoryEntry, Hit, Masked, Store, TaskRow};

/// The full values one list showed, gathered row by row and recorded as one reveal.
#[derive(Debug, Default)]
struct Shown {
    records: BTreeSet<String>,
    villages: BTreeSet<String>,
    fields: BTreeSet<&'static str>,
}

impl Shown {
    /// Records `record` (of village `village`) as showing `field` when `value` is there in
    /// full (a value a list received masked, as some pushed lists are, is none).
    fn add(&mut self, record: &str, village: &str, field: &'static str, value: Option<&str>) {
        if value.is_some_and(|v| !v.trim().is_empty() && !v.contains('*')) {
            self.records.insert(record.to_owned());
            self.villages.insert(village.to_owned());
            self.fields.insert(field);
        }
    }

    /// Records `record` as showing its ID number and its phone, each that is there.
    fn add_both(&mut self, record: &str, village: &str, id_number: &str, phone: Option<&str>) {
        self.add(record, village, "id_number", Some(id_number));
        self.add(record, village, "phone", phone);
    }

    /// Records `record` as showing `field` when the field is an ID number or a phone and any
    /// of the JSON `values` is a text there to show.
    fn add_json(
        &mut self,
        record: &str,
        village: &str,
        field: &str,
        values: &[&serde_json::Value],
    ) {
        let Some(&field) = REVEALABLE.iter().find(|f| **f == field) else {
            return;
        };
        for v in values {
            for text in texts(v) {
                self.add(record, village, field, Some(text));
            }
        }
    }
}

/// The texts a JSON value holds (itself, or the items of a list).
fn texts(v: &serde_json::Value) -> Vec<&str> {
    match v {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(a) => a.iter().filter_map(serde_json::Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether this device sees each village in full, asked once per village.
struct Sees<'a> {
    store: &'a Store,
    known: BTreeMap<String, bool>,
}

impl<'a> Sees<'a> {
    fn new(store: &'a Store) -> Self {
        Sees {
            store,
            known: BTreeMap::new(),
        }
    }

    fn full(&mut self, village: &str) -> Result<bool> {
        if let Some(b) = self.known.get(village) {
            return Ok(*b);
        }
        let b = self.store.may_reveal(village)?;
        self.known.insert(village.to_owned(), b);
        Ok(b)
    }
}

/// `rows` with the ID numbers and phones of a row in full where `full` is set and the role
/// sees the row's village (its village from `village`); every other row masked. Returns what
/// was shown in full (through `show`).
fn shown_rows<T: Masked>(
    store: &Store,
    rows: &mut [T],
    full: bool,
    village: impl Fn(&T) -> String,
    show: impl Fn(&T, &str, &mut Shown),
) -> Result<Shown> {
    let mut shown = Shown::default();
    let mut sees = Sees::new(store);
    for row in rows.iter_mut() {
        let v = village(row);
        if full && sees.full(&v)? {
            show(row, &v, &mut shown);
        } else {
            row.mask();
        }
    }
    Ok(shown)
}

impl Store {
    /// [`Store::search`] as a script reads it (see the module's documentation).
    pub fn search_shown(&self, query: &str, limit: usize, full: bool) -> Result<Vec<Hit>> {
        let mut hits = self.search(query, limit)?;
        let shown = shown_rows(
            self,
            &mut hits,
            full,
            |h| h.village_id.clone(),
            |h, v, s| s.add_both(&h.person_id, v, &h.id_number, h.phone.as_deref()),
        )?;
        self.record_list_reveal("search", &shown)?;
        Ok(hits)
    }

    /// [`Store::tasks`] as a script reads them: a task's record is its person when it
    /// matched one, else the task itself (see the module's documentation).
    pub fn tasks_shown(&self, filter: &TaskFilter, full: bool) -> Result<Vec<TaskRow>> {
        let mut rows = self.tasks(filter)?;
        let shown = shown_rows(
            self,
            &mut rows,
            full,
            |r| r.village_id.clone().unwrap_or_default(),
            |r, v, s| {
                let record = r.person_id.as_deref().unwrap_or(r.task_id.as_str());
                s.add_both(record, v, &r.id_number, r.phone.as_deref());
            },
        )?;
        self.record_list_reveal("tasks", &shown)?;
        Ok(rows)
    }

    /// [`Store::conflicts`] as a script reads them, a record's village from its document's
    /// id (see the module's documentation).
    pub fn conflicts_shown(&self, full: bool) -> Result<Vec<ConflictRow>> {
        let mut rows = self.conflicts()?;
        let shown = shown_rows(
            self,
            &mut rows,
            full,
            |c| village_of(&c.doc_id).unwrap_or_default().to_owned(),
            |c, v, s| {
                let values: Vec<&serde_json::Value> = c.values.iter().collect();
                s.add_json(&c.record_id, v, &c.field, &values);
            },
        )?;
        self.record_list_reveal("conflicts", &shown)?;
        Ok(rows)
    }

    /// [`Store::history`] of record `record` as a script reads it: a person's or a
    /// household's by its village; any other record's (a checkpoint entry's) in full only for
    /// a role that sees every village (see the module's documentation).
    pub fn history_shown(&self, record: &str, full: bool) -> Result<Vec<HistoryEntry>> {
        let mut entries = self.history(record)?;
        let household = match self.person(record) {
            Ok(p) => p.household_id,
            Err(_) => record.to_owned(),
        };
        let village = self
            .household(&household)
            .map(|d| d.household.village_id)
            .unwrap_or_default();
        let shown = shown_rows(
            self,
            &mut entries,
            full,
            |_| village.clone(),
            |e, v, s| s.add_json(record, v, &e.field, &[&e.old, &e.new]),
        )?;
        self.record_list_reveal("history", &shown)?;
        Ok(entries)
    }

    /// [`Store::entries`] of a checkpoint's day as a script reads them: in full for a role
    /// that sees the checkpoint's village (see the module's documentation).
    pub fn entries_shown(
        &self,
        checkpoint: &str,
        day: NaiveDate,
        full: bool,
    ) -> Result<Vec<EntryRow>> {
        let mut rows = self.entries(checkpoint, day)?;
        let id = crate::engine::text::parse_uuid("checkpoint", checkpoint)?;
        let village = self.lock().checkpoint_village(&id)?;
        let shown = shown_rows(
            self,
            &mut rows,
            full,
            |_| village.clone(),
            |e, v, s| s.add_both(&e.id, v, &e.id_number, e.phone.as_deref()),
        )?;
        self.record_list_reveal("entries", &shown)?;
        Ok(rows)
    }

    /// [`Store::match_residents`] as a script reads it. A whole ID number typed is shown back
    /// as typed, masked or not, and is no reveal; without `full` the hits are masked as for a
    /// role that may not see the village (see the module's documentation).
    pub fn match_shown(
        &self,
        checkpoint: &str,
        query: &str,
        limit: usize,
        full: bool,
    ) -> Result<Vec<Hit>> {
        let mut hits = self.match_residents(checkpoint, query, limit)?;
        if !full {
            crate::checkpoint::resident::mask_hits(query, &mut hits);
            return Ok(hits);
        }
        let typed = crate::checkpoint::resident::compact(query);
        let mut shown = Shown::default();
        let mut sees = Sees::new(self);
        for h in &hits {
            if !sees.full(&h.village_id)? || h.person_id.is_empty() {
                continue;
            }
            if crate::checkpoint::resident::compact(&h.id_number) != typed {
                shown.add(
                    &h.person_id,
                    &h.village_id,
                    "id_number",
                    Some(h.id_number.as_str()),
                );
            }
            shown.add(&h.person_id, &h.village_id, "phone", h.phone.as_deref());
        }
        self.record_list_reveal("match", &shown)?;
        Ok(hits)
    }

    /// Records what list `via` showed in full as one reveal; nothing when it showed nothing.
    fn record_list_reveal(&self, via: &str, shown: &Shown) -> Result<Option<String>> {
        if shown.records.is_empty() {
            return Ok(None);
        }
        let one = |set: &BTreeSet<String>| (set.len() == 1).then(|| set.iter().next().cloned());
        let entry = ExportRecord {
            kind: "reveal".into(),
            village_id: one(&shown.villages).flatten().filter(|v| !v.is_empty()),
            subject: one(&shown.records).flatten(),
            field: Some(shown.fields.iter().copied().collect::<Vec<_>>().join(",")),
            via: Some(via.into()),
            rows: shown.records.len() as u64,
            full_ids: shown.fields.contains("id_number"),
            ..ExportRecord::default()
        };
        self.record_reveals(&entry).map(Some)
    }
}
