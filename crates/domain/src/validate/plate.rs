//! Vehicle plates.

use crate::error::{FieldError, Result};

/// Parses a plate and returns it normalized (upper-case, no spaces, dots or dashes).
pub fn parse_plate(raw: &str) -> Result<String> {
    let _ = raw;
    Err(FieldError::new("plate", "unimplemented", "未实现", "not implemented"))
}
