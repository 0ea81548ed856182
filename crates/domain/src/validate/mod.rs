//! Validators for everything a person types: ID documents, phones, plates, temperatures, names.
//!
//! Each returns the normalized value or a [`FieldError`](crate::FieldError) naming the field
//! and the reason in Chinese and English.

pub mod document;
pub mod id_number;
pub mod name;
pub mod phone;
pub mod plate;
pub mod temperature;
mod text;

pub use document::{parse_id_document, IdDocument};
pub use id_number::{birth_and_gender, check_char, parse_mainland_id, MainlandId};
pub use name::parse_name;
pub use phone::{parse_phone, Phone, PhoneKind};
pub use plate::parse_plate;
pub use temperature::{is_fever, parse_temperature, FEVER_THRESHOLD};

/// Validates one form field as the UI checks it on blur: returns the normalized value or the
/// reason. `field` is one of `name`, `id_number`, `phone`, `plate`, `address`, `temperature`.
pub fn check_field(field: &str, value: &str, today: chrono::NaiveDate) -> crate::Result<String> {
    match field {
        "name" => parse_name(value),
        "id_number" => parse_id_document(value, None, today).map(|d| d.number),
        "phone" => parse_phone(value).map(|p| p.number),
        "plate" => parse_plate(value),
        "temperature" => parse_temperature(value).map(|t| format!("{t:.1}")),
        "address" => {
            let t = value.trim();
            if t.is_empty() || t.chars().count() > 100 {
                Err(crate::FieldError::new(
                    "address",
                    "length",
                    "地址应为1–100个字",
                    "address must be 1–100 characters",
                ))
            } else {
                Ok(t.to_owned())
            }
        }
        other => Err(crate::FieldError::new(
            "field",
            "unknown_field",
            format!("未知字段“{other}”"),
            format!("unknown field '{other}'"),
        )),
    }
}
