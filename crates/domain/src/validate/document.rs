//! Identity documents: mainland ID, passports, 港澳 and 台湾 permits.

use chrono::NaiveDate;

use crate::error::{FieldError, Result};
use crate::model::{Gender, IdKind};

/// A validated identity document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdDocument {
    /// Kind of document.
    pub kind: IdKind,
    /// Normalized number.
    pub number: String,
    /// Birth date, for mainland IDs.
    pub birth_date: Option<NaiveDate>,
    /// Gender, for mainland IDs.
    pub gender: Option<Gender>,
}

/// Parses a document number; with `kind == None` the kind is detected from its shape.
pub fn parse_id_document(raw: &str, kind: Option<IdKind>, today: NaiveDate) -> Result<IdDocument> {
    let _ = (raw, kind, today);
    Err(FieldError::new("id_number", "unimplemented", "未实现", "not implemented"))
}
