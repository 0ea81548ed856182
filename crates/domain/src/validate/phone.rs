//! Mobile and landline phone numbers.

use crate::error::{FieldError, Result};

/// Kind of phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    /// 11-digit mobile.
    Mobile,
    /// Landline with area code, e.g. 0818-8912653.
    Landline,
}

/// A validated phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// Normalized: mobiles as 11 digits, landlines as `AREA-NUMBER`.
    pub number: String,
    /// Mobile or landline.
    pub kind: PhoneKind,
}

/// Parses a phone number.
pub fn parse_phone(raw: &str) -> Result<Phone> {
    let _ = raw;
    Err(FieldError::new("phone", "unimplemented", "未实现", "not implemented"))
}
