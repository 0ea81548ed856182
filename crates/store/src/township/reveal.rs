//! Who sees a person's ID number and phone, and a household's phone, in full. Lists and cards
//! show them masked (`gridbook_domain::privacy`); the full value is shown only to a role that
//! needs it, and each time it is shown the device's log records it (see
//! [`super::export_log`]): a tap on the card ([`Store::reveal`]), on one of the values of a
//! conflict ([`Store::reveal_choice`]), the form that edits the record
//! ([`Store::person_to_edit`], [`Store::household_to_edit`]) or a script that reads a record
//! whole ([`Store::household_shown`], [`Store::person_shown`]). The log has no column for why
//! a value was shown: a reveal for a form is recorded as any other.
//!
//! The rule, from what the device's enrollment says (its `role` and `village_id` settings):
//! township staff see every person and household in full; the grid worker of a village sees
//! that village's persons and households; volunteers and doctors see masked values only. A
//! store never enrolled is the township's own (or enrolled by an older version: see
//! [`Store::may_export_full_ids`]).

use std::collections::BTreeSet;

use rusqlite::OptionalExtension;

use crate::error::{Result, StoreError};
use crate::{get_setting, HouseholdDetail, Inner, Masked, PersonRow, Store};

/// The fields a reveal may show.
pub const REVEALABLE: [&str; 2] = ["id_number", "phone"];

impl Inner {
    /// Whether this device's role sees the persons of village `village` in full.
    pub(crate) fn may_reveal(&self, village: &str) -> Result<bool> {
        let role = get_setting(&self.conn, "role")?.filter(|r| !r.is_empty());
        let home = get_setting(&self.conn, "village_id")?.filter(|v| !v.is_empty());
        Ok(match role.as_deref() {
            Some("township") => true,
            Some("grid-worker") => home.as_deref() == Some(village),
            Some(_) => false,
            None => home.is_none_or(|h| h == village),
        })
    }
}

/// Refuses a field that is no ID number or phone.
fn revealable(field: &str) -> Result<()> {
    if REVEALABLE.contains(&field) {
        return Ok(());
    }
    Err(StoreError::Refused {
        code: "not_revealable".into(),
        zh: "只能查看完整的身份证号或电话".into(),
        en: "only an ID number or a phone can be shown in full".into(),
    })
}

/// Whether an ID number or a phone is there to show (an empty one is no reveal).
fn present(value: Option<&String>) -> bool {
    value.is_some_and(|v| !v.trim().is_empty())
}

/// The refusal of a full value to a role that may not see it.
fn not_permitted() -> StoreError {
    StoreError::Refused {
        code: "not_permitted".into(),
        zh: "本设备的角色只能看到脱敏的身份证号和电话".into(),
        en: "this device's role sees masked ID numbers and phones only".into(),
    }
}

impl Store {
    /// Whether this device's role sees the persons of village `village` in full.
    pub fn may_reveal(&self, village: &str) -> Result<bool> {
        self.lock().may_reveal(village)
    }

    /// The `field` of record `record` in full, for a role that may see it (see
    /// [`Store::may_reveal`]): a person's `id_number` or `phone`, or a household's `phone`.
    /// The reveal is recorded in this device's log (which record, which field, when; never
    /// the value). An empty field is returned without a record.
    pub fn reveal(&self, record: &str, field: &str) -> Result<String> {
        revealable(field)?;
        let (id, village, value) = match self.person(record) {
            Ok(row) => {
                let village = self.village_of_household(&row.household_id)?;
                let value = if field == "id_number" {
                    row.id_number
                } else {
                    row.phone.unwrap_or_default()
                };
                (row.id, village, value)
            }
            // Not a person: a household, or neither (then the person is not found, as before).
            Err(StoreError::NotFound { what, id }) => match self.household_phone(record, field) {
                Err(StoreError::NotFound { .. }) => return Err(StoreError::NotFound { what, id }),
                other => other?,
            },
            Err(e) => return Err(e),
        };
        if !self.may_reveal(&village)? {
            return Err(not_permitted());
        }
        if !value.trim().is_empty() {
            self.record_reveal(&id, &village, field)?;
        }
        Ok(value)
    }

    /// Person `id` as the form that edits it needs it: its ID number and phone in full, for a
    /// role that may see its village in full (refused for any other). Each full value handed
    /// out is a reveal, recorded in this device's log as a tap on the card would be (one
    /// record per field; an empty field is none).
    pub fn person_to_edit(&self, id: &str) -> Result<PersonRow> {
        let row = self.person(id)?;
        let village = self.village_of_household(&row.household_id)?;
        if !self.may_reveal(&village)? {
            return Err(not_permitted());
        }
        self.record_person_reveals(&row, &village)?;
        Ok(row)
    }

