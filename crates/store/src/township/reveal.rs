//! Who sees a person's ID number and phone in full. Lists show them masked
//! (`gridbook_domain::privacy`); the full value is shown only to a role that needs it, and
//! each time it is shown the device's log records it (see [`super::export_log`]).
//!
//! The rule, from what the device's enrollment says (its `role` and `village_id` settings):
//! township staff see every person in full; the grid worker of a village sees that village's
//! persons; volunteers and doctors see masked values only. A store never enrolled is the
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

    /// Person `person`'s `field` (`id_number` or `phone`) in full, for a role that may see it
    /// (see [`Store::may_reveal`]); the reveal is recorded in this device's log (whose, which
    /// field, when; never the value). An empty field is returned without a record.
    pub fn reveal(&self, person: &str, field: &str) -> Result<String> {
        if !REVEALABLE.contains(&field) {
            return Err(StoreError::Refused {
                code: "not_revealable".into(),
                zh: "只能查看完整的身份证号或电话".into(),
                en: "only an ID number or a phone can be shown in full".into(),
            });
        }
        let row = self.person(person)?;
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
        let village = village.unwrap_or_default();
        if !self.may_reveal(&village)? {
            return Err(StoreError::Refused {
                code: "not_permitted".into(),
                zh: "本设备的角色只能看到脱敏的身份证号和电话".into(),
                en: "this device's role sees masked ID numbers and phones only".into(),
            });
        }
        let value = if field == "id_number" {
            row.id_number
        } else {
            row.phone.unwrap_or_default()
        };
        if !value.trim().is_empty() {
            self.record_reveal(&row.id, &village, field)?;
        }
        Ok(value)
    }
}
