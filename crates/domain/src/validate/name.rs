//! Person names.

use crate::error::{FieldError, Result};

/// Validates and normalizes a person's name (trimmed, inner spaces collapsed).
pub fn parse_name(raw: &str) -> Result<String> {
    let _ = raw;
    Err(FieldError::new("name", "unimplemented", "未实现", "not implemented"))
}
