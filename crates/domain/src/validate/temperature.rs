//! Body temperatures.

use crate::error::{FieldError, Result};

/// At or above this temperature (°C) a person has a fever.
pub const FEVER_THRESHOLD: f64 = 37.3;

/// Parses a temperature in °C (35.0–42.0).
pub fn parse_temperature(raw: &str) -> Result<f64> {
    let _ = raw;
    Err(FieldError::new("temperature", "unimplemented", "未实现", "not implemented"))
}

/// Whether a temperature is a fever.
pub fn is_fever(t: f64) -> bool {
    t >= FEVER_THRESHOLD
}
