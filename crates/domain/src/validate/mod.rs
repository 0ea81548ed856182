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
