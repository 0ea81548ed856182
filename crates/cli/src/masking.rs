//! What the CLI's lists show of ID numbers and phones. For people, every list masks them, as
//! the app's lists do (`gridbook_domain::privacy`). In JSON (`--json`, read by scripts), a list
//! keeps its fields and their names: full values for a role that sees the person's village in
//! full ([`Store::may_reveal`]: township staff, the village's grid worker), masked otherwise
//! (as the store masks a row, [`Masked`]). A record's history and the list of conflicts follow
//! the same rule.

use std::collections::HashMap;

use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_store::{ConflictRow, HistoryEntry, Hit, Masked, Store, TaskRow};

/// Whether this device sees each village in full, asked once per village.
struct Sees<'a> {
    store: &'a Store,
    known: HashMap<String, bool>,
}

impl<'a> Sees<'a> {
    fn new(store: &'a Store) -> Self {
        Sees {
            store,
            known: HashMap::new(),
        }
    }

    fn full(&mut self, village: Option<&str>) -> gridbook_store::Result<bool> {
        let v = village.unwrap_or_default();
        if let Some(b) = self.known.get(v) {
            return Ok(*b);
        }
        let b = self.store.may_reveal(v)?;
        self.known.insert(v.to_owned(), b);
        Ok(b)
    }
}

/// Masks the hits of persons this device's role may not see in full.
pub fn hits_for_role(store: &Store, hits: &mut [Hit]) -> gridbook_store::Result<()> {
    let mut sees = Sees::new(store);
    for h in hits {
        if !sees.full(Some(&h.village_id))? {
            h.mask();
        }
    }
    Ok(())
}

/// Masks the tasks of persons this device's role may not see in full.
pub fn tasks_for_role(store: &Store, rows: &mut [TaskRow]) -> gridbook_store::Result<()> {
    let mut sees = Sees::new(store);
    for r in rows {
        if !sees.full(r.village_id.as_deref())? {
            r.mask();
        }
    }
    Ok(())
}

/// Masks the conflicting values of records this device's role may not see in full (their
/// village from their document's id).
pub fn conflicts_for_role(store: &Store, rows: &mut [ConflictRow]) -> gridbook_store::Result<()> {
    let mut sees = Sees::new(store);
    for c in rows {
        if !sees.full(gridbook_store::village_of(&c.doc_id))? {
            c.mask();
        }
    }
    Ok(())
}

/// Masks the history of record `record` when this device's role may not see it in full: a
/// person's or a household's by its village; any other record's (a checkpoint entry's) unless
/// the role sees every village.
pub fn history_for_role(
    store: &Store,
    record: &str,
    entries: &mut Vec<HistoryEntry>,
) -> gridbook_store::Result<()> {
    let household = match store.person(record) {
        Ok(p) => Some(p.household_id),
        Err(_) => Some(record.to_owned()),
    };
    let village = household
        .and_then(|h| store.household(&h).ok())
        .map(|d| d.household.village_id);
    if !Sees::new(store).full(village.as_deref())? {
        entries.mask();
    }
    Ok(())
}

/// An ID number as a list shows it to people.
pub fn id(id: &str) -> String {
    mask_id_number(id)
}

/// A phone as a list shows it to people (`-` for none).
pub fn phone(phone: Option<&str>) -> String {
    phone.map_or_else(|| "-".to_owned(), mask_phone)
}
