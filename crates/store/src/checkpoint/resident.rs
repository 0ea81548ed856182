//! The ledger resident a volunteer picks at a checkpoint. A role that may not see the village
//! in full (a checkpoint's volunteer) gets the resident's ID number and phone masked in the
//! match; the entry then names the person by id (`person_id`) and the store fills the full
//! ID number (and phone) from the ledger itself, so the full values never reach the screen.
//! An id that names no living person of the checkpoint's village is refused, whatever the
//! device sends.

use gridbook_domain::checkpoint::EntryInput;
use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_domain::FieldError;
use gridbook_domain::IdKind;
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

use crate::error::{Result, StoreError};
use crate::{Hit, Inner, Masked};

/// A resident's identity as the ledger holds it.
#[derive(Debug, Clone)]
pub(crate) struct Resident {
    /// The person's id.
    pub id: String,
    /// The kind of ID document, as stored.
    pub id_kind: String,
    /// The ID document number, in full.
    pub id_number: String,
    /// The phone, if any.
    pub phone: Option<String>,
}

/// The refusal of a `person_id` that names no resident of the checkpoint's village: the same
/// for an id that does not parse, a person that does not exist, was deleted or lives in
/// another village (a device learns nothing of other villages from it).
fn not_a_resident() -> StoreError {
    StoreError::Invalid(FieldError::new(
        "person_id",
        "not_in_village",
        "所选居民不在本卡口所在村（社区）的台账中，请重新查找或按访客登记",
        "the resident picked is not in the ledger of this checkpoint's village: search again or \
         record a visitor",
    ))
}

/// `s` without spaces, upper-case (how ID numbers compare).
pub(crate) fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

impl Inner {
    /// The living person `person` of village `village`, or [`not_a_resident`].
    pub(crate) fn checkpoint_resident(&self, village: &str, person: &str) -> Result<Resident> {
        let id = Uuid::parse_str(person.trim())
            .map_err(|_| not_a_resident())?
            .to_string();
        self.conn
            .prepare_cached(
                "SELECT id, id_kind, id_number, phone FROM persons
                 WHERE id = ?1 AND village_id = ?2 AND deleted = 0",
            )?
            .query_row(params![id, village], |r| {
                Ok(Resident {
                    id: r.get(0)?,
                    id_kind: r.get(1)?,
                    id_number: r.get(2)?,
                    phone: r.get(3)?,
                })
            })
            .optional()?
            .ok_or_else(not_a_resident)
    }
}

/// Puts resident `r`'s identity into an entry's form: the ledger's ID number and its kind,
/// and the ledger's phone where the form holds it masked (as the match showed it). What the
/// form says of the ID number must be the resident's (empty, masked as a list shows it, or
/// whole); a phone typed in full is the one given at the checkpoint and is kept.
pub(crate) fn fill_identity(input: &mut EntryInput, r: &Resident) -> Result<()> {
    let typed = compact(&input.id_number);
    let full = compact(&r.id_number);
    if !typed.is_empty() && typed != full && typed != compact(&mask_id_number(&r.id_number)) {
        return Err(StoreError::Invalid(FieldError::new(
            "id_number",
            "not_the_resident",
            "身份证号与所选台账居民不符：请解除关联后重新填写",
            "the ID number is not the picked resident's: unlink the resident and type it again",
        )));
    }
    input.id_number = r.id_number.clone();
    input.id_kind = IdKind::parse(&r.id_kind).ok();
    if let Some(phone) = r.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        let given = input.phone.trim();
        if given == mask_phone(phone) {
            input.phone = phone.to_owned();
        }
    }
    Ok(())
}

/// Masks the hits of a checkpoint's match for a role that may not see the village in full: the
/// phone always, the ID number unless it is the whole number the volunteer typed (`query`),
/// which is shown back as typed (a hit of the control list carries only that number).
pub(crate) fn mask_hits(query: &str, hits: &mut [Hit]) {
    let typed = compact(query);
    for h in hits {
        let typed_back =
            (h.matched == "control" || compact(&h.id_number) == typed).then(|| h.id_number.clone());
        h.mask();
        if let Some(id_number) = typed_back {
            h.id_number = id_number;
        }
    }
}
