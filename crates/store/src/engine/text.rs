//! Ids and times as records keep them in text: one parser and one printer each.

use chrono::NaiveDateTime;
use gridbook_domain::FieldError;
use uuid::Uuid;

use crate::error::{Result, StoreError};

/// A record id typed or sent for `field`, normalised to the lower-case hyphenated form.
pub(crate) fn parse_uuid(field: &'static str, s: &str) -> Result<String> {
    Uuid::parse_str(s.trim())
        .map(|u| u.to_string())
        .map_err(|_| {
            StoreError::Invalid(FieldError::new(
                field,
                "uuid",
                format!("编号“{s}”格式不正确"),
                format!("'{s}' is not a valid id"),
            ))
        })
}

/// A time as records store it: local time to the second.
pub(crate) fn fmt_at(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A stored or typed time: with seconds (and a fraction), or to the minute.
pub fn parse_at(s: &str) -> Option<NaiveDateTime> {
    // `%.f` also reads the fixed-width fraction of entry times (their sort key text).
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .ok()
}
