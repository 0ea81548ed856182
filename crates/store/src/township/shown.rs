//! What lists send to a screen: ID numbers and phones masked (`110101********3931`,
//! `138****5678`, the one rule of `gridbook_domain::privacy`) whatever the role, so a full value
//! never travels in a list (search results, households, checkpoint registers, tasks, merged
//! persons) and the card of one household ([`Store::household_card`]). A full value is shown
//! behind a tap on the card through [`Store::reveal`], or handed to the form that edits the
//! record ([`Store::person_to_edit`], [`Store::household_to_edit`]), for a role that may see
//! the record's village (see [`Store::may_reveal`]); each records the reveal.
//!
//! The concurrent values of a conflicting ID number or phone are masked too, on the card and
//! in the list of conflicts, and so are the old and new values of a record's history: a
//! conflicting value is revealed by a tap ([`Store::reveal_choice`], recorded) and picked by
//! its place ([`Store::resolve_choice`]), never by a full value the screen must hold.

use gridbook_domain::privacy::{mask_id_number, mask_phone};

use crate::error::Result;
use crate::{
    CaseDetail, CheckpointDay, ConflictRow, EntryRow, HistoryEntry, Hit, HouseholdDetail,
    HouseholdPage, HouseholdRow, MergePreview, PersonRow, Store, TaskRow,
};

/// A row, or rows, whose ID numbers and phones can be masked in place.
pub trait Masked {
    /// Masks every ID number and phone it holds.
    fn mask(&mut self);
}

/// `value` masked for a list.
pub fn masked<T: Masked>(mut value: T) -> T {
    value.mask();
    value
}

fn id(number: &mut String) {
    *number = mask_id_number(number);
}

fn phone(phone: &mut Option<String>) {
    if let Some(p) = phone.as_mut() {
        *p = mask_phone(p);
    }
}

/// `value` of field `field` as a list shows it: masked when the field is an ID number or a
/// phone, as it is otherwise.
pub fn masked_text(field: &str, value: &str) -> String {
    match field {
        "id_number" => mask_id_number(value),
        "phone" => mask_phone(value),
        _ => value.to_owned(),
    }
}

/// A JSON value of field `field` (a text, or a list of the values of a conflict) masked as
/// [`masked_text`] masks a text.
fn masked_json(field: &str, value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::String(s) => serde_json::Value::String(masked_text(field, s)),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.iter().map(|v| masked_json(field, v)).collect())
        }
        other => other.clone(),
    }
}

/// The concurrent values of field `field` as a screen shows them (see [`masked_text`]).
pub fn masked_values(field: &str, values: &[serde_json::Value]) -> Vec<serde_json::Value> {
    values.iter().map(|v| masked_json(field, v)).collect()
}

impl Masked for ConflictRow {
    fn mask(&mut self) {
        self.values = masked_values(&self.field, &self.values);
    }
}

impl Masked for HistoryEntry {
    fn mask(&mut self) {
        self.old = masked_json(&self.field, &self.old);
        self.new = masked_json(&self.field, &self.new);
    }
}

impl Masked for gridbook_domain::isolation::Certificate {
    fn mask(&mut self) {
        id(&mut self.id_number);
    }
}

impl Masked for CaseDetail {
    fn mask(&mut self) {
        if let Some(c) = self.certificate.as_mut() {
            c.mask();
        }
    }
}

impl Masked for MergePreview {
    fn mask(&mut self) {
        for p in &mut self.persons {
            p.mask();
        }
    }
}

impl Masked for Hit {
    fn mask(&mut self) {
        id(&mut self.id_number);
        phone(&mut self.phone);
    }
}

impl Masked for PersonRow {
    fn mask(&mut self) {
        id(&mut self.id_number);
        phone(&mut self.phone);
    }
}

impl Masked for HouseholdRow {
    fn mask(&mut self) {
        phone(&mut self.phone);
    }
}

impl Masked for EntryRow {
    fn mask(&mut self) {
        id(&mut self.id_number);
        phone(&mut self.phone);
    }
}

impl Masked for TaskRow {
    fn mask(&mut self) {
        id(&mut self.id_number);
        phone(&mut self.phone);
    }
}

impl Masked for HouseholdPage {
    fn mask(&mut self) {
        self.rows.mask();
    }
}

impl Masked for CheckpointDay {
    fn mask(&mut self) {
        self.recent.mask();
    }
}

impl Masked for HouseholdDetail {
    fn mask(&mut self) {
        self.household.mask();
        self.residents.mask();
        self.conflicts.mask();
    }
}

impl<T: Masked> Masked for Vec<T> {
    fn mask(&mut self) {
        self.iter_mut().for_each(Masked::mask);
    }
}

impl Store {
    /// A household with its residents as its card shows them: ID numbers and phones masked
    /// whatever the role. A role that may see the village in full taps a value to see it
    /// ([`Store::reveal`], recorded); the forms that edit load theirs apart (recorded too).
    pub fn household_card(&self, id: &str) -> Result<HouseholdDetail> {
        Ok(masked(self.household(id)?))
    }
}
