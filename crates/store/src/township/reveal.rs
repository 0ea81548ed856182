//! Who sees a person's ID number and phone, and a household's phone, in full. Lists and cards
//! show them masked (`gridbook_domain::privacy`); the full value is shown only to a role that
//! needs it, and each time it is shown the device's log records it (see
//! [`super::export_log`]).
//!
//! The rule, from what the device's enrollment says (its `role` and `village_id` settings):
//! township staff see every person and household in full; the grid worker of a village sees
//! that village's persons and households; volunteers and doctors see masked values only. A store never enrolled is the
//! township's own (or enrolled by an older version: see [`Store::may_export_full_ids`]).

use rusqlite::OptionalExtension;

use crate::error::{Result, StoreError};
use crate::{get_setting, Store};

/// The fields a reveal may show.
pub const REVEALABLE: [&str; 2] = ["id_number", "phone"];

impl Store {
    /// Whether this device's role sees the persons of village `village` in full.
    pub fn may_reveal(&self, village: &str) -> Result<bool> {
        let g = self.lock();
        let role = get_setting(&g.conn, "role")?.filter(|r| !r.is_empty());
        let home = get_setting(&g.conn, "village_id")?.filter(|v| !v.is_empty());
        Ok(match role.as_deref() {
            Some("township") => true,
            Some("grid-worker") => home.as_deref() == Some(village),
            Some(_) => false,
            None => home.is_none_or(|h| h == village),
        })
    }

    /// The `field` of record `record` in full, for a role that may see it (see
    /// [`Store::may_reveal`]): a person's `id_number` or `phone`, or a household's `phone`.
    /// The reveal is recorded in this device's log (which record, which field, when; never
    /// the value). An empty field is returned without a record.
    pub fn reveal(&self, record: &str, field: &str) -> Result<String> {
        if !REVEALABLE.contains(&field) {
            return Err(StoreError::Refused {
                code: "not_revealable".into(),
                zh: "只能查看完整的身份证号或电话".into(),
                en: "only an ID number or a phone can be shown in full".into(),
            });
        }
        let (id, village, value) = match self.person(record) {
            Ok(row) => {
                let village: Option<String> = {
                    let g = self.lock();
                    g.conn
                        .query_row(
                            "SELECT village_id FROM households WHERE id = ?1",
                            [&row.household_id],
                            |r| r.get(0),
                        )
                        .optional()?
                };
                let value = if field == "id_number" {
                    row.id_number
                } else {
                    row.phone.unwrap_or_default()
                };
                (row.id, village.unwrap_or_default(), value)
            }
            // Not a person: a household, or neither (then the person is not found, as before).
            Err(StoreError::NotFound { what, id }) => match self.household_phone(record, field) {
                Err(StoreError::NotFound { .. }) => return Err(StoreError::NotFound { what, id }),
                other => other?,
            },
            Err(e) => return Err(e),
        };
        if !self.may_reveal(&village)? {
            return Err(StoreError::Refused {
                code: "not_permitted".into(),
                zh: "本设备的角色只能看到脱敏的身份证号和电话".into(),
                en: "this device's role sees masked ID numbers and phones only".into(),
            });
        }
        if !value.trim().is_empty() {
            self.record_reveal(&id, &village, field)?;
        }
        Ok(value)
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