    /// Household `id` as the form that edits it needs it: its own phone in full, for a role
    /// that may see its village in full (refused for any other), recorded as a reveal when it
    /// has one; its residents masked (the form names them only, to choose the head).
    pub fn household_to_edit(&self, id: &str) -> Result<HouseholdDetail> {
        let mut detail = self.household(id)?;
        let (hid, village) = (
            detail.household.id.clone(),
            detail.household.village_id.clone(),
        );
        if !self.may_reveal(&village)? {
            return Err(not_permitted());
        }
        if present(detail.household.phone.as_ref()) {
            self.record_reveal(&hid, &village, "phone")?;
        }
        detail.residents.mask();
        detail.conflicts.mask();
        Ok(detail)
    }

    /// Value number `index` (from 0, in the order [`Store::conflicts`] lists them) of the
    /// concurrent values of `field` of record `record` in full, for a role that may see the
    /// record's village: the tap on one value of a conflict, recorded as a reveal of that
    /// field of that record (an empty value is none).
    pub fn reveal_choice(&self, record: &str, field: &str, index: usize) -> Result<String> {
        revealable(field)?;
        let row = crate::engine::history::conflict_of(&self.lock().conn, record, field)?;
        let village = crate::engine::doc_id::village_of(&row.doc_id)
            .unwrap_or_default()
            .to_owned();
        if !self.may_reveal(&village)? {
            return Err(not_permitted());
        }
        let value = match row.values.get(index) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) => String::new(),
            Some(other) => other.to_string(),
            None => {
                return Err(StoreError::Invalid(gridbook_domain::FieldError::new(
                    "index",
                    "not_a_choice",
                    format!("没有第 {} 个冲突值", index + 1),
                    format!("there is no value number {}", index + 1),
                )))
            }
        };
        if !value.trim().is_empty() {
            self.record_reveal(&row.record_id, &village, field)?;
        }
        Ok(value)
    }

    /// Household `id` as a script reads it whole (`gridbook household show --json`): with
    /// `full`, and for a role that may see its village, its phone and its residents' ID numbers
    /// and phones in full (the values of their conflicts too), each recorded as a reveal (one
    /// record per field of each person or household that has one); masked otherwise, nothing
    /// recorded.
    pub fn household_shown(&self, id: &str, full: bool) -> Result<HouseholdDetail> {
        let mut detail = self.household(id)?;
        let village = detail.household.village_id.clone();
        if !full || !self.may_reveal(&village)? {
            detail.mask();
            return Ok(detail);
        }
        let mut shown: BTreeSet<(&str, &str)> = BTreeSet::new();
        if present(detail.household.phone.as_ref()) {
            shown.insert((detail.household.id.as_str(), "phone"));
        }
        for p in &detail.residents {
            if present(Some(&p.id_number)) {
                shown.insert((p.id.as_str(), "id_number"));
            }
            if present(p.phone.as_ref()) {
                shown.insert((p.id.as_str(), "phone"));
            }
        }
        for c in &detail.conflicts {
            let any = c
                .values
                .iter()
                .any(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()));
            if REVEALABLE.contains(&c.field.as_str()) && any {
                shown.insert((c.record_id.as_str(), c.field.as_str()));
            }
        }
        for (record, field) in shown {
            self.record_reveal(record, &village, field)?;
        }
        Ok(detail)
    }

    /// Person `id` as a script reads it whole (`gridbook person show --json`): with `full`,
    /// and for a role that may see its village, its ID number and phone in full, each recorded
    /// as a reveal; masked otherwise, nothing recorded.
    pub fn person_shown(&self, id: &str, full: bool) -> Result<PersonRow> {
        let mut row = self.person(id)?;
        let village = self.village_of_household(&row.household_id)?;
        if !full || !self.may_reveal(&village)? {
            row.mask();
            return Ok(row);
        }
        self.record_person_reveals(&row, &village)?;
        Ok(row)
    }

    /// Records the reveal of person `row`'s ID number and phone, each that it has.
    fn record_person_reveals(&self, row: &PersonRow, village: &str) -> Result<()> {
        for (field, value) in [
            ("id_number", Some(&row.id_number)),
            ("phone", row.phone.as_ref()),
        ] {
            if present(value) {
                self.record_reveal(&row.id, village, field)?;
            }
        }
        Ok(())
    }

    /// The village of household `household` (empty when this store does not list it).
    fn village_of_household(&self, household: &str) -> Result<String> {
        let g = self.lock();
        Ok(g.conn
            .query_row(
                "SELECT village_id FROM households WHERE id = ?1",
                [household],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Household `household`'s (id, village, phone) for a reveal of `field`: a household has
    /// a phone and no ID number.
    fn household_phone(&self, household: &str, field: &str) -> Result<(String, String, String)> {
        let row = self.household(household)?.household;
        if field != "phone" {
            return Err(StoreError::Refused {
                code: "not_revealable".into(),
                zh: "户只有电话可查看完整号码".into(),
                en: "a household has a phone to show in full, no ID number".into(),
            });
        }
        Ok((row.id, row.village_id, row.phone.unwrap_or_default()))
    }
}
